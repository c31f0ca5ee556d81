"""Issue 13 as a user meets it: `imagegate serve --daily-budget-usd`, a run with review final approved with
`imagegate review`, `imagegate budget`, the API's 409/400/429 answers and `imagegate run --daily-budget-usd`."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from imagegate.controls_cli import call_api

pytestmark = pytest.mark.e2e

APPLE = "a red apple on a wooden table"
REPO_ROOT = Path(__file__).resolve().parents[2]


def cli(*arguments: str, stdin: str = "", timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "imagegate.cli", *arguments],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        timeout=timeout,
    )


def wait_for_status(url: str, run_id: str, wanted: set[str], seconds: float = 60) -> dict:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        status, answer = call_api(url, "GET", f"/generations/{run_id}")
        if status == 200 and answer["status"] in wanted:
            return answer
        time.sleep(0.1)
    raise AssertionError(f"{run_id} never reached {wanted}")


def test_review_and_budget_through_serve_and_the_cli(tmp_path, start_serve):
    # Given imagegate serve with a daily budget and its own data folder
    logs = tmp_path / "logs"
    logs.mkdir()
    server = start_serve(logs, "--data-dir", str(tmp_path / "runs"), "--daily-budget-usd", "0.3")
    server.wait_ready()

    # When a generation with review final passes its gate
    status, started = call_api(
        server.url, "POST", "/generations", {"prompt": APPLE, "threshold": 0, "verifier": "none", "review": "final"}
    )
    assert status == 202
    run_id = started["id"]
    waiting = wait_for_status(server.url, run_id, {"AWAITING_REVIEW"})

    # Then the API shows it waiting for the review of round 1, and never shows the task token
    assert waiting["awaitingReview"]["round"] == 1 and waiting["awaitingReview"]["deadline"]
    assert "reviewToken" not in json.dumps(waiting) and "Token" not in json.dumps(waiting)
    # And a bad review body is a 400 naming the field, leaving it waiting
    status, refused = call_api(server.url, "POST", f"/generations/{run_id}/review", {"decision": "reject"})
    assert (status, refused["field"]) == (400, "feedback")

    # When it is approved with the CLI
    approved = cli("review", run_id, "approve", "--api", server.url)

    # Then the run ends PASSED, the review is recorded with its round
    assert approved.returncode == 0, approved.stderr
    assert f"generation {run_id}: round 1 approved" in approved.stdout
    finished = wait_for_status(server.url, run_id, {"PASSED", "EXHAUSTED", "FAILED"})
    assert (finished["status"], finished["reason"]) == ("PASSED", "approved by the reviewer")
    (review,) = finished["rounds"][0]["reviews"]
    assert review["decision"] == "approve" and review["reviewer"].startswith("anonymous")
    # And reviewing the finished run again is refused (409, CLI exit 2)
    again = cli("review", run_id, "approve", "--api", server.url)
    assert again.returncode == 2 and "409 ReviewNotWaiting" in again.stderr

    # And imagegate budget shows today's spend against the cap
    shown = cli("budget", "--api", server.url)
    assert shown.returncode == 0, shown.stderr
    status, budget = call_api(server.url, "GET", "/budget")
    assert status == 200 and budget["capUsd"] == 0.3
    assert budget["spentUsd"] == pytest.approx(finished["totals"]["costUsd"] + finished["totals"]["evaluationCostUsd"])
    assert f"spent ${budget['spentUsd']:.6f}" in shown.stdout and "of $0.30" in shown.stdout

    # When the day's cap has no room left for another run's first round
    before = call_api(server.url, "GET", "/generations")[1]["generations"]
    request = {"prompt": APPLE, "threshold": 0, "candidatesPerRound": 5}
    answers = [call_api(server.url, "POST", "/generations", request) for _ in range(4)]
    refusals = [answer for status, answer in answers if status == 429]
    # Then new generations are refused with DailyBudgetExhausted (the ones accepted before it was full ran)
    assert refusals and all(answer["error"] == "DailyBudgetExhausted" for answer in refusals)
    accepted = [answer["id"] for status, answer in answers if status == 202]
    for accepted_id in accepted:
        wait_for_status(server.url, accepted_id, {"PASSED", "EXHAUSTED", "FAILED", "BLOCKED"})
    listed = call_api(server.url, "GET", "/generations")[1]["generations"]
    assert len(listed) == len(before) + len(accepted)  # a refused request left no generation behind
    assert call_api(server.url, "GET", "/budget")[1]["spentUsd"] <= 0.3


def test_imagegate_run_refuses_with_exit_2_when_todays_runs_used_the_daily_budget(tmp_path):
    out = tmp_path / "runs"
    # Given one run today in the --out folder
    first = cli("run", APPLE, "--threshold", "0", "--verifier", "none", "--out", str(out), "--daily-budget-usd", "1")
    assert first.returncode == 0, first.stderr
    spent = json.loads(next(Path(out).glob("*/run.json")).read_text())["ledger"]
    assert spent
    # When another run asks for a cap smaller than what that run spent plus a round
    second = cli("run", APPLE, "--threshold", "0", "--verifier", "none", "--out", str(out), "--daily-budget-usd", "0.1")
    # Then it is refused (exit 2) and nothing new is written
    assert second.returncode == 2, second.stdout + second.stderr
    assert "daily budget" in second.stderr
    assert len(list(Path(out).glob("*/run.json"))) == 1


def test_imagegate_run_asks_for_the_review_on_the_terminal(tmp_path):
    # Given a run with review final and a reviewer who rejects once, then approves
    answered = cli(
        "run",
        APPLE,
        "--threshold",
        "0",
        "--verifier",
        "none",
        "--max-rounds",
        "3",
        "--review",
        "final",
        "--out",
        str(tmp_path),
        stdin="r\nmake the apple green\na\n",
    )
    # Then the run ends PASSED after two rounds, each with its review
    assert answered.returncode == 0, answered.stdout + answered.stderr
    assert answered.stdout.count("waits for your review") == 2
    document = json.loads(next(tmp_path.glob("*/run.json")).read_text())
    assert document["status"] == "PASSED" and len(document["rounds"]) == 2
    assert [r["decision"] for entry in document["rounds"] for r in entry["reviews"]] == ["reject", "approve"]
    # And imagegate show and report.html list each round's review with who and the feedback
    run_dir = next(tmp_path.glob("*/run.json")).parent
    shown = cli("show", str(run_dir))
    assert shown.returncode == 0, shown.stderr
    assert "review: rejected by " in shown.stdout and "“make the apple green”" in shown.stdout
    assert "review: approved by " in shown.stdout
    report = (run_dir / "report.html").read_text()
    reviews = report[report.index('<div class="reviews">') :]
    assert reviews.index("rejected by ") < reviews.index("approved by ")
