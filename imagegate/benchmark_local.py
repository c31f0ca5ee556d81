"""Run the nightly benchmark on the embedded local runtime: the same benchmark state machine (Prepare, a
Distributed Map of quality loops, which the local runtime runs as child executions itself, then the aggregation
Lambda), with the report copied to ./benchmarks/<date>/. The suite goes to the runtime's bucket as JSONL and the
execution names it by key, as a nightly run in AWS names a suite in S3: its size is bounded by nothing here."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from imagegate.terminal import Column, Terminal
from imagegate_service import constants as c
from imagegate_service.benchmark.report import REPORT_JSON
from imagegate_service.benchmark.suites import SuiteItem

# Where `imagegate bench` writes <date>/report.json (its --out) and `imagegate serve` lists reports from.
DEFAULT_BENCH_OUT = Path("benchmarks")
DEFAULT_SUITE_FILE = (
    Path(__file__).resolve().parents[1] / "functions" / "imagegate_service" / "suites" / "default.jsonl"
)


@dataclass
class BenchmarkOutcome:
    status: str
    summary: dict[str, Any] | None
    report_dir: Path | None
    wall_seconds: float
    error: str | None = None
    execution_arn: str | None = None


def suite_request(
    items: Sequence[SuiteItem],
    suite_name: str,
    concurrency: int,
    settings: dict[str, Any] | None = None,
    arms: Sequence[str] | None = None,
) -> dict[str, Any]:
    """The benchmark execution's input with the items inline (the loaders run here, not in Lambda)."""
    return {
        "suite": suite_name,
        "concurrency": concurrency,
        "settings": settings or {},
        "arms": list(arms or c.BENCHMARK_DEFAULT_ARMS),
        "items": [
            {"id": i.id, "prompt": i.prompt, "category": i.category, "settings": i.settings, "anchor": i.anchor}
            for i in items
        ],
    }


def prepare_locally(request: dict[str, Any], name: str | None = None) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """What Prepare Benchmark will make of the request (its summary and the Map's items), worked out here first,
    nothing written: a run its own execution could not hold (or any other bad input) is refused before anything
    starts (InvalidRequest, naming the field and the numbers). ``name``: the execution's; by default a fresh one."""
    from imagegate_service import workflows
    from imagegate_service.domain.benchmarking import BenchmarkPreparer
    from imagegate_service.domain.run_ids import new_run_id

    parameters = workflows.benchmark_prepare_parameters()
    return BenchmarkPreparer().plan(
        request, name or new_run_id(), parameters["historyEstimate"], parameters.get("defaults")
    )


def run_benchmark(
    request: dict[str, Any], out_root: Path, runtime: Any, on_progress: Callable[[int, int, int], None] | None = None
) -> BenchmarkOutcome:
    """Start the benchmark state machine, report progress, copy report.json/html to out_root/<date>/.

    Raises InvalidRequest, before anything starts, for a request Prepare Benchmark would refuse."""
    from imagegate.local.runtime import poll_execution
    from imagegate_service.domain.run_ids import new_run_id

    started = time.monotonic()
    name = new_run_id()
    total = len(prepare_locally(request, name)[1])
    _seed_previous_reports(out_root)
    execution_arn = runtime.start_benchmark(_suite_in_bucket(request, name), name=name)
    description = poll_execution(
        execution_arn,
        (lambda _: on_progress(*_progress(runtime, name, total))) if on_progress else None,
        poll_seconds=0.5,
    )
    wall = time.monotonic() - started
    if description["status"] != "SUCCEEDED":
        return BenchmarkOutcome(
            description["status"],
            None,
            None,
            wall,
            f"{description.get('error')}: {(description.get('cause') or '')[:500]}",
            execution_arn,
        )
    summary = json.loads(description["output"])
    report_dir = Path(out_root) / summary["date"]
    report_dir.mkdir(parents=True, exist_ok=True)
    for key, data in runtime.objects(c.benchmark_report_prefix(summary["date"])):
        (report_dir / key.rsplit("/", 1)[-1]).write_bytes(data)
    return BenchmarkOutcome(description["status"], summary, report_dir, wall, execution_arn=execution_arn)


def _seed_previous_reports(out_root: Path) -> None:
    """Earlier local reports go into the runtime's bucket, where the aggregation looks for them."""
    import boto3

    from imagegate.local.runtime import BUCKET

    s3 = boto3.client("s3")
    for report in sorted(Path(out_root).glob(f"*/{REPORT_JSON}")):
        s3.put_object(
            Bucket=BUCKET, Key=c.benchmark_report_prefix(report.parent.name) + REPORT_JSON, Body=report.read_bytes()
        )


def estimate_suite(
    entries: Sequence[dict[str, Any]],
    overrides: dict[str, Any],
    out_root: Path,
    concurrency: int,
    images_per_minute: float | None = None,
) -> dict[str, Any]:
    """The AWS projection of these prepared runs (``imagegate bench --estimate``): rounds and candidates measured
    by the newest report under ``out_root`` that ran the same arms, else the worst case (every run its
    maxRounds); the definition's state transitions; run times a report from AWS measured, else the constant."""
    from imagegate_service import workflows
    from imagegate_service.benchmark import estimate

    runs_per_arm: dict[str, int] = {}
    for entry in entries:
        runs_per_arm[entry["arm"]] = runs_per_arm.get(entry["arm"], 0) + 1
    measured = latest_report(out_root)
    profiles = estimate.profiles_from_report(measured, runs_per_arm, durations_from_aws=False) if measured else []
    missing = {arm: count for arm, count in runs_per_arm.items() if arm not in {p["arm"] for p in profiles}}
    profiles += estimate.worst_case_profiles(missing, overrides)
    projection = estimate.estimate(profiles, workflows.benchmark_transitions_estimate(), concurrency, images_per_minute)
    return {
        **projection,
        "measuredBy": str(measured["date"]) if measured else None,
        "text": estimate.estimate_text(projection),
    }


def latest_report(out_root: Path) -> dict[str, Any] | None:
    """The newest report.json under out_root/<date>/, or None."""
    reports = sorted(Path(out_root).glob(f"*/{REPORT_JSON}"))
    for path in reversed(reports):
        try:
            report: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if report.get("runs"):
            return report
    return None


def _suite_in_bucket(request: dict[str, Any], name: str) -> dict[str, Any]:
    """The request with its inline items put in the runtime's bucket as a suite (JSONL, written line by line)
    and named by ``suiteKey``: the execution's input stays small whatever the suite's size."""
    if request.get("items") is None:
        return request
    import boto3

    from imagegate.local.runtime import BUCKET

    key = f"{c.BENCHMARK_SUITES_PREFIX}{name}.jsonl"
    lines = "".join(
        json.dumps({k: v for k, v in item.items() if v not in (None, {}, False)}, ensure_ascii=False) + "\n"
        for item in request["items"]
    )
    boto3.client("s3").put_object(Bucket=BUCKET, Key=key, Body=lines.encode("utf-8"))
    given = {field: value for field, value in request.items() if field != "items"}
    return {**given, "suite": request.get("suite", "inline"), "suiteKey": key}


def _progress(runtime: Any, benchmark_id: str, total: int) -> tuple[int, int, int]:
    """(finished, passed, total) of the benchmark's Map Run, as the local Distributed Map counts its children."""
    counts = (runtime.distributed_map.progress if runtime.distributed_map else {}).get(benchmark_id) or {}
    return counts.get("succeeded", 0) + counts.get("failed", 0), counts.get("passed", 0), total


def item_count_text(chosen: Sequence[SuiteItem], suite_size: int, limit: int | None, sample_seed: Any) -> str:
    """How many items a benchmark runs and why: '11 items (5 sampled + 6 anchors)'. The anchors are added to
    whatever --limit picks, so judge drift is measured on the same items every time."""
    if limit is None or limit >= suite_size:
        anchors = sum(item.anchor for item in chosen)
        return f"{len(chosen)} items (the whole suite{f', {anchors} of them anchors' if anchors else ''})"
    added = len(chosen) - limit
    picked = f"{limit} sampled" if sample_seed is not None else f"the first {limit}"
    return f"{len(chosen)} items ({picked}{f' + {added} anchors' if added else ''})"


def progress_text(finished: int, passed: int, total: int) -> str:
    """The benchmark's progress in words: a plain line when stdout is not a terminal, the bar's label when it is."""
    return f"{finished}/{total} runs finished, {passed} passed"


_ARM_COLUMNS = (
    Column("arm"),
    Column("items", "right"),
    Column("eval pass", "right"),
    Column("gate pass", "right"),
    Column("gate false-pass", "right"),
    Column("images/item", "right"),
    Column("$/eval pass", "right"),
    Column("rounds", "right"),
    Column("no eval", "right"),
    Column("eval unverif.", "right"),
    Column("verif unverif.", "right"),
    Column("prompt x med", "right"),
    Column("prompt x max", "right"),
)
_CATEGORY_COLUMNS = (
    Column("category"),
    Column("runs", "right"),
    Column("pass", "right"),
    Column("1st-round", "right"),
    Column("rounds", "right"),
    Column("1st", "right"),
    Column("final", "right"),
    Column("lift", "right"),
    Column("$/pass", "right"),
)


def print_arms(
    arms: dict[str, dict[str, Any]], details: dict[str, dict[str, Any]] | None = None, out: Terminal | None = None
) -> None:
    """The control arms side by side, one row per arm (report.json's ``arms``): judge pass is the gate's decision
    (status PASSED: with a verifier, verified passes); the last two columns are the share of the evaluator's and the
    verifier's checks that were unverifiable (neither held nor failed); then how far the arm's rewrites grew the
    prompt (median and largest ratio of the last round's prompt length to the user's)."""
    details = details or {}
    (out or Terminal()).table(
        _ARM_COLUMNS,
        [
            (
                name,
                m["items"],
                percent_text(m["evaluatorPassRate"]),
                percent_text(m["judgePassRate"]),
                percent_text(m["judgeFalsePassRate"]),
                number_text(m["imagesPerItem"]),
                _usd(m["costPerEvaluatorPassUsd"]),
                number_text(m["meanRounds"]),
                (details.get(name) or {}).get("withoutEvaluation", "n/a"),
                percent_text(m.get("evaluatorUnverifiableShare")),
                percent_text(m.get("verifierUnverifiableShare")),
                number_text(m.get("promptGrowthMedian")),
                number_text(m.get("promptGrowthMax")),
            )
            for name, m in arms.items()
        ],
    )


def print_arms_by_category(by_category: dict[str, dict[str, dict[str, Any]]], out: Terminal | None = None) -> None:
    """Evaluator pass rate per category (rows) and arm (columns): where each arm wins or loses."""
    arms = list(by_category)
    categories = sorted({name for per_arm in by_category.values() for name in per_arm})
    (out or Terminal()).table(
        [Column("evaluator pass"), *(Column(arm, "right") for arm in arms)],
        [
            (name, *(percent_text((by_category[arm].get(name) or {}).get("evaluatorPassRate")) for arm in arms))
            for name in categories
        ],
    )


def print_summary(report: dict[str, Any], out: Terminal | None = None) -> None:
    out = out or Terminal()
    rows = [("overall", report["overall"]), *sorted(report["byCategory"].items())]
    out.line()
    out.table(
        _CATEGORY_COLUMNS,
        [
            (
                name,
                m["runs"],
                percent_text(m["passRate"]),
                percent_text(m["firstRoundPassRate"]),
                number_text(m["meanRoundsToPass"]),
                number_text(m["meanFirstRoundScore"]),
                number_text(m["meanFinalScore"]),
                number_text(m["lift"]),
                _usd(m["costPerPassUsd"]),
            )
            for name, m in rows
        ],
    )
    if report.get("arms"):
        out.line()
        out.line(f"(the table above: the {report['settings'].get('primaryArm', 'loop')} arm)")
        print_arms(report["arms"], report.get("armDetails"), out)
        if len(report["arms"]) > 1 and report.get("armsByCategory"):
            out.line()
            print_arms_by_category(report["armsByCategory"], out)
    anchors = report.get("anchors") or {}
    if anchors.get("runs"):
        out.line()
        out.line(
            f"judge-drift anchors: {anchors['runs']} items, mean first-round score "
            f"{number_text(anchors['meanFirstRoundScore'])}"
        )
    regressions = (report.get("comparison") or {}).get("regressions") or []
    for regression in regressions:
        out.line(f"REGRESSION: {regression.get('message', regression)}", style="bold red")


def percent_text(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.0f}%"


def number_text(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def _usd(value: float | None) -> str:
    return "n/a" if value is None else f"${value:.4f}"
