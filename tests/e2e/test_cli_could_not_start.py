"""`imagegate run` when the execution ends before Start Run wrote the run (Could Not Start): one line naming the
run and what failed, exit 5 (FAILED), nothing exported; never "TypeError: 'NoneType' object is not subscriptable"."""

import pytest

from imagegate.cli import EXIT_CODES, main

pytestmark = pytest.mark.e2e


def test_a_run_that_could_not_start_says_why_in_one_line(monkeypatch, tmp_path, capsys):
    from imagegate_service.handlers import start_run

    def broken_start(request, execution_name, execution_arn):
        raise RuntimeError("the runs table is unavailable")

    monkeypatch.setattr(start_run.starter, "start", broken_start)
    out = tmp_path / "runs"

    code = main(["run", "a red apple", "--out", str(out), "--retry-time-scale", "0"])

    captured = capsys.readouterr()
    assert code == EXIT_CODES["FAILED"]
    [line] = captured.err.strip().splitlines()
    run_id = captured.out.split()[1]
    assert f"run {run_id} could not start" in line and "RuntimeError" in line and "table is unavailable" in line
    assert "TypeError" not in line and "Traceback" not in captured.err
    assert not out.exists() or not any(out.iterdir())
