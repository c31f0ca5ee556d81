"""Export a finished run from the runtime's storage to a folder a person can open: every round's
images and verdict, run.json, and report.html."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from imagegate.report import DRAWN_SUFFIX, render_run_report
from imagegate_service import constants as c
from imagegate_service.domain.readings import status_line, with_nulls

RUN_FILE = "run.json"
REPORT_FILE = "report.html"
# The run's stored records as they are (its DynamoDB items and the S3 keys of its objects): what the local
# store (imagegate/local/store.py) loads back, so `imagegate serve` answers for a run after a restart.
ITEMS_FILE = "items.json"
PARTIAL_SUFFIX = ".partial"  # a file being written (write_atomically); a reader skips it
# Free space a folder must have before a run is written there: an offline run takes well under 1 MiB, so this
# is room for many; below it the run is refused at once instead of failing when its outcome is written.
MIN_FREE_BYTES = 16 * 1024 * 1024


def write_atomically(path: Path, data: bytes) -> None:
    """Write `data` to `path` whole or not at all: to a temporary file beside it, fsync, then rename over it,
    so a failed write (a full disk, a folder made read-only) leaves what was there before intact."""
    partial = path.with_name(path.name + PARTIAL_SUFFIX)
    try:
        with open(partial, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(partial, path)
    except BaseException:
        with contextlib.suppress(OSError):
            partial.unlink()
        raise


def storage_problem(folder: Path) -> str | None:
    """Why runs cannot be written to `folder` now (one line naming it), or None: too little free space, or a
    probe file that cannot be written there (read-only, immutable, full, not a folder)."""
    folder = Path(folder)
    try:
        free = shutil.disk_usage(folder).free
        if free < MIN_FREE_BYTES:
            return f"{folder} has {free // 1024} KiB free; a run needs at least {MIN_FREE_BYTES // 1024 // 1024} MiB"
        # a probe of its own (requests check at the same time): written and synced as a run's files are
        descriptor, probe = tempfile.mkstemp(prefix=".imagegate-write-check-", dir=folder)
        try:
            os.write(descriptor, b"imagegate")
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
            os.unlink(probe)
    except OSError as error:
        return f"cannot write to {folder}: {error.strerror or error}"
    return None


def ledger_entries(ledger_items: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """run.json's `ledger`: every billable model call, round by round in the order recorded, with what it cost."""
    fields = ("callId", "round", "step", "candidate", "modelId", "outcome", "costUsd", "recordedAt")
    ordered = sorted(ledger_items, key=lambda e: (e["round"], e.get("recordedAt") or "", e["callId"]))
    return [{field: item.get(field) for field in fields} for item in ordered]


def build_run_document(
    run_item: dict[str, Any],
    round_items: Iterable[dict[str, Any]],
    ledger_items: Iterable[dict[str, Any]] = (),
    enhancement_items: Iterable[dict[str, Any]] = (),
) -> dict[str, Any]:
    """run.json: the run's outcome, every round (image paths relative to the run folder), the spend ledger and the
    enhancements of its final image."""
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
        "enhancements": enhancement_entries(enhancement_items, prefix),
    }


def enhancement_entries(items: Iterable[dict[str, Any]], prefix: str) -> list[dict[str, Any]]:
    """run.json's enhancements: the API's own description of them (GET /generations/{id} `enhancements`, oldest
    first: status, operations, cost, error, and per step where its image came from: source bedrock with the model,
    or local with the method and why), with each image as its path in the run folder instead of a URL. One
    description serves both, so a field the API adds is in run.json too."""
    # deferred import: the enhance domain (and the adapters it imports) loads only when a run is exported
    from imagegate_service.domain.enhancements import describe_enhancements

    listed = list(items)
    store = SimpleNamespace(list_enhancements=lambda _run_id: listed)  # the run's items, already read
    paths = SimpleNamespace(url=lambda key: str(key).removeprefix(prefix))  # an image's path in the run folder
    return describe_enhancements(store, paths, "")


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
    enhancement_items: Iterable[dict[str, Any]] = (),
) -> tuple[Path, dict[str, Any]]:
    """Write runs/<runId>/ under out_root; return that folder and the run.json document. A candidate image an
    earlier export wrote that storage no longer holds (a retried round delivered fewer) is removed."""
    run_id = run_item["runId"]
    run_dir = Path(out_root) / run_id
    prefix = f"{c.RUNS_PREFIX}{run_id}/"
    round_items, ledger_items = list(round_items), list(ledger_items)
    enhancement_items = list(enhancement_items)
    document = build_run_document(run_item, round_items, ledger_items, enhancement_items)
    created: list[Path] = []  # files and folders this export added: removed again if it cannot finish
    try:
        for folder in (run_dir.parent, run_dir):
            if not folder.exists():
                folder.mkdir(parents=True)
                created.append(folder)
        written = []
        drawings: dict[str, Any] = {}  # offline images' drawn.json, overlaid in report.html
        for key, data in objects(prefix):
            target = run_dir / key.removeprefix(prefix)
            if not target.parent.exists():
                target.parent.mkdir(parents=True)
                created.append(target.parent)
            if not target.exists():
                created.append(target)
                write_atomically(target, data)
            elif target.stat().st_size != len(data) or target.read_bytes() != data:
                write_atomically(target, data)
            # (an object already there as it is, e.g. an earlier round's image at each re-export, is not rewritten:
            # the store re-exports after every round, and a synced write of every image each time held it up)
            written.append(key.removeprefix(prefix))
            if key.endswith(DRAWN_SUFFIX):
                with contextlib.suppress(ValueError):
                    drawings[key.removeprefix(prefix).removesuffix(DRAWN_SUFFIX) + ".png"] = json.loads(data)
        # after the objects it names and before run.json, whole or not at all: a reader never finds items naming
        # objects not written yet, and a run.json without items.json is a folder an older version wrote
        items = {
            "run": {key: value for key, value in run_item.items() if key != c.REVIEW_TOKEN_ATTRIBUTE},  # never kept
            "rounds": sorted(round_items, key=lambda r: r["round"]),
            "objects": sorted(written),
            "ledger": sorted(ledger_items, key=lambda e: e["callId"]),
            # the ENHANCE# items: a restart of `imagegate serve` puts them back (imagegate/local/store.py)
            "enhancements": sorted(enhancement_items, key=lambda e: int(e.get("sequence", 0))),
        }
        for name, text in (
            (ITEMS_FILE, json.dumps(items, indent=1, ensure_ascii=False) + "\n"),
            (RUN_FILE, json.dumps(document, indent=2, ensure_ascii=False) + "\n"),
            (REPORT_FILE, render_run_report(document, drawings)),
        ):
            if not (run_dir / name).exists():
                created.append(run_dir / name)
            write_atomically(run_dir / name, text.encode("utf-8"))
    except OSError:
        # a full disk or a folder made read-only: what this export added goes, what an earlier one wrote stays
        # (each file was replaced whole or not at all), so run.json never names images that are not there
        for path in reversed(created):
            with contextlib.suppress(OSError):
                path.rmdir() if path.is_dir() else path.unlink()
        raise
    for stale in run_dir.glob("round-*/candidate-*.png"):  # once the records no longer name them
        if stale.relative_to(run_dir).as_posix() not in written:
            stale.unlink()
    return run_dir, document


def load_run_document(run_dir: Path) -> dict[str, Any]:
    path = Path(run_dir) / RUN_FILE
    if not path.is_file():
        raise FileNotFoundError(f"{run_dir} has no {RUN_FILE}: is it a run folder written by 'imagegate run'?")
    return json.loads(path.read_text(encoding="utf-8"))
