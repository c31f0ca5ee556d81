"""The judge's eyes: what a PNG shows, read from its pixels alone (never from the generator's plan).

It finds object instances by their class markers and reads each one's colour and place, decodes
text bands, and recognises the background (scene and light), the style frame and noise artifacts.
"""

from __future__ import annotations

import io
from collections import Counter
from dataclasses import dataclass, field
from functools import cache

from PIL import Image

from . import pixelcode
from . import vocabulary as vocab
from .render import BLOB_HEIGHT, BLOB_WIDTH, FRAME_WIDTH, MARGIN, MARKER_OFFSET_X, background_colours

RGB = pixelcode.RGB
_FRAME_MATCH_DISTANCE = 40
_ARTIFACT_SHARE = 0.02


@dataclass
class SeenObject:
    cls: str
    colour: str  # nearest named colour
    x: float  # centre, 0..1 of the image
    y: float


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
    return sum((x - y) ** 2 for x, y in zip(a, b)) ** 0.5


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
    for y in range(height):
        for x in range(width - pixelcode.MARKER_LENGTH):
            if pixels[x, y] == pixelcode.OBJECT_START:
                seen = _object_at(pixels, x, y, width, height)
                if seen:
                    percept.objects.append(seen[0])
                    contrasts.append(_distance(seen[1], upper if seen[0].y < 0.55 else lower) / 441.7)
            elif pixels[x, y] == pixelcode.TEXT_START and (y == 0 or pixels[x, y - 1] != pixelcode.TEXT_START):
                if x == 0 or pixels[x - 1, y] != pixelcode.TEXT_START:
                    percept.texts.append(_text_at(pixels, x, y, width, height))
    percept.artifacts = _noisy(pixels, width, height)
    percept.contrast = sum(contrasts) / len(contrasts) if contrasts else 0.0
    return percept


def _dominant(pixels, points: list[tuple[int, int]]) -> RGB:
    return Counter(pixels[p] for p in points).most_common(1)[0][0]


def _object_at(pixels, x: int, y: int, width: int, height: int) -> tuple[SeenObject, RGB] | None:
    class_id = pixelcode.bit_value([pixels[x + 1 + k, y] for k in range(pixelcode.CLASS_BITS)])
    if class_id is None or class_id >= len(vocab.OBJECT_CLASSES):
        return None
    left, top = x - MARKER_OFFSET_X, y - BLOB_HEIGHT // 2
    # the blob's fill, a little above the marker row and clear of its outline
    fill = pixels[min(width - 1, left + BLOB_WIDTH // 2), max(0, top + BLOB_HEIGHT // 2 - 2)]
    centre_x, centre_y = (left + BLOB_WIDTH / 2) / width, (top + BLOB_HEIGHT / 2) / height
    return SeenObject(vocab.OBJECT_CLASSES[class_id], nearest_colour(fill), centre_x, centre_y), fill


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
    name, (first, second) = min(vocab.STYLE_FRAMES.items(),
                                key=lambda item: _distance(solid, item[1][0]) + _distance(dash, item[1][1]))
    close = _distance(solid, first) + _distance(dash, second) < _FRAME_MATCH_DISTANCE
    return name if close else None


def _noisy(pixels, width: int, height: int) -> bool:
    """Noise shows as lone pixels unlike all four neighbours (texture flecks are 2x2 blocks)."""
    lone = checked = 0
    for y in range(1, height - 1, 2):
        for x in range(1, width - 1, 2):
            here = pixels[x, y]
            checked += 1
            if all(pixels[nx, ny] != here for nx, ny in ((x - 1, y), (x + 1, y), (x, y - 1), (x, y + 1))):
                lone += 1
    return checked > 0 and lone / checked > _ARTIFACT_SHARE
