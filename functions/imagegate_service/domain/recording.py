"""Record Round: the round item in DynamoDB, the run's running totals, the loop's next numbers (best round so far,
cost, projected cost of another round) and the loop's next move (`loop.next`, domain/gate.py) that the Quality Gate
and Draw Again? choices route on."""

from __future__ import annotations

from typing import cast

from imagegate_service import constants as c
from imagegate_service.domain import spend
from imagegate_service.domain.clock import expiry_epoch, iso, utc_now
from imagegate_service.domain.costs import next_round_bound
from imagegate_service.domain.evaluating import public_evaluation, unavailable_evaluation
from imagegate_service.domain.gate import after_filtered_round, after_round, gate_passes, judge_passes
from imagegate_service.domain.judging import best_candidate
from imagegate_service.domain.ports import Clock, ObjectStore, RunRepository
from imagegate_service.domain.readings import evaluation_summary, verification_summary
from imagegate_service.domain.refining import fallback_change, made_edit, public_edit
from imagegate_service.domain.rewriting import redraw_seed, rewrite_request
from imagegate_service.domain.state import (
    JudgeCheck,
    Loop,
    LoopStep,
    Reading,
    RecordStep,
    RewriteDocument,
    RoundItem,
    RunCosts,
    ToolRequest,
)
from imagegate_service.domain.verifying import recorded_verification, verification_suggestions
from imagegate_service.settings import run_ttl_days


def improves_on_best(loop: Loop, score: float, verification_failed: bool) -> bool:
    """Is this round the run's new best? A round the verifier showed wrong (a check it could ground failed) ranks
    below every round it did not fail, whatever the judge's scores; among rounds alike in that, the higher score
    wins (a tie keeps the earlier round). So a run that ends without passing keeps as its result an image no
    detector contradicted, when it has one."""
    if loop["bestRound"] == 0:
        return True
    best = (not loop.get("bestVerificationFailed", False), float(loop["bestScore"]))
    return (not verification_failed, float(score)) > best


_KEPT_CHECK_KEYS = frozenset({"question", "satisfied", "kind", "subject"})


def recorded_check(check: JudgeCheck) -> JudgeCheck:
    """A judge check as the round item keeps it: its question and answer, and its kind and subject when given."""
    return cast(JudgeCheck, {key: value for key, value in check.items() if key in _KEPT_CHECK_KEYS})


class RoundRecorder:
    def __init__(self, runs: RunRepository, images: ObjectStore, clock: Clock = utc_now):
        self._runs = runs
        self._images = images
        self._clock = clock

    def record(self, state: RecordStep) -> Loop:
        settings, loop, run_id = state["settings"], state["loop"], state["runId"]
        generation, judgement = state["generation"], state["judgement"]
        round_number = loop["round"]
        verdict_doc = self._images.get_json(judgement["verdictKey"])
        best = best_candidate(verdict_doc)
        verdict = best["verdict"]
        score = judgement["score"]
        now = self._clock()
        rewrite_doc = self._rewrite_since_last_round(run_id, loop)
        changes = rewrite_doc["changes"] if rewrite_doc else []
        # a targeted round whose service could not be used drew the prompt instead: it is recorded as drawn, with
        # the seed it drew with, and says which edit it could not make and why
        fallback = generation.get("targetedFallback")
        if fallback:
            changes = [*changes, fallback_change(fallback)]
        edit = made_edit(loop, generation)
        evaluation = self._evaluation(state)
        verification = recorded_verification(settings, judgement.get("verification"), self._images)
        verification_failed = verification is not None and verification["passed"] is False
        # the gate: the judge passed the round and no check the verifier could ground failed (an unavailable
        # verifier leaves the judge's verdict alone, and the round says so)
        gate_passed = gate_passes(score, settings["threshold"], verification_failed)
        ledger = self._runs.ledger(run_id)
        this_round, run_totals = spend.round_totals(ledger, round_number), spend.totals(ledger)
        round_item: RoundItem = {
            "prompt": loop["prompt"],
            "negativePrompt": loop["negativePrompt"],
            "promptChanges": changes,
            "seed": fallback["seed"] if fallback else loop["seed"],
            # generate (drawn from text) or edit (of an earlier round's best image: its key and the edit's parameters)
            "mode": c.MODE_EDIT if edit else c.MODE_GENERATE,
            "sourceImageKey": edit["sourceImageKey"] if edit else None,
            "edit": public_edit(edit),
            "imageKeys": generation["imageKeys"],
            "bestImageKey": judgement["imageKey"],
            "verdictKey": judgement["verdictKey"],
            "score": score,
            "passed": judge_passes(score, settings["threshold"]),  # the judge's verdict
            "gatePassed": gate_passed,  # the judge's verdict and the verifier's grounding of it
            "verification": verification,
            "subscores": verdict["subscores"],
            "explanation": verdict["explanation"],
            "suggestions": verdict["suggestions"],
            "candidateScores": [cand["verdict"]["score"] for cand in verdict_doc["candidates"]],
            # the judge's checks on the best candidate (the verdict schema's question/satisfied pairs, at most 20)
            "judgeChecks": [recorded_check(check) for check in verdict.get("checks", [])],
            "costUsd": this_round["costUsd"],  # the ledger's: every billed call of the round, retries included
            "evaluation": evaluation,
            "evaluationCostUsd": this_round["evaluationCostUsd"],  # billed, budgeted, not the loop's own cost
            "generatorModel": settings["generator"],
            "judgeModel": settings["judge"],
            "rewriterModel": rewrite_doc.get("rewriterModel") if rewrite_doc else None,
            "generateMs": generation["durationMs"],
            "judgeMs": judgement["durationMs"],
            "recordedAt": iso(now),
            c.TTL_ATTRIBUTE: expiry_epoch(now, run_ttl_days()),
        }
        if fallback:
            round_item["targetedFallback"] = fallback
        improved = improves_on_best(loop, score, verification_failed)
        evaluated = evaluation_summary(evaluation)  # counts only; None when the evaluator was unavailable
        next_loop: Loop = {
            **loop,
            "roundsCompleted": round_number,
            **run_totals,
            "rewriteCostUsd": 0.0,
            "lastScore": score,
            "gatePassed": gate_passed,
            "lastVerification": verification["status"] if verification else None,
            "bestVerificationFailed": verification_failed if improved else loop.get("bestVerificationFailed", False),
            "bestScore": score if improved else loop["bestScore"],
            "bestRound": round_number if improved else loop["bestRound"],
            "bestImageKey": judgement["imageKey"] if improved else loop["bestImageKey"],
            "bestEvaluation": evaluated if improved else loop.get("bestEvaluation"),
        }
        # the budget is one hard limit over every billable call, the evaluator's included: what is spent or
        # committed (the run item's committedUsd, never less than the ledger's sum) plus the next round at most
        rewrite = None
        if settings.get("strategy") != c.STRATEGY_REDRAW:
            rewrite = rewrite_request(
                settings,
                loop,
                [*verification_suggestions(judgement.get("verification"), self._images), *verdict["suggestions"]],
                [
                    *(r for r in self._runs.list_rounds(run_id) if r["round"] != round_number),
                    {"prompt": loop["prompt"], "score": score},
                ],
            )
        next_loop["projectedCostUsd"] = self._projection(state, rewrite, run_totals)
        next_loop["next"] = after_round(settings, round_number, gate_passed, next_loop["projectedCostUsd"])
        # the round and the run's totals: one transaction, so a throttled second write cannot split them
        self._runs.put_round_and_update_run(
            run_id,
            round_number,
            round_item,
            {
                "rounds": round_number,
                "costUsd": next_loop["costUsd"],
                "bestRound": next_loop["bestRound"],
                "bestScore": next_loop["bestScore"],
                "bestImageKey": next_loop["bestImageKey"],
                "evaluationCostUsd": next_loop["evaluationCostUsd"],
                # the best image's evaluation and verification in counts, for the listing and its filter; an
                # unavailable evaluation is said (the table keeps no null, so None would leave an older round's)
                **(
                    {
                        "evaluation": evaluated or {"unavailable": True},
                        "verification": verification_summary(round_item.get("verification")),
                    }
                    if improved
                    else {}
                ),
                "updatedAt": iso(now),
            },
        )
        return next_loop

    def record_filtered(self, state: LoopStep) -> Loop:
        """A round whose every image the output filter withheld: its cost is in the ledger and the run's totals,
        the run notes the round, and the next round re-draws the same prompt with a new seed."""
        settings, loop, run_id = state["settings"], state["loop"], state["runId"]
        round_number = loop["round"]
        run_totals = spend.totals(self._runs.ledger(run_id))
        filtered = sorted({*(self._runs.get_run(run_id) or {}).get("filteredRounds", []), round_number})
        next_loop: Loop = {
            **loop,
            **run_totals,
            "round": round_number + 1,
            "rewriteCostUsd": 0.0,
            "seed": redraw_seed(settings, round_number + 1),
            "filteredRounds": filtered,
            "lastFilteredRound": round_number,
        }
        next_loop["projectedCostUsd"] = self._projection(state, None, run_totals)
        next_loop["next"] = after_filtered_round(settings, round_number, next_loop["projectedCostUsd"])
        self._runs.update_run(run_id, {**run_totals, "filteredRounds": filtered, "updatedAt": iso(self._clock())})
        return next_loop

    def _rewrite_since_last_round(self, run_id: str, loop: Loop) -> RewriteDocument | None:
        """The rewrite that made this round's prompt, if one was made since the last recorded round. A round
        after a filtered one re-draws without a rewrite of its own (Record Filtered Round goes straight back to
        Generate Images): its prompt is the latest rewrite's after the last recorded round, or none."""
        for number in range(loop["round"], max(1, int(loop.get("roundsCompleted", 0))), -1):
            found = self._images.find_json(c.rewrite_key(run_id, number))
            if found is not None:
                return cast("RewriteDocument", found)
        return None

    def _projection(self, state: LoopStep, rewrite: ToolRequest | None, totals: RunCosts) -> float:
        """What the run will have cost after one more round at most. `totals` are the ledger's as the caller
        read them in this step (nothing else writes a run's ledger while its loop records a round), so the
        ledger is queried once per step, not twice."""
        run_id = state["runId"]
        committed = float((self._runs.get_run(run_id) or {}).get("committedUsd", 0.0))
        spent = totals["costUsd"] + totals["evaluationCostUsd"]
        checks = self._images.find_json(c.evaluation_checks_key(run_id))
        bound = next_round_bound(state["settings"], checks["checks"] if checks else None, rewrite)
        return round(max(committed, spent) + bound, 6)

    def _evaluation(self, state: RecordStep) -> Reading:
        """The round's evaluation as recorded. When Evaluate Round failed after its retries ($.evaluation holds
        the caught error), the evaluation is unavailable (what its attempts spent is in the ledger)."""
        evaluator = state["settings"]["evaluator"]
        outcome = state.get("evaluation") or {"Error": "NotEvaluated", "Cause": "the round was not evaluated"}
        if "evaluationKey" in outcome:
            return public_evaluation(self._images.get_json(outcome["evaluationKey"]))
        reason = f"{outcome.get('Error', 'Unknown')}: {str(outcome.get('Cause', ''))[:500]}"
        return unavailable_evaluation(evaluator, reason)
