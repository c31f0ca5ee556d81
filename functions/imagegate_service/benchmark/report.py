"""The benchmark report: report.json (data) and report.html (a self-contained page with inline SVG).

Layout on disk: ``benchmarks/<YYYY-MM-DD>/report.json`` and ``report.html``; the previous report
for the comparison is the newest earlier date directory holding a report.json.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from imagegate_service.benchmark.metrics import (
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
_DATE_DIR = re.compile(r"^\d{4}-\d{2}-\d{2}$")
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
    metrics = compute_metrics([run for run, summary in zip(results, summaries) if summary["arm"] == primary])
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


def write_report(report: Mapping[str, Any], out_dir: Path | str) -> tuple[Path, Path]:
    """Write report.json and report.html into ``out_dir`` (created if needed)."""
    directory = Path(out_dir)
    directory.mkdir(parents=True, exist_ok=True)
    json_path, html_path = directory / REPORT_JSON, directory / REPORT_HTML
    # allow_nan=False: a NaN would make the file unreadable to strict JSON parsers.
    json_path.write_text(json.dumps(report, indent=2, ensure_ascii=False, allow_nan=False) + "\n", encoding="utf-8")
    html_path.write_text(render_html(report), encoding="utf-8")
    return json_path, html_path


def find_previous_report(benchmarks_root: Path | str, before_date: date | str) -> Path | None:
    """The newest ``<benchmarks_root>/<YYYY-MM-DD>/report.json`` dated strictly before ``before_date``."""
    cutoff = date.fromisoformat(before_date) if isinstance(before_date, str) else before_date
    root = Path(benchmarks_root)
    if not root.is_dir():
        return None
    candidates: list[tuple[date, Path]] = []
    for directory in root.iterdir():
        if not (directory.is_dir() and _DATE_DIR.match(directory.name)):
            continue
        try:
            directory_date = date.fromisoformat(directory.name)
        except ValueError:  # e.g. 2024-13-45
            continue
        report_path = directory / REPORT_JSON
        if directory_date < cutoff and report_path.is_file():
            candidates.append((directory_date, report_path))
    return max(candidates)[1] if candidates else None


# --- formatting ------------------------------------------------------------------------------------

# metric -> (label, kind); the kind decides how values and deltas are printed.
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


def _e(value: Any) -> str:
    """Every piece of report text goes through here: prompts and names are user data."""
    return html.escape(str(value), quote=True)


def _format_value(kind: str, value: Any) -> str:
    if value is None:
        return "–"
    if kind == "count":
        return str(int(value))
    if kind == "rate":
        return f"{value * 100:.1f}%"
    if kind == "usd":
        return f"${value:.4f}"
    if kind == "seconds":
        return f"{value:.1f} s"
    return f"{value:.2f}"


def _format_delta(kind: str, delta: Any) -> str:
    if delta is None:
        return "–"
    if kind == "rate":
        return f"{delta * 100:+.1f} pts"
    if kind == "usd":
        return f"{'+' if delta >= 0 else '−'}${abs(delta):.4f}"
    if kind == "count":
        return f"{int(delta):+d}"
    if kind == "seconds":
        return f"{delta:+.1f} s"
    return f"{delta:+.2f}"


# --- SVG charts ------------------------------------------------------------------------------------

_CHART_WIDTH = 640
_LABEL_WIDTH = 170  # room for category names left of the bars
_SERIES_CLASSES = ("series-a", "series-b")


def _svg_open(chart_id: str, title: str, height: int) -> str:
    return (
        f'<svg class="chart" id="chart-{chart_id}" data-chart="{chart_id}" role="img" '
        f'viewBox="0 0 {_CHART_WIDTH} {height}" width="{_CHART_WIDTH}" height="{height}">'
        f"<title>{_e(title)}</title>"
    )


def _legend(series_names: Sequence[str], y: int) -> str:
    parts = []
    for index, name in enumerate(series_names):
        x = _LABEL_WIDTH + index * 200
        parts.append(
            f'<rect class="{_SERIES_CLASSES[index]}" x="{x}" y="{y - 10}" width="12" height="12"/>'
            f'<text x="{x + 18}" y="{y}">{_e(name)}</text>'
        )
    return "".join(parts)


def _no_data(chart_id: str, title: str) -> str:
    return f'{_svg_open(chart_id, title, 60)}<text x="10" y="35">no data</text></svg>'


def _horizontal_bar_chart(
    chart_id: str,
    title: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    kind: str,
    max_value: float | None = None,
) -> str:
    """Grouped horizontal bars: one group per label, one bar per series (at most two series)."""
    values = [value for _, series_values in series for value in series_values if value is not None]
    if not labels or not values:
        return _no_data(chart_id, title)
    scale_max = max_value if max_value is not None else (max(values) or 1.0)
    bar_height, group_gap, top = 14, 10, 30
    group_height = bar_height * len(series) + group_gap
    plot_width = _CHART_WIDTH - _LABEL_WIDTH - 90  # leave room for the value printed after the bar
    height = top + group_height * len(labels) + 10
    parts = [_svg_open(chart_id, title, height), _legend([name for name, _ in series], 16)]
    for row, label in enumerate(labels):
        group_top = top + row * group_height
        parts.append(
            f'<text class="label" x="{_LABEL_WIDTH - 8}" y="{group_top + bar_height * len(series) / 2 + 4}" '
            f'text-anchor="end">{_e(label)}</text>'
        )
        for index, (name, series_values) in enumerate(series):
            value = series_values[row]
            y = group_top + index * bar_height
            width = 0 if value is None else max(0.0, value) / scale_max * plot_width
            parts.append(
                f'<rect class="{_SERIES_CLASSES[index]}" x="{_LABEL_WIDTH}" y="{y}" width="{width:.1f}" '
                f'height="{bar_height - 2}"><title>{_e(label)} – {_e(name)}: {_format_value(kind, value)}</title></rect>'
                f'<text class="value" x="{_LABEL_WIDTH + width + 4:.1f}" y="{y + bar_height - 4}">'
                f"{_format_value(kind, value)}</text>"
            )
    parts.append("</svg>")
    return "".join(parts)


def _score_by_round_chart(points: Sequence[Mapping[str, Any]], thresholds: Sequence[float]) -> str:
    chart_id, title = "score-by-round", "Mean best-so-far score by round"
    plotted = [point for point in points if point.get("meanBestScore") is not None]
    if not plotted:
        return _no_data(chart_id, title)
    height, left, right, top, bottom = 280, 50, 40, 30, 40  # right: room for the last "round N" label
    plot_width, plot_height = _CHART_WIDTH - left - right, height - top - bottom
    last_round = max(point["round"] for point in points)

    def x_of(round_number: int) -> float:
        return left + (plot_width / 2 if last_round == 1 else (round_number - 1) / (last_round - 1) * plot_width)

    def y_of(score: float) -> float:
        return top + (1 - score / 10) * plot_height

    parts = [_svg_open(chart_id, title, height), _legend(["best so far", "score in that round"], 16)]
    for score in range(0, 11, 2):
        parts.append(
            f'<line class="grid" x1="{left}" x2="{left + plot_width}" y1="{y_of(score):.1f}" y2="{y_of(score):.1f}"/>'
            f'<text class="axis" x="{left - 6}" y="{y_of(score) + 4:.1f}" text-anchor="end">{score}</text>'
        )
    for point in points:
        parts.append(
            f'<text class="axis" x="{x_of(point["round"]):.1f}" y="{height - bottom + 18}" '
            f'text-anchor="middle">round {point["round"]}</text>'
        )
    for threshold in thresholds:
        parts.append(
            f'<line class="threshold" x1="{left}" x2="{left + plot_width}" y1="{y_of(threshold):.1f}" '
            f'y2="{y_of(threshold):.1f}"><title>threshold {_e(threshold)}</title></line>'
        )
    for index, key in enumerate(("meanBestScore", "meanScore")):
        line_points = [(x_of(point["round"]), y_of(point[key])) for point in points if point.get(key) is not None]
        coordinates = " ".join(f"{x:.1f},{y:.1f}" for x, y in line_points)
        parts.append(f'<polyline class="line {_SERIES_CLASSES[index]}" points="{coordinates}"/>')
        for (x, y), point in zip(line_points, [p for p in points if p.get(key) is not None]):
            parts.append(
                f'<circle class="{_SERIES_CLASSES[index]}" cx="{x:.1f}" cy="{y:.1f}" r="4">'
                f'<title>round {point["round"]}: {point[key]:.2f}</title></circle>'
            )
    parts.append("</svg>")
    return "".join(parts)


def _pass_rate_chart(by_category: Mapping[str, Mapping[str, Any]]) -> str:
    names = list(by_category)
    return _horizontal_bar_chart(
        "pass-rate-by-category",
        "Pass rate by category: first round vs final",
        names,
        [
            ("first round (single shot)", [by_category[name]["firstRoundPassRate"] for name in names]),
            ("final (after the loop)", [by_category[name]["passRate"] for name in names]),
        ],
        "rate",
        max_value=1.0,
    )


def _cost_chart(by_category: Mapping[str, Mapping[str, Any]]) -> str:
    names = list(by_category)
    return _horizontal_bar_chart(
        "cost-by-category",
        "Cost by category",
        names,
        [
            ("total", [by_category[name]["totalCostUsd"] for name in names]),
            ("per passing image", [by_category[name]["costPerPassUsd"] for name in names]),
        ],
        "usd",
    )


# --- the page --------------------------------------------------------------------------------------

_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem; color: #1d232b; max-width: 1100px; }
table { border-collapse: collapse; margin: 0.5rem 0 1.5rem; }
th, td { border-bottom: 1px solid #dde2e8; padding: 0.3rem 0.6rem; text-align: right; vertical-align: top; }
th:first-child, td:first-child, td.text { text-align: left; }
tr.regression td, td.regression { background: #fde2e1; color: #8a1c16; font-weight: 600; }
.banner { padding: 0.6rem 1rem; border-radius: 4px; margin: 0.5rem 0; }
.banner.regression { background: #fde2e1; color: #8a1c16; }
.banner.drift { background: #fff3cd; color: #6b4e00; }
.banner.ok { background: #e3f4e6; color: #1b5e20; }
svg.chart { display: block; margin: 0.5rem 0 1.5rem; font-size: 12px; }
svg .series-a { fill: #9aa7b8; stroke: #9aa7b8; }
svg .series-b { fill: #2f6fdb; stroke: #2f6fdb; }
svg .line { fill: none; stroke-width: 2; }
svg .grid { stroke: #e5e8ec; }
svg .threshold { stroke: #c0392b; stroke-dasharray: 6 4; }
svg text { fill: #1d232b; stroke: none; }
td.prompt { text-align: left; max-width: 480px; }
"""


def render_html(report: Mapping[str, Any]) -> str:
    """A self-contained page: inline CSS and SVG, no script, no network (enforced by its CSP)."""
    comparison = report.get("comparison") or {}
    by_category = report.get("byCategory") or {}
    thresholds = [value for value in (report.get("settings") or {}).get("threshold", []) if isinstance(value, (int, float))]
    title = f"imagegate benchmark – {report.get('suite')} – {report.get('date')}"
    sections = [
        f"<h1>{_e(title)}</h1>",
        _header_facts(report),
        _comparison_banners(comparison),
        "<h2>Arms</h2>",
        _arms_table(report.get("arms") or {}, report.get("armDetails") or {}),
        f"<h2>Summary ({_e((report.get('settings') or {}).get('primaryArm', 'loop'))} arm)</h2>",
        _summary_table(report.get("overall") or {}, comparison),
        "<h2>Score by round</h2>",
        _score_by_round_chart(report.get("scoreByRound") or [], thresholds),
        "<h2>Pass rate by category</h2>",
        _pass_rate_chart(by_category),
        "<h2>Cost</h2>",
        _cost_chart(by_category),
        "<h2>By category</h2>",
        _category_table(by_category, comparison),
        "<h2>Judge drift: anchors</h2>",
        _anchor_table(report.get("anchors") or {}, comparison.get("drift") or {}),
        "<h2>Runs</h2>",
        _runs_table(report.get("runs") or []),
    ]
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
        f"<title>{_e(title)}</title><style>{_STYLE}</style></head><body>\n"
        + "\n".join(sections)
        + "\n</body></html>\n"
    )


def _header_facts(report: Mapping[str, Any]) -> str:
    settings = report.get("settings") or {}
    facts = [f"started {_e(report.get('startedAt'))}"]
    facts += [f"{_e(key)}: {_e(value)}" for key, value in settings.items()]
    return f"<p>{' · '.join(facts)}</p>"


def _comparison_banners(comparison: Mapping[str, Any]) -> str:
    if not comparison:
        return '<p class="banner">No previous report to compare with.</p>'
    banners = [f"<p>Compared with {_e(comparison.get('previousDate'))} (suite {_e(comparison.get('previousSuite'))}).</p>"]
    for regression in comparison.get("regressions", []):
        banners.append(f'<p class="banner regression">Regression ({_e(regression["scope"])}): {_e(regression["message"])}</p>')
    drift = comparison.get("drift") or {}
    if drift.get("flagged"):
        banners.append(f'<p class="banner drift">{_e(drift["message"])}</p>')
    if len(banners) == 1:
        banners.append('<p class="banner ok">No regressions.</p>')
    return "\n".join(banners)


def _regressed(comparison: Mapping[str, Any]) -> set[tuple[str | None, str]]:
    return {(entry["category"], entry["metric"]) for entry in comparison.get("regressions", [])}


def _summary_table(overall: Mapping[str, Any], comparison: Mapping[str, Any]) -> str:
    deltas = comparison.get("overall") or {}
    regressed = _regressed(comparison)
    rows = ["<table><tr><th>Metric</th><th>Current</th><th>Previous</th><th>Δ</th></tr>"]
    for metric, (label, kind) in _METRIC_LABELS.items():
        delta = deltas.get(metric) or {}
        row_class = ' class="regression"' if (None, metric) in regressed else ""
        rows.append(
            f"<tr{row_class} data-metric=\"{metric}\"><td>{_e(label)}</td><td>{_format_value(kind, overall.get(metric))}</td>"
            f"<td>{_format_value(kind, delta.get('previous'))}</td><td>{_format_delta(kind, delta.get('delta'))}</td></tr>"
        )
    statuses = ", ".join(f"{_e(status)} {count}" for status, count in (overall.get("statusCounts") or {}).items())
    rows.append(f'<tr><td>Statuses</td><td colspan="3" class="text">{statuses}</td></tr></table>')
    return "".join(rows)


_CATEGORY_COLUMNS = (
    "runs",
    "passRate",
    "firstRoundPassRate",
    "meanRoundsToPass",
    "meanFirstRoundScore",
    "meanFinalScore",
    "lift",
    "totalCostUsd",
    "costPerPassUsd",
    "durationP95Seconds",
)


# Arm metric -> (label, kind), in ARM_METRICS order.
_ARM_LABELS: dict[str, tuple[str, str]] = {
    "items": ("Items", "count"),
    "evaluatorPassRate": ("Evaluator pass rate", "rate"),
    "judgePassRate": ("Judge pass rate", "rate"),
    "judgeFalsePassRate": ("Judge false-pass rate", "rate"),
    "imagesPerItem": ("Images per item", "number"),
    "costPerEvaluatorPassUsd": ("Cost per evaluator pass", "usd"),
    "meanRounds": ("Mean rounds", "number"),
}


def _arms_table(arms: Mapping[str, Mapping[str, Any]], details: Mapping[str, Mapping[str, Any]]) -> str:
    """The arms side by side: one column per arm, one row per metric."""
    if not arms:
        return "<p>No arms in this report.</p>"
    names = list(arms)
    header = "".join(f'<th data-arm="{_e(name)}">{_e(name)}</th>' for name in names)
    rows = [f'<table class="arms"><tr><th>Metric</th>{header}</tr>']
    for metric, (label, kind) in _ARM_LABELS.items():
        cells = "".join(f"<td>{_format_value(kind, arms[name].get(metric))}</td>" for name in names)
        rows.append(f'<tr data-metric="{metric}"><td>{_e(label)}</td>{cells}</tr>')
    missing = "".join(f"<td>{_e((details.get(name) or {}).get('withoutEvaluation', '–'))}</td>" for name in names)
    rows.append(f"<tr><td>Runs without an evaluation (counted as not passed)</td>{missing}</tr></table>")
    return "".join(rows)


def _category_table(by_category: Mapping[str, Mapping[str, Any]], comparison: Mapping[str, Any]) -> str:
    if not by_category:
        return "<p>No runs.</p>"
    category_deltas = comparison.get("byCategory") or {}
    regressed = _regressed(comparison)
    header = "".join(f"<th>{_e(_METRIC_LABELS[column][0])}</th>" for column in _CATEGORY_COLUMNS)
    rows = [f"<table><tr><th>Category</th>{header}<th>Δ pass rate</th></tr>"]
    for name, metrics in by_category.items():
        cells = []
        for column in _CATEGORY_COLUMNS:
            cell_class = ' class="regression"' if (name, column) in regressed else ""
            cells.append(f"<td{cell_class}>{_format_value(_METRIC_LABELS[column][1], metrics.get(column))}</td>")
        pass_rate_delta = ((category_deltas.get(name) or {}).get("passRate") or {}).get("delta")
        rows.append(f"<tr><td>{_e(name)}</td>{''.join(cells)}<td>{_format_delta('rate', pass_rate_delta)}</td></tr>")
    rows.append("</table>")
    return "".join(rows)


def _anchor_table(anchors: Mapping[str, Any], drift: Mapping[str, Any]) -> str:
    items = anchors.get("items") or []
    if not items:
        return "<p>No anchor items in this run.</p>"
    previous_by_id = {entry["itemId"]: entry for entry in drift.get("items", [])}
    summary = (
        f"<p>{_e(anchors.get('runs'))} anchors, mean first-round score "
        f"{_format_value('number', anchors.get('meanFirstRoundScore'))}; change against the previous report "
        f"{_format_delta('number', drift.get('meanFirstRoundScoreDelta'))} "
        f"(tolerance ±{_e(drift.get('tolerance', '–'))}).</p>"
    )
    rows = ["<table><tr><th>Anchor</th><th>Category</th><th>Status</th><th>First-round score</th><th>Previous</th><th>Δ</th></tr>"]
    for item in items:
        previous = previous_by_id.get(item["itemId"]) or {}
        rows.append(
            f"<tr><td>{_e(item['itemId'])}</td><td class=\"text\">{_e(item['category'])}</td>"
            f"<td class=\"text\">{_e(item['status'])}</td><td>{_format_value('number', item.get('firstRoundScore'))}</td>"
            f"<td>{_format_value('number', previous.get('previous'))}</td><td>{_format_delta('number', previous.get('delta'))}</td></tr>"
        )
    rows.append("</table>")
    return summary + "".join(rows)


def _runs_table(runs: Sequence[Mapping[str, Any]]) -> str:
    if not runs:
        return "<p>No runs.</p>"
    rows = [
        "<table><tr><th>Item</th><th>Category</th><th>Arm</th><th>Status</th><th>Evaluator</th><th>Rounds</th>"
        "<th>First</th><th>Final</th><th>Cost</th><th>Duration</th><th>Prompt</th></tr>"
    ]
    verdicts = {True: "passed", False: "failed", None: "–"}
    for run in runs:
        rows.append(
            f"<tr><td>{_e(run.get('itemId') or run.get('runId'))}</td><td class=\"text\">{_e(run.get('category'))}</td>"
            f"<td class=\"text\">{_e(run.get('arm') or '')}</td>"
            f"<td class=\"text\">{_e(run.get('status'))}</td>"
            f"<td class=\"text\">{_e(verdicts.get(run.get('evaluationPassed'), '–'))}</td><td>{_e(run.get('rounds'))}</td>"
            f"<td>{_format_value('number', run.get('firstRoundScore'))}</td>"
            f"<td>{_format_value('number', run.get('finalScore'))}</td>"
            f"<td>{_format_value('usd', run.get('costUsd'))}</td>"
            f"<td>{_format_value('seconds', run.get('durationSeconds'))}</td>"
            f"<td class=\"prompt\">{_e(run.get('prompt') or '')}</td></tr>"
        )
    rows.append("</table>")
    return "".join(rows)
