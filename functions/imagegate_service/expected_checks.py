"""Independent evaluation of an image against what was asked: DSG-style yes/no checks (check contract v2).

`checks_from_expected(expected)` turns structured expectations (GenEval's metadata style, extended with the
contract's other kinds) into checks, by GenEval's rules where GenEval has one (Ghosh et al., arXiv 2310.11513;
djghosh13/geneval prompts/evaluation_metadata.jsonl and evaluation/evaluate_images.py):
- every include item -> an entity check ("Is there a cow?");
- count > 1 -> a count check (GenEval requires exactly `count`);
- color -> a colour check (every detected instance has that colour);
- position [relation, index] (GenEval's form) -> a relation check: this object is <relation> include[index];
- attributes [{attribute, attributeKind?}] -> one attribute check each ("Is the table wooden?"; kind "other"
  when not given);
- relations [{relation, object: index, object2?: index}] -> one relation check each, any contract relation
  ("between" names object2 too, no other relation does);
- text -> a text check on this object ("Does the sign say \"OPEN\"?");
- action {action, object?} -> an action check (action = a verb's dictionary form; object = the index of
  another include item, or a noun);
- every exclude item -> an absent check: fewer than `count` instances (GenEval's exclude rule;
  count 1, the default, means none at all);
- scene, light, style (top level) -> an image-wide check each; include may then be empty.
Children name their item's entity check as parent (a check with no parent has no "parent" key): a child counts
as failed when its parent fails (DSG). Every field is validated; an error names the field and its limit.
Pure Python: no boto3 at module level.
"""

from __future__ import annotations

import re
from typing import Any, cast

from imagegate_service.constants import (
    EVALUATION_ATTRIBUTE_KINDS,
    EVALUATION_RELATIONS,
    EVALUATION_TWO_OBJECT_RELATIONS,
)
from imagegate_service.constants import EVALUATION_RELATION_WORDS as _RELATION_WORDS
from imagegate_service.domain.state import EvaluationCheck

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


MAX_LIST = 8  # attributes / relations per include item (the run request schema's maxItems)
MAX_WORD = 64
MAX_TEXT = 200


def gerund(verb: str) -> str:
    """The -ing form of a verb's dictionary form ("ride" -> riding, "sit" -> sitting, "lie" -> lying)."""
    verb = verb.strip().lower()
    if verb.endswith("ie"):
        return verb[:-2] + "ying"
    if verb.endswith("e") and not verb.endswith(("ee", "ye", "oe")) and len(verb) > 2:
        return verb[:-1] + "ing"
    if re.fullmatch(r"[^aeiou]*[aeiou][^aeiouwxy]", verb):
        return verb + verb[-1] + "ing"
    return verb + "ing"


def _word(value: Any, where: str, limit: int = MAX_WORD) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > limit:
        raise ExpectationError(f"{where} must be a string of 1-{limit} characters")
    return " ".join(value.strip().split())


def _index(value: Any, where: str, index: int, size: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < size or value == index:
        raise ExpectationError(f"{where} must be the index of another include item (0-{size - 1})")
    return value


def _list(item: dict[str, Any], key: str, where: str) -> list[Any]:
    value = item.get(key, [])
    if not isinstance(value, list) or len(value) > MAX_LIST:
        raise ExpectationError(f"{where}.{key} must be a list of at most {MAX_LIST} items")
    return value


def _be(cls: str, count: int) -> str:
    return f"Are the {_plural(cls)}" if count > 1 else f"Is the {cls}"


def checks_from_expected(expected: dict[str, Any]) -> list[EvaluationCheck]:
    """DSG-style checks for structured expectations (deterministic; see the module docstring)."""
    if not isinstance(expected, dict):
        raise ExpectationError("expected must be an object with include (and optionally exclude)")
    include, exclude = expected.get("include"), expected.get("exclude", [])
    settings = [(kind, expected[kind]) for kind in ("scene", "light", "style") if expected.get(kind) is not None]
    if not isinstance(include, list) or len(include) > 20 or not (include or settings):
        raise ExpectationError("expected.include must be a list of 1-20 items (0 when scene, light or style is given)")
    if not isinstance(exclude, list) or len(exclude) > 20:
        raise ExpectationError("expected.exclude must be a list of at most 20 items")
    checks: list[EvaluationCheck] = []

    def add(check: dict[str, Any]) -> str:
        check_id = f"c{len(checks) + 1}"
        checks.append(
            cast("EvaluationCheck", {"id": check_id, **{k: v for k, v in check.items() if v is not None}})
        )  # no parent: omitted
        return check_id

    parsed = [_item(expected, "include", i) for i in range(len(include))]
    owners: list[int] = []  # the include item each check is about, by position in `checks`
    objects: dict[int, int] = {}  # a relation's or action's object, as an include index, by position
    entity_ids: list[str] = []
    for index, (cls, count, _) in enumerate(parsed):
        question = f"Is there {_article(cls)} {cls}?" if count == 1 else f"Are there {_plural(cls)}?"
        entity_ids.append(add({"kind": "entity", "question": question, "subject": cls, "parent": None}))
        owners.append(index)
    for index, (cls, count, item) in enumerate(parsed):
        owners.extend([index - 1] * (len(checks) - len(owners)))  # the previous item's checks
        parent, where = entity_ids[index], f"expected.include[{index}]"
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
                raise ExpectationError(f"{where}.color must be a colour word of 1-40 characters")
            colour = colour.strip().lower()
            question = f"Are the {_plural(cls)} all {colour}?" if count > 1 else f"Is the {cls} {colour}?"
            add({"kind": "colour", "question": question, "subject": cls, "colour": colour, "parent": parent})
        for number, attribute in enumerate(_list(item, "attributes", where)):
            at = f"{where}.attributes[{number}]"
            if not isinstance(attribute, dict):
                raise ExpectationError(f"{at} must be an object with attribute (and optionally attributeKind)")
            word = _word(attribute.get("attribute"), f"{at}.attribute").lower()
            kind = attribute.get("attributeKind", "other")
            if kind not in EVALUATION_ATTRIBUTE_KINDS:
                raise ExpectationError(f"{at}.attributeKind must be one of {', '.join(EVALUATION_ATTRIBUTE_KINDS)}")
            add(
                {
                    "kind": "attribute",
                    "question": f"{_be(cls, count)} {word}?",
                    "subject": cls,
                    "attribute": word,
                    "attributeKind": kind,
                    "parent": parent,
                }
            )
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
                    f"{where}.position must be [relation, index] with relation "
                    f"one of {', '.join(RELATIONS)} and index another include item"
                )
            objects[len(checks)] = position[1]
            add(_relation(cls, count, position[0], parsed[position[1]][0], None, parent))
        for number, relation in enumerate(_list(item, "relations", where)):
            at = f"{where}.relations[{number}]"
            if not isinstance(relation, dict):
                raise ExpectationError(f"{at} must be an object with relation and object")
            name = relation.get("relation")
            if name not in EVALUATION_RELATIONS:
                raise ExpectationError(f"{at}.relation must be one of {', '.join(EVALUATION_RELATIONS)}")
            objects[len(checks)] = _index(relation.get("object"), f"{at}.object", index, len(parsed))
            target = parsed[objects[len(checks)]][0]
            second = None
            if name in EVALUATION_TWO_OBJECT_RELATIONS:
                second = parsed[_index(relation.get("object2"), f"{at}.object2", index, len(parsed))][0]
            elif "object2" in relation:
                raise ExpectationError(f"{at}.object2 is only for {', '.join(EVALUATION_TWO_OBJECT_RELATIONS)}")
            add(_relation(cls, count, name, target, second, parent))
        if item.get("text") is not None:
            text = _word(item["text"], f"{where}.text", MAX_TEXT)
            add(
                {
                    "kind": "text",
                    "question": f'Does the {cls} say "{text}"?',
                    "subject": cls,
                    "text": text,
                    "parent": parent,
                }
            )
        if item.get("action") is not None:
            if isinstance(item["action"], dict) and isinstance(item["action"].get("object"), int):
                objects[len(checks)] = item["action"]["object"]
            add(_action(item["action"], f"{where}.action", cls, count, index, parsed, parent))
    owners.extend([len(parsed) - 1] * (len(checks) - len(owners)))
    _tell_apart(checks, parsed, owners, objects)
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
    for kind, value in settings:
        setting = _word(value, f"expected.{kind}").lower()
        add(
            {
                "kind": kind,
                "question": _SETTING_QUESTIONS[kind].format(setting=setting, a=_article(setting)),
                "subject": setting,
                "setting": setting,
                "parent": None,
            }
        )
    return checks


def _tell_apart(
    checks: list[EvaluationCheck],
    parsed: list[tuple[str, int, dict[str, Any]]],
    owners: list[int],
    objects: dict[int, int],
) -> None:
    """Two or more include items of one class told apart by colour (or, without one, their first attribute):
    each check about one of them names it (subjectLabel / objectLabel, the check contract's), and so does its
    question ("Is the red apple to the left of the green apple?"). Without this a colour check is about every
    apple, so a red apple and a green apple could never both pass."""
    labels: dict[int, str] = {}
    for cls in {cls for cls, _, _ in parsed}:
        same = [i for i, (other, _, _) in enumerate(parsed) if other == cls]
        found = {i: _label(parsed[i][2]) for i in same}
        named = {i: label for i, label in found.items() if label}
        if len(same) > 1 and named and len(set(named.values())) == len(named):
            labels.update(named)
    for position, check in enumerate(checks):
        index, cls, count = owners[position], check["subject"], parsed[owners[position]][1]
        if index in labels:
            label = labels[index]
            check["subjectLabel"] = label
            check["question"] = _naming(check, cls, count, label)
        target = objects.get(position)
        if target is not None and target in labels:
            check["objectLabel"] = labels[target]
            told = f"the {labels[target]} {parsed[target][0]}"
            head, said, tail = check["question"].rpartition(f"the {parsed[target][0]}")
            check["question"] = f"{head}{told}{tail}" if said else check["question"]


def _label(item: dict[str, Any]) -> str | None:
    colour = item.get("color")
    if isinstance(colour, str) and colour.strip():
        return colour.strip().lower()
    attributes = item.get("attributes") or []
    first = attributes[0].get("attribute") if attributes and isinstance(attributes[0], dict) else None
    return first.strip().lower() if isinstance(first, str) and first.strip() else None


def _naming(check: EvaluationCheck, cls: str, count: int, label: str) -> str:
    """A question about one of two things of a class, naming which ("Is there a red apple?")."""
    named = f"{label} {_plural(cls) if count > 1 else cls}"
    kind = check["kind"]
    if kind == "entity":
        return f"Are there {named}?" if count > 1 else f"Is there {_article(named)} {named}?"
    if kind == "count":
        return f"Are there exactly {_NUMBER_NAMES.get(count, count)} {named}?"
    if label in (check.get("colour"), check.get("attribute")):
        how_many = f"Are {_NUMBER_NAMES.get(count, count)}" if count > 1 else "Is one"
        return f"{how_many} of the {_plural(cls)} {label}?"
    said = f"the {_plural(cls) if count > 1 else cls}"
    head, found, tail = check["question"].partition(said)
    return f"{head}the {named}{tail}" if found else check["question"]


_SETTING_QUESTIONS = {
    "scene": "Does the image show {a} {setting} setting?",
    "light": "Does the image show {setting} lighting?",
    "style": "Is the image in {a} {setting} style?",
}


def _relation(cls: str, count: int, relation: str, target: str, second: str | None, parent: str) -> dict[str, Any]:
    other = f"the {target}" if second is None else f"the {target} and the {second}"
    return {
        "kind": "relation",
        "question": f"{_be(cls, count)} {_RELATION_WORDS[relation]} {other}?",
        "subject": cls,
        "relation": relation,
        "object": target,
        "object2": second,
        "parent": parent,
    }


def _action(
    value: Any, where: str, cls: str, count: int, index: int, parsed: list[tuple[str, int, dict[str, Any]]], parent: str
) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ExpectationError(f"{where} must be an object with action (and optionally object)")
    verb = _word(value.get("action"), f"{where}.action").lower()
    target = value.get("object")
    if isinstance(target, int) and not isinstance(target, bool):
        target = parsed[_index(target, f"{where}.object", index, len(parsed))][0]
    elif target is not None:
        target = _word(target, f"{where}.object").lower()
    acted_on = f" the {target}" if target else ""
    return {
        "kind": "action",
        "question": f"{_be(cls, count)} {gerund(verb)}{acted_on}?",
        "subject": cls,
        "action": verb,
        "object": target,
        "parent": parent,
    }
