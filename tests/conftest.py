import os
import time

import pytest

# Tests never reach AWS: no credentials, no network. Clients get a region and dummy keys.
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
for _name in ("AWS_PROFILE", "AWS_SESSION_TOKEN"):
    os.environ.pop(_name, None)
os.environ.setdefault("POWERTOOLS_TRACE_DISABLED", "true")
os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")


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
