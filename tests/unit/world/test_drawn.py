"""Issue 25.1 (the world's side): an offline image comes with what the world drew, for a person to check the judge
by eye: each object's noun, colour, box and the position or relation it was placed by (drawn.json). It is the
world's own record, not a reading of the pixels, and it is never part of the image the judge sees."""

import pytest

from imagegate.local.world.edit import edit_drawing, edit_png
from imagegate.local.world.perceive import perceive
from imagegate.local.world.render import render_drawing, render_png
from imagegate.local.world.scene import parse_prompt

pytestmark = pytest.mark.unit

PROMPTS = [
    "a red apple to the left of a blue cup on a wooden table",
    "three yellow ducks on a pond, no dogs",
    "a cat inside a box next to a green ball",
    'a sign that says "OPEN LATE" above a door',
    "a purple elephant below a kite, watercolor",
]


def _inside(x, y, box, slack=0.02):
    left, top, width, height = box
    return left - slack <= x <= left + width + slack and top - slack <= y <= top + height + slack


@pytest.mark.parametrize("prompt", PROMPTS)
def test_what_was_drawn_matches_the_pixels_and_is_not_in_them(prompt):
    nouns = {e.cls for e in parse_prompt(prompt).entities}
    for seed in range(8):
        # Given an offline image and its drawing record
        png, drawn = render_drawing(prompt, "", seed, 384, 384)
        # Then the image is the very one render_png draws (the record adds nothing to what the judge sees)
        assert png == render_png(prompt, "", seed, 384, 384)
        # And every object the pixels show lies in a drawn box, one per drawn object
        seen = perceive(png).objects
        boxes = [o["box"] for o in drawn["objects"] if o["drawn"]]
        assert len(boxes) == len(seen)
        assert all(any(_inside(s.x, s.y, box) for box in boxes) for s in seen)
        for entry in drawn["objects"]:
            assert entry["label"] == f"{entry['colour']} {entry['noun']}"
            if entry["drawn"]:
                left, top, width, height = entry["box"]
                assert 0 <= left < left + width <= 1 and 0 <= top < top + height <= 1
            # an object is the prompt's, or says why it is there when nobody asked for it
            assert entry["noun"] in nouns or any(p.startswith("not asked") for p in entry["placedBy"]), entry
        # And each mistake about a relation shows on the object it was about
        for mistake in drawn["mistakes"]:
            if mistake.startswith(("ignored ", "swapped ")):
                subject = mistake.split()[1]
                if f"dropped {subject}" in drawn["mistakes"]:
                    continue  # nothing of it was drawn to carry the note
                notes = [p for o in drawn["objects"] if o["noun"] == subject for p in o["placedBy"]]
                assert any(mistake.split()[0] in note for note in notes), (mistake, drawn)


def test_a_relation_followed_is_named_on_both_objects():
    placed = []
    for seed in range(20):
        _, drawn = render_drawing("a red apple to the left of a blue cup", "", seed, 256, 256)
        if not drawn["mistakes"]:
            by_noun = {o["noun"]: o for o in drawn["objects"]}
            placed.append((by_noun["apple"]["placedBy"], by_noun["cup"]["placedBy"]))
            apple, cup = by_noun["apple"]["box"], by_noun["cup"]["box"]
            assert apple[0] + apple[2] / 2 < cup[0] + cup[2] / 2  # the boxes show it
    assert placed and all(p == (["left of the cup"], ["the apple left of it"]) for p in placed)


def test_texts_are_recorded_with_their_band():
    _, drawn = render_drawing('a sign that says "OPEN LATE"', "", 3, 384, 384)
    assert len(drawn["texts"]) == 1 and drawn["texts"][0]["box"][1] > 0.5  # the band near the bottom


def test_an_edit_records_what_it_drew_and_names_kept_objects_by_the_prompt():
    prompt = "a red apple to the left of a blue cup"
    source = render_png(prompt, "", 5, 256, 256)
    for strength in (0.2, 0.6):
        png, drawn = edit_drawing(source, prompt, "", 9, strength=strength)
        assert png == edit_png(source, prompt, "", 9, strength=strength)
        assert len([o for o in drawn["objects"] if o["drawn"]]) == len(perceive(png).objects)
        assert {o["noun"] for o in drawn["objects"]} <= {"apple", "cup", "object kept from the source image"}
