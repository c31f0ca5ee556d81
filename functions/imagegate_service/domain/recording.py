"""Record Round: the round item in DynamoDB, the run's running totals, and the loop's next numbers
(best round so far, cost, projected cost of another round) that the Quality Gate choice reads."""

from __future__ import annotations

import os
from typing import Any, Callable

from imagegate_service import constants as c
from imagegate_service.adapters.storage import DynamoRunRepository, S3ObjectStore
from imagegate_service.domain.clock import expiry_epoch, iso, utc_now
from imagegate_service.domain.evaluating import public_evaluation, read_json_if_present, unavailable_evaluation
from imagegate_service.settings import estimated_round_cost


def rewrite_key(run_id: str, round_number: int) -> str:
    """Where the rewrite that produced a round's prompt keeps its notes."""
    return f"{c.round_prefix(run_id, round_number)}rewrite.json"


class RoundRecorder:
    def __init__(self, runs: DynamoRunRepository | None = None, images: S3ObjectStore | None = None,
                 clock: Callable = utc_now):
        self._runs = runs or DynamoRunRepository()
        self._images = images or S3ObjectStore()
        self._clock = clock

    def record(self, state: dict[str, Any]) -> dict[str, Any]:
        settings, loop, run_id = state["settings"], state["loop"], state["runId"]
        generation, judgement = state["generation"], state["judgement"]
        round_number = loop["round"]
        verdict_doc = self._images.get_json(judgement["verdictKey"])
        best = next(cand for cand in verdict_doc["candidates"] if cand["candidate"] == judgement["bestCandidate"])
        verdict = best["verdict"]
        round_cost = generation["costUsd"] + judgement["costUsd"] + loop["rewriteCostUsd"]
        score = judgement["score"]
        now = self._clock()
        changes = self._images.get_json(rewrite_key(run_id, round_number))["changes"] if round_number > 1 else []
        evaluation, evaluation_cost = self._evaluation(state)
        self._runs.put_round(
            run_id,
            round_number,
            {
                "prompt": loop["prompt"],
                "negativePrompt": loop["negativePrompt"],
                "promptChanges": changes,
                "seed": loop["seed"],
                "imageKeys": generation["imageKeys"],
                "bestImageKey": judgement["imageKey"],
                "verdictKey": judgement["verdictKey"],
                "score": score,
                "passed": score >= settings["threshold"],
                "subscores": verdict["subscores"],
                "explanation": verdict["explanation"],
                "suggestions": verdict["suggestions"],
                "candidateScores": [cand["verdict"]["score"] for cand in verdict_doc["candidates"]],
                "costUsd": round(round_cost, 6),
                "evaluation": evaluation,
                "evaluationCostUsd": round(evaluation_cost, 6),  # billed, budgeted, but not the loop's own cost
                "generatorModel": settings["generator"],
                "judgeModel": settings["judge"],
                "rewriterModel": settings["rewriter"] if round_number > 1 and settings.get("strategy") != c.STRATEGY_REDRAW
                else None,
                "generateMs": generation["durationMs"],
                "judgeMs": judgement["durationMs"],
                "recordedAt": iso(now),
                c.TTL_ATTRIBUTE: expiry_epoch(now, int(os.environ.get(c.ENV_RUN_TTL_DAYS, c.DEFAULT_RUN_TTL_DAYS))),
            },
        )
        improved = score > loop["bestScore"] or loop["bestRound"] == 0
        total_cost = loop["costUsd"] + round_cost
        evaluation_total = loop.get("evaluationCostUsd", 0.0) + evaluation_cost
        available = "unavailable" not in evaluation
        evaluated = {"passed": evaluation["passed"], "source": evaluation["source"]} if available else None
        next_loop = {
            **loop,
            "roundsCompleted": round_number,
            "costUsd": round(total_cost, 6),
            "evaluationCostUsd": round(evaluation_total, 6),
            # the budget is one hard limit over every billable call, the evaluator's included
            "projectedCostUsd": round(total_cost + evaluation_total
                                      + max(round_cost + evaluation_cost, estimated_round_cost(settings)), 6),
            "lastScore": score,
            "bestScore": score if improved else loop["bestScore"],
            "bestRound": round_number if improved else loop["bestRound"],
            "bestImageKey": judgement["imageKey"] if improved else loop["bestImageKey"],
            "bestEvaluation": evaluated if improved else loop.get("bestEvaluation"),
        }
        self._runs.update_run(
            run_id,
            {"rounds": round_number, "costUsd": next_loop["costUsd"], "bestRound": next_loop["bestRound"],
             "bestScore": next_loop["bestScore"], "bestImageKey": next_loop["bestImageKey"],
             "evaluationCostUsd": next_loop["evaluationCostUsd"], "updatedAt": iso(now)},
        )
        return next_loop

    def _evaluation(self, state: dict[str, Any]) -> tuple[dict[str, Any], float]:
        """The round's evaluation as recorded, and what the evaluator cost. When Evaluate Round failed after
        its retries ($.evaluation holds the caught error), the evaluation is unavailable, and what its
        attempts spent is read from the round's evaluation document, where each call was recorded."""
        evaluator = state["settings"]["evaluator"]
        outcome = state.get("evaluation") or {"Error": "NotEvaluated", "Cause": "the round was not evaluated"}
        if "evaluationKey" in outcome:
            document = self._images.get_json(outcome["evaluationKey"])
            return public_evaluation(document), float(document["costUsd"])
        reason = f"{outcome.get('Error', 'Unknown')}: {str(outcome.get('Cause', ''))[:500]}"
        return unavailable_evaluation(evaluator, reason), self._spent_on_failed_evaluation(state)

    def _spent_on_failed_evaluation(self, state: dict[str, Any]) -> float:
        ledger = read_json_if_present(self._images, c.evaluation_key(state["runId"], state["loop"]["round"]))
        return float(ledger["costUsd"]) if ledger else 0.0  # no document: no attempt got as far as a billed call
