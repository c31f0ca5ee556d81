"""The judge's eyes: the exact percept seen through a VLM's typical errors, seeded per image+question.

A real vision-language judge answers yes/no questions about an image imperfectly, and not at
random: it leans to "yes" (a "no" about a count, colour, attribute, place or relation turns into
"yes" more often than a true "yes" turns into "no"), counts are off by one more often the more
there are, left and right get confused, small objects are missed, text is misread. Object presence
is its most reliable category. (Qualitative findings of TIFA, Hu et al., arXiv 2303.11897, and DSG,
Cho et al., arXiv 2310.18235, summarised in /work/shared/reference/judging.md: VQA accuracy is high
on object presence, much lower on counting and spatial relations, with a lean toward "yes". Their
per-category tables could not be retrieved offline, so the rates below are this project's
assumptions, tuned so that the judge agrees with ground truth on about 80-90% of GenEval images;
`calibration.judge_agreement` measures it and `make bench` prints it.)

It never invents an object in an empty region: a missing entity is never seen ("an image missing
a requested entity fails"), and a blank image never passes a prompt that names one.
Deterministic: the same image and question always get the same answer.
"""

from __future__ import annotations

import hashlib
import random

from .perceive import Percept, SeenObject
from .truth import REGIONS, instances_of, relative_position, satisfied

MISS = 0.045  # a present, normal-sized object is not seen
MISS_SMALL = 0.30  # ... a small one
COUNT_SLIP_PER_ITEM = 0.07  # chance per instance that the count is read off by one
COUNT_SLIP_MAX = 0.45
MIRROR_LEFT_RIGHT = 0.15  # left/right read mirrored
MIRROR_ABOVE_BELOW = 0.06
FALSE_NO = {
    "colour": 0.06,
    "attribute": 0.12,
    "text": 0.12,
    "scene": 0.04,
    "light": 0.06,
    "style": 0.06,
    "absent": 0.02,
    "position": 0.04,
    "relation": 0.04,
    "count": 0.0,
}
YES_BIAS = {
    "colour": 0.22,
    "attribute": 0.30,
    "text": 0.20,
    "scene": 0.15,
    "light": 0.2,
    "style": 0.2,
    "position": 0.2,
    "relation": 0.2,
    "count": 0.15,
}
_MIRROR = {
    "left of": "right of",
    "right of": "left of",
    "above": "below",
    "below": "above",
    "next to": "next to",
    "left": "right",
    "right": "left",
    "top": "bottom",
    "bottom": "top",
    "center": "center",
}


def _rng(png_digest: str, check: dict) -> random.Random:
    key = "\x1f".join(
        [
            png_digest,
            str(check.get("question", "")),
            str(check.get("kind")),
            str(check.get("subject", "")),
            str(check.get("object", "")),
        ]
    )
    return random.Random(int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big"))


def _seen(objects: list[SeenObject], rng: random.Random) -> list[SeenObject]:
    return [o for o in objects if rng.random() >= (MISS_SMALL if o.small else MISS)]


def answer(check: dict, percept: Percept, png_digest: str) -> bool:
    """The judge's yes/no to one check."""
    rng = _rng(png_digest, check)
    kind = str(check.get("kind"))
    truth = satisfied(check, percept)
    if kind == "entity":
        return bool(_seen(instances_of(percept, str(check.get("subject", ""))), rng))
    if kind == "absent":
        if truth:
            return rng.random() >= FALSE_NO["absent"]
        return not _seen(instances_of(percept, str(check.get("subject", ""))), rng)
    if kind == "count":
        found = len(instances_of(percept, str(check.get("subject", ""))))
        if found and rng.random() < min(COUNT_SLIP_MAX, COUNT_SLIP_PER_ITEM * found):
            found = max(1, found + rng.choice((-1, 1)))
        wanted = int(check.get("count", 1))
        said = found >= wanted if check.get("at_least") else found == wanted
    elif kind == "relation":
        subjects = instances_of(percept, str(check.get("subject", "")))
        targets = instances_of(percept, str(check.get("object", "")))
        relation = str(check.get("relation"))
        flip = MIRROR_LEFT_RIGHT if relation in {"left of", "right of"} else MIRROR_ABOVE_BELOW
        if rng.random() < flip:
            relation = _MIRROR.get(relation, relation)
        said = bool(subjects and targets) and all(
            relation in relative_position(a, b) for a in subjects for b in targets if a is not b
        )
    elif kind == "position":
        found = instances_of(percept, str(check.get("subject", "")))
        where = str(check.get("position"))
        if where in {"left", "right"} and rng.random() < MIRROR_LEFT_RIGHT:
            where = _MIRROR[where]
        region = REGIONS.get(where)
        said = bool(found) and region is not None and all(region(o) for o in found)
    else:
        said = truth if rng.random() >= (FALSE_NO.get(kind, 0.05) if truth else 0) else False
    # Yes-bias: only about what IS there (a colour, a place, a count of objects it sees).
    if (
        not said
        and kind != "entity"
        and rng.random() < YES_BIAS.get(kind, 0.15)
        and (
            (kind == "text" and percept.texts)
            or kind in {"scene", "light", "style"}
            or (kind != "text" and instances_of(percept, str(check.get("subject", ""))))
        )
    ):
        said = True
    return said
