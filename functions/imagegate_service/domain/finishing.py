"""Finish Run: record the terminal outcome on the run item and return the execution's small result."""

from __future__ import annotations

import json
from typing import Any

from imagegate_service import constants as c
from imagegate_service.domain import spend
from imagegate_service.domain.clock import iso, utc_now
from imagegate_service.domain.ports import Clock, ObjectStore, RunRepository
from imagegate_service.domain.review import approved_loop, approved_readings
from imagegate_service.domain.state import FinishStep, InterruptedRound, Loop, RunReadings, RunResult
from imagegate_service.errors import ImagesFiltered

CAUSE_LIMIT = 2000


def cause_message(cause: Any) -> str:
    """A failed Lambda task's Cause is its error as JSON (type, message, stack trace); the run records the
    message itself, which says what went wrong and what to do, e.g. which model to switch to."""
    text = str(cause or "")
    try:
        parsed = json.loads(text)
    except ValueError:
        return text
    message = parsed.get("errorMessage") if isinstance(parsed, dict) else None
    if isinstance(message, str):
        return message
    return text


def blocked_reason(state: FinishStep) -> str:
    """What the content filter blocked: the user's prompt, a rewritten one, or a round's generated images."""
    loop, error = state["loop"], state.get("error")
    if error is not None and error.get("Error") == ImagesFiltered.__name__:
        round_number = loop.get("lastFilteredRound", loop["round"])
        return (
            f"the content filter blocked the generated images of round {round_number}; no round or budget was "
            "left to draw again"
        )
    if loop["prompt"] == state["settings"]["prompt"]:
        return "the content filter blocked your prompt"
    return f"the content filter blocked the rewritten prompt of round {loop['round']}"


class RunFinisher:
    def __init__(self, runs: RunRepository, images: ObjectStore, clock: Clock = utc_now):
        self._runs = runs
        self._clock = clock
        self._images = images

    def finish(self, state: FinishStep) -> RunResult:
        loop, settings, run_id = state["loop"], state["settings"], state["runId"]
        status, reason = state["outcome"], state["reason"]
        readings: RunReadings = {}
        if state.get("review"):  # Record Approved: the round the person approved is the run's result
            rounds = self._runs.list_rounds(run_id)
            loop = approved_loop(loop, state["review"], rounds)
            readings = approved_readings(loop, rounds)
        error = state.get("error")
        if status == c.STATUS_BLOCKED:
            reason = blocked_reason(state)
            # only a blocked prompt ends BLOCKED. A run with a judged round keeps its best round; a run whose every
            # draw the output filter withheld ran out of rounds or budget to draw again: both are EXHAUSTED
            if loop["bestRound"] > 0 or (error is not None and error.get("Error") == ImagesFiltered.__name__):
                status = c.STATUS_EXHAUSTED
        unverified = loop.get("lastVerification") == c.VERIFICATION_UNAVAILABLE
        if status == c.STATUS_PASSED and unverified and not state.get("review"):
            reason += "; the verifier was unavailable, so the judge's verdict alone passed it"
        has_result = loop["bestRound"] > 0
        totals = spend.totals(self._runs.ledger(run_id))
        result: RunResult = {
            "runId": run_id,
            "status": status,
            "reason": reason,
            "threshold": settings["threshold"],
            "finalScore": loop["bestScore"] if has_result else None,
            "bestRound": loop["bestRound"] if has_result else None,
            "bestImageKey": loop["bestImageKey"] if has_result else None,
            "rounds": loop["roundsCompleted"],
            # the ledger's sum: every billed call, including the ones whose answer was thrown away
            "costUsd": totals["costUsd"],
            "evaluationCostUsd": totals["evaluationCostUsd"],
            # the independent evaluator's verdict on the final best image (None when it was unavailable)
            "evaluation": loop.get("bestEvaluation") if has_result else None,
        }
        if error:
            result["error"] = error.get("Error", "Unknown")
            result["cause"] = cause_message(error.get("Cause"))[:CAUSE_LIMIT]
        interrupted = self._interrupted_round(run_id, loop)
        self._runs.update_run(
            run_id,
            {
                **{k: v for k, v in result.items() if k != "runId"},
                **readings,
                **({c.INTERRUPTED_ROUND: interrupted} if interrupted else {}),
                "finishedAt": iso(self._clock()),
            },
        )
        return result

    def _interrupted_round(self, run_id: str, loop: Loop) -> InterruptedRound | None:
        """The round the run ended in before Record Round wrote it (a judge call failed after its retries, the
        budget stopped it mid-round): its images were drawn and billed, so the run lists them with its outcome
        (run.json's interruptedRound) rather than leaving them in the bucket unlisted. None when the run ended
        between rounds."""
        number = int(loop["round"])
        if number <= int(loop["roundsCompleted"]):
            return None
        # the round's generation.json names every image its calls delivered and kept (Generate Images deletes any
        # candidate key it does not list); a GetObject, so the function needs no s3:ListBucket
        progress = self._images.find_json(c.generation_key(run_id, number)) or {}
        calls = sorted(progress.get("calls", {}).values(), key=lambda call: call["first"])
        keys = [key for call in calls for key in call["keys"]]
        return {"round": number, "imageKeys": keys} if keys else None
