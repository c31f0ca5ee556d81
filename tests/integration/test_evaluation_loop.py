"""The independent evaluator in the real ASL, locally: moto's Step Functions interpreter runs Evaluate Round
between Judge Images and Record Round; the offline Bedrock answers as the ground-truth evaluator."""

import json

import pytest

from imagegate.export import build_run_document
from imagegate_service import constants as c
from imagegate_service import registry

pytestmark = pytest.mark.integration

PROMPT = "two red apples to the left of a blue cup"
GROUND_TRUTH = registry.offline_default_models()["evaluator"]


def document_of(runtime, run_id):
    return build_run_document(runtime.runs().get_run(run_id), runtime.runs().list_rounds(run_id))


def handler_outcomes(runtime, name):
    return [outcome for handler, outcome in runtime.dispatcher.invocations if handler == name]


def test_every_round_and_the_run_get_the_ground_truth_evaluation(runtime):
    # Given the local runtime (its default evaluator is the world's ground truth) and a few rounds
    outcome = runtime.run({"prompt": PROMPT, "maxRounds": 2, "threshold": 10}, run_id="evaluated")

    # Then every round was evaluated once, after its judgement
    document = document_of(runtime, "evaluated")
    assert outcome.execution_status == "SUCCEEDED"
    assert handler_outcomes(runtime, "evaluate_round") == ["ok"] * len(document["rounds"])
    for entry in document["rounds"]:
        evaluation = entry["evaluation"]
        assert set(evaluation) == {"passed", "source", "checks", "unverifiable"}
        assert evaluation["source"] == GROUND_TRUTH
        checks = evaluation["checks"]
        assert checks and all(set(check) == {"question", "satisfied", "kind"} for check in checks)
        # unverifiable checks (satisfied null) are counted apart; passed = some verifiable check, none false
        assert evaluation["unverifiable"] == sum(1 for check in checks if check["satisfied"] is None)
        verifiable = [check["satisfied"] for check in checks if check["satisfied"] is not None]
        assert evaluation["passed"] == (bool(verifiable) and all(verifiable))
    # the run's evaluation is the final best image's: its round's
    best = next(entry for entry in document["rounds"] if entry["round"] == document["bestRound"])
    assert document["evaluation"] == best["evaluation"]
    # the checks were made once for the run, and the round's evaluation sits next to its verdict
    keys = {key for key, _ in runtime.objects("runs/evaluated/")}
    assert c.evaluation_checks_key("evaluated") in keys
    assert all(c.evaluation_key("evaluated", entry["round"]) in keys for entry in document["rounds"])
    # the outcome the benchmark collects carries the evaluator's verdict on the final image
    # in counts: checks that hold over verifiable checks, unverifiable apart
    verdicts = [check["satisfied"] for check in document["evaluation"]["checks"]]
    assert outcome.output["evaluation"] == {
        "passed": document["evaluation"]["passed"],
        "source": GROUND_TRUTH,
        "satisfied": verdicts.count(True),
        "verifiable": len(verdicts) - verdicts.count(None),
        "unverifiable": verdicts.count(None),
    }
    assert document["evaluationCostUsd"] == 0  # the ground truth is free; the loop's own cost is not touched
    assert document["costUsd"] > 0


def test_structured_expectations_make_the_checks(runtime):
    # Given GenEval-style expectations for the evaluator (the generator and judge get only the prompt)
    expected = {
        "include": [
            {"class": "apple", "count": 2, "color": "red"},
            {"class": "cup", "count": 1, "color": "blue", "position": ["right of", 0]},
        ]
    }
    runtime.run({"prompt": PROMPT, "maxRounds": 1, "expected": expected}, run_id="expected")

    # Then the evaluation asks about each expected object (entity, count, colour, relation)
    checks = {key: data for key, data in runtime.objects(c.evaluation_checks_key("expected"))}

    cached = json.loads(checks[c.evaluation_checks_key("expected")])
    assert cached["source"] == "expected"
    kinds = sorted(check["kind"] for check in cached["checks"])
    assert kinds.count("entity") == 2 and "count" in kinds and kinds.count("colour") == 2 and "relation" in kinds
    evaluation = document_of(runtime, "expected")["rounds"][0]["evaluation"]
    assert len(evaluation["checks"]) == len(cached["checks"])


def test_an_evaluator_that_keeps_failing_does_not_fail_the_run(runtime_with):
    # Given an evaluator whose answers are unusable on every attempt (retried, then caught)
    runtime = runtime_with(refuse_evaluations=100)

    outcome = runtime.run({"prompt": PROMPT, "maxRounds": 2, "threshold": 10}, run_id="no-evaluator")

    # Then the run ends as the judge decided, with each round's evaluation marked unavailable
    assert outcome.execution_status == "SUCCEEDED" and outcome.output["status"] == c.STATUS_EXHAUSTED
    assert "InvalidEvaluation" in handler_outcomes(runtime, "evaluate_round")
    document = document_of(runtime, "no-evaluator")
    assert len(document["rounds"]) == 2
    for entry in document["rounds"]:
        assert entry["evaluation"]["passed"] is False and entry["evaluation"]["checks"] == []
        assert "InvalidEvaluation" in entry["evaluation"]["unavailable"]
    assert outcome.output["evaluation"] is None  # the benchmark counts it apart from a failed evaluation


def test_a_bedrock_evaluator_offline_answers_through_an_imperfect_lens(runtime):
    # Given a Bedrock vision model as the evaluator (offline it has no ground truth to read)
    outcome = runtime.run(
        {"prompt": PROMPT, "maxRounds": 1, "evaluator": "us.amazon.nova-pro-v1:0"}, run_id="nova-evaluator"
    )

    # Then it is billed at its price, apart from the loop's cost, and named as the source
    document = document_of(runtime, "nova-evaluator")
    evaluation = document["rounds"][0]["evaluation"]
    assert evaluation["source"] == "us.amazon.nova-pro-v1:0" and evaluation["checks"]
    assert document["evaluationCostUsd"] > 0 and document["rounds"][0]["evaluationCostUsd"] > 0
    assert outcome.output["costUsd"] == document["costUsd"]
    assert outcome.output["evaluationCostUsd"] == pytest.approx(document["evaluationCostUsd"])


def test_two_cats_told_apart_reach_the_ground_truth_with_their_labels_and_are_decided(runtime):
    # Given a prompt that tells two cats apart by colour, run through the real ASL
    runtime.run({"prompt": "a black cat above a white cat", "maxRounds": 1, "threshold": 10}, run_id="two-cats")
    document = document_of(runtime, "two-cats")
    # Then the stored checks carry which cat each is about (the contract's labels, kept by validation) ...
    stored = dict(runtime.objects("runs/two-cats/"))

    checks = json.loads(stored[c.evaluation_checks_key("two-cats")])["checks"]
    relation = next(check for check in checks if check["kind"] == "relation")
    assert (relation["subjectLabel"], relation["objectLabel"]) == ("black", "white")
    # ... and the ground truth decides the relation and the colours (it left them undecided or failed them all)
    answered = {check["question"]: check["satisfied"] for check in document["rounds"][0]["evaluation"]["checks"]}
    assert answered["Is the black cat above the white cat?"] is not None
    assert all(answered[q] is not None for q in ("Is one of the cats black?", "Is one of the cats white?"))
