"""Issue 10, items 1-3 on the local runtime: every billable call recorded once, each candidate judged as its own
unit, and the budget an upper bound that neither the recorded nor the billed spend passes."""

import pytest

from imagegate_service import constants as c
from imagegate_service import registry
from imagegate_service.allowed_models import encode_deployed_models

pytestmark = pytest.mark.integration

APPLE = "a red apple on a wooden table"
CANVAS, NOVA_PRO = "amazon.nova-canvas-v1:0", "us.amazon.nova-pro-v1:0"
_STEP_OPERATION = {c.STEP_GENERATE: "InvokeModel"}  # every other step is a Converse call


def answered(runtime, operation, since=0):
    """The calls the offline Bedrock answered (and so billed): throttled ones never reached a model."""
    return [call for call in runtime.bedrock.calls[since:] if call.operation == operation and call.outcome == "ok"]


def judge_calls(calls):
    return [
        call
        for call in calls
        if call.body.get("toolConfig", {}).get("toolChoice", {}).get("tool", {}).get("name") == c.VERDICT_TOOL
    ]


def test_with_three_candidates_a_throttled_judge_call_is_retried_alone_and_every_call_is_recorded_once(runtime_with):
    # Given 30% of Bedrock calls throttled and three candidates per round
    runtime = runtime_with(throttle_rate=0.3, seed=7)
    for number in range(6):
        since = len(runtime.bedrock.calls)
        run_id = f"throttled-{number}"

        # When a run goes through the loop
        outcome = runtime.run(
            {"prompt": APPLE, "candidatesPerRound": 3, "maxRounds": 2, "seed": 40 + number}, run_id=run_id
        )

        # Then throttling alone never fails it
        run = runtime.runs().get_run(run_id)
        assert run["status"] != c.STATUS_FAILED, run.get("cause")
        # And each candidate of each round was judged by exactly one answered call (a retry repeats only the
        # throttled call, never a candidate already judged)
        rounds = run["rounds"]
        assert len(judge_calls(answered(runtime, "Converse", since))) == 3 * rounds
        # And the ledger has exactly the calls Bedrock answered: no more, no fewer
        ledger = runtime.runs().ledger(run_id)
        for operation in ("InvokeModel", "Converse"):
            recorded = [
                e
                for e in ledger
                if e["step"] not in c.VERIFY_STEPS  # Rekognition's calls, not Bedrock's
                and _STEP_OPERATION.get(e["step"], "Converse") == operation
            ]
            assert len(recorded) == len(answered(runtime, operation, since)), operation
        assert len({entry["callId"] for entry in ledger}) == len(ledger)
        # And the run's cost is the ledger's sum, the evaluator's apart
        loop_cost = sum(e["costUsd"] for e in ledger if e["step"] not in c.EVALUATION_STEPS)
        assert run["costUsd"] == pytest.approx(loop_cost, abs=1e-6)
        assert outcome.output is None or outcome.output["costUsd"] == pytest.approx(loop_cost, abs=1e-6)


@pytest.mark.parametrize(
    "size, max_cost",
    [
        # the issue's figures (today's offline world spends $0.087701 on two rounds there, under the limit)
        ((1024, 1024), 0.090063),
        # the same run at 1920x1920: main projected $0.134834 for two rounds from fixed token estimates and spent
        # $0.134941, past this limit (a larger image costs the judge more input tokens than the estimate allowed)
        ((1920, 1920), 0.13484),
    ],
)
def test_the_issues_budget_overrun_no_longer_happens(monkeypatch, runtime_with, size, max_cost):
    # monkeypatch comes first so it is undone last, after the runtime restored the environment it started with
    # Given the issue's run: Nova Canvas (retired; this deployment still has it) judged by Nova Pro, a 1,000-character
    # prompt and a budget that today's projection under-estimates
    deployed = {
        "generator": [CANVAS],
        "judge": [NOVA_PRO],
        "rewriter": [registry.default_model("rewriter")],
        "evaluator": [registry.offline_default_models()["evaluator"]],
    }
    monkeypatch.setenv(c.ENV_DEPLOYED_MODELS, encode_deployed_models(deployed))
    runtime = runtime_with()
    prompt = ("a red apple on a wooden table beside a blue ceramic bowl, soft morning light from a window, " * 20)[
        :1000
    ]
    width, height = size

    # When it runs
    runtime.run(
        {
            "prompt": prompt,
            "generator": CANVAS,
            "judge": NOVA_PRO,
            "maxCostUsd": max_cost,
            "width": width,
            "height": height,
        },
        run_id="overrun",
    )

    # Then neither what was recorded nor what Bedrock billed passes the budget
    run = runtime.runs().get_run("overrun")
    assert run["costUsd"] + run["evaluationCostUsd"] <= max_cost
    ledger = runtime.runs().ledger("overrun")
    assert sum(entry["costUsd"] for entry in ledger) <= max_cost
    assert len(ledger) == len(answered(runtime, "InvokeModel")) + len(answered(runtime, "Converse"))
    assert run["committedUsd"] <= max_cost
    # and the run stopped on the budget, not on a failure
    assert run["status"] in (c.STATUS_EXHAUSTED, c.STATUS_PASSED)


def test_a_judge_that_keeps_answering_garbage_spends_no_more_than_the_budget(runtime_with):
    # Given a judge whose answers are garbage until its retries run out, and a budget just over one round
    runtime = runtime_with(garbage_verdicts=2)
    settings = {"prompt": APPLE, "maxCostUsd": 0.0815, "verifier": "none"}  # the judge's and generator's calls only

    # When the run retries the judge (each retry is billed, and each is checked against the budget first)
    runtime.run(settings, run_id="garbage-budget")

    # Then every billed call is in the ledger and the total stays within maxCostUsd
    run = runtime.runs().get_run("garbage-budget")
    ledger = runtime.runs().ledger("garbage-budget")
    assert [e["outcome"] for e in ledger if e["step"] == c.STEP_JUDGE][:2] == [c.CALL_INVALID] * 2
    assert sum(entry["costUsd"] for entry in ledger) <= settings["maxCostUsd"]
    assert run["costUsd"] + run["evaluationCostUsd"] == pytest.approx(sum(e["costUsd"] for e in ledger), abs=1e-6)
