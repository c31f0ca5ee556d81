"""The enhance workflow as written (statemachine/enhance.asl.json) in the local runtime: moto's Step Functions
interpreter runs it, the handlers do the work, the offline Image Services answer. A finished run is enhanced
with two operations; a throttled operation is retried and paid once; a failing one ends the enhancement FAILED
with its reason and pays for nothing it did not get."""

import io
import json

import pytest
from PIL import Image

from imagegate.local.runtime import poll_execution
from imagegate_service import constants as c
from imagegate_service import wiring
from imagegate_service.adapters.enhancements import DynamoEnhancementStore
from imagegate_service.domain.enhancements import (
    ENHANCEMENT_FAILED,
    ENHANCEMENT_SUCCEEDED,
    STEP_ENHANCE,
    EnhancementStarter,
)

pytestmark = pytest.mark.integration

REQUEST = {"prompt": "a red cup on a wooden table", "maxRounds": 1, "candidatesPerRound": 1, "seed": 3}


def finished_run(runtime):
    outcome = runtime.run(REQUEST)
    run = runtime.runs().get_run(outcome.run_id)
    assert run["status"] in c.TERMINAL_STATUSES and run["bestImageKey"]
    return outcome.run_id, run


def enhance(runtime, run_id, operations):
    started = wiring.enhancement_starter().start(run_id, {"operations": operations})
    arn = (
        runtime.enhance_state_machine_arn.replace(":stateMachine:", ":execution:")
        + f":{run_id}-{started['enhancementId']}"
    )
    description = poll_execution(arn, None, 0.05)
    return started["enhancementId"], description


def test_two_operations_end_succeeded_with_both_outputs_kept_and_billed_once(runtime):
    run_id, run = finished_run(runtime)
    eid, description = enhance(runtime, run_id, [{"op": "remove-background"}, {"op": "upscale", "mode": "fast"}])

    assert description["status"] == "SUCCEEDED"
    item = DynamoEnhancementStore().get_enhancement(run_id, eid)
    assert item["status"] == ENHANCEMENT_SUCCEEDED
    keys = dict(runtime.objects(c.round_prefix(run_id, run["bestRound"]) + f"enhancements/{eid}/"))
    assert sorted(keys) == sorted(step["key"] for step in item["steps"].values())
    result = Image.open(io.BytesIO(keys[item["resultKey"]]))
    source = Image.open(io.BytesIO(dict(runtime.objects(run["bestImageKey"]))[run["bestImageKey"]]))
    assert result.size == (4 * source.size[0], 4 * source.size[1]) and result.mode == "RGBA"
    entries = [e for e in runtime.runs().ledger(run_id) if e["step"] == STEP_ENHANCE]
    billed = [b for b in runtime.bedrock.bill if b.model_id.startswith("stability.stable-")]
    assert len(entries) == len(billed) == 2
    assert (
        sum(e["costUsd"] for e in entries)
        == pytest.approx(sum(b.cost_usd for b in billed))
        == pytest.approx(item["costUsd"])
    )


def test_a_throttled_operation_is_retried_and_paid_once(runtime_with):
    runtime = runtime_with()
    run_id, _ = finished_run(runtime)
    runtime.image_services.bedrock.faults.throttle_first = 1  # the service's first call is throttled
    _eid, description = enhance(runtime, run_id, [{"op": "upscale", "mode": "fast"}])
    assert description["status"] == "SUCCEEDED"
    outcomes = [call.outcome for call in runtime.bedrock.calls if call.model_id == "stability.stable-fast-upscale-v1:0"]
    assert outcomes.count("ok") == 1 and "ThrottlingException" in outcomes
    assert len([e for e in runtime.runs().ledger(run_id) if e["step"] == STEP_ENHANCE]) == 1


def test_an_operation_that_cannot_succeed_ends_the_enhancement_failed_with_its_reason(runtime):
    run_id, _ = finished_run(runtime)
    eid, description = enhance(runtime, run_id, [{"op": "remove-background"}, {"op": "erase", "object": "giraffe"}])
    assert description["status"] == "FAILED" and description.get("error") == "EnhancementFailed"
    item = DynamoEnhancementStore().get_enhancement(run_id, eid)
    assert item["status"] == ENHANCEMENT_FAILED and "giraffe" in item["error"]
    assert list(item["steps"]) == ["0"]  # the first operation was done and is kept
    assert item["costUsd"] == pytest.approx(item["steps"]["0"]["costUsd"])
    history = json.dumps(runtime.execution_history(description["executionArn"]), default=str)
    assert "Record Failure" in history


def test_a_requests_finish_operations_run_on_its_final_image_once(runtime):
    from imagegate_service.domain.enhancements import ORIGIN_FINISH, start_finish

    outcome = runtime.run({**REQUEST, "finish": [{"op": "upscale", "mode": "fast"}]})
    run = runtime.runs().get_run(outcome.run_id)
    arn = runtime.enhance_state_machine_arn.replace(":stateMachine:", ":execution:") + f":{outcome.run_id}-e1"
    assert poll_execution(arn, None, 0.05)["status"] == "SUCCEEDED"
    store = DynamoEnhancementStore()
    [item] = store.list_enhancements(outcome.run_id)
    assert item["origin"] == ORIGIN_FINISH and item["status"] == ENHANCEMENT_SUCCEEDED
    assert item["sourceKey"] == run["bestImageKey"] and item["operations"] == [{"op": "upscale", "mode": "fast"}]
    # a re-delivered Finish Run finds the enhancement it started and starts no other
    again = start_finish(
        EnhancementStarter(store, wiring.enhance_workflow()), outcome.run_id, {"finish": item["operations"]}, dict(run)
    )
    assert again == "e1" and len(store.list_enhancements(outcome.run_id)) == 1


def test_a_run_without_finish_starts_no_enhancement(runtime):
    run_id, _ = finished_run(runtime)
    assert DynamoEnhancementStore().list_enhancements(run_id) == []
