"""Bedrock adapters: image generation through InvokeModel (Titan Image Generator v2, Nova Canvas) and
the judge and rewriter through Converse with a forced tool. Each speaks the model's exact format and
turns Bedrock's failures into the named errors the state machine retries or catches."""

from __future__ import annotations

import base64
import json
import time
from dataclasses import dataclass
from typing import Any, Callable

from imagegate_service import registry
from imagegate_service.adapters.aws_clients import client as aws_client
from imagegate_service.errors import (
    ContentBlocked,
    ImagegateError,
    ModelAccessDenied,
    ModelNotFound,
    ModelRequestRejected,
    ModelThrottled,
    ModelTransientError,
)

_THROTTLED = {"ThrottlingException", "ModelNotReadyException", "ServiceQuotaExceededException", "TooManyRequestsException"}
_TRANSIENT = {"ServiceUnavailableException", "InternalServerException", "ModelTimeoutException", "ModelErrorException",
              "ModelStreamErrorException"}
_CONTENT_FILTER_MARK = "content filter"


@dataclass(frozen=True)
class GeneratedImages:
    images: list[bytes]
    requested: int
    filter_message: str | None  # set when Bedrock withheld some images


@dataclass(frozen=True)
class ToolAnswer:
    """What a Converse call with a forced tool returned."""

    tool_input: dict[str, Any] | None  # None when the model did not call the tool
    text: str
    stop_reason: str
    input_tokens: int
    output_tokens: int
    latency_ms: int


@dataclass(frozen=True)
class ImageRequest:
    model_id: str
    prompt: str
    negative_prompt: str
    seed: int
    width: int
    height: int
    count: int
    quality: str
    cfg_scale: float


def fit_to_limit(text: str, limit: int) -> str:
    """Shorten text to the model's limit at a word boundary (a prompt over the limit is a
    ValidationException, a known failure of rewrite loops)."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    boundary = cut.rfind(" ")
    return (cut[:boundary] if boundary > limit * 0.8 else cut).rstrip(" ,;")


def titan_or_canvas_body(request: ImageRequest) -> dict[str, Any]:
    """The TEXT_IMAGE body both generators accept, clamped to the model's documented ranges."""
    model = registry.generator(request.model_id)
    text_params: dict[str, Any] = {"text": fit_to_limit(request.prompt, model.prompt_max_chars)}
    negative = fit_to_limit(request.negative_prompt.strip(), model.negative_prompt_max_chars)
    if negative:
        text_params["negativeText"] = negative
    low, high = model.cfg_scale_range
    return {
        "taskType": "TEXT_IMAGE",
        "textToImageParams": text_params,
        "imageGenerationConfig": {
            "numberOfImages": request.count,
            "quality": request.quality,
            "width": request.width,
            "height": request.height,
            "cfgScale": min(max(request.cfg_scale, low), high),
            "seed": request.seed % (model.seed_max + 1),
        },
    }


class BedrockImageGenerator:
    """Text to image through InvokeModel."""

    def __init__(self, client_factory: Callable[[], Any] | None = None):
        self._client_factory = client_factory or (lambda: aws_client("bedrock-runtime"))

    def generate(self, request: ImageRequest) -> GeneratedImages:
        body = titan_or_canvas_body(request)
        with _bedrock_errors(request.model_id):
            response = self._client_factory().invoke_model(
                modelId=request.model_id, body=json.dumps(body), contentType="application/json", accept="application/json"
            )
            payload = json.loads(response["body"].read())  # the body streams: a timeout can happen here too
        images = [base64.b64decode(image) for image in payload.get("images") or []]
        error = payload.get("error")
        if not images:
            raise ContentBlocked(error or f"{request.model_id} returned no images")
        return GeneratedImages(images=images, requested=request.count, filter_message=error)


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
        max_tokens: int = 1200,
    ) -> ToolAnswer:
        started = time.monotonic()
        with _bedrock_errors(model_id):
            response = self._client_factory().converse(
                modelId=model_id,
                system=[{"text": system_prompt}],
                messages=[{"role": "user", "content": content}],
                inferenceConfig={"maxTokens": max_tokens, "temperature": 0},
                additionalModelRequestFields={"inferenceConfig": {"topK": 1}},
                toolConfig={
                    "tools": [{"toolSpec": {"name": tool_name, "description": tool_description,
                                            "inputSchema": {"json": input_schema}}}],
                    "toolChoice": {"tool": {"name": tool_name}},
                },
            )
        blocks = response.get("output", {}).get("message", {}).get("content", [])
        # Nova may write <thinking> text before the tool call: look for the toolUse block itself.
        tool_input = next(
            (b["toolUse"].get("input") for b in blocks if "toolUse" in b and b["toolUse"].get("name") == tool_name), None
        )
        usage = response.get("usage", {})
        return ToolAnswer(
            tool_input=tool_input if isinstance(tool_input, dict) else None,
            text=" ".join(b["text"] for b in blocks if "text" in b).strip(),
            stop_reason=response.get("stopReason", "unknown"),
            input_tokens=int(usage.get("inputTokens", 0)),
            output_tokens=int(usage.get("outputTokens", 0)),
            latency_ms=int(response.get("metrics", {}).get("latencyMs", (time.monotonic() - started) * 1000)),
        )


class _bedrock_errors:
    """Translate botocore failures into the named errors the ASL's Retry and Catch match."""

    def __init__(self, model_id: str):
        self.model_id = model_id

    def __enter__(self) -> None:
        return None

    def __exit__(self, exc_type: Any, exc: BaseException | None, tb: Any) -> bool:
        if exc is None or isinstance(exc, ImagegateError):
            return False
        from botocore.exceptions import ClientError, ConnectionError, ReadTimeoutError

        if isinstance(exc, (ReadTimeoutError, ConnectionError)):
            raise ModelTransientError(f"{self.model_id}: {exc}") from exc
        if not isinstance(exc, ClientError):
            return False
        code = exc.response.get("Error", {}).get("Code", "")
        message = exc.response.get("Error", {}).get("Message", str(exc))
        detail = f"{self.model_id}: {code}: {message}"
        if code in _THROTTLED:
            raise ModelThrottled(detail) from exc
        if code in _TRANSIENT:
            raise ModelTransientError(detail) from exc
        if code == "ValidationException" and _CONTENT_FILTER_MARK in message.lower():
            raise ContentBlocked(detail) from exc
        if code == "ValidationException":
            raise ModelRequestRejected(detail) from exc
        if code == "AccessDeniedException":
            raise ModelAccessDenied(
                f"{detail} (enable model access for {self.model_id} in the Bedrock console, and check IAM)"
            ) from exc
        if code == "ResourceNotFoundException":
            raise ModelNotFound(f"{detail} (check the model id and the region)") from exc
        return False
