"""The world's pixel language, shared by the generator (writes) and the judge (reads pixels).

Images are drawn on a small internal canvas whose short side is INTERNAL_SHORT_SIDE cells and
upscaled with NEAREST, so one cell is a block of identical pixels. Every object instance
carries a concept marker: a START cell followed by CONCEPT_ROW_BITS bit cells, left to right, and
the next CONCEPT_ROW_BITS bits in the row below (the noun's concept code, see concepts.py), then DEPTH_BITS
bit cells under the START cell (its depth layer: 0 nearest); each attribute the world has no rendering for,
and each action it does (concepts.action_code), is a row of ATTRIBUTE_START plus ATTRIBUTE_BITS cells. The
START ink says the object's size: normal, small or large (a container). Quoted
text is a column code: a TEXT_START column, then one column of TEXT_BITS cells per character.
Marker inks use only channel values 1 and 254, which nothing else in the world paints.
"""

from __future__ import annotations

from PIL import Image

RGB = tuple[int, int, int]

INTERNAL_SHORT_SIDE = 128
OBJECT_START: RGB = (1, 254, 1)
TEXT_START: RGB = (254, 254, 1)
BIT_ZERO: RGB = (1, 1, 254)
BIT_ONE: RGB = (254, 1, 254)
OBJECT_START_SMALL: RGB = (254, 1, 1)  # the same marker on an object drawn small
OBJECT_START_LARGE: RGB = (254, 254, 254)  # ... on an object drawn large (a container)
ATTRIBUTE_START: RGB = (1, 254, 254)
CONCEPT_BITS = 24
CONCEPT_ROW_BITS = CONCEPT_BITS // 2
ATTRIBUTE_BITS = 12
TEXT_BITS = 7
DEPTH_BITS = 2  # an object's depth layer (0 = nearest), in the row under its concept marker's second row
RESERVED_CHANNELS = (1, 254)


def internal_size(width: int, height: int) -> tuple[int, int]:
    """The internal canvas for an output size; the judge recomputes it from the PNG's size."""
    short = min(width, height)
    if short <= INTERNAL_SHORT_SIDE:
        return width, height
    return max(1, round(width * INTERNAL_SHORT_SIDE / short)), max(1, round(height * INTERNAL_SHORT_SIDE / short))


def to_internal(image: Image.Image) -> Image.Image:
    """Sample the centre pixel of every cell: exact inverse of the generator's NEAREST upscale."""
    size = internal_size(*image.size)
    rgb = image.convert("RGB")
    return rgb if size == rgb.size else rgb.resize(size, Image.NEAREST)


def bits(value: int, width: int) -> list[RGB]:
    return [BIT_ONE if value >> (width - 1 - k) & 1 else BIT_ZERO for k in range(width)]


def concept_marker(code: int) -> tuple[list[RGB], list[RGB]]:
    """Two rows: START + the code's high bits, then (under the bits) its low bits."""
    cells = bits(code, CONCEPT_BITS)
    return [OBJECT_START, *cells[:CONCEPT_ROW_BITS]], cells[CONCEPT_ROW_BITS:]


def attribute_marker(code: int) -> list[RGB]:
    return [ATTRIBUTE_START, *bits(code, ATTRIBUTE_BITS)]


def text_columns(text: str) -> list[list[RGB]]:
    """Columns of TEXT_BITS cells, the start column first; non-ASCII becomes '?'."""
    codes = [ord(c) if 32 <= ord(c) < 127 else ord("?") for c in text]
    return [[TEXT_START] * TEXT_BITS, *(bits(code, TEXT_BITS) for code in codes)]


def bit_value(cells: list[RGB]) -> int | None:
    """The number a run of bit cells spells, or None when a cell isn't a bit ink."""
    value = 0
    for cell in cells:
        if cell == BIT_ONE:
            value = value << 1 | 1
        elif cell == BIT_ZERO:
            value <<= 1
        else:
            return None
    return value


def safe_channel(value: float) -> int:
    """Clamp a painted channel away from the reserved marker values."""
    v = max(0, min(255, round(value)))
    return v + 1 if v in RESERVED_CHANNELS and v < 128 else (v - 1 if v in RESERVED_CHANNELS else v)


def safe_colour(colour: tuple[float, float, float]) -> RGB:
    return (safe_channel(colour[0]), safe_channel(colour[1]), safe_channel(colour[2]))
