"""The deployed state machine runs exactly statemachine/quality_loop.asl.json, wired to its functions."""

from __future__ import annotations

import json
import re

import pytest
from infra_test_helpers import standard_logged_traced_log_group

from infra.config import FUNCTION_SPECS, STATE_MACHINE_FILE

pytestmark = pytest.mark.infra


def _substitute(text: str, values: dict[str, str]) -> str:
    return re.sub(r"\$\{([A-Za-z0-9_]+)\}", lambda match: values[match.group(1)], text)


def _state_machine(synthesized):
    """The quality loop's (the benchmark's is checked in test_benchmark_stack.py)."""
    state_machines = synthesized.resources("AWS::StepFunctions::StateMachine")
    return state_machines[synthesized.logical_id(synthesized.stack.quality_loop.state_machine)]["Properties"]


def test_definition_is_the_asl_file_after_substitution(synthesized):
    properties = _state_machine(synthesized)
    # DefinitionBody.from_file ships the file as an S3 asset; the template points at it by key.
    deployed_text = (synthesized.outdir / f"asset.{properties['DefinitionS3Location']['Key']}").read_text()
    assert json.loads(deployed_text) == json.loads(STATE_MACHINE_FILE.read_text())

    # CloudFormation substitutes each ${Name}: render references as text on both sides and compare.
    deployed_substitutions = {
        name: f"arn-of:{value['Fn::GetAtt'][0]}" for name, value in properties["DefinitionSubstitutions"].items()
    }
    expected_substitutions = {
        spec.substitution: f"arn-of:{synthesized.logical_id(synthesized.stack.functions.by_name[spec.name])}"
        for spec in FUNCTION_SPECS
    }
    deployed = json.loads(_substitute(deployed_text, deployed_substitutions))
    expected = json.loads(_substitute(STATE_MACHINE_FILE.read_text(), expected_substitutions))
    assert deployed == expected
    assert "${" not in json.dumps(deployed)


def test_every_task_calls_one_of_the_stack_functions(synthesized):
    properties = _state_machine(synthesized)
    function_ids = {synthesized.logical_id(function) for function in synthesized.stack.functions.by_name.values()}
    assert {value["Fn::GetAtt"][0] for value in properties["DefinitionSubstitutions"].values()} <= function_ids


def test_standard_type_logged_without_execution_data_and_traced(synthesized):
    log_group = standard_logged_traced_log_group(synthesized, _state_machine(synthesized))
    assert log_group["LogGroupName"].startswith("/aws/vendedlogs/states/")
    assert log_group["RetentionInDays"] == 30
