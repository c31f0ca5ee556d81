"""The nightly benchmark in AWS: its schedule, its state machine (the composed definition of
functions/imagegate_service/workflows.py), its two functions' least-privilege roles, and its alarms."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from infra_test_helpers import (
    as_list,
    config_from_context,
    function_role_id,
    render,
    standard_logged_traced_log_group,
    statements_of_role,
)

from imagegate_service import constants, workflows
from infra.config import BENCHMARK_FUNCTION_SPECS, FUNCTION_SPECS

pytestmark = pytest.mark.infra

SCOPED_SERVICES = ("bedrock:", "s3:", "dynamodb:")
LOGS_AND_TRACES = {"logs:CreateLogStream", "logs:PutLogEvents", "xray:PutTraceSegments", "xray:PutTelemetryRecords"}


def _function_statements(synthesized, name: str) -> list[dict[str, Any]]:
    return statements_of_role(synthesized, function_role_id(synthesized, synthesized.stack.benchmark.by_name[name]))


def _state_machine(synthesized) -> dict[str, Any]:
    state_machines = synthesized.resources("AWS::StepFunctions::StateMachine")
    return state_machines[synthesized.logical_id(synthesized.stack.benchmark.state_machine)]["Properties"]


def _schedule(synthesized) -> dict[str, Any]:
    (schedule,) = synthesized.resources("AWS::Scheduler::Schedule").values()
    return schedule["Properties"]


def _alarm(synthesized, alarm) -> dict[str, Any]:
    return synthesized.template_json["Resources"][synthesized.stack.get_logical_id(alarm.node.default_child)][
        "Properties"
    ]


def _bucket(synthesized) -> str:
    return f"${{{synthesized.logical_id(synthesized.stack.storage.bucket)}.Arn}}"


# --- schedule -------------------------------------------------------------------------------------


def test_schedule_runs_nightly_in_the_configured_time_zone(synthesized):
    schedule = _schedule(synthesized)
    assert schedule["ScheduleExpression"] == "cron(0 2 * * ? *)"
    assert schedule["ScheduleExpressionTimezone"] == "UTC"
    assert schedule["State"] == "ENABLED"
    assert schedule["FlexibleTimeWindow"] == {"Mode": "OFF"}


def test_schedule_starts_the_benchmark_with_the_configured_suite(synthesized):
    target = _schedule(synthesized)["Target"]
    assert target["Arn"] == {"Ref": synthesized.logical_id(synthesized.stack.benchmark.state_machine)}
    assert json.loads(target["Input"]) == {
        "suite": constants.BENCHMARK_DEFAULT_SUITE,
        "concurrency": constants.BENCHMARK_DEFAULT_CONCURRENCY,
        "arms": list(constants.BENCHMARK_DEFAULT_ARMS),
    }
    assert target["RetryPolicy"] == {"MaximumEventAgeInSeconds": 3600, "MaximumRetryAttempts": 3}


def test_scheduler_role_may_only_start_the_benchmark(synthesized):
    role_id = _schedule(synthesized)["Target"]["RoleArn"]["Fn::GetAtt"][0]
    role = synthesized.template_json["Resources"][role_id]["Properties"]
    (trust,) = role["AssumeRolePolicyDocument"]["Statement"]
    assert trust["Principal"] == {"Service": "scheduler.amazonaws.com"}
    assert "aws:SourceAccount" in trust["Condition"]["StringEquals"]
    statements = statements_of_role(synthesized, role_id)
    assert [(statement["Action"], statement["Resource"]) for statement in statements] == [
        ("states:StartExecution", {"Ref": synthesized.logical_id(synthesized.stack.benchmark.state_machine)})
    ]


def test_schedule_follows_context(tmp_path):
    """A second synthesis (without cdk-nag's report) with the schedule's context overridden."""
    from infra.stack import build_app

    app, stack = build_app(
        context={
            "benchmarkSchedule": "cron(30 1 ? * MON-FRI *)",
            "benchmarkTimeZone": "Europe/Berlin",
            "benchmarkEnabled": "false",
            "benchmarkSuite": "smoke",
            "benchmarkLimit": 5,
            "benchmarkPassRateAlarmBelow": 0.8,
            "benchmarkArms": "loop,redraw,best-of-3",
        },
        outdir=str(tmp_path),
        environ={},
    )
    template = json.loads((tmp_path / app.synth().get_stack_by_name(stack.stack_name).template_file).read_text())
    (schedule,) = [
        resource["Properties"]
        for resource in template["Resources"].values()
        if resource["Type"] == "AWS::Scheduler::Schedule"
    ]
    assert schedule["ScheduleExpression"] == "cron(30 1 ? * MON-FRI *)"
    assert schedule["ScheduleExpressionTimezone"] == "Europe/Berlin"
    assert schedule["State"] == "DISABLED"
    assert json.loads(schedule["Target"]["Input"]) == {
        "suite": "smoke",
        "concurrency": 4,
        "limit": 5,
        "arms": ["loop", "redraw", "best-of-3"],
    }
    pass_rate = template["Resources"][
        stack.get_logical_id(stack.observability.benchmark_pass_rate_alarm.node.default_child)
    ]["Properties"]
    assert pass_rate["Threshold"] == 0.8


# --- state machine --------------------------------------------------------------------------------


def test_definition_is_the_composed_benchmark_after_substitution(synthesized):
    properties = _state_machine(synthesized)
    definition = workflows.benchmark_definition(
        concurrency=constants.BENCHMARK_DEFAULT_CONCURRENCY,
        tolerated_failure_percent=constants.BENCHMARK_DEFAULT_TOLERATED_FAILURE_PERCENT,
    )
    # the loop's functions and the benchmark's two, each by the ARN of its own function; the bucket the Map
    # reads its items from and writes its results to, by name
    expected_names = {spec.substitution for spec in FUNCTION_SPECS + BENCHMARK_FUNCTION_SPECS} | {"BucketName"}
    assert workflows.substitution_names(definition) == expected_names
    assert set(properties["DefinitionSubstitutions"]) == expected_names

    all_functions = {**synthesized.stack.functions.by_name, **synthesized.stack.benchmark.by_name}
    expected_substitutions = {
        spec.substitution: f"arn-of:{synthesized.logical_id(all_functions[spec.name])}"
        for spec in FUNCTION_SPECS + BENCHMARK_FUNCTION_SPECS
    } | {"BucketName": f"ref:{synthesized.logical_id(synthesized.stack.storage.bucket)}"}
    deployed_substitutions = {
        name: f"arn-of:{value['Fn::GetAtt'][0]}" if "Fn::GetAtt" in value else f"ref:{value['Ref']}"
        for name, value in properties["DefinitionSubstitutions"].items()
    }
    # from_string: the definition is inline; CloudFormation substitutes each ${Name} on deploy.
    deployed = json.loads(workflows.substitute(properties["DefinitionString"], deployed_substitutions))
    expected = json.loads(workflows.substitute(definition, expected_substitutions))
    assert deployed == expected
    assert "${" not in json.dumps(deployed)


def test_a_distributed_map_runs_the_loop_states_from_s3_to_s3_with_bounded_concurrency(synthesized):
    definition = json.loads(_state_machine(synthesized)["DefinitionString"])
    run_suite = definition["States"][workflows.BENCHMARK_MAP_STATE]
    assert run_suite["Type"] == "Map"
    # each run a Standard child execution of its own
    assert run_suite["ItemProcessor"]["ProcessorConfig"] == {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}
    loop_states = json.loads(workflows.quality_loop_definition())["States"]
    assert set(run_suite["ItemProcessor"]["States"]) == set(loop_states)
    # the items Prepare wrote, read from S3 as JSON lines; the results written back to S3
    assert run_suite["ItemReader"]["Resource"] == "arn:aws:states:::s3:getObject"
    assert run_suite["ItemReader"]["ReaderConfig"] == {"InputType": "JSONL"}
    assert run_suite["ItemReader"]["Parameters"]["Key.$"] == "$.itemsKey"
    assert run_suite["ResultWriter"]["Resource"] == "arn:aws:states:::s3:putObject"
    assert run_suite["ResultWriter"]["Parameters"]["Prefix.$"] == "$.resultsPrefix"
    # concurrency and tolerated failures from Prepare's output (the context's values unless a request says)
    assert run_suite["MaxConcurrencyPath"] == "$.concurrency"
    assert run_suite["ToleratedFailurePercentagePath"] == "$.toleratedFailurePercent"
    prepare = definition["States"][workflows.BENCHMARK_PREPARE_STATE]["Parameters"]
    assert prepare["defaults"] == {
        "concurrency": constants.BENCHMARK_DEFAULT_CONCURRENCY,
        "toleratedFailurePercent": constants.BENCHMARK_DEFAULT_TOLERATED_FAILURE_PERCENT,
        "maxConcurrency": constants.BENCHMARK_MAX_CONCURRENCY,  # no imageModelRequestsPerMinute: not capped
    }
    # and the aggregation reads the written results, not the Map's output: where the Map says it wrote them, or,
    # when the Map Run failed on its tolerated failures (caught into the same $.mapRun), under their prefix
    aggregate = definition["States"][workflows.BENCHMARK_AGGREGATE_STATE]
    assert aggregate["Parameters"]["mapRun.$"] == run_suite["ResultPath"] == "$.mapRun"
    assert aggregate["Parameters"]["resultsPrefix.$"] == run_suite["ResultWriter"]["Parameters"]["Prefix.$"]
    (catcher,) = run_suite["Catch"]
    assert catcher == {
        "ErrorEquals": ["States.ExceedToleratedFailureThreshold"],
        "ResultPath": "$.mapRun",
        "Next": workflows.BENCHMARK_AGGREGATE_STATE,
    }
    # and once the report is written, a failed Map Run fails the benchmark with its own error
    choice = definition["States"][aggregate["Next"]]
    (failed,) = choice["Choices"]
    assert failed["Variable"] == "$.mapRunFailed" and failed["BooleanEquals"] is True
    fail = definition["States"][failed["Next"]]
    assert (fail["Type"], fail["ErrorPath"], fail["CausePath"]) == (
        "Fail",
        "$.mapRunError.Error",
        "$.mapRunError.Cause",
    )
    assert definition["States"][choice["Default"]]["Type"] == "Succeed"


def test_the_state_machine_may_start_describe_and_stop_its_own_children_and_touch_only_their_objects(synthesized):
    machine = synthesized.logical_id(synthesized.stack.benchmark.state_machine)
    policy_id = synthesized.logical_id(synthesized.stack.benchmark.distributed_map_policy)
    policy = synthesized.resources("AWS::IAM::Policy")[policy_id]["Properties"]
    role_id = synthesized.logical_id(synthesized.stack.benchmark.state_machine.role)
    assert policy["Roles"] == [{"Ref": role_id}]
    grants = {
        statement["Sid"]: (sorted(as_list(statement["Action"])), [render(r) for r in as_list(statement["Resource"])])
        for statement in policy["PolicyDocument"]["Statement"]
    }
    assert grants["StartChildExecutions"] == (["states:StartExecution"], [f"${{{machine}}}"])
    actions, (executions,) = grants["ManageChildExecutions"]
    assert actions == ["states:DescribeExecution", "states:StopExecution"]
    assert executions.endswith(f":execution:${{{machine}.Name}}/*")
    assert grants["ReadItemsWriteResults"] == (
        ["s3:AbortMultipartUpload", "s3:GetObject", "s3:ListMultipartUploadParts", "s3:PutObject"],
        [f"{_bucket(synthesized)}/{constants.BENCHMARK_EXECUTIONS_PREFIX}*"],
    )
    # a policy of its own: the state machine does not wait for it (it names the state machine: no cycle)
    depends = synthesized.resources("AWS::StepFunctions::StateMachine")[machine].get("DependsOn", [])
    assert policy_id not in depends


def test_standard_type_logged_without_execution_data_and_traced(synthesized):
    log_group = standard_logged_traced_log_group(synthesized, _state_machine(synthesized))
    assert log_group["LogGroupName"] == "/aws/vendedlogs/states/Imagegate-benchmark"
    assert log_group["RetentionInDays"] == 30


def test_state_machine_may_invoke_exactly_the_loops_and_its_own_functions(synthesized):
    role_id = synthesized.logical_id(synthesized.stack.benchmark.state_machine.role)
    statements = statements_of_role(synthesized, role_id)
    (invoke,) = [statement for statement in statements if "lambda:InvokeFunction" in as_list(statement["Action"])]
    assert as_list(invoke["Action"]) == ["lambda:InvokeFunction"]
    all_functions = [*synthesized.stack.functions.by_name.values(), *synthesized.stack.benchmark.by_name.values()]
    assert len(all_functions) == len(FUNCTION_SPECS) + len(BENCHMARK_FUNCTION_SPECS)
    assert sorted(render(resource) for resource in invoke["Resource"]) == sorted(
        f"${{{synthesized.logical_id(function)}.Arn}}" for function in all_functions
    )
    assert synthesized.stack.api.function not in all_functions
    # beyond the Distributed Map's own policy (above), nothing on Bedrock, DynamoDB or another state machine
    distributed_map = synthesized.stack.benchmark.distributed_map_policy.document.to_json()["Statement"]
    others = [statement for statement in statements if statement.get("Sid") not in {s["Sid"] for s in distributed_map}]
    assert not [
        statement
        for statement in others
        if any(action.startswith((*SCOPED_SERVICES, "states:")) for action in as_list(statement["Action"]))
    ]


# --- functions ------------------------------------------------------------------------------------


def test_benchmark_functions_run_their_handlers(synthesized):
    functions = synthesized.resources("AWS::Lambda::Function")
    for spec in BENCHMARK_FUNCTION_SPECS:
        properties = functions[synthesized.logical_id(synthesized.stack.benchmark.by_name[spec.name])]["Properties"]
        assert properties["Handler"] == f"imagegate_service.handlers.{spec.name}.handler"
        assert properties["Timeout"] == spec.timeout_seconds
    assert {spec.name for spec in BENCHMARK_FUNCTION_SPECS} == set(constants.BENCHMARK_HANDLERS)


def test_prepare_reads_suites_and_writes_items_under_benchmarks_only(synthesized):
    statements = _function_statements(synthesized, "prepare_benchmark")
    actions = {action for statement in statements for action in as_list(statement["Action"])}
    assert actions == LOGS_AND_TRACES | {"s3:GetObject", "s3:PutObject"}
    (objects,) = [statement for statement in statements if "s3:GetObject" in as_list(statement["Action"])]
    assert [render(r) for r in as_list(objects["Resource"])] == [f"{_bucket(synthesized)}/benchmarks/*"]


def test_aggregate_reads_runs_from_the_table_and_writes_reports_under_benchmarks(synthesized):
    bucket = _bucket(synthesized)
    table = f"${{{synthesized.logical_id(synthesized.stack.storage.table)}.Arn}}"
    scoped = [
        statement
        for statement in _function_statements(synthesized, "aggregate_benchmark")
        if any(action.startswith(SCOPED_SERVICES) for action in as_list(statement["Action"]))
    ]
    grants = sorted(
        (
            sorted(as_list(statement["Action"])),
            sorted(render(r) for r in as_list(statement["Resource"])),
            json.dumps(statement.get("Condition"), sort_keys=True),
        )
        for statement in scoped
    )
    assert grants == sorted(
        [
            (["dynamodb:GetItem", "dynamodb:Query", "dynamodb:UpdateItem"], [table], "null"),
            (["s3:GetObject", "s3:PutObject"], [f"{bucket}/benchmarks/*"], "null"),
            (["s3:ListBucket"], [bucket], json.dumps({"StringLike": {"s3:prefix": ["benchmarks/*"]}}, sort_keys=True)),
        ]
    )


def test_benchmark_functions_have_no_runs_access_and_no_wildcard_resources(synthesized):
    for name in synthesized.stack.benchmark.by_name:
        for statement in _function_statements(synthesized, name):
            resources = [render(resource) for resource in as_list(statement["Resource"])]
            assert not [resource for resource in resources if "/runs/" in resource], name
            if any(action.startswith(SCOPED_SERVICES) for action in as_list(statement["Action"])):
                assert "*" not in resources, name
                assert all("*" not in resource or resource.endswith("/benchmarks/*") for resource in resources), name
            assert not any(action.startswith("bedrock:") for action in as_list(statement["Action"])), name


def test_code_asset_ships_the_bundled_suites(synthesized):
    function = synthesized.resources("AWS::Lambda::Function")[
        synthesized.logical_id(synthesized.stack.benchmark.by_name["prepare_benchmark"])
    ]
    asset_dir = synthesized.outdir / f"asset.{function['Properties']['Code']['S3Key'].removesuffix('.zip')}"
    from imagegate_service.domain import benchmarking as domain

    bundled = sorted(path.name for path in domain.SUITES_DIR.glob("*.jsonl"))
    shipped = sorted(path.name for path in (asset_dir / "imagegate_service" / "suites").glob("*.jsonl"))
    assert shipped == bundled
    if f"{constants.BENCHMARK_DEFAULT_SUITE}.jsonl" not in bundled:
        pytest.skip("no default suite bundled yet (functions/imagegate_service/suites/)")


# --- alarms and dashboard -------------------------------------------------------------------------


def test_pass_rate_alarm(synthesized):
    observability = synthesized.stack.observability
    alarm = _alarm(synthesized, observability.benchmark_pass_rate_alarm)
    assert alarm["Namespace"] == "imagegate"
    assert alarm["MetricName"] == constants.METRIC_BENCHMARK_PASS_RATE
    assert alarm["Dimensions"] == [{"Name": "service", "Value": "imagegate"}]
    assert alarm["Statistic"] == "Average"
    assert alarm["Threshold"] == 0.6
    assert alarm["ComparisonOperator"] == "LessThanThreshold"
    assert (alarm["Period"], alarm["EvaluationPeriods"]) == (86400, 1)
    assert alarm["TreatMissingData"] == "notBreaching"
    assert alarm["AlarmActions"] == [{"Ref": synthesized.logical_id(observability.topic)}]


def test_failed_items_alarm(synthesized):
    observability = synthesized.stack.observability
    alarm = _alarm(synthesized, observability.benchmark_failed_items_alarm)
    assert (alarm["Namespace"], alarm["MetricName"]) == ("imagegate", constants.METRIC_BENCHMARK_FAILED_ITEM_PERCENT)
    assert alarm["Threshold"] == 10 and alarm["ComparisonOperator"] == "GreaterThanThreshold"
    assert (alarm["Period"], alarm["EvaluationPeriods"]) == (86400, 1)
    assert alarm["AlarmActions"] == [{"Ref": synthesized.logical_id(observability.topic)}]


def test_failed_benchmark_execution_alarm(synthesized):
    observability = synthesized.stack.observability
    alarm = _alarm(synthesized, observability.benchmark_failed_alarm)
    assert (alarm["Namespace"], alarm["MetricName"]) == ("AWS/States", "ExecutionsFailed")
    assert alarm["Dimensions"] == [
        {"Name": "StateMachineArn", "Value": {"Ref": synthesized.logical_id(synthesized.stack.benchmark.state_machine)}}
    ]
    assert alarm["Threshold"] == 1
    assert alarm["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"
    assert alarm["AlarmActions"] == [{"Ref": synthesized.logical_id(observability.topic)}]
    assert len(synthesized.resources("AWS::SNS::Topic")) == 1  # the loop's topic, reused


def test_dashboard_plots_the_benchmark_metrics(synthesized):
    (dashboard,) = synthesized.resources("AWS::CloudWatch::Dashboard").values()
    body = json.dumps(dashboard["Properties"]["DashboardBody"])
    for metric in (
        constants.METRIC_BENCHMARK_PASS_RATE,
        constants.METRIC_BENCHMARK_FIRST_ROUND_PASS_RATE,
        constants.METRIC_BENCHMARK_MEAN_FINAL_SCORE,
        constants.METRIC_BENCHMARK_COST_PER_PASS,
        constants.METRIC_BENCHMARK_ANCHOR_SCORE,
        constants.METRIC_BENCHMARK_FAILED_ITEM_PERCENT,
    ):
        assert f'\\"{metric}\\"' in body, metric


# --- context (no synthesis) -----------------------------------------------------------------------


def test_context_schedule_becomes_cron_fields_and_input():
    config = config_from_context(
        benchmarkSchedule="cron(30 1 ? * MON-FRI *)",
        benchmarkTimeZone="Europe/Berlin",
        benchmarkSuite="smoke",
        benchmarkLimit="10",
        benchmarkConcurrency="2",
        benchmarkEnabled="false",
        benchmarkPassRateAlarmBelow="0.75",
    )
    assert config.benchmark_cron_fields() == {
        "minute": "30",
        "hour": "1",
        "month": "*",
        "week_day": "MON-FRI",
        "year": "*",
    }
    assert config.benchmark_input() == {"suite": "smoke", "concurrency": 2, "limit": 10, "arms": ["loop"]}
    # a suite of any size in the bucket, named by key; a limit far past the old inline Map's
    from_s3 = config_from_context(benchmarkSuiteKey="benchmarks/suites/parti.jsonl", benchmarkLimit="1632")
    assert from_s3.benchmark_input()["suiteKey"] == "benchmarks/suites/parti.jsonl"
    assert from_s3.benchmark_input()["limit"] == 1632
    assert config.benchmark_enabled is False
    assert config.benchmark_time_zone == "Europe/Berlin"
    assert config.benchmark_pass_rate_alarm_below == 0.75


def test_the_cron_fields_render_back_to_the_context_expression():
    from aws_cdk import TimeZone
    from aws_cdk import aws_scheduler as scheduler

    for expression in ("cron(0 2 * * ? *)", "cron(30 1 ? * MON-FRI *)", "cron(15 3 1 * ? *)"):
        config = config_from_context(benchmarkSchedule=expression)
        rendered = scheduler.ScheduleExpression.cron(time_zone=TimeZone.of("UTC"), **config.benchmark_cron_fields())
        assert rendered.expression_string == expression


@pytest.mark.parametrize(
    "override, message",
    [
        ({"benchmarkSchedule": "rate(1 day)"}, "benchmarkSchedule"),
        ({"benchmarkSchedule": "cron(0 2 * * *)"}, "six-field"),
        ({"benchmarkSchedule": "cron(0 2 1 * MON *)"}, "exactly one"),
        ({"benchmarkTimeZone": "Mars/Olympus"}, "benchmarkTimeZone"),
        ({"benchmarkSuite": "../etc"}, "benchmarkSuite"),
        ({"benchmarkLimit": 0}, "benchmarkLimit"),
        ({"benchmarkConcurrency": constants.BENCHMARK_MAX_CONCURRENCY + 1}, "benchmarkConcurrency"),
        ({"benchmarkSuiteKey": "runs/x.jsonl"}, "benchmarkSuiteKey"),
        ({"benchmarkSuiteKey": "benchmarks/suites/../x.jsonl"}, "benchmarkSuiteKey"),
        ({"benchmarkToleratedFailurePercent": 101}, "benchmarkToleratedFailurePercent"),
        ({"benchmarkFailedItemsAlarmAbove": -1}, "benchmarkFailedItemsAlarmAbove"),
        ({"benchmarkPassRateAlarmBelow": 60}, "benchmarkPassRateAlarmBelow"),
    ],
)
def test_bad_benchmark_context_fails_synthesis_with_the_key_named(override, message):
    if "benchmarkTimeZone" in override:
        import zoneinfo

        if not zoneinfo.available_timezones():
            pytest.skip("no time zone database on this machine")
    with pytest.raises(ValueError, match=re.escape(message)):
        config_from_context(**override)
