"""Finish Run: record the terminal outcome on the run item and return the execution's small result."""

from __future__ import annotations

import json
from typing import Any, Callable

from imagegate_service import constants as c
from imagegate_service.adapters.storage import DynamoRunRepository
from imagegate_service.domain.clock import iso, utc_now

CAUSE_LIMIT = 2000


def unrecorded_cost(state: dict[str, Any]) -> float:
    """Model cost spent on a round that ended before Record Round counted it: its images (billed even when
    filtered or never judged) and the rewrite that produced its prompt."""
    loop, generation = state["loop"], state.get("generation") or {}
    if loop["round"] <= loop["roundsCompleted"]:
        return 0.0
    images = generation.get("costUsd", 0.0) if generation.get("round") == loop["round"] else 0.0
    return images + loop["rewriteCostUsd"]


def cause_message(cause: Any) -> str:
    """A failed Lambda task's Cause is its error as JSON (type, message, stack trace); the run records the
    message itself, which says what went wrong and what to do, e.g. which model to switch to."""
    text = str(cause or "")
    try:
        parsed = json.loads(text)
    except ValueError:
        return text
    if isinstance(parsed, dict) and isinstance(parsed.get("errorMessage"), str):
        return parsed["errorMessage"]
    return text


class RunFinisher:
    def __init__(self, runs: DynamoRunRepository | None = None, clock: Callable = utc_now):
        self._runs = runs or DynamoRunRepository()
        self._clock = clock

    def finish(self, state: dict[str, Any]) -> dict[str, Any]:
        loop, settings, run_id = state["loop"], state["settings"], state["runId"]
        status, reason = state["outcome"], state["reason"]
        error = state.get("error") or {}
        if status == c.STATUS_BLOCKED and loop["bestRound"] > 0:
            # Only the user's own prompt makes a run BLOCKED; a blocked rewrite ends it with the best round so far.
            status = c.STATUS_EXHAUSTED
            reason = f"the rewritten prompt of round {loop['round']} was blocked by the content filter"
        elif status == c.STATUS_BLOCKED and "generated images" in str(error.get("Cause", "")):
            reason = "the content filter blocked every generated image"
        has_result = loop["bestRound"] > 0
        result = {
            "runId": run_id,
            "status": status,
            "reason": reason,
            "threshold": settings["threshold"],
            "finalScore": loop["bestScore"] if has_result else None,
            "bestRound": loop["bestRound"] if has_result else None,
            "bestImageKey": loop["bestImageKey"] if has_result else None,
            "rounds": loop["roundsCompleted"],
            "costUsd": round(loop["costUsd"] + unrecorded_cost(state), 6),
            "evaluationCostUsd": loop.get("evaluationCostUsd", 0.0),
            # the independent evaluator's verdict on the final best image (None when it was unavailable)
            "evaluation": loop.get("bestEvaluation") if has_result else None,
        }
        if error:
            result["error"] = error.get("Error", "Unknown")
            result["cause"] = cause_message(error.get("Cause"))[:CAUSE_LIMIT]
        self._runs.update_run(run_id, {**{k: v for k, v in result.items() if k != "runId"},
                                       "finishedAt": iso(self._clock())})
        return result
