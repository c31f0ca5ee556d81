"""Issue 10 item 9: the soak's audit over a few real runs on the local runtime. Its JSON has exactly the
keys the issue names, and each defect injected into the stored records is found (relative to the audit
of the untouched records, so the test holds whatever the loop's own figures are)."""

from __future__ import annotations

import json
from decimal import Decimal

import boto3
import pytest

from imagegate import soak
from imagegate.local.runtime import BUCKET, TABLE
from imagegate_service import constants as c

pytestmark = pytest.mark.integration
REQUEST = {"prompt": "a red apple on a wooden table", "maxRounds": 2, "threshold": 9.9, "candidatesPerRound": 2}


@pytest.fixture(scope="module")
def soaked():
    """Four finished runs: the first three for the injected defects, the fourth for the duplicate round."""
    from imagegate.local.runtime import LocalRuntime

    with LocalRuntime(retry_time_scale=0.0) as runtime:
        runs = soak.run_soak(
            runtime, [dict(REQUEST, seed=seed) for seed in (1, 2, 3, 4)], concurrency=4, timeout_seconds=120
        )
        assert [run.start_error for run in runs] == [None] * 4 and not any(run.timed_out for run in runs)
        yield runtime, runs


def _audit(runtime, runs, extra_bill=0.0):
    return soak.audit(runtime, runs, runtime.bedrock.billed_usd() + extra_bill)


def test_the_summary_has_exactly_the_issues_keys_and_counts_every_run(soaked):
    runtime, runs = soaked
    summary = _audit(runtime, runs)
    assert tuple(summary) == soak.SOAK_KEYS
    assert summary["runs"] == 4 and sum(summary["byStatus"].values()) == 4
    assert sum(summary["failedByCause"].values()) == summary["byStatus"].get(c.STATUS_FAILED, 0)
    json.dumps(summary)  # one JSON object


def test_each_injected_defect_is_found(soaked):
    # Given the audit of three finished runs
    runtime, runs = soaked
    runs = runs[:3]
    before = _audit(runtime, runs)
    table = boto3.resource("dynamodb").Table(TABLE)
    first, second, third = (run.run_id for run in runs)
    stored_round = table.query(
        KeyConditionExpression="pk = :pk AND begins_with(sk, :r)",
        ExpressionAttributeValues={":pk": c.run_pk(first), ":r": "ROUND#"},
    )["Items"][0]

    # When a round item is deleted, a stray image is put, a finished run is set back to RUNNING, a run is
    # charged past its budget, and the provider's bill has money no record has
    table.delete_item(Key={"pk": stored_round["pk"], "sk": stored_round["sk"]})
    boto3.client("s3").put_object(Bucket=BUCKET, Key=f"{c.RUNS_PREFIX}{second}/round-01/candidate-9.png", Body=b"png")
    table.update_item(
        Key={"pk": c.run_pk(third), "sk": c.RUN_SK},
        UpdateExpression="SET #s = :running",
        ExpressionAttributeNames={"#s": "status"},
        ExpressionAttributeValues={":running": "RUNNING"},
    )
    table.put_item(
        Item={
            "pk": c.run_pk(second),
            "sk": "CALL#zz-injected",
            "runId": second,
            "costUsd": Decimal("100"),
            "outcome": "ok",
        }
    )
    after = _audit(runtime, runs, extra_bill=0.5)

    # Then each shows in its own count, and nothing else moves (the deleted round's images are orphans now too:
    # run.json no longer lists them)
    assert after["lostRounds"] == before["lostRounds"] + 1
    unlisted = len({*stored_round["imageKeys"], stored_round["bestImageKey"]})
    assert after["orphanImages"] == before["orphanImages"] + 1 + unlisted
    assert after["stuckRuns"] == before["stuckRuns"] + 1
    assert after["overBudget"] == before["overBudget"] + 1
    assert after["duplicateRounds"] == before["duplicateRounds"]
    # the ledger entry records 100 more (the run's spend is now its ledger); the bill grew by 0.5 only
    assert after["unrecordedSpendUsd"] < before["unrecordedSpendUsd"] - 99


def test_a_round_stored_beyond_the_runs_count_is_a_duplicate(soaked):
    runtime, runs = soaked
    runs = runs[3:]
    before = _audit(runtime, runs)
    table = boto3.resource("dynamodb").Table(TABLE)
    run_item = table.get_item(Key={"pk": c.run_pk(runs[0].run_id), "sk": c.RUN_SK})["Item"]
    extra = int(run_item["rounds"]) + 5
    table.put_item(
        Item={
            "pk": c.run_pk(runs[0].run_id),
            "sk": c.round_sk(extra),
            "runId": runs[0].run_id,
            "round": extra,
            "prompt": "p",
            "score": Decimal(1),
            "passed": False,
            "subscores": {},
            "explanation": "",
            "suggestions": [],
            "imageKeys": [],
            "bestImageKey": "",
            "verdictKey": "",
            "costUsd": Decimal(0),
        }
    )
    assert _audit(runtime, runs)["duplicateRounds"] == before["duplicateRounds"] + 1


def test_requests_vary_and_are_valid_and_reproducible():
    from imagegate_service.settings import resolve_settings

    requests = soak.soak_requests(60, seed=3)
    assert requests == soak.soak_requests(60, seed=3)
    assert {request["candidatesPerRound"] for request in requests} == {1, 2, 3}
    assert len({request["generator"] for request in requests}) >= 2
    lengths = [len(request["prompt"]) for request in requests]
    assert min(lengths) < 60 and max(lengths) > 300
    assert any("maxCostUsd" in request for request in requests)
    for request in requests:
        resolve_settings(request)  # every one is a valid run request
