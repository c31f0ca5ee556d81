"""Issue 10 item 6: a generation's run item exists from the moment the API accepts it (QUEUED), Start Run
moves it to RUNNING keeping what it was created with, a start that fails leaves no item, a replay makes no
second one, and Mark Run Ended closes a QUEUED run. The API handler over moto, as in test_api_handler."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from botocore.exceptions import ClientError
from test_api_handler import TABLE, api, aws, call, executions  # noqa: F401 (fixtures)

from imagegate_service import constants as c
from imagegate_service import wiring
from imagegate_service.domain.start import RunStarter

pytestmark = pytest.mark.unit
REQUEST = {"prompt": "a red apple to the left of a blue cup", "maxRounds": 2}


def _post(api, lambda_context, request=REQUEST, headers=None):
    return call(
        api,
        lambda_context,
        "POST",
        "/generations",
        json.dumps(request),
        headers={"Content-Type": "application/json", **(headers or {})},
    )


def test_an_accepted_generation_is_listed_and_shown_queued_before_any_step_runs(api, aws, lambda_context):
    # Given a generation the API accepted, whose execution has not run Start Run (the test machine has no tasks)
    status, started, _ = _post(api, lambda_context)
    assert status == 202 and started["status"] == c.STATUS_QUEUED

    # When it is listed and read at once
    _, listing, _ = call(api, lambda_context, "GET", "/generations")
    _, shown, _ = call(api, lambda_context, "GET", f"/generations/{started['id']}")

    # Then both see it QUEUED, with its prompt and settings; the item has createdAt, the index keys and a TTL
    assert [(g["id"], g["status"]) for g in listing["generations"]] == [(started["id"], c.STATUS_QUEUED)]
    assert shown["status"] == c.STATUS_QUEUED and shown["prompt"] == REQUEST["prompt"]
    assert shown["settings"]["maxRounds"] == 2 and shown["rounds"] == []
    item = aws["runs"].get_run(started["id"])
    assert item["createdAt"] and item[c.TTL_ATTRIBUTE] > datetime.now(UTC).timestamp()
    assert item[c.RUNS_INDEX_PK] == c.RUNS_INDEX_PK_VALUE and item[c.RUNS_INDEX_SK].endswith(started["id"])


def test_start_run_moves_a_queued_run_to_running_keeping_what_it_was_created_with(api, aws, lambda_context):
    # Given a QUEUED run
    _, started, _ = _post(api, lambda_context)
    queued = aws["runs"].get_run(started["id"])

    # When Start Run runs for it (later), and is retried
    later = datetime(2099, 1, 1, tzinfo=UTC)
    RunStarter(aws["runs"], clock=lambda: later).start(REQUEST, started["id"], "arn:execution")
    running = aws["runs"].get_run(started["id"])
    aws["runs"].update_run(started["id"], {"rounds": 1})
    RunStarter(aws["runs"], clock=lambda: later).start(REQUEST, started["id"], "arn:other")

    # Then it is RUNNING with the execution's ARN and Start Run's startedAt, and keeps createdAt, its place in
    # the listing and its expiry; the retry changed nothing (not even the rounds recorded since)
    assert running["status"] == c.STATUS_RUNNING and running["executionArn"] == "arn:execution"
    assert running["startedAt"].startswith("2099-")
    for key in ("createdAt", c.RUNS_INDEX_SK, c.TTL_ATTRIBUTE, "prompt"):
        assert running[key] == queued[key], key
    after_retry = aws["runs"].get_run(started["id"])
    assert after_retry["executionArn"] == "arn:execution" and after_retry["rounds"] == 1


@pytest.mark.parametrize(("code", "expected_status"), [("ExecutionLimitExceeded", 429), ("InternalFailure", 500)])
def test_a_start_execution_that_fails_leaves_no_queued_item(
    api, aws, lambda_context, monkeypatch, code, expected_status
):
    # Given Step Functions refuses the StartExecution
    def refuse(*_args, **_kwargs):
        raise ClientError({"Error": {"Code": code, "Message": "no"}}, "StartExecution")

    monkeypatch.setattr(api.generations._workflow, "start", _raising(refuse))

    # When a generation is posted
    status, body, _ = _post(api, lambda_context)

    # Then the answer is an error and no run item is left behind to be listed
    assert status == expected_status, body
    _, listing, _ = call(api, lambda_context, "GET", "/generations")
    assert listing["generations"] == []


def _raising(refuse):
    from imagegate_service.adapters.workflow import WorkflowThrottled

    def start(run_id, request):
        try:
            refuse()
        except ClientError as error:
            if error.response["Error"]["Code"] == "ExecutionLimitExceeded":
                raise WorkflowThrottled(error.response["Error"]["Code"]) from error
            raise

    return start


def test_an_idempotent_replay_makes_no_second_item(api, aws, lambda_context):
    # Given a generation posted with an Idempotency-Key
    key = {c.IDEMPOTENCY_HEADER: "replay-key-1"}
    _, first, _ = _post(api, lambda_context, headers=key)

    # When the same request is posted again with the key
    status, second, headers = _post(api, lambda_context, headers=key)

    # Then it is the same generation: one item, one execution
    assert status == 202 and second["id"] == first["id"] and headers["Idempotency-Replayed"] == "true"
    _, listing, _ = call(api, lambda_context, "GET", "/generations")
    assert [g["id"] for g in listing["generations"]] == [first["id"]]
    assert len(executions(aws)) == 1


def test_mark_run_ended_closes_a_queued_run(api, aws, lambda_context):
    # Given a QUEUED run whose execution ended before Start Run ran (aborted)
    _, started, _ = _post(api, lambda_context)

    # When its execution's end is delivered (twice)
    detail = {"status": "ABORTED", "name": started["id"], "stopDate": "2026-01-01T00:00:00Z"}
    first = wiring.run_ender(benchmark_arn=lambda: "").execution_ended(detail)
    second = wiring.run_ender(benchmark_arn=lambda: "").execution_ended(detail)

    # Then it is FAILED once, with the execution's status as the reason
    assert (first["marked"], second["marked"]) == ([started["id"]], [])
    item = aws["runs"].get_run(started["id"])
    assert item["status"] == c.STATUS_FAILED and "ABORTED" in item["reason"]


def test_show_prints_a_queued_run_folder(tmp_path, capsys):
    # Given the run folder of a generation that is still QUEUED (run.json from its run item alone)
    from imagegate.cli import main
    from imagegate.export import RUN_FILE, build_run_document
    from imagegate_service.domain.start import new_run_item
    from imagegate_service.settings import resolve_settings

    run_id = "20260101T000000Z-0000000q"
    item = {"runId": run_id, **new_run_item(run_id, resolve_settings(REQUEST), datetime.now(UTC), c.STATUS_QUEUED)}
    (tmp_path / run_id).mkdir()
    (tmp_path / run_id / RUN_FILE).write_text(json.dumps(build_run_document(item, [])))

    # When it is shown, Then it says QUEUED, with no rounds and no cost yet
    assert main(["show", str(tmp_path / run_id)]) == 0
    out = capsys.readouterr().out
    assert "status QUEUED" in out and "cost $0.0000" in out
