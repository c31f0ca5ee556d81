"""Issue 28 item 1 as a user meets it: `imagegate serve`, a generation, then `imagegate enhance <id> --op
upscale:fast --op remove-background --wait`: the enhancement ends SUCCEEDED, the run document lists it with each
step's image, the images download and are what the operations say; a bad --op is refused before anything is sent."""

from __future__ import annotations

import io
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from PIL import Image

from imagegate.controls_cli import call_api

pytestmark = pytest.mark.e2e

REPO_ROOT = Path(__file__).resolve().parents[2]


def cli(*arguments: str, timeout: float = 180) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "imagegate.cli", *arguments],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        timeout=timeout,
    )


def finished(url: str, run_id: str, seconds: float = 90) -> dict:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        status, answer = call_api(url, "GET", f"/generations/{run_id}")
        if status == 200 and answer["status"] in ("PASSED", "EXHAUSTED", "BLOCKED", "FAILED"):
            return answer
        time.sleep(0.2)
    raise AssertionError(f"{run_id} did not finish")


def image(url: str) -> Image.Image:
    with urllib.request.urlopen(url, timeout=30) as answer:
        return Image.open(io.BytesIO(answer.read()))


def test_enhance_a_finished_generation_with_two_operations(tmp_path, start_serve):
    logs = tmp_path / "logs"
    logs.mkdir()
    server = start_serve(logs, "--data-dir", str(tmp_path / "runs"))
    server.wait_ready()
    status, started = call_api(
        server.url,
        "POST",
        "/generations",
        {"prompt": "a red cup on a wooden table", "maxRounds": 1, "verifier": "none"},
    )
    assert status == 202
    run = finished(server.url, started["id"])
    before = image(run["bestImage"]["url"])

    # A typo is refused naming the --op, and nothing is sent
    typo = cli("enhance", run["id"], "--op", "upscale:huge", "--api", server.url)
    assert typo.returncode == 2 and "operations[0].mode" in typo.stderr

    enhanced = cli(
        "enhance", run["id"], "--op", "upscale:fast", "--op", "remove-background", "--wait", "--api", server.url
    )

    # Upscale first, then remove the background: the 4x upscale of a 1 MP image is more than the 9,437,184 pixels
    # Remove Background takes, so the adapter refuses that call before it is made and the enhancement FAILS (exit 5)
    assert enhanced.returncode == 5, enhanced.stdout + enhanced.stderr
    assert "enhancement e1 FAILED" in enhanced.stderr and "9437184" in enhanced.stderr

    enhanced = cli(
        "enhance", run["id"], "--op", "remove-background", "--op", "upscale:fast", "--wait", "--api", server.url
    )
    assert enhanced.returncode == 0, enhanced.stdout + enhanced.stderr
    # The other order ends SUCCEEDED, printing each step and the final image
    assert "enhancement e2 SUCCEEDED" in enhanced.stdout

    status, document = call_api(server.url, "GET", f"/generations/{run['id']}")
    first, second = document["enhancements"]
    assert (first["status"], second["status"]) == ("FAILED", "SUCCEEDED")
    after = image(second["image"])
    assert after.size == (4 * before.size[0], 4 * before.size[1]) and after.mode == "RGBA"
    assert image(second["steps"][0]["image"]).size == before.size
    assert second["costUsd"] == pytest.approx(sum(step["costUsd"] for step in second["steps"]))
