"""Control arms through the real benchmark workflow on the local runtime: the same items under two arms in
one benchmark (each run a child execution of the Distributed Map), the arms side by side in report.json, the
history-event estimate holding for real, per run, and the Map Run's results in S3 as AWS's ResultWriter lays them out."""

import json

import pytest

from imagegate.benchmark_local import run_benchmark, suite_request
from imagegate.local.runtime import BENCHMARK_STATE_MACHINE_NAME
from imagegate_service import constants as c
from imagegate_service import workflows
from imagegate_service.benchmark.limits import SFN_MAX_HISTORY_EVENTS, history_events_needed
from imagegate_service.benchmark.suites import SuiteItem
from imagegate_service.errors import InvalidRequest

pytestmark = pytest.mark.integration

ITEMS = [
    SuiteItem(
        id="apples", prompt="three red apples on a table", category="counting", settings={"seed": 11}, anchor=True
    ),
    SuiteItem(id="cat-dog", prompt="a cat to the left of a dog", category="spatial", settings={"seed": 5}),
]
ROUNDS = 3


def test_two_arms_run_the_same_items_in_one_execution(runtime, tmp_path):
    # Given two items, a threshold nothing reaches (every run takes all its rounds), the loop and the redraw arm
    request = suite_request(
        ITEMS, "tiny", concurrency=4, settings={"threshold": 10, "maxRounds": ROUNDS}, arms=["loop", "redraw"]
    )

    # When the benchmark runs
    outcome = run_benchmark(request, tmp_path, runtime)

    # Then one execution ran every item under both arms, and the report has them side by side
    assert outcome.status == "SUCCEEDED", outcome.error
    report = json.loads((outcome.report_dir / "report.json").read_text())
    assert list(report["arms"]) == ["loop", "redraw"]
    assert sorted((run["itemId"], run["arm"]) for run in report["runs"]) == sorted(
        (item.id, arm) for item in ITEMS for arm in ("loop", "redraw")
    )
    for arm, metrics in report["arms"].items():
        assert metrics["items"] == len(ITEMS)
        assert metrics["meanRounds"] == ROUNDS and metrics["imagesPerItem"] == ROUNDS
        assert metrics["judgePassRate"] == 0.0 and metrics["judgeFalsePassRate"] is None
        # every final image got the evaluator's verdict (offline: ground truth)
        assert report["armDetails"][arm]["withoutEvaluation"] == 0
    assert {run["evaluationSource"] for run in report["runs"]} == {"ground-truth"}
    # The classic metrics describe the loop arm
    assert report["overall"]["runs"] == len(ITEMS) and report["settings"]["primaryArm"] == "loop"

    # And a redraw run drew the same prompt every round, each with the next seed, and called no rewriter
    redraw_runs = [run["runId"] for run in report["runs"] if run["arm"] == "redraw"]
    for run_id, item in zip(redraw_runs, ITEMS, strict=True):
        rounds = sorted(runtime.runs().list_rounds(run_id), key=lambda r: r["round"])
        assert [r["prompt"] for r in rounds] == [item.prompt] * ROUNDS
        assert [r["seed"] for r in rounds] == [item.settings["seed"] + k for k in range(ROUNDS)]
        assert all(r.get("rewriterModel") is None for r in rounds)

    # And each run's child execution wrote no more history events than the estimate Prepare Benchmark checks
    estimate = history_events_needed(workflows.benchmark_history_estimate(), ROUNDS, 1)
    manifest_key = next(
        key
        for key, _ in runtime.objects(c.benchmark_execution_prefix(outcome.summary["benchmarkId"]))
        if key.endswith("/manifest.json")
    )
    manifest = json.loads(dict(runtime.objects(manifest_key))[manifest_key])
    (succeeded,) = manifest["ResultFiles"]["SUCCEEDED"]
    children = json.loads(dict(runtime.objects(succeeded["Key"]))[succeeded["Key"]])
    assert manifest["ResultFiles"]["FAILED"] == [] and len(children) == len(report["runs"])
    for child in children:
        assert (
            child["Status"] == "SUCCEEDED"
            and json.loads(child["Output"])["runId"] == json.loads(child["Input"])["runId"]
        )
        assert len(runtime.execution_history(child["ExecutionArn"])) <= estimate
    # And the parent's history does not grow with the suite: its own states and the Map's one step
    assert (
        len(runtime.execution_history(outcome.execution_arn))
        <= workflows.benchmark_history_estimate()["eventsOutside"] + 3
    )


def test_a_run_too_large_for_its_execution_is_refused_before_anything_starts(runtime, tmp_path, monkeypatch):
    import boto3

    # Given a loop whose rounds would each write more history events than one execution holds
    heavy = {**workflows.benchmark_history_estimate(), "eventsPerRound": SFN_MAX_HISTORY_EVENTS}
    monkeypatch.setattr(workflows, "benchmark_prepare_parameters", lambda: {"historyEstimate": heavy, "defaults": {}})
    request = suite_request(ITEMS, "big", concurrency=4, settings={"maxRounds": 2}, arms=["loop", "redraw"])

    with pytest.raises(InvalidRequest, match="history events"):
        run_benchmark(request, tmp_path, runtime)
    sfn = boto3.client("stepfunctions")
    benchmarks = [
        machine["stateMachineArn"]
        for machine in sfn.list_state_machines()["stateMachines"]
        if machine["name"].startswith(BENCHMARK_STATE_MACHINE_NAME)
    ]
    assert all(sfn.list_executions(stateMachineArn=arn)["executions"] == [] for arn in benchmarks)


def test_a_map_run_over_its_tolerated_failures_is_reported_and_fails_the_benchmark(runtime, tmp_path, monkeypatch):
    # Given four items run one at a time, no failure tolerated, and the second child aborted once under way
    import threading
    import time

    from moto.stepfunctions.parser.models import StepFunctionsParserBackend

    from imagegate.local import distributed_map

    original = StepFunctionsParserBackend.start_execution

    def start_then_abort_the_second(backend, *args, **kwargs):
        execution = original(backend, *args, **kwargs)
        if execution.execution_arn.endswith("-002"):

            def abort() -> None:  # once Start Run has made its run item (the loop is then under way)
                run_id = execution.execution_arn.rsplit(":", 1)[-1]
                for _ in range(2000):
                    try:
                        if runtime.runs().get_run(run_id) is not None:
                            backend.stop_execution(execution.execution_arn)
                            return
                    except AttributeError:  # its worker exists a moment after the start
                        pass
                    time.sleep(0.005)

            threading.Thread(target=abort).start()
        return execution

    monkeypatch.setattr(StepFunctionsParserBackend, "start_execution", start_then_abort_the_second)
    items = [
        SuiteItem(id=f"i{k}", prompt=f"{k + 2} red apples on a table", category="counting", settings={"seed": k})
        for k in range(4)
    ]
    request = {**suite_request(items, "tiny", concurrency=1, settings={"maxRounds": 1}), "toleratedFailurePercent": 0}

    # When the benchmark runs
    outcome = run_benchmark(request, tmp_path, runtime)

    # Then it fails with the Map Run's error
    assert outcome.status == "FAILED"
    assert outcome.error.startswith(distributed_map.LOCAL_ERROR_NAMES["States.ExceedToleratedFailureThreshold"])
    # And the report was written all the same: the first run ran, the aborted one FAILED, the rest never started
    (report_key,) = [key for key, _ in runtime.objects(c.BENCHMARKS_PREFIX) if key.endswith("/report.json")]
    report = json.loads(dict(runtime.objects(report_key))[report_key])
    statuses = [run["status"] for run in sorted(report["runs"], key=lambda run: run["runId"])]
    assert statuses[0] != c.STATUS_FAILED and statuses[1:] == [c.STATUS_FAILED] * 3
    assert {key: report["mapRun"][key] for key in ("succeeded", "failed", "pending", "notRun")} == {
        "succeeded": 1,
        "failed": 1,
        "pending": 2,
        "notRun": 2,
    }
    # And the aborted child's run is ended, not left running
    aborted = sorted(report["runs"], key=lambda run: run["runId"])[1]["runId"]
    assert runtime.runs().get_run(aborted)["status"] == c.STATUS_FAILED
