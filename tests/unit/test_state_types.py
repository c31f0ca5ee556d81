"""The loop's declared state (domain/state.py) is the state the ASL passes: each Lambda task's Parameters name
exactly the keys its input type declares (every required key given, no key the type does not know), and Start
Run seeds a loop with exactly the keys `Loop` requires.

mypy (strict, pyproject.toml) checks every read of these types inside the service; this test ties them to the
other side, the JSON definition Step Functions runs, so a key renamed in one place and not the other fails here
rather than in an integration test or a deployed run."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, is_typeddict

import pytest

from imagegate_service import workflows
from imagegate_service.domain import state
from imagegate_service.domain.start import initial_loop
from imagegate_service.settings import resolve_settings

pytestmark = pytest.mark.unit

# each Lambda task of the quality loop, by the function it invokes, and the type its handler takes
INPUT_TYPES: dict[str, type] = {
    "${StartRunFunctionArn}": state.StartEvent,
    "${GenerateImagesFunctionArn}": state.LoopStep,
    "${JudgeImagesFunctionArn}": state.JudgeCandidateStep,
    "${PickBestFunctionArn}": state.PickBestStep,
    "${VerifyRoundFunctionArn}": state.JudgedStep,
    "${EvaluateRoundFunctionArn}": state.JudgedStep,
    "${RewritePromptFunctionArn}": state.JudgedStep,
    "${AwaitReviewFunctionArn}": state.ReviewStep,
    "${FinishRunFunctionArn}": state.FinishStep,
}
# Record Round's function takes two inputs: the round (Record Round) or a round every image of which was withheld
RECORD_TYPES = (state.RecordStep, state.LoopStep)


def lambda_tasks(states: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """(state name, function, parameters) of every Lambda task, inside Map states too."""
    found = []
    for name, definition in states.items():
        if definition["Type"] == "Map":
            processor = definition.get("ItemProcessor") or definition["Iterator"]
            found += lambda_tasks(processor["States"])
        if definition["Type"] != "Task":
            continue
        parameters = definition.get("Parameters", {})
        if "FunctionName" in parameters:  # lambda:invoke integrations (Await Review's task token)
            found.append((name, parameters["FunctionName"], parameters["Payload"]))
        else:
            found.append((name, definition["Resource"], parameters))
    return found


def keys_of(parameters: dict[str, Any]) -> set[str]:
    return {key.removesuffix(".$") for key in parameters}


def fits(parameters: dict[str, Any], declared: type) -> bool:
    keys = keys_of(parameters)
    return declared.__required_keys__ <= keys <= declared.__required_keys__ | declared.__optional_keys__


def test_every_lambda_task_of_the_loop_passes_the_keys_its_input_type_declares():
    # Given the quality loop's definition
    definition = json.loads(workflows.quality_loop_definition())
    tasks = lambda_tasks(definition["States"])
    assert len(tasks) >= 12, "the reader found too few tasks to mean anything"
    for name, function, parameters in tasks:
        # Then each task's Parameters give every key its handler's type requires and none it does not declare
        if function == "${RecordRoundFunctionArn}":
            assert any(fits(parameters, declared) for declared in RECORD_TYPES), name
            continue
        declared = INPUT_TYPES[function]
        assert is_typeddict(declared)
        assert fits(parameters, declared), (
            f"{name}: passes {sorted(keys_of(parameters))}; {declared.__name__} requires "
            f"{sorted(declared.__required_keys__)} and allows {sorted(declared.__optional_keys__)}"
        )


def test_a_key_the_type_does_not_declare_is_caught():
    # Given Generate Images' parameters with one key renamed (the check is not vacuous)
    parameters = {"runId.$": "$.runId", "settings.$": "$.settings", "loop.$": "$.loop", "attempts.$": "x"}
    # Then it does not fit the loop step's type, and the original does
    assert not fits(parameters, state.LoopStep)
    assert fits({**{k: v for k, v in parameters.items() if k != "attempts.$"}, "attempt.$": "x"}, state.LoopStep)


def test_start_run_seeds_a_loop_with_exactly_the_keys_the_loop_type_requires():
    # Given resolved settings
    settings = resolve_settings({"prompt": "a red bicycle"})
    # When Start Run seeds the loop
    loop = initial_loop(settings)
    # Then every required key is there and none the type does not declare
    assert state.Loop.__required_keys__ <= set(loop) <= state.Loop.__required_keys__ | state.Loop.__optional_keys__
    # and the resolved settings are what the Settings type declares
    assert state.Settings.__required_keys__ <= set(settings)
    assert set(settings) <= state.Settings.__required_keys__ | state.Settings.__optional_keys__


# Issue 24's bound: the domain reads its state through these types, so an untyped dict is the exception (untrusted
# input before its check, a model's raw answer, a raw table item). It was 237 lines before the types; the issue asks
# for at most 68, and a new untyped dict should take the place of an old one, not add to them.
UNTYPED_DICT_LINES_BOUND = 68


def untyped_dict_lines(folder: Path) -> list[str]:
    return [
        f"{path.name}:{number}"
        for path in sorted(folder.glob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if "dict[str, Any]" in line
    ]


def test_the_domain_keeps_few_untyped_dicts():
    found = untyped_dict_lines(Path(state.__file__).parent)
    assert len(found) <= UNTYPED_DICT_LINES_BOUND, (
        f"{len(found)} lines of domain/ write dict[str, Any] (the bound is {UNTYPED_DICT_LINES_BOUND}): type the "
        "new one with a TypedDict in domain/state.py, or type an old one in its place"
    )
