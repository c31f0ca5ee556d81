"""POST /generations/{id}/enhance and the run document's enhancements, through the API handler over moto:
202 with the enhancement's id and a started execution; bad input is 400 naming the field and the limit and
starts nothing; an unknown generation is 404, one without a finished image 400; GET lists each enhancement
with its steps' images."""

from __future__ import annotations

import json

import boto3
import pytest
from moto import mock_aws

from imagegate.local.serve import rest_proxy_event
from imagegate_service import constants as c
from imagegate_service import wiring
from imagegate_service.adapters.enhancements import DynamoEnhancementStore
from imagegate_service.adapters.storage import DynamoRunRepository
from imagegate_service.domain.enhancements import EnhancementStarter
from imagegate_service.resources import RUNS_TABLE

pytestmark = pytest.mark.unit
BUCKET, TABLE = "api-test-bucket", "api-test-table"
JSON = {"Content-Type": "application/json"}
RUN = "20260101T000000Z-00000001"


@pytest.fixture
def aws(monkeypatch):
    monkeypatch.setenv(c.ENV_TABLE, TABLE)
    monkeypatch.setenv(c.ENV_BUCKET, BUCKET)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv(c.ENV_PUBLIC_S3_ENDPOINT, raising=False)
    with mock_aws():
        boto3.client("s3").create_bucket(Bucket=BUCKET)
        boto3.client("dynamodb").create_table(**RUNS_TABLE.create_table_arguments(TABLE))
        sfn = boto3.client("stepfunctions")
        machines = {}
        for name, variable in (("loop", c.ENV_STATE_MACHINE_ARN), ("enhance", c.ENV_ENHANCE_STATE_MACHINE_ARN)):
            machines[name] = sfn.create_state_machine(
                name=name,
                roleArn="arn:aws:iam::123456789012:role/x",
                definition=json.dumps({"StartAt": "Wait", "States": {"Wait": {"Type": "Pass", "End": True}}}),
            )["stateMachineArn"]
            monkeypatch.setenv(variable, machines[name])
        runs = DynamoRunRepository(TABLE)
        runs.create_run(
            RUN,
            {
                "status": c.STATUS_PASSED,
                "bestRound": 1,
                "bestImageKey": c.candidate_key(RUN, 1, 1),
                "prompt": "a red apple",
                "settings": {"seed": 1, "maxRounds": 1},
                "startedAt": "2026-01-01T00:00:00Z",
                "committedUsd": 0.08,
                "createdAt": "2026-01-01T00:00:00Z",
            },
        )
        yield {"sfn": sfn, "machines": machines, "runs": runs}


@pytest.fixture
def api(aws, monkeypatch):
    from imagegate_service.handlers import api as module

    monkeypatch.setattr(
        module,
        "generations",
        wiring.generations(),  # afresh on this test's moto resources (IMAGEGATE_TABLE, _BUCKET, _STATE_MACHINE_ARN)
    )
    monkeypatch.setattr(
        module, "enhancements", EnhancementStarter(DynamoEnhancementStore(TABLE), wiring.enhance_workflow())
    )
    return module


def call(api, lambda_context, method, path, body=None):
    raw = json.dumps(body).encode() if body is not None else b""
    response = api.handler(rest_proxy_event(method, path, list(JSON.items()), raw), lambda_context)
    headers = {
        **(response.get("headers") or {}),
        **{k: v[-1] for k, v in (response.get("multiValueHeaders") or {}).items()},
    }
    return response["statusCode"], json.loads(response["body"]), headers


def enhance_executions(aws):
    return aws["sfn"].list_executions(stateMachineArn=aws["machines"]["enhance"])["executions"]


def test_post_enhance_is_202_with_the_enhancements_id_and_starts_its_execution(api, aws, lambda_context):
    operations = [{"op": "upscale", "mode": "conservative"}, {"op": "remove-background"}]
    status, body, headers = call(api, lambda_context, "POST", f"/generations/{RUN}/enhance", {"operations": operations})
    assert status == 202
    assert body["enhancementId"] == "e1" and body["status"] == "QUEUED" and body["operations"] == operations
    assert headers["Location"].endswith(f"/generations/{RUN}") and body["links"]["generation"] == headers["Location"]
    [execution] = enhance_executions(aws)
    assert execution["name"] == f"{RUN}-e1"
    started = json.loads(aws["sfn"].describe_execution(executionArn=execution["executionArn"])["input"])
    assert started["operations"] == operations and started["progress"]["current"]["key"] == c.candidate_key(RUN, 1, 1)


@pytest.mark.parametrize(
    ("body", "field", "limit"),
    [
        ({"operations": [{"op": "outpaint", "left": 5000}]}, "operations[0].left", "0 to 2000"),
        ({"operations": [{"op": "recolor", "object": "cup"}]}, "operations[0].colour", "required"),
        ({"operations": [{"op": "upscale", "mode": "fast"}] * 7}, "operations", "at most 6"),
        ({"operations": [{"op": "remove-background"}], "maxCostUsd": 1000}, "maxCostUsd", "at most 100"),
        ({}, "operations", "1 to 6"),
    ],
)
def test_bad_input_is_400_naming_the_field_and_the_limit_and_starts_nothing(
    api, aws, lambda_context, body, field, limit
):
    status, answer, _ = call(api, lambda_context, "POST", f"/generations/{RUN}/enhance", body)
    assert status == 400 and answer["field"] == field and limit in answer["message"]
    assert enhance_executions(aws) == [] and DynamoEnhancementStore(TABLE).list_enhancements(RUN) == []


def test_an_unknown_generation_is_404_and_an_unfinished_one_400(api, aws, lambda_context):
    status, _, _ = call(
        api, lambda_context, "POST", "/generations/nobody/enhance", {"operations": [{"op": "remove-background"}]}
    )
    assert status == 404
    aws["runs"].create_run("running", {"status": c.STATUS_RUNNING})
    status, answer, _ = call(
        api, lambda_context, "POST", "/generations/running/enhance", {"operations": [{"op": "remove-background"}]}
    )
    assert status == 400 and "no finished image" in answer["message"]
    assert enhance_executions(aws) == []


def test_the_run_document_lists_its_enhancements_with_their_steps_images(api, aws, lambda_context):
    call(
        api, lambda_context, "POST", f"/generations/{RUN}/enhance", {"operations": [{"op": "upscale", "mode": "fast"}]}
    )
    store = DynamoEnhancementStore(TABLE)
    key = c.round_prefix(RUN, 1) + "enhancements/e1/01-upscale-fast.png"
    step = {
        "index": 0,
        "op": {"op": "upscale", "mode": "fast"},
        "description": "upscale (fast)",
        "key": key,
        "costUsd": 0.03,
    }
    store.put_step(
        RUN, "e1", 0, {**step, "modelId": "stability.stable-fast-upscale-v1:0", "width": 4096, "height": 4096}, "now"
    )
    store.update_enhancement(RUN, "e1", {"status": "SUCCEEDED", "resultKey": key, "costUsd": 0.03})

    status, document, _ = call(api, lambda_context, "GET", f"/generations/{RUN}")

    assert status == 200
    [enhancement] = document["enhancements"]
    assert enhancement["id"] == "e1" and enhancement["status"] == "SUCCEEDED" and enhancement["costUsd"] == 0.03
    assert key in enhancement["image"] and key in enhancement["steps"][0]["image"]
    assert c.candidate_key(RUN, 1, 1) in enhancement["sourceImage"] and enhancement["sourceRound"] == 1
