"""The nightly benchmark's two steps around its Distributed Map of quality loops: Prepare (suite -> one run
request per (item, arm), written as JSONL to S3 for the Map's ItemReader) and Aggregate (the Map Run's results
read back from S3 where its ResultWriter wrote them -> metrics by category and arm, comparison with the
previous report, report.json and report.html under benchmarks/{date}/)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Required, TypedDict, cast

from imagegate_service import constants as c
from imagegate_service.benchmark.estimate import estimate_from_report
from imagegate_service.benchmark.limits import MAX_CANDIDATES_PER_ROUND, check_run_fits
from imagegate_service.benchmark.report import REPORT_HTML, REPORT_JSON, build_report, render_html
from imagegate_service.benchmark.suites import (
    SuiteItem,
    items_from_request,
    load_suite_jsonl,
    parse_suite_jsonl,
    select_items,
)
from imagegate_service.domain.clock import iso, parse_iso, utc_now
from imagegate_service.domain.ports import Clock, ObjectStore, RunRepository
from imagegate_service.domain.readings import evaluation_summary, verification_summary
from imagegate_service.domain.state import (
    BenchmarkEntry,
    BenchmarkPlan,
    EvaluationCounts,
    ExecutionEndDetail,
    FailedChild,
)
from imagegate_service.errors import InvalidRequest
from imagegate_service.settings import MAX_ROUNDS_HARD_CAP, deployment_defaults

SUITES_DIR = Path(__file__).resolve().parents[1] / "suites"
_REQUEST_FIELDS = {
    "suite",
    "suiteKey",
    "items",
    "limit",
    "sampleSeed",
    "concurrency",
    "toleratedFailurePercent",
    "settings",
    "arms",
}
_JSONL_CONTENT_TYPE = "application/x-ndjson"
_MANIFEST = "manifest.json"  # a ResultWriter's index of a Map Run's result files
_REPORT_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}/")


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
    request = {**overrides, **item.settings, **c.BENCHMARK_ARMS[arm], "prompt": item.prompt}
    if request.get("review", c.REVIEW_NONE) != c.REVIEW_NONE:  # nobody answers a benchmark's reviews
        raise InvalidRequest(
            "settings.review", f"a benchmark runs unattended: its runs cannot wait for a review (use {c.REVIEW_NONE})"
        )
    return request


class BenchmarkPreparer:
    def __init__(self, clock: Clock = utc_now, suites_dir: Path = SUITES_DIR, objects: ObjectStore | None = None):
        self._clock = clock
        self._suites_dir = suites_dir
        self._objects = objects

    @property
    def objects(self) -> ObjectStore:
        """Where prepare writes the Map's items (wiring.benchmark_preparer passes S3); a preparer made without one
        only plans (the CLI's local benchmark)."""
        if self._objects is None:
            raise TypeError("BenchmarkPreparer: prepare writes the items and needs an object store (objects=...)")
        return self._objects

    def prepare(
        self,
        request: dict[str, Any],
        execution_name: str,
        history_estimate: dict[str, int],
        defaults: dict[str, int] | None = None,
    ) -> BenchmarkPlan:
        """One Map item per (suite item, arm), item by item, written to S3 as JSONL; returns the small summary the
        workflow carries (no item). Refused, before anything is written, if a run could not fit its execution."""
        prepared, entries = self.plan(request, execution_name, history_estimate, defaults)
        self.objects.put_text(
            prepared["itemsKey"],
            "".join(json.dumps(entry, separators=(",", ":"), ensure_ascii=False) + "\n" for entry in entries),
            _JSONL_CONTENT_TYPE,
        )
        return prepared

    def plan(
        self,
        request: dict[str, Any],
        execution_name: str,
        history_estimate: dict[str, int],
        defaults: dict[str, int] | None = None,
    ) -> tuple[BenchmarkPlan, list[BenchmarkEntry]]:
        """What prepare writes and returns, worked out without writing: (summary, the Map's items)."""
        if not isinstance(request, dict):
            raise InvalidRequest("request", f"must be a JSON object, not {type(request).__name__}")
        unknown = sorted(set(request) - _REQUEST_FIELDS)
        if unknown:
            raise InvalidRequest(
                unknown[0], f"is not a benchmark setting; allowed: {', '.join(sorted(_REQUEST_FIELDS))}"
            )
        defaults = defaults or {}
        suite_name, items = self._items(request)
        limit = request.get("limit")
        if limit is not None and (not isinstance(limit, int) or isinstance(limit, bool) or limit < 1):
            raise InvalidRequest("limit", f"{limit!r} must be a whole number of at least 1")
        chosen = select_items(items, limit=limit, sample_seed=request.get("sampleSeed"), keep_anchors=True)
        concurrency = _whole_number(
            request,
            "concurrency",
            defaults.get("concurrency", c.BENCHMARK_DEFAULT_CONCURRENCY),
            1,
            # what the deployment's image-model quota bears (imageModelRequestsPerMinute), else Step Functions' own
            int(defaults.get("maxConcurrency", c.BENCHMARK_MAX_CONCURRENCY)),
        )
        tolerated = _whole_number(
            request,
            "toleratedFailurePercent",
            defaults.get("toleratedFailurePercent", c.BENCHMARK_DEFAULT_TOLERATED_FAILURE_PERCENT),
            0,
            100,
        )
        arms = parse_arms(request.get("arms"))
        overrides = request.get("settings") or {}
        if not isinstance(overrides, dict):
            raise InvalidRequest("settings", "must be a JSON object of run settings")
        now = self._clock()
        width = max(3, len(str(len(chosen) * len(arms))))
        entries: list[BenchmarkEntry] = [
            {
                "runId": f"{execution_name}-{index:0{width}d}",
                "itemId": item.id,
                "category": item.category,
                "anchor": item.anchor,
                "arm": arm,
                "request": arm_request(arm, overrides, item),
            }
            for index, (item, arm) in enumerate(((item, arm) for item in chosen for arm in arms), start=1)
        ]
        default_rounds = deployment_defaults()["maxRounds"]
        for entry in entries:
            check_run_fits(
                entry, history_estimate, _max_rounds(entry["request"], default_rounds), _candidates(entry["request"])
            )
        prefix = c.benchmark_execution_prefix(execution_name)
        prepared: BenchmarkPlan = {
            "benchmarkId": execution_name,
            "suite": suite_name,
            "date": now.date().isoformat(),
            "startedAt": iso(now),
            "concurrency": concurrency,
            "toleratedFailurePercent": tolerated,
            "arms": arms,
            "runs": len(entries),
            "itemsKey": prefix + c.BENCHMARK_ITEMS_FILE,
            "resultsPrefix": prefix + c.BENCHMARK_RESULTS_FOLDER,
        }
        return prepared, entries

    def _items(self, request: dict[str, Any]) -> tuple[str, list[SuiteItem]]:
        given = [name for name in ("items", "suiteKey") if request.get(name) is not None]
        if len(given) > 1:
            raise InvalidRequest("suiteKey", "give the suite's items or its suiteKey, not both")
        if request.get("items") is not None:
            return request.get("suite", "inline"), items_from_request(request["items"])
        if request.get("suiteKey") is not None:
            return self._suite_from_s3(request["suiteKey"], request.get("suite"))
        name = request.get("suite", c.BENCHMARK_DEFAULT_SUITE)
        path = self._suites_dir / f"{name}.jsonl"
        if not isinstance(name, str) or "/" in name or not path.is_file():
            known = sorted(p.stem for p in self._suites_dir.glob("*.jsonl"))
            raise InvalidRequest("suite", f"{name!r} is not a bundled suite; bundled: {', '.join(known)}")
        return name, load_suite_jsonl(path)

    def _suite_from_s3(self, key: Any, name: Any) -> tuple[str, list[SuiteItem]]:
        """A suite of any size in the project's JSONL format, kept in the bucket under benchmarks/suites/."""
        if not isinstance(key, str) or not key.startswith(c.BENCHMARK_SUITES_PREFIX) or ".." in key:
            raise InvalidRequest("suiteKey", f"{key!r} must be an S3 key under {c.BENCHMARK_SUITES_PREFIX}")
        data = self.objects.find_bytes(key)
        if data is None:  # the caller named a key that is not there (or not ours to read)
            raise InvalidRequest("suiteKey", f"no suite at s3 key {key!r} (not there, or not readable)")
        try:
            items = parse_suite_jsonl(data.decode("utf-8").splitlines(), key)
        except ValueError as error:
            raise InvalidRequest("suiteKey", str(error)) from None
        suite = name if isinstance(name, str) and name else Path(key).stem
        return suite, items


def _whole_number(request: dict[str, Any], field: str, default: int, low: int, high: int) -> int:
    value = request.get(field, default)
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise InvalidRequest(field, f"{value!r} is outside the allowed range {low}-{high:,}")
    return value


class BenchmarkAggregator:
    def __init__(
        self,
        runs: RunRepository,
        objects: ObjectStore,
        ender: Callable[[ExecutionEndDetail], object],
    ):
        self._runs = runs
        self._objects = objects
        # A child that failed outright (timed out, aborted, an error no Catch took) left its run item open, and
        # Mark Run Ended's rule matches the loop's and the benchmark's executions, not a Map Run's children:
        # its end is recorded here, as Mark Run Ended records one (domain/mark_run_ended.py, a conditional update).
        self._ender = ender

    def _end_failed_children(self, children: dict[str, FailedChild]) -> None:
        for run_id, child in children.items():
            self._ender(
                {
                    "status": child["status"],
                    "error": child["error"],
                    "cause": child["cause"],
                    "stopDate": child["stopDate"],
                    "name": run_id,
                }
            )

    def aggregate(self, event: dict[str, Any]) -> dict[str, Any]:
        """Every prepared (item, arm) with the outcome its child execution left in the Map Run's results.

        ``mapRun`` is the Map state's result: its output ({MapRunArn, ResultWriterDetails}), or, when the Map Run
        failed on its tolerated failures, the error the workflow caught ({Error, Cause}); the ResultWriter wrote
        the results all the same, under ``resultsPrefix`` (``<prefix><map run id>/manifest.json``). The summary
        then says ``mapRunFailed`` and carries ``mapRunError``: the workflow fails with it once the report is
        written."""
        entries = self.read_items(event["itemsKey"])
        map_run_output = event["mapRun"]
        details = map_run_output.get("ResultWriterDetails")
        manifests = [details["Key"]] if details else self.manifests_under(event["resultsPrefix"])
        outcomes, counts, failed_children = self.read_map_results(manifests)
        self._end_failed_children(failed_children)
        results = [
            self._run_result(outcomes.get(entry["runId"]) or _not_run(entry["runId"]), entry) for entry in entries
        ]
        map_run = {**counts, "runs": len(entries), "notRun": sum(entry["runId"] not in outcomes for entry in entries)}
        report = build_report(
            results,
            event["suite"],
            event["startedAt"],
            previous_report=self._previous_report(event["date"]),
            settings={"benchmarkId": event["benchmarkId"]},
            # the arms in the order asked for: Prepare lists each item under every arm in turn
            arms=list(dict.fromkeys(entry.get("arm", c.BENCHMARK_DEFAULT_ARMS[0]) for entry in entries)),
        )
        failed = sum(run["status"] == c.STATUS_FAILED for run in results)
        report["mapRun"] = {**map_run, "failedItemPercent": round(100 * failed / len(results), 2) if results else 0.0}
        report["estimate"] = estimate_from_report(report, event["transitionsEstimate"], event.get("concurrency"))
        prefix = c.benchmark_report_prefix(event["date"])
        self._objects.put_json(prefix + REPORT_JSON, report)
        self._objects.put_text(prefix + REPORT_HTML, render_html(report), "text/html; charset=utf-8")
        comparison = report.get("comparison") or {}
        map_run_error = (
            {"mapRunError": {"Error": map_run_output["Error"], "Cause": map_run_output.get("Cause") or ""}}
            if "Error" in map_run_output
            else {}
        )
        return {
            "mapRunFailed": bool(map_run_error),
            **map_run_error,
            "benchmarkId": event["benchmarkId"],
            "date": event["date"],
            "reportKey": prefix + REPORT_JSON,
            "htmlKey": prefix + REPORT_HTML,
            "overall": report["overall"],
            "anchorsMeanFirstRoundScore": report["anchors"].get("meanFirstRoundScore"),
            "arms": report["arms"],
            "primaryArm": report["settings"]["primaryArm"],
            "regressions": len(comparison.get("regressions", [])),
            "failedItemPercent": report["mapRun"]["failedItemPercent"],
        }

    def read_items(self, key: str) -> list[BenchmarkEntry]:
        """The Map's items as Prepare wrote them (one JSON object a line)."""
        return [json.loads(line) for line in self._objects.get_bytes(key).decode("utf-8").splitlines() if line]

    def manifests_under(self, prefix: str) -> list[str]:
        """The Map Run manifests a ResultWriter left under ``prefix`` (one per Map Run, in its own folder)."""
        return sorted(key for key in self._objects.list_keys(prefix) if key.endswith("/" + _MANIFEST))

    def read_map_results(
        self, manifest_keys: list[str]
    ) -> tuple[dict[str, ChildOutcome], dict[str, int], dict[str, FailedChild]]:
        """The run outcomes a Map Run's ResultWriter left in S3, by run id, how many children ended each way, and
        the children that did not succeed (by run id: their status, error, cause and stop date, as an execution's
        end event details them).

        A manifest (``ResultWriterDetails.Key``) lists the result files by the children's status; each file is
        a JSON array of child executions (Transformation NONE: ``Input`` and ``Output`` as JSON strings, a failed
        child's ``Error`` and ``Cause``): https://docs.aws.amazon.com/step-functions/latest/dg/input-output-resultwriter.html
        """
        outcomes: dict[str, ChildOutcome] = {}
        counts: dict[str, int] = {}
        failed: dict[str, FailedChild] = {}
        for key in manifest_keys:
            for status, files in (self._objects.get_json(key).get("ResultFiles") or {}).items():
                counts.setdefault(status.lower(), 0)
                for entry in files:
                    for child in _result_entries(self._objects.get_bytes(entry["Key"])):
                        run_id = _run_id_of(child)
                        if run_id is None:
                            continue
                        counts[status.lower()] += 1
                        if status == "PENDING":  # an item the failed Map Run never started: reported as not run
                            continue
                        outcomes[run_id] = _child_outcome(run_id, child)
                        if child.get("Status") in c.EXECUTION_END_STATUSES:
                            failed[run_id] = {
                                "status": child["Status"],
                                "error": child.get("Error"),
                                "cause": child.get("Cause"),
                                "stopDate": child.get("StopDate"),
                            }
        return outcomes, counts, failed

    def _run_result(self, result: ChildOutcome, item: BenchmarkEntry) -> dict[str, Any]:
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
            # the evaluator's verdict in counts (held, verifiable, unverifiable): the arms table counts unverifiable apart
            "evaluation": evaluation_summary(evaluation) if isinstance(evaluation, dict) else None,
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
                    "verification": verification_summary(r.get("verification")),  # None without a verifier
                }
                for r in rounds
            ],
        }

    def _previous_report(self, report_date: str) -> dict[str, Any] | None:
        earlier = [
            key
            for key in self._objects.list_keys(c.BENCHMARKS_PREFIX)
            if key.endswith("/" + REPORT_JSON)
            and _REPORT_DATE.match(key.removeprefix(c.BENCHMARKS_PREFIX))
            and key.removeprefix(c.BENCHMARKS_PREFIX)[:10] < report_date
        ]
        return self._objects.get_json(max(earlier)) if earlier else None


class ChildExecution(TypedDict, total=False):
    """A child execution as a Map Run's ResultWriter lists it in a result file (Transformation NONE): its ``Input``
    and ``Output`` are JSON strings, one that did not succeed has ``Error`` and ``Cause`` (input-output-resultwriter
    in the Step Functions guide). Read from S3, so every key may be missing."""

    ExecutionArn: str
    Name: str
    Status: str
    Input: str
    Output: str
    Error: str
    Cause: str
    StartDate: str
    StopDate: str


class ChildOutcome(TypedDict, total=False):
    """What a child execution left for the report: the loop's terminal output (state.RunResult's keys) when it
    succeeded, else a FAILED outcome with its error (``_child_outcome``, ``_not_run``); the keys the report reads."""

    runId: Required[str]
    status: str
    error: str | None
    cause: str | None
    evaluation: EvaluationCounts | None


def _max_rounds(request: dict[str, Any], default: int) -> int:
    """The rounds a run may take (an invalid value is the run's own failure later: counted at the hard cap)."""
    value = request.get("maxRounds", default)
    return value if isinstance(value, int) and 1 <= value <= MAX_ROUNDS_HARD_CAP else MAX_ROUNDS_HARD_CAP


def _candidates(request: dict[str, Any]) -> int:
    """The candidates a run judges per round (an invalid value is the run's own failure later: counted at the most)."""
    value = request.get("candidatesPerRound", 1)
    return value if isinstance(value, int) and 1 <= value <= MAX_CANDIDATES_PER_ROUND else MAX_CANDIDATES_PER_ROUND


def _seconds_between(started: str | None, finished: str | None) -> float | None:
    if not started or not finished:
        return None
    return round((parse_iso(finished) - parse_iso(started)).total_seconds(), 3)


def _result_entries(data: bytes) -> Iterator[ChildExecution]:
    """A result file's child executions: a JSON array (OutputType JSON, the default) or JSON lines."""
    text = data.decode("utf-8").strip()
    if text.startswith("["):
        yield from json.loads(text)
    else:
        yield from (json.loads(line) for line in text.splitlines() if line.strip())


def _run_id_of(child: ChildExecution) -> str | None:
    try:
        run_id = json.loads(child.get("Input") or "{}").get("runId")
    except (TypeError, ValueError):
        return None
    return run_id if isinstance(run_id, str) else None


def _child_outcome(run_id: str, child: ChildExecution) -> ChildOutcome:
    """The loop's terminal output of a child that succeeded; a failed, aborted or timed-out child as a FAILED run."""
    if child.get("Status") == "SUCCEEDED":
        try:
            output = json.loads(child.get("Output") or "{}")
        except ValueError:
            output = {}
        if isinstance(output, dict):
            return cast(ChildOutcome, {**output, "runId": run_id})  # the loop's RunResult, as it ended
    return {
        "runId": run_id,
        "status": c.STATUS_FAILED,
        "error": child.get("Error") or f"Execution{str(child.get('Status', 'Failed')).title()}",
        "cause": child.get("Cause"),
    }


def _not_run(run_id: str) -> ChildOutcome:
    """A prepared item no child execution reported (the Map Run stopped before it)."""
    return {"runId": run_id, "status": c.STATUS_FAILED, "error": "NotRun", "cause": "no child execution reported it"}
