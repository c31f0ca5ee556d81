"""The local fallback of two enhance operations, for when Bedrock cannot serve them (domain/enhancements.py says
when): libraries that need no model and no downloaded weights, installed in the functions' layer
(infra/layers/dependencies/requirements.in) so the deployed Apply Operation runs them as the local runtime does.

- upscale (any mode): Pillow's LANCZOS resampling to the size the operation's service would answer (the model
  registry's output size: 4x per side, within its pixel cap), at most LOCAL_MAX_PIXELS. It adds no detail: it is a
  resize, not a generative upscale.
- remove-background: OpenCV's GrabCut (Rother, Kolmogorov and Blake, "GrabCut", SIGGRAPH 2004; cv2.grabCut), seeded
  with a rectangle that leaves a border of GRABCUT_BORDER of each side as background: the subject is assumed to lie
  inside it and the border to show background (what a centred subject gives; a subject touching the edge loses what
  is in the border). It runs on a copy at most GRABCUT_MAX_SIDE pixels on its longer side (its cost grows with the
  pixels) and the mask is scaled back to full size, bilinearly, for a soft edge. The result is an RGBA PNG of the
  same size, transparent where GrabCut saw background; an alpha the image already had is kept where it is lower.

Both are deterministic for the same image (OpenCV's random generator is seeded before GrabCut's k-means)."""

from __future__ import annotations

import io
from typing import Any

from imagegate_service import registry
from imagegate_service.domain.enhancing import EnhanceOperation
from imagegate_service.errors import InvalidRequest

# The largest image the fallback makes or reads (16.7 MP, 4096 x 4096): Apply Operation's 1024 MB hold an RGBA image
# of this size a few times over while it is resampled and encoded.
LOCAL_MAX_PIXELS = 4096 * 4096
GRABCUT_MAX_SIDE = 512  # GrabCut runs on a copy this size at most; the mask is scaled back
GRABCUT_BORDER = 0.04  # share of each side assumed to be background (GrabCut's initial rectangle leaves it out)
GRABCUT_ITERATIONS = 5  # cv2.grabCut's iterCount (OpenCV's own sample uses 5 for its first pass)
GRABCUT_SEED = 0
METHODS = {
    "upscale": "Pillow LANCZOS resampling",
    "remove-background": "OpenCV GrabCut",
}


class LocalImaging:
    """apply(operation, png) -> (PNG, the method used); InvalidRequest for an image it cannot take."""

    def apply(self, operation: EnhanceOperation, png: bytes) -> tuple[bytes, str]:
        if operation.op == "upscale":
            return upscale(png, operation.service_key), METHODS["upscale"]
        if operation.op == "remove-background":
            return remove_background(png), METHODS["remove-background"]
        raise ValueError(f"{operation.op} has no local fallback")


def _open(png: bytes) -> Any:
    from PIL import Image

    image = Image.open(io.BytesIO(png))
    width, height = image.size
    if width * height > LOCAL_MAX_PIXELS:
        raise InvalidRequest(
            "image", f"{width}x{height} is more than the local fallback takes ({LOCAL_MAX_PIXELS} pixels)"
        )
    image.load()
    return image


def _encode(image: Any) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def upscaled_size(width: int, height: int, service_key: str) -> tuple[int, int]:
    """The size the operation's service would answer, scaled down to LOCAL_MAX_PIXELS when it is larger."""
    target_w, target_h = registry.image_service_for(service_key).output_size(width, height)
    if target_w * target_h > LOCAL_MAX_PIXELS:
        shrink = (LOCAL_MAX_PIXELS / (target_w * target_h)) ** 0.5
        target_w, target_h = int(target_w * shrink), int(target_h * shrink)
    return target_w, target_h


def upscale(png: bytes, service_key: str) -> bytes:
    from PIL import Image

    image = _open(png)
    width, height = image.size
    target = upscaled_size(width, height, service_key)
    if target[0] <= width or target[1] <= height:
        raise InvalidRequest("image", f"{width}x{height} cannot be upscaled locally within {LOCAL_MAX_PIXELS} pixels")
    has_alpha = image.mode in ("RGBA", "LA") or "transparency" in image.info
    image = image.convert("RGBA" if has_alpha else "RGB")
    return _encode(image.resize(target, Image.Resampling.LANCZOS))


def remove_background(png: bytes) -> bytes:
    import cv2
    import numpy as np
    from PIL import Image

    image = _open(png)
    rgba = image.convert("RGBA")
    width, height = rgba.size
    scale = min(1.0, GRABCUT_MAX_SIDE / max(width, height))
    small_w, small_h = max(1, round(width * scale)), max(1, round(height * scale))
    border = max(1, round(min(small_w, small_h) * GRABCUT_BORDER))
    if small_w - 2 * border < 2 or small_h - 2 * border < 2:
        raise InvalidRequest("image", f"{width}x{height} is too small to separate a subject from its background")
    bgr = np.ascontiguousarray(np.asarray(rgba.convert("RGB"))[:, :, ::-1])
    small = cv2.resize(bgr, (small_w, small_h), interpolation=cv2.INTER_AREA) if scale < 1.0 else bgr
    mask = np.zeros((small_h, small_w), np.uint8)
    background_model = np.zeros((1, 65), np.float64)
    foreground_model = np.zeros((1, 65), np.float64)
    cv2.setRNGSeed(GRABCUT_SEED)
    rect = (border, border, small_w - 2 * border, small_h - 2 * border)
    cv2.grabCut(small, mask, rect, background_model, foreground_model, GRABCUT_ITERATIONS, cv2.GC_INIT_WITH_RECT)
    foreground = np.where((mask == cv2.GC_FGD) | (mask == cv2.GC_PR_FGD), 255, 0).astype(np.uint8)
    if scale < 1.0:  # back to full size, bilinear: a soft edge
        foreground = np.asarray(cv2.resize(foreground, (width, height), interpolation=cv2.INTER_LINEAR), np.uint8)
    alpha = np.minimum(np.asarray(rgba.getchannel("A")), foreground)
    rgba.putalpha(Image.fromarray(alpha))
    return _encode(rgba)
