"""Finish Run: record the terminal outcome on the run item and return the execution's small result."""

from __future__ import annotations

import json
from typing import Any

from imagegate_service import constants as c
from imagegate_service.adapters.storage import DynamoRunRepository
from imagegate_service.domain import spend
from imagegate_service.domain.clock import iso, utc_now
from imagegate_service.domain.ports import Clock, RunRepository

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


def blocked_reason(state: dict[str, Any]) -> str:
    """What the content filter blocked: the user's prompt, a rewritten one, or a round's generated images."""
    loop, error = state["loop"], state.get("error") or {}
    if error.get("Error") == "ImagesFiltered":
        round_number = loop.get("lastFilteredRound", loop["round"])
        return (
            f"the content filter blocked the generated images of round {round_number}; no round or budget was "
            "left to draw again"
        )
    if loop["prompt"] == state["settings"]["prompt"]:
        return "the content filter blocked your prompt"
    return f"the content filter blocked the rewritten prompt of round {loop['round']}"


class RunFinisher:
    def __init__(self, runs: RunRepository | None = None, clock: Clock = utc_now):
        self._runs = runs or DynamoRunRepository()
        self._clock = clock

    def finish(self, state: dict[str, Any]) -> dict[str, Any]:
        loop, settings, run_id = state["loop"], state["settings"], state["runId"]
        status, reason = state["outcome"], state["reason"]
        error = state.get("error") or {}
        if status == c.STATUS_BLOCKED:
            reason = blocked_reason(state)
            if loop["bestRound"] > 0:
                status = c.STATUS_EXHAUSTED  # only a run with no judged round ends BLOCKED; else its best round stands
        has_result = loop["bestRound"] > 0
        totals = spend.totals(self._runs.ledger(run_id))
        result = {
            "runId": run_id,
            "status": status,
            "reason": reason,
            "threshold": settings["threshold"],
            "finalScore": loop["bestScore"] if has_result else None,
            "bestRound": loop["bestRound"] if has_result else None,
            "bestImageKey": loop["bestImageKey"] if has_result else None,
            "rounds": loop["roundsCompleted"],
            **totals,  # the ledger's sum: every billed call, including the ones whose answer was thrown away
            # the independent evaluator's verdict on the final best image (None when it was unavailable)
            "evaluation": loop.get("bestEvaluation") if has_result else None,
        }
        if error:
            result["error"] = error.get("Error", "Unknown")
            result["cause"] = cause_message(error.get("Cause"))[:CAUSE_LIMIT]
        self._runs.update_run(
            run_id, {**{k: v for k, v in result.items() if k != "runId"}, "finishedAt": iso(self._clock())}
        )
        return result
