"""The six Lambda functions of the quality loop (and, through add_function, the others), each with its own role
scoped to what its handler does."""

from __future__ import annotations

from collections.abc import Mapping

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from cdk_nag import NagPackSuppression, NagSuppressions
from constructs import Construct

from imagegate_service import constants, registry
from infra import layer
from infra.assets import dependencies_layer_code, runtime_code
from infra.config import FUNCTION_SPECS, FunctionSpec, ImagegateConfig, MarketplaceGrant
from infra.constructs.log_groups import retained_log_group
from infra.constructs.storage import Storage

# The runtime infra/layer.py declares (the dependencies layer is built for the same pair).
RUNTIME: lambda_.Runtime = getattr(lambda_.Runtime, "PYTHON_" + layer.LAMBDA_PYTHON_VERSION.replace(".", "_"))
ARCHITECTURE: lambda_.Architecture = {"arm64": lambda_.Architecture.ARM_64, "x86_64": lambda_.Architecture.X86_64}[
    layer.LAMBDA_ARCHITECTURE
]


class ServiceFunctions(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, config: ImagegateConfig, storage: Storage) -> None:
        super().__init__(scope, construct_id)
        self._config = config
        self._storage = storage
        self._code = runtime_code()
        self._layers = [
            lambda_.LayerVersion.from_layer_version_arn(
                self, "PowertoolsLayer", config.powertools_layer_arn(cdk.Stack.of(self).region)
            ),
            lambda_.LayerVersion(
                self,
                "DependenciesLayer",
                code=dependencies_layer_code(),
                compatible_runtimes=[RUNTIME],
                compatible_architectures=[ARCHITECTURE],
                description=f"imagegate's locked dependencies: jsonschema, jinja2 ({RUNTIME.name}, "
                f"{layer.LAMBDA_ARCHITECTURE})",
            ),
        ]
        self._environment = config.lambda_environment(storage.bucket.bucket_name, storage.table.table_name)
        self.by_name: dict[str, lambda_.Function] = {spec.name: self._function(spec) for spec in FUNCTION_SPECS}

    def add_function(
        self,
        spec: FunctionSpec,
        *,
        statements: list[iam.PolicyStatement],
        environment: dict[str, str],
        wildcards: dict[str, str],
    ) -> lambda_.Function:
        """A function outside the loop (not in by_name, so the state machine may not invoke it), built like
        the loop's: the same code, layers and environment, plus its own statements and environment;
        `wildcards` names each wildcard resource of those statements with the reason it is needed."""
        return self._function(spec, statements, environment, wildcards)

    def _function(
        self,
        spec: FunctionSpec,
        extra_statements: list[iam.PolicyStatement] | None = None,
        extra_environment: dict[str, str] | None = None,
        extra_wildcards: dict[str, str] | None = None,
    ) -> lambda_.Function:
        construct_id = "".join(part.title() for part in spec.name.split("_"))
        log_group = retained_log_group(self, f"{construct_id}Logs", retention_days=self._config.log_retention_days)
        # Our own role instead of the default one: no AWSLambdaBasicExecutionRole (logs:* on every group).
        role = iam.Role(self, f"{construct_id}Role", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"))
        log_group.grant_write(role)
        for statement in self._statements(spec) + list(extra_statements or []):
            role.add_to_principal_policy(statement)

        function = lambda_.Function(
            self,
            construct_id,
            description=f"imagegate {spec.name}",
            runtime=RUNTIME,
            architecture=ARCHITECTURE,
            handler=spec.handler,
            code=self._code,
            layers=self._layers,
            memory_size=spec.memory_mb,
            timeout=cdk.Duration.seconds(spec.timeout_seconds),
            environment={**self._environment, **(extra_environment or {})},
            tracing=lambda_.Tracing.ACTIVE,
            log_group=log_group,
            role=role,
        )
        NagSuppressions.add_resource_suppressions(
            function,
            [
                NagPackSuppression(
                    id="AwsSolutions-L1",
                    reason=f"{RUNTIME.name} on purpose: the public Powertools layer and the dependencies layer (its "
                    "compiled rpds-py and markupsafe wheels) are built for it; infra/layer.py moves all three together.",
                )
            ],
        )
        # One suppression entry per rule id: each wildcard it covers is named in applies_to.
        wildcards = {
            "Resource::*": "X-Ray PutTraceSegments/PutTelemetryRecords (added by active tracing) support "
            "no resource-level permissions."
        }
        if self._detects(spec):
            wildcards["Resource::*"] += (
                " rekognition:DetectLabels and rekognition:DetectText support no resource-level permissions (no "
                "resource type in the Service Authorization Reference, list_amazonrekognition.html): granted on * "
                "for those two actions only, to the verifier's function only; the image they read is scoped by "
                "s3:GetObject on runs/*."
            )
        if spec.detects_for_masks:
            wildcards["Resource::*"] += (
                " rekognition:DetectLabels supports no resource-level permissions: granted on * for that action "
                "only, to Rewrite Prompt, for a targeted erase's mask (strategy targeted); the image it reads is "
                "scoped by s3:GetObject on runs/*."
            )
        grants = self._config.subscription_grants(spec)
        if grants:
            wildcards["Resource::*"] += marketplace_wildcard_reason(grants)
        if spec.s3_object_actions:
            wildcards[f"Resource::<{self._bucket_logical_id()}.Arn>/{constants.RUNS_PREFIX}*"] = (
                "Run objects have per-run keys, so S3 access is granted on the image bucket's runs/ prefix only."
            )
        if spec.report_object_actions:
            wildcards[f"Resource::<{self._bucket_logical_id()}.Arn>/{constants.BENCHMARKS_PREFIX}*"] = (
                "Benchmark reports have per-date keys, so S3 access is granted on the image bucket's benchmarks/ "
                "prefix only."
            )
        wildcards |= extra_wildcards or {}
        NagSuppressions.add_resource_suppressions(
            role,
            [
                NagPackSuppression(
                    id="AwsSolutions-IAM5",
                    reason=" ".join(wildcards.values()),
                    applies_to=list(wildcards),
                )
            ],
            apply_to_children=True,
        )
        return function

    def _statements(self, spec: FunctionSpec) -> list[iam.PolicyStatement]:
        statements = []
        if spec.model_role:
            model_id = self._config.model_for(spec.model_role)
            statements.append(
                iam.PolicyStatement(
                    sid="InvokeConfiguredModel",
                    actions=["bedrock:InvokeModel"],  # Converse is authorized as InvokeModel
                    resources=self.model_arns(model_id),
                )
            )
            if self._config.profile_regions(model_id):
                # Reading the profile (which regions and model it routes to), on that profile only.
                statements.append(
                    iam.PolicyStatement(
                        sid="ReadConfiguredInferenceProfile",
                        actions=["bedrock:GetInferenceProfile"],
                        resources=[self.inference_profile_arn(model_id)],
                    )
                )
        if spec.image_services:
            partition, region = cdk.Aws.PARTITION, cdk.Aws.REGION
            statements.append(
                iam.PolicyStatement(
                    sid="InvokeTargetedEditServices",
                    actions=["bedrock:InvokeModel"],
                    resources=[
                        f"arn:{partition}:bedrock:{region}::foundation-model/{registry.image_service_for(op).model_id}"
                        for op in spec.image_services
                    ],
                )
            )
        # Bedrock's automatic Marketplace subscription on the first call of the model and of the Image Services
        # (infra/config.py: modelSubscription)
        statements += marketplace_statements(self._config.subscription_grants(spec))
        if spec.detects_for_masks:
            statements.append(
                iam.PolicyStatement(sid="DetectForMasks", actions=["rekognition:DetectLabels"], resources=["*"])
            )
        if self._detects(spec):
            statements.append(
                iam.PolicyStatement(
                    sid="DetectWithRekognition",
                    actions=["rekognition:DetectLabels", "rekognition:DetectText"],
                    resources=["*"],
                )
            )
        if spec.s3_object_actions:
            statements.append(
                iam.PolicyStatement(
                    sid="RunObjects", actions=list(spec.s3_object_actions), resources=[self._storage.runs_objects_arn()]
                )
            )
        if spec.dynamodb_actions:
            statements.append(
                iam.PolicyStatement(
                    sid="RunsTable", actions=list(spec.dynamodb_actions), resources=[self._storage.table.table_arn]
                )
            )
        if spec.report_object_actions:
            statements.append(
                iam.PolicyStatement(
                    sid="BenchmarkReports",
                    actions=list(spec.report_object_actions),
                    resources=[self._storage.benchmark_objects_arn()],
                )
            )
        if spec.lists_reports:
            statements.append(
                iam.PolicyStatement(
                    sid="ListBenchmarkReports",
                    actions=["s3:ListBucket"],
                    resources=[self._storage.bucket.bucket_arn],
                    conditions={"StringLike": {"s3:prefix": [f"{constants.BENCHMARKS_PREFIX}*"]}},
                )
            )
        return statements

    def _detects(self, spec: FunctionSpec) -> bool:
        """The verifier's function calls Rekognition, unless the deployment has no verifier (verifier none)."""
        return spec.detects and self._config.verifier != constants.VERIFIER_NONE

    def model_arns(self, model_id: str) -> list[str]:
        """A plain model id: its foundation model in this region. An inference profile id: the profile
        here and its foundation model in every region the profile may route a request to."""
        partition, region = cdk.Aws.PARTITION, cdk.Aws.REGION
        foundation_model = self._config.foundation_model(model_id)
        profile_regions = self._config.profile_regions(model_id)
        if not profile_regions:
            return [f"arn:{partition}:bedrock:{region}::foundation-model/{foundation_model}"]
        return [self.inference_profile_arn(model_id)] + [
            f"arn:{partition}:bedrock:{target}::foundation-model/{foundation_model}" for target in profile_regions
        ]

    @staticmethod
    def inference_profile_arn(model_id: str) -> str:
        """A system-defined cross-region inference profile, as called from this stack's region and account."""
        return f"arn:{cdk.Aws.PARTITION}:bedrock:{cdk.Aws.REGION}:{cdk.Aws.ACCOUNT_ID}:inference-profile/{model_id}"

    def _bucket_logical_id(self) -> str:
        bucket_resource = self._storage.bucket.node.default_child
        return cdk.Stack.of(self).get_logical_id(bucket_resource)


def marketplace_statements(grants: Mapping[str, MarketplaceGrant]) -> list[iam.PolicyStatement]:
    """Grants (statement id -> grant) as IAM statements: Subscribe/Unsubscribe for each (under its product-id
    condition when scoped) and the read-only ViewSubscriptions once, all on "*" (the actions take no resource).
    No grants: no statements."""
    if not grants:
        return []
    return [
        iam.PolicyStatement(sid=sid, actions=list(grant.subscribe_actions), resources=["*"], conditions=grant.condition)
        for sid, grant in grants.items()
    ] + [
        iam.PolicyStatement(
            sid="ViewModelSubscriptions", actions=list(next(iter(grants.values())).view_actions), resources=["*"]
        )
    ]


def marketplace_wildcard_reason(grants: Mapping[str, MarketplaceGrant]) -> str:
    """cdk-nag's reason for those statements' Resource "*" (appended to the role's other wildcard reasons)."""
    scoped = [grant.product_id for grant in grants.values() if grant.condition]
    return (
        " aws-marketplace:Subscribe, Unsubscribe and ViewSubscriptions support no resource-level permissions "
        "(Service Authorization Reference, list_awsmarketplace.html); Bedrock needs them on the caller's role "
        "to subscribe the account to a third-party model on its first call (Bedrock user guide, model-access."
        "html). "
        + (
            f"Subscribe/Unsubscribe are limited by aws-marketplace:ProductId to {', '.join(map(str, scoped))} "
            "(model-access-product-ids.html); ViewSubscriptions is read-only."
            if len(scoped) == len(grants)
            else "modelSubscription ANY: not limited to a product id (the deployer's choice)."
        )
    )
