"""Judge Images: the vision model grades each candidate (one call each) against the user's ORIGINAL prompt; the
verdict is untrusted model output, validated against its schema before anything uses it."""

from __future__ import annotations

import time

from imagegate_service import constants as c
from imagegate_service import registry
from imagegate_service.domain.answers import answer_outcome, validated
from imagegate_service.domain.costs import tool_request_cost_bound
from imagegate_service.domain.model_calls import VERDICT_SCHEMA, judge_request, png_size
from imagegate_service.domain.ports import ObjectStore, ToolCaller
from imagegate_service.domain.spend import SpendLedger
from imagegate_service.domain.state import (
    CandidateJudgement,
    CandidateVerdict,
    JudgeCandidateStep,
    Judgement,
    PickBestStep,
    VerdictDocument,
)
from imagegate_service.errors import InvalidVerdict


def best_candidate(verdict_doc: VerdictDocument) -> CandidateVerdict:
    """The best candidate's entry (its number and verdict) in a round's verdict document (verdict.json)."""
    return next(cand for cand in verdict_doc["candidates"] if cand["candidate"] == verdict_doc["bestCandidate"])


class RoundJudge:
    """Each candidate is judged by its own call (the state machine's Map runs them in parallel, and a retry
    repeats only the failed one); pick_best gathers their verdicts into the round's verdict.json."""

    def __init__(self, models: ToolCaller, images: ObjectStore, ledger: SpendLedger):
        self._models = models
        self._images = images
        self._ledger = ledger

    def judge_candidate(self, state: JudgeCandidateStep) -> CandidateJudgement:
        """One Map item: {runId, settings, loop, index (the Map's, 0-based) or candidate (1-based), imageKey, attempt}."""
        settings, loop, run_id = state["settings"], state["loop"], state["runId"]
        number = int(state["candidate"]) if "candidate" in state else int(state["index"]) + 1
        image_key = state["imageKey"]
        judge_model = registry.text_model(settings["judge"])
        started = time.monotonic()
        png = self._images.get_bytes(image_key)
        request = judge_request(judge_model.model_id, settings["prompt"], png, settings.get("style"))
        bound = tool_request_cost_bound(request, [png_size(png)])
        with self._ledger.call(
            state,
            round_number=loop["round"],
            step=c.STEP_JUDGE,
            candidate=number,
            model_id=judge_model.model_id,
            bound_usd=bound,
        ) as billed:
            answer = self._models.call(**request)
            cost = judge_model.token_cost(answer.input_tokens, answer.output_tokens)
            billed.answered(cost, answer_outcome(answer))
            verdict = validated(answer, VERDICT_SCHEMA, "judge", InvalidVerdict)
        key = c.candidate_verdict_key(run_id, loop["round"], number)
        self._images.put_json(
            key,
            {
                "candidate": number,
                "imageKey": image_key,
                "verdict": verdict,
                "usage": {"inputTokens": answer.input_tokens, "outputTokens": answer.output_tokens},
                "costUsd": round(cost, 9),
            },
        )
        return {
            "candidate": number,
            "imageKey": image_key,
            "score": float(verdict["score"]),
            "candidateVerdictKey": key,
            "costUsd": round(cost, 9),
            "durationMs": int((time.monotonic() - started) * 1000),
        }

    def pick_best(self, state: PickBestStep) -> Judgement:
        """The best of the candidates the Map judged ({..., candidates: [judge_candidate's results]})."""
        settings, loop, run_id = state["settings"], state["loop"], state["runId"]
        results = sorted(state["candidates"], key=lambda result: result["candidate"])
        candidates = [self._images.get_json(result["candidateVerdictKey"]) for result in results]
        best = max(candidates, key=lambda cand: cand["verdict"]["score"])
        verdict_key = c.verdict_key(run_id, loop["round"])
        self._images.put_json(
            verdict_key,
            {
                "runId": run_id,
                "round": loop["round"],
                "originalPrompt": settings["prompt"],
                "prompt": loop["prompt"],
                "judgeModel": settings["judge"],
                "bestCandidate": best["candidate"],
                "candidates": candidates,
            },
        )
        return {
            "score": float(best["verdict"]["score"]),
            "bestCandidate": best["candidate"],
            "imageKey": best["imageKey"],
            "verdictKey": verdict_key,
            "costUsd": round(sum(cand["costUsd"] for cand in candidates), 6),
            # the calls ran in parallel: the round waited for the slowest
            "durationMs": max((result["durationMs"] for result in results), default=0),
        }
