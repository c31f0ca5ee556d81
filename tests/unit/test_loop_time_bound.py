"""How long a quality-loop execution can live, read from the definition: the execution-wide TimeoutSeconds is there
for runs that wait for reviews (review final); a run without review cannot come near it, because none of its
states can wait longer than its function's timeout, a bounded number of times (docs/architecture.md)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from infra.config import FUNCTION_SPECS

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
DEFINITION = json.loads((ROOT / "statemachine" / "quality_loop.asl.json").read_text())
SCHEMA = json.loads((ROOT / "functions" / "imagegate_service" / "schemas" / "run_request.schema.json").read_text())
FUNCTION_TIMEOUTS = {spec.substitution: spec.timeout_seconds for spec in FUNCTION_SPECS}
# ASL's defaults for a retrier (https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html)
DEFAULT_MAX_ATTEMPTS, DEFAULT_INTERVAL, DEFAULT_BACKOFF = 3, 1, 2.0


def _all_states(states: dict) -> dict:
    found = dict(states)
    for state in states.values():
        processor = state.get("ItemProcessor") or state.get("Iterator")
        if processor:
            found |= _all_states(processor["States"])
        for branch in state.get("Branches", []):
            found |= _all_states(branch["States"])
    return found


STATES = _all_states(DEFINITION["States"])
WAITS_FOR_A_PERSON = "Await Review"


def _function(state: dict) -> str:
    resource = state["Resource"]
    name = state["Parameters"]["FunctionName"] if resource.startswith("arn:aws:states:::lambda:invoke") else resource
    return name.removeprefix("${").removesuffix("}")


def _worst_case_seconds(state: dict) -> float:
    """Every attempt the retriers allow, each running to the function's timeout, plus every backoff."""
    attempts, delays = 1, 0.0
    for retrier in state.get("Retry", []):
        retries = retrier.get("MaxAttempts", DEFAULT_MAX_ATTEMPTS)
        attempts += retries
        interval, backoff = (
            retrier.get("IntervalSeconds", DEFAULT_INTERVAL),
            retrier.get("BackoffRate", DEFAULT_BACKOFF),
        )
        cap = retrier.get("MaxDelaySeconds", float("inf"))
        delays += sum(min(cap, interval * backoff**k) for k in range(retries))
    return attempts * FUNCTION_TIMEOUTS[_function(state)] + delays


def test_only_the_review_pause_can_wait_beyond_a_function_timeout():
    # Given every state of the loop
    for name, state in STATES.items():
        # Then there is no Wait state and no activity, and every task is a Lambda invocation of one of the loop's
        # functions (bounded by its timeout), synchronous except the review pause, which has its own timeout
        assert state["Type"] != "Wait", name
        if state["Type"] != "Task":
            continue
        assert _function(state) in FUNCTION_TIMEOUTS, name
        if name == WAITS_FOR_A_PERSON:
            assert state["Resource"] == "arn:aws:states:::lambda:invoke.waitForTaskToken"
            assert state["TimeoutSecondsPath"] == "$.settings.reviewTimeoutSeconds"
        else:
            assert state["Resource"].startswith("${"), f"{name} must be a synchronous Lambda invocation"
            assert "TimeoutSecondsPath" not in state and "HeartbeatSecondsPath" not in state, name


def test_a_run_without_review_ends_by_its_own_states_long_before_the_execution_timeout():
    # Given the longest a round's states can take (every retry, every function to its timeout) and the most rounds
    max_rounds = SCHEMA["properties"]["maxRounds"]["maximum"]
    judge_map = DEFINITION["States"]["Judge Images"]
    assert judge_map.get("MaxConcurrency", 0) == 0  # the candidates are judged at once: one candidate's worst case
    round_states = ["Generate Images", "Pick Best", "Evaluate Round", "Record Round", "Rewrite Prompt"]
    per_round = sum(_worst_case_seconds(STATES[name]) for name in round_states)
    per_round += _worst_case_seconds(STATES["Judge Candidate"])
    ends = [_worst_case_seconds(STATES[name]) for name in ("Start Run", "Record Out Of Rounds")]
    without_review = max_rounds * per_round + sum(ends)
    # Then even that worst case ends by the loop's own states, well within the execution's timeout
    assert without_review < DEFINITION["TimeoutSeconds"] / 10
    # And the execution's timeout leaves room for a review of the longest allowed wait after every round
    review_max = SCHEMA["properties"]["reviewTimeoutSeconds"]["maximum"]
    assert DEFINITION["TimeoutSeconds"] > max_rounds * review_max
