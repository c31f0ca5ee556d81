"""The EventBridge rule that closes runs whose execution ended outside the state machine's Catch: its pattern,
its target (retries, dead-letter queue), and mark_run_ended's least-privilege role."""

from __future__ import annotations

import pytest
from infra_test_helpers import as_list, function_role_id, grants_by_action, render, statements_of_role

from imagegate_service import constants as c
from infra.constructs.run_endings import EXECUTION_STATUS_CHANGE, TARGET_RETRY_ATTEMPTS

pytestmark = pytest.mark.infra


def _rule(synthesized) -> dict:
    (rule,) = synthesized.resources("AWS::Events::Rule").values()
    return rule["Properties"]


def test_rule_matches_the_loop_and_benchmark_executions_that_end_badly(synthesized):
    pattern = _rule(synthesized)["EventPattern"]
    assert pattern["source"] == ["aws.states"]
    assert pattern["detail-type"] == [EXECUTION_STATUS_CHANGE]
    assert sorted(pattern["detail"]["status"]) == sorted(["TIMED_OUT", "ABORTED", "FAILED"])
    assert pattern["detail"]["stateMachineArn"] == [
        {"Ref": synthesized.logical_id(synthesized.stack.quality_loop.state_machine)},
        {"Ref": synthesized.logical_id(synthesized.stack.benchmark.state_machine)},
    ]


def test_target_is_mark_run_ended_with_bounded_retries_and_an_encrypted_dead_letter_queue(synthesized):
    (target,) = _rule(synthesized)["Targets"]
    function = synthesized.stack.run_endings.function
    queue = synthesized.stack.run_endings.dead_letter_queue
    assert target["Arn"] == {"Fn::GetAtt": [synthesized.logical_id(function), "Arn"]}
    assert target["RetryPolicy"]["MaximumRetryAttempts"] == TARGET_RETRY_ATTEMPTS
    assert target["RetryPolicy"]["MaximumEventAgeInSeconds"] <= 24 * 3600
    assert target["DeadLetterConfig"] == {"Arn": {"Fn::GetAtt": [synthesized.logical_id(queue), "Arn"]}}
    queue_properties = synthesized.resources("AWS::SQS::Queue")[synthesized.logical_id(queue)]["Properties"]
    assert queue_properties["SqsManagedSseEnabled"] is True
    # only this rule may invoke the function and write to the queue
    rule_arn = {"Fn::GetAtt": [next(iter(synthesized.resources("AWS::Events::Rule"))), "Arn"]}
    (permission,) = [
        p["Properties"]
        for p in synthesized.resources("AWS::Lambda::Permission").values()
        if p["Properties"]["FunctionName"] == target["Arn"]
    ]
    assert permission["Principal"] == "events.amazonaws.com" and permission["SourceArn"] == rule_arn
    (queue_policy,) = synthesized.resources("AWS::SQS::QueuePolicy").values()
    sends = [s for s in queue_policy["Properties"]["PolicyDocument"]["Statement"] if s["Effect"] == "Allow"]
    assert sends and all(s["Condition"]["ArnEquals"]["aws:SourceArn"] == rule_arn for s in sends)


def test_mark_run_ended_may_only_update_run_items_release_their_daily_reservations_and_query_the_runs_index(
    synthesized,
):
    function = synthesized.stack.run_endings.function
    grants = grants_by_action(statements_of_role(synthesized, function_role_id(synthesized, function)))
    table = f"${{{synthesized.logical_id(synthesized.stack.storage.table)}.Arn}}"
    scoped = {action: resources for action, resources in grants.items() if not action.startswith(("logs:", "xray:"))}
    # the table: UpdateItem (the run item, a dead run's daily reservations given back), Query (those reservations),
    # GetItem (the day's spend); the index: Query (a benchmark's runs)
    assert scoped == {
        "dynamodb:UpdateItem": {table},
        "dynamodb:GetItem": {table},
        "dynamodb:Query": {table, f"{table}/index/{c.RUNS_INDEX}"},
    }
    properties = synthesized.resources("AWS::Lambda::Function")[synthesized.logical_id(function)]["Properties"]
    assert properties["Handler"] == "imagegate_service.handlers.mark_run_ended.handler"
    variables = properties["Environment"]["Variables"]
    assert variables[c.ENV_BENCHMARK_STATE_MACHINE_ARN] == {
        "Ref": synthesized.logical_id(synthesized.stack.benchmark.state_machine)
    }


def test_no_state_machine_may_invoke_mark_run_ended(synthesized):
    function_arn = f"${{{synthesized.logical_id(synthesized.stack.run_endings.function)}.Arn}}"
    for policy in synthesized.resources("AWS::IAM::Policy").values():
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
            if "lambda:InvokeFunction" in as_list(statement["Action"]):
                assert function_arn not in {render(r) for r in as_list(statement["Resource"])}
