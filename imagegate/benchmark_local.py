"""Run the nightly benchmark on the embedded local runtime: the same benchmark state machine (a Map
of quality loops, then the aggregation Lambda), with the report copied to ./benchmarks/<date>/."""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Sequence

from imagegate_service import constants as c
from imagegate_service.benchmark.report import REPORT_JSON
from imagegate_service.benchmark.suites import SuiteItem

# Where `imagegate bench` writes <date>/report.json (its --out) and `imagegate serve` lists reports from.
DEFAULT_BENCH_OUT = Path("benchmarks")
DEFAULT_SUITE_FILE = Path(__file__).resolve().parents[1] / "functions" / "imagegate_service" / "suites" / "default.jsonl"


@dataclass
class BenchmarkOutcome:
    status: str
    summary: dict[str, Any] | None
    report_dir: Path | None
    wall_seconds: float
    error: str | None = None
    execution_arn: str | None = None


def suite_request(items: Sequence[SuiteItem], suite_name: str, concurrency: int,
                  settings: dict[str, Any] | None = None, arms: Sequence[str] | None = None) -> dict[str, Any]:
    """The benchmark execution's input with the items inline (the loaders run here, not in Lambda)."""
    return {
        "suite": suite_name,
        "concurrency": concurrency,
        "settings": settings or {},
        "arms": list(arms or c.BENCHMARK_DEFAULT_ARMS),
        "items": [{"id": i.id, "prompt": i.prompt, "category": i.category, "settings": i.settings,
                   "anchor": i.anchor} for i in items],
    }


def prepare_locally(request: dict[str, Any], name: str | None = None) -> dict[str, Any]:
    """What Prepare Benchmark will make of the request, worked out here first: a benchmark that one
    execution could not hold (or any other bad input) is refused before anything starts
    (InvalidRequest, naming the field and the numbers). ``name``: the execution's (its run ids are
    part of the state measured); by default a fresh one, as long as any."""
    from imagegate_service import workflows
    from imagegate_service.domain.benchmark import BenchmarkPreparer
    from imagegate_service.domain.run_ids import new_run_id

    return BenchmarkPreparer().prepare(request, name or new_run_id(), workflows.benchmark_history_estimate())


def run_benchmark(request: dict[str, Any], out_root: Path, runtime: Any,
                  on_progress: Callable[[int, int, int], None] | None = None) -> BenchmarkOutcome:
    """Start the benchmark state machine, report progress, copy report.json/html to out_root/<date>/.

    Raises InvalidRequest, before anything starts, for a request Prepare Benchmark would refuse."""
    import boto3

    from imagegate_service.domain.run_ids import new_run_id

    started = time.monotonic()
    name = new_run_id()
    run_ids = [entry["runId"] for entry in prepare_locally(request, name)["items"]]
    _seed_previous_reports(out_root)
    execution_arn = runtime.start_benchmark(request, name=name)
    sfn = boto3.client("stepfunctions")
    while True:
        description = sfn.describe_execution(executionArn=execution_arn)
        if on_progress:
            on_progress(*_progress(runtime, run_ids))
        if description["status"] != "RUNNING":
            break
        time.sleep(0.5)  # each poll reads every run item: keep it from competing with the loops for the GIL
    wall = time.monotonic() - started
    if description["status"] != "SUCCEEDED":
        return BenchmarkOutcome(description["status"], None, None, wall,
                                f"{description.get('error')}: {(description.get('cause') or '')[:500]}", execution_arn)
    import json

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
        s3.put_object(Bucket=BUCKET, Key=c.benchmark_report_prefix(report.parent.name) + REPORT_JSON,
                      Body=report.read_bytes())


def _progress(runtime: Any, run_ids: list[str]) -> tuple[int, int, int]:
    finished = passed = 0
    for run_id in run_ids:
        run = runtime.runs().get_run(run_id)
        if run and run["status"] in c.TERMINAL_STATUSES:
            finished += 1
            passed += run["status"] == c.STATUS_PASSED
    return finished, passed, len(run_ids)


def item_count_text(chosen: Sequence[SuiteItem], suite_size: int, limit: int | None, sample_seed: Any) -> str:
    """How many items a benchmark runs and why: '11 items (5 sampled + 6 anchors)'. The anchors are added to
    whatever --limit picks, so judge drift is measured on the same items every time."""
    if limit is None or limit >= suite_size:
        anchors = sum(item.anchor for item in chosen)
        return f"{len(chosen)} items (the whole suite{f', {anchors} of them anchors' if anchors else ''})"
    added = len(chosen) - limit
    picked = f"{limit} sampled" if sample_seed is not None else f"the first {limit}"
    return f"{len(chosen)} items ({picked}{f' + {added} anchors' if added else ''})"


_last_progress: list[tuple[int, int, int]] = []


def progress_bar(finished: int, passed: int, total: int, width: int = 30) -> None:
    """A bar redrawn in place on a terminal; elsewhere (a log, a pipe) one line per change, never a '\\r'."""
    if not sys.stdout.isatty():
        if _last_progress[-1:] != [(finished, passed, total)]:
            _last_progress[:] = [(finished, passed, total)]
            print(f"{finished}/{total} runs finished, {passed} passed", flush=True)
        return
    filled = int(width * finished / total) if total else width
    sys.stdout.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {finished}/{total} runs, {passed} passed")
    sys.stdout.flush()


def print_arms(arms: dict[str, dict[str, Any]], details: dict[str, dict[str, Any]] | None = None) -> None:
    """The control arms side by side, one line per arm (report.json's ``arms``)."""
    details = details or {}
    print(f"{'arm':<10} {'items':>5} {'eval pass':>9} {'judge pass':>10} {'judge false-pass':>16} {'images/item':>11} "
          f"{'$/eval pass':>11} {'rounds':>6} {'no eval':>7}")
    for name, m in arms.items():
        print(f"{name:<10} {m['items']:>5} {_pct(m['evaluatorPassRate']):>9} {_pct(m['judgePassRate']):>10} "
              f"{_pct(m['judgeFalsePassRate']):>16} {_num(m['imagesPerItem']):>11} "
              f"{_usd(m['costPerEvaluatorPassUsd']):>11} {_num(m['meanRounds']):>6} "
              f"{(details.get(name) or {}).get('withoutEvaluation', 'n/a'):>7}")


def print_arms_by_category(by_category: dict[str, dict[str, dict[str, Any]]]) -> None:
    """Evaluator pass rate per category (rows) and arm (columns): where each arm wins or loses."""
    arms = list(by_category)
    categories = sorted({name for per_arm in by_category.values() for name in per_arm})
    print(f"{'evaluator pass':<14} " + " ".join(f"{arm:>9}" for arm in arms))
    for name in categories:
        cells = [_pct((by_category[arm].get(name) or {}).get("evaluatorPassRate")) for arm in arms]
        print(f"{name:<14} " + " ".join(f"{cell:>9}" for cell in cells))


def print_summary(report: dict[str, Any]) -> None:
    rows = [("overall", report["overall"]), *sorted(report["byCategory"].items())]
    print(f"\n{'category':<14} {'runs':>4} {'pass':>6} {'1st-round':>9} {'rounds':>6} {'1st':>5} {'final':>5} "
          f"{'lift':>5} {'$/pass':>8}")
    for name, m in rows:
        print(f"{name:<14} {m['runs']:>4} {_pct(m['passRate']):>6} {_pct(m['firstRoundPassRate']):>9} "
              f"{_num(m['meanRoundsToPass']):>6} {_num(m['meanFirstRoundScore']):>5} {_num(m['meanFinalScore']):>5} "
              f"{_num(m['lift']):>5} {_usd(m['costPerPassUsd']):>8}")
    if report.get("arms"):
        print(f"\n(the table above: the {report['settings'].get('primaryArm', 'loop')} arm)")
        print_arms(report["arms"], report.get("armDetails"))
        if len(report["arms"]) > 1 and report.get("armsByCategory"):
            print()
            print_arms_by_category(report["armsByCategory"])
    anchors = report.get("anchors") or {}
    if anchors.get("runs"):
        print(f"\njudge-drift anchors: {anchors['runs']} items, mean first-round score {_num(anchors['meanFirstRoundScore'])}")
    regressions = (report.get("comparison") or {}).get("regressions") or []
    for regression in regressions:
        print(f"REGRESSION: {regression.get('message', regression)}")


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.0f}%"


def _num(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def _usd(value: float | None) -> str:
    return "n/a" if value is None else f"${value:.4f}"
