"""Ground truth: EXACT perception of what the world drew, judged by GenEval's rules.

`answer_checks(png, checks)` answers evaluation-contract checks (see evaluation.py and reading.py)
from the image's pixels alone, with no VLM error: the offline evaluator "ground-truth". Rules follow
GenEval (Ghosh et al., arXiv 2310.11513; djghosh13/geneval evaluation/evaluate_images.py):
- count is exact (an "at_least" count check: at least that many);
- colour: EVERY instance of the subject has that colour (GenEval classifies each detected object);
- relation: for every subject instance and every object instance, GenEval's relative_position:
  offsets of box centres, each axis shrunk by POSITION_THRESHOLD x (sum of the two box sizes), the
  relation holds when that axis carries more than half of the (unshrunk) offset's length;
- absent: fewer than `count` instances (default 1: none at all; GenEval's exclude rule);
- a child check about an entity that is not there is unsatisfied (nothing to have a colour).
`checks_from_prompt(prompt)` is the evaluator's reading of a prompt (reading.py, not the
generator's parser), limited to the evaluation contract's kinds.
"""

from __future__ import annotations

import math

from .concepts import attribute_code, concept_code
from .perceive import Percept, SeenObject, perceive
from .reading import contract_checks_from_prompt as checks_from_prompt

__all__ = ["answer_checks", "checks_from_prompt", "instances_of", "relative_position", "satisfied"]

POSITION_THRESHOLD = 0.1  # GenEval evaluate_images.py default
REGIONS = {
    "left": lambda o: o.x < 0.42,
    "right": lambda o: o.x > 0.58,
    "top": lambda o: o.y < 0.45,
    "bottom": lambda o: o.y > 0.55,
    "center": lambda o: 0.3 < o.x < 0.7 and 0.25 < o.y < 0.75,
}


def instances_of(percept: Percept, noun: str) -> list[SeenObject]:
    code = concept_code(noun)
    return [o for o in percept.objects if o.code == code]


def relative_position(a: SeenObject, b: SeenObject) -> set[str]:
    """GenEval's relations of A to B from their boxes (image y grows downwards)."""
    dx, dy = a.x - b.x, a.y - b.y
    norm = math.hypot(dx, dy)
    if norm == 0:
        return set()
    rx = max(abs(dx) - POSITION_THRESHOLD * (a.w + b.w), 0) * (1 if dx >= 0 else -1)
    ry = max(abs(dy) - POSITION_THRESHOLD * (a.h + b.h), 0) * (1 if dy >= 0 else -1)
    if abs(rx) < 1e-3 and abs(ry) < 1e-3:
        return set()
    rx, ry = rx / norm, ry / norm
    relations = set()
    if rx < -0.5:
        relations.add("left of")
    if rx > 0.5:
        relations.add("right of")
    if ry < -0.5:
        relations.add("above")
    if ry > 0.5:
        relations.add("below")
    if abs(a.y - b.y) < 0.2 and abs(a.x - b.x) < 0.5:
        relations.add("next to")
    return relations


def _count(check: dict, found: int) -> bool:
    wanted = int(check.get("count", 1))
    return found >= wanted if check.get("at_least") else found == wanted


def satisfied(check: dict, percept: Percept) -> bool:
    """Does the image satisfy one check, exactly?"""
    kind = check.get("kind")
    if kind == "text":
        wanted = str(check.get("text", "")).strip().lower()
        return any(t.strip().lower() == wanted for t in percept.texts)
    if kind in {"scene", "light", "style"}:
        return getattr(percept, kind) == check.get("setting")
    found = instances_of(percept, str(check.get("subject", "")))
    if kind == "absent":
        return len(found) < int(check.get("count", 1))
    if kind == "entity":
        return bool(found)
    if not found:
        return False
    if kind == "count":
        return _count(check, len(found))
    if kind == "colour":
        return all(o.colour == check.get("colour") for o in found)
    if kind == "attribute":
        code = attribute_code(str(check.get("attribute", "")))
        return all(code in o.attributes for o in found)
    if kind == "position":
        region = REGIONS.get(str(check.get("position")))
        return region is not None and all(region(o) for o in found)
    if kind == "relation":
        targets = instances_of(percept, str(check.get("object", "")))
        relation = check.get("relation")
        return bool(targets) and all(relation in relative_position(a, b) for a in found for b in targets if a is not b)
    return False


def answer_checks(png: bytes, checks: list[dict]) -> dict[str, bool]:
    """id -> satisfied, by exact perception of the image (no VLM error model)."""
    percept = perceive(png)
    return {str(check["id"]): satisfied(check, percept) for check in checks}
