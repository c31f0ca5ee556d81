"""Running an enhancement: its start (checked whole, recorded, its workflow started), each operation (one
workflow task: read the previous image from S3, one billed Image Services call, the output kept beside the
source round and recorded on the enhancement's item) and its end.

Every billable call goes through the spend ledger once (domain/spend.py): reserved against the enhancement's own
limit on the run item (what the run had committed when the enhancement started, plus the enhancement's bound) and
against the deployment's daily cap, recorded when answered, given back when not. Ledger entries sit beside the
source round (round = the run's best round, step `enhance` or `enhance-detect`, candidate = sequence x 10 +
operation index, so two enhancements of one run never share a call id).

Local fallback (an operation with allowLocalFallback, domain/enhancing.py): when its Bedrock call cannot be made
for a reason that waiting will not cure (fallback_reason: no room under the enhancement's limit or the daily
budget, or the service unavailable to the account), upscale and remove-background run locally
(adapters/local_imaging.py) and the step records source `local`, the method and the reason. A local operation is
not in the spend ledger: the ledger holds the model calls Bedrock bills, each once, and no call was billed (Lambda's
own compute is in no step's cost, a model call's neither); a $0 entry would count a call that was never made. Its
cost on the step is 0, and the daily budget, which counts the ledger's spend, is not touched. What never falls
back: a throttled call (the workflow retries it; past its retries the enhancement fails: a busy service is not an
unavailable one), a passing fault, a content filter's refusal (a local copy must not get round a filter), a request
the service rejects, and an answer that fails its checks."""

from __future__ import annotations

import functools
import struct
import zlib
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from imagegate_service import constants as c
from imagegate_service.domain.clock import iso, utc_now
from imagegate_service.domain.enhancing import (
    ALLOW_LOCAL_FALLBACK,
    LOCAL_FALLBACK_OPERATIONS,
    MAX_OPERATIONS,
    EnhanceOperation,
    ServiceRequest,
    enhancement_bound_usd,
    local_fallback_flag,
    parse_operation,
    parse_operations,
    unavailable_reason,
)
from imagegate_service.domain.enhancing import (  # the statuses are re-exported: the enhancement's vocabulary
    ENHANCEMENT_FAILED as ENHANCEMENT_FAILED,
)
from imagegate_service.domain.enhancing import ENHANCEMENT_OPEN_STATUSES as ENHANCEMENT_OPEN_STATUSES
from imagegate_service.domain.enhancing import ENHANCEMENT_QUEUED as ENHANCEMENT_QUEUED
from imagegate_service.domain.enhancing import ENHANCEMENT_RUNNING as ENHANCEMENT_RUNNING
from imagegate_service.domain.enhancing import ENHANCEMENT_STATUSES as ENHANCEMENT_STATUSES
from imagegate_service.domain.enhancing import ENHANCEMENT_SUCCEEDED as ENHANCEMENT_SUCCEEDED
from imagegate_service.domain.masks import detect_for_mask
from imagegate_service.domain.model_calls import png_size
from imagegate_service.domain.ports import (
    EnhancementStore,
    ImageDetector,
    ImageServices,
    LocalImager,
    ObjectStore,
    UrlSigner,
    Workflow,
)
from imagegate_service.domain.spend import SpendLedger
from imagegate_service.domain.state import EnhanceEnd, EnhanceProgress, EnhanceStep, RunResult, Settings
from imagegate_service.errors import (
    BudgetExhausted,
    DailyBudgetExhausted,
    EnhancementEnded,
    GenerationNotFound,
    ImagegateError,
    InvalidRequest,
    Throttled,
    WorkflowThrottled,
)
from imagegate_service.rekognition_labels import mapping

STEP_ENHANCE = "enhance"
STEP_ENHANCE_DETECT = "enhance-detect"
ORIGIN_REQUEST = "request"  # POST /generations/{id}/enhance
ORIGIN_FINISH = "finish"  # the run request's `finish`, started by Finish Run
MAX_ENHANCEMENTS_PER_RUN = 20  # each is a workflow execution named after the run; a run is enhanced a few times
MASK_GROW = 0.02  # each box grown by this share of the image on every side (the edge of the object, its shadow)
_ARTICLES = ("the ", "a ", "an ")
SOURCE_BEDROCK = "bedrock"  # a step's `source`: the Image Service made the output ...
SOURCE_LOCAL = "local"  # ... or the local fallback did (adapters/local_imaging.py)


def fallback_reason(error: BaseException) -> str | None:
    """Why an operation's Bedrock call could not be made in a way the local fallback may stand in for, or None.

    Budget: the call's bound does not fit the enhancement's own limit (BudgetExhausted) or the daily budget
    (DailyBudgetExhausted). Unavailable: the account has no access (ModelAccessDenied: not subscribed, IAM), the
    model is retired (ModelRetired), unknown here (ModelNotFound: ResourceNotFoundException) or not offered in this
    region (MODEL_NOT_IN_REGION_MARK). Everything else (throttling, passing faults, filters, a rejected request, a
    bad answer) is not a reason: see the module's docstring."""
    if isinstance(error, DailyBudgetExhausted):
        return f"daily budget: {error}"
    if isinstance(error, BudgetExhausted):
        return f"the enhancement's limit: {error}"
    return unavailable_reason(error)


def _without_fallback(error: ImagegateError, operation: EnhanceOperation) -> ImagegateError:
    """The same error, saying that this operation could have run locally had the request allowed it."""
    note = (
        f" ({operation.op} could run locally instead with {ALLOW_LOCAL_FALLBACK}: true; this request did not allow it)"
    )
    if isinstance(error, DailyBudgetExhausted):
        return DailyBudgetExhausted(f"{error}{note}", error.retry_after_seconds)
    return type(error)(f"{error}{note}")


def enhancement_id(sequence: int) -> str:
    return f"e{sequence}"


def execution_name(run_id: str, enhancement: str) -> str:
    """The enhance workflow's execution of one enhancement: one per enhancement (its id is unique in its run)."""
    return f"{run_id}-{enhancement}"


def enhancement_of_execution(name: str) -> tuple[str, str] | None:
    """(run id, enhancement id) of an execution_name, or None for another name."""
    run_id, sep, enhancement = name.rpartition("-")
    if not sep or not run_id or not enhancement.startswith("e") or not enhancement[1:].isdigit():
        return None
    return run_id, enhancement


def output_key(run_id: str, source_round: int, enhancement: str, index: int, operation: EnhanceOperation) -> str:
    """Each operation's output beside the source round's images."""
    name = operation.service_key.replace(":", "-")
    return f"{c.round_prefix(run_id, source_round)}enhancements/{enhancement}/{index + 1:02d}-{name}.png"


def mask_png(width: int, height: int, boxes: list[tuple[float, float, float, float]]) -> bytes:
    """A greyscale PNG, white inside the boxes (left, top, width, height as shares of the image), black
    elsewhere: Erase Object's mask. Written with zlib alone (the functions carry no imaging library)."""
    rows = []
    spans = [
        (
            max(0, int((left - MASK_GROW) * width)),
            min(width, int((left + w + MASK_GROW) * width) + 1),
            max(0, int((top - MASK_GROW) * height)),
            min(height, int((top + h + MASK_GROW) * height) + 1),
        )
        for left, top, w, h in boxes
    ]
    for y in range(height):
        row = bytearray(width)
        for x0, x1, y0, y1 in spans:
            if y0 <= y < y1:
                row[x0:x1] = b"\xff" * (x1 - x0)
        rows.append(b"\x00" + bytes(row))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows), 6))
        + chunk(b"IEND", b"")
    )


def boxes_of(labels: dict[str, Any], target: str) -> list[tuple[float, float, float, float]]:
    """The bounding boxes DetectLabels gave the target's labels (by name or alias)."""
    words = target.strip().lower()
    for article in _ARTICLES:
        words = words.removeprefix(article)
    labels_map = mapping()
    wanted = labels_map.labels_for(words) or labels_map.labels_for(words.split()[-1] if words else "")
    names = set().union(*(labels_map.names_of(label) for label in wanted)) if wanted else {words}
    boxes = []
    for label in labels.get("Labels", []):
        aliases = {str(alias.get("Name", "")).lower() for alias in label.get("Aliases", [])}
        if str(label.get("Name", "")).lower() not in names and not aliases & names:
            continue
        for instance in label.get("Instances", []):
            box = instance.get("BoundingBox") or {}
            if {"Left", "Top", "Width", "Height"} <= set(box):
                boxes.append((float(box["Left"]), float(box["Top"]), float(box["Width"]), float(box["Height"])))
    return boxes


class EnhancementStarter:
    """POST /generations/{id}/enhance: checked whole before anything is written or started."""

    def __init__(self, store: EnhancementStore, workflow: Workflow, clock: Callable[[], Any] = utc_now):
        """`workflow`: the enhance workflow's state machine (wiring.enhance_workflow: its ARN read on use)."""
        self.store = store
        self._workflow = workflow
        self._clock = clock

    def start(self, run_id: str, body: Any, origin: str = ORIGIN_REQUEST) -> dict[str, Any]:
        if not isinstance(body, dict):
            raise InvalidRequest("body", 'must be a JSON object such as {"operations": [{"op": "remove-background"}]}')
        extra = sorted(set(body) - {"operations", "maxCostUsd", ALLOW_LOCAL_FALLBACK})
        if extra:
            raise InvalidRequest(
                extra[0],
                f"is not a field of an enhancement (it takes operations, maxCostUsd and {ALLOW_LOCAL_FALLBACK})",
            )
        operations = parse_operations(body.get("operations"))
        if local_fallback_flag(ALLOW_LOCAL_FALLBACK, body.get(ALLOW_LOCAL_FALLBACK, False)):
            # for every operation that can run locally (the others are unchanged: they always need Bedrock)
            operations = [
                replace(op, allow_local=True) if op.op in LOCAL_FALLBACK_OPERATIONS else op for op in operations
            ]
        bound = enhancement_bound_usd(operations)
        limit = body.get("maxCostUsd", bound)
        if isinstance(limit, bool) or not isinstance(limit, (int, float)) or not 0 < limit <= 100:
            raise InvalidRequest("maxCostUsd", "must be a number of dollars above 0 and at most 100")
        run = self.store.get_run(run_id)
        if run is None:
            raise GenerationNotFound(f"no generation {run_id}")
        if run.get("status") not in c.TERMINAL_STATUSES or not run.get("bestImageKey"):
            raise InvalidRequest(
                "id", f"generation {run_id} has no finished image to enhance (status {run.get('status')})"
            )
        existing = self.store.list_enhancements(run_id)
        if len(existing) >= MAX_ENHANCEMENTS_PER_RUN:
            raise InvalidRequest("id", f"generation {run_id} has {len(existing)} enhancements, the most one run keeps")
        now = iso(self._clock())
        sequence = len(existing) + 1
        while not self.store.create_enhancement(
            run_id,
            enhancement_id(sequence),
            {
                "status": ENHANCEMENT_QUEUED,
                "sequence": sequence,
                "operations": [op.to_dict() for op in operations],
                "sourceRound": int(run["bestRound"]),
                "sourceKey": run["bestImageKey"],
                "boundUsd": bound,
                "origin": origin,
                "maxCostUsd": float(limit),
                "createdAt": now,
                "updatedAt": now,
            },
        ):
            sequence += 1  # another request took this number a moment ago
        eid = enhancement_id(sequence)
        settings = run.get("settings")
        request = {
            "runId": run_id,
            "enhancementId": eid,
            "sequence": sequence,
            "sourceRound": int(run["bestRound"]),
            "prompt": str(run.get("prompt", "")),
            # the run's seed is in its settings (no writer keeps one beside them; a partial item draws with 0)
            "seed": int((settings.get("seed") if settings else None) or 0),
            "operations": [op.to_dict() for op in operations],
            "progress": {"index": 0, "current": {"key": run["bestImageKey"]}, "done": False},
            # the enhancement's own limit on the run's ledger: what the run had committed, plus its bound
            "settings": {"maxCostUsd": round(float(run.get("committedUsd", 0.0)) + float(limit), 9)},
        }
        try:
            self._workflow.start(execution_name(run_id, eid), request)
        except Exception as error:
            self.store.update_enhancement(
                run_id, eid, {"status": ENHANCEMENT_FAILED, "error": f"could not start: {error}", "updatedAt": now}
            )
            if isinstance(error, WorkflowThrottled):
                raise Throttled("too many workflows are starting; retry later") from error
            raise
        return {
            "runId": run_id,
            "enhancementId": eid,
            "status": ENHANCEMENT_QUEUED,
            "operations": request["operations"],
        }


def start_finish(starter: EnhancementStarter, run_id: str, settings: Settings, result: RunResult) -> str | None:
    """Finish Run: the run request's `finish` operations on the final image, as the run's enhancement; its id, or
    None when there is nothing to do (no `finish`, no image). Once per run: a re-delivered Finish Run finds the one
    it started. Whatever stops the start is kept on the enhancement's item (FAILED) or logged; the run has ended
    either way."""
    if not settings.get("finish") or not result.get("bestImageKey"):
        return None
    started = [e for e in starter.store.list_enhancements(run_id) if e.get("origin") == ORIGIN_FINISH]
    if started:
        return str(started[0]["enhancementId"])
    return str(starter.start(run_id, {"operations": settings["finish"]}, ORIGIN_FINISH)["enhancementId"])


class EnhancementRunner:
    """The enhance workflow's tasks: Apply Operation (one per operation, in order) and Finish Enhancement."""

    def __init__(
        self,
        store: EnhancementStore,
        images: ObjectStore,
        services: ImageServices,
        detector: ImageDetector,
        ledger: SpendLedger,
        *,
        make_local: Callable[[], LocalImager],
        clock: Callable[[], Any] = utc_now,
    ):
        """Built by wiring.enhancement_runner (the enhance workflow's two handlers); `detector` finds an erase's
        mask (Rekognition), `services` is the Image Services adapter, `make_local` makes the local fallback
        (wiring.local_imaging) the first time an operation falls back, so its imaging libraries load only then."""
        self._store = store
        self._images = images
        self._services = services
        self._detector = detector
        self._ledger = ledger
        self._clock = clock
        self._make_local = make_local

    @functools.cached_property
    def _local_imaging(self) -> LocalImager:
        """The local fallback, made on first use."""
        return self._make_local()

    def apply(self, state: EnhanceStep) -> EnhanceProgress:
        """One operation on the current image; the state's next index and image."""
        run_id, eid, index = state["runId"], state["enhancementId"], int(state["index"])
        operations = state["operations"]
        if not 0 <= index < min(len(operations), MAX_OPERATIONS):
            raise InvalidRequest("index", f"must be 0 to {len(operations) - 1}, not {index}")
        operation = parse_operation(index, operations[index])
        item = self._store.get_enhancement(run_id, eid)
        if item is None or item.get("status") not in ENHANCEMENT_OPEN_STATUSES:
            # its generation was deleted, or its execution stopped and the enhancement was closed: no call is
            # made or paid for, nothing is written
            raise EnhancementEnded(self._ended(run_id, eid, item, f"operation {index + 1} was not made"))
        if index == 0 and not self._store.update_if_open(
            run_id, eid, {"status": ENHANCEMENT_RUNNING, "updatedAt": iso(self._clock())}
        ):
            raise EnhancementEnded(self._ended(run_id, eid, None, "nothing was made"))
        source_key = state["current"]["key"]
        key = output_key(run_id, int(state["sourceRound"]), eid, index, operation)
        done = (item.get("steps") or {}).get(str(index))
        if done and done.get("sourceKey") == source_key and done.get("key") == key:
            # a re-delivered invocation of a finished step: its call was made, billed and recorded once
            return {"index": index + 1, "current": {"key": key}, "done": index + 1 >= len(operations)}
        source = self._images.get_bytes(source_key)
        candidate = int(state["sequence"]) * 10 + index
        cost = 0.0
        mask = None
        written: list[str] = []  # the objects this task puts under the run: removed if the run is deleted meanwhile
        if operation.op == "erase":
            labels_key = key.removesuffix(".png") + ".labels.json"
            earlier = self._images.find_json(labels_key)
            if earlier is None:  # kept before the edit: a retry of the edit does not pay for the detector again
                labels, cost = self._detect(state, candidate, source_key)
                written.append(labels_key)
                self._images.put_json(labels_key, {"labels": labels, "costUsd": cost})
            else:
                labels, cost = earlier["labels"], float(earlier["costUsd"])
            boxes = boxes_of(labels, operation.target or "")
            if not boxes:
                raise InvalidRequest(
                    f"operations[{index}].object",
                    f"the detector found no {operation.target!r} in the image to erase (nothing was changed)",
                )
            mask = mask_png(*png_size(source), boxes)
        request = ServiceRequest(
            operation,
            source,
            seed=int(state.get("seed") or 0),
            context_prompt=str(state.get("prompt", "")),
            mask_png=mask,
        )
        price = operation.price_usd
        local: dict[str, Any] = {}
        try:
            with self._ledger.call(
                state,
                round_number=int(state["sourceRound"]),
                step=STEP_ENHANCE,
                candidate=candidate,
                model_id=operation.model_id,
                bound_usd=price,
                in_round=False,
            ) as billed:
                output = self._services.apply(request, lambda: billed.answered(price))
        except ImagegateError as error:
            reason = fallback_reason(error)
            if reason is None or operation.op not in LOCAL_FALLBACK_OPERATIONS:
                raise
            if not operation.allow_local:
                raise _without_fallback(error, operation) from error
            output, method = self._local_imaging.apply(operation, source)
            price = 0.0  # nothing was billed: see the module's docstring for why it is not in the ledger
            local = {"method": method, "fallbackReason": reason[:500]}
        written.append(key)
        self._images.put_png(key, output)
        width, height = png_size(output)
        step = {
            "index": index,
            "op": operation.to_dict(),
            "description": operation.describe(),
            "source": SOURCE_LOCAL if local else SOURCE_BEDROCK,
            **(local or {"modelId": operation.model_id}),
            "sourceKey": source_key,
            "key": key,
            "width": width,
            "height": height,
            "costUsd": round(cost + price, 6),
        }
        if not self._store.put_step(run_id, eid, index, step, iso(self._clock())):
            # closed or deleted while the call ran (its cost is in the ledger: the call was made and paid). A
            # DELETE writes its marker before it lists the run's objects, so either the listing saw this output
            # or the marker is there now: the output does not outlive its run.
            if self._store.was_deleted(run_id):
                self._images.delete_keys(written)
            raise EnhancementEnded(self._ended(run_id, eid, None, f"the output of operation {index + 1} was not kept"))
        return {"index": index + 1, "current": {"key": key}, "done": index + 1 >= len(operations)}

    def _ended(self, run_id: str, eid: str, item: dict[str, Any] | None, what: str) -> str:
        """Why an enhancement's task stops writing: its generation was deleted, or the enhancement ended."""
        item = item or self._store.get_enhancement(run_id, eid)
        if item is None:
            return f"generation {run_id} was deleted while enhancement {eid} ran; {what}"
        return f"enhancement {eid} of generation {run_id} has ended ({item.get('status')}); {what}"

    def _detect(self, state: EnhanceStep, candidate: int, key: str) -> tuple[dict[str, Any], float]:
        """Erase's mask needs the object's boxes: one DetectLabels call, billed once (domain/masks.py, as the
        loop's targeted erase makes it), beside the source round and outside its round's budget."""
        return detect_for_mask(
            self._ledger,
            self._detector,
            state,
            key,
            round_number=int(state["sourceRound"]),
            step=STEP_ENHANCE_DETECT,
            candidate=candidate,
            in_round=False,
        )

    def finish(self, state: EnhanceStep) -> EnhanceEnd:
        """The enhancement's end: SUCCEEDED with its last image, or FAILED with the error that stopped it."""
        run_id, eid = state["runId"], state["enhancementId"]
        cost = finished_cost(self._store.get_enhancement(run_id, eid) or {})
        error = state.get("error")
        attributes: dict[str, Any] = {"costUsd": cost, "updatedAt": iso(self._clock()), "endedAt": iso(self._clock())}
        if error:
            attributes.update({"status": ENHANCEMENT_FAILED, "error": _error_text(error)})
        else:
            attributes.update({"status": ENHANCEMENT_SUCCEEDED, "resultKey": state["current"]["key"]})
        if not self._store.update_if_open(run_id, eid, attributes):
            item = self._store.get_enhancement(run_id, eid)
            if item is not None and item.get("status") == attributes["status"]:
                return {"status": attributes["status"], "costUsd": finished_cost(item)}  # a re-delivered Finish
            raise EnhancementEnded(self._ended(run_id, eid, item, "its end was not recorded"))
        return {"status": attributes["status"], "costUsd": cost}


def finished_cost(item: dict[str, Any]) -> float:
    """An enhancement's cost: the sum of its finished steps' (each step's own calls, recorded once)."""
    return round(sum(float(step["costUsd"]) for step in (item.get("steps") or {}).values()), 6)


def _error_text(error: Any) -> str:
    """What Step Functions caught (Error, Cause: the Lambda's errorMessage as JSON), as one line for people."""
    import json

    if not isinstance(error, dict):
        return str(error)[:500]
    cause = error.get("Cause", "")
    try:
        message = json.loads(cause).get("errorMessage", cause)
    except (ValueError, AttributeError):
        message = cause
    return f"{error.get('Error', 'Error')}: {message}"[:500]


def describe_enhancements(store: EnhancementStore, presigner: UrlSigner, run_id: str) -> list[dict[str, Any]]:
    """The run document's `enhancements`: each one, oldest first, with its operations, status, cost and the
    image each operation made (a URL to GET), beside the source round it started from.

    An item is read as it is, not as this version writes it: a step written before a field existed (`op` came
    after the first steps were kept; a kept run folder reloads them) or an item another writer left partial must
    still describe, so every field but the item's id is read with a default: a step's index from its key in
    `steps`, its op from the enhancement's operations at that index, no image URL without a key."""
    described = []
    for item in sorted(store.list_enhancements(run_id), key=lambda entry: int(entry.get("sequence", 0))):
        operations = item.get("operations") or []
        steps = sorted(
            (_step_index(key, step), step) for key, step in (item.get("steps") or {}).items() if isinstance(step, dict)
        )
        result = item.get("resultKey")
        described.append(
            {
                "id": item.get("enhancementId") or str(item.get("sk", "")).rpartition("#")[2],
                "status": item.get("status"),
                "origin": item.get("origin", ORIGIN_REQUEST),
                "operations": operations,
                "sourceRound": item.get("sourceRound"),
                "sourceImage": presigner.url(item["sourceKey"]) if item.get("sourceKey") else None,
                "costUsd": float(item.get("costUsd", 0.0)),
                "maxCostUsd": item.get("maxCostUsd"),
                "createdAt": item.get("createdAt"),
                "endedAt": item.get("endedAt"),
                "error": item.get("error"),
                "image": presigner.url(result) if result else None,
                "steps": [
                    {
                        "index": index,
                        "op": step.get("op") or (operations[index] if 0 <= index < len(operations) else None),
                        "description": step.get("description"),
                        "source": step.get("source", SOURCE_BEDROCK),
                        "modelId": step.get("modelId"),
                        "method": step.get("method"),
                        "fallbackReason": step.get("fallbackReason"),
                        "width": step.get("width"),
                        "height": step.get("height"),
                        "costUsd": float(step.get("costUsd", 0.0)),
                        "image": presigner.url(step["key"]) if step.get("key") else None,
                    }
                    for index, step in steps
                ],
            }
        )
    return described


def _step_index(key: str, step: dict[str, Any]) -> int:
    """A step's index: its own, else the key put_step wrote it under (steps.<index>); -1 when neither is one."""
    for value in (step.get("index"), key):
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str) and value.isdigit():
            return int(value)
    return -1
