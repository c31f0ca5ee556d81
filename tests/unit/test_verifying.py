"""The verifier (domain/verifying.py, issue 23): Amazon Rekognition grounds the judge's own checks before the gate
passes a round. Rekognition is stubbed at the client seam with botocore's Stubber (its model validates every request
and response); storage is moto."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from imagegate_service import constants as c
from imagegate_service import registry, wiring
from imagegate_service.adapters.rekognition import RekognitionDetector
from imagegate_service.domain.costs import labels_price, next_round_bound, text_price, verification_calls_bound
from imagegate_service.domain.recording import RoundRecorder
from imagegate_service.domain.rewriting import PromptRewriter
from imagegate_service.domain.spend import SpendLedger
from imagegate_service.domain.start import RunStarter
from imagegate_service.domain.verifying import RoundVerifier
from imagegate_service.errors import BudgetExhausted, VerifierThrottled

pytestmark = pytest.mark.unit

RUN = "run-1"
BUCKET = "test-bucket"  # the storage fixture's (tests/unit/conftest.py)
IMAGE = c.candidate_key(RUN, 1, 1)


# -- Rekognition's answers, in its real shapes ---------------------------------------------------------------
def box(left: float, top: float, width: float = 0.1, height: float = 0.1) -> dict[str, float]:
    return {"Left": left, "Top": top, "Width": width, "Height": height}


def colour(name: str, percent: float) -> dict[str, Any]:
    return {"Red": 0, "Green": 0, "Blue": 0, "HexCode": "#000000", "SimplifiedColor": name, "PixelPercent": percent}


def instance(left: float, top: float, colour_name: str = "yellow", percent: float = 60.0) -> dict[str, Any]:
    return {"BoundingBox": box(left, top), "Confidence": 95.0, "DominantColors": [colour(colour_name, percent)]}


def label(name: str, *instances: dict[str, Any], confidence: float = 97.0) -> dict[str, Any]:
    return {"Name": name, "Confidence": confidence, "Instances": list(instances), "Parents": [], "Aliases": []}


def labels_response(*labels: dict[str, Any]) -> dict[str, Any]:
    return {"Labels": list(labels), "LabelModelVersion": "3.0"}


def text_response(*lines: str) -> dict[str, Any]:
    return {
        "TextDetections": [
            {"DetectedText": line, "Type": "LINE", "Id": number, "Confidence": 99.0}
            for number, line in enumerate(lines)
        ],
        "TextModelVersion": "3.0",
    }


LABELS_REQUEST = {
    "Image": {"S3Object": {"Bucket": BUCKET, "Name": IMAGE}},
    "Features": ["GENERAL_LABELS", "IMAGE_PROPERTIES"],
    "MinConfidence": 55.0,
}
TEXT_REQUEST = {"Image": {"S3Object": {"Bucket": BUCKET, "Name": IMAGE}}}


class StubbedRekognition:
    """A rekognition client whose answers (or errors) are queued on botocore's Stubber, in call order."""

    def __init__(self) -> None:
        self.client = boto3.client("rekognition", region_name="us-west-2")
        self.stubber = Stubber(self.client)
        self.stubber.activate()

    def labels(self, response: dict[str, Any]) -> StubbedRekognition:
        self.stubber.add_response("detect_labels", response, LABELS_REQUEST)
        return self

    def text(self, response: dict[str, Any]) -> StubbedRekognition:
        self.stubber.add_response("detect_text", response, TEXT_REQUEST)
        return self

    def error(self, operation: str, code: str, status: int = 400) -> StubbedRekognition:
        self.stubber.add_client_error(operation, service_error_code=code, http_status_code=status)
        return self

    def detector(self) -> RekognitionDetector:
        return RekognitionDetector(BUCKET, lambda: self.client)


# -- a round the judge passed, with its checks ---------------------------------------------------------------
def check(question: str, kind: str, subject: str, **fields: Any) -> dict[str, Any]:
    return {"question": question, "satisfied": True, "kind": kind, "subject": subject, **fields}


def judged_round(storage, checks: list[dict[str, Any]], score: float = 9.6, **settings: Any) -> dict[str, Any]:
    """A started run whose round 1 was generated (billed) and judged (billed) at `score` with `checks`."""
    images, runs = storage
    state = RunStarter(runs).start({"prompt": "four yellow ducks", **settings}, RUN, "arn")
    verdict = {
        "score": score,
        "explanation": "looks right",
        "suggestions": ["make the water bluer"],
        "subscores": {"promptAdherence": score, "technicalQuality": 8, "aesthetics": 8},
        "checks": checks,
    }
    images.put_png(IMAGE, b"\x89PNG\r\n\x1a\n fake")
    images.put_json(
        c.verdict_key(RUN, 1),
        {"bestCandidate": 1, "candidates": [{"candidate": 1, "imageKey": IMAGE, "verdict": verdict}]},
    )
    for step, cost in ((c.STEP_GENERATE, 0.08), (c.STEP_JUDGE, 0.0005)):
        with SpendLedger(runs, wiring.daily_budget()).call(
            state, round_number=1, step=step, candidate=1, model_id="m", bound_usd=cost
        ) as b:
            b.answered(cost)
    state["generation"] = {"imageKeys": [IMAGE], "costUsd": 0.08, "durationMs": 5}
    state["judgement"] = {
        "score": score,
        "bestCandidate": 1,
        "imageKey": IMAGE,
        "verdictKey": c.verdict_key(RUN, 1),
        "costUsd": 0.0005,
        "durationMs": 5,
    }
    return state


def verify(storage, state: dict[str, Any], rekognition: StubbedRekognition) -> dict[str, Any]:
    images, runs = storage
    return RoundVerifier(rekognition.detector(), images, SpendLedger(runs, wiring.daily_budget())).verify(state)


FOUR_DUCKS = check("Are there exactly four ducks?", "count", "duck", count=4)


# -- a count the detector sees wrong is never silently passed ------------------------------------------------
def test_a_count_the_detector_sees_wrong_fails_the_gate_and_names_the_count_to_the_rewriter(storage):
    images, runs = storage
    # Given a round the judge passed at 9.6, claiming exactly four ducks, where Rekognition boxes three
    state = judged_round(storage, [check("Is there a duck?", "entity", "duck"), FOUR_DUCKS])
    ducks = label("Duck", instance(0.1, 0.5), instance(0.3, 0.5), instance(0.5, 0.5))
    rekognition = StubbedRekognition().labels(labels_response(ducks))

    # When the round is verified and recorded
    state["judgement"]["verification"] = verify(storage, state, rekognition)
    loop = RoundRecorder(runs, images).record(state)

    # Then the verification fails on the count, the gate does not pass though the judge did, and the round says why
    assert state["judgement"]["verification"]["passed"] is False
    assert loop["lastScore"] >= state["settings"]["threshold"] and loop["gatePassed"] is False
    [recorded] = runs.list_rounds(RUN)
    assert recorded["passed"] is True and recorded["gatePassed"] is False
    counted = recorded["verification"]["checks"][1]
    assert counted["satisfied"] is False and counted["evidence"] == "3 ducks detected"
    # And the rewriter is told, in plain words, before the judge's own suggestions
    rewriter = RecordingRewriter()
    PromptRewriter(rewriter, images, runs, SpendLedger(runs, wiring.daily_budget())).rewrite({**state, "loop": loop})
    assert rewriter.suggestions[:2] == ["the image shows 3 ducks; the prompt asks for 4", "make the water bluer"]
    rekognition.stubber.assert_no_pending_responses()


def test_a_count_the_detector_confirms_lets_the_judges_pass_stand(storage):
    images, runs = storage
    state = judged_round(storage, [FOUR_DUCKS])
    ducks = label("Duck", *(instance(0.05 + 0.2 * n, 0.5) for n in range(4)))

    state["judgement"]["verification"] = verify(storage, state, StubbedRekognition().labels(labels_response(ducks)))
    loop = RoundRecorder(runs, images).record(state)

    assert state["judgement"]["verification"]["passed"] is True and loop["gatePassed"] is True


class RecordingRewriter:
    """The rewriter's model: records the suggestions block it was sent and answers with a prompt."""

    def __init__(self) -> None:
        self.suggestions: list[str] = []

    def call(self, **request: Any) -> Any:
        from imagegate_service.domain.ports import ToolAnswer

        text = request["content"][0]["text"]
        block = text.split("<suggestions>")[-1].split("</suggestions>")[0] if "<suggestions>" in text else text
        self.suggestions = [line.strip() for line in block.splitlines() if line.strip()]
        return ToolAnswer(
            tool_input={"prompt": "four yellow ducks, exactly four", "negativePrompt": "", "changes": ["count"]},
            text="",
            stop_reason="tool_use",
            input_tokens=900,
            output_tokens=60,
            latency_ms=5,
        )


# -- an unverifiable noun never fails a run ------------------------------------------------------------------
def test_a_noun_without_a_rekognition_label_is_unverifiable_and_never_fails_the_gate(storage):
    images, runs = storage
    # Given the judge's checks about a dragon (no Rekognition label), its colour, count and a relation to it
    checks = [
        check("Is there a dragon?", "entity", "dragon"),
        check("Are there two dragons?", "count", "dragon", count=2),
        check("Is the dragon red?", "colour", "dragon", colour="red"),
        check("Is the duck left of the dragon?", "relation", "duck", relation="left of", object="dragon"),
        check("Is the dragon flying?", "action", "dragon", action="fly"),
    ]
    state = judged_round(storage, checks)
    rekognition = StubbedRekognition().labels(labels_response(label("Duck", instance(0.1, 0.5))))

    state["judgement"]["verification"] = verify(storage, state, rekognition)
    loop = RoundRecorder(runs, images).record(state)

    # Then every check is unverifiable (null), the verification says nothing (null), and the judge's pass stands
    [recorded] = runs.list_rounds(RUN)
    # (the round item keeps no null attribute: a null is an absent key there)
    assert [entry.get("satisfied") for entry in recorded["verification"]["checks"]] == [None] * 5
    assert recorded["verification"].get("passed") is None and recorded["verification"]["unverifiable"] == 5
    assert loop["gatePassed"] is True


# -- what a box shows ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("checked", "instances", "satisfied", "suggestion"),
    [
        (
            check("Are the ducks yellow?", "colour", "duck", colour="yellow"),
            [("yellow", 0.1), ("yellow", 0.6)],
            True,
            "",
        ),
        (
            check("Are the ducks purple?", "colour", "duck", colour="purple"),
            [("green", 0.1), ("green", 0.6)],
            False,
            "the image shows the ducks green; the prompt asks for purple ducks",
        ),
        (check("Is the duck on the left?", "position", "duck", position="left"), [("yellow", 0.05)], True, ""),
        (
            check("Is the duck on the right?", "position", "duck", position="right"),
            [("yellow", 0.05)],
            False,
            "the image shows the duck on the left; the prompt asks for it on the right",
        ),
    ],
)
def test_colours_and_places_are_read_from_every_box(storage, checked, instances, satisfied, suggestion):
    images, _runs = storage
    state = judged_round(storage, [checked])
    ducks = label("Duck", *(instance(left, 0.45, name) for name, left in instances))

    summary = verify(storage, state, StubbedRekognition().labels(labels_response(ducks)))

    [result] = images.get_json(summary["verificationKey"])["checks"]
    assert result["satisfied"] is satisfied and result["suggestion"] == suggestion


def test_a_relation_is_read_from_the_boxes_by_genevals_rule(storage):
    images, _runs = storage
    # Given the judge claims the sign is above the door; Rekognition boxes the sign below it
    state = judged_round(
        storage, [check("Is the sign above the door?", "relation", "sign", relation="above", object="door")]
    )
    found = labels_response(label("Sign", instance(0.4, 0.7)), label("Door", instance(0.4, 0.2)))

    summary = verify(storage, state, StubbedRekognition().labels(found))

    [result] = images.get_json(summary["verificationKey"])["checks"]
    assert result["satisfied"] is False
    assert (
        result["suggestion"] == "the image shows the sign below the door; the prompt asks for the sign above the door"
    )


@pytest.mark.parametrize(("black_top", "holds"), [(0.1, True), (0.7, False)])
def test_two_of_one_kind_told_apart_by_colour_are_grounded_one_each(storage, black_top, holds):
    images, _runs = storage
    # Given the judge's checks for "a black cat above a white cat", with the labels that say which cat
    checks = [
        check("Is there a black cat?", "entity", "cat", subjectLabel="black"),
        check("Is one of the cats white?", "colour", "cat", colour="white", subjectLabel="white"),
        check(
            "Is the black cat above the white cat?", "relation", "cat", relation="above", object="cat",
            subjectLabel="black", objectLabel="white",
        ),
    ]  # fmt: skip
    white_top = 0.8 if black_top < 0.5 else 0.1
    cats = label("Cat", instance(0.4, black_top, "black"), instance(0.4, white_top, "white"))

    summary = verify(storage, judged_round(storage, checks), StubbedRekognition().labels(labels_response(cats)))

    # Then each check is about the cat it names: both cats are there, and the relation holds only one way round
    # (unlabelled, every cat had to be white and above every cat, itself included: it could never hold)
    results = {r["question"]: r["satisfied"] for r in images.get_json(summary["verificationKey"])["checks"]}
    assert results["Is there a black cat?"] is True and results["Is one of the cats white?"] is True
    assert results["Is the black cat above the white cat?"] is holds


def test_a_label_the_detector_cannot_see_leaves_the_check_unverifiable(storage):
    images, _runs = storage
    checks = [check("Is the wooden chair next to the plastic chair?", "relation", "chair", relation="next to",
                    object="chair", subjectLabel="wooden", objectLabel="plastic")]  # fmt: skip
    chairs = label("Chair", instance(0.1, 0.4, "brown"), instance(0.6, 0.4, "white"))
    summary = verify(storage, judged_round(storage, checks), StubbedRekognition().labels(labels_response(chairs)))
    [result] = images.get_json(summary["verificationKey"])["checks"]
    assert result["satisfied"] is None and "wooden" in result["evidence"]


def test_quoted_text_is_read_with_detect_text_only_when_a_check_asks_for_text(storage):
    images, runs = storage
    # Given a judge check on the sign's text; DetectText reads "OPNE"
    state = judged_round(storage, [check('Does the sign say "OPEN"?', "text", "sign", text="OPEN")])
    rekognition = StubbedRekognition().labels(labels_response()).text(text_response("OPNE"))

    summary = verify(storage, state, rekognition)

    [result] = images.get_json(summary["verificationKey"])["checks"]
    assert result["satisfied"] is False and result["suggestion"] == 'the image reads "OPNE"; the prompt asks for "OPEN"'
    # and both calls are in the ledger, each once, at the registry's price
    verify_calls = [entry for entry in runs.ledger(RUN) if entry["step"] in c.VERIFY_STEPS]
    assert sorted((entry["step"], entry["costUsd"]) for entry in verify_calls) == [
        (c.STEP_VERIFY_LABELS, pytest.approx(labels_price())),
        (c.STEP_VERIFY_TEXT, pytest.approx(text_price())),
    ]
    rekognition.stubber.assert_no_pending_responses()


# -- spend: every call once, within the budget ---------------------------------------------------------------
def test_each_rekognition_call_is_recorded_once_at_its_registry_price(storage):
    _images, runs = storage
    state = judged_round(storage, [FOUR_DUCKS])
    service = registry.verifier_service("rekognition")

    # When the task runs, is re-delivered after it finished, and runs again
    first = verify(storage, state, StubbedRekognition().labels(labels_response(label("Duck"))))
    again = verify(storage, state, StubbedRekognition())  # nothing queued: a call would fail the stub

    # Then one DetectLabels is billed, at two features' price, and in the loop's own cost
    assert first == again
    [entry] = [entry for entry in runs.ledger(RUN) if entry["step"] in c.VERIFY_STEPS]
    assert entry["costUsd"] == pytest.approx(service.price_per_image("GENERAL_LABELS", "IMAGE_PROPERTIES"))
    assert entry["costUsd"] == pytest.approx(0.00175)
    assert runs.get_run(RUN)["committedUsd"] == pytest.approx(0.08 + 0.0005 + 0.00175)


def test_a_retry_after_a_throttled_detect_text_does_not_pay_for_detect_labels_again(storage):
    _images, runs = storage
    state = judged_round(storage, [check('Does the sign say "OPEN"?', "text", "sign", text="OPEN")])
    rekognition = StubbedRekognition().labels(labels_response()).error("detect_text", "ThrottlingException")

    with pytest.raises(VerifierThrottled):
        verify(storage, state, rekognition)
    verify(storage, {**state, "attempt": 1}, StubbedRekognition().text(text_response("OPEN")))

    steps = sorted(entry["step"] for entry in runs.ledger(RUN) if entry["step"] in c.VERIFY_STEPS)
    assert steps == [c.STEP_VERIFY_LABELS, c.STEP_VERIFY_TEXT]


def test_the_budget_refuses_a_verify_call_that_would_pass_max_cost(storage):
    _images, runs = storage
    # Given a run whose spend leaves less than DetectLabels' price under maxCostUsd
    state = judged_round(storage, [FOUR_DUCKS])
    spent = float(runs.get_run(RUN)["committedUsd"])
    state["settings"] = {**state["settings"], "maxCostUsd": spent + labels_price() / 2}
    rekognition = StubbedRekognition()  # nothing queued: a call would fail the stub

    # Then the call is not made, and nothing is committed for it
    with pytest.raises(BudgetExhausted, match="verify-labels"):
        verify(storage, state, rekognition)
    assert float(runs.get_run(RUN)["committedUsd"]) == pytest.approx(spent)
    assert [entry for entry in runs.ledger(RUN) if entry["step"] in c.VERIFY_STEPS] == []


def test_another_rounds_bound_counts_the_verifier_only_when_the_run_has_one(storage):
    state = judged_round(storage, [FOUR_DUCKS])
    with_verifier, without = state["settings"], {**state["settings"], "verifier": c.VERIFIER_NONE}

    assert verification_calls_bound(with_verifier) == pytest.approx(0.00275)
    assert next_round_bound(with_verifier, None, None) - next_round_bound(without, None, None) == pytest.approx(0.00275)


# -- an outage degrades to the judge, and the round says so --------------------------------------------------
@pytest.mark.parametrize(
    ("code", "status", "raised"),
    [("ThrottlingException", 400, "VerifierThrottled"), ("InternalServerError", 500, "VerifierTransientError")],
)
def test_rekognitions_faults_are_the_named_errors_the_state_machine_retries(storage, code, status, raised):
    _images, runs = storage
    state = judged_round(storage, [FOUR_DUCKS])

    with pytest.raises(Exception) as error:
        verify(storage, state, StubbedRekognition().error("detect_labels", code, status))

    assert type(error.value).__name__ == raised
    assert [entry for entry in runs.ledger(RUN) if entry["step"] in c.VERIFY_STEPS] == []  # not answered: not billed


def test_a_verifier_outage_leaves_the_judges_pass_and_the_round_and_outcome_say_so(storage):
    images, runs = storage
    from imagegate_service.domain.finishing import RunFinisher

    # Given Verify Round failed after its retries (the Catch put the error where its result would be)
    state = judged_round(storage, [FOUR_DUCKS])
    state["judgement"]["verification"] = {"Error": "VerifierThrottled", "Cause": "Rekognition detect_labels: throttled"}

    loop = RoundRecorder(runs, images).record(state)
    result = RunFinisher(runs, images=images).finish(
        {**state, "loop": loop, "outcome": "PASSED", "reason": "the score reached the threshold"}
    )

    [recorded] = runs.list_rounds(RUN)
    assert loop["gatePassed"] is True
    assert recorded["verification"]["status"] == c.VERIFICATION_UNAVAILABLE
    assert "VerifierThrottled" in recorded["verification"]["unavailable"]
    assert result["status"] == c.STATUS_PASSED and "verifier was unavailable" in result["reason"]


def test_a_round_the_judge_failed_is_recorded_as_not_verified(storage):
    images, runs = storage
    state = judged_round(storage, [FOUR_DUCKS], score=5.0)

    loop = RoundRecorder(runs, images).record(state)

    [recorded] = runs.list_rounds(RUN)
    assert recorded["verification"]["status"] == c.VERIFICATION_SKIPPED and loop["gatePassed"] is False


def test_a_run_without_a_verifier_records_none_and_its_judge_decides(storage):
    images, runs = storage
    state = judged_round(storage, [FOUR_DUCKS], verifier="none")

    loop = RoundRecorder(runs, images).record(state)

    assert runs.list_rounds(RUN)[0].get("verification") is None and loop["gatePassed"] is True


def test_an_absent_entity_fails_each_of_its_checks_and_is_told_to_the_rewriter_once(storage):
    images, _runs = storage
    # Given the judge's presence, count and colour checks of ducks Rekognition does not see at all
    checks = [
        check("Is there a duck?", "entity", "duck"),
        FOUR_DUCKS,
        check("Are the ducks yellow?", "colour", "duck", colour="yellow"),
    ]
    state = judged_round(storage, checks)

    summary = verify(storage, state, StubbedRekognition().labels(labels_response(label("Boat", instance(0.5, 0.5)))))

    # Then all three fail, and the rewriter gets the finding once
    document = images.get_json(summary["verificationKey"])
    assert [result["satisfied"] for result in document["checks"]] == [False, False, False]
    assert summary["failed"] == 3
    assert document["suggestions"] == ["the image shows no duck; the prompt asks for a duck"]


# -- choosing the best round -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("best_failed", "best_score", "failed", "score", "improves"),
    [
        (False, 8.0, True, 9.9, False),  # a higher-scoring round the verifier failed never displaces a clean one
        (True, 9.9, False, 5.0, True),  # any round it did not fail displaces one it failed
        (False, 8.0, False, 8.5, True),  # alike: the higher score wins
        (True, 8.0, True, 8.5, True),
        (False, 8.0, False, 8.0, False),  # a tie keeps the earlier round
    ],
)
def test_a_round_the_verifier_failed_ranks_below_every_round_it_did_not_fail(
    best_failed, best_score, failed, score, improves
):
    from imagegate_service.domain.recording import improves_on_best

    loop = {"bestRound": 1, "bestScore": best_score, "bestVerificationFailed": best_failed}
    assert improves_on_best(loop, score, failed) is improves
    assert improves_on_best({**loop, "bestRound": 0}, score, failed) is True  # the first round is the best so far


def test_a_relation_of_a_thing_to_another_of_its_kind_fails_when_one_is_detected(storage):
    images, _runs = storage
    # Given the judge claims a cat above a cat, and Rekognition boxes one cat
    checks = [check("Is the cat above the cat?", "relation", "cat", relation="above", object="cat")]
    found = labels_response(label("Cat", instance(0.4, 0.3, "black")))
    summary = verify(storage, judged_round(storage, checks), StubbedRekognition().labels(found))
    # Then nothing can be above it: the check fails (the detections' Instance objects are new on every call, so
    # the same box is found by value, never paired with itself)
    [result] = images.get_json(summary["verificationKey"])["checks"]
    assert result["satisfied"] is False and "one cat only" in result["evidence"]
