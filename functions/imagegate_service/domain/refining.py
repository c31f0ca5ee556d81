"""Refinement (run setting `strategy`): whether the next round edits the best image so far or draws anew from
text, and with which edit. The model registry says which generators edit and how; the judge's failed checks
(their kind and subject, verdict.schema.json) say whether what is wrong is local to one object."""

from __future__ import annotations

from typing import Any

from imagegate_service import constants as c
from imagegate_service import registry


def failed_checks(verdict: dict[str, Any]) -> list[dict[str, Any]]:
    return [check for check in verdict.get("checks", []) if not check.get("satisfied", True)]


def local_subject(failed: list[dict[str, Any]]) -> str | None:
    """The one object every failed check is about, when each failure is of a kind an edit fixes in place (the
    object's presence, colour or another attribute: constants.LOCAL_CHECK_KINDS); None when nothing failed, a
    failure is of another kind or names no subject, or the failures concern two objects."""
    if not failed or any(check.get("kind") not in c.LOCAL_CHECK_KINDS or not check.get("subject") for check in failed):
        return None
    subjects = {str(check["subject"]).strip().lower() for check in failed}
    return subjects.pop() if len(subjects) == 1 else None


def edit_strength(threshold: float, score: float) -> float:
    """How much the edit may change: EDIT_STRENGTH_NEAR just below the threshold, up to EDIT_STRENGTH_FAR at
    EDIT_STRENGTH_FULL_GAP points or more below it."""
    gap = max(0.0, float(threshold) - float(score))
    share = min(1.0, gap / c.EDIT_STRENGTH_FULL_GAP)
    return round(c.EDIT_STRENGTH_NEAR + (c.EDIT_STRENGTH_FAR - c.EDIT_STRENGTH_NEAR) * share, 3)


def plan_edit(settings: dict[str, Any], loop: dict[str, Any], best_verdict: dict[str, Any]) -> dict[str, Any] | None:
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
    if strategy == c.STRATEGY_AUTO and (subject is None or gap > c.AUTO_REFINE_MARGIN):
        return None
    strength = edit_strength(settings["threshold"], loop["bestScore"])
    edit: dict[str, Any] = {"sourceImageKey": source, "sourceRound": int(loop["bestRound"])}
    strength_range = model.edit_strength_range
    if strength_range is not None:
        low, high = strength_range
        return {**edit, "task": "image-to-image", "strength": min(max(strength, low), high)}
    present = not any(check.get("kind") == "entity" for check in failed)
    if subject and present and model.edit_masks and "INPAINTING" in model.edit_tasks:
        return {**edit, "task": "INPAINTING", "maskPrompt": f"the {subject}"}
    bounds = model.edit_task("IMAGE_VARIATION")["similarityStrength"]
    similarity = min(max(round(1.0 - strength, 3), float(bounds["min"])), float(bounds["max"]))
    return {**edit, "task": "IMAGE_VARIATION", "similarityStrength": similarity}


def round_mode(loop: dict[str, Any]) -> str:
    """What the loop's current round does: edit (it carries an edit) or generate."""
    return c.MODE_EDIT if loop.get("edit") else c.MODE_GENERATE


def public_edit(edit: dict[str, Any] | None) -> dict[str, Any] | None:
    """A round's edit as recorded (round item, run.json, the API): its task, source round and parameters."""
    if not edit:
        return None
    keys = ("task", "sourceRound", "strength", "similarityStrength", "maskPrompt")
    return {key: edit[key] for key in keys if edit.get(key) is not None}
