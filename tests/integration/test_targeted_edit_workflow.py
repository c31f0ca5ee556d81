"""Issue 28.2 on the local runtime: under strategy targeted the quality loop as written (statemachine/
quality_loop.asl.json, in moto's interpreter) makes a round that edits the best image with a Stability AI Image
Service chosen from the judge's failed checks: the round is recorded with its operation and parameters, its image
kept under the round, each call billed once in the spend ledger (retries included) and in the offline bill, and no
rewriter call made for it."""

import base64

import pytest

from imagegate_service import constants as c
from imagegate_service import registry

pytestmark = pytest.mark.integration

SEEDS = range(1, 9)  # the world is seeded: a few runs of a prompt include a round the strategy edits


def targeted_run(runtime, prompt, task):
    """The first run of `prompt` (seeds 1..8, strategy targeted, judge only) that made a `task` round: its id,
    rounds and that round."""
    for seed in SEEDS:
        run_id = f"targeted-{task}-{seed}"
        request = {"prompt": prompt, "seed": seed, "maxRounds": 3, "strategy": c.STRATEGY_TARGETED}
        runtime.run({**request, "verifier": c.VERIFIER_NONE}, run_id=run_id)
        rounds = runtime.runs().list_rounds(run_id)
        edited = [r for r in rounds if (r.get("edit") or {}).get("task") == task]
        if edited:
            return run_id, rounds, edited[0]
    pytest.fail(f"no run of {prompt!r} made a {task} round in seeds {list(SEEDS)}")


def service_calls(runtime, operation, outcome=None):
    model_id = registry.image_service_for(operation).model_id
    return [
        call
        for call in runtime.bedrock.calls
        if call.model_id == model_id and (outcome is None or call.outcome == outcome)
    ]


def assert_recorded_and_billed_once(runtime, run_id, rounds, edited, operation):
    source = next(r for r in rounds if r["round"] == edited["edit"]["sourceRound"])
    # The round edits the best image of the rounds before it and says so, as edit rounds do
    assert edited["mode"] == c.MODE_EDIT and edited["sourceImageKey"] == source["bestImageKey"]
    assert source["score"] == max(r["score"] for r in rounds if r["round"] < edited["round"])
    # Its images are kept under the round
    stored = dict(runtime.objects(c.round_prefix(run_id, edited["round"])))
    assert edited["imageKeys"] and all(key in stored for key in edited["imageKeys"])
    # Each call is in the ledger once, at the service's price, and nothing else made its image (no rewrite call)
    model_id = registry.image_service_for(operation).model_id
    price = registry.image_service_for(operation).price_per_call_usd
    entries = [e for e in runtime.runs().ledger(run_id) if int(e["round"]) == edited["round"]]
    made = [e for e in entries if e["step"] == c.STEP_GENERATE]
    assert not [e for e in entries if e["step"] == c.STEP_REWRITE]
    assert [e["modelId"] for e in made] == [model_id] * len(edited["imageKeys"])
    assert all(float(e["costUsd"]) == pytest.approx(price) for e in made)
    # And the offline bill holds exactly those calls: billed once, whatever was retried
    billed = [b for b in runtime.bedrock.bill if b.model_id == model_id]
    assert len(billed) == len(service_calls(runtime, operation, "ok")) == len(made)
    assert sum(b.cost_usd for b in billed) == pytest.approx(sum(float(e["costUsd"]) for e in made))
    # And the round's recorded cost includes them
    assert float(edited["costUsd"]) >= sum(float(e["costUsd"]) for e in made) - 1e-9
    return source


def test_a_colour_only_failure_is_fixed_by_a_recolor_of_the_best_image_recorded_and_billed_once(runtime):
    run_id, rounds, edited = targeted_run(runtime, "a green book and a yellow banana", "recolor")
    source = assert_recorded_and_billed_once(runtime, run_id, rounds, edited, "recolor")
    # The operation's words come from the source round's failed check (the judge's: subject and colour)
    failed = [check for check in source["judgeChecks"] if not check["satisfied"]]
    assert failed and {check["kind"] for check in failed} == {"colour"}
    assert {check["subject"] for check in failed} == {edited["edit"]["object"]}
    assert edited["edit"]["colour"] in ("green", "yellow")
    # And the call sent that image and selected that object
    png = dict(runtime.objects(source["bestImageKey"]))[source["bestImageKey"]]
    (call,) = service_calls(runtime, "recolor")
    assert call.body["image"] == base64.b64encode(png).decode()
    assert call.body["select_prompt"] == edited["edit"]["object"]
    # And the run's document shows the round as an edit with its operation
    assert edited["promptChanges"] and "recolor" in edited["promptChanges"][0]


def test_an_unwanted_object_is_erased_with_a_mask_from_one_billed_detector_call(runtime):
    run_id, rounds, edited = targeted_run(runtime, "a kitchen with no cat", "erase")
    assert_recorded_and_billed_once(runtime, run_id, rounds, edited, "erase")
    assert edited["edit"] == {"task": "erase", "sourceRound": edited["edit"]["sourceRound"], "object": "cat"}
    # The mask was drawn from one DetectLabels call, billed in the round it made, and kept beside it
    detect = [
        e
        for e in runtime.runs().ledger(run_id)
        if e["step"] == c.STEP_EDIT_DETECT and int(e["round"]) == edited["round"]
    ]
    assert len(detect) == 1 and detect[0]["modelId"] == c.VERIFIER_REKOGNITION
    mask = dict(runtime.objects(c.edit_mask_key(run_id, edited["round"])))[c.edit_mask_key(run_id, edited["round"])]
    (call,) = service_calls(runtime, "erase")
    assert call.body["mask"] == base64.b64encode(mask).decode()


def test_a_throttled_targeted_edit_is_retried_and_paid_once(runtime_with):
    runtime = runtime_with(throttle_first=1)  # the first call of each model (and of each service) is throttled
    run_id, rounds, edited = targeted_run(runtime, "a green book and a yellow banana", "recolor")
    # The recolor's first call was throttled: Generate Images' Retry made it again, and only the answer is paid
    assert [call.outcome for call in service_calls(runtime, "recolor")] == ["ThrottlingException", "ok"]
    assert_recorded_and_billed_once(runtime, run_id, rounds, edited, "recolor")
