"""The AWS estimate of a benchmark (imagegate_service.benchmark.estimate): model cost from the registry's prices
and measured rounds and candidates, Step Functions cost from the definition's state transitions, wall time from
the concurrency and the generator's quota; and the aggregation reading a Map Run's results from S3."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from imagegate_service import constants as c
from imagegate_service import registry, workflows
from imagegate_service.benchmark import estimate
from imagegate_service.domain.costs import estimated_round_cost

pytestmark = pytest.mark.unit

TRANSITIONS = {"parent": 3, "perRun": 6, "perRound": 9, "perCandidate": 1}


def profile(runs: int, rounds: float, candidates: float = 1, seconds: float | None = None, arm: str = "loop"):
    return {
        "arm": arm,
        "runs": runs,
        "meanRounds": rounds,
        "meanCandidates": candidates,
        "settings": estimate.round_settings(arm, {}),
        "runSeconds": seconds,
        "measured": True,
    }


def test_model_cost_is_runs_times_rounds_times_the_registry_price_of_a_round():
    for runs, rounds, candidates in [(1, 1, 1), (10, 2.5, 1), (1632, 1.1, 3)]:
        projected = estimate.estimate([profile(runs, rounds, candidates)], TRANSITIONS, concurrency=20)
        settings = estimate.round_settings("loop", {})
        if candidates == int(candidates):
            price = estimated_round_cost({**settings, "candidatesPerRound": int(candidates)})
            assert projected["modelUsd"] == pytest.approx(runs * rounds * price, rel=1e-3)
        # more runs, rounds or candidates never cost less
        more = estimate.estimate([profile(runs + 1, rounds + 0.5, candidates + 1)], TRANSITIONS, concurrency=20)
        assert more["modelUsd"] > projected["modelUsd"]


def test_step_functions_cost_is_the_definitions_transitions_at_the_published_price():
    projected = estimate.estimate([profile(100, 2, 3)], TRANSITIONS, concurrency=4)
    per_run = TRANSITIONS["perRun"] + 2 * (TRANSITIONS["perRound"] + 3 * TRANSITIONS["perCandidate"])
    assert projected["stateTransitions"] == 100 * per_run + TRANSITIONS["parent"]
    assert projected["stepFunctionsUsd"] == pytest.approx(projected["stateTransitions"] * 0.025 / 1000, abs=1e-4)
    assert projected["totalUsd"] == pytest.approx(projected["modelUsd"] + projected["stepFunctionsUsd"], abs=1e-3)


def test_wall_time_falls_with_concurrency_until_the_generators_quota_binds():
    runs = [profile(400, 2, 1, seconds=60)]
    one = estimate.estimate(runs, TRANSITIONS, concurrency=1)["wallSeconds"]
    twenty = estimate.estimate(runs, TRANSITIONS, concurrency=20)["wallSeconds"]
    assert one == pytest.approx(400 * 60) and twenty == pytest.approx(one / 20)
    # 800 images at 10 a minute take 80 minutes, whatever the concurrency
    bound = estimate.estimate(runs, TRANSITIONS, concurrency=20, images_per_minute=10)
    assert bound["quotaBound"] and bound["wallSeconds"] == pytest.approx(800 / 10 * 60)
    # and the concurrency is what the quota bears (a deployment with imageModelRequestsPerMinute refuses more)
    assert (bound["concurrency"], bound["concurrencyAsked"]) == (c.benchmark_concurrency_for_quota(10), 20)
    assert not estimate.estimate(runs, TRANSITIONS, concurrency=20, images_per_minute=10_000)["quotaBound"]
    # without a measured run time, the constant per round
    unmeasured = estimate.estimate([profile(10, 3)], TRANSITIONS, concurrency=10)
    assert unmeasured["wallSeconds"] == pytest.approx(3 * c.BENCHMARK_ESTIMATE_SECONDS_PER_ROUND)


def test_the_transitions_follow_the_composed_definition():
    definition = json.loads(workflows.benchmark_definition())
    counted = estimate.transitions_estimate(definition, workflows.BENCHMARK_MAP_STATE)
    assert counted == workflows.benchmark_transitions_estimate()
    # one more state in the round is one more transition a round, nothing else
    bigger = copy.deepcopy(definition)
    inner = bigger["States"][workflows.BENCHMARK_MAP_STATE]["ItemProcessor"]["States"]
    cycle = estimate.cycle_states(inner)
    gate = next(name for name in cycle if inner[name]["Type"] == "Choice" and inner[name].get("Default") in cycle)
    inner["Extra"] = {"Type": "Pass", "Next": inner[gate]["Default"]}
    inner[gate]["Default"] = "Extra"
    grown = estimate.transitions_estimate(bigger, workflows.BENCHMARK_MAP_STATE)
    assert grown == {**counted, "perRound": counted["perRound"] + 1}


def test_profiles_are_measured_per_arm_from_a_reports_runs():
    runs = [
        {"arm": "loop", "rounds": 1, "images": 1, "durationSeconds": 10},
        {"arm": "loop", "rounds": 3, "images": 3, "durationSeconds": 30},
        {"arm": "best-of-3", "rounds": 1, "images": 3, "durationSeconds": 12},
    ]
    report = {"runs": runs, "settings": {"maxRounds": [4], "judge": [registry.default_model("judge")]}}
    by_arm = {p["arm"]: p for p in estimate.profiles_from_report(report)}
    assert (by_arm["loop"]["meanRounds"], by_arm["loop"]["meanCandidates"], by_arm["loop"]["runs"]) == (2, 1, 2)
    assert by_arm["loop"]["runSeconds"] == 20 and by_arm["best-of-3"]["meanCandidates"] == 3
    # scaled to another suite's runs; durations dropped when they were not measured in AWS
    scaled = estimate.profiles_from_report(report, {"loop": 1632}, durations_from_aws=False)
    assert [(p["arm"], p["runs"], p["runSeconds"]) for p in scaled] == [("loop", 1632, None)]


def test_before_any_report_every_run_is_counted_at_its_max_rounds():
    (worst,) = estimate.worst_case_profiles({"loop": 10}, {"maxRounds": 6})
    assert (worst["meanRounds"], worst["meanCandidates"], worst["measured"]) == (6, 1, False)
    (best_of,) = estimate.worst_case_profiles({"best-of-5": 3}, {"maxRounds": 6})
    assert (best_of["meanRounds"], best_of["meanCandidates"]) == (1, 5)


def test_an_offline_model_is_priced_as_the_model_aws_would_call():
    offline = registry.offline_default_models()
    models = estimate.aws_models({**offline, "judge": registry.default_model("judge")})
    for role in offline:
        assert models[role] == registry.default_model(role)
    assert all(model in registry.generator_ids() + registry.text_model_ids() for model in models.values())


def test_the_estimate_reads_as_one_line():
    text = estimate.estimate_text(
        estimate.estimate([profile(1632, 1.1, seconds=45)], TRANSITIONS, concurrency=20, images_per_minute=30)
    )
    assert text.startswith("AWS estimate, 1,632 runs (measured rounds and candidates): models $")
    assert "Step Functions $" in text and "$0.025/1,000" in text
    # 30 image requests a minute bear 15 loops (2 a minute each): the estimate runs 15 at once, as AWS would
    cap = c.benchmark_concurrency_for_quota(30)
    assert f"at concurrency {cap} (20 asked: 30 image requests/min bear {cap})" in text
    unbounded = estimate.estimate_text(estimate.estimate([profile(1632, 1.1, seconds=45)], TRANSITIONS, concurrency=20))
    assert "at concurrency 20" in unbounded and "asked" not in unbounded


# --- the aggregation reads the Map Run's results ------------------------------------------------------------


class Objects:
    def __init__(self, objects: dict[str, Any]) -> None:
        self.objects = {k: v if isinstance(v, bytes) else json.dumps(v).encode() for k, v in objects.items()}
        self.written: dict[str, Any] = {}

    def get_bytes(self, key: str) -> bytes:
        return self.objects[key]

    def get_json(self, key: str) -> Any:
        return json.loads(self.objects[key])

    def put_json(self, key: str, document: Any) -> None:
        self.written[key] = document

    def put_text(self, key: str, text: str, content_type: str) -> None:
        self.written[key] = text

    def list_keys(self, prefix: str) -> list[str]:
        return sorted(key for key in self.objects if key.startswith(prefix))


class Runs:
    def __init__(self, runs: dict[str, dict[str, Any]]) -> None:
        self.runs = runs

    def get_run(self, run_id: str) -> dict[str, Any] | None:
        return self.runs.get(run_id)

    def list_rounds(self, run_id: str) -> list[dict[str, Any]]:
        if run_id not in self.runs:
            return []
        return [{"round": 1, "prompt": "p", "score": 9.0, "passed": True, "costUsd": 0.08}]


def test_the_aggregation_reads_every_outcome_from_the_written_results():
    from imagegate_service.domain.benchmarking import BenchmarkAggregator

    # Given four prepared runs: two children succeeded, one failed outright, one never reported
    entries = [
        {"runId": f"b-{k}", "itemId": f"i{k}", "category": "c", "anchor": False, "arm": "loop", "request": {}}
        for k in range(4)
    ]
    child = {"ExecutionArn": "arn", "Status": "SUCCEEDED"}
    objects = Objects(
        {
            "x/items.jsonl": "".join(json.dumps(entry) + "\n" for entry in entries).encode(),
            "x/r/m/manifest.json": {
                "ResultFiles": {
                    "SUCCEEDED": [{"Key": "x/r/m/SUCCEEDED_0.json"}],
                    "FAILED": [{"Key": "x/r/m/FAILED_0.json"}],
                    "PENDING": [],
                }
            },
            "x/r/m/SUCCEEDED_0.json": [
                {**child, "Input": json.dumps({"runId": f"b-{k}"}), "Output": json.dumps({"status": "PASSED"})}
                for k in (0, 1)
            ],
            "x/r/m/FAILED_0.json": [
                {"Status": "TIMED_OUT", "Input": json.dumps({"runId": "b-2"}), "Error": "States.Timeout"}
            ],
        }
    )
    runs = Runs({f"b-{k}": {"status": "PASSED", "costUsd": 0.08, "settings": {"maxRounds": 4}} for k in (0, 1)})

    # When the aggregation runs
    ended: list[dict[str, Any]] = []
    summary = BenchmarkAggregator(runs, objects, ended.append).aggregate(  # type: ignore[arg-type]
        {
            "benchmarkId": "b",
            "date": "2026-11-30",
            "suite": "s",
            "startedAt": "2026-11-30T02:00:00+00:00",
            "itemsKey": "x/items.jsonl",
            "concurrency": 4,
            "resultsPrefix": "x/r/",
            "mapRun": {"MapRunArn": "arn:m", "ResultWriterDetails": {"Bucket": "bucket", "Key": "x/r/m/manifest.json"}},
            "transitionsEstimate": TRANSITIONS,
        }
    )

    # Then every prepared run is in the report, the failed and the unreported as FAILED
    report = objects.written[c.benchmark_report_prefix("2026-11-30") + "report.json"]
    assert {run["runId"]: run["status"] for run in report["runs"]} == {
        "b-0": "PASSED",
        "b-1": "PASSED",
        "b-2": "FAILED",
        "b-3": "FAILED",
    }
    assert report["mapRun"] == {
        "succeeded": 2,
        "failed": 1,
        "pending": 0,
        "runs": 4,
        "notRun": 1,
        "failedItemPercent": 50.0,
    }
    assert summary["failedItemPercent"] == 50.0 and summary["mapRunFailed"] is False and "mapRunError" not in summary
    # And the run of the child that timed out is ended as Mark Run Ended ends one (its item may still say RUNNING)
    assert [(entry["name"], entry["status"], entry["error"]) for entry in ended] == [
        ("b-2", "TIMED_OUT", "States.Timeout")
    ]
    assert report["estimate"]["runs"] == 4 and report["estimate"]["text"].startswith("AWS estimate")
    # And the page says both
    page = objects.written[c.benchmark_report_prefix("2026-11-30") + "report.html"]
    assert "data-map-run" in page and "50.0% of runs ended FAILED" in page
    assert report["estimate"]["text"].replace("$", "$") in page


def test_a_map_run_that_failed_is_aggregated_from_the_results_it_wrote_and_its_error_passed_on():
    from imagegate_service.domain.benchmarking import BenchmarkAggregator

    # Given a Map Run that failed on its tolerated failures: one child succeeded, one failed outright, two were
    # never started (PENDING), and the workflow caught the Map's error (no ResultWriterDetails then)
    entries = [
        {"runId": f"f-{k}", "itemId": f"i{k}", "category": "c", "anchor": False, "arm": "loop", "request": {}}
        for k in range(4)
    ]
    objects = Objects(
        {
            "y/items.jsonl": "".join(json.dumps(entry) + "\n" for entry in entries).encode(),
            "y/results/run-1/manifest.json": {
                "ResultFiles": {
                    "SUCCEEDED": [{"Key": "y/results/run-1/SUCCEEDED_0.json"}],
                    "FAILED": [{"Key": "y/results/run-1/FAILED_0.json"}],
                    "PENDING": [{"Key": "y/results/run-1/PENDING_0.json"}],
                }
            },
            "y/results/run-1/SUCCEEDED_0.json": [
                {
                    "Status": "SUCCEEDED",
                    "Input": json.dumps({"runId": "f-0"}),
                    "Output": json.dumps({"status": "PASSED"}),
                }
            ],
            "y/results/run-1/FAILED_0.json": [
                {"Status": "FAILED", "Input": json.dumps({"runId": "f-1"}), "Error": "Lambda.Unknown", "Cause": "x"}
            ],
            "y/results/run-1/PENDING_0.json": [{"Input": json.dumps({"runId": f"f-{k}"})} for k in (2, 3)],
        }
    )
    runs = Runs({"f-0": {"status": "PASSED", "costUsd": 0.08, "settings": {"maxRounds": 4}}})
    error = {"Error": "States.ExceedToleratedFailureThreshold", "Cause": "1 of 4 child executions failed"}

    # When the aggregation runs on the caught error
    ended: list[dict[str, Any]] = []
    summary = BenchmarkAggregator(runs, objects, ended.append).aggregate(  # type: ignore[arg-type]
        {
            "benchmarkId": "f",
            "date": "2026-11-30",
            "suite": "s",
            "startedAt": "2026-11-30T02:00:00+00:00",
            "itemsKey": "y/items.jsonl",
            "concurrency": 1,
            "resultsPrefix": "y/results/",
            "mapRun": error,
            "transitionsEstimate": TRANSITIONS,
        }
    )

    # Then the report is written from the results found under the prefix: the PENDING items as not run
    report = objects.written[c.benchmark_report_prefix("2026-11-30") + "report.json"]
    assert {run["runId"]: run["status"] for run in report["runs"]} == {
        "f-0": "PASSED",
        "f-1": "FAILED",
        "f-2": "FAILED",
        "f-3": "FAILED",
    }
    assert report["mapRun"] == {
        "succeeded": 1,
        "failed": 1,
        "pending": 2,
        "runs": 4,
        "notRun": 2,
        "failedItemPercent": 75.0,
    }
    # And the failed child's run is ended, the never-started ones are not (they have no run)
    assert [entry["name"] for entry in ended] == ["f-1"]
    # And the summary passes the Map's error on, for the workflow to fail with
    assert summary["mapRunFailed"] is True and summary["mapRunError"] == error
