"""checks_from_expected: GenEval's structured expectations as DSG-style checks (evaluation contract)."""

import json
from pathlib import Path

import pytest

from imagegate_service.expected_checks import ExpectationError, checks_from_expected

pytestmark = pytest.mark.unit

GENEVAL = Path(__file__).resolve().parents[4] / "shared" / "benchmarks" / "geneval_evaluation_metadata.jsonl"


def test_each_include_item_gives_an_entity_check_and_its_details_are_children():
    expected = {
        "include": [
            {"class": "teddy bear", "count": 1},
            {"class": "dog", "count": 3, "color": "red", "position": ["right of", 0]},
        ],
        "exclude": [{"class": "dog", "count": 4}, {"class": "cat", "count": 1}],
    }

    checks = checks_from_expected(expected)

    by_kind = {}
    for check in checks:
        by_kind.setdefault(check["kind"], []).append(check)
    entity = {c["subject"]: c["id"] for c in by_kind["entity"]}
    assert set(entity) == {"teddy bear", "dog"}
    assert by_kind["count"] == [
        {
            "id": by_kind["count"][0]["id"],
            "kind": "count",
            "question": "Are there exactly three dogs?",
            "subject": "dog",
            "count": 3,
            "parent": entity["dog"],
        }
    ]
    assert by_kind["colour"][0]["colour"] == "red" and by_kind["colour"][0]["parent"] == entity["dog"]
    assert by_kind["colour"][0]["question"] == "Are the dogs all red?"  # a question an evaluator model can parse
    relation = by_kind["relation"][0]
    assert (relation["subject"], relation["relation"], relation["object"], relation["parent"]) == (
        "dog",
        "right of",
        "teddy bear",
        entity["dog"],
    )
    absent = {c["subject"]: c for c in by_kind["absent"]}
    assert absent["dog"]["count"] == 4 and "count" not in absent["cat"]
    assert len({c["id"] for c in checks}) == len(checks)
    assert all(c.get("parent") in (None, *entity.values()) for c in checks)
    assert all("parent" not in c for c in by_kind["entity"] + by_kind["absent"])


def test_a_single_object_needs_no_count_check():
    checks = checks_from_expected({"include": [{"class": "cow", "count": 1}]})
    assert [c["kind"] for c in checks] == ["entity"] and checks[0]["question"] == "Is there a cow?"


@pytest.mark.parametrize(
    ("expected", "field"),
    [
        ({}, "expected.include"),
        ({"include": []}, "expected.include"),
        ({"include": [{"count": 1}]}, "expected.include[0].class"),
        ({"include": [{"class": "cow", "count": 0}]}, "expected.include[0].count"),
        ({"include": [{"class": "cow", "count": 1, "position": ["behind", 0]}]}, "expected.include[0].position"),
        (
            {"include": [{"class": "cow", "count": 1}, {"class": "dog", "count": 1, "position": ["above", 5]}]},
            "expected.include[1].position",
        ),
        ({"include": [{"class": "cow", "count": 1}], "exclude": "cow"}, "expected.exclude"),
    ],
)
def test_bad_expectations_name_the_field(expected, field):
    with pytest.raises(ExpectationError, match=field.replace("[", r"\[").replace("]", r"\]")):
        checks_from_expected(expected)


def test_every_geneval_item_gives_valid_contract_checks():
    if not GENEVAL.exists():
        pytest.skip("public GenEval metadata not available")
    import jsonschema

    from imagegate_service import prompts

    schema = prompts.schema("evaluation_checks.schema.json")
    for line in GENEVAL.read_text().splitlines():
        item = json.loads(line)
        checks = checks_from_expected(item)
        jsonschema.validate({"checks": checks}, schema)
        wanted = sum(1 + (i["count"] > 1) + ("color" in i) + ("position" in i) for i in item["include"])
        assert len(checks) == wanted + len(item.get("exclude", []))


def test_expected_items_carry_attributes_relations_text_action_and_settings():
    # Given an annotation of "a wooden sign saying "OPEN" between a cat and a dog riding a skateboard, at night"
    expected = {
        "include": [
            {
                "class": "sign",
                "count": 1,
                "attributes": [{"attribute": "Wooden", "attributeKind": "material"}],
                "relations": [{"relation": "between", "object": 1, "object2": 2}],
                "text": "OPEN",
            },
            {"class": "cat", "count": 1},
            {
                "class": "dog",
                "count": 1,
                "action": {"action": "ride", "object": 3},
                "relations": [{"relation": "near", "object": 0}],
            },
            {"class": "skateboard", "count": 1},
        ],
        "light": "night",
    }
    # When it becomes checks
    checks = checks_from_expected(expected)
    by_question = {c["question"]: c for c in checks}
    # Then each field is one plain, one-property question with its structured facts and its entity as parent
    assert by_question["Is the sign wooden?"]["attributeKind"] == "material"
    between = by_question["Is the sign between the cat and the dog?"]
    assert (between["relation"], between["object"], between["object2"]) == ("between", "cat", "dog")
    assert by_question['Does the sign say "OPEN"?']["text"] == "OPEN"
    riding = by_question["Is the dog riding the skateboard?"]
    assert (riding["action"], riding["object"], riding["parent"]) == ("ride", "skateboard", "c3")
    assert by_question["Is the dog near the sign?"]["relation"] == "near"
    assert by_question["Does the image show night lighting?"]["setting"] == "night"
    assert "parent" not in by_question["Does the image show night lighting?"]


def test_settings_alone_are_enough():
    checks = checks_from_expected({"include": [], "scene": "street", "style": "comic book"})
    assert [c["kind"] for c in checks] == ["scene", "style"]


@pytest.mark.parametrize(
    ("item", "field", "limit"),
    [
        ({"attributes": [{"attribute": ""}]}, "expected.include[0].attributes[0].attribute", "1-64"),
        ({"attributes": [{"attribute": "odd", "attributeKind": "smell"}]}, "attributeKind", "shape, material"),
        ({"attributes": [{"attribute": "x"}] * 9}, "expected.include[0].attributes", "at most 8"),
        ({"relations": [{"relation": "atop", "object": 1}]}, "expected.include[0].relations[0].relation", "left of"),
        ({"relations": [{"relation": "on", "object": 0}]}, "expected.include[0].relations[0].object", "(0-1)"),
        ({"relations": [{"relation": "between", "object": 1}]}, "expected.include[0].relations[0].object2", "(0-1)"),
        ({"relations": [{"relation": "on", "object": 1, "object2": 1}]}, "relations[0].object2", "only for between"),
        ({"text": "x" * 201}, "expected.include[0].text", "1-200"),
        ({"action": "ride"}, "expected.include[0].action", "an object with action"),
        ({"action": {"action": "ride", "object": 7}}, "expected.include[0].action.object", "(0-1)"),
    ],
)
def test_bad_new_fields_name_the_field_and_the_limit(item, field, limit):
    expected = {"include": [{"class": "cow", "count": 1, **item}, {"class": "barn", "count": 1}]}
    with pytest.raises(ExpectationError) as error:
        checks_from_expected(expected)
    assert field in str(error.value) and limit in str(error.value)


def test_every_item_of_the_bundled_suite_carries_expected_within_the_contract():
    import jsonschema

    from imagegate_service import prompts

    suite = Path(__file__).resolve().parents[3] / "functions" / "imagegate_service" / "suites" / "default.jsonl"
    schema = prompts.schema("evaluation_checks.schema.json")
    for line in suite.read_text().splitlines():
        item = json.loads(line)
        checks = checks_from_expected(item["settings"]["expected"])
        jsonschema.validate({"checks": checks}, schema)
        if '"' in item["prompt"]:
            assert any(c["kind"] == "text" for c in checks), item["id"]


def test_two_items_of_one_class_told_apart_by_colour_can_both_pass():
    # Given a red apple to the left of a green apple, as structured expectations
    expected = {
        "include": [
            {"class": "apple", "count": 1, "color": "red", "relations": [{"relation": "left of", "object": 1}]},
            {"class": "apple", "count": 1, "color": "green"},
            {"class": "table", "count": 1},
        ]
    }
    checks = checks_from_expected(expected)
    questions = [check["question"] for check in checks]
    # Then every check about an apple says which (the check contract's labels), and the table's none
    assert "Is the red apple to the left of the green apple?" in questions
    assert {"Is one of the apples red?", "Is one of the apples green?"} <= set(questions)
    assert all(("subjectLabel" in check) == (check["subject"] == "apple") for check in checks)
    # and the offline truth passes an image with both apples the right way round, and fails them swapped
    from imagegate.local.world import truth
    from imagegate.local.world.concepts import concept_code
    from imagegate.local.world.perceive import Percept, SeenObject

    def apple(colour: str, x: float) -> SeenObject:
        return SeenObject(concept_code("apple"), colour, x, 0.5, 0.1, 0.1)

    table = SeenObject(concept_code("table"), "brown", 0.5, 0.8, 0.6, 0.1)
    right = Percept(objects=[apple("red", 0.2), apple("green", 0.7), table])
    swapped = Percept(objects=[apple("green", 0.2), apple("red", 0.7), table])
    assert all(truth.satisfied(check, right) is True for check in checks)
    relation = next(check for check in checks if check["kind"] == "relation")
    assert truth.satisfied(relation, swapped) is False


def test_items_of_one_class_without_anything_to_tell_them_apart_are_left_as_they_were():
    expected = {"include": [{"class": "apple", "count": 1}, {"class": "apple", "count": 1, "color": "red"}]}
    checks = checks_from_expected(expected)
    assert [check.get("subjectLabel") for check in checks] == [None, "red", "red"]
    same = {"include": [{"class": "cup", "count": 1, "color": "red"}, {"class": "cup", "count": 1, "color": "red"}]}
    assert not any("subjectLabel" in check for check in checks_from_expected(same))
