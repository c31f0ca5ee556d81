"""Independent evaluation of an image against what was asked: DSG-style yes/no checks.

`checks_from_expected(expected)` turns GenEval-style structured expectations into checks by
GenEval's rules (Ghosh et al., arXiv 2310.11513; djghosh13/geneval prompts/evaluation_metadata.jsonl
and evaluation/evaluate_images.py):
- every include item -> an entity check ("Is there a cow?");
- count > 1 -> a count check (GenEval requires exactly `count`);
- color -> a colour check (every detected instance has that colour);
- position [relation, index] -> a relation check: this object is <relation> include[index];
- every exclude item -> an absent check: fewer than `count` instances (GenEval's exclude rule;
  count 1, the default, means none at all).
Children (count, colour, relation) name their item's entity check as parent (a check with no parent
has no "parent" key): a child counts as failed when its parent fails (DSG). Pure Python: no boto3 at module level.
"""

from __future__ import annotations

from typing import Any

from imagegate_service.constants import EVALUATION_RELATION_WORDS as _RELATION_WORDS
from imagegate_service.constants import EVALUATION_RELATIONS, EVALUATION_TWO_OBJECT_RELATIONS

RELATIONS = tuple(name for name in EVALUATION_RELATIONS if name not in EVALUATION_TWO_OBJECT_RELATIONS)
_NUMBER_NAMES = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight", 9: "nine", 10: "ten"}


class ExpectationError(ValueError):
    """Structured expectations that break the documented shape; names the field."""


def _plural(noun: str) -> str:
    head, _, last = noun.rpartition(" ")
    prefix = head + " " if head else ""
    if noun in {"person"}:
        return "people"
    if last.endswith(("s", "x", "ch", "sh")):
        return f"{prefix}{last}es"
    if last.endswith("y") and last[-2:-1] not in set("aeiou"):
        return f"{prefix}{last[:-1]}ies"
    if last.endswith("fe"):
        return f"{prefix}{last[:-2]}ves"
    return f"{prefix}{last}s"


def _article(noun: str) -> str:
    return "an" if noun[:1] in "aeiou" else "a"


def _item(expected: dict[str, Any], key: str, index: int) -> tuple[str, int, dict[str, Any]]:
    items: list[Any] = expected.get(key) or []
    item = items[index]
    where = f"expected.{key}[{index}]"
    if not isinstance(item, dict):
        raise ExpectationError(f"{where} must be an object with class and count")
    cls = item.get("class")
    if not isinstance(cls, str) or not cls.strip() or len(cls) > 100:
        raise ExpectationError(f"{where}.class must be a noun of 1-100 characters")
    count = item.get("count", 1)
    if not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= 99:
        raise ExpectationError(f"{where}.count must be a whole number from 1 to 99")
    return cls.strip().lower(), count, item


def checks_from_expected(expected: dict[str, Any]) -> list[dict[str, Any]]:
    """DSG-style checks for GenEval-style expectations (deterministic; see the module docstring)."""
    if not isinstance(expected, dict):
        raise ExpectationError("expected must be an object with include (and optionally exclude)")
    include, exclude = expected.get("include"), expected.get("exclude", [])
    if not isinstance(include, list) or not include or len(include) > 20:
        raise ExpectationError("expected.include must be a list of 1-20 items")
    if not isinstance(exclude, list) or len(exclude) > 20:
        raise ExpectationError("expected.exclude must be a list of at most 20 items")
    checks: list[dict[str, Any]] = []

    def add(check: dict[str, Any]) -> str:
        check_id = f"c{len(checks) + 1}"
        checks.append({"id": check_id, **{k: v for k, v in check.items() if v is not None}})  # no parent: omitted
        return check_id

    parsed = [_item(expected, "include", i) for i in range(len(include))]
    entity_ids: list[str] = []
    for cls, count, _ in parsed:
        question = f"Is there {_article(cls)} {cls}?" if count == 1 else f"Are there {_plural(cls)}?"
        entity_ids.append(add({"kind": "entity", "question": question, "subject": cls, "parent": None}))
    for index, (cls, count, item) in enumerate(parsed):
        parent = entity_ids[index]
        if count > 1:
            add(
                {
                    "kind": "count",
                    "question": f"Are there exactly {_NUMBER_NAMES.get(count, count)} {_plural(cls)}?",
                    "subject": cls,
                    "count": count,
                    "parent": parent,
                }
            )
        colour = item.get("color")
        if colour is not None:
            if not isinstance(colour, str) or not colour.strip() or len(colour) > 40:
                raise ExpectationError(f"expected.include[{index}].color must be a colour word of 1-40 characters")
            colour = colour.strip().lower()
            question = f"Are the {_plural(cls)} all {colour}?" if count > 1 else f"Is the {cls} {colour}?"
            add({"kind": "colour", "question": question, "subject": cls, "colour": colour, "parent": parent})
        position = item.get("position")
        if position is not None:
            if (
                not isinstance(position, (list, tuple))
                or len(position) != 2
                or position[0] not in RELATIONS
                or not isinstance(position[1], int)
                or isinstance(position[1], bool)
                or not 0 <= position[1] < len(parsed)
                or position[1] == index
            ):
                raise ExpectationError(
                    f"expected.include[{index}].position must be [relation, index] with relation "
                    f"one of {', '.join(RELATIONS)} and index another include item"
                )
            relation, target = position[0], parsed[position[1]][0]
            add(
                {
                    "kind": "relation",
                    "question": f"Is the {cls} {_RELATION_WORDS[relation]} the {target}?",
                    "subject": cls,
                    "relation": relation,
                    "object": target,
                    "parent": parent,
                }
            )
    for index in range(len(exclude)):
        cls, count, _ = _item(expected, "exclude", index)
        check: dict[str, Any]
        if count == 1:
            check = {"kind": "absent", "question": f"Is the image free of any {cls}?", "subject": cls, "parent": None}
        else:
            check = {
                "kind": "absent",
                "question": f"Are there fewer than {_NUMBER_NAMES.get(count, count)} {_plural(cls)}?",
                "subject": cls,
                "count": count,
                "parent": None,
            }
        add(check)
    return checks
