"""Issue 28.2, strategy targeted: which failed checks make the next round a targeted Image Services edit of the best
image (recolor, erase, replace) and which make it regenerate, read only from what a deployed system sees (the
judge's checks, the verifier's grounding of them), and what such a round may cost."""

import pytest

from imagegate_service import constants as c
from imagegate_service import registry
from imagegate_service.domain.costs import (
    image_calls_bound,
    mask_detection_price,
    next_round_bound,
    targeted_calls_bound,
)
from imagegate_service.domain.refining import (
    failed_seen,
    plan_targeted,
    public_edit,
    round_mode,
    targeted,
    targeted_operation,
)
from imagegate_service.settings import resolve_settings

pytestmark = pytest.mark.unit

BEST_KEY = "runs/r/round-02/candidate-1.png"


def check(kind, subject=None, satisfied=False, **stated):
    entry = {"question": f"{kind} of {subject}?", "satisfied": satisfied, "kind": kind, **stated}
    return {**entry, "subject": subject} if subject else entry


def loop(best_round=2):
    return {"round": best_round, "bestRound": best_round, "bestScore": 6.0, "bestImageKey": BEST_KEY}


TARGETED = {"strategy": c.STRATEGY_TARGETED}


def test_a_colour_only_failure_recolors_that_object_to_the_colour_the_check_asks():
    # Given the judge found every object present and only the cup's colour wrong
    failed = [check("colour", "Cup ", colour="Red")]
    # Then the edit is Search and Recolor of the cup to red
    assert targeted_operation(failed) == {"op": "recolor", "object": "cup", "colour": "red"}
    # And the same failure stated twice is still one recolor
    assert targeted_operation([*failed, check("colour", "cup", colour="red")])["op"] == "recolor"


@pytest.mark.parametrize(
    "failed",
    [
        [check("entity", "cup")],  # a missing object: nothing to search for
        [check("count", "cup", count=3)],  # a count: needs a new layout
        [check("colour", "cup", colour="red"), check("count", "cup", count=2)],
        [check("colour", "cup", colour="red"), check("entity", "cup")],  # the cup is missing: cannot recolor it
        [check("colour", "cup", colour="red"), check("colour", "apple", colour="green")],  # two objects
        [check("colour", "cup", colour="red"), check("colour", "cup", colour="blue")],  # two colours
        [check("colour", "cup")],  # the judge did not say which colour
        [check("absent", "dog", count=2)],  # "fewer than two dogs": a count, not an unwanted object
        [check("absent", "dog"), check("absent", "cat")],  # two unwanted objects
        [check("relation", "cup", relation="left of", object="apple")],
        [check("attribute", "cup")],
        [check("style")],  # image-wide, no subject
        [{"question": "is the cup red?", "satisfied": False}],  # no kind, no subject
        [],
    ],
)
def test_a_missing_object_a_count_or_anything_not_local_regenerates(failed):
    assert targeted_operation(failed) is None
    assert plan_targeted(TARGETED, loop(), failed, []) is None


def test_an_unwanted_object_is_erased_and_an_unwanted_one_where_a_missing_one_belongs_is_replaced():
    assert targeted_operation([check("absent", "dog")]) == {"op": "erase", "object": "dog"}
    assert targeted_operation([check("absent", "dog", count=0)]) == {"op": "erase", "object": "dog"}
    assert targeted_operation([check("absent", "dog"), check("entity", "cat")]) == {
        "op": "replace",
        "object": "dog",
        "with": "cat",
    }


def test_the_plan_edits_the_best_image_records_the_operation_and_tries_each_edit_of_an_image_once():
    failed = [check("colour", "cup", colour="red")]
    # Given strategy targeted and a colour-only failure on round 2's image
    edit = plan_targeted(TARGETED, loop(), failed, [])
    assert edit == {"sourceImageKey": BEST_KEY, "sourceRound": 2, "task": "recolor", "object": "cup", "colour": "red"}
    assert targeted(edit) and round_mode({"edit": edit}) == c.MODE_EDIT
    # Then the round record keeps the operation and its parameters (not the S3 key, which it keeps apart)
    assert public_edit(edit) == {"task": "recolor", "sourceRound": 2, "object": "cup", "colour": "red"}
    # And once a round made that edit of that image (and did not become the best), the next round regenerates
    earlier = {"round": 3, "sourceImageKey": BEST_KEY, "edit": public_edit(edit)}
    assert plan_targeted(TARGETED, loop(), failed, [earlier]) is None
    # ... but another edit of it, or the same edit of another image, is still made
    assert plan_targeted(TARGETED, loop(), [check("absent", "dog")], [earlier])["task"] == "erase"
    other = {**loop(), "bestImageKey": "runs/r/round-03/candidate-1.png", "bestRound": 3}
    assert plan_targeted(TARGETED, other, failed, [earlier])["sourceRound"] == 3


@pytest.mark.parametrize(
    "strategy", [c.STRATEGY_AUTO, c.STRATEGY_REGENERATE, c.STRATEGY_REFINE, c.STRATEGY_REDRAW, c.STRATEGY_REWORD]
)
def test_only_strategy_targeted_makes_targeted_edits(strategy):
    assert plan_targeted({"strategy": strategy}, loop(), [check("colour", "cup", colour="red")], []) is None


def test_a_generator_edit_is_not_a_targeted_one():
    assert not targeted({"task": "image-to-image", "strength": 0.5})
    assert not targeted({"task": "INPAINTING", "maskPrompt": "the cup"})
    assert not targeted(None)


def test_the_verifiers_failures_count_where_the_judge_passed_and_only_for_the_check_it_grounded():
    verdict = {
        "checks": [
            check("entity", "banana", satisfied=True),
            check("colour", "banana", satisfied=True, colour="yellow"),
            check("colour", "book", satisfied=True, colour="green"),
        ]
    }
    # Given the verifier grounded the same checks and saw the banana green
    grounded = [
        {"question": verdict["checks"][0]["question"], "satisfied": True},
        {"question": verdict["checks"][1]["question"], "satisfied": False},
        {"question": verdict["checks"][2]["question"], "satisfied": None},  # unverifiable: not a failure
    ]
    failed = failed_seen(verdict, {"checks": grounded})
    # Then the one failure is the judge's check (it carries the colour asked for), and it is a recolor
    assert failed == [verdict["checks"][1]]
    assert targeted_operation(failed) == {"op": "recolor", "object": "banana", "colour": "yellow"}
    # And without a verification only the judge's failures count
    assert failed_seen(verdict, None) == []
    # And a grounding of other questions (another verdict's) is not read as this one's
    assert failed_seen(verdict, {"checks": [{"question": "other?", "satisfied": False}] * 3}) == []


def test_the_next_rounds_bound_covers_a_targeted_round_on_a_generator_cheaper_than_the_edit():
    core = "stability.stable-image-core-v1:1"
    base = resolve_settings({"prompt": "a red cup", "generator": core, "candidatesPerRound": 2})
    targeted_settings = {**base, "strategy": c.STRATEGY_TARGETED}
    recolor = registry.image_service_for("recolor").price_per_call_usd
    # Given a generator whose image costs less than one Search and Recolor call
    assert image_calls_bound(base) < 2 * recolor
    # Then under strategy targeted the next round's bound covers two edit calls and the erase's detector call
    assert targeted_calls_bound(targeted_settings) >= 2 * recolor
    assert targeted_calls_bound(base) == 0.0
    assert next_round_bound(targeted_settings, None, None) - next_round_bound(base, None, None) == pytest.approx(
        targeted_calls_bound(targeted_settings) - image_calls_bound(base)
    )


def test_targeted_is_a_strategy_and_loop_targeted_an_arm():
    assert resolve_settings({"prompt": "a red cup", "strategy": "targeted"})["strategy"] == c.STRATEGY_TARGETED
    assert c.BENCHMARK_ARMS["loop+targeted"] == {"strategy": c.STRATEGY_TARGETED, "verifier": c.VERIFIER_NONE}


def test_the_next_rounds_bound_covers_an_erase_mask_paid_before_a_regenerated_round():
    # Given a generator whose images cost more than the targeted edits, under strategy targeted
    large = "stability.sd3-5-large-v1:0"
    base = resolve_settings({"prompt": "a red cup", "generator": large, "strategy": c.STRATEGY_REGENERATE})
    targeted_settings = {**base, "strategy": c.STRATEGY_TARGETED}
    assert image_calls_bound(base) > targeted_calls_bound(targeted_settings)
    # When the next round is bounded: Rewrite Prompt may pay the erase's DetectLabels call, find no box to mask and
    # regenerate (a drawn round with its rewrite)
    extra = next_round_bound(targeted_settings, None, None) - next_round_bound(base, None, None)
    # Then the bound holds that call on top of the drawn round
    assert extra == pytest.approx(mask_detection_price())
