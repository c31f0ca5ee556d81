"""GenEval's box geometry: where a box stands in the image, and where it stands to another box.

One declaration for the two readings that judge a layout from boxes: the verifier (domain/verifying.py, from
Amazon Rekognition's boxes) and the offline world's ground truth (imagegate/local/world/truth.py, from what the
world drew), so the verifier and the evaluator agree on what "on the left" and "left of" mean. A box is anything
with a centre x, y and a size w, h in 0..1 of the image (y grows downwards). Pure Python, no imports at run time.
"""

from __future__ import annotations

import math
from typing import Protocol

POSITION_THRESHOLD = 0.1  # GenEval's relative_position shrink factor (djghosh13/geneval evaluate_images.py default)
# An absolute place by the box centre: (x low, x high), (y low, y high), open intervals. A project rule, not a
# published figure (GenEval has no absolute places).
REGIONS: dict[str, tuple[tuple[float, float], tuple[float, float]]] = {
    "left": ((-math.inf, 0.42), (-math.inf, math.inf)),
    "right": ((0.58, math.inf), (-math.inf, math.inf)),
    "top": ((-math.inf, math.inf), (-math.inf, 0.45)),
    "bottom": ((-math.inf, math.inf), (0.55, math.inf)),
    "center": ((0.3, 0.7), (0.25, 0.75)),
}


# Places in depth rather than in the frame ("a city in the background"): a position check may name one; only
# something that sees depth can decide it (the offline world's depth code; a 2D detector cannot).
DEPTH_PLANES: tuple[str, ...] = ("background", "foreground")


class Box(Protocol):
    x: float
    y: float
    w: float
    h: float


def in_region(box: Box, place: str) -> bool:
    """Is the box's centre in the named region (REGIONS; KeyError for another name)?"""
    (x_low, x_high), (y_low, y_high) = REGIONS[place]
    return x_low < box.x < x_high and y_low < box.y < y_high


def _offset(a: Box, b: Box, threshold: float) -> tuple[float, float] | None:
    """The centre offset of A from B, each axis shrunk by threshold x the two boxes' sizes, over the unshrunk
    offset's length; None when the centres coincide or nothing is left of the offset once shrunk."""
    dx, dy = a.x - b.x, a.y - b.y
    norm = math.hypot(dx, dy)
    if norm == 0:
        return None
    rx = max(abs(dx) - threshold * (a.w + b.w), 0) * (1 if dx >= 0 else -1)
    ry = max(abs(dy) - threshold * (a.h + b.h), 0) * (1 if dy >= 0 else -1)
    if abs(rx) < 1e-3 and abs(ry) < 1e-3:
        return None
    return rx / norm, ry / norm


def apart(a: Box, b: Box, threshold: float = POSITION_THRESHOLD) -> bool:
    """Do the two boxes stand apart at all (GenEval names no relation of boxes that are not)?"""
    return _offset(a, b, threshold) is not None


def relative_position(a: Box, b: Box, threshold: float = POSITION_THRESHOLD) -> set[str]:
    """GenEval's relations of A to B (left of, right of, above, below): the offset of the box centres, each axis
    shrunk by threshold x the two boxes' sizes, counts on an axis that carries more than half of the (unshrunk)
    offset's length."""
    offset = _offset(a, b, threshold)
    if offset is None:
        return set()
    rx, ry = offset
    relations = set()
    if rx < -0.5:
        relations.add("left of")
    if rx > 0.5:
        relations.add("right of")
    if ry < -0.5:
        relations.add("above")
    if ry > 0.5:
        relations.add("below")
    return relations
