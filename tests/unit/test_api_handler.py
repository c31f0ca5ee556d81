"""The HTTP API handler over moto (DynamoDB with the runs index, S3, Step Functions with a one-state
machine): status codes, the error shape, validation before anything starts, idempotency, presigned URLs,
newest-first pagination."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
from moto import mock_aws

from imagegate.local.serve import rest_proxy_event
from imagegate_service import constants as c
from imagegate_service import wiring
from imagegate_service.adapters.presign import S3Presigner
from imagegate_service.adapters.run_removal import DynamoRunRemoval
from imagegate_service.adapters.storage import DynamoRunRepository
from imagegate_service.adapters.workflow import StepFunctionsWorkflow
from imagegate_service.domain.generations import Generations
from imagegate_service.domain.start import RunStarter
from imagegate_service.resources import RUNS_TABLE
from infra.config import REPO_ROOT

pytestmark = pytest.mark.unit
BUCKET, TABLE = "api-test-bucket", "api-test-table"
JSON = {"Content-Type": "application/json"}


@pytest.fixture
def aws(monkeypatch):
    monkeypatch.setenv(c.ENV_TABLE, TABLE)
    monkeypatch.setenv(c.ENV_BUCKET, BUCKET)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv(c.ENV_PUBLIC_S3_ENDPOINT, raising=False)
    monkeypatch.delenv(c.ENV_PRESIGN_EXPIRY_SECONDS, raising=False)
    with mock_aws():
        boto3.client("s3").create_bucket(Bucket=BUCKET)
        boto3.client("dynamodb").create_table(**RUNS_TABLE.create_table_arguments(TABLE))
        sfn = boto3.client("stepfunctions")
        arn = sfn.create_state_machine(
            name="loop",
            roleArn="arn:aws:iam::123456789012:role/loop",
            definition=json.dumps({"StartAt": "Wait", "States": {"Wait": {"Type": "Pass", "End": True}}}),
        )["stateMachineArn"]
        monkeypatch.setenv(c.ENV_STATE_MACHINE_ARN, arn)
        yield {"sfn": sfn, "state_machine_arn": arn, "runs": DynamoRunRepository(TABLE)}


@pytest.fixture
def api(aws, monkeypatch):
    """The handler module with a Generations service built on this test's moto resources."""
    from imagegate_service.handlers import api as module

    ids = iter(f"20260101T0000{i:02d}Z-0000000{i % 10}" for i in range(60))
    service = Generations(
        runs=DynamoRunRepository(TABLE),
        workflow=StepFunctionsWorkflow(),
        presigner=S3Presigner(),
        daily=wiring.daily_budget(),
        idempotency_store_factory=wiring.idempotency_store,
        was_deleted=DynamoRunRemoval(TABLE).was_deleted,
        new_id=lambda: next(ids),
    )
    monkeypatch.setattr(module, "generations", service)
    return module


def call(api, lambda_context, method, path, body=None, headers=None, stage_prefix=""):
    raw = body.encode("utf-8") if isinstance(body, str) else (body or b"")
    event = rest_proxy_event(method, path, list((headers if headers is not None else JSON).items()), raw)
    if stage_prefix:
        event["requestContext"]["path"] = stage_prefix + event["path"]
    response = api.handler(event, lambda_context)
    headers = {
        **(response.get("headers") or {}),
        **{k: v[-1] for k, v in (response.get("multiValueHeaders") or {}).items()},
    }
    return response["statusCode"], json.loads(response["body"]), headers


def executions(aws):
    return aws["sfn"].list_executions(stateMachineArn=aws["state_machine_arn"])["executions"]


# -- POST /generations -----------------------------------------------------------------------------
def test_post_starts_a_named_execution_and_answers_202_with_id_status_and_links(api, aws, lambda_context):
    # Given a valid run request
    request = {"prompt": "a red apple to the left of a blue cup", "maxRounds": 2}

    # When it is posted
    status, body, headers = call(api, lambda_context, "POST", "/generations", json.dumps(request))

    # Then one execution named after the generation id runs with the request as its input
    assert status == 202
    assert body["status"] == "QUEUED"  # the run item is written before the execution starts
    assert body["links"] == {"self": f"/generations/{body['id']}"}
    assert headers["Location"] == body["links"]["self"]
    assert body["settings"]["maxRounds"] == 2 and body["settings"]["threshold"] == 7.5
    (execution,) = executions(aws)
    assert execution["name"] == body["id"]
    started = aws["sfn"].describe_execution(executionArn=execution["executionArn"])
    assert json.loads(started["input"]) == request


def test_links_include_the_stage_path(api, lambda_context):
    # Given a request that came through the v1 stage
    # When it is posted
    status, body, _ = call(api, lambda_context, "POST", "/generations", '{"prompt": "a cat"}', stage_prefix="/v1")

    # Then the links name the stage
    assert status == 202
    assert body["links"]["self"] == f"/v1/generations/{body['id']}"


@pytest.mark.parametrize(
    ("body", "headers", "field"),
    [
        ("{}", JSON, "prompt"),
        ('{"prompt": 42}', JSON, "prompt"),
        ('{"prompt": ["a", "cat"]}', JSON, "prompt"),
        ('{"prompt": "   "}', JSON, "prompt"),
        ('{"prompt": "' + "x" * 10_001 + '"}', JSON, "prompt"),  # over the default generator's limit
        ('{"prompt": "a cat", "threshold": 11}', JSON, "threshold"),
        ('{"prompt": "a cat", "threshold": "high"}', JSON, "threshold"),
        ('{"prompt": "a cat", "maxRounds": 0}', JSON, "maxRounds"),
        ('{"prompt": "a cat", "maxRounds": 2.5}', JSON, "maxRounds"),
        ('{"prompt": "a cat", "candidatesPerRound": 6}', JSON, "candidatesPerRound"),
        ('{"prompt": "a cat", "width": 1000, "height": 1000}', JSON, "width/height"),
        ('{"prompt": "a cat", "colour": "red"}', JSON, "colour"),
        (
            '{"prompt": "a cat", "strategy": "refine", "generator": "stability.stable-image-core-v1:1"}',
            JSON,
            "strategy",
        ),
        ('{"prompt": "a cat", "style": "vaporwave"}', JSON, "style"),
        ('{"prompt": "a cat", "threshold": NaN}', JSON, "threshold"),  # not JSON, but Python's json reads it
        ('{"prompt": "a cat", "maxCostUsd": -Infinity}', JSON, "maxCostUsd"),
        ('{"prompt": "a\\u0000cat"}', JSON, "prompt"),
        # a lone UTF-16 surrogate, which JSON's escapes allow (was a 500)
        ('{"prompt": "a cat \\ud800"}', JSON, "prompt"),
        ('{"prompt": "a cat", "negativePrompt": "\\udc00"}', JSON, "negativePrompt"),
        (
            '{"prompt": "a cat", "expected": {"include": [{"class": "cat\\udbff", "count": 1}]}}',
            JSON,
            "expected.include.0.class",
        ),
        ('{"prompt": "a cat", "style": "\\ud800"}', JSON, "style"),
        ('{"prompt": "a cat"', JSON, "body"),
        ("", JSON, "body"),
        ('["a cat"]', JSON, "request"),
        ('{"prompt": "' + "x" * (1024 * 1024) + '"}', JSON, "body"),
        ('{"prompt": "a cat"}', {"Content-Type": "text/plain"}, "Content-Type"),
        ('{"prompt": "a cat"}', {"Content-Type": "application/xml"}, "Content-Type"),
        ('{"prompt": "a cat"}', {**JSON, "Idempotency-Key": "has spaces in it"}, "Idempotency-Key"),
    ],
)
def test_bad_requests_are_400_naming_the_field_and_start_nothing(api, aws, lambda_context, body, headers, field):
    # Given a bad request
    # When it is posted
    status, answer, _ = call(api, lambda_context, "POST", "/generations", body, headers)

    # Then it is refused with the field named, and no execution and no idempotency record exist
    assert status == 400
    assert answer["error"] == "InvalidRequest"
    assert answer["field"] == field
    assert answer["message"].startswith(f"{field}: ")
    assert executions(aws) == []
    assert boto3.client("dynamodb").scan(TableName=TABLE)["Items"] == []


def test_a_body_that_is_not_utf8_is_400(api, aws, lambda_context):
    status, answer, _ = call(api, lambda_context, "POST", "/generations", b'{"prompt": "\xff\xfe"}')
    assert (status, answer["field"]) == (400, "body")
    assert executions(aws) == []


@pytest.mark.parametrize(
    "content_type",
    ["application/json; charset=utf-8", "application/vnd.api+json", "application/x-www-form-urlencoded", None],
)
def test_json_media_types_and_curls_default_are_accepted(api, lambda_context, content_type):
    # Given a JSON body sent with a JSON media type, curl -d's default type, or none
    headers = {"Content-Type": content_type} if content_type else {}

    # When it is posted
    status, _, _ = call(api, lambda_context, "POST", "/generations", '{"prompt": "a cat"}', headers)

    # Then it starts a generation
    assert status == 202


# -- idempotency -----------------------------------------------------------------------------------
def test_the_same_idempotency_key_and_body_start_one_execution(api, aws, lambda_context):
    # Given a request posted with an Idempotency-Key
    headers = {**JSON, "Idempotency-Key": "a7f1c9e2-retry-me"}
    first_status, first, first_headers = call(
        api, lambda_context, "POST", "/generations", '{"prompt": "a cat", "seed": 7}', headers
    )

    # When it is retried with the same key and the same body (keys in another order)
    second_status, second, second_headers = call(
        api, lambda_context, "POST", "/generations", '{"seed": 7,  "prompt": "a cat"}', headers
    )

    # Then both answers name the same generation and only one execution exists
    assert first_status == second_status == 202
    assert second["id"] == first["id"]
    assert (first_headers["Idempotency-Replayed"], second_headers["Idempotency-Replayed"]) == ("false", "true")
    assert len(executions(aws)) == 1


def test_the_same_idempotency_key_with_another_body_is_409(api, aws, lambda_context):
    # Given a request posted with an Idempotency-Key
    headers = {**JSON, "Idempotency-Key": "key-1"}
    call(api, lambda_context, "POST", "/generations", '{"prompt": "a cat"}', headers)

    # When the key is reused with a different body
    status, answer, _ = call(api, lambda_context, "POST", "/generations", '{"prompt": "a dog"}', headers)

    # Then it is a conflict naming the header, and still only one execution exists
    assert status == 409
    assert answer["error"] == "IdempotencyKeyReused"
    assert answer["field"] == "Idempotency-Key"
    assert len(executions(aws)) == 1


def test_requests_without_a_key_or_with_other_keys_start_their_own_executions(api, aws, lambda_context):
    call(api, lambda_context, "POST", "/generations", '{"prompt": "a cat"}')
    call(api, lambda_context, "POST", "/generations", '{"prompt": "a cat"}')
    call(api, lambda_context, "POST", "/generations", '{"prompt": "a cat"}', {**JSON, "Idempotency-Key": "k-1"})
    call(api, lambda_context, "POST", "/generations", '{"prompt": "a cat"}', {**JSON, "Idempotency-Key": "k-2"})
    assert len(executions(aws)) == 4


def test_a_throttled_start_is_429_and_the_key_can_be_retried(api, aws, lambda_context, monkeypatch):
    # Given Step Functions throttles the first start
    client = _ThrottleOnceClient(aws["sfn"])
    monkeypatch.setattr(api.generations._workflow, "_client_factory", lambda: client)
    headers = {**JSON, "Idempotency-Key": "throttled-key"}

    # When the request is posted, then retried with the same key
    first_status, first, first_headers = call(
        api, lambda_context, "POST", "/generations", '{"prompt": "a cat"}', headers
    )
    second_status, _, _ = call(api, lambda_context, "POST", "/generations", '{"prompt": "a cat"}', headers)

    # Then the first is 429 with Retry-After, and the retry starts the one execution
    assert (first_status, first["error"]) == (429, "Throttled")
    assert first_headers["Retry-After"] == "1"
    assert second_status == 202
    assert len(executions(aws)) == 1


class _ThrottleOnceClient:
    def __init__(self, sfn):
        self._sfn = sfn
        self.calls = 0

    def start_execution(self, **arguments):
        from botocore.exceptions import ClientError

        self.calls += 1
        if self.calls == 1:
            raise ClientError({"Error": {"Code": "ThrottlingException", "Message": "Rate exceeded"}}, "StartExecution")
        return self._sfn.start_execution(**arguments)


# -- GET /generations/{id} -------------------------------------------------------------------------
def _record_run(aws, run_id, started_at, rounds=1, finished=True):
    """A run as the loop's tasks record it: the run item, round items and their images."""
    RunStarter(aws["runs"], clock=lambda: started_at).start({"prompt": "a red apple"}, run_id, f"arn:{run_id}")
    s3 = boto3.client("s3")
    for number in range(1, rounds + 1):
        keys = [c.candidate_key(run_id, number, k) for k in (1, 2)]
        for key in keys:
            s3.put_object(Bucket=BUCKET, Key=key, Body=b"\x89PNG fake", ContentType="image/png")
        aws["runs"].put_round(
            run_id,
            number,
            {
                "prompt": f"a red apple, round {number}",
                "negativePrompt": "",
                "promptChanges": [],
                "imageKeys": keys,
                "bestImageKey": keys[1],
                "score": 5.0 + number,
                "passed": False,
                "subscores": {"objects": 6},
                "explanation": "the apple is green",
                "suggestions": ["make it red"],
                "candidateScores": [4.0 + number, 5.0 + number],
                "costUsd": 0.0113,
            },
        )
        aws["runs"].update_run(
            run_id,
            {
                "rounds": number,
                "costUsd": round(0.0113 * number, 6),
                "bestRound": number,
                "bestScore": 5.0 + number,
                "bestImageKey": keys[1],
            },
        )
    if finished:
        aws["runs"].update_run(
            run_id,
            {
                "status": "EXHAUSTED",
                "finalScore": 5.0 + rounds,
                "reason": "out of rounds",
                "finishedAt": "2026-01-01T00:10:00.000Z",
            },
        )


def test_get_returns_status_settings_rounds_with_presigned_urls_best_image_and_totals(api, aws, lambda_context):
    # Given a finished run with two rounds
    _record_run(aws, "run-abc", datetime(2026, 1, 1, tzinfo=UTC), rounds=2)

    # When it is read
    status, body, _ = call(api, lambda_context, "GET", "/generations/run-abc")

    # Then it has everything the loop recorded, images as presigned URLs of the private bucket
    assert status == 200
    assert (body["id"], body["status"], body["prompt"]) == ("run-abc", "EXHAUSTED", "a red apple")
    assert body["settings"]["threshold"] == 7.5
    assert [r["round"] for r in body["rounds"]] == [1, 2]
    first = body["rounds"][0]
    assert (first["prompt"], first["score"], first["explanation"], first["suggestions"], first["costUsd"]) == (
        "a red apple, round 1",
        6.0,
        "the apple is green",
        ["make it red"],
        0.0113,
    )
    assert [(image["candidate"], image["score"]) for image in first["images"]] == [(1, 5.0), (2, 6.0)]
    url = urlsplit(first["images"][0]["url"])
    query = parse_qs(url.query)
    assert url.path.endswith("/runs/run-abc/round-01/candidate-1.png")
    assert query["X-Amz-Expires"] == [str(c.DEFAULT_PRESIGN_EXPIRY_SECONDS)]
    assert "X-Amz-Signature" in query
    assert "/round-02/candidate-2.png" in body["bestImage"]["url"]
    assert (body["bestImage"]["round"], body["bestImage"]["score"]) == (2, 7.0)
    assert body["totals"] == {
        "rounds": 2,
        "costUsd": 0.0226,
        "evaluationCostUsd": 0.0,
        "bestScore": 7.0,
        "finalScore": 7.0,
    }


def test_image_url_expiry_and_endpoint_come_from_configuration(api, aws, lambda_context, monkeypatch):
    # Given a deployment with 2-minute URLs behind a custom endpoint
    monkeypatch.setenv(c.ENV_PRESIGN_EXPIRY_SECONDS, "120")
    monkeypatch.setenv(c.ENV_PUBLIC_S3_ENDPOINT, "http://127.0.0.1:9999/_local_s3")
    monkeypatch.setattr(api.generations, "_presigner", S3Presigner())
    _record_run(aws, "run-exp", datetime(2026, 1, 1, tzinfo=UTC))

    # When the run is read
    _, body, _ = call(api, lambda_context, "GET", "/generations/run-exp")

    # Then its URLs name that endpoint (path-style) and live 120 seconds
    url = body["rounds"][0]["images"][0]["url"]
    assert url.startswith(f"http://127.0.0.1:9999/_local_s3/{BUCKET}/runs/run-exp/round-01/candidate-1.png?")
    assert parse_qs(urlsplit(url).query)["X-Amz-Expires"] == ["120"]


def test_a_started_execution_without_a_run_item_yet_is_running(api, aws, lambda_context):
    # Given an execution whose Start Run task has not written the run item yet
    aws["sfn"].start_execution(stateMachineArn=aws["state_machine_arn"], name="just-started", input="{}")

    # When it is read
    status, body, _ = call(api, lambda_context, "GET", "/generations/just-started")

    # Then it is RUNNING with no rounds
    assert (status, body["status"], body["rounds"]) == (200, "RUNNING", [])


@pytest.mark.parametrize("run_id", ["no-such-run", "%2e%2e", "x" * 81, "%0A", "run-x%0A", "%7F"])
def test_an_unknown_id_is_404(api, lambda_context, run_id):
    status, body, _ = call(api, lambda_context, "GET", f"/generations/{run_id}")
    assert status == 404
    assert body["error"] == "NotFound"


def test_a_number_too_small_for_dynamodb_is_accepted_as_zero(api, aws, lambda_context):
    """schemathesis: a threshold of 3.59e-187 is in 0-10, but DynamoDB stores no number nearer zero than 1e-130."""
    status, body, _ = call(
        api, lambda_context, "POST", "/generations", json.dumps({"prompt": "a cup", "threshold": 3.59e-187})
    )
    assert status == 202, body
    assert aws["runs"].get_run(body["id"])["settings"]["threshold"] == 0


# -- GET /generations ------------------------------------------------------------------------------
def test_list_is_newest_first_and_paginated(api, aws, lambda_context):
    # Given three runs started a minute apart
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for minute, run_id in enumerate(["run-old", "run-mid", "run-new"]):
        _record_run(aws, run_id, start + timedelta(minutes=minute), finished=run_id != "run-new")

    # When they are listed two at a time
    status, page1, _ = call(api, lambda_context, "GET", "/generations?limit=2")
    _, page2, _ = call(api, lambda_context, "GET", f"/generations?limit=2&cursor={page1['nextCursor']}")

    # Then the newest come first and the cursor continues where the first page ended
    assert status == 200
    assert [g["id"] for g in page1["generations"]] == ["run-new", "run-mid"]
    assert [g["status"] for g in page1["generations"]] == ["RUNNING", "EXHAUSTED"]
    assert page1["links"]["next"].startswith("/generations?limit=2&cursor=")
    assert [g["id"] for g in page2["generations"]] == ["run-old"]
    assert page2["nextCursor"] is None
    assert page1["generations"][0]["links"] == {"self": "/generations/run-new"}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("limit=0", "limit"),
        ("limit=", "limit"),
        ("limit=101", "limit"),
        ("limit=ten", "limit"),
        ("limit=-1", "limit"),
        ("cursor=not-a-cursor", "cursor"),
        ("cursor=eyJway6ICJ4In0", "cursor"),
        # a well-formed key that this API never hands out
        ("cursor=eyJnc2kxcGsiOiJPVEhFUiIsImdzaTFzayI6IngiLCJwayI6IlJVTiN4Iiwic2siOiJSVU4ifQ", "cursor"),
    ],
)
def test_bad_list_parameters_are_400(api, lambda_context, query, field):
    status, body, _ = call(api, lambda_context, "GET", f"/generations?{query}")
    assert (status, body["field"]) == (400, field)


def _evaluated(aws, run_id, started_at, status, answers):
    """A run whose best image the evaluator answered (True held, False failed, None unverifiable), with the run
    item's summary as Record Round writes it."""
    from imagegate_service.domain.readings import evaluation_summary

    _record_run(aws, run_id, started_at)
    checks = [{"question": f"q{k}", "satisfied": verdict, "kind": "entity"} for k, verdict in enumerate(answers)]
    verifiable = [verdict for verdict in answers if verdict is not None]
    evaluation = {"passed": bool(verifiable) and all(verifiable), "source": "ground-truth", "checks": checks}
    aws["runs"].update_run(run_id, {"status": status, "evaluation": evaluation_summary(evaluation)})


def test_a_passed_run_the_evaluator_failed_says_so_in_its_list_item(api, aws, lambda_context):
    # Given a PASSED run whose evaluator held 5 of 6 verifiable checks and could not verify one
    _evaluated(aws, "run-five", datetime(2026, 1, 1, tzinfo=UTC), "PASSED", [True] * 5 + [False, None])

    # When the generations are listed
    _, body, _ = call(api, lambda_context, "GET", "/generations")

    # Then the item carries the evaluator's verdict beside the status, the unverifiable check apart
    item = body["generations"][0]
    assert item["status"] == "PASSED"
    assert item["evaluation"] == {
        "passed": False,
        "source": "ground-truth",
        "satisfied": 5,
        "verifiable": 6,
        "unverifiable": 1,
    }
    assert item["evaluationClass"] == "failed" and item["verification"] is None  # no verifier then: none invented


def test_the_list_filters_on_the_evaluators_verdict_across_pages(api, aws, lambda_context):
    # Given runs a minute apart (newest last): passed, failed, unverifiable only, failed, not yet evaluated, failed
    start = datetime(2026, 1, 1, tzinfo=UTC)
    answers = {
        "run-a": [True, True],
        "run-b": [True, False],
        "run-c": [None, None],
        "run-d": [False, None],
        "run-e": None,
        "run-f": [True, True, False],
    }
    for minute, (run_id, given) in enumerate(answers.items()):
        if given is None:
            _record_run(aws, run_id, start + timedelta(minutes=minute))
        else:
            _evaluated(aws, run_id, start + timedelta(minutes=minute), "PASSED", given)

    # When the failed ones are listed two at a time, following nextCursor
    seen, url = [], "/generations?limit=2&evaluation=failed"
    for _ in range(5):
        status, page, _ = call(api, lambda_context, "GET", url)
        assert status == 200 and len(page["generations"]) <= 2
        seen += [g["id"] for g in page["generations"]]
        if not page["nextCursor"]:
            break
        url = page["links"]["next"]

    # Then exactly the runs a verifiable check failed, newest first, none twice or skipped (unverifiable never fails)
    assert seen == ["run-f", "run-d", "run-b"]
    assert "evaluation=failed" in url  # the next link keeps the filter
    _, passed, _ = call(api, lambda_context, "GET", "/generations?evaluation=passed")
    _, unverified, _ = call(api, lambda_context, "GET", "/generations?evaluation=unverified")
    assert [g["id"] for g in passed["generations"]] == ["run-a"]
    assert [g["id"] for g in unverified["generations"]] == ["run-e", "run-c"]


def test_a_run_recorded_before_the_counts_keeps_its_verdict_without_made_up_counts(api, aws, lambda_context):
    # Given a run item as Finish Run wrote it before the counts were kept: the verdict and its source only
    _record_run(aws, "run-older", datetime(2026, 1, 1, tzinfo=UTC))
    aws["runs"].update_run("run-older", {"status": "PASSED", "evaluation": {"passed": False, "source": "ground-truth"}})

    # When it is listed, all and filtered
    _, body, _ = call(api, lambda_context, "GET", "/generations")
    _, failed, _ = call(api, lambda_context, "GET", "/generations?evaluation=failed")

    # Then its verdict stands, its counts are unknown (null), and the filter finds it by its verdict
    item = body["generations"][0]
    assert item["evaluation"] == {
        "passed": False,
        "source": "ground-truth",
        "satisfied": None,
        "verifiable": None,
        "unverifiable": None,
    }
    assert item["evaluationClass"] == "failed" and [g["id"] for g in failed["generations"]] == ["run-older"]


def test_unverifiable_checks_come_back_null_though_the_table_keeps_no_nulls(api, aws, lambda_context):
    # Given a round whose evaluation and verification each hold an unverifiable check (satisfied null), stored in
    # the runs table, which drops null attributes
    _record_run(aws, "run-null", datetime(2026, 1, 1, tzinfo=UTC))
    evaluation = {
        "passed": True,
        "source": "ground-truth",
        "unverifiable": 1,
        "checks": [
            {"question": "Is there a dog?", "satisfied": True, "kind": "entity"},
            {"question": "Is the dog riding?", "satisfied": None, "kind": "action"},
        ],
    }
    verification = {
        "passed": None,
        "source": "rekognition",
        "status": "complete",
        "unverifiable": 1,
        "checks": [{"question": "Is the dog riding?", "satisfied": None, "evidence": "no box shows riding"}],
    }
    keys = [c.candidate_key("run-null", 1, 1)]
    aws["runs"].put_round(
        "run-null",
        1,
        {
            "prompt": "a dog riding a skateboard",
            "imageKeys": keys,
            "bestImageKey": keys[0],
            "score": 9.0,
            "passed": True,
            "evaluation": evaluation,
            "verification": verification,
        },
    )

    # When the run is read
    _, body, _ = call(api, lambda_context, "GET", "/generations/run-null")

    # Then both show satisfied null (unverifiable), and the verification's passed null, as the contract says
    assert body["rounds"][0]["evaluation"]["checks"][1] == {
        "question": "Is the dog riding?",
        "satisfied": None,
        "kind": "action",
    }
    assert body["rounds"][0]["verification"]["checks"][0]["satisfied"] is None
    assert body["rounds"][0]["verification"]["passed"] is None


@pytest.mark.parametrize("value", ["FAILED", "fail", "", "passed,failed"])
def test_a_bad_evaluation_filter_is_400_naming_it(api, lambda_context, value):
    status, body, _ = call(api, lambda_context, "GET", f"/generations?evaluation={value}")
    assert (status, body["field"]) == (400, "evaluation")
    assert "passed, failed, unverified" in body["message"]


# -- the rest --------------------------------------------------------------------------------------
def test_unknown_routes_are_404_and_other_methods_405_json(api, lambda_context):
    status, body, headers = call(api, lambda_context, "DELETE", "/generations")
    assert (status, body["error"], headers["Allow"]) == (405, "MethodNotAllowed", "GET, POST")
    status, body, _ = call(api, lambda_context, "GET", "/generations%0A")  # `$` matches before a final newline
    assert (status, body["error"]) == (404, "NotFound")
    status, body, _ = call(api, lambda_context, "GET", "/images")
    assert (status, body["error"]) == (404, "NotFound")


def test_an_unexpected_failure_is_500_without_internals(api, lambda_context, monkeypatch):
    # Given the table fails in a way nobody planned for
    def broken(*_args, **_kwargs):
        raise RuntimeError("secret internal detail: table arn:aws:dynamodb:xyz")

    monkeypatch.setattr(api.generations._runs, "get_run", broken)

    # When a generation is read
    status, body, _ = call(api, lambda_context, "GET", "/generations/run-x")

    # Then the caller sees a 500 with the request id and nothing of the failure
    assert status == 500
    assert body["error"] == "InternalError"
    assert "secret" not in json.dumps(body) and "arn:" not in json.dumps(body)
    assert lambda_context.aws_request_id in body["message"]


def test_dynamodb_throttling_is_429(api, lambda_context, monkeypatch):
    from botocore.exceptions import ClientError

    def throttled(*_args, **_kwargs):
        raise ClientError(
            {"Error": {"Code": "ProvisionedThroughputExceededException", "Message": "slow down"}}, "Query"
        )

    monkeypatch.setattr(api.generations._runs, "list_recent_runs", throttled)
    status, body, _ = call(api, lambda_context, "GET", "/generations")
    assert (status, body["error"]) == (429, "Throttled")


def test_no_cors_headers_unless_configured(api, lambda_context):
    _, _, headers = call(api, lambda_context, "GET", "/generations", headers={"Origin": "https://evil.example"})
    assert not [name for name in headers if name.lower().startswith("access-control-")]


# -- imagegate serve's translation (pure functions) ------------------------------------------------
def test_http_requests_become_rest_proxy_events():
    event = rest_proxy_event("GET", "/generations/run-1?limit=5&limit=6", [("X-A", "1"), ("X-A", "2")], b"")
    assert (event["resource"], event["pathParameters"], event["path"]) == (
        "/generations/{id}",
        {"id": "run-1"},
        "/generations/run-1",
    )
    assert event["queryStringParameters"] == {"limit": "6"}
    assert event["multiValueQueryStringParameters"] == {"limit": ["5", "6"]}
    assert (event["headers"], event["multiValueHeaders"]) == ({"X-A": "2"}, {"X-A": ["1", "2"]})
    assert event["body"] is None and event["isBase64Encoded"] is False
    binary = rest_proxy_event("POST", "/generations", [], b"\xff\xfe")
    assert binary["isBase64Encoded"] is True and binary["body"] == "//4="


def test_local_s3_refuses_expired_or_foreign_presigned_urls():
    from imagegate.local.serve import presigned_url_problem

    signed = {
        "X-Amz-Algorithm": ["AWS4-HMAC-SHA256"],
        "X-Amz-Credential": ["local/20260101/us-east-1/s3/aws4_request"],
        "X-Amz-Date": ["20260101T000000Z"],
        "X-Amz-Expires": ["60"],
        "X-Amz-Signature": ["ab12"],
    }
    at = datetime(2026, 1, 1, tzinfo=UTC).timestamp()
    assert presigned_url_problem(signed, "local", now=at + 59) is None
    assert presigned_url_problem(signed, "local", now=at + 61) == "Request has expired"
    assert "not signed by this runtime" in presigned_url_problem(signed, "someone-else", now=at)
    assert "missing X-Amz-Signature" in presigned_url_problem({**signed, "X-Amz-Signature": [""]}, "local", now=at)


def test_each_round_carries_the_judges_checks_and_marks_its_best_candidate(api, aws, lambda_context):
    # Given a run whose rounds kept the judge's checks on their best candidate (the second of two)
    _record_run(aws, "run-checks", datetime(2026, 1, 1, tzinfo=UTC), rounds=2)
    judged = [
        {"question": "Is there an apple?", "satisfied": True},
        {"question": "Is the apple red?", "satisfied": False},
    ]
    aws["runs"].put_round(
        "run-checks",
        2,
        {
            **next(item for item in aws["runs"].list_rounds("run-checks") if item["round"] == 2),
            "judgeChecks": judged,
            "bestImageKey": c.candidate_key("run-checks", 2, 1),
            "evaluation": {"passed": True, "source": "ground-truth", "checks": [{"question": "x?", "satisfied": True}]},
        },
    )

    # When it is read
    status, body, _ = call(api, lambda_context, "GET", "/generations/run-checks")

    # Then each round has the judge's checks as recorded, apart from the evaluator's (a round without any: none)
    assert status == 200
    first, second = body["rounds"]
    assert first["judgeChecks"] == []
    assert second["judgeChecks"] == judged
    assert second["evaluation"]["checks"] != second["judgeChecks"]
    # And exactly one image per round is marked best: the round's best image, named by bestCandidate too
    for entry, best in ((first, 2), (second, 1)):
        assert [image["candidate"] for image in entry["images"] if image["best"]] == [best]
        assert entry["bestCandidate"] == best
        assert urlsplit(entry["bestImage"]).path == urlsplit(entry["images"][best - 1]["url"]).path
    # And the document's round and image fields are the ones the OpenAPI description declares
    schemas = json.loads((REPO_ROOT / "openapi" / "imagegate.openapi.json").read_text(encoding="utf-8"))["components"][
        "schemas"
    ]
    for entry in body["rounds"]:
        assert set(schemas["Round"]["required"]) <= set(entry) <= set(schemas["Round"]["properties"])
        for image in entry["images"]:
            assert set(schemas["Image"]["required"]) <= set(image) <= set(schemas["Image"]["properties"])
        for check in entry["judgeChecks"]:
            assert set(schemas["Check"]["required"]) <= set(check) <= set(schemas["Check"]["properties"])
