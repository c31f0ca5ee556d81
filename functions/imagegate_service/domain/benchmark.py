"""The nightly benchmark's two steps around its Map of quality loops: Prepare (suite -> one run
request per item) and Aggregate (finished runs -> metrics by category, comparison with the previous
report, report.json and report.html under benchmarks/{date}/)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from imagegate_service import constants as c
from imagegate_service.adapters.storage import DynamoRunRepository, S3ObjectStore
from imagegate_service.benchmark.limits import check_fits
from imagegate_service.benchmark.report import REPORT_HTML, REPORT_JSON, build_report, render_html
from imagegate_service.benchmark.suites import SuiteItem, items_from_request, load_suite_jsonl, select_items
from imagegate_service.domain.clock import iso, parse_iso, utc_now
from imagegate_service.domain.ports import Clock, ObjectStore, RunRepository
from imagegate_service.errors import InvalidRequest
from imagegate_service.settings import MAX_ROUNDS_HARD_CAP, deployment_defaults

SUITES_DIR = Path(__file__).resolve().parents[1] / "suites"
_REQUEST_FIELDS = {"suite", "items", "limit", "sampleSeed", "concurrency", "settings", "arms"}


def parse_arms(value: Any) -> list[str]:
    """The benchmark's arms, from a list or a comma list ("loop,single"); default constants.BENCHMARK_DEFAULT_ARMS."""
    if value is None:
        return list(c.BENCHMARK_DEFAULT_ARMS)
    names = [part.strip() for part in value.split(",")] if isinstance(value, str) else value
    known = ", ".join(c.BENCHMARK_ARMS)
    if not isinstance(names, list) or not names or not all(isinstance(name, str) and name for name in names):
        raise InvalidRequest("arms", f"must be a non-empty list (or comma list) of arm names: {known}")
    unknown = [name for name in names if name not in c.BENCHMARK_ARMS]
    if unknown:
        raise InvalidRequest("arms", f"{unknown[0]!r} is not an arm; the arms are {known}")
    if len(set(names)) != len(names):
        raise InvalidRequest("arms", f"{','.join(names)!r} names an arm twice")
    return names


def arm_request(arm: str, overrides: dict[str, Any], item: SuiteItem) -> dict[str, Any]:
    """An item's run request under an arm: the benchmark's settings, then the item's, then the arm's."""
    return {**overrides, **item.settings, **c.BENCHMARK_ARMS[arm], "prompt": item.prompt}


class BenchmarkPreparer:
    def __init__(self, clock: Clock = utc_now, suites_dir: Path = SUITES_DIR):
        self._clock = clock
        self._suites_dir = suites_dir

    def prepare(self, request: dict[str, Any], execution_name: str, history_estimate: dict[str, int]) -> dict[str, Any]:
        """One Map item per (suite item, arm), item by item; refused if one execution could not hold it."""
        if not isinstance(request, dict):
            raise InvalidRequest("request", f"must be a JSON object, not {type(request).__name__}")
        unknown = sorted(set(request) - _REQUEST_FIELDS)
        if unknown:
            raise InvalidRequest(
                unknown[0], f"is not a benchmark setting; allowed: {', '.join(sorted(_REQUEST_FIELDS))}"
            )
        suite_name, items = self._items(request)
        limit = request.get("limit")
        if limit is not None and (not isinstance(limit, int) or isinstance(limit, bool) or limit < 1):
            raise InvalidRequest("limit", f"{limit!r} must be a whole number of at least 1")
        chosen = select_items(items, limit=limit, sample_seed=request.get("sampleSeed"), keep_anchors=True)
        concurrency = request.get("concurrency", c.BENCHMARK_DEFAULT_CONCURRENCY)
        if not isinstance(concurrency, int) or not 1 <= concurrency <= 40:
            raise InvalidRequest("concurrency", f"{concurrency!r} is outside the allowed range 1-40")
        arms = parse_arms(request.get("arms"))
        overrides = request.get("settings") or {}
        if not isinstance(overrides, dict):
            raise InvalidRequest("settings", "must be a JSON object of run settings")
        now = self._clock()
        runs = [(item, arm) for item in chosen for arm in arms]
        prepared: dict[str, Any] = {
            "benchmarkId": execution_name,
            "suite": suite_name,
            "date": now.date().isoformat(),
            "startedAt": iso(now),
            "concurrency": concurrency,
            "arms": arms,
            "items": [
                {
                    "runId": f"{execution_name}-{index:03d}",
                    "itemId": item.id,
                    "category": item.category,
                    "anchor": item.anchor,
                    "arm": arm,
                    "request": arm_request(arm, overrides, item),
                }
                for index, (item, arm) in enumerate(runs, start=1)
            ],
        }
        default_rounds = deployment_defaults()["maxRounds"]
        rounds = [_max_rounds(entry["request"], default_rounds) for entry in prepared["items"]]
        candidates = [_candidates(entry["request"]) for entry in prepared["items"]]
        check_fits(prepared, history_estimate, rounds, candidates)
        return prepared

    def _items(self, request: dict[str, Any]) -> tuple[str, list[SuiteItem]]:
        if request.get("items") is not None:
            return request.get("suite", "inline"), items_from_request(request["items"])
        name = request.get("suite", c.BENCHMARK_DEFAULT_SUITE)
        path = self._suites_dir / f"{name}.jsonl"
        if "/" in name or not path.is_file():
            known = sorted(p.stem for p in self._suites_dir.glob("*.jsonl"))
            raise InvalidRequest("suite", f"{name!r} is not a bundled suite; bundled: {', '.join(known)}")
        return name, load_suite_jsonl(path)


class BenchmarkAggregator:
    def __init__(self, runs: RunRepository | None = None, objects: ObjectStore | None = None):
        self._runs = runs or DynamoRunRepository()
        self._objects = objects or S3ObjectStore()

    def aggregate(self, event: dict[str, Any]) -> dict[str, Any]:
        items = {item["runId"]: item for item in event["items"]}
        results = [self._run_result(result, items[result["runId"]]) for result in event["results"]]
        report = build_report(
            results,
            event["suite"],
            event["startedAt"],
            previous_report=self._previous_report(event["date"]),
            settings={"benchmarkId": event["benchmarkId"]},
            # the arms in the order asked for: Prepare lists each item under every arm in turn
            arms=list(dict.fromkeys(item.get("arm", c.BENCHMARK_DEFAULT_ARMS[0]) for item in event["items"])),
        )
        prefix = c.benchmark_report_prefix(event["date"])
        self._objects.put_json(prefix + REPORT_JSON, report)
        self._objects.put_text(prefix + REPORT_HTML, render_html(report), "text/html; charset=utf-8")
        comparison = report.get("comparison") or {}
        return {
            "benchmarkId": event["benchmarkId"],
            "date": event["date"],
            "reportKey": prefix + REPORT_JSON,
            "htmlKey": prefix + REPORT_HTML,
            "overall": report["overall"],
            "anchorsMeanFirstRoundScore": report["anchors"].get("meanFirstRoundScore"),
            "arms": report["arms"],
            "primaryArm": report["settings"]["primaryArm"],
            "regressions": len(comparison.get("regressions", [])),
        }

    def _run_result(self, result: dict[str, Any], item: dict[str, Any]) -> dict[str, Any]:
        """A run as the metrics read it: its outcome, its rounds, the evaluator's verdict on its final
        image (the loop's terminal output carries it; else the run item), how long it took."""
        run = self._runs.get_run(result["runId"]) or {}
        rounds = sorted(self._runs.list_rounds(result["runId"]), key=lambda r: r["round"])
        settings = run.get("settings", {})
        evaluation = result.get("evaluation") or run.get("evaluation")
        return {
            "runId": result["runId"],
            "itemId": item["itemId"],
            "category": item["category"],
            "anchor": item["anchor"],
            "arm": item.get("arm", c.BENCHMARK_DEFAULT_ARMS[0]),
            "evaluation": {"passed": evaluation.get("passed"), "source": evaluation.get("source")}
            if isinstance(evaluation, dict)
            else None,
            "candidatesPerRound": settings.get("candidatesPerRound"),
            "strategy": settings.get("strategy"),
            # the run item's outcome, unless none was recorded (then the iteration's own report)
            "status": run["status"]
            if run.get("status") in c.TERMINAL_STATUSES
            else result.get("status", c.STATUS_FAILED),
            "threshold": settings.get("threshold"),
            "maxRounds": settings.get("maxRounds"),
            "generator": settings.get("generator"),
            "judge": settings.get("judge"),
            "rewriter": settings.get("rewriter"),
            "finalScore": run.get("finalScore"),
            "bestRound": run.get("bestRound"),
            "costUsd": run.get("costUsd", 0.0),
            "durationSeconds": _seconds_between(run.get("startedAt"), run.get("finishedAt")),
            "rounds": [
                {
                    "round": r["round"],
                    "prompt": r["prompt"],
                    "score": r["score"],
                    "passed": r["passed"],
                    "costUsd": r["costUsd"],
                }
                for r in rounds
            ],
        }

    def _previous_report(self, report_date: str) -> dict[str, Any] | None:
        earlier = [
            key
            for key in self._objects.list_keys(c.BENCHMARKS_PREFIX)
            if key.endswith("/" + REPORT_JSON) and key.removeprefix(c.BENCHMARKS_PREFIX)[:10] < report_date
        ]
        return self._objects.get_json(max(earlier)) if earlier else None


def _max_rounds(request: dict[str, Any], default: int) -> int:
    """The rounds a run may take (an invalid value is the run's own failure later: counted at the hard cap)."""
    value = request.get("maxRounds", default)
    return value if isinstance(value, int) and 1 <= value <= MAX_ROUNDS_HARD_CAP else MAX_ROUNDS_HARD_CAP


def _candidates(request: dict[str, Any]) -> int:
    """The candidates a run judges per round (an invalid value is the run's own failure later: counted at the most)."""
    from imagegate_service.benchmark.limits import MAX_CANDIDATES_PER_ROUND

    value = request.get("candidatesPerRound", 1)
    return value if isinstance(value, int) and 1 <= value <= MAX_CANDIDATES_PER_ROUND else MAX_CANDIDATES_PER_ROUND


def _seconds_between(started: str | None, finished: str | None) -> float | None:
    if not started or not finished:
        return None
    return round((parse_iso(finished) - parse_iso(started)).total_seconds(), 3)
