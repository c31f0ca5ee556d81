"""The offline judge's verdict checks state what they checked (count, colour, position, relation and object,
text): the fields the verifier grounds (prompts/verdict.schema.json), and the verdict stays valid."""

from __future__ import annotations

import jsonschema
import pytest

from imagegate.local.world.judge import judge_png
from imagegate.local.world.render import render_png
from imagegate_service import prompts

PROMPTS = [
    'four yellow ducks to the right of a green boat, a sign that says "OPEN"',
    "at least two red apples above a blue bowl",
    "a dog on the left, no cars",
    "a cat between a dog and a horse",
    "three green bottles and two purple umbrellas",
]


@pytest.mark.parametrize("prompt", PROMPTS)
def test_verdict_checks_carry_what_they_checked_and_validate(prompt: str) -> None:
    # Given a verdict on a drawn image
    verdict = judge_png(render_png(prompt, "", 42, 512, 512), prompt)
    # Then it is valid against the verdict schema, optional fields included
    jsonschema.validate(verdict, prompts.schema("verdict.schema.json"))
    # And every check of a kind that states something states it
    needs = {"count": {"count"}, "colour": {"colour"}, "relation": {"relation", "object"}, "text": {"text"}}
    for check in verdict["checks"]:
        assert needs.get(check.get("kind"), set()) <= set(check), check


def test_the_stated_fields_are_the_ones_the_prompt_asked_for() -> None:
    prompt = 'four yellow ducks to the right of a green boat, a sign that says "OPEN"'
    checks = judge_png(render_png(prompt, "", 42, 512, 512), prompt)["checks"]
    assert {"kind": "count", "subject": "duck", "count": 4} in [
        {k: c[k] for k in ("kind", "subject", "count") if k in c} for c in checks if c["kind"] == "count"
    ]
    assert {c.get("colour") for c in checks if c["kind"] == "colour"} == {"yellow", "green"}
    assert [(c["relation"], c["object"]) for c in checks if c["kind"] == "relation"] == [("right of", "boat")]
    assert [c["text"] for c in checks if c["kind"] == "text"] == ["OPEN"]
