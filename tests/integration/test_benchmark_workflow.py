"""The benchmark state machine (a Map whose item processor is the quality loop's own states, then
the aggregation Lambda) through the local runtime."""

import json

import pytest

from imagegate.benchmark_local import run_benchmark, suite_request
from imagegate_service.benchmark.suites import SuiteItem

pytestmark = pytest.mark.integration

ITEMS = [
    # Thresholds fix the outcomes whatever the world draws: every verdict meets 0, none reaches 10.
    SuiteItem(
        id="easy", prompt="a red apple on a wooden table", category="objects", anchor=True, settings={"threshold": 0}
    ),
    SuiteItem(
        id="rewrite",
        prompt="two cats to the left of a green car at night",
        category="spatial",
        settings={"seed": 3, "threshold": 10, "maxRounds": 3},
    ),
    SuiteItem(id="blocked", prompt="a grenade on a table", category="objects"),
    SuiteItem(id="invalid", prompt="a cat", category="spatial", settings={"width": 1000, "height": 1000}),
]


def test_the_benchmark_runs_every_item_through_the_loop_and_writes_a_dated_report(runtime_with, tmp_path):
    runtime = runtime_with(blocked_words=("grenade",))

    # When the suite runs through the benchmark workflow with two loops at a time
    outcome = run_benchmark(suite_request(ITEMS, "tiny", concurrency=2), tmp_path, runtime)

    # Then the Map ran every item, a blocked or invalid item did not stop the others
    assert outcome.status == "SUCCEEDED", outcome.error
    report = json.loads((outcome.report_dir / "report.json").read_text())
    assert report["suite"] == "tiny" and report["overall"]["runs"] == 4
    statuses = {run["itemId"]: run["status"] for run in report["runs"]}
    assert statuses == {"easy": "PASSED", "rewrite": "EXHAUSTED", "blocked": "BLOCKED", "invalid": "FAILED"}
    # And the metrics come from the recorded rounds: one pass in round 1, one item out of rounds
    assert report["overall"]["passRate"] == pytest.approx(0.25)
    assert report["overall"]["firstRoundPassRate"] == pytest.approx(0.25)
    assert report["overall"]["meanRoundsToPass"] == pytest.approx(1.0)
    assert report["anchors"]["runs"] == 1
    assert "<svg" in (outcome.report_dir / "report.html").read_text()
    assert outcome.summary["reportKey"] == f"benchmarks/{report['date']}/report.json"


def test_a_second_benchmark_is_compared_with_the_previous_report(runtime_with, tmp_path):
    runtime = runtime_with()
    earlier = tmp_path / "2000-01-01"
    earlier.mkdir()
    previous = {
        "schemaVersion": 1,
        "suite": "tiny",
        "date": "2000-01-01",
        "overall": {
            "runs": 1,
            "passed": 1,
            "passRate": 1.0,
            "firstRoundPassRate": 1.0,
            "meanFinalScore": 9.9,
            "costPerPassUsd": 0.001,
        },
        "byCategory": {},
        "anchors": {"runs": 0, "meanFirstRoundScore": None, "items": []},
    }
    (earlier / "report.json").write_text(json.dumps(previous))

    outcome = run_benchmark(suite_request(ITEMS[:2], "tiny", concurrency=2), tmp_path, runtime)

    comparison = json.loads((outcome.report_dir / "report.json").read_text())["comparison"]
    assert comparison["previousDate"] == "2000-01-01"
    assert any(r["metric"] == "costPerPassUsd" for r in comparison["regressions"])


def test_an_item_whose_outcome_cannot_be_recorded_does_not_stop_the_benchmark(runtime_with, tmp_path, monkeypatch):
    from imagegate_service.handlers import finish_run

    runtime = runtime_with()
    real_finish = finish_run.finisher.finish

    def finish_except_the_easy_item(state):
        if state["settings"]["prompt"] == ITEMS[0].prompt:
            raise RuntimeError("the table is unavailable")
        return real_finish(state)

    monkeypatch.setattr(finish_run.finisher, "finish", finish_except_the_easy_item)

    outcome = run_benchmark(suite_request(ITEMS[:2], "tiny", concurrency=2), tmp_path, runtime)

    assert outcome.status == "SUCCEEDED", outcome.error
    statuses = {
        run["itemId"]: run["status"] for run in json.loads((outcome.report_dir / "report.json").read_text())["runs"]
    }
    assert statuses == {"easy": "FAILED", "rewrite": "EXHAUSTED"}
