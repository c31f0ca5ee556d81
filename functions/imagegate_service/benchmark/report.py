"""The benchmark report: report.json (data) and report.html (a self-contained page with inline SVG).

Layout: ``benchmarks/<YYYY-MM-DD>/report.json`` and ``report.html`` (written by the aggregation step,
domain/benchmarking.py). The page is rendered from templates/benchmark_report.html with autoescaping on;
this module works out what it shows (numbers formatted, chart geometry), the template lays it out.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import jinja2


from imagegate_service import templating
from imagegate_service.benchmark.metrics import (
    HEADLINE_METRICS,
    RunResult,
    arm_metrics,
    compare,
    compute_metrics,
    primary_arm,
    run_summary,
)

SCHEMA_VERSION = 1
REPORT_JSON = "report.json"
REPORT_HTML = "report.html"
TEMPLATE = "benchmark_report.html"
# Run fields whose distinct values describe how the benchmark was run.
_SUMMARIZED_RUN_SETTINGS = ("threshold", "maxRounds", "generator", "judge", "rewriter")


# --- report.json -----------------------------------------------------------------------------------


def build_report(
    results: Sequence[RunResult],
    suite_name: str,
    started_at: datetime | str,
    previous_report: Mapping[str, Any] | None = None,
    settings: Mapping[str, Any] | None = None,
    arms: Sequence[str] | None = None,
) -> dict[str, Any]:
    """The content of report.json.

    ``settings`` (optional) adds what the caller chose, e.g. limit and sample seed, to the
    settings summary observed in the runs. ``arms``: the control arms the runs belong to (each
    run's ``arm``); the classic metrics (overall, byCategory, scoreByRound, anchors and the
    comparison) describe the primary arm (``loop`` when it ran), ``arms`` every arm side by side.
    """
    started = datetime.fromisoformat(started_at) if isinstance(started_at, str) else started_at
    summaries = [run_summary(run) for run in results]
    arms = list(arms) if arms else list(dict.fromkeys(summary["arm"] for summary in summaries))
    primary = primary_arm(arms)
    metrics = compute_metrics(
        [run for run, summary in zip(results, summaries, strict=True) if summary["arm"] == primary]
    )
    comparison = None
    if previous_report is not None:
        comparison = {
            "previousDate": previous_report.get("date"),
            "previousSuite": previous_report.get("suite"),
            "sameSuite": previous_report.get("suite") == suite_name,
            **compare(metrics, previous_report),
        }
    return {
        "schemaVersion": SCHEMA_VERSION,
        "suite": suite_name,
        "date": started.date().isoformat(),
        "startedAt": started.isoformat(),
        "settings": {**_observed_settings(results), "arms": arms, "primaryArm": primary, **(settings or {})},
        **metrics,
        **arm_metrics(summaries, arms),
        "comparison": comparison,
        "runs": summaries,
    }


def _observed_settings(results: Sequence[RunResult]) -> dict[str, Any]:
    summary: dict[str, Any] = {"runs": len(results)}
    for key in _SUMMARIZED_RUN_SETTINGS:
        values = {run[key] for run in results if run.get(key) is not None}
        if values:
            summary[key] = sorted(values, key=str)
    return summary


# --- formatting ------------------------------------------------------------------------------------

# Headline metric -> (label, kind), in HEADLINE_METRICS order; the kind decides how values and deltas print.
_METRIC_LABELS: dict[str, tuple[str, str]] = {
    "runs": ("Runs", "count"),
    "passed": ("Passed", "count"),
    "passRate": ("Pass rate", "rate"),
    "firstRoundPassRate": ("First-round pass rate (single shot)", "rate"),
    "meanRoundsToPass": ("Mean rounds to pass", "number"),
    "meanFirstRoundScore": ("Mean first-round score", "number"),
    "meanFinalScore": ("Mean final score", "number"),
    "lift": ("Lift (final − first)", "number"),
    "totalCostUsd": ("Total cost", "usd"),
    "costPerPassUsd": ("Cost per passing image", "usd"),
    "durationP50Seconds": ("Duration p50", "seconds"),
    "durationP95Seconds": ("Duration p95", "seconds"),
}
# The per-category table: the headline metrics less the two a category row does not need.
_CATEGORY_COLUMNS = tuple(metric for metric in HEADLINE_METRICS if metric not in ("passed", "durationP50Seconds"))

# Arm metric -> (label, kind), in ARM_METRICS order (judge pass: the gate's decision, status PASSED).
_ARM_LABELS: dict[str, tuple[str, str]] = {
    "items": ("Items", "count"),
    "evaluatorPassRate": ("Evaluator pass rate", "rate"),
    "judgePassRate": ("Gate pass rate (PASSED)", "rate"),
    "judgeFalsePassRate": ("Gate false-pass rate (PASSED, evaluator failed)", "rate"),
    "imagesPerItem": ("Images per item", "number"),
    "costPerEvaluatorPassUsd": ("Cost per evaluator pass", "usd"),
    "meanRounds": ("Mean rounds", "number"),
    "evaluatorUnverifiableShare": ("Evaluator checks unverifiable (mean share)", "rate"),
    "verifierUnverifiableShare": ("Verifier checks unverifiable (share)", "rate"),
    "promptGrowthMedian": ("Prompt growth, median (final / original length)", "number"),
    "promptGrowthMax": ("Prompt growth, max", "number"),
}


# kind -> (how a value prints, how a change in it prints)
_FORMATS: dict[str, tuple[Callable[[Any], str], Callable[[Any], str]]] = {
    "count": (lambda value: str(int(value)), lambda delta: f"{int(delta):+d}"),
    "rate": (lambda value: f"{value * 100:.1f}%", lambda delta: f"{delta * 100:+.1f} pts"),
    "usd": (lambda value: f"${value:.4f}", lambda delta: f"{'+' if delta >= 0 else '−'}${abs(delta):.4f}"),
    "seconds": (lambda value: f"{value:.1f} s", lambda delta: f"{delta:+.1f} s"),
    "number": (lambda value: f"{value:.2f}", lambda delta: f"{delta:+.2f}"),
}


def format_value(value: Any, kind: str) -> str:
    return "–" if value is None else _FORMATS[kind][0](value)


def format_delta(delta: Any, kind: str) -> str:
    return "–" if delta is None else _FORMATS[kind][1](delta)


# --- SVG charts: geometry here, markup in the template ----------------------------------------------

CHART_WIDTH = 640
_LABEL_WIDTH = 170  # room for category names left of the bars
_SERIES_CLASSES = ("series-a", "series-b")
_LEGEND_Y = 16


def _chart(chart_id: str, title: str, height: int, series_names: Sequence[str] = (), **shapes: Any) -> dict[str, Any]:
    """One chart as the template draws it; without series it is the 'no data' placeholder."""
    legend = [
        {"class": _SERIES_CLASSES[index], "x": _LABEL_WIDTH + index * 200, "y": _LEGEND_Y, "name": name}
        for index, name in enumerate(series_names)
    ]
    return {"id": chart_id, "title": title, "height": height, "legend": legend, "empty": not series_names, **shapes}


def _no_data(chart_id: str, title: str) -> dict[str, Any]:
    return _chart(chart_id, title, 60)


def _horizontal_bar_chart(
    chart_id: str,
    title: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    kind: str,
    max_value: float | None = None,
) -> dict[str, Any]:
    """Grouped horizontal bars: one group per label, one bar per series (at most two series)."""
    values = [value for _, series_values in series for value in series_values if value is not None]
    if not labels or not values:
        return _no_data(chart_id, title)
    scale_max = max_value if max_value is not None else (max(values) or 1.0)
    bar_height, group_gap, top = 14, 10, 30
    group_height = bar_height * len(series) + group_gap
    plot_width = CHART_WIDTH - _LABEL_WIDTH - 90  # leave room for the value printed after the bar
    groups = []
    for row, label in enumerate(labels):
        group_top = top + row * group_height
        bars = []
        for index, (name, series_values) in enumerate(series):
            value = series_values[row]
            width = 0 if value is None else max(0.0, value) / scale_max * plot_width
            bars.append(
                {
                    "class": _SERIES_CLASSES[index],
                    "series": name,
                    "y": group_top + index * bar_height,
                    "width": round(width, 1),
                    "height": bar_height - 2,
                    "textY": group_top + index * bar_height + bar_height - 4,
                    "text": format_value(value, kind),
                }
            )
        groups.append(
            {
                "label": label,
                "labelX": _LABEL_WIDTH - 8,
                "labelY": group_top + bar_height * len(series) / 2 + 4,
                "bars": bars,
            }
        )
    return _chart(
        chart_id,
        title,
        top + group_height * len(labels) + 10,
        [name for name, _ in series],
        barX=_LABEL_WIDTH,
        groups=groups,
    )


def _score_by_round_chart(points: Sequence[Mapping[str, Any]], thresholds: Sequence[float]) -> dict[str, Any]:
    chart_id, title = "score-by-round", "Mean best-so-far score by round"
    if not [point for point in points if point.get("meanBestScore") is not None]:
        return _no_data(chart_id, title)
    height, left, right, top, bottom = 280, 50, 40, 30, 40  # right: room for the last "round N" label
    plot_width, plot_height = CHART_WIDTH - left - right, height - top - bottom
    last_round = max(point["round"] for point in points)

    def x_of(round_number: int) -> float:
        return round(
            left + (plot_width / 2 if last_round == 1 else (round_number - 1) / (last_round - 1) * plot_width), 1
        )

    def y_of(score: float) -> float:
        return round(top + (1 - score / 10) * plot_height, 1)

    lines = []
    for index, key in enumerate(("meanBestScore", "meanScore")):
        dots = [
            {"x": x_of(point["round"]), "y": y_of(point[key]), "round": point["round"], "value": point[key]}
            for point in points
            if point.get(key) is not None
        ]
        lines.append(
            {
                "class": _SERIES_CLASSES[index],
                "dots": dots,
                "points": " ".join(f"{dot['x']:.1f},{dot['y']:.1f}" for dot in dots),
            }
        )
    return _chart(
        chart_id,
        title,
        height,
        ["best so far", "score in that round"],
        left=left,
        right=left + plot_width,
        axisY=height - bottom + 18,
        grid=[{"score": score, "y": y_of(score)} for score in range(0, 11, 2)],
        rounds=[{"round": point["round"], "x": x_of(point["round"])} for point in points],
        thresholds=[{"value": value, "y": y_of(value)} for value in thresholds],
        lines=lines,
    )


# The two bar charts by category: (chart id, title, kind, largest value or None, (series label, metric) x 2).
_CATEGORY_CHARTS = (
    (
        "pass-rate-by-category",
        "Pass rate by category: first round vs final",
        "rate",
        1.0,
        (("first round (single shot)", "firstRoundPassRate"), ("final (after the loop)", "passRate")),
    ),
    (
        "cost-by-category",
        "Cost by category",
        "usd",
        None,
        (("total", "totalCostUsd"), ("per passing image", "costPerPassUsd")),
    ),
)


def _category_charts(by_category: Mapping[str, Mapping[str, Any]]) -> list[dict[str, Any]]:
    names = list(by_category)
    return [
        _horizontal_bar_chart(
            chart_id,
            title,
            names,
            [(label, [by_category[name][metric] for name in names]) for label, metric in series],
            kind,
            max_value=largest,
        )
        for chart_id, title, kind, largest, series in _CATEGORY_CHARTS
    ]


# --- the page --------------------------------------------------------------------------------------


@cache
def _environment() -> jinja2.Environment:
    environment = templating.environment("imagegate_service.benchmark")
    environment.filters.update(value=format_value, delta=format_delta)
    return environment


def render_html(report: Mapping[str, Any]) -> str:
    """A self-contained page: inline CSS and SVG, no script, no network (enforced by its CSP)."""
    comparison = report.get("comparison") or {}
    by_category = report.get("byCategory") or {}
    settings = report.get("settings") or {}
    thresholds = [value for value in settings.get("threshold", []) if isinstance(value, (int, float))]
    regressed = {(entry["category"], entry["metric"]) for entry in comparison.get("regressions", [])}
    drift = comparison.get("drift") or {}
    return (
        _environment()
        .get_template(TEMPLATE)
        .render(
            title=f"imagegate benchmark – {report.get('suite')} – {report.get('date')}",
            report=report,
            settings=settings,
            comparison=comparison,
            regressed=regressed,
            drift=drift,
            by_category=by_category,
            overall=report.get("overall") or {},
            arms=report.get("arms") or {},
            arm_details=report.get("armDetails") or {},
            anchors=report.get("anchors") or {},
            previous_anchors={entry["itemId"]: entry for entry in drift.get("items", [])},
            runs=report.get("runs") or [],
            score_chart=_score_by_round_chart(report.get("scoreByRound") or [], thresholds),
            category_charts=_category_charts(by_category),
            metric_labels=_METRIC_LABELS,
            category_columns=_CATEGORY_COLUMNS,
            arm_labels=_ARM_LABELS,
            chart_width=CHART_WIDTH,
        )
    )
