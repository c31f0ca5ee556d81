"""The offline judge: grades an image against the ORIGINAL prompt, like a VLM with a DSG rubric.

1. Reading: the prompt becomes atomic yes/no checks by the evaluator's own reading (reading.py;
   not the generator's parser): entities, counts, colours, other adjectives, places, relations,
   quoted text, absences, scene, light and style.
2. Looking: each check is answered through an imperfect, VLM-like lens (vlm.py) on the pixels.
3. Scoring: a child check fails when its entity's check failed (DSG); adherence is the weighted
   share of satisfied checks, cubed (one wrong detail in a handful fails a 7.5 gate, as the
   rubric's anchors say); the score mixes adherence, technical quality and aesthetics.
   A prompt with nothing checkable gets adherence 0: it cannot pass. An image with no object at all
   fails every entity check whatever the lens says (the lens may hallucinate an object the prompt names
   among others, vlm.HALLUCINATE, but a blank image never passes a prompt that names an entity).
Each failed check becomes a concrete suggestion quoting the phrase to add to the prompt.
"""

from __future__ import annotations

import hashlib

from imagegate_service.constants import NO_CHECKS_QUESTION

from . import vocabulary as vocab
from .concepts import plural
from .perceive import Percept, perceive
from .reading import checks_from_prompt
from .vlm import answers

WEIGHTS = {
    "entity": 3.0,
    "count": 2.0,
    "colour": 2.0,
    "attribute": 1.5,
    "position": 1.5,
    "relation": 2.0,
    "text": 2.0,
    "scene": 1.0,
    "light": 1.0,
    "style": 1.0,
    "absent": 2.0,
}
_RELATION_WORDS = {"left of": "to the left of", "right of": "to the right of"}
SUGGESTION_MAX_CHARS = 300  # prompts/verdict.schema.json


def judge_png(png: bytes, original_prompt: str, style: str | None = None) -> dict:
    """The verdict (prompts/verdict.schema.json) on a PNG against the user's original prompt and, when the run
    has a style preset, its description (the judge is told the style and checks it like any other detail)."""
    return judge_percept(perceive(png), hashlib.sha256(png).hexdigest(), original_prompt, style)


def style_check(description: str | None, checks: list[dict]) -> dict | None:
    """The check a style preset's description adds (the style the world can see in it), unless the prompt's
    own reading already checks a style."""
    if not description or any(c["kind"] == "style" for c in checks):
        return None
    text = f" {description.lower().replace('-', ' ')} "
    found = [(phrase, value) for phrase, value in vocab.STYLE_WORDS.items() if f" {phrase.replace('-', ' ')} " in text]
    if not found:
        return None
    value = max(found, key=lambda item: len(item[0]))[1]
    return {
        "id": "style",
        "kind": "style",
        "setting": value,
        "parent": None,
        "question": f"Is the image in a {value} style?",
    }


def judge_percept(percept: Percept, digest: str, original_prompt: str, style: str | None = None) -> dict:
    """judge_png on an image already perceived (digest: the PNG's sha256, which seeds the VLM lens)."""
    checks = checks_from_prompt(original_prompt)
    extra = style_check(style, checks)
    if extra:
        checks = [*checks, extra]
    said = answers(checks, percept, digest)
    if not percept.objects:  # an image with no object shows no entity, whatever the lens hallucinates
        said.update({c["id"]: False for c in checks if c["kind"] == "entity"})
    for check in checks:  # DSG: a child fails with its parent
        if check.get("parent") and not said.get(check["parent"], True):
            said[check["id"]] = False
    total = sum(WEIGHTS.get(c["kind"], 1.0) for c in checks)
    share = sum(WEIGHTS.get(c["kind"], 1.0) for c in checks if said[c["id"]]) / total if total else 0.0
    adherence = round(10 * share**3, 1)
    jitter = int(digest[:2], 16) / 255  # stable per image, 0..1
    technical = round((5.5 if percept.artifacts else 8.6) + 0.8 * jitter, 1)
    aesthetics = round(6.5 + 2.5 * min(1.0, percept.contrast * 1.6) + 0.4 * jitter, 1)
    score = round(0.6 * adherence + 0.25 * technical + 0.15 * aesthetics, 1)
    failed = [c for c in checks if not said[c["id"]]]
    by_id = {c["id"]: c for c in checks}
    suggestions = list(dict.fromkeys(s for s in (_suggestion(c, checks, by_id, said) for c in failed) if s))[:8]
    if not checks:
        suggestions = ['Add "a clearly visible main subject" to the prompt: it names nothing that can be checked.']
    if percept.artifacts:
        suggestions = ([*suggestions, 'Add "noise, artifacts" to the negative prompt: the image is grainy.'])[:8]
    reported = [_reported(c, said[c["id"]]) for c in checks][:20]
    return {
        "score": min(10.0, max(0.0, score)),
        "explanation": _explain(checks, said, percept),
        "suggestions": suggestions,
        "subscores": {
            "promptAdherence": adherence,
            "technicalQuality": min(10.0, technical),
            "aesthetics": min(10.0, aesthetics),
        },
        "checks": reported or [{"question": NO_CHECKS_QUESTION, "satisfied": False}],
    }


# What a verdict check states beyond its question (prompts/verdict.schema.json checks[]): the count, colour, place,
# relation and its object(s), quoted text the judge checked, so a verifier can ground the same claim from boxes
# (domain/verifying.py) without reading the prompt. Field -> the most characters reported (None: an integer).
REPORTED_FIELDS: dict[str, int | None] = {
    "count": None,
    "colour": 32,
    "position": 16,
    "relation": 32,
    "object": 64,
    "object2": 64,
    "text": 200,
    "subjectLabel": 32,
    "objectLabel": 32,
}


def _reported(check: dict, satisfied: bool) -> dict:
    """A check as the verdict reports it: the question, the answer, its kind, (for an entity's) its subject, and
    what it states: count (and at_least), colour, position, relation with object(s), text."""
    entry = {"question": check["question"], "satisfied": satisfied, "kind": check["kind"]}
    if check.get("subject") and check["kind"] not in {"scene", "light", "style"}:
        entry["subject"] = str(check["subject"])[:64]
    for name, limit in REPORTED_FIELDS.items():
        value = check.get(name)
        if limit is None and isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            entry[name] = value
        elif limit is not None and isinstance(value, str) and value.strip():
            entry[name] = value.strip()[:limit]
    if check.get("at_least") and "count" in entry:
        entry["at_least"] = True
    return entry


def _entity_phrase(entity_id: str, subject: str, checks: list[dict]) -> str:
    """How a prompt should name an entity to leave no doubt: "exactly three clearly red apples"."""
    about = [c for c in checks if c.get("parent") == entity_id and c["kind"] in {"count", "colour", "attribute"}]
    count = next((c for c in about if c["kind"] == "count"), None)
    looks = " ".join(
        dict.fromkeys(
            [c["colour"] for c in about if c["kind"] == "colour"]
            + [c["attribute"] for c in about if c["kind"] == "attribute"]
        )
    )
    looks = f"clearly {looks} " if looks else ""
    if count is None:
        return f"a {looks or 'clearly visible '}{subject}"
    number = vocab.NUMBER_NAMES.get(count["count"], str(count["count"]))
    return f"{'at least' if count.get('at_least') else 'exactly'} {number} {looks}{plural(subject)}"


def _suggestion(check: dict, checks: list[dict], by_id: dict[str, dict], said: dict[str, bool]) -> str | None:
    """The fix for one failed check, quoting the phrase to add (at most the schema's 300 characters)."""
    text = _fix(check, checks, by_id, said)
    if text and len(text) > SUGGESTION_MAX_CHARS:
        return None  # a phrase that long is no concrete fix
    return text


def _fix(check: dict, checks: list[dict], by_id: dict[str, dict], said: dict[str, bool]) -> str | None:
    kind, subject = check["kind"], check.get("subject", "")
    parent = by_id.get(check.get("parent") or "")
    if parent is not None and not said[parent["id"]] and kind != "relation":
        return None  # the missing entity's own suggestion names this detail too
    if kind == "entity":
        return (
            f'Add "{_entity_phrase(check["id"], subject, checks)}" to the prompt: there is no {subject} in the image.'
        )
    if kind in {"count", "colour", "attribute"}:
        return f'Add "{_entity_phrase(check["parent"], subject, checks)}" to the prompt: the {subject} does not match.'
    if kind == "position":
        return f'Add "the {subject} on the {check["position"]} side of the image" to the prompt.'
    if kind == "relation":
        words = _RELATION_WORDS.get(check["relation"], check["relation"])
        named = " ".join(filter(None, [check.get("subjectLabel"), subject]))  # "the black cat ... the white cat"
        other = " ".join(filter(None, [check.get("objectLabel"), check["object"]]))
        return f'Add "the {named} clearly {words} the {other}" to the prompt.'
    if kind == "text":
        return f'Add "clearly legible text \\"{check["text"]}\\"" to the prompt: the text is missing or misspelled.'
    if kind == "absent":
        return f'Add "{subject}" to the negative prompt: the image shows one.'
    if kind == "action":  # "Is the man riding a horse?" -> "the man riding a horse"
        return f'Add "{check["question"][3:].rstrip("?")}" to the prompt: the {subject} is not doing it.'
    phrase = {"scene": "clearly in a {}", "light": "distinctly {} light", "style": "in an unmistakably {} style"}[kind]
    return f'Add "{phrase.format(check["setting"])}" to the prompt: the {kind} looks different.'


def _explain(checks: list[dict], said: dict[str, bool], percept: Percept) -> str:
    held = [c for c in checks if said[c["id"]]]
    failed = [c for c in checks if not said[c["id"]]]
    parts = [
        f"The image shows {len(percept.objects)} object{'s' if len(percept.objects) != 1 else ''} "
        f"in a {percept.scene} setting{' with ' + percept.light + ' light' if percept.light else ''}"
        f"{', ' + percept.style + ' style' if percept.style else ''}."
    ]
    if not checks:
        parts.append("The prompt names nothing that can be checked in an image.")
    else:
        parts.append(f"{len(held)} of {len(checks)} checks from the prompt hold.")
    if failed:
        parts.append("Not satisfied: " + "; ".join(c["question"].rstrip("?").lower() for c in failed[:4]) + ".")
    elif checks:
        parts.append("Everything the prompt asks for is there.")
    if percept.artifacts:
        parts.append("Visible noise lowers the technical quality.")
    return " ".join(parts)
