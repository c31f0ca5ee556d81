"""The quality loop state machine, built from the very ASL file the local runtime executes."""

from __future__ import annotations

import re
from pathlib import Path

from aws_cdk import aws_iam as iam
from aws_cdk import aws_stepfunctions as sfn
from cdk_nag import NagPackSuppression, NagSuppressions
from constructs import Construct

from infra.config import FUNCTION_SPECS, ImagegateConfig
from infra.constructs.functions import ServiceFunctions
from infra.constructs.log_groups import retained_log_group
from infra.constructs.storage import Storage

_SUBSTITUTION = re.compile(r"\$\{([A-Za-z0-9_]+)\}")


def substitution_names(asl_file: Path) -> list[str]:
    """The `${Name}` DefinitionSubstitutions the ASL file uses, in order of first use."""
    return list(dict.fromkeys(_SUBSTITUTION.findall(asl_file.read_text(encoding="utf-8"))))


class QualityLoop(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, config: ImagegateConfig, asl_file: Path,
                 functions: ServiceFunctions, storage: Storage) -> None:
        super().__init__(scope, construct_id)
        available = {spec.substitution: functions.by_name[spec.name].function_arn for spec in FUNCTION_SPECS}
        available |= {"BucketName": storage.bucket.bucket_name, "TableName": storage.table.table_name}
        names = substitution_names(asl_file)
        unknown = [name for name in names if name not in available]
        if unknown:
            raise ValueError(f"{asl_file.name} uses substitutions the stack does not provide: {unknown}; "
                             f"known: {sorted(available)}")

        self.log_group = retained_log_group(
            self, "Logs",
            retention_days=config.log_retention_days,
            # The /aws/vendedlogs/ prefix keeps the account's CloudWatch Logs resource policy small.
            log_group_name=f"/aws/vendedlogs/states/{config.stack_name}-quality-loop",
        )
        self.state_machine = sfn.StateMachine(
            self, "StateMachine",
            state_machine_type=sfn.StateMachineType.STANDARD,
            definition_body=sfn.DefinitionBody.from_file(str(asl_file)),
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
            sid="InvokeLoopFunctions",
            actions=["lambda:InvokeFunction"],
            resources=[function.function_arn for function in functions.by_name.values()],
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
