"""The local store keeps a run's enhancements (its ENHANCE# items and their images) in the run's folder, so a
restarted `imagegate serve` finds them; an enhancement that had not ended when the server stopped is FAILED with the
interrupted reason on the next start (its execution went with the server), keeping what its finished steps cost."""

from __future__ import annotations

import json

import boto3
import pytest

from imagegate.export import ITEMS_FILE, RUN_FILE
from imagegate.local.runtime import BUCKET, LocalRuntime
from imagegate.local.store import INTERRUPTED_ENHANCEMENT_ERROR, LocalStore
from imagegate_service import constants as c
from imagegate_service.adapters.enhancements import DynamoEnhancementStore
from imagegate_service.domain.enhancements import ENHANCEMENT_FAILED, ENHANCEMENT_RUNNING, ENHANCEMENT_SUCCEEDED

pytestmark = pytest.mark.unit

RUN = "20261205T010000Z-abcdef12"


def _a_run_with_enhancements(runtime) -> None:
    runtime.runs().create_run(
        RUN,
        {
            "status": c.STATUS_PASSED,
            "prompt": "a red cup",
            "bestRound": 1,
            "bestImageKey": c.candidate_key(RUN, 1, 0),
            "startedAt": "2026-12-05T01:00:00Z",
            "settings": {},
        },
    )
    s3 = boto3.client("s3")
    out = c.round_prefix(RUN, 1) + "enhancements/e1/01-upscale-fast.png"
    for key in (c.candidate_key(RUN, 1, 0), out):
        s3.put_object(Bucket=BUCKET, Key=key, Body=b"\x89PNG\r\n\x1a\n fake")
    store = DynamoEnhancementStore()
    for eid in ("e1", "e2"):
        store.create_enhancement(RUN, eid, {"status": ENHANCEMENT_RUNNING, "sequence": int(eid[1:]), "operations": []})
        step = {"index": 0, "op": {"op": "upscale", "mode": "fast"}, "key": out, "costUsd": 0.03, "source": "bedrock"}
        assert store.put_step(RUN, eid, 0, step, "t")  # as Apply Operation writes one, while it runs
    store.update_enhancement(RUN, "e1", {"status": ENHANCEMENT_SUCCEEDED, "resultKey": out, "costUsd": 0.03})


def test_enhancements_are_kept_in_the_folder_and_an_unended_one_fails_as_interrupted_on_restart(tmp_path):
    # Given a server that kept a run with an ended and a running enhancement, and stopped
    with LocalRuntime(retry_time_scale=0.0) as runtime:
        store = LocalStore(tmp_path, runtime).attach()
        _a_run_with_enhancements(runtime)
        store._known.add(RUN)
        store.save(RUN)
    items = json.loads((tmp_path / RUN / ITEMS_FILE).read_text())
    assert [item["enhancementId"] for item in items["enhancements"]] == ["e1", "e2"]
    assert "round-01/enhancements/e1/01-upscale-fast.png" in items["objects"]

    # When a new server loads the data dir
    with LocalRuntime(retry_time_scale=0.0) as runtime:
        report = LocalStore(tmp_path, runtime).attach().load()
        enhancements = DynamoEnhancementStore()

        # Then the ended enhancement is back as it was, and the running one is FAILED as interrupted
        assert report.loaded == 1
        done, cut = enhancements.get_enhancement(RUN, "e1"), enhancements.get_enhancement(RUN, "e2")
        assert done["status"] == ENHANCEMENT_SUCCEEDED and done["resultKey"].endswith("01-upscale-fast.png")
        assert cut["status"] == ENHANCEMENT_FAILED and cut["error"] == INTERRUPTED_ENHANCEMENT_ERROR
        assert cut["costUsd"] == pytest.approx(0.03)  # what its finished step cost stays
        # and that is on disk now too
        recorded = json.loads((tmp_path / RUN / RUN_FILE).read_text())["enhancements"]
        assert [(e["id"], e["status"]) for e in recorded] == [("e1", "SUCCEEDED"), ("e2", "FAILED")]


def test_a_folder_whose_enhancement_items_are_not_the_runs_is_skipped_and_named(tmp_path):
    with LocalRuntime(retry_time_scale=0.0) as runtime:
        store = LocalStore(tmp_path, runtime).attach()
        _a_run_with_enhancements(runtime)
        store._known.add(RUN)
        store.save(RUN)
    path = tmp_path / RUN / ITEMS_FILE
    items = json.loads(path.read_text())
    items["enhancements"][0]["pk"] = "RUN#someone-else"
    path.write_text(json.dumps(items))
    with LocalRuntime(retry_time_scale=0.0) as runtime:
        report = LocalStore(tmp_path, runtime).attach().load()
    assert report.loaded == 0 and "enhancement item 1 is not an ENHANCE# item" in report.unreadable[0]
