"""What several infra test modules share: CloudFormation values read as text, the IAM statements a role is
granted, the checks both state machines pass, and the config from context with overrides (no synthesis)."""

from __future__ import annotations

from datetime import date
from typing import Any

from infra.config import ImagegateConfig, cdk_json_context


def render(value: Any) -> str:
    """A CloudFormation value as text: references become ${Name} / ${Id.Attr}."""
    if isinstance(value, str):
        return value
    if "Fn::Join" in value:
        separator, parts = value["Fn::Join"]
        return separator.join(render(part) for part in parts)
    if "Ref" in value:
        return "${{{}}}".format(value["Ref"])
    if "Fn::GetAtt" in value:
        return "${{{}.{}}}".format(*tuple(value["Fn::GetAtt"]))
    raise AssertionError(f"unexpected intrinsic {value}")


def as_list(value: Any) -> list[Any]:
    """IAM allows one action or resource unwrapped; tests read both forms as lists."""
    return value if isinstance(value, list) else [value]


def statements_of_role(synthesized, role_id: str) -> list[dict[str, Any]]:
    """Every statement of every AWS::IAM::Policy attached to the role with this logical id."""
    return [
        statement
        for policy in synthesized.resources("AWS::IAM::Policy").values()
        if {"Ref": role_id} in policy["Properties"]["Roles"]
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]
    ]


def function_role_id(synthesized, function: Any) -> str:
    """The logical id of the role a synthesized Lambda function runs as."""
    return synthesized.template_json["Resources"][synthesized.logical_id(function)]["Properties"]["Role"]["Fn::GetAtt"][
        0
    ]


def grants_by_action(statements: list[dict[str, Any]]) -> dict[str, set[str]]:
    """action -> the rendered resources the statements grant it on."""
    grants: dict[str, set[str]] = {}
    for statement in statements:
        for action in as_list(statement["Action"]):
            grants.setdefault(action, set()).update(render(r) for r in as_list(statement["Resource"]))
    return grants


def standard_logged_traced_log_group(synthesized, state_machine_properties: dict[str, Any]) -> dict[str, Any]:
    """Asserts what both state machines share (STANDARD, traced, logged at ALL without execution data, to one
    log group) and returns that log group's properties for the caller's own checks."""
    assert state_machine_properties["StateMachineType"] == "STANDARD"
    assert state_machine_properties["TracingConfiguration"] == {"Enabled": True}
    logging = state_machine_properties["LoggingConfiguration"]
    assert logging["Level"] == "ALL"
    assert logging["IncludeExecutionData"] is False
    (destination,) = logging["Destinations"]
    log_group_id = destination["CloudWatchLogsLogGroup"]["LogGroupArn"]["Fn::GetAtt"][0]
    return synthesized.template_json["Resources"][log_group_id]["Properties"]


def config_from_context(today: date | None = None, **overrides: Any) -> ImagegateConfig:
    """The config of cdk.json's context with these keys overridden (models judged retired as of `today`)."""
    return ImagegateConfig.from_context({**cdk_json_context(), **overrides}.get, today)
