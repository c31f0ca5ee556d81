"""Verify Round: a detector checks what the judge claimed before the gate passes a round.

The judge is a vision model the loop rewrites toward, so it cannot be the only gate: counting, positions, colour
binding and text are where VLM judges are weakest (../shared/reference/judging.md), and where a detector is
strongest (GenEval scores with an object detector and a colour classifier on each box). When the judge passes a
round, this step grounds the judge's OWN checks (the best candidate's verdict: each check carries its kind,
subject and, when the judge states it, count / colour / position / relation and object / text) with Amazon
Rekognition: DetectLabels (GENERAL_LABELS and IMAGE_PROPERTIES: labels, instances with boxes and dominant colours)
and, only when a check asks for text, DetectText. It never reads the prompt: the evaluator's reading stays the
one independent reading of the request.

What a detector can ground, by GenEval's rules (djghosh13/geneval evaluation/evaluate_images.py, as the offline
world's truth.py applies them): an entity's presence (its noun mapped to a Rekognition label,
rekognition_labels.json), an exact count (or at least), every instance's colour, the absolute place of every
instance, left of / right of / above / below between every pair of boxes, quoted text. A noun outside the
mapping, a label Rekognition returns without boxes (for counts, colours, places), a relation or kind a box cannot
show (on, behind, an action, a material, the style): unverifiable, `satisfied` null, never failed. The thresholds
are the mapping's data (rekognition_labels.Thresholds), except the absolute regions below.

`passed` is false when a verifiable check fails, true when at least one holds and none fails, null when nothing
was verifiable. The gate (Record Round) passes only when the judge passes and `passed` is not false; a failed
check becomes the next round's suggestion in plain words ("the image shows 3 ducks; the prompt asks for 4").

Every call is recorded once in the spend ledger at its registry price (DetectLabels with two features is billed as
two images), reserved before it is made (maxCostUsd and the daily budget). DetectLabels' answer is kept with the
round's verification document, so a retry after a throttled DetectText does not ask (and pay for) it again."""

from __future__ import annotations

import re
import time
from functools import cache
from typing import Any, cast

from imagegate_service import constants as c
from imagegate_service.domain.costs import LABEL_FEATURES, labels_price, text_price, verifies
from imagegate_service.domain.judging import best_candidate
from imagegate_service.domain.ports import ImageDetector, ObjectStore
from imagegate_service.domain.spend import SpendLedger
from imagegate_service.domain.state import (
    GroundedCheck,
    JudgeCheck,
    JudgedStep,
    Reading,
    Settings,
    VerificationDocument,
    VerificationOutcome,
)
from imagegate_service.errors import VerifierFailed
from imagegate_service.geometry import REGIONS, in_region, relative_position
from imagegate_service.rekognition_labels import LabelMapping, mapping

STATUS_IN_PROGRESS = "in progress"
# An instance's absolute place and its relations to another box: geometry.REGIONS and relative_position, the
# offline world's ground truth's too, so the verifier and the evaluator agree on what "on the left" means.
BOX_RELATIONS = ("left of", "right of", "above", "below")


class RoundVerifier:
    def __init__(self, detector: ImageDetector, images: ObjectStore, spend: SpendLedger):
        self._detector = detector
        self._images = images
        self._spend = spend

    def verify(self, state: JudgedStep) -> VerificationOutcome:
        loop, run_id, judgement = state["loop"], state["runId"], state["judgement"]
        key = c.verification_key(run_id, loop["round"])
        image_key = judgement["imageKey"]
        earlier = self._images.find_json(key)
        if earlier and earlier.get("imageKey") != image_key:
            earlier = None
        if earlier and earlier.get("status") == c.VERIFICATION_COMPLETE:
            return summary(earlier, key)  # a re-delivered task whose first attempt finished: nothing asked twice
        started = time.monotonic()
        labels_map = mapping()
        verdict = best_candidate(self._images.get_json(judgement["verdictKey"]))["verdict"]
        checks = [check for check in verdict.get("checks", []) if isinstance(check, dict)]
        document: VerificationDocument = {
            "runId": run_id,
            "round": loop["round"],
            "imageKey": image_key,
            "source": c.VERIFIER_REKOGNITION,
            "status": STATUS_IN_PROGRESS,
            "costUsd": float((earlier or {}).get("costUsd", 0.0)),
        }
        labels = (earlier or {}).get("labelsResponse")
        if labels is None:
            labels = self._billed(
                state,
                c.STEP_VERIFY_LABELS,
                labels_price(),
                lambda: self._detector.detect_labels(
                    image_key, LABEL_FEATURES, labels_map.thresholds.min_label_confidence
                ),
                document,
            )
            document["labelsResponse"] = labels
            self._images.put_json(key, document)  # kept before DetectText: a retry does not pay for it twice
        text = None
        if any(check.get("kind") == "text" for check in checks):
            text = self._billed(
                state, c.STEP_VERIFY_TEXT, text_price(), lambda: self._detector.detect_text(image_key), document
            )
        seen = Detections.read(labels, text, labels_map)
        results = [ground(check, seen, labels_map) for check in checks]
        document.update(
            {
                "status": c.VERIFICATION_COMPLETE,
                "passed": verification_passed(results),
                "unverifiable": sum(1 for result in results if result["satisfied"] is None),
                "checks": results,
                # each finding once (an absent entity fails its presence, count and colour checks alike)
                "suggestions": list(
                    dict.fromkeys(result["suggestion"] for result in results if result["satisfied"] is False)
                ),
                "labelModelVersion": labels.get("LabelModelVersion"),
                "mappingVersion": labels_map.version,
                "durationMs": int((time.monotonic() - started) * 1000),
            }
        )
        document["costUsd"] = round(document["costUsd"], 6)
        self._images.put_json(key, document)
        return summary(document, key)

    def _billed(
        self, state: JudgedStep, step: str, price: float, call: Any, document: VerificationDocument
    ) -> dict[str, Any]:
        """One Rekognition call: its price reserved first (BudgetExhausted / DailyBudgetExhausted when it does not
        fit), recorded once in the ledger when it answered (an unanswered, throttled call is not billed)."""
        with self._spend.call(
            state,
            round_number=state["loop"]["round"],
            step=step,
            candidate=0,
            model_id=c.VERIFIER_REKOGNITION,
            bound_usd=price,
        ) as billed:
            response = call()
            billed.answered(price)
            document["costUsd"] += price
            if not isinstance(response, dict):
                raise VerifierFailed(f"Rekognition's {step} answer is not an object")
            return cast("dict[str, Any]", response)


class Instance:
    """One detected instance: its box centre and size (0..1 of the image) and its colour's SimplifiedColor."""

    def __init__(self, x: float, y: float, w: float, h: float, colour: str | None):
        self.x, self.y, self.w, self.h, self.colour = x, y, w, h, colour


class Detections:
    """What Rekognition's answers show, validated (the response is untrusted: a malformed one is VerifierFailed)."""

    def __init__(self, labels: list[dict[str, Any]], lines: list[str], text_read: bool, mapping: LabelMapping):
        self._labels, self.lines, self.text_read, self._mapping = labels, lines, text_read, mapping

    @classmethod
    def read(cls, labels: dict[str, Any], text: dict[str, Any] | None, labels_map: LabelMapping) -> Detections:
        found = labels.get("Labels", [])
        if not isinstance(found, list) or not all(isinstance(label, dict) for label in found):
            raise VerifierFailed("Rekognition's DetectLabels answer has no list of Labels")
        lines: list[str] = []
        if text is not None:
            detections = text.get("TextDetections", [])
            if not isinstance(detections, list):
                raise VerifierFailed("Rekognition's DetectText answer has no list of TextDetections")
            floor = labels_map.thresholds.min_text_confidence
            for detection in detections:
                if not isinstance(detection, dict) or detection.get("Type") != "LINE":
                    continue
                if _number(detection.get("Confidence")) >= floor and isinstance(detection.get("DetectedText"), str):
                    lines.append(detection["DetectedText"])
        return cls(found, lines, text is not None, labels_map)

    def label(self, noun: str) -> tuple[str | None, dict[str, Any] | None]:
        """The first mapped label of the noun that the response carries (Name or Aliases), and its entry."""
        for name in self._mapping.labels_for(noun):
            names = self._mapping.names_of(name)
            for entry in self._labels:
                reported = {str(entry.get("Name", "")).lower()}
                reported |= {
                    str(alias.get("Name", "")).lower()
                    for alias in entry.get("Aliases") or []
                    if isinstance(alias, dict)
                }
                confident = _number(entry.get("Confidence")) >= self._mapping.thresholds.min_label_confidence
                if names & reported and confident:
                    return name, entry
        return None, None

    def instances(self, entry: dict[str, Any]) -> list[Instance]:
        floor = self._mapping.thresholds.min_instance_confidence
        found = []
        for instance in entry.get("Instances") or []:
            if not isinstance(instance, dict) or _number(instance.get("Confidence")) < floor:
                continue
            box = instance.get("BoundingBox") or {}
            left, top = _number(box.get("Left")), _number(box.get("Top"))
            width, height = _number(box.get("Width")), _number(box.get("Height"))
            found.append(Instance(left + width / 2, top + height / 2, width, height, self._colour(instance)))
        return found

    def _colour(self, instance: dict[str, Any]) -> str | None:
        """The SimplifiedColor of the instance's largest DominantColors entry, when that entry is large enough."""
        colours = [entry for entry in instance.get("DominantColors") or [] if isinstance(entry, dict)]
        if not colours:
            return None
        largest = max(colours, key=lambda entry: _number(entry.get("PixelPercent")))
        if _number(largest.get("PixelPercent")) < self._mapping.thresholds.min_colour_pixel_percent:
            return None
        name = largest.get("SimplifiedColor")
        return name.strip().lower() if isinstance(name, str) else None


def ground(check: JudgeCheck, seen: Detections, labels_map: LabelMapping) -> GroundedCheck:
    """One judge check as the detector sees it: {question, kind, subject, judge, satisfied (bool | None),
    evidence, suggestion (the plain words the rewriter gets when it failed)}."""
    kind, subject = str(check.get("kind", "")), str(check.get("subject", "")).strip().lower()
    satisfied, evidence, suggestion = _ground(kind, subject, check, seen, labels_map)
    return {
        "question": str(check.get("question", "")),
        "kind": kind or None,
        "subject": subject or None,
        "judge": check.get("satisfied"),
        "satisfied": satisfied,
        "evidence": evidence,
        "suggestion": suggestion,
    }


_Grounded = tuple[bool | None, str, str]


def _ground(kind: str, subject: str, check: JudgeCheck, seen: Detections, labels_map: LabelMapping) -> _Grounded:
    if kind == "text":
        return _ground_text(check, seen)
    if kind not in ("entity", "count", "colour", "position", "relation", "absent"):
        return None, f"a detector cannot see {kind or 'this'} checks", ""
    if not subject or not labels_map.labels_for(subject):
        return None, f"'{subject or '?'}' is not a label Rekognition knows (rekognition_labels.json)", ""
    label, entry = seen.label(subject)
    which = str(check.get("subjectLabel") or "").strip().lower()
    if kind == "entity" and (not which or entry is None):
        if entry is None:
            return False, f"no {subject} detected", f"the image shows no {subject}; the prompt asks for {_a(subject)}"
        return True, f"{label} detected ({_number(entry.get('Confidence')):.0f}%)", ""
    if kind == "absent":
        return _ground_absent(subject, check, label, entry, seen, labels_map)
    if entry is None:  # a count, colour, place or relation of something that is not there
        if kind == "count" and _number(check.get("count")) == 0 and not check.get("at_least"):
            return True, f"no {subject} detected", ""
        return False, f"no {subject} detected", f"the image shows no {subject}; the prompt asks for {_a(subject)}"
    if not labels_map.is_boxed(str(label)):
        return None, f"{label} is detected without boxes: its {kind} cannot be grounded", ""
    instances = seen.instances(entry)
    if not instances:
        return None, f"{label} detected without boxes", ""
    if which:  # "the black cat" of a black and a white cat: the instances of that colour
        meant = told_apart(instances, which, labels_map)
        if meant is None:
            return None, f"a detector cannot tell which {subject} is '{which}'", ""
        instances = meant
        if not instances:
            return (
                False,
                f"no {which} {subject} detected",
                f"the image shows no {which} {subject}; the prompt asks for one",
            )
        subject = f"{which} {subject}"
    if kind == "entity":
        return True, f"{subject} detected", ""
    if kind == "count":
        return _ground_count(subject, check, instances)
    if kind == "colour":
        return _ground_colour(subject, check, instances, labels_map)
    if kind == "position":
        return _ground_position(subject, check, instances)
    return _ground_relation(subject, check, instances, seen, labels_map)


def _ground_absent(
    subject: str,
    check: JudgeCheck,
    label: str | None,
    entry: dict[str, Any] | None,
    seen: Detections,
    labels_map: LabelMapping,
) -> _Grounded:
    """Fewer than `count` of the subject (default 1: none at all; GenEval's exclude rule)."""
    allowed = check.get("count")
    allowed = allowed if isinstance(allowed, int) and not isinstance(allowed, bool) and allowed > 1 else 1
    if entry is None:
        return True, f"no {subject} detected", ""
    if allowed == 1:
        return (
            False,
            f"{label} detected",
            f"the image shows {_a(subject)}; the prompt asks for no {_plural(subject, 2)}",
        )
    found = seen.instances(entry) if labels_map.is_boxed(str(label)) else []
    if not found:
        return None, f"{label} detected without boxes to count", ""
    if len(found) < allowed:
        return True, f"{_number_words(len(found), subject)} detected", ""
    return (
        False,
        f"{_number_words(len(found), subject)} detected",
        f"the image shows {_number_words(len(found), subject)}; the prompt asks for fewer than {allowed}",
    )


def _ground_count(subject: str, check: JudgeCheck, instances: list[Instance]) -> _Grounded:
    wanted = check.get("count")
    if not isinstance(wanted, int) or isinstance(wanted, bool):
        return None, "the judge did not state the count it checked", ""
    found, at_least = len(instances), bool(check.get("at_least"))
    holds = found >= wanted if at_least else found == wanted
    asked = f"at least {wanted}" if at_least else str(wanted)
    evidence = f"{found} {_plural(subject, found)} detected"
    return (
        holds,
        evidence,
        "" if holds else f"the image shows {_number_words(found, subject)}; the prompt asks for {asked}",
    )


def _ground_colour(subject: str, check: JudgeCheck, instances: list[Instance], labels_map: LabelMapping) -> _Grounded:
    colour = check.get("colour")
    accepted = labels_map.simplified_for(colour) if isinstance(colour, str) else frozenset()
    if not accepted:
        return None, f"'{colour}' is not a colour the detector names", ""
    coloured = [instance.colour for instance in instances if instance.colour is not None]
    if not coloured:
        return None, f"no dominant colour large enough on any {subject}", ""
    wrong = [name for name in coloured if name not in accepted]  # GenEval: every instance has the colour
    if not wrong:
        return True, f"every {subject} looks {colour} ({', '.join(coloured)})", ""
    return (
        False,
        f"{_plural(subject, len(coloured))} look {', '.join(coloured)}",
        f"the image shows the {_plural(subject, len(coloured))} {_and(sorted(set(wrong)))}; the prompt asks for "
        f"{colour} {_plural(subject, len(coloured))}",
    )


def _box(instance: Instance) -> tuple[float, float, float, float]:
    return instance.x, instance.y, instance.w, instance.h


def told_apart(instances: list[Instance], which: str, labels_map: LabelMapping) -> list[Instance] | None:
    """The instances a check means by a word that tells two of a kind apart (subjectLabel / objectLabel): those
    whose dominant colour is that colour; None when the word is no colour the detector names ("wooden")."""
    accepted = labels_map.simplified_for(which)
    if not accepted:
        return None
    return [instance for instance in instances if instance.colour in accepted]


def _ground_position(subject: str, check: JudgeCheck, instances: list[Instance]) -> _Grounded:
    place = check.get("position")
    if place not in REGIONS:
        return None, f"'{place}' is not a place the boxes can show", ""
    outside = [i for i in instances if not in_region(i, str(place))]
    where = ", ".join(f"({i.x:.2f}, {i.y:.2f})" for i in instances)
    if not outside:
        return True, f"{subject} centred at {where}", ""
    return (
        False,
        f"{subject} centred at {where}",
        f"the image shows the {subject} {_region_of(outside[0])}; the prompt asks for it {_region_phrase(str(place))}",
    )


def _ground_relation(
    subject: str, check: JudgeCheck, instances: list[Instance], seen: Detections, labels_map: LabelMapping
) -> _Grounded:
    relation, other = check.get("relation"), str(check.get("object") or "").strip().lower()
    if relation not in BOX_RELATIONS:
        return None, f"a box cannot show '{relation}'", ""
    if not other or not labels_map.labels_for(other):
        return None, f"'{other or '?'}' is not a label Rekognition knows", ""
    other_label, other_entry = seen.label(other)
    if other_entry is None:
        return False, f"no {other} detected", f"the image shows no {other}; the prompt asks for {_a(other)}"
    others = seen.instances(other_entry) if labels_map.is_boxed(str(other_label)) else []
    if not others:
        return None, f"{other_label} detected without boxes", ""
    which = str(check.get("objectLabel") or "").strip().lower()
    if which:
        meant = told_apart(others, which, labels_map)
        if meant is None:
            return None, f"a detector cannot tell which {other} is '{which}'", ""
        others = meant
        if not others:
            return False, f"no {which} {other} detected", f"the image shows no {which} {other}; the prompt asks for one"
        other = f"{which} {other}"
    threshold = labels_map.thresholds.position_threshold
    # an instance is never placed against itself ("a black cat above a white cat": two cats, one pair); the
    # detections build new Instance objects per call, so the same box is the same instance
    pairs = [relative_position(a, b, threshold) for a in instances for b in others if _box(a) != _box(b)]
    if not pairs:
        return (
            False,
            f"one {subject} only: nothing for it to be {relation}",
            f"the image shows one {subject}; the prompt asks for the {subject} {relation} the {other}",
        )
    if all(relation in found for found in pairs):  # GenEval: every pair
        return True, f"every {subject} is {relation} every {other}", ""
    shown = sorted({r for found in pairs for r in found}) or ["level with"]
    return (
        False,
        f"{subject} is {_and(shown)} the {other}",
        f"the image shows the {subject} {_and(shown)} the {other}; the prompt asks for the {subject} {relation} the {other}",
    )


def _ground_text(check: JudgeCheck, seen: Detections) -> _Grounded:
    wanted = check.get("text")
    if not isinstance(wanted, str) or not _squash(wanted):
        return None, "the judge did not state the text it checked", ""
    if not seen.text_read:
        return None, "no text detection was made", ""
    target = _squash(wanted)
    if any(target in _squash(line) for line in seen.lines) or target in _squash(" ".join(seen.lines)):
        return True, f'"{wanted}" read', ""
    read = "; ".join(f'"{line}"' for line in seen.lines[:4])
    return (
        False,
        f"read: {read or 'no text'}",
        f'the image reads {read}; the prompt asks for "{wanted}"'
        if read
        else f'the image shows no text; the prompt asks for "{wanted}"',
    )


def verification_passed(results: list[GroundedCheck]) -> bool | None:
    """False when a verifiable check failed; True when one held and none failed; None when none was verifiable."""
    verdicts = [result["satisfied"] for result in results if result["satisfied"] is not None]
    if not verdicts:
        return None
    return all(verdicts)


def summary(document: VerificationDocument, key: str) -> VerificationOutcome:
    """What the state carries ($.judgement.verification): a few fields and the key, never the checks."""
    return {
        "passed": document["passed"],
        "status": document["status"],
        "unverifiable": document["unverifiable"],
        "failed": sum(1 for check in document["checks"] if check["satisfied"] is False),
        "verificationKey": key,
        "costUsd": document["costUsd"],
    }


def public_verification(document: VerificationDocument) -> Reading:
    """The round's verification as run.json and the API show it (the contract's shape)."""
    return {
        "passed": document["passed"],
        "source": document["source"],
        "status": document["status"],
        "unverifiable": document["unverifiable"],
        "checks": [
            {"question": check["question"], "satisfied": check["satisfied"], "evidence": check["evidence"]}
            for check in document["checks"]
        ],
    }


def recorded_verification(
    settings: Settings, outcome: VerificationOutcome | None, images: ObjectStore
) -> Reading | None:
    """The round's verification as Record Round keeps it: None without a verifier; skipped when the judge did not
    pass (Verify Round did not run); unavailable, with the reason, when it failed after its retries ($.judgement.
    verification holds the caught error): the gate then falls back to the judge and the round says so."""
    if not verifies(settings):
        return None
    if not outcome:
        return {
            "passed": None,
            "source": c.VERIFIER_REKOGNITION,
            "status": c.VERIFICATION_SKIPPED,
            "unverifiable": 0,
            "checks": [],
        }
    if "verificationKey" in outcome:
        return public_verification(images.get_json(outcome["verificationKey"]))
    reason = f"{outcome.get('Error', 'Unknown')}: {str(outcome.get('Cause', ''))[:500]}"
    return {
        "passed": None,
        "source": c.VERIFIER_REKOGNITION,
        "status": c.VERIFICATION_UNAVAILABLE,
        "unverifiable": 0,
        "checks": [],
        "unavailable": f"{reason} (the gate fell back to the judge's verdict)",
    }


def verification_suggestions(outcome: VerificationOutcome | None, images: ObjectStore) -> list[str]:
    """A failed verification's plain-words suggestions for the next round's rewrite (none otherwise)."""
    if not outcome or "verificationKey" not in outcome or outcome.get("passed") is not False:
        return []
    return [str(s) for s in images.get_json(outcome["verificationKey"]).get("suggestions", [])]


# -- plain words ---------------------------------------------------------------------------------------------
def _number_words(count: int, noun: str) -> str:
    """3, duck -> "3 ducks"; 1 -> "1 duck"; 0 -> "no ducks"."""
    return f"no {_plural(noun, 2)}" if count == 0 else f"{count} {_plural(noun, count)}"


@cache
def _irregular_plurals() -> dict[str, str]:
    """Singular -> plural from the label mapping's irregular plurals (the one list the verifier reads nouns by),
    the first plural where it lists two."""
    found: dict[str, str] = {}
    for plural, singular in mapping().plurals.items():
        found.setdefault(singular, plural)
    return found


def _plural(noun: str, count: int) -> str:
    if count == 1 or not noun:
        return noun
    head, _, last = noun.rpartition(" ")
    prefix = f"{head} " if head else ""
    irregular = _irregular_plurals()
    if noun in irregular:
        return irregular[noun]
    if last in irregular:
        return prefix + irregular[last]
    if re.search(r"[^aeiou]y$", last):
        return prefix + last[:-1] + "ies"
    if re.search(r"(s|x|z|ch|sh)$", last):
        return prefix + last + "es"
    return prefix + last + "s"


def _a(noun: str) -> str:
    return ("an " if noun[:1] in "aeiou" else "a ") + noun


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _region_of(instance: Instance) -> str:
    horizontal = (
        "on the left"
        if in_region(instance, "left")
        else "on the right"
        if in_region(instance, "right")
        else "in the middle"
    )
    vertical = "at the top" if in_region(instance, "top") else "at the bottom" if in_region(instance, "bottom") else ""
    return f"{horizontal} {vertical}".strip()


def _region_phrase(place: str) -> str:
    return {"left": "on the left", "right": "on the right", "top": "at the top", "bottom": "at the bottom"}.get(
        place, "in the center"
    )


def _squash(text: str) -> str:
    """Text as the detector's reading is compared: lower case, whitespace collapsed."""
    return " ".join(text.lower().split())


def _number(value: Any) -> float:
    """A number from the response, 0 for anything else (a missing confidence counts as none)."""
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else 0.0
