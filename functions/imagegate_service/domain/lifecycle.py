"""Cancel and delete a generation (POST /generations/{id}/cancel, DELETE /generations/{id}).

Cancel stops the run's execution (StopExecution: it ends ABORTED) and records the run as ended the way every
execution that ends outside the state machine's Catch is recorded (domain/mark_run_ended.py, Mark Run Ended): FAILED with
the execution's status and the cause ("cancelled by ..."), its rounds and their cost kept, and what it still held
of the daily cap given back. The record is written here at once, not left to the "Execution Status Change" event,
so the answer already says how the run ended; the event's second marking changes nothing (it is conditional on
the run still being open). A model call in flight when the execution stops is still recorded once in the spend
ledger by the task that made it (StopExecution does not stop a Lambda invocation).

Delete removes what a finished run left: its images and documents under runs/<id>/ and its items (run, rounds,
enhancements). The spend ledger (CALL#) and the daily reservations (DAYRES#) stay: what was paid is never erased.
A marker (DELETED) is written first, so a GET of the id answers 404 "deleted" (Step Functions still describes the
execution) and a delete interrupted half-way is finished by the next one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypedDict

from imagegate_service import constants as c
from imagegate_service.domain.clock import iso, utc_now
from imagegate_service.domain.enhancements import ENHANCEMENT_OPEN_STATUSES
from imagegate_service.domain.ports import Clock, ExecutionStopper, ObjectStore, RunRemoval
from imagegate_service.domain.run_ids import is_run_id
from imagegate_service.domain.state import ExecutionEndDetail, RunItem
from imagegate_service.errors import (
    GenerationNotFound,
    GenerationNotRunning,
    GenerationStillRunning,
    Throttled,
    WorkflowThrottled,
)

CANCELLED_ERROR = "Cancelled"  # the StopExecution error, and the run's `error` once it is recorded
# The items of a run's partition a delete keeps: the money record (each billable call, each round's daily reservation).
KEPT_SK_PREFIXES = (c.LEDGER_SK_PREFIX, c.DAILY_RESERVATION_SK_PREFIX, c.DELETED_SK)


class CancelTotals(TypedDict):
    rounds: int
    costUsd: float
    evaluationCostUsd: float


class Cancelled(TypedDict):
    """POST /generations/{id}/cancel's answer: how the run ended and what it had done and spent."""

    id: str
    status: str
    executionStatus: str | None
    reason: str | None
    error: str | None
    finishedAt: str | None
    totals: CancelTotals


class Deleted(TypedDict):
    """What DELETE /generations/{id} removed (the API answers 204; the CLI prints the counts)."""

    id: str
    objects: int  # S3 objects under runs/<id>/
    items: int  # the partition's items (the ledger and the daily reservations stay)


class GenerationLifecycle:
    def __init__(
        self,
        removal: RunRemoval,
        objects: ObjectStore,
        workflow: ExecutionStopper,
        ender: Callable[[ExecutionEndDetail], object],
        clock: Clock = utc_now,
    ):
        self._removal = removal
        self._objects = objects
        self._workflow = workflow
        self._ender = ender
        self._clock = clock

    # -- cancel ----------------------------------------------------------------------------------
    def cancel(self, run_id: str, caller: str) -> Cancelled:
        """Stop a run that has not ended; returns its id, status, reason and what it had done and spent. 404 for
        an unknown id, 409 (GenerationNotRunning) for a run that has ended, before or while this was asked."""
        item = self._item(run_id)
        if item["status"] not in c.OPEN_STATUSES:
            raise GenerationNotRunning(
                f"generation {run_id} has ended ({item['status']}); only a running one can be cancelled"
            )
        cause = f"cancelled by {caller}"[:300]
        try:
            stopped = self._workflow.stop(run_id, CANCELLED_ERROR, cause)
        except WorkflowThrottled as error:
            raise Throttled("Step Functions is busy; retry the cancel") from error
        if not stopped:
            # No execution is named after the run: a benchmark's run is a child of the benchmark's Map Run. Marking
            # it ended would give back its daily reservations while it still runs and spends.
            raise GenerationNotRunning(
                f"generation {run_id} has no execution of its own to stop (a benchmark's run ends with its "
                "benchmark); nothing was changed"
            )
        self._ender(
            {
                "status": "ABORTED",
                "name": run_id,
                "error": CANCELLED_ERROR,
                "cause": cause,
                "stopDate": iso(self._clock()),
            }
        )
        after = self._removal.get_run(run_id) or item
        if after.get("error") != CANCELLED_ERROR:
            # it reached its own end between the read above and the stop (the marking is conditional on it being open)
            raise GenerationNotRunning(f"generation {run_id} ended ({after['status']}) before it could be cancelled")
        return {
            "id": run_id,
            "status": after["status"],
            "executionStatus": after.get("executionStatus"),
            "reason": after.get("reason"),
            "error": after.get("error"),
            "finishedAt": after.get("finishedAt"),
            "totals": {
                "rounds": after.get("rounds", 0),
                "costUsd": after.get("costUsd", 0.0),
                "evaluationCostUsd": after.get("evaluationCostUsd", 0.0),
            },
        }

    # -- delete ----------------------------------------------------------------------------------
    def delete(self, run_id: str, caller: str) -> Deleted:
        """Remove a finished run's objects and items (see the module docstring); returns what was removed. 404 for
        an unknown (or already deleted) id, 409 (GenerationStillRunning) while it or an enhancement of it runs."""
        item = self._item(run_id)
        if item["status"] in c.OPEN_STATUSES:
            raise GenerationStillRunning(
                f"generation {run_id} is {item['status']}; cancel it (POST .../cancel) or wait for it to end before deleting it"
            )
        self._refuse_if_enhancing(run_id, self._removal.partition(run_id))
        # The marker goes first: an enhancement is created only while the run has none (a transaction checks it:
        # adapters/enhancements.create_enhancement), so once the marker is in, the partition read after it holds
        # every enhancement that will ever start, and a task of one that has ended can tell its run is going.
        fresh = self._removal.mark_deleted(
            run_id, {"deletedAt": iso(self._clock()), "deletedBy": caller[:300], "status": item["status"]}, item
        )
        partition = self._removal.partition(run_id)
        try:
            self._refuse_if_enhancing(run_id, partition)
        except GenerationStillRunning:
            if fresh:  # an enhancement started between the first look and the marker: it wins, nothing is removed
                self._removal.unmark_deleted(run_id)
            raise
        keys = self._objects.list_keys(f"{c.RUNS_PREFIX}{run_id}/")
        self._objects.delete_keys(keys)
        removed = [entry["sk"] for entry in partition if not entry["sk"].startswith(KEPT_SK_PREFIXES)]
        self._removal.delete_items(run_id, removed)
        return {"id": run_id, "objects": len(keys), "items": len(removed)}

    @staticmethod
    def _refuse_if_enhancing(run_id: str, partition: list[dict[str, Any]]) -> None:
        """409 while an enhancement of the run has not ended: its task would still write beside the run."""
        busy = [
            entry.get("enhancementId") or entry["sk"][len(c.ENHANCEMENT_SK_PREFIX) :]
            for entry in partition
            if entry["sk"].startswith(c.ENHANCEMENT_SK_PREFIX) and entry.get("status") in ENHANCEMENT_OPEN_STATUSES
        ]
        if busy:
            raise GenerationStillRunning(
                f"generation {run_id} has enhancement(s) still running ({', '.join(busy)}); delete it when they "
                "end (nothing was removed)"
            )

    def _item(self, run_id: str) -> RunItem:
        if not is_run_id(run_id):
            raise GenerationNotFound(f"no generation has the id {run_id!r}")
        item = self._removal.get_run(run_id)
        if item is None:
            if self._removal.was_deleted(run_id):
                raise GenerationNotFound(f"generation {run_id} was deleted")
            raise GenerationNotFound(f"no generation has the id {run_id!r}")
        return item
