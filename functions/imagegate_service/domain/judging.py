"""Judge Images: the vision model grades every candidate against the user's ORIGINAL prompt; the
verdict is untrusted model output, validated against its schema before anything uses it."""

from __future__ import annotations

import time
from typing import Any

from imagegate_service import constants as c
from imagegate_service import prompts, registry
from imagegate_service.adapters.bedrock import BedrockToolCaller, ToolAnswer
from imagegate_service.adapters.storage import S3ObjectStore
from imagegate_service.errors import InvalidVerdict

VERDICT_SCHEMA = "verdict.schema.json"


def as_data(text: str) -> str:
    """User text goes between tags as data; it must not be able to close the tag it sits in."""
    return text.replace("<", "‹").replace(">", "›")


def validated(answer: ToolAnswer, schema_name: str, what: str, error: type[Exception]) -> dict[str, Any]:
    """The tool input of a model answer, or the named error saying why it cannot be used."""
    # A reply cut at maxTokens has no tool call, or a partial one: say so, since a bigger maxTokens is the fix.
    cut = (f"the {what}'s reply was cut at maxTokens ({answer.max_tokens or 'the limit'}, stopReason max_tokens)"
           if answer.stop_reason == "max_tokens" else "")
    if answer.tool_input is None:
        said = f": {answer.text[:200]!r}" if answer.text else ""
        if cut:
            raise error(f"{cut} before it called its tool{said}")
        raise error(f"the {what} did not call its tool (stopReason {answer.stop_reason}){said}")
    import jsonschema  # heavy import, paid only by the functions that validate model output

    problems = sorted(
        jsonschema.Draft202012Validator(prompts.schema(schema_name)).iter_errors(answer.tool_input),
        key=lambda e: list(e.path),
    )
    if problems:
        where = "/".join(str(p) for p in problems[0].path) or "(top level)"
        if cut:
            raise error(f"{cut}: its tool input is incomplete at {where}: {problems[0].message[:300]}")
        raise error(f"the {what}'s answer breaks its schema at {where}: {problems[0].message[:300]}")
    return answer.tool_input


class RoundJudge:
    def __init__(self, models: BedrockToolCaller | None = None, images: S3ObjectStore | None = None):
        self._models = models or BedrockToolCaller()
        self._images = images or S3ObjectStore()

    def judge(self, state: dict[str, Any]) -> dict[str, Any]:
        settings, loop, run_id = state["settings"], state["loop"], state["runId"]
        judge_model = registry.text_model(settings["judge"])
        started = time.monotonic()
        candidates = []
        for number, key in enumerate(state["generation"]["imageKeys"], start=1):
            answer = self._ask(judge_model.model_id, self._images.get_bytes(key), settings["prompt"])
            verdict = validated(answer, VERDICT_SCHEMA, "judge", InvalidVerdict)
            candidates.append(
                {"candidate": number, "imageKey": key, "verdict": verdict,
                 "usage": {"inputTokens": answer.input_tokens, "outputTokens": answer.output_tokens},
                 "costUsd": judge_model.token_cost(answer.input_tokens, answer.output_tokens)}
            )
        best = max(candidates, key=lambda cand: cand["verdict"]["score"])
        verdict_key = c.verdict_key(run_id, loop["round"])
        self._images.put_json(
            verdict_key,
            {"runId": run_id, "round": loop["round"], "originalPrompt": settings["prompt"], "prompt": loop["prompt"],
             "judgeModel": judge_model.model_id, "bestCandidate": best["candidate"], "candidates": candidates},
        )
        return {
            "score": float(best["verdict"]["score"]),
            "bestCandidate": best["candidate"],
            "imageKey": best["imageKey"],
            "verdictKey": verdict_key,
            "costUsd": round(sum(cand["costUsd"] for cand in candidates), 6),
            "durationMs": int((time.monotonic() - started) * 1000),
        }

    def _ask(self, model_id: str, png: bytes, original_prompt: str) -> ToolAnswer:
        user_text = prompts.text("judge_user.md").replace("{original_prompt}", as_data(original_prompt))
        return self._models.call(
            model_id=model_id,
            system_prompt=prompts.text("judge_system.md"),
            content=[{"image": {"format": "png", "source": {"bytes": png}}}, {"text": user_text}],
            tool_name=c.VERDICT_TOOL,
            tool_description="Submit the verdict on the image: score, explanation, suggestions, subscores, checks.",
            input_schema=prompts.schema(VERDICT_SCHEMA),
        )
