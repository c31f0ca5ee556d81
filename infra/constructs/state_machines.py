"""What the quality loop's and the benchmark's state machines share: a STANDARD state machine, logged to its
own retained log group and traced, whose role may invoke exactly the functions its definition names."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_stepfunctions as sfn
from cdk_nag import NagPackSuppression, NagSuppressions
from constructs import Construct

from infra.config import ImagegateConfig
from infra.constructs.log_groups import retained_log_group


def checked_substitutions(definition_source: str, names: Iterable[str], available: Mapping[str, str]) -> dict[str, str]:
    """The definition's `${Name}` substitutions, failing synthesis when the stack does not provide one."""
    names = list(names)
    unknown = [name for name in names if name not in available]
    if unknown:
        raise ValueError(
            f"{definition_source} uses substitutions the stack does not provide: {unknown}; known: {sorted(available)}"
        )
    return {name: available[name] for name in names}


def logged_traced_state_machine(
    scope: Construct,
    *,
    config: ImagegateConfig,
    log_name: str,
    definition_body: sfn.DefinitionBody,
    definition_substitutions: Mapping[str, str],
    invoked_functions: Iterable[lambda_.IFunction],
    invoke_sid: str,
) -> tuple[logs.LogGroup, sfn.StateMachine]:
    """The log group ("Logs") and state machine ("StateMachine") as children of `scope`, so their logical IDs
    stay those of the construct that calls this."""
    log_group = retained_log_group(
        scope,
        "Logs",
        retention_days=config.log_retention_days,
        # The /aws/vendedlogs/ prefix keeps the account's CloudWatch Logs resource policy small.
        log_group_name=f"/aws/vendedlogs/states/{config.stack_name}-{log_name}",
    )
    state_machine = sfn.StateMachine(
        scope,
        "StateMachine",
        state_machine_type=sfn.StateMachineType.STANDARD,
        definition_body=definition_body,
        definition_substitutions=dict(definition_substitutions),
        logs=sfn.LogOptions(
            destination=log_group,
            level=sfn.LogLevel[config.sfn_log_level],
            include_execution_data=config.sfn_include_execution_data,
        ),
        tracing_enabled=True,
    )
    # Only the unqualified ARNs the definition names (CDK's grant_invoke would add `<arn>:*` too).
    state_machine.add_to_role_policy(
        iam.PolicyStatement(
            sid=invoke_sid,
            actions=["lambda:InvokeFunction"],
            resources=[function.function_arn for function in invoked_functions],
        )
    )

    NagSuppressions.add_resource_suppressions(
        state_machine,
        [
            NagPackSuppression(
                id="AwsSolutions-IAM5",
                reason="CloudWatch Logs delivery (logs:*LogDelivery, DescribeLogGroups/ResourcePolicies) and X-Ray "
                "(PutTraceSegments, GetSampling*) actions support no resource-level permissions.",
                applies_to=["Resource::*"],
            )
        ],
        apply_to_children=True,
    )
    if config.sfn_log_level != "ALL":
        NagSuppressions.add_resource_suppressions(
            state_machine,
            [
                NagPackSuppression(
                    id="AwsSolutions-SF1",
                    reason=f"The operator chose sfnLogLevel={config.sfn_log_level} in CDK context (default ALL).",
                )
            ],
        )
    return log_group, state_machine
