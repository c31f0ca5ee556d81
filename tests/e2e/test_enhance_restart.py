"""Issue 28 as a user meets its local fallback and a restart: `imagegate serve` whose account has no access to
Remove Background (serve --fault denied_models=...), a finished generation, then `imagegate enhance
<id> --op remove-background --op upscale:fast --wait`: without --allow-local-fallback it FAILS saying why and that
it could have run locally; with it, the background is removed locally (source local, OpenCV GrabCut, $0) and the
upscale by Bedrock; the CLI, the API document and the run folder's run.json all say so. The server is then killed
(kill -9) and started again on the same data dir: both enhancements answer as before and their images download."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from PIL import Image
from test_serve_restart import ENDED, ServeProcess, _without_urls

from imagegate.export import RUN_FILE
from imagegate_service import registry
from imagegate_service.domain.enhancements import SOURCE_BEDROCK, SOURCE_LOCAL

pytestmark = pytest.mark.e2e

REPO_ROOT = Path(__file__).resolve().parents[2]
REMOVE = registry.image_service_for("remove-background").model_id


def cli(*arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "imagegate.cli", *arguments], capture_output=True, text=True, cwd=REPO_ROOT, timeout=240
    )


def image(url: str) -> Image.Image:
    with urllib.request.urlopen(url, timeout=30) as answer:
        return Image.open(io.BytesIO(answer.read()))


def test_a_local_fallback_through_the_cli_is_said_everywhere_and_survives_a_restart(tmp_path):
    data, logs = tmp_path / "data", tmp_path / "logs"
    logs.mkdir()
    first = ServeProcess(data, logs, "--fault", f"denied_models={REMOVE}")
    try:
        status, started = first.call(
            "POST", "/generations", {"prompt": "a red cup on a wooden table", "maxRounds": 1, "verifier": "none"}
        )
        assert status == 202, started
        run_id = started["id"]
        before = first.until(run_id, lambda body: body["status"] in ENDED)
        size = image(before["bestImage"]["url"]).size
        ops = ("--op", "remove-background", "--op", "upscale:fast", "--wait", "--api", first.url)

        # Without the allowance: FAILED (exit 5), saying the model is unavailable and that it could run locally
        refused = cli("enhance", run_id, *ops)
        assert refused.returncode == 5, refused.stdout + refused.stderr
        assert "enhancement e1 FAILED" in refused.stderr and "ModelAccessDenied" in refused.stderr
        assert "allowLocalFallback: true" in refused.stderr

        # With it: the background removed locally, the upscale by Bedrock, each step says where it was made
        allowed = cli("enhance", run_id, *ops, "--allow-local-fallback")
        assert allowed.returncode == 0, allowed.stdout + allowed.stderr
        assert "1. remove-background: source local (OpenCV GrabCut; model unavailable (ModelAccessDenied)" in (
            allowed.stdout
        )
        assert "2. upscale (fast): source bedrock," in allowed.stdout and "enhancement e2 SUCCEEDED" in allowed.stdout

        document = first.generation(run_id)
        failed, enhanced = document["enhancements"]
        assert failed["status"] == "FAILED" and enhanced["status"] == "SUCCEEDED"
        local, remote = enhanced["steps"]
        assert (local["source"], local["method"], local["modelId"], local["costUsd"]) == (
            SOURCE_LOCAL,
            "OpenCV GrabCut",
            None,
            0,
        )
        assert remote["source"] == SOURCE_BEDROCK and remote["costUsd"] > 0
        assert enhanced["costUsd"] == pytest.approx(remote["costUsd"])
        after = image(enhanced["image"])
        assert after.size == (4 * size[0], 4 * size[1]) and after.mode == "RGBA"

        # The run folder's run.json records it too
        recorded = json.loads((data / run_id / RUN_FILE).read_text())["enhancements"]
        assert [step["source"] for step in recorded[1]["steps"]] == [SOURCE_LOCAL, SOURCE_BEDROCK]
        assert recorded[1]["steps"][0]["method"] == "OpenCV GrabCut" and recorded[0]["status"] == "FAILED"

        # When the server is killed and started again on the same data dir
        first.kill()
        second = ServeProcess(data, logs)
        try:
            again = second.generation(run_id)
            # Then both enhancements answer as before, and their images download at their sizes
            assert _without_urls(again["enhancements"]) == _without_urls(document["enhancements"])
            assert image(again["enhancements"][1]["image"]).size == after.size
            assert image(again["enhancements"][1]["steps"][0]["image"]).mode == "RGBA"
            # and the next enhancement takes the next id (the items are back, not just the document)
            status, third = second.call(
                "POST", f"/generations/{run_id}/enhance", {"operations": [{"op": "erase", "object": "cup"}]}
            )
            assert status == 202 and third["enhancementId"] == "e3", third
        finally:
            second.kill()
    finally:
        first.kill()
