"""Generate Images under a clock that runs out mid-round (issue 27.2): the task stops issuing calls when what is left
of its invocation cannot cover another one, raises RoundUnfinished (which the state machine retries), and the next
attempt makes only the missing calls, each billed once. The clock is virtual: each fake call advances it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from imagegate_service import constants as c
from imagegate_service import wiring
from imagegate_service.domain.generating import CALL_TIME_FACTOR, CALL_TIME_MARGIN_MS, RoundGenerator
from imagegate_service.domain.ports import GeneratedImages
from imagegate_service.domain.spend import SpendLedger, totals
from imagegate_service.domain.start import RunStarter
from imagegate_service.errors import RoundUnfinished

pytestmark = pytest.mark.unit

RUN = "run-time"
PNG = b"\x89PNG\r\n\x1a\n fake"
ASL = json.loads((Path(__file__).resolve().parents[2] / "statemachine" / "quality_loop.asl.json").read_text())


class VirtualClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class SlowGenerator:
    """One image per call (Stability), each call taking `seconds` of the virtual clock."""

    def __init__(self, clock: VirtualClock, seconds: float):
        self.clock, self.seconds, self.calls = clock, seconds, []

    def generate_call(self, request, first, count, on_answered):
        self.clock.now += self.seconds
        on_answered()
        self.calls.append(first)
        return GeneratedImages(images=[PNG] * count, requested=count, filter_message=None)


def _state(storage, candidates: int = 5):
    _, runs = storage
    return RunStarter(runs).start(
        {"prompt": "a red apple", "generator": "stability.sd3-5-large-v1:0", "candidatesPerRound": candidates},
        RUN,
        "arn",
    )


def _invocation(clock: VirtualClock, timeout_ms: int):
    """get_remaining_time_in_millis of an invocation that starts now and lasts timeout_ms."""
    start = clock.now
    return lambda: int(timeout_ms - (clock.now - start) * 1000)


@pytest.mark.parametrize("seconds, timeout_s", [(60.0, 330), (100.0, 330), (20.0, 70), (150.0, 330)])
def test_a_round_that_cannot_finish_in_one_invocation_stops_in_time_and_resumes_without_paying_twice(
    storage, seconds, timeout_s
):
    images, runs = storage
    state = _state(storage)
    clock = VirtualClock()
    generator = SlowGenerator(clock, seconds)
    attempts, result = 0, None
    # When Generate Images runs in invocations of timeout_s and each call takes `seconds` (Step Functions re-enters
    # the task on RoundUnfinished, with the next $$.State.RetryCount)
    while result is None:
        remaining = _invocation(clock, timeout_s * 1000)
        try:
            result = RoundGenerator(generator, images, SpendLedger(runs, wiring.daily_budget()), clock=clock).generate(
                {**state, "attempt": attempts}, remaining
            )
        except RoundUnfinished as stopped:
            # Then it stopped while the invocation still had time left: no call ran past the function's timeout
            assert remaining() > 0, stopped
            left = remaining()
            assert left < int(seconds * 1000 * CALL_TIME_FACTOR) + CALL_TIME_MARGIN_MS
        assert remaining() > 0  # every invocation ended before its timeout
        attempts += 1
        assert attempts <= 5
    # And all five candidates were drawn, each by exactly one call, each billed once
    assert sorted(generator.calls) == [1, 2, 3, 4, 5]
    assert result["imageKeys"] == [c.candidate_key(RUN, 1, n) for n in range(1, 6)]
    entries = runs.ledger(RUN)
    assert len(entries) == 5
    assert totals(entries)["costUsd"] == pytest.approx(5 * 0.08)


def test_without_the_time_check_the_same_round_outlives_its_invocation(storage):
    # Before issue 27: the five 150 s calls of one round ran in one invocation, 750 s against a 330 s timeout
    images, runs = storage
    clock = VirtualClock()
    generator = SlowGenerator(clock, 150.0)
    RoundGenerator(generator, images, SpendLedger(runs, wiring.daily_budget()), clock=clock).generate(_state(storage))
    assert clock.now > 330


def test_with_time_to_spare_the_round_is_one_invocation(storage):
    images, runs = storage
    clock = VirtualClock()
    generator = SlowGenerator(clock, 5.0)
    result = RoundGenerator(generator, images, SpendLedger(runs, wiring.daily_budget()), clock=clock).generate(
        _state(storage), _invocation(clock, 330_000)
    )
    assert len(result["imageKeys"]) == 5 and generator.calls == [1, 2, 3, 4, 5]


def test_the_state_machine_retries_an_unfinished_round_and_a_function_timeout_a_bounded_number_of_times():
    retriers = ASL["States"]["Generate Images"]["Retry"]
    by_error = {error: retrier for retrier in retriers for error in retrier["ErrorEquals"]}
    # RoundUnfinished: at once, enough attempts for five one-image calls that each need their own invocation
    assert by_error["RoundUnfinished"]["MaxAttempts"] >= 4
    # A function timeout (Step Functions reports it as Lambda.Unknown): retried, but bounded
    assert 1 <= by_error["Lambda.Unknown"]["MaxAttempts"] <= 3
    # And they come before nothing that would swallow them (no States.ALL or States.TaskFailed retrier)
    assert not {"States.ALL", "States.TaskFailed"} & set(by_error)


def _tasks(states: dict, prefix: str = "") -> dict:
    """Every Task state of the loop by name, the Map's own (Judge Candidate) included."""
    found = {}
    for name, state in states.items():
        if state["Type"] == "Task":
            found[prefix + name] = state
        if "ItemProcessor" in state:
            found |= _tasks(state["ItemProcessor"]["States"], prefix)
    return found


def test_a_function_timeout_is_retried_only_on_the_steps_safe_to_repeat():
    retried = {
        name
        for name, state in _tasks(ASL["States"]).items()
        if any("Lambda.Unknown" in rule["ErrorEquals"] for rule in state.get("Retry", []))
    }
    # Generate Images resumes from generation.json, Verify Round from verification.json, Evaluate Round from its kept
    # checks, Pick Best calls no model and writes the same verdict.json again
    assert retried == {"Generate Images", "Verify Round", "Evaluate Round", "Pick Best"}
    for name in retried:
        [rule] = [r for r in _tasks(ASL["States"])[name]["Retry"] if "Lambda.Unknown" in r["ErrorEquals"]]
        assert "Sandbox.Timedout" in rule["ErrorEquals"] and 1 <= rule["MaxAttempts"] <= 3, name
    # A repeat of a step whose one model call cannot be kept (judge, rewriter) would pay for it again: not retried
    assert not retried & {"Judge Candidate", "Rewrite Prompt"}
