"""checks_from_expected: GenEval's structured expectations as DSG-style checks (evaluation contract)."""

import json
from pathlib import Path

import pytest

from imagegate_service.evaluation import ExpectationError, checks_from_expected

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
