"""Issue 22.3: the world rewards what a prompt asks, not how loudly. Restating the same content (emphasis
words, "important:", repetition) parses to the same scene and buys at most 0.05 of single-shot accuracy; a
repeated noun is one object; an explicit layout, a colour in its own clause and a count laid out in a row
are content, and the offline rewriter writes them, with or without the judge's suggestions."""

import pytest

from imagegate.local.world import ablation
from imagegate.local.world.rewrite import explicit_restatement, rewrite_prompt
from imagegate.local.world.scene import parse_prompt

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("name", ablation.WORDING_ONLY)
def test_restating_the_same_content_parses_to_the_same_scene_on_every_geneval_prompt(name):
    for item in ablation.load_geneval():
        # Given a GenEval prompt and its wording-only restatement
        restated = ablation.variant(item["prompt"], name)
        # When the generator parses both
        # Then it asks itself for the same scene
        assert parse_prompt(restated) == parse_prompt(item["prompt"]), restated


def test_restating_adds_at_most_five_points_of_single_shot_accuracy_on_geneval():
    """All 553 prompts and all three restatements, drawn and judged at 128 x 128 (issue 29: the suite's slowest
    unit test at 256, about 12 s): what a restatement could change is in the generator's scene, its random streams
    and what it draws from the prompt's words, none of which depends on the size; the size only sets how many
    pixels the same scene is drawn on and perceived from. Single-shot accuracy as written at one seed (0.72 at 128,
    0.70 at 256, measured) shows the objects are still drawn and seen; 10.5 -> 7.5 s of CPU."""
    # Given GenEval's 553 prompts at one seed, as written and restated three ways (emphasis, repetition, both)
    rates = ablation.run(seeds=(42,), workers=1, size=128, variants=("as written", *ablation.WORDING_ONLY))
    # Then no restatement gains more than 0.05 overall (GenEval's mean of tasks): each is only a new RNG stream
    for name in ablation.WORDING_ONLY:
        assert rates[name]["overall"] - rates["as written"]["overall"] <= ablation.WORDING_TOLERANCE, (name, rates)


@pytest.mark.parametrize(
    "prompt",
    [
        "a green kite above a lighthouse. a green kite above a lighthouse",
        "a green kite above a lighthouse, the kite above the lighthouse, important: a kite",
        "a kite, a green kite, a clearly green kite above a lighthouse and a lighthouse",
    ],
)
def test_a_repeated_noun_is_one_entity_whatever_words_carry_it(prompt):
    # Given a prompt that names the kite and the lighthouse more than once
    spec = parse_prompt(prompt)
    # Then each is one object, the kite green, and the relation stated once
    assert [(e.cls, e.count) for e in spec.entities] == [("kite", 1), ("lighthouse", 1)]
    assert spec.entities[0].colour == "green"
    assert [(r.subject, r.relation, r.object) for r in spec.relations] == [(0, "above", 1)]


def test_a_different_colour_or_another_makes_a_second_object():
    assert [(e.cls, e.colour) for e in parse_prompt("a red mug and a blue mug").entities] == [
        ("mug", "red"),
        ("mug", "blue"),
    ]
    assert len(parse_prompt("a goat next to another goat").entities) == 2


def test_layout_colour_clauses_and_rows_are_content_the_parse_records():
    # Given a prompt rewritten the explicit way
    spec = parse_prompt(
        "a lamp left of a sofa and four red cushions and a green rug, the lamp on the left side of the image, "
        "the sofa on the right side of the image, the rug is green, four cushions side by side in a row"
    )
    lamp, sofa, cushions, rug = spec.entities
    # Then the layout places both objects, the rug's colour has its clause and the count its row
    assert (lamp.position, sofa.position) == ("left", "right")
    assert rug.colour_clause and not cushions.colour_clause
    assert cushions.count_layout and cushions.count == 4 and cushions.colour == "red"


def test_the_rewriter_lays_out_what_the_judge_asks_to_fix_and_never_repeats_itself():
    prompt = "a photo of a bird below a clock"
    suggestion = ['Add "the bird clearly below the clock" to the prompt.']
    # When the judge's relation fix is applied twice
    first = rewrite_prompt(prompt, prompt, suggestion, 512)["prompt"]
    second = rewrite_prompt(prompt, first, suggestion, 512)["prompt"]
    # Then the first rewrite writes the layout, and the second adds no layout again
    assert "the bird in the lower part of the image, the clock in the upper part of the image" in first
    assert second.count("lower part of the image") == 1
    assert [e.position for e in parse_prompt(first).entities] == ["bottom", "top"]


def test_without_suggestions_the_rewriter_restates_the_original_explicitly():
    # Given no verdict (the reword arm) and a prompt with a relation, two colours and a count
    prompt = "two white sheep right of a black fence and a brown barn"
    out = rewrite_prompt(prompt, prompt + ", something earlier", [], 512)
    # Then it starts again from the original and adds its explicit restatement only
    assert out["prompt"] == ", ".join([prompt, *explicit_restatement(prompt)])
    assert "the sheep on the right side of the image, the fence on the left side of the image" in out["prompt"]
    assert "two sheep side by side in a row" in out["prompt"] and "the barn is brown" in out["prompt"]
