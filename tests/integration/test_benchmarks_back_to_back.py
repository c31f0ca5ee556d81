"""Issue 10 item 7: local benchmarks back to back in one runtime all complete. Aggregate Results failed
with 'Query condition missed key schema element: pk' when another thread (the progress poll, a loop's
task) used the same boto3 Table resource while it built its query (adapters/aws_clients.dynamodb_table is
a Table per thread now). Items that end in one task each keep each benchmark to a few seconds.

Why 5 benchmarks, not the 20 this test first ran (issue 29: 47-72 s of every `make test`): that race is forced
open deterministically in tests/unit/test_emulation_races.py (a query beside another thread's query on one
Table), so repetitions here only bought more chances at a timing; what this test keeps is the user's case: later
benchmarks in one runtime, each aggregating beside every earlier one's execution, report and progress polls."""

from __future__ import annotations

import json

import pytest

from imagegate.benchmark_local import run_benchmark, suite_request
from imagegate_service.benchmark.suites import SuiteItem

pytestmark = pytest.mark.integration
BENCHMARKS = 5  # see the module's docstring for why 5 are enough
ITEMS = [
    SuiteItem(id="blocked", prompt="a grenade on a table", category="objects"),
    SuiteItem(id="blocked-too", prompt="two grenades in a box", category="spatial"),
    SuiteItem(id="invalid", prompt="a cat", category="objects", settings={"width": 1000, "height": 1000}),
]


def test_benchmarks_back_to_back_all_complete(runtime_with, tmp_path):
    # Given one local runtime, as one `imagegate bench` process has
    runtime = runtime_with(blocked_words=("grenade",))
    polls: list[tuple[int, int, int]] = []

    # When small benchmarks run one after another, each polled for progress while it runs
    outcomes = [
        run_benchmark(
            suite_request(ITEMS, f"tiny-{n}", concurrency=3),
            tmp_path / str(n),
            runtime,
            on_progress=lambda *progress: polls.append(progress),
        )
        for n in range(BENCHMARKS)
    ]

    # Then every one aggregated its three runs
    assert [(outcome.status, outcome.error) for outcome in outcomes] == [("SUCCEEDED", None)] * BENCHMARKS
    for outcome in outcomes:
        report = json.loads((outcome.report_dir / "report.json").read_text())
        assert report["overall"]["runs"] == len(ITEMS)
    assert polls  # the progress poll ran alongside the executions
