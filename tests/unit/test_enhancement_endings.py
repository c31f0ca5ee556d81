"""An enhancement whose execution timed out, was aborted or failed outside the enhance workflow's Catch gets an
ending, as a run does (issue 28, item 1's leftover): Mark Run Ended, on the EventBridge rule's event for the enhance
state machine, marks it FAILED with the status and cause while it is still QUEUED or RUNNING, keeping the cost of
the steps it finished; a second delivery, or an enhancement that had ended, changes nothing; the run is untouched.
The local runtime does the same when an enhance execution is stopped."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import boto3
import pytest

from imagegate.local.runtime import ACCOUNT, BUCKET, REGION, LocalRuntime, poll_execution
from imagegate.local.world.render import render_png
from imagegate_service import constants as c
from imagegate_service import wiring
from imagegate_service.adapters.enhancements import DynamoEnhancementStore
from imagegate_service.domain.enhancements import (
    ENHANCEMENT_FAILED,
    ENHANCEMENT_RUNNING,
    ENHANCEMENT_SUCCEEDED,
    EnhancementStarter,
    execution_name,
)
from imagegate_service.handlers import mark_run_ended

pytestmark = pytest.mark.unit

STARTED = datetime(2026, 12, 5, 1, 0, tzinfo=UTC)
RUN = "run-ending-1"


@pytest.fixture
def runtime():
    with LocalRuntime(retry_time_scale=0.0) as local:
        yield local


def _enhancement(runtime, eid: str, status: str, step_cost: float = 0.03) -> DynamoEnhancementStore:
    store = DynamoEnhancementStore()
    if runtime.runs().get_run(RUN) is None:
        runtime.runs().create_run(RUN, {"status": c.STATUS_PASSED, "bestRound": 1, "bestImageKey": "k"})
    store.create_enhancement(RUN, eid, {"status": "RUNNING", "sequence": int(eid[1:]), "sourceKey": "k"})
    assert store.put_step(RUN, eid, 0, {"index": 0, "key": "k1", "costUsd": step_cost}, "2026-12-05T01:00:00Z")
    store.update_enhancement(RUN, eid, {"status": status})  # a step is written while it runs, then it ends
    return store


def _event(runtime, eid: str, status: str, **detail) -> dict:
    arn = runtime.enhance_state_machine_arn
    name = execution_name(RUN, eid)
    return {
        "detail-type": "Step Functions Execution Status Change",
        "source": "aws.states",
        "detail": {
            "executionArn": f"{arn.replace(':stateMachine:', ':execution:')}:{name}",
            "stateMachineArn": arn,
            "name": name,
            "status": status,
            "startDate": int(STARTED.timestamp() * 1000),
            "stopDate": int((STARTED + timedelta(hours=1)).timestamp() * 1000),
            **detail,
        },
    }


@pytest.mark.parametrize("status", ["TIMED_OUT", "ABORTED", "FAILED"])
def test_an_open_enhancement_is_marked_failed_with_the_status_cause_and_its_finished_steps_cost(
    runtime, lambda_context, status
):
    store = _enhancement(runtime, "e1", ENHANCEMENT_RUNNING, step_cost=0.07)

    result = mark_run_ended.handler(_event(runtime, "e1", status, cause="States.Timeout"), lambda_context)

    item = store.get_enhancement(RUN, "e1")
    assert result["enhancementsMarked"] == [f"{RUN}/e1"] and result["marked"] == []
    assert item["status"] == ENHANCEMENT_FAILED and item["executionStatus"] == status
    assert status in item["error"] and "States.Timeout" in item["error"] and "enhancement" in item["error"]
    assert item["costUsd"] == pytest.approx(0.07) and item["endedAt"].startswith("2026-12-05T02:00:00")
    assert runtime.runs().get_run(RUN)["status"] == c.STATUS_PASSED  # the run's own outcome stands


def test_a_second_delivery_and_an_ended_enhancement_change_nothing(runtime, lambda_context):
    store = _enhancement(runtime, "e1", ENHANCEMENT_RUNNING)
    mark_run_ended.handler(_event(runtime, "e1", "ABORTED", cause="first"), lambda_context)
    again = mark_run_ended.handler(_event(runtime, "e1", "ABORTED", cause="second"), lambda_context)
    assert again["enhancementsMarked"] == [] and "first" in store.get_enhancement(RUN, "e1")["error"]

    _enhancement(runtime, "e2", ENHANCEMENT_SUCCEEDED)
    assert mark_run_ended.handler(_event(runtime, "e2", "FAILED"), lambda_context)["enhancementsMarked"] == []
    assert store.get_enhancement(RUN, "e2")["status"] == ENHANCEMENT_SUCCEEDED


def test_an_execution_of_another_name_or_without_an_item_marks_nothing(runtime, lambda_context):
    event = _event(runtime, "e9", "TIMED_OUT")
    assert mark_run_ended.handler(event, lambda_context)["enhancementsMarked"] == []  # no such enhancement
    event["detail"]["name"] = "not-an-enhancement"
    assert mark_run_ended.handler(event, lambda_context)["skipped"] == "not an enhancement's execution name"


def test_the_local_runtime_ends_an_enhancement_whose_execution_was_stopped():
    # Given a finished run and an enhancement whose every call is throttled, so its execution waits in its retries
    with LocalRuntime(retry_time_scale=1.0) as runtime:
        runtime.runs().create_run(
            RUN,
            {
                "status": c.STATUS_PASSED,
                "bestRound": 1,
                "bestImageKey": c.candidate_key(RUN, 1, 0),
                "committedUsd": 0.0,
                "prompt": "a red cup",
            },
        )
        boto3.client("s3").put_object(
            Bucket=BUCKET, Key=c.candidate_key(RUN, 1, 0), Body=render_png("a red cup", "", 1, 256, 256)
        )
        runtime.image_services.bedrock.faults.throttle_rate = 1.0
        store = DynamoEnhancementStore()
        started = EnhancementStarter(store, wiring.enhance_workflow()).start(
            RUN, {"operations": [{"op": "upscale", "mode": "fast"}]}
        )
        arn = (
            runtime.enhance_state_machine_arn.replace(":stateMachine:", ":execution:")
            + f":{execution_name(RUN, started['enhancementId'])}"
        )

        # When someone stops the execution while its first operation is being retried
        for _ in range(200):
            if store.get_enhancement(RUN, started["enhancementId"])["status"] == ENHANCEMENT_RUNNING:
                break
            time.sleep(0.05)
        boto3.client("stepfunctions").stop_execution(executionArn=arn, cause="stopped by the test")

        # Then the execution ends without reaching Record Failure (AWS says ABORTED; moto's interpreter, stopped in a
        # Retry's wait, says FAILED with the task's error) and the enhancement is FAILED saying so, not left open
        ended = poll_execution(arn, poll_seconds=0.05, timeout_seconds=30)["status"]
        assert ended in ("ABORTED", "FAILED")
        for _ in range(100):  # marked on the interpreter's thread right after the end
            item = store.get_enhancement(RUN, started["enhancementId"])
            if item["status"] == ENHANCEMENT_FAILED:
                break
            time.sleep(0.05)
        assert item["status"] == ENHANCEMENT_FAILED and f"({ended}) before the enhancement could end" in item["error"]
        assert item["costUsd"] == 0  # nothing was answered, nothing is billed
        assert f"{REGION}:{ACCOUNT}" in arn
