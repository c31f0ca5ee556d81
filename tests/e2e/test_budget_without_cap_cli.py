"""Issue 25.8 as a user meets it: `imagegate serve` without --daily-budget-usd, a generation that spends money
today, then `GET /budget` and `imagegate budget`. Without a cap the day's spend is not counted, and both say so:
never the "$0 spent" the API used to answer although a run had just been billed. (The domain's side, with and
without a cap, is tests/unit/test_budget_without_cap.py.)"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from imagegate.controls_cli import call_api

pytestmark = pytest.mark.e2e

REPO_ROOT = Path(__file__).resolve().parents[2]
ENDED = {"PASSED", "EXHAUSTED", "BLOCKED", "FAILED"}


def test_get_budget_and_imagegate_budget_without_a_cap_say_the_spend_is_not_counted(tmp_path, start_serve):
    # Given imagegate serve without a daily cap, and a generation today that was billed
    serving = start_serve(tmp_path, "--retry-time-scale", "0", "--data-dir", str(tmp_path / "data"))
    serving.wait_ready()
    try:
        status, started = call_api(
            serving.url, "POST", "/generations", {"prompt": "a red apple", "maxRounds": 1, "verifier": "none"}
        )
        assert status == 202, started
        deadline = time.monotonic() + 120
        while (document := call_api(serving.url, "GET", f"/generations/{started['id']}")[1])["status"] not in ENDED:
            assert time.monotonic() < deadline, document["status"]
            time.sleep(0.2)
        assert document["totals"]["costUsd"] > 0  # money was spent today

        # When the budget is asked for, over HTTP and with the CLI
        status, budget = call_api(serving.url, "GET", "/budget")
        shown = subprocess.run(
            [sys.executable, "-m", "imagegate.cli", "budget", "--api", serving.url],
            capture_output=True,
            text=True,
            cwd=REPO_ROOT,
            timeout=60,
        )
    finally:
        serving.stop()

    # Then the API says there is no cap and the day is not counted: no spent or reserved figure, a note in words
    assert status == 200, budget
    assert budget["capUsd"] is None and budget["tracked"] is False
    assert budget["spentUsd"] is None and budget["reservedUsd"] is None
    assert "not counted" in budget["note"]
    # And imagegate budget prints that note on one line, exit 0, with no dollar figure for the day
    assert shown.returncode == 0, shown.stderr
    lines = shown.stdout.strip().splitlines()
    assert len(lines) == 1 and budget["day"] in lines[0] and "not counted" in lines[0], shown.stdout
    assert "$" not in lines[0] and shown.stderr == ""
