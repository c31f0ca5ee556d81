"""Bedrock adapters: image generation through InvokeModel (Stability AI's Stable Diffusion 3.5 Large, Stable
Image Core and Ultra; Titan Image Generator v2 and Nova Canvas) and the judge and rewriter through Converse
with a forced tool. Each speaks the model's exact format, treats the answer as untrusted, and turns Bedrock's
failures into the named errors the state machine retries or catches."""

from __future__ import annotations

import base64
import binascii
import functools
import json
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any, Literal

from imagegate_service import allowed_models, registry, styles
from imagegate_service.adapters.aws_clients import client as aws_client
from imagegate_service.domain.model_calls import fit_to_limit
from imagegate_service.domain.ports import GeneratedImages, ImageRequest, ToolAnswer
from imagegate_service.errors import (
    ContentBlocked,
    ImagegateError,
    ImagesFiltered,
    ModelAccessDenied,
    ModelNotFound,
    ModelRequestRejected,
    ModelRetired,
    ModelThrottled,
    ModelTransientError,
)

_THROTTLED = {
    "ThrottlingException",
    "ModelNotReadyException",
    "ServiceQuotaExceededException",
    "TooManyRequestsException",
}
_TRANSIENT = {
    "ServiceUnavailableException",
    "InternalServerException",
    "ModelTimeoutException",
    "ModelErrorException",
    "ModelStreamErrorException",
}
_CONTENT_FILTER_MARK = "content filter"
# What Bedrock says when a model is gone: "This model version has reached the end of its life." (ResourceNotFound,
# https://github.com/aws-samples/amazon-bedrock-ai-karaoke/issues/21) and, for a Legacy model an account has
# stopped using, "Access denied. This Model is marked by provider as Legacy and you have not been actively using
# the model in the last 30 days." (https://github.com/gsd-build/gsd-2/issues/5425). Matched in lower case.
_RETIRED_MARKS = (
    "end of its life",
    "end of life",
    "end-of-life",
    "no longer available",
    "no longer supported",
    "has been retired",
    "is retired",
    "marked by provider as legacy",
)
_RETIRABLE_CODES = {"ValidationException", "ResourceNotFoundException", "AccessDeniedException"}

# Stability's finish_reasons (the model pages on Bedrock): null is success; the rest say why there is no image.
STABILITY_PROMPT_FILTERED = "Filter reason: prompt"
STABILITY_INPUT_IMAGE_FILTERED = "Filter reason: input image"
STABILITY_OUTPUT_FILTERED = "Filter reason: output image"
STABILITY_INFERENCE_ERROR = "Inference error"
STABILITY_FINISH_REASONS = (
    None,
    STABILITY_PROMPT_FILTERED,
    STABILITY_OUTPUT_FILTERED,
    STABILITY_INPUT_IMAGE_FILTERED,
    STABILITY_INFERENCE_ERROR,
)
# Said when the output filter withheld images (the words "generated images" tell a blocked prompt from blocked output).
SOME_IMAGES_FILTERED = "Some of the generated images have been blocked by the content filter ({reason})."
ALL_IMAGES_FILTERED = "All of the generated images have been blocked by the content filter ({reason})."


def styled_texts(request: ImageRequest) -> tuple[str, str, str | None]:
    """The prompt and negative prompt a request sends, with its style preset applied (prompts/styles.json): the
    preset's phrase after the prompt (the prompt shortened, never the phrase) and its terms after the negative
    prompt, or a native style value where the model's family takes one (returned third), each within the
    model's limits."""
    model = registry.generator(request.model_id)
    applied = styles.application(request.style, model, request.task)
    prompt, negative = request.prompt, request.negative_prompt.strip()
    if applied.phrase:
        room = model.prompt_max_chars - len(applied.phrase) - 2
        prompt = f"{fit_to_limit(prompt.strip(), room)}, {applied.phrase}" if room > 0 else applied.phrase
    present = {term.strip().lower() for term in negative.split(",")}
    extra = [term for term in applied.negative_terms if term.lower() not in present]
    negative = ", ".join(part for part in (negative, *extra) if part)
    return (
        fit_to_limit(prompt, model.prompt_max_chars),
        fit_to_limit(negative, model.negative_prompt_max_chars),
        applied.native,
    )


def _clamped(value: float, bounds: tuple[float, float]) -> float:
    return round(min(max(value, bounds[0]), bounds[1]), 3)


def titan_or_canvas_body(request: ImageRequest) -> dict[str, Any]:
    """The body Titan v2 and Nova Canvas accept: TEXT_IMAGE, or an edit (IMAGE_VARIATION, INPAINTING) of the
    request's source image, clamped to the model's documented ranges (model registry)."""
    model = registry.generator(request.model_id)
    prompt, negative, native_style = styled_texts(request)
    params: dict[str, Any] = {"text": prompt}
    if negative:
        params["negativeText"] = negative
    if model.cfg_scale_range is None or model.default_cfg_scale is None:
        raise ValueError(f"{model.name}: the model registry gives this TEXT_IMAGE model no cfgScale range and default")
    low, high = model.cfg_scale_range
    cfg_scale = request.cfg_scale if request.cfg_scale is not None else model.default_cfg_scale
    config: dict[str, Any] = {
        "numberOfImages": request.count,
        "quality": request.quality,
        "width": request.width,
        "height": request.height,
        "cfgScale": min(max(cfg_scale, low), high),
        "seed": request.seed % (model.seed_max + 1),
    }
    edit = request.edit
    if edit is None:
        if native_style:
            params["style"] = native_style
        return {"taskType": "TEXT_IMAGE", "textToImageParams": params, "imageGenerationConfig": config}
    task = model.edit_task(edit.task)  # KeyError: the model has no such edit task
    source = base64.b64encode(edit.source_png).decode("ascii")
    if edit.task == "INPAINTING":
        if not edit.mask_prompt:
            raise ValueError("an INPAINTING edit needs a mask prompt")
        params = {"image": source, **params, "maskPrompt": fit_to_limit(edit.mask_prompt, task["maskPromptMaxChars"])}
        del config["width"], config["height"]  # the output is the input image's size
    else:
        similarity = task["similarityStrength"]
        wanted = edit.similarity_strength if edit.similarity_strength is not None else similarity["max"]
        params = {
            **params,
            "images": [source],
            "similarityStrength": _clamped(wanted, (similarity["min"], similarity["max"])),
        }
    return {"taskType": edit.task, task["paramsField"]: params, "imageGenerationConfig": config}


def stability_seed(seed: int, candidate: int, seed_max: int) -> int:
    """The seed of the candidate-th image (0-based): seed, seed+1, ... A run's seed of 0 stays 0 (Stability
    then picks a random seed); any other seed wraps within 1..seed_max, so it never turns into 0."""
    if seed == 0:
        return 0
    return (seed - 1 + candidate) % seed_max + 1


def stability_body(request: ImageRequest, candidate: int = 0) -> dict[str, Any]:
    """One call to a Stability model, one image: text-to-image at the ratio whose output size is width x height,
    or image-to-image of the request's source image at its strength (the output takes the input's size)."""
    model = registry.generator(request.model_id)
    prompt, negative, _ = styled_texts(request)  # Bedrock's Stability requests take no style field
    body: dict[str, Any] = {"prompt": prompt}
    if negative:
        body["negative_prompt"] = negative
    edit = request.edit
    if edit is None:
        body.update({"mode": "text-to-image", "aspect_ratio": model.aspect_ratio(request.width, request.height)})
    else:
        bounds = model.edit_strength_range
        if edit.task != "image-to-image" or bounds is None:
            raise ValueError(f"{model.name} does not take a {edit.task} edit")
        body.update(
            {
                "mode": "image-to-image",
                "image": base64.b64encode(edit.source_png).decode("ascii"),
                "strength": _clamped(edit.strength if edit.strength is not None else bounds[1], bounds),
            }
        )
    body.update({"seed": stability_seed(request.seed, candidate, model.seed_max), "output_format": "png"})
    return body


class BedrockImageGenerator:
    """Text to image through InvokeModel."""

    def __init__(self, client_factory: Callable[[], Any] | None = None):
        self._client_factory = client_factory or (lambda: aws_client("bedrock-runtime"))

    def generate(self, request: ImageRequest) -> GeneratedImages:
        model = registry.generator(request.model_id)
        if model.family == "stability":
            return self._generate_stability(request)
        return self._generate_titan_or_canvas(request)

    def generate_call(
        self, request: ImageRequest, first: int, count: int, on_answered: Callable[[], None]
    ) -> GeneratedImages:
        """ONE InvokeModel call for candidates first..first+count-1 (1-based; Stability draws one per call).
        on_answered runs as soon as Bedrock answered, before the answer is checked: the call is billed then.
        All images filtered: ImagesFiltered; the prompt blocked: ContentBlocked; an unusable answer:
        ModelTransientError."""
        model = registry.generator(request.model_id)
        if model.family != "stability":
            seed = request.seed + first - 1
            return self._generate_titan_or_canvas(replace(request, count=count, seed=seed), on_answered)
        if count != 1:
            raise ValueError(f"{model.name} draws one image per call, not {count}")
        reason, png = self._stability_call(request, first - 1, on_answered)
        if reason == STABILITY_OUTPUT_FILTERED:
            raise ImagesFiltered(ALL_IMAGES_FILTERED.format(reason=STABILITY_OUTPUT_FILTERED))
        if reason == STABILITY_INFERENCE_ERROR:
            raise ModelTransientError(f"{request.model_id}: {STABILITY_INFERENCE_ERROR}")
        if png is None:
            raise ModelTransientError(f"{request.model_id} answered finish reason {reason!r:.80} and no image")
        return GeneratedImages(images=[png], requested=1, filter_message=None)

    def _generate_titan_or_canvas(
        self, request: ImageRequest, on_answered: Callable[[], None] | None = None
    ) -> GeneratedImages:
        payload = self._invoke(request.model_id, titan_or_canvas_body(request), on_answered)
        error = payload.get("error")
        if error is not None and not isinstance(error, str):
            raise ModelTransientError(f"{request.model_id} answered an error that is not text: {error!r:.200}")
        images = [decode_png(request.model_id, image) for image in _list_of(payload, "images", request.model_id)]
        if not images:
            raise ImagesFiltered(error or f"{request.model_id} returned no images")
        return GeneratedImages(images=images, requested=request.count, filter_message=error)

    def _stability_call(
        self, request: ImageRequest, candidate: int, on_answered: Callable[[], None] | None = None
    ) -> tuple[str | None, bytes | None]:
        """One Stability call (0-based candidate): its finish reason and image; a blocked prompt is ContentBlocked."""
        payload = self._invoke(request.model_id, stability_body(request, candidate), on_answered)
        reason, png = stability_answer(request.model_id, payload)
        if reason in (STABILITY_PROMPT_FILTERED, STABILITY_INPUT_IMAGE_FILTERED):
            raise ContentBlocked(f"{request.model_id}: the prompt was blocked by the content filter ({reason})")
        return reason, png

    def _generate_stability(self, request: ImageRequest) -> GeneratedImages:
        """One call per candidate (Stability draws one image per call), seeds seed, seed+1, ... An image the
        output filter withheld is still billed; a failed or throttled later call keeps the images already paid for."""
        images: list[bytes] = []
        billed = filtered = failed = 0
        for candidate in range(request.count):
            answered: list[bool] = []
            try:
                reason, png = self._stability_call(request, candidate, functools.partial(answered.append, True))
            except (ModelThrottled, ModelTransientError):
                if not images:
                    raise
                if not answered:
                    break  # keep what was delivered: a retry of the whole round would pay for it twice
                billed += 1
                failed += 1  # answered (and billed) but unusable: keep what was delivered, as above
                continue
            billed += 1
            if reason == STABILITY_OUTPUT_FILTERED:
                filtered += 1
            elif reason == STABILITY_INFERENCE_ERROR or png is None:
                failed += 1
            else:
                images.append(png)
        if not images and filtered:
            raise ImagesFiltered(ALL_IMAGES_FILTERED.format(reason=STABILITY_OUTPUT_FILTERED))
        if not images:
            raise ModelTransientError(f"{request.model_id}: {STABILITY_INFERENCE_ERROR} on every image of the round")
        notes = []
        if filtered:
            notes.append(SOME_IMAGES_FILTERED.format(reason=STABILITY_OUTPUT_FILTERED))
        if failed:
            notes.append(f"{failed} of {billed} images failed ({STABILITY_INFERENCE_ERROR} or an unusable answer).")
        if billed < request.count:
            notes.append(
                f"Only {billed} of {request.count} image calls were answered (the rest were throttled "
                "or failed; the images already paid for are kept)."
            )
        return GeneratedImages(images=images, requested=billed, filter_message=" ".join(notes) or None)

    def _invoke(
        self, model_id: str, body: dict[str, Any], on_answered: Callable[[], None] | None = None
    ) -> dict[str, Any]:
        return invoke_json(self._client_factory(), model_id, body, on_answered)


def invoke_json(
    client: Any, model_id: str, body: dict[str, Any], on_answered: Callable[[], None] | None = None
) -> dict[str, Any]:
    """One InvokeModel call with a JSON body; its answer as a JSON object (ModelTransientError when it is not one).
    on_answered runs as soon as Bedrock answered, before the answer is read as JSON: the call is billed then."""
    with _bedrock_errors(model_id):
        response = client.invoke_model(
            modelId=model_id, body=json.dumps(body), contentType="application/json", accept="application/json"
        )
        raw = response["body"].read()  # the body streams: a timeout or a dropped connection can happen here too
    if on_answered is not None:
        on_answered()  # Bedrock answered (HTTP 200): billed, whatever the answer turns out to be
    try:
        payload = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise ModelTransientError(f"{model_id} answered something that is not JSON: {raw[:120]!r}") from None
    if not isinstance(payload, dict):
        raise ModelTransientError(f"{model_id} answered JSON that is not an object: {str(payload)[:120]}")
    return payload


def _list_of(payload: dict[str, Any], key: str, model_id: str) -> list[Any]:
    value = payload.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise ModelTransientError(f"{model_id} answered {key} that is not a list: {str(value)[:120]}")
    return value


def decode_png(model_id: str, image: Any) -> bytes:
    """A base64 PNG from a model answer, or ModelTransientError when it is not one."""
    if not isinstance(image, str):
        raise ModelTransientError(f"{model_id} answered an image that is not a base64 string")
    try:
        data = base64.b64decode(image, validate=True)
    except (binascii.Error, ValueError):
        raise ModelTransientError(f"{model_id} answered an image that is not valid base64") from None
    if not data.startswith(b"\x89PNG\r\n\x1a\n"):
        raise ModelTransientError(f"{model_id} answered an image that is not a PNG")
    return data


def stability_answer(model_id: str, payload: dict[str, Any]) -> tuple[str | None, bytes | None]:
    """The finish reason of one Stability answer and, when it is null, its one image (validated)."""
    reasons = _list_of(payload, "finish_reasons", model_id)
    if len(reasons) != 1:
        raise ModelTransientError(f"{model_id} answered {len(reasons)} finish_reasons for one image")
    reason = reasons[0]
    if reason not in STABILITY_FINISH_REASONS:
        raise ModelTransientError(f"{model_id} answered an unknown finish reason {str(reason)[:80]!r}")
    if reason is not None:
        return reason, None
    images = _list_of(payload, "images", model_id)
    if len(images) != 1:
        raise ModelTransientError(f"{model_id} answered {len(images)} images for one successful call")
    return None, decode_png(model_id, images[0])


class BedrockToolCaller:
    """A Converse call that forces the model to answer through one tool, whose input is the result."""

    def __init__(self, client_factory: Callable[[], Any] | None = None):
        self._client_factory = client_factory or (lambda: aws_client("bedrock-runtime"))

    def call(
        self,
        model_id: str,
        system_prompt: str,
        content: list[dict[str, Any]],
        tool_name: str,
        tool_description: str,
        input_schema: dict[str, Any],
        max_tokens: int | None = None,
    ) -> ToolAnswer:
        max_tokens = max_tokens or registry.tool_call_max_tokens()
        started = time.monotonic()
        with _bedrock_errors(model_id):
            response = self._client_factory().converse(
                modelId=model_id,
                system=[{"text": system_prompt}],
                messages=[{"role": "user", "content": content}],
                inferenceConfig={"maxTokens": max_tokens, "temperature": 0},
                additionalModelRequestFields={"inferenceConfig": {"topK": 1}},
                toolConfig={
                    "tools": [
                        {
                            "toolSpec": {
                                "name": tool_name,
                                "description": tool_description,
                                "inputSchema": {"json": input_schema},
                            }
                        }
                    ],
                    "toolChoice": {"tool": {"name": tool_name}},
                },
            )
        blocks = response.get("output", {}).get("message", {}).get("content", [])
        # Nova may write <thinking> text before the tool call: look for the toolUse block itself.
        tool_input = next(
            (b["toolUse"].get("input") for b in blocks if "toolUse" in b and b["toolUse"].get("name") == tool_name),
            None,
        )
        usage = response.get("usage", {})
        return ToolAnswer(
            tool_input=tool_input if isinstance(tool_input, dict) else None,
            text=" ".join(b["text"] for b in blocks if isinstance(b.get("text"), str)).strip(),
            stop_reason=response.get("stopReason", "unknown"),
            input_tokens=int(usage.get("inputTokens", 0)),  # botocore has parsed these as integers
            output_tokens=int(usage.get("outputTokens", 0)),
            latency_ms=int(response.get("metrics", {}).get("latencyMs", (time.monotonic() - started) * 1000)),
            max_tokens=max_tokens,
        )


def _alternative(model_id: str) -> str:
    return allowed_models.replacement(model_id, datetime.now(UTC).date())


def _bedrock_said(code: str, message: str) -> str:
    """Bedrock's own words, last in a message (one line; the advice before it survives any cut)."""
    return f'Bedrock answered {code} "{" ".join(message.split())}"'


def retired_message(model_id: str, code: str, message: str) -> str:
    """ModelRetired's message, one sentence: the model, what to switch to, its recorded end of life, and
    Bedrock's words last (a cause shown cut short still says what to do)."""
    try:
        recorded = registry.lifecycle(model_id)
        record = (
            f"end of life {recorded.end_of_life.isoformat()} in the model registry"
            if recorded.end_of_life
            else f"the model registry still records it {recorded.status}: update its lifecycle"
        )
    except KeyError:
        record = "the model registry does not know it"
    return f"{model_id} is retired: switch to {_alternative(model_id)} ({record}; {_bedrock_said(code, message)})."


def access_denied_message(model_id: str, code: str, message: str) -> str:
    """ModelAccessDenied's message: a third-party model's first call subscribes the account, which needs AWS
    Marketplace permissions the functions do not have (https://docs.aws.amazon.com/bedrock/latest/userguide/
    model-access.html); or IAM does not allow the call. A Stability AI Image Service has no other model to switch
    to (a generator or a text model does: allowed_models.replacement, which would name a text model for it): its message
    says what `imagegate doctor` checks instead, the one subscription that covers every Image Service."""
    if model_id in registry.image_service_ids():
        return (
            f"{model_id} is not open to this account: subscribe to the Stability AI Image Services once in this "
            f"region as an administrator (subscribing to one subscribes the account to all; `imagegate doctor` "
            f"says whether it is) and allow bedrock:InvokeModel on it in IAM ({_bedrock_said(code, message)})."
        )
    return (
        f"{model_id} is not open to this account: subscribe to it once in this region as an administrator "
        f"(open it in the Bedrock console's playground) and allow bedrock:InvokeModel on it in IAM, or switch "
        f"to {_alternative(model_id)} ({_bedrock_said(code, message)})."
    )


class _bedrock_errors:
    """Translate botocore failures into the named errors the ASL's Retry and Catch match."""

    def __init__(self, model_id: str):
        self.model_id = model_id

    def _refused_because_retired(self, code: str, message: str) -> bool:
        """A refusal of a model the registry records as past its end of life: access denied, not found, or
        a Legacy model's 'Operation not allowed' (https://github.com/BerriAI/litellm/pull/28704)."""
        try:
            retired = registry.lifecycle(self.model_id).retired_on(datetime.now(UTC).date())
        except KeyError:
            return False
        return retired and (code != "ValidationException" or "operation not allowed" in message.lower())

    def __enter__(self) -> None:
        return None

    def __exit__(self, exc_type: Any, exc: BaseException | None, tb: Any) -> Literal[False]:
        if exc is None or isinstance(exc, ImagegateError):
            return False
        from botocore.exceptions import ClientError, ConnectionError, HTTPClientError, IncompleteReadError

        # A dropped, closed, timed-out or cut connection (ConnectionClosedError, ResponseStreamingError,
        # ReadTimeoutError, EndpointConnectionError ...) is a passing fault: the state machine retries it.
        if isinstance(exc, (HTTPClientError, ConnectionError, IncompleteReadError)):
            raise ModelTransientError(f"{self.model_id}: {type(exc).__name__}: {exc}") from exc
        if not isinstance(exc, ClientError):
            return False
        code = exc.response.get("Error", {}).get("Code", "")
        message = exc.response.get("Error", {}).get("Message", str(exc))
        detail = f"{self.model_id}: {code}: {message}"
        if code in _THROTTLED:
            raise ModelThrottled(detail) from exc
        if code in _TRANSIENT:
            raise ModelTransientError(detail) from exc
        if code in _RETIRABLE_CODES and (
            any(mark in message.lower() for mark in _RETIRED_MARKS) or self._refused_because_retired(code, message)
        ):
            raise ModelRetired(retired_message(self.model_id, code, message)) from exc
        if code == "ValidationException" and _CONTENT_FILTER_MARK in message.lower():
            raise ContentBlocked(detail) from exc
        if code == "ValidationException":
            raise ModelRequestRejected(detail) from exc
        if code == "AccessDeniedException":
            raise ModelAccessDenied(access_denied_message(self.model_id, code, message)) from exc
        if code == "ResourceNotFoundException":
            raise ModelNotFound(f"{detail} (check the model id and the region)") from exc
        return False
