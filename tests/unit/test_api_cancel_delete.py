"""POST /generations/{id}/cancel and DELETE /generations/{id} through the API handler over moto (issue 25 item 5).

Given a run that has not ended, when it is cancelled, then its execution is stopped (ABORTED) and the run is recorded
ended as Mark Run Ended records an aborted execution (FAILED, executionStatus ABORTED, error Cancelled, who
cancelled it in the reason) with its rounds and cost kept; a run that has ended is 409 and nothing changes.
Given a finished run, when it is deleted, then its objects and items are gone except the spend ledger, a GET of it
is 404 "deleted" and the listing no longer shows it; a run still running (or one of its enhancements) is 409 and
nothing is removed."""

from __future__ import annotations

import json

import boto3
import pytest
from moto import mock_aws

from imagegate.local.serve import rest_proxy_event
from imagegate_service import constants as c
from imagegate_service import wiring
from imagegate_service.adapters.enhancements import DynamoEnhancementStore
from imagegate_service.adapters.run_removal import DynamoRunRemoval
from imagegate_service.adapters.storage import DynamoRunRepository, S3ObjectStore
from imagegate_service.resources import RUNS_TABLE

pytestmark = pytest.mark.unit
BUCKET, TABLE = "api-test-bucket", "api-test-table"
JSON = {"Content-Type": "application/json"}
RUNNING, FINISHED, OTHER = "20260101T000000Z-00000001", "20260101T000000Z-00000002", "20260101T000000Z-00000003"


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
        machine = sfn.create_state_machine(
            name="loop",
            roleArn="arn:aws:iam::123456789012:role/x",
            definition=json.dumps({"StartAt": "Wait", "States": {"Wait": {"Type": "Pass", "End": True}}}),
        )["stateMachineArn"]
        monkeypatch.setenv(c.ENV_STATE_MACHINE_ARN, machine)
        runs = DynamoRunRepository(TABLE)
        objects = S3ObjectStore(BUCKET)
        for run_id, status in ((RUNNING, c.STATUS_RUNNING), (FINISHED, c.STATUS_EXHAUSTED), (OTHER, c.STATUS_PASSED)):
            sfn.start_execution(stateMachineArn=machine, name=run_id, input="{}")
            runs.create_run(
                run_id,
                {
                    "status": status,
                    "prompt": "a red apple",
                    "settings": {"seed": 1, "maxRounds": 3},
                    "startedAt": "2026-01-01T00:00:00Z",
                    "createdAt": "2026-01-01T00:00:00Z",
                    c.RUNS_INDEX_PK: c.RUNS_INDEX_PK_VALUE,
                    c.RUNS_INDEX_SK: f"2026-01-01T00:00:00Z#{run_id}",
                    "rounds": 1,
                    "costUsd": 0.08,
                    "bestRound": 1,
                    "bestImageKey": c.candidate_key(run_id, 1, 1),
                },
            )
            runs.put_round(
                run_id,
                1,
                {"prompt": "a red apple", "score": 5.0, "passed": False, "imageKeys": [c.candidate_key(run_id, 1, 1)]},
            )
            runs.record_call(
                run_id,
                {"callId": "1-generate-1-a0", "costUsd": 0.08, "step": "generate", "round": 1},
                reserved_usd=0.08,
            )
            objects.put_png(c.candidate_key(run_id, 1, 1), b"\x89PNG fake")
            objects.put_json(c.evaluation_checks_key(run_id), {"checks": []})
        yield {"sfn": sfn, "machine": machine, "runs": runs, "objects": objects}


@pytest.fixture
def api(aws, monkeypatch):
    from imagegate_service.handlers import api as module

    monkeypatch.setattr(
        module,
        "generations",
        wiring.generations(),  # afresh on this test's moto resources (IMAGEGATE_TABLE, _BUCKET, _STATE_MACHINE_ARN)
    )
    monkeypatch.setattr(
        module,
        "lifecycle",
        wiring.generation_lifecycle(),
    )
    return module


def call(api, lambda_context, method, path, body=None):
    raw = json.dumps(body).encode() if body is not None else b""
    response = api.handler(rest_proxy_event(method, path, list(JSON.items()), raw), lambda_context)
    return response["statusCode"], json.loads(response["body"]) if response.get("body") else None


def execution_status(aws, run_id):
    arn = aws["machine"].replace(":stateMachine:", ":execution:") + f":{run_id}"
    return aws["sfn"].describe_execution(executionArn=arn)["status"]


def keys_of(aws, run_id):
    return aws["objects"].list_keys(f"{c.RUNS_PREFIX}{run_id}/")


# -- cancel ---------------------------------------------------------------------------------------
def test_cancel_stops_the_execution_and_records_the_run_ended_with_its_rounds_and_cost(api, aws, lambda_context):
    status, body = call(api, lambda_context, "POST", f"/generations/{RUNNING}/cancel")
    assert status == 200
    assert body["status"] == c.STATUS_FAILED and body["executionStatus"] == "ABORTED" and body["error"] == "Cancelled"
    assert "cancelled by" in body["reason"] and body["finishedAt"]
    assert body["totals"] == {"rounds": 1, "costUsd": 0.08, "evaluationCostUsd": 0.0}
    assert execution_status(aws, RUNNING) == "ABORTED"
    status, document = call(api, lambda_context, "GET", f"/generations/{RUNNING}")
    assert status == 200 and document["status"] == c.STATUS_FAILED
    assert [entry["round"] for entry in document["rounds"]] == [1] and document["totals"]["costUsd"] == 0.08
    assert len(aws["runs"].ledger(RUNNING)) == 1


def test_cancel_of_a_run_that_has_ended_is_409_and_changes_nothing(api, aws, lambda_context):
    call(api, lambda_context, "POST", f"/generations/{RUNNING}/cancel")
    status, body = call(api, lambda_context, "POST", f"/generations/{RUNNING}/cancel")
    assert status == 409 and body["error"] == "GenerationNotRunning" and "FAILED" in body["message"]
    status, body = call(api, lambda_context, "POST", f"/generations/{FINISHED}/cancel")
    assert status == 409 and "EXHAUSTED" in body["message"]
    assert aws["runs"].get_run(FINISHED)["status"] == c.STATUS_EXHAUSTED
    assert execution_status(aws, FINISHED) == "RUNNING"  # moto's plain backend keeps it RUNNING: it was not stopped


def test_cancel_of_a_run_without_an_execution_of_its_own_is_409_and_leaves_it_running(api, aws, lambda_context):
    # Given a benchmark's run: its item says RUNNING, but it runs as a child of the benchmark's Map Run, so no loop
    # execution is named after it
    benchmark_run = "bench-20260101-001"
    aws["runs"].create_run(benchmark_run, {"status": c.STATUS_RUNNING, "prompt": "a cat", "settings": {}})

    # When it is cancelled
    status, body = call(api, lambda_context, "POST", f"/generations/{benchmark_run}/cancel")

    # Then nothing is marked: it still runs (and holds its daily reservations) until its benchmark ends it
    assert status == 409 and body["error"] == "GenerationNotRunning" and "benchmark" in body["message"]
    item = aws["runs"].get_run(benchmark_run)
    assert item["status"] == c.STATUS_RUNNING and "error" not in item


def test_cancel_of_an_unknown_id_is_404(api, lambda_context):
    assert call(api, lambda_context, "POST", "/generations/20990101T000000Z-ffffffff/cancel")[0] == 404
    assert call(api, lambda_context, "POST", "/generations/..%2f..%2fetc/cancel")[0] == 404


def test_cancel_of_a_run_awaiting_review_forgets_its_task_token(api, aws, lambda_context):
    aws["runs"].update_run(RUNNING, {"status": c.STATUS_AWAITING_REVIEW, c.REVIEW_TOKEN_ATTRIBUTE: "token"})
    status, body = call(api, lambda_context, "POST", f"/generations/{RUNNING}/cancel")
    assert status == 200 and body["status"] == c.STATUS_FAILED
    assert c.REVIEW_TOKEN_ATTRIBUTE not in aws["runs"].get_run(RUNNING)


# -- delete ---------------------------------------------------------------------------------------
def test_delete_removes_a_finished_runs_objects_and_items_but_not_its_spend_ledger(api, aws, lambda_context):
    assert keys_of(aws, FINISHED)
    status, body = call(api, lambda_context, "DELETE", f"/generations/{FINISHED}")
    assert status == 204 and body is None
    assert keys_of(aws, FINISHED) == []
    assert aws["runs"].get_run(FINISHED) is None and aws["runs"].list_rounds(FINISHED) == []
    assert [entry["sk"] for entry in aws["runs"].ledger(FINISHED)] == [c.LEDGER_SK_PREFIX + "1-generate-1-a0"]
    # another run's objects and items are untouched
    assert len(keys_of(aws, OTHER)) == 2 and aws["runs"].get_run(OTHER)["status"] == c.STATUS_PASSED
    status, body = call(api, lambda_context, "GET", f"/generations/{FINISHED}")
    assert status == 404 and "deleted" in body["message"]
    listed = [item["id"] for item in call(api, lambda_context, "GET", "/generations")[1]["generations"]]
    assert FINISHED not in listed and OTHER in listed
    status, body = call(api, lambda_context, "DELETE", f"/generations/{FINISHED}")
    assert status == 404 and "deleted" in body["message"]


def test_delete_of_a_running_run_is_409_and_removes_nothing(api, aws, lambda_context):
    status, body = call(api, lambda_context, "DELETE", f"/generations/{RUNNING}")
    assert status == 409 and body["error"] == "GenerationStillRunning" and "cancel" in body["message"]
    assert len(keys_of(aws, RUNNING)) == 2 and aws["runs"].get_run(RUNNING)["status"] == c.STATUS_RUNNING
    assert not DynamoRunRemoval(TABLE).was_deleted(RUNNING)


def test_delete_after_cancel_removes_the_cancelled_run(api, aws, lambda_context):
    call(api, lambda_context, "POST", f"/generations/{RUNNING}/cancel")
    assert call(api, lambda_context, "DELETE", f"/generations/{RUNNING}")[0] == 204
    assert keys_of(aws, RUNNING) == [] and aws["runs"].get_run(RUNNING) is None


def test_delete_while_an_enhancement_runs_is_409(api, aws, lambda_context):
    DynamoEnhancementStore(TABLE).create_enhancement(FINISHED, "e1", {"status": "RUNNING", "operations": []})
    status, body = call(api, lambda_context, "DELETE", f"/generations/{FINISHED}")
    assert status == 409 and "e1" in body["message"]
    assert aws["runs"].get_run(FINISHED) is not None and len(keys_of(aws, FINISHED)) == 2


def test_delete_of_an_unknown_id_is_404_and_other_methods_are_405(api, lambda_context):
    assert call(api, lambda_context, "DELETE", "/generations/20990101T000000Z-ffffffff")[0] == 404
    status, body = call(api, lambda_context, "DELETE", "/generations")
    assert status == 405
    status, body = call(api, lambda_context, "GET", f"/generations/{RUNNING}/cancel")
    assert status == 405 and "POST" in body["message"]


def test_a_runs_partition_is_read_by_the_one_paged_query_of_the_runs_table(aws, monkeypatch):
    # Given a finished run with a round, a ledger entry and an enhancement, beside other runs
    DynamoEnhancementStore(TABLE).create_enhancement(FINISHED, "e1", {"status": "SUCCEEDED", "operations": []})
    prefixes: list[str] = []
    shared = DynamoRunRepository._query_prefix

    def watched(self, run_id, prefix):
        prefixes.append(prefix)
        return shared(self, run_id, prefix)

    monkeypatch.setattr(DynamoRunRepository, "_query_prefix", watched)

    # When a delete reads its partition
    items = DynamoRunRemoval(TABLE).partition(FINISHED)

    # Then every item under its key comes back, none of another run's, through the repository's paged query
    assert prefixes == [""]
    assert sorted(item["sk"] for item in items) == sorted(
        [c.RUN_SK, c.round_sk(1), c.LEDGER_SK_PREFIX + "1-generate-1-a0", c.ENHANCEMENT_SK_PREFIX + "e1"]
    )
    assert {item["pk"] for item in items} == {c.run_pk(FINISHED)}


class _RefusingFirstDelete:
    """An S3 client whose first DeleteObjects answers 200 with every key in Errors (as S3 does for a key it may not
    delete) and deletes nothing; everything else is moto's."""

    def __init__(self) -> None:
        self._client = boto3.client("s3")
        self.refused = 0

    def __getattr__(self, name):
        return getattr(self._client, name)

    def delete_objects(self, **kwargs):
        if self.refused == 0:
            self.refused += 1
            keys = [entry["Key"] for entry in kwargs["Delete"]["Objects"]]
            return {"Errors": [{"Key": key, "Code": "AccessDenied", "Message": "Access Denied"} for key in keys]}
        return self._client.delete_objects(**kwargs)


def test_a_delete_s3_refuses_in_part_is_503_keeps_the_run_and_a_repeat_finishes(api, aws, lambda_context):
    # Given an object store whose first DeleteObjects refuses every key (200 with Errors)
    refusing = _RefusingFirstDelete()
    api.lifecycle._objects = S3ObjectStore(BUCKET, client_factory=lambda: refusing)

    # When the finished run is deleted
    status, body = call(api, lambda_context, "DELETE", f"/generations/{FINISHED}")

    # Then the caller is told it did not finish, and nothing is orphaned: the objects and the run's items remain
    assert status == 503 and body["error"] == "DeleteIncomplete" and "repeat the DELETE" in body["message"]
    assert len(keys_of(aws, FINISHED)) == 2 and aws["runs"].get_run(FINISHED) is not None
    # And repeating the DELETE finishes it
    status, _ = call(api, lambda_context, "DELETE", f"/generations/{FINISHED}")
    assert status == 204 and keys_of(aws, FINISHED) == [] and aws["runs"].get_run(FINISHED) is None
