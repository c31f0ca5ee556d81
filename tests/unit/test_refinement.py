"""Issue 14's strategy and style settings: which round edits, with which edit, and what is refused."""

import pytest

from imagegate_service import constants as c
from imagegate_service import registry, styles
from imagegate_service.domain.refining import (
    AUTO_REFINE_MARGIN,
    EDIT_STRENGTH_FAR,
    EDIT_STRENGTH_NEAR,
    edit_strength,
    local_subject,
    plan_edit,
    public_edit,
)
from imagegate_service.errors import InvalidRequest
from imagegate_service.settings import check_request_fields, resolve_settings

pytestmark = pytest.mark.unit

SD35, CORE = "stability.sd3-5-large-v1:0", "stability.stable-image-core-v1:1"
TITAN, CANVAS = "amazon.titan-image-generator-v2:0", "amazon.nova-canvas-v1:0"


def check(kind, subject=None, satisfied=False):
    entry = {"question": f"{kind} of {subject}?", "satisfied": satisfied, "kind": kind}
    return {**entry, "subject": subject} if subject else entry


def verdict(*checks):
    return {"score": 6.0, "checks": list(checks)}


def loop(best_score, best_round=1):
    return {
        "round": best_round,
        "bestScore": best_score,
        "bestRound": best_round,
        "bestImageKey": "runs/r/round-01/candidate-1.png",
    }


def settings(strategy, generator=SD35, threshold=7.5):
    return {"strategy": strategy, "generator": generator, "threshold": threshold}


COLOUR_ONLY = verdict(check("colour", "cup"), check("entity", "apple", satisfied=True))


def test_an_edit_is_local_only_when_every_failure_is_about_one_object_and_of_a_local_kind():
    assert local_subject([check("colour", "cup"), check("attribute", "Cup ")]) == "cup"
    assert local_subject([check("colour", "cup"), check("colour", "apple")]) is None  # two objects
    assert local_subject([check("relation", "cup")]) is None  # a place: needs a new layout
    assert local_subject([check("count", "cup")]) is None
    assert local_subject([check("style")]) is None  # image-wide
    assert local_subject([{"question": "is the cup blue?", "satisfied": False}]) is None  # the judge gave no kind
    assert local_subject([]) is None


def test_the_strength_rises_with_the_distance_below_the_threshold_and_stays_in_its_range():
    scores = [7.4, 7.0, 6.0, 5.0, 4.0, 1.0]
    strengths = [edit_strength(7.5, score) for score in scores]
    assert strengths == sorted(strengths)
    assert strengths[0] >= EDIT_STRENGTH_NEAR and strengths[-1] == EDIT_STRENGTH_FAR


@pytest.mark.parametrize("strategy", [c.STRATEGY_REGENERATE, c.STRATEGY_REDRAW])
def test_regenerate_and_redraw_never_edit(strategy):
    assert plan_edit(settings(strategy), loop(7.0), COLOUR_ONLY) is None


def test_refine_edits_the_best_image_whatever_failed():
    plan = plan_edit(settings(c.STRATEGY_REFINE), loop(3.0, best_round=2), verdict(check("relation", "cup")))
    assert plan["task"] == "image-to-image" and plan["sourceRound"] == 2
    assert plan["sourceImageKey"] == loop(3.0)["bestImageKey"]


def test_auto_edits_only_near_the_threshold_and_for_local_failures():
    near, far = 7.5 - AUTO_REFINE_MARGIN, 7.5 - AUTO_REFINE_MARGIN - 0.1
    assert plan_edit(settings(c.STRATEGY_AUTO), loop(near), COLOUR_ONLY)["task"] == "image-to-image"
    assert plan_edit(settings(c.STRATEGY_AUTO), loop(far), COLOUR_ONLY) is None
    assert plan_edit(settings(c.STRATEGY_AUTO), loop(7.2), verdict(check("relation", "cup"))) is None


def test_auto_on_a_model_that_cannot_edit_falls_back_to_regenerate():
    assert not registry.generator(CORE).can_edit
    assert plan_edit(settings(c.STRATEGY_AUTO, CORE), loop(7.2), COLOUR_ONLY) is None


@pytest.mark.parametrize("generator", [TITAN, CANVAS])
def test_a_masking_model_inpaints_the_one_object_the_failures_are_about(generator):
    plan = plan_edit(settings(c.STRATEGY_AUTO, generator), loop(7.0), COLOUR_ONLY)
    assert plan["task"] == "INPAINTING" and plan["maskPrompt"] == "the cup"
    assert public_edit(plan) == {"task": "INPAINTING", "sourceRound": 1, "maskPrompt": "the cup"}


def test_a_missing_object_cannot_be_masked_so_a_masking_model_varies_the_whole_image():
    # Given the cup is missing (a mask prompt finds only what is there)
    plan = plan_edit(settings(c.STRATEGY_REFINE, CANVAS), loop(6.0), verdict(check("entity", "cup")))

    # Then the edit is an IMAGE_VARIATION whose similarity mirrors the strength, within Canvas's range
    bounds = registry.generator(CANVAS).edit_task("IMAGE_VARIATION")["similarityStrength"]
    assert plan["task"] == "IMAGE_VARIATION"
    assert bounds["min"] <= plan["similarityStrength"] <= bounds["max"]
    assert plan["similarityStrength"] == pytest.approx(1 - edit_strength(7.5, 6.0))


def test_the_default_strategy_is_auto_and_the_deprecated_rewrite_means_regenerate():
    assert resolve_settings({"prompt": "a cat"})["strategy"] == c.STRATEGY_AUTO
    assert resolve_settings({"prompt": "a cat", "strategy": "rewrite"})["strategy"] == c.STRATEGY_REGENERATE
    check_request_fields({"prompt": "a cat", "strategy": "rewrite"})  # a benchmark item's settings too


@pytest.mark.parametrize("strategy", [{}, [], 3, None])
def test_a_strategy_that_is_not_a_string_is_refused_naming_the_field(strategy):
    with pytest.raises(InvalidRequest) as raised:
        resolve_settings({"prompt": "a cat", "strategy": strategy})
    assert raised.value.field == "strategy"


def test_refine_on_a_generator_that_cannot_edit_is_refused_naming_the_field():
    with pytest.raises(InvalidRequest) as raised:
        resolve_settings({"prompt": "a cat", "generator": CORE, "strategy": c.STRATEGY_REFINE})
    assert raised.value.field == "strategy" and "cannot edit" in str(raised.value)
    assert resolve_settings({"prompt": "a cat", "generator": CORE, "strategy": c.STRATEGY_AUTO})


def test_an_unknown_style_is_refused_with_the_preset_names():
    with pytest.raises(InvalidRequest) as raised:
        resolve_settings({"prompt": "a cat", "style": "vaporwave"})
    assert raised.value.field == "style"
    assert all(name in str(raised.value) for name in styles.names())


def test_every_preset_is_complete_and_its_native_values_are_ones_the_family_takes():
    families = {registry.generator(m).family: registry.generator(m) for m in registry.generator_ids()}
    assert {"photographic", "watercolor", "cinematic", "line-art", "isometric"} <= set(styles.names())
    assert sum(preset.period is not None for preset in styles.presets().values()) >= 3  # period styles
    for preset in styles.presets().values():
        assert preset.description and preset.prompt and preset.negative
        for family, value in preset.native.items():
            assert families[family].native_style is not None and value in families[family].style_values
