"""Alarms on the loop and every function, mailed through an encrypted topic, and the runs dashboard."""

from __future__ import annotations

import json

import pytest

from imagegate_service import constants as c

pytestmark = pytest.mark.infra


def test_state_machine_alarms(synthesized):
    alarms = synthesized.resources("AWS::CloudWatch::Alarm").values()
    loop_id = synthesized.logical_id(synthesized.stack.quality_loop.state_machine)
    loop_metrics = {
        alarm["Properties"]["MetricName"]
        for alarm in alarms
        if alarm["Properties"].get("Namespace") == "AWS/States"
        and alarm["Properties"]["Dimensions"] == [{"Name": "StateMachineArn", "Value": {"Ref": loop_id}}]
    }
    assert loop_metrics == {"ExecutionsFailed", "ExecutionsTimedOut", "ExecutionThrottled"}


@pytest.mark.parametrize("metric_name", ["Errors", "Throttles"])
def test_every_function_has_errors_and_throttles_alarms(synthesized, metric_name):
    alarmed = {
        alarm["Properties"]["Dimensions"][0]["Value"]["Ref"]
        for alarm in synthesized.resources("AWS::CloudWatch::Alarm").values()
        if alarm["Properties"].get("Namespace") == "AWS/Lambda" and alarm["Properties"]["MetricName"] == metric_name
    }
    # the loop's, the benchmark's, the API's and mark_run_ended: every function of the stack
    assert alarmed == set(synthesized.resources("AWS::Lambda::Function"))


def test_api_5xx_and_undelivered_run_ended_events_alarm(synthesized):
    alarms = [alarm["Properties"] for alarm in synthesized.resources("AWS::CloudWatch::Alarm").values()]
    (api_5xx,) = [a for a in alarms if a.get("Namespace") == "AWS/ApiGateway" and a["MetricName"] == "5XXError"]
    assert {d["Name"] for d in api_5xx["Dimensions"]} == {"ApiName", "Stage"}
    assert api_5xx["Statistic"] == "Sum" and api_5xx["Threshold"] == 1
    (dead_letters,) = [a for a in alarms if a.get("Namespace") == "AWS/SQS"]
    assert dead_letters["MetricName"] == "ApproximateNumberOfMessagesVisible"
    assert dead_letters["Dimensions"][0]["Value"]["Fn::GetAtt"][0] == synthesized.logical_id(
        synthesized.stack.run_endings.dead_letter_queue
    )


def test_dashboard_shows_every_alarm(synthesized):
    (dashboard,) = synthesized.resources("AWS::CloudWatch::Dashboard").values()
    body = json.dumps(dashboard["Properties"]["DashboardBody"])
    for logical_id in synthesized.resources("AWS::CloudWatch::Alarm"):
        assert logical_id in body, logical_id


def test_alarms_notify_the_email_through_an_encrypted_topic(synthesized):
    from aws_cdk.assertions import Match

    topic_id = synthesized.logical_id(synthesized.stack.observability.topic)
    for alarm in synthesized.resources("AWS::CloudWatch::Alarm").values():
        assert alarm["Properties"]["AlarmActions"] == [{"Ref": topic_id}]
    synthesized.template.has_resource_properties(
        "AWS::SNS::Subscription",
        {"Protocol": "email", "Endpoint": synthesized.alarm_email, "TopicArn": {"Ref": topic_id}},
    )
    synthesized.template.has_resource_properties("AWS::SNS::Topic", {"KmsMasterKeyId": Match.any_value()})
    synthesized.template.has_resource_properties("AWS::KMS::Key", {"EnableKeyRotation": True})


def test_dashboard_plots_the_handlers_metrics(synthesized):
    (dashboard,) = synthesized.resources("AWS::CloudWatch::Dashboard").values()
    body = json.dumps(dashboard["Properties"]["DashboardBody"])
    for metric in (
        c.METRIC_RUNS_STARTED,
        *c.METRIC_RUN_OUTCOME.values(),
        c.METRIC_ROUNDS_PER_RUN,
        c.METRIC_RUN_COST,
        c.METRIC_ROUND_SCORE,
    ):
        assert f'\\"{metric}\\"' in body, metric
    assert '\\"imagegate\\"' in body and '\\"service\\"' in body
