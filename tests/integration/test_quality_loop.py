"""The real ASL file through the local runtime: moto's Step Functions interpreter, the real handlers,
moto S3 and DynamoDB, and the offline Bedrock with its fault switches."""

import itertools
import json

import pytest

from imagegate.local.runtime import BUCKET
from imagegate_service import constants as c
from imagegate_service import registry
from imagegate_service.domain.costs import estimated_round_cost
from imagegate_service.settings import resolve_settings

pytestmark = pytest.mark.integration

APPLE = "a red apple on a wooden table"


def rounds_of(runtime, run_id):
    return sorted(runtime.runs().list_rounds(run_id), key=lambda r: r["round"])


def object_keys(runtime, run_id):
    return sorted(key for key, _ in runtime.objects(f"runs/{run_id}/"))


def handler_outcomes(runtime, name):
    return [outcome for handler, outcome in runtime.dispatcher.invocations if handler == name]


def test_a_gate_the_first_image_meets_passes_in_round_one(runtime):
    # Given a threshold every verdict meets (0) and the judge alone at the gate (no verifier: the outcome does not
    # depend on the world's draw)
    # When the loop runs
    outcome = runtime.run({"prompt": APPLE, "threshold": 0, "verifier": "none"}, run_id="pass-round-one")

    # Then the first judged round passes and nothing is rewritten
    assert outcome.execution_status == "SUCCEEDED"
    assert outcome.output["status"] == c.STATUS_PASSED
    assert outcome.output["rounds"] == 1 and outcome.output["bestRound"] == 1
    assert handler_outcomes(runtime, "rewrite_prompt") == []
    run = runtime.runs().get_run("pass-round-one")
    assert run["status"] == c.STATUS_PASSED and run["finalScore"] >= 0
    assert run["executionArn"] == outcome.execution_arn


def test_every_rewrite_keeps_the_original_and_adds_what_the_judge_asked_for(runtime):
    # Given a threshold no verdict reaches (the judge's score never reaches 10), so every round is rewritten
    prompt = 'three red cups to the left of two blue bottles, a sign that says "SALE"'
    outcome = runtime.run({"prompt": prompt, "seed": 3, "threshold": 10, "maxRounds": 3}, run_id="rewritten")

    # Then each round's prompt starts with the original and says what changed; a phrase the judge
    # asked for is in the next prompt
    rounds = rounds_of(runtime, "rewritten")
    assert outcome.output["status"] == c.STATUS_EXHAUSTED and [r["round"] for r in rounds] == [1, 2, 3]
    for earlier, later in itertools.pairwise(rounds):
        assert later["prompt"].startswith(prompt) and later["promptChanges"]
        asked = [s.split('"')[1] for s in earlier["suggestions"] if "to the prompt" in s]
        if asked:
            assert later["prompt"] != earlier["prompt"]
            assert any(phrase.lower() in later["prompt"].lower() for phrase in asked)
    assert all(r["judgeModel"] == "us.amazon.nova-lite-v1:0" for r in rounds)


@pytest.mark.parametrize("seed", [1, 3, 8])
def test_the_gate_passes_exactly_at_the_first_round_that_meets_the_threshold(runtime, seed):
    # Given a real threshold and a prompt the world often gets wrong (whatever it draws this time)
    run_id = f"gate-{seed}"
    outcome = runtime.run(
        {"prompt": "two cats to the left of a green car at night", "seed": seed, "threshold": 7.5, "maxRounds": 4},
        run_id=run_id,
    )

    # Then the status, the rounds and the best round follow from the recorded scores and verifications: the gate
    # passes a round the judge passed and the verifier (the default) did not fail
    rounds = rounds_of(runtime, run_id)
    scores = [r["score"] for r in rounds]
    failed = [(r.get("verification") or {}).get("passed") is False for r in rounds]
    assert [r["passed"] for r in rounds] == [s >= 7.5 for s in scores]
    assert [r["gatePassed"] for r in rounds] == [s >= 7.5 and not f for s, f in zip(scores, failed, strict=True)]
    assert not any(r["gatePassed"] for r in rounds[:-1])
    if rounds[-1]["gatePassed"]:
        assert outcome.output["status"] == c.STATUS_PASSED and outcome.output["bestRound"] == len(rounds)
    else:
        assert outcome.output["status"] == c.STATUS_EXHAUSTED and len(rounds) == 4
    # the best round: one the verifier did not fail before one it did, then the highest score
    best = max(rounds, key=lambda r: (not failed[r["round"] - 1], r["score"]))
    assert outcome.output["finalScore"] == best["score"] and outcome.output["bestRound"] == best["round"]


def test_out_of_rounds_is_exhausted_with_the_best_round_as_the_result(runtime):
    outcome = runtime.run(
        {"prompt": "four green bottles on a table in a kitchen", "seed": 7, "maxRounds": 3, "threshold": 10},
        run_id="exhausted",
    )

    assert outcome.execution_status == "SUCCEEDED"
    result = outcome.output
    assert result["status"] == c.STATUS_EXHAUSTED and "maxRounds" in result["reason"]
    rounds = rounds_of(runtime, "exhausted")
    assert [r["round"] for r in rounds] == [1, 2, 3]
    assert not any(r["passed"] for r in rounds)
    best = max(rounds, key=lambda r: r["score"])
    assert result["bestRound"] == best["round"]
    assert result["finalScore"] == best["score"]
    assert result["bestImageKey"] == best["bestImageKey"]
    assert runtime.runs().get_run("exhausted")["status"] == c.STATUS_EXHAUSTED


def test_throttled_generation_is_retried_then_succeeds(runtime_with):
    runtime = runtime_with(throttle_first=2)

    outcome = runtime.run({"prompt": APPLE, "threshold": 0}, run_id="throttled")

    assert outcome.output["status"] == c.STATUS_PASSED
    assert handler_outcomes(runtime, "generate_images")[:3] == ["ModelThrottled", "ModelThrottled", "ok"]
    retried = [e for e in runtime.execution_history(outcome.execution_arn) if e["type"] == "LambdaFunctionFailed"]
    assert len(retried) >= 2


def test_one_garbage_verdict_is_retried_and_the_run_goes_on(runtime_with):
    runtime = runtime_with(garbage_verdicts=1)

    outcome = runtime.run({"prompt": APPLE, "threshold": 0}, run_id="garbage-once")

    assert outcome.output["status"] == c.STATUS_PASSED
    assert handler_outcomes(runtime, "judge_images")[:2] == ["InvalidVerdict", "ok"]


def test_verdicts_that_keep_breaking_the_schema_fail_the_run_with_the_cause_kept(runtime_with):
    runtime = runtime_with(garbage_verdicts=10)

    outcome = runtime.run({"prompt": APPLE}, run_id="garbage-always")

    # Then the judge was tried three times (one call, two retries) and the run is FAILED
    assert handler_outcomes(runtime, "judge_images") == ["InvalidVerdict"] * 3
    assert outcome.execution_status == "FAILED"
    run = runtime.runs().get_run("garbage-always")
    assert run["status"] == c.STATUS_FAILED
    assert run["error"] == "InvalidVerdict"
    assert "schema" in run["cause"]
    image_price = registry.generator(registry.default_model("generator")).price_per_image(1024, 1024, "standard")
    # the round's image, never recorded as a round, and every garbage verdict (billed, thrown away) still count
    ledger = runtime.runs().ledger("garbage-always")
    assert [entry["outcome"] for entry in ledger if entry["step"] == c.STEP_JUDGE] == [c.CALL_INVALID] * 3
    assert run["costUsd"] == pytest.approx(sum(entry["costUsd"] for entry in ledger), abs=1e-6)
    assert run["costUsd"] > image_price
    assert rounds_of(runtime, "garbage-always") == []  # no half-written round


def test_a_refusing_judge_never_counts_as_a_pass(runtime_with):
    runtime = runtime_with(refuse_verdicts=10)

    outcome = runtime.run({"prompt": APPLE, "threshold": 0}, run_id="refused")

    assert outcome.execution_status == "FAILED"
    assert runtime.runs().get_run("refused")["status"] == c.STATUS_FAILED


def test_a_blocked_user_prompt_ends_blocked_with_nothing_generated(runtime_with):
    runtime = runtime_with(blocked_words=("grenade",))

    outcome = runtime.run({"prompt": "a grenade on a table"}, run_id="blocked")

    assert outcome.execution_status == "FAILED"
    assert outcome.error == "ContentBlocked"
    run = runtime.runs().get_run("blocked")
    assert run["status"] == c.STATUS_BLOCKED
    assert run["rounds"] == 0
    assert object_keys(runtime, "blocked") == []
    assert handler_outcomes(runtime, "generate_images") == ["ContentBlocked"]  # never retried


def test_the_budget_cap_ends_the_loop_before_a_round_would_exceed_it(runtime):
    # Given a budget of two and a half rounds (one image of the default generator + judge + rewrite each)
    request = {"prompt": "two cats to the left of a green car at night", "threshold": 10, "maxRounds": 10}
    budget = round(2.5 * estimated_round_cost(resolve_settings(request)), 4)
    outcome = runtime.run({**request, "maxCostUsd": budget}, run_id="budget")

    result = outcome.output
    assert result["status"] == c.STATUS_EXHAUSTED
    assert "maxCostUsd" in result["reason"]
    assert result["rounds"] == 2
    assert result["costUsd"] <= budget


def test_every_round_is_kept_exactly_once_in_s3_and_dynamodb(runtime_with):
    # Given throttling and a garbage verdict force retries of generate and judge
    runtime = runtime_with(throttle_first=1, garbage_verdicts=1)

    outcome = runtime.run(
        {"prompt": "three blue balls next to a yellow dog", "threshold": 10, "maxRounds": 3, "candidatesPerRound": 2},
        run_id="kept-once",
    )

    rounds = rounds_of(runtime, "kept-once")
    assert [r["round"] for r in rounds] == [1, 2, 3]
    keys = object_keys(runtime, "kept-once")
    for number in (1, 2, 3):
        prefix = c.round_prefix("kept-once", number)
        assert sorted(k for k in keys if k.startswith(prefix) and k.endswith(".png")) == [
            c.candidate_key("kept-once", number, 1),
            c.candidate_key("kept-once", number, 2),
        ]
        assert keys.count(c.verdict_key("kept-once", number)) == 1
        assert rounds[number - 1]["imageKeys"] == [c.candidate_key("kept-once", number, k) for k in (1, 2)]
    assert outcome.output["rounds"] == 3
    verdict = json.loads(dict(runtime.objects(c.verdict_key("kept-once", 1)))[c.verdict_key("kept-once", 1)])
    assert len(verdict["candidates"]) == 2
    assert verdict["bestCandidate"] in (1, 2)


def test_the_state_stays_small_after_ten_rounds(runtime):
    # Given a long prompt and negative prompt (1,024 characters each) and a gate that never passes
    long_prompt = ("a small red house with a blue door beside a tall green tree under a yellow sun, " * 13)[:1024]
    negative = ("blurry, " * 130)[:1024]
    outcome = runtime.run(
        {"prompt": long_prompt, "threshold": 10, "maxRounds": 10, "negativePrompt": negative, "maxCostUsd": 5},
        run_id="ten-rounds",
    )

    assert outcome.output["rounds"] == 10
    sizes = [
        len(json.dumps(json.loads(details["input"])).encode())
        for event in runtime.execution_history(outcome.execution_arn)
        for key, details in event.items()
        if key.endswith("EventDetails") and "input" in details
    ]
    # Step Functions' limit is 256 KiB; the state carries the prompts a few times, never images or history
    assert sizes and max(sizes) < 12 * 1024
    assert max(sizes) > 2048  # the long prompts really are in the payload


def test_bad_input_starts_no_execution(runtime):
    import boto3

    from imagegate_service.errors import InvalidRequest

    with pytest.raises(InvalidRequest):
        runtime.start({"prompt": "a cat", "threshold": 12})

    assert boto3.client("stepfunctions").list_executions(stateMachineArn=runtime.state_machine_arn)["executions"] == []
    assert boto3.client("s3").list_objects_v2(Bucket=BUCKET).get("KeyCount", 0) == 0


def test_an_outcome_that_cannot_be_recorded_fails_the_execution_visibly(runtime, monkeypatch):
    from imagegate_service.handlers import finish_run

    def broken_finish(state):
        raise RuntimeError("the table is unavailable")

    monkeypatch.setattr(finish_run.finisher, "finish", broken_finish)

    outcome = runtime.run({"prompt": APPLE, "threshold": 0, "verifier": "none"}, run_id="unrecorded")

    assert outcome.execution_status == "FAILED"
    assert outcome.error == "RuntimeError" and "unavailable" in outcome.cause
    entered = [
        e["stateEnteredEventDetails"]["name"]
        for e in runtime.execution_history(outcome.execution_arn)
        if "stateEnteredEventDetails" in e
    ]
    assert entered[-1] == "Could Not Record Outcome"
    assert len(rounds_of(runtime, "unrecorded")) == 1  # the judged round is kept


def test_blocked_output_says_the_images_were_blocked_not_the_prompt(runtime_with):
    runtime = runtime_with(blocked_output_rate=1.0)

    runtime.run({"prompt": APPLE}, run_id="blocked-output")

    # Then every round was re-drawn with a new seed until the rounds ran out (EXHAUSTED: BLOCKED is for a blocked
    # prompt), and the reason says what was blocked
    run = runtime.runs().get_run("blocked-output")
    assert run["status"] == c.STATUS_EXHAUSTED and run.get("bestRound") is None
    rounds = run["settings"]["maxRounds"]
    assert run["reason"].startswith(f"the content filter blocked the generated images of round {rounds}")
    assert run["filteredRounds"] == list(range(1, rounds + 1))
    # and each filtered round's images are billed and recorded (the registry's policy: filtered images are billed)
    ledger = runtime.runs().ledger("blocked-output")
    image_price = registry.generator(registry.default_model("generator")).price_per_image(1024, 1024, "standard")
    assert [entry["outcome"] for entry in ledger] == [c.CALL_FILTERED] * rounds
    assert run["costUsd"] == pytest.approx(rounds * image_price)
