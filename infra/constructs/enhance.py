"""The enhancement of a finished image: its two functions and its state machine, built from the very ASL file
the local runtime executes (statemachine/enhance.asl.json). Apply Operation may invoke the model registry's
Stability AI Image Services (each foundation model in the stack's region) and DetectLabels (an erase's mask), and,
as the generator's function may for its model, have Bedrock subscribe the account to the services through AWS
Marketplace on the first call (modelSubscription; infra/config.py: the Image Services share one Marketplace record);
the API starts executions (infra/stack.py grants it)."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct

from imagegate_service import registry, workflows
from infra.config import ENHANCE_FUNCTION_SPECS, SUBSCRIBE_TO_IMAGE_SERVICES_SID, ImagegateConfig
from infra.constructs.functions import ServiceFunctions, marketplace_statements, marketplace_wildcard_reason
from infra.constructs.state_machines import checked_substitutions, logged_traced_state_machine
from infra.constructs.storage import Storage

_WILDCARD_REASON = (
    "X-Ray PutTraceSegments/PutTelemetryRecords (added by active tracing) support no resource-level permissions. "
    "rekognition:DetectLabels supports no resource-level permissions (no resource type in the Service "
    "Authorization Reference, list_amazonrekognition.html): granted on * for that action only, to Apply Operation "
    "only, for an erase's mask; the image it reads is scoped by s3:GetObject on runs/*."
)


class Enhancement(Construct):
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
        statements = {
            "apply_enhancement": [
                iam.PolicyStatement(
                    sid="InvokeImageServices",
                    actions=["bedrock:InvokeModel"],
                    resources=[
                        f"arn:{cdk.Aws.PARTITION}:bedrock:{cdk.Aws.REGION}::foundation-model/{model_id}"
                        for model_id in registry.image_service_ids()
                    ],
                ),
                iam.PolicyStatement(sid="DetectForMasks", actions=["rekognition:DetectLabels"], resources=["*"]),
            ],
            "finish_enhancement": [],
        }
        wildcard_reason = _WILDCARD_REASON
        # one Marketplace record for every Image Service (model registry), one grant (infra/config.py)
        grant = config.image_services_grant()
        grants = {SUBSCRIBE_TO_IMAGE_SERVICES_SID: grant} if grant else {}
        statements["apply_enhancement"] += marketplace_statements(grants)
        if grants:
            wildcard_reason += marketplace_wildcard_reason(grants)
        # Built like the loop's functions; not in functions.by_name, so the loop's state machine may not invoke them.
        self.by_name: dict[str, lambda_.Function] = {
            spec.name: functions.add_function(
                spec,
                statements=statements[spec.name],
                environment={},
                wildcards={"Resource::*": wildcard_reason} if statements[spec.name] else {},
            )
            for spec in ENHANCE_FUNCTION_SPECS
        }
        definition = workflows.enhance_definition()
        available = {spec.substitution: self.by_name[spec.name].function_arn for spec in ENHANCE_FUNCTION_SPECS}
        names = sorted(workflows.substitution_names(definition))
        substitutions = checked_substitutions("the enhance definition", names, available)
        self.log_group, self.state_machine = logged_traced_state_machine(
            self,
            config=config,
            log_name="enhance",
            definition_body=sfn.DefinitionBody.from_string(definition),
            definition_substitutions=substitutions,
            invoked_functions=self.by_name.values(),
            invoke_sid="InvokeEnhanceFunctions",
        )
