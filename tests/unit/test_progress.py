"""Issue 25.3: a generation's progress from its execution's history: the step it is at, each finished step's
length, the time since it started and an estimate from its own finished rounds."""

from datetime import UTC, datetime, timedelta

import pytest

from imagegate_service.domain.clock import iso
from imagegate_service.domain.progress import RECENT_STEPS, progress

pytestmark = pytest.mark.unit

T0 = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)


def _history(plan):
    """[(state, seconds in it)] one after the other from T0; the last is still open."""
    steps, at = [], T0
    for k, (state, seconds) in enumerate(plan):
        last = k == len(plan) - 1
        steps.append(
            {"state": state, "enteredAt": iso(at), "exitedAt": None if last else iso(at + timedelta(seconds=seconds))}
        )
        at += timedelta(seconds=seconds)
    return steps, at


ROUND = [("Generate Images", 10), ("Judge Images", 4), ("Judge Candidate", 3), ("Pick Best", 1), ("Verify?", 0)]
ROUND += [("Evaluate Round", 2), ("Record Round", 1), ("Quality Gate", 0), ("Rewrite Prompt", 2)]


def test_a_running_generation_says_its_step_round_and_what_is_left():
    # Given two finished rounds of 23 s each and round 3 judging for 6 s (16 s into the round), 5 rounds at most
    steps, at = _history([*ROUND, *ROUND, ("Generate Images", 10), ("Judge Images", 3)])
    now = at + timedelta(seconds=3)
    out = progress(steps, iso(T0), now, max_rounds=5)
    # Then it is judging round 3, and at most 3 rounds x 23 s - 16 s are left
    assert (out["step"], out["state"], out["round"], out["stepSeconds"]) == ("judging", "Judge Images", 3, 6.0)
    assert out["elapsedSeconds"] == 62.0 and out["estimatedSecondsLeft"] == 53.0
    # And the finished steps are the followed ones (not a Map's inner state), with their lengths and rounds
    finished = out["finishedSteps"]
    # (one step's consecutive states are one: Judge Images and Pick Best are 5 s of judging)
    assert len(finished) == 11 <= RECENT_STEPS and finished[-1] == {
        "step": "generating",
        "state": "Generate Images",
        "round": 3,
        "seconds": 10.0,
    }
    assert [s["seconds"] for s in finished if s["step"] == "judging"] == [5.0, 5.0]
    assert "Judge Candidate" not in {s["state"] for s in finished} and {s["step"] for s in finished} >= {
        "judging",
        "evaluating",
        "rewriting",
    }


def test_no_estimate_before_a_round_has_finished_and_none_past_max_rounds():
    steps, at = _history([("Start Run", 1), ("Generate Images", 10)])
    first = progress(steps, iso(T0), at + timedelta(seconds=4), max_rounds=4)
    assert (first["step"], first["round"], first["estimatedSecondsLeft"]) == ("generating", 1, None)
    steps, at = _history([*ROUND, ("Generate Images", 1)])
    last = progress(steps, iso(T0), at + timedelta(seconds=60), max_rounds=2)
    assert last["estimatedSecondsLeft"] == 0.0  # longer than the mean already: never negative


def test_an_ended_generation_has_no_step_and_its_whole_length():
    steps, _ = _history([*ROUND, ("Record Passed", 1)])
    finished_at = iso(T0 + timedelta(seconds=25))
    out = progress(steps, iso(T0), T0 + timedelta(hours=3), max_rounds=4, finished_at=finished_at)
    assert (out["step"], out["stepSeconds"], out["estimatedSecondsLeft"], out["elapsedSeconds"]) == (
        None,
        None,
        None,
        25.0,
    )


def test_a_review_wait_is_a_step_of_its_own():
    steps, at = _history([*ROUND[:-1], ("Await Review", 0)])
    out = progress(steps, iso(T0), at + timedelta(minutes=5), max_rounds=3)
    assert out["step"] == "awaiting review" and out["stepSeconds"] == 300.0


def test_every_task_of_the_loop_is_a_step_so_a_running_generation_always_has_one():
    """A RUNNING generation in a Task state missing from STEPS showed step null, which the API documents as
    "ended" (seen while a run recorded its outcome, Record Out Of Budget)."""
    import json
    from pathlib import Path

    from imagegate_service.domain.progress import STEPS

    definition = json.loads((Path(__file__).resolve().parents[2] / "statemachine/quality_loop.asl.json").read_text())
    tasks = {name for name, state in definition["States"].items() if state["Type"] in ("Task", "Map")}
    assert tasks == set(STEPS)
    # And a run writing its outcome is recording, in its last round
    steps, at = _history([*ROUND[:-1], ("Record Out Of Budget", 1)])
    out = progress(steps, iso(T0), at, max_rounds=3)
    assert (out["step"], out["state"], out["round"]) == ("recording", "Record Out Of Budget", 1)
