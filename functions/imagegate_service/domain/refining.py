"""Refinement (run setting `strategy`): whether the next round edits the best image so far or draws anew from
text, and with which edit. The model registry says which generators edit and how; the judge's failed checks
(their kind and subject, verdict.schema.json) say whether what is wrong is local to one object. Under strategy
targeted the edit is one Stability AI Image Services operation (recolor, replace, erase) chosen from the failed
checks alone: the judge's and the verifier's, never the benchmark's expected answers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from imagegate_service import constants as c
from imagegate_service import registry
from imagegate_service.domain.enhancing import parse_operation
from imagegate_service.domain.state import (
    Edit,
    Generation,
    JudgeCheck,
    Loop,
    PublicEdit,
    RoundItem,
    Settings,
    TargetedFallback,
    Verdict,
    VerificationDocument,
)

# strategy auto: edit while the best score is at most this many points below the threshold.
AUTO_REFINE_MARGIN = 1.5
# Failed judge checks an edit can fix in place: the checks' kinds (verdict.schema.json checks[].kind) that
# concern one object (its presence, colour, other attributes); a failure of any other kind (a count, a place,
# a relation, text, the scene, light or style) or about two objects needs a new image.
LOCAL_CHECK_KINDS = ("entity", "colour", "attribute")
# How much an edit may change (image-to-image strength, 0 = keep the image, 1 = ignore it), chosen from how far
# the best score is below the threshold: EDIT_STRENGTH_NEAR just below it, rising linearly to EDIT_STRENGTH_FAR
# at EDIT_STRENGTH_FULL_GAP points below. Policy choices of this project (no published figure), clamped to the
# model's own range (model registry); IMAGE_VARIATION's similarityStrength is its mirror image (1 - strength).
EDIT_STRENGTH_NEAR = 0.35
EDIT_STRENGTH_FAR = 0.8
EDIT_STRENGTH_FULL_GAP = 3.0


def failed_checks(verdict: Verdict) -> list[JudgeCheck]:
    return [check for check in verdict.get("checks", []) if not check.get("satisfied", True)]


def local_subject(failed: list[JudgeCheck]) -> str | None:
    """The one object every failed check is about, when each failure is of a kind an edit fixes in place (the
    object's presence, colour or another attribute: LOCAL_CHECK_KINDS); None when nothing failed, a
    failure is of another kind or names no subject, or the failures concern two objects."""
    if not failed or any(check.get("kind") not in LOCAL_CHECK_KINDS or not check.get("subject") for check in failed):
        return None
    subjects = {str(check["subject"]).strip().lower() for check in failed}
    return subjects.pop() if len(subjects) == 1 else None


def edit_strength(threshold: float, score: float) -> float:
    """How much the edit may change: EDIT_STRENGTH_NEAR just below the threshold, up to EDIT_STRENGTH_FAR at
    EDIT_STRENGTH_FULL_GAP points or more below it."""
    gap = max(0.0, float(threshold) - float(score))
    share = min(1.0, gap / EDIT_STRENGTH_FULL_GAP)
    return round(EDIT_STRENGTH_NEAR + (EDIT_STRENGTH_FAR - EDIT_STRENGTH_NEAR) * share, 3)


def plan_edit(settings: Settings, loop: Loop, best_verdict: Verdict) -> Edit | None:
    """The next round's edit of the best image so far, or None to draw from text.

    refine: always an edit (on a generator that edits; settings refuse refine for one that cannot). auto: an edit
    only when the best score is within AUTO_REFINE_MARGIN of the threshold and the failed checks are local.
    The edit: Stability's image-to-image with a strength from the score's distance to the threshold; on Titan v2
    and Nova Canvas an INPAINTING of the one object the failures are about (mask prompt "the <subject>") when it
    is in the image, else an IMAGE_VARIATION with the strength's mirror image as similarityStrength."""
    strategy = settings.get("strategy")
    model = registry.generator(settings["generator"])
    source = loop.get("bestImageKey")
    if strategy not in (c.STRATEGY_REFINE, c.STRATEGY_AUTO) or not model.can_edit or not source:
        return None
    failed = failed_checks(best_verdict)
    subject = local_subject(failed)
    gap = float(settings["threshold"]) - float(loop["bestScore"])
    if strategy == c.STRATEGY_AUTO and (subject is None or gap > AUTO_REFINE_MARGIN):
        return None
    strength = edit_strength(settings["threshold"], loop["bestScore"])
    source_round = int(loop["bestRound"])
    strength_range = model.edit_strength_range
    if strength_range is not None:
        low, high = strength_range
        strength = min(max(strength, low), high)
        return {"sourceImageKey": source, "sourceRound": source_round, "task": "image-to-image", "strength": strength}
    present = not any(check.get("kind") == "entity" for check in failed)
    if subject and present and model.edit_masks and "INPAINTING" in model.edit_tasks:
        mask_prompt = f"the {subject}"
        return {"sourceImageKey": source, "sourceRound": source_round, "task": "INPAINTING", "maskPrompt": mask_prompt}
    bounds = model.edit_task("IMAGE_VARIATION")["similarityStrength"]
    similarity = min(max(round(1.0 - strength, 3), float(bounds["min"])), float(bounds["max"]))
    return {
        "sourceImageKey": source,
        "sourceRound": source_round,
        "task": "IMAGE_VARIATION",
        "similarityStrength": similarity,
    }


# strategy targeted: the enhance operations (domain/enhancing.py) a round may make of the best image, one Stability
# AI Image Services call per candidate: Search and Recolor, Search and Replace, Erase Object.
TARGETED_OPERATIONS = ("recolor", "replace", "erase")


def _noun(value: Any) -> str:
    return str(value).strip().lower() if isinstance(value, str) else ""


def failed_seen(verdict: Verdict, verification: VerificationDocument | None = None) -> list[JudgeCheck]:
    """The best round's failed checks as a deployed system sees them: the judge's checks it failed, and those the
    verifier (when it grounded this verdict: its document's checks follow the verdict's, domain/verifying.py)
    found false where the judge passed them. The judge's check is returned (it carries the colour, the count)."""
    # read as plain objects: verdict.json was held to its schema when written, but a stored file is still checked
    grounded: list[object] = list((verification or {}).get("checks") or [])
    checks: list[object] = list(verdict.get("checks", []))
    failed: list[JudgeCheck] = []
    for index, item in enumerate(checks):
        if not isinstance(item, dict):
            continue
        check = cast("JudgeCheck", item)
        seen = grounded[index] if index < len(grounded) else None
        verifier_failed = (
            isinstance(seen, dict) and seen.get("question") == check.get("question") and seen.get("satisfied") is False
        )
        if not check.get("satisfied", True) or verifier_failed:
            failed.append(check)
    return failed


def targeted_operation(failed: list[JudgeCheck]) -> dict[str, str] | None:
    """The one Image Services edit that answers every failed check, as the enhance operation's JSON, or None
    (the round regenerates):

    - every failure is a colour check on one object, asking one colour: recolor that object to it;
    - every failure is an absent check on one object ("no X"; not one allowing fewer than a number, which is a
      count): erase it;
    - the failures are one such unwanted object and one missing object (an entity check): replace the one with
      the other (the wrong object stands where the right one belongs).

    Anything else needs a new image: a missing object alone (Search and Replace needs something to search for, and
    the checks do not say what stands in its place), a count, a place, a relation, text, the scene, light, style,
    an attribute other than colour, two objects' colours, or a check that names no subject."""
    if not failed:
        return None
    colours: set[tuple[str, str]] = set()
    unwanted: set[str] = set()
    missing: set[str] = set()
    for check in failed:
        kind, subject = check.get("kind"), _noun(check.get("subject"))
        if not subject:
            return None
        if kind == "colour" and _noun(check.get("colour")):
            colours.add((subject, _noun(check.get("colour"))))
        elif kind == "absent" and not check.get("count"):
            unwanted.add(subject)
        elif kind == "entity":
            missing.add(subject)
        else:
            return None
    operation: dict[str, str] | None = None
    if len(colours) == 1 and not unwanted and not missing:
        (target, colour) = colours.pop()
        operation = {"op": "recolor", "object": target, "colour": colour}
    elif len(unwanted) == 1 and not colours and not missing:
        operation = {"op": "erase", "object": unwanted.pop()}
    elif len(unwanted) == 1 and len(missing) == 1 and not colours and unwanted != missing:
        operation = {"op": "replace", "object": unwanted.pop(), "with": missing.pop()}
    if operation is None:
        return None
    return parse_operation(0, operation).to_dict()  # the enhance operation's own rules (lengths) apply


def plan_targeted(settings: Settings, loop: Loop, failed: list[JudgeCheck], rounds: list[RoundItem]) -> Edit | None:
    """strategy targeted: the next round's targeted edit of the best image so far (its key, round and the
    operation: task = the operation, object, colour / with), or None to regenerate. Each operation is tried once
    on an image: when an earlier round already made it from the same image and did not become the best, another
    seed of the same edit is not what the run needs (a policy of this project, chosen before any benchmark of it,
    like the edit rates it meets offline: world/edit.py), so the round regenerates. And an operation whose Image
    Service an earlier round of the run found unavailable (its targetedFallback: refused to the account, retired,
    unknown, not in the region) is not planned again: the refusal is the account's or the region's, not the
    image's, so it would only fall back again (and an erase would pay for its mask first)."""
    source = loop.get("bestImageKey")
    if settings.get("strategy") != c.STRATEGY_TARGETED or not source:
        return None
    operation = targeted_operation(failed)
    if operation is None:
        return None
    unavailable = {str(fallback["modelId"]) for earlier in rounds if (fallback := earlier.get("targetedFallback"))}
    if registry.image_service_for(operation["op"]).model_id in unavailable:
        return None
    params = {("task" if key == "op" else key): value for key, value in operation.items()}
    for earlier in rounds:
        made: Mapping[str, object] = earlier.get("edit") or {}
        if earlier.get("sourceImageKey") == source and all(made.get(key) == value for key, value in params.items()):
            return None
    named = {key: operation[key] for key in ("object", "colour", "with") if key in operation}  # what it edits
    return cast(
        Edit, {"sourceImageKey": source, "sourceRound": int(loop["bestRound"]), "task": operation["op"], **named}
    )


def targeted(edit: Edit | None) -> bool:
    """Is this round's edit a targeted Image Services edit (not the generator's own edit)?"""
    return edit is not None and edit.get("task") in TARGETED_OPERATIONS


def targeted_as_operation(edit: Edit) -> dict[str, Any]:
    """A targeted edit as the enhance operation's JSON (domain/enhancing.py parses it)."""
    fields: Mapping[str, object] = edit
    return {
        "op": edit["task"],
        **{key: fields[key] for key in ("object", "colour", "with") if fields.get(key) is not None},
    }


def round_mode(loop: Loop) -> str:
    """What the loop's current round does: edit (it carries an edit) or generate."""
    return c.MODE_EDIT if loop.get("edit") else c.MODE_GENERATE


def fallback_seed(loop: Loop) -> int:
    """The seed a targeted round draws its prompt with if its service cannot be used: the one Rewrite Prompt chose
    for it (no earlier drawn round of that prompt overlaps it), else the round's own."""
    fields: Mapping[str, object] = loop.get("edit") or {}
    chosen = fields.get("fallbackSeed")
    return int(chosen) if isinstance(chosen, int) else int(loop["seed"])


def made_edit(loop: Loop, generation: Generation) -> Edit | None:
    """The edit the round made: the loop's, unless Generate Images fell back to drawing (a targeted round whose
    service could not be used: generation.targetedFallback), in which case none (the round is recorded drawn)."""
    return None if generation.get("targetedFallback") else loop.get("edit")


def fallback_change(fallback: TargetedFallback) -> str:
    """The round's note of the targeted edit it could not make (one of its promptChanges)."""
    edit: Mapping[str, object] = fallback["edit"]
    described = parse_operation(0, {"op": edit["task"], **{k: v for k, v in edit.items() if k in _WORDS}}).describe()
    return (
        f"the targeted edit of round {edit.get('sourceRound')}'s image ({described}) could not be made, so the "
        f"prompt was drawn again instead (seed {fallback['seed']}): {fallback['reason']}"
    )


_WORDS = ("object", "colour", "with")  # a targeted edit's words, as the enhance operation's JSON names them


def public_edit(edit: Edit | None) -> PublicEdit | None:
    """A round's edit as recorded (round item, run.json, the API): its task, source round and parameters."""
    if not edit:
        return None
    keys = ("task", "sourceRound", "strength", "similarityStrength", "maskPrompt", "object", "colour", "with")
    fields: Mapping[str, object] = edit
    # PublicEdit's keys, each with its Edit's type; those the edit did not set are left out
    return cast(PublicEdit, {key: fields[key] for key in keys if fields.get(key) is not None})
