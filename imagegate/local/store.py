"""The local store: what `imagegate serve` keeps on disk so a restart (even `kill -9`) loses nothing finished.

The durable record of a run is its folder under the data dir, the very folder `imagegate run` exports
(imagegate/export.py): images, verdicts, run.json, report.html, and items.json (the run's DynamoDB items and
the keys of its S3 objects, written last). While a run is in flight its folder holds `in-flight.json` (the
execution's name, ARN and input), written when the execution starts; the folder is re-exported after every
recorded round and when the execution ends, and the marker is removed then.

On start-up every run folder is loaded into the runtime's S3 bucket and DynamoDB table (moto), so GET,
the listing and the image URLs answer as before. A run still RUNNING on disk, or a marker with no finished
record, belonged to a server that stopped: the run becomes FAILED with the reason INTERRUPTED_REASON
(its rounds so far are kept) and that is written back to its folder. Folders another process writes later
(`imagegate run --out` the same dir) are loaded when the API lists runs or misses one."""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from imagegate.export import (
    ITEMS_FILE,
    PARTIAL_SUFFIX,
    REPORT_FILE,
    RUN_FILE,
    export_run,
    storage_problem,
    write_atomically,
)
from imagegate_service import constants as c
from imagegate_service.adapters.enhancements import ENHANCEMENT_SK_PREFIX
from imagegate_service.domain.run_ids import is_run_id

DEFAULT_DATA_DIR = Path("runs")  # the folder `imagegate run` exports to (its --out default)
IN_FLIGHT_FILE = "in-flight.json"
INTERRUPTED_REASON = "interrupted: the local server stopped"
INTERRUPTED_ERROR = "Interrupted"
STORAGE_ERROR = "StorageUnavailable"  # a run whose state could not be written to the data dir ends FAILED with it
# the tasks that change what a restart must find: the run item, a new round, the outcome (written before the
# execution ends, so a client that saw the outcome and killed the server at once still finds it on disk), and each
# step and the end of an enhancement of its final image (its ENHANCE# item and its images)
_SNAPSHOT_HANDLERS = ("start_run", "record_round", "finish_run", "apply_enhancement", "finish_enhancement")
INTERRUPTED_ENHANCEMENT_ERROR = f"{INTERRUPTED_ERROR}: {INTERRUPTED_REASON} before the enhancement ended"
LOGGER = logging.getLogger(__name__)


@dataclass
class LoadReport:
    loaded: int = 0  # finished runs now served from the data dir
    interrupted: int = 0  # runs in flight when a server stopped, now FAILED
    unreadable: list[str] | None = None  # folders that could not be loaded, with why

    def describe(self) -> str:
        text = f"{self.loaded} run(s) loaded, {self.interrupted} interrupted run(s) marked FAILED"
        return text + (f", {len(self.unreadable)} folder(s) skipped" if self.unreadable else "")


class LocalStore:
    """Keeps the runs of one LocalRuntime in `root`. attach() before serving; load() once at start-up."""

    def __init__(self, root: Path, runtime: Any):
        self.root = Path(root)
        self.runtime = runtime
        self._lock = threading.RLock()
        self._known: set[str] = set()  # run ids loaded or started here: a rescan leaves them alone
        self._unreadable: set[str] = set()  # folders that failed to load: reported once, not on every listing
        self._unsaved: dict[str, str] = {}  # run id -> why its last state could not be written (written later)

    # -- wiring ------------------------------------------------------------------------------------
    def attach(self) -> LocalStore:
        self.root.mkdir(parents=True, exist_ok=True)
        self.runtime.started_listeners.append(self.run_started)
        self.runtime.ended_listeners.append(self.save)
        self.runtime.dispatcher.invoked_listeners.append(self._invoked)
        self.runtime.enhancement_started_listeners.append(self._enhancement_started)
        return self

    def _enhancement_started(self, _name: str, _execution_arn: str, execution_input: str) -> None:
        """An enhancement's workflow started: its QUEUED item is on disk before the API answers 202."""
        try:
            run_id = json.loads(execution_input).get("runId")
        except (ValueError, AttributeError):
            return
        if isinstance(run_id, str) and run_id in self._known:
            self.save(run_id)

    def run_started(self, run_id: str, execution_arn: str, execution_input: str) -> None:
        """Write the in-flight marker (the run item does not exist until Start Run has run)."""
        with self._lock:
            self._known.add(run_id)
            run_dir = self.root / run_id
            if (run_dir / IN_FLIGHT_FILE).exists() or _stored_status(run_dir) not in (None, *c.OPEN_STATUSES):
                return  # an idempotent replay of a start, or a run that already ended
            run_dir.mkdir(parents=True, exist_ok=True)
            _write_json(
                run_dir / IN_FLIGHT_FILE,
                {"runId": run_id, "executionArn": execution_arn, "input": execution_input, "startedAt": _now_iso()},
            )

    def _invoked(self, handler_name: str, event: dict[str, Any]) -> None:
        run_id = event.get("runId") or (event.get("execution") or {}).get("name")
        if handler_name in _SNAPSHOT_HANDLERS and isinstance(run_id, str) and run_id in self._known:
            self.save(run_id)

    def save(self, run_id: str) -> None:
        """Export the run's folder from the runtime's storage; once it has an outcome, drop its in-flight marker.
        When the data dir cannot be written, the folder keeps its last whole state, the run is stopped (it ends
        FAILED with StorageUnavailable naming the folder: nothing it does from now on could be kept) and its
        state is written as soon as the data dir can be written again (storage_problem)."""
        with self._lock:
            runs = self.runtime.runs()
            run_item = runs.get_run(run_id)
            if run_item is None:
                return  # refused before Start Run recorded it: nothing to keep but the marker
            try:
                export_run(
                    run_item,
                    runs.list_rounds(run_id),
                    self.runtime.objects,
                    self.root,
                    runs.ledger(run_id),
                    self._enhancements().list_enhancements(run_id),
                )
                if run_item.get("status") not in c.OPEN_STATUSES:
                    (self.root / run_id / IN_FLIGHT_FILE).unlink(missing_ok=True)
            except OSError as error:
                cause = f"cannot write {self.root / run_id}: {error.strerror or error}"
                first = run_id not in self._unsaved
                self._unsaved[run_id] = cause
                if first:
                    LOGGER.error("local store: run %s not saved: %s", run_id, cause)
                if run_item.get("status") in c.OPEN_STATUSES and run_item.get("executionArn"):
                    # before the task that called this returns: the execution stops before its next state
                    # (StopExecution only flags it), so no later step records an outcome over this one
                    _stop(run_item["executionArn"], cause)
                return
            self._unsaved.pop(run_id, None)

    def storage_problem(self) -> str | None:
        """Why a new run cannot be kept now (the data dir is full or cannot be written), or None; when it can
        again, the runs whose state could not be written are written first."""
        problem = storage_problem(self.root)
        if problem is None:
            for run_id in list(self._unsaved):
                self.save(run_id)
            if self._unsaved:
                problem = next(iter(self._unsaved.values()))
        return problem

    def forget(self, run_id: str) -> None:
        """DELETE /generations/{id} removed the run from the runtime: its folder goes too, so a restart does not load
        it again. The id stays known, so a folder left half-removed is not loaded by a later listing either."""
        import shutil

        if not is_run_id(run_id):
            return
        with self._lock:
            self._known.add(run_id)
            self._unsaved.pop(run_id, None)
            try:
                shutil.rmtree(self.root / run_id)
            except FileNotFoundError:
                pass
            except OSError as error:
                LOGGER.error("local store: the folder of deleted run %s not removed: %s", run_id, _problem(error))

    # -- loading -----------------------------------------------------------------------------------
    def load(self) -> LoadReport:
        """Load every run folder not loaded yet (start-up, and a listing that may show new folders)."""
        report = LoadReport(unreadable=[])
        with self._lock:
            if not self.root.is_dir():
                return report
            for run_dir in sorted(self.root.iterdir()):
                if (
                    run_dir.name in self._known
                    or run_dir.name in self._unreadable
                    or not is_run_id(run_dir.name)
                    or not run_dir.is_dir()
                ):
                    continue
                try:
                    outcome = self._load_run(run_dir)
                except Exception as error:  # any folder, however damaged, is skipped: never fatal, never half-served
                    report.unreadable.append(f"{run_dir.name}: {_problem(error)}")
                    self._unreadable.add(run_dir.name)
                    LOGGER.warning("local store: run folder %s skipped: %s", run_dir, _problem(error))
                    continue
                if outcome == "loaded":
                    report.loaded += 1
                elif outcome == "interrupted":
                    report.interrupted += 1
        return report

    def load_run(self, run_id: str) -> bool:
        """A GET that found no run: load its folder if there is one now. True when it was loaded."""
        if not is_run_id(run_id):
            return False
        with self._lock:
            if run_id in self._known or not (self.root / run_id).is_dir():
                return False
            if run_id in self._unreadable:
                return False
            try:
                return self._load_run(self.root / run_id) in ("loaded", "interrupted")
            except Exception as error:  # as in load(): the folder is skipped and named once
                self._unreadable.add(run_id)
                LOGGER.warning("local store: run folder %s skipped: %s", self.root / run_id, _problem(error))
                return False

    def before_read(self, resource: str, path_parameters: dict[str, str] | None) -> None:
        """Before the API reads: a listing may show folders written since (another `imagegate run`), and a
        GET of an id not loaded yet may be one of them."""
        if self._unsaved:
            self.storage_problem()  # writes what could not be written, if it can be now
        if resource == "/generations":
            self.load()
        elif resource == "/generations/{id}" and path_parameters:
            self.load_run(path_parameters.get("id", ""))

    def _load_run(self, run_dir: Path) -> str:
        """'loaded', 'interrupted', or 'incomplete' (a folder still being written: left for a later scan)."""
        import boto3

        run_id = run_dir.name
        marker, items = read_run_folder(run_dir)  # checked whole before anything is written
        if items is None and marker is None:
            return "incomplete"
        table = boto3.resource("dynamodb").Table(self.runtime_table)
        if items is not None:
            s3 = boto3.client("s3")
            prefix = f"{c.RUNS_PREFIX}{run_id}/"
            for name in items.get("objects", []):
                path = (run_dir / name).resolve()
                s3.put_object(
                    Bucket=self.runtime_bucket,
                    Key=prefix + name,
                    Body=path.read_bytes(),
                    ContentType=_content_type(name),
                )
            from imagegate_service.adapters.storage import to_dynamo

            with table.batch_writer() as batch:  # the spend ledger and the enhancements too
                for item in [items["run"], *items["rounds"], *items.get("ledger", []), *items.get("enhancements", [])]:
                    batch.put_item(Item=to_dynamo(item))
        self._known.add(run_id)
        interrupted = self._interrupt(run_id, marker, started=items is not None)
        interrupted_enhancements = self._interrupt_enhancements(run_id, (items or {}).get("enhancements", []))
        if interrupted_enhancements and not (interrupted or marker is not None):
            self.save(run_id)  # their FAILED outcome is the durable record now
        if interrupted or marker is not None:
            self.save(run_id)  # the FAILED outcome is the durable record now; the marker goes
            if self.runtime.runs().get_run(run_id) is None:  # a request Start Run would have refused
                (run_dir / IN_FLIGHT_FILE).unlink(missing_ok=True)
                return "incomplete"
        return "interrupted" if interrupted else "loaded"

    def _interrupt(self, run_id: str, marker: dict[str, Any] | None, started: bool) -> bool:
        """Mark a run that was in flight FAILED; a marker with no run item yet gets one from its request."""
        from imagegate_service.adapters.storage import DynamoRunRepository
        from imagegate_service.domain.start import RunStarter

        runs = self.runtime.runs()
        if not started and marker is not None:
            try:
                request = json.loads(marker.get("input") or "{}")
                started_at = datetime.fromisoformat(marker["startedAt"])
                RunStarter(runs, clock=lambda: started_at).start(request, run_id, marker.get("executionArn", ""))
            except Exception as error:
                LOGGER.warning("local store: in-flight run %s not recorded: %s", run_id, error)
                return False
        now = _now_iso()
        return DynamoRunRepository(self.runtime_table).fail_if_running(
            run_id, {"reason": INTERRUPTED_REASON, "error": INTERRUPTED_ERROR, "finishedAt": now, "updatedAt": now}
        )

    def _enhancements(self) -> Any:
        from imagegate_service.adapters.enhancements import DynamoEnhancementStore

        return DynamoEnhancementStore(self.runtime_table)

    def _interrupt_enhancements(self, run_id: str, items: list[dict[str, Any]]) -> int:
        """Enhancements that had not ended when the server stopped: their executions went with it, so each is
        FAILED with the reason (what its finished steps made and cost is kept). How many were."""
        from imagegate_service.domain.enhancements import ENHANCEMENT_FAILED, ENHANCEMENT_OPEN_STATUSES, finished_cost

        store, now = self._enhancements(), _now_iso()
        open_ones = [item for item in items if item.get("status") in ENHANCEMENT_OPEN_STATUSES]
        for item in open_ones:
            attributes = {
                "status": ENHANCEMENT_FAILED,
                "error": INTERRUPTED_ENHANCEMENT_ERROR,
                "costUsd": finished_cost(item),
                "updatedAt": now,
                "endedAt": now,
            }
            store.update_enhancement(run_id, item["enhancementId"], attributes)
        return len(open_ones)

    @property
    def runtime_table(self) -> str:
        from imagegate.local.runtime import TABLE

        return TABLE

    @property
    def runtime_bucket(self) -> str:
        from imagegate.local.runtime import BUCKET

        return BUCKET


def read_run_folder(run_dir: Path) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """(in-flight marker, items) of one run folder, each None when absent (items rebuilt from run.json for a
    folder written before items.json existed); an error naming what is wrong when the folder is damaged, so
    a load writes nothing of it and `imagegate doctor --local` can list it."""
    marker = _read_json(run_dir / IN_FLIGHT_FILE)
    if marker is not None and not isinstance(marker, dict):
        raise ValueError(f"{IN_FLIGHT_FILE} is not a JSON object")
    items = _read_json(run_dir / ITEMS_FILE)
    if items is None and marker is None and (run_dir / RUN_FILE).is_file():
        items = items_from_run_document(json.loads((run_dir / RUN_FILE).read_text(encoding="utf-8")), run_dir)
    if items is not None:
        check_items(items, run_dir.name)
        for name in items.get("objects", []):
            path = (run_dir / name).resolve()
            if run_dir.resolve() not in path.parents:
                raise ValueError(f"{ITEMS_FILE} names {name!r}, outside the run folder")
            if not path.is_file():
                raise ValueError(f"{ITEMS_FILE} names {name!r}, which is not in the folder")
    return marker, items


def damaged_run_folders(root: Path) -> list[str]:
    """'<folder>: <what is wrong>' for every run folder under `root` that `imagegate serve` would skip."""
    problems = []
    for run_dir in sorted(Path(root).iterdir()) if Path(root).is_dir() else []:
        if not is_run_id(run_dir.name) or not run_dir.is_dir():
            continue
        try:
            read_run_folder(run_dir)
        except Exception as error:  # whatever a load would trip on
            problems.append(f"{run_dir}: {_problem(error)}")
    return problems


def check_items(items: Any, run_id: str) -> None:
    """A ValueError naming what is wrong when `items` (items.json, or what run.json rebuilt) is not the records
    of run `run_id`: every item keyed under that run (a round or ledger item without pk/sk would make the
    table refuse the whole load halfway), and the objects a list of names."""
    if not isinstance(items, dict) or not isinstance(items.get("run"), dict):
        raise ValueError(f"{ITEMS_FILE} has no run item")
    if items["run"].get("runId") != run_id:
        raise ValueError(f"{ITEMS_FILE} is for run {items['run'].get('runId')!r}, not {run_id!r}")
    pk = c.run_pk(run_id)
    if (items["run"].get("pk"), items["run"].get("sk")) != (pk, c.RUN_SK):
        raise ValueError(f"{ITEMS_FILE}: the run item's key is not pk={pk!r}, sk={c.RUN_SK!r}")
    for name in ("rounds", "ledger", "objects", "enhancements"):
        if not isinstance(items.get(name, []), list):
            raise ValueError(f"{ITEMS_FILE}: {name} is not a list")
    for position, item in enumerate(items.get("enhancements", [])):
        if (
            not isinstance(item, dict)
            or item.get("pk") != pk
            or not str(item.get("sk", "")).startswith(ENHANCEMENT_SK_PREFIX)
            or not isinstance(item.get("enhancementId"), str)
        ):
            raise ValueError(f"{ITEMS_FILE}: enhancement item {position + 1} is not an ENHANCE# item of pk={pk!r}")
    for position, item in enumerate(items.get("rounds", [])):
        number = item.get("round") if isinstance(item, dict) else None
        if not isinstance(number, int) or (item.get("pk"), item.get("sk")) != (pk, c.round_sk(number)):
            raise ValueError(f"{ITEMS_FILE}: round item {position + 1} has no round number or not its key pk/sk")
    for position, item in enumerate(items.get("ledger", [])):
        if not isinstance(item, dict) or item.get("pk") != pk or not isinstance(item.get("sk"), str):
            raise ValueError(f"{ITEMS_FILE}: ledger item {position + 1} is not keyed under pk={pk!r}")
    if not all(isinstance(name, str) for name in items.get("objects", [])):
        raise ValueError(f"{ITEMS_FILE}: objects must be file names")


def _problem(error: Exception) -> str:
    """What is wrong with a folder, in one line (a JSON error says where; botocore's says which key)."""
    return f"{type(error).__name__}: {' '.join(str(error).split())[:300]}"


def items_from_run_document(document: dict[str, Any], run_dir: Path) -> dict[str, Any]:
    """The items of a run folder written before items.json existed, rebuilt from its run.json (the inverse of
    export.build_run_document; what run.json does not record, the API answers as unknown)."""
    run_id = document["runId"]
    prefix = f"{c.RUNS_PREFIX}{run_id}/"
    rounds = [
        {
            **{key: value for key, value in entry.items() if key not in ("images", "bestImage", "verdict")},
            "pk": c.run_pk(run_id),
            "sk": c.round_sk(entry["round"]),
            "runId": run_id,
            "imageKeys": [prefix + name for name in entry["images"]],
            "bestImageKey": prefix + entry["bestImage"],
            "verdictKey": prefix + entry["verdict"],
        }
        for entry in document["rounds"]
    ]
    best = next((entry for entry in rounds if entry["round"] == document.get("bestRound")), None)
    run = {
        "pk": c.run_pk(run_id),
        "sk": c.RUN_SK,
        "runId": run_id,
        **{
            key: document.get(key)
            for key in (
                "status",
                "reason",
                "prompt",
                "settings",
                "finalScore",
                "bestRound",
                "costUsd",
                "evaluationCostUsd",
                "executionArn",
                "startedAt",
                "finishedAt",
                "error",
                "cause",
            )
        },
        "updatedAt": document.get("finishedAt") or document["startedAt"],
        "rounds": len(rounds),
        "bestScore": best["score"] if best else None,
        "bestImageKey": best["bestImageKey"] if best else None,
        c.RUNS_INDEX_PK: c.RUNS_INDEX_PK_VALUE,
        c.RUNS_INDEX_SK: c.runs_index_sk(document["startedAt"], run_id),
    }
    kept = (RUN_FILE, REPORT_FILE, ITEMS_FILE, IN_FLIGHT_FILE)
    objects = sorted(
        str(path.relative_to(run_dir))
        for path in run_dir.rglob("*")
        if path.is_file() and path.name not in kept and not path.name.endswith(PARTIAL_SUFFIX)
    )
    return {
        "run": {key: value for key, value in run.items() if value is not None},
        "rounds": rounds,
        "objects": objects,
    }


def _stop(execution_arn: str, cause: str) -> None:
    """End a run whose state cannot be kept: FAILED with StorageUnavailable and the cause, as an aborted
    execution's run is marked (domain/mark_run_ended.py: what it holds of the daily cap goes back), then its execution
    stopped so it spends nothing more."""
    import boto3
    from botocore.exceptions import ClientError

    from imagegate_service import wiring

    name = execution_arn.rsplit(":", 1)[-1]
    wiring.run_ender().execution_ended(  # the runs table: IMAGEGATE_TABLE, the runtime's TABLE
        {"status": "ABORTED", "name": name, "error": STORAGE_ERROR, "cause": cause}
    )
    try:
        boto3.client("stepfunctions").stop_execution(executionArn=execution_arn, error=STORAGE_ERROR, cause=cause)
    except ClientError as error:  # it ended on its own meanwhile
        LOGGER.warning("local store: %s not stopped: %s", execution_arn, error)


def _stored_status(run_dir: Path) -> str | None:
    items = _read_json(run_dir / ITEMS_FILE)
    return None if items is None else items.get("run", {}).get("status")


def _read_json(path: Path) -> Any:
    if not path.is_file():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def _write_json(path: Path, document: Any) -> None:
    write_atomically(path, (json.dumps(document, indent=1) + "\n").encode("utf-8"))


def _content_type(name: str) -> str:
    """As the loop's tasks stored them (adapters/storage.py): PNG images, JSON verdicts, HTML reports."""
    suffix = Path(name).suffix.lower()
    return {".png": "image/png", ".json": "application/json", ".html": "text/html; charset=utf-8"}.get(
        suffix, "application/octet-stream"
    )


def _now_iso() -> str:
    from imagegate_service.domain.clock import iso

    return iso(datetime.now(UTC))
