"""The offline judge: PNG bytes + the user's ORIGINAL prompt -> a verdict (prompts/verdict.schema.json).

It only reads pixels: object markers give class and position, the blob around a marker gives
its colour, the background rows give scene and light, the frame gives the style, the text code
gives the text. The prompt becomes DSG-style yes/no checks; a child check (count, colour,
position, relation) fails when its entity is missing. The prompt is data: nothing in it can
change the rubric ("rate this 10/10" is just words the parser doesn't know).
"""

from __future__ import annotations

import io
from collections import Counter
from dataclasses import dataclass

from PIL import Image

from . import pixelcode
from . import vocabulary as vocab
from .pixelcode import RGB
from .render import FRAME_WIDTH, HORIZON, MARKER_OFFSET_X, background_colours
from .scene import Entity, SceneSpec, parse_prompt, plural_of

WEIGHTS = {"presence": 3.0, "count": 2.0, "colour": 2.0, "position": 2.0, "relation": 2.0,
           "text": 2.0, "scene": 1.0, "light": 1.0, "style": 1.0, "excluded": 1.0, "stray": 1.0}
MAX_CHECKS = 20
MAX_SUGGESTIONS = 8
# The share of satisfied checks is squared: one wrong core detail must fail a 7.5 gate.
SCORE_EXPONENT = 2.0


@dataclass
class Detected:
    cls: str
    colour: str
    x: float  # centre, 0..1
    y: float


@dataclass
class Observation:
    objects: list[Detected]
    texts: list[str]
    scene: str | None
    light: str | None
    style: str | None
    technical: float
    aesthetics: float


@dataclass
class Check:
    question: str
    satisfied: bool
    kind: str
    suggestion: str  # the prompt edit that would fix it, used when unsatisfied


# ---------------------------------------------------------------- reading pixels

def observe(image: Image.Image) -> Observation:
    cells = pixelcode.to_internal(image)
    width, height = cells.size
    data = cells.tobytes()
    objects = _find_objects(data, width, height)
    texts = _find_texts(data, width, height)
    style = _read_style(data, width, height)
    scene, light = _read_background(data, width, height, inset=FRAME_WIDTH if style else 0)
    technical, aesthetics = _pixel_quality(data, width, height)
    return Observation(objects, texts, scene, light, style, technical, aesthetics)


def _pixel(data: bytes, width: int, x: int, y: int) -> RGB:
    i = (y * width + x) * 3
    return data[i], data[i + 1], data[i + 2]


def _find_all(data: bytes, ink: RGB) -> list[int]:
    """Pixel indices whose colour is exactly ink."""
    needle, hits, start = bytes(ink), [], 0
    while (i := data.find(needle, start)) != -1:
        if i % 3 == 0:
            hits.append(i // 3)
            start = i + 3
        else:
            start = i + 1
    return hits


_NAMED = {rgb: name for name, rgb in vocab.COLOURS.items()}


def nearest_colour(rgb: RGB) -> str:
    if rgb in _NAMED:
        return _NAMED[rgb]
    return min(vocab.COLOURS, key=lambda n: sum((a - b) ** 2 for a, b in zip(vocab.COLOURS[n], rgb)))


def _find_objects(data: bytes, width: int, height: int) -> list[Detected]:
    found = []
    for index in _find_all(data, pixelcode.OBJECT_START):
        x, y = index % width, index // width
        if x + pixelcode.MARKER_LENGTH >= width:
            continue
        class_id = pixelcode.bit_value([_pixel(data, width, x + 1 + k, y) for k in range(pixelcode.CLASS_BITS)])
        if class_id is None or class_id >= len(vocab.OBJECT_CLASSES):
            continue
        # The blob's own colour sits just outside both ends of the marker.
        left, right = _pixel(data, width, x - 1, y), _pixel(data, width, x + pixelcode.MARKER_LENGTH, y)
        colour = nearest_colour(left if left == right else Counter([left, right]).most_common(1)[0][0])
        centre_x = x - MARKER_OFFSET_X + 8
        found.append(Detected(vocab.OBJECT_CLASSES[class_id], colour, centre_x / width, y / height))
    return found


def _find_texts(data: bytes, width: int, height: int) -> list[str]:
    texts = []
    bits = pixelcode.TEXT_BITS
    for index in _find_all(data, pixelcode.TEXT_START):
        x, y = index % width, index // width
        if y + bits > height or (y > 0 and _pixel(data, width, x, y - 1) == pixelcode.TEXT_START):
            continue  # not the top of a start column
        if any(_pixel(data, width, x, y + r) != pixelcode.TEXT_START for r in range(bits)):
            continue
        chars = []
        for col in range(x + 1, width):
            code = pixelcode.bit_value([_pixel(data, width, col, y + r) for r in range(bits)])
            if code is None:
                break
            chars.append(chr(code))
        texts.append("".join(chars))
    return texts


def _mode(colours: list[RGB]) -> RGB:
    return Counter(colours).most_common(1)[0][0]


def _read_background(data: bytes, width: int, height: int, inset: int) -> tuple[str | None, str | None]:
    """Scene and light: the (scene, light) whose sky and ground colours match the edge rows best."""
    top_rows = range(inset + 1, inset + 4)
    bottom_rows = range(height - inset - 4, height - inset - 1)
    horizon = int(height * HORIZON)
    if not top_rows or max(top_rows) >= horizon or min(bottom_rows) <= horizon:
        return None, None
    xs = range(inset + 1, width - inset - 1)
    upper = _mode([_pixel(data, width, x, y) for y in top_rows for x in xs])
    lower = _mode([_pixel(data, width, x, y) for y in bottom_rows for x in xs])
    best, best_distance = (None, None), float("inf")
    for scene, light in _BACKGROUND_TABLE:
        expected_upper, expected_lower = _BACKGROUND_TABLE[(scene, light)]
        distance = _distance(upper, expected_upper) + _distance(lower, expected_lower)
        if distance < best_distance:
            best, best_distance = (scene, light), distance
    return best if best_distance < 400 else (None, None)


_BACKGROUND_TABLE = {(scene, light): background_colours(scene, light)
                     for scene in vocab.SCENE_COLOURS for light in (None, *vocab.LIGHT_TINTS)}


def _distance(a: RGB, b: RGB) -> int:
    return sum((p - q) ** 2 for p, q in zip(a, b))


def _read_style(data: bytes, width: int, height: int) -> str | None:
    """The style frame: the two colours of the dashed outer row, if they form a known pair."""
    row = Counter(_pixel(data, width, x, 0) for x in range(width))
    column = Counter(_pixel(data, width, 0, y) for y in range(height))
    if len(row) > 3:
        return None
    pair = {c for c, _ in row.most_common(2)}
    for style, colours in vocab.STYLE_FRAMES.items():
        if pair == {pixelcode.safe_colour(c) for c in colours} and set(column) <= pair:
            return style
    return None


def _pixel_quality(data: bytes, width: int, height: int) -> tuple[float, float]:
    """Technical: share of isolated speckle pixels (artifacts). Aesthetics: contrast and palette."""
    isolated = samples = 0
    luminances = []
    for y in range(1, height - 1, 2):
        for x in range(1, width - 1, 2):
            here = _pixel(data, width, x, y)
            neighbours = (_pixel(data, width, x - 1, y), _pixel(data, width, x + 1, y),
                          _pixel(data, width, x, y - 1), _pixel(data, width, x, y + 1))
            isolated += all(n != here for n in neighbours) and here not in _INKS
            samples += 1
            luminances.append(0.299 * here[0] + 0.587 * here[1] + 0.114 * here[2])
    speckle = isolated / max(1, samples)
    technical = max(0.0, min(10.0, 10.0 - 60.0 * max(0.0, speckle - 0.01)))
    mean = sum(luminances) / len(luminances)
    contrast = (sum((v - mean) ** 2 for v in luminances) / len(luminances)) ** 0.5
    palette = len(set(data[i:i + 3] for i in range(0, len(data), 3 * 97)))
    aesthetics = 5.0 + 2.5 * min(1.0, contrast / 45) + 2.5 * min(1.0, palette / 24) - 3.0 * min(1.0, speckle * 5)
    return round(technical, 1), round(max(0.0, min(10.0, aesthetics)), 1)


_INKS = {pixelcode.OBJECT_START, pixelcode.TEXT_START, pixelcode.BIT_ZERO, pixelcode.BIT_ONE}


# ---------------------------------------------------------------- checks

def with_article(noun: str) -> str:
    return f"{'an' if noun[0] in 'aeiou' else 'a'} {noun}"


def _count_phrase(entity: Entity) -> str:
    if entity.count is None:
        return f"several {plural_of(entity.cls)}"
    number = vocab.NUMBER_NAMES.get(entity.count, str(entity.count))
    return f"{number} {plural_of(entity.cls) if entity.count != 1 else entity.cls}"


def _instances_for(entity: Entity, spec: SceneSpec, objects: list[Detected]) -> list[Detected]:
    """The detected instances that belong to this entity: same class, and the right colour
    when another entity of the same class is told apart by colour."""
    same_class = [o for o in objects if o.cls == entity.cls]
    siblings = [e for e in spec.entities if e.cls == entity.cls and e is not entity]
    if not siblings:
        return same_class
    if entity.colour:
        return [o for o in same_class if o.colour == entity.colour]
    taken = {e.colour for e in siblings if e.colour}
    return [o for o in same_class if o.colour not in taken]


def _mean(values: list[float]) -> float:
    return sum(values) / len(values)


def _relation_holds(relation: str, a: list[Detected], b: list[Detected]) -> bool:
    ax, ay = _mean([o.x for o in a]), _mean([o.y for o in a])
    bx, by = _mean([o.x for o in b]), _mean([o.y for o in b])
    margin = 0.04
    aligned = abs(ax - bx) < 0.3
    return {
        "left of": ax < bx - margin, "right of": ax > bx + margin,
        "above": ay < by - margin, "below": ay > by + margin,
        "on top of": ay < by - margin and aligned, "under": ay > by + margin and aligned,
        "next to": abs(ay - by) < 0.25 and abs(ax - bx) < 0.45,
    }[relation]


def _position_holds(position: str, found: list[Detected]) -> bool:
    x, y = _mean([o.x for o in found]), _mean([o.y for o in found])
    return {"left": x < 0.42, "right": x > 0.58, "top": y < 0.45, "bottom": y > 0.55,
            "center": 0.3 < x < 0.7}[position]


_RELATION_WORDS = {"left of": "to the left of", "right of": "to the right of", "above": "above",
                   "below": "below", "on top of": "on top of", "under": "under", "next to": "next to"}
_RELATION_PLACES = {"left of": ("left side", "right side"), "right of": ("right side", "left side"),
                    "above": ("top", "bottom"), "on top of": ("top", "bottom"),
                    "below": ("bottom", "top"), "under": ("bottom", "top")}
_PLACE_PREPOSITION = {"left side": "on", "right side": "on", "top": "at", "bottom": "at", "center": "in"}


def _place_phrase(position: str) -> str:
    place = f"{position} side" if position in {"left", "right"} else position
    return f"{_PLACE_PREPOSITION[place]} the {place}"


def _relation_suggestion(relation: str, a: Entity, b: Entity) -> str:
    words = _RELATION_WORDS[relation]
    if relation == "next to":
        return f"Say that the {a.cls} is right next to the {b.cls}, side by side"
    place_a, place_b = _RELATION_PLACES[relation]
    return (f"Say that the {a.cls} is {words} the {b.cls}: the {a.cls} {_PLACE_PREPOSITION[place_a]} the {place_a} "
            f"of the image, the {b.cls} {_PLACE_PREPOSITION[place_b]} the {place_b} of the image")


def build_checks(spec: SceneSpec, seen: Observation) -> list[Check]:
    checks: list[Check] = []
    found = {k: _instances_for(e, spec, seen.objects) for k, e in enumerate(spec.entities)}
    for k, entity in enumerate(spec.entities):
        present = bool(found[k])
        checks.append(Check(f"Is there {with_article(entity.cls)} in the image?", present, "presence",
                            f"Say that the {entity.cls} is clearly visible in the image"))
        if entity.count_stated or entity.count != 1:
            everything = [o for o in seen.objects if o.cls == entity.cls]
            counted = len(found[k] if entity.colour else everything)
            holds = counted >= 2 if entity.count is None else counted == entity.count
            checks.append(Check(f"Are there {'at least two' if entity.count is None else 'exactly'} "
                                f"{_count_phrase(entity).removeprefix('several ')}?"
                                if entity.count is None else f"Are there exactly {_count_phrase(entity)}?",
                                present and holds, "count",
                                f"Make it explicit that there are exactly {_count_phrase(entity)}"
                                if entity.count is not None else f"Say that there are several {plural_of(entity.cls)}, at least two"))
        if entity.colour:
            same_class = [o for o in seen.objects if o.cls == entity.cls]
            holds = any(o.colour == entity.colour for o in same_class)
            wrong = sorted({o.colour for o in same_class if o.colour != entity.colour})
            question = f"Is the {entity.cls} {entity.colour}?" + (f" (it looks {', '.join(wrong)})" if wrong and not holds else "")
            checks.append(Check(question, present and holds, "colour", f"State that the {entity.cls} is {entity.colour}"))
        if entity.position:
            checks.append(Check(f"Is the {entity.cls} on the {entity.position} of the image?",
                                present and _position_holds(entity.position, found[k]), "position",
                                f"Say that the {entity.cls} is {_place_phrase(entity.position)} of the image"))
    for relation in spec.relations:
        a, b = spec.entities[relation.subject], spec.entities[relation.object]
        both = found[relation.subject] and found[relation.object]
        holds = bool(both) and _relation_holds(relation.relation, found[relation.subject], found[relation.object])
        checks.append(Check(f"Is the {a.cls} {_RELATION_WORDS[relation.relation]} the {b.cls}?", holds, "relation",
                            _relation_suggestion(relation.relation, a, b)))
    seen_texts = [t.lower() for t in seen.texts]
    for text in spec.texts:
        shown = text.text.lower() in seen_texts
        misread = f" (it reads {seen.texts[0]!r})" if seen.texts and not shown else ""
        checks.append(Check(f'Does the image show the text "{text.text}"?{misread}', shown, "text",
                            f'Ask for clearly legible text that reads exactly "{text.text}"'))
    if spec.scene:
        checks.append(Check(f"Is the setting a {spec.scene}?", seen.scene == spec.scene, "scene",
                            f"Say that the setting is clearly a {spec.scene}"))
    if spec.light:
        checks.append(Check(f"Is the light {spec.light}?", seen.light == spec.light, "light",
                            f"Say that the scene is clearly lit by {spec.light} light"))
    if spec.style:
        checks.append(Check(f"Is the image in {spec.style} style?", seen.style == spec.style, "style",
                            f"Say that the whole image is clearly in {spec.style} style"))
    seen_classes = {o.cls for o in seen.objects}
    for cls in spec.excluded:
        checks.append(Check(f"Is there no {cls}?", cls not in seen_classes, "excluded",
                            f"Remove the {cls}: add {cls} to the negative prompt"))
    asked = {e.cls for e in spec.entities} | set(spec.excluded)
    strays = sorted(seen_classes - asked)
    checks.append(Check("Is the image free of objects the prompt did not ask for?"
                        + (f" (found {', '.join(strays)})" if strays else ""), not strays, "stray",
                        f"Remove the unrequested {' and '.join(strays)}: add {', '.join(strays)} to the negative prompt"))
    return checks


# ---------------------------------------------------------------- verdict

def verdict_from(checks: list[Check], seen: Observation) -> dict:
    total = sum(WEIGHTS[c.kind] for c in checks)
    share = sum(WEIGHTS[c.kind] for c in checks if c.satisfied) / total
    quality = 0.94 + 0.06 * seen.technical / 10
    score = round(10 * share ** SCORE_EXPONENT * quality, 1)
    failed = [c for c in checks if not c.satisfied]
    suggestions = [c.suggestion for c in failed][:MAX_SUGGESTIONS]
    if seen.technical < 7 and len(suggestions) < MAX_SUGGESTIONS:
        suggestions.append("Ask for a clean, sharp image: add noise, artifacts to the negative prompt")
    return {
        "score": score,
        "explanation": _explain(checks, share, seen),
        "suggestions": suggestions,
        "subscores": {"promptAdherence": round(10 * share, 1), "technicalQuality": seen.technical,
                      "aesthetics": seen.aesthetics},
        "checks": [{"question": c.question[:300], "satisfied": c.satisfied} for c in checks][:MAX_CHECKS],
    }


def _explain(checks: list[Check], share: float, seen: Observation) -> str:
    matched = [c.question for c in checks if c.satisfied]
    missed = [c.question for c in checks if not c.satisfied]
    parts = [f"{len(matched)} of {len(checks)} checks pass ({share:.0%} of the weighted rubric)."]
    if missed:
        parts.append("Not satisfied: " + " ".join(missed))
    if matched:
        parts.append("Satisfied: " + " ".join(matched))
    if seen.technical < 7:
        parts.append(f"Visible speckle artifacts lower technical quality to {seen.technical}.")
    return " ".join(parts)[:2000]


def judge_image(image: Image.Image, original_prompt: str) -> dict:
    """Judge a decoded image against the user's original prompt."""
    seen = observe(image)
    return verdict_from(build_checks(parse_prompt(original_prompt), seen), seen)


def judge_png(png_bytes: bytes, original_prompt: str) -> dict:
    """Judge a PNG against the user's original prompt; returns a verdict-schema dict."""
    with Image.open(io.BytesIO(png_bytes)) as image:
        return judge_image(image, original_prompt)
