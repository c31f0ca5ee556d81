"""Issue 21.3: misreadings fixed in the judge's reading (reading.py) and the generator's parse (scene.py), each
with a sentence of that shape written for this test; and issue 22.4 on the generator's side: depth, 3D
relations and actions are drawn so that the ground truth can decide them, read back through perceive."""

import pytest

from imagegate.local.world import reading, truth
from imagegate.local.world.concepts import action_code, attribute_code, singular, verb_lemma
from imagegate.local.world.perceive import perceive
from imagegate.local.world.render import encode_png, render_image
from imagegate.local.world.scene import parse_prompt

pytestmark = pytest.mark.unit


def judged(prompt: str) -> list[dict]:
    return reading.checks_from_prompt(prompt)


def relations(prompt: str) -> tuple[list[tuple], list[tuple]]:
    """(the judge's relation checks, the generator's relations), both as (subject, relation, object)."""
    judge = [(c["subject"], c["relation"], c["object"]) for c in judged(prompt) if c["kind"] == "relation"]
    spec = parse_prompt(prompt)
    drawn = [(spec.entities[r.subject].cls, r.relation, spec.entities[r.object].cls) for r in spec.relations]
    return judge, drawn


def entities(prompt: str) -> tuple[set[str], set[str]]:
    judge = {c["subject"] for c in judged(prompt) if c["kind"] == "entity"}
    return judge, {e.cls for e in parse_prompt(prompt).entities}


def test_on_the_bottom_of_is_below_not_above():
    judge, drawn = relations("a coin on the bottom of a jar")
    assert judge == [("coin", "below", "jar")] and drawn == [("coin", "below", "jar")]


def test_on_the_side_of_is_next_to_not_above():
    judge, drawn = relations("a ladder on the side of a barn")
    assert judge == [("ladder", "next to", "barn")] and drawn == [("ladder", "next to", "barn")]


@pytest.mark.parametrize(
    "prompt, relation",
    [
        ("a kettle next to a toaster", "next to"),
        ("a kettle near a toaster", "near"),
        ("a kettle behind a toaster", "behind"),
        ("a kettle in front of a toaster", "in front of"),
        ("a kettle inside a cupboard", "inside"),
        ("a kettle in a sink", "inside"),
    ],
)
def test_proximity_depth_and_containment_are_checked_and_drawn(prompt, relation):
    judge, drawn = relations(prompt)
    subject, _, obj = judge[0]
    assert judge == [(subject, relation, obj)] and drawn == judge


def test_between_names_both_objects():
    checks = [c for c in judged("a lamp between a sofa and a bookshelf") if c["kind"] == "relation"]
    assert [(c["subject"], c["relation"], c["object"], c["object2"]) for c in checks] == [
        ("lamp", "between", "couch", "bookshelf")
    ]
    spec = parse_prompt("a lamp between a sofa and a bookshelf")
    assert [(r.subject, r.relation, r.object, r.object2) for r in spec.relations] == [(0, "between", 1, 2)]


def test_in_before_something_worn_or_a_setting_is_no_containment():
    assert relations("a woman in a green raincoat") == ([], [])
    assert not [c for c in judged("a boat in the fog") if c["kind"] == "relation"]


def test_a_past_tense_verb_is_no_object():
    judge, drawn = entities("the curtain fluttered beside the window")
    assert judge == drawn == {"curtain", "window"}


def test_compound_nouns_stay_whole():
    judge, drawn = entities("a pencil holder, a laptop bag and a Rubik's cube on a desk")
    assert judge == drawn == {"pencil holder", "laptop bag", "rubik cube", "desk"}


def test_a_possessive_of_a_known_thing_names_two_things():
    judge, drawn = entities("the horse's saddle")
    assert judge == drawn == {"horse", "saddle"}


def test_gloves_are_a_glove_and_wolves_a_wolf():
    assert [singular(w) for w in ("gloves", "wolves", "knives", "sleeves")] == ["glove", "wolf", "knife", "sleeve"]
    judge, drawn = entities("four woollen gloves")
    assert judge == drawn == {"glove"}


def test_a_background_colour_is_the_backgrounds_not_the_objects():
    colours = {
        (c["subject"], c["colour"]) for c in judged("a brown rabbit on a pink background") if c["kind"] == "colour"
    }
    assert colours == {("rabbit", "brown")}
    assert [(e.cls, e.colour) for e in parse_prompt("a brown rabbit on a pink background").entities] == [
        ("rabbit", "brown")
    ]


def test_taking_photos_is_an_action_not_two_photos():
    checks = judged("a tourist taking photos")
    assert [c["subject"] for c in checks if c["kind"] == "entity"] == ["tourist"]
    assert [(c["subject"], c["action"], c.get("object")) for c in checks if c["kind"] == "action"] == [
        ("tourist", "take", "photo")
    ]
    assert [(e.cls, e.actions) for e in parse_prompt("a tourist taking photos").entities] == [("tourist", ["take"])]


def test_single_quoted_text_is_text_and_an_apostrophe_is_not_a_quote():
    texts = [c["text"] for c in judged("a shop's sign that reads 'CLOSED'") if c["kind"] == "text"]
    assert texts == ["CLOSED"]
    assert [t.text for t in parse_prompt("a shop's sign that reads 'CLOSED'").texts] == ["CLOSED"]


def test_verb_lemmas_and_action_codes():
    assert [verb_lemma(v) for v in ("riding", "rides", "rode", "taking", "sitting", "contrasted")] == [
        "ride",
        "ride",
        "ride",
        "take",
        "sit",
        "contrast",
    ]
    assert action_code("riding") == action_code("ride") != action_code("hold")


# ---------------------------------------------------------------- drawn and read back (22.4, generator side)


@pytest.mark.parametrize(
    "prompt, check",
    [
        ("a kettle behind a toaster", {"relation": "behind", "subject": "kettle", "object": "toaster"}),
        ("a kettle in front of a toaster", {"relation": "in front of", "subject": "kettle", "object": "toaster"}),
        ("a mug on a shelf", {"relation": "on", "subject": "mug", "object": "shelf"}),
        ("a cat under a chair", {"relation": "under", "subject": "cat", "object": "chair"}),
        ("a frog inside a bucket", {"relation": "inside", "subject": "frog", "object": "bucket"}),
        ("a lamp near a sofa", {"relation": "near", "subject": "lamp", "object": "couch"}),
        (
            "a lamp between a sofa and a bookshelf",
            {"relation": "between", "subject": "lamp", "object": "couch", "object2": "bookshelf"},
        ),
    ],
)
def test_a_3d_relation_the_generator_follows_is_true_by_the_ground_truth(prompt, check):
    followed = 0
    for seed in range(40):
        # Given an image whose plan records no mistake about the relation
        image, plan = render_image(prompt, "", seed, 256, 256)
        if any(m.startswith(("ignored", "swapped", "dropped", "duplicated")) for m in plan.mistakes):
            continue
        followed += 1
        # Then the ground truth, from the pixels alone, finds the relation holds
        assert truth.satisfied({"kind": "relation", "id": "r", **check}, perceive(encode_png(image))) is True, seed
    assert followed >= 3


def test_depth_and_actions_are_drawn_and_read_back():
    for seed in range(30):
        image, plan = render_image("a girl riding a pony behind a fence", "", seed, 256, 256)
        seen = perceive(encode_png(image))
        drawn = {(i.cls, i.depth, i.actions) for i in plan.instances if i.cls in {"child", "pony", "fence"}}
        # Then every drawn object is perceived at its depth, carrying its action codes
        for cls, depth, actions in drawn:
            found = truth.instances_of(seen, cls)
            assert found and all(o.depth == depth for o in found), (seed, cls)
            assert all(action_code(v) in o.attributes for o in found for v in actions), (seed, cls)
        # And the action check is decided: true exactly when the ride was drawn (and what is ridden is there)
        ride = truth.satisfied({"kind": "action", "subject": "child", "action": "ride", "object": "pony"}, seen)
        rode = any(i.cls == "child" and "ride" in i.actions for i in plan.instances)
        assert ride is (rode and any(i.cls == "horse" for i in plan.instances)), seed


def test_between_two_of_a_kind_is_asked_and_drawn_with_one_on_each_side():
    # Given "between two <plural>": the evaluator asks it (it was left unasked because the world could not draw it)
    from imagegate.local.world import render, truth
    from imagegate.local.world.dsg_reading import read_prompt

    prompt = "a lamp standing between two chairs"
    (between,) = [c for c in read_prompt(prompt) if c["kind"] == "relation"]
    assert (between["relation"], between["object"], between["object2"]) == ("between", "chair", "chair")
    assert between["question"] == "Is the lamp between the chairs?"
    spec = parse_prompt(prompt)
    assert [(r.relation, r.object, r.object2) for r in spec.relations] == [("between", 1, 1)]
    # When the world draws it over many seeds
    outcomes = []
    for seed in range(40):
        png, drawn = render.render_drawing(prompt, "", seed, 512, 512)
        followed = not drawn["mistakes"]
        outcomes.append((followed, truth.answer_checks(png, [between])[between["id"]]))
    # Then whenever the generator made no mistake the lamp stands between the two chairs, and the relation
    # fails when it did not follow it: the check can pass and can fail
    assert all(holds for followed, holds in outcomes if followed)
    assert any(followed for followed, _ in outcomes) and not all(holds for _, holds in outcomes)


@pytest.mark.parametrize("prompt", ["a lamp between the chairs", "a man standing between women"])
def test_between_an_uncounted_plural_is_drawn_as_asked(prompt):
    # the evaluator asks "between the chairs"; the generator must record it too (it did only with a number)
    assert [(r.relation, r.object, r.object2) for r in parse_prompt(prompt).relations] == [("between", 1, 1)]
    assert [
        (r.relation, r.object, r.object2) for r in parse_prompt("a cat between the chairs and a table").relations
    ] == [("between", 1, 2)]


def test_the_judge_tells_two_of_one_noun_apart_as_a_real_judge_reads_them():
    # Given a prompt with two cats told apart by colour, drawn the right way round
    checks = judged("a black cat above a white cat")
    asked = [c["question"] for c in checks]
    # Then the judge asks about each cat by what tells it apart (it asked every cat to be black and white)
    assert "Is the black cat above the white cat?" in asked
    assert {"Is one of the cats black?", "Is one of the cats white?"} <= set(asked)
    from imagegate.local.world.concepts import concept_code
    from imagegate.local.world.perceive import Percept, SeenObject

    cats = [SeenObject(concept_code("cat"), colour, 0.5, y, 0.1, 0.1) for colour, y in (("black", 0.2), ("white", 0.7))]
    assert all(truth.satisfied(c, Percept(objects=cats)) is True for c in checks)
    # and a prompt with one of each noun is read as before
    assert "Is the cat above the dog?" in [c["question"] for c in judged("a black cat above a white dog")]


def test_the_rewriters_restatement_names_which_of_two_cats_and_the_generator_places_each():
    from imagegate.local.world.rewrite import explicit_restatement

    said = explicit_restatement("a black cat to the left of a white cat")
    # no "the cat is black" / "the cat is white" (which names both cats) and no "the cat on the left, the cat on ..."
    assert said == ["the black cat on the left side of the image, the white cat on the right side of the image"]
    spec = parse_prompt("a black cat to the left of a white cat, " + said[0])
    assert [(e.colour, e.position) for e in spec.entities] == [("black", "left"), ("white", "right")]


def test_the_judge_reads_the_white_cat_after_the_black_cat_as_the_other_cat():
    asked = [c["question"] for c in judged("the black cat clearly above the white cat")]
    assert "Is the black cat above the white cat?" in asked and "Is the cat white?" not in asked
    # a relation said twice is asked once; a colour said of a cat with none yet is that cat's
    assert [c["question"] for c in judged("a black cat above a white cat, the black cat above the white cat")].count(
        "Is the black cat above the white cat?"
    ) == 1
    assert "Is the cup blue?" in [c["question"] for c in judged("a cup on a table. the blue cup is full")]


def test_a_suggested_colour_for_one_of_two_cats_adds_no_clause_naming_both():
    from imagegate.local.world.rewrite import rewrite_prompt

    original = "a black cat above a white cat"
    out = rewrite_prompt(original, original, ['Add "a clearly black cat" to the prompt: there is no cat.'], 500)
    assert "a clearly black cat" in out["prompt"] and "the cat is black" not in out["prompt"]
    # one cat alone still gets its clause
    alone = rewrite_prompt("a black cat", "a black cat", ['Add "a clearly black cat" to the prompt.'], 500)
    assert "the cat is black" in alone["prompt"]


@pytest.mark.parametrize(
    ("prompt", "held", "relation", "holder"),
    [
        ("a cup of tea on a table", "tea", "inside", "cup"),
        ("a plate of cookies", "cookie", "on top of", "plate"),
        ("a jar filled with coins", "coin", "inside", "jar"),
        ("a bowl full of apples", "apple", "inside", "bowl"),
        ("a glass cube containing a maple leaf", "maple leaf", "inside", "cube"),
        ("a glass teapot with blooming tea inside", "tea", "inside", "teapot"),
        ("a table with a cat underneath", "cat", "under", "table"),
        ("four purple balloons tied to a mailbox", "balloon", "next to", "mailbox"),
        ("a bedroom with a lamp and a painting of a whale above the bed", "whale", "inside", "painting"),
    ],
)
def test_the_generator_draws_what_a_container_holds_inside_it(prompt, held, relation, holder):
    spec = parse_prompt(prompt)
    named = [e.cls for e in spec.entities]
    assert (named.index(held), relation, named.index(holder)) in {
        (r.subject, r.relation, r.object) for r in spec.relations
    }


def test_the_generator_puts_the_cup_not_the_tea_on_the_table_and_a_hung_painting_above_the_bed():
    spec = parse_prompt("a cup of tea on a table")
    named = [e.cls for e in spec.entities]
    assert (named.index("cup"), "on top of", named.index("table")) in {
        (r.subject, r.relation, r.object) for r in spec.relations
    }
    spec = parse_prompt("a bedroom with a lamp and a painting of a whale above the bed")
    named = [e.cls for e in spec.entities]
    assert (named.index("painting"), "above", named.index("bed")) in {
        (r.subject, r.relation, r.object) for r in spec.relations
    }
    assert "photo" not in [e.cls for e in parse_prompt("a photo of a bench. a photo of a bench").entities]


@pytest.mark.parametrize(
    ("prompt", "drawn"),
    [
        ("A boy in a red helmet riding a bicycle down a steep hill", {"bicycle", "hill"}),
        ("a firefighter climbing down a ladder from a burning house", {"ladder", "house"}),
        ("a ball thrown by a little girl", {"ball"}),
        ("five geese walking in a line across a muddy field", {"goose"}),
        ("a lone astronaut standing on a red desert planet", {"astronaut"}),
        ("a street musician playing the saxophone outside a subway station", {"musician", "saxophone"}),
    ],
)
def test_the_generator_draws_the_things_everyday_phrasing_names(prompt, drawn):
    # a preposition, a participle or an adjective after or before a noun is not part of its name ("bicycle down",
    # "ball thrown", "lone astronaut"), an irregular plural is its noun ("geese"), a setting word before a noun
    # names its kind ("a street musician") and does not swallow it
    assert drawn <= {e.cls for e in parse_prompt(prompt).entities}


def test_a_thing_named_by_its_setting_is_there_when_drawn_in_that_setting():
    # "under the kitchen table": the relation is kept, and the table drawn in the kitchen is a kitchen table
    spec = parse_prompt("a mouse under the kitchen table")
    assert spec.scene == "kitchen" and [(r.relation) for r in spec.relations] == ["under"]
    from imagegate.local.world.concepts import concept_code
    from imagegate.local.world.perceive import Percept, SeenObject

    table = SeenObject(concept_code("table"), "brown", 0.5, 0.6, 0.3, 0.2)
    check = {"id": "c1", "kind": "entity", "subject": "kitchen table", "question": "Is there a kitchen table?"}
    assert truth.satisfied(check, Percept(objects=[table], scene="kitchen")) is True
    # the setting word names the thing's kind, not a mark on it: a table is a kitchen table wherever it stands
    # ("a beach with a park bench" draws a beach), as a detector's class would say
    assert truth.satisfied(check, Percept(objects=[table], scene="beach")) is True
    bench = {"id": "c1", "kind": "entity", "subject": "park bench", "question": "Is there a park bench?"}
    assert truth.satisfied(bench, Percept(objects=[table], scene="beach")) is False  # no bench, no park bench


@pytest.mark.parametrize(
    ("creature", "head", "plain"),
    [
        ("sea horse", "horse", "a brown horse galloping along the sea"),
        ("sea lion", "lion", "a lion resting on a rock by the sea"),
        ("snow leopard", "leopard", "a leopard walking through the snow"),
        ("river otter", "otter", "an otter swimming in a river"),
    ],
)
def test_a_setting_word_before_an_animal_names_a_kind_of_creature(creature, head, plain):
    """A setting word before a made thing says where it is used ("a kitchen table" is a table, above); before an
    animal it names another creature: a sea horse is no horse. The generator draws the creature's kind, and the
    ground truth does not pass a plain one for it, whatever the setting."""
    # Given the generator's parse of the creature, and of the plain animal in that setting
    kind = next(e for e in parse_prompt(f"a {creature} in a picture").entities if e.cls == head)
    assert creature.split()[0] in kind.attributes
    assert not any(creature.split()[0] in e.attributes for e in parse_prompt(plain).entities)
    check = {"id": "c1", "kind": "entity", "subject": creature, "question": f"Is there a {creature}?"}
    code = attribute_code(creature.split()[0])
    plain_drawn = kind_drawn = 0
    for seed in range(6):
        # When the world draws each and the evaluator asks for the creature
        for prompt in (plain, f"a {creature}"):
            png = encode_png(render_image(prompt, "", seed, 384, 384)[0])
            animals = truth.instances_of(perceive(png), head)
            # Then the creature is there exactly when an animal is drawn as its kind (the generator, like a
            # model, sometimes drops what it was asked to draw); the plain animal never is
            drawn_as_kind = any(code in o.attributes for o in animals)
            assert truth.answer_checks(png, [check])["c1"] is drawn_as_kind, prompt
            plain_drawn += prompt == plain and bool(animals)
            kind_drawn += drawn_as_kind
    assert plain_drawn and kind_drawn


def test_the_generator_draws_a_posture_and_a_participle_before_a_name():
    spec = parse_prompt("a man without a hat standing between two women in straw hats")
    assert "stand" in spec.entities[0].actions
    assert "sit" in parse_prompt("the cat is sitting on a mat").entities[0].actions
    assert "sit" in parse_prompt("A wombat sits in a yellow beach chair").entities[0].actions
    retriever = parse_prompt("a sleeping golden retriever on a rug").entities[0]
    assert retriever.cls == "retriever" and "sleeping" in retriever.attributes and retriever.colour is None
    # two breeds are two dogs (a breed is not folded into "dog": one dog would pass both)
    assert len(parse_prompt("a poodle next to a dalmatian").entities) == 2


@pytest.mark.parametrize(
    ("prompt", "thing", "adjective"),
    [
        ("a hand-drawn map of an island", "map", "hand-drawn"),
        ("a half-built birdhouse", "birdhouse", "half-built"),
        ("a Victorian-era library", "library", "victorian-era"),
        ("a plate of star-shaped cookies", "cookie", "star-shaped"),
    ],
)
def test_the_generator_keeps_a_hyphenated_adjective_whole(prompt, thing, adjective):
    entity = next(e for e in parse_prompt(prompt).entities if e.cls == thing)
    assert adjective in entity.attributes and "hand" not in {e.cls for e in parse_prompt(prompt).entities}


@pytest.mark.parametrize(
    ("prompt", "question"),
    [
        ("a box containing three apples", "Are the apples inside the box?"),
        ("two cats on a sofa", "Are the cats on the sofa?"),
    ],
)
def test_several_things_in_or_on_one_thing_can_all_be_there(prompt, question):
    # every instance must hold (GenEval's every-pair rule): the world draws them side by side within the container
    # and the support wide, so the check passes on some seeds as the one-thing check does
    checks = truth.checks_from_prompt(prompt)
    check = next(c for c in checks if c["question"] == question)
    held = [
        truth.answer_checks(encode_png(render_image(prompt, "", seed, 512, 512)[0]), [check])[check["id"]]
        for seed in range(40)
    ]
    assert any(held) and not all(held)


@pytest.mark.parametrize("prompt", ["three glass bottles on a wooden shelf", "two mugs on a counter"])
def test_several_things_drawn_on_one_support_without_a_mistake_are_on_it(prompt):
    # the generator's mistakes (a relation ignored or swapped, a count or an object missed) fail the check; a
    # render that made none draws each thing standing on the support, and the truth must see it so (it drew
    # them where they fell before, and "three bottles on a shelf" failed in every render)
    checks = truth.checks_from_prompt(prompt)
    check = next(c for c in checks if c.get("relation") == "on")
    clean = []
    for seed in range(40):
        image, plan = render_image(prompt, "", seed, 512, 512)
        if not plan.mistakes:
            clean.append(truth.answer_checks(encode_png(image), [check])[check["id"]])
    assert clean and all(clean)


def test_the_generator_puts_both_of_two_joined_things_where_the_phrase_says():
    spec = parse_prompt("a red apple and a green pear on a white plate")
    named = [e.cls for e in spec.entities]
    placed = {(r.subject, r.relation, r.object) for r in spec.relations}
    assert {
        (named.index("apple"), "on top of", named.index("plate")),
        (named.index("pear"), "on top of", named.index("plate")),
    } <= placed
    # a thing held in a clause of its own is not joined ("a man holding a cup and a woman on a bench")
    spec = parse_prompt("a man holding a cup and a woman on a bench")
    assert [e.cls for e in spec.entities][spec.relations[0].subject] == "woman" and len(spec.relations) == 1


def test_the_generator_reads_a_participle_before_a_noun_as_how_it_is():
    assert [(e.cls, e.attributes) for e in parse_prompt("a lit candle").entities] == [("candle", ["lit"])]
    assert "pepper" in {e.cls for e in parse_prompt("a green pepper cut in half on a plate").entities}
    from imagegate.local.world.concepts import concept_code

    assert concept_code("t-shirt") == concept_code("shirt")


def test_a_relation_between_two_things_fails_when_only_one_was_drawn():
    # "a wooden chair next to a metal chair" drawn as one chair: nothing for it to be next to (an empty set of
    # pairs passed before: every pair of none holds)
    from imagegate.local.world.concepts import attribute_code, concept_code
    from imagegate.local.world.perceive import Percept, SeenObject

    chair = SeenObject(
        concept_code("chair"),
        "brown",
        0.5,
        0.5,
        0.1,
        0.1,
        attributes=frozenset({attribute_code("wooden"), attribute_code("metal")}),
    )
    relation = next(
        c for c in truth.checks_from_prompt("a wooden chair next to a metal chair") if c["kind"] == "relation"
    )
    assert truth.satisfied(relation, Percept(objects=[chair])) is False


def test_the_twins_of_one_black_and_one_white_do_not_share_what_one_of_them_does():
    spec = parse_prompt("two dogs, one black and one white. the black dog riding a skateboard")
    black, white = (e for e in spec.entities if e.cls == "dog")
    assert "ride" in black.actions and "ride" not in white.actions


def test_a_hyphenated_place_in_the_image_is_still_a_place():
    spec = parse_prompt("a cat in the top-left corner")
    assert spec.entities[0].position is not None


def test_the_generator_draws_two_things_told_apart_by_what_they_are():
    assert [(e.cls, e.attributes) for e in parse_prompt("a wooden chair next to a metal chair").entities] == [
        ("chair", ["wooden"]),
        ("chair", ["metal"]),
    ]
    assert len(parse_prompt("a big dog. the dog is happy").entities) == 1  # named again: the same dog


def test_a_corner_is_a_place_on_both_axes():
    # "in the top left corner": the evaluator asks top and left; the generator drew only the top (0/40 on the left)
    assert parse_prompt("a cat in the top left corner").entities[0].position == "top left"
    assert parse_prompt("a cat in the top-left corner").entities[0].position == "top left"
    checks = truth.checks_from_prompt("a cat in the top left corner")
    left = next(c for c in checks if c.get("position") == "left")
    held = [
        truth.answer_checks(encode_png(render_image("a cat in the top left corner", "", seed, 512, 512)[0]), [left])[
            left["id"]
        ]
        for seed in range(20)
    ]
    assert sum(bool(h) for h in held) >= 10


def _doing(prompt: str) -> dict[str, list[str]]:
    return {e.cls: e.actions for e in parse_prompt(prompt).entities}


def test_the_generator_gives_a_verb_after_a_with_phrase_to_its_owner():
    # a beard rides no horse: the man does (a posture the with-noun takes itself stays its own)
    assert _doing("a man with a beard riding a horse") == {"man": ["ride"], "beard": [], "horse": []}
    assert _doing("a boy with a kite running on a hill")["child"] == ["run"]  # a boy is drawn as a child
    assert _doing("a bowl of rice with chopsticks resting on the side")["chopstick"] == ["rest"]


def test_a_noun_ending_in_ing_is_a_verb_when_its_object_follows():
    # "crossing" and "building" are nouns too ("a zebra crossing"), but not before "the street" or "a sandcastle"
    assert _doing("a woman with a yellow umbrella crossing the street") == {"woman": ["hold", "cross"], "umbrella": []}
    assert _doing("three kids building a snowman") == {"child": ["build"], "snowman": []}
    assert [e.cls for e in parse_prompt("a zebra crossing").entities] == ["zebra crossing"]


def test_a_verb_after_a_comma_or_while_is_the_last_doers():
    assert _doing("a fox wearing a red scarf, sitting in the snow")["fox"] == ["wear", "sit"]
    assert _doing("a woman carrying a basket while walking up a hill")["woman"] == ["carry", "walk"]
    # a new thing after the comma does its own verb
    assert _doing("a man riding a horse, a dog running beside it")["dog"] == ["run"]


def test_both_after_a_comma_is_the_two_things_just_named():
    spec = parse_prompt("a rabbit to the right of a duck, both sitting on a blue rug")
    named = [e.cls for e in spec.entities]
    assert {(named[r.subject], r.relation, named[r.object]) for r in spec.relations} >= {
        ("rabbit", "on top of", "rug"),
        ("duck", "on top of", "rug"),
    }
    assert all("sit" in e.actions for e in spec.entities[:2])
    asleep = parse_prompt("a grey dog next to a brown dog, both asleep").entities
    assert [("asleep" in e.attributes) for e in asleep] == [True, True]


def test_a_thing_after_a_container_stands_the_container_there():
    spec = parse_prompt("a hamster in a cage next to a lamp")
    named = [e.cls for e in spec.entities]
    assert {(named[r.subject], r.relation, named[r.object]) for r in spec.relations} == {
        ("hamster", "inside", "cage"),
        ("cage", "next to", "lamp"),
    }
    spec = parse_prompt("a pen in a pencil holder")  # a compound whose head holds things
    assert [(r.relation) for r in spec.relations] == ["inside"]


def test_a_setting_word_in_a_style_name_is_no_setting():
    assert parse_prompt("Studio Ghibli style painting of a cat").scene is None
    assert parse_prompt("a cat in a photo studio").scene == "studio"


def test_an_adjective_after_orange_the_colour_is_kept():
    cat = parse_prompt("an orange tabby cat").entities[0]
    assert (cat.cls, cat.colour, cat.attributes) == ("cat", "orange", ["tabby"])


def test_shaped_like_is_how_the_thing_looks_not_a_second_thing():
    spec = parse_prompt("a kite shaped like a big fish flying over a beach")
    assert [(e.cls, e.attributes, e.actions) for e in spec.entities] == [("kite", ["fish-shaped"], ["fly"])]
    assert parse_prompt("a pillow in the shape of a heart").entities[0].attributes == ["heart-shaped"]


def test_a_compound_garment_is_worn_and_a_colour_before_a_setting_word_is_the_things():
    boy = parse_prompt("a boy in a pirate costume waving").entities[0]
    assert boy.actions == ["wear", "wave"]
    rock = parse_prompt("a robot standing on a blue ocean planet").entities
    assert [(e.cls, e.colour) for e in rock] == [("robot", None), ("planet", "blue")]


def test_a_possessive_kind_is_the_thing_the_generator_drew():
    from imagegate.local.world.concepts import concept_code
    from imagegate.local.world.perceive import Percept, SeenObject

    drawn = SeenObject(concept_code("cowboy hat"), "brown", 0.5, 0.5, 0.2, 0.2)
    assert truth.satisfied({"kind": "entity", "subject": "cowboy's hat"}, Percept(objects=[drawn])) is True
    assert truth.satisfied({"kind": "entity", "subject": "cowboy's boot"}, Percept(objects=[drawn])) is False


@pytest.mark.parametrize(
    ("prompt", "first", "second"),
    [
        ("four candles on a shelf, the tallest one is red and the others are white", "red", "white"),
        ("two cups on a tray, one is pale blue and the other is black", "blue", "black"),
        ("two chairs, one yellow and one sky blue", "yellow", "blue"),
    ],
)
def test_one_of_a_counted_group_told_apart_by_colour_is_asked_and_drawn_as_one(prompt, first, second):
    # the evaluator asks each colour of the instances that have it (never "are the candles red?" and "are the
    # candles white?", which no image passes); the generator draws one of that colour and the rest of the other
    checks = truth.checks_from_prompt(prompt)
    colours = [c for c in checks if c["kind"] == "colour"]
    assert [(c["colour"], c["subjectLabel"]) for c in colours] == [(first, first), (second, second)]
    spec = parse_prompt(prompt)
    group = [e for e in spec.entities if e.colour in {first, second}]
    total = next(c["count"] for c in checks if c["kind"] == "count")
    assert [e.colour for e in group] == [first, second] and sum(e.count or 0 for e in group) == total
    # and what was said of the group before the colours holds for each part ("on a tray": both cups on it)
    placed = {(spec.entities[r.subject].colour, r.relation) for r in spec.relations}
    if "on a" in prompt.split(",")[0]:
        assert {(first, "on top of"), (second, "on top of")} <= placed


def test_a_verb_in_s_after_the_first_noun_is_what_it_does():
    # "A kite rises over the hill" drew a thing called "kite rise"; "a goat chews its cud" a "goat chew"
    assert _doing("A kite rises over the hill") == {"kite": ["rise"], "hill": []}
    assert _doing("a goat chews its cud")["goat"] == ["chew"]
    assert _doing("a deer eats apples from a basket") == {"deer": ["eat"], "apple": [], "basket": []}
    # a plural noun after a noun is no verb when the world knows it as a thing ("two dog bowls on a mat")
    assert [e.cls for e in parse_prompt("two dog bowls on a mat").entities] == ["dog bowl", "mat"]


def test_a_second_verb_after_and_is_the_same_doers_and_its_bare_object_is_drawn():
    assert _doing("a monkey wearing sunglasses and holding a banana") == {
        "monkey": ["wear", "hold"],
        "sunglass": [],
        "banana": [],
    }
    assert _doing("a bat landing on a fence")["bat"] == ["land"]  # an -ing noun before a relation is a verb


def test_a_possessive_kind_of_three_words_is_the_compound_drawn():
    from imagegate.local.world.concepts import concept_code
    from imagegate.local.world.perceive import Percept, SeenObject

    drawn = SeenObject(concept_code("captain hat"), "white", 0.5, 0.5, 0.2, 0.2)
    assert truth.satisfied({"kind": "entity", "subject": "ship captain's hat"}, Percept(objects=[drawn])) is True


def test_a_participle_after_a_noun_and_an_adjective_in_ly_are_how_it_is():
    assert parse_prompt("a bicycle parked against a wall").entities[0].attributes == ["parked"]
    assert parse_prompt("a lonely lighthouse").entities[0].attributes == ["lonely"]
    assert parse_prompt("a quickly melting snowman").entities[0].attributes == ["melting"]  # an adverb is no state
    # a part of one or two letters holds a hyphenated word together: "hi-top" is no "hi" at the top
    sneaker = parse_prompt("white hi-top sneakers").entities
    assert [(e.cls, e.colour, e.attributes) for e in sneaker] == [("sneaker", "white", ["hi-top"])]


def test_a_singular_noun_ending_in_s_is_one_thing():
    # "an rhinoceros" was read as "rhinocero" in the plural: several drawn, so no one of them was in front
    rhino = next(e for e in parse_prompt("a jeep in front of a rhinoceros").entities if e.cls == "rhinoceros")
    assert rhino.count == 1
    assert "Is there a hippopotamus?" in [c["question"] for c in truth.checks_from_prompt("a hippopotamus")]


def test_a_counted_group_in_several_colours_is_one_of_each_not_each_of_all():
    # "Are the tiles green?" and "Are the tiles yellow?" could never both hold
    questions = [
        c["question"] for c in truth.checks_from_prompt("four tiles in green and yellow") if c["kind"] == "colour"
    ]
    assert questions == ["Is one of the tiles green?", "Is another of the tiles yellow?"]
    drawn = [(e.count, e.colour) for e in parse_prompt("four tiles in green and yellow").entities]
    assert drawn == [(2, "green"), (2, "yellow")]
    # one thing in two colours is both ("a scarf in red and white"); a person in a colour wears it
    assert [c["question"] for c in truth.checks_from_prompt("a scarf in red and white") if c["kind"] == "colour"] == [
        "Is the scarf red?",
        "Is the scarf white?",
    ]


def test_a_material_noun_before_a_noun_is_what_it_is_made_of_and_full_of_is_full():
    assert [(e.cls, e.attributes) for e in parse_prompt("a slate tray").entities] == [("tray", ["slate"])]
    assert [(e.cls, e.attributes) for e in parse_prompt("a wicker basket").entities] == [("basket", ["wicker"])]
    spec = parse_prompt("Laundry basket full of towels")
    assert "full" in spec.entities[0].attributes
    assert [(r.relation) for r in spec.relations] == ["inside"]
    # a plural subject takes no verb in -s: "five paper cranes in ..." are cranes, not paper that cranes
    assert [e.cls for e in parse_prompt("five paper cranes in a row").entities] == ["crane"]


def test_a_picture_hung_in_the_scene_keeps_its_size_frame_and_medium():
    spec = parse_prompt("a white wall with a small framed oil painting of a ship")
    painting = next(e for e in spec.entities if e.cls == "painting")
    assert painting.attributes == ["small", "framed"]
    assert spec.style == "oil painting"  # the medium stays the look asked


def test_colours_joined_before_a_plural_are_a_mix_asked_and_drawn_as_such():
    prompt = "green and purple grapes in a bowl"
    colours = [(c["question"], c["subjectLabel"]) for c in truth.checks_from_prompt(prompt) if c["kind"] == "colour"]
    assert colours == [("Is one of the grapes green?", "green"), ("Is another of the grapes purple?", "purple")]
    drawn = [e.colour for e in parse_prompt(prompt).entities if e.cls == "grape"]
    assert drawn == ["green", "purple"]
    # one thing keeps its colours as asked of it
    assert [c["question"] for c in truth.checks_from_prompt("a green and purple kite") if c["kind"] == "colour"] == [
        "Is the kite green?",
        "Is the kite purple?",
    ]
