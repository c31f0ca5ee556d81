"""report.json content, the self-contained HTML page, and the benchmarks/<date>/ layout."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from imagegate_service.benchmark.metrics import compute_metrics
from imagegate_service.benchmark.report import build_report, render_html

pytestmark = pytest.mark.unit

STARTED_AT = datetime(2025, 11, 21, 2, 0, tzinfo=UTC)
CHARTS = ("score-by-round", "pass-rate-by-category", "cost-by-category")


def test_build_report_holds_metrics_settings_and_runs(four_runs: list[dict[str, Any]]) -> None:
    # Given four runs
    # When the report is built without a previous one
    report = build_report(four_runs, "default", STARTED_AT, settings={"limit": 4, "sampleSeed": 7})

    # Then it carries the schema version, suite, date, the metrics, the settings and one line per run
    assert report["schemaVersion"] == 1
    assert report["suite"] == "default"
    assert report["date"] == "2025-11-21"
    assert report["startedAt"] == "2025-11-21T02:00:00+00:00"
    metrics = compute_metrics(four_runs)
    for key in ("overall", "byCategory", "scoreByRound", "anchors"):
        assert report[key] == metrics[key]
    assert report["settings"] == {
        "runs": 4,
        "threshold": [7.5],
        "limit": 4,
        "sampleSeed": 7,
        "arms": ["loop"],
        "primaryArm": "loop",
    }
    assert report["comparison"] is None
    assert [run["itemId"] for run in report["runs"]] == ["a1", "a2", "t1", "t2"]
    assert report["runs"][0] == {
        "runId": "run-a1",
        "itemId": "a1",
        "category": "animals",
        "arm": "loop",
        "anchor": True,
        "status": "PASSED",
        "evaluationPassed": None,
        "evaluationSource": None,
        "evaluationSatisfied": None,  # no evaluation: no counts
        "evaluationVerifiable": None,
        "evaluationUnverifiable": None,
        "verifierChecks": 0,  # no verifier
        "verifierUnverifiable": 0,
        "images": 2,
        "prompt": "a red apple",
        "promptGrowth": 1.0,  # every round asked the same
        "threshold": 7.5,
        "rounds": 2,
        "firstRoundScore": 6,
        "finalScore": 8,
        "costUsd": 0.10,
        "durationSeconds": 10,
    }
    # And it is plain JSON
    assert json.loads(json.dumps(report, allow_nan=False)) == report


def test_build_report_compares_with_the_previous_report(four_runs: list[dict[str, Any]], make_run) -> None:
    # Given yesterday's report and tonight's runs where a2 now fails
    yesterday = build_report(four_runs, "default", "2025-11-20T02:00:00+00:00")
    tonight = [dict(run) for run in four_runs]
    tonight[1] = make_run("a2", "animals", "EXHAUSTED", [6, 6, 6, 6], cost_usd=0.08, duration_seconds=50)

    # When tonight's report is built against yesterday's (after a JSON round trip, as read from disk)
    report = build_report(tonight, "default", STARTED_AT, previous_report=json.loads(json.dumps(yesterday)))

    # Then the comparison names the previous date and flags the pass rate drop (50% -> 25%)
    comparison = report["comparison"]
    assert comparison["previousDate"] == "2025-11-20"
    assert comparison["sameSuite"] is True
    assert comparison["overall"]["passRate"]["delta"] == pytest.approx(-0.25)
    assert ("passRate", None) in {(entry["metric"], entry["category"]) for entry in comparison["regressions"]}


def test_html_escapes_prompts_and_names(make_run) -> None:
    # Given a run whose prompt and category carry markup
    hostile = make_run(
        "x1",
        "<b>cat</b>",
        "PASSED",
        [8],
        cost_usd=0.01,
        duration_seconds=1,
        prompt="<script>alert('x')</script> & a cat",
    )
    report = build_report([hostile], "suite <i>", STARTED_AT)

    # When rendered
    page = render_html(report)

    # Then no markup from the data survives, it is shown escaped
    assert "<script" not in page
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; a cat" in page
    assert "<b>cat</b>" not in page and "&lt;b&gt;cat&lt;/b&gt;" in page
    assert "suite <i>" not in page


def test_html_is_self_contained_with_the_three_charts(four_runs: list[dict[str, Any]]) -> None:
    # Given a report
    report = build_report(four_runs, "default", STARTED_AT)

    # When rendered
    page = render_html(report)

    # Then the three inline SVG charts are there, with drawn data
    for chart in CHARTS:
        assert re.search(rf'<svg class="chart" id="chart-{chart}" data-chart="{chart}"', page), chart
    score_chart = page.split('data-chart="score-by-round"')[1].split("</svg>")[0]
    assert "<polyline" in score_chart and 'class="threshold"' in score_chart
    pass_chart = page.split('data-chart="pass-rate-by-category"')[1].split("</svg>")[0]
    assert "first round" in pass_chart and "final" in pass_chart and pass_chart.count("<rect") >= 4
    assert "cost-by-category" in page
    # And nothing is fetched: no scripts, stylesheets, images or URLs
    for forbidden in ("<script", "<link", "src=", "http://", "https://", "@import"):
        assert forbidden not in page, forbidden
    assert "Content-Security-Policy" in page


def test_html_highlights_regressions_and_drift(four_runs: list[dict[str, Any]], make_run) -> None:
    # Given a previous report where every anchor scored 2 points lower and everything passed
    previous = build_report(four_runs, "default", "2025-11-20T02:00:00")
    previous["overall"]["passRate"] = 1.0
    for item in previous["anchors"]["items"]:
        item["firstRoundScore"] -= 2

    # When tonight's report is rendered
    page = render_html(build_report(four_runs, "default", STARTED_AT, previous_report=previous))

    # Then the pass rate row is marked as a regression and the drift banner shows
    assert '<tr class="regression" data-metric="passRate">' in page
    assert 'class="banner regression"' in page
    assert 'class="banner drift"' in page and "judge drift" in page
    assert "-50.0 pts" in page


def test_html_renders_an_empty_report() -> None:
    # Given a benchmark without runs
    page = render_html(build_report([], "empty", STARTED_AT))

    # Then the page still renders, with the chart placeholders
    for chart in CHARTS:
        assert f'data-chart="{chart}"' in page
    assert "no data" in page


def test_the_aggregate_lambdas_asset_alone_renders_the_report(tmp_path: Path, four_runs: list[dict[str, Any]]) -> None:
    # Given the Lambda asset's runtime code, copied as the CDK app bundles it (no repository beside it)
    import shutil
    import subprocess
    import sys

    from infra.config import RUNTIME_CODE_FOLDERS

    asset = tmp_path / "asset"
    for folder in RUNTIME_CODE_FOLDERS:
        shutil.copytree(folder, asset / folder.name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    (tmp_path / "report.json").write_text(json.dumps(build_report(four_runs, "default", STARTED_AT)), encoding="utf-8")

    # When a fresh interpreter renders the report from that copy
    script = (
        "import json, sys, imagegate_service\n"
        "from imagegate_service.benchmark.report import render_html\n"
        "assert imagegate_service.__file__.startswith(sys.argv[1]), imagegate_service.__file__\n"
        "print(render_html(json.load(open(sys.argv[2]))))\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", script, str(asset), str(tmp_path / "report.json")],
        env={"PYTHONPATH": str(asset), "PATH": "/usr/bin:/bin"},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )

    # Then the template came with the code: the whole page renders
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.startswith("<!DOCTYPE html>") and 'data-chart="score-by-round"' in completed.stdout
