"""Mark Run Ended: a run whose execution timed out, was aborted or failed outside the state machine's Catch is
marked FAILED (once, only while RUNNING), by the EventBridge target in AWS and by the local runtime."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta

import boto3
import pytest

from imagegate.local.runtime import ACCOUNT, REGION, LocalRuntime
from imagegate_service import constants as c
from imagegate_service.domain.clock import iso
from imagegate_service.handlers import mark_run_ended

pytestmark = pytest.mark.unit

STARTED = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)
LOOP_ARN = f"arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:imagegate-quality-loop"
BENCHMARK_ARN = f"arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:imagegate-benchmark"


@pytest.fixture
def runtime():
    with LocalRuntime(retry_time_scale=0.0) as local:
        yield local


def _run_item(runtime, run_id: str, status: str = c.STATUS_RUNNING, started: datetime = STARTED) -> None:
    runtime.runs().create_run(
        run_id,
        {
            "status": status,
            "startedAt": iso(started),
            c.RUNS_INDEX_PK: c.RUNS_INDEX_PK_VALUE,
            c.RUNS_INDEX_SK: c.runs_index_sk(iso(started), run_id),
        },
    )


def _event(name: str, status: str, state_machine_arn: str = LOOP_ARN, **detail) -> dict:
    """What EventBridge delivers for Step Functions "Execution Status Change"."""
    return {
        "version": "0",
        "id": "e1",
        "detail-type": "Step Functions Execution Status Change",
        "source": "aws.states",
        "account": ACCOUNT,
        "time": "2026-11-30T02:00:00Z",
        "region": REGION,
        "resources": [f"arn:aws:states:{REGION}:{ACCOUNT}:execution:x:{name}"],
        "detail": {
            "executionArn": f"{state_machine_arn.replace(':stateMachine:', ':execution:')}:{name}",
            "stateMachineArn": state_machine_arn,
            "name": name,
            "status": status,
            "startDate": int(STARTED.timestamp() * 1000),
            "stopDate": int((STARTED + timedelta(hours=1)).timestamp() * 1000),
            **detail,
        },
    }


@pytest.mark.parametrize("status", c.EXECUTION_END_STATUSES)
def test_a_running_run_is_marked_failed_with_the_status_and_cause(runtime, lambda_context, status):
    # Given a run whose item still says RUNNING
    _run_item(runtime, "stuck-run")

    # When its execution's end arrives
    result = mark_run_ended.handler(
        _event("stuck-run", status, error="States.Timeout", cause="took too long"), lambda_context
    )

    # Then the run is FAILED, and its reason names the execution's status and cause
    item = runtime.runs().get_run("stuck-run")
    assert result["marked"] == ["stuck-run"]
    assert item["status"] == c.STATUS_FAILED
    assert status in item["reason"] and "took too long" in item["reason"]
    assert item["executionStatus"] == status
    assert item["finishedAt"] == iso(STARTED + timedelta(hours=1))


def test_a_run_closed_by_hand_with_the_clis_describe_execution_output(runtime, lambda_context):
    # Given what `aws stepfunctions describe-execution` prints (dates as ISO 8601 text)
    _run_item(runtime, "by-hand")
    detail = {
        "executionArn": f"arn:aws:states:{REGION}:{ACCOUNT}:execution:imagegate-quality-loop:by-hand",
        "stateMachineArn": LOOP_ARN,
        "name": "by-hand",
        "status": "ABORTED",
        "startDate": "2026-11-30T01:00:00.000000+00:00",
        "stopDate": "2026-11-30T01:30:00.000000+00:00",
    }

    result = mark_run_ended.handler({"detail": detail}, lambda_context)

    assert result["marked"] == ["by-hand"]
    assert runtime.runs().get_run("by-hand")["finishedAt"] == iso(STARTED + timedelta(minutes=30))


def test_a_second_delivery_changes_nothing(runtime, lambda_context):
    # Given a run already marked by a first delivery of the event
    _run_item(runtime, "twice")
    mark_run_ended.handler(_event("twice", "ABORTED"), lambda_context)
    first = runtime.runs().get_run("twice")

    # When the same event arrives again (EventBridge delivers at least once)
    result = mark_run_ended.handler(_event("twice", "ABORTED", cause="again"), lambda_context)

    # Then nothing is written
    assert result["marked"] == []
    assert runtime.runs().get_run("twice") == first


@pytest.mark.parametrize("status", [c.STATUS_PASSED, c.STATUS_EXHAUSTED, c.STATUS_BLOCKED, c.STATUS_FAILED])
def test_a_finished_run_keeps_its_outcome(runtime, lambda_context, status):
    _run_item(runtime, "finished", status=status)
    assert mark_run_ended.handler(_event("finished", "FAILED"), lambda_context)["marked"] == []
    assert runtime.runs().get_run("finished")["status"] == status


def test_an_execution_without_a_run_item_creates_none(runtime, lambda_context):
    # Given an execution that failed before Start Run wrote anything
    assert mark_run_ended.handler(_event("never-started", "FAILED"), lambda_context)["marked"] == []
    assert runtime.runs().get_run("never-started") is None


@pytest.mark.parametrize("status", ["SUCCEEDED", "RUNNING", "PENDING_REDRIVE", None])
def test_other_statuses_are_ignored(runtime, lambda_context, status):
    _run_item(runtime, "fine")
    assert mark_run_ended.handler(_event("fine", status), lambda_context)["marked"] == []
    assert runtime.runs().get_run("fine")["status"] == c.STATUS_RUNNING


def test_a_benchmark_end_marks_only_its_own_runs_that_still_run(runtime, lambda_context, monkeypatch):
    # Given a benchmark's runs (two running, one passed), an older run with the same prefix, and another run
    monkeypatch.setenv(c.ENV_BENCHMARK_STATE_MACHINE_ARN, BENCHMARK_ARN)
    for run_id in ("night-001", "night-002"):
        _run_item(runtime, run_id, started=STARTED + timedelta(minutes=1))
    _run_item(runtime, "night-003", status=c.STATUS_PASSED, started=STARTED + timedelta(minutes=1))
    _run_item(runtime, "night-004", started=STARTED - timedelta(days=1))  # not of this benchmark: started before
    _run_item(runtime, "someone-else", started=STARTED + timedelta(minutes=2))

    # When the benchmark execution times out
    result = mark_run_ended.handler(_event("night", "TIMED_OUT", BENCHMARK_ARN), lambda_context)

    # Then its two running runs are FAILED and nothing else changed
    assert sorted(result["marked"]) == ["night-001", "night-002"]
    statuses = {
        run_id: runtime.runs().get_run(run_id)["status"]
        for run_id in ("night-001", "night-002", "night-003", "night-004", "someone-else")
    }
    assert statuses == {
        "night-001": c.STATUS_FAILED,
        "night-002": c.STATUS_FAILED,
        "night-003": c.STATUS_PASSED,
        "night-004": c.STATUS_RUNNING,
        "someone-else": c.STATUS_RUNNING,
    }


def _state_machine(name: str, state: dict) -> str:
    """A one-state machine (the run item is written by the test, as Start Run would)."""
    definition = {"StartAt": "Only", "States": {"Only": state}}
    return boto3.client("stepfunctions").create_state_machine(
        name=name, definition=json.dumps(definition), roleArn=f"arn:aws:iam::{ACCOUNT}:role/test", type="STANDARD"
    )["stateMachineArn"]


def _wait_for_end(arn: str) -> str:
    from imagegate.local.runtime import poll_execution

    return poll_execution(arn, poll_seconds=0.05, timeout_seconds=10)["status"]


def _once_ended(runtime, run_id: str) -> dict:
    for _ in range(100):
        item = runtime.runs().get_run(run_id)
        if item["status"] != c.STATUS_RUNNING:
            return item
        time.sleep(0.05)
    return item


def test_the_local_runtime_marks_a_run_whose_execution_failed_outside_a_catch(runtime):
    # Given a running run whose execution fails with no Catch around
    _run_item(runtime, "uncaught-001")
    arn = _state_machine("fails-uncaught", {"Type": "Fail", "Error": "Boom", "Cause": "the test's Fail state"})
    execution = boto3.client("stepfunctions").start_execution(stateMachineArn=arn, name="uncaught-001", input="{}")

    # When it ends FAILED
    assert _wait_for_end(execution["executionArn"]) == "FAILED"

    # Then the runtime has marked the run FAILED with the execution's error (right after the end, on its thread)
    item = _once_ended(runtime, "uncaught-001")
    assert item["status"] == c.STATUS_FAILED
    assert "FAILED" in item["reason"] and "the test's Fail state" in item["reason"]


def test_the_local_runtime_marks_a_run_whose_execution_was_aborted(runtime):
    # Given a running run whose execution waits
    _run_item(runtime, "aborted-001")
    arn = _state_machine("waits", {"Type": "Wait", "Seconds": 30, "End": True})
    sfn = boto3.client("stepfunctions")
    execution_arn = sfn.start_execution(stateMachineArn=arn, name="aborted-001", input="{}")["executionArn"]
    # (once it waits: moto's interpreter cannot stop an execution whose worker has not set itself up yet)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not any(
        event["type"] == "WaitStateEntered" for event in sfn.get_execution_history(executionArn=execution_arn)["events"]
    ):
        time.sleep(0.05)

    # When someone stops it, with an error and a cause
    sfn.stop_execution(executionArn=execution_arn, error="Cancelled", cause="stopped by the test")

    # Then the execution keeps the error and the cause it was stopped with, as Step Functions does, and the run is
    # FAILED with the reason ABORTED, that cause and that error (moto stopped it with neither: a cancel whose own
    # record came second was recorded as a bare abort and answered 409, test_console_working under load)
    assert _wait_for_end(execution_arn) == "ABORTED"
    described = sfn.describe_execution(executionArn=execution_arn)
    assert (described.get("error"), described.get("cause")) == ("Cancelled", "stopped by the test")
    item = _once_ended(runtime, "aborted-001")
    assert item["status"] == c.STATUS_FAILED and "ABORTED" in item["reason"]
    assert "stopped by the test" in item["reason"] and item["error"] == "Cancelled"
