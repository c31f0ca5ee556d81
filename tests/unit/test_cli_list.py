"""Issue 25.8: `imagegate list` shows the runs in the data folder newest first (id, status, rounds, score, the
evaluator's verdict, cost, the prompt on one line) and `imagegate show` takes a run id (or its unique start) as
well as a folder; a wrong id, an ambiguous start or an unknown status is one line naming what to do, exit 2."""

import json
from datetime import UTC, datetime, timedelta

import pytest

from imagegate.cli import LIST_PROMPT_CHARS, main
from imagegate.export import RUN_FILE, build_run_document
from imagegate_service import constants as c
from imagegate_service.domain.start import new_run_item
from imagegate_service.settings import resolve_settings

pytestmark = pytest.mark.unit

START = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def _write_run(data_dir, run_id, status, prompt="a red apple", minutes=0, **fields):
    when = START + timedelta(minutes=minutes)
    item = {"runId": run_id, **new_run_item(run_id, resolve_settings({"prompt": prompt}), when, status), **fields}
    document = build_run_document(item, [])
    (data_dir / run_id).mkdir(parents=True)
    (data_dir / run_id / RUN_FILE).write_text(json.dumps(document))
    return document


@pytest.fixture
def data_dir(tmp_path):
    runs = tmp_path / "runs"
    _write_run(runs, "20260301T090000Z-aaaaaaa1", c.STATUS_PASSED, minutes=0, finalScore=8.2, costUsd=0.12)
    _write_run(runs, "20260301T091000Z-bbbbbbb2", c.STATUS_EXHAUSTED, "x " * 80, minutes=10, costUsd=0.5)
    _write_run(runs, "20260301T092000Z-ccccccc3", c.STATUS_EXHAUSTED, minutes=20)
    (runs / "not-a-run").mkdir()
    (runs / "broken").mkdir()
    (runs / "broken" / RUN_FILE).write_text("{broken")
    return runs


def _rows(out):
    return [line.split()[0] for line in out.splitlines()[1:] if line.strip()]


def test_list_shows_the_runs_newest_first_with_their_figures(data_dir, capsys):
    assert main(["list", "--data-dir", str(data_dir)]) == 0
    captured = capsys.readouterr()
    assert _rows(captured.out) == [
        "20260301T092000Z-ccccccc3",
        "20260301T091000Z-bbbbbbb2",
        "20260301T090000Z-aaaaaaa1",
    ]
    header, *lines = captured.out.splitlines()
    assert header.split() == ["id", "status", "rounds", "score", "evaluator", "cost", "prompt"]
    passed = next(line for line in lines if "aaaaaaa1" in line)
    assert "PASSED" in passed and "8.2" in passed and "$0.1200" in passed
    long = next(line for line in lines if "bbbbbbb2" in line)
    assert long.rstrip().endswith("…") and len(long.split("$0.5000")[1].strip()) == LIST_PROMPT_CHARS
    # the broken folder is named on stderr, never a traceback
    assert "skipped 1 folder(s)" in captured.err and "broken" in captured.err


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        (["--status", "exhausted"], ["20260301T092000Z-ccccccc3", "20260301T091000Z-bbbbbbb2"]),
        (["--status", "PASSED"], ["20260301T090000Z-aaaaaaa1"]),
        (["--limit", "1"], ["20260301T092000Z-ccccccc3"]),
    ],
)
def test_list_filters_by_status_and_limits(data_dir, capsys, flags, expected):
    assert main(["list", "--data-dir", str(data_dir), *flags]) == 0
    assert _rows(capsys.readouterr().out) == expected


def test_list_refuses_an_unknown_status_naming_the_choices(data_dir, capsys):
    with pytest.raises(SystemExit) as exited:
        main(["list", "--data-dir", str(data_dir), "--status", "DONE"])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert "--status" in err and "'DONE' is not a run status" in err and "EXHAUSTED" in err


def test_list_of_an_empty_or_missing_folder(tmp_path, capsys):
    assert main(["list", "--data-dir", str(tmp_path)]) == 0
    assert "no runs in" in capsys.readouterr().out
    assert main(["list", "--data-dir", str(tmp_path / "nowhere")]) == 2
    assert "is not a folder" in capsys.readouterr().err


@pytest.mark.parametrize("run", ["20260301T090000Z-aaaaaaa1", "20260301T090000Z", "20260301T09000"])
def test_show_takes_a_run_id_or_its_unique_start(data_dir, capsys, run):
    assert main(["show", run, "--data-dir", str(data_dir)]) == 0
    assert "run 20260301T090000Z-aaaaaaa1" in capsys.readouterr().out


def test_show_still_takes_a_folder(data_dir, capsys):
    assert main(["show", str(data_dir / "20260301T091000Z-bbbbbbb2")]) == 0
    assert "run 20260301T091000Z-bbbbbbb2" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("run", "words"),
    [("20260301T09", "starts 3 run ids"), ("nope", "neither a run folder nor a run id")],
)
def test_show_refuses_an_unknown_or_ambiguous_id_in_one_line(data_dir, capsys, run, words):
    assert main(["show", run, "--data-dir", str(data_dir)]) == 2
    err = capsys.readouterr().err
    assert words in err and len(err.strip().splitlines()) == 1
