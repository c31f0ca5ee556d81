"""The nightly benchmark's two steps around its Map of quality loops: Prepare (suite -> one run
request per item) and Aggregate (finished runs -> metrics by category, comparison with the previous
report, report.json and report.html under benchmarks/{date}/)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from imagegate_service import constants as c
from imagegate_service.adapters.storage import DynamoRunRepository, S3ObjectStore
from imagegate_service.benchmark.report import REPORT_HTML, REPORT_JSON, build_report, render_html
from imagegate_service.benchmark.suites import SuiteItem, load_suite_jsonl, select_items
from imagegate_service.domain.clock import iso, utc_now
from imagegate_service.errors import InvalidRequest

SUITES_DIR = Path(__file__).resolve().parents[1] / "suites"
_REQUEST_FIELDS = {"suite", "items", "limit", "sampleSeed", "concurrency", "settings"}


class BenchmarkPreparer:
    def __init__(self, clock: Callable = utc_now, suites_dir: Path = SUITES_DIR):
        self._clock = clock
        self._suites_dir = suites_dir

    def prepare(self, request: dict[str, Any], execution_name: str) -> dict[str, Any]:
        unknown = sorted(set(request) - _REQUEST_FIELDS)
        if unknown:
            raise InvalidRequest(unknown[0], f"is not a benchmark setting; allowed: {', '.join(sorted(_REQUEST_FIELDS))}")
        suite_name, items = self._items(request)
        limit = request.get("limit")
        if limit is not None and (not isinstance(limit, int) or limit < 1):
            raise InvalidRequest("limit", f"{limit!r} must be a whole number of at least 1")
        chosen = select_items(items, limit=limit, sample_seed=request.get("sampleSeed"), keep_anchors=True)
        if len(chosen) > c.BENCHMARK_MAX_ITEMS:
            raise InvalidRequest("limit", f"{len(chosen)} items; one benchmark takes at most {c.BENCHMARK_MAX_ITEMS}")
        concurrency = request.get("concurrency", c.BENCHMARK_DEFAULT_CONCURRENCY)
        if not isinstance(concurrency, int) or not 1 <= concurrency <= 40:
            raise InvalidRequest("concurrency", f"{concurrency!r} is outside the allowed range 1-40")
        overrides = request.get("settings") or {}
        now = self._clock()
        return {
            "benchmarkId": execution_name,
            "suite": suite_name,
            "date": now.date().isoformat(),
            "startedAt": iso(now),
            "concurrency": concurrency,
            "items": [
                {"runId": f"{execution_name}-{index:03d}", "itemId": item.id, "category": item.category,
                 "anchor": item.anchor, "request": {**overrides, **item.settings, "prompt": item.prompt}}
                for index, item in enumerate(chosen, start=1)
            ],
        }

    def _items(self, request: dict[str, Any]) -> tuple[str, list[SuiteItem]]:
        if request.get("items") is not None:
            return request.get("suite", "inline"), [SuiteItem(**item) for item in request["items"]]
        name = request.get("suite", c.BENCHMARK_DEFAULT_SUITE)
        path = self._suites_dir / f"{name}.jsonl"
        if "/" in name or not path.is_file():
            known = sorted(p.stem for p in self._suites_dir.glob("*.jsonl"))
            raise InvalidRequest("suite", f"{name!r} is not a bundled suite; bundled: {', '.join(known)}")
        return name, load_suite_jsonl(path)


class BenchmarkAggregator:
    def __init__(self, runs: DynamoRunRepository | None = None, objects: S3ObjectStore | None = None):
        self._runs = runs or DynamoRunRepository()
        self._objects = objects or S3ObjectStore()

    def aggregate(self, event: dict[str, Any]) -> dict[str, Any]:
        items = {item["runId"]: item for item in event["items"]}
        results = [self._run_result(result, items[result["runId"]]) for result in event["results"]]
        report = build_report(results, event["suite"], event["startedAt"],
                              previous_report=self._previous_report(event["date"]),
                              settings={"benchmarkId": event["benchmarkId"]})
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
            "regressions": len(comparison.get("regressions", [])),
        }

    def _run_result(self, result: dict[str, Any], item: dict[str, Any]) -> dict[str, Any]:
        """A run as the metrics read it: its outcome, its rounds and how long it took."""
        run = self._runs.get_run(result["runId"]) or {}
        rounds = sorted(self._runs.list_rounds(result["runId"]), key=lambda r: r["round"])
        settings = run.get("settings", {})
        return {
            "runId": result["runId"],
            "itemId": item["itemId"],
            "category": item["category"],
            "anchor": item["anchor"],
            # the run item's outcome, unless none was recorded (then the iteration's own report)
            "status": run["status"] if run.get("status") in c.TERMINAL_STATUSES
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
            "rounds": [{"round": r["round"], "prompt": r["prompt"], "score": r["score"], "passed": r["passed"],
                        "costUsd": r["costUsd"]} for r in rounds],
        }

    def _previous_report(self, report_date: str) -> dict[str, Any] | None:
        earlier = [key for key in self._objects.list_keys(c.BENCHMARKS_PREFIX)
                   if key.endswith("/" + REPORT_JSON) and key.removeprefix(c.BENCHMARKS_PREFIX)[:10] < report_date]
        return self._objects.get_json(max(earlier)) if earlier else None


def _seconds_between(started: str | None, finished: str | None) -> float | None:
    if not started or not finished:
        return None
    from datetime import datetime

    parse = lambda text: datetime.fromisoformat(text.replace("Z", "+00:00"))  # noqa: E731
    return round((parse(finished) - parse(started)).total_seconds(), 3)


