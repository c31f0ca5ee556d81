"""Issue 13 in the stack: the daily spend cap reaches the functions and an alarm watches 80% of it; the review
function is reached through the callback integration and may only write the run item."""

import json
import os

import pytest

from imagegate_service import constants as c

pytestmark = pytest.mark.infra

DAILY_BUDGET = 20


@pytest.fixture(scope="module")
def with_daily_budget(tmp_path_factory):
    """A second synthesis with a $20 daily budget (cdk-nag's report included)."""
    os.environ.setdefault("JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "1")
    from infra.stack import build_app

    outdir = tmp_path_factory.mktemp("cdk.out.budget")
    app, stack = build_app(context={"dailyBudgetUsd": str(DAILY_BUDGET)}, outdir=str(outdir), environ={})
    assembly = app.synth()
    template = json.loads((outdir / assembly.get_stack_by_name(stack.stack_name).template_file).read_text())
    return assembly, template


def _of_type(template, resource_type):
    return [r for r in template["Resources"].values() if r["Type"] == resource_type]


def _budget_alarms(template):
    return [
        a
        for a in _of_type(template, "AWS::CloudWatch::Alarm")
        if a["Properties"].get("MetricName") == c.METRIC_DAILY_SPEND
    ]


def test_without_a_daily_budget_there_is_no_cap_and_no_budget_alarm(synthesized):
    assert _budget_alarms(synthesized.template_json) == []
    for function in _of_type(synthesized.template_json, "AWS::Lambda::Function"):
        assert c.ENV_DAILY_BUDGET_USD not in function["Properties"].get("Environment", {}).get("Variables", {})


def test_a_daily_budget_reaches_every_function_and_alarms_at_eighty_percent(with_daily_budget):
    from infra.constructs.observability import DAILY_BUDGET_ALARM_RATIO

    _, template = with_daily_budget
    # Every function of the service (the API refuses, the loop's functions reserve and settle) knows the cap
    functions = [
        f
        for f in _of_type(template, "AWS::Lambda::Function")
        if c.ENV_TABLE in f["Properties"]["Environment"]["Variables"]
    ]
    assert functions
    for function in functions:
        assert function["Properties"]["Environment"]["Variables"][c.ENV_DAILY_BUDGET_USD] == str(DAILY_BUDGET)
    # And one alarm fires when today's settled spend reaches 80% of the cap
    (alarm,) = _budget_alarms(template)
    properties = alarm["Properties"]
    assert properties["Threshold"] == pytest.approx(DAILY_BUDGET_ALARM_RATIO * DAILY_BUDGET)
    assert properties["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"
    assert properties["Statistic"] == "Maximum" and properties["Namespace"] == c.METRICS_NAMESPACE
    assert properties["TreatMissingData"] == "notBreaching"


def test_cdk_nag_is_clean_with_a_daily_budget(with_daily_budget):
    from infra.stack import unsuppressed_errors

    assembly, _ = with_daily_budget
    assert unsuppressed_errors(assembly) == []


def test_a_daily_budget_that_is_not_positive_fails_synthesis_naming_the_key(tmp_path):
    from infra.stack import build_app

    with pytest.raises(ValueError, match="dailyBudgetUsd"):
        build_app(context={"dailyBudgetUsd": "0"}, outdir=str(tmp_path), environ={})


def test_the_loop_waits_for_reviews_through_the_callback_integration_on_the_review_function(synthesized):
    (machine,) = [
        m
        for logical_id, m in synthesized.resources("AWS::StepFunctions::StateMachine").items()
        if logical_id == synthesized.logical_id(synthesized.stack.quality_loop.state_machine)
    ]
    substitutions = machine["Properties"]["DefinitionSubstitutions"]
    review_function = synthesized.logical_id(synthesized.stack.functions.by_name["await_review"])
    assert substitutions["AwaitReviewFunctionArn"] == {"Fn::GetAtt": [review_function, "Arn"]}


def test_the_review_function_may_only_update_the_run_item(synthesized):
    role = synthesized.stack.functions.by_name["await_review"].role
    role_id = synthesized.logical_id(role)
    policies = [
        p for p in synthesized.resources("AWS::IAM::Policy").values() if {"Ref": role_id} in p["Properties"]["Roles"]
    ]
    actions = {
        action
        for policy in policies
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]
        for action in ([statement["Action"]] if isinstance(statement["Action"], str) else statement["Action"])
        if not action.startswith(("logs:", "xray:"))
    }
    assert actions == {"dynamodb:UpdateItem"}
