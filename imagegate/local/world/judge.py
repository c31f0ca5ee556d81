"""The offline judge: grades what the pixels show (perceive) against the ORIGINAL prompt's scene.

Decomposed, DSG-style: the prompt becomes atomic yes/no checks (entity, count, colour, position,
relation, text, scene, light, style, absences); a child check fails when its entity is missing.
Each failed check becomes a concrete suggestion with the exact phrase to add to the prompt, in
double quotes, the way a careful art director would write it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from . import vocabulary as vocab
from .perceive import Percept, SeenObject, perceive
from .scene import Entity, SceneSpec, parse_prompt, plural_of

WEIGHTS = {"entity": 3.0, "count": 2.0, "colour": 2.0, "position": 1.5, "relation": 2.0, "text": 2.0,
           "scene": 1.0, "light": 1.0, "style": 1.0, "absent": 2.0, "extras": 1.0}
_REGIONS = {"left": lambda o: o.x < 0.42, "right": lambda o: o.x > 0.58, "top": lambda o: o.y < 0.45,
            "bottom": lambda o: o.y > 0.55, "center": lambda o: 0.3 < o.x < 0.7}
_RELATION_WORDS = {"left of": "to the left of", "right of": "to the right of", "above": "above", "below": "below",
                   "on top of": "on top of", "under": "under", "next to": "next to"}


@dataclass
class Check:
    question: str
    kind: str
    satisfied: bool
    suggestion: str | None = None  # what to say in the prompt when the check fails


def judge_png(png: bytes, original_prompt: str) -> dict:
    spec = parse_prompt(original_prompt)
    percept = perceive(png)
    checks = decompose(spec, percept)
    total = sum(WEIGHTS[c.kind] for c in checks) or 1.0
    share = sum(WEIGHTS[c.kind] for c in checks if c.satisfied) / total
    # Cubed share: one wrong detail in a handful should fail a 7.5 gate, as the rubric's anchors say.
    adherence = round(10 * share ** 3, 1)
    jitter = int(hashlib.sha256(png[-64:]).hexdigest()[:2], 16) / 255  # stable per image, 0..1
    technical = round((5.5 if percept.artifacts else 8.6) + 0.8 * jitter, 1)
    aesthetics = round(6.5 + 2.5 * min(1.0, percept.contrast * 1.6) + 0.4 * jitter, 1)
    score = round(0.6 * adherence + 0.25 * technical + 0.15 * aesthetics, 1)
    failed = [c for c in checks if not c.satisfied]
    suggestions = [c.suggestion for c in failed if c.suggestion][:8]
    if percept.artifacts:
        suggestions = (suggestions + ['Add "noise, artifacts" to the negative prompt: the image is grainy.'])[:8]
    return {
        "score": min(10.0, max(0.0, score)),
        "explanation": _explain(checks, percept),
        "suggestions": suggestions,
        "subscores": {"promptAdherence": adherence, "technicalQuality": min(10.0, technical),
                      "aesthetics": min(10.0, aesthetics)},
        "checks": [{"question": c.question, "satisfied": c.satisfied} for c in checks][:20],
    }


def decompose(spec: SceneSpec, percept: Percept) -> list[Check]:
    checks: list[Check] = []
    seen_by_class: dict[str, list[SeenObject]] = {}
    for seen in percept.objects:
        seen_by_class.setdefault(seen.cls, []).append(seen)
    for entity in spec.entities:
        checks += _entity_checks(entity, seen_by_class.get(entity.cls, []))
    for relation in spec.relations:
        subject, obj = spec.entities[relation.subject], spec.entities[relation.object]
        checks.append(_relation_check(subject, relation.relation, obj, seen_by_class))
    for text in spec.texts:
        shown = any(t.strip().lower() == text.text.strip().lower() for t in percept.texts)
        checks.append(Check(f'Does the image show the text "{text.text}"?', "text", shown,
                            f'Add "clearly legible text \\"{text.text}\\"" to the prompt: the text is '
                            f'{"misspelled" if percept.texts else "missing"}.'))
    for kind, wanted, seen, phrase in (("scene", spec.scene, percept.scene, "clearly in a {}"),
                                       ("light", spec.light, percept.light, "distinctly {} light"),
                                       ("style", spec.style, percept.style, "in an unmistakably {} style")):
        if wanted:
            checks.append(Check(f"Is the {kind} {wanted}?", kind, seen == wanted,
                                f'Add "{phrase.format(wanted)}" to the prompt: the {kind} looks like {seen or "none"}.'))
    for cls in spec.excluded:
        checks.append(Check(f"Is there no {cls}?", "absent", cls not in seen_by_class,
                            f'Add "{cls}" to the negative prompt: the image shows one.'))
    wanted_classes = {e.cls for e in spec.entities}
    extras = sorted({cls for cls in seen_by_class if cls not in wanted_classes and cls not in spec.excluded})
    checks.append(Check("Is the image free of objects the prompt did not ask for?", "extras", not extras,
                        f'Add "{", ".join(extras)}" to the negative prompt: not requested.' if extras else None))
    return checks


def _entity_checks(entity: Entity, seen: list[SeenObject]) -> list[Check]:
    name = entity.cls
    wanted_phrase = _entity_phrase(entity, explicit=True)
    present = bool(seen)
    checks = [Check(f"Is there a {name}?", "entity", present,
                    f'Add "{wanted_phrase}" to the prompt: there is no {name} in the image.')]
    if entity.count_stated or (entity.count or 2) > 1:
        count = len(seen)
        ok = present and (count >= 2 if entity.count is None else count == entity.count)
        wanted = "several" if entity.count is None else str(entity.count)
        checks.append(Check(f"Are there {wanted} {plural_of(name)}?", "count", ok,
                            f'Add "{wanted_phrase}" to the prompt: the image shows {count}.'))
    if entity.colour:
        ok = present and all(s.colour == entity.colour for s in seen)
        shown = ", ".join(sorted({s.colour for s in seen})) or "nothing"
        checks.append(Check(f"Is the {name} {entity.colour}?", "colour", ok,
                            f'Add "{wanted_phrase}" to the prompt: the {name} is {shown}.'))
    if entity.position:
        ok = present and all(_REGIONS[entity.position](s) for s in seen)
        checks.append(Check(f"Is the {name} at the {entity.position} of the image?", "position", ok,
                            f'Add "the {name} on the {entity.position} side of the image" to the prompt.'))
    return checks


def _relation_check(subject: Entity, relation: str, obj: Entity, seen_by_class: dict[str, list[SeenObject]]) -> Check:
    words = _RELATION_WORDS[relation]
    question = f"Is the {subject.cls} {words} the {obj.cls}?"
    suggestion = f'Add "the {subject.cls} clearly {words} the {obj.cls}" to the prompt.'
    a, b = seen_by_class.get(subject.cls), seen_by_class.get(obj.cls)
    if not a or not b:
        return Check(question, "relation", False, suggestion)
    ax, ay = sum(o.x for o in a) / len(a), sum(o.y for o in a) / len(a)
    bx, by = sum(o.x for o in b) / len(b), sum(o.y for o in b) / len(b)
    holds = {
        "left of": ax < bx - 0.03, "right of": ax > bx + 0.03, "above": ay < by - 0.03, "below": ay > by + 0.03,
        "on top of": ay < by - 0.03, "under": ay > by + 0.03, "next to": abs(ay - by) < 0.25 and abs(ax - bx) < 0.6,
    }[relation]
    return Check(question, "relation", holds, suggestion)


def _entity_phrase(entity: Entity, explicit: bool) -> str:
    """How a prompt should name an entity to leave no doubt: "exactly three clearly red apples"."""
    colour = f"clearly {entity.colour} " if entity.colour and explicit else (f"{entity.colour} " if entity.colour else "")
    if entity.count is None:
        return f"several {colour}{plural_of(entity.cls)}"
    if entity.count == 1:
        article = "an" if (colour or entity.cls)[0] in "aeiou" else "a"
        return f"{'one ' if entity.count_stated else article + ' '}{colour}{entity.cls}".replace("a clearly", "a clearly")
    return f"exactly {vocab.NUMBER_NAMES.get(entity.count, entity.count)} {colour}{plural_of(entity.cls)}"


def _explain(checks: list[Check], percept: Percept) -> str:
    passed = [c for c in checks if c.satisfied and c.kind != "extras"]
    failed = [c for c in checks if not c.satisfied]
    objects = ", ".join(f"{o.colour} {o.cls}" for o in percept.objects[:8]) or "no recognisable objects"
    parts = [f"The image shows {objects} in a {percept.scene} setting"
             f"{' with ' + percept.light + ' light' if percept.light else ''}"
             f"{', ' + percept.style + ' style' if percept.style else ''}."]
    if passed:
        parts.append(f"{len(passed)} of {len(passed) + len([c for c in failed if c.kind != 'extras'])} checks from the prompt hold.")
    if failed:
        parts.append("Not satisfied: " + "; ".join(c.question.rstrip("?").lower() for c in failed[:4]) + ".")
    else:
        parts.append("Everything the prompt asks for is there.")
    if percept.artifacts:
        parts.append("Visible noise lowers the technical quality.")
    return " ".join(parts)
