"""The CLI as a user runs it: `imagegate run` on the embedded runtime, and every bad input refused
with the field named and nothing written."""

import json
import subprocess
import sys

import pytest

from imagegate.cli import main

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["run", ""], "prompt"),
        (["run", "   "], "prompt"),
        (["run", "x" * 10_001], "prompt"),  # over the default generator's 10,000 characters
        (["run", "a cat", "--threshold", "11"], "threshold"),
        (["run", "a cat", "--threshold", "-0.5"], "threshold"),
        (["run", "a cat", "--max-rounds", "0"], "maxRounds"),
        (["run", "a cat", "--max-rounds", "11"], "maxRounds"),
        (["run", "a cat", "--generator", "stability.sd3-large"], "generator"),
        (["run", "a cat", "--judge", "anthropic.claude-x"], "judge"),
        (["run", "a cat", "--width", "1000", "--height", "1000"], "width/height"),
        (["run", "a cat", "--candidates", "6"], "candidatesPerRound"),
        (["run", "a cat", "--candidates", "0"], "candidatesPerRound"),
    ],
)
def test_bad_input_exits_non_zero_naming_the_field_and_writes_nothing(args, field, tmp_path, capsys):
    out = tmp_path / "runs"

    code = main([*args, "--out", str(out)])

    assert code == 2
    assert f"{field}:" in capsys.readouterr().err
    assert not out.exists()


def test_a_non_string_prompt_in_a_request_file_is_refused(tmp_path, capsys):
    request = tmp_path / "request.json"
    request.write_text(json.dumps({"prompt": ["a", "cat"]}))
    out = tmp_path / "runs"

    code = main(["run", "--request", str(request), "--out", str(out)])

    assert code == 2
    assert "prompt: must be a string" in capsys.readouterr().err
    assert not out.exists()


def test_run_exports_rounds_images_verdicts_and_a_report(tmp_path, capsys):
    out = tmp_path / "runs"

    code = main(["run", "two cats to the left of a green car at night", "--threshold", "10", "--max-rounds", "2",
                 "--out", str(out), "--retry-time-scale", "0"])

    # Then the run is EXHAUSTED (exit 3) and its folder holds every round
    assert code == 3
    [run_dir] = list(out.iterdir())
    document = json.loads((run_dir / "run.json").read_text())
    assert document["status"] == "EXHAUSTED" and document["runId"] == run_dir.name
    assert [r["round"] for r in document["rounds"]] == [1, 2]
    for entry in document["rounds"]:
        assert (run_dir / entry["bestImage"]).read_bytes().startswith(b"\x89PNG")
        verdict = json.loads((run_dir / entry["verdict"]).read_text())
        chosen = verdict["candidates"][verdict["bestCandidate"] - 1]["verdict"]
        assert chosen["explanation"] and isinstance(chosen["suggestions"], list) and 0 <= chosen["score"] <= 10
    report = (run_dir / "report.html").read_text()
    assert "round-01/candidate-1.png" in report and "round-02/candidate-1.png" in report
    printed = capsys.readouterr().out
    assert "round 1: score" in printed and "status EXHAUSTED" in printed and "report.html" in printed

    # And `imagegate show` prints the same rounds back
    assert main(["show", str(run_dir)]) == 0
    assert "round 2: score" in capsys.readouterr().out


def test_the_installed_command_runs_and_exits_zero_when_the_gate_passes(tmp_path):
    completed = subprocess.run(
        [sys.executable, "-m", "imagegate.cli", "run", "a red apple on a wooden table", "--threshold", "0",
         "--out", str(tmp_path)],
        capture_output=True, text=True, timeout=120,
    )

    assert completed.returncode == 0, completed.stderr
    assert "status PASSED" in completed.stdout


def test_a_blocked_run_prints_no_interpreter_internals(tmp_path):
    # Given a prompt the offline content filter blocks, run as a user runs the command
    completed = subprocess.run(
        [sys.executable, "-m", "imagegate.cli", "run", "a cat", "--fault", "blocked_words=cat", "--out", str(tmp_path)],
        capture_output=True, text=True, timeout=120,
    )
    # Then it ends BLOCKED with its reason, and moto's FailureEventException dump is not shown
    assert completed.returncode == 4, completed.stderr
    assert "status BLOCKED" in completed.stdout
    assert "FailureEventException" not in completed.stderr + completed.stdout
    assert " object at 0x" not in completed.stderr + completed.stdout
