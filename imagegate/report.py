"""report.html for one run: the rounds side by side with image, score, explanation, suggestions and
how the prompt changed. Self-contained: no scripts, no network. Rendered from templates/run_report.html
with autoescaping on, so every model or user text is escaped by the template engine, not by hand."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from imagegate.controls_cli import review_text
from imagegate_service import templating
from imagegate_service.constants import DRAWN_SUFFIX  # noqa: F401  (export.py and the offline Bedrock take it here)
from imagegate_service.domain.gate import judge_passes
from imagegate_service.domain.readings import evaluation_summary, status_line, verification_summary

if TYPE_CHECKING:
    import jinja2


TEMPLATE = "run_report.html"


def _environment() -> jinja2.Environment:
    return templating.environment("imagegate")


def prompt_diff(before: str, after: str) -> list[tuple[str, str]]:
    """Word-level diff as (kind, words) pieces, kind 'same', 'del' or 'ins': what the rewrite added and
    removed (a word that only gained a comma is kept)."""
    old, new = before.split(), after.split()
    pieces = []
    matcher = difflib.SequenceMatcher(
        a=[w.strip(",.;:") for w in old], b=[w.strip(",.;:") for w in new], autojunk=False
    )
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            pieces.append(("same", " ".join(new[b1:b2])))
        if op in ("delete", "replace"):
            pieces.append(("del", " ".join(old[a1:a2])))
        if op in ("insert", "replace"):
            pieces.append(("ins", " ".join(new[b1:b2])))
    return pieces


def drawn_overlay(drawn: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    """The boxes to lay over an offline image: label (colour and noun), how it was placed, and the box in percent
    of the image (left, top, width, height); [] for an image with no drawing record (any real model's)."""
    boxes = []
    objects = (drawn or {}).get("objects")
    for entry in objects if isinstance(objects, list) else []:
        box = entry.get("box") if isinstance(entry, dict) else None
        if not isinstance(box, list) or len(box) != 4 or not entry.get("drawn"):
            continue
        left, top, width, height = (round(100 * float(v), 2) for v in box)
        placed = "; ".join(str(p) for p in entry.get("placedBy") or [])
        boxes.append(
            {
                "label": str(entry.get("label", "")),
                "placedBy": placed,
                "left": left,
                "top": top,
                "width": width,
                "height": height,
            }
        )
    return boxes


def _card(
    entry: dict[str, Any],
    previous_prompt: str | None,
    threshold: float,
    best_round: Any,
    drawings: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """What one round's card shows, worked out here so the template only lays it out."""
    judge_passed = judge_passes(entry["score"], threshold)
    return {
        "drawn": drawn_overlay((drawings or {}).get(entry.get("bestImage") or "")),
        **entry,
        "best": entry["round"] == best_round,
        "judgePassed": judge_passed,
        # the gate's decision: the judge's, unless the verifier failed it (rounds recorded before the verifier: judge)
        "gatePassed": entry.get("gatePassed", judge_passed),
        "evaluationCounts": evaluation_summary(entry.get("evaluation")),
        "verificationCounts": verification_summary(entry.get("verification")),
        "promptDiff": prompt_diff(previous_prompt, entry["prompt"]) if previous_prompt else [("same", entry["prompt"])],
        "otherImages": [image for image in entry.get("images", []) if image != entry["bestImage"]],
        "reviewLines": [review_text(review) for review in entry.get("reviews") or []],  # review final
    }


def render_run_report(run: dict[str, Any], drawings: Mapping[str, Any] | None = None) -> str:
    """The report of run.json's document; `drawings`: image path (as the rounds name it) -> its drawn.json, for
    offline images, whose overlay a checkbox shows and hides (CSS only: the report has no scripts)."""
    threshold = run.get("threshold") or 0
    cards, previous = [], None
    for entry in run["rounds"]:
        cards.append(_card(entry, previous, threshold, run.get("bestRound"), drawings))
        previous = entry["prompt"]
    return (
        _environment()
        .get_template(TEMPLATE)
        .render(
            run=run,
            threshold=threshold,
            cards=cards,
            # the status beside the evaluator's and the verifier's verdicts on the final image
            summary=status_line(run["status"], run.get("evaluation"), run.get("verification")),
            evaluation_counts=evaluation_summary(run.get("evaluation")),
        )
    )
