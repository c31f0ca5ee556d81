"""Ground truth: EXACT perception of what the world drew, judged by GenEval's rules where GenEval has one.

`answer_checks(png, checks)` answers check-contract (v2) checks from the image's pixels alone, with no VLM
error: the offline evaluator "ground-truth". Each answer is True, False, or None when the world cannot decide:
a real evaluator would have to say "unverifiable", and a measuring instrument must not pass what it cannot see.

What the world can decide, kind by kind (rules follow GenEval: Ghosh et al., arXiv 2310.11513;
djghosh13/geneval evaluation/evaluate_images.py, where it has one):
- entity, count (exact, or at least `count` with at_least), absent (fewer than `count`, default 1: GenEval's
  exclude rule): the world draws every noun it is asked for with its concept code, so these are decidable; a
  compound ("ceiling fan") may be drawn as its head carrying the modifier's attribute code, which counts as one;
  a setting word before a made thing is waived ("a kitchen table": a table), before an animal it is not ("a sea
  horse": a horse drawn without it is a land horse, no sea horse);
- colour: EVERY instance of the subject has that colour (GenEval classifies each detected object); a colour
  word the world has no paint for is None;
- attribute: the world draws a one-word adjective as an attribute code on the object (concepts.attribute_code),
  so the code present on every instance is True and missing is False; a size ("small", "large") also needs no
  code of the opposite size on it, so the two are never both True of one thing; a phrase ("covered in snow") is None, as
  the world draws single words only; a word of taste (concepts.TASTE_WORDS: "beautiful") is None too. (An object asked for more attributes than it has rows for, three, two when
  small, reads False on the rest: the world's limit, like a model's, and rare in prompts);
- action: drawn as concepts.action_code(verb) on the agent, read back like an attribute (same rule), and the
  object acted on, when named, must be there; an action check naming no action is None; possession ("have": a
  man with green hair) is None when the thing is there (the world draws no owner) and False when it is not;
- position: the subject's centre in that region of the image (imagegate_service.geometry.REGIONS, the
  verifier's too); background / foreground (geometry.DEPTH_PLANES): deeper / nearer than everything else drawn,
  None when nothing else is drawn or everything is at one depth;
- relation, per the contract's geometry: left of / right of / above / below by GenEval's relative_position;
  next to (centres within 0.2 vertically and 0.5 horizontally) and near (that, or within 0.35 both ways); on
  (GenEval above, horizontal overlap, subject's bottom within 0.08 of the object's top), under (the reverse);
  inside (subject's centre in the object's box and at most 0.6 of its width and height); between (subject's
  centre between the two objects' centres on x or on y); on, under and inside several objects (plural: "on the
  books", "in the leaves") hold when each subject is so with one of them, the others with every one; behind / in
  front of by SeenObject.depth (the layer perceive reads back, larger = further back, 0 when drawn without one)
  and horizontal overlap: each subject deeper (nearer) than every object and in line with one of them ("peaks
  behind the cyclists": a row of several is never in line with every one of another row);
- text: a decoded text band equal to the text (case and spacing ignored); what the letters themselves are (a
  colour or an attribute of "the word" or "the text" with no such thing drawn: "Is the word "broken" made of
  glass?", "Is the text "OPEN" red?") is None: the world draws text as plain glyphs;
- scene, light, style: the world's one recognised value (vocabulary's word tables map a prompt's word to it);
  a value the world never draws (a "blue background", an "oil painting" it has no frame for) is None;
- a thing drawn as the setting ("a city in the background": the scene is a city) is there and in the background;
  the rest of what could be asked of it (count, colour, relations) is None, and so is a relation to it (a
  backdrop has no box); a setting named with a modifier whose head is the setting drawn ("a mountain road" on a
  street) is None: the road is there, the world cannot say whether it is a mountain road;
- a compound drawn as one thing ("a neon sign") is the head noun asked ("Is there a sign?") when the checks ask
  its modifier as the head's attribute ("Is the sign neon?"), and has that attribute (answer_checks);
- two of one noun told apart ("a black cat above a white cat"): a check's subjectLabel / objectLabel (a colour or
  an attribute word) narrows it to the instances drawn with it, so "the black cat" is the black ones;
- a child check about an entity that is not there is False (nothing to have a colour); the evaluation's DSG
  parent rule does the same.
`checks_from_prompt(prompt)` is the evaluator's own reading (dsg_reading.py: neither the judge's reading nor
the generator's parse).
"""

from __future__ import annotations

from collections.abc import Mapping

from imagegate_service.geometry import DEPTH_PLANES, REGIONS, apart, in_region
from imagegate_service.geometry import relative_position as geometry_relative_position

from . import vocabulary as vocab
from .concepts import ANIMALS, TASTE_WORDS, action_code, attribute_code, colour_name, concept_code, lemma
from .dsg_reading import checks_from_prompt
from .perceive import Percept, SeenObject, perceive

__all__ = [
    "answer_checks",
    "asked_modifiers",
    "checks_from_prompt",
    "instances_of",
    "relative_position",
    "satisfied",
    "seen",
    "told_apart",
]

# The contract's geometry (docs: the check contract v2), assumptions of this project, not published figures.
NEXT_TO_DY, NEXT_TO_DX = 0.2, 0.5
NEAR_DISTANCE = 0.35
ON_GAP = 0.08
INSIDE_SHARE = 0.6
# Relations of touch or containment, held by one of several objects ("a cat on the books": on some of them;
# "a hedgehog in the leaves"); the others ("left of the dogs") hold of every one.
_HELD_BY_ONE = frozenset({"on", "under", "inside"})
# What names written text itself and nothing else (the evaluator asks "Is the word "broken" made of glass?" of it;
# "letter", "title" or "message" may be things: "a red letter on a desk").
_TEXT_NOUNS = frozenset({"text", "word", "words", "lettering", "writing"})
# Size words of the two opposite sides (general English): a thing drawn with a word of one side is no thing of the
# other, whatever else it carries ("three large elephants ... two are small" drawn on all three: neither holds).
_SMALL_WORDS = frozenset({"small", "tiny", "little", "miniature", "petite"})
_LARGE_WORDS = frozenset({"large", "big", "huge", "giant", "gigantic", "enormous", "massive"})
_OPPOSITE_SIZES = {**dict.fromkeys(_SMALL_WORDS, _LARGE_WORDS), **dict.fromkeys(_LARGE_WORDS, _SMALL_WORDS)}
# Each kind's values the world draws (anything else is undecidable).
_SETTINGS = {
    "scene": (vocab.SCENE_WORDS, frozenset(vocab.SCENE_COLOURS)),
    "light": (vocab.LIGHT_WORDS, frozenset(vocab.LIGHT_TINTS)),
    "style": (vocab.STYLE_WORDS, frozenset(vocab.STYLE_FRAMES)),
}


def instances_of(percept: Percept, noun: str) -> list[SeenObject]:
    code = concept_code(noun)
    return [o for o in percept.objects if o.code == code]


def _drawn_as_kind(percept: Percept, noun: str) -> list[SeenObject]:
    """A compound asked for ("ceiling fan", "birthday cake") as the world draws it when its parse reads the first
    words as the thing's kind: the head's instances ("fan") carrying each modifier's code ("ceiling"). A head
    drawn without them is another fan, so the check fails, as it would on a real image."""
    words = noun.split()
    # the kind is the last word or the last words ("a rural bus stop": a bus stop carrying "rural"), the
    # longest kind drawn first
    for cut in range(1, len(words)):
        head = instances_of(percept, " ".join(words[cut:]))
        if head:
            # a modifier that names a setting says where a made thing is used ("a kitchen table", "a park bench"):
            # the world draws no mark for it on the thing (the generator reads it as a setting), so the head
            # decides, as a detector's class would. Before an animal it names another creature ("a sea horse" is
            # no horse, "a sea lion" no lion): a plain horse is not one, the modifier's code must be drawn
            creature = lemma(words[-1]) in ANIMALS or words[-1] in ANIMALS
            said = [word for word in words[:cut] if creature or vocab.SCENE_WORDS.get(word) is None]
            codes = [attribute_code(word) for word in said]
            return [o for o in head if all(code in o.attributes for code in codes)]
    return []


def _instances(percept: Percept, noun: str) -> list[SeenObject]:
    if "'s " in noun:  # "a man's head": the head drawn, or else the man (the world draws a body as one shape)
        owner, part = noun.rsplit("'s ", 1)
        joined = noun.replace("'s ", " ").split()
        return (
            instances_of(percept, " ".join(joined))  # "a chef's hat": a kind of hat, drawn as one thing
            or instances_of(percept, " ".join(joined[-2:]))  # "a train conductor's hat": a conductor hat
            or _instances(percept, part)
            or _instances(percept, owner.split()[-1] if owner.split() else owner)
        )
    return instances_of(percept, noun) or _drawn_as_kind(percept, noun)


def relative_position(a: SeenObject, b: SeenObject) -> set[str]:
    """GenEval's relations of A to B from their boxes (geometry.relative_position, the verifier's too), and
    "next to"."""
    if not apart(a, b):
        return set()
    relations = geometry_relative_position(a, b)
    if abs(a.y - b.y) < NEXT_TO_DY and abs(a.x - b.x) < NEXT_TO_DX:
        relations.add("next to")
    return relations


def _overlap_x(a: SeenObject, b: SeenObject) -> bool:
    return abs(a.x - b.x) < (a.w + b.w) / 2


def _on(a: SeenObject, b: SeenObject) -> bool:
    bottom, top = a.y + a.h / 2, b.y - b.h / 2
    return "above" in relative_position(a, b) and _overlap_x(a, b) and abs(bottom - top) <= ON_GAP


def _pair(relation: str, a: SeenObject, b: SeenObject) -> bool | None:
    """Does `a <relation> b` hold for one pair of boxes (None: the world cannot tell)?"""
    if relation in {"left of", "right of", "above", "below", "next to"}:
        return relation in relative_position(a, b)
    if relation == "near":
        return "next to" in relative_position(a, b) or (
            abs(a.x - b.x) < NEAR_DISTANCE and abs(a.y - b.y) < NEAR_DISTANCE
        )
    if relation == "on":
        return _on(a, b)
    if relation == "under":
        return _on(b, a)
    if relation == "inside":
        return (
            abs(a.x - b.x) <= b.w / 2
            and abs(a.y - b.y) <= b.h / 2
            and a.w <= INSIDE_SHARE * b.w
            and a.h <= INSIDE_SHARE * b.h
        )
    if relation in {"behind", "in front of"}:
        deeper = a.depth > b.depth if relation == "behind" else a.depth < b.depth
        return deeper and _overlap_x(a, b)
    return None


def _depth_order(relation: str, a: SeenObject, targets: list[SeenObject]) -> bool:
    """`a` behind (in front of) a group: deeper (nearer) than each of them, overlapping one of them horizontally
    (for one object, _pair's rule)."""
    deeper = all(a.depth > b.depth if relation == "behind" else a.depth < b.depth for b in targets)
    return bool(targets) and deeper and any(_overlap_x(a, b) for b in targets)


def _in_depth_plane(place: str, found: list[SeenObject], percept: Percept) -> bool | None:
    """In the background: deeper than everything else drawn; in the foreground: nearer. None when nothing else
    is drawn to be behind or in front of (a lone object is in neither plane, and in both)."""
    others = [o for o in percept.objects if all(o is not f for f in found)]
    if not others or len({o.depth for o in [*found, *others]}) == 1:
        return None  # nothing else drawn, or nothing drawn at any depth: the world said nothing of planes
    if place == "background":
        return all(f.depth > o.depth for f in found for o in others)
    return all(f.depth < o.depth for f in found for o in others)


def _between(a: SeenObject, b: SeenObject, c: SeenObject) -> bool:
    return min(b.x, c.x) < a.x < max(b.x, c.x) or min(b.y, c.y) < a.y < max(b.y, c.y)


def _any(values: list[bool | None]) -> bool | None:
    """One of them holds: any True is True, else any None is None (an empty list: False)."""
    if any(v is True for v in values):
        return True
    return None if any(v is None for v in values) else False


def _all(values: list[bool | None]) -> bool | None:
    """Every pair must hold: any False is False, else any None is None."""
    if any(v is False for v in values):
        return False
    if any(v is None for v in values):
        return None
    return True


def told_apart(found: list[SeenObject], label: object) -> list[SeenObject]:
    """The instances a check means when the prompt tells two of a noun apart (subjectLabel / objectLabel: "the
    black cat", "the wooden chair"): those with that colour, or that attribute drawn; all of them without one."""
    if not label:
        return found
    colour = colour_name(str(label))
    if colour is not None:
        return [o for o in found if o.colour == colour]
    code = attribute_code(str(label).strip().lower())
    return [o for o in found if code in o.attributes]


def _count(check: dict, found: int) -> bool:
    wanted = int(check.get("count", 1))
    return found >= wanted if check.get("at_least") else found == wanted


def _drawn_code(found: list[SeenObject], code: int) -> bool:
    """An attribute or action code on every instance of the subject."""
    return all(code in o.attributes for o in found)


def _setting(kind: str, check: dict, percept: Percept) -> bool | None:
    words, drawn = _SETTINGS[kind]
    value = " ".join(str(check.get("setting", "")).lower().replace("-", " ").split())
    key = words.get(value, value)
    if key not in drawn:
        return None
    return getattr(percept, kind) == key


def _drawn_as_scene(percept: Percept, noun: str) -> bool | None:
    """A thing the world drew as the picture's setting ("a city in the background": the scene is a city): True;
    None when only its head noun is the setting drawn ("a mountain road" where the scene is a street: the road is
    there, but the world draws nothing of a setting that could say whether it is a mountain road); else False."""
    words = noun.lower().split()
    key = vocab.SCENE_WORDS.get(" ".join(words))
    if key is not None:
        return percept.scene == key
    head = vocab.SCENE_WORDS.get(words[-1]) if len(words) > 1 else None
    return None if head is not None and percept.scene == head else False


def _backdrop(kind: object, check: dict) -> bool | None:
    """A check about a thing drawn as the setting: it is there, behind everything (the backdrop), and not absent;
    what the world does not draw of a backdrop (its count, colour, attributes, actions, relations) is None."""
    if kind == "entity":
        return True
    if kind == "absent":
        return False
    if kind == "position" and check.get("position") in DEPTH_PLANES:
        return check["position"] == "background"
    return None


def _named_kinds(percept: Percept, noun: str, modifiers: frozenset[str]) -> list[SeenObject]:
    """A thing drawn as one compound whose head is the noun asked and whose modifier another check asks as its
    attribute ("a neon sign" drawn as one thing, asked "Is there a sign?" and "Is the sign neon?"): a sign, neon."""
    return [o for word in sorted(modifiers) for o in instances_of(percept, f"{word} {noun}")]


def seen(percept: Percept, noun: str, modifiers: Mapping[str, frozenset[str]]) -> list[SeenObject]:
    """The instances of a noun asked: as drawn, or as one compound named by a modifier asked of it (the judge's
    lens, vlm.py, looks for a check's subject the same way)."""
    drawn = _instances(percept, noun)
    named = _named_kinds(percept, noun, modifiers.get(noun, frozenset()))
    return [*drawn, *(o for o in named if all(o is not d for d in drawn))]


def satisfied(check: dict, percept: Percept, modifiers: Mapping[str, frozenset[str]] | None = None) -> bool | None:
    """Does the image satisfy one check, exactly? None: the world cannot decide (see the module docstring).
    `modifiers`: noun -> the one-word attributes the checks ask of it (_named_kinds; none when not given)."""
    kind = check.get("kind")
    modifiers = modifiers or {}
    if kind == "text":
        wanted = " ".join(str(check.get("text", "")).lower().split())
        return any(" ".join(t.lower().split()) == wanted for t in percept.texts)
    if kind in _SETTINGS:
        return _setting(kind, check, percept)
    subject = str(check.get("subject", ""))
    found = told_apart(seen(percept, subject, modifiers), check.get("subjectLabel"))
    if not found and kind in {"colour", "attribute"} and str(check.get("subject", "")) in _TEXT_NOUNS:
        return None  # the letters' colour or stuff: the world draws text as plain glyphs
    if not found:
        as_scene = _drawn_as_scene(percept, str(check.get("subject", "")))
        if as_scene is None:
            return None  # its head is the setting drawn; what its modifier says, the world cannot tell
        if as_scene:
            return _backdrop(kind, check)
    if kind == "absent":
        return len(found) < max(1, int(check.get("count") or 1))
    if kind == "entity":
        return bool(found)
    if not found:
        return False
    if kind == "count":
        return _count(check, len(found))
    if kind == "colour":
        colour = colour_name(str(check.get("colour", "")))
        return None if colour is None else all(o.colour == colour for o in found)
    if kind == "attribute":
        attribute = str(check.get("attribute", "")).strip().lower()
        if not attribute or " " in attribute or attribute in TASTE_WORDS:
            return None  # a phrase; a matter of taste ("Is the woman beautiful?"): the world draws neither
        code, neon = attribute_code(attribute), instances_of(percept, f"{attribute} {subject}")
        # a size the thing is drawn with, and none of the opposite side: never both "small" and "large"
        opposite = {attribute_code(word) for word in _OPPOSITE_SIZES.get(attribute, ())}
        return all(
            (code in o.attributes or any(o is n for n in neon)) and not opposite & o.attributes for o in found
        )  # "a neon sign" is neon
    if kind == "action":
        if not check.get("action"):
            return None
        if check["action"] == "have":
            # possession ("a man with green hair"): the world draws no owner; only a missing thing decides it
            thing = str(check.get("object", ""))
            if not thing:
                return None
            return None if told_apart(_instances(percept, thing), check.get("objectLabel")) else False
        drawn = _drawn_code(found, action_code(str(check["action"])))
        if drawn and check.get("object"):
            return bool(told_apart(_instances(percept, str(check["object"])), check.get("objectLabel")))
        return drawn
    if kind == "position":
        place = str(check.get("position"))
        if place in DEPTH_PLANES:
            return _in_depth_plane(place, found, percept)
        return None if place not in REGIONS else all(in_region(o, place) for o in found)
    if kind == "relation":
        relation = str(check.get("relation", ""))
        told = check.get("subjectLabel") or check.get("objectLabel")
        if relation != "between" and check.get("subject") == check.get("object") and not told:
            # "a cat above a cat": the check names both by one noun and says not which is which (no label); the
            # world cannot decide it (every cat would have to be above every other)
            return None
        targets = told_apart(seen(percept, str(check.get("object", "")), modifiers), check.get("objectLabel"))
        if not targets:
            # a setting drawn as the backdrop has no box to be above or behind ("a power line above a country
            # road" on a street scene): undecidable, as the backdrop's own relations are
            return None if _drawn_as_scene(percept, str(check.get("object", ""))) is not False else False
        if relation == "between":
            others = _instances(percept, str(check.get("object2", "")))
            if not others:
                return False
            # "between two women": two of the same kind, one on each side (a pair needs two different ones)
            pairs = [
                (a, b, c) for a in found for b in targets for c in others if a is not b and a is not c and b is not c
            ]
            return bool(pairs) and all(_between(a, b, c) for a, b, c in pairs)
        pairs = [(a, b) for a in found for b in targets if a is not b]
        if not pairs:
            return False  # "a wooden chair next to a metal chair" with one chair drawn: nothing to be next to
        if relation in {"behind", "in front of"}:
            # "peaks behind the cyclists": each one further back than (nearer than) every one of them, and in line
            # with one of them; several are never each in line with all of several others spread across the image
            return _all([_depth_order(relation, a, [b for b in targets if a is not b]) for a in found])
        if relation in _HELD_BY_ONE:
            # "a cat on the books", "a hedgehog in the leaves": each one is on (in, under) one of them, not all
            return _all([_any([_pair(relation, a, b) for b in targets if a is not b]) for a in found])
        return _all([_pair(relation, a, b) for a, b in pairs])
    return None


def asked_modifiers(checks: list[dict]) -> dict[str, frozenset[str]]:
    """noun -> the one-word attributes a list of checks asks of it: what `satisfied` needs to see a compound drawn
    as one thing ("a neon sign") in the checks "Is there a sign?" and "Is the sign neon?"."""
    modifiers: dict[str, set[str]] = {}
    for check in checks:
        attribute = str(check.get("attribute", "")).strip().lower()
        if check.get("kind") == "attribute" and attribute and " " not in attribute:
            modifiers.setdefault(str(check.get("subject", "")), set()).add(attribute)
    return {noun: frozenset(words) for noun, words in modifiers.items()}


def answer_checks(png: bytes, checks: list[dict]) -> dict[str, bool | None]:
    """id -> satisfied (True, False, or None: undecidable), by exact perception of the image."""
    percept, asked = perceive(png), asked_modifiers(checks)
    return {str(check["id"]): satisfied(check, percept, asked) for check in checks}
