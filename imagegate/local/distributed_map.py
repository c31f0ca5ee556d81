"""The benchmark's Distributed Map on the local runtime. moto's Step Functions interpreter has no Distributed Map
(no ItemReader, ResultWriter or child executions), so the local runtime runs the SAME composed definition
(imagegate_service.workflows.benchmark_definition) with its Distributed Map state carried out here, the one
place that knows how:

- ``split`` turns the definition into two state machines: the parent, in which the Map state becomes a Task
  of a runtime-internal function (``imagegate-local-distributed-map``) whose Parameters are the Map's
  ItemReader, ResultWriter, MaxConcurrency(Path) and ToleratedFailurePercentage(Path), evaluated by moto
  against the Map's input as AWS evaluates them; and the child, the Map's ItemProcessor as a STANDARD state
  machine of its own (what a Distributed Map's child executions run). ItemSelector, ResultPath, ResultSelector
  and OutputPath keep their meaning: the selector is applied here per item, the others stay on the Task.
- ``LocalDistributedMap.run`` is that function: it streams the items from S3 (JSONL, the ItemReader's
  InputType) to a file on disk (a line that is not JSON fails the Map with States.ItemReaderFailed, before any
  child starts), starts one child execution per item (named by its ``runId`` when it has one) with at most
  MaxConcurrency running (AWS's 10,000 when the Map gives none), appends each finished child's result to a file
  on disk as it ends (items and results are read and written a line at a time: memory stays bounded whatever
  the suite's size), fails the Map with States.ExceedToleratedFailureThreshold (stopping the children still
  running) once more than ToleratedFailurePercentage of the items failed, and writes the
  results to S3 in the layout AWS's ResultWriter uses: ``<Prefix><map run id>/manifest.json`` and
  ``SUCCEEDED_0.json`` / ``FAILED_0.json`` (JSON arrays of child executions, Transformation NONE). It returns
  the Map's output: ``{"MapRunArn", "ResultWriterDetails": {"Bucket", "Key"}}``.

The Map's own errors (States.ExceedToleratedFailureThreshold, States.ItemReaderFailed) reach moto as the Task's
error; moto refuses a Lambda error whose name begins with ``States.`` (the prefix is reserved), so they carry
the names of ``LOCAL_ERROR_NAMES`` instead, and ``split`` rewrites the Map's Catch and Retry to match them.

What AWS does and this does not: item batching (ItemBatcher), result files split at AWS's size limit, redrive,
and the Map Run's own CloudWatch metrics.
"""

from __future__ import annotations

import copy
import json
import re
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError

from imagegate_service import constants as c
from imagegate_service.adapters import aws_clients

FUNCTION_NAME = "distributed_map"  # the runtime's dispatcher routes imagegate-local-distributed-map here
CHILD_STATE_MACHINE_SUFFIX = "-item-processor"
_STATUSES = ("SUCCEEDED", "FAILED", "PENDING")
_ENDED_FAILED = ("FAILED", "TIMED_OUT", "ABORTED")
_NAME_OK = re.compile(r"^[A-Za-z0-9_-]{1,80}$")
_STOP_WAIT_SECONDS = 5.0  # how long the stopped children may take to end (moto's threads end in milliseconds)
_POLL_SECONDS = 0.2  # without an end signal (child_ended) in this long, the running children are looked up


# AWS's name of a Map error -> the name the local runtime's Task fails with (see the module's docstring)
LOCAL_ERROR_NAMES = {
    "States.ExceedToleratedFailureThreshold": "LocalDistributedMap.ExceedToleratedFailureThreshold",
    "States.ItemReaderFailed": "LocalDistributedMap.ItemReaderFailed",
}


class ExceededToleratedFailures(Exception):
    """Raised as the Map's error: States.ExceedToleratedFailureThreshold (by its local name)."""


ExceededToleratedFailures.__name__ = LOCAL_ERROR_NAMES["States.ExceedToleratedFailureThreshold"]


class ItemReaderFailed(Exception):
    """Raised as the Map's error when its ItemReader cannot read the items: States.ItemReaderFailed (local name)."""


ItemReaderFailed.__name__ = LOCAL_ERROR_NAMES["States.ItemReaderFailed"]


def distributed_map_states(definition: dict[str, Any]) -> list[str]:
    return [
        name
        for name, state in definition["States"].items()
        if state["Type"] == "Map"
        and state.get("ItemProcessor", {}).get("ProcessorConfig", {}).get("Mode") == "DISTRIBUTED"
    ]


def split(definition: str, function_arn: str) -> tuple[str, str]:
    """(parent, child) definitions of a definition with one Distributed Map state (see the module's docstring)."""
    parent = json.loads(definition)
    (name,) = distributed_map_states(parent)
    state = parent["States"][name]
    processor = state["ItemProcessor"]
    child = {
        "Comment": f"The item processor of {name!r} (a Distributed Map's child executions; local runtime)",
        "QueryLanguage": parent.get("QueryLanguage", "JSONPath"),
        "StartAt": processor["StartAt"],
        "States": copy.deepcopy(processor["States"]),
    }
    parameters: dict[str, Any] = {
        "mapState": name,
        "reader": {**state["ItemReader"].get("ReaderConfig", {}), "resource": state["ItemReader"]["Resource"]},
        "itemReader": state["ItemReader"].get("Parameters", {}),
        # applied per item here, not by moto: $$.Map.Item means nothing to a Task
        "itemSelector": json.dumps(state.get("ItemSelector")),
        "input.$": "$",
    }
    if "ResultWriter" in state:
        parameters["resultWriter"] = state["ResultWriter"].get("Parameters", {})
    for field, key in (
        ("MaxConcurrency", "maxConcurrency"),
        ("ToleratedFailurePercentage", "toleratedFailurePercentage"),
    ):
        if field in state:
            parameters[key] = state[field]
        elif field + "Path" in state:
            parameters[key + ".$"] = state[field + "Path"]
    task: dict[str, Any] = {
        "Type": "Task",
        "Comment": f"{state.get('Comment', name)} (the local runtime's Distributed Map: imagegate/local/distributed_map.py)",
        "Resource": function_arn,
        "Parameters": parameters,
    }
    for field in ("ResultPath", "ResultSelector", "OutputPath", "InputPath", "Next", "End"):
        if field in state:
            task[field] = state[field]
    for field in ("Catch", "Retry"):  # the Map's errors by the names the Task fails with
        if field in state:
            task[field] = [
                {**rule, "ErrorEquals": [LOCAL_ERROR_NAMES.get(name, name) for name in rule["ErrorEquals"]]}
                for rule in state[field]
            ]
    parent["States"][name] = task
    return json.dumps(parent, indent=2), json.dumps(child, indent=2)


class LocalDistributedMap:
    """Runs a Map Run for the parent's Task (on the interpreter's thread of the parent execution)."""

    def __init__(
        self,
        child_state_machine_arn: str,
        work_dir: Path | None = None,
        workers: int = 0,
        child: tuple[str, str, float] | None = None,
    ):
        """``workers``: worker processes the children may run in (imagegate/local/map_workers.py), with ``child``
        the item processor's (name, definition, retry time scale) to create there; 0 or 1: in this process."""
        self.child_state_machine_arn = child_state_machine_arn
        self._work_dir = work_dir
        self._workers = workers if child is not None else 0
        self._child = child
        self._lock = threading.Lock()
        # children that ended (their ARNs), told by the runtime (child_ended): a completion signal, not a poll
        self._ended: set[str] = set()
        self._signal = threading.Condition()
        #: per benchmark (or Map Run) id: {"total", "started", "succeeded", "failed", "passed"}, for progress reports
        self.progress: dict[str, dict[str, int]] = {}
        #: the children's object bodies written back from the workers, on disk (map_workers.SpilledBodies): one file
        #: for every Map Run, made by the first that has workers, closed by ``close``
        self.spilled_bodies: Any = None

    def close(self) -> None:
        """The kept bodies' file closed: the runtime's exit (its moto, with the keys that read the file, goes)."""
        with self._lock:
            if self.spilled_bodies is not None:
                self.spilled_bodies.close()

    def _spilled_bodies(self) -> Any:
        """The one SpilledBodies of this runner's Map Runs (issue 29): the bodies outlive their Map Run (the
        aggregation and anyone reading the runs afterwards read them) as long as moto keeps the keys, which is the
        runtime's life; a file per Map Run would hold a descriptor each all that time."""
        from imagegate.local import map_workers

        with self._lock:
            if self.spilled_bodies is None:
                self.spilled_bodies = map_workers.SpilledBodies(None if self._work_dir is None else str(self._work_dir))
            return self.spilled_bodies

    def run(self, event: dict[str, Any]) -> dict[str, Any]:
        sfn, s3 = aws_clients.client("stepfunctions"), aws_clients.client("s3")
        map_run_id = str(uuid.uuid4())
        map_run_arn = (
            f"{self.child_state_machine_arn.replace(':stateMachine:', ':mapRun:')}/{event['mapState']}:{map_run_id}"
        )
        selector = json.loads(event["itemSelector"])
        # MaxConcurrency 0 (or none) is Distributed Map's own ceiling of parallel children
        concurrency = int(event.get("maxConcurrency") or 0) or c.BENCHMARK_MAX_CONCURRENCY
        tolerated = float(event.get("toleratedFailurePercentage") or 0)
        with (
            tempfile.TemporaryDirectory(prefix="imagegate-map-run-", dir=self._work_dir) as folder,
            ExitStack() as stack,
        ):
            items_file = Path(folder) / "items.jsonl"
            total = _spool_items(s3, event["itemReader"], event["reader"], items_file)
            counts = {"total": total, "started": 0, "succeeded": 0, "failed": 0, "passed": 0}
            with self._lock:  # by the benchmark's id when the Map's input has one (Prepare's summary), else the run's
                self.progress[str(event["input"].get("benchmarkId") or map_run_id)] = counts
            files = {
                status: stack.enter_context(open(Path(folder) / f"{status}.jsonl", "w+", encoding="utf-8"))
                for status in _STATUSES
            }
            items = stack.enter_context(open(items_file, encoding="utf-8"))
            workers = self._worker_count(concurrency, total)
            if workers > 1:
                failure = self._run_in_workers(
                    _items_in(items), selector, event["input"], workers, tolerated, counts, files
                )
            else:
                failure = self._run_children(
                    sfn, _items_in(items), selector, event["input"], concurrency, tolerated, counts, files
                )
            details = self._write_results(s3, event.get("resultWriter"), map_run_id, map_run_arn, files)
        if failure:
            raise ExceededToleratedFailures(failure)
        return {"MapRunArn": map_run_arn, **({"ResultWriterDetails": details} if details else {})}

    def _run_children(
        self,
        sfn: Any,
        items: Iterator[Any],
        selector: Any,
        map_input: Any,
        concurrency: int,
        tolerated: float,
        counts: dict[str, int],
        files: dict[str, Any],
    ) -> str | None:
        running: dict[str, tuple[str, str]] = {}  # execution ARN -> (name, input)
        try:
            return self._run_until_done(sfn, items, selector, map_input, concurrency, tolerated, counts, files, running)
        except BaseException:  # the Map Run ends with this error: no child of it goes on running
            _stop(sfn, running, "States.Runtime")
            raise

    def _run_until_done(
        self,
        sfn: Any,
        items: Iterator[Any],
        selector: Any,
        map_input: Any,
        concurrency: int,
        tolerated: float,
        counts: dict[str, int],
        files: dict[str, Any],
        running: dict[str, tuple[str, str]],
    ) -> str | None:
        queue = enumerate(items)
        pending = True
        failure: str | None = None
        while pending or running:
            while pending and failure is None and len(running) < concurrency:
                next_item = next(queue, None)
                if next_item is None:
                    pending = False
                    break
                index, value = next_item
                child_input = json.dumps(_select(selector, value, index, map_input))
                name = _child_name(value, index)
                arn = sfn.start_execution(stateMachineArn=self.child_state_machine_arn, name=name, input=child_input)[
                    "executionArn"
                ]
                running[arn] = (name, child_input)
                counts["started"] += 1
            if failure is not None and pending:
                for index, value in queue:  # never started: PENDING, as AWS lists them when a Map Run fails
                    _append(files["PENDING"], {"Input": json.dumps(_select(selector, value, index, map_input))})
                pending = False
            for arn in self._wait_for_ends(sfn, running):
                description = sfn.describe_execution(executionArn=arn)
                if description["status"] == "RUNNING":
                    continue
                running.pop(arn)
                had_failed = failure is not None
                failure = self._record(description, counts, files, tolerated, failure)
                if failure is not None and not had_failed:
                    _stop(sfn, running, "States.ExceedToleratedFailureThreshold")
        return failure

    def child_ended(self, execution_arn: str) -> None:
        """The runtime's signal that an execution ended (every execution's: only this Map's children are kept)."""
        if execution_arn.startswith(self._child_execution_prefix()):
            with self._signal:
                self._ended.add(execution_arn)
                self._signal.notify_all()

    def _child_execution_prefix(self) -> str:
        return self.child_state_machine_arn.replace(":stateMachine:", ":execution:") + ":"

    def _wait_for_ends(self, sfn: Any, running: dict[str, tuple[str, str]]) -> list[str]:
        """The running children that ended, as soon as one has: told by child_ended; every _POLL_SECONDS without a
        signal, looked up as before (one call for the children still running), so an end that was not told is
        still seen."""
        with self._signal:
            told = self._signal.wait_for(lambda: any(arn in self._ended for arn in running), timeout=_POLL_SECONDS)
            if told:
                ended = [arn for arn in running if arn in self._ended]
                self._ended.difference_update(ended)
                return ended
        still_running = {
            execution["executionArn"]
            for page in sfn.get_paginator("list_executions").paginate(
                stateMachineArn=self.child_state_machine_arn, statusFilter="RUNNING"
            )
            for execution in page["executions"]
        }
        return [arn for arn in running if arn not in still_running]

    @staticmethod
    def _record(
        description: dict[str, Any],
        counts: dict[str, int],
        files: dict[str, Any],
        tolerated: float,
        failure: str | None,
    ) -> str | None:
        """A child that ended into its result file and the counts; returns the Map Run's failure (the one it had,
        or a new one when this child took the failures past the tolerated share)."""
        entry = _result_entry(description)
        if description["status"] == "SUCCEEDED":
            counts["succeeded"] += 1
            counts["passed"] += _status_of(description.get("output")) == "PASSED"
            _append(files["SUCCEEDED"], entry)
        else:
            counts["failed"] += 1
            _append(files["FAILED"], entry)
        if failure is None and counts["total"] and 100 * counts["failed"] / counts["total"] > tolerated:
            return (
                f"{counts['failed']} of {counts['total']} child executions failed, more than the "
                f"{tolerated:g}% tolerated"
            )
        return failure

    def _worker_count(self, concurrency: int, total: int) -> int:
        """Worker processes for this Map Run: none under a daily spend cap (one counter over every run, which
        separate processes could not share), else as many as asked, MaxConcurrency, the items and the cores allow."""
        if self._workers <= 1:
            return 0
        from imagegate.local import map_workers
        from imagegate_service.settings import daily_budget_cap

        return 0 if daily_budget_cap() is not None else map_workers.worker_count(self._workers, concurrency, total)

    def _run_in_workers(
        self,
        items: Iterator[Any],
        selector: Any,
        map_input: Any,
        workers: int,
        tolerated: float,
        counts: dict[str, int],
        files: dict[str, Any],
    ) -> str | None:
        """The children in ``workers`` processes, one child at a time each (so at most ``workers`` <= MaxConcurrency
        running; each worker has the next child queued): each ended child's items and objects are written here before
        its result is recorded. Once the failures pass the tolerated share, the workers stop their running children
        and the rest stay PENDING."""
        import multiprocessing
        from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait

        from imagegate.local import map_workers

        assert self._child is not None
        name, definition, retry_time_scale = self._child
        # forked from the runtime's fork server where it has one (its pages shared), else spawned
        context = multiprocessing.get_context("forkserver" if map_workers.zygote_running() else "spawn")
        stop = context.Event()
        bodies = self._spilled_bodies()
        queue = enumerate(items)
        pending = True
        failure: str | None = None
        running: dict[Future[dict[str, Any]], str] = {}  # submitted child -> its input
        with ProcessPoolExecutor(
            max_workers=workers,
            mp_context=context,
            initializer=map_workers.start_worker,
            initargs=(name, definition, map_workers.table_snapshot(), retry_time_scale, stop),
        ) as pool:
            try:
                while pending or running:
                    # two children per worker: one running, the next queued behind it
                    while pending and failure is None and len(running) < 2 * workers:
                        next_item = next(queue, None)
                        if next_item is None:
                            pending = False
                            break
                        index, value = next_item
                        child_input = json.dumps(_select(selector, value, index, map_input))
                        running[pool.submit(map_workers.run_child, _child_name(value, index), child_input)] = (
                            child_input
                        )
                        counts["started"] += 1
                    if failure is not None and pending:
                        for index, value in queue:  # never started: PENDING, as AWS lists them when a Map Run fails
                            _append(files["PENDING"], {"Input": json.dumps(_select(selector, value, index, map_input))})
                        pending = False
                    if not running:
                        break
                    done, _ = wait(running, return_when=FIRST_COMPLETED)
                    for future in done:
                        child_input = running.pop(future)
                        result = future.result()
                        if not result["started"]:  # queued when the Map Run failed: PENDING, as never started
                            counts["started"] -= 1
                            _append(files["PENDING"], {"Input": child_input})
                            continue
                        map_workers.write_back(result, bodies)
                        failure = self._record(result["description"], counts, files, tolerated, failure)
                        if failure is not None:
                            stop.set()
            except BaseException:  # the Map Run ends with this error: no child of it goes on running
                stop.set()
                raise
        return failure

    def _write_results(
        self, s3: Any, writer: dict[str, Any] | None, map_run_id: str, map_run_arn: str, files: dict[str, Any]
    ) -> dict[str, str] | None:
        """The ResultWriter's objects: one JSON array per status that has any child, then the manifest."""
        if not writer:
            return None
        bucket, prefix = writer["Bucket"], writer.get("Prefix", "")
        folder = f"{prefix.rstrip('/')}/{map_run_id}/" if prefix else f"{map_run_id}/"
        listed: dict[str, list[dict[str, Any]]] = {status: [] for status in _STATUSES}
        for status, handle in files.items():
            if handle.tell() == 0:
                continue
            handle.seek(0)
            key = f"{folder}{status}_0.json"
            body = _json_array(handle)
            s3.put_object(Bucket=bucket, Key=key, Body=body, ContentType="application/json")
            listed[status].append({"Key": key, "Size": len(body)})
        manifest = {"DestinationBucket": bucket, "MapRunArn": map_run_arn, "ResultFiles": listed}
        key = f"{folder}manifest.json"
        s3.put_object(Bucket=bucket, Key=key, Body=json.dumps(manifest).encode(), ContentType="application/json")
        return {"Bucket": bucket, "Key": key}


def _spool_items(s3: Any, location: dict[str, Any], reader: dict[str, Any], path: Path) -> int:
    """The ItemReader's object copied to ``path`` a chunk at a time; returns how many items it holds (each
    non-blank line, checked to be JSON, as AWS's reader fails a Map whose JSONL it cannot parse)."""
    if reader.get("resource") != "arn:aws:states:::s3:getObject" or reader.get("InputType") != "JSONL":
        raise ValueError(f"the local Distributed Map reads JSONL objects (s3:getObject) only, not {reader}")
    body = s3.get_object(Bucket=location["Bucket"], Key=location["Key"])["Body"]
    with open(path, "wb") as spool:
        for chunk in body.iter_chunks():
            spool.write(chunk)
    total = 0
    with open(path, encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                json.loads(line)
            except ValueError as error:
                raise ItemReaderFailed(
                    f"line {number} of s3://{location['Bucket']}/{location['Key']} is not JSON: {error}"
                ) from None
            total += 1
    return total


def _items_in(lines: Iterator[str]) -> Iterator[Any]:
    """The items of a spooled JSONL file, one line at a time."""
    return (json.loads(line) for line in lines if line.strip())


def _stop(sfn: Any, running: dict[str, tuple[str, str]], error: str) -> None:
    """Stops the children still running (an execution that ended meanwhile is left as it ended), and returns once
    they have ended: AWS's StopExecution answers with the execution ABORTED, while moto's only asks the execution's
    thread to stop, which marks it ABORTED a moment later (CI once listed a stopped child as RUNNING)."""
    stopped = []
    for arn in running:
        try:
            sfn.stop_execution(executionArn=arn, error=error)
        except ClientError:  # it ended on its own meanwhile: nothing left to stop
            continue
        stopped.append(arn)
    deadline = time.monotonic() + _STOP_WAIT_SECONDS
    for arn in stopped:
        while sfn.describe_execution(executionArn=arn)["status"] == "RUNNING" and time.monotonic() < deadline:
            time.sleep(_POLL_SECONDS / 20)


def _select(selector: Any, value: Any, index: int, map_input: Any) -> Any:
    """ItemSelector for one item: ``$$.Map.Item.Value[.path]``, ``$$.Map.Item.Index`` and ``$[.path]`` (the Map's
    input) in ``.$`` fields; without a selector the item itself."""
    if selector is None:
        return value

    def resolve(path: str) -> Any:
        if path == "$$.Map.Item.Index":
            return index
        for root, document in (("$$.Map.Item.Value", value), ("$", map_input)):
            if path == root or path.startswith(root + "."):
                for part in filter(None, path[len(root) :].split(".")):
                    document = document[part]
                return document
        raise ValueError(f"the local Distributed Map cannot evaluate {path!r} in an ItemSelector")

    def build(template: Any) -> Any:
        if isinstance(template, dict):
            return {
                (key[:-2] if key.endswith(".$") else key): resolve(item) if key.endswith(".$") else build(item)
                for key, item in template.items()
            }
        if isinstance(template, list):
            return [build(item) for item in template]
        return template

    return build(selector)


def _child_name(value: Any, index: int) -> str:
    name = value.get("runId") if isinstance(value, dict) else None
    return name if isinstance(name, str) and _NAME_OK.match(name) else f"item-{index}-{uuid.uuid4().hex[:8]}"


def _result_entry(description: dict[str, Any]) -> dict[str, Any]:
    """A child execution as a ResultWriter result file lists it (Transformation NONE)."""
    entry = {
        "ExecutionArn": description["executionArn"],
        "Input": description.get("input"),
        "InputDetails": {"Included": True},
        "Name": description.get("name"),
        "StartDate": _iso(description.get("startDate")),
        "StateMachineArn": description.get("stateMachineArn"),
        "Status": description["status"],
        "StopDate": _iso(description.get("stopDate")),
    }
    if description["status"] == "SUCCEEDED":
        entry.update(Output=description.get("output"), OutputDetails={"Included": True})
    else:
        entry.update(Error=description.get("error"), Cause=description.get("cause"))
    return entry


def _iso(moment: Any) -> str | None:
    return moment.isoformat() if hasattr(moment, "isoformat") else moment


def _status_of(output: str | None) -> str | None:
    try:
        document = json.loads(output or "{}")
    except ValueError:
        return None
    return document.get("status") if isinstance(document, dict) else None


def _append(handle: Any, entry: dict[str, Any]) -> None:
    handle.write(json.dumps(entry, default=str) + "\n")


def _json_array(handle: Any) -> bytes:
    return ("[" + ",".join(line.rstrip("\n") for line in handle if line.strip()) + "]").encode("utf-8")
