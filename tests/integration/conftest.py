import pytest

from imagegate.local.runtime import LocalRuntime


@pytest.fixture
def runtime_with():
    """Start a local runtime with the given offline-Bedrock fault switches; retries wait no time."""
    opened = []

    def start(**faults):
        from imagegate.local.bedrock_offline import FaultSwitches

        runtime = LocalRuntime(faults=FaultSwitches(**faults) if faults else None, retry_time_scale=0.0)
        opened.append(runtime.__enter__())
        return opened[-1]

    yield start
    for runtime in reversed(opened):
        runtime.__exit__(None, None, None)


@pytest.fixture
def runtime(runtime_with):
    return runtime_with()
