import os

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
