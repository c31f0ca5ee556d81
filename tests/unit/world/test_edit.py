"""The offline world's editor (issue 14): an edit keeps the source's scene, changes what it targets with a
calibrated success rate, and has side effects; the result is judged from its pixels like any image."""

import pytest

from imagegate.local.world import edit
from imagegate.local.world.concepts import concept_code
from imagegate.local.world.perceive import perceive
from imagegate.local.world.render import render_png

pytestmark = pytest.mark.unit

SOURCE_PROMPT = "a pink cup next to a red apple, a green book"
WANTED = "a blue cup next to a red apple, a green book"
SIZE = 512


def sources(count):
    """Source images that show a cup (in any colour but blue) and at least one other object."""
    found = []
    for seed in range(400):
        png = render_png(SOURCE_PROMPT, "", seed, SIZE, SIZE)
        seen = perceive(png)
        cups = [o for o in seen.objects if o.code == concept_code("cup")]
        if cups and all(o.colour != "blue" for o in cups) and len(seen.objects) > len(cups):
            found.append((seed, png))
        if len(found) == count:
            return found
    raise AssertionError("too few source images")


def objects(png, without=()):
    return sorted(
        (o.code, o.colour, round(o.x, 3), round(o.y, 3)) for o in perceive(png).objects if o.code not in without
    )


def test_a_masked_edit_keeps_the_scene_and_every_object_it_did_not_touch():
    for seed, png in sources(12):
        # When the cup is repainted through a mask
        edited = edit.edit_png(png, WANTED, "", seed, strength=0.5, mask_prompt="the cup")

        # Then the background, light, style and text are the source's, and so are the objects besides the cup,
        # but for at most one neighbour the mask bled onto (it keeps its place and concept, not always its colour)
        before, after = perceive(png), perceive(edited)
        assert (after.scene, after.light, after.style, after.texts) == (
            before.scene,
            before.light,
            before.style,
            before.texts,
        )
        rest_before = objects(png, without={concept_code("cup")})
        rest_after = objects(edited, without={concept_code("cup")})
        assert [o[0] for o in rest_before] == [o[0] for o in rest_after]
        assert sum(a != b for a, b in zip(rest_before, rest_after, strict=True)) <= 1


def test_a_masked_edit_succeeds_about_as_often_as_the_calibrated_rate():
    # Given many source images whose cup is not blue
    trials = sources(120)

    # When each cup is repainted blue through a mask
    blue = 0
    for seed, png in trials:
        cups = [
            o
            for o in perceive(edit.edit_png(png, WANTED, "", seed, strength=0.5, mask_prompt="the cup")).objects
            if o.code == concept_code("cup")
        ]
        blue += bool(cups) and all(o.colour == "blue" for o in cups)

    # Then the share that came out blue is the world's edit success rate (a binomial band of about 3 sigma)
    share = blue / len(trials)
    assert abs(share - edit.EDIT_SUCCESS) < 0.13, share


def test_an_edit_at_strength_zero_changes_no_object():
    for seed, png in sources(6):
        assert objects(edit.edit_png(png, WANTED, "", seed, strength=0.0)) == objects(png)


def test_a_mask_that_names_nothing_in_the_image_repaints_nothing():
    for seed, png in sources(6):
        assert objects(edit.edit_png(png, WANTED, "", seed, strength=0.5, mask_prompt="the giraffe")) == objects(png)


def test_stronger_unmasked_edits_disturb_more_of_what_they_were_not_asked_to_change():
    # Given sources and an edit that asks only for the cup's colour
    trials = sources(60)

    def disturbed(strength):
        count = 0
        for seed, png in trials:
            others = objects(png, without={concept_code("cup")})
            after = objects(edit.edit_png(png, WANTED, "", seed, strength=strength), without={concept_code("cup")})
            count += others != after
        return count / len(trials)

    # Then a light touch disturbs the rest less often than a heavy one (which often re-draws the whole image)
    light, heavy = disturbed(0.2), disturbed(0.9)
    assert light < heavy and heavy > 0.3


def test_variation_strength_mirrors_similarity():
    floor = 0.2
    assert edit.variation_strength(1.0, floor) == 0.0
    assert edit.variation_strength(floor, floor) == 1.0
    assert edit.variation_strength(0.6, floor) > edit.variation_strength(0.8, floor)


def test_inpainting_without_a_prompt_removes_the_masked_object_about_as_often_as_the_calibrated_rate():
    trials = sources(60)
    removed = sum(
        not [
            o
            for o in perceive(edit.edit_png(png, "", "", seed, strength=1.0, mask_prompt="the cup")).objects
            if o.code == concept_code("cup")
        ]
        for seed, png in trials
    )
    assert abs(removed / len(trials) - edit.EDIT_SUCCESS) < 0.18
