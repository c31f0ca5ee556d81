"""The EventBridge rule that closes runs whose execution ended outside the state machine's Catch: its pattern,
its target (retries, dead-letter queue), and mark_run_ended's least-privilege role."""

from __future__ import annotations

import pytest
from infra_test_helpers import as_list, function_role_id, grants_by_action, render, statements_of_role

from imagegate_service import constants as c

pytestmark = pytest.mark.infra


def _rule(synthesized) -> dict:
    (rule,) = synthesized.resources("AWS::Events::Rule").values()
    return rule["Properties"]


def test_rule_matches_the_loop_benchmark_and_enhance_executions_that_end_badly(synthesized):
    from infra.constructs.run_endings import EXECUTION_STATUS_CHANGE

    pattern = _rule(synthesized)["EventPattern"]
    assert pattern["source"] == ["aws.states"]
    assert pattern["detail-type"] == [EXECUTION_STATUS_CHANGE]
    assert sorted(pattern["detail"]["status"]) == sorted(["TIMED_OUT", "ABORTED", "FAILED"])
    assert pattern["detail"]["stateMachineArn"] == [
        {"Ref": synthesized.logical_id(synthesized.stack.quality_loop.state_machine)},
        {"Ref": synthesized.logical_id(synthesized.stack.benchmark.state_machine)},
        {"Ref": synthesized.logical_id(synthesized.stack.enhancement.state_machine)},
    ]


def test_target_is_mark_run_ended_with_bounded_retries_and_an_encrypted_dead_letter_queue(synthesized):
    from infra.constructs.run_endings import TARGET_RETRY_ATTEMPTS

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
    # (sqs: its on-failure destination, checked below in test_an_event_mark_run_ended_fails_on_...)
    scoped = {
        action: resources for action, resources in grants.items() if not action.startswith(("logs:", "xray:", "sqs:"))
    }
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
    # an enhancement's execution is told apart by its state machine (domain/mark_run_ended.py)
    assert variables[c.ENV_ENHANCE_STATE_MACHINE_ARN] == {
        "Ref": synthesized.logical_id(synthesized.stack.enhancement.state_machine)
    }


def test_no_state_machine_may_invoke_mark_run_ended(synthesized):
    function_arn = f"${{{synthesized.logical_id(synthesized.stack.run_endings.function)}.Arn}}"
    for policy in synthesized.resources("AWS::IAM::Policy").values():
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
            if "lambda:InvokeFunction" in as_list(statement["Action"]):
                assert function_arn not in {render(r) for r in as_list(statement["Resource"])}


def test_an_event_mark_run_ended_fails_on_after_lambdas_retries_lands_in_the_alarmed_queue(synthesized):
    # Given mark_run_ended and the run-ended queue
    function = synthesized.stack.run_endings.function
    queue = synthesized.stack.run_endings.dead_letter_queue
    queue_arn = {"Fn::GetAtt": [synthesized.logical_id(queue), "Arn"]}
    # Then its asynchronous invocations (EventBridge's) have an on-failure destination: that queue, with Lambda's
    # retries and event age stated at their documented maximum (2, 6 h)
    (config,) = [
        c["Properties"]
        for c in synthesized.resources("AWS::Lambda::EventInvokeConfig").values()
        if c["Properties"]["FunctionName"] == {"Ref": synthesized.logical_id(function)}
    ]
    assert config["DestinationConfig"] == {"OnFailure": {"Destination": queue_arn}}
    assert config["MaximumRetryAttempts"] == 2 and config["MaximumEventAgeInSeconds"] == 6 * 3600
    # And the function's role may send to that queue (the destination is written with its permissions), no other
    role_id = function_role_id(synthesized, function)
    grants = grants_by_action(statements_of_role(synthesized, role_id))
    assert render(queue_arn) in grants["sqs:SendMessage"]
    assert {
        resource for action, resources in grants.items() if action.startswith("sqs:") for resource in resources
    } == {render(queue_arn)}
    # And the queue's depth is alarmed
    alarm = synthesized.stack.observability.dead_letter_alarm
    properties = synthesized.resources("AWS::CloudWatch::Alarm")[synthesized.logical_id(alarm)]["Properties"]
    assert properties["MetricName"] == "ApproximateNumberOfMessagesVisible"
    assert properties["Dimensions"] == [
        {"Name": "QueueName", "Value": {"Fn::GetAtt": [synthesized.logical_id(queue), "QueueName"]}}
    ]
