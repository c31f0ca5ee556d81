"""`imagegate bench --estimate`: what a suite would cost and take in AWS, printed without running anything."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from imagegate.cli import EXIT_INVALID_INPUT, main

pytestmark = pytest.mark.e2e
PARTIPROMPTS = Path(__file__).resolve().parents[2].parent / "shared" / "benchmarks" / "PartiPrompts.tsv"


def _figures(line: str) -> tuple[int, float, float, float]:
    match = re.search(
        r"AWS estimate, ([\d,]+) runs .*: models \$([\d,.]+) \+ Step Functions \$([\d,.]+) .* = \$([\d,.]+);", line
    )
    assert match, line
    runs, models, sfn, total = (float(group.replace(",", "")) for group in match.groups())
    return int(runs), models, sfn, total


def test_the_estimate_of_partiprompts_runs_nothing_and_scales_with_the_suite(tmp_path, capsys):
    if not PARTIPROMPTS.is_file():
        pytest.skip(f"{PARTIPROMPTS} not found")

    # When the whole of PartiPrompts is estimated at concurrency 20, before any report exists
    assert (
        main(
            ["bench", "--partiprompts", str(PARTIPROMPTS), "--estimate", "--concurrency", "20", "--out", str(tmp_path)]
        )
        == 0
    )
    first = capsys.readouterr().out.splitlines()[0]

    # Then it counts every prompt, at the worst case, and the parts add up
    runs, models, sfn, total = _figures(first)
    assert runs == 1632 and "worst case" in first and "at concurrency 20" in first
    assert total == pytest.approx(models + sfn, abs=0.011) and sfn > 0
    assert list(tmp_path.iterdir()) == []  # nothing ran, nothing was written

    # And half the prompts cost about half as much
    assert (
        main(["bench", "--partiprompts", str(PARTIPROMPTS), "--limit", "816", "--estimate", "--out", str(tmp_path)])
        == 0
    )
    half = _figures(capsys.readouterr().out.splitlines()[0])
    assert half[0] == 816 and half[1] == pytest.approx(models / 2, rel=0.01)


def test_a_report_in_out_measures_the_rounds_and_the_quota_bounds_the_wall_time(tmp_path, capsys):
    # Given an earlier report whose loop runs took one round each
    (tmp_path / "2026-01-01").mkdir()
    runs = [{"arm": "loop", "rounds": 1, "images": 1, "durationSeconds": 3} for _ in range(4)]
    (tmp_path / "2026-01-01" / "report.json").write_text(
        json.dumps({"date": "2026-01-01", "runs": runs, "settings": {}})
    )

    # When the bundled suite is estimated with a generator quota of 1 image a minute
    assert main(["bench", "--estimate", "--out", str(tmp_path), "--images-per-minute", "1"]) == 0
    out = capsys.readouterr().out

    # Then the rounds are the measured ones, and the quota sets the wall time (one minute an image)
    count, *_ = _figures(out)
    assert "measured rounds and candidates" in out and "bound by 1 images/min" in out
    assert "1.00 rounds x 1.00 candidates" in out and "measured by the 2026-01-01 report" in out
    assert f"about {count / 60:.1f} h" in out or f"about {count} min" in out


def test_a_bad_quota_is_refused_naming_the_flag(tmp_path, capsys):
    with pytest.raises(SystemExit) as exited:
        main(["bench", "--estimate", "--images-per-minute", "0", "--out", str(tmp_path)])
    assert exited.value.code == EXIT_INVALID_INPUT
    assert "--images-per-minute" in capsys.readouterr().err
