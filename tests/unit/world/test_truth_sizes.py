"""The ground truth decides a size word as the world draws it, an attribute code on the thing, and never passes
both sides of a size on one thing (helper-60's finding of issue 21: "three large elephants ... two elephants are
small" drawn with both codes on every elephant passed "Are the elephants small?" and "... large?" together)."""

import pytest

from imagegate.local.world.concepts import attribute_code, concept_code
from imagegate.local.world.perceive import Percept, SeenObject
from imagegate.local.world.truth import satisfied

pytestmark = pytest.mark.unit


def _drawn(noun: str, *words: str) -> Percept:
    codes = frozenset(attribute_code(word) for word in words)
    return Percept(objects=[SeenObject(concept_code(noun), "gray", 0.5, 0.5, 0.2, 0.2, attributes=codes)])


def _size(noun: str, word: str) -> dict:
    return {"id": word, "kind": "attribute", "subject": noun, "attribute": word}


@pytest.mark.parametrize(("small", "large"), [("small", "large"), ("tiny", "huge"), ("little", "big")])
def test_a_thing_drawn_with_both_sizes_is_neither(small, large):
    both = _drawn("walrus", small, large)
    assert satisfied(_size("walrus", small), both) is False
    assert satisfied(_size("walrus", large), both) is False


@pytest.mark.parametrize(("said", "other"), [("small", "large"), ("large", "small"), ("giant", "tiny")])
def test_a_thing_drawn_with_one_size_is_that_size_and_not_the_other(said, other):
    drawn = _drawn("teapot", said, "shiny")
    assert satisfied(_size("teapot", said), drawn) is True
    assert satisfied(_size("teapot", other), drawn) is False
    # any other attribute beside a size is unaffected
    assert satisfied({"id": "a", "kind": "attribute", "subject": "teapot", "attribute": "shiny"}, drawn) is True
