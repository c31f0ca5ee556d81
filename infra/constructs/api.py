"""The HTTP API: API Gateway REST API -> the api Lambda function (proxy) -> the quality loop.

IAM (SigV4) authorization on every method unless the operator chose NONE (then an API key is required);
an optional API key with a usage plan; the run request described by a request model (the run request
schema in draft-4) and validated by the function, whose 400 names the field and its limit; access logs,
execution logs, X-Ray; stage throttling; CORS only for the configured origins; errors API Gateway answers
itself shaped like the function's, as JSON."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_stepfunctions as sfn
from cdk_nag import NagPackSuppression, NagSuppressions
from constructs import Construct

from imagegate_service import constants
from imagegate_service.schema_dialects import draft4
from imagegate_service.settings import run_request_schema
from infra.config import API_FUNCTION_SPEC, ImagegateConfig
from infra.constructs.functions import ServiceFunctions
from infra.constructs.log_groups import retained_log_group
from infra.constructs.storage import Storage

STAGE_NAME = "v1"
# JSON Schema keyword -> aws_apigateway.JsonSchema argument.
_JSON_SCHEMA_ARGUMENTS = {
    "$schema": "schema",
    "title": "title",
    "description": "description",
    "type": "type",
    "required": "required",
    "additionalProperties": "additional_properties",
    "properties": "properties",
    "minimum": "minimum",
    "maximum": "maximum",
    "exclusiveMinimum": "exclusive_minimum",
    "exclusiveMaximum": "exclusive_maximum",
    "minLength": "min_length",
    "maxLength": "max_length",
    "enum": "enum",
    "items": "items",
    "minItems": "min_items",
    "maxItems": "max_items",
    "uniqueItems": "unique_items",
    "pattern": "pattern",
}
# API Gateway's own error answers, in the API's error shape {"error", "message"}. Gateway response templates
# are not run through VTL: only $context/$stageVariables/... references are substituted, as plain text. So
# the body may use only variables whose value keeps it JSON: `$context.error.messageString` (the message,
# already a quoted JSON string) and `$context.error.responseType` (an identifier such as ACCESS_DENIED).
# `$context.error.validationErrorString` is neither quoted nor escaped, hence no body validation by API
# Gateway: the function validates the request and names the field. Source: "A GatewayResponse mapping
# template isn't processed by the VTL engine", https://docs.aws.amazon.com/apigateway/latest/developerguide/
# api-gateway-swagger-extensions-gateway-responses.responseTemplates.html
GATEWAY_MESSAGE = "$context.error.messageString"
GATEWAY_RESPONSE_TYPE = "$context.error.responseType"
_GATEWAY_ERRORS = {
    apigw.ResponseType.BAD_REQUEST_BODY: "InvalidRequest",
    apigw.ResponseType.BAD_REQUEST_PARAMETERS: "InvalidRequest",
    apigw.ResponseType.THROTTLED: "Throttled",
    apigw.ResponseType.QUOTA_EXCEEDED: "QuotaExceeded",
    apigw.ResponseType.REQUEST_TOO_LARGE: "RequestTooLarge",
    apigw.ResponseType.DEFAULT_4_XX: GATEWAY_RESPONSE_TYPE,
    apigw.ResponseType.DEFAULT_5_XX: "InternalError",
}
_CLOUDWATCH_ROLE_REMOVAL = {"RETAIN": cdk.RemovalPolicy.RETAIN, "DESTROY": cdk.RemovalPolicy.DESTROY}


def json_schema(schema: dict[str, Any]) -> apigw.JsonSchema:
    """A JSON Schema document (draft-4) as the CDK's typed JsonSchema."""
    arguments: dict[str, Any] = {}
    for key, value in schema.items():
        if key not in _JSON_SCHEMA_ARGUMENTS:
            raise ValueError(f"API Gateway models: unsupported JSON Schema keyword {key!r}")
        if key == "$schema":
            value = apigw.JsonSchemaVersion.DRAFT4
        elif key == "type":
            value = apigw.JsonSchemaType[value.upper()]
        elif key == "properties":
            value = {name: json_schema(rule) for name, rule in value.items()}
        elif key == "items" and isinstance(value, dict):
            value = json_schema(value)
        arguments[_JSON_SCHEMA_ARGUMENTS[key]] = value
    return apigw.JsonSchema(**arguments)


class HttpApi(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: ImagegateConfig,
        storage: Storage,
        functions: ServiceFunctions,
        state_machine: sfn.StateMachine,
    ) -> None:
        super().__init__(scope, construct_id)
        self.function = self._function(config, storage, functions, state_machine)
        self.access_log_group = retained_log_group(self, "AccessLogs", retention_days=config.log_retention_days)

        authorization = (
            apigw.AuthorizationType.IAM if config.api_authorization == "IAM" else apigw.AuthorizationType.NONE
        )
        cors = (
            apigw.CorsOptions(
                allow_origins=list(config.api_cors_origins),
                allow_methods=["GET", "POST", "OPTIONS"],
                allow_headers=[
                    "Content-Type",
                    "Authorization",
                    "X-Amz-Date",
                    "X-Amz-Security-Token",
                    "X-Api-Key",
                    constants.IDEMPOTENCY_HEADER,
                ],
                max_age=cdk.Duration.minutes(5),
            )
            if config.api_cors_origins
            else None
        )
        self.rest_api = apigw.RestApi(
            self,
            "RestApi",
            rest_api_name=f"{config.stack_name}-api",
            description="imagegate: start quality-gated generations and read their rounds",
            endpoint_types=[apigw.EndpointType.REGIONAL],
            # The account-level role API Gateway needs for execution logs: shared by every REST API in this
            # account and region, so kept when this stack goes unless the operator chose otherwise.
            cloud_watch_role=config.api_cloudwatch_role != "NONE",
            cloud_watch_role_removal_policy=_CLOUDWATCH_ROLE_REMOVAL.get(config.api_cloudwatch_role),
            default_method_options=apigw.MethodOptions(
                authorization_type=authorization, api_key_required=config.api_key
            ),
            default_cors_preflight_options=cors,
            deploy_options=apigw.StageOptions(
                stage_name=STAGE_NAME,
                tracing_enabled=True,
                metrics_enabled=True,
                logging_level=apigw.MethodLoggingLevel.ERROR,
                data_trace_enabled=False,  # request bodies hold prompts, which may be private
                access_log_destination=apigw.LogGroupLogDestination(self.access_log_group),
                access_log_format=apigw.AccessLogFormat.json_with_standard_fields(
                    caller=True,
                    http_method=True,
                    ip=True,
                    protocol=True,
                    request_time=True,
                    resource_path=True,
                    response_length=True,
                    status=True,
                    user=True,
                ),
                throttling_rate_limit=config.api_throttle_rate_limit,
                throttling_burst_limit=config.api_throttle_burst_limit,
            ),
        )
        for response_type, error in _GATEWAY_ERRORS.items():
            self.rest_api.add_gateway_response(
                f"{response_type.response_type}Response",
                type=response_type,
                templates={"application/json": f'{{"error": "{error}", "message": {GATEWAY_MESSAGE}}}'},
                response_headers=(
                    {"Access-Control-Allow-Origin": f"'{config.api_cors_origins[0]}'"}
                    if len(config.api_cors_origins) == 1
                    else None
                ),
            )

        self.request_model = self.rest_api.add_model(
            "RunRequestModel",
            content_type="application/json",
            model_name="RunRequest",
            description="The run request (functions/imagegate_service/schemas/run_request.schema.json, draft-4)",
            schema=json_schema(draft4(run_request_schema())),
        )
        parameter_validator = self.rest_api.add_request_validator(
            "ParameterValidator",
            request_validator_name="parameters-only",
            validate_request_body=False,
            validate_request_parameters=True,
        )

        integration = apigw.LambdaIntegration(self.function, proxy=True, allow_test_invoke=False)
        generations = self.rest_api.root.add_resource("generations")
        generations.add_method(
            "POST",
            integration,
            request_validator=parameter_validator,
            request_models={"application/json": self.request_model},
            request_parameters={f"method.request.header.{constants.IDEMPOTENCY_HEADER}": False},
        )
        generations.add_method(
            "GET",
            integration,
            request_validator=parameter_validator,
            request_parameters={"method.request.querystring.limit": False, "method.request.querystring.cursor": False},
        )
        generation = generations.add_resource("{id}")

        def by_id(resource: apigw.Resource, method: str) -> None:
            """A method on /generations/{id}[/...]: the id path parameter required, checked by the validator."""
            resource.add_method(
                method,
                integration,
                request_validator=parameter_validator,
                request_parameters={"method.request.path.id": True},
            )

        by_id(generation, "GET")
        by_id(generation, "DELETE")  # remove a finished generation's images and items (409 while it runs)
        # stop a running generation (StopExecution; recorded ended as an aborted execution is)
        by_id(generation.add_resource("cancel"), "POST")
        # a person's decision on a run that waits for its review (the handler validates the body, 400 naming the field)
        by_id(generation.add_resource("review"), "POST")
        # an enhancement of a finished generation's image (the handler validates the body, 400 naming the field)
        by_id(generation.add_resource("enhance"), "POST")
        # today's spend, reservations and the daily cap: read-only, the same handler
        self.rest_api.root.add_resource("budget").add_method("GET", integration)
        # The run form's choices (defaults, models, sizes, limits): read-only, the same handler.
        self.rest_api.root.add_resource("options").add_method("GET", integration)

        self.api_key: apigw.IApiKey | None = None
        self.usage_plan: apigw.UsagePlan | None = None
        if config.api_key:
            self.api_key = self.rest_api.add_api_key("ApiKey", description="imagegate API key (usage plan)")
            self.usage_plan = self.rest_api.add_usage_plan(
                "UsagePlan",
                name=f"{config.stack_name}-usage",
                throttle=apigw.ThrottleSettings(
                    rate_limit=config.api_throttle_rate_limit, burst_limit=config.api_throttle_burst_limit
                ),
                quota=apigw.QuotaSettings(limit=config.api_quota_limit, period=apigw.Period[config.api_quota_period]),
            )
            self.usage_plan.add_api_key(self.api_key)
            self.usage_plan.add_api_stage(stage=self.rest_api.deployment_stage)

        self._suppress(config)

    def _function(
        self, config: ImagegateConfig, storage: Storage, functions: ServiceFunctions, state_machine: sfn.StateMachine
    ) -> lambda_.Function:
        stack = cdk.Stack.of(self)
        executions = stack.format_arn(
            service="states",
            resource="execution",
            resource_name=f"{state_machine.state_machine_name}:*",
            arn_format=cdk.ArnFormat.COLON_RESOURCE_NAME,
        )
        statements = [
            iam.PolicyStatement(
                sid="StartLoop", actions=["states:StartExecution"], resources=[state_machine.state_machine_arn]
            ),
            # a generation asked for between StartExecution and the Start Run task's write; the step a running
            # generation is at, read from its execution's history (GET /generations/{id} progress)
            iam.PolicyStatement(
                sid="DescribeLoopExecutions",
                actions=["states:DescribeExecution", "states:GetExecutionHistory"],
                resources=[executions],
            ),
            # POST /generations/{id}/cancel stops the run's execution, the quality loop's only
            iam.PolicyStatement(sid="StopLoopExecutions", actions=["states:StopExecution"], resources=[executions]),
            # DELETE /generations/{id} lists the run's objects before deleting them: runs/ keys only
            iam.PolicyStatement(
                sid="ListRunObjects",
                actions=["s3:ListBucket"],
                resources=[storage.bucket.bucket_arn],
                conditions={"StringLike": {"s3:prefix": [f"{constants.RUNS_PREFIX}*"]}},
            ),
            iam.PolicyStatement(sid="RunsIndex", actions=["dynamodb:Query"], resources=[storage.runs_index_arn()]),
            # a review answers the quality loop's waiting task (the resource CDK's StateMachine.grantTaskResponse
            # grants SendTask* on: the state machine; only SendTaskSuccess is used)
            iam.PolicyStatement(
                sid="AnswerReview", actions=["states:SendTaskSuccess"], resources=[state_machine.state_machine_arn]
            ),
        ]
        environment = {
            constants.ENV_STATE_MACHINE_ARN: state_machine.state_machine_arn,
            constants.ENV_PRESIGN_EXPIRY_SECONDS: str(config.image_url_expiry_seconds),
        }
        if config.api_cors_origins:
            environment[constants.ENV_CORS_ORIGINS] = ",".join(config.api_cors_origins)
        wildcards = {
            "Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:"
            f"<{cdk.Stack.of(self).get_logical_id(state_machine.node.default_child)}.Name>:*": "Executions are named per run: DescribeExecution, "
            "GetExecutionHistory and StopExecution are granted on the quality loop's executions only."
        }
        return functions.add_function(
            API_FUNCTION_SPEC, statements=statements, environment=environment, wildcards=wildcards
        )

    def _suppress(self, config: ImagegateConfig) -> None:
        suppressions = [
            {
                "id": "AwsSolutions-COG4",
                "reason": "The API authorizes with IAM (SigV4) or an API key, not a Cognito user pool: callers are "
                "AWS principals or services, and there is no end-user sign-in.",
            },
            {
                "id": "AwsSolutions-APIG3",
                "reason": "No AWS WAF web ACL by default: access needs SigV4-signed (or API-key) requests and the stage "
                "throttles; attach a web ACL to the stage where the API faces untrusted networks.",
            },
            {
                "id": "AwsSolutions-APIG2",
                "reason": "Parameters are validated by API Gateway; the body by the api function against the same run "
                "request schema (and the model rules a schema cannot express), so a 400 names the field and "
                "its limit: a gateway response cannot carry API Gateway's validation text as JSON.",
            },
        ]
        if config.api_authorization == "NONE":
            suppressions.append(
                {
                    "id": "AwsSolutions-APIG4",
                    "reason": "The operator chose apiAuthorization=NONE in CDK context; every method then requires "
                    "an API key with a throttled, quota-limited usage plan (enforced by the config).",
                }
            )
        NagSuppressions.add_resource_suppressions(self.rest_api, suppressions, apply_to_children=True)
        # A typed suppression: its applies_to reaches the metadata (a plain dict's snake_case key would not).
        NagSuppressions.add_resource_suppressions(
            self.rest_api,
            [
                NagPackSuppression(
                    id="AwsSolutions-IAM4",
                    reason="API Gateway's account-level CloudWatch role uses the AWS managed policy made for it "
                    "(AmazonAPIGatewayPushToCloudWatchLogs), which execution logging requires.",
                    applies_to=[
                        "Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs"
                    ],
                )
            ],
            apply_to_children=True,
        )
