"""The nightly benchmark: its two functions, its state machine (benchmark.asl.json with the quality loop's own
states composed into its Distributed Map by functions/imagegate_service/workflows.py, the one definition both
runtimes run) with what a Distributed Map needs of its role, and the EventBridge Scheduler schedule that starts it.
Its alarms and dashboard row live in Observability."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_scheduler as scheduler
from aws_cdk import aws_scheduler_targets as scheduler_targets
from aws_cdk import aws_stepfunctions as sfn
from cdk_nag import NagPackSuppression, NagSuppressions
from constructs import Construct

from imagegate_service import constants, workflows
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

        definition = workflows.benchmark_definition(
            concurrency=config.benchmark_concurrency,
            tolerated_failure_percent=config.benchmark_tolerated_failure_percent,
            max_concurrency=config.benchmark_max_concurrency(),
        )
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

        self.distributed_map_policy = self._grant_distributed_map(storage)

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

    def _grant_distributed_map(self, storage: Storage) -> iam.Policy:
        """What the Distributed Map does as the state machine's role
        (https://docs.aws.amazon.com/step-functions/latest/dg/iam-policies-eg-dist-map.html): start its child
        executions (states:StartExecution on the state machine itself), describe and stop them (on its
        executions), read the items Prepare wrote (ItemReader: s3:GetObject) and write the results (ResultWriter:
        s3:PutObject, s3:GetObject, s3:ListMultipartUploadParts, s3:AbortMultipartUpload), the objects under
        benchmarks/executions/ only. A policy of its own, attached to the role: the state machine's ARN in its
        default policy would make the state machine depend on itself."""
        stack = cdk.Stack.of(self)
        executions = stack.format_arn(
            service="states",
            resource="execution",
            resource_name=f"{self.state_machine.state_machine_name}/*",
            arn_format=cdk.ArnFormat.COLON_RESOURCE_NAME,
        )
        objects = storage.bucket.arn_for_objects(f"{constants.BENCHMARK_EXECUTIONS_PREFIX}*")
        policy = iam.Policy(
            self,
            "DistributedMapPolicy",
            statements=[
                iam.PolicyStatement(
                    sid="StartChildExecutions",
                    actions=["states:StartExecution"],
                    resources=[self.state_machine.state_machine_arn],
                ),
                iam.PolicyStatement(
                    sid="ManageChildExecutions",
                    actions=["states:DescribeExecution", "states:StopExecution"],
                    resources=[executions],
                ),
                iam.PolicyStatement(
                    sid="ReadItemsWriteResults",
                    actions=[
                        "s3:GetObject",
                        "s3:PutObject",
                        "s3:ListMultipartUploadParts",
                        "s3:AbortMultipartUpload",
                    ],
                    resources=[objects],
                ),
            ],
        )
        policy.attach_to_role(self.state_machine.role)
        NagSuppressions.add_resource_suppressions(
            policy,
            [
                NagPackSuppression(
                    id="AwsSolutions-IAM5",
                    reason="A Distributed Map's child executions and its per-execution item and result objects have "
                    "names made at run time: granted on this state machine's executions and on the bucket's "
                    f"{constants.BENCHMARK_EXECUTIONS_PREFIX} prefix only.",
                    applies_to=[
                        {
                            "regex": "/^Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:.*\\/\\*$/g"
                        },
                        f"Resource::<{stack.get_logical_id(storage.bucket.node.default_child)}.Arn>/"
                        f"{constants.BENCHMARK_EXECUTIONS_PREFIX}*",
                    ],
                )
            ],
        )
        return policy
