"""The generator's parse (scene.py) draws what general English says (issue 21: the instrument's blind spots, checks
no render ever passes because the generator never draws what the evaluator asks). Sentences written for these
tests; none is taken from a benchmark or the held-out checklists."""

import pytest

from imagegate.local.world import truth
from imagegate.local.world.render import encode_png, render_image
from imagegate.local.world.scene import parse_prompt


def placed(prompt: str) -> set[tuple[str, str, str]]:
    """The generator's relations as (subject, relation, object) nouns."""
    spec = parse_prompt(prompt)
    return {(spec.entities[r.subject].cls, r.relation, spec.entities[r.object].cls) for r in spec.relations}


def named(prompt: str) -> list[str]:
    return [e.cls for e in parse_prompt(prompt).entities]


@pytest.mark.parametrize(
    ("prompt", "relation"),
    [
        ("a frog in a wheelbarrow", ("frog", "inside", "wheelbarrow")),
        ("a boy splashing in a puddle", ("child", "inside", "puddle")),
        ("an old sailor dozing in a hammock", ("sailor", "inside", "hammock")),
        ("a pencil in a drawer organizer", ("pencil", "inside", "drawer organizer")),
    ],
)
def test_in_a_thing_the_world_does_not_know_is_inside_it(prompt, relation):
    assert relation in placed(prompt)


@pytest.mark.parametrize(
    "prompt",
    [
        "a kite in the wind",
        "a lighthouse in the distance",
        "a dancer in a graceful pose",
        "a gondola in Venice",
        "a statue covered in moss",
        "a sign painted in bright paint",
        "a girl in a velvet dress",
        "a baby in striped pajamas",
    ],
)
def test_in_weather_a_state_a_name_a_covering_or_clothes_is_no_containment(prompt):
    assert not {r for r in placed(prompt) if r[1] == "inside"}


def test_a_pronoun_after_a_relation_is_the_with_phrases_owner_not_the_next_thing_named():
    assert ("lamp", "on top of", "desk") in placed("a desk with a lamp on it")
    # the with-phrase belongs to the thing named just before it, even after a relation
    assert ("sticker", "on top of", "box") in placed("a dog sitting on a box with a sticker on it")
    # no owner to point at: the relation is dropped, not given to whatever is named next
    assert not placed("a pond with ducks swimming in it as a heron walks by")


def test_a_pile_or_a_stack_of_things_draws_the_things():
    assert named("a mouse hiding in a pile of old newspapers") == ["mouse", "newspaper"]
    assert ("mouse", "inside", "newspaper") in placed("a mouse hiding in a pile of old newspapers")
    spec = parse_prompt("a stack of four plates on a shelf")
    assert [(e.cls, e.count) for e in spec.entities] == [("plate", 4), ("shelf", 1)]


def test_on_or_in_several_things_holds_when_each_is_on_or_in_one_of_them():
    # the generator draws the thing on (in) the first of the several; "on the books" is on some of them, so the
    # check is passable (it failed in every render when every book had to carry it)
    prompt = "a teacup on the books"
    check = next(c for c in truth.checks_from_prompt(prompt) if c["kind"] == "relation")
    assert check["relation"] == "on"
    answers = [
        truth.answer_checks(encode_png(render_image(prompt, "", seed, 512, 512)[0]), [check])[check["id"]]
        for seed in range(40)
    ]
    assert any(answers) and not all(answers)


def test_a_possessive_pronoun_is_a_determiner_not_part_of_the_noun():
    assert named("a boy brushing his teeth") == ["child", "tooth"]
    assert named("a girl waving her hat") == ["child", "hat"]


@pytest.mark.parametrize(
    ("prompt", "things"),
    [
        ("a kettle but no teapot", ["kettle"]),  # a conjunction ends the phrase
        ("a dog directly below a shelf", ["dog", "shelf"]),  # an adverb is no part of a noun
        ("a fox quietly sniffing a flower", ["fox", "flower"]),
        ("a gardener who has lost her rake", ["gardener", "rake"]),
        ("a man with an umbrella crossing at the corner", ["man", "umbrella"]),  # a verb before its preposition
        ("a butterfly family", ["butterfly family"]),  # a noun in -ly stays a noun
    ],
)
def test_a_function_word_or_a_verb_is_no_part_of_a_compound_noun(prompt, things):
    assert [t for t in named(prompt) if t not in {"light"}] == things


def test_a_garment_is_worn_by_who_the_phrase_says():
    spec = parse_prompt("a clown standing between two jugglers in pointed hats")
    jugglers = next(e for e in spec.entities if e.cls == "juggler")
    clown = next(e for e in spec.entities if e.cls == "clown")
    assert "wear" in jugglers.actions and "wear" not in clown.actions
    # a plural garment by its lemma, and a with-list past "and"
    assert "wear" in parse_prompt("a toddler in striped pajamas").entities[0].actions
    assert "wear" in parse_prompt("a grandfather with a grey beard and thick glasses").entities[0].actions


def test_a_preposition_opens_the_phrase_of_what_follows():
    spec = parse_prompt("sunlight through tall windows")
    assert [(e.cls, e.attributes) for e in spec.entities] == [("window", ["tall"])]


def test_what_a_thing_is_tied_to_leaves_it_tied():
    spec = parse_prompt("a goat tied to a fence post")
    assert "tied" in spec.entities[0].attributes
    assert ("goat", "next to", "fence post") in placed("a goat tied to a fence post")


def test_an_a_adjective_after_a_noun_is_how_the_thing_is():
    spec = parse_prompt("a hamster curled up asleep under a table")
    assert [(e.cls, "asleep" in e.attributes) for e in spec.entities] == [("hamster", True), ("table", False)]
    assert ("hamster", "under", "table") in placed("a hamster curled up asleep under a table")
    assert parse_prompt("a baby asleep in a crib").entities[0].attributes == ["asleep"]


def test_not_more_than_is_a_count_not_an_absence():
    spec = parse_prompt("not more than three geese on a pond")
    assert "goose" not in spec.excluded and spec.entities[0].cls == "goose"


def test_two_things_side_by_side_both_stand_where_the_phrase_puts_the_second():
    relations = placed("a teapot next to a sugar bowl on a tray")
    assert {("teapot", "on top of", "tray"), ("sugar bowl", "on top of", "tray")} <= relations
    # not after a relation of height: "a lamp above a dog on a sofa" puts the lamp nowhere near the sofa's top
    assert ("dog", "on top of", "couch") not in placed("a lamp above a dog on a sofa")


def test_a_relation_word_ending_its_phrase_places_the_thing_just_named():
    assert ("mouse", "below", "owl") in placed("an owl perched on a branch, staring at a mouse below")
    assert ("cherry", "on top of", "cake") in placed("a cake with a cherry on top")
    # a particle is no relation: "knocked over" places nothing
    assert not placed("a vase knocked over")


def test_a_place_after_a_comma_is_what_the_sentence_is_about():
    relations = placed("a lantern with a candle inside, smoke curling, on a stone step")
    assert ("lantern", "on top of", "step") in relations
    assert ("smoke", "on top of", "step") not in relations


def test_stand_after_an_article_or_an_adjective_is_a_thing():
    spec = parse_prompt("a vase on an iron stand")
    assert [(e.cls, e.attributes) for e in spec.entities] == [("vase", []), ("stand", ["iron"])]
    assert ("vase", "on top of", "stand") in placed("a vase on an iron stand")
    # a posture still: a verb in -s after a singular, the base form after a plural
    assert "stand" in parse_prompt("a heron stands in a pond").entities[0].actions
    assert "stand" in parse_prompt("the geese stand on a dock").entities[0].actions


def test_orange_before_a_noun_it_does_not_know_is_the_colour():
    spec = parse_prompt("a jug of orange lemonade")
    assert [(e.cls, e.colour) for e in spec.entities] == [("jug", None), ("lemonade", "orange")]
    assert [e.cls for e in parse_prompt("an orange on a plate").entities] == ["orange", "plate"]


@pytest.mark.parametrize(
    ("prompt", "texts"),
    [
        ("a chalkboard saying FRESH BREAD TODAY outside a bakery", ["FRESH BREAD TODAY"]),
        ("a tote bag with the words carpe diem", ["carpe diem"]),
        ("a boy reading A book", []),  # one capital is no text
        ("a sign with the words in gold", []),  # a place, not what is written
    ],
)
def test_text_written_without_quotes_is_drawn(prompt, texts):
    assert [t.text for t in parse_prompt(prompt).texts] == texts


def test_a_count_written_onto_a_noun_is_its_count():
    spec = parse_prompt("2boys, red scarves, 35mm, 4k")
    boys = spec.entities[0]
    assert (boys.cls, boys.count, boys.count_stated) == ("child", 2, True)
    assert len(spec.entities) == 2  # "35mm", "4k" name no thing


def test_left_after_a_noun_before_a_place_is_the_verb():
    spec = parse_prompt("a wheelbarrow left in the middle of a yard")
    assert spec.entities[0].position == "center"
    assert parse_prompt("a wheelbarrow on the left").entities[0].position == "left"


def test_a_lot_is_a_place_unless_a_lot_of():
    assert named("an empty parking lot") == ["lot"]
    assert named("a lot of pebbles") == ["pebble"]


def test_a_verb_done_to_the_with_phrases_owner_is_the_with_things():
    spec = parse_prompt("a lamppost with a cat scratching it")
    assert [(e.cls, e.actions) for e in spec.entities] == [("lamppost", []), ("cat", ["scratch"])]
    # not done to it: the owner acts ("a girl with a red umbrella waiting")
    girl, umbrella = parse_prompt("a girl with a red umbrella waiting").entities
    assert "wait" in girl.actions and not umbrella.actions  # (she holds it too: a thing carried in the hand)


def test_the_agent_of_a_passive_does_the_verb():
    spec = parse_prompt("a kite flown by an old fisherman")
    assert [(e.cls, e.actions) for e in spec.entities] == [("kite", []), ("fisherman", ["fly"])]
    assert not placed("a kite flown by an old fisherman")  # "by" names who, not where
    # a state or a place is no action: "surrounded by", "parked by"; a name after "by" is a credit
    assert [e.actions for e in parse_prompt("a hut surrounded by palms").entities] == [[], []]
    assert ("van", "next to", "fountain") in placed("a van parked by a fountain")
    assert all(not e.actions for e in parse_prompt("a vase painted by Hokusai").entities)


def test_can_is_a_thing_unless_a_verb_follows_it():
    assert named("a paint can full of brushes") == ["paint can", "brush"]
    assert named("a tiny lighthouse can be seen") == ["lighthouse"]


def test_orange_before_a_verb_is_the_fruit_doing_it():
    spec = parse_prompt("a basket of pears, one orange rolling across the floor")
    orange = next(e for e in spec.entities if e.cls == "orange")
    assert orange.actions == ["roll"]


def test_a_thing_the_world_does_not_know_keeps_its_shape_like_another():
    spec = parse_prompt("an island shaped like a turtle")
    assert [(e.cls, e.attributes) for e in spec.entities] == [("island", ["turtle-shaped"])]


def test_a_compound_drawn_as_one_thing_is_the_head_asked_with_the_modifier_asked_of_it():
    # the generator draws "a neon sign" as one thing; the evaluator asks "Is there a sign?" and "Is the sign neon?":
    # both hold where it was drawn, and only with the modifier asked ("Is there a sign?" alone cannot know it)
    from imagegate.local.world.perceive import perceive

    prompt = "a cart under a neon sign"
    checks = truth.checks_from_prompt(prompt)
    sign = next(c for c in checks if c["kind"] == "entity" and c["subject"] == "sign")
    neon = next(c for c in checks if c["kind"] == "attribute" and c["subject"] == "sign")
    assert neon["attribute"] == "neon"
    for seed in range(6):
        png = encode_png(render_image(prompt, "", seed, 512, 512)[0])
        if truth.instances_of(perceive(png), "neon sign"):
            answers = truth.answer_checks(png, checks)
            assert answers[sign["id"]] is True and answers[neon["id"]] is True
            assert truth.satisfied(sign, perceive(png)) is False
            return
    raise AssertionError("no render drew the sign")


@pytest.mark.parametrize(
    "prompt",
    [
        "the deer stand near a river",
        "the cattle stand in the rain",
        "kids who stand on chairs",
        "flowers which stand in a vase",
        "people who stand in line",
        "trees that stand tall in a forest",
        "the sheep stand by a gate",
        "two swans who stand on the ice",
    ],
)
def test_stand_after_one_who_can_stand_or_a_relative_pronoun_is_the_verb(prompt):
    spec = parse_prompt(prompt)
    assert "stand" not in [e.cls for e in spec.entities]
    assert "stand" in spec.entities[0].actions


def test_i_stand_draws_no_stand():
    assert "stand" not in named("I stand on a hill")
    assert named("a music stand") == ["stand"]  # a noun before it still names its kind


@pytest.mark.parametrize(
    "prompt",
    [
        "a woman in a bikini on the beach",
        "a diver in a wetsuit",
        "a woman in a hijab",
        "a girl in a onesie",
        "a dog in a bandana",
        "a man in a spacesuit",
        "a girl in pigtails",
        "a man in deep thought",
        "a woman in tears",
        "soldiers in formation",
        "children in a circle",
        "a singer in the spotlight",
        "a cowboy in chaps",
        "a cat in a tutu",
    ],
)
def test_one_in_a_garment_a_hairstyle_a_state_an_arrangement_or_a_light_is_inside_nothing(prompt):
    assert not {r for r in placed(prompt) if r[1] == "inside"}


def test_in_a_container_or_said_with_a_verb_is_still_inside():
    assert ("cat", "inside", "wheelbarrow") in placed("a cat in a wheelbarrow")
    assert ("baby", "inside", "crib") in placed("a baby asleep in a crib")
    assert ("goat", "inside", "tennis court") in placed("a goat in a tennis court")  # a place one is in
    assert ("dog", "inside", "pond") in placed("a dog paddling in a pond")
    assert ("fish", "inside", "beak") in placed("a heron with a fish in its beak")
    assert ("spoon", "inside", "drawer organizer") in placed("a spoon in a drawer organizer")  # a thing: inside


@pytest.mark.parametrize(
    ("prompt", "held", "glass"),
    [
        ("milk in a glass", "milk", "glass"),
        ("water in a glass on a table", "water", "glass"),
        ("a rose in a glass", "rose", "glass"),
        ("lemonade in a tall glass", "lemonade", "glass"),
    ],
)
def test_a_glass_holds_what_is_in_it_and_only_glasses_are_worn(prompt, held, glass):
    assert (held, "inside", glass) in placed(prompt)
    assert all("wear" not in e.actions for e in parse_prompt(prompt).entities)


def test_glasses_are_still_worn():
    assert "wear" in parse_prompt("a man in glasses").entities[0].actions
    assert "wear" in parse_prompt("a woman in sunglasses").entities[0].actions


@pytest.mark.parametrize(
    ("prompt", "thing", "beside"),
    [
        ("a bike locked by a tree", "bicycle", "tree"),
        ("a ladder propped by a wall", "ladder", "wall"),
        ("a bag dropped by a bench", "bag", "bench"),
        ("a horse tethered by a barn", "horse", "barn"),
        ("a stroller forgotten by the fountain", "stroller", "fountain"),
        ("a scooter chained by a lamppost", "scooter", "lamppost"),
    ],
)
def test_by_a_thing_after_a_participle_is_beside_it_not_its_doer(prompt, thing, beside):
    assert (thing, "next to", beside) in placed(prompt)
    assert all(not e.actions for e in parse_prompt(prompt).entities)


def test_a_lot_is_an_amount_unless_a_parking_or_vacant_lot():
    assert "lot" not in named("he ate a lot")
    assert "lot" not in named("she laughed a lot")
    assert named("a vacant lot") == ["lot"]
    # a place, which holds what is in it ("Is the car inside the parking lot?")
    assert ("car", "inside", "lot") in placed("three cars in a parking lot")


@pytest.mark.parametrize(
    ("prompt", "things", "absent"),
    [
        ("a cup of coffee but no spoon", ["cup", "coffee"], "spoon"),
        ("a bowl of soup but no spoon", ["bowl", "soup"], "spoon"),
        ("coffee but no milk", ["coffee"], "milk"),
        ("a jar of honey but no lid", ["jar", "honey"], "lid"),
        ("porridge yet no spoon", ["porridge"], "spoon"),
    ],
)
def test_a_thing_before_but_no_is_drawn(prompt, things, absent):
    spec = parse_prompt(prompt)
    assert [e.cls for e in spec.entities] == things
    assert absent in spec.excluded


@pytest.mark.parametrize(
    ("prompt", "subject", "beside", "place"),
    [
        ("a girl beside a tree on a blanket", "child", "tree", "blanket"),
        ("a vase next to a window on a shelf", "vase", "window", "shelf"),
        ("a boy next to a bus on the sidewalk", "child", "bus", "sidewalk"),
        ("a puppy near a fence on a rug", "dog", "fence", "rug"),
    ],
)
def test_a_fixture_beside_a_thing_is_not_set_on_its_place(prompt, subject, beside, place):
    relations = placed(prompt)
    assert (subject, "on top of", place) in relations
    assert (beside, "on top of", place) not in relations
    # a thing that is set down still shares the place: "a cup next to a jug on a shelf"
    assert ("jug", "on top of", "shelf") in placed("a cup next to a jug on a shelf")


@pytest.mark.parametrize(
    "prompt, holder",
    [
        ("a girl with a red umbrella", "child"),
        ("an old man with a hat and a cane", "man"),
        ("a knight with a sword standing on a hill", "knight"),
    ],
)
def test_a_thing_carried_in_the_hand_with_its_owner_is_drawn_held(prompt, holder):
    # the generator draws "a girl with a red umbrella" holding it (as the evaluator asks, "Is the girl holding the
    # umbrella?"); a thing with it is no holder, and a thing not carried in the hand is not held
    spec = parse_prompt(prompt)
    assert "hold" in next(e.actions for e in spec.entities if e.cls == holder)
    assert not any("hold" in e.actions for e in parse_prompt("a patio table with an umbrella").entities)
    assert not any("hold" in e.actions for e in parse_prompt("a girl with a red scarf").entities)
    # an animal has it, it does not hold it; a thing with a place of its own is not in hand (helper-48's review)
    assert not any("hold" in e.actions for e in parse_prompt("a horse with a lantern").entities)
    assert not any("hold" in e.actions for e in parse_prompt("a man with a sword in his belt").entities)
    assert not any("hold" in e.actions for e in parse_prompt("a boy with a balloon tied to his wrist").entities)


@pytest.mark.parametrize(
    "prompt",
    ["a deer stand in the woods", "a hunter sitting in a wooden deer stand", "a hat stand by the door"],
)
def test_stand_after_a_thing_said_with_a_is_the_kind_of_stand(prompt):
    # one thing said with "a" takes "stands" as its verb, so "a deer stand" is a stand, no deer standing
    entities = parse_prompt(prompt).entities
    assert any(e.cls == "stand" or e.cls.endswith(" stand") for e in entities)
    assert not any(e.cls == "deer" or "stand" in e.actions for e in entities)


@pytest.mark.parametrize(
    "prompt", ["the deer stand near a river", "two deer stand in a field", "a man and a deer stand in a field"]
)
def test_stand_after_several_is_their_verb(prompt):
    deer = next(e for e in parse_prompt(prompt).entities if e.cls == "deer")
    assert "stand" in deer.actions


@pytest.mark.parametrize(
    ("prompt", "drawn"),
    [
        ("a vase painted by Hokusai", {"vase"}),
        ("a chair designed by Charles Eames next to a lamp", {"chair", "lamp"}),
        ("a bridge built by the Romans", {"bridge"}),
        ("a sunflower painted by Vincent van Gogh on a table", {"sunflower", "table"}),
    ],
)
def test_a_name_after_a_participle_of_making_is_a_credit_not_a_thing_in_the_picture(prompt, drawn):
    # "painted by Hokusai" says who made the vase: Hokusai is not drawn, and nothing is put next to him
    assert set(named(prompt)) == drawn
    assert not {r for r in placed(prompt) if r[1] == "next to" and r[2] not in drawn}


def test_one_who_made_a_thing_named_by_a_noun_is_drawn_doing_it():
    # "a fence painted by a boy": the boy paints it (as "a ball thrown by a girl"), not a thing beside the fence
    spec = parse_prompt("a fence painted by a boy")
    assert "paint" in next(e for e in spec.entities if e.cls == "child").actions
    assert not spec.relations


@pytest.mark.parametrize(
    ("prompt", "drawn"),
    [
        ("he ate a lot", []),
        ("we ate pizza on a bench", ["pizza", "bench"]),
        ("a dog that ate my homework", ["dog", "homework"]),
        ("I love apples", ["apple"]),
    ],
)
def test_the_word_after_a_subject_pronoun_is_its_verb_not_a_thing(prompt, drawn):
    spec = parse_prompt(prompt)
    assert [e.cls for e in spec.entities] == drawn
    assert not any({"ate", "love"} & set(e.attributes) for e in spec.entities)


@pytest.mark.parametrize(
    ("prompt", "things"),
    [
        ("four goats grazing nearby", ["goat"]),  # an adjective of place after a verb is no thing
        ("two girls dancing together in a hall", ["child", "hall"]),  # nor an adverb ("girls together")
        ("a lighthouse with oil instead of gas", ["lighthouse", "oil", "gas"]),  # "instead" ends "oil"
        ("a badger asleep under a log", ["badger", "log"]),  # "badger asleep" is no kind of thing
    ],
)
def test_an_adverb_or_an_adjective_of_place_names_no_thing_and_ends_the_phrase(prompt, things):
    assert named(prompt) == things


def test_an_a_adjective_before_in_says_where_one_lies():
    assert ("badger", "inside", "log") in placed("a badger asleep in a hollow log")
    # ", both asleep in": each of the two
    relations = placed("a puppy beside a piglet, both asleep in a laundry hamper")
    assert {("dog", "inside", "hamper"), ("piglet", "inside", "hamper")} <= relations


def test_how_things_vary_after_of_is_no_thing_of_its_own():
    assert named("five jars of different sizes on a shelf") == ["jar", "shelf"]
    assert ("jar", "on top of", "shelf") in placed("five jars of different sizes on a shelf")
    assert ("pebble", "inside", "bowl") in placed("pebbles of various shapes and colours in a bowl")
    assert named("two lamps of the same height") == ["lamp"]
    # a thing after "of" is still held ("a box of assorted buttons": the buttons are things)
    assert ("button", "inside", "box") in placed("a box of assorted buttons")


def test_a_hyphenated_participle_before_a_noun_is_how_the_thing_is_not_a_thing():
    spec = parse_prompt("a village with snow-covered roofs behind it")
    assert [(e.cls, e.attributes) for e in spec.entities] == [("village", []), ("roof", ["snow-covered"])]
    assert all(not e.actions for e in spec.entities)  # "roofs" is no verb


def test_them_after_a_with_phrase_is_the_several_things_named_before():
    # "them": the sentence's several, not the one thing the with-phrase follows
    assert ("pine", "behind", "hiker") in placed("three hikers on a trail, with pines behind them")
    assert ("pine", "behind", "hiker") in placed("three hikers in red caps on a trail, with pines behind them")


def test_overhead_at_a_phrases_end_is_above_what_the_sentence_is_about():
    assert ("hawk", "above", "shepherd") in placed("a shepherd on a hill, a hawk circling overhead")
    assert named("seagulls wheeling overhead") == ["seagull"]
    assert named("an overhead lamp") == ["overhead lamp"]  # before its noun, a kind of lamp


def test_his_or_her_garment_is_worn_by_that_person():
    spec = parse_prompt("a girl behind a hedge, only her boots sticking out")
    assert "wear" in spec.entities[0].actions
    assert "wear" not in parse_prompt("a man folds his jacket").entities[0].actions  # the jacket is folded
    # put somewhere, not worn
    assert "wear" not in parse_prompt("a boy asleep, his cap on the floor").entities[0].actions


def test_a_tag_lists_verb_or_garment_is_its_one_persons():
    spec = parse_prompt("1boy, brown hair, denim jacket, reading a comic")
    boy = spec.entities[0]
    assert boy.cls == "child" and {"wear", "read"} <= set(boy.actions)
    # two people: the list does not say whose
    spec = parse_prompt("an old man, a young woman, carrying a basket")
    assert all("carry" not in e.actions for e in spec.entities)


def test_several_behind_several_holds_when_each_is_further_back_and_in_line_with_one_of_them():
    from imagegate.local.world.concepts import concept_code
    from imagegate.local.world.perceive import Percept, SeenObject

    def row(noun: str, xs: list[float], y: float, depth: int) -> list[SeenObject]:
        return [SeenObject(concept_code(noun), "gray", x, y, 0.1, 0.08, depth=depth) for x in xs]

    check = {"id": "c1", "kind": "relation", "subject": "tent", "relation": "behind", "object": "camel"}
    camels = row("camel", [0.2, 0.4, 0.6, 0.8], 0.6, 0)
    assert truth.satisfied(check, Percept(objects=[*camels, *row("tent", [0.25, 0.55, 0.75], 0.45, 1)]))
    # one of them not further back, or in line with none of them: not behind
    assert not truth.satisfied(
        check, Percept(objects=[*camels, *row("tent", [0.25, 0.55], 0.45, 1), *row("tent", [0.75], 0.45, 0)])
    )
    assert not truth.satisfied(check, Percept(objects=[*row("camel", [0.2], 0.6, 0), *row("tent", [0.8], 0.45, 1)]))
    front = {**check, "relation": "in front of"}
    assert truth.satisfied(front, Percept(objects=[*row("camel", [0.2, 0.5], 0.6, 1), *row("tent", [0.45], 0.7, 0)]))


def test_what_a_surface_is_covered_with_lies_on_it_every_item_of_the_list():
    relations = placed("a desk in a study, strewn with maps, a compass and a brass telescope, lit by a candle")
    assert {("map", "on top of", "desk"), ("compass", "on top of", "desk"), ("telescope", "on top of", "desk")} <= (
        relations
    )
    assert ("candle", "on top of", "desk") not in relations  # the list ended at the participle
    assert "lit" in parse_prompt("a desk in a study, strewn with maps, lit by a candle").entities[0].attributes
    # one thing and "and": the list was that one thing
    assert ("bench", "on top of", "fence") not in placed("a fence covered with moss and a bench near a pond")


def test_on_the_edge_or_rim_of_a_thing_is_on_it():
    assert ("cup", "on top of", "well") in placed("a tin cup on the edge of a stone well")
    assert ("jar", "on top of", "fountain") in placed("two jars on the rim of a fountain")
    assert ("fox", "next to", "pond") in placed("a fox at the edge of a pond")


def test_full_of_is_said_of_the_thing_named_right_before_it():
    spec = parse_prompt("two frogs on the lid of a barrel full of rainwater")
    barrel = next(e for e in spec.entities if e.cls == "barrel")
    assert "full" in barrel.attributes and all("full" not in e.attributes for e in spec.entities if e is not barrel)


def test_a_posture_right_after_a_relations_object_is_that_things():
    spec = parse_prompt("a porch lit by a lantern hanging from a hook")
    assert [(e.cls, e.actions) for e in spec.entities if e.actions] == [("lantern", ["hang"])]


def test_a_verb_done_to_a_thing_after_a_comma_is_the_one_persons_even_after_a_thing():
    spec = parse_prompt("a mural of a dancer in a red dress, holding a fan")
    assert [e.cls for e in spec.entities if "hold" in e.actions] == ["dancer"]
    # with no object the verb is not hers: "a kite above a boy, flying in the wind" is the kite's
    spec = parse_prompt("a kite above a boy, flying in the wind")
    assert "fly" not in next(e for e in spec.entities if e.cls == "child").actions


def test_one_doing_something_on_a_seat_sits_on_it():
    assert ("child", "on top of", "couch") in placed("a girl knitting a scarf on a sofa")
    assert ("fisherman", "on top of", "stool") in placed("a fisherman mending a net on a stool")
    # a verb that moves its object puts the object there; a thing that is no seat holds the object
    assert ("pillow", "on top of", "bed") in placed("a maid putting a pillow on a bed")
    assert ("pancake", "on top of", "stove") in placed("a cook flipping a pancake on a stove")


def test_an_ing_word_right_after_a_noun_before_a_preposition_is_its_verb():
    spec = parse_prompt("a jogger with a dog turning at the corner")
    assert "turn" in spec.entities[0].actions
    assert named("a street with a building at the corner") == ["building"]  # after an article, a noun


def test_art_in_a_with_phrase_is_a_thing_not_the_pictures_frame():
    assert named("a cappuccino cup with foam art shaped like a leaf") == ["cappuccino cup", "foam art"]
    assert "foam art" not in named("foam art of a leaf")


@pytest.mark.parametrize(
    ("prompt", "relation"),
    [
        ("a puppy asleep in a kennel", ("dog", "inside", "kennel")),
        ("a toddler in a stroller", ("toddler", "inside", "stroller")),
        ("two fishermen in a canoe", ("fishermen", "inside", "canoe")),
        ("a man in a phone booth", ("man", "inside", "phone booth")),
        ("a goldfish in a pond", ("goldfish", "inside", "pond")),
        ("a hamster in a wheel", ("hamster", "inside", "wheel")),
        ("Two goats stand in a trough.", ("goat", "inside", "trough")),
        ("a boy in a kayak", ("child", "inside", "kayak")),
        ("there is a red truck in the parking lot", ("truck", "inside", "lot")),
        ("an old man in a wheelchair", ("man", "inside", "wheelchair")),
        ("a penguin in an igloo", ("penguin", "inside", "igloo")),
    ],
)
def test_a_person_or_an_animal_in_a_noun_the_world_does_not_know_is_inside_it(prompt, relation):
    """The lists of what is no place (garments, states, arrangements, light) say the exceptions; any other noun
    holds who is in it, so "Is the dog inside the kennel?" can pass."""
    spec = parse_prompt(prompt)
    assert relation in {(spec.entities[r.subject].cls, r.relation, spec.entities[r.object].cls) for r in spec.relations}


@pytest.mark.parametrize(
    "prompt",
    [
        "a surfer in a wetsuit",
        "a girl in a sweatshirt",
        "a woman in swimwear",
        "a boy in a raincoat",
        "a bride in a veil",
        "a cat in deep sleep",
        "a child in tears",
        "dancers in a circle",
        "two drummers in a rock band",
        "a man in his forties",
        "a girl in a sundress",
        "a teenager in headphones",
        "a soldier in camouflage",
        "a woman in a bathrobe",
        "a boy in a tank top",
        "a pianist in the spotlight",
        "a knight in battle",
    ],
)
def test_in_an_unknown_garment_state_arrangement_or_light_is_still_no_place(prompt):
    assert not {r for r in placed(prompt) if r[1] == "inside"}


def test_a_posture_after_a_relations_object_stays_with_one_who_can_take_it():
    # the subject is an animal: it lies next to the cat, the rug does not
    spec = parse_prompt("a puppy on a mat lying next to a kitten")
    relations = {(spec.entities[r.subject].cls, r.relation, spec.entities[r.object].cls) for r in spec.relations}
    assert ("dog", "next to", "cat") in relations and ("mat", "next to", "cat") not in relations
    assert [e.cls for e in spec.entities if "lie" in e.actions] == ["dog"]
    assert ("man", "near", "tree") in placed("an old man on a bench sitting near a tree")
    # a thing set on the ground cannot hang; the thing just named can
    spec = parse_prompt("a workbench lit by a bulb hanging from a beam")
    assert [(e.cls, e.actions) for e in spec.entities if e.actions] == [("bulb", ["hang"])]
    # both things can stand: the sentence's thing keeps the posture
    spec = parse_prompt("a vase next to a clock standing on a shelf")
    assert "stand" in spec.entities[0].actions


def test_an_item_of_a_covering_list_given_its_own_place_lies_only_there():
    relations = placed("a table covered with a cloth, a vase on the shelf")
    assert ("cloth", "on top of", "table") in relations
    assert ("vase", "on top of", "shelf") in relations and ("vase", "on top of", "table") not in relations
    relations = placed("a desk cluttered with papers, a mug and a stapler, a lamp on the floor")
    assert {("paper", "on top of", "desk"), ("mug", "on top of", "desk")} <= relations
    assert ("lamp", "on top of", "desk") not in relations
    # "it" after an item of the list is the covered thing, and the item's place is what it says
    relations = placed("a bench covered with leaves, a squirrel under it")
    assert ("squirrel", "under", "bench") in relations and ("squirrel", "on top of", "bench") not in relations
    assert ("leaf", "on top of", "bench") in relations


def test_a_word_ending_like_a_garment_that_is_none_holds_what_is_in_it():
    """helper-58's finding: "-robe" matched "wardrobe", so nothing was placed in one."""
    for prompt in ("shoes in a wardrobe", "a dress hanging in a wardrobe"):
        assert [r.relation for r in parse_prompt(prompt).relations] == ["inside"]
    assert not parse_prompt("a diver in a wetsuit").relations  # a garment still is worn


def test_a_posture_after_one_who_wears_or_carries_a_thing_is_theirs_not_the_things():
    """A thing can sit or lie too, but a person or an animal named right before the posture takes it: "a scarf on
    a dog lying on a porch" is a dog lying on the porch with a scarf on it (the scarf kept the posture, and the
    place: it lay on the porch)."""
    spec = parse_prompt("a scarf on a dog lying on a porch")
    assert [(e.cls, e.actions) for e in spec.entities if e.actions] == [("dog", ["lie"])]
    relations = placed("a scarf on a dog lying on a porch")
    assert {("scarf", "on top of", "dog"), ("dog", "on top of", "porch")} <= relations
    assert ("scarf", "on top of", "porch") not in relations
    assert ("cat", "on top of", "cushion") in placed("a crown on a cat sitting on a cushion")
    # one who can take the posture named first keeps it; two things: the first keeps it (as before)
    assert [e.cls for e in parse_prompt("a dog on a rug lying by the door").entities if e.actions] == ["dog"]
    assert "stand" in parse_prompt("a lamp beside a vase standing on a table").entities[0].actions
    # hanging, floating and flying are a thing's as much as anyone's: the thing said first keeps them
    spec = parse_prompt("a kite above a boy flying over the beach")
    assert [(e.cls, e.actions) for e in spec.entities if e.actions] == [("kite", ["fly"])]


def test_an_item_of_a_covering_list_placed_only_beside_another_thing_still_lies_on_the_surface():
    relations = placed("a counter cluttered with jars, a knife next to the toaster")
    assert {("knife", "on top of", "counter"), ("knife", "next to", "toaster")} <= relations
    # what it lies beside lies there too, unless it stands where it is built or set, or is someone
    assert ("toaster", "on top of", "counter") in relations
    for beside in ("the window", "the stool", "a cook"):
        on_it = {r[0] for r in placed(f"a counter cluttered with jars, a knife next to {beside}") if r[2] == "counter"}
        assert on_it == {"jar", "knife"}
    # a support or container of its own takes every item it is said of off the surface, not only the last
    relations = placed("a counter cluttered with jars, a cup and a plate in the sink")
    assert {("cup", "inside", "sink"), ("plate", "inside", "sink")} <= relations
    assert not {("cup", "on top of", "counter"), ("plate", "on top of", "counter")} & relations
    # beside the covered thing itself: not on it
    relations = placed("a bench covered with snow, a sled next to it")
    assert ("sled", "next to", "bench") in relations and ("sled", "on top of", "bench") not in relations


@pytest.mark.parametrize(
    ("prompt", "name"),
    [
        ("Memphis at dusk", "memphis"),
        ("Brussels in the rain", "brussels"),
        ("a harbour in Marseilles", "marseilles"),
        ("a diner in Dallas at night", "dallas"),
        ("a street in Los Angeles", "los angeles"),
    ],
)
def test_a_capitalised_name_ending_in_s_is_one_thing_named_as_written(prompt, name):
    """A name's -s is no plural: one Memphis, never several "memphi"s (opening the sentence or not)."""
    spec = parse_prompt(prompt)
    assert [(e.cls, e.count) for e in spec.entities if e.cls == name] == [(name, 1)]
    assert all(e.count == 1 for e in spec.entities if name.startswith(e.cls[:4]))


def test_a_capitalised_plural_of_a_noun_the_dictionary_lists_is_still_several():
    assert [(e.cls, e.count) for e in parse_prompt("Gulls at dawn").entities] == [("gull", None)]
    assert next((e.cls, e.count) for e in parse_prompt("Two Owls In A Barn").entities) == ("owl", 2)


@pytest.mark.parametrize(
    ("prompt", "singular", "count"),
    [
        ("four Quokkas on a log", "quokka", 4),
        ("a tank with 3 Axolotls", "axolotl", 3),
        ("a pair of Narwhals in icy water", "narwhal", 2),
        ("several Churros on a napkin", "churro", None),
        ("some Samosas on a tray", "samosa", None),
        ("these Okapis near a fence", "okapi", None),
        ("The Capybaras are bathing in a pond", "capybara", None),
    ],
)
def test_a_capitalised_plural_the_dictionary_does_not_list_is_several_after_a_number_or_plural_word(
    prompt, singular, count
):
    """A number, a plural determiner or a verb agreeing with several says a capitalised word is the plural of its
    singular, even inside a sentence, where a capital would otherwise make it a name."""
    spec = parse_prompt(prompt)
    mentions = [e for e in spec.entities if e.cls.startswith(singular[:5])]
    assert [(e.cls, e.count) for e in mentions] == [(singular, count)]


@pytest.mark.parametrize(
    ("prompt", "singular"),
    [("Quokkas on a log", "quokka"), ("Capybaras in a hot spring", "capybara"), ("Samosas on a tray", "samosa")],
)
def test_a_capitalised_plural_opening_a_sentence_with_nothing_saying_it_is_a_name_is_several(prompt, singular):
    """A sentence's first word has a capital whatever it is: on its own that says no name ("a hot spring" is a
    place in a thing, no time or weather)."""
    mentions = [e for e in parse_prompt(prompt).entities if e.cls.startswith(singular[:5])]
    assert [(e.cls, e.count) for e in mentions] == [(singular, None)]


@pytest.mark.parametrize(
    ("prompt", "name"),
    [
        ("Tunis in the early morning", "tunis"),
        ("Thebes during the day", "thebes"),
        ("Athens at golden hour", "athens"),
        ("Thebes is bathed in light", "thebes"),
        ("a market in Tunis", "tunis"),
    ],
)
def test_a_capitalised_word_ending_in_s_is_a_name_when_the_sentence_says_so(prompt, name):
    """Opening a sentence, a time of day or a verb agreeing with one thing says it is a name; inside a sentence
    its capital says so."""
    assert [(e.cls, e.count) for e in parse_prompt(prompt).entities if e.cls.startswith(name[:4])] == [(name, 1)]


def test_a_place_named_alone_or_with_its_country_is_one_place():
    """helper-68: a81778a read "Paris" alone and "Athens, Greece at sunset" as plurals ("pari", "athen"); a list
    of capitalised plurals stays plurals."""
    assert named("Tunis") == ["tunis"]
    assert "thebes" in named("Thebes, Egypt at dusk")
    assert "otter" in named("Badgers, Otters and Voles")
