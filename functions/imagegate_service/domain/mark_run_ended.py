"""Mark Run Ended: an execution that timed out, was aborted or failed outside the state machine's Catch never
reaches Finish Run, so its run item would say RUNNING forever. Step Functions' "Execution Status Change" event
(EventBridge in AWS; the local runtime builds the same detail) names the execution; this marks its run
FAILED with the execution's status and cause as the reason, only while the item still says QUEUED or RUNNING
(a conditional update: a run Finish Run already closed, or a second delivery of the event, changes nothing).

A benchmark execution carries many runs (named `<execution name>-NNN`): each of them still RUNNING and
started after the benchmark is marked the same way.

An enhance-workflow execution (named `<run id>-e<N>`, domain/enhancements.py) that timed out, was aborted or failed
without reaching Record Failure leaves its enhancement QUEUED or RUNNING: that enhancement is marked FAILED the same
way (only while it is still open), with the cost of the steps it finished; the run itself is not touched."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from imagegate_service import constants as c
from imagegate_service.domain.clock import iso, parse_iso, utc_now
from imagegate_service.domain.daily_budget import DailyBudget
from imagegate_service.domain.enhancements import (
    ENHANCEMENT_FAILED,
    enhancement_of_execution,
    finished_cost,
)
from imagegate_service.domain.finishing import CAUSE_LIMIT
from imagegate_service.domain.ports import Clock, RunRepository
from imagegate_service.domain.state import EndMarking, ExecutionEndDetail


def no_state_machine() -> str:
    """No such workflow deployed here: no execution is taken for one of it."""
    return ""


class RunEnder:
    """Marks what an execution left open when it ended outside the state machine's Catch. The runs table is the
    repository port's (RunRepository.fail_if_running, running_runs_since); the benchmark's and the enhance
    workflow's state machine ARNs are asked on use (the wiring reads them from the environment then: a deployment
    without one answers "")."""

    def __init__(
        self,
        runs: RunRepository,
        daily: DailyBudget,
        enhancements: Any,
        clock: Clock = utc_now,
        benchmark_state_machine_arn: Callable[[], str] = no_state_machine,
        enhance_state_machine_arn: Callable[[], str] = no_state_machine,
    ):
        self._daily = daily
        self._runs = runs
        self._enhancements = enhancements
        self._clock = clock
        self._benchmark_arn = benchmark_state_machine_arn
        self._enhance_arn = enhance_state_machine_arn

    def execution_ended(self, detail: ExecutionEndDetail) -> EndMarking:
        """Handle one event detail; returns what was done (`marked`: the run ids now FAILED)."""
        status, name = detail.get("status"), detail.get("name") or _name_of(detail.get("executionArn", ""))
        if status is None or status not in c.EXECUTION_END_STATUSES or not name:
            return {"execution": name, "status": status, "marked": [], "skipped": "not an ending this marks"}
        if self._is_enhancement(detail):
            return self._enhancement_ended(status, name, detail)
        attributes = {
            "reason": _reason(status, detail),
            "error": detail.get("error") or f"Execution{status.title().replace('_', '')}",
            "cause": str(detail.get("cause") or "")[:CAUSE_LIMIT] or None,
            "executionStatus": status,
            "finishedAt": iso(_moment(detail.get("stopDate")) or self._clock()),
            "updatedAt": iso(self._clock()),
        }
        attributes = {key: value for key, value in attributes.items() if value is not None}
        if self._is_benchmark(detail):
            started = iso(_moment(detail.get("startDate")) or datetime.fromtimestamp(0, UTC))
            candidates = list(self._runs.running_runs_since(started, f"{name}-"))
        else:
            candidates = [name]
        marked = [run_id for run_id in candidates if self._runs.fail_if_running(run_id, attributes)]
        for run_id in marked:  # the run never reached Finish Run: what it still holds of the daily cap goes back
            self._daily.release_run(run_id)
        return {"execution": name, "status": status, "marked": marked}

    def _enhancement_ended(self, status: str, name: str, detail: ExecutionEndDetail) -> EndMarking:
        result: EndMarking = {"execution": name, "status": status, "marked": [], "enhancementsMarked": []}
        found = enhancement_of_execution(name)
        if found is None:
            return {**result, "skipped": "not an enhancement's execution name"}
        run_id, enhancement_id = found
        store = self._enhancements
        item = store.get_enhancement(run_id, enhancement_id)
        if item is None:
            return {**result, "skipped": "no such enhancement"}
        now = iso(self._clock())
        attributes = {
            "status": ENHANCEMENT_FAILED,
            "error": _reason(status, detail, "the enhancement could end"),
            "executionStatus": status,
            "costUsd": finished_cost(item),
            "endedAt": iso(_moment(detail.get("stopDate")) or self._clock()),
            "updatedAt": now,
        }
        if store.update_if_open(run_id, enhancement_id, attributes):
            result["enhancementsMarked"] = [f"{run_id}/{enhancement_id}"]
        return result

    def _is_enhancement(self, detail: ExecutionEndDetail) -> bool:
        enhance = self._enhance_arn()
        return bool(enhance) and detail.get("stateMachineArn") == enhance

    def _is_benchmark(self, detail: ExecutionEndDetail) -> bool:
        benchmark = self._benchmark_arn()
        return bool(benchmark) and detail.get("stateMachineArn") == benchmark


def _reason(status: str, detail: ExecutionEndDetail, before: str = "the run could finish") -> str:
    what = {"TIMED_OUT": "timed out", "ABORTED": "was aborted", "FAILED": "failed"}[status]
    cause = " ".join(str(detail.get("cause") or detail.get("error") or "").split())
    reason = f"the execution {what} ({status}) before {before}"
    return f"{reason}: {cause[:300]}" if cause else reason


def _name_of(execution_arn: str) -> str:
    """arn:aws:states:REGION:ACCOUNT:execution:STATE_MACHINE:NAME -> NAME"""
    parts = execution_arn.split(":")
    return parts[7] if len(parts) >= 8 and parts[5] == "execution" else ""


def _moment(value: Any) -> datetime | None:
    """EventBridge gives epoch milliseconds; boto3's describe_execution (the local runtime) a datetime; the AWS
    CLI's describe-execution (a run closed by hand) an ISO 8601 string."""
    if isinstance(value, str):
        try:
            value = parse_iso(value)
        except ValueError:
            return None
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC)
    if isinstance(value, (int, float)) and value > 0:
        return datetime.fromtimestamp(value / 1000, UTC)
    return None
