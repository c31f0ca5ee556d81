"""What the loop sends to its text models on an image: the judge's verdict call and the evaluator's two calls
(checks from the request, answers on an image), as ``BedrockToolCaller.call``'s arguments.

They live apart from the steps that send them (``judging.py``, ``evaluating.py``) because the cost bounds
(``domain/costs.py``) price these exact requests before any call is made, and the daily budget, Start and
settings validation ask those bounds: a step module imports the spend ledger, so building its request there
would put the bounds above the ledger that needs them (issue 24's import cycle)."""

from __future__ import annotations

import json

from imagegate_service import constants as c
from imagegate_service import prompts, styles
from imagegate_service.domain.answers import as_data
from imagegate_service.domain.state import EvaluationCheck, ToolRequest

VERDICT_SCHEMA = "verdict.schema.json"
CHECKS_SCHEMA = "evaluation_checks.schema.json"
ANSWERS_SCHEMA = "evaluation_answers.schema.json"


def judge_request(model_id: str, original_prompt: str, png: bytes, style: str | None = None) -> ToolRequest:
    """The judge's Converse call (BedrockToolCaller.call's arguments) for one image: the user's original request
    and the run's style preset (its description; the judge checks it), never how the image was made."""
    user_text = (
        prompts.text("judge_user.md")
        .replace("{style}", as_data(styles.description(style)))  # first: the user's text may hold "{style}"
        .replace("{original_prompt}", as_data(original_prompt))
    )
    return {
        "model_id": model_id,
        "system_prompt": prompts.text("judge_system.md"),
        "content": [{"image": {"format": "png", "source": {"bytes": png}}}, {"text": user_text}],
        "tool_name": c.VERDICT_TOOL,
        "tool_description": "Submit the verdict on the image: score, explanation, suggestions, subscores, checks.",
        "input_schema": prompts.schema(VERDICT_SCHEMA),
    }


def checks_request(model_id: str, prompt: str) -> ToolRequest:
    """The evaluator's call that turns the request into checks (BedrockToolCaller.call's arguments)."""
    return {
        "model_id": model_id,
        "system_prompt": prompts.text("evaluation_checks_system.md"),
        "content": [{"text": prompts.text("evaluation_checks_user.md").replace("{original_prompt}", as_data(prompt))}],
        "tool_name": c.EVALUATION_CHECKS_TOOL,
        "tool_description": "Submit the atomic yes/no checks that say whether an image shows the request.",
        "input_schema": prompts.schema(CHECKS_SCHEMA),
    }


def answers_request(model_id: str, png: bytes, checks: list[EvaluationCheck]) -> ToolRequest:
    """The evaluator's call that answers the checks on one image (BedrockToolCaller.call's arguments)."""
    return {
        "model_id": model_id,
        "system_prompt": prompts.text("evaluation_answers_system.md"),
        "content": [
            {"image": {"format": "png", "source": {"bytes": png}}},
            {"text": prompts.text("evaluation_answers_user.md").replace("{checks}", checks_block(checks))},
        ],
        "tool_name": c.EVALUATION_ANSWERS_TOOL,
        "tool_description": "Submit a yes or no answer for every question about the image, by id.",
        "input_schema": prompts.schema(ANSWERS_SCHEMA),
    }


def checks_block(checks: list[EvaluationCheck]) -> str:
    """One JSON object per line, numbered by id; the questions are data and cannot close the tag they sit in."""
    return "\n".join(as_data(json.dumps(check, ensure_ascii=False, sort_keys=True)) for check in checks)


# -- shared with the adapters that send these calls and the image calls ----------------------------------------
def fit_to_limit(text: str, limit: int) -> str:
    """Shorten text to the model's limit at a word boundary (a prompt over the limit is a
    ValidationException, a known failure of rewrite loops)."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    boundary = cut.rfind(" ")
    return (cut[:boundary] if boundary > limit * 0.8 else cut).rstrip(" ,;")


def png_size(png: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk (1024x1024 when the header is not a PNG's)."""
    if png[12:16] != b"IHDR":
        return 1024, 1024
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
