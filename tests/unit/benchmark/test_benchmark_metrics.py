"""Metrics maths on hand-built run lists; every expected figure is computed by hand in a comment."""

from __future__ import annotations

from typing import Any

import pytest

from imagegate_service.benchmark.metrics import Tolerances, compare, compute_metrics, percentile

pytestmark = pytest.mark.unit


def test_overall_metrics_of_four_runs(four_runs: list[dict[str, Any]]) -> None:
    # Given a1 PASSED [6, 8] $0.10 10s, a2 PASSED [8] $0.04 20s, t1 EXHAUSTED [3, 5, 4] $0.12 40s, t2 FAILED [] $0 30s
    # When the metrics are computed
    overall = compute_metrics(four_runs)["overall"]

    # Then each figure matches the hand computation
    assert overall["runs"] == 4
    assert overall["passed"] == 2
    assert overall["passRate"] == pytest.approx(0.5)  # 2 / 4
    assert overall["firstRoundPassed"] == 1  # only a2 scored >= 7.5 in round 1
    assert overall["firstRoundPassRate"] == pytest.approx(0.25)  # 1 / 4, FAILED counts in the denominator
    assert overall["meanRoundsToPass"] == pytest.approx(1.5)  # a1 2, a2 1
    assert overall["meanFirstRoundScore"] == pytest.approx(17 / 3)  # (6 + 8 + 3) / 3, t2 has no score
    assert overall["meanFinalScore"] == pytest.approx(7.0)  # (8 + 8 + 5) / 3, best per run
    assert overall["lift"] == pytest.approx(4 / 3)  # 7 - 17/3
    assert overall["totalCostUsd"] == pytest.approx(0.26)
    assert overall["costPerPassUsd"] == pytest.approx(0.13)  # 0.26 / 2
    assert overall["durationP50Seconds"] == 20  # nearest rank: ceil(0.5 * 4) = 2nd of [10, 20, 30, 40]
    assert overall["durationP95Seconds"] == 40  # ceil(0.95 * 4) = 4th
    assert overall["statusCounts"] == {"PASSED": 2, "EXHAUSTED": 1, "BLOCKED": 0, "FAILED": 1}


def test_metrics_by_category_including_one_without_passes(four_runs: list[dict[str, Any]]) -> None:
    # Given the four runs in two categories
    # When the metrics are computed
    by_category = compute_metrics(four_runs)["byCategory"]

    # Then animals: both passed
    animals = by_category["animals"]
    assert (animals["runs"], animals["passed"]) == (2, 2)
    assert animals["passRate"] == pytest.approx(1.0)
    assert animals["firstRoundPassRate"] == pytest.approx(0.5)
    assert animals["meanRoundsToPass"] == pytest.approx(1.5)
    assert animals["meanFirstRoundScore"] == pytest.approx(7.0)  # (6 + 8) / 2
    assert animals["meanFinalScore"] == pytest.approx(8.0)
    assert animals["lift"] == pytest.approx(1.0)
    assert animals["totalCostUsd"] == pytest.approx(0.14)
    assert animals["costPerPassUsd"] == pytest.approx(0.07)
    assert (animals["durationP50Seconds"], animals["durationP95Seconds"]) == (10, 20)
    # And text: nothing passed, so no rounds-to-pass and no cost per passing image
    text = by_category["text"]
    assert (text["runs"], text["passed"]) == (2, 0)
    assert text["passRate"] == 0
    assert text["firstRoundPassRate"] == 0
    assert text["meanRoundsToPass"] is None
    assert text["meanFirstRoundScore"] == pytest.approx(3.0)  # t2 FAILED without rounds is left out
    assert text["meanFinalScore"] == pytest.approx(5.0)
    assert text["lift"] == pytest.approx(2.0)
    assert text["totalCostUsd"] == pytest.approx(0.12)
    assert text["costPerPassUsd"] is None
    assert (text["durationP50Seconds"], text["durationP95Seconds"]) == (30, 40)
    assert text["statusCounts"] == {"PASSED": 0, "EXHAUSTED": 1, "BLOCKED": 0, "FAILED": 1}


def test_score_by_round_carries_the_best_score_forward(four_runs: list[dict[str, Any]]) -> None:
    # Given a1 [6, 8], a2 [8] (stopped after round 1), t1 [3, 5, 4]; t2 has no rounds
    # When the score-by-round curve is computed
    points = compute_metrics(four_runs)["scoreByRound"]

    # Then round k averages the best-so-far of all three scored runs
    assert [point["round"] for point in points] == [1, 2, 3]
    assert points[0]["meanBestScore"] == pytest.approx(17 / 3)  # 6, 8, 3
    assert points[1]["meanBestScore"] == pytest.approx(7.0)  # 8, 8 (carried), 5
    assert points[2]["meanBestScore"] == pytest.approx(7.0)  # 8, 8, max(3, 5, 4) = 5
    # And the raw per-round mean only covers runs that reached the round
    assert [point["runsReached"] for point in points] == [3, 2, 1]
    assert points[1]["meanScore"] == pytest.approx(6.5)  # 8, 5
    assert points[2]["meanScore"] == pytest.approx(4.0)


def test_anchors_are_reported_on_their_own(four_runs: list[dict[str, Any]]) -> None:
    # Given a1 (first round 6) and t1 (first round 3) are anchors
    # When the metrics are computed
    anchors = compute_metrics(four_runs)["anchors"]

    # Then the anchor set has its own first-round mean and per-anchor scores
    assert anchors["runs"] == 2
    assert anchors["meanFirstRoundScore"] == pytest.approx(4.5)
    assert [(item["itemId"], item["firstRoundScore"]) for item in anchors["items"]] == [("a1", 6), ("t1", 3)]


def test_empty_input_yields_none_not_zero() -> None:
    # Given no runs
    # When the metrics are computed
    metrics = compute_metrics([])

    # Then counts are 0 and every mean or rate is undefined
    overall = metrics["overall"]
    assert (overall["runs"], overall["passed"], overall["totalCostUsd"]) == (0, 0, 0)
    for name in ("passRate", "firstRoundPassRate", "meanRoundsToPass", "meanFinalScore", "lift", "costPerPassUsd"):
        assert overall[name] is None, name
    assert overall["durationP50Seconds"] is None
    assert metrics["byCategory"] == {}
    assert metrics["scoreByRound"] == []
    assert metrics["anchors"] == {"runs": 0, "meanFirstRoundScore": None, "items": []}


def test_only_failed_runs_without_rounds(make_run) -> None:
    # Given two runs that failed or were blocked before any round
    runs = [
        make_run("f1", "misc", "FAILED", [], cost_usd=0.0, duration_seconds=3),
        make_run("b1", "misc", "BLOCKED", [], cost_usd=0.01, duration_seconds=1),
    ]

    # When the metrics are computed
    metrics = compute_metrics(runs)

    # Then rates are 0 of 2, score means undefined, cost still counted
    overall = metrics["overall"]
    assert (overall["passRate"], overall["firstRoundPassRate"]) == (0, 0)
    assert overall["meanFirstRoundScore"] is None and overall["meanFinalScore"] is None and overall["lift"] is None
    assert overall["totalCostUsd"] == pytest.approx(0.01)
    assert overall["costPerPassUsd"] is None
    assert overall["statusCounts"]["BLOCKED"] == 1 and overall["statusCounts"]["FAILED"] == 1
    assert metrics["scoreByRound"] == []


def test_run_threshold_decides_first_round_pass_and_defaults_to_7_5(make_run) -> None:
    # Given a round-1 score of 8 against a threshold of 9, and a run without a threshold field
    strict = make_run("s", "c", "PASSED", [8, 9], cost_usd=0, duration_seconds=1, threshold=9)
    default = make_run("d", "c", "PASSED", [7.5], cost_usd=0, duration_seconds=1)
    del default["threshold"]

    # When the metrics are computed
    overall = compute_metrics([strict, default])["overall"]

    # Then only the default-threshold run passed in round 1 (7.5 >= 7.5), and rounds to pass are 2 and 1
    assert overall["firstRoundPassed"] == 1
    assert overall["meanRoundsToPass"] == pytest.approx(1.5)


def test_percentile_is_nearest_rank() -> None:
    # Given four durations; linear interpolation would give 25 for p50
    durations = [40, 10, 30, 20]

    # When / Then nearest rank returns observed values
    assert percentile(durations, 50) == 20
    assert percentile(durations, 95) == 40
    assert percentile(durations, 0) == 10
    assert percentile([7], 95) == 7
    assert percentile([], 50) is None


# --- compare ----------------------------------------------------------------------------------------


def summary(pass_rate: float, final: float, cost_per_pass: float | None) -> dict[str, Any]:
    return {"passRate": pass_rate, "meanFinalScore": final, "costPerPassUsd": cost_per_pass}


def metrics_with(
    overall: dict[str, Any], categories: dict[str, Any] | None = None, anchors: dict[str, float] | None = None
):
    return {
        "overall": overall,
        "byCategory": categories or {},
        "anchors": {"items": [{"itemId": key, "firstRoundScore": value} for key, value in (anchors or {}).items()]},
    }


def flagged(comparison: dict[str, Any]) -> set[tuple[str | None, str]]:
    return {(entry["category"], entry["metric"]) for entry in comparison["regressions"]}


def test_compare_flags_each_regression_beyond_tolerance() -> None:
    # Given a previous benchmark and a worse current one
    previous = metrics_with(summary(0.80, 7.5, 0.10))
    current = metrics_with(summary(0.70, 7.2, 0.12))

    # When compared
    comparison = compare(current, previous)

    # Then pass rate (-10 pts), final score (-0.3) and cost per pass (+20%) are regressions
    assert flagged(comparison) == {(None, "passRate"), (None, "meanFinalScore"), (None, "costPerPassUsd")}
    assert comparison["overall"]["passRate"]["delta"] == pytest.approx(-0.10)
    assert comparison["overall"]["meanFinalScore"]["delta"] == pytest.approx(-0.3)
    assert comparison["overall"]["costPerPassUsd"] == {"current": 0.12, "previous": 0.10, "delta": pytest.approx(0.02)}


def test_compare_does_not_flag_changes_at_the_tolerance_or_improvements() -> None:
    # Given changes exactly at each tolerance (5 pts, 0.25, +10%) and an improved category
    previous = metrics_with(summary(0.75, 7.5, 0.10), {"cats": summary(0.5, 6.0, 0.2)})
    current = metrics_with(summary(0.70, 7.25, 0.11), {"cats": summary(0.9, 8.0, 0.1)})

    # When compared
    comparison = compare(current, previous)

    # Then nothing is flagged
    assert comparison["regressions"] == []


def test_compare_flags_a_category_and_reports_categories_on_one_side_only() -> None:
    # Given a category that fell, and one new and one dropped category
    previous = metrics_with(summary(0.8, 7.5, 0.1), {"text": summary(0.6, 7.0, 0.1), "old": summary(1, 9, 0.1)})
    current = metrics_with(summary(0.8, 7.5, 0.1), {"text": summary(0.4, 7.0, 0.1), "new": summary(1, 9, 0.1)})

    # When compared
    comparison = compare(current, previous)

    # Then the category regression is flagged with its scope
    assert flagged(comparison) == {("text", "passRate")}
    assert comparison["regressions"][0]["scope"] == "category:text"
    # And one-sided categories show deltas of None
    assert comparison["byCategory"]["new"]["passRate"] == {"current": 1, "previous": None, "delta": None}
    assert comparison["byCategory"]["old"]["passRate"]["current"] is None


def test_compare_honours_custom_tolerances() -> None:
    # Given a 3-point pass rate drop
    previous = metrics_with(summary(0.80, 7.5, 0.10))
    current = metrics_with(summary(0.77, 7.5, 0.10))

    # When compared with the default and with a 2-point tolerance
    # Then only the stricter tolerance flags it
    assert compare(current, previous)["regressions"] == []
    assert flagged(compare(current, previous, Tolerances(pass_rate_drop=0.02))) == {(None, "passRate")}


@pytest.mark.parametrize(
    ("current_anchors", "expected_delta", "expected_flag"),
    [
        ({"a1": 7, "t1": 4}, 1.0, True),  # judge got more lenient
        ({"a1": 5, "t1": 2.8}, -0.6, True),  # judge got harsher
        ({"a1": 6.5, "t1": 3}, 0.25, False),  # within 0.5
        ({"a1": 6.5, "t1": 3, "new": 0}, 0.25, False),  # an anchor absent before is not drift
    ],
)
def test_compare_reports_anchor_drift_apart_from_regressions(current_anchors, expected_delta, expected_flag) -> None:
    # Given anchors a1=6 and t1=3 in the previous benchmark and unchanged headline metrics
    previous = metrics_with(summary(0.8, 7.5, 0.1), anchors={"a1": 6, "t1": 3})
    current = metrics_with(summary(0.8, 7.5, 0.1), anchors=current_anchors)

    # When compared
    comparison = compare(current, previous)

    # Then the anchors' mean move is measured and flagged as drift, never as a regression
    drift = comparison["drift"]
    assert drift["anchorsCompared"] == 2
    assert drift["meanFirstRoundScoreDelta"] == pytest.approx(expected_delta)
    assert drift["flagged"] is expected_flag
    assert comparison["regressions"] == []


def test_compare_works_on_full_metrics(four_runs: list[dict[str, Any]], make_run) -> None:
    # Given last night's four runs and tonight's where a2 needed two rounds and cost more
    tonight = [dict(run) for run in four_runs]
    tonight[1] = make_run("a2", "animals", "PASSED", [7, 8], cost_usd=0.20, duration_seconds=25)

    # When the two metric sets are compared
    comparison = compare(compute_metrics(tonight), compute_metrics(four_runs))

    # Then cost per pass rose from 0.13 to 0.21 (+61.5%): flagged overall and for animals (0.07 -> 0.15)
    assert flagged(comparison) == {(None, "costPerPassUsd"), ("animals", "costPerPassUsd")}
    assert comparison["overall"]["meanRoundsToPass"]["delta"] == pytest.approx(0.5)  # 1.5 -> 2
    assert comparison["overall"]["firstRoundPassRate"]["delta"] == pytest.approx(-0.25)  # 0.25 -> 0
