"""Exact perception: what a PNG shows, read from its pixels alone (never from the generator's plan).

It finds object instances by their concept markers and reads each one's concept code, colour,
box, size and attribute codes, decodes text bands, and recognises the background (scene and
light), the style frame and noise artifacts. This is the ground truth's view (truth.py); the
judge sees the same percept through an imperfect, VLM-like lens (vlm.py).
"""

from __future__ import annotations

import io
from collections import Counter
from dataclasses import dataclass, field
from functools import cache

from PIL import Image, ImageChops

from . import pixelcode
from . import vocabulary as vocab
from .render import FRAME_WIDTH, MARGIN, background_colours, blob_geometry

RGB = pixelcode.RGB
_FRAME_MATCH_DISTANCE = 40
_ARTIFACT_SHARE = 0.02


@dataclass
class SeenObject:
    code: int  # concept code (concepts.concept_code of the noun it depicts)
    colour: str  # nearest named colour
    x: float  # centre, 0..1 of the image
    y: float
    w: float  # box size, 0..1 of the image
    h: float
    small: bool = False
    attributes: frozenset[int] = frozenset()  # attribute and action codes
    depth: int = 0  # depth layer, 0 = nearest (pixelcode.DEPTH_BITS under the marker)
    large: bool = False  # drawn as a container


@dataclass
class Percept:
    objects: list[SeenObject] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    scene: str | None = None
    light: str | None = None
    style: str | None = None
    artifacts: bool = False
    contrast: float = 0.0  # mean colour distance of objects from their background, 0..1


def _distance(a: RGB, b: RGB) -> float:
    return sum((x - y) ** 2 for x, y in zip(a, b, strict=True)) ** 0.5


def nearest_colour(rgb: RGB) -> str:
    return min(vocab.COLOURS, key=lambda name: _distance(rgb, vocab.COLOURS[name]))


@cache
def _backgrounds() -> list[tuple[str, str | None, RGB, RGB]]:
    lights = [None, *vocab.LIGHT_TINTS]
    return [(scene, light, *background_colours(scene, light)) for scene in vocab.SCENE_COLOURS for light in lights]


def perceive(png: bytes) -> Percept:
    image = pixelcode.to_internal(Image.open(io.BytesIO(png)))
    width, height = image.size
    pixels = image.load()
    percept = Percept()
    upper = _dominant(pixels, [(x, MARGIN // 2 + 1) for x in range(MARGIN, width - MARGIN)])
    lower = _dominant(pixels, [(x, height - MARGIN // 2 - 2) for x in range(MARGIN, width - MARGIN)])
    scene, light, _, _ = min(_backgrounds(), key=lambda b: _distance(upper, b[2]) + _distance(lower, b[3]))
    percept.scene, percept.light = scene, light
    percept.style = _style(pixels, height)
    contrasts = []
    data = image.tobytes()
    starts = sorted(
        _cells(data, pixelcode.OBJECT_START)
        + _cells(data, pixelcode.OBJECT_START_SMALL)
        + _cells(data, pixelcode.OBJECT_START_LARGE)
    )
    for cell in starts:
        y, x = divmod(cell, width)
        seen = _object_at(pixels, x, y, width, height)
        if seen:
            percept.objects.append(seen[0])
            contrasts.append(_distance(seen[1], upper if seen[0].y < 0.55 else lower) / 441.7)
    for cell in _cells(data, pixelcode.TEXT_START):
        y, x = divmod(cell, width)
        first_row = y == 0 or pixels[x, y - 1] != pixelcode.TEXT_START
        if first_row and (x == 0 or pixels[x - 1, y] != pixelcode.TEXT_START):
            percept.texts.append(_text_at(pixels, x, y, width, height))
    percept.artifacts = _noisy(image)
    percept.contrast = sum(contrasts) / len(contrasts) if contrasts else 0.0
    return percept


def _dominant(pixels, points: list[tuple[int, int]]) -> RGB:
    return Counter(pixels[p] for p in points).most_common(1)[0][0]


def _object_at(pixels, x: int, y: int, width: int, height: int) -> tuple[SeenObject, RGB] | None:
    row_bits = pixelcode.CONCEPT_ROW_BITS
    if y + 1 >= height or x + row_bits + 1 > width:
        return None
    high = pixelcode.bit_value([pixels[x + 1 + k, y] for k in range(row_bits)])
    low = pixelcode.bit_value([pixels[x + 1 + k, y + 1] for k in range(row_bits)])
    if high is None or low is None:
        return None
    small = pixels[x, y] == pixelcode.OBJECT_START_SMALL
    large = pixels[x, y] == pixelcode.OBJECT_START_LARGE
    blob_w, blob_h, offset_x, row = blob_geometry(small, large)
    depth = 0
    if y + 2 < height and x + pixelcode.DEPTH_BITS <= width:
        depth = pixelcode.bit_value([pixels[x + k, y + 2] for k in range(pixelcode.DEPTH_BITS)]) or 0
    left, top = x - offset_x, y - row
    attributes = set()
    for n in range(3):
        ay = y + 3 + n
        if ay >= height or pixels[x, ay] != pixelcode.ATTRIBUTE_START:
            break
        code = pixelcode.bit_value([pixels[x + 1 + k, ay] for k in range(pixelcode.ATTRIBUTE_BITS)])
        if code is not None:
            attributes.add(code)
    # the blob's fill, just above the marker and clear of its outline
    fill = pixels[min(width - 1, left + blob_w // 2), max(0, y - 1)]
    seen = SeenObject(
        high << row_bits | low,
        nearest_colour(fill),
        (left + blob_w / 2) / width,
        (top + blob_h / 2) / height,
        blob_w / width,
        blob_h / height,
        small,
        frozenset(attributes),
        depth,
        large,
    )
    return seen, fill


def _text_at(pixels, x: int, y: int, width: int, height: int) -> str:
    chars = []
    for column in range(x + 1, width):
        if y + pixelcode.TEXT_BITS > height:
            break
        code = pixelcode.bit_value([pixels[column, y + row] for row in range(pixelcode.TEXT_BITS)])
        if code is None:
            break
        chars.append(chr(code))
    return "".join(chars)


def _style(pixels, height: int) -> str | None:
    if height <= 2 * FRAME_WIDTH + 2:
        return None
    solid, dash = pixels[0, 2], pixels[0, 0]
    name, (first, second) = min(
        vocab.STYLE_FRAMES.items(), key=lambda item: _distance(solid, item[1][0]) + _distance(dash, item[1][1])
    )
    close = _distance(solid, first) + _distance(dash, second) < _FRAME_MATCH_DISTANCE
    return name if close else None


def _cells(data: bytes, ink: RGB) -> list[int]:
    """Indexes (y * width + x) of the cells painted exactly `ink`, found in the raw RGB bytes."""
    needle, found, at = bytes(ink), [], data.find(bytes(ink))
    while at >= 0:
        if at % 3 == 0:
            found.append(at // 3)
        at = data.find(needle, at + 1)
    return found


def _noisy(image: Image.Image) -> bool:
    """Noise shows as lone cells unlike all four neighbours (texture flecks are 2x2 blocks; the
    pixel code's inks, which only markers use, don't count)."""

    def differs(dx: int, dy: int) -> Image.Image:
        bands = ImageChops.difference(image, ImageChops.offset(image, dx, dy)).split()
        return ImageChops.lighter(ImageChops.lighter(bands[0], bands[1]), bands[2]).point(lambda v: 255 if v else 0)

    lone = differs(1, 0)
    for dx, dy in ((-1, 0), (0, 1), (0, -1)):
        lone = ImageChops.darker(lone, differs(dx, dy))
    reserved = [band.point(lambda v: 255 if v in pixelcode.RESERVED_CHANNELS else 0) for band in image.split()]
    ink = ImageChops.darker(ImageChops.darker(reserved[0], reserved[1]), reserved[2])
    count = ImageChops.subtract(lone, ink).histogram()[255]
    return count / max(1, image.size[0] * image.size[1]) > _ARTIFACT_SHARE
