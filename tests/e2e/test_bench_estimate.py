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


def _wall(line: str) -> str:
    return re.search(r"; about (.+?) at concurrency", line).group(1)


def test_the_quota_caps_the_concurrency_of_the_estimate_and_defaults_to_the_deployment_setting(
    tmp_path, capsys, monkeypatch
):
    from imagegate_service import constants

    monkeypatch.delenv("IMAGEGATE_CDK_IMAGE_MODEL_REQUESTS_PER_MINUTE", raising=False)
    cap = constants.benchmark_concurrency_for_quota(10)
    assert cap < 20

    # When the bundled suite is estimated at concurrency 20 with a quota of 10 image requests a minute
    assert (
        main(["bench", "--estimate", "--concurrency", "20", "--images-per-minute", "10", "--out", str(tmp_path)]) == 0
    )
    quota_line = capsys.readouterr().out.splitlines()[0]

    # Then it runs at the cap the quota bears, as a deployment with that setting would, and says so
    assert f"at concurrency {cap} (20 asked: 10 image requests/min bear {cap})" in quota_line
    # And takes as long as the cap's concurrency does, longer than 20 at once would
    assert main(["bench", "--estimate", "--concurrency", str(cap), "--out", str(tmp_path)]) == 0
    at_cap = capsys.readouterr().out.splitlines()[0]
    assert main(["bench", "--estimate", "--concurrency", "20", "--out", str(tmp_path)]) == 0
    unbounded = capsys.readouterr().out.splitlines()[0]
    assert _wall(quota_line) == _wall(at_cap) != _wall(unbounded)
    assert "asked" not in unbounded and "at concurrency 20" in unbounded

    # And without the flag, the deployment's imageModelRequestsPerMinute is the quota (and is named)
    monkeypatch.setenv("IMAGEGATE_CDK_IMAGE_MODEL_REQUESTS_PER_MINUTE", "10")
    assert main(["bench", "--estimate", "--concurrency", "20", "--out", str(tmp_path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == quota_line
    assert "the deployment's imageModelRequestsPerMinute 10 (cdk.json or IMAGEGATE_CDK_" in lines[1]
