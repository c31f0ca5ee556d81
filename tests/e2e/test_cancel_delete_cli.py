"""Issue 25 item 5 as a user meets it: `imagegate cancel` stops a generation that waits for its review (a run
that is certainly still running), `imagegate delete` removes it once it has ended, through `imagegate serve`, whose
data folder follows (the cancelled run's folder says FAILED; the deleted run's folder is gone)."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request

import pytest
from test_review_and_budget_cli import APPLE, cli, wait_for_status

from imagegate.controls_cli import call_api

pytestmark = pytest.mark.e2e


def _stored_status(run_dir):
    try:
        return json.loads((run_dir / "run.json").read_text())["status"]
    except (OSError, ValueError, KeyError):
        return None


def test_cancel_then_delete_through_serve_and_the_cli(tmp_path, start_serve):
    # Given imagegate serve and two generations waiting for their review (both running)
    logs, data = tmp_path / "logs", tmp_path / "runs"
    logs.mkdir()
    server = start_serve(logs, "--data-dir", str(data))
    server.wait_ready()
    body = {"prompt": APPLE, "threshold": 0, "verifier": "none", "review": "final"}
    ids = [call_api(server.url, "POST", "/generations", body)[1]["id"] for _ in range(2)]
    for run_id in ids:
        wait_for_status(server.url, run_id, {"AWAITING_REVIEW"})
    cancelled, other = ids

    # When the first is deleted while it runs, it is refused and nothing is removed
    refused = cli("delete", cancelled, "--api", server.url)
    assert refused.returncode == 2 and "409 GenerationStillRunning" in refused.stderr
    assert (data / cancelled).is_dir()

    # When it is cancelled
    done = cli("cancel", cancelled, "--api", server.url)

    # Then it ended FAILED with its execution ABORTED, its round and cost kept
    assert done.returncode == 0, done.stderr
    assert f"generation {cancelled}: cancelled, now FAILED (execution ABORTED); 1 round(s) kept" in done.stdout
    status, document = call_api(server.url, "GET", f"/generations/{cancelled}")
    assert status == 200 and document["status"] == "FAILED" and "cancelled by" in document["reason"]
    assert len(document["rounds"]) == 1 and document["totals"]["costUsd"] > 0
    assert document["awaitingReview"] is None
    # And its folder says so (written when the execution ended)
    deadline = time.monotonic() + 30
    while _stored_status(data / cancelled) != "FAILED" and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _stored_status(data / cancelled) == "FAILED"
    # And a second cancel is refused (409, exit 2); the other generation still waits
    again = cli("cancel", cancelled, "--api", server.url)
    assert again.returncode == 2 and "409 GenerationNotRunning" in again.stderr
    assert call_api(server.url, "GET", f"/generations/{other}")[1]["status"] == "AWAITING_REVIEW"

    # When it is deleted
    deleted = cli("delete", cancelled, "--api", server.url)

    # Then it is gone: from the API (404), the listing, its images' URLs and the data folder
    assert deleted.returncode == 0, deleted.stderr
    status, answer = call_api(server.url, "GET", f"/generations/{cancelled}")
    assert status == 404 and "deleted" in answer["message"]
    listed = [g["id"] for g in call_api(server.url, "GET", "/generations")[1]["generations"]]
    assert cancelled not in listed and other in listed
    assert not (data / cancelled).exists() and (data / other).is_dir()
    image = document["rounds"][0]["images"][0]["url"]
    with pytest.raises(urllib.error.HTTPError) as gone:
        urllib.request.urlopen(image, timeout=30)
    assert gone.value.code == 404
    # And deleting it again, or an id that never was, is refused
    assert cli("delete", cancelled, "--api", server.url).returncode == 2
    assert "404" in cli("cancel", "20990101T000000Z-ffffffff", "--api", server.url).stderr
