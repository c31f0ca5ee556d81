"""The benchmark's Distributed Map with its children in worker processes (LocalRuntime(map_workers=N),
imagegate/local/map_workers.py): the same report, runs, ledger and objects as children run in the runtime's own
process, which is what makes `make bench` faster without changing its figures."""

import json
import os
import subprocess
import sys
import threading

import boto3
import pytest

from imagegate.benchmark_local import run_benchmark, suite_request
from imagegate.local import distributed_map, map_workers
from imagegate.local.runtime import BUCKET, LocalRuntime, create_state_machine
from imagegate_service.benchmark.suites import SuiteItem

pytestmark = pytest.mark.integration

# Two seeded prompts, one per worker: a run that ends in round one and one that goes through three rounds
# (threshold 10 is never met), so rewrites, several rounds' items and a full ledger cross back. A third item adds
# no new path and each benchmark here costs its workers' start-up besides.
ITEMS = [
    SuiteItem(id="apple", prompt="a red apple on a wooden table", category="objects", settings={"seed": 1}),
    SuiteItem(
        id="cats",
        prompt="two cats to the left of a green car at night",
        category="spatial",
        settings={"seed": 3, "threshold": 10, "maxRounds": 3},
    ),
]


def _benchmark(tmp_path, workers):
    """The suite's report and, per run, its item, rounds, ledger and object keys as the parent runtime holds them."""
    with LocalRuntime(retry_time_scale=0.0, map_workers=workers) as runtime:
        outcome = run_benchmark(suite_request(ITEMS, "tiny", concurrency=2), tmp_path / str(workers), runtime)
        assert outcome.status == "SUCCEEDED", outcome.error
        report = json.loads((outcome.report_dir / "report.json").read_text())
        runs = runtime.runs()
        held = {
            run["itemId"]: {
                "run": runs.get_run(run["runId"]),
                "rounds": runs.list_rounds(run["runId"]),
                "ledger": runs.ledger(run["runId"]),
                "objects": sorted(key for key, _ in runtime.objects(f"runs/{run['runId']}/")),
            }
            for run in report["runs"]
        }
        handlers = {name for name, _ in runtime.dispatcher.invocations}
    if workers > 1:  # the children's bodies' file (map_workers.SpilledBodies) ends with the runtime
        assert runtime.distributed_map.spilled_bodies.closed
    return report, held, handlers


def _comparable(report):
    return sorted(
        (run["itemId"], run["status"], run["costUsd"], run["finalScore"], json.dumps(run["rounds"], sort_keys=True))
        for run in report["runs"]
    )


def test_children_in_worker_processes_leave_what_children_in_the_runtime_leave(tmp_path):
    in_process, held_in_process, handlers_in_process = _benchmark(tmp_path, workers=0)
    in_workers, held_in_workers, handlers_in_workers = _benchmark(tmp_path, workers=2)

    # The loops ran in the workers: the parent invoked only the benchmark's own functions
    assert "generate_images" in handlers_in_process
    assert "generate_images" not in handlers_in_workers and "aggregate_benchmark" in handlers_in_workers
    # Same seeds, same outcomes, costs, scores and rounds
    assert _comparable(in_workers) == _comparable(in_process)
    assert in_workers["overall"] == {**in_process["overall"], **_durations(in_workers["overall"])}
    assert any(run["rounds"] == 3 for run in in_workers["runs"])
    for item, held in held_in_workers.items():
        expected = held_in_process[item]
        # The parent holds each run's item, rounds and ledger as written in the worker: every billable call once
        assert (
            held["run"]["status"] == expected["run"]["status"] and held["run"]["costUsd"] == expected["run"]["costUsd"]
        )
        assert [r["round"] for r in held["rounds"]] == [r["round"] for r in expected["rounds"]]
        assert len(held["ledger"]) == len(expected["ledger"]) > 0
        assert len({entry["callId"] for entry in held["ledger"]}) == len(held["ledger"])
        assert sum(e["costUsd"] for e in held["ledger"]) == pytest.approx(sum(e["costUsd"] for e in expected["ledger"]))
        # and its objects (images, verdicts) under the same keys, readable as the loop wrote them
        assert [key.rsplit("/", 1)[-1] for key in held["objects"]] == [
            key.rsplit("/", 1)[-1] for key in expected["objects"]
        ]
        assert any(key.endswith(".png") for key in held["objects"])


def _durations(overall):
    """Wall-clock figures differ from run to run; everything else must not."""
    return {key: value for key, value in overall.items() if key.startswith("duration")}


# A child that fails (after a few seconds, so the other worker has started its own child by then) or waits a minute
WAITING_OR_FAILING = {
    "StartAt": "Route",
    "States": {
        "Route": {
            "Type": "Choice",
            "Choices": [{"Variable": "$.request.fail", "BooleanEquals": True, "Next": "Before failing"}],
            "Default": "Wait a minute",
        },
        "Before failing": {"Type": "Wait", "Seconds": 5, "Next": "Broken"},
        "Broken": {"Type": "Fail", "Error": "Broken", "Cause": "asked to fail"},
        "Wait a minute": {"Type": "Wait", "Seconds": 60, "End": True},
    },
}


def test_a_map_run_in_workers_that_fails_stops_the_children_running_in_them(tmp_path):
    # Given a Map Run in two worker processes, no failure tolerated, whose second child fails while the others wait
    with LocalRuntime(retry_time_scale=0.0, map_workers=2):
        name, definition = "stop-in-workers", json.dumps(WAITING_OR_FAILING)
        items = [{"runId": f"w-{k}", "request": {"fail": k == 1}} for k in range(6)]
        boto3.client("s3").put_object(
            Bucket=BUCKET, Key="in/items.jsonl", Body="".join(json.dumps(item) + "\n" for item in items)
        )
        runner = distributed_map.LocalDistributedMap(
            create_state_machine(name, definition), tmp_path, workers=2, child=(name, definition, 0.0)
        )
        event = {
            "mapState": "Run Suite",
            "reader": {"InputType": "JSONL", "resource": "arn:aws:states:::s3:getObject"},
            "itemReader": {"Bucket": BUCKET, "Key": "in/items.jsonl"},
            "itemSelector": json.dumps(
                {"runId.$": "$$.Map.Item.Value.runId", "request.$": "$$.Map.Item.Value.request"}
            ),
            "resultWriter": {"Bucket": BUCKET, "Prefix": "out/"},
            "input": {"benchmarkId": "stop-9"},
            "maxConcurrency": 2,
            "toleratedFailurePercentage": 0,
        }

        # When it runs, Then it fails as Step Functions reports it
        with pytest.raises(distributed_map.ExceededToleratedFailures):
            runner.run(event)
        s3 = boto3.client("s3")
        keys = [entry["Key"] for entry in s3.list_objects_v2(Bucket=BUCKET, Prefix="out/")["Contents"]]
        (manifest_key,) = [key for key in keys if key.endswith("manifest.json")]
        manifest = json.loads(s3.get_object(Bucket=BUCKET, Key=manifest_key)["Body"].read())
        files = {
            status: [
                child
                for entry in entries
                for child in json.loads(s3.get_object(Bucket=BUCKET, Key=entry["Key"])["Body"].read())
            ]
            for status, entries in manifest["ResultFiles"].items()
        }

    # And the failed child is listed with its error; the child running in the other worker was stopped (ABORTED,
    # not left to finish its minute), the rest never started (PENDING); none succeeded
    assert files["SUCCEEDED"] == []
    failed = {json.loads(child["Input"])["runId"]: child for child in files["FAILED"]}
    assert (failed["w-1"]["Status"], failed["w-1"]["Error"]) == ("FAILED", "Broken")
    assert failed["w-0"]["Status"] == "ABORTED"
    assert {child["Status"] for run_id, child in failed.items() if run_id != "w-1"} == {"ABORTED"}
    pending = [json.loads(child["Input"])["runId"] for child in files["PENDING"]]
    assert sorted([*failed, *pending]) == [item["runId"] for item in items]  # each item listed once
    assert runner.progress["stop-9"]["failed"] == len(failed) and runner.progress["stop-9"]["succeeded"] == 0


# A child that leaves an object under its run (its name is its run id), as a quality-loop run leaves its images
WRITING_AN_OBJECT = {
    "StartAt": "Draw",
    "States": {
        "Draw": {
            "Type": "Task",
            "Resource": "arn:aws:states:::aws-sdk:s3:putObject",
            "Parameters": {
                "Bucket": BUCKET,
                "Key.$": "States.Format('runs/{}/round-1/candidate-1.png', $.runId)",
                "Body.$": "$.runId",
            },
            "End": True,
        }
    },
}


def _open_descriptors() -> int:
    return len(os.listdir("/proc/self/fd"))


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="counts the process's open files in /proc")
def test_many_map_runs_in_workers_keep_their_childrens_bodies_in_one_open_file(tmp_path):
    """Given one runtime's Map Runs in worker processes, whose children each leave an object (its body kept on disk,
    map_workers.SpilledBodies), When several run one after another, Then the runtime holds one open file for all
    their bodies (one per Map Run would hold a descriptor each for the runtime's whole life: a long `imagegate
    serve` would pass the usual 1,024), every object still reads its own body and ETag; once the runner is closed
    (the runtime's exit) that file is closed too."""
    import hashlib

    with LocalRuntime(retry_time_scale=0.0, map_workers=2):
        name, definition = "writing-in-workers", json.dumps(WRITING_AN_OBJECT)
        runner = distributed_map.LocalDistributedMap(
            create_state_machine(name, definition), tmp_path, workers=2, child=(name, definition, 0.0)
        )
        s3 = boto3.client("s3")
        held, run_ids = [], []
        for map_run in range(3):
            items = [{"runId": f"m{map_run}-{k}"} for k in range(2)]
            run_ids += [item["runId"] for item in items]
            s3.put_object(Bucket=BUCKET, Key="in/items.jsonl", Body="".join(json.dumps(item) + "\n" for item in items))
            event = {
                "mapState": "Run Suite",
                "reader": {"InputType": "JSONL", "resource": "arn:aws:states:::s3:getObject"},
                "itemReader": {"Bucket": BUCKET, "Key": "in/items.jsonl"},
                "itemSelector": json.dumps({"runId.$": "$$.Map.Item.Value.runId"}),
                "resultWriter": {"Bucket": BUCKET, "Prefix": "out/"},
                "input": {"benchmarkId": f"writes-{map_run}"},
                "maxConcurrency": 2,
                "toleratedFailurePercentage": 0,
            }
            runner.run(event)
            assert runner.progress[f"writes-{map_run}"]["succeeded"] == 2
            held.append(_open_descriptors())
        assert held[0] == held[1] == held[2], held
        bodies = runner.spilled_bodies
        assert bodies is not None and bodies.size == sum(len(run_id) for run_id in run_ids)
        for run_id in run_ids:
            got = s3.get_object(Bucket=BUCKET, Key=f"runs/{run_id}/round-1/candidate-1.png")
            assert got["Body"].read() == run_id.encode()
            assert got["ETag"] == f'"{hashlib.md5(run_id.encode()).hexdigest()}"'
        runner.close()
        assert bodies.closed
        closed = _open_descriptors()

    assert closed == held[-1] - 1


# Run in a fresh interpreter: the fork server is made only when the runtime's process has no other thread, and a
# test process may hold threads other tests left (a pytest-xdist worker did: the check then failed by order alone).
_FORK_SERVER_CHECK = """
import gc, os, threading
from imagegate.local import map_workers
from imagegate.local.runtime import LocalRuntime

def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as stat:  # a zombie has ended
        return stat.read().rsplit(")", 1)[1].split()[0] != "Z"

assert threading.active_count() == 1
with LocalRuntime(retry_time_scale=0.0, map_workers=2):
    assert map_workers.zygote_running()
    pid = map_workers._ZYGOTE["pid"]
    with open(f"/proc/{pid}/stat") as stat:
        assert int(stat.read().rsplit(")", 1)[1].split()[1]) == os.getpid()  # its parent is this process
    assert gc.get_freeze_count() > 0  # the shared objects are out of the collector's reach meanwhile
assert not map_workers.zygote_running() and not alive(pid)
assert gc.get_freeze_count() == 0
print("fork server checked")
"""


@pytest.mark.skipif(sys.platform != "linux", reason="the fork server is made on Linux only")
def test_the_workers_fork_server_is_a_child_of_the_runtime_that_ends_with_it():
    """A runtime with Map workers, started with no other thread running, forks the workers' fork server from its
    warm process (map_workers.start_zygote: the workers share its pages); the server ends when the runtime does."""
    done = subprocess.run(
        [sys.executable, "-c", _FORK_SERVER_CHECK], capture_output=True, text=True, timeout=120, env=os.environ.copy()
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "fork server checked" in done.stdout


def test_with_another_thread_running_the_workers_are_spawned(tmp_path):
    """A fork copies only the calling thread (a lock another one holds would stay held in the fork): no fork
    server then, and the Map's workers are spawned as before, and their children run and leave their objects.
    The other tests here run forked workers (tests/conftest.py hands this file to a worker that runs no other
    thread); this one is where the spawned path runs a Map Run."""
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        with LocalRuntime(retry_time_scale=0.0, map_workers=2):
            assert not map_workers.zygote_running()
            name, definition = "writing-in-spawned-workers", json.dumps(WRITING_AN_OBJECT)
            runner = distributed_map.LocalDistributedMap(
                create_state_machine(name, definition), tmp_path, workers=2, child=(name, definition, 0.0)
            )
            s3 = boto3.client("s3")
            items = [{"runId": f"spawned-{k}"} for k in range(2)]
            s3.put_object(Bucket=BUCKET, Key="in/items.jsonl", Body="".join(json.dumps(item) + "\n" for item in items))
            runner.run(
                {
                    "mapState": "Run Suite",
                    "reader": {"InputType": "JSONL", "resource": "arn:aws:states:::s3:getObject"},
                    "itemReader": {"Bucket": BUCKET, "Key": "in/items.jsonl"},
                    "itemSelector": json.dumps({"runId.$": "$$.Map.Item.Value.runId"}),
                    "resultWriter": {"Bucket": BUCKET, "Prefix": "out/"},
                    "input": {"benchmarkId": "spawned"},
                    "maxConcurrency": 2,
                    "toleratedFailurePercentage": 0,
                }
            )
            assert runner.progress["spawned"]["succeeded"] == 2
            for item in items:
                got = s3.get_object(Bucket=BUCKET, Key=f"runs/{item['runId']}/round-1/candidate-1.png")
                assert got["Body"].read() == item["runId"].encode()
            runner.close()
    finally:
        release.set()
        other.join()
