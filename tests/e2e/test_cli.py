"""The CLI as a user runs it: `imagegate run` on the embedded runtime, and every bad input refused
with the field named and nothing written."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from test_serve import http, server  # noqa: F401 - `imagegate serve` as a user runs it, for the API cases

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
        (["run", "a cat \udcff"], "prompt"),  # a byte that is not UTF-8 in the argument, as Python reads argv
        (["run", "a cat", "--negative-prompt", "\ud800"], "negativePrompt"),
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

    code = main(
        [
            "run",
            "two cats to the left of a green car at night",
            "--threshold",
            "10",
            "--max-rounds",
            "2",
            "--out",
            str(out),
            "--retry-time-scale",
            "0",
        ]
    )

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
        [
            sys.executable,
            "-m",
            "imagegate.cli",
            "run",
            "a red apple on a wooden table",
            "--threshold",
            "0",
            "--verifier",
            "none",  # the judge alone at the gate: threshold 0 passes round 1 whatever the world drew
            "--out",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert completed.returncode == 0, completed.stderr
    assert "status PASSED" in completed.stdout


def test_a_blocked_run_prints_no_interpreter_internals(tmp_path):
    # Given a prompt the offline content filter blocks, run as a user runs the command
    completed = subprocess.run(
        [sys.executable, "-m", "imagegate.cli", "run", "a cat", "--fault", "blocked_words=cat", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    # Then it ends BLOCKED with its reason, and moto's FailureEventException dump is not shown
    assert completed.returncode == 4, completed.stderr
    assert "status BLOCKED" in completed.stdout
    assert "FailureEventException" not in completed.stderr + completed.stdout
    assert " object at 0x" not in completed.stderr + completed.stdout


# -- issue 11: every argument range-checked before anything starts, one line, no traceback -------------------


def _one_line_refusal(capsys, flag: str) -> str:
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    assert flag in lines[0] and "Traceback" not in captured.err and not captured.out
    return lines[0]


@pytest.mark.parametrize(
    ("args", "flag", "allowed"),
    [
        (["run", "a cat", "--threshold", "nan"], "--threshold", "finite"),
        (["run", "a cat", "--threshold", "inf"], "--threshold", "finite"),
        (["run", "a cat", "--max-cost", "nan"], "--max-cost", "finite"),
        (["run", "a cat", "--max-cost=-inf"], "--max-cost", "finite"),
        (["run", "a cat", "--retry-time-scale", "-1"], "--retry-time-scale", "0 or more"),
        (["run", "a cat", "--retry-time-scale", "nan"], "--retry-time-scale", "finite"),
        (["run", "a cat", "--seed", "1.5"], "--seed", "whole number"),
        (["serve", "--port", "99999"], "--port", "0-65535"),
        (["serve", "--port", "-1"], "--port", "0-65535"),
        (["serve", "--url-expiry", "-5"], "--url-expiry", "1-604800"),
        (["serve", "--url-expiry", "604801"], "--url-expiry", "1-604800"),
        (["serve", "--retry-time-scale", "-0.5"], "--retry-time-scale", "0 or more"),
        (["bench", "--concurrency", "0"], "--concurrency", "1 or more"),
        (["bench", "--limit", "0"], "--limit", "1 or more"),
        (["bench", "--threshold", "nan"], "--threshold", "finite"),
    ],
)
def test_an_argument_out_of_range_exits_2_with_one_line_naming_the_flag_and_range(args, flag, allowed, capsys):
    with pytest.raises(SystemExit) as stopped:
        main(args)

    assert stopped.value.code == 2
    assert allowed in _one_line_refusal(capsys, flag)


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ('{"prompt": "a cat", "threshold": NaN}', "threshold"),
        ('{"prompt": "a cat", "maxCostUsd": Infinity}', "maxCostUsd"),
        ('{"prompt": "a\\u0000cat"}', "prompt"),
        ('{"prompt": "a cat", "negativePrompt": "blur\\u009b"}', "negativePrompt"),
        # a lone UTF-16 surrogate (was exit 1 with UnicodeEncodeError) in each text field
        ('{"prompt": "a cat \\ud800"}', "prompt"),
        ('{"prompt": "a cat", "negativePrompt": "\\udfff blur"}', "negativePrompt"),
        (
            '{"prompt": "a cat", "expected": {"include": [{"class": "cat\\ud800", "count": 1}]}}',
            "expected.include.0.class",
        ),
    ],
)
def test_a_request_file_json_reads_but_the_run_refuses_starts_nothing(text, field, tmp_path, capsys):
    request = tmp_path / "request.json"
    request.write_text(text)
    out = tmp_path / "runs"

    code = main(["run", "--request", str(request), "--out", str(out)])

    assert code == 2
    assert f"{field}: " in _one_line_refusal(capsys, field)
    assert not out.exists()


def test_a_flag_the_run_refuses_is_named_as_the_flag_too(tmp_path, capsys):
    code = main(["run", "a cat", "--candidates", "9", "--out", str(tmp_path / "runs")])

    assert code == 2
    assert "candidatesPerRound: " in (line := _one_line_refusal(capsys, "--candidates")) and "1-5" in line


@pytest.mark.parametrize("where", ["under-a-file", "proc"])
def test_an_unwritable_out_is_refused_before_the_run_starts(where, tmp_path, capsys):
    # Given an --out no folder can be made in
    if where == "proc":
        if not Path("/proc/self").is_dir():
            pytest.skip("no /proc here")
        out = Path("/proc/imagegate-nope")
    else:
        (tmp_path / "a-file").write_text("x")
        out = tmp_path / "a-file" / "runs"

    # When a run is asked for, Then it is refused in one line before any round (nothing is lost at export)
    code = main(["run", "a red apple", "--out", str(out)])

    assert code == 2
    _one_line_refusal(capsys, "--out")
    assert not out.exists()


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ("{broken", "not a run document"),
        ("[1, 2]", "not a run document"),
        ('{"runId": "r1"}', "'prompt' is missing"),
        ('{"runId": "r1", "prompt": "a cat", "rounds": [{"round": 1}]}', "is missing"),
        (b"\xff\xfe", "not a run document"),
    ],
)
def test_show_on_a_broken_run_json_says_so_in_one_line(content, words, tmp_path, capsys):
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    (run_dir / "run.json").write_bytes(content if isinstance(content, bytes) else content.encode())

    code = main(["show", str(run_dir)])

    assert code == 2
    assert words in _one_line_refusal(capsys, "run.json")


def test_show_on_a_folder_without_run_json_exits_2(tmp_path, capsys):
    assert main(["show", str(tmp_path)]) == 2
    _one_line_refusal(capsys, "run.json")


def test_an_unexpected_error_is_one_line_and_verbose_shows_its_traceback(monkeypatch, tmp_path, capsys):
    # Given a command that meets an error nobody planned for, its message holding an absolute path
    import imagegate.export

    def broken(run_dir):
        raise RuntimeError(f"disk trouble in {tmp_path / 'deep' / 'file.json'}")

    monkeypatch.setattr(imagegate.export, "load_run_document", broken)

    # When it runs, Then the user gets one line, the path shortened, and no traceback
    assert main(["show", str(tmp_path)]) == 1
    line = _one_line_refusal(capsys, "RuntimeError")
    assert "file.json" in line and str(tmp_path) not in line and "--verbose" in line

    # And with --verbose the traceback is shown
    assert main(["show", "--verbose", str(tmp_path)]) == 1
    assert "Traceback (most recent call last)" in capsys.readouterr().err


def test_a_runs_cause_is_shown_without_its_stack_trace_or_absolute_paths():
    from imagegate.cli import _display_cause

    lambda_cause = json.dumps(
        {
            "errorType": "KeyError",
            "errorMessage": "'score' missing in /var/task/imagegate/x.py",
            "stackTrace": ['  File "/var/task/imagegate/x.py", line 3, in f\n'],
        }
    )
    python_cause = (
        'Traceback (most recent call last):\n  File "/work/app/a.py", line 3, in f\n    x()\n    ^^^\n'
        "ValueError: bad value in /tmp/run/abc/round.json"
    )

    assert _display_cause(lambda_cause) == "'score' missing in x.py"
    assert _display_cause(python_cause) == "ValueError: bad value in round.json"
    assert len(_display_cause("x" * 5000)) == 300
    assert _display_cause(None) == ""


def test_bench_says_how_many_items_and_why_and_its_progress_has_no_carriage_returns(tmp_path):
    from imagegate import benchmark_local
    from imagegate_service.benchmark import suites

    # Given the bundled suite, a --limit and a sample seed
    items = suites.load_suite_jsonl(benchmark_local.DEFAULT_SUITE_FILE)
    sampled = suites.select_items(items, limit=2, sample_seed="7")
    chosen = suites.select_items(items, limit=2, sample_seed="7", keep_anchors=True)

    # When bench runs with its output going to a pipe, not a terminal
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "imagegate.cli",
            "bench",
            "--limit",
            "2",
            "--sample-seed",
            "7",
            "--max-rounds",
            "1",
            "--out",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )

    # Then it names the count and its parts, and prints progress as lines
    assert completed.returncode == 0, completed.stderr
    assert f"{len(chosen)} items (2 sampled + {len(chosen) - len(sampled)} anchors)" in completed.stdout
    assert "\r" not in completed.stdout
    assert f"{len(chosen)}/{len(chosen)} runs finished" in completed.stdout


def test_bench_refuses_a_setting_every_run_would_refuse_before_it_starts(tmp_path, capsys):
    code = main(["bench", "--threshold", "11", "--limit", "1", "--out", str(tmp_path / "bench")])

    assert code == 2
    assert "threshold: " in _one_line_refusal(capsys, "--threshold")
    assert not (tmp_path / "bench").exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ('{"prompt": "a cat", "threshold": NaN}', "threshold"),
        ('{"prompt": "a cat", "maxCostUsd": Infinity}', "maxCostUsd"),
        ('{"prompt": "a\\u0000cat"}', "prompt"),
        ('{"prompt": "a cat", "negativePrompt": "a\\u0007b"}', "negativePrompt"),
    ],
)
def test_the_api_of_imagegate_serve_refuses_the_same_requests_naming_the_field(server, body, field):
    status, _, answer = http(server, "POST", "/generations", body, {"Content-Type": "application/json"})

    assert status == 400, answer
    assert answer["field"] == field and answer["message"].startswith(f"{field}: ")
