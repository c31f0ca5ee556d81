"""The evaluator's own reading (dsg_reading), its ground truth (truth.satisfied) and DSG-1k coverage, by property.

Every sentence here is written for the test (none is from DSG-1k): each misreading the issue lists gets a
prompt of that shape, and the reading must ask the question a person would."""

import ast
import importlib
import importlib.util
import inspect

import jsonschema
import pytest

from imagegate.local.world import coverage, dsg_reading, truth
from imagegate.local.world.concepts import attribute_code, concept_code
from imagegate.local.world.perceive import Percept, SeenObject
from imagegate_service import prompts

pytestmark = pytest.mark.unit


def read(prompt: str) -> list[dict]:
    return dsg_reading.checks_from_prompt(prompt)


def questions(prompt: str) -> list[str]:
    return [check["question"] for check in read(prompt)]


def assert_reads(prompt: str, wanted: str | None, unwanted: str | None) -> None:
    """The reading of `prompt` asks `wanted` and never `unwanted` (None: no such claim), and asks something."""
    asked = questions(prompt)
    assert asked
    assert wanted is None or wanted in asked
    assert unwanted is None or unwanted not in asked


def of_kind(prompt: str, kind: str) -> list[dict]:
    return [check for check in read(prompt) if check["kind"] == kind]


def relation_triples(prompt: str) -> list[tuple[str, str, str]]:
    return [(c["subject"], c["relation"], c["object"]) for c in of_kind(prompt, "relation")]


# ---------------------------------------------------------------- written apart


def _world_imports(module_name: str, seen: set[str]) -> set[str]:
    """Modules of imagegate.local.world that a module imports, transitively."""
    module = importlib.import_module(module_name)
    tree = ast.parse(inspect.getsource(module))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            # "from . import x", "from .x import y", "from ..x import y" (a package's modules), resolved against
            # the module's own package; "from pkg import module" may name a module as well as a name in it
            base = importlib.util.resolve_name("." * node.level + (node.module or ""), module.__package__)
            if not base.startswith("imagegate.local.world"):
                continue
            imported = importlib.import_module(base)
            if getattr(imported, "__file__", None):  # a module, or a package's __init__ (a namespace has none)
                found.add(base)
            if hasattr(imported, "__path__"):
                found |= {
                    f"{base}.{alias.name}"
                    for alias in node.names
                    if importlib.util.find_spec(f"{base}.{alias.name}") is not None
                }
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.startswith("imagegate.local.world")}
    for name in found - seen:
        seen.add(name)
        _world_imports(name, seen)
    return seen


def test_the_evaluators_reading_imports_neither_the_judges_reader_nor_the_generators_parse():
    # When we follow dsg_reading's imports within the world, transitively
    imported = _world_imports("imagegate.local.world.dsg_reading", set())
    # Then neither reading.py, scene.py nor render.py is among them (it shares only word meanings)
    assert imported, "the walk found no import at all: the test would prove nothing"
    assert not imported & {f"imagegate.local.world.{name}" for name in ("reading", "scene", "render")}, imported


# ---------------------------------------------------------------- the misreadings, each with a sentence of its shape


@pytest.mark.parametrize(
    "prompt, subject, relation, obj",
    [
        ("a lamp on the bottom of a shelf", "lamp", "below", "shelf"),
        ("a mug on side of a kettle", "mug", "next to", "kettle"),
        ("a mug on the side of a kettle", "mug", "next to", "kettle"),
        ("a bench next to a fountain", "bench", "next to", "fountain"),
        ("a bench near a fountain", "bench", "near", "fountain"),
        ("a goat behind a wooden gate", "goat", "behind", "gate"),
        ("a scooter in front of a bakery", "scooter", "in front of", "bakery"),
        ("a kitten inside a basket", "kitten", "inside", "basket"),
        ("a marble in a jar", "marble", "inside", "jar"),
        ("a vase on a piano", "vase", "on", "piano"),
        ("a slipper under a bed", "slipper", "under", "bed"),
        ("a vase to the left of a horse", "vase", "left of", "horse"),
    ],
)
def test_relation_phrases_mean_what_they_say(prompt, subject, relation, obj):
    checks = of_kind(prompt, "relation")
    assert [(c["subject"], c["relation"], c["object"]) for c in checks] == [(subject, relation, obj)]


def test_between_names_both_objects():
    (check,) = of_kind("a lantern between a tent and a canoe", "relation")
    assert (check["relation"], check["object"], check["object2"]) == ("between", "tent", "canoe")
    assert check["question"] == "Is the lantern between the tent and the canoe?"


def test_a_past_tense_verb_is_no_object():
    # "fluttered" is what the curtain did, not a thing in the picture
    subjects = {c["subject"] for c in of_kind("the curtain fluttered beside the open window", "entity")}
    assert subjects == {"curtain", "window"}


def test_taking_photos_is_an_action_not_two_photos():
    checks = read("a tourist taking photos of a waterfall")
    (action,) = [c for c in checks if c["kind"] == "action"]
    assert (action["subject"], action["action"], action["object"]) == ("tourist", "take", "photo")
    assert not [c for c in checks if c["kind"] == "count" and c["subject"] == "photo"]
    assert action["question"] == "Is the tourist taking photos?"


@pytest.mark.parametrize(
    "prompt, noun",
    [
        ("a leather laptop bag on a desk", "laptop bag"),
        ("a pencil holder full of crayons", "pencil holder"),
        ("a Rubik's cube on a windowsill", "rubik's cube"),
    ],
)
def test_compound_nouns_stay_whole(prompt, noun):
    assert noun in {c["subject"] for c in of_kind(prompt, "entity")}


@pytest.mark.parametrize("prompt, noun", [("two woolen gloves", "glove"), ("three silk scarves", "scarf")])
def test_plurals_become_their_singular(prompt, noun):
    assert [c["subject"] for c in of_kind(prompt, "entity")] == [noun]


def test_a_background_colour_belongs_to_the_background():
    checks = read("a black poodle on a yellow background")
    assert [c["colour"] for c in checks if c["kind"] == "colour"] == ["black"]
    (scene,) = [c for c in checks if c["kind"] == "scene"]
    assert scene["question"] == "Is the background yellow?"


@pytest.mark.parametrize(
    "prompt, text", [("a banner that says 'WELCOME HOME' over a door", "WELCOME HOME"), ('a mug reading "DAD"', "DAD")]
)
def test_quoted_text_in_single_or_double_quotes(prompt, text):
    (check,) = of_kind(prompt, "text")
    assert check["text"] == text and check["parent"]


def test_negation_asks_for_absence_not_presence():
    checks = read("a kitchen counter without a toaster, no umbrellas")
    assert {c["subject"] for c in checks if c["kind"] == "absent"} == {"toaster", "umbrella"}
    assert not {"toaster", "umbrella"} & {c["subject"] for c in checks if c["kind"] == "entity"}


def test_attribute_words_get_their_kind():
    kinds = {
        c["attribute"]: c["attributeKind"] for c in of_kind("a round wooden stool with a fluffy cushion", "attribute")
    }
    assert kinds == {"round": "shape", "wooden": "material", "fluffy": "texture"}
    kinds = {c["attribute"]: c["attributeKind"] for c in of_kind("a tiny cracked teacup", "attribute")}
    assert kinds == {"tiny": "size", "cracked": "state"}


# ---------------------------------------------------------------- the questions


@pytest.mark.parametrize(
    "prompt, question",
    [
        ("a white cat", "Is the cat white?"),
        ("a vase to the left of a horse", "Is the vase to the left of the horse?"),
        ("four ducks on a pond", "Are there exactly four ducks?"),
        ("a wooden table", "Is the table wooden?"),
        ("a dog riding a skateboard", "Is the dog riding the skateboard?"),
        ('a sign that says "OPEN"', 'Does the sign say "OPEN"?'),
        ("a goat at night", "Is it night in the image?"),
    ],
)
def test_questions_are_plain_english_one_property_each(prompt, question):
    assert question in questions(prompt)


def test_checks_fit_the_contract_with_parents_before_children():
    schema = prompts.schema("evaluation_checks.schema.json")
    long = ", ".join(f"a {colour} box" for colour in ("red", "blue", "green", "pink", "black", "white") * 4)
    for prompt in [
        "",
        "please make it beautiful",
        "a lantern between a tent and a canoe at dusk, watercolor",
        "The bicycle is black. There is a white fence behind them.",
        long,
    ]:
        checks = read(prompt)
        jsonschema.validate({"checks": checks}, schema)
        ids = [c["id"] for c in checks]
        assert ids == [f"c{n}" for n in range(1, len(ids) + 1)] and len(ids) <= dsg_reading.MAX_CHECKS
        assert all(c.get("parent") in (None, *ids[: ids.index(c["id"])]) for c in checks)
        assert not [c for c in checks if c["kind"] == "entity" and c.get("parent")]


# ---------------------------------------------------------------- the ground truth: decided or unverifiable


def seen(noun: str, x: float, y: float, w: float = 0.2, h: float = 0.2, **extra) -> SeenObject:
    thing = SeenObject(concept_code(noun), "red", x, y, w, h, attributes=frozenset(extra.pop("attributes", ())))
    for key, value in extra.items():
        setattr(thing, key, value)
    return thing


def test_what_the_world_cannot_decide_is_none_never_true():
    percept = Percept(objects=[seen("goat", 0.3, 0.5), seen("gate", 0.6, 0.5)], scene="field")
    # (depth is perceived since the generator draws it: both at depth 0, side by side, the goat is not behind)
    behind = {"kind": "relation", "subject": "goat", "relation": "behind", "object": "gate"}
    assert truth.satisfied(behind, percept) is False
    assert truth.satisfied({"kind": "attribute", "subject": "goat", "attribute": "covered in mud"}, percept) is None
    assert truth.satisfied({"kind": "style", "subject": "fresco", "setting": "fresco"}, percept) is None
    assert truth.satisfied({"kind": "scene", "subject": "background", "setting": "yellow background"}, percept) is None
    # ... while what it draws is decided
    assert truth.satisfied({"kind": "scene", "subject": "meadow", "setting": "meadow"}, percept) is True
    assert truth.satisfied({"kind": "relation", "subject": "goat", "relation": "left of", "object": "gate"}, percept)


def test_depth_decides_behind_once_perceived():
    percept = Percept(objects=[seen("goat", 0.45, 0.5, depth=1), seen("gate", 0.5, 0.5, w=0.4, depth=0)])
    behind = {"kind": "relation", "subject": "goat", "relation": "behind", "object": "gate"}
    front = {**behind, "relation": "in front of"}
    assert truth.satisfied(behind, percept) is True and truth.satisfied(front, percept) is False


def test_one_word_attributes_are_decided_by_their_drawn_code():
    percept = Percept(objects=[seen("stool", 0.5, 0.5, attributes=[attribute_code("wooden")])])
    asked = {"kind": "attribute", "subject": "stool", "attributeKind": "material"}
    assert truth.satisfied({**asked, "attribute": "wooden"}, percept) is True
    assert truth.satisfied({**asked, "attribute": "metal"}, percept) is False


@pytest.mark.parametrize(
    "relation, a, b, holds",
    [
        ("on", (0.5, 0.35, 0.2, 0.1), (0.5, 0.55, 0.4, 0.3), True),  # resting on its top
        ("on", (0.5, 0.1, 0.2, 0.1), (0.5, 0.55, 0.4, 0.3), False),  # far above: above, not on
        ("under", (0.5, 0.55, 0.4, 0.3), (0.5, 0.35, 0.2, 0.1), True),
        ("inside", (0.5, 0.5, 0.1, 0.1), (0.5, 0.5, 0.4, 0.4), True),
        ("inside", (0.9, 0.5, 0.1, 0.1), (0.5, 0.5, 0.4, 0.4), False),
        ("near", (0.3, 0.3, 0.1, 0.1), (0.55, 0.55, 0.1, 0.1), True),
        ("near", (0.1, 0.1, 0.1, 0.1), (0.9, 0.9, 0.1, 0.1), False),
    ],
)
def test_the_contract_geometry(relation, a, b, holds):
    percept = Percept(objects=[seen("cup", *a), seen("box", *b)])
    check = {"kind": "relation", "subject": "cup", "relation": relation, "object": "box"}
    assert truth.satisfied(check, percept) is holds


def test_between_on_either_axis():
    percept = Percept(objects=[seen("cup", 0.5, 0.5, 0.1, 0.1), seen("box", 0.2, 0.5), seen("jar", 0.8, 0.5)])
    check = {"kind": "relation", "subject": "cup", "relation": "between", "object": "box", "object2": "jar"}
    assert truth.satisfied(check, percept) is True
    assert truth.satisfied({**check, "subject": "box", "object": "cup"}, percept) is False


def test_the_ground_truth_evaluator_answers_unverifiable(monkeypatch):
    from imagegate.local.bedrock_offline import _ANSWER_WORDS

    assert _ANSWER_WORDS == {True: "yes", False: "no", None: "unverifiable"}
    schema = prompts.schema("evaluation_answers.schema.json")
    jsonschema.validate({"answers": [{"id": "c1", "answer": _ANSWER_WORDS[None]}]}, schema)


# ---------------------------------------------------------------- coverage


def test_coverage_counts_a_question_only_when_a_check_asks_it(tmp_path):
    # Given a tiny DSG-style file: one prompt, questions of several categories
    path = tmp_path / "dsg.csv"
    header = "item_id,text,keywords,proposition_id,dependency,category_broad,category_detailed,tuple,question_natural_language\n"
    rows = [
        ('x_1,"a white goat behind a gate",goat,1,0,entity,whole,entity - whole (goat),Is there a goat?'),
        ('x_1,"a white goat behind a gate","goat, white",2,1,attribute,color,"attribute - color (goat, white)",?'),
        (
            'x_1,"a white goat behind a gate","goat, gate",3,"1,4",relation,spatial,"relation - spatial (goat, gate, behind)",?'
        ),
        (
            'x_1,"a white goat behind a gate","goat, gate",4,"1,4",relation,spatial,"relation - spatial (goat, gate, on)",?'
        ),
        (
            'x_1,"a white goat behind a gate","sign, ""HI""",5,0,other,text rendering,"other - text rendering (sign, ""HI"")",?'
        ),
    ]
    path.write_text(header + "\n".join(rows) + "\n")
    questions_ = coverage.load_questions(path)
    assert [q.category for q in questions_] == [
        "entity",
        "attribute color",
        "relation spatial",
        "relation spatial",
        "text",
    ]

    # When a reading asks about the goat, its colour and "behind" (but not "on", and no text)
    def reading(prompt):
        return [
            {"kind": "entity", "subject": "goats"},
            {"kind": "colour", "subject": "goat", "colour": "white"},
            {"kind": "relation", "subject": "goat", "relation": "behind", "object": "gate"},
        ]

    table = coverage.coverage(questions_, reading)
    # Then exactly those three of the five are covered
    assert table["overall"] == (3, 5)
    assert table["relation spatial"] == (1, 2) and table["text"] == (0, 1)


def _question(args: tuple[str, ...]) -> coverage.Question:
    return coverage.Question("p", "relation spatial", "relation", args)


def test_a_relation_asked_from_the_other_object_covers_its_converse_and_nothing_else():
    sky_above_clock = [{"kind": "relation", "subject": "sky", "relation": "above", "object": "clock"}]
    wave_behind_man = [{"kind": "relation", "subject": "wave", "relation": "behind", "object": "man"}]
    cat_under_table = [{"kind": "relation", "subject": "cat", "relation": "under", "object": "table"}]
    assert coverage.covered(_question(("clock", "sky", "under")), sky_above_clock)
    assert coverage.covered(_question(("clock", "sky", "below")), sky_above_clock)
    assert coverage.covered(_question(("man", "wave", "in front of")), wave_behind_man)
    # not the same relation reversed, and under's converse is not on
    assert not coverage.covered(_question(("clock", "sky", "above")), sky_above_clock)
    assert not coverage.covered(_question(("man", "wave", "behind")), wave_behind_man)
    assert not coverage.covered(_question(("table", "cat", "on")), cat_under_table)


def test_a_garment_on_a_person_is_asked_by_the_person_wearing_it():
    worn = [{"kind": "action", "subject": "person", "action": "wear", "object": "sunglasses"}]
    held = [{"kind": "action", "subject": "person", "action": "hold", "object": "sunglasses"}]
    assert coverage.covered(_question(("sunglasses", "person", "on")), worn)
    assert not coverage.covered(_question(("sunglasses", "person", "on")), held)
    assert not coverage.covered(_question(("sunglasses", "person", "behind")), worn)


def test_subjects_joined_by_and_share_what_follows():
    # "a man and a woman posing in front of a van": both pose, both are in front of it
    checks = read("a man and a woman posing in front of a van")
    assert {(c["subject"], c["action"]) for c in checks if c["kind"] == "action"} == {
        ("man", "pose"),
        ("woman", "pose"),
    }
    assert {c["subject"] for c in checks if c["kind"] == "relation"} == {"man", "woman"}
    # ... and objects joined by "and" are both acted on
    held = {c["object"] for c in read("two boys holding a kite and a ball") if c["kind"] == "action"}
    assert held == {"kite", "ball"}


def test_colours_said_with_in_and_text_named_by_its_noun():
    assert [c["colour"] for c in of_kind("a scarf in green and orange", "colour")] == ["green", "orange"]
    (text,) = of_kind("the word 'HELLO' spelled in pebbles", "text")
    assert (text["subject"], text["question"]) == ("word", 'Does the image show the word "HELLO"?')
    assert "Is there someone?" in questions("Someone is waving from a balcony.")


# ---------------------------------------------------------------- general grammar (sentences written for the test)


@pytest.mark.parametrize(
    "prompt, question",
    [
        # a pronoun in a relation is never the relation's own subject
        ("a sofa with a blanket on it", "Is the blanket on the sofa?"),
        # after a verb with no object, a relation is the verb's subject's, not the last thing named
        ("A girl in a yellow coat is standing on a bench.", "Is the girl on the bench?"),
        # a scene word placed against a thing is a thing
        ("the sky above the lighthouse", "Is the sky above the lighthouse?"),
        # participles that put one thing on or in another
        ("a tray topped with cups", "Are the cups on the tray?"),
        ("a bucket filled with shells", "Are the shells inside the bucket?"),
        ("a hut surrounded by palms", "Is the hut near the palms?"),
        # a relation put before its subject holds for each thing of its list
        ("Next to the well there are a goat and a donkey.", "Is the donkey next to the well?"),
        # possession
        ("a knight with a shield", "Is the knight holding the shield?"),
        ("The lighthouse has a red roof.", "Does the lighthouse have a roof?"),
        # poses and states
        ("elbows out, chin down", "Is the chin down?"),
        ("The dog looks friendly.", "Is the dog friendly?"),
        ("a lantern hand painted with stars", "Is the lantern hand-painted?"),
        # colours as lists and coordinated before their noun
        ("The kite is green, orange, and purple.", "Is the kite orange?"),
        ("a blue and yellow parrot", "Is the parrot blue?"),
        ("two sailors wearing white", "Are the sailors wearing white?"),
        # names and credits
        ("a harbour at dusk, by Joaquín Sorolla", "Is the image in the style of joaquín sorolla?"),
        ("a fox in the snow, highly detailed, 8 k", "Is the image high-resolution?"),
        ("a still life of pears on a plate", "Is the image a still life?"),
    ],
)
def test_general_grammar_asks_what_the_sentence_says(prompt, question):
    assert question in questions(prompt), questions(prompt)


@pytest.mark.parametrize(
    "prompt, wrong",
    [
        ("A girl in a yellow coat is standing on a bench.", "Is the coat on the bench?"),
        ("the old tower at dusk", "Is the tower toy?"),  # no comparative of 'toy'
        ("A cyclist crossing the Brooklyn Bridge", "Is there a brooklyn?"),
        ("a crow's nest on a mast", "Is there a crow?"),  # a bare possessive names one thing
        ("a yoga mat, a woman balancing on her left foot", "Is the woman on the left foot?"),  # a posture
        ("geese in flight over a marsh", "Is there a flight?"),
        ("a hiker in faded jeans", "Are there at least two jeans?"),
        ("Jane Addams greets a crowd", "Are there at least two jane addams?"),
        ("a kitten curled up in a basket", "Is the kitten up?"),
        ("wearing white", "Is the person wearing?"),
    ],
)
def test_general_grammar_asks_nothing_the_sentence_does_not_say(prompt, wrong):
    assert wrong not in questions(prompt), questions(prompt)


def test_a_name_is_one_thing_and_red_apples_are_red():
    assert "brooklyn bridge" in {c["subject"] for c in of_kind("A cyclist crossing the Brooklyn Bridge", "entity")}
    assert [c["colour"] for c in of_kind("Red Apples in a bowl", "colour")] == ["red"]


def test_possession_and_image_tags_fit_the_contract():
    schema = prompts.schema("evaluation_checks.schema.json")
    for prompt in [
        "a knight with a shield, octane render, trending on artstation",
        "a tray topped with cups and a jug",
    ]:
        jsonschema.validate({"checks": read(prompt)}, schema)
    (have,) = of_kind("a knight with a cup", "action")
    assert (have["subject"], have["action"], have["object"]) == ("knight", "have", "cup")
    (held,) = of_kind("a knight with a shield", "action")  # a thing carried in the hand is held
    assert (held["subject"], held["action"], held["object"]) == ("knight", "hold", "shield")


@pytest.mark.parametrize(
    "prompt, question",
    [
        ("a desk on which there is a globe", "Is the globe on the desk?"),
        ("A bus is parked. On which I can see two bikes.", "Are the bikes on the bus?"),
        ("There is sand and seaweed on the rocks.", "Is the seaweed on the rocks?"),
        ("an owl with a scarf around its neck, a hat on its head", "Is the hat on the head?"),
        ("The clerk has on a green apron.", "Is the clerk wearing the apron?"),
        ("The boy has boots on.", "Is the boy wearing the boots?"),
    ],
)
def test_relative_and_worn_phrasings(prompt, question):
    assert question in questions(prompt), questions(prompt)


def test_looking_into_is_no_containment():
    assert not of_kind("A girl is looking into a pond.", "relation")


@pytest.mark.parametrize(
    "prompt, question, wrong",
    [
        ("rabbits nibbling on carrots", "Are the rabbits nibbling the carrots?", "Are the rabbits on the carrots?"),
        ("a note written in chalk on a board", "Is there a board?", "Is the note inside the chalk?"),
        (
            "a lamp post with a bicycle behind it",
            "Is the bicycle behind the lamp post?",
            "Does the lamp post have a bicycle?",
        ),
        ("a shelf that holds four jars", "Are there exactly four jars?", "Are there at least two holds?"),
        ("a striped neck tie", "Is the neck tie striped?", "Is there a neck?"),
        # a quote between an article (or adjective) and its noun: that thing says it, and the phrase stays whole
        ('a goat beside a "FRESH EGGS" crate', 'Does the crate say "FRESH EGGS"?', 'Does the goat say "FRESH EGGS"?'),
        ("a green 'EXIT' door at the end of a hall", "Is the door green?", 'Does the image show the text "EXIT"?'),
        # a saying right after a thing named in a relation is that thing's, not the clause subject's
        (
            'a cyclist passing a billboard that says "SLOW"',
            'Does the billboard say "SLOW"?',
            'Does the cyclist say "SLOW"?',
        ),
        ("a horse near a gate reading 'PRIVATE'", 'Does the gate say "PRIVATE"?', 'Does the horse say "PRIVATE"?'),
        # text written after the quote: the surface it is written on says it; the writing medium is no thing
        ("the word 'LATE' scrawled in marker on a napkin", 'Does the napkin say "LATE"?', "Is there a marker?"),
        (
            "the letters 'XYZ' carved on a tree trunk",
            'Does the tree trunk say "XYZ"?',
            'Does the image show the letters "XYZ"?',
        ),
        # ... but a thing that has the text keeps it: the place after is where the thing is
        ("a pie with 'MOM' written in jam on a tray", 'Does the pie say "MOM"?', 'Does the tray say "MOM"?'),
    ],
)
def test_verbs_with_on_media_and_absolute_with(prompt, question, wrong):
    asked = questions(prompt)
    assert question in asked and wrong not in asked, asked


def test_clauses_joined_by_and_keep_their_own_subjects():
    # "... and their head is up": the head is up, not the leg; a subject after a finished clause shares nothing
    asked = questions("Her left leg is bent at the knee and her head is up.")
    assert "Is the head up?" in asked and "Is the left leg up?" not in asked
    asked = questions("His back is straight and his chin pointing down")
    assert "Is the back pointing?" not in asked
    # ... while subjects joined directly still share
    assert "Is the girl waving?" in questions("a boy and a girl waving")
    # "instead of": none of it
    assert {c["subject"] for c in of_kind("a salad bowl with lettuce instead of croutons", "absent")} == {"crouton"}


@pytest.mark.parametrize(
    "prompt, question, wrong",
    [
        (
            "A duckling waddles across a path.",
            "Is the duckling waddling across the path?",
            "Are there duckling waddles?",
        ),
        ("a doll with round cheeks small hands", "Are the hands small?", "Are the hands cheeks?"),
        ("a puppy asleep on a rug as well", "Is there a rug?", "Is there a well?"),
        ("a statue gazing left", "Is the statue gazing left?", "Is the statue gazing a left?"),
        ("a cup of tea", "Is there a cup?", "Is there cup?"),
    ],
)
def test_articles_lists_and_directions(prompt, question, wrong):
    asked = questions(prompt)
    assert question in asked and wrong not in asked, asked


def test_style_words_inside_quoted_text_stay_text():
    (text,) = of_kind('a neon sign that says "FILM NOIR" over a bar', "text")
    assert text["text"] == "FILM NOIR"
    assert not of_kind('a neon sign that says "FILM NOIR" over a bar', "style")


def test_credits_shapes_and_contractions():
    asked = questions("a lighthouse in a storm, art by Ivan Aivazovsky and Winslow Homer")
    assert "Is the image in the style of winslow homer?" in asked and "Is there a winslow homer?" not in asked
    asked = questions("a cushion in the shape of a cloud")
    assert "Is the cushion cloud-shaped?" in asked and "Is there a cloud?" not in asked
    asked = questions("A goat on a rock. It's chewing grass.")
    assert "Is there an it?" not in asked


def test_with_clauses_and_body_part_lists():
    assert "Are the geese swimming?" in questions("a pond with geese swimming")
    assert "Is the woman walking?" in questions("a woman with an umbrella walking")
    asked = questions("hands near chest head tilted to left")
    assert "Is the head tilted?" in asked and "Is there a chest head?" not in asked


def test_a_game_played_is_no_thing():
    checks = read("two otters playing volleyball on a beach")
    assert "Are the otters playing volleyball?" in [c["question"] for c in checks]
    assert "volleyball" not in {c["subject"] for c in checks if c["kind"] == "entity"}
    assert "Is the scarf siding?" not in questions("the scarf is blown out to side")


@pytest.mark.parametrize(
    "prompt, noun, attribute",
    [
        ("an iridescent bubble floating over a pond", "bubble", "iridescent"),
        ("a gnarly branch beside a creek", "branch", "gnarly"),
        ("a crumpled receipt on a counter", "receipt", "crumpled"),
        ("a woven basket under a bench", "basket", "woven"),
    ],
)
def test_an_adjective_or_participle_no_list_names_describes_the_noun(prompt, noun, attribute):
    """The dictionary (world/lexicon.py) knows adjectives and past forms the word lists lack: the noun is the
    thing, the word its property (an "iridescent bubble" is no object of its own)."""
    entities = [c["subject"] for c in of_kind(prompt, "entity")]
    assert noun in entities and not any(attribute in e for e in entities)
    assert any(c["subject"] == noun and c["attribute"] == attribute for c in of_kind(prompt, "attribute"))


@pytest.mark.parametrize("word", ["ground", "stove", "hundred", "left"])
def test_a_noun_spelled_like_a_past_form_is_no_past(word):
    assert not dsg_reading._is_past(word)


@pytest.mark.parametrize(
    "prompt, question",
    [
        ("a lamp made of recycled bottles", "Is the lamp made of recycled bottles?"),
        ("a tiny house made from bread", "Is the house made of bread?"),
        ("a statue carved from white marble", "Is the statue made of white marble?"),
        ("a chair made out of bananas", "Is the chair made of bananas?"),
    ],
)
def test_made_of_asks_for_the_whole_material(prompt, question):
    assert question in questions(prompt)


@pytest.mark.parametrize(
    "prompt, question",
    [
        ("a chair made entirely of glass", "Is the chair made of glass?"),
        ("a cat completely carved from soap", "Is the cat made of soap?"),
        ("the word 'sun' made mostly out of sunflowers", 'Is the word "sun" made of sunflowers?'),
    ],
)
def test_how_much_of_a_thing_is_its_stuff_keeps_the_stuff_and_is_no_action(prompt, question):
    asked = questions(prompt)
    assert question in asked and not [q for q in asked if "making" in q or "carving" in q]


def test_each_stuff_of_a_list_is_asked_and_a_new_thing_after_and_is_not_a_stuff():
    asked = questions("a lamp made of glass, brass and steel on a desk")
    assert {"Is the lamp made of glass?", "Is the lamp made of brass?", "Is the lamp made of steel?"} <= set(asked)
    assert "Is the lamp on the desk?" in asked
    assert "Is the house made of stone?" in questions("a house made of wood and stone")
    # "and" then a thing of its own (an article, one who acts, a clause) is no stuff
    assert not [q for q in questions("a robot made of metal and a dog") if "made of dog" in q]
    assert "Is the doll made of teddy bear?" not in questions("a doll made of cloth and teddy bears playing")
    assert "Is the table made of chairs?" not in questions("a table made of oak and chairs around it")
    # a comma alone does not make a list of stuff ("a statue made of marble, sunset")
    assert "Is the statue made of sunset?" not in questions("a statue made of marble, sunset")


def test_the_dictionary_is_the_evaluators_alone():
    """world/lexicon.py reads no other part of the world (the judge's and generator's readings stay apart)."""
    from imagegate.local.world import lexicon

    tree = ast.parse(inspect.getsource(lexicon))
    imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)} | {
        a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names
    }
    assert imported <= {"__future__", "functools", "lemminflect"}


def test_a_comma_list_closed_by_and_shares_its_place():
    """ "A, B and C in a bowl": all three are in it; a list with no "and" ("castle, dragon, sunset") shares nothing."""
    relations = {(c["subject"], c["object"]) for c in of_kind("a spoon, a bowl and a napkin on a tray", "relation")}
    assert relations == {("spoon", "tray"), ("bowl", "tray"), ("napkin", "tray")}
    assert not of_kind("lighthouse, seagull, dusk", "relation")


def test_an_orange_named_alone_is_a_fruit_and_them_is_not_the_clause_subjects():
    assert "Is there an orange?" in questions("a plum, an orange and a fig in a basket")
    assert "Are the ferns behind the chairs?" in questions(
        "There are chairs on the porch. There are ferns and shrubs behind them."
    )


@pytest.mark.parametrize(
    "prompt, question",
    [
        ("a chalkboard reading FRESH BREAD DAILY by a bakery door", 'Does the chalkboard say "FRESH BREAD DAILY"?'),
        ("two boys flying kites while their mother knits a scarf", "Is the mother knitting the scarf?"),
        ("a picnic blanket: three apples on a wicker tray", "Are the apples on the tray?"),
        ("four owls perched on a telephone wire above a quiet lane", "Is there a telephone wire?"),
        ("three girls painting a fence beside a barn", "Are the girls painting the fence?"),
        ("a waffle with melting ice cream", "Is the ice cream melting?"),
    ],
)
def test_general_grammar_second_pass(prompt, question):
    assert question in questions(prompt)


@pytest.mark.parametrize(
    "prompt, wrong",
    [
        ("two boys flying kites while their mother knits a scarf", "Are the boys flying the mother?"),
        ("four owls perched on a telephone wire above a quiet lane", "Are the owls wiring?"),
        ("a waffle with melting ice cream", "Is the waffle melting the ice cream?"),
        ("seagulls over a harbour", "Are there at least two seagulls?"),
    ],
)
def test_general_grammar_second_pass_asks_nothing_unsaid(prompt, wrong):
    """A bare plural states no number (DSG asks none); "while" opens a clause; a noun is no verb."""
    assert wrong not in questions(prompt)


def test_a_container_holds_what_follows_its_of():
    assert "Is the soup inside the bowl?" in questions("a bowl of soup beside a spoon")
    assert "Are the cookies on the plate?" in questions("a plate of cookies")
    assert not of_kind("the lid of the jar", "relation")


def test_the_background_and_foreground_are_places_in_depth():
    """ "in the background" is a position in depth, decided by the drawn depth, and unverifiable when nothing is
    drawn at another depth (the world said nothing of planes)."""
    positions = {
        (c["subject"], c["position"])
        for c in of_kind("a windmill in the background and a goat in the foreground", "position")
    }
    assert positions == {("windmill", "background"), ("goat", "foreground")}
    check = {"kind": "position", "subject": "windmill", "position": "background"}
    far = SeenObject(concept_code("windmill"), "gray", 0.5, 0.3, 0.2, 0.2, depth=3)
    near = SeenObject(concept_code("goat"), "white", 0.5, 0.7, 0.2, 0.2, depth=0)
    assert truth.satisfied(check, Percept(objects=[far, near])) is True
    assert truth.satisfied({**check, "position": "foreground"}, Percept(objects=[far, near])) is False
    flat = SeenObject(concept_code("goat"), "white", 0.5, 0.7, 0.2, 0.2, depth=3)
    assert truth.satisfied(check, Percept(objects=[far, flat])) is None
    assert truth.satisfied(check, Percept(objects=[far])) is None


@pytest.mark.parametrize(
    "prompt, question",
    [
        ("a kite flown by a small boy", "Is the boy flying the kite?"),
        ("three men in wool caps beside a campfire", "Are the men wearing the caps?"),
        ("a toddler in a green raincoat", "Is the toddler wearing the raincoat?"),
        ("a parrot on a perch near a window. She is preening.", "Is the parrot preening?"),
        ("a street lamp glowing orange above a bench", "Is the street lamp above the bench?"),
    ],
)
def test_agents_wearers_and_pronouns(prompt, question):
    assert question in questions(prompt)


def test_a_thing_asked_for_elsewhere_is_never_asked_absent():
    """ "a man without a scarf beside two women in scarves": no absent check would hold (there are scarves)."""
    assert not of_kind("a man without a scarf beside two women in scarves", "absent")
    assert of_kind("a bench with no cushions", "absent")


def test_a_maker_named_by_by_is_not_in_the_picture():
    assert [c["subject"] for c in of_kind("a mural painted by a local artist", "entity")] == ["mural"]


@pytest.mark.parametrize(
    "prompt, question",
    [
        ("a snowy village at dusk", "Is it snowy in the image?"),
        ("a foggy harbour at night", "Is it night in the image?"),
        ("an overhead shot of a chessboard", "Is the image taken from overhead?"),
        ("a low-angle photo of a lighthouse", "Is the image a low-angle shot?"),
    ],
)
def test_weather_and_camera_are_the_pictures(prompt, question):
    assert question in questions(prompt)


def test_a_scene_of_matter_keeps_its_colour_and_a_clause_after_and_keeps_its_subject():
    assert "Is the sky gray?" in questions("the sky is gray over the harbour")
    assert "Is the sand white?" in questions("a beach with white sand")
    assert "Is the man wearing the woman?" not in questions(
        "A man is wearing a hat and a woman with red hair is wearing a scarf."
    )


def test_a_compound_is_its_head_drawn_with_its_kind_and_possession_is_undecidable():
    """The world draws "a ceiling fan" as a fan carrying the code of "ceiling" (its parse reads the kind as a
    modifier): that fan is a ceiling fan, a plain fan is not. Possession ("a man with hair": no owner is drawn)
    is unverifiable; a thing missing altogether still fails."""
    from imagegate.local.world.concepts import attribute_code

    ceiling_fan = SeenObject(
        concept_code("fan"), "beige", 0.5, 0.3, 0.3, 0.2, attributes=frozenset({attribute_code("ceiling")})
    )
    plain_fan = SeenObject(concept_code("fan"), "beige", 0.5, 0.3, 0.3, 0.2)
    man = SeenObject(concept_code("man"), "red", 0.5, 0.6, 0.2, 0.5)
    hair = SeenObject(concept_code("hair"), "green", 0.5, 0.4, 0.1, 0.1)
    assert truth.satisfied({"kind": "entity", "subject": "ceiling fan"}, Percept(objects=[ceiling_fan])) is True
    assert truth.satisfied({"kind": "entity", "subject": "ceiling fan"}, Percept(objects=[plain_fan])) is False
    assert truth.satisfied({"kind": "entity", "subject": "fan"}, Percept(objects=[ceiling_fan])) is True
    # a kind of two words ("bus stop") carrying a modifier ("a rural bus stop"), and not without it
    rural_stop = SeenObject(
        concept_code("bus stop"), "grey", 0.5, 0.5, 0.2, 0.2, attributes=frozenset({attribute_code("rural")})
    )
    plain_stop = SeenObject(concept_code("bus stop"), "grey", 0.5, 0.5, 0.2, 0.2)
    assert truth.satisfied({"kind": "entity", "subject": "rural bus stop"}, Percept(objects=[rural_stop])) is True
    assert truth.satisfied({"kind": "entity", "subject": "rural bus stop"}, Percept(objects=[plain_stop])) is False
    have = {"kind": "action", "subject": "man", "action": "have", "object": "hair"}
    assert truth.satisfied(have, Percept(objects=[man, hair])) is None
    assert truth.satisfied({**have, "object": "hat"}, Percept(objects=[man, hair])) is False


def test_a_noun_with_an_adjective_ending_is_a_noun():
    assert "Is there a daikon radish?" in questions("a baby daikon radish")


@pytest.mark.parametrize(
    "prompt, question",
    [
        ("In the foreground we can see a bicycle.", "Is the bicycle in the foreground?"),
        ("In the background I can see hills, a barn and fences.", "Are the fences in the background?"),
        (
            "a harbour with a village in the background and a rowing boat in the front",
            "Is the village in the background?",
        ),
        ("a teacup on a woman's knee", "Is the teacup on the woman's knee?"),
        ("man stand beside bicycle. man hold helmet", "Is the man next to the bicycle?"),
        ("a fox wearing a scarf and boots in a library", "Is the fox inside the library?"),
        ("a girl in a red coat and yellow boots is jumping over a puddle", "Is the girl wearing the boots?"),
        ("a girl in a red coat and yellow boots is jumping over a puddle", "Is the girl jumping?"),
        ("two chefs at a long counter", "Are the chefs near the counter?"),
        ("a nurse sitting at a reception desk", "Is the nurse near the reception desk?"),
        ("five postmen beside a van", "Are there exactly five postmen?"),
        ("a snowman", "Is there a snowman?"),
    ],
)
def test_general_grammar_third_pass(prompt, question):
    assert question in questions(prompt)


@pytest.mark.parametrize(
    "prompt, wrong",
    [
        (
            "a harbour with a village in the background and a rowing boat in the front",
            "Is the rowing boat in the background?",
        ),
        ("a fox wearing a scarf and boots in a library", "Are the boots inside the library?"),
        ("a knight wearing a helmet on his head", "Is the knight on the head?"),
        ("a girl in a red coat and yellow boots is jumping over a puddle", "Are the boots jumping?"),
        ("a dog staring at a squirrel", "Is the dog near the squirrel?"),
        ("a girl tossing a coin at a fountain", "Is the coin near the fountain?"),
        ("five postmen beside a van", "Are there exactly five postmens?"),
    ],
)
def test_general_grammar_third_pass_asks_nothing_unsaid(prompt, wrong):
    assert wrong not in questions(prompt)


def test_a_thing_drawn_as_the_setting_is_there_and_behind_everything():
    """ "a village in the background": the world may draw a village as the scene itself; then the village is
    there and in the background (the backdrop), nothing can be counted or coloured on it, and it is not absent."""
    from imagegate.local.world import vocabulary as vocab

    village = next(word for word, key in vocab.SCENE_WORDS.items() if word == key)
    boat = SeenObject(concept_code("boat"), "red", 0.5, 0.7, 0.2, 0.2)
    drawn = Percept(objects=[boat], scene=vocab.SCENE_WORDS[village])
    elsewhere = Percept(objects=[boat], scene=None)
    assert truth.satisfied({"kind": "entity", "subject": village}, drawn) is True
    assert truth.satisfied({"kind": "entity", "subject": village}, elsewhere) is False
    assert truth.satisfied({"kind": "position", "subject": village, "position": "background"}, drawn) is True
    assert truth.satisfied({"kind": "position", "subject": village, "position": "foreground"}, drawn) is False
    assert truth.satisfied({"kind": "absent", "subject": village}, drawn) is False
    assert truth.satisfied({"kind": "count", "subject": village, "count": 2}, drawn) is None


def test_a_part_named_with_its_owner_is_the_part_or_else_the_owner():
    """ "a woman's knee": the knee if the world drew one, else the woman (the world draws a body as one shape)."""
    woman = SeenObject(concept_code("woman"), "red", 0.5, 0.6, 0.2, 0.5)
    knee = SeenObject(concept_code("knee"), "beige", 0.5, 0.7, 0.05, 0.05)
    assert truth.satisfied({"kind": "entity", "subject": "woman's knee"}, Percept(objects=[woman])) is True
    assert truth.satisfied({"kind": "entity", "subject": "woman's knee"}, Percept(objects=[knee])) is True
    assert truth.satisfied({"kind": "entity", "subject": "woman's knee"}, Percept(objects=[])) is False


@pytest.mark.parametrize(
    "prompt, question",
    [
        ("a sailor with a white cap on a pier", "Is the sailor wearing the cap?"),
        ("an abandoned warehouse", "Is the warehouse abandoned?"),
        ("a busy street at noon", "Is the street busy?"),
        ("a pale background", "Is the background pale?"),
    ],
)
def test_a_garment_with_a_person_is_worn_and_a_setting_keeps_its_property(prompt, question):
    assert question in questions(prompt)


def test_the_generator_draws_a_garment_after_in_or_with_as_worn_by_the_one_before_it():
    """ "a woman in a blue dress next to a vase": the generator's parse (scene.py) draws her wearing it and puts
    her, not the dress, next to the vase; "a table with a hat on it" wears nothing."""
    from imagegate.local.world.scene import parse_prompt

    for prompt in ("a woman in a blue dress next to a vase", "a woman with a blue dress next to a vase"):
        spec = parse_prompt(prompt)
        woman = next(k for k, e in enumerate(spec.entities) if e.cls == "woman")
        vase = next(k for k, e in enumerate(spec.entities) if e.cls == "vase")
        assert "wear" in spec.entities[woman].actions, prompt
        assert [(r.subject, r.relation, r.object) for r in spec.relations] == [(woman, "next to", vase)], prompt
    spec = parse_prompt("a table with a hat on it")
    assert not any("wear" in e.actions for e in spec.entities)


@pytest.mark.parametrize(
    "prompt, question",
    [
        ("a sofa with a puppy napping on it", "Is the puppy napping?"),
        ("a sofa with a puppy napping on it", "Is the puppy on the sofa?"),
        ("a mailbox with a cat sniffing it", "Is the cat sniffing the mailbox?"),
        ("a grandfather reading a book by the fire", "Is the grandfather reading the book?"),
        ("hikers in red jackets with a waterfall behind them", "Is the waterfall behind the hikers?"),
    ],
)
def test_who_acts_after_with_and_whom_a_pronoun_names(prompt, question):
    assert question in questions(prompt)


@pytest.mark.parametrize(
    "prompt, wrong",
    [
        ("a sofa with a puppy napping on it", "Is the sofa napping?"),
        ("a mailbox with a cat sniffing it", "Is the cat sniffing the cat?"),
        ("a woman knitting on a porch, two kittens at her feet", "Do the kittens have feet?"),
        ("hikers in red jackets with a waterfall behind them", "Is the waterfall behind the jackets?"),
    ],
)
def test_who_acts_after_with_and_whom_a_pronoun_names_nothing_unsaid(prompt, wrong):
    assert wrong not in questions(prompt)


def test_a_doubled_f_stays_in_the_verbs_lemma():
    from imagegate.local.world.concepts import verb_lemma

    assert [verb_lemma(w) for w in ("sniffing", "puffed", "running", "falling")] == ["sniff", "puff", "run", "fall"]


def test_a_prompt_wrapped_in_quotes_is_read_not_rendered_and_a_person_acts_before_with():
    assert not of_kind("“an oil painting of a quiet harbour with two fishing boats at dawn”", "text")
    assert "Are there exactly two boats?" in questions("“an oil painting of a quiet harbour with two boats at dawn”")
    assert of_kind('"OPEN"', "text")  # a short quote alone is a text to render
    assert "Is the man painting?" in questions("a man painting with a wide brush")


@pytest.mark.parametrize(
    "prompt, question",
    [
        ("a fox crossing a bridge on a rainy night", "Is it rainy in the image?"),
        ("a fox crossing a bridge on a rainy night", "Is it night in the image?"),
        ("two hikers walking in the rain", "Is it rainy in the image?"),
        ("a windmill in the fog", "Is it foggy in the image?"),
    ],
)
def test_the_weather_named_by_a_noun_or_on_the_light_is_the_pictures(prompt, question):
    assert question in questions(prompt)


@pytest.mark.parametrize(
    "prompt, question",
    [
        ("one owl on a branch", "Is there exactly one owl?"),
        ("a single lantern by the door", "Is there exactly one lantern?"),
        ("a lone pine on a cliff", "Is there exactly one pine?"),
    ],
)
def test_an_explicit_one_is_counted(prompt, question):
    assert question in questions(prompt)
    assert not any(c["kind"] == "count" for c in read("an owl on a branch"))  # "a"/"an" is no count


@pytest.mark.parametrize(
    "prompt, question",
    [
        ("a kite in the top left of the picture", "Is the kite at the top of the image?"),
        ("a kite in the top left of the picture", "Is the kite on the left of the image?"),
        ("an assortment of five glass jars", "Are there exactly five jars?"),
        ("The Three Wise Men Statues", "Are there exactly three wise men statues?"),
    ],
)
def test_corners_collections_and_names_kept_plural(prompt, question):
    assert question in questions(prompt)
    assert "Is there an assortment?" not in questions("an assortment of five glass jars")


def test_a_name_is_asked_as_written():
    assert "Is Ada Lovelace in the image?" in questions("Ada Lovelace holding a quill")
    assert "Is Ada Lovelace holding the quill?" in questions("Ada Lovelace holding a quill")
    assert "Are there exactly two men?" in questions("Two Men in Hats")  # a count is no name


# ---------------------------------------------------------------- lists, plural pictures and lights, "left to"


@pytest.mark.parametrize(
    "prompt, subjects, relation, obj",
    [
        # the serial comma before "and" still joins the list: each one is on the tray
        ("There are spoons, cups, and napkins on the tray.", {"spoon", "cup", "napkin"}, "on", "tray"),
        ("a kettle, a teapot and a mug on a shelf", {"kettle", "teapot", "mug"}, "on", "shelf"),
        # "at" is near, and both joined subjects are there
        ("A bicycle and a scooter at a fountain.", {"bicycle", "scooter"}, "near", "fountain"),
    ],
)
def test_a_place_after_a_list_holds_for_each_item(prompt, subjects, relation, obj):
    placed = {c["subject"] for c in of_kind(prompt, "relation") if (c["relation"], c["object"]) == (relation, obj)}
    assert placed == subjects


def test_several_pictures_or_lights_are_things_in_the_picture_but_one_photo_of_is_the_medium():
    assert {c["subject"] for c in of_kind("three framed photos and string lights above a sofa", "entity")} >= {
        "photo",
        "string light",
    }
    assert {c["subject"] for c in of_kind("old paintings on a brick wall", "entity")} >= {"painting", "wall"}
    assert "photo" not in {c["subject"] for c in of_kind("a photo of a heron", "entity")}
    assert "light" in {c["subject"] for c in of_kind("a porch with glowing lights", "entity")}
    # other framing and place nouns stay what they were: "to the sides" names no thing
    assert "side" not in {c["subject"] for c in of_kind("arms down to the sides", "entity")}


def test_left_to_and_right_to_are_left_of_and_right_of():
    ((subject, relation, obj),) = [
        (c["subject"], c["relation"], c["object"]) for c in of_kind("a kettle is left to a toaster", "relation")
    ]
    assert (subject, relation, obj) == ("kettle", "left of", "toaster")
    assert [c["relation"] for c in of_kind("the mug is right to the laptop", "relation")] == ["right of"]


def test_a_place_put_first_in_a_later_clause_is_where_the_following_things_are():
    # "..., and in the background there are doors and walls": the doors and walls, not the vase before
    checks = of_kind("a vase on a table and in the background there are doors and walls", "position")
    assert {(c["subject"], c["position"]) for c in checks} == {("door", "background"), ("wall", "background")}


def test_a_participle_before_a_plural_noun_describes_it():
    # "dried leaves on the ground": leaves that are dried, not something that leaves
    checks = read("In the background I can see grass, dried leaves on the ground and trees.")
    assert ("leaf", "background") in {(c["subject"], c.get("position")) for c in checks if c["kind"] == "position"}
    assert ("leaf", "on", "ground") in {
        (c["subject"], c["relation"], c["object"]) for c in checks if c["kind"] == "relation"
    }


def test_painted_a_colour_is_a_state_and_a_colour_and_the_verb_after_it_is_the_subjects():
    checks = read("the bench painted green sits by the gate")
    assert {(c["kind"], c["subject"]) for c in checks if c["kind"] != "entity"} >= {
        ("attribute", "bench"),
        ("colour", "bench"),
        ("relation", "bench"),
    }
    assert not [c for c in checks if c["kind"] == "action" and c.get("action") == "paint"]
    assert "sit" not in {c["subject"] for c in checks}


@pytest.mark.parametrize(
    "prompt, noun, count, at_least",
    [
        ("a pair of blue socks on a chair", "sock", 2, None),
        ("a dozen eggs in a carton", "egg", 12, None),
        ("a set of four mugs", "mug", 4, None),
        ("a flock of birds over a lake", "bird", 2, True),
        ("a lot of balloons", "balloon", 2, True),
        ("five different kinds of apples in a bowl", "apple", 5, None),
    ],
)
def test_a_collective_or_a_kind_says_how_many_of_the_thing_inside(prompt, noun, count, at_least):
    counts = [(c["subject"], c["count"], c.get("at_least")) for c in of_kind(prompt, "count")]
    assert counts == [(noun, count, at_least)]


def test_a_property_of_the_day_is_asked_by_the_pictures_light():
    def state(args):
        return coverage.Question("p", "attribute state", "attribute", args)

    sunny = [{"kind": "light", "subject": "sunny", "setting": "sunny"}]
    assert coverage.covered(state(("day", "sunny")), sunny)
    assert not coverage.covered(state(("day", "cloudy")), sunny)
    assert not coverage.covered(state(("dog", "sunny")), sunny)  # only a time of day or the weather


@pytest.mark.parametrize(
    "prompt, subject, place",
    [
        ("a cat on a mat in front of a fireplace", "mat", "fireplace"),
        ("a woman sitting on a couch next to a lamp", "couch", "lamp"),
        ("a vase in a box behind a piano", "box", "piano"),
    ],
)
def test_what_rests_on_or_in_a_place_shares_where_the_place_is(prompt, subject, place):
    # Given a thing on a place, and that place placed against a third thing
    relations = relation_triples(prompt)
    # Then the third thing places both the thing (as before) and the place it rests on
    placed = {(s, o) for s, _, o in relations if o == place}
    assert placed == {(relations[0][0], place), (subject, place)}


def test_a_relation_after_an_unrelated_place_is_not_shared():
    # "a lamp beside a table, under a window": beside is no support, so only the lamp is under the window
    relations = relation_triples("a lamp beside a table under a window")
    assert ("table", "under", "window") not in relations
    assert ("lamp", "under", "window") in relations


@pytest.mark.parametrize(
    "prompt, absent",
    [
        ("a bakery named Sunrise Bread next to a bank", "sunrise"),
        ("a boat called the Sea Witch on a lake", "witch"),
        ("a shop called Tom and Jerry", "jerry"),
    ],
)
def test_a_given_name_is_no_thing_and_nothing_is_named_by_an_action(prompt, absent):
    asked = questions(prompt)
    assert not [q for q in asked if absent in q.lower() or "call" in q.lower() or "nam" in q.lower()], asked
    assert f"Is there a {prompt.split()[1]}?" in asked


def test_a_quoted_name_is_the_things_text():
    asked = questions("a book titled 'Night Owls' on a desk")
    assert 'Does the book say "Night Owls"?' in asked
    assert not [q for q in asked if "titl" in q]


def test_they_are_the_several_things_named_not_the_last_single_one():
    asked = questions("two girls walking along a trail. the trail is made of dirt. they are holding umbrellas")
    assert "Are the girls holding the umbrellas?" in asked
    assert not [q for q in asked if q.startswith("Is the trail holding")]


def test_whilst_joins_clauses_like_while():
    asked = questions("a man whilst sitting on a bench")
    assert "Is the man sitting?" in asked
    assert not [q for q in asked if "whilst" in q]


@pytest.mark.parametrize(
    "prompt, named, state",
    [
        ("a cozy reading nook with a lamp", "reading nook", None),
        ("a mixing bowl on a counter", "mixing bowl", None),
        ("a burning candle on a table", "candle", "Is the candle burning?"),
        ("a sleeping cat on a rug", "cat", "Is the cat sleeping?"),
    ],
)
def test_an_ing_word_before_a_lifeless_thing_names_what_it_is_for(prompt, named, state):
    # Given an -ing word right before its noun
    asked = questions(prompt)
    # Then a thing that cannot do it by itself is named by both words; one that can (or one alive) is doing it
    assert f"Is there a {named}?" in asked
    states = [q for q in asked if q.endswith("ing?") and q.startswith(("Is the", "Are the"))]
    assert states == ([state] if state else []), asked


def test_someones_garment_is_worn():
    # Given a garment named as someone's own
    asked = questions("a boy playing frisbee. his shirt is black and red")
    # Then the garment is asked for and asked as worn, not as owned
    assert {"Is there a shirt?", "Is the boy wearing the shirt?", "Is the shirt black?"} <= set(asked)
    assert not [q for q in asked if "have a shirt" in q]
    # And a thing that is not worn stays owned
    assert "Does the woman have a dog?" in questions("a woman and her dog")


def test_a_wearing_or_having_written_the_other_way_round_is_still_covered():
    def relation(args):
        return coverage.Question("p", "relation spatial", "relation", args)

    worn = [{"kind": "action", "subject": "boy", "action": "wear", "object": "shirt"}]
    had = [{"kind": "action", "subject": "truck", "action": "have", "object": "wheel"}]
    assert coverage.covered(relation(("shirt", "boy", "wear")), worn)
    assert coverage.covered(relation(("truck's wheel", "truck", "has")), had)
    # Having has two senses when the owner is not named in the subject: the other way round is not asked
    assert not coverage.covered(relation(("wheel", "truck", "has")), had)
    assert not coverage.covered(relation(("shirt", "statue", "wear")), worn)


@pytest.mark.parametrize(
    "prompt, expected",
    [
        ("A map of the world. It is on a table.", ("map", "on", "table")),
        ("A cat. it sits on a rug.", ("cat", "on", "rug")),
        ("Three cups and a teapot. It is behind them.", ("teapot", "behind", "cup")),
    ],
)
def test_it_opening_a_clause_is_the_last_single_thing_spoken_of(prompt, expected):
    assert expected in relation_triples(prompt)


def test_a_scene_word_put_in_a_fronted_depth_plane_is_placed_there():
    asked = questions("In the background we can see buildings, trees and sky.")
    assert {"Are the buildings in the background?", "Is the sky in the background?"} <= set(asked)


def test_a_name_given_in_a_picture_that_shows_it_is_its_text():
    asked = questions("a minimalist logo for a bakery called Rise & Shine, a croissant inside a circle")
    # a logo is a thing that shows it, as a sign is
    assert 'Does the logo say "Rise & Shine"?' in asked
    assert 'Does the sign say "Blue Moon"?' in questions("a sign for a shop called Blue Moon")


def test_full_of_says_what_is_inside_and_that_it_is_full():
    asked = questions("a pencil holder full of colored pencils")
    assert {"Is the pencil holder full?", "Are the pencils inside the pencil holder?"} <= set(asked)


def test_covered_with_a_list_puts_each_thing_on_it_until_a_new_clause():
    # Given a surface covered with a comma list, then a clause with its own verb
    triples = relation_triples("a table covered with books, a radio and a cup, and a lamp stands next to it")
    # Then each listed thing is on the table, and the lamp (the next clause's subject) is not
    assert {("book", "on", "table"), ("radio", "on", "table"), ("cup", "on", "table")} <= set(triples)
    assert ("lamp", "on", "table") not in triples
    assert "Is the house covered in snow?" in questions("a house covered in snow")  # in: still its state


@pytest.mark.parametrize("prompt", ["a coffee can full of nails", "a bag in a can.", "an old can, a cup and a bowl"])
def test_can_after_its_noun_or_article_is_a_container(prompt):
    assert "Is there a can?" in questions(prompt) or "Is there a coffee can?" in questions(prompt)


def test_lit_by_names_the_light_not_a_neighbour():
    asked = questions("a workbench lit by a single bulb")
    assert {"Is the workbench lit?", "Is there a bulb?"} <= set(asked)
    assert not relation_triples("a workbench lit by a single bulb")


@pytest.mark.parametrize(
    "prompt, absent",
    [
        ("a robot in a garage --no humans", {"human"}),
        ("a quiet beach at dawn --no cars, boats and umbrellas --ar 16:9", {"car", "boat", "umbrella"}),
        ("an empty street \u2014no people \u2014ar 3:2", {"person"}),
    ],
)
def test_the_negative_parameter_asks_that_each_listed_thing_is_absent(prompt, absent):
    # Given a generator's "--no" parameter (the list it must not draw)
    asked = questions(prompt)
    # Then each listed thing is asked to be absent, and none of them is asked for
    for noun in absent:
        assert any(noun in q and "no " in q for q in asked), (noun, asked)
        assert f"Is there a {noun}?" not in asked and f"Are there {noun}s?" not in asked
    # and the other parameters ("--ar 16:9", "\u2014ar 3:2") are no things
    assert not any("ar" in q.split() or "ars" in q.split() for q in asked)


def test_every_artist_credited_in_a_list_is_a_style_and_none_is_a_thing():
    asked = questions("a lighthouse in a storm, by greg rutkowski, makoto shinkai and james gurney")
    for name in ("greg rutkowski", "makoto shinkai", "james gurney"):
        assert f"Is the image in the style of {name}?" in asked
        assert f"Is there a {name}?" not in asked
    asked = questions("a knight in armor, art by yoshitaka amano by yukito kishiro")
    assert "Is the image in the style of yukito kishiro?" in asked
    # a comma that goes on to a thing in the picture does not make it an artist
    asked = questions("a castle by Monet, mountains at dawn")
    assert "Are there mountains?" in asked
    assert "Is the image in the style of mountains?" not in asked


def test_a_medium_credited_to_its_maker_is_what_the_image_is():
    asked = questions("a portrait by Rembrandt of an old man")
    assert "Is the image a portrait?" in asked
    assert "Is there a portrait?" not in asked


@pytest.mark.parametrize("prompt", ["a forest creek in autumn", "a park in the fall", "a meadow during spring"])
def test_a_season_is_when_the_picture_is_set_not_a_place(prompt):
    asked = questions(prompt)
    assert any(q.startswith("Is it ") and q.endswith(" in the image?") for q in asked), asked
    assert not any("inside the" in q for q in asked), asked


@pytest.mark.parametrize(
    "prompt, says",
    [
        ("the word 'START' on a blue t-shirt", 'Does the t-shirt say "START"?'),
        ("a frog with the words 'almost there' in a speech bubble", 'Does the speech bubble say "almost there"?'),
        ("A teacher writing 'Ethics 101' in chalk on a blackboard.", 'Does the blackboard say "Ethics 101"?'),
        ("a dog holding a sign with the text 'hi' on a beach", 'Does the sign say "hi"?'),
    ],
)
def test_text_put_on_a_thing_is_said_by_that_thing(prompt, says):
    # Given quoted text named as text, or written, and then put on or in a thing
    asked = questions(prompt)
    # Then that thing says it, and the writer or the thing before is not put inside or on the surface
    assert says in asked, asked
    assert not any(q.startswith(("Is the frog inside", "Is the teacher inside", "Is the teacher on")) for q in asked)
    assert 'Does the teacher say "Ethics 101"?' not in asked and 'Does the dog say "hi"?' not in asked


def test_a_thing_with_text_stays_where_it_is_put():
    asked = questions("a cake with the words 'happy birthday' on a table")
    assert {'Does the cake say "happy birthday"?', "Is the cake on the table?"} <= set(asked)


def test_text_said_by_a_thing_covers_the_text_on_that_thing_and_nothing_else():
    on_shirt = [{"kind": "text", "subject": "t-shirt", "text": "START", "parent": "e1"}]
    assert coverage.covered(_question(("word", "t-shirt", "on")), on_shirt)
    assert coverage.covered(coverage.Question("p", "entity", "entity", ("word",)), on_shirt)
    # not on another thing, not another relation, and a thing that is no text is not covered by the text
    assert not coverage.covered(_question(("word", "cap", "on")), on_shirt)
    assert not coverage.covered(_question(("word", "t-shirt", "under")), on_shirt)
    assert not coverage.covered(coverage.Question("p", "entity", "entity", ("cap",)), on_shirt)


def test_a_portion_of_a_thing_is_that_thing():
    # Given a piece of something put somewhere
    asked = questions("a piece of driftwood lying on a counter")
    # Then the thing itself is asked for and placed; no "piece" is
    assert "Is the driftwood on the counter?" in asked
    assert not any("piece" in q for q in asked)
    # and the portion's size is not the whole thing's
    assert "Is the pie large?" not in questions("a large slice of pie on a plate")


def test_around_a_thing_is_near_it():
    assert ("child", "near", "table") in relation_triples("three children standing around a table")


def test_a_name_with_capitals_around_of_is_one_name():
    # Given a landmark's name in an ordinary-case prompt
    triples = relation_triples("The Tower of London stands behind a red bus")
    # Then it is one thing, related as one; there is no "london" of its own
    assert ("tower of london", "behind", "bus") in triples
    assert "Is there a london?" not in questions("The Tower of London stands behind a red bus")
    # and in a Title Case prompt, or after a medium, "of" still links two things
    assert "Is there a bowl?" in questions("A Bowl Of Fruit On A Table")
    assert "Is the image a painting?" in questions("a Painting of Venice")


def test_a_participle_after_a_comma_says_more_of_the_sentence_subject():
    # Given a thing placed somewhere, then ", covered with" a list and ", lit by" a light that hangs
    asked = questions(
        "An old desk in an attic, covered with dusty books and a lamp, lit by a candle flickering on a shelf"
    )
    # Then the list is on the desk (not on the attic), the desk is lit, and the candle flickers
    assert {"Are the books on the desk?", "Is the lamp on the desk?", "Is the desk lit?"} <= set(asked)
    assert "Is the candle flickering?" in asked
    assert not any(q.startswith(("Is the lamp lit", "Is the lamp flickering", "Is the desk flickering")) for q in asked)


def test_a_person_in_a_colour_wears_it():
    assert "Is the man wearing black?" in questions("a man dressed in black next to a taxi")
    assert "Is the man black?" not in questions("a man dressed in black next to a taxi")
    assert "Are the squares blue?" in questions("three squares in blue")


def test_taking_photos_is_an_action_and_the_photos_are_no_things():
    # Given someone taking photos
    checks = dsg_reading.read_prompt("a grandmother takes photos while two kids build a snowman")
    # Then the action is asked, and nothing asks for photos in the picture, nor names them to look for
    assert "Is the grandmother taking photos?" in [c["question"] for c in checks]
    assert not any(c["kind"] in {"entity", "count"} and "photo" in c["subject"] for c in checks)
    assert not any(c.get("object") == "photo" for c in checks)


def test_a_place_opening_a_comma_item_is_the_sentence_subjects():
    assert ("jug", "on", "shelf") in relation_triples("a clay jug with milk inside, steam rising, on a wooden shelf")
    assert ("bowl", "on", "counter") in relation_triples("a bowl with oranges, on a marble counter")
    assert ("orange", "on", "counter") not in relation_triples("a bowl with oranges, on a marble counter")


def test_a_single_capital_letter_named_as_a_thing_is_text_in_the_picture():
    asked = questions("a pirate map of an island with an X marking the treasure")
    assert 'Does the pirate map say "X"?' in asked and "Is there a x?" not in asked
    # a T-shirt and an X-ray machine are things, not letters
    asked = questions("a man in a T-shirt next to an X-ray machine")
    assert "Is there a t-shirt?" in asked and not any('"T"' in q or '"X"' in q for q in asked)


@pytest.mark.parametrize(
    "prompt, wanted",
    [
        ("a woman in a red dress", {"Is there a dress?", "Is the dress red?", "Is the woman wearing the dress?"}),
        ("a girl wearing a summer dress", {"Is the girl wearing the summer dress?"}),
        ("A baby is sleeping on a quilted mattress.", {"Is there a baby?", "Is the baby on the mattress?"}),
        ("the toddler's giant is waving", set()),
        ("a young girl is reading", {"Is the girl reading?"}),
        ("a man is painting a fence", {"Is the man painting the fence?"}),
    ],
)
def test_words_that_are_nouns_stay_nouns_and_verbs_after_is_stay_verbs(prompt, wanted):
    asked = questions(prompt)
    assert wanted <= set(asked), asked
    assert not any(q.endswith(("the summer?", "dressing?")) for q in asked)


def test_on_top_puts_the_thing_on_the_first_and_a_cup_of_it_stays_the_cup():
    assert ("mug", "on", "book") in relation_triples("a stack of three books with a mug of cocoa on top")
    assert ("cocoa", "on", "book") not in relation_triples("a stack of three books with a mug of cocoa on top")
    assert ("cherry", "on", "cake") in relation_triples("a cake with a cherry on top.")


def test_what_covers_a_thing_does_not_hold_it_and_falling_snow_is_no_things_fall():
    asked = questions("a stone wall covered in ivy next to a gate")
    assert "Is the wall covered in ivy?" in asked and not any("inside the ivy" in q for q in asked)
    asked = questions("a red fox sitting on a log, with snow falling")
    assert "Is the fox falling?" not in asked and "Is the fox on the log?" in asked


def test_an_aside_between_dashes_and_an_adverb_are_no_things():
    asked = questions("A lone surfer - perhaps a teenager - stands on a pier.")
    assert "Is there a surfer?" in asked and not any("perhap" in q for q in asked)


def test_a_place_after_a_place_is_the_first_places():
    # Given things in a container that stands on something
    triples = relation_triples("four pears in a clay bowl on a striped tablecloth")
    # Then the bowl is on the tablecloth, and the pears are in the bowl, not on the tablecloth
    assert {("pear", "inside", "bowl"), ("bowl", "on", "tablecloth")} <= set(triples)
    assert ("pear", "on", "tablecloth") not in triples


def _seen(noun: str, colour: str, x: float, y: float = 0.5, *attributes: str) -> SeenObject:
    codes = frozenset(attribute_code(word) for word in attributes)
    return SeenObject(concept_code(noun), colour, x, y, 0.1, 0.1, attributes=codes)


def _answers(prompt: str, *objects: SeenObject) -> dict[str, bool | None]:
    percept = Percept(objects=list(objects))
    return {c["question"]: truth.satisfied(c, percept) for c in read(prompt)}


def test_one_of_each_colour_is_asked_of_the_one_that_has_it_never_of_every_one():
    # Given a group whose members differ in colour
    checks = dsg_reading.read_prompt("three horses, one brown and one white, grazing in a meadow")
    colours = [c for c in checks if c["kind"] == "colour"]
    # Then each colour is asked of the horses that have it (both asked of every horse could never hold)
    assert [(c["colour"], c.get("subjectLabel")) for c in colours] == [("brown", "brown"), ("white", "white")]
    assert [c["question"] for c in colours] == ["Is one of the horses brown?", "Is another of the horses white?"]
    assert "Are the horses grazing?" in questions("three horses, one brown and one white, grazing in a meadow")
    # and the offline truth decides each: a brown and a white horse pass, two brown horses fail the white one
    brown_white = _answers(
        "two horses, one brown and one white", _seen("horse", "brown", 0.2), _seen("horse", "white", 0.6)
    )
    assert brown_white["Is one of the horses brown?"] and brown_white["Is another of the horses white?"]
    both_brown = _answers(
        "two horses, one brown and one white", _seen("horse", "brown", 0.2), _seen("horse", "brown", 0.6)
    )
    assert both_brown["Is one of the horses brown?"] and both_brown["Is another of the horses white?"] is False


@pytest.mark.parametrize(
    ("prompt", "question"),
    [
        ("a black cat above a white cat", "Is the black cat above the white cat?"),
        ("a black cat sitting above a white cat", "Is the black cat above the white cat?"),
        ("on the shelf, a red vase to the left of a blue vase", "Is the red vase to the left of the blue vase?"),
    ],
)
def test_two_of_one_noun_told_apart_are_decided_which_is_which(prompt, question):
    # Given two things of one noun told apart by colour, drawn the right way round and the wrong way round
    noun = question.split()[3]
    first, second = question.split()[2], question.split()[-2]
    relation = next(c for c in read(prompt) if c["kind"] == "relation" and c["object"] == noun)
    assert (relation["subjectLabel"], relation["objectLabel"]) == (first, second)
    placed = {"above": ((0.5, 0.2), (0.5, 0.8)), "left of": ((0.2, 0.5), (0.8, 0.5))}[relation["relation"]]
    (ax, ay), (bx, by) = placed
    right = _answers(prompt, _seen(noun, first, ax, ay), _seen(noun, second, bx, by))
    wrong = _answers(prompt, _seen(noun, second, ax, ay), _seen(noun, first, bx, by))
    # Then the relation holds one way and fails the other (it was undecided: every cat above every other)
    assert right[question] is True and wrong[question] is False
    # and each colour is asked of the one told apart by it, which both pictures have
    told = [c["question"] for c in read(prompt) if c["kind"] in {"entity", "colour"} and c.get("subjectLabel")]
    assert len(told) == 4 and all(right[q] is True and wrong[q] is True for q in told)


def test_a_count_of_one_colour_counts_only_that_colour():
    prompt = "two red balls and a blue ball"
    checks = read(prompt)
    count = next(c for c in checks if c["kind"] == "count")
    assert count["question"] == "Are there exactly two red balls?" and count["subjectLabel"] == "red"
    drawn = [_seen("ball", "red", 0.2), _seen("ball", "red", 0.5), _seen("ball", "blue", 0.8)]
    assert _answers(prompt, *drawn)["Are there exactly two red balls?"] is True
    assert _answers(prompt, *drawn[1:])["Are there exactly two red balls?"] is False


def test_a_verbs_object_told_apart_by_colour_is_another_thing():
    # "a man holding a red cup and a woman holding a blue cup": two cups, never one cup both red and blue
    asked = questions("a man holding a red cup and a woman holding a blue cup")
    assert "Is the man holding the red cup?" in asked and "Is the woman holding the blue cup?" in asked
    assert "Is the cup red?" not in asked and "Is the cup blue?" not in asked
    # and a property word tells them apart too
    assert "Is the wooden chair next to the plastic chair?" in questions("a wooden chair next to a plastic chair")
    # a thing named again without a new colour is still the one named before
    assert questions("a man holding a red cup, the cup is full").count("Is there a red cup?") == 0


def test_holding_hands_is_what_they_do_and_a_place_after_it_is_theirs():
    triples = relation_triples("a boy and a girl holding hands under an umbrella")
    assert ("boy", "under", "umbrella") in triples and ("hand", "under", "umbrella") not in triples
    assert "Are the hands under the umbrella?" not in questions("a boy and a girl holding hands under an umbrella")


def test_an_adjective_of_a_scene_of_two_words_is_the_scenes_not_a_thing():
    asked = questions("a cozy living room with a fireplace")
    assert "Is the living room cozy?" in asked and "Is there a fireplace?" in asked
    assert not any("cozy have" in q or "Is there a cozy" in q for q in asked)


def test_a_thing_cut_into_pieces_is_not_inside_them():
    asked = questions("a pie with cherries and cream, cut into six slices")
    assert "Is the pie cut into six slices?" in asked
    assert not any("inside the slices" in q for q in asked)


def test_with_a_list_each_is_had_and_only_garments_are_worn():
    asked = questions("an old man with a hat and a cane")
    assert {"Is the man wearing the hat?", "Is the man holding the cane?"} <= set(asked)  # a cane: in hand
    assert "Is the man wearing the cane?" not in asked
    asked = questions("a pizza with olives and mushrooms")
    assert {"Does the pizza have olives?", "Does the pizza have mushrooms?"} <= set(asked)


def test_the_ground_a_thing_stands_on_is_beside_nothing():
    triples = relation_triples("a leather bag on the floor next to a pair of boots")
    assert ("bag", "next to", "boot") in triples and ("floor", "next to", "boot") not in triples


def test_and_a_new_one_who_acts_opens_a_clause_and_a_shared_verb_keeps_its_form():
    asked = questions("a boy walking a terrier and a girl walking two poodles")
    assert {"Is the boy walking the terrier?", "Is the girl walking the poodles?"} <= set(asked)
    assert "Is the boy walking the girl?" not in asked
    assert "Is the woman feeding the goat?" in questions("a woman feeding a lamb and a goat")


@pytest.mark.parametrize(
    "prompt, wanted",
    [
        ("a kite shaped like a giant fish above a beach", "Is the kite fish-shaped?"),
        ("six candles in a row on a shelf", "Are the candles in a row?"),
        ("a round vase and a square vase, side by side", "Is the round vase next to the square vase?"),
        ("a close-up shot of a snail on a leaf", "Is the snail on the leaf?"),
        ("a bowl of plums on a stall, one plum rolling away on the ground", "Is the plum on the ground?"),
    ],
)
def test_shapes_arrangements_pairs_and_shots_are_read_for_what_they_say(prompt, wanted):
    asked = questions(prompt)
    assert wanted in asked, asked
    assert not any(q in asked for q in ("Is there a row?", "Is there a shot?", "Is the stall rolling?"))


def test_nothing_is_on_what_is_not_there():
    triples = relation_triples("white walls, no rug on the wooden floor")
    assert not any(obj == "floor" for _, _, obj in triples)
    assert "Is there no rug in the image?" in questions("white walls, no rug on the wooden floor")


def test_two_of_a_kind_are_told_apart_and_both_is_each_of_them():
    asked = questions("a black dog directly above a white dog, both asleep on a bench")
    assert "Is the black dog above the white dog?" in asked
    assert {"Is the black dog on the bench?", "Is the white dog on the bench?"} <= set(asked)
    # the check says which dog is which (its labels), so the world decides it
    (above,) = [c for c in dsg_reading.read_prompt("a black dog directly above a white dog") if c["kind"] == "relation"]
    dogs = [SeenObject(concept_code("dog"), colour, 0.5, y, 0.1, 0.1) for colour, y in (("black", 0.2), ("white", 0.7))]
    assert truth.satisfied(above, Percept(objects=dogs)) is True
    # a relation of a noun to itself that says not which is which stays undecided
    unlabelled = {k: v for k, v in above.items() if k not in {"subjectLabel", "objectLabel"}}
    assert truth.satisfied(unlabelled, Percept(objects=dogs)) is None


def test_a_tag_list_about_one_character_is_about_her():
    asked = questions("1boy, messy black hair, red hoodie, holding a skateboard, city street")
    assert "Is there exactly one boy?" in asked
    assert {"Is the boy wearing the hoodie?", "Is the boy holding the skateboard?"} <= set(asked)
    assert not any(q.startswith("Is the hoodie holding") for q in asked)


def test_a_list_item_opening_with_a_participle_and_a_property_is_a_thing_with_them():
    asked = questions("robot knight, gleaming silver armor, stormy sky")
    assert "Is the armor gleaming?" in asked and not any("gleaming the" in q for q in asked)


def test_the_one_wearing_something_does_what_follows_and_a_new_one_who_acts_is_a_subject():
    asked = questions("a creek with a stone bridge and a small girl in a green coat running across the bridge")
    assert "Is the girl running across the bridge?" in asked and "Is the coat running across the bridge?" not in asked
    asked = questions("a man holding a mug and a woman in a blue dress")
    assert "Is the man holding the woman?" not in asked and "Is the woman wearing the dress?" in asked


def test_where_a_thing_was_built_or_placed_is_where_it_is_and_zero_plurals_stay():
    asked = questions("a cabin built inside a hollow log")
    assert "Is the cabin inside the log?" in asked and "Is the cabin built?" not in asked
    assert "Are there exactly three sheep?" in questions("three sheep on a hill")
    asked = questions("two goldfish in a bowl on a shelf, one orange and one white")
    assert {"Is one of the goldfish orange?", "Is another of the goldfish white?"} <= set(asked)


def test_a_shaded_colour_a_thing_left_somewhere_a_low_angle_and_a_noun_that_looks_like_a_verb():
    asked = questions("two vases on a shelf, one white and one sky blue")
    assert {"Is one of the vases white?", "Is another of the vases blue?"} <= set(asked)
    assert not any("sky" in q for q in asked)
    asked = questions("a lone bicycle left in the middle of a square")
    assert not any("left?" in q for q in asked)
    asked = questions("a photo taken from a low angle of a lighthouse")
    assert "Is the image a low-angle shot?" in asked and not any("taken from a?" in q for q in asked)
    asked = questions("a tiny bakery shop with a striped awning")
    assert "Is the bakery shop tiny?" in asked and not any("shopping" in q for q in asked)


@pytest.mark.parametrize(
    "prompt, placed, not_placed",
    [
        ("a grandfather reading a letter on a wooden bench", ("grandfather", "on", "bench"), ("letter", "on", "bench")),
        ("an otter eating a clam in a pond", ("otter", "inside", "pond"), ("clam", "inside", "pond")),
        ("a boy eating an apple under a tree", ("boy", "under", "tree"), ("apple", "under", "tree")),
        ("a woman holding a mug on a desk", ("mug", "on", "desk"), ("woman", "on", "desk")),
        ("a man hanging a mirror on a wall", ("mirror", "on", "wall"), ("man", "on", "wall")),
    ],
)
def test_a_seat_or_a_place_is_where_the_one_acting_is_and_a_surface_holds_the_thing(prompt, placed, not_placed):
    triples = relation_triples(prompt)
    assert placed in triples and not_placed not in triples, triples


def test_what_a_thing_does_by_itself_after_its_noun_is_a_verb_not_part_of_its_name():
    asked = questions("a paper lantern floating on a dark river")
    assert "Is the lantern floating?" in asked or "Is the paper lantern floating?" in asked
    assert not any("lantern floating?" in q and q.startswith("Is there") for q in asked)
    assert ("balloon", "inside", "field") in [
        (s.split()[-1], r, o.split()[-1]) for s, r, o in relation_triples("a hot air balloon landing in a wheat field")
    ]


def test_a_prompt_with_the_quote_marker_in_it_is_read_not_crashed():
    # a NUL is the reader's own quote placeholder; one in the prompt (the API refuses control characters, a
    # benchmark file might not) is a space, never an index into the quotes
    for prompt in ("a sign \x005\x00 here", "\x00", 'a mug saying "hi" \x003\x00 on a table'):
        assert all(c["question"] for c in read(prompt))
    assert 'Does the mug say "hi"?' in questions('a mug saying "hi" \x003\x00 on a table')


@pytest.mark.parametrize(
    ("prompt", "question", "not_a_thing"),
    [
        ("portrait of a woman, soft window light", "Does the image have soft window light?", "window"),
        ("a castle on a hill, pastel palette", "Does the image have a pastel palette?", "palette"),
        ("a treasure map, parchment texture", "Does the image have a parchment texture?", "texture"),
        ("a lighthouse at dusk, warm tones", "Does the image have warm tones?", "tone"),
    ],
)
def test_a_list_item_naming_the_pictures_look_is_a_style_or_its_light(prompt, question, not_a_thing):
    checks = read(prompt)
    assert question in [c["question"] for c in checks]
    assert not any(c["kind"] == "entity" and c["subject"] == not_a_thing for c in checks)


def test_a_light_that_is_a_thing_or_a_phrase_with_a_relation_stays_a_thing():
    assert "Is there a traffic light?" in questions("a car, traffic light")
    assert "Is the person below the traffic light?" in questions("person below traffic light. car below sky")
    assert "Is the man holding a light?" in questions("a man holding a light")


def test_at_his_feet_is_next_to_him_not_a_body_part_to_find():
    asked = questions("an old man on a bench, pigeons at his feet")
    assert "Are the pigeons near the man?" in asked
    assert not any("feet" in q for q in asked)


def test_upside_down_is_how_a_thing_is_turned_not_a_thing():
    assert questions("upside down castle, dystopian city")[:2] == ["Is there a castle?", "Is the castle upside-down?"]
    assert "Is the owl on the branch?" in questions("an owl perched upside down on a branch")
    assert not any("upside?" in q for q in questions("a man standing upside down on a rope"))


def test_words_near_a_head_are_the_bubbles_or_the_signs_that_hold_them():
    assert 'Does the thought bubble say "what if"?' in questions(
        "a turtle with a thought bubble over its head with the words 'what if'"
    )
    assert 'Does the sign say "hire me"?' in questions("a man holding a sign above his head with the words 'hire me'")


def test_an_adjective_before_a_style_word_says_how_the_style_is_done():
    asked = questions("a simple line drawing of a croissant, precise lineart")
    assert "Is there a croissant?" in asked and not any(w in q for q in asked for w in ("simple?", "precise?"))
    assert any("line" in q and "style" in q for q in asked)


@pytest.mark.parametrize(
    ("prompt", "artist"),
    [("by leonora carrington", "leonora carrington"), ("a cyberpunk city by Moebius, highly detailed", "moebius")],
)
def test_by_a_name_no_dictionary_has_is_who_made_it(prompt, artist):
    asked = questions(prompt)
    assert f"Is the image in the style of {artist}?" in asked
    assert not any(q.startswith(("Is there a moebius", "Is there a leonora")) or "next to the" in q for q in asked)


def test_by_a_place_or_a_thing_is_still_beside_it():
    assert "Is the man next to the window?" in questions("a man standing by a window")
    assert not any("style of lakeside" in q for q in questions("a tent by lakeside"))
    # beside a place word, the place is a thing the house is next to (it was the scene, with no relation asked)
    assert "Is the house next to the lake?" in questions("a house by the lake")
    assert not any("style of" in q for q in questions("a house by the lake"))


def test_a_pair_of_a_thing_named_as_a_plural_is_one_thing():
    assert "Are there exactly two scissors?" not in questions("a pair of scissors pointing down")
    assert "Are there exactly two shoes?" in questions("a pair of shoes on a mat")


def test_a_picture_hanging_in_a_scene_is_a_thing_and_what_it_shows_is_in_it():
    asked = questions("a bedroom with a lamp next to the bed and a painting of a whale above the bed")
    assert {"Is there a painting?", "Is the painting above the bed?"} <= set(asked)
    assert "Is the image a painting?" not in asked and "Is the whale above the bed?" not in asked
    # what the picture shows still does what it does; a picture named first is what the image is
    assert "Are the pangolins playing soccer?" in questions("a vase with a painting of pangolins playing soccer")
    assert "Is the image a painting?" in questions("a painting of a whale above a bed")


def test_photographers_words_for_the_image_are_styles():
    asked = questions("Flat lay product photo on pink marble: a bottle, shot on film")
    assert {"Is the image a product photo?", "Does the image look shot on film?"} <= set(asked)
    assert not any("lay product" in q for q in asked)
    assert "Is the golden retriever sleeping?" in questions("a sleeping golden retriever on a rug")


def test_a_thing_containing_another_holds_it_inside_and_the_picture_containing_one_shows_it():
    assert "Is the maple leaf inside the cube?" in questions("a glass cube containing a small red maple leaf")
    assert "Is the toy inside the box?" in questions("the box contains a toy")
    assert questions("this image contains a cat") == ["Is there a cat?"]


def test_a_thing_fastened_to_another_is_beside_it():
    asked = questions("four purple balloons tied to a mailbox")
    assert {"Are the balloons tied?", "Are the balloons next to the mailbox?"} <= set(asked)
    assert "Is the dog next to the fence?" in questions("a dog chained to a fence")


def test_more_materials_and_plurals_of_f_words():
    assert "Is the tray made of slate?" in questions("three candles on a slate tray")
    assert "Are the bookshelves made of mahogany?" in questions("tall mahogany bookshelves")
    assert "Is the tree made of pine?" not in questions("a pine tree on a hill")


def test_with_a_thing_inside_or_underneath_is_where_it_is_not_a_possession():
    asked = questions("a glass teapot with blooming tea inside, steam rising")
    assert "Is the tea inside the teapot?" in asked and "Does the teapot have tea?" not in asked
    assert "Is the cat under the table?" in questions("a table with a cat underneath")
    checks = read("a box with a cat inside and a dog with a hat")
    assert len({c["id"] for c in checks}) == len(checks)  # a check removed never lets a new one take its id


def test_a_picture_opening_a_sentence_is_what_the_image_is_even_after_things_were_named():
    assert "Is there a photo?" not in questions("a photo of a bench. a photo of a bench")
    assert "Is the cat next to the photo?" in questions("a cat next to a photo of a dog")


def test_what_is_said_not_to_happen_is_never_asked_as_happening():
    asked = questions("The trophy doesn't fit into the brown suitcase because it's too small")
    assert "Is the trophy inside the suitcase?" not in asked and not any("fit" in q for q in asked)
    assert "Is there a suitcase?" in asked and "Is there a suitcase because?" not in asked
    assert "Is the cat on the table?" not in questions("a cat that is not on the table")
    assert "Is there no collar in the image?" in questions("a dog that does not wear a collar")


def test_spaced_capitals_spell_a_word_and_an_abbreviation_is_no_thing():
    assert questions("G I G G L E painted as graffiti on a brick wall")[0] == 'Does the image show the text "GIGGLE"?'
    assert not any(q in questions("U.S. 101") for q in ("Is there an u?", "Is there a s?"))


def test_a_setting_named_with_a_modifier_is_undecidable_when_its_head_is_the_setting_drawn():
    """The world draws "a mountain road" as the street it is set in: the road is there, whether it is a mountain
    road the world cannot say (None); a setting not drawn is missing (False); a thing above the backdrop has no
    box to be above (None)."""
    crow = SeenObject(concept_code("crow"), "black", 0.5, 0.3, 0.1, 0.1)
    on_a_street, in_a_forest = Percept(objects=[crow], scene="street"), Percept(objects=[crow], scene="forest")
    road = {"kind": "entity", "subject": "mountain road"}
    assert truth.satisfied(road, on_a_street) is None
    assert truth.satisfied(road, in_a_forest) is False
    assert truth.satisfied({"kind": "entity", "subject": "road"}, on_a_street) is True
    above = {"kind": "relation", "subject": "crow", "relation": "above", "object": "mountain road"}
    assert truth.satisfied(above, on_a_street) is None
    assert truth.satisfied(above, in_a_forest) is False


@pytest.mark.parametrize(
    "prompt",
    [
        "lamp on desk. chair near desk. lamp on desk. chair near desk",
        "The dancer has her left hand raised and her left hand open.",
        "a kettle. a kettle on a stove. a kettle",
    ],
)
def test_a_question_is_asked_once_and_every_parent_link_still_resolves(prompt):
    checks = read(prompt)
    asked = [check["question"] for check in checks]
    assert len(asked) == len(set(asked))
    ids = {check["id"] for check in checks}
    assert all(check.get("parent") is None or check["parent"] in ids for check in checks)


@pytest.mark.parametrize(
    "prompt, style, thing",
    [
        # after a credit, a list item no dictionary has is one more name (in lower case as typed in tag lists)
        ("a lighthouse at dusk, by Anna Berg, quelloria, zentrax", "quelloria", "zentrax"),
    ],
)
def test_names_in_lower_case_after_by_are_styles_not_things(prompt, style, thing):
    asked = questions(prompt)
    assert f"Is the image in the style of {style}?" in asked
    assert not [q for q in asked if thing.split()[-1] in q and q.startswith(("Is there", "Is the barn"))]


def test_by_a_place_is_still_a_place():
    assert "Is the image in the style of the lake?" not in questions("a cabin by the lake, by Anna Berg, quelloria")


@pytest.mark.parametrize(
    "prompt, absent, never",
    [
        (
            "a scarecrow not wearing a hat, in a wheat field",
            "Is there no hat in the image?",
            "Is the scarecrow wearing the hat?",
        ),
        ("a toddler who does not hold a spoon", "Is there no spoon in the image?", "Is the toddler holding the spoon?"),
        ("a fountain with the water not flowing", None, "Is the fountain flowing?"),
    ],
)
def test_a_verb_said_not_to_happen_is_never_asked_as_done(prompt, absent, never):
    asked = questions(prompt)
    assert never not in asked
    assert not [q for q in asked if q.endswith(("wearing the hat?", "holding the spoon?", "flowing?"))]
    if absent is not None:
        assert absent in asked


def test_a_thing_listed_after_a_garment_worn_with_in_is_not_worn():
    asked = questions("a chef in a white apron and a frying pan")
    assert "Is the chef wearing the apron?" in asked
    assert "Is there a frying pan?" in asked
    assert not [q for q in asked if "wearing the frying pan" in q]
    assert "Is the chef wearing the boots?" in questions("a chef wearing an apron and boots")


@pytest.mark.parametrize(
    "prompt, noun",
    [
        ("a dancer with her chin turned to the left", "chin"),
        ("the statue's arm points out to the right", "arm"),
        ("an owl, its head twisted slightly to the right", "head"),
    ],
)
def test_the_way_a_pose_turns_is_not_a_place_in_the_picture(prompt, noun):
    assert noun in " ".join(questions(prompt))
    assert not [q for q in questions(prompt) if q.endswith("of the image?")]


def test_where_a_thing_stays_is_still_its_place():
    assert "Is the gardener on the left of the image?" in questions("a gardener kneeling to the left, roses behind")


def test_a_participle_before_a_credit_is_how_the_picture_was_made_not_an_action():
    # "drawn by <artist>": how the picture was made, asked as its style, never as something the thing does
    asked = questions("a lighthouse keeper drawn by Edith Marlow")
    assert "Is the image in the style of edith marlow?" in asked
    assert not [q for q in asked if "draw" in q]


@pytest.mark.parametrize("prompt, noun", [("steam comes from a kettle", "steam"), ("a fox goes past a barn", "fox")])
def test_a_verb_of_going_in_s_after_its_noun_is_no_part_of_the_noun(prompt, noun):
    entities = [check["subject"] for check in of_kind(prompt, "entity")]
    assert noun in entities
    assert not [subject for subject in entities if subject.endswith(("comes", "goes"))]


def test_adjectives_parted_by_a_comma_still_reach_their_noun():
    asked = questions("next to the barn is a tall, rusty silo")
    assert {"Is the silo tall?", "Is the silo rusty?"} <= set(asked)
    assert "Is there a tall?" not in asked


def test_a_thing_that_looks_like_another_is_asked_how_it_looks_not_for_the_other():
    asked = questions("a teapot that looks like an owl on a windowsill")
    assert "Does the teapot look like an owl?" in asked
    assert "Is there an owl?" not in asked
    assert "Is the teapot on the windowsill?" in asked
    # a hedge about what is there ("it looks like a window") still asks for the window
    assert "Is there a window?" in questions("In the background it looks like a window.")


@pytest.mark.parametrize(
    "prompt, asked_too, never",
    [
        # a thing of someone's is there, only not held; a thing not chased or put is still there
        ("a pirate not holding his cutlass", "Does the pirate have a cutlass?", "Is there no cutlass in the image?"),
        ("a cat not chasing a mouse", "Is there a mouse?", "Is there no mouse in the image?"),
        ("a waiter not putting a tray on a counter", "Is the tray on the counter?", "Is the waiter on the counter?"),
    ],
)
def test_a_denied_verb_keeps_what_is_there(prompt, asked_too, never):
    asked = questions(prompt)
    assert asked_too in asked
    assert never not in asked


def test_an_accessory_listed_after_a_garment_is_worn_too():
    assert "Is the bride wearing the necklace?" in questions("a bride in a long gown and a necklace")


@pytest.mark.parametrize(
    "prompt, question",
    [
        ("a bench placed to the left, a fountain in the middle", "Is the bench on the left of the image?"),
        ("a heron perched to the right", "Is the heron on the right of the image?"),
    ],
)
def test_to_the_left_after_a_verb_of_placing_is_still_the_place(prompt, question):
    assert question in questions(prompt)


def test_a_base_form_verb_keeps_its_own_verb():
    assert "Are the masons laying the stones?" in questions("three masons lay stones for a bridge")


def test_a_participle_before_any_credit_is_how_it_was_made():
    asked = questions("a stool designed by Ilse Varga")
    assert "Is the image in the style of ilse varga?" in asked
    assert not [q for q in asked if "design" in q]


def test_one_who_speaks_says_the_words_not_the_thing_it_sits_on():
    assert 'Does the parrot say "ahoy"?' in questions('a parrot on a branch saying "ahoy"')


def test_a_second_verb_and_its_own_are_the_first_verbs_doers():
    asked = questions("a mailbox, with a cat purring and licking its paw")
    assert "Is the cat licking the paw?" in asked
    assert not [q for q in asked if q.startswith(("Is the mailbox licking", "Does the mailbox have"))]


def test_a_noun_after_her_is_hers_not_a_property_of_her():
    asked = questions("a father lifting his baby")
    assert "Is the father lifting the baby?" in asked
    assert "Is the father baby?" not in asked


def test_every_name_listed_after_a_participle_credit_is_a_style():
    asked = questions("a lighthouse, painted by ada lovett, mira sol, jan kowal and theo brandt")
    for name in ("ada lovett", "mira sol", "jan kowal", "theo brandt"):
        assert f"Is the image in the style of {name}?" in asked
    assert not [q for q in asked if q.startswith("Is there") and "lighthouse" not in q]


def test_by_after_a_verb_that_makes_nothing_names_a_thing_in_the_picture():
    # the pedals are in the picture (they propel it); a verb after "and" is no second name
    asked = questions("a boat propelled by oars and guided with a rudder")
    assert "Are there oars?" in asked
    assert not [q for q in asked if "style" in q]
    assert "Is the image in the style of noor haddad?" in questions("a tower sketched by Noor Haddad")
    assert "Is the image in the style of noor haddad?" in questions("a tower inspired by Noor Haddad")


@pytest.mark.parametrize(
    "prompt, wrong",
    [
        ("Four boys kicking a ball. Everybody is laughing.", "Is there an everybody?"),
        ("a bowl beside something shiny", "Is the bowl shiny?"),
        ("an empty shelf with nothing on it", "Is there a nothing?"),
        ("Stool #42, three stools in oak", "Are there exactly 42 stools?"),
    ],
)
def test_words_that_name_nothing_in_particular_ask_nothing(prompt, wrong):
    asked = questions(prompt)
    assert wrong not in asked
    assert not [q for q in asked if any(w in q.lower() for w in ("everybody", "something", "nothing", "42"))]


def test_everyone_opening_a_sentence_is_the_people_just_named():
    assert "Are the boys laughing?" in questions("Four boys kicking a ball. Everybody is laughing.")


@pytest.mark.parametrize(
    "prompt, question, wrong",
    [
        # "with" after a worn garment is the wearer's when the thing is alive or held
        ("a sailor in a coat and cap with a pipe in his mouth", "Does the sailor have a pipe?", "cap have"),
        ("a boy in a yellow raincoat with a puppy", "Does the boy have a puppy?", "raincoat have"),
        ("a girl in a skirt with red stripes", "Does the skirt have stripes?", "girl have"),
        # a participle after an adverb, before its noun, is the noun's property
        ("an old neatly folded shirt", "Is the shirt folded?", "folding"),
        ("a moth in a tiny dimly lit attic", "Is the attic lit?", "lighting"),
        ("a truly huge whale", "Is the whale huge?", "truly"),
    ],
)
def test_a_phrase_is_asked_of_the_thing_it_belongs_to_and_no_word_of_it_is_misread(prompt, question, wrong):
    asked = questions(prompt)
    assert question in asked
    assert not [q for q in asked if wrong in q]


def test_a_mass_noun_named_by_an_agent_has_no_article():
    assert "Is there lightning?" in questions("an oak struck by lightning")


@pytest.mark.parametrize(
    "prompt, question",
    [
        ("a teacup with the words good night", 'Does the teacup say "good night"?'),
        ("a clock above a station reads 9:15", 'Does the clock say "9:15"?'),
        ("a lamp in the shape of the letter K", "Is the lamp k-shaped?"),
        ("a kite on a pole says 'FLY'", 'Does the kite say "FLY"?'),
    ],
)
def test_text_named_without_quotes_is_the_texts_and_a_finite_saying_is_the_subjects(prompt, question):
    asked = questions(prompt)
    assert question in asked
    assert not [q for q in asked if q in {"Is the lamp letter-shaped?", "Is there a k?"} or "pole say" in q]


@pytest.mark.parametrize(
    "prompt", ["a sign with the words painted in red", "the text is blurry, a lamp", "a page with words on it"]
)
def test_words_after_text_that_open_a_place_a_verb_or_a_clause_are_no_text(prompt):
    assert not [c for c in read(prompt) if c["kind"] == "text"]


@pytest.mark.parametrize(
    "prompt, question",
    [
        ("the capital letter 'Z' made out of ice", "Is the capital letter made of ice?"),
        ("a woman in a suede jacket", "Is the jacket made of suede?"),
        ("a lamp made from many thin twisted silvery copper wires", "Is the lamp made of wires?"),
    ],
)
def test_what_a_thing_is_made_of_after_its_words_a_fabric_or_a_long_phrase(prompt, question):
    asked = questions(prompt)
    assert question in asked
    assert "Is there ice?" not in asked and "Is there a suede jacket?" not in asked


@pytest.mark.parametrize(
    "prompt, question",
    [
        ("lamp on desk. lamp beside lamp", "Is a lamp next to another lamp?"),
        ("a goose behind a goose", "Is a goose behind another goose?"),
    ],
)
def test_a_thing_placed_by_another_of_its_noun_is_asked_of_two(prompt, question):
    checks = read(prompt)
    relation = next(c for c in checks if c["question"] == question)
    assert relation["subject"] == relation["object"]
    # two of them are there, which the world can decide
    assert [(c["count"], c["at_least"]) for c in checks if c["kind"] == "count"] == [(2, True)]
    # no label says which is which: the ground truth cannot decide it, and says so (never a pass)
    noun = relation["subject"]
    two = Percept(objects=[seen(noun, 0.3, 0.5, depth=1), seen(noun, 0.6, 0.5, depth=0)])
    assert truth.satisfied(relation, two) is None


def test_a_worn_thing_on_its_wearer_is_no_second_wearer():
    assert not [q for q in questions("man wear hat. hat on man. man near car") if "another" in q]


def test_in_the_air_or_in_flight_is_how_a_thing_is_and_the_world_cannot_decide_it():
    checks = read("a kite in the air and two swans in flight")
    asked = [c["question"] for c in checks]
    assert {"Is the kite in the air?", "Are the swans in flight?"} <= set(asked)
    states = [c for c in checks if c["question"] in {"Is the kite in the air?", "Are the swans in flight?"}]
    drawn = Percept(objects=[seen("kite", 0.3, 0.3), seen("swan", 0.6, 0.5), seen("swan", 0.8, 0.5)])
    assert all(truth.satisfied(check, drawn) is None for check in states)


@pytest.mark.parametrize(
    "prompt, wanted",
    [
        ("a wide and shallow bowl", {"Is the bowl wide?", "Is the bowl shallow?"}),
        ("the tall and grey towers", {"Are the towers tall?", "Are the towers gray?"}),
        ("a logo on a cap", {"Is there a logo?", "Is the logo on the cap?"}),
        ('a round logo that says "ZIP"', {"Is there a logo?", 'Does the logo say "ZIP"?'}),
    ],
)
def test_two_properties_joined_by_and_reach_their_noun_and_a_logo_is_a_thing(prompt, wanted):
    asked = questions(prompt)
    assert wanted <= set(asked)
    assert not [q for q in asked if q in {"Is there a wide?", "Are there talls?", "Is there a tall?"}]


def test_a_property_of_the_sky_or_clouds_said_after_is_is_asked_of_them():
    asked = questions("a kite over a field. the clouds are puffy and the sky is pale blue")
    assert {"Are the clouds puffy?", "Is the sky blue?"} <= set(asked)


@pytest.mark.parametrize(
    "prompt, count",
    [("four lemons vector image", "Are there exactly four lemons?"), ("maple leaves vector, svg", "Are there leaves?")],
)
def test_stock_vector_words_are_how_the_image_is_drawn_not_part_of_a_thing(prompt, count):
    asked = questions(prompt)
    assert "Is the image a vector illustration?" in asked
    assert count in asked or "Are there maple leaves?" in asked
    assert not [q for q in asked if "vector" in q and q != "Is the image a vector illustration?"]


def test_a_shot_or_view_named_as_a_list_item_is_how_the_picture_was_taken():
    asked = questions("a lighthouse at dusk, wide angle shot, studio shot")
    assert {"Is the image a wide-angle shot?", "Is the image a studio shot?", "Is the scene a studio?"} <= set(asked)
    assert not [q for q in asked if q.startswith("Is there") and "shot" in q]


def test_an_image_said_to_be_black_and_white_is_asked_so():
    assert "Is the image black and white?" in questions("This is a black and white image of a harbour with boats")


def test_a_noun_or_unknown_word_before_the_head_is_no_property_to_ask():
    asked = questions("zorbat harbour crane tower, dusk")
    assert not [q for q in asked if q.endswith(("zorbat?", "harbour?"))]
    assert "Is the road dusty?" in questions("a dusty road")


def test_an_abstract_noun_is_never_asked_as_a_thing():
    asked = questions("a knight, power, vengeance, a castle at dusk")
    assert {"Is there a knight?", "Is there a castle?"} <= set(asked)
    assert not [q for q in asked if "power" in q or "vengeance" in q]


def test_present_after_a_noun_is_there_and_a_pose_bent_to_the_left_is_no_place():
    asked = questions("two mugs present on the left, a dancer with her torso bent to the left")
    assert {"Are there mugs?", "Are the mugs on the left of the image?"} <= set(asked)
    assert "Is the torso on the left of the image?" not in asked


def test_they_with_nothing_several_named_is_the_one_person_not_the_last_thing():
    asked = questions("A hiker wears a red coat and a wool hat. They are holding a map.")
    assert "Is the hiker holding the map?" in asked
    assert not [q for q in asked if q.startswith("Is the hat holding")]
    assert "Are the girls holding the umbrellas?" in questions(
        "two girls on a trail. it is dirt. they are holding umbrellas"
    )


# Phrasings of general English read in the 2026-12-06 sessions (issue 21): the question asked, and a wrong one that
# was asked before (or that a rule of the session asked where it should not fire).
PHRASINGS = [
    # helper-41's review of the mends: text, negated bounds, quotes, numbers, art, looks, -ing, materials, "near"
    ("a protest sign with the slogan no war", 'Does the protest sign say "no war"?', "Is there no war in the image?"),
    ("a sign with the words open late", 'Does the sign say "open late"?', "Is the sign late?"),
    ("no fewer than five apples in a bowl", "Are there at least five apples?", "Is there no apple in the image?"),
    ("not more than three candles on a cake", "Are there candles?", "Is there no candle in the image?"),
    (
        'a sign reading "Welcome everyone"',
        'Does the sign say "Welcome everyone"?',
        'Does the sign say "Welcome people"?',
    ),
    ('a poster that says "more than 10 flavors"', 'Does the poster say "more than 10 flavors"?', "Are there flavors?"),
    ("a ball with the number 7 on it", 'Does the ball say "7"?', "Is the ball number-shaped?"),
    ("a balloon in the shape of the number 5", "Is the balloon 5-shaped?", "Is the balloon number-shaped?"),
    ("a cappuccino with latte art of a swan", "Is there a latte art?", "Is the image in a latte art style?"),
    ("a Greek marble statue", "Is the statue greek?", "Is there a greek?"),
    ("the night sky over a lake", "Is it night in the image?", "Is the sky night?"),
    ("a high-contrast photo of a dog", "Is the image a high-contrast photo?", "Is there a photo?"),
    ("a man traveling to a city", "Is the man traveling to the city?", "Is the man travelling to the city?"),
    ("a woman sits by a window, painting.", "Is the woman painting?", "Is there a painting?"),
    ("a cat on a chair, painting.", "Is the image a painting?", "Is the cat painting?"),
    ("a statue in bronze", "Is the statue made of bronze?", "Is the statue inside the bronze?"),
    ("a girl doing a cartwheel near a fountain", "Is the girl near the fountain?", "Is there a cartwheel?"),
    # listings and materials
    ("a girl in red velvet on a swing", "Is the girl wearing red velvet?", "Is there a velvet?"),
    ("a stool in oak and a lamp in brass", "Is the lamp made of brass?", "Is the lamp inside the brass?"),
    ("twelve mugs Stock photo © kettlefox", "Are there exactly twelve mugs?", "Are there mugs kettlefoxes?"),
    ("a desk, 120 x 60 x 75 cm", "Is there a desk?", "Are there exactly 60 xes?"),
    ("she did the second one, a kite", "Is there a kite?", "Is there a second?"),
    ("arms a bit more than shoulder width apart", "Are there arms?", "Is there a bit?"),
    ("six lacquered dining chairs", "Are there dining chairs?", "Are the chairs dining?"),
    ("a robot, octane", "Does the image look like an Octane render?", "Is there an octane?"),
    # 'on fire', 'the surface of', a font: how, not where
    ("a barn on fire at night", "Is the barn on fire?", "Is there a fire?"),
    ("a leaf resting on the surface of a pond", "Is the leaf on the pond?", "Is there a surface?"),
    ("a banner with the text 'GO', in a bold font", 'Does the banner say "GO"?', "Is there a font?"),
    # a game played, an activity done: actions, not things
    ("a boy in green playing chess on a bench", "Is the boy playing chess?", "Is there a playing chess?"),
    ("a surfer doing a handstand", "Is the surfer doing a handstand?", "Is there a handstand?"),
    # a medium named alone, or with how it looks, is the image's
    ("a fox in the snow, portrait, soft light", "Is the image a portrait?", "Is there a portrait?"),
    ("an aerial photo of a harbour", "Is the image an aerial photo?", "Is the photo aerial?"),
    ("a black and white photo of a tram", "Is the image black and white?", "Is the tram black?"),
    # a noun that looks like a comparative, a capitalised name, a font
    ("a paint thinner can beside a leg warmer", "Is there a leg warmer?", "Is the leg warmer?"),
    ("Union Square at night", "Is Union Square in the image?", "Is the union square?"),
    ("a menu with the words 'daily soup' in an ornate font", 'Does the menu say "daily soup"?', "Is there a font?"),
    # this session's rules where they should not fire (helper-40's review)
    ("a man in a slogan t-shirt", "Is the man wearing the slogan t-shirt?", 'Does the man say "t-shirt"?'),
    ("a screen with a text box", "Does the screen have a text box?", 'Does the screen say "box"?'),
    ("a man reading the text carefully", "Is the man reading a text?", 'Does the man say "carefully"?'),
    ("a wall with the words dogs rule and a dog", "Is there a dog?", 'Does the wall say "dogs rule and a dog"?'),
    ("a portrait influenced by picasso", "Is the image in the style of picasso?", "Is there a picasso?"),
    ("a kite controlled by a girl", "Is the girl controlling the kite?", "Is the girl controling the kite?"),
    ("an actress in velvet", "Is there an actress?", "Is the actress made of velvet?"),
    ("a spider in the silk", "Is there a spider?", "Is the spider wearing silk?"),
    ("Everyone at the table is laughing", "Are the people laughing?", "Is the table laughing?"),
    ("a sofa (c) John Smith 2019, a lamp", "Is there a sofa?", "Is there a sofa smith 2019?"),
    ("a pool in the shape of the letter S", "Is the pool s-shaped?", "Is there a letter?"),
    (
        "a physics diagram with a velocity vector",
        "Is there a physics diagram?",
        "Is the image a vector illustration?",
    ),
    ("octane fuel in a tank", "Is there a tank?", "Does the image look like an Octane render?"),
    ("a woman in a bar, tequila shot", "Is there a woman?", "Is the image a tequila shot?"),
    ("the clouds are full of rain", "Are there clouds in the image?", "Are the clouds full?"),
    ("a student doing math on a blackboard", "Is the student doing math?", "Is the student on the blackboard?"),
    ("a woman in a shirt with horses printed on it", "Does the shirt have horses?", "Does the woman have horses?"),
    ("one apple on top of another apple", "Are there at least two apples?", "Is there exactly one apple?"),
    ("a number 1 fan at a stadium", "Is there a fan?", 'Does the image show the text "1"?'),
    # a count bounded by 'more than', 'at least', 'fewer than'
    ("a shelf with more than ten jars", "Are there at least eleven jars?", "Are there exactly ten jars?"),
    ("at least four kites in the sky", "Are there at least four kites?", "Are there exactly four kites?"),
    ("fewer than five ducks", "Are there ducks?", "Are there exactly five ducks?"),
    ("a hen with three more chicks", "Are there exactly three chicks?", "Is there a more?"),
    ("a gull flying over two boats", "Are there exactly two boats?", "Are there exactly three boats?"),
    # a plural the rules kept whole; 'getting ready to'
    ("skis in a rack next to a door", "Are the skis inside the rack?", "Is the skis inside the rack?"),
    ("a diver getting ready to jump", "Is the diver jumping?", "Is there a ready?"),
    # a medium as a sentence, 'an art of', 'a section of', a spaced year
    ("three pears on a cloth. photo", "Is the image a photo?", "Is there a photo?"),
    ("a pixel art of a castle", "Is the image in a pixel art style?", "Is there a pixel art?"),
    ("a section of a fence by a road", "Is there a fence?", "Is there a section?"),
    ("a clock from the 1 9 5 0 s", "Is there a clock?", "Is there a s?"),
    # what the letters themselves are: made of, written in, a colour, a hand; a place after "in" stays a place
    ("the word 'ice' made from melting snow", 'Is the word "ice" made of melting snow?', "Is there snow in the image?"),
    ('a pie with "MOM" written in whipped cream', 'Is the text "MOM" written in whipped cream?', "Is there a cream?"),
    ("a door with 'KEEP OUT' painted in yellow", 'Is the text "KEEP OUT" yellow?', "Is the door yellow?"),
    ("a card with the words 'thank you' in curly cursive", 'Are the words "thank you" written in curly cursive?', ""),
    ("a shop sign saying 'BAKERY' in a bold font", 'Is the text "BAKERY" written in a bold font?', ""),
    ("chrome letters 'GO' on a garage door", 'Are the letters "GO" chrome?', "Is the garage door chrome?"),
    ("a shirt with pink letters 'LOVE'", 'Are the letters "LOVE" pink?', "Is the shirt pink?"),
    (
        "the words 'stay home' in a circle",
        'Are the words "stay home" in a circle?',
        'Does the image show the word "stay home"?',
    ),
    ("kites in the shape of the letters 'FLY'", 'Do the kites say "FLY"?', "Are the kites letters-shaped?"),
    ("a team made up of five players", "Are there exactly five players?", "Is the team made of five players?"),
    ("a cabinet in walnut and a desk in teakwood", "Is the desk made of teakwood?", "Is the desk inside the teakwood?"),
    ("a note with 'hi' written in a bottle", "Is there a bottle?", 'Is the text "hi" written in a bottle?'),
    ("a banner that says 'SALE' in the window", "Is there a window?", 'Is the text "SALE" window?'),
    ("the letters 'zoo' made from toy animals", 'Are the letters "zoo" made of toy animals?', ""),
    ("the letters 'zoo' made from toy animals", "Are there animals?", ""),
    # a relation word that ends its phrase places the thing just named from the one the clause is about
    ("an owl on a branch, watching a mouse below", "Is the mouse below the owl?", "Is there a below?"),
    ("a tower with a moat beneath", "Is the moat under the tower?", "Is the tower under the moat?"),
    ("a pier with gulls wheeling overhead", "Are the gulls above the pier?", "Is the pier above the gulls?"),
    ("a farmhouse and cows grazing nearby in the meadow", "Are the cows near the farmhouse?", ""),
    # a part of a thing named as where is the thing: on its back, on its edge, in its middle (on a surface)
    ("a parrot on the back of a goat", "Is the parrot on the goat?", "Is there a back?"),
    ("a cup on the edge of a sink", "Is the cup on the sink?", "Is there an edge?"),
    (
        "a candle in the middle of a dinner table",
        "Is the candle on the dinner table?",
        "Is the dinner table inside the candle?",
    ),
    (
        "a statue in the middle of a room",
        "Is the scene a room?",
        "Is the room inside the statue?",
    ),
    ("a hut at the foot of a volcano", "Is the hut near the volcano?", "Is there a foot?"),
    # a fronted place holds for the whole list, past a participle or a place that says more of one listed thing
    (
        "In the background I see houses built on a hill, a church and pine trees.",
        "Is the church in the background?",
        "",
    ),
    ("On the left there are cups on a tray and a teapot.", "Is the teapot on the left of the image?", ""),
    (
        "In the background there is a wall. A man stands by a door.",
        "Is the wall in the background?",
        "Is the man in the background?",
    ),
    # what the copula says of the backdrop is the background's ("the background is grey")
    ("a red car, the background is grey", "Is the background grey?", "Is the car grey?"),
    ("A goat on a hill. The background is slightly blurred.", "Is the background blurred?", ""),
    ("Background of the photo is plain white.", "Is the background white?", ""),
    ("the background is a city", "Is the scene a city?", "Is the background city?"),
    # "with" a thing right after one acting: the one acting has it (not a partner, not a body part)
    ("a hiker climbing with a walking stick", "Does the hiker have a walking stick?", ""),
    ("an old man sleeping with a newspaper", "Does the man have a newspaper?", ""),
    ("a boy arguing with a vending machine", "Is there a vending machine?", "Does the boy have a vending machine?"),
    ("a dancer standing with arms raised", "Are there arms?", "Does the dancer have arms?"),
    # a noun in -ly is a noun ("a family", "a dragonfly"); a word of taste is asked of its thing
    ("a family having a picnic", "Is there a family?", "Is there a picnic family?"),
    ("a dragonfly over a pond", "Is the dragonfly above the pond?", ""),
    ("a gorgeous horse in a meadow", "Is the horse gorgeous?", "Is there a gorgeous horse?"),
    ("a lovely old bridge", "Is the bridge lovely?", "Is there a lovely bridge?"),
    ("a highly detailed portrait of an owl", "Is there an owl?", "Is the owl detailed?"),
    # an adjective that is also a verb, no noun, is a property ("a steep hill"); "top" stays a place word
    ("a goat on a steep cliff", "Is the cliff steep?", "Is there a steep cliff?"),
    ("a tidy kitchen counter", "Is the kitchen counter tidy?", ""),
    ("a phone on a table top", "Is there a phone?", "Is the table top?"),
    # "by" after leaving a thing somewhere is where, not who ("a car parked by a tree")
    ("a van parked by a fence", "Is the van next to the fence?", "Is the fence parking the van?"),
    ("a sled left by the door", "Is the sled next to the door?", "Is the sled left?"),
    ("a kite flown by a boy", "Is the boy flying the kite?", "Is the kite next to the boy?"),
    # helper-45's review of this session's rules: each sentence read wrong by a rule as first written
    ("a dog left by its owner", "Is the owner leaving the dog?", "Is the dog next to the owner?"),
    ("a truck parked by a soldier", "Is the soldier parking the truck?", "Is the truck next to the soldier?"),
    (
        "On the left there is a man holding a bag, a woman and a child on the right.",
        "Is the child on the right of the image?",
        "Is the child on the left of the image?",
    ),
    ("the sky in the background is blue", "Is the sky blue?", "Is the background blue?"),
    ("the background is a gradient of blue and purple", "Is the gradient blue?", "Is the background gradient?"),
    ("the background is filled with stars", "Are there stars?", "Is the background filled?"),
    ("a cat in the middle of a jump", "Is there a cat?", "Is the cat inside the jump?"),
    ("a fountain in the middle of a plaza", "Is the fountain inside the plaza?", ""),
    ("a car in the middle of a bridge", "Is the car on the bridge?", "Is the car inside the bridge?"),
    ("a team made up of five players", "Are there exactly five players?", "Is the team made?"),
    ("a wall made up of bricks", "Is the wall made of bricks?", "Is the wall made?"),
    ("a cat under a dim light", "Is the scene dim?", "Is the light dim?"),
    ("milk in a glass", "Is the milk inside the glass?", "Is the milk wearing the glass?"),
    ('the word "love" carved in stone', 'Is the word "love" carved in stone?', 'Is the word "love" written in stone?'),
    ('"LOVE" written in one', 'Does the image show the text "LOVE"?', 'Is the text "LOVE" written in one?'),
    (
        "the word 'star' written in gold glitter",
        'Is the word "star" gold?',
        'Is the word "star" written in gold glitter?',
    ),
    ("a girl with her hair tied behind", "Is the hair tied?", "Is the hair behind the girl?"),
    ("a boy with a cat nearby and a dog far away", "Is the cat near the boy?", "Does the boy have a dog?"),
    ("a pretty big dog", "Is the dog big?", "Is the dog pretty?"),
    ("a woman walking with confidence", "Is the woman walking?", "Does the woman have a confidence?"),
    # a place word beside or near a thing is a thing placed ("a cabin near a lake"), as above or behind one is
    ("a hut near a frozen pond", "Is the hut near the pond?", "Is the scene a pond?"),
    ("a kayak next to a river", "Is the kayak next to the river?", ""),
    ("a dog on a beach", "Is the scene a beach?", "Is the dog near the beach?"),
    # a place after one's own body part acted on is where the one acting is ("brushing his teeth in front of")
    (
        "a cat licking its paw next to a radiator",
        "Is the cat next to the radiator?",
        "Is the paw next to the radiator?",
    ),
    (
        "a boy combing his hair in front of a mirror",
        "Is the boy in front of the mirror?",
        "Is the hair in front of the mirror?",
    ),
    # helper-48's review of the last three rules: each sentence read wrong by a rule as first written
    ("a boy raising his hand above his head", "Is the hand above the head?", "Is the boy above the head?"),
    ("a man lifting his leg over a fence", "Is the leg above the fence?", "Is the man above the fence?"),
    ("a man with a sword in his belt", "Does the man have a sword?", "Is the man holding the sword?"),
    ("a horse with a lantern", "Does the horse have a lantern?", "Is the horse holding the lantern?"),
    ("a museum with modern art", "Is the art modern?", "Is there a museum with modern art?"),
    # art a thing has is a thing in the picture, not the picture's style
    (
        "a mug with latte art shaped like a leaf",
        "Is the latte art leaf-shaped?",
        "Is the image in a leaf-shaped latte art style?",
    ),
    ("a portrait of a fox, digital art", "Is the image in a digital art style?", "Is there a digital art?"),
    # "with" a thing carried in the hand, said of one who can hold it, is holding it
    ("a boy with a blue balloon", "Is the boy holding the balloon?", "Does the boy have a balloon?"),
    ("a wizard with a hat and a wand", "Is the wizard holding the wand?", "Is the wizard wearing the wand?"),
    (
        "a patio table with an umbrella",
        "Does the patio table have an umbrella?",
        "Is the patio table holding the umbrella?",
    ),
    # how several things are arranged is their state ("in a stack"), asked beside them
    ("a stack of old vinyl records", "Are the records in a stack?", "Is there a stack?"),
    ("a heap of laundry on a bed and a row of shoes", "Are the shoes in a row?", "Is there a row?"),
    ("a scarecrow with a straw hat nearby", "Is there a scarecrow?", "Is the hat near the scarecrow?"),
    ("the left hand is behind and the right is up", "Is there a left hand?", "Is the left hand behind the right?"),
    # what a thing does by itself, said before it, is its state; a place keeps its colour and its state
    ("a crackling campfire by a tent", "Is the campfire crackling?", "Is there a crackling campfire?"),
    ("a meandering stream", "Is the stream meandering?", "Is there a meandering stream?"),
    ("a rocking chair on a porch", "Is there a rocking chair?", "Is the chair rocking?"),
    ("a red tractor in a yellow field", "Is the field yellow?", "Is the tractor yellow?"),
    ("a deserted street at night", "Is the street deserted?", "Is there a deserted?"),
    (
        "a tile engraved with the letter 'K' made of gold",
        "Is the letter made of gold?",
        'Is the text "K" made of gold?',
    ),
]


@pytest.mark.parametrize("prompt, wanted, never", PHRASINGS)
def test_phrasings_ask_what_they_say_and_not_what_they_do_not(prompt, wanted, never):
    asked = questions(prompt)
    assert wanted in asked
    assert never not in asked


def test_a_medium_that_hangs_in_the_scene_is_still_a_thing():
    assert "Is there a portrait?" in questions("a portrait hanging on a wall")


def test_a_comparative_after_is_is_still_a_property():
    assert "Is the tea warmer?" in questions("the tea is warmer")


def test_what_the_letters_are_made_of_is_asked_of_the_text_and_the_world_says_it_cannot_tell():
    # Given a prompt that says what its words are written in, and an image with the carrier and the words drawn
    checks = dsg_reading.checks_from_prompt("a chalkboard with the words 'DAILY SPECIALS' written in pink chalk")
    text = next(c for c in checks if c["kind"] == "text")
    letters = [c for c in checks if c.get("parent") == text["id"]]
    board = SeenObject(concept_code("chalkboard"), "black", 0.5, 0.5, 0.6, 0.4)
    drawn = Percept(objects=[board], texts=["DAILY SPECIALS"])
    # Then the colour and the stuff are the text's (children of its check), and no "pink chalk" thing is asked for
    assert {c["kind"] for c in letters} == {"colour", "attribute"}
    assert not any(c["kind"] == "entity" and c["subject"] == "chalk" for c in checks)
    # and the world, which draws letters as plain glyphs, answers the text and leaves its stuff undecided
    assert truth.satisfied(text, drawn) is True
    assert all(truth.satisfied(c, drawn) is None for c in letters)
    # and a coverage of a DSG tuple on "the board's writing" counts the text's check, by any noun naming the text
    wanted = coverage.Question("p", "attribute material", "attribute", ("chalkboard's writing", "chalk"))
    assert coverage.covered(wanted, checks)
    assert not coverage.covered(coverage.Question("p", "attribute material", "attribute", ("board", "chalk")), checks)


def test_a_word_of_taste_is_asked_and_the_world_says_it_cannot_tell():
    # Given "a beautiful vase" read by the evaluator, and an image with a vase drawn
    checks = dsg_reading.checks_from_prompt("a beautiful vase on a shelf")
    taste = next(c for c in checks if c.get("attribute") == "beautiful")
    vase = SeenObject(concept_code("vase"), "white", 0.5, 0.5, 0.2, 0.3)
    # Then the question is asked of the vase, and the world, which draws nothing for taste, leaves it undecided
    assert taste["question"] == "Is the vase beautiful?"
    assert truth.satisfied(taste, Percept(objects=[vase])) is None
    # while a property the world draws is still decided ("Is the vase cracked?": False when not drawn so)
    cracked = {**taste, "attribute": "cracked", "question": "Is the vase cracked?"}
    assert truth.satisfied(cracked, Percept(objects=[vase])) is False


@pytest.mark.parametrize(
    "prompt, question",
    [
        ("an espresso machine that makes coffee", "Is the espresso machine making the coffee?"),
        ("a man who wears glasses", "Is the man wearing the glasses?"),
        ("a tree that grows apples", "Is the tree growing the apples?"),
    ],
)
def test_an_s_word_after_that_or_who_is_the_clauses_verb_not_a_thing(prompt, question):
    asked = questions(prompt)
    assert question in asked and not [q for q in asked if q.startswith("Is there makes") or "wears" in q]
    # while a text verb there still says what the thing reads
    assert 'Does the sign say "OPEN"?' in questions("a wooden sign that says 'OPEN' on a door")


def test_a_kind_named_in_the_things_own_name_is_asked_by_the_check_on_that_name():
    """(piano, grand): "Is there a grand piano?" asks the kind with the thing (an upright piano fails it)."""
    grand = [{"kind": "entity", "subject": "grand piano", "question": "Is there a grand piano?"}]

    def other(args):
        return coverage.Question("p", "attribute other", "attribute", args)

    assert coverage.covered(other(("piano", "grand")), grand)
    assert coverage.covered(other(("pianos", "grand")), grand)
    # not another thing's kind, not a word the name lacks, not the head itself, not a tuple with no value
    assert not coverage.covered(other(("bench", "grand")), grand)
    assert not coverage.covered(other(("piano", "upright")), grand)
    assert not coverage.covered(other(("grand", "piano")), grand)
    assert not coverage.covered(coverage.Question("p", "attribute state", "attribute", ("piano",)), grand)


def test_a_thing_shaped_as_written_words_is_asked_by_its_text_check_and_letters_have_their_medium():
    # Given vines grown into words: the DSG shape tuple (vines, text) is asked by "Do the vines say ...?"
    vines = dsg_reading.checks_from_prompt("vines in the shape of the text 'grow' sprouting from a pot")
    shape = coverage.Question("p", "attribute shape", "attribute", ("vines", "text"))
    assert coverage.covered(shape, vines)
    assert not coverage.covered(coverage.Question("p", "attribute shape", "attribute", ("pot", "text")), vines)
    assert not coverage.covered(coverage.Question("p", "attribute shape", "attribute", ("vines", "round")), vines)
    # And letters written with a medium named bare after the quote have it; with an article it is a place
    assert 'Is the text "Ethics 101" written in chalk?' in questions("a robot writing 'Ethics 101' in chalk")
    assert 'Is the text "HELLO" written in paint?' in questions("a wall with 'HELLO' in pink paint")
    assert "Is the sign inside the window?" in questions("a neon sign that says 'OPEN' in the window")


@pytest.mark.parametrize(
    "prompt, question",
    [
        ("a dress with a floral pattern", "Is the dress floral?"),
        ("a vase with a glossy finish", "Is the vase glossy?"),
        ("a scarf with a red and white striped design", "Is the scarf striped?"),
        ("the tail has a yellow design on it", "Is the tail yellow?"),
        ("the wall is a floral print", "Is the wall floral?"),
        ("the dress is a red and white checkered pattern.", "Is the dress checkered?"),
    ],
)
def test_the_look_a_thing_has_is_the_things_and_the_pattern_is_no_thing(prompt, question):
    asked = questions(prompt)
    assert question in asked
    assert not [q for q in asked if q.split()[-1].rstrip("?") in {"pattern", "finish", "design"}]


def test_a_clause_with_no_that_between_a_noun_and_its_copula_leaves_the_copula_to_the_noun():
    asked = questions("a man in a suit. the tie he is wearing is striped.")
    assert "Is the tie striped?" in asked and "Is the man striped?" not in asked
    assert "Is the man wearing the tie?" in asked
    assert "Is the hat red?" in questions("the hat she wears is red")
    # a noun phrase followed by its own verb is no such clause
    assert "Is the dog brown?" in questions("the dog is brown and he is happy")


@pytest.mark.parametrize(
    "tag, question",
    [
        ("pastel colors", "Does the image have pastel colors?"),
        ("high detail", "Does the image have high detail?"),
        ("a dramatic composition", None),  # an article: a list item naming a thing, not a tag
        ("museum quality", "Does the image have museum quality?"),
    ],
)
def test_a_tag_naming_the_pictures_colours_detail_or_quality_is_asked_of_the_image(tag, question):
    asked = questions(f"a fox in a forest, {tag}, sharp focus")
    if question is not None:
        assert question in asked
    assert not [q for q in asked if q.startswith("Is there") and tag.split()[-1] in q]


def test_a_centered_tag_is_where_the_subject_is_and_covers_dsgs_centered_state():
    checks = dsg_reading.checks_from_prompt("a blue vase, centered, white background")
    assert "Is the vase in the center of the image?" in [c["question"] for c in checks]
    assert coverage.covered(coverage.Question("p", "attribute state", "attribute", ("vase", "centered")), checks)
    assert not coverage.covered(
        coverage.Question("p", "attribute state", "attribute", ("background", "centered")), checks
    )
    # "centered" said of a place is no tag: "a cat centered in a doorway" keeps its own reading
    assert "Is the cat in the center of the image?" not in questions("a cat centered in a doorway")


@pytest.mark.parametrize(
    "tag, question",
    [
        ("trending on pixiv", "Does the image look like pixiv art?"),
        ("modular constructivism", "Is the image in a modular constructivism style?"),
        ("physically based rendering", "Is the image a physically based rendering?"),
        ("vray render", "Is the image a vray render?"),
    ],
)
def test_a_tag_naming_a_site_a_movement_or_a_renderer_is_the_pictures_style_not_a_thing(tag, question):
    asked = questions(f"a pirate in the desert, {tag}, soft light")
    assert question in asked
    assert not [q for q in asked if q.startswith("Is there") and tag.split()[-1] in q]
    assert not [q for q in asked if "trending" in q and "pirate" in q]
    # a thing in -ism is still a thing
    assert "Is there a prism?" in questions("a glass prism, a cat")


def test_how_the_picture_is_rendered_said_of_its_subject_is_asked_by_the_style_check():
    """DSG often says a prompt's rendering tags of its subject ((city, highly detailed)); the evaluator asks them of
    the image ("Is the image highly detailed?"): the same visual property."""
    checks = dsg_reading.checks_from_prompt("a cyberpunk city by moebius, highly detailed, trending on artstation")

    def state(args):
        return coverage.Question("p", "attribute state", "attribute", args)

    assert coverage.covered(state(("city", "highly detailed")), checks)
    assert coverage.covered(state(("city", "trending on artstation")), checks)
    # every word of the value must be asked: not "blurry", not "detailed and grainy"
    assert not coverage.covered(state(("city", "blurry")), checks)
    assert not coverage.covered(state(("city", "highly detailed and grainy")), checks)


def test_what_several_owners_have_is_asked_in_the_plural():
    assert "Do the surfers have surf boards?" in questions("a group of surfers carrying their surf boards")


def test_black_and_white_pictures_are_monochrome_and_stripes_a_mix():
    photos = dsg_reading.checks_from_prompt("five black and white photos on a dark grey wall")
    asked = [c["question"] for c in photos]
    assert "Are the photos black and white?" in asked and not [q for q in asked if "one of the photos" in q]
    assert coverage.covered(
        coverage.Question("p", "attribute color", "attribute", ("photos", "black and white")), photos
    )
    assert not coverage.covered(coverage.Question("p", "attribute color", "attribute", ("photos", "red")), photos)
    # stripes in two colours are some of each
    assert "Is one of the stripes black?" in questions("a zebra with black and white stripes")


def test_archaic_pronouns_abstract_nouns_and_times_are_no_things():
    assert not [q for q in questions("Thee are many black birds in flight.") if "thee" in q]
    assert not [q for q in questions("photos by Gordon Parks of poverty in Rio") if "poverty" in q]
    assert not [q for q in questions("yoda walking down times square") if "times" in q]


def test_a_verb_that_takes_no_object_before_a_noun_is_the_nouns_state():
    asked = questions("a mystical cat in smoke, glowing eyes, sparkling runes")
    assert {"Are the eyes glowing?", "Are the runes sparkling?"} <= set(asked)
    assert not [q for q in asked if "glowing the" in q or "sparkling the" in q]
    assert "Is the dog chasing the ball?" in questions("a dog chasing a ball")


def test_names_in_a_tag_list_are_whose_style_the_picture_is_in_not_things():
    asked = questions("a castle on a hill, digital art, Moebius, Greg Rutkowski, zabrocki, trending on artstation")
    for name in ("moebius", "greg rutkowski", "zabrocki"):
        assert f"Is the image in the style of {name}?" in asked
    assert not [q for q in asked if q.startswith("Is there a") and ("moebius" in q or "zabrocki" in q)]
    assert "Is Greg Rutkowski in the image?" not in asked
    # one unknown word alone may be a thing; a thing of known words is a thing; no tag list, no style
    assert "Is there a pomeranian?" in questions("a cute dog, pomeranian, fluffy, digital art")
    assert "Is there a viking army?" in questions("vikings war, cave troll, viking army, matte painting")
    assert not [q for q in questions("a hut, mbira, kalimba") if "style of" in q]
    # "part by" names one of the makers, as "by" does
    assert "Is the image in the style of gerhard richter?" in questions("a clown, part by gerhard richter")


def test_a_participle_after_the_copula_is_the_clauses_subjects_not_what_it_has():
    asked = questions("A red bike with white handles is locked to a black pole.")
    assert "Is the bike locked?" in asked and "Are the handles locked?" not in asked
    assert "Are the knees curled?" in questions("a man with his knees curled in")


def test_a_smaller_number_said_later_of_counted_things_is_some_of_them_not_a_second_count():
    counts = [c["count"] for c in of_kind("Three elephants stand in a field. Two elephants are small.", "count")]
    assert counts == [3]
    labelled = of_kind("two black cats and three white cats", "count")
    assert sorted(c["count"] for c in labelled) == [2, 3]


def test_a_multi_prompts_weights_are_no_counts():
    asked = questions("a sunset over a mountain::2 white streaks::3 birds:: -0.5")
    assert {"Are there streaks?", "Are the streaks white?", "Are there birds?"} <= set(asked)
    assert not of_kind("a sunset over a mountain::2 white streaks::3 birds", "count")


def test_someone_and_a_human_are_ones_who_act_and_interacting_with_is_no_having():
    asked = questions("Someone is leaning forward. They are hunched over and looking to their right.")
    assert "Is someone hunched?" in asked
    asked = questions("humans in modern clothing interacting with a woolly mammoth")
    assert "Do the humans have a mammoth?" not in asked and "Is there a mammoth?" in asked


def test_the_kind_of_photo_a_picture_is_and_a_height_by_a_body_part_are_no_things_or_actions():
    asked = questions("grape vines sprouting from a pot. DSLR photo.")
    assert "Is the image a dslr photo?" in asked and "Is there a dslr photo?" not in asked
    assert "Is the image a polaroid photo?" in questions("a cat on a sofa, polaroid photo")
    arm = questions("The right arm is lifted up to chin level.")
    assert "Is the right arm lifted?" in arm and not [q for q in arm if "chin" in q]


def test_one_capitalised_word_no_dictionary_knows_is_a_name():
    assert "Is Thanos in the image?" in questions("a statue of Thanos in a garden")
    assert "Is Voldemort waiting?" in questions("Voldemort waiting for a coffee")
    assert "Is there a pomeranian?" in questions("a Pomeranian on a sofa")  # with an article it is a thing


def test_an_animal_family_or_pack_is_several_of_the_animal():
    asked = questions("an owl family on a branch")
    assert {"Are there owls?", "Are there at least two owls?", "Are the owls on the branch?"} <= set(asked)
    assert "Are there wolves?" in questions("a wolf pack in the snow")
    assert "Is there a family?" in questions("a happy family at dinner")


@pytest.mark.parametrize(
    "prompt, wanted, unwanted",
    [
        ("Jeff Bezos wears a Tesla shirt.", "Is Jeff Bezos in the image?", "Is there a jeff bezos?"),
        (
            "a woman in a forest, stunning volumetric lighting",
            "Does the image have volumetric lighting?",
            "Is the woman stunning?",
        ),
        ("A woman is smiling in the camera.", "Is the woman smiling?", "Is the woman inside the camera?"),
        ("a croquet set for sale with three balls", "Is there a croquet set?", "Is there a sale?"),
        ("Company of six girls in swimsuits", "Are there exactly six girls?", "Is there a company?"),
        ("The head is looking to the right", "Is the head looking to the right?", "Is the head looking?"),
        ("onions cut up on top of the broccoli", "Are the onions cut?", "Are the onions cutting?"),
    ],
)
def test_misreadings_found_by_the_second_hand_review(prompt, wanted, unwanted):
    asked = questions(prompt)
    assert wanted in asked and unwanted not in asked


@pytest.mark.parametrize(
    "prompt, wanted, unwanted",
    [
        ("a boy taking his dog for a walk", "Is the boy taking the dog?", "Is there a walk?"),
        (
            "a painting of a woman, pre - raphaelite, mixed media",
            "Is the image in a mixed media style?",
            "Is there a pre?",
        ),
        ("a man made of wind - blown snow", "Is the man made of wind-blown snow?", "Is the man made of wind?"),
        ("subject is in a push up position", None, "Is there a push?"),
        (
            "a woman in a garden, arts and crafts movement",
            "Is the image in an arts and crafts movement style?",
            "Is there a crafts movement?",
        ),
    ],
)
def test_misreadings_of_tags_idioms_and_spaced_hyphens(prompt, wanted, unwanted):
    asked = questions(prompt)
    assert (wanted is None or wanted in asked) and unwanted not in asked
    # an aside between spaced dashes is still an aside
    assert "Is there a lifeguard?" in questions("A lone person - perhaps a lifeguard - appears on the beach.")


def test_which_way_a_verb_goes_is_said_with_it_and_a_preposition_is_not_a_way():
    assert "Is the head facing down?" in questions("the head facing down")
    assert "Is the torso leaning forward?" in questions("the torso is leaning forward, arms down")
    asked = questions("cyclists racing down a mountain road")
    assert "Are the cyclists racing down the mountain road?" in asked and "Are the cyclists racing down?" not in asked


def test_a_word_that_shades_a_colour_is_the_colours_not_the_things():
    asked = questions("three fresh pure white waterlilies and a muted blue vase")
    assert {"Are the waterlilies white?", "Is the vase blue?"} <= set(asked)
    assert "Are the waterlilies pure?" not in asked and "Is the vase muted?" not in asked
    assert "Is the toast burnt?" in questions("burnt toast on a plate")


def test_names_written_in_lower_case_after_by_are_the_makers_and_a_place_stays_a_place():
    asked = questions("a cyberpunk city by moebius and makoto shinkai, highly detailed")
    assert {"Is the image in the style of moebius?", "Is the image in the style of makoto shinkai?"} <= set(asked)
    assert not [q for q in asked if "next to the moebius" in q]
    assert "Is the image in the style of greg rutkowski?" in questions("a castle by greg rutkowski")
    assert "Is the image in the style of makoto shinkai?" in questions("Tokyo at night by [makoto shinkai] style")
    assert "Is the cabin next to the lakeside?" in questions("a cabin by lakeside")


def test_a_style_tag_covers_only_the_rendering_it_names_and_a_name_no_kind():
    def other(args):
        return coverage.Question("p", "attribute other", "attribute", args)

    glass = dsg_reading.checks_from_prompt("a cup of tea, stained glass art")
    assert not coverage.covered(other(("cup", "glass")), glass)
    oil = dsg_reading.checks_from_prompt("a man fishing, oil painting")
    assert not coverage.covered(other(("man", "oil")), oil)
    anderson = dsg_reading.checks_from_prompt("a hotel lobby, Wes Anderson style")
    assert coverage.covered(other(("lobby", "wes anderson")), anderson)
    # a name is not a kind: "Blind Mike Newman" asks no (Mike Newman, blind)
    named = [{"kind": "entity", "subject": "blind mike newman", "question": "Is Blind Mike Newman in the image?"}]
    assert not coverage.covered(coverage.Question("p", "attribute state", "attribute", ("mike newman", "blind")), named)


@pytest.mark.parametrize(
    "prompt, unwanted",
    [
        ("a sushi platter, nigiri, sashimi, wasabi, photorealistic", "Is the image in the style of nigiri?"),
        ("a desk, macbook, airpods, cinematic lighting", "Is the image in the style of airpods?"),
        ("a forest floor, chanterelles, morels, oil painting", "Is the image in the style of morels?"),
        ("Axolotls swim in a glass tank", "Is Axolotls in the image?"),
        ("a bone that dogs love", "Is the bone dogging the love?"),
        ("an old bench - covered with autumn leaves - in a park", "Is there an old?"),
        ("a photographer looking at the camera on a tripod", "Is the photographer on the tripod?"),
        ("kids at lunch break in a schoolyard", "Are the kids eating the lunch?"),
    ],
)
def test_misreadings_found_by_the_review_of_this_sessions_rules(prompt, unwanted):
    """helper-54's sentences: each rule of the session stopped where it misread."""
    asked = questions(prompt)
    assert unwanted not in asked and asked


def test_the_review_rules_keep_what_they_were_for():
    assert "Is the camera on the tripod?" in questions("a photographer looking at the camera on a tripod")
    assert "Are there axolotls?" in questions("Axolotls swim in a glass tank")
    assert "Is the family eating the dinner?" in questions("a happy family at dinner")
    assert "Is the image in the style of greg rutkowski?" in questions(
        "a castle, digital art, Greg Rutkowski, Zabrocki"
    )


def test_the_last_reviews_sentences():
    """helper-58's: a relative clause's verb with a noun-like object stays the verb; a value with a style word
    matches the tag; a thing's look before "style" is no one's style."""
    assert "Is the man drinking the water?" in questions("a man who drinks water")
    assert "Is the woman selling the fish?" in questions("a woman that sells fish")
    tag = [
        {"kind": "style", "subject": "digital art", "setting": "digital art", "question": "Is the image digital art?"}
    ]
    assert coverage.covered(coverage.Question("p", "attribute other", "attribute", ("portrait", "digital art")), tag)
    assert not coverage.covered(coverage.Question("p", "attribute other", "attribute", ("portrait", "art")), tag)
    assert not [q for q in questions("a portrait of a woman, vintage hair style") if "style of" in q]


@pytest.mark.parametrize(
    "prompt, wanted, unwanted",
    [
        # the object of a clause after "that" is the thing named before it; the clause's subject does it
        ("a cake that the boy ate", "Is the boy eating the cake?", "Is the boy ate?"),
        ("a sandcastle that children built on the beach", "Are the children building the sandcastle?", None),
        ("a bone that dogs love", "Are the dogs loving the bone?", "Is there a dogs love?"),
        ("a girl that the dog chased", "Is the dog chasing the girl?", None),
        # a past tense that is also a state is the verb when what it acts on follows
        ("a chef cut the onions", "Is the chef cutting the onions?", "Is the chef cut?"),
        ("a man lit a candle", "Is the man lighting the candle?", None),
        # a place's name opening the prompt, the time of day after it
        ("Athens at sunset", "Is Athens in the image?", "Are there athens?"),
        ("Paris in the morning, a cafe", "Is Paris in the image?", "Are there paris?"),
        # an item after a covering list's comma with a place of its own opens a clause of its own
        ("a table covered with a cloth, a vase on the shelf", "Is the vase on the shelf?", "Is the vase on the table?"),
    ],
)
def test_object_clauses_past_tenses_with_objects_places_at_a_time_and_a_covering_lists_end(prompt, wanted, unwanted):
    asked = questions(prompt)
    assert wanted in asked
    assert unwanted is None or unwanted not in asked


def test_what_the_last_rules_must_leave_alone():
    """A participle state before a noun or a measure stays a state; a relative clause whose verb comes first is
    the clause's subject's; a plural the dictionary knows stays things at a time of day."""
    assert "Is the hair cut?" in questions("a woman with cut hair")
    assert not [q for q in questions("knee bent a little, foot at chest level") if "bending" in q]
    assert "Is the man drinking the water?" in questions("a man who drinks water")
    assert "Are there zebras?" in questions("Zebras at sunset")
    assert "Is the mug on the desk?" in questions("a desk covered with papers, books and a mug")


@pytest.mark.parametrize(
    "prompt, wanted, unwanted",
    [
        # a modal "can" is followed by what can be done; otherwise it is the container
        ("a rusty watering can on a shelf", "Is the watering can on the shelf?", None),
        ("a dented soda can beside a cup", "Is the soda can dented?", None),
        # "it" is never a person
        ("a canoe paddled by a girl gliding under it, a footbridge", None, "Is the canoe under the girl?"),
        # where a later thing is placed, "it" is what the sentence is about ...
        ("a stone arch over a stream, a small raft drifting beneath it", "Is the raft under the arch?", None),
        ("a cake on a wooden tray, sprinkles scattered around it", "Are the sprinkles near the cake?", None),
        # ... or what the clause is about, when it has the thing ("the mug has steam above it")
        ("There is a bowl on a mat. The bowl has a spoon in it.", "Is the spoon inside the bowl?", None),
        # ... but after a noun, "with" keeps it that noun's
        ("a lamp in a clay pot with a paper tag on it", "Is the tag on the pot?", "Is the tag on the lamp?"),
    ],
)
def test_a_modal_can_and_what_it_stands_for(prompt, wanted, unwanted):
    assert_reads(prompt, wanted, unwanted)


@pytest.mark.parametrize(
    "prompt, wanted, unwanted",
    [
        # a state said only after its noun, after things joined by "and", is each one's; "together" is no pose
        ("a puppy and a kitten asleep together in a basket", "Is the puppy asleep?", "Is the kitten together?"),
        ("a pair of red boots mid-air above a puddle", "Are the boots mid-air?", "Is there a boots mid-air?"),
        # photography of something, and a medium laid on its support, are how the picture is made
        ("wildlife photography of a heron", "Is the image in a wildlife photography style?", "Is there a photography?"),
        ("a lighthouse at dusk, acrylic on canvas", "Is the image acrylic on canvas?", "Is there acrylic?"),
        # the view the picture is taken from is no state of the thing
        ("a lighthouse seen from below, with gulls", "Is the image a low angle view?", "Is the lighthouse seen?"),
        # what the picture is made for is no thing in it
        ("Minimal line illustration for a yoga studio: a woman stretching", None, "Is there a yoga studio?"),
    ],
)
def test_postpositive_states_purposes_views_and_media(prompt, wanted, unwanted):
    assert_reads(prompt, wanted, unwanted)


def test_a_purpose_in_the_middle_of_a_sentence_is_read_as_written():
    assert "Is there a wall?" in questions("a poster for a concert on a wall")


@pytest.mark.parametrize(
    "prompt, wanted, unwanted",
    [
        # after "with", a thing that moves by itself does the moving, not the thing that has it
        ("a kettle with steam coming from its spout", None, "Is the kettle coming?"),
        # "full of" is said of what was named just before it
        ("a cat chasing a mouse across a meadow full of daisies", None, "Is the mouse full?"),
        ("a shed stacked with old tools and a bucket full of screws", "Is the bucket full?", "Is the shed full?"),
        # after what one wears, an -ing word with a plural after it is what the wearer does
        ("a host in a black vest setting tables", "Is the host setting the tables?", "Is there a vest setting?"),
        ("a man in a grey coat building snowmen", "Is the man building the snowmen?", None),
        # a garment said with its owner's "'s" that hangs somewhere is where it hangs, worn by no one
        (
            "a fisherman's yellow raincoat hanging on a hook",
            "Is the raincoat on the hook?",
            "Is the fisherman on the hook?",
        ),
    ],
)
def test_what_moves_what_is_full_what_the_wearer_does_and_a_garment_left_somewhere(prompt, wanted, unwanted):
    assert_reads(prompt, wanted, unwanted)
    if "raincoat" in prompt:
        assert "Is the fisherman wearing the raincoat?" not in questions(prompt)


def test_a_garment_with_its_owner_that_acts_is_still_worn():
    assert "Is the woman wearing the scarf?" in questions("a woman's red scarf blowing in the wind")


def test_further_is_how_far_a_photoshoot_is_the_picture_and_infants_and_animals_act():
    """'further' says how far, never a property; a photoshoot is the kind of picture."""
    assert not [q for q in questions("left arm raised and further back than the right") if "further" in q]
    assert "Is the image a photoshoot?" in questions("a beach photoshoot of a surfer")
    assert "Is there a photoshoot?" not in questions("a surfer, golden hour, photoshoot, 35mm")


@pytest.mark.parametrize(
    "prompt, wanted",
    [
        ("a hare hiding among tall grasses", "Is the hare near the grasses?"),
        ("a bicycle chained outside a bakery", "Is the bicycle near the bakery?"),
        ("a boy painting eggs at a table", "Is the boy painting the eggs?"),
    ],
)
def test_among_and_outside_are_close_by_and_one_who_acts_does_what_follows(prompt, wanted):
    assert wanted in questions(prompt)


def test_outside_with_nothing_after_it_asks_nothing():
    assert not [q for q in questions("kids playing outside") if "near" in q]


@pytest.mark.parametrize(
    "prompt, wanted, unwanted",
    [
        # "a little" with no noun after it says how much
        ("left hand moved a little forward, head turned", None, "Is there a little?"),
        ("a little boy flying a kite", "Is there a boy?", None),
        # "semi" qualifies the word after it
        ("the left knee is semi bent", "Is the left knee semi-bent?", "Is there a semi?"),
        # a limb said with "with" after a limb or the floor is the person's, not theirs
        ("arms bent at the elbow with hands near the hips", None, "Does the elbow have hands?"),
        ("Sit on the floor with legs crossed", None, "Does the floor have legs?"),
        # an instruction opening a sentence of a pose description is no thing
        ("Kneel on a mat. Raise both hands above your head.", "Are the hands above the head?", "Is there a kneel?"),
    ],
)
def test_pose_descriptions_how_much_semi_limbs_after_with_and_instructions(prompt, wanted, unwanted):
    assert_reads(prompt, wanted, unwanted)


def test_a_table_with_legs_still_has_them_and_a_lower_case_face_is_a_face():
    assert "Does the table have legs?" in questions("a wooden table with four legs")
    assert "Is the face forward?" in questions("face forward and right arm raised above head")


@pytest.mark.parametrize(
    "prompt, wanted, unwanted",
    [
        # tag-list items: a site with two words, a movement written "pre - x", a licence, a colour of the picture
        ("a fox in the snow, soft light, trending on deviant art.", None, "Is the fox trending?"),
        (
            "a knight in armour, gothic revival, pre - columbian, oil painting",
            None,
            "Is the image in the style of pre   columbian?",
        ),
        ("a lighthouse at dusk, creative commons attribution", None, "Is there a commons attribution?"),
        ("a city at night, neon, iridescent color", "Does the image have an iridescent color?", None),
        # a colour ending a word is no colour of the picture
        ("watercolor of a heron in reeds", "Is the image in a watercolor style?", "Does the image have a watercolor?"),
        # one who can sit sits, not the thing on them
        ("a scarf on a dog lying on a porch", "Is the dog on the porch?", "Is the scarf lying?"),
    ],
)
def test_tag_list_items_and_a_posture_after_a_relation(prompt, wanted, unwanted):
    assert_reads(prompt, wanted, unwanted)


def test_a_thing_that_flies_above_one_who_can_act_still_flies():
    assert "Is the kite flying?" in questions("a kite above a boy flying over the beach")


@pytest.mark.parametrize(
    "prompt, wanted, unwanted",
    [
        ("a mailbox half hidden by ivy", "Is the mailbox half-hidden?", "Is there a mailbox half?"),
        ("a lamp knocked over by a puppy", "Is the puppy knocking the lamp?", "Is the lamp next to the puppy?"),
        ("Outside, leaves swirl across the square.", "Are the leaves swirling?", "Is there a leaves swirl?"),
        ("a boy waves a flag while his sister follows him", "Is the sister following the boy?", None),
        ("a gardener in a straw visor", "Is the gardener wearing the visor?", "Is the gardener inside the visor?"),
        ("Lifestyle photo for a coffee brand: a mug on a desk", None, "Is there a coffee brand?"),
        ("a squirrel at the top of a fence post", "Is the squirrel on the fence post?", None),
        ("a sunny Mexican living room with a clay pot", "Is the living room mexican?", "Is there a mexican?"),
    ],
)
def test_everyday_shapes_from_a_fresh_checklist(prompt, wanted, unwanted):
    """Shapes dev4's first reading missed, in sentences written here: how much ("half hidden"), a particle before
    "by", things that move by themselves before where, a verb before "him", a garment, a purpose, the top of a
    thing, a people's style of a room."""
    assert_reads(prompt, wanted, unwanted)


def test_a_set_of_things_stays_a_set():
    assert not [q for q in questions("blue glass birds set of two") if "setting" in q]


@pytest.mark.parametrize(
    "prompt, wanted, unwanted",
    [
        # "a couple" alone is two people; "a couple of" counts
        ("a young couple walking a dog", "Is there a couple?", None),
        # a frame of some stuff or look is a thing
        ("a clock with a brass frame", "Is the frame made of brass?", None),
        # "after" ends the noun phrase before it
        ("a puddle in a parking lot after the storm", "Is there a parking lot?", "Is the parking lot after?"),
        # a thing had is where its owner is, when a new thing follows ("on a ...")
        ("a pie with cherries on a windowsill", "Is the pie on the windowsill?", "Are the cherries on the windowsill?"),
        ("a lamp with a silk shade beside a bed", "Is the lamp next to the bed?", None),
        # the owner's own parts and what one who can act has stay as said
        ("a house with flowers on the balcony", "Are the flowers on the balcony?", None),
        ("a girl with a bow on her head", "Is the bow on the head?", None),
    ],
)
def test_couples_frames_after_and_where_a_thing_with_another_is(prompt, wanted, unwanted):
    assert_reads(prompt, wanted, unwanted)


@pytest.mark.parametrize(
    "prompt, wanted, unwanted",
    [
        ("a tram climbing a hill in Lisbon", "Is the image set in Lisbon?", "Is the tram inside Lisbon?"),
        ("a flower stall in Amsterdam at dawn", "Is the image set in Amsterdam?", "Is Amsterdam in the image?"),
        ("pumpkins on a porch in October", None, "Is the image set in October?"),
        ("a cat in a cardboard box", "Is the cat inside the box?", None),
    ],
)
def test_in_a_named_place_is_where_the_picture_is_set(prompt, wanted, unwanted):
    assert_reads(prompt, wanted, unwanted)


@pytest.mark.parametrize(
    "prompt, wanted, unwanted",
    [
        ("a fox trotting across a frozen pond", None, "Is the fox above the pond?"),
        ("a hiker walking across a wooden plank", "Is the hiker on the plank?", None),
        ("a rope bridge across a canyon", "Is the bridge above the canyon?", "Is the bridge on the canyon?"),
        ("two friends chatting across a table", None, "Are the friends on the table?"),
        ("a cat with a mouse in its mouth across a rug", None, "Is the mouth on the rug?"),
        ("lamp across table. table near wall", None, "Is the lamp on the table?"),
    ],
)
def test_across_is_on_a_ground_over_what_it_spans_and_nothing_across_a_table(prompt, wanted, unwanted):
    assert_reads(prompt, wanted, unwanted)


@pytest.mark.parametrize(
    "prompt, wanted, unwanted",
    [
        ("the left foot is angled slightly outward", "Is the left foot angled?", "Is the left foot angling?"),
        ("a gate wide open onto a field", "Is the gate wide-open?", "Is the gate wide?"),
        ("an owl is perched sideways on a fence", "Is the owl perched?", "Is the owl perching?"),
    ],
)
def test_a_participle_with_how_after_it_is_a_state(prompt, wanted, unwanted):
    assert_reads(prompt, wanted, unwanted)


def test_a_lens_is_how_the_picture_is_taken_and_a_storm_is_weather():
    assert "Is the image taken with a fisheye lens?" in questions("a skater on a ramp, fisheye lens")
    assert "Is there a telephoto lens?" not in questions("a heron in reeds, telephoto lens, soft light")
    assert "Is there a camera lens?" in questions("a man cleaning a camera lens")
    assert "Is it snowy in the image?" in questions("a bus stop during a blizzard")
    assert "Is there a thunderstorm?" not in questions("a lighthouse in a thunderstorm")


def test_an_action_is_named_by_the_dictionarys_lemma():
    """'arranging' is arrange (the suffix rule alone gave 'arrang', which no scorer or world could match)."""
    acts = [c for c in dsg_reading.checks_from_prompt("two florists arranging tulips") if c["kind"] == "action"]
    assert [c["action"] for c in acts] == ["arrange"]
    assert "Are the florists arranging the tulips?" in questions("two florists arranging tulips")


@pytest.mark.parametrize(
    "prompt, wanted, unwanted",
    [
        # a single-quoted text may hold an apostrophe between letters
        ("a shop sign reading 'Mama's Kitchen'", 'Does the shop sign say "Mama\'s Kitchen"?', None),
        # "it" is not what the thing being placed holds; several things said as one are an "it"
        ("a pile of pancakes on a plate, a jug of syrup beside it", None, "Is the jug next to the syrup?"),
        # a stuff right after an article opens the noun phrase before an -ing word and a noun
        ("a tin watering can", "Is the watering can made of tin?", None),
        ("an enamel baking dish on a stove", "Is the baking dish made of enamel?", "Is there an enamel?"),
    ],
)
def test_quotes_with_apostrophes_what_it_is_and_stuff_before_an_ing_noun(prompt, wanted, unwanted):
    assert_reads(prompt, wanted, unwanted)


def test_a_verb_put_before_what_sits_on_which():
    asked = questions("a dresser on which stand two candles and a clock")
    assert "Are the candles on the dresser?" in asked
    assert "Is there a stand?" not in asked


def test_one_and_the_other_with_properties_are_each_ones():
    asked = questions("two lanterns on a shelf, one lit and the other broken and dusty")
    assert "Is one of the lanterns lit?" in asked
    assert "Is another of the lanterns broken?" in asked
    assert "Is another of the lanterns dusty?" in asked
    assert "Are the lanterns broken?" not in asked


@pytest.mark.parametrize(
    "prompt, wanted, unwanted",
    [
        ("a squire bowing before a king on a throne", "Is the king on the throne?", "Is the squire on the throne?"),
        ("a girl sitting next to her grandma on a sofa", "Is the girl on the sofa?", None),
        ("a harbour before the storm", None, "Is the harbour in front of the storm?"),
        ("a cup of espresso, shot on 35mm film", "Does the image look shot on 35mm film?", "Is there a film?"),
    ],
)
def test_before_a_person_on_a_seat_the_time_before_and_35mm_film(prompt, wanted, unwanted):
    assert_reads(prompt, wanted, unwanted)


@pytest.mark.parametrize(
    "prompt, wanted, unwanted",
    [
        # who left a thing is not in the picture; where it is, is
        ("a kite that someone left in a tree", "Is the kite inside the tree?", "Is there someone?"),
        # how one stands, sits or lies
        ("a meerkat standing alert on a rock", "Is the meerkat alert?", "Is the meerkat standing the alert?"),
        # a caption after a comma is the picture's; a thing "with the text" says it itself
        (
            "a lighthouse at dusk, with the caption 'stay bright'",
            'Does the image show the caption "stay bright"?',
            None,
        ),
        ("a tote bag with the text 'READ MORE'", 'Does the tote bag say "READ MORE"?', None),
        # a note on a door saying something: the note says it
        (
            "a sticky note on a laptop saying 'call mom'",
            'Does the note say "call mom"?',
            'Does the laptop say "call mom"?',
        ),
        # a name with a particle of another language is one name
        ("a tram in Rio de Janeiro", "Is the image set in Rio de Janeiro?", "Is there a rio de janeiro?"),
        # one acting under a thing is under it; a thing put under another is
        ("a hedgehog eating a berry under a fern", "Is the hedgehog under the fern?", None),
        ("a girl hiding a letter under a pillow", "Is the letter under the pillow?", None),
        # what goes onto a thing goes there; "arguing over" is about it
        ("a sailor heaving a crate onto a boat", "Is the crate on the boat?", "Is the sailor on the boat?"),
        ("two chefs arguing over a recipe", None, "Are the chefs above the recipe?"),
    ],
)
def test_dev5s_shapes_in_sentences_written_here(prompt, wanted, unwanted):
    assert_reads(prompt, wanted, unwanted)


@pytest.mark.parametrize(
    "prompt, wanted, unwanted",
    [
        # helper-65's review of this session's rules, in sentences written here: a person with a thing is not where
        # the thing is; a thing already placed keeps its place
        ("a florist with tulips on a counter", "Are the tulips on the counter?", "Is the florist on the counter?"),
        ("a vase on a shelf with a card on a stand", None, "Is the shelf on the stand?"),
        # "it" is no animal, and "in it" is what can hold things
        ("a goat near a trough, hay piled in it", "Is the hay inside the trough?", "Is the hay inside the goat?"),
        ("a lamp next to a notebook, a pencil in it", "Is the pencil inside the notebook?", None),
        # a capitalised word before "of" or "with", or with no body named, is no instruction
        ("Stand with lemons at a market", "Is there a stand?", None),
        ("Step of a temple in the rain", "Is there a step?", None),
        # "semi" and "half" join only a property
        ("a semi on a bridge", "Is the semi on the bridge?", "Is there a semi-on?"),
        ("a half golden puppy", None, "Is the puppy half-golden?"),
        # "a bit" after "with" is the thing
        ("a pony with a bit in its mouth", "Is there a bit?", None),
        # no mug sleeps
        ("a cup of tea and a cat asleep on a rug", "Is the cat asleep?", "Is the cup asleep?"),
        # across, aimed or opposite, is no place
        ("a girl waving across the courtyard to a friend", None, "Is the girl on the courtyard?"),
        ("a kiosk across the square from a church", None, "Is the kiosk on the square?"),
        ("a yacht across the bay", None, "Is the yacht above the bay?"),
        # a clause ending on its preposition says where, and a past tense is its verb's
        ("a sofa that the dog naps on", "Is the dog on the sofa?", "Is the dog napping the sofa?"),
        ("the coin that the boy found in the sand", "Is the boy finding the coin?", "Is the boy founding the coin?"),
        # a modal "can", an adverb, then what can be done
        ("the girl can hardly reach the shelf", "Is there a girl?", "Is there a girl can?"),
    ],
)
def test_the_reviews_findings_in_sentences_written_here(prompt, wanted, unwanted):
    assert_reads(prompt, wanted, unwanted)


def test_a_language_is_no_place_and_a_verb_put_before_what_lies_on_which():
    assert not [q for q in questions("a menu in Spanish on a cafe table") if "Spanish" in q or "spanish" in q]
    assert "Is the snake on the log?" in questions("a log on which lies a snake")


@pytest.mark.parametrize(
    "prompt, wanted, unwanted",
    [
        ("three hot air balloons at dawn", "Are there exactly three hot air balloons?", "Are the air balloons hot?"),
        ("a barn during a hailstorm", "Is it stormy in the image?", "Is there a hailstorm?"),
        ("fall leaves on a bench", "Are the fall leaves on the bench?", None),
        ("a roll of tape on a desk", "Is the tape on the desk?", "Is there a roll?"),
        ("piles of laundry on a bed", "Is the laundry in a pile?", "Are there piles?"),
        ("a puppy on a blanket, sound asleep", None, "Is there a sound?"),
        ("three pairs of boots by the door", "Are there exactly six boots?", "Are there exactly three boots?"),
        ("four stacks of plates", None, "Are there exactly four plates?"),
    ],
)
def test_plural_compounds_weather_collectives_and_how_asleep(prompt, wanted, unwanted):
    assert_reads(prompt, wanted, unwanted)


def test_one_and_the_other_mixes_a_colour_and_a_property():
    asked = questions("two dogs on a porch, one brown and the other shaggy")
    assert "Is one of the dogs brown?" in asked
    assert "Is another of the dogs shaggy?" in asked
    assert "Are the dogs shaggy?" not in asked


def test_one_and_the_other_doing_things_and_where_the_other_is():
    asked = questions("two cats, one sleeping and the other sitting on a windowsill")
    assert "Is one of the cats sleeping?" in asked
    assert "Is another of the cats sitting?" in asked
    assert "Are the cats on the windowsill?" not in asked
    assert "Is there a windowsill?" in asked


@pytest.mark.parametrize(
    "prompt, wanted, unwanted",
    [
        # helper-68's review of the mends, in sentences written here: an -er is as often a thing
        ("a monitor with a sticky note on a desk", "Is the monitor on the desk?", "Is the sticky note on the desk?"),
        # "in it" keeps a referent that can hold things
        ("a maple tree beside a barn, a birdhouse hanging in it", "Is the birdhouse inside the maple tree?", None),
        # "before" an event is when
        ("a groom laughing before the ceremony", None, "Is the groom in front of the ceremony?"),
        ("a man bowing before the king", "Is the man in front of the king?", None),
        # a container partly open is the container
        ("a paint can slightly open on a ladder", "Is the paint can open?", "Is the paint open?"),
        # an instruction that is no common noun needs no body part
        ("Lean against the fence and smile.", None, "Is there a lean?"),
        # a language is no place
        ("a banner in Korean over a gate", None, "Is the image set in Korean?"),
        # a caption said to be on the thing is the thing's
        ("a tote bag on a chair, with the words 'go slow' on it", 'Does the tote bag say "go slow"?', None),
    ],
)
def test_the_second_reviews_findings_in_sentences_written_here(prompt, wanted, unwanted):
    assert_reads(prompt, wanted, unwanted)


def test_a_bit_more_is_how_much_and_a_rope_across_a_gorge_from_one_cliff_spans_it():
    assert "Is there a bit?" not in questions("a kitten with a bit more fluff than its brother")
    assert "Is there a bit?" in questions("a pony with a bit in its mouth")
    assert "Is the cable above the canyon?" in questions("a cable strung across the canyon from one ridge to another")


@pytest.mark.parametrize(
    "prompt, wanted, unwanted",
    [
        # a clause after "where" or "from which" has its own subject; the thing is where it happens
        ("a lamp post from which dangles a lantern", "Is there a lantern?", "Is there a which?"),
        ("a peg from which a scarf hangs", "Is the scarf hanging?", "Is the peg hanging?"),
        ("a lake where swans glide", "Are the swans gliding?", "Are the swans gliding the lake?"),
        (
            "a workshop where an old man repairs clocks",
            "Is the man repairing the clocks?",
            "Is there a man repairs clocks?",
        ),
        ("a shelf where a cat sleeps", "Is the cat sleeping?", "Is the shelf sleeping?"),
        # "it" is no person, even when a person is what the sentence was about
        (
            "a boy beside a goat, it is chewing a carrot",
            "Is the goat chewing the carrot?",
            "Is the boy chewing the carrot?",
        ),
    ],
)
def test_where_clauses_have_their_own_subject_and_it_is_no_person(prompt, wanted, unwanted):
    assert_reads(prompt, wanted, unwanted)


@pytest.mark.parametrize(
    "prompt, wanted, unwanted",
    [
        # the voice goes into a thing; its maker is not inside it
        ("a singer yelling into a megaphone", "Is the singer yelling?", "Is the singer inside the megaphone?"),
        ("a toddler blowing into a whistle", None, "Is the toddler inside the whistle?"),
        # one trips over what the feet catch on, and is not above it
        ("a waiter stumbling over a rug", "Is the waiter stumbling over the rug?", "Is the waiter above the rug?"),
        ("a deer leaping over a log", "Is the deer above the log?", None),
        # "at", "to", "from" name what a verb is aimed at, addressed to or comes from
        (
            "a goose hissing at a jogger; a cat glaring at a crow",
            "Is the cat glaring at the crow?",
            "Is the cat glaring?",
        ),
        ("an old man reading to his grandson", "Is the man reading to the grandson?", None),
        ("a woman listening to jazz", "Is the woman listening to the jazz?", "Is the woman jazzing?"),
        ("a fox drinking from a puddle", "Is the fox drinking from the puddle?", None),
        ("the boy looks at the kite", "Is the boy looking at the kite?", "Is the boy at the kite?"),
        # but "at" a gathering or a setting is where one is
        ("children laughing at a birthday party", None, "Are the children laughing at the birthday party?"),
        ("a dog barking at the beach", None, "Is the dog barking at the beach?"),
    ],
)
def test_a_verbs_direction_is_no_place_of_its_doer(prompt, wanted, unwanted):
    assert_reads(prompt, wanted, unwanted)


@pytest.mark.parametrize(
    "prompt, wanted, unwanted",
    [
        # a particle with nothing after it as its object completes the verb
        ("a helicopter lifting off from a helipad", "Is the helicopter lifting off?", "Is the helicopter lifting?"),
        ("two teenagers hanging out on a porch", "Are the teenagers hanging out?", "Are the teenagers hanging?"),
        ("a pigeon flying away, a child chasing it", "Is the pigeon flying away?", None),
        ("a dancer spinning around", "Is the dancer spinning around?", None),
        # but "out of" names where from, and a particle before an object is left as it was
        ("a kitten climbing out of a basket", None, "Is the kitten climbing out?"),
    ],
)
def test_a_particle_completes_its_verb(prompt, wanted, unwanted):
    assert_reads(prompt, wanted, unwanted)


@pytest.mark.parametrize(
    "prompt, wanted, unwanted",
    [
        # in ordinary case, a capitalised adjective before a capitalised word is part of a name
        ("a sign for Green Street on a lamp post", None, "Is the street green?"),
        ("a poster of Black Sabbath on a wall", "Is Black Sabbath in the image?", "Is Sabbath black?"),
        # but in a prompt written in Title Case every word has its capital: a red apple is red
        ("A Red Apple On A Wooden Table", "Is the apple red?", None),
        ("Red apples in a bowl", "Are the apples red?", None),
    ],
)
def test_a_capitalised_adjective_inside_a_name_is_no_property(prompt, wanted, unwanted):
    assert_reads(prompt, wanted, unwanted)


@pytest.mark.parametrize(
    "prompt, wanted, unwanted",
    [
        # a singular verb after "and the X" has X alone as its subject
        (
            "the field is a carpet of poppies, and the horse is grazing",
            "Is the horse grazing?",
            "Is the carpet grazing?",
        ),
        ("two boys and one girl is skipping rope", "Is the girl skipping the rope?", "Are the boys skipping the rope?"),
        # joined subjects share what they do
        ("a bride and a groom are dancing", "Is the bride dancing?", None),
        ("a bride and a groom are dancing", "Is the groom dancing?", None),
    ],
)
def test_a_singular_verb_after_and_has_one_subject(prompt, wanted, unwanted):
    assert_reads(prompt, wanted, unwanted)


@pytest.mark.parametrize(
    "prompt, wanted, unwanted",
    [
        # a tag naming a work's title as a style is a style, not the things its words name
        ("a knight on a cliff, lord of the rings style, dramatic light", None, "Is there a lord?"),
        (
            "a spaceship, return of the jedi style",
            "Is the image in the style of return of the jedi?",
            "Is there a return?",
        ),
        ("a woman at a mirror, vintage hair style", None, "Is the image in the style of vintage hair?"),
        # a genre, symmetry, proportions are no things in the picture
        ("a diner at night, western genre, neon", None, "Is there a genre?"),
        ("a moth on a leaf, perfect symmetry", "Is there a moth?", "Is there a symmetry?"),
    ],
)
def test_a_title_style_and_abstract_tags_are_no_things(prompt, wanted, unwanted):
    assert_reads(prompt, wanted, unwanted)


def test_names_in_a_tag_list_with_emphasis_or_a_known_first_word_are_styles():
    asked = questions("a robot in a garden, digital art, anna dittmann, zarvox!!! pelleron!!!, bright gorbina, quelvin")
    assert "Is the image in the style of zarvox pelleron?" in asked
    assert "Is the image in the style of bright gorbina?" in asked
    assert not [q for q in asked if q.startswith("Is there a") and q != "Is there a robot?" and "garden" not in q]
    # a known word before a thing, not between names, is still a thing with its property
    assert "Is the lantern red?" in questions("a cottage at dusk, watercolor, red lantern, warm light")


@pytest.mark.parametrize(
    "prompt, wanted, unwanted",
    [
        # a noun before "photo" is what the photo shows: one property per question
        ("a windmill photo at sunrise", "Is there a windmill?", "Is the image a windmill photo?"),
        ("tulip field photo, soft light", "Is the image a photo?", "Is the image a tulip field photo?"),
        # a word saying what kind of photo it is stays with it
        ("a polaroid photo, a dog on a porch", "Is the image a polaroid photo?", None),
        ("vintage photo, a car", "Is the image a vintage photo?", None),
    ],
)
def test_a_noun_before_photo_is_what_it_shows(prompt, wanted, unwanted):
    assert_reads(prompt, wanted, unwanted)


@pytest.mark.parametrize(
    "prompt, wanted, unwanted",
    [
        # a thing in one's hand is held, asked once, never inside the hand
        ("A chef is holding a knife in his hand.", "Is the chef holding the knife?", "Is the knife inside the hand?"),
        (
            "a toddler with a lollipop in her hand",
            "Is the toddler holding the lollipop?",
            "Does the toddler have a lollipop?",
        ),
        # the owner is never inside his own hand, after a thing "of" something
        (
            "a sailor with a mug of cocoa in his hand",
            "Is the sailor holding the mug?",
            "Is the sailor inside the hand?",
        ),
        ("an otter with a pebble in its paws", "Is the otter holding the pebble?", "Is the pebble inside the paws?"),
        # but a mouth holds things inside it
        ("a puppy with a sock in its mouth", "Is the sock inside the mouth?", None),
    ],
)
def test_a_thing_in_ones_hand_is_held(prompt, wanted, unwanted):
    assert_reads(prompt, wanted, unwanted)


@pytest.mark.parametrize(
    "prompt, wanted, unwanted",
    [
        # "over" after crossing or folding is across, not above; after draping or throwing it is on
        ("a boxer with his gloves crossed over his chest", None, "Are the gloves above the chest?"),
        ("a shawl draped over a piano", "Is the shawl on the piano?", "Is the shawl above the piano?"),
        ("a hoodie thrown over a chair", "Is the hoodie on the chair?", None),
        # a thing hanging over another is above it
        ("a chandelier hanging over a dining table", "Is the chandelier above the dining table?", None),
    ],
)
def test_over_after_crossing_or_draping(prompt, wanted, unwanted):
    assert_reads(prompt, wanted, unwanted)


@pytest.mark.parametrize(
    "prompt, wanted, unwanted",
    [
        # "on one leg", "in one hand": which of one's pair, not how many the picture has
        ("a heron standing on one leg in a marsh", "Is the heron standing?", "Is there exactly one leg?"),
        (
            "a waitress carrying plates in one hand",
            "Is the waitress carrying the plates?",
            "Is there exactly one hand?",
        ),
        ("a waitress carrying plates in one hand", None, "Are the plates inside the hand?"),
        # a dream or a memory of a thing pictures the thing; no dream is drawn
        ("a vision of a floating castle above clouds", "Is there a castle?", "Is there a vision?"),
        # one who has a bad dream has it
        ("a puppy having a bad dream", "Is there a puppy?", None),
    ],
)
def test_one_of_a_pair_and_what_is_imagined(prompt, wanted, unwanted):
    assert_reads(prompt, wanted, unwanted)


def test_away_from_says_what_a_part_is_away_from():
    asked = questions("Her legs are together and both hands are held away from the hips.")
    assert "Are the hands away from the hips?" in asked
    assert "Are the hands away?" not in asked
    assert "Are the arms down?" in questions("The arms are down.")


@pytest.mark.parametrize(
    "prompt, wanted, unwanted",
    [
        # a short headline before a colon opening a caption names no thing in the picture
        (
            "Harvest Fest 2019: A farmer holds up a giant pumpkin at the fair",
            "Is there a pumpkin?",
            "Is there a harvest fest 2019?",
        ),
        ("umbrellas: Set of six flat icons in pastel colors", "Are there icons?", "Are there umbrellas?"),
        # but a thing before a colon, or a text word, is read
        ("a picnic blanket: two apples, a baguette and a jar of jam", "Is there a picnic blanket?", None),
        ("a short caption: three cats asleep on a windowsill", "Are there cats?", None),
    ],
)
def test_a_headline_before_a_colon_is_no_thing(prompt, wanted, unwanted):
    assert_reads(prompt, wanted, unwanted)


@pytest.mark.parametrize(
    "prompt, wanted, unwanted",
    [
        # an honorific's stop opens no sentence
        ("Mrs. Doubtfire waving from a window", "Is Mrs Doubtfire waving?", "Is there a doubtfire?"),
        # a body of water is water
        ("a heron near a body of water", "Is the heron near the water?", "Is there a body?"),
        # "a four door sedan": how many doors it has
        ("a green four door sedan", "Is the sedan four-door?", "Are there exactly four door sedans?"),
        ("a van with two doors open", "Are there exactly two doors?", None),
        # "all over" is on, everywhere
        (
            "a kitchen table with flour all over it",
            "Is the flour on the kitchen table?",
            "Is the flour above the kitchen table?",
        ),
        # a noun before the clause's verb ends its subject
        ("The pillow case is striped.", "Is the pillow case striped?", "Is the pillow casing?"),
    ],
)
def test_honorifics_bodies_of_water_doors_all_over_and_compound_subjects(prompt, wanted, unwanted):
    assert_reads(prompt, wanted, unwanted)


@pytest.mark.parametrize(
    "prompt, wanted, unwanted",
    [
        # a name after "to" is no verb
        ("a ferry sailing to Staten Island at dusk", None, "Is the ferry statening the island?"),
        # a thing full of flaws has them; nothing is inside it
        ("an old bucket that is full of holes", "Does the bucket have holes?", "Are the holes inside the bucket?"),
        ("a bucket full of apples", "Are the apples inside the bucket?", None),
    ],
)
def test_a_name_after_to_and_a_thing_full_of_flaws(prompt, wanted, unwanted):
    assert_reads(prompt, wanted, unwanted)


@pytest.mark.parametrize(
    "prompt, wanted, unwanted",
    [
        # colours after a plural noun are its colours
        ("four bar stools white", "Are the bar stools white?", "Are there bar stools whites?"),
        ("three roses pink and white", "Is one of the roses pink?", "Are there whites?"),
        # an escaped inch mark is a size, no thing
        ("ceramic vase 14 quot tall", "Is there a vase?", "Are there quots?"),
    ],
)
def test_colours_after_a_plural_and_an_inch_mark(prompt, wanted, unwanted):
    assert_reads(prompt, wanted, unwanted)


@pytest.mark.parametrize(
    "prompt, wanted, unwanted",
    [
        # an animal "in" colours is coloured so; a person wears them
        ("a parrot in green and yellow colors on a branch", "Is the parrot green?", "Is the parrot wearing green?"),
        ("a boy in blue", "Is the boy wearing blue?", None),
        # "has one eye open": which of the pair is so, not how many eyes
        ("The dog has one ear raised.", "Is the ear raised?", "Is there exactly one ear?"),
        # "in line with": aligned with it, no line
        ("The left foot is in line with the hips.", None, "Is the left foot in a line?"),
    ],
)
def test_colouring_one_of_a_pair_so_and_in_line_with(prompt, wanted, unwanted):
    assert_reads(prompt, wanted, unwanted)


def test_a_medium_on_its_support_is_the_images_with_no_comma_before_it():
    asked = questions("a lighthouse on a cliff at dawn acrylic on canvas")
    assert "Is the image acrylic on canvas?" in asked
    assert not [q for q in asked if "dawn acrylic" in q or "Is there acrylic" in q]


def test_a_place_opening_a_second_clause_after_a_comma_is_the_next_things():
    asked = questions("In this picture we can see a kite and at the top, there are two birds.")
    assert "Are the birds at the top of the image?" in asked
    assert "Is the kite at the top of the image?" not in asked


@pytest.mark.parametrize(
    "prompt, wanted, unwanted",
    [
        # a place straight after a where-clause's verb is the clause subject's (helper-75's review: it was lost)
        ("a meadow where a fox naps beside a log", "Is the fox next to the log?", None),
        ("an attic where mice hide behind boxes", "Are the mice behind the boxes?", None),
        # with an object, the place is the object's ...
        (
            "a bakery where a cook puts bread in an oven",
            "Is the bread inside the oven?",
            "Is the cook inside the oven?",
        ),
        # ... and after a comma the clause has ended
        ("a barn where a cow sleeps, with a red door", None, "Does the cow have a door?"),
        # a verb's own "with" ends it as a preposition does ("Is there a geese swim?" was asked)
        ("a pond where geese swim with their chicks", "Are the geese swimming?", None),
    ],
)
def test_a_place_after_a_where_clause_is_its_subjects(prompt, wanted, unwanted):
    assert_reads(prompt, wanted, unwanted)


@pytest.mark.parametrize(
    "prompt, wanted, unwanted",
    [
        # what follows a thing's flaws is the thing's again (helper-75's review: the holes hung on the line)
        ("an old towel full of stains drying on a rail", "Is the towel on the rail?", "Are the stains on the rail?"),
        ("a helmet full of dents beside a bike", "Is the helmet next to the bike?", "Are the dents next to the bike?"),
        ("a boat full of holes lying on the sand", "Is the boat lying?", "Are the holes lying?"),
        # more flaws, or the end, are still the thing's flaws
        ("a mirror full of cracks and scratches", "Does the mirror have scratches?", None),
    ],
)
def test_what_follows_a_things_flaws_is_the_things(prompt, wanted, unwanted):
    assert_reads(prompt, wanted, unwanted)


@pytest.mark.parametrize(
    "prompt, wanted, unwanted",
    [
        # "with one <part>" and nothing done with it or posed: how many the thing has (helper-75's review: lost)
        ("a pirate with one leg", "Is there exactly one leg?", None),
        ("a tiny robot with one arm and four wheels", "Is there exactly one arm?", None),
        # which of the pair, when the clause does something with it or it is posed
        ("a goalkeeper catching the ball with one hand", None, "Is there exactly one hand?"),
        ("a dancer with one leg in the air", None, "Is there exactly one leg?"),
        ("a waiter with one arm behind his back", None, "Is there exactly one arm?"),
    ],
)
def test_with_one_part_is_a_count_unless_the_part_acts_or_is_posed(prompt, wanted, unwanted):
    assert_reads(prompt, wanted, unwanted)


@pytest.mark.parametrize(
    "prompt, wanted, unwanted",
    [
        # "his"/"her" is the one the word says is he or she, not whoever was named last (helper-75's review: since
        # 025fdd8 a thing in the wrong owner's hand became "Is the grandma holding ...?") ...
        (
            "a boy and a grandma, a lollipop in his hand",
            "Is the boy holding the lollipop?",
            "Is the grandma holding the lollipop?",
        ),
        ("a lady and a monk, a fan in her hand", "Is the lady holding the fan?", "Is the monk holding the fan?"),
        # ... and a pronoun that agrees with the last one named is still that one's
        ("a man and a girl, a flower in her hand", "Is the girl holding the flower?", None),
    ],
)
def test_his_or_her_is_the_one_the_word_says(prompt, wanted, unwanted):
    assert_reads(prompt, wanted, unwanted)


@pytest.mark.parametrize(
    "prompt, wanted, unwanted",
    [
        # after "where" or "from which", a noun that is also a verb, then a verb: the noun is the subject
        # (helper-75's review: "Is the branch leaving the fall?")
        ("a branch from which leaves fall", "Are the leaves falling?", "Is there a fall?"),
        ("a shelf where boxes stand in a row", "Are the boxes standing?", "Is there a stand?"),
        # a subject that is no thing asked for is not the place's adjective ("Is the lamp light?")
        ("a lamp from which light shines", "Is there a lamp?", "Is the lamp light?"),
    ],
)
def test_a_where_clause_subject_that_is_also_a_verb_or_no_thing(prompt, wanted, unwanted):
    assert_reads(prompt, wanted, unwanted)


@pytest.mark.parametrize(
    "prompt, wanted, unwanted",
    [
        # one of a group with a thing in "his" hand: not all of them hold it (helper-75's review)
        ("three sailors, one with a rope in his hand", None, "Are the sailors holding the rope?"),
        # each of them, or their hands: they do
        ("three sailors, each with a rope in his hand", "Are the sailors holding the rope?", None),
        ("two nurses with cups in their hands", "Are the nurses holding the cups?", None),
    ],
)
def test_a_thing_in_one_of_a_groups_hand_is_not_held_by_all(prompt, wanted, unwanted):
    assert_reads(prompt, wanted, unwanted)


@pytest.mark.parametrize(
    "prompt, wanted, unwanted",
    [
        # a reflexive after an aimed or addressed verb is the doer's own self, no thing (helper-75's review: since
        # a601e2a "Is the boy waving at the himself?")
        ("a boy waving at himself in a shop window", "Is the boy waving at himself?", "Is there a himself?"),
        ("an old man singing to himself", "Is the man singing to himself?", "Is there a himself?"),
        # where one sees oneself is no place one is in
        ("a parrot staring at itself in a mirror", "Is there a mirror?", "Is the parrot inside the mirror?"),
    ],
)
def test_a_reflexive_after_an_aimed_verb_is_the_doers_own_self(prompt, wanted, unwanted):
    assert_reads(prompt, wanted, unwanted)


@pytest.mark.parametrize(
    "prompt, wanted, unwanted",
    [
        # "it is raining" is the weather; "it" is no thing that rains (helper-75's review: 40be577's "it is no
        # person" gave the rain to the last thing, "Is the umbrella raining?")
        ("a girl with an umbrella, it is raining", "Is it rainy in the image?", "Is the umbrella raining?"),
        ("a fox in a forest while it's snowing", "Is the scene a forest?", "Is the fox snowing?"),
    ],
)
def test_it_is_raining_is_the_weather(prompt, wanted, unwanted):
    assert_reads(prompt, wanted, unwanted)


def test_a_light_or_setting_before_a_colon_is_no_headline():
    assert "Is it sunset in the image?" in questions("sunset: a fishing boat moored in a quiet harbour")


@pytest.mark.parametrize(
    "prompt, wanted, unwanted",
    [
        # the end of a thing is where the thing is, no thing called "end"
        ("a fisherman standing at the end of a jetty", "Is the fisherman near the jetty?", "Is there an end?"),
        ("a bell on the end of a rope", "Is the bell on the rope?", "Is there an end?"),
        # a wet suit is one thing, not a suit that is wet
        ("a diver in a yellow wet suit", "Is the wet suit yellow?", "Is the suit wet?"),
    ],
)
def test_the_end_of_a_thing_and_a_wet_suit(prompt, wanted, unwanted):
    assert_reads(prompt, wanted, unwanted)


@pytest.mark.parametrize(
    "prompt, wanted, unwanted",
    [
        # stuff in a pile, bag or row is never counted; several of a plural or a group of ones who live are
        ("a goat eating from a heap of straw", "Is there straw?", "Are there at least two straws?"),
        ("a bag of flour on a counter", None, "Are there at least two flours?"),
        ("a flock of sheep on a hill", "Are there at least two sheep?", None),
        ("a pile of apples", "Are there at least two apples?", None),
        # the one at the bottom of a pile is in it, not below it
        ("two plates stacked, the plate on the bottom of the stack is blue", None, "Are the plates below the stack?"),
    ],
)
def test_stuff_is_never_counted_and_the_bottom_of_a_pile_is_in_it(prompt, wanted, unwanted):
    assert_reads(prompt, wanted, unwanted)


@pytest.mark.parametrize(
    "prompt, wanted, unwanted",
    [
        # the end of a span of time or an event says when, no place to be near
        ("at the end of winter, a fox crosses a frozen river", "Is there a fox?", "Is the fox near the winter?"),
        ("a cyclist waving at the end of the race", None, "Is the cyclist near the race?"),
        # the end of a thing is still where the thing is
        ("At the end of the jetty there is a lamp post.", "Is the lamp post near the jetty?", None),
    ],
)
def test_the_end_of_a_span_of_time_is_no_place(prompt, wanted, unwanted):
    assert_reads(prompt, wanted, unwanted)


def test_a_pile_of_a_plural_spelt_as_its_singular_is_several():
    assert "Are there at least two shrimp?" in questions("a bowl with a heap of shrimp on rice")
    assert not [q for q in questions("a heap of gravel by a road") if "at least" in q]


@pytest.mark.parametrize(
    "prompt, wanted, unwanted",
    [
        # a number after a capitalised name is part of the name (which flight, which road), never a count
        ("a pilot standing beside Flight 19", None, "Are there exactly nineteen flights?"),
        ("a sign for Route 66 in the desert", "Is there a sign?", "Are there exactly 66 routes?"),
        ("the crew of Apollo 11 waving", "Is the crew waving?", "Are there exactly eleven apollos?"),
        # a count before a noun is still a count
        ("a shelf with 3 jars of jam", "Are there exactly three jars?", None),
    ],
)
def test_a_number_after_a_name_is_the_names(prompt, wanted, unwanted):
    assert_reads(prompt, wanted, unwanted)


@pytest.mark.parametrize(
    "prompt, unwanted",
    [
        # a camera, lens maker, film stock or format named as a tag is how the picture was taken, no thing in it
        ("a lighthouse at dusk, Kodak Portra, Leica", "Is Leica in the image?"),
        ("a lighthouse at dusk, Kodak Portra, Leica", "Is Kodak Portra in the image?"),
        ("a fox in snow, shot on Canon EOS, Fujifilm", "Is Fujifilm in the image?"),
        ("a portrait of an old sailor, Nikon D850, 85mm lens, IMAX", "Is there an imax?"),
        ("a portrait of an old sailor, Nikon D850, 85mm lens, IMAX", "Is Nikon D850 in the image?"),
    ],
)
def test_a_camera_or_film_named_as_a_tag_is_no_thing(prompt, unwanted):
    assert_reads(prompt, None, unwanted)


def test_a_camera_in_a_sentence_is_still_a_thing():
    assert "Is there a polaroid camera?" in questions("a Polaroid camera on a wooden desk")


@pytest.mark.parametrize(
    "prompt, wanted, unwanted",
    [
        # "using" before a picture's look is how it is made, not something the look does
        ("a poster of a city skyline, using only red tones", "Does the image have red tones?", "Are the tones using?"),
        # a thing in the speaker's hands (no one named holds it) is held, never inside the hands
        ("Holding the moon in my hands", "Is there a moon?", "Is the moon inside the hands?"),
    ],
)
def test_how_a_picture_is_made_and_what_the_speaker_holds(prompt, wanted, unwanted):
    assert_reads(prompt, wanted, unwanted)


@pytest.mark.parametrize(
    "prompt, wanted, unwanted",
    [
        # what a book or a film is about does what follows it, not the book
        ("a book about a girl riding a horse", "Is the girl riding the horse?", "Is the book riding the horse?"),
        (
            "a poster for a film about a dog chasing a ball",
            "Is the dog chasing the ball?",
            "Is the poster chasing the ball?",
        ),
        # a list item of a thing doing what things do by themselves, when no one before could do it to them
        (
            "an old temple in a jungle, hanging vines, morning mist",
            "Are the vines hanging?",
            "Is the temple hanging the vines?",
        ),
        ("a cyberpunk city at night, flying cars, neon signs", "Are the cars flying?", None),
        ("a boy on a hill, flying kites", "Is the boy flying the kites?", None),
        # ... and the list goes on about the first thing
        (
            "a stone tower covered in moss, hanging vines, rising from a lake",
            "Is the tower rising?",
            "Are the vines rising?",
        ),
    ],
)
def test_what_a_work_is_about_and_things_listed_doing_what_they_do(prompt, wanted, unwanted):
    assert_reads(prompt, wanted, unwanted)


@pytest.mark.parametrize(
    "prompt, wanted, unwanted",
    [
        # a place written in lower case, alone after "in", is where the picture is set, not a thing to be inside
        ("a harbour town in portugal, sunset, fishing boats", "Is the image set in Portugal?", "Is there a portugal?"),
        # who someone is, by the story or place they come from (no article): nothing there is drawn
        ("a warrior from game of thrones holding a sword", "Is the warrior holding the sword?", "Is there a game?"),
        ("a girl from Paris walking a dog", "Is the girl walking the dog?", "Is Paris in the image?"),
        # with an article, where one comes from is a place in the picture as before
        ("a man from the village carrying a basket", "Is there a village?", None),
        ("water from a fountain", "Is there a fountain?", None),
        # a person's word naming a kind of thing ("wizard tower") is no one who could hang the lanterns
        ("a wizard tower, hanging lanterns, foggy night", "Are the lanterns hanging?", None),
        ("a sorceress casting a spell", "Is the sorceress casting the spell?", None),
    ],
)
def test_where_someone_comes_from_and_a_place_in_lower_case(prompt, wanted, unwanted):
    assert_reads(prompt, wanted, unwanted)


@pytest.mark.parametrize(
    "prompt, wanted, unwanted",
    [
        # a verb done to oneself keeps its object: "Is the robot repairing?" could not be answered
        ("a robot repairing itself on a workbench", "Is the robot repairing itself?", "Is the robot repairing?"),
        ("two cats grooming themselves", "Are the cats grooming themselves?", None),
        # the artist's tool a picture is made with is in no picture; what a cake is made with is
        ("a watercolor painting of a fox, painted with a fine brush", "Is there a fox?", "Is there a fine brush?"),
        ("a cake made with strawberries", "Are there strawberries?", None),
        # the medium a picture is done in is the kind of picture
        ("a portrait drawn in charcoal", "Is the image a charcoal drawing?", "Is there a charcoal?"),
        (
            "a harbour at dawn painted in watercolours, soft light",
            "Is the image in a watercolour painting style?",
            None,
        ),
        # "some" before a singular is stuff, never counted; before a plural, several
        ("some bread on a plate", "Is there bread?", "Are there at least two breads?"),
        ("some apples in a bowl", "Are there at least two apples?", None),
        # a limb bent at a joint is bent; no joint beside it
        ("her right arm bent at the elbow, palm up", "Is the right arm bent?", "Is the right arm near the elbow?"),
        ("a dancer folded at the waist", "Is the dancer folded at the waist?", None),
        # where the camera is, seen from the air: an aerial view, no aircraft in the picture
        ("a harbour as seen from a helicopter", "Is the image an aerial view?", "Is there a helicopter?"),
        ("a man seen from a plane window", "Is there a plane window?", "Is the image an aerial view?"),
    ],
)
def test_how_a_picture_was_made_and_what_one_does_to_oneself(prompt, wanted, unwanted):
    assert_reads(prompt, wanted, unwanted)


@pytest.mark.parametrize(
    "prompt, wanted, unwanted",
    [
        # a property a thing has not is never asked as if it had it
        ("a photo where the sky is not blue", "Is there sky in the image?", "Is the sky blue?"),
        ("the door is not open, a dog beside it", "Is the dog next to the door?", "Is the door open?"),
        ("a dark room and the background is not clear", "Is the scene a room?", "Is there no clear in the image?"),
        ("the animal is not a cat", "Is there no cat in the image?", None),
        # what a thing is for is not what it does
        ("glasses of wine for celebrating on a table", "Are the glasses on the table?", "Are the glasses celebrating?"),
        ("a knife for cutting bread, a loaf beside it", "Is there a loaf?", "Is the knife cutting the bread?"),
        ("a man waiting for a bus", "Is there a bus?", None),
        # bent all the way is bent; no thing called a double
        ("a man bent double, hands on knees", "Is the man bent?", "Is there a double?"),
        # computer graphics named as a tag is how the picture was made
        ("a robot, cgi, neon", "Is the image computer-generated?", "Is there a cgi?"),
        # where a text is on its own thing is not where the thing is
        (
            "a laptop with the word 'hello' on the screen",
            'Does the laptop say "hello"?',
            "Is the laptop on the screen?",
        ),
        ("a sign with the word 'STOP' on a pole", "Is the sign on the pole?", None),
        ("a car with a 'sale' sticker in the back window", "Is the sticker inside the window?", None),
    ],
)
def test_what_is_not_so_what_a_thing_is_for_and_where_its_text_is(prompt, wanted, unwanted):
    assert_reads(prompt, wanted, unwanted)


@pytest.mark.parametrize(
    "prompt, wanted, unwanted",
    [
        # the kind of back a seat has is one word before its noun, and the count reaches the chairs
        ("set of ten high back dining chairs", "Are there exactly ten dining chairs?", None),
        ("a cat lying on its back on a rug", "Is the cat on the rug?", None),
        # a number with an inch sign is a size, never a count, and opens no quoted text
        ('two 12" pizzas on a table', "Are there exactly two pizzas?", "Are there exactly twelve pizzas?"),
        ('a sign saying "ROOM 39" on a door', 'Does the sign say "ROOM 39"?', None),
        # a listing's options in brackets: the picture shows at most one, so none is asked
        ("a sofa (white / grey) in a living room", "Is there a sofa?", "Is the sofa white?"),
    ],
)
def test_a_listings_sizes_options_and_kinds_of_back(prompt, wanted, unwanted):
    assert_reads(prompt, wanted, unwanted)


def test_a_prompt_pasted_as_a_spreadsheet_cell_is_read_as_its_text():
    asked = questions('"a set of four ""Willow"" cups on a tray"')
    assert 'Do the cups say "Willow"?' in asked
    assert "Are there exactly four cups?" in asked
    assert not [q for q in asked if q.startswith("Does the image show the text")]


def test_a_quote_after_a_number_is_what_each_thing_counted_says():
    asked = questions("two 'EXIT' signs on a wall")
    assert "Are there exactly two signs?" in asked
    assert 'Do the signs say "EXIT"?' in asked
    assert "Are the signs on the wall?" in asked


@pytest.mark.parametrize(
    "prompt, wanted, unwanted",
    [
        # going over or into a thing done to it: no place above or inside it
        ("a man tripping over a cat", "Is the man tripping over the cat?", "Is the man above the cat?"),
        ("a horse jumping over a fence", "Is the horse above the fence?", None),
        ("a car slamming into a wall", "Is the car slamming into the wall?", "Is the car inside the wall?"),
        ("a bridge over a river", "Is the bridge above the river?", None),
        ("a cat walking into a box", "Is the cat inside the box?", None),
        # a machine after "with" does what follows, not the place that has it
        (
            "a sunflower field with a tractor about to run over a sunflower",
            "Is the tractor running over the sunflower?",
            "Is the sunflower field running over the sunflower?",
        ),
        (
            "a road with a car driving through a puddle",
            "Is the car driving through the puddle?",
            "Is the road driving through the puddle?",
        ),
        ("a man with a bike riding down a hill", "Is the man riding down the hill?", None),
        # a text written on a thing, then in a medium: the text is in the medium
        (
            "a wall with the word 'stop' written on it in red spray paint",
            'Is the word "stop" red?',
            "Is there a spray paint?",
        ),
        # full grown, royalty free: one word, or how a picture may be used
        ("a full grown rooster in a yard", "Is the rooster full-grown?", "Is the rooster full?"),
        ("stock footage of a beach, royalty free", "Is the scene a beach?", "Is there a royalty free?"),
        # a picture that names a style, then names in its tags: whose style it is
        (
            "portrait of a woman, oil painting, richard schmid, jeremy lipking",
            "Is the image in the style of richard schmid?",
            "Is there a jeremy?",
        ),
        ("photo of a market, nigiri, sashimi, wasabi", "Is there a sashimi?", None),
    ],
)
def test_going_over_or_into_a_machines_doing_and_names_in_a_styled_pictures_tags(prompt, wanted, unwanted):
    assert_reads(prompt, wanted, unwanted)


@pytest.mark.parametrize(
    "prompt, wanted, unwanted",
    [
        # an -s verb before an owner's word is what the one just named does; the owner's word is never a verb
        ("the person arches their back", "Is the person arching the back?", "Are there person arches?"),
        ("the person arches their arm", "Is the person arching the arm?", None),
        ("the man raises his arm", "Is the man raising the arm?", None),
    ],
)
def test_an_s_verb_before_an_owners_word(prompt, wanted, unwanted):
    assert_reads(prompt, wanted, unwanted)
    assert not [q for q in questions(prompt) if "theiring" in q or "herring" in q]


def test_three_name_shaped_tags_in_a_row_with_a_full_name_are_names():
    asked = questions("a lighthouse in a storm, oil painting, moebius, brom, ian miller, moody colors")
    assert "Is the image in the style of brom?" in asked
    assert "Is the image in the style of ian miller?" in asked
    assert "Is there a brom?" not in asked
    # single words no dictionary knows may be things
    assert "Is there a sashimi?" in questions("a sushi platter, studio light, nigiri, sashimi, wasabi")


def test_a_plus_between_words_joins_two_things():
    asked = questions("a huge lighthouse + boat house, 4k")
    assert "Is there a lighthouse?" in asked
    assert "Is there a boat house?" in asked
    assert "Is there a lighthouse boat house?" not in asked


@pytest.mark.parametrize(
    "prompt, wanted, unwanted",
    [
        # what a thing is used to do is what it does; "used" alone cannot be answered
        ("her elbow is being used to cover her face", "Is the elbow covering the face?", "Is the elbow used?"),
        ("a spoon used to stir a pot of soup", "Is the spoon stirring the pot?", "Is the spoon used?"),
        ("a used car on a lot", "Is the car used?", None),
    ],
)
def test_what_a_thing_is_used_to_do(prompt, wanted, unwanted):
    assert_reads(prompt, wanted, unwanted)


@pytest.mark.parametrize(
    "prompt, wanted, unwanted",
    [
        # right after ones who can act, a verb is theirs, never the place's or the picture's
        (
            "a library filled with kids reading books",
            "Are the kids reading the books?",
            "Is the library reading the books?",
        ),
        ("a square full of pigeons pecking at crumbs", "Are the pigeons pecking?", "Is the square pecking?"),
        (
            "a statue of a man tripping over a cat",
            "Is the man tripping over the cat?",
            "Is the statue tripping over the cat?",
        ),
        # a thing after them stays where it was said to be
        ("a table covered with books and a lamp", "Is the lamp on the table?", None),
    ],
)
def test_a_verb_right_after_ones_who_can_act_is_theirs(prompt, wanted, unwanted):
    assert_reads(prompt, wanted, unwanted)


@pytest.mark.parametrize(
    "prompt, wanted, unwanted",
    [
        # what a thing misses is not asked for
        (
            "a pickup truck missing its wheels",
            "Is the pickup truck missing the wheels?",
            "Does the pickup truck have wheels?",
        ),
        ("a guitar lacking strings on a stand", "Is there a guitar?", "Are there strings?"),
        # the camera's side of the subject is the picture's, and the subject does what follows
        ("a front view of a truck on a highway", "Is the image a front view?", "Is there a front view?"),
        (
            "three quarters front view of a bus turning a corner",
            "Is the image a three-quarter view?",
            "Is the front view turning?",
        ),
        # a medium named alone as the last tag is the picture's look
        ("a fox in the snow. Charcoal.", None, "Is there a charcoal?"),
        ("a harbour at dawn, detailed ink wash", None, "Is there an ink wash?"),
        ("a charcoal grill on a patio", "Is there a charcoal grill?", None),
        # "it's" before a body part is "its"
        ("a dog sticking it's head out of a car window", "Does the dog have a head?", None),
    ],
)
def test_what_is_missing_the_cameras_side_and_a_medium_tag(prompt, wanted, unwanted):
    assert_reads(prompt, wanted, unwanted)


@pytest.mark.parametrize(
    "prompt, wanted, unwanted",
    [
        # an -ing after "is" with where it happens after it is what the thing does
        ("the sun is setting over the sea", "Is the sun setting?", "Is there a setting?"),
        # how far is no thing; where is
        ("The sloth stands a few feet in front of a tree", "Is the sloth in front of the tree?", "Are there feet?"),
        ("a dog two metres behind a car", "Is the dog behind the car?", None),
        ("a bear standing on two feet behind a fence", "Are there exactly two feet?", None),
        # how one is, not a place one is in
        ("a rabbit doubled over in pain", "Is the rabbit in pain?", "Is the rabbit inside the pain?"),
        ("a girl in tears on a bench", "Is the girl in tears?", "Are there tears?"),
        # where smoke comes from, what one tries to do
        ("Smoke comes from the chimney of a cabin", "Is the smoke coming from the chimney?", "Is the smoke coming?"),
        ("a cat trying to catch a fish in a bowl", "Is the cat catching the fish?", "Is the cat trying?"),
        # how a photo was taken is no act of the photo
        ("A photo taken looking down at a street", "Is the scene a street?", "Is the photo looking down?"),
        ("a photo of a man looking at a map", "Is the man looking at the map?", None),
    ],
)
def test_how_far_how_one_is_and_what_one_tries(prompt, wanted, unwanted):
    assert_reads(prompt, wanted, unwanted)


@pytest.mark.parametrize(
    "prompt, wanted, unwanted",
    [
        # helper-89's review of this session's rules: ordinary sentences near each rule's shape, read as before
        ("Draw 3 red apples on a wooden table", "Are there exactly three apples?", None),
        ("Exactly 2 yellow bananas in a bowl", "Are there exactly two bananas?", None),
        ("a woman in kimono, holding a fan", "Is the woman wearing the kimono?", "Is the image set in Kimono?"),
        ("a basket filled with apples sitting on a table", "Is the basket on the table?", "Are the apples sitting?"),
        (
            "a mirror behind a girl reflecting the sunset",
            "Is the mirror reflecting a sunset?",
            "Is the girl reflecting a sunset?",
        ),
        ("a tennis player missing the ball", "Is there a ball?", None),
        ("a car with a rear view mirror and fuzzy dice", None, "Is the image a rear view?"),
        ("a barbecue grill, charcoal, sausages, tongs", None, "Is the image in a charcoal style?"),
        ("a desk, sony headphones, a lamp", "Are there sony headphones?", None),
        ("a poster about whales hanging in a classroom", None, "Are the whales hanging?"),
        ("a man washes his back window", "Is the man washing the window?", "Is the man washing the back?"),
        ("a camel with a high back standing in the sand", "Is the camel standing?", "Is there a high-back?"),
        ('a banner that says "IT\'S BACK" over a door', 'Does the banner say "IT\'S BACK"?', None),
        ("a sculpture of a bear made with pencils", "Are there pencils?", None),
    ],
)
def test_sentences_near_this_sessions_rules_read_as_before(prompt, wanted, unwanted):
    assert_reads(prompt, wanted, unwanted)


@pytest.mark.parametrize(
    "prompt, wanted, unwanted",
    [
        # a prize is a thing; "award winning" is praise
        ("a scientist accepting an award", "Is the scientist accepting the award?", "Is the scientist accepting?"),
        ("an award winning photo of a fox", "Is there a fox?", "Is there an award?"),
        # a lens tag is the shot, no lens in the picture
        ("a beach at sunset. Wide-angle lens.", "Is the image a wide-angle shot?", "Is there a lens?"),
        # "the time of day" names no daytime
        ("the time of day seems to be in the evening", None, "Is it daytime in the image?"),
        # "but not" before a last word is a property the thing has not
        ("the legs are close but not joined.", "Are there legs?", "Is there no joined in the image?"),
    ],
)
def test_a_prize_a_lens_tag_the_time_of_day_and_but_not(prompt, wanted, unwanted):
    assert_reads(prompt, wanted, unwanted)


@pytest.mark.parametrize(
    "prompt, wanted, unwanted",
    [
        # helper-94's review of cb47a4e: sentences near its mends, read right
        ("a lamp next to a man reading a book", "Is the man reading the book?", "Is the lamp reading the book?"),
        ("Route 66 sign in the desert", None, "Are there exactly 66 signs?"),
        ("Boeing 747 landing at an airport", None, "Are there exactly 747 landings?"),
        ("a chair missing a leg", "Is the chair missing the leg?", "Is there a leg?"),
        ("a painting about a man standing in the rain", "Is the man standing?", "Is the painting standing?"),
        ("a poem about a bird flying over the sea", "Is the bird flying?", "Is the poem flying?"),
        ("some steps in front of a house", "Are the steps in front of the house?", None),
        ("a baby lifting its two feet off the blanket", "Are there exactly two feet?", None),
        ("a dog seven feet behind a car", "Is the dog behind the car?", "Are there exactly seven feet?"),
        ("a photo taken by a drone over a forest", "Is there a forest?", "Is there a drone?"),
        ("a lamp (brass/copper) on a desk", "Is the lamp on the desk?", "Is the copper made of brass?"),
        ("a rear view of a truck on a highway", "Is the truck on the highway?", "Is the rear view on the highway?"),
        ("a cat on a sofa, charcoal sketch", "Is the image a charcoal sketch?", "Is there a charcoal?"),
        ("a kite stuck in a tree", "Is the kite stuck?", "Is the kite sticking?"),
    ],
)
def test_sentences_near_the_mends_of_cb47a4e(prompt, wanted, unwanted):
    assert_reads(prompt, wanted, unwanted)


def test_a_slash_between_capitals_is_a_name_not_options():
    asked = questions("a stage with a drum kit (AC/DC) and lights")
    assert [q for q in asked if "ac dc" in q.lower()]


@pytest.mark.parametrize(
    "prompt, wanted, unwanted",
    [
        # helper-99's review of 132c094 and 5738e9d: sentences near their mends, read right
        ("Draw 1 apple on a plate", "Is there exactly one apple?", None),
        ("Exactly 3 big red apples in a bowl", "Are there exactly three apples?", None),
        ("Show 3 sheep in a field", "Are there exactly three sheep?", None),
        (
            "a square full of people holding signs",
            "Are the people holding the signs?",
            "Is the square holding the signs?",
        ),
        ("a statue of a man holding a sword", "Is the man holding the sword?", "Is the statue holding the sword?"),
        ("a table next to a woman holding a cup", "Is the woman holding the cup?", "Is the table holding the cup?"),
        ("a letter about a king burning in a fireplace", "Is the letter burning?", "Is the king burning?"),
        ("a story about a boy lying in the grass", "Is the boy lying?", "Is the story lying?"),
        ("a pizza with cheese but not tomatoes", "Is there no tomato in the image?", None),
        (
            "a photographer holding a wide-angle lens",
            "Is the photographer holding the lens?",
            "Is the image a wide-angle shot?",
        ),
        (
            "a sketchbook with a charcoal drawing in it",
            "Is there a charcoal drawing?",
            "Is the image a charcoal drawing?",
        ),
        ("a shot taken by a river at dawn", "Is the scene a river?", None),
        ("a bicycle missing the front wheel", "Is the bicycle missing the front wheel?", "Is there a front wheel?"),
        ("a dancer lifting both feet above the floor", "Are there feet?", None),
        ("a boat two miles off the coast", "Is there a coast?", "Are there exactly two miles?"),
        ("a runner with an award, winning a race", "Is the runner winning the race?", "Does the runner have a race?"),
        ("the hands of a single person holding a basketball", "Are the hands holding the basketball?", None),
    ],
)
def test_sentences_near_the_mends_of_5738e9d(prompt, wanted, unwanted):
    assert_reads(prompt, wanted, unwanted)


@pytest.mark.parametrize(
    "prompt, wanted, unwanted",
    [
        # a verb of going somewhere asks the way it goes: alone ("Is the van going?") nothing in a picture answers it
        (
            "a delivery van going up a steep hill",
            "Is the delivery van going up the hill?",
            "Is the delivery van going?",
        ),
        ("a fox heading toward a barn", "Is the fox heading toward the barn?", "Is the fox heading?"),
        ("a girl getting out of a canoe", "Is the girl getting out of the canoe?", "Is the girl getting?"),
        (
            "a stone path leading to a lighthouse",
            "Is the path leading to the lighthouse?",
            "Is the path leading?",
        ),
        ("a ferry passes by while gulls circle", "Is the ferry passing by?", "Is the ferry passing?"),
        ("an old dog that comes home", "Is the dog coming home?", "Is there a home?"),
        ("ivy growing through a window frame", "Is the ivy growing through the window frame?", "Is the ivy growing?"),
        # a scene it goes to is still the scene
        ("a horse coming down the beach", "Is the horse coming down the beach?", "Is the horse coming?"),
        ("a horse coming down the beach", "Is the scene a beach?", None),
        # "going to" and a verb is what one means to do: no going to ask, the verb is read
        ("a man going to paint a fence", "Is the man painting the fence?", "Is the man going?"),
        # a thing moved: where it is moved is its state ("Is the pie taken?" asked nothing one can see)
        (
            "an apple pie being taken out of an oven",
            "Is the apple pie taken out of the oven?",
            "Is the apple pie taken?",
        ),
        ("a wheelbarrow pushed out", "Is the wheelbarrow pushed out?", "Is the wheelbarrow pushed?"),
        # a word cut short is no place: the state and the place are read as before
        ("a leg lifted to just below the hip", "Is the leg lifted?", "Is the leg lifted to just?"),
        # verbs that are not of going keep their own reading
        ("a cat sitting on a mat", "Is the cat on the mat?", "Is the cat sitting on the mat?"),
    ],
)
def test_a_verb_of_going_asks_the_way_it_goes(prompt, wanted, unwanted):
    assert_reads(prompt, wanted, unwanted)


@pytest.mark.parametrize(
    "prompt, wanted, unwanted",
    [
        # capitalised adjectives right after a noun in lower case are its name: which one, not what it is like
        ("the tugboat Brave Little on a river", "Is there a tugboat?", "Is the tugboat brave?"),
        ("our cat Fluffy asleep on a rug", "Is the cat asleep?", "Is the cat fluffy?"),
        ("my parrot Lucky on a perch", "Is the parrot on the perch?", "Is the parrot lucky?"),
        ("the old cruise ship Titanic and an iceberg", "Is there an iceberg?", "Is the cruise ship titanic?"),
        ("the famous geyser Old Faithful", "Is the geyser famous?", "Is the geyser faithful?"),
        # after an adjective, a capitalised word is a tag of what it is like
        ("view of the big city Futuristic", "Is the city futuristic?", None),
        # in lower case the same words are what it is like
        ("a brave little tugboat on a river", "Is the tugboat brave?", None),
        ("a fluffy cat asleep on a rug", "Is the cat fluffy?", None),
        # after "a", or joined by "and", capitalised words are properties written in capitals
        ("a puppy Cute and Fluffy", "Is the puppy fluffy?", None),
        ("a mountain lake Beautiful", "Is the mountain lake beautiful?", None),
        # a capitalised colour opening a tag after a comma is still the picture's ("Black and White")
        ("a cat. Black and white photo", "Is the photo black and white?", None),
    ],
)
def test_a_name_after_a_noun_asks_no_property(prompt, wanted, unwanted):
    assert_reads(prompt, wanted, unwanted)


@pytest.mark.parametrize(
    "prompt, wanted, unwanted",
    [
        # "with" after a thing that holds things puts them on or in it: where it is, which a picture shows
        ("a workbench with a hammer", "Is the hammer on the workbench?", "Does the workbench have a hammer?"),
        ("a wicker basket with three kittens", "Are the kittens inside the basket?", "Does the basket have kittens?"),
        (
            "a shelf with a lamp and a clock",
            "Is the clock on the shelf?",
            "Does the shelf have a clock?",
        ),
        # its own parts and what is on its outside are had, not put ("a mug with a chipped handle")
        ("a mug with a chipped handle", "Does the mug have a handle?", "Is the handle inside the mug?"),
        ("a bowl with a sticker", None, "Is the sticker inside the bowl?"),
        # a person with a table is at it, not on it; a picture of things on a vase is no thing in it
        ("a table with a waiter", None, "Is the waiter on the table?"),
        ("a plate with a painting of a bird", None, "Is the painting on the plate?"),
        # a thing with a place of its own says it ("a pot with a sign on it")
        ("a desk with a lamp in the corner", "Does the desk have a lamp?", "Is the lamp on the desk?"),
        # one that holds no things keeps the having
        ("a dog with a ball", "Does the dog have a ball?", None),
        # furniture beside it, a holder's own parts, a place said for one of its things (helper-110's sentences)
        ("a wooden table with four chairs", "Does the table have chairs?", "Are the chairs on the table?"),
        ("a cup with a saucer", None, "Is the saucer inside the cup?"),
        ("a leather bag with a zipper", None, "Is the zipper inside the bag?"),
        ("a table with a dog sitting beside it", "Is the dog next to the table?", "Is the dog on the table?"),
        ("a plate with a fork and a knife beside it", None, "Is the knife on the plate?"),
        (
            "a plate with cookies and a glass of milk next to it",
            "Does the plate have a glass?",
            "Is the glass on the plate?",
        ),
        # a place said of the list is its own; none of its things is put ("leaning against it")
        ("a table with a bicycle and a scooter leaning against it", None, "Is the bicycle on the table?"),
        ("a bowl with steam rising from it", None, "Is the steam inside the bowl?"),
        ("a crate with wooden slats", None, "Are the slats inside the crate?"),
        # furniture is beside a table, but in a room
        ("a classroom with desks", "Are the desks inside the classroom?", None),
    ],
)
def test_a_thing_with_things_put_on_or_in_it_asks_where_they_are(prompt, wanted, unwanted):
    assert_reads(prompt, wanted, unwanted)


@pytest.mark.parametrize(
    "prompt, wanted, unwanted",
    [
        # the way a movement goes is asked with its verb, the place by its name (its properties asked apart)
        (
            "a hedgehog scurrying across a dusty path",
            "Is the hedgehog scurrying across the path?",
            "Is the hedgehog scurrying?",
        ),
        ("a canoe drifting past a red lighthouse", "Is the canoe drifting past the lighthouse?", None),
        (
            "a goat climbing up a steep cliff",
            "Is the goat climbing up the cliff?",
            "Is the goat climbing up the steep cliff?",
        ),
        ("a snail crawling along a stalk of celery", "Is the snail crawling along the stalk of celery?", None),
        ("two kids sledding down a snowy hill", "Are the kids sledding down the hill?", None),
        # a way with no place after it is said alone, and a how is no place
        ("a kite soaring up", "Is the kite soaring up?", None),
        ("a cat with its tail sticking up straight", None, "Is the tail sticking up the straight?"),
    ],
)
def test_the_way_a_movement_goes_is_asked_with_its_verb(prompt, wanted, unwanted):
    assert_reads(prompt, wanted, unwanted)


@pytest.mark.parametrize(
    "prompt, wanted, unwanted",
    [
        # after "where", the clause's subject does what follows a copula
        (
            "a garage where a mechanic is fixing a motorbike",
            "Is the mechanic fixing the motorbike?",
            "Is the garage fixing the motorbike?",
        ),
        ("a lagoon where flamingos are wading", "Are the flamingos wading?", "Is the lagoon wading?"),
        ("a field where boys are playing football", "Are the boys playing football?", "Is there a football?"),
        ("a gym where people are lifting weights", "Are the people lifting weights?", "Are the people lifting?"),
        # a verb after "beside her", "next to them" is the verb of the one before it, not a thing "holds"
        ("a girl beside her waves a ribbon", "Is the girl waving the ribbon?", "Does the girl have waves?"),
        ("a dog next to them carries a stick", "Is the dog carrying the stick?", "Are there carries?"),
        # a thing that holds things does not act: what it holds is on or in it
        (
            "a wicker basket holding four apples",
            "Are the apples inside the basket?",
            "Is the basket holding the apples?",
        ),
        ("a silver tray holding two teacups", "Are the teacups on the tray?", "Is the tray holding the teacups?"),
        ("a glass vase holding tulips", "Are the tulips inside the vase?", None),
        ("a mug bearing the company logo", None, "Is the company logo inside the mug?"),
        # a list of held things is held, each; one who holds is no holder of things (a pitcher, Peter Pan)
        ("a bowl holding apples and pears", "Are the pears inside the bowl?", None),
        (
            "a baseball pitcher holding a ball",
            "Is the baseball pitcher holding the ball?",
            "Is the ball inside the baseball pitcher?",
        ),
        ("a box holding a lid", None, "Is the lid inside the box?"),
        ("a boy holding a tray", "Is the boy holding the tray?", None),
        # a hood, a cape, a shawl are worn by one who can wear them; a car's hood is not
        ("a child in a green cape", "Is the child wearing the cape?", "Is the child inside the cape?"),
        ("a leaf reflected in the hood of a red truck", None, "Is the leaf wearing the hood?"),
    ],
)
def test_where_clauses_pronoun_places_holders_and_worn_hoods(prompt, wanted, unwanted):
    assert_reads(prompt, wanted, unwanted)


@pytest.mark.parametrize(
    "prompt, wanted, unwanted",
    [
        # "hundreds of", "thousands of": many of them, no thing called hundreds
        ("a lake lit by thousands of lanterns", "Are there lanterns?", "Are there thousands?"),
        ("hundreds of paper cranes hanging from a ceiling", "Are there cranes?", "Are there hundreds?"),
        # after a number they say how many; tons and loads are measures, a string of a kite is its string
        ("two dozens of eggs in a crate", "Are there exactly 24 eggs?", "Are there at least two eggs?"),
        ("a truck carrying two tons of sand", None, "Are there at least two sands?"),
        ("a girl holding the string of a kite", "Is the girl holding the string?", "Is the girl holding the kite?"),
    ],
)
def test_many_said_as_hundreds(prompt, wanted, unwanted):
    assert_reads(prompt, wanted, unwanted)


@pytest.mark.parametrize(
    "prompt, wanted, unwanted",
    [
        # a "by" after the places that follow a participle names who did it, when it is one who can act
        (
            "a paper boat carried down a stream by a boy",
            "Is the boy carrying the boat?",
            "Is the boat next to the boy?",
        ),
        ("a pie taken out of an oven by a baker", "Is the baker taking the pie?", "Is the pie next to the baker?"),
        ("a kite caught in a tree by a boy", None, "Is the boy catching the kite?"),
        ("a car stuck in the mud by a farmer", None, "Is the farmer sticking the car?"),
        ("a hat hung on a peg by two old coats", None, "Are the old coats old?"),
        (
            "a horse led through a field by a farmer",
            "Is the farmer leading the horse?",
            "Is the horse leading through the field?",
        ),
        ("a cabin built on a hill by the sea", None, "Is the scene a sea?"),
        # one another, each other: what they do to each other, asked so
        ("two deer facing each other", "Are the deer facing each other?", "Are the deer facing?"),
        # what one has lost is gone, and asked as lost
        ("a puppy that just lost its collar", "Has the puppy lost the collar?", "Does the puppy have a collar?"),
        # one losing it still has it
        ("an oak tree losing its leaves", "Is the oak tree losing the leaves?", "Has the oak tree lost the leaves?"),
        ("a gecko losing its tail", "Does the gecko have a tail?", None),
        ("a man who lost his hat", "Has the man lost the hat?", "Is the man wearing the hat?"),
    ],
)
def test_passive_agents_reciprocals_and_losses(prompt, wanted, unwanted):
    assert_reads(prompt, wanted, unwanted)


@pytest.mark.parametrize(
    "prompt, wanted, unwanted",
    [
        # one going somewhere on or in what one rides is on or in it, not the place gone to
        ("a boy going up a hill on a bicycle", "Is the boy on the bicycle?", "Is the hill on the bicycle?"),
        ("a boy going up a hill on a red bicycle", "Is the boy on the bicycle?", "Is the hill on the bicycle?"),
        ("two kids going down a slope in a wagon", "Are the kids inside the wagon?", "Is the slope inside the wagon?"),
        ("a girl going to a house on a hill", "Is the house on the hill?", None),
        # a text in capitals after a verb of writing is the text
        ("a boy writing BONEZ on a chalkboard", 'Does the chalkboard say "BONEZ"?', "Is there a boy writing bonez?"),
        # a participle after "some" is the next noun's ("some dried leaves"), not a verb of the thing before
        ("the trees, some dried leaves", "Are the leaves dried?", "Are the trees drying the leaves?"),
        # an -ing verb after "many" is what they do
        ("a crowd of fans, many holding flags", "Are the fans holding the flags?", "Are there holding flags?"),
        # capitals after "wrote" are read as before, not as a text the writer says
        ("a kid wrote HAPPY BIRTHDAY on a cake", None, 'Does the kid say "HAPPY BIRTHDAY"?'),
        # a moved thing's place goes on past a participle read as a verb ("a wood fired oven"): read as before
        ("a pizza taken out of a wood fired oven", None, "Is the pizza taken out of the wood?"),
        # a moved thing's place ends before another participle
        ("a leg lifted off the ground bent at the knee", "Is the leg lifted off the ground?", None),
    ],
)
def test_riders_written_capitals_and_participles_after_some(prompt, wanted, unwanted):
    assert_reads(prompt, wanted, unwanted)
