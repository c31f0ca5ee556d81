"""The nightly benchmark: its two functions, its state machine (benchmark.asl.json with the quality loop's own
states composed into its Map by functions/imagegate_service/workflows.py, the one definition both runtimes run) and the
EventBridge Scheduler schedule that starts it. Its alarms and dashboard row live in Observability."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_scheduler as scheduler
from aws_cdk import aws_scheduler_targets as scheduler_targets
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct

from imagegate_service import workflows
from infra.config import BENCHMARK_FUNCTION_SPECS, FUNCTION_SPECS, ImagegateConfig
from infra.constructs.functions import ServiceFunctions
from infra.constructs.state_machines import checked_substitutions, logged_traced_state_machine
from infra.constructs.storage import Storage


class Benchmark(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: ImagegateConfig,
        functions: ServiceFunctions,
        storage: Storage,
    ) -> None:
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
        substitutions = checked_substitutions("the benchmark definition", names, available)
        #: the functions the definition's tasks call (the loop's six and the benchmark's two)
        self.invoked_functions = [invocable[name] for name in names if name in invocable]

        self.log_group, self.state_machine = logged_traced_state_machine(
            self,
            config=config,
            log_name="benchmark",
            definition_body=sfn.DefinitionBody.from_string(definition),
            definition_substitutions=substitutions,
            invoked_functions=self.invoked_functions,
            invoke_sid="InvokeBenchmarkFunctions",
        )

        # Scheduler starts executions without a name: the benchmark id (and its run ids) is then the
        # execution name Step Functions generates. The target's role may start only this state machine.
        self.schedule = scheduler.Schedule(
            self,
            "NightlySchedule",
            description=f"imagegate nightly benchmark of the {config.benchmark_suite!r} suite",
            schedule=scheduler.ScheduleExpression.cron(
                time_zone=cdk.TimeZone.of(config.benchmark_time_zone), **config.benchmark_cron_fields()
            ),
            target=scheduler_targets.StepFunctionsStartExecution(
                self.state_machine,
                input=scheduler.ScheduleTargetInput.from_object(config.benchmark_input()),
                # Retry a failed StartExecution briefly; a benchmark started hours late would overlap the next.
                retry_attempts=3,
                max_event_age=cdk.Duration.hours(1),
            ),
            enabled=config.benchmark_enabled,
        )
