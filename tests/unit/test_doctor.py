"""`imagegate doctor` against botocore's Stubber (STS, Bedrock) and with no credentials at all."""

from __future__ import annotations

import datetime as dt

import boto3
import pytest
from botocore.stub import Stubber

from imagegate.doctor import CANNOT_CHECK, NEEDS_FIXING, READY, run_doctor
from infra.config import ImagegateConfig, cdk_json_context

pytestmark = pytest.mark.unit

ACCOUNT = "123456789012"
REGION = "us-east-1"
TITAN = "amazon.titan-image-generator-v2:0"
NOVA_LITE = "amazon.nova-lite-v1:0"


def _config(**overrides):
    return ImagegateConfig.from_context({**cdk_json_context(), **overrides}.get)


def _model_details(model_id, name, status, end_of_life=None):
    lifecycle = {"status": status}
    if end_of_life:
        lifecycle["endOfLifeTime"] = end_of_life
    return {"modelDetails": {"modelArn": f"arn:aws:bedrock:{REGION}::foundation-model/{model_id}",
                             "modelId": model_id, "modelName": name, "providerName": "Amazon",
                             "modelLifecycle": lifecycle}}


def _availability(model_id, authorized=True):
    return {"modelId": model_id, "agreementAvailability": {"status": "AVAILABLE"},
            "authorizationStatus": "AUTHORIZED" if authorized else "NOT_AUTHORIZED",
            "entitlementAvailability": "AVAILABLE", "regionAvailability": "AVAILABLE"}


class StubbedAws:
    """A real boto3 session with dummy keys whose clients answer from Stubber."""

    def __init__(self, region=REGION):
        self.session = boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing",
                                     region_name=region)
        self.clients = {name: self.session.client(name, region_name=region) for name in ("sts", "bedrock")}
        self.stubs = {name: Stubber(client) for name, client in self.clients.items()}
        self.session.client = lambda name, **_: self.clients[name]

    def caller(self):
        self.stubs["sts"].add_response("get_caller_identity", {
            "UserId": "AIDTEST", "Account": ACCOUNT, "Arn": f"arn:aws:iam::{ACCOUNT}:user/dev"})

    def model(self, model_id, name, status="ACTIVE", end_of_life=None, authorized=True):
        bedrock = self.stubs["bedrock"]
        bedrock.add_response("get_foundation_model", _model_details(model_id, name, status, end_of_life),
                             {"modelIdentifier": model_id})
        bedrock.add_response("get_foundation_model_availability", _availability(model_id, authorized),
                             {"modelId": model_id})

    def run(self, config):
        lines: list[str] = []
        for stub in self.stubs.values():
            stub.activate()
        code = run_doctor(session=self.session, out=lines.append, config=config)
        for stub in self.stubs.values():
            stub.assert_no_pending_responses()
        return code, "\n".join(lines)


def test_default_models_ready_but_titan_is_legacy_with_its_replacement_named():
    aws = StubbedAws()
    aws.caller()
    aws.model(TITAN, "Titan Image Generator G1 v2", status="LEGACY",
              end_of_life=dt.datetime(2026, 6, 30, tzinfo=dt.timezone.utc))
    aws.model(NOVA_LITE, "Nova Lite")

    code, output = aws.run(_config())

    assert code == READY
    assert f"account {ACCOUNT}" in output and REGION in output
    assert "LEGACY" in output and "2026-06-30" in output
    assert "Nova Canvas (amazon.nova-canvas-v1:0)" in output
    assert "cdk deploy -c generatorModel=amazon.nova-canvas-v1:0" in output
    assert f"cdk bootstrap aws://{ACCOUNT}/{REGION}" in output
    assert "\n  cdk deploy" in output


def test_model_without_access_needs_fixing():
    aws = StubbedAws()
    aws.caller()
    aws.model("amazon.nova-canvas-v1:0", "Nova Canvas", authorized=False)
    aws.model(NOVA_LITE, "Nova Lite")

    code, output = aws.run(_config(generatorModel="amazon.nova-canvas-v1:0"))

    assert code == NEEDS_FIXING
    assert "model access is not granted" in output
    assert "LEGACY" not in output


def test_model_not_offered_in_the_region_needs_fixing():
    aws = StubbedAws()
    aws.caller()
    aws.stubs["bedrock"].add_client_error("get_foundation_model", "ValidationException",
                                          expected_params={"modelIdentifier": TITAN})
    aws.model(NOVA_LITE, "Nova Lite")

    code, output = aws.run(_config())

    assert code == NEEDS_FIXING
    assert f"does not offer {TITAN} in {REGION}" in output


def test_us_inference_profile_outside_us_regions_needs_fixing():
    aws = StubbedAws(region="eu-west-1")
    aws.caller()
    aws.model(TITAN, "Titan Image Generator G1 v2", status="LEGACY")

    code, output = aws.run(_config())

    assert code == NEEDS_FIXING
    assert "us.amazon.nova-lite-v1:0 (judge and rewriter) is a cross-region inference profile" in output


def test_rejected_credentials_cannot_be_checked():
    aws = StubbedAws()
    aws.stubs["sts"].add_client_error("get_caller_identity", "ExpiredToken", http_status_code=403)

    code, output = aws.run(_config())

    assert code == CANNOT_CHECK
    assert "do not work" in output


def test_without_credentials_it_says_what_is_missing(monkeypatch, tmp_path):
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
                 "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                 "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_REGION", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")  # no instance-metadata lookups over the network
    lines: list[str] = []

    code = run_doctor(session=boto3.Session(), out=lines.append, config=_config())

    output = "\n".join(lines)
    assert code == CANNOT_CHECK
    assert "No AWS credentials were found" in output
    assert "No AWS region is configured" in output
    assert "cdk bootstrap" not in output
