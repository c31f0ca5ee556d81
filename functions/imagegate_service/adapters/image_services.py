"""Stability AI Image Services on Bedrock (InvokeModel): the request body of each enhance operation and the
checks its answer must pass.

Bodies carry only the fields the model registry records for the service (`imageServices`), texts cut to its
limits and numbers kept in its ranges. The answer is Stability's {seeds, finish_reasons, images} and is
untrusted: a filter's finish reason becomes ContentBlocked (the request's prompt or image) or ImagesFiltered
(the output), 'Inference error', an image that is not a whole PNG (garbage, or cut short: no IEND chunk), or
one of the wrong size for the operation becomes ModelTransientError, which the workflow retries."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

from imagegate_service import registry
from imagegate_service.adapters.aws_clients import client as aws_client
from imagegate_service.adapters.bedrock import (
    STABILITY_INFERENCE_ERROR,
    STABILITY_INPUT_IMAGE_FILTERED,
    STABILITY_OUTPUT_FILTERED,
    STABILITY_PROMPT_FILTERED,
    invoke_json,
    stability_answer,
)
from imagegate_service.domain.enhancing import BACKGROUND_SEARCH_PROMPT, ServiceRequest
from imagegate_service.domain.model_calls import fit_to_limit, png_size
from imagegate_service.errors import ContentBlocked, ImagesFiltered, ModelRequestRejected, ModelTransientError

PNG_END = b"\x00\x00\x00\x00IEND\xaeB`\x82"  # the IEND chunk: a PNG without it was cut short
_ALPHA_COLOUR_TYPES = (4, 6)  # PNG colour types with an alpha channel: grey + alpha, RGBA


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _text(service: registry.ImageService, name: str, value: str) -> str:
    return fit_to_limit(value.strip(), int(service.fields[name]["maxLength"]))


def service_body(request: ServiceRequest) -> dict[str, Any]:
    """The InvokeModel body of one operation (only the fields its service takes, within its limits)."""
    op = request.operation
    service = registry.image_service(request.model_id)
    width, height = png_size(request.source_png)
    problem = service.image_problem(width, height)
    if problem:
        raise ModelRequestRejected(f"{op.describe()}: the image cannot be sent: {problem}")
    body: dict[str, Any] = {"image": _b64(request.source_png)}
    if op.op == "replace-background":
        body["prompt"] = _text(service, "prompt", op.prompt or "")
        body["search_prompt"] = BACKGROUND_SEARCH_PROMPT
    elif op.op == "replace":
        body["prompt"] = _text(service, "prompt", op.replacement or "")
        body["search_prompt"] = _text(service, "search_prompt", op.target or "")
    elif op.op == "recolor":
        body["prompt"] = _text(service, "prompt", f"{op.colour} {op.target}")
        body["select_prompt"] = _text(service, "select_prompt", op.target or "")
    elif op.op == "erase":
        if request.mask_png is None:
            raise ValueError("erase needs a mask (white where the object is)")
        body["mask"] = _b64(request.mask_png)
    elif op.op == "outpaint":
        body.update(op.sides)
        if op.prompt:
            body["prompt"] = _text(service, "prompt", op.prompt)
    elif op.op == "upscale" and op.mode != "fast":
        body["prompt"] = _text(service, "prompt", op.prompt or request.context_prompt or "a detailed, sharp image")
    if "seed" in service.fields:
        low, high = (int(bound) for bound in service.field_range("seed"))
        body["seed"] = min(max(request.seed, low), high)
    body["output_format"] = "png"
    return body


def expected_size(request: ServiceRequest) -> tuple[int, int]:
    """The output size the operation must answer (for an upscale: the smallest it may)."""
    service = registry.image_service(request.model_id)
    return service.output_size(*png_size(request.source_png), request.operation.sides)


def checked_image(request: ServiceRequest, payload: dict[str, Any]) -> bytes:
    """The answer's one image, after every check (see the module's docstring)."""
    model_id = request.model_id
    reason, png = stability_answer(model_id, payload)
    if reason in (STABILITY_PROMPT_FILTERED, STABILITY_INPUT_IMAGE_FILTERED):
        raise ContentBlocked(f"{model_id}: the request was blocked by the content filter ({reason})")
    if reason == STABILITY_OUTPUT_FILTERED:
        raise ImagesFiltered(f"{model_id}: the edited image was blocked by the content filter ({reason})")
    if reason == STABILITY_INFERENCE_ERROR or png is None:
        raise ModelTransientError(f"{model_id}: {STABILITY_INFERENCE_ERROR}")
    if not png.endswith(PNG_END) or png[12:16] != b"IHDR":
        raise ModelTransientError(f"{model_id} answered a PNG that is cut short or damaged ({len(png)} bytes)")
    width, height = png_size(png)
    source = png_size(request.source_png)
    want = expected_size(request)
    service = registry.image_service(model_id)
    if service.output["size"] == "scaled":
        ratio_in, ratio_out = source[0] / source[1], width / height
        if width <= source[0] or height <= source[1] or abs(ratio_out / ratio_in - 1) > 0.02:
            raise ModelTransientError(
                f"{model_id} answered {width}x{height} for an upscale of {source[0]}x{source[1]} "
                "(an upscale is larger on both sides, at the same aspect ratio)"
            )
    elif (width, height) != want:
        raise ModelTransientError(
            f"{model_id} answered {width}x{height} where {request.operation.describe()} of a "
            f"{source[0]}x{source[1]} image is {want[0]}x{want[1]}"
        )
    if service.output.get("alpha") and png[25] not in _ALPHA_COLOUR_TYPES and b"tRNS" not in png:
        raise ModelTransientError(f"{model_id} answered an image without transparency for a background removal")
    return png


class BedrockImageServices:
    """Apply one enhance operation through InvokeModel."""

    def __init__(self, client_factory: Callable[[], Any] | None = None):
        self._client_factory = client_factory or (lambda: aws_client("bedrock-runtime"))

    def apply(self, request: ServiceRequest, on_answered: Callable[[], None] | None = None) -> bytes:
        """The edited PNG. on_answered runs as soon as Bedrock answered (the call is billed then), before the
        answer is checked; a call that raises before it was not answered and is not billed."""
        payload = invoke_json(self._client_factory(), request.model_id, service_body(request), on_answered)
        return checked_image(request, payload)
