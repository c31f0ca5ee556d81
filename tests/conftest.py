import os
import time

import pytest

# Tests never reach AWS: no credentials, no network. Clients get a region and dummy keys.
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
for _name in ("AWS_PROFILE", "AWS_SESSION_TOKEN"):
    os.environ.pop(_name, None)
os.environ.setdefault("POWERTOOLS_TRACE_DISABLED", "true")
os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")


# One botocore data loader for every session of the test process (issue 29: `make test` in minutes). moto's
# mock_aws() gives each test a new default boto3 session, and each new session used to parse the service models,
# endpoints and rule sets again from botocore's JSON files: about 0.1 s per client type per test, most of a unit
# test's setup (test_api_handler.py + test_enhancements.py: 47.5 s -> 18.6 s in one process). The files are the
# same for every session and the loader caches what it parsed; the sessions, clients, credentials and moto state
# stay per test.
from imagegate.local.runtime import make_botocore_models_loaded_once  # noqa: E402

make_botocore_models_loaded_once()  # for the whole test process: never undone


@pytest.fixture
def lambda_context():
    from imagegate.local.runtime import FakeLambdaContext

    return FakeLambdaContext(function_name="imagegate-test", aws_request_id="test-request")


_SUITE_STARTED = time.monotonic()


@pytest.hookimpl(trylast=True)  # after the durations table, right above pytest's closing line
def pytest_terminal_summary(terminalreporter, config):
    """The suite's wall time and the machine's load beside it (issue 29: `make test` prints how long it took, and a
    figure from a loaded machine says so). Printed by the main process only, above pytest's closing line."""
    if hasattr(config, "workerinput"):  # a pytest-xdist worker: the controller reports the whole run
        return
    workers = getattr(config.option, "numprocesses", None) or 1
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    terminalreporter.write_line(
        f"suite wall time {time.monotonic() - _SUITE_STARTED:.0f} s with {workers} worker(s) on "
        f"{os.cpu_count()} cores; load average now (1, 5, 15 min): {load}"
    )


# How `make test` (pytest-xdist, --dist loadfile) hands the test files to its workers (issue 29: `make test` in
# minutes). Two changes to loadfile, which sends each file whole, the files with the most tests first:
# - tests/infra is one unit, so one worker synthesizes the CDK app (the session fixture `synthesized`, tests/infra/
#   conftest.py) and starts jsii's node process, once per run instead of once per worker;
# - the Map-workers test file and the infra unit go first, each to its own worker: a LocalRuntime forks its Map
#   workers from a fork server only while its process runs no other thread (imagegate/local/map_workers.py,
#   start_zygote), and jsii's node process keeps a thread in the worker that imported aws_cdk. With that thread the
#   workers were spawned (each a fresh interpreter that imports everything) and the file took 40-57 s in the suite
#   against 16 s alone. The spawned path keeps its own test there (another thread held on purpose).
# The infra test modules import aws_cdk inside their tests, never at module level: every worker collects every
# module, and an import there would start node (and its thread) in each of them.
_ONE_UNIT = "tests/infra/"
_FIRST = ("tests/integration/test_benchmark_workers.py", _ONE_UNIT.rstrip("/"))


def suite_scope(nodeid: str) -> str:
    """The unit of work a test belongs to: its file, or tests/infra for every infra test."""
    return _ONE_UNIT.rstrip("/") if nodeid.startswith(_ONE_UNIT) else nodeid.split("::", 1)[0]


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_auto_num_workers(config):
    """`-n auto` (make test's default) starts one worker more than the machine has cores (issue 29: `make test` in
    minutes). Much of the suite waits without using a core: `imagegate serve` starting, a browser page polling
    every second, runs followed over HTTP, a sleep that shows nothing happens after a cancel. With one worker a core,
    the cores stood unused while their worker waited: fewer than two of the suite's threads were runnable for 76
    core-seconds of a 442 s run on 2 cores (load 4-5), and tests/e2e alone left 40-54 core-seconds (11-13%) unused.
    A third worker on 2 cores fills them: tests/e2e took 141 s against 183 s (load 3.6-3.8; user+sys 214 against
    200 s, the third worker's collection and its share of the session fixtures) and 197 s against 203 s with
    another suite filling the cores too (load 5-6). PYTEST_XDIST_AUTO_NUM_WORKERS and `-n logical` keep their
    pytest-xdist meaning; TEST_WORKERS=N still starts N. The cores counted are those this process may run on (a
    container's or taskset's limit, as pytest-xdist counts without psutil), never every core of the host."""
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS") or config.option.numprocesses == "logical":
        return None
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # no affinity on this platform (macOS, Windows)
        cores = os.cpu_count() or 1
    return cores + 1


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class SuiteScheduling(LoadFileScheduling):
        _ordered = False

        def _split_scope(self, nodeid: str) -> str:
            return suite_scope(nodeid)

        def _assign_work_unit(self, node):
            if not self._ordered:  # the first assignment: the queue is complete, nothing has been sent yet
                self._ordered = True
                for scope in reversed(_FIRST):
                    if scope in self.workqueue:
                        self.workqueue.move_to_end(scope, last=False)
            super()._assign_work_unit(node)

    return SuiteScheduling(config, log)
