"""The HTTP API in the synthesized template: its routes (the same as the OpenAPI description's), IAM
authorization on every method, the request model, the stage's logs/tracing/throttling, the api function's
least-privilege grants, and the optional API key, usage plan and CORS."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from infra_test_helpers import as_list, function_role_id, grants_by_action, render, statements_of_role

from imagegate_service import constants as c
from imagegate_service.schema_dialects import draft4
from imagegate_service.settings import run_request_schema
from infra.config import REPO_ROOT

pytestmark = pytest.mark.infra

OPENAPI_FILE = REPO_ROOT / "openapi" / "imagegate.openapi.json"
CORS_ORIGIN = "https://app.example.com"


def _routes(template_json: dict[str, Any], include_options: bool = False) -> dict[tuple[str, str], dict[str, Any]]:
    """(METHOD, /path/{param}) -> the method's properties, paths rebuilt from the resource tree."""
    resources = {
        logical_id: resource["Properties"]
        for logical_id, resource in template_json["Resources"].items()
        if resource["Type"] == "AWS::ApiGateway::Resource"
    }

    def path_of(resource_ref: Any) -> str:
        if "Fn::GetAtt" in resource_ref:  # the RestApi's RootResourceId
            return ""
        resource = resources[resource_ref["Ref"]]
        return f"{path_of(resource['ParentId'])}/{resource['PathPart']}"

    routes = {}
    for resource in template_json["Resources"].values():
        if resource["Type"] != "AWS::ApiGateway::Method":
            continue
        properties = resource["Properties"]
        if properties["HttpMethod"] == "OPTIONS" and not include_options:
            continue
        routes[(properties["HttpMethod"], path_of(properties["ResourceId"]) or "/")] = properties
    return routes


def _api_grants(synthesized) -> dict[str, set[str]]:
    role_id = function_role_id(synthesized, synthesized.stack.api.function)
    return grants_by_action(statements_of_role(synthesized, role_id))


@pytest.fixture(scope="module")
def with_api_key_and_cors(tmp_path_factory):
    """A second synthesis: API key with a usage plan and CORS for one origin, from context."""
    from infra.stack import build_app

    outdir = tmp_path_factory.mktemp("cdk.out.api")
    app, stack = build_app(
        context={
            "apiKey": "true",
            "apiCorsOrigins": CORS_ORIGIN,
            "apiThrottleRateLimit": "5",
            "apiThrottleBurstLimit": "8",
            "apiQuotaLimit": "250",
            "apiQuotaPeriod": "WEEK",
            "apiCloudWatchRole": "none",
        },
        outdir=str(outdir),
        environ={},
    )
    assembly = app.synth()
    template = json.loads((outdir / assembly.get_stack_by_name(stack.stack_name).template_file).read_text())
    return assembly, template


def test_routes_are_the_openapi_descriptions_routes(synthesized):
    # Given the OpenAPI description in the repo
    openapi = json.loads(OPENAPI_FILE.read_text(encoding="utf-8"))
    described = {(method.upper(), path) for path, item in openapi["paths"].items() for method in item}

    # Then API Gateway has exactly those methods
    assert set(_routes(synthesized.template_json)) == described


def test_every_method_requires_iam_authorization_and_calls_the_api_function(synthesized):
    function_id = synthesized.logical_id(synthesized.stack.api.function)
    for route, method in _routes(synthesized.template_json, include_options=True).items():
        assert method["AuthorizationType"] == "AWS_IAM", route
        assert method.get("ApiKeyRequired", False) is False, route
        assert method["Integration"]["Type"] == "AWS_PROXY", route
        assert f"${{{function_id}.Arn}}" in render(method["Integration"]["Uri"]), route


def test_post_describes_the_body_with_the_run_request_model_and_leaves_its_validation_to_the_function(synthesized):
    # Given POST /generations
    post = _routes(synthesized.template_json)[("POST", "/generations")]
    model_id = post["RequestModels"]["application/json"]["Ref"]
    validator_id = post["RequestValidatorId"]["Ref"]
    resources = synthesized.template_json["Resources"]

    # Then its model is the run request schema in draft-4; API Gateway validates the parameters, and the body is
    # validated by the function, whose 400 names the field (a gateway response could not say which, as JSON)
    assert resources[model_id]["Properties"]["Schema"] == draft4(run_request_schema())
    assert resources[model_id]["Properties"]["ContentType"] == "application/json"
    assert resources[validator_id]["Properties"]["ValidateRequestParameters"] is True
    assert resources[validator_id]["Properties"].get("ValidateRequestBody", False) is False
    assert post["RequestParameters"] == {f"method.request.header.{c.IDEMPOTENCY_HEADER}": False}


def test_stage_is_traced_logged_and_throttled(synthesized):
    from aws_cdk.assertions import Match

    synthesized.template.has_resource_properties(
        "AWS::ApiGateway::Stage",
        {
            "StageName": "v1",
            "TracingEnabled": True,
            "AccessLogSetting": {"DestinationArn": Match.any_value(), "Format": Match.string_like_regexp("requestId")},
            "MethodSettings": [
                Match.object_like(
                    {
                        "LoggingLevel": "ERROR",
                        "DataTraceEnabled": False,
                        "ThrottlingRateLimit": 10,
                        "ThrottlingBurstLimit": 20,
                    }
                )
            ],
        },
    )


# What API Gateway substitutes in a gateway response body (no VTL): the message already quoted as JSON, the
# response type as a bare identifier. A message with quotes and a backslash proves the body stays JSON.
_GATEWAY_VARIABLES = {
    "$context.error.messageString": json.dumps('Invalid "body": \\ at [0]'),
    "$context.error.responseType": "ACCESS_DENIED",
}


def _as_api_gateway_fills_it(template: str) -> str:
    for variable, value in _GATEWAY_VARIABLES.items():
        template = template.replace(variable, value)
    return template


def test_every_gateway_response_body_is_json_in_the_api_error_shape(synthesized):
    responses = {
        r["Properties"]["ResponseType"]: r["Properties"]
        for r in synthesized.resources("AWS::ApiGateway::GatewayResponse").values()
    }
    assert {"BAD_REQUEST_BODY", "THROTTLED", "QUOTA_EXCEEDED", "DEFAULT_4XX", "DEFAULT_5XX"} <= set(responses)
    for response_type, response in responses.items():
        for template in response["ResponseTemplates"].values():
            # no VTL: a $util call or #directive would reach the client as written
            assert "$util" not in template and "#" not in template, response_type
            leftover = [name for name in re.findall(r"\$[A-Za-z][\w.]*", template) if name not in _GATEWAY_VARIABLES]
            assert leftover == [], (response_type, leftover)
            body = json.loads(_as_api_gateway_fills_it(template))
            assert set(body) == {"error", "message"}, response_type
            assert body["message"] == 'Invalid "body": \\ at [0]'
    assert (
        json.loads(_as_api_gateway_fills_it(responses["BAD_REQUEST_BODY"]["ResponseTemplates"]["application/json"]))[
            "error"
        ]
        == "InvalidRequest"
    )
    assert (
        json.loads(_as_api_gateway_fills_it(responses["DEFAULT_4XX"]["ResponseTemplates"]["application/json"]))["error"]
        == "ACCESS_DENIED"
    )


def test_the_account_wide_cloudwatch_role_outlives_the_stack_by_default(synthesized):
    # API Gateway has one CloudWatch Logs role per account and region, shared by every REST API there
    roles = [
        resource
        for resource in synthesized.resources("AWS::IAM::Role").values()
        if "apigateway.amazonaws.com" in json.dumps(resource["Properties"]["AssumeRolePolicyDocument"])
    ]
    (role,) = roles
    assert role["DeletionPolicy"] == "Retain" and role["UpdateReplacePolicy"] == "Retain"
    (account,) = synthesized.resources("AWS::ApiGateway::Account").values()
    assert account["DeletionPolicy"] == "Retain"


def test_without_context_there_is_no_api_key_usage_plan_or_cors(synthesized):
    assert synthesized.resources("AWS::ApiGateway::UsagePlan") == {}
    assert synthesized.resources("AWS::ApiGateway::ApiKey") == {}
    assert not [route for route in _routes(synthesized.template_json, include_options=True) if route[0] == "OPTIONS"]
    function = synthesized.resources("AWS::Lambda::Function")[synthesized.logical_id(synthesized.stack.api.function)]
    assert c.ENV_CORS_ORIGINS not in function["Properties"]["Environment"]["Variables"]


def test_api_function_environment(synthesized):
    function = synthesized.resources("AWS::Lambda::Function")[synthesized.logical_id(synthesized.stack.api.function)]
    properties = function["Properties"]
    environment = properties["Environment"]["Variables"]
    assert properties["Handler"] == "imagegate_service.handlers.api.handler"
    assert properties["Timeout"] <= 29  # API Gateway's integration timeout
    assert environment[c.ENV_STATE_MACHINE_ARN] == {
        "Ref": synthesized.logical_id(synthesized.stack.quality_loop.state_machine)
    }
    assert environment[c.ENV_PRESIGN_EXPIRY_SECONDS] == "3600"
    assert environment[c.ENV_TABLE] == {"Ref": synthesized.logical_id(synthesized.stack.storage.table)}
    assert c.ENV_PUBLIC_S3_ENDPOINT not in environment  # AWS presigns for the regional S3 endpoint


def test_api_function_may_only_start_read_and_review_runs(synthesized):
    state_machine = synthesized.logical_id(synthesized.stack.quality_loop.state_machine)
    table = f"${{{synthesized.logical_id(synthesized.stack.storage.table)}.Arn}}"
    bucket_runs = f"${{{synthesized.logical_id(synthesized.stack.storage.bucket)}.Arn}}/runs/*"
    enhance = synthesized.logical_id(synthesized.stack.enhancement.state_machine)
    grants = _api_grants(synthesized)
    # a generation starts the quality loop; an enhancement of a finished one starts the enhance workflow
    assert grants.pop("states:StartExecution") == {f"${{{state_machine}}}", f"${{{enhance}}}"}
    # a review answers the loop's waiting task, on the quality loop only (no SendTaskFailure/Heartbeat: unused)
    assert grants.pop("states:SendTaskSuccess") == {f"${{{state_machine}}}"}
    (executions,) = grants.pop("states:DescribeExecution")
    assert executions.endswith(f":execution:${{{state_machine}.Name}}:*")
    assert grants.pop("states:GetExecutionHistory") == {executions}  # the progress of a running generation
    assert grants.pop("states:StopExecution") == {executions}  # cancel: the quality loop's executions only
    assert grants.pop("dynamodb:Query") == {table, f"{table}/index/{c.RUNS_INDEX}"}
    for action in (
        "dynamodb:GetItem",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
        "dynamodb:DeleteItem",
        "dynamodb:BatchWriteItem",  # delete: the run's items
        # an enhancement is created in a transaction whose ConditionCheck is that the run has no DELETED marker
        "dynamodb:ConditionCheckItem",
    ):
        assert grants.pop(action) == {table}, action
    assert grants.pop("s3:GetObject") == {bucket_runs}
    assert grants.pop("s3:DeleteObject") == {bucket_runs}  # delete: the run's objects, runs/ only
    bucket = f"${{{synthesized.logical_id(synthesized.stack.storage.bucket)}.Arn}}"
    assert grants.pop("s3:ListBucket") == {bucket}
    (listing,) = [
        statement
        for statement in statements_of_role(synthesized, function_role_id(synthesized, synthesized.stack.api.function))
        if "s3:ListBucket" in as_list(statement["Action"])
    ]
    assert listing["Condition"] == {"StringLike": {"s3:prefix": ["runs/*"]}}
    assert set(grants) == {
        "logs:CreateLogStream",
        "logs:PutLogEvents",
        "xray:PutTraceSegments",
        "xray:PutTelemetryRecords",
    }


def test_the_state_machine_may_not_invoke_the_api_function(synthesized):
    function_arn = f"${{{synthesized.logical_id(synthesized.stack.api.function)}.Arn}}"
    role_id = synthesized.logical_id(synthesized.stack.quality_loop.state_machine.role)
    for statement in statements_of_role(synthesized, role_id):
        assert function_arn not in {render(r) for r in as_list(statement["Resource"])}


def test_runs_table_has_the_newest_first_index(synthesized):
    synthesized.template.has_resource_properties(
        "AWS::DynamoDB::Table",
        {
            "GlobalSecondaryIndexes": [
                {
                    "IndexName": c.RUNS_INDEX,
                    "KeySchema": [
                        {"AttributeName": c.RUNS_INDEX_PK, "KeyType": "HASH"},
                        {"AttributeName": c.RUNS_INDEX_SK, "KeyType": "RANGE"},
                    ],
                    "Projection": {"ProjectionType": "ALL"},
                }
            ],
        },
    )


def test_api_key_and_usage_plan_from_context(with_api_key_and_cors):
    # Given apiKey=true with throttle and quota in context
    _assembly, template = with_api_key_and_cors
    resources = template["Resources"]

    # Then every method (but the CORS preflight) needs IAM and the key, and the plan carries the limits
    for (method, path), properties in _routes(template, include_options=True).items():
        if method == "OPTIONS":
            assert properties["AuthorizationType"] == "NONE", path  # browsers send preflights unsigned
            continue
        assert properties["AuthorizationType"] == "AWS_IAM"
        assert properties["ApiKeyRequired"] is True
    (plan,) = [r["Properties"] for r in resources.values() if r["Type"] == "AWS::ApiGateway::UsagePlan"]
    assert plan["Throttle"] == {"RateLimit": 5, "BurstLimit": 8}
    assert plan["Quota"] == {"Limit": 250, "Period": "WEEK"}
    assert len(plan["ApiStages"]) == 1
    (key_id,) = [logical_id for logical_id, r in resources.items() if r["Type"] == "AWS::ApiGateway::ApiKey"]
    assert [
        r
        for r in resources.values()
        if r["Type"] == "AWS::ApiGateway::UsagePlanKey" and r["Properties"]["KeyId"] == {"Ref": key_id}
    ]
    assert "ApiKeyId" in template["Outputs"]


def test_cors_only_for_the_configured_origin(with_api_key_and_cors):
    _, template = with_api_key_and_cors
    preflights = [p for (method, _), p in _routes(template, include_options=True).items() if method == "OPTIONS"]
    assert preflights
    for preflight in preflights:
        headers = preflight["Integration"]["IntegrationResponses"][0]["ResponseParameters"]
        assert headers["method.response.header.Access-Control-Allow-Origin"] == f"'{CORS_ORIGIN}'"
    (api_function,) = [
        r
        for r in template["Resources"].values()
        if r["Type"] == "AWS::Lambda::Function"
        and r["Properties"]["Handler"] == "imagegate_service.handlers.api.handler"
    ]
    assert api_function["Properties"]["Environment"]["Variables"][c.ENV_CORS_ORIGINS] == CORS_ORIGIN


def test_cdk_nag_is_clean_with_api_key_and_cors(with_api_key_and_cors):
    from infra.stack import unsuppressed_errors

    assembly, _ = with_api_key_and_cors
    assert unsuppressed_errors(assembly) == []


def test_no_cloudwatch_role_when_the_account_has_one(with_api_key_and_cors):
    # Given apiCloudWatchRole=none (the account's API Gateway already logs through its own role)
    _, template = with_api_key_and_cors
    # Then the stack neither creates nor claims the account-wide role
    assert not [r for r in template["Resources"].values() if r["Type"] == "AWS::ApiGateway::Account"]
    assert not [
        r
        for r in template["Resources"].values()
        if r["Type"] == "AWS::IAM::Role"
        and "apigateway.amazonaws.com" in json.dumps(r["Properties"]["AssumeRolePolicyDocument"])
    ]
