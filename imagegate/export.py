"""Export a finished run from the runtime's storage to a folder a person can open: every round's
images and verdict, run.json, and report.html."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from imagegate.report import render_run_report
from imagegate_service import constants as c
from imagegate_service.domain.readings import status_line, with_nulls

RUN_FILE = "run.json"
REPORT_FILE = "report.html"
# The run's stored records as they are (its DynamoDB items and the S3 keys of its objects): what the local
# store (imagegate/local/store.py) loads back, so `imagegate serve` answers for a run after a restart.
ITEMS_FILE = "items.json"


def ledger_entries(ledger_items: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """run.json's `ledger`: every billable model call, round by round in the order recorded, with what it cost."""
    fields = ("callId", "round", "step", "candidate", "modelId", "outcome", "costUsd", "recordedAt")
    ordered = sorted(ledger_items, key=lambda e: (e["round"], e.get("recordedAt") or "", e["callId"]))
    return [{field: item.get(field) for field in fields} for item in ordered]


def build_run_document(
    run_item: dict[str, Any], round_items: Iterable[dict[str, Any]], ledger_items: Iterable[dict[str, Any]] = ()
) -> dict[str, Any]:
    """run.json: the run's outcome, every round (image paths relative to the run folder) and the spend ledger."""
    prefix = f"{c.RUNS_PREFIX}{run_item['runId']}/"
    rounds = []
    for item in sorted(round_items, key=lambda r: r["round"]):
        rounds.append(
            {
                "round": item["round"],
                "prompt": item["prompt"],
                "negativePrompt": item.get("negativePrompt", ""),
                "promptChanges": item.get("promptChanges", []),
                "score": item["score"],
                "passed": item["passed"],  # the judge's verdict (score >= threshold)
                "gatePassed": item.get("gatePassed", item["passed"]),  # and the verifier's (before it: the judge's)
                "subscores": item["subscores"],
                "explanation": item["explanation"],
                "suggestions": item["suggestions"],
                "candidateScores": item.get("candidateScores", []),
                "images": [key.removeprefix(prefix) for key in item["imageKeys"]],
                "bestImage": item["bestImageKey"].removeprefix(prefix),
                "mode": item.get("mode", c.MODE_GENERATE),
                "sourceImage": (item.get("sourceImageKey") or "").removeprefix(prefix) or None,
                "edit": item.get("edit"),
                "verdict": item["verdictKey"].removeprefix(prefix),
                "costUsd": item["costUsd"],
                "evaluation": with_nulls(item.get("evaluation")),
                # the verifier's grounding of the judge's checks, or None
                "verification": with_nulls(item.get("verification")),
                "evaluationCostUsd": item.get("evaluationCostUsd", 0.0),
                "generateMs": item.get("generateMs"),
                "judgeMs": item.get("judgeMs"),
                "reviews": item.get("reviews", []),  # a person's decisions on the round (review final)
            }
        )
    settings = run_item.get("settings", {})
    evaluation = best_round_reading(run_item, rounds, "evaluation")
    verification = best_round_reading(run_item, rounds, "verification")
    return {
        "runId": run_item["runId"],
        "status": run_item["status"],
        # the status with the evaluator's and the verifier's verdicts on the final image beside it
        "summary": status_line(run_item["status"], evaluation, verification),
        "reason": run_item.get("reason"),
        "prompt": run_item["prompt"],
        "threshold": settings.get("threshold"),
        "finalScore": run_item.get("finalScore"),
        "bestRound": run_item.get("bestRound"),
        "costUsd": run_item.get("costUsd", 0.0),
        "evaluationCostUsd": run_item.get("evaluationCostUsd", 0.0),
        # the independent evaluator on the final best image (the best round's evaluation), and the verifier's
        "evaluation": evaluation,
        "verification": verification,
        "settings": settings,
        "executionArn": run_item.get("executionArn"),
        "startedAt": run_item.get("startedAt"),
        "finishedAt": run_item.get("finishedAt"),
        "error": run_item.get("error"),
        "cause": run_item.get("cause"),
        "rounds": rounds,
        "filteredRounds": run_item.get("filteredRounds", []),
        # the round the run ended in before it was recorded (its images were drawn and billed), or None
        "interruptedRound": interrupted_round(run_item, prefix),
        "ledger": ledger_entries(ledger_items),
    }


def interrupted_round(run_item: dict[str, Any], prefix: str) -> dict[str, Any] | None:
    """run.json's interruptedRound: the round number and its images, relative to the run folder."""
    found = run_item.get(c.INTERRUPTED_ROUND)
    if not found:
        return None
    return {"round": found["round"], "images": [key.removeprefix(prefix) for key in found["imageKeys"]]}


def best_round_reading(run_item: dict[str, Any], rounds: Iterable[dict[str, Any]], field: str) -> dict[str, Any] | None:
    """The run's final best image as the evaluator or the verifier read it (field "evaluation" or "verification"):
    its round's, None before any round (or, for the verification, without a verifier)."""
    return next((entry.get(field) for entry in rounds if entry["round"] == run_item.get("bestRound")), None)


def export_run(
    run_item: dict[str, Any],
    round_items: Iterable[dict[str, Any]],
    objects: Callable[[str], Iterable[tuple[str, bytes]]],
    out_root: Path,
    ledger_items: Iterable[dict[str, Any]] = (),
) -> tuple[Path, dict[str, Any]]:
    """Write runs/<runId>/ under out_root; return that folder and the run.json document. A candidate image an
    earlier export wrote that storage no longer holds (a retried round delivered fewer) is removed."""
    run_id = run_item["runId"]
    run_dir = Path(out_root) / run_id
    prefix = f"{c.RUNS_PREFIX}{run_id}/"
    round_items, ledger_items = list(round_items), list(ledger_items)
    written = []
    for key, data in objects(prefix):
        target = run_dir / key.removeprefix(prefix)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        written.append(key.removeprefix(prefix))
    for stale in run_dir.glob("round-*/candidate-*.png"):
        if stale.relative_to(run_dir).as_posix() not in written:
            stale.unlink()
    document = build_run_document(run_item, round_items, ledger_items)
    run_dir.mkdir(parents=True, exist_ok=True)
    # after the objects it names and before run.json, whole or not at all: a reader never finds items naming
    # objects not written yet, and a run.json without items.json is a folder an older version wrote
    items = {
        "run": {key: value for key, value in run_item.items() if key != c.REVIEW_TOKEN_ATTRIBUTE},  # never kept
        "rounds": sorted(round_items, key=lambda r: r["round"]),
        "objects": sorted(written),
        "ledger": sorted(ledger_items, key=lambda e: e["callId"]),
    }
    partial = run_dir / (ITEMS_FILE + ".partial")
    partial.write_text(json.dumps(items, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    partial.replace(run_dir / ITEMS_FILE)
    (run_dir / RUN_FILE).write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    (run_dir / REPORT_FILE).write_text(render_run_report(document), encoding="utf-8")
    return run_dir, document


def load_run_document(run_dir: Path) -> dict[str, Any]:
    path = Path(run_dir) / RUN_FILE
    if not path.is_file():
        raise FileNotFoundError(f"{run_dir} has no {RUN_FILE}: is it a run folder written by 'imagegate run'?")
    return json.loads(path.read_text(encoding="utf-8"))
