"""The domain decides the loop's next move, the ASL routes on it (issue 24 item 3).

Record Round writes ``$.loop.next`` (domain/gate.py's ``after_round`` and ``after_filtered_round``); the Quality Gate,
Review Decision and Draw Again? compare that string and no number. Two properties tie the domain to the ASL:

- for every case of review mode, gate, rounds and budget, the states the new Choices reach from the domain's move are
  the states the former Choices reached from the raw numbers (kept below as they were before the move, with a small
  evaluator of the Choice rules they use), so no run routes differently;
- no Choice of the loop orders a number against a run setting, except Verify?'s one use of the pass rule;
- a missing ``loop.next`` (a Record Round older than the definition) or a move that is not the Choice's own ends the
  run FAILED through Loop Move Missing: the Default used to be Rewrite Prompt, which nothing bounded by maxRounds.
"""

from __future__ import annotations

import itertools
import json
from typing import Any, cast

import pytest

from imagegate_service import workflows
from imagegate_service.domain.gate import after_filtered_round, after_round, out_of_budget, out_of_rounds
from imagegate_service.domain.state import Settings

pytestmark = pytest.mark.unit

LOOP = json.loads(workflows.quality_loop_definition())

# The three Choices as they were before Record Round decided the move (statemachine/quality_loop.asl.json at 9717206).
FORMER_QUALITY_GATE: dict[str, Any] = {
    "Choices": [
        {
            "And": [
                {"Variable": "$.settings.review", "StringEquals": "final"},
                {"Variable": "$.loop.gatePassed", "BooleanEquals": True},
            ],
            "Next": "Await Review",
        },
        {
            "And": [
                {"Variable": "$.settings.review", "StringEquals": "final"},
                {"Variable": "$.loop.round", "NumericGreaterThanEqualsPath": "$.settings.maxRounds"},
            ],
            "Next": "Await Review",
        },
        {"Variable": "$.loop.gatePassed", "BooleanEquals": True, "Next": "Record Passed"},
        {
            "Variable": "$.loop.round",
            "NumericGreaterThanEqualsPath": "$.settings.maxRounds",
            "Next": "Record Out Of Rounds",
        },
        {
            "Variable": "$.loop.projectedCostUsd",
            "NumericGreaterThanPath": "$.settings.maxCostUsd",
            "Next": "Record Out Of Budget",
        },
    ],
    "Default": "Rewrite Prompt",
}
FORMER_REVIEW_DECISION: dict[str, Any] = {
    "Choices": [
        {"Variable": "$.judgement.review.decision", "StringEquals": "approve", "Next": "Record Approved"},
        {"Variable": "$.loop.round", "NumericGreaterThanEqualsPath": "$.settings.maxRounds", "Next": "Record Rejected"},
        {
            "Variable": "$.loop.projectedCostUsd",
            "NumericGreaterThanPath": "$.settings.maxCostUsd",
            "Next": "Record Rejected",
        },
    ],
    "Default": "Rewrite Prompt",
}
FORMER_DRAW_AGAIN: dict[str, Any] = {
    "Choices": [
        {"Variable": "$.loop.round", "NumericGreaterThanPath": "$.settings.maxRounds", "Next": "Record Blocked"},
        {
            "Variable": "$.loop.projectedCostUsd",
            "NumericGreaterThanPath": "$.settings.maxCostUsd",
            "Next": "Record Blocked",
        },
    ],
    "Default": "Generate Images",
}


def _read(payload: dict[str, Any], path: str) -> Any:
    value: Any = payload
    for key in path.removeprefix("$.").split("."):
        value = value[key]
    return value


def _holds(rule: dict[str, Any], payload: dict[str, Any]) -> bool:
    """The Choice rules the loop uses (JSONPath, no JSONata): And, Or, StringEquals, BooleanEquals and the numeric
    comparisons against another path."""
    if "And" in rule:
        return all(_holds(inner, payload) for inner in rule["And"])
    if "Or" in rule:
        return any(_holds(inner, payload) for inner in rule["Or"])
    if "Not" in rule:
        return not _holds(rule["Not"], payload)
    if "IsPresent" in rule:
        try:
            _read(payload, rule["Variable"])
        except KeyError:
            return not rule["IsPresent"]
        return bool(rule["IsPresent"])
    value = _read(payload, rule["Variable"])
    if "StringEquals" in rule:
        return bool(value == rule["StringEquals"])
    if "BooleanEquals" in rule:
        return bool(value is rule["BooleanEquals"])
    if "NumericGreaterThanEqualsPath" in rule:
        return bool(value >= _read(payload, rule["NumericGreaterThanEqualsPath"]))
    if "NumericGreaterThanPath" in rule:
        return bool(value > _read(payload, rule["NumericGreaterThanPath"]))
    raise AssertionError(f"a Choice rule this evaluator does not know: {rule}")


def route(choice: dict[str, Any], payload: dict[str, Any]) -> str:
    return next((rule["Next"] for rule in choice["Choices"] if _holds(rule, payload)), choice["Default"])


def _settings(review: str, max_rounds: int = 3, max_cost: float = 1.0) -> Settings:
    return cast(Settings, {"review": review, "maxRounds": max_rounds, "maxCostUsd": max_cost, "threshold": 0.8})


ROUND_CASES = list(
    itertools.product(
        ["none", "final"],  # review
        [False, True],  # gate passed
        [1, 2, 3],  # the round just recorded, of maxRounds 3
        [0.4, 1.0, 1.2],  # projected cost against maxCostUsd 1.0 (equal still runs)
    )
)


@pytest.mark.parametrize(("review", "gate_passed", "round_number", "projected"), ROUND_CASES)
def test_the_quality_gate_and_review_decision_route_as_the_former_choices_did(
    review: str, gate_passed: bool, round_number: int, projected: float
) -> None:
    settings = _settings(review)
    loop = {"round": round_number, "gatePassed": gate_passed, "projectedCostUsd": projected}
    loop["next"] = after_round(settings, round_number, gate_passed, projected)
    payload: dict[str, Any] = {"settings": settings, "loop": loop}
    # the gate's target is the same
    target = route(LOOP["States"]["Quality Gate"], payload)
    assert target == route(FORMER_QUALITY_GATE, payload)
    if target == "Await Review":
        # and a person's approval or rejection leads where it led
        for decision in ("approve", "reject"):
            reviewed = {**payload, "judgement": {"review": {"decision": decision}}}
            assert route(LOOP["States"]["Review Decision"], reviewed) == route(FORMER_REVIEW_DECISION, reviewed)


@pytest.mark.parametrize(("round_number", "projected"), list(itertools.product([1, 2, 3], [0.4, 1.0, 1.2])))
def test_draw_again_routes_as_the_former_choice_did(round_number: int, projected: float) -> None:
    settings = _settings("none")
    # Record Filtered Round hands on the next round's number; the move is decided on the filtered round's own
    loop = {"round": round_number + 1, "projectedCostUsd": projected}
    loop["next"] = after_filtered_round(settings, round_number, projected)
    payload: dict[str, Any] = {"settings": settings, "loop": loop}
    assert route(LOOP["States"]["Draw Again?"], payload) == route(FORMER_DRAW_AGAIN, payload)


def _named_moves(choice: dict[str, Any]) -> set[str]:
    return {
        inner["StringEquals"]
        for rule in choice["Choices"]
        for inner in rule.get("Or", [rule])
        if inner.get("Variable") == "$.loop.next" and "StringEquals" in inner
    }


def test_every_move_the_domain_makes_has_a_route_of_its_own() -> None:
    # Given every move after_round and after_filtered_round can give
    moves = {after_round(_settings(r), n, g, p) for r, g, n, p in ROUND_CASES}
    assert moves == {"review", "lastReview", "passed", "outOfRounds", "outOfBudget", "rewrite"}
    filtered = {after_filtered_round(_settings("none"), n, p) for n in (1, 2, 3) for p in (0.4, 1.0, 1.2)}
    assert filtered == {"redraw", "blocked"}
    # Then each Choice names each move it routes, and its Default is no move at all
    assert _named_moves(LOOP["States"]["Quality Gate"]) == moves
    assert _named_moves(LOOP["States"]["Review Decision"]) == {"review", "lastReview"}
    assert _named_moves(LOOP["States"]["Draw Again?"]) == filtered
    for name in ("Quality Gate", "Review Decision", "Draw Again?"):
        assert LOOP["States"][name]["Default"] == "Loop Move Missing"


# What each Choice would receive from a Record Round older than the definition (no loop.next), or with a move that is
# not its own (a stale one from the other recorder)
MOVELESS = [
    ("Quality Gate", {}),
    ("Quality Gate", {"next": "redraw"}),
    ("Review Decision", {}),
    ("Review Decision", {"next": "passed"}),
    ("Draw Again?", {}),
    ("Draw Again?", {"next": "rewrite"}),
]


@pytest.mark.parametrize(("choice", "extra"), MOVELESS)
def test_a_missing_or_foreign_move_ends_the_run_failed_instead_of_another_round(
    choice: str, extra: dict[str, Any]
) -> None:
    # Given a payload whose loop would, by the numbers, have another round (round 1 of 3, well within budget)
    loop = {"round": 1, "gatePassed": False, "projectedCostUsd": 0.2, **extra}
    payload: dict[str, Any] = {
        "settings": _settings("final"),
        "loop": loop,
        "judgement": {"review": {"decision": "reject"}},
    }
    # When the Choice routes it, it neither rewrites nor re-draws: it goes to Loop Move Missing
    assert route(LOOP["States"][choice], payload) == "Loop Move Missing"
    # And that state records the run FAILED, naming why
    missing = LOOP["States"]["Loop Move Missing"]
    assert missing["Type"] == "Pass" and missing["Next"] == "Record Failure"
    assert missing["ResultPath"] == "$.error" and missing["Result"]["Error"] == "LoopMoveMissing"
    assert "$.loop.next" in missing["Result"]["Cause"]
    assert LOOP["States"]["Record Failure"]["Parameters"]["error.$"] == "$.error"


def test_a_missing_move_is_tested_before_any_comparison_of_it() -> None:
    # Step Functions may fail a Choice whose Variable path is absent (States.Runtime, which no Catch sees): each
    # Choice on $.loop.next asks IsPresent before it compares the string (Review Decision's approval aside, which
    # reads the review)
    for name in ("Quality Gate", "Review Decision", "Draw Again?"):
        rules = LOOP["States"][name]["Choices"]
        first = next(i for i, rule in enumerate(rules) if "$.loop.next" in json.dumps(rule))
        assert rules[first] == {
            "Not": {"Variable": "$.loop.next", "IsPresent": True},
            "Next": "Loop Move Missing",
        }


@pytest.mark.parametrize(
    ("round_number", "max_rounds", "out"), [(1, 3, False), (2, 3, False), (3, 3, True), (4, 3, True), (1, 1, True)]
)
def test_the_last_round_is_the_one_that_reaches_max_rounds(round_number: int, max_rounds: int, out: bool) -> None:
    assert out_of_rounds(round_number, _settings("none", max_rounds=max_rounds)) is out


@pytest.mark.parametrize(("projected", "out"), [(0.99, False), (1.0, False), (1.000001, True)])
def test_a_projection_equal_to_the_budget_still_runs(projected: float, out: bool) -> None:
    assert out_of_budget(projected, _settings("none", max_cost=1.0)) is out


def _numeric_rules(states: dict[str, Any]) -> list[tuple[str, str]]:
    """(state, the setting compared) for every Choice rule that orders a value against a path."""
    found = []
    stack = list(states.items())
    while stack:
        name, state = stack.pop()
        for branch in state.get("Branches", []):
            stack.extend(branch["States"].items())
        if processor := state.get("ItemProcessor") or state.get("Iterator"):
            stack.extend(processor["States"].items())
        rules = list(state.get("Choices", []))
        while rules:
            rule = rules.pop()
            rules.extend([*rule.get("And", []), *rule.get("Or", []), *([rule["Not"]] if "Not" in rule else [])])
            found += [(name, path) for key, path in rule.items() if key.startswith("Numeric") and key.endswith("Path")]
    return found


def test_the_scan_finds_a_numeric_rule_inside_an_and() -> None:
    states = {"Gate": {"Type": "Choice", "Choices": [{"And": FORMER_QUALITY_GATE["Choices"][1]["And"], "Next": "X"}]}}
    assert _numeric_rules(states) == [("Gate", "$.settings.maxRounds")]


def test_no_choice_of_the_loop_decides_rounds_or_budget_and_the_pass_rule_is_compared_once() -> None:
    rules = _numeric_rules(LOOP["States"])
    assert rules == [("Verify?", "$.settings.threshold")], (
        f"a Choice orders a number against a run setting: {rules}; decide it in domain/gate.py and route on "
        "$.loop.next (Verify?'s pass-rule comparison is the one allowed)"
    )
