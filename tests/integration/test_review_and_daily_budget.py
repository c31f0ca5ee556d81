"""Issue 13 on the local runtime: the optional human review step (the very ASL's .waitForTaskToken task, answered
through SendTaskSuccess) and the daily spend cap over concurrent runs."""

import json
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from imagegate.local.runtime import poll_execution
from imagegate_service import constants as c
from imagegate_service import wiring
from imagegate_service.domain.review import REVIEW_FEEDBACK_MAX_CHARS
from imagegate_service.errors import DailyBudgetExhausted, InvalidRequest, ReviewNotWaiting

pytestmark = pytest.mark.integration

APPLE = "a red apple on a wooden table"  # with threshold 0 and verifier none the gate passes every round
HARD = "two cats to the left of a green car at night"


def wait_for_review(runtime, run_id, reviews_so_far=0, timeout=60.0):
    """The run item once it waits for its (reviews_so_far + 1)-th review."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        item = runtime.runs().get_run(run_id)
        if item and item["status"] == c.STATUS_AWAITING_REVIEW and item.get("reviewToken"):
            reviews = [r for entry in runtime.runs().list_rounds(run_id) for r in entry.get("reviews", [])]
            if len(reviews) == reviews_so_far:
                return item
        if item and item["status"] in c.TERMINAL_STATUSES:
            raise AssertionError(f"{run_id} ended {item['status']} ({item.get('reason')}) instead of waiting")
        time.sleep(0.05)
    raise AssertionError(f"{run_id} never waited for a review")


def test_an_approved_run_ends_passed_with_the_review_recorded_and_no_token_left(runtime):
    # Given a run with review final whose first round passes the gate
    arn = runtime.start(
        {"prompt": APPLE, "threshold": 0, "verifier": "none", "review": c.REVIEW_FINAL}, run_id="approve-1"
    )

    # Then it waits (the execution still running) with a token on its item and a deadline a day away
    waiting = wait_for_review(runtime, "approve-1")
    assert runtime.execution_history(arn)[-1]["type"] in ("TaskSubmitted", "TaskScheduled", "TaskStarted")
    assert waiting["reviewRound"] == 1 and waiting["reviewDeadline"] > waiting["updatedAt"]

    # When a person approves it
    answer = wiring.reviews().submit("approve-1", {"decision": "approve"}, "alice")

    # Then the run ends PASSED, approved, its review kept with the round (who, when, decision), the token gone
    assert "reviewToken" not in json.dumps(answer)
    outcome = poll_execution(arn)
    assert outcome["status"] == "SUCCEEDED"
    item = runtime.runs().get_run("approve-1")
    assert (item["status"], item["reason"]) == (c.STATUS_PASSED, "approved by the reviewer")
    assert c.REVIEW_TOKEN_ATTRIBUTE not in item and "reviewDeadline" not in item
    (first,) = runtime.runs().list_rounds("approve-1")
    (review,) = first["reviews"]
    assert review["reviewer"] == "alice" and review["decision"] == c.REVIEW_APPROVE and review["reviewedAt"]
    # And a second review of the finished run is refused (the API's 409)
    with pytest.raises(ReviewNotWaiting):
        wiring.reviews().submit("approve-1", {"decision": "approve"}, "alice")


def test_a_rejection_feeds_the_next_round_then_an_approval_passes_the_later_round(runtime):
    # Given a waiting run with rounds to spare
    arn = runtime.start(
        {"prompt": APPLE, "threshold": 0, "verifier": "none", "review": c.REVIEW_FINAL, "maxRounds": 3}, run_id="rej-1"
    )
    wait_for_review(runtime, "rej-1")

    # When the reviewer rejects round 1 with feedback
    wiring.reviews().submit("rej-1", {"decision": "reject", "feedback": "show the apple cut in half"}, "bob")

    # Then another round is drawn from a rewrite led by the feedback (the judge's own suggestions follow it), and the
    # run waits again
    waiting = wait_for_review(runtime, "rej-1", reviews_so_far=1)
    assert waiting["reviewRound"] == 2
    rewrite = runtime.objects(c.rewrite_key("rej-1", 2))
    (_key, body), *_ = list(rewrite)
    suggestions = json.loads(body)["suggestions"]
    assert suggestions[0] == "show the apple cut in half"
    assert suggestions.count("show the apple cut in half") == 1

    # When it is approved
    wiring.reviews().submit("rej-1", {"decision": "approve"}, "bob")

    # Then it ends PASSED with the approved round as its result, each round keeping its own review
    assert poll_execution(arn)["status"] == "SUCCEEDED"
    item = runtime.runs().get_run("rej-1")
    assert item["status"] == c.STATUS_PASSED and item["rounds"] == 2 and item["bestRound"] == 2
    assert item["bestImageKey"].startswith(c.round_prefix("rej-1", 2))
    rounds = sorted(runtime.runs().list_rounds("rej-1"), key=lambda r: r["round"])
    assert [[r["decision"] for r in entry["reviews"]] for entry in rounds] == [["reject"], ["approve"]]


def test_a_rejection_with_no_round_left_ends_exhausted_rejected(runtime):
    # Given a one-round run waiting for its review
    arn = runtime.start(
        {"prompt": APPLE, "threshold": 0, "verifier": "none", "review": c.REVIEW_FINAL, "maxRounds": 1}, run_id="rej-2"
    )
    wait_for_review(runtime, "rej-2")
    # When it is rejected
    wiring.reviews().submit("rej-2", {"decision": "reject", "feedback": "not good enough"}, "carol")
    # Then it ends EXHAUSTED, rejected, with no other round drawn
    assert poll_execution(arn)["status"] == "SUCCEEDED"
    item = runtime.runs().get_run("rej-2")
    assert item["status"] == c.STATUS_EXHAUSTED and item["reason"].startswith("rejected by the reviewer")
    assert item["rounds"] == 1


def test_a_review_nobody_answers_times_out_exhausted(runtime):
    # Given a run whose review may wait one second
    request = {"prompt": APPLE, "threshold": 0, "verifier": "none", "review": c.REVIEW_FINAL, "reviewTimeoutSeconds": 1}
    arn = runtime.start(request, run_id="timeout-1")
    wait_for_review(runtime, "timeout-1")
    # When nobody answers
    description = poll_execution(arn, timeout_seconds=30)
    # Then the task's States.Timeout ends it EXHAUSTED "review timed out", its token gone
    assert description["status"] == "SUCCEEDED"
    item = runtime.runs().get_run("timeout-1")
    assert (item["status"], item["reason"]) == (c.STATUS_EXHAUSTED, "review timed out")
    assert c.REVIEW_TOKEN_ATTRIBUTE not in item
    # And a late review is refused
    with pytest.raises(ReviewNotWaiting):
        wiring.reviews().submit("timeout-1", {"decision": "approve"}, "dave")


def test_a_run_without_review_never_waits(runtime):
    outcome = runtime.run({"prompt": APPLE, "threshold": 0}, run_id="no-review")
    assert outcome.output["status"] == c.STATUS_PASSED
    assert "await_review" not in [name for name, _ in runtime.dispatcher.invocations]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "decision"),
        ({"decision": "maybe"}, "decision"),
        ({"decision": "reject"}, "feedback"),
        ({"decision": "reject", "feedback": "x" * (REVIEW_FEEDBACK_MAX_CHARS + 1)}, "feedback"),
        ({"decision": "approve", "score": 3}, "score"),
        (["approve"], "body"),
    ],
)
def test_a_bad_review_body_names_its_field_and_changes_nothing(runtime, body, field):
    arn = runtime.start(
        {"prompt": APPLE, "threshold": 0, "verifier": "none", "review": c.REVIEW_FINAL}, run_id="bad-body"
    )
    wait_for_review(runtime, "bad-body")
    with pytest.raises(InvalidRequest) as refused:
        wiring.reviews().submit("bad-body", body, "eve")
    assert refused.value.field == field
    assert runtime.runs().get_run("bad-body")["status"] == c.STATUS_AWAITING_REVIEW
    wiring.reviews().submit("bad-body", {"decision": "approve"}, "eve")
    assert poll_execution(arn)["status"] == "SUCCEEDED"


def test_twenty_concurrent_runs_never_spend_past_the_daily_cap_and_refused_ones_start_nothing(monkeypatch, runtime):
    # Given a daily cap of a few rounds' worth and the HTTP API's start path
    cap = 0.5
    monkeypatch.setenv(c.ENV_DAILY_BUDGET_USD, str(cap))
    monkeypatch.setenv(c.ENV_STATE_MACHINE_ARN, runtime.state_machine_arn)
    generations = wiring.generations()
    request = {"prompt": HARD, "threshold": 10, "maxRounds": 3}

    # When 20 generations start at once and run to their end
    def start(number):
        try:
            return generations.start({**request, "seed": number})["id"]
        except DailyBudgetExhausted as refused:
            return refused

    with ThreadPoolExecutor(20) as pool:
        answers = list(pool.map(start, range(20)))
    started = [answer for answer in answers if isinstance(answer, str)]
    for run_id in started:
        poll_execution(generations._workflow.execution_arn(run_id), timeout_seconds=120)

    # Then the settled spend of every run together stays within the cap, and the day's ledger says the same
    ledgers = [entry for run_id in started for entry in runtime.runs().ledger(run_id)]
    settled = sum(entry["costUsd"] for entry in ledgers)
    assert 0 < settled <= cap
    status = wiring.daily_budget().status()
    assert status["spentUsd"] == pytest.approx(settled, abs=1e-5)
    assert status["reservedUsd"] == pytest.approx(0.0, abs=1e-9)  # every reservation given back at the end
    # And the runs the cap stopped ended EXHAUSTED "daily budget reached", none FAILED
    items = [runtime.runs().get_run(run_id) for run_id in started]
    assert all(item["status"] != c.STATUS_FAILED for item in items), [i.get("cause") for i in items]
    assert any(item["reason"] == "daily budget reached" for item in items)

    # When another generation is asked for now
    before = {key for key, _ in runtime.objects(c.RUNS_PREFIX)}
    executions = runtime_executions(runtime)
    with pytest.raises(DailyBudgetExhausted) as refused:
        generations.start(request)
    # Then it is refused until the next UTC midnight, and nothing was started or written
    assert 0 < refused.value.retry_after_seconds <= 24 * 3600
    assert runtime_executions(runtime) == executions
    assert {key for key, _ in runtime.objects(c.RUNS_PREFIX)} == before
    listed, _ = runtime.runs().list_recent_runs(100)
    assert sorted(item["runId"] for item in listed) == sorted(started)


def runtime_executions(runtime):
    from imagegate_service.adapters import aws_clients

    return {
        e["executionArn"]
        for e in aws_clients.client("stepfunctions").list_executions(stateMachineArn=runtime.state_machine_arn)[
            "executions"
        ]
    }


def test_a_run_stopped_mid_round_gives_its_daily_reservation_back(monkeypatch, runtime):
    # Given a daily cap and a run that waits for its review (its next rounds' reservation is what it may still hold)
    monkeypatch.setenv(c.ENV_DAILY_BUDGET_USD, "5")
    arn = runtime.start(
        {"prompt": APPLE, "threshold": 0, "verifier": "none", "review": c.REVIEW_FINAL, "maxRounds": 3},
        run_id="stopped-1",
    )
    wait_for_review(runtime, "stopped-1")
    # When a rejection starts another round and the execution is stopped while that round holds its reservation
    wiring.reviews().submit("stopped-1", {"decision": "reject", "feedback": "a green apple"}, "frank")
    deadline = time.monotonic() + 30
    while wiring.daily_budget().status()["reservedUsd"] == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert wiring.daily_budget().status()["reservedUsd"] > 0
    from imagegate_service.adapters import aws_clients

    aws_clients.client("stepfunctions").stop_execution(executionArn=arn, error="Stopped", cause="test")
    poll_execution(arn, timeout_seconds=30)
    # Then the run is marked FAILED and nothing stays reserved for it (only what was billed stays spent)
    deadline = time.monotonic() + 10
    while runtime.runs().get_run("stopped-1")["status"] != c.STATUS_FAILED and time.monotonic() < deadline:
        time.sleep(0.05)
    assert runtime.runs().get_run("stopped-1")["status"] == c.STATUS_FAILED
    status = wiring.daily_budget().status()
    assert status["reservedUsd"] == pytest.approx(0.0, abs=1e-6)
    assert status["spentUsd"] == pytest.approx(sum(e["costUsd"] for e in runtime.runs().ledger("stopped-1")), abs=1e-5)
