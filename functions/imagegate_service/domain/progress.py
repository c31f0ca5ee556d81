"""Where a generation is (GET /generations/{id} progress): the step it is at, how long each finished step took,
the time since it started and an estimate of what is left, read from its execution's history (the states it
entered and left), so a person sees "round 2: judging, 14 s" instead of a bare RUNNING badge.

The estimate is the run's own: its finished rounds' mean length times the rounds that may still come (up to
maxRounds), less the time already spent in the current round; an upper bound, as the gate may pass sooner.
None until one round has finished (no guess from other runs)."""

from __future__ import annotations

import itertools
from datetime import datetime

from imagegate_service.domain.clock import parse_iso
from imagegate_service.domain.state import ExecutionStep, FinishedStep, Progress

# The quality loop's states (statemachine/quality_loop.asl.json) as the steps a person follows: every Task state
# of its top level (test_progress checks the list against the definition). A state not listed (a Map's inner
# states, a Choice, which takes no time) leaves no step of its own.
STEPS = {
    "Start Run": "starting",
    "Generate Images": "generating",
    "Record Filtered Round": "generating",
    "Judge Images": "judging",
    "Pick Best": "judging",
    "Verify Round": "verifying",
    "Evaluate Round": "evaluating",
    "Record Round": "recording",
    "Await Review": "awaiting review",
    "Rewrite Prompt": "rewriting",
    # Recording the run's outcome: the run is still RUNNING while one of these writes it (its step was null there,
    # which the API documents as "ended").
    "Record Passed": "recording",
    "Record Out Of Rounds": "recording",
    "Record Out Of Budget": "recording",
    "Record Blocked": "recording",
    "Record Failure": "recording",
    "Record Approved": "recording",
    "Record Rejected": "recording",
    "Record Review Timed Out": "recording",
    "Record Daily Budget Reached": "recording",
}
ROUND_STATE = "Generate Images"  # each entry into it begins a round
# The finished steps listed (the latest kept; one step's consecutive states are one): a bound on the response
RECENT_STEPS = 12


def progress(
    steps: list[ExecutionStep],
    started_at: str | None,
    now: datetime,
    max_rounds: int,
    finished_at: str | None = None,
) -> Progress:
    """{step, state, round, stepSeconds, elapsedSeconds, estimatedSecondsLeft, finishedSteps} from the
    execution's steps ({state, enteredAt, exitedAt}; execution order); step None once the run has ended."""
    end = parse_iso(finished_at) if finished_at else now
    elapsed = (end - parse_iso(started_at)).total_seconds() if started_at else None
    followed = [s for s in steps if s["state"] in STEPS]
    current = next((s for s in reversed(followed) if s.get("exitedAt") is None), None) if not finished_at else None
    round_starts = [parse_iso(s["enteredAt"]) for s in followed if s["state"] == ROUND_STATE]
    finished: list[FinishedStep] = []
    for s in followed:
        exited = s.get("exitedAt")
        if not exited:
            continue
        step = STEPS[s["state"]]
        number = sum(1 for start in round_starts if start <= parse_iso(s["enteredAt"])) or None
        seconds = (parse_iso(exited) - parse_iso(s["enteredAt"])).total_seconds()
        if finished and (finished[-1]["step"], finished[-1]["round"]) == (step, number):
            finished[-1]["seconds"] = round(finished[-1]["seconds"] + seconds, 1)  # Judge Images + Pick Best
            continue
        finished.append({"step": step, "state": s["state"], "round": number, "seconds": round(seconds, 1)})
    estimate = None
    if current is not None and len(round_starts) >= 2:
        lengths = [(b - a).total_seconds() for a, b in itertools.pairwise(round_starts)]
        mean = sum(lengths) / len(lengths)
        in_round = (end - round_starts[-1]).total_seconds()
        rounds_left = max(0, max_rounds - len(round_starts) + 1)
        estimate = round(max(0.0, mean * rounds_left - in_round), 1)
    return {
        "step": STEPS[current["state"]] if current else None,
        "state": current["state"] if current else None,
        "round": len(round_starts) or None,
        "stepSeconds": round((end - parse_iso(current["enteredAt"])).total_seconds(), 1) if current else None,
        "elapsedSeconds": round(elapsed, 1) if elapsed is not None else None,
        "estimatedSecondsLeft": estimate,
        "finishedSteps": finished[-RECENT_STEPS:],
    }
