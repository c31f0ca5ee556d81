"""What a run's model and service calls may cost before they are made: one owner for every cost bound and
estimate (issue 24 item 2).

- Per call or per step: ``image_calls_bound``, ``targeted_calls_bound``, ``targeted_mask_bound``,
  ``mask_detection_price``, ``judge_call_bound``, ``verification_calls_bound`` (``labels_price`` + ``text_price``),
  ``evaluation_calls_bound``, ``rewrite_call_bound``: each priced from the registry and, for the text models,
  from the exact request the step sends (``domain/model_calls.py``) with its output at maxTokens
  (``tool_request_cost_bound``, from the texts a Converse call with a forced tool sends).
- Per round: ``next_round_bound`` (what Record Round projects for another round, from the round's actual
  checks and rewrite request) and ``first_round_bound`` (the same before any text exists): Start projects it,
  the daily budget reserves it on a round's first billable call, and settings refuse a ``maxCostUsd`` below it.
- Before a run: ``estimated_round_cost``, the registry's token estimates (``*_TOKENS_ESTIMATE``), which the
  benchmark estimator and the settings check use; ``round_cost_floor`` is the larger of the two models, the
  least ``maxCostUsd`` a run may ask for.

This module sits below every step that spends (it imports no step, no spend ledger and no settings), so the
daily budget, Start, settings and Record Round all import it at module level without an import cycle.
"""

from __future__ import annotations

import json

from imagegate_service import constants as c
from imagegate_service import prompts, registry
from imagegate_service.domain.model_calls import ANSWERS_SCHEMA, answers_request, checks_request, judge_request
from imagegate_service.domain.refining import TARGETED_OPERATIONS
from imagegate_service.domain.state import EvaluationCheck, Settings, ToolRequest
from imagegate_service.expected_checks import checks_from_expected

# What one judge call and one rewrite call cost in tokens, for budgeting a round before it runs.
JUDGE_TOKENS_PER_IMAGE_ESTIMATE = (2600, 600)
REWRITE_TOKENS_ESTIMATE = (1200, 300)
# The independent evaluator: the prompt turned into checks (once per run) and one answers call per round.
EVALUATION_CHECKS_TOKENS_ESTIMATE = (900, 700)
EVALUATION_ANSWERS_TOKENS_ESTIMATE = (2800, 400)

# The verifier's calls (Rekognition DetectLabels features, DetectText), priced per image by the registry.
LABEL_FEATURES = ("GENERAL_LABELS", "IMAGE_PROPERTIES")
TEXT_FEATURE = "DetectText"
MASK_FEATURES = ("GENERAL_LABELS",)  # an erase's mask: the labels' instances carry the boxes, no image properties

# A check as the evaluator's answers call shows it is at most this many bytes (question 300, subject 64, colour,
# object, text and the JSON around them, per evaluation_checks.schema.json): the bound before checks exist.
CHECK_LINE_MAX_BYTES = 1000


# -- per call -------------------------------------------------------------------------------------------------
def tool_call_texts(request: ToolRequest) -> list[str]:
    """Every text a Converse call with a forced tool sends: the system prompt, the user's text blocks and the
    tool's specification (Bedrock counts the tool definition as input tokens)."""
    return [
        request["system_prompt"],
        *(block["text"] for block in request["content"] if "text" in block),
        request["tool_name"],
        request["tool_description"],
        json.dumps(request["input_schema"]),
    ]


def tool_call_cost_bound(
    model_id: str, texts: list[str], image_sizes: list[tuple[int, int]], max_tokens: int | None = None
) -> float:
    """What a Converse call can cost at most: input bounded from its actual texts and image sizes, output at
    the maxTokens the call allows."""
    input_tokens = registry.converse_input_tokens_bound(texts, image_sizes)
    return registry.text_model(model_id).token_cost(input_tokens, max_tokens or registry.tool_call_max_tokens())


def tool_request_cost_bound(request: ToolRequest, image_sizes: list[tuple[int, int]]) -> float:
    """What a call with these ToolCaller.call arguments can cost at most, its images of these sizes."""
    texts = tool_call_texts(request)
    return tool_call_cost_bound(request["model_id"], texts, image_sizes, request.get("max_tokens"))


def image_calls_bound(settings: Settings) -> float:
    """What the round's image calls cost at most: every requested image billed (filtered ones included)."""
    model = registry.generator(settings["generator"])
    return int(settings["candidatesPerRound"]) * model.price_per_image(
        settings["width"], settings["height"], settings["quality"]
    )


def mask_detection_price() -> float:
    """One DetectLabels call that finds an erase's object (MASK_FEATURES)."""
    return registry.verifier_service(c.VERIFIER_REKOGNITION).price_per_image(*MASK_FEATURES)


def targeted_mask_bound(settings: Settings) -> float:
    """Strategy targeted (0 otherwise): the detector's call for an erase's mask. Rewrite Prompt pays it before it
    knows whether the round edits or, with no box to mask, regenerates, so it bounds either kind of round."""
    return mask_detection_price() if settings.get("strategy") == c.STRATEGY_TARGETED else 0.0


def targeted_calls_bound(settings: Settings) -> float:
    """What a targeted round's image calls cost at most (strategy targeted; 0 otherwise): each candidate one call
    of the dearest targeted service, and the detector's call for an erase's mask."""
    if settings.get("strategy") != c.STRATEGY_TARGETED:
        return 0.0
    prices = [registry.image_service_for(op).price_per_call_usd for op in TARGETED_OPERATIONS]
    return int(settings["candidatesPerRound"]) * max(prices) + targeted_mask_bound(settings)


def judge_call_bound(settings: Settings, image_size: tuple[int, int] | None = None) -> float:
    """The most one judge call on an image of the run's size can cost."""
    request = judge_request(settings["judge"], settings["prompt"], b"", settings.get("style"))
    return tool_request_cost_bound(request, [image_size or (settings["width"], settings["height"])])


def verifies(settings: Settings) -> bool:
    """Whether the run has a verifier (setting verifier rekognition): only then do its calls cost anything."""
    return bool(settings.get("verifier", c.VERIFIER_NONE) == c.VERIFIER_REKOGNITION)


def labels_price() -> float:
    return registry.verifier_service(c.VERIFIER_REKOGNITION).price_per_image(*LABEL_FEATURES)


def text_price() -> float:
    return registry.verifier_service(c.VERIFIER_REKOGNITION).price_per_image(TEXT_FEATURE)


def verification_calls_bound(settings: Settings) -> float:
    """The most the verifier can cost in a round: DetectLabels (two features) and DetectText, on the best image."""
    return labels_price() + text_price() if verifies(settings) else 0.0


def evaluation_calls_bound(settings: Settings, checks: list[EvaluationCheck] | None) -> float:
    """The most the evaluator can cost in a round: its answers on the round's best image and, while the run
    has no checks yet, the call that makes them (answers then bounded at the schema's most checks)."""
    model_id, size = settings["evaluator"], (settings["width"], settings["height"])
    if checks is None and settings.get("expected"):
        checks = checks_from_expected(settings["expected"])
    making = 0.0 if checks is not None else tool_request_cost_bound(checks_request(model_id, settings["prompt"]), [])
    if checks is None:
        most = prompts.schema(ANSWERS_SCHEMA)["properties"]["answers"]["maxItems"]
        answers = answers_request(model_id, b"", [])
        answers["content"].append({"text": "x" * (most * CHECK_LINE_MAX_BYTES)})
    else:
        answers = answers_request(model_id, b"", checks)
    return making + tool_request_cost_bound(answers, [size])


def rewrite_call_bound(request: ToolRequest) -> float:
    """The most the rewrite call can cost: its actual text, output at maxTokens."""
    return tool_request_cost_bound(request, [])


# -- per round ------------------------------------------------------------------------------------------------
def next_round_bound(
    settings: Settings, checks: list[EvaluationCheck] | None, rewrite_request: ToolRequest | None
) -> float:
    """The most another round can cost: every candidate billed (drawn, or a targeted edit's service calls and
    mask), a judge call per candidate, the verifier's calls
    and the evaluator, each with its input bounded from its actual text and image size and its output at maxTokens,
    and the rewrite that makes its prompt (None: the next round re-draws without one)."""
    rewrite = rewrite_call_bound(rewrite_request) if rewrite_request is not None else 0.0
    return (
        # a targeted round edits instead, or regenerates after paying for an erase's mask that found no box
        max(image_calls_bound(settings) + targeted_mask_bound(settings), targeted_calls_bound(settings))
        + int(settings["candidatesPerRound"]) * judge_call_bound(settings)
        + verification_calls_bound(settings)
        + evaluation_calls_bound(settings, checks)
        + rewrite
    )


def first_round_bound(settings: Settings) -> float:
    """The most a round can cost before any of its texts exist (no checks, no rewrite yet)."""
    return next_round_bound(settings, None, None)


# -- before a run ---------------------------------------------------------------------------------------------
def estimated_round_cost(settings: Settings) -> float:
    """Model cost of one round before it runs: the images, one judge call per image, one rewrite
    (none with strategy redraw: the next round re-draws the same prompt with a new seed), and the verifier's calls
    (counted every round, as if the judge passed it and a check quoted text: the estimate never falls short)."""
    model = registry.generator(settings["generator"])
    images = model.price_per_image(settings["width"], settings["height"], settings["quality"])
    judge = registry.text_model(settings["judge"]).token_cost(*JUDGE_TOKENS_PER_IMAGE_ESTIMATE)
    rewrite = (
        0.0
        if settings.get("strategy") == c.STRATEGY_REDRAW
        else registry.text_model(settings["rewriter"]).token_cost(*REWRITE_TOKENS_ESTIMATE)
    )
    return (
        int(settings["candidatesPerRound"]) * (images + judge)
        + rewrite
        + verification_calls_bound(settings)
        + estimated_evaluation_cost(settings)
    )


def estimated_evaluation_cost(settings: Settings) -> float:
    """The evaluator's share of a round before it runs: its answers, plus the run's checks (counted every
    round, so the estimate never falls short of the round that makes them)."""
    evaluator = registry.text_model(settings["evaluator"])
    return evaluator.token_cost(*EVALUATION_ANSWERS_TOKENS_ESTIMATE) + (
        0.0 if settings.get("expected") else evaluator.token_cost(*EVALUATION_CHECKS_TOKENS_ESTIMATE)
    )


def round_cost_floor(settings: Settings) -> float:
    """The least maxCostUsd a run may ask for: one round by either cost model (the budget guard reserves each
    call's bound before it is made, so a budget below the first round's bound could pay for images no judge
    call may then look at; the token estimate covers the rest)."""
    return max(estimated_round_cost(settings), first_round_bound(settings))
