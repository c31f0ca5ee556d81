"""The offline generator: prompt -> a deterministic, imperfect PNG of the parsed scene.

Like a real text-to-image model it gets simple prompts right and fumbles details: it drops
objects, miscolours them, miscounts, swaps relations, garbles text, loses the style, adds an
unrequested distractor. Each mistake is drawn from a seeded RNG and becomes much rarer when the
prompt states that detail explicitly (see scene.Entity.emphasis), which is what lets a prompt
rewriter fix round-1 failures.
"""

from __future__ import annotations

import hashlib
import io
import random
from dataclasses import dataclass, field

from PIL import Image, ImageDraw, ImageFont

from . import pixelcode
from . import vocabulary as vocab
from .pixelcode import RGB
from .scene import OPPOSITE_RELATION, Entity, SceneSpec, parse_prompt, tokenize, _match

# Blob geometry in internal cells: the class marker runs along the middle row.
BLOB_WIDTH, BLOB_HEIGHT = 16, 12
MARKER_OFFSET_X = 3
MARGIN = 7            # cells kept free at the edges: the judge reads the background there
FRAME_WIDTH = 2       # style frame
TEXT_BAND_HEIGHT = 20
HORIZON = 0.55

# How often each detail goes wrong when stated plainly; each level of emphasis multiplies it
# by EXPLICIT_FACTOR (levels above 2 don't help further).
EXPLICIT_FACTOR = 0.2
BASE_ERROR = {
    "drop": 0.04, "drop_per_extra_entity": 0.03, "colour": 0.16, "colour_per_extra": 0.08,
    "count_base": 0.08, "count_per_item": 0.07, "position": 0.18, "relation": 0.32,
    "text": 0.35, "text_per_char": 0.015, "scene": 0.06, "light": 0.1, "style": 0.12,
    "distractor": 0.1, "negated_drawn": 0.45, "artifacts": 0.08,
}
ARTIFACT_WORDS = frozenset({"noise", "noisy", "artifacts", "artifact", "blurry", "blur", "grainy", "distorted", "jpeg"})


@dataclass
class Instance:
    cls: str
    colour: RGB
    x: float  # desired centre, 0..1 of the canvas
    y: float


@dataclass
class RenderPlan:
    """What the generator decided to draw (for tests and debugging; the judge never sees it)."""
    scene: str
    light: str | None
    style: str | None
    instances: list[Instance] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    artifacts: bool = False
    mistakes: list[str] = field(default_factory=list)


def error_chance(base: float, emphasis: int) -> float:
    return min(0.95, base * EXPLICIT_FACTOR ** min(emphasis, 2))


def seeded_rng(*parts: object) -> random.Random:
    digest = hashlib.sha256("\x1f".join(map(str, parts)).encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def colour_of(entity_colour: str | None, cls: str) -> str:
    if entity_colour:
        return entity_colour
    if cls in vocab.DEFAULT_COLOURS:
        return vocab.DEFAULT_COLOURS[cls]
    names = sorted(vocab.COLOURS)
    return names[vocab.OBJECT_CLASSES.index(cls) % len(names)]


def negative_terms(negative_prompt: str) -> tuple[set[str], bool]:
    """Classes named in the negative prompt, and whether it asks for no artifacts."""
    tokens, _ = tokenize(negative_prompt or "")
    classes: set[str] = set()
    i = 0
    while i < len(tokens):
        length, kind, value = _match(tokens, i)
        if kind == "object":
            classes.add(value[0])  # type: ignore[index]
        i += length
    return classes, bool(ARTIFACT_WORDS & set(tokens))


# ---------------------------------------------------------------- planning

def plan_image(spec: SceneSpec, negative_prompt: str, rng: random.Random) -> RenderPlan:
    suppressed, no_artifacts = negative_terms(negative_prompt)
    plan = RenderPlan(scene=spec.scene or rng.choice(vocab.DEFAULT_SCENES), light=spec.light, style=spec.style)
    _plan_setting(spec, plan, rng)
    entities = [_realise_entity(e, spec, plan, rng) for e in spec.entities]
    targets = _layout(spec, entities, plan, rng)
    for k, entity in enumerate(spec.entities):
        drawn = entities[k]
        if drawn is None:
            continue
        colour_name, count = drawn
        rgb = vocab.COLOURS[colour_name]
        tx, ty = targets[k]
        for n in range(count):
            plan.instances.append(Instance(entity.cls, rgb, tx + 0.02 * n, ty))
    _plan_extras(spec, plan, suppressed, rng)
    for text in spec.texts:
        garble = rng.random() < error_chance(BASE_ERROR["text"] + BASE_ERROR["text_per_char"] * len(text.text), text.emphasis)
        plan.texts.append(_garble(text.text, rng) if garble else text.text)
        if garble:
            plan.mistakes.append(f"garbled text {text.text!r}")
    plan.artifacts = rng.random() < BASE_ERROR["artifacts"] * (0.25 if no_artifacts else 1)
    return plan


def _plan_setting(spec: SceneSpec, plan: RenderPlan, rng: random.Random) -> None:
    if spec.scene and rng.random() < error_chance(BASE_ERROR["scene"], spec.emphasis.get("scene", 0)):
        plan.scene = rng.choice([s for s in vocab.SCENE_COLOURS if s != spec.scene])
        plan.mistakes.append("wrong scene")
    if spec.light and rng.random() < error_chance(BASE_ERROR["light"], spec.emphasis.get("light", 0)):
        plan.light = None
        plan.mistakes.append("lost the light")
    if spec.style and rng.random() < error_chance(BASE_ERROR["style"], spec.emphasis.get("style", 0)):
        plan.style = None
        plan.mistakes.append("lost the style")


def _realise_entity(entity: Entity, spec: SceneSpec, plan: RenderPlan, rng: random.Random) -> tuple[str, int] | None:
    """(colour name, instance count) the generator draws for an entity, or None if dropped."""
    n_entities = len(spec.entities)
    presence_emphasis = sum(entity.emphasis.values())
    drop = BASE_ERROR["drop"] + BASE_ERROR["drop_per_extra_entity"] * (n_entities - 1)
    if rng.random() < error_chance(drop, presence_emphasis):
        plan.mistakes.append(f"dropped {entity.cls}")
        return None
    colour = colour_of(entity.colour, entity.cls)
    if entity.colour:
        coloured = sum(1 for e in spec.entities if e.colour)
        base = BASE_ERROR["colour"] + BASE_ERROR["colour_per_extra"] * (coloured - 1)
        if rng.random() < error_chance(base, entity.emphasis.get("colour", 0)):
            others = [e.colour for e in spec.entities if e.colour and e.colour != entity.colour]
            # attribute leakage: a colour from elsewhere in the prompt is the likeliest mistake
            colour = rng.choice(others) if others and rng.random() < 0.6 else rng.choice(
                [c for c in vocab.COLOURS if c != entity.colour])
            plan.mistakes.append(f"miscoloured {entity.cls}")
    count = entity.count if entity.count is not None else rng.choice((2, 3, 3, 4))
    if entity.count_stated or entity.count is None or entity.count > 1:
        wanted = entity.count or 2
        base = BASE_ERROR["count_base"] + BASE_ERROR["count_per_item"] * (wanted - 1)
        if entity.count is not None and rng.random() < error_chance(base, entity.emphasis.get("count", 0)):
            count = max(1, count + rng.choice((-1, 1))) if count > 1 else 2
            plan.mistakes.append(f"miscounted {entity.cls}")
    return colour, min(count, vocab.MAX_COUNT)


_POSITION_TARGETS = {"left": ("x", 0.2), "right": ("x", 0.8), "center": ("x", 0.5), "top": ("y", 0.25), "bottom": ("y", 0.78)}
_MIRROR = {"left": "right", "right": "left", "top": "bottom", "bottom": "top", "center": "left"}


def _layout(spec: SceneSpec, drawn: list, plan: RenderPlan, rng: random.Random) -> list[tuple[float, float]]:
    """Desired centre per entity, following positions and relations - or, by mistake, not."""
    n = max(1, len(spec.entities))
    order = list(range(len(spec.entities)))
    rng.shuffle(order)  # unconstrained objects land anywhere
    xs = {k: (order.index(k) + 0.5) / n for k in range(len(spec.entities))}
    ys = {k: 0.5 + rng.uniform(-0.12, 0.15) for k in range(len(spec.entities))}
    fixed: dict[int, set[str]] = {k: set() for k in xs}
    for k, entity in enumerate(spec.entities):
        if entity.position:
            position = entity.position
            if rng.random() < error_chance(BASE_ERROR["position"], entity.emphasis.get("position", 0)):
                position = _MIRROR[position]
                plan.mistakes.append(f"misplaced {entity.cls}")
            axis, value = _POSITION_TARGETS[position]
            (xs if axis == "x" else ys)[k] = value
            fixed[k].add(axis)
    for relation in spec.relations:
        a, b = relation.subject, relation.object
        kind = relation.relation
        steered = _positions_imply(spec.entities[a].position, spec.entities[b].position, kind)
        if rng.random() < error_chance(BASE_ERROR["relation"], relation.emphasis + 2 * steered):
            kind = OPPOSITE_RELATION[kind] if kind != "next to" else "far from"
            plan.mistakes.append(f"swapped {spec.entities[a].cls} {relation.relation} {spec.entities[b].cls}")
        _apply_relation(kind, a, b, xs, ys, fixed)
    return [(min(0.9, max(0.1, xs[k])), min(0.85, max(0.15, ys[k]))) for k in range(len(spec.entities))]


def _positions_imply(pos_a: str | None, pos_b: str | None, relation: str) -> bool:
    """Do the absolute positions the prompt gives already spell out this relation?"""
    if relation == "left of":
        return pos_a == "left" or pos_b == "right"
    if relation == "right of":
        return pos_a == "right" or pos_b == "left"
    if relation in {"above", "on top of"}:
        return pos_a == "top" or pos_b == "bottom"
    if relation in {"below", "under"}:
        return pos_a == "bottom" or pos_b == "top"
    return False


def _apply_relation(kind: str, a: int, b: int, xs: dict, ys: dict, fixed: dict) -> None:
    """Move a and b so that `a kind b` holds; coordinates fixed earlier (positions, earlier
    relations) stay put, so the first statement about an object wins."""
    def place(values: dict, axis: str, first: int, second: int, gap: float) -> None:
        first_fixed, second_fixed = axis in fixed[first], axis in fixed[second]
        if first_fixed and not second_fixed:
            values[second] = min(0.9, values[first] + gap)
        elif second_fixed and not first_fixed:
            values[first] = max(0.1, values[second] - gap)
        elif not first_fixed:
            centre = min(0.7, max(0.3, (values[first] + values[second]) / 2))
            values[first], values[second] = centre - gap / 2, centre + gap / 2
        fixed[first].add(axis)
        fixed[second].add(axis)

    def align(values: dict, axis: str) -> None:
        if axis not in fixed[a]:
            values[a] = values[b]
            fixed[a].add(axis)

    if kind == "left of":
        place(xs, "x", a, b, 0.45)
    elif kind == "right of":
        place(xs, "x", b, a, 0.45)
    elif kind in {"above", "on top of"}:
        place(ys, "y", a, b, 0.4)
        if kind == "on top of":
            align(xs, "x")
    elif kind in {"below", "under"}:
        place(ys, "y", b, a, 0.4)
        if kind == "under":
            align(xs, "x")
    elif kind == "next to":
        align(ys, "y")
        first, second = (a, b) if xs[a] <= xs[b] else (b, a)
        place(xs, "x", first, second, 0.2)
    elif kind == "far from":
        place(xs, "x", a, b, 0.7)
        ys[a], ys[b] = 0.25, 0.8


def _plan_extras(spec: SceneSpec, plan: RenderPlan, suppressed: set[str], rng: random.Random) -> None:
    """Things nobody asked for: a negated object drawn anyway, or a random distractor."""
    for cls in spec.excluded:
        if cls not in suppressed and rng.random() < BASE_ERROR["negated_drawn"]:
            plan.instances.append(Instance(cls, vocab.COLOURS[colour_of(None, cls)], rng.uniform(0.2, 0.8), rng.uniform(0.3, 0.7)))
            plan.mistakes.append(f"drew the negated {cls}")
    if rng.random() < BASE_ERROR["distractor"]:
        asked = {e.cls for e in spec.entities} | set(spec.excluded)
        cls = rng.choice([c for c in vocab.OBJECT_CLASSES[:80] if c not in asked])
        if cls not in suppressed:
            plan.instances.append(Instance(cls, vocab.COLOURS[colour_of(None, cls)], rng.uniform(0.15, 0.85), rng.uniform(0.3, 0.75)))
            plan.mistakes.append(f"added a stray {cls}")


def _garble(text: str, rng: random.Random) -> str:
    chars = list(text)
    if len(chars) < 2:
        return text + text
    k = rng.randrange(len(chars) - 1)
    action = rng.choice(("swap", "drop", "replace"))
    if action == "swap" and chars[k] != chars[k + 1]:
        chars[k], chars[k + 1] = chars[k + 1], chars[k]
    elif action == "drop":
        del chars[k]
    else:
        chars[k] = rng.choice([c for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ" if c != chars[k].upper()])
    return "".join(chars)


# ---------------------------------------------------------------- drawing

def background_colours(scene: str, light: str | None) -> tuple[RGB, RGB]:
    """Upper (sky/wall) and lower (ground/floor) colours of a scene under a light."""
    upper, lower = vocab.SCENE_COLOURS[scene]
    if light:
        tint, upper_share, lower_share = vocab.LIGHT_TINTS[light]
        upper = tuple(u * (1 - upper_share) + t * upper_share for u, t in zip(upper, tint))  # type: ignore[assignment]
        lower = tuple(g * (1 - lower_share) + t * lower_share for g, t in zip(lower, tint))  # type: ignore[assignment]
    return pixelcode.safe_colour(upper), pixelcode.safe_colour(lower)


def _shade(colour: RGB, factor: float) -> RGB:
    return pixelcode.safe_colour(tuple(c * factor for c in colour))  # type: ignore[arg-type]


def draw_plan(plan: RenderPlan, size: tuple[int, int], rng: random.Random) -> Image.Image:
    width, height = size
    image = Image.new("RGB", size)
    draw = ImageDraw.Draw(image)
    upper, lower = background_colours(plan.scene, plan.light)
    horizon = int(height * HORIZON)
    draw.rectangle((0, 0, width, horizon), fill=upper)
    draw.rectangle((0, horizon, width, height), fill=lower)
    _texture(draw, size, horizon, upper, lower, rng)
    if plan.artifacts:
        _artifacts(draw, size, rng)
    occupied = _draw_texts(draw, plan.texts, size)
    for instance in plan.instances:
        _draw_instance(draw, instance, size, occupied)
    if plan.style:
        _draw_frame(draw, plan.style, size)
    return image


def _texture(draw: ImageDraw.ImageDraw, size: tuple[int, int], horizon: int, upper: RGB, lower: RGB, rng: random.Random) -> None:
    """Sparse 2x2 flecks (grass, sand, stars): life for the eye, never isolated pixels."""
    width, height = size
    for _ in range(width * height // 90):
        x, y = rng.randrange(width - 2), rng.randrange(height - 2)
        base = upper if y < horizon else lower
        draw.rectangle((x, y, x + 1, y + 1), fill=_shade(base, rng.choice((0.9, 1.1))))


def _artifacts(draw: ImageDraw.ImageDraw, size: tuple[int, int], rng: random.Random) -> None:
    width, height = size
    for _ in range(width * height // 12):
        x, y = rng.randrange(width), rng.randrange(height)
        draw.point((x, y), fill=pixelcode.safe_colour((rng.randrange(256), rng.randrange(256), rng.randrange(256))))


def _free_slots(size: tuple[int, int]) -> list[tuple[int, int]]:
    width, height = size
    cols = max(1, (width - 2 * MARGIN) // (BLOB_WIDTH + 2))
    rows = max(1, (height - 2 * MARGIN) // (BLOB_HEIGHT + 2))
    step_x = (width - 2 * MARGIN - BLOB_WIDTH) / max(1, cols - 1)
    step_y = (height - 2 * MARGIN - BLOB_HEIGHT) / max(1, rows - 1)
    return [(MARGIN + round(c * step_x), MARGIN + round(r * step_y)) for r in range(rows) for c in range(cols)]


def _draw_instance(draw: ImageDraw.ImageDraw, instance: Instance, size: tuple[int, int], occupied: list[tuple[int, int, int, int]]) -> None:
    """A filled blob in the object's colour with its class marker inside, in the nearest free slot."""
    width, height = size
    want_x, want_y = instance.x * width - BLOB_WIDTH / 2, instance.y * height - BLOB_HEIGHT / 2
    free = [s for s in _free_slots(size) if not any(_overlaps(s, box) for box in occupied)]
    if not free:
        return
    x, y = min(free, key=lambda s: (s[0] - want_x) ** 2 + (s[1] - want_y) ** 2)
    occupied.append((x, y, x + BLOB_WIDTH, y + BLOB_HEIGHT))
    box = (x, y, x + BLOB_WIDTH - 1, y + BLOB_HEIGHT - 1)
    outline = _shade(instance.colour, 0.6)
    class_id = vocab.OBJECT_CLASSES.index(instance.cls)
    if class_id % 2:
        draw.ellipse(box, fill=instance.colour, outline=outline)
    else:
        draw.rounded_rectangle(box, radius=3, fill=instance.colour, outline=outline)
    marker_y = y + BLOB_HEIGHT // 2
    for k, ink in enumerate(pixelcode.class_marker(class_id)):
        draw.point((x + MARKER_OFFSET_X + k, marker_y), fill=ink)


def _overlaps(slot: tuple[int, int], box: tuple[int, int, int, int]) -> bool:
    x, y = slot
    return x < box[2] + 1 and x + BLOB_WIDTH + 1 > box[0] and y < box[3] + 1 and y + BLOB_HEIGHT + 1 > box[1]


def _draw_texts(draw: ImageDraw.ImageDraw, texts: list[str], size: tuple[int, int]) -> list[tuple[int, int, int, int]]:
    """Each text is a light band near the bottom: readable letters above, its column code below."""
    width, height = size
    bands: list[tuple[int, int, int, int]] = []
    font = ImageFont.load_default()
    draw.fontmode = "1"  # no anti-aliasing: crisp cells
    bottom = height - MARGIN
    for text in texts:
        text = text[: width - 2 * MARGIN - 2]
        top = bottom - TEXT_BAND_HEIGHT
        if top < MARGIN:
            break
        band = (MARGIN, top, width - MARGIN - 1, bottom - 1)
        draw.rectangle(band, fill=(240, 236, 222), outline=(60, 60, 60))
        if draw.textlength(text, font=font) <= width - 2 * MARGIN - 4:
            draw.text((MARGIN + 2, top + 1), text, fill=(20, 20, 20), font=font)
        code_y = bottom - 2 - pixelcode.TEXT_BITS
        for col, cells in enumerate(pixelcode.text_columns(text)):
            for row, ink in enumerate(cells):
                draw.point((MARGIN + 1 + col, code_y + row), fill=ink)
        bands.append((band[0], band[1], band[2], band[3]))
        bottom = top - 2
    return bands


def _draw_frame(draw: ImageDraw.ImageDraw, style: str, size: tuple[int, int]) -> None:
    """The style shows as a dashed two-colour frame."""
    width, height = size
    first, second = vocab.STYLE_FRAMES[style]
    draw.rectangle((0, 0, width - 1, height - 1), outline=first, width=FRAME_WIDTH)
    for x in range(0, width, 4):
        draw.rectangle((x, 0, x + 1, FRAME_WIDTH - 1), fill=second)
        draw.rectangle((x, height - FRAME_WIDTH, x + 1, height - 1), fill=second)
    for y in range(0, height, 4):
        draw.rectangle((0, y, FRAME_WIDTH - 1, y + 1), fill=second)
        draw.rectangle((width - FRAME_WIDTH, y, width - 1, y + 1), fill=second)


# ---------------------------------------------------------------- entry points

def render_image(prompt: str, negative_prompt: str, seed: int, width: int, height: int, variant: int = 0) -> tuple[Image.Image, RenderPlan]:
    """The image at full size and the plan behind it."""
    rng = seeded_rng(prompt, negative_prompt or "", seed, width, height, variant)
    plan = plan_image(parse_prompt(prompt), negative_prompt or "", rng)
    small = draw_plan(plan, pixelcode.internal_size(width, height), rng)
    return (small if small.size == (width, height) else small.resize((width, height), Image.NEAREST)), plan


def encode_png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()


def render_png(prompt: str, negative_prompt: str, seed: int, width: int, height: int, variant: int = 0) -> bytes:
    """A width x height PNG for the prompt; deterministic for all arguments."""
    image, _ = render_image(prompt, negative_prompt, seed, width, height, variant)
    return encode_png(image)
