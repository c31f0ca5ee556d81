"""The nightly benchmark: its two functions, its state machine (benchmark.asl.json with the quality loop's own
states composed into its Map by imagegate/workflows.py, the one definition both runtimes run) and the
EventBridge Scheduler schedule that starts it. Its alarms and dashboard row live in Observability."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_scheduler as scheduler
from aws_cdk import aws_scheduler_targets as scheduler_targets
from aws_cdk import aws_stepfunctions as sfn
from cdk_nag import NagPackSuppression, NagSuppressions
from constructs import Construct
from imagegate import workflows

from infra.config import BENCHMARK_FUNCTION_SPECS, FUNCTION_SPECS, ImagegateConfig
from infra.constructs.functions import ServiceFunctions
from infra.constructs.log_groups import retained_log_group
from infra.constructs.storage import Storage


class Benchmark(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, config: ImagegateConfig,
                 functions: ServiceFunctions, storage: Storage) -> None:
        super().__init__(scope, construct_id)
        # Built like the loop's functions (code with the bundled suites, layers, environment); not in
        # functions.by_name, so the loop's state machine and the API may not invoke them.
        self.by_name: dict[str, lambda_.Function] = {
            spec.name: functions.add_function(spec, statements=[], environment={}, wildcards={})
            for spec in BENCHMARK_FUNCTION_SPECS
        }

        definition = workflows.benchmark_definition()
        invocable = {spec.substitution: functions.by_name[spec.name] for spec in FUNCTION_SPECS}
        invocable |= {spec.substitution: self.by_name[spec.name] for spec in BENCHMARK_FUNCTION_SPECS}
        available = {name: function.function_arn for name, function in invocable.items()}
        available |= {"BucketName": storage.bucket.bucket_name, "TableName": storage.table.table_name}
        names = sorted(workflows.substitution_names(definition))
        unknown = [name for name in names if name not in available]
        if unknown:
            raise ValueError(f"the benchmark definition uses substitutions the stack does not provide: {unknown}; "
                             f"known: {sorted(available)}")
        #: the functions the definition's tasks call (the loop's six and the benchmark's two)
        self.invoked_functions = [invocable[name] for name in names if name in invocable]

        self.log_group = retained_log_group(
            self, "Logs",
            retention_days=config.log_retention_days,
            log_group_name=f"/aws/vendedlogs/states/{config.stack_name}-benchmark",
        )
        self.state_machine = sfn.StateMachine(
            self, "StateMachine",
            state_machine_type=sfn.StateMachineType.STANDARD,
            definition_body=sfn.DefinitionBody.from_string(definition),
            definition_substitutions={name: available[name] for name in names},
            logs=sfn.LogOptions(
                destination=self.log_group,
                level=sfn.LogLevel[config.sfn_log_level],
                include_execution_data=config.sfn_include_execution_data,
            ),
            tracing_enabled=True,
        )
        # Only the unqualified ARNs the definition names (CDK's grant_invoke would add `<arn>:*` too).
        self.state_machine.add_to_role_policy(iam.PolicyStatement(
            sid="InvokeBenchmarkFunctions",
            actions=["lambda:InvokeFunction"],
            resources=[function.function_arn for function in self.invoked_functions],
        ))
        NagSuppressions.add_resource_suppressions(self.state_machine, [NagPackSuppression(
            id="AwsSolutions-IAM5",
            reason="CloudWatch Logs delivery (logs:*LogDelivery, DescribeLogGroups/ResourcePolicies) and X-Ray "
                   "(PutTraceSegments, GetSampling*) actions support no resource-level permissions.",
            applies_to=["Resource::*"],
        )], apply_to_children=True)
        if config.sfn_log_level != "ALL":
            NagSuppressions.add_resource_suppressions(self.state_machine, [NagPackSuppression(
                id="AwsSolutions-SF1",
                reason=f"The operator chose sfnLogLevel={config.sfn_log_level} in CDK context (default ALL).",
            )])

        # Scheduler starts executions without a name: the benchmark id (and its run ids) is then the
        # execution name Step Functions generates. The target's role may start only this state machine.
        self.schedule = scheduler.Schedule(
            self, "NightlySchedule",
            description=f"imagegate nightly benchmark of the {config.benchmark_suite!r} suite",
            schedule=scheduler.ScheduleExpression.cron(
                time_zone=cdk.TimeZone.of(config.benchmark_time_zone), **config.benchmark_cron_fields()),
            target=scheduler_targets.StepFunctionsStartExecution(
                self.state_machine,
                input=scheduler.ScheduleTargetInput.from_object(config.benchmark_input()),
                # Retry a failed StartExecution briefly; a benchmark started hours late would overlap the next.
                retry_attempts=3,
                max_event_age=cdk.Duration.hours(1),
            ),
            enabled=config.benchmark_enabled,
        )
