"""`imagegate doctor` against botocore's Stubber (STS, Bedrock) and with no credentials at all."""

from __future__ import annotations

import datetime as dt

import boto3
import pytest
from botocore.exceptions import EndpointConnectionError
from botocore.stub import Stubber

from imagegate.doctor import CANNOT_CHECK, NEEDS_FIXING, READY, region_of, run_doctor
from imagegate_service import constants, registry
from infra.config import ImagegateConfig, cdk_json_context

pytestmark = pytest.mark.unit

ACCOUNT = "123456789012"
REGION = "us-west-2"  # where every default model is offered
TITAN = "amazon.titan-image-generator-v2:0"


def _config(**overrides):
    return ImagegateConfig.from_context({**cdk_json_context(), **overrides}.get)


def _foundation_models(config) -> list[tuple[str, str]]:
    """(foundation model, display name) in the order doctor asks about them: one per configured model."""
    seen = dict.fromkeys(config.models_by_role().values())
    return [
        (
            config.foundation_model(model),
            registry.document()["generators"]
            .get(model, registry.document()["textModels"].get(model, {}))
            .get("displayName", model),
        )
        for model in seen
    ]


def _model_details(model_id, name, status, end_of_life=None):
    lifecycle = {"status": status}
    if end_of_life:
        lifecycle["endOfLifeTime"] = end_of_life
    return {
        "modelDetails": {
            "modelArn": f"arn:aws:bedrock:{REGION}::foundation-model/{model_id}",
            "modelId": model_id,
            "modelName": name,
            "providerName": "Amazon",
            "modelLifecycle": lifecycle,
        }
    }


def _availability(model_id, authorized=True, agreement="AVAILABLE"):
    return {
        "modelId": model_id,
        "agreementAvailability": {"status": agreement},
        "authorizationStatus": "AUTHORIZED" if authorized else "NOT_AUTHORIZED",
        "entitlementAvailability": "AVAILABLE",
        "regionAvailability": "AVAILABLE",
    }


class StubbedAws:
    """A real boto3 session with dummy keys whose clients answer from Stubber."""

    def __init__(self, region=REGION):
        self.session = boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing", region_name=region)
        self.clients = {
            name: self.session.client(name, region_name=region or REGION)
            for name in ("sts", "bedrock", "service-quotas")
        }
        self.stubs = {name: Stubber(client) for name, client in self.clients.items()}
        self.session.client = lambda name, **_: self.clients[name]

    def caller(self):
        self.stubs["sts"].add_response(
            "get_caller_identity", {"UserId": "AIDTEST", "Account": ACCOUNT, "Arn": f"arn:aws:iam::{ACCOUNT}:user/dev"}
        )

    def model(self, model_id, name, status="ACTIVE", end_of_life=None, authorized=True, agreement="AVAILABLE"):
        bedrock = self.stubs["bedrock"]
        bedrock.add_response(
            "get_foundation_model", _model_details(model_id, name, status, end_of_life), {"modelIdentifier": model_id}
        )
        if agreement is None:  # the availability call is refused
            bedrock.add_client_error(
                "get_foundation_model_availability", "AccessDeniedException", expected_params={"modelId": model_id}
            )
            return
        bedrock.add_response(
            "get_foundation_model_availability", _availability(model_id, authorized, agreement), {"modelId": model_id}
        )

    def quotas(self, applied=(), defaults=None, error=None):
        """Service Quotas' answers: the applied list (one page), then the default list when asked for; or an error."""
        quotas = self.stubs["service-quotas"]
        if error:
            quotas.add_client_error("list_service_quotas", error, expected_params={"ServiceCode": "bedrock"})
            return
        quotas.add_response("list_service_quotas", {"Quotas": list(applied)}, {"ServiceCode": "bedrock"})
        if defaults is not None:
            quotas.add_response(
                "list_aws_default_service_quotas", {"Quotas": list(defaults)}, {"ServiceCode": "bedrock"}
            )

    def models(self, config, image_services="AVAILABLE", **lifecycles):
        """Every configured model answered ACTIVE and authorized, unless `lifecycles` says otherwise; then the
        Stability AI Image Services' agreement (read on the first of them)."""
        for model_id, name in _foundation_models(config):
            self.model(model_id, name, **lifecycles.get(model_id, {}))
        self.image_services(image_services)

    def image_services(self, agreement="AVAILABLE"):
        service = registry.image_service_ids()[0]
        bedrock = self.stubs["bedrock"]
        if agreement is None:
            bedrock.add_client_error(
                "get_foundation_model_availability", "AccessDeniedException", expected_params={"modelId": service}
            )
            return
        bedrock.add_response(
            "get_foundation_model_availability", _availability(service, True, agreement), {"modelId": service}
        )

    def run(self, config, environ=None):
        lines: list[str] = []
        for stub in self.stubs.values():
            stub.activate()
        code = run_doctor(session=self.session, out=lines.append, config=config, environ=environ or {})
        for stub in self.stubs.values():
            stub.assert_no_pending_responses()
        return code, "\n".join(lines)


def test_active_default_models_in_their_region_are_ready():
    # Given the default configuration in a region that offers every default model, all Active
    aws = StubbedAws()
    aws.caller()
    config = _config()
    aws.models(config)

    # When doctor runs
    code, output = aws.run(config)

    # Then it is ready, names the account and region, and prints the commands for them
    assert code == READY
    assert f"account {ACCOUNT}" in output and REGION in output
    assert "LEGACY" not in output and "✗" not in output
    assert f"cdk bootstrap aws://{ACCOUNT}/{REGION}" in output
    for model in config.models_by_role().values():
        assert model in output


def test_a_model_bedrock_reports_at_end_of_life_needs_fixing_and_names_the_successor():
    # Given Titan deployed with the override, and Bedrock reporting it EOL
    config = _config(generatorModel=TITAN, allowRetiredModels="true")
    successor = registry.lifecycle(TITAN).successor
    aws = StubbedAws()
    aws.caller()
    aws.models(config, **{TITAN: {"status": "EOL", "end_of_life": dt.datetime(2026, 6, 30, tzinfo=dt.UTC)}})

    code, output = aws.run(config)

    assert code == NEEDS_FIXING
    assert f"({TITAN}) is at its end of life (2026-06-30)" in output
    assert successor and f"cdk deploy -c generatorModel={successor}" in output


def test_a_legacy_model_is_a_warning_with_its_date_and_the_registry_is_said_to_be_stale():
    # Given Bedrock reporting the (registry-Active) judge LEGACY with an end of life
    config = _config()
    judge = config.judge_model
    aws = StubbedAws()
    aws.caller()
    aws.models(
        config,
        **{
            config.foundation_model(judge): {"status": "LEGACY", "end_of_life": dt.datetime(2027, 3, 31, tzinfo=dt.UTC)}
        },
    )

    code, output = aws.run(config)

    assert code == READY  # still works until then
    assert f"({judge}) is LEGACY: it stops working on 2027-03-31" in output
    assert "registry records ACTIVE" in output


def test_model_without_access_needs_fixing():
    config = _config()
    aws = StubbedAws()
    aws.caller()
    generator = config.foundation_model(config.generator_model)
    aws.models(config, **{generator: {"authorized": False}})

    code, output = aws.run(config)

    assert code == NEEDS_FIXING
    assert "model access is not granted" in output


def test_model_not_offered_in_the_region_needs_fixing():
    config = _config()
    (first, _), *rest = _foundation_models(config)
    aws = StubbedAws()
    aws.caller()
    aws.stubs["bedrock"].add_client_error(
        "get_foundation_model", "ValidationException", expected_params={"modelIdentifier": first}
    )
    for model_id, name in rest:
        aws.model(model_id, name)
    aws.image_services()

    code, output = aws.run(config)

    assert code == NEEDS_FIXING
    assert f"does not offer {first} in {REGION}" in output


def test_a_region_the_registry_does_not_list_for_a_model_needs_fixing_naming_where_it_is():
    # Given the default generator, offered only in us-west-2, and a session in us-east-1
    config = _config()
    aws = StubbedAws(region="us-east-1")
    aws.caller()
    aws.models(config)

    code, output = aws.run(config)

    assert code == NEEDS_FIXING
    offered = ", ".join(registry.regions(config.generator_model))
    assert f"generatorModel {config.generator_model} is not offered in us-east-1; it is offered in {offered}" in output


def test_aws_region_is_read_before_aws_default_region_and_the_profile(monkeypatch):
    session = boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing", region_name="eu-west-1")
    assert region_of(session, {"AWS_REGION": "us-west-2", "AWS_DEFAULT_REGION": "eu-west-1"}) == "us-west-2"
    assert region_of(session, {}) == "eu-west-1"

    # Given only AWS_REGION set (boto3 alone would see no region)
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    aws = StubbedAws(region=None)
    aws.caller()
    config = _config()
    aws.models(config)

    code, output = aws.run(config, environ={"AWS_REGION": REGION})

    assert code == READY and f"region {REGION}" in output


def test_an_unreachable_aws_is_told_apart_from_bad_credentials():
    # Given credentials and a region, but no route to AWS
    aws = StubbedAws()

    def unreachable(**_):
        raise EndpointConnectionError(endpoint_url=f"https://sts.{REGION}.amazonaws.com/")

    aws.clients["sts"].get_caller_identity = unreachable

    code, output = aws.run(_config())

    assert code == CANNOT_CHECK
    assert "Could not reach AWS STS" in output and "network" in output
    assert "do not work" not in output


def test_rejected_credentials_cannot_be_checked():
    aws = StubbedAws()
    aws.stubs["sts"].add_client_error("get_caller_identity", "ExpiredToken", http_status_code=403)

    code, output = aws.run(_config())

    assert code == CANNOT_CHECK
    assert "do not work" in output


def test_without_credentials_it_says_what_is_missing(monkeypatch, tmp_path):
    for name in (
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_PROFILE",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
    ):
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


def _quota(name, value, code="L-12345678"):
    return {"ServiceCode": "bedrock", "QuotaName": name, "QuotaCode": code, "Value": value}


SD35_RPM = "On-demand InvokeModel requests per minute for Stable Diffusion 3.5 Large"
DECOYS = [
    _quota("On-demand InvokeModel tokens per minute for Stable Diffusion 3.5 Large", 1e6, "L-TOKENS01"),
    _quota("Cross-Region InvokeModel requests per minute for Stable Diffusion 3.5 Large", 99, "L-CROSS001"),
    _quota("On-demand InvokeModel requests per minute for Stable Diffusion 3.5 Large Turbo", 77, "L-TURBO001"),
]


def _doctor(config, generator_agreement="AVAILABLE", **quotas):
    aws = StubbedAws()
    aws.caller()
    generator = config.foundation_model(config.generator_model)
    aws.models(config, **{generator: {"agreement": generator_agreement}})
    aws.quotas(**quotas)
    return aws.run(config)


@pytest.mark.parametrize(
    ("subscription", "agreement", "code", "line"),
    [
        ("SCOPED", "NOT_AVAILABLE", READY, "⚠ stability.sd3-5-large-v1:0 (generator): the account is not subscribed"),
        (
            "OFF",
            "NOT_AVAILABLE",
            NEEDS_FIXING,
            "✗ stability.sd3-5-large-v1:0 (generator): the account is not subscribed",
        ),
        ("OFF", "ERROR", NEEDS_FIXING, "AWS Marketplace (ERROR)"),
        ("SCOPED", "PENDING", READY, "subscription is being set up (PENDING)"),
        ("OFF", "AVAILABLE", READY, "✓ stability.sd3-5-large-v1:0 (generator): the account is subscribed"),
    ],
)
def test_doctor_says_whether_the_account_is_subscribed_to_the_marketplace_generator(
    subscription, agreement, code, line
):
    # Given the default (Stability) generator, the modelSubscription setting and Bedrock's agreement status
    config = _config(modelSubscription=subscription, imageModelRequestsPerMinute=10)
    assert registry.marketplace_product_id(config.generator_model)

    output_code, output = _doctor(config, agreement, applied=[_quota(SD35_RPM, 10)])

    # Then it says so, and what to do when it is not: a problem only when nothing will subscribe
    assert output_code == code, output
    assert line in output
    if agreement != "AVAILABLE" and agreement != "PENDING":
        assert "aws bedrock create-foundation-model-agreement --model-id stability.sd3-5-large-v1:0" in output
    # And Amazon's own models (the judge) are never said to need a subscription
    assert f"{config.judge_model} (judge" not in "".join(line for line in output.splitlines() if "Marketplace" in line)


def test_an_unreadable_subscription_is_a_warning_naming_the_refused_call():
    config = _config(imageModelRequestsPerMinute=10)
    aws = StubbedAws()
    aws.caller()
    aws.models(config, **{config.foundation_model(config.generator_model): {"agreement": None}})
    aws.quotas(applied=[_quota(SD35_RPM, 10)])

    code, output = aws.run(config)

    assert code == READY
    assert "cannot tell whether the account is subscribed" in output and "AccessDeniedException" in output
    assert "Traceback" not in output


@pytest.mark.parametrize(
    ("setting", "code", "expected"),
    [
        (
            8,
            READY,
            "✓ On-demand InvokeModel requests per minute for Stable Diffusion 3.5 Large (L-SD35RPM): 10 a "
            "minute (applied); imageModelRequestsPerMinute 8 is within it",
        ),
        (50, NEEDS_FIXING, "but imageModelRequestsPerMinute is 50: a benchmark at that rate is throttled"),
        (None, READY, "imageModelRequestsPerMinute is not set"),
    ],
)
def test_the_applied_image_quota_is_compared_with_the_setting(setting, code, expected):
    # Given an applied quota of 10 requests a minute among decoys (tokens, cross-region, another model)
    config = _config(**({"imageModelRequestsPerMinute": setting} if setting else {}))

    output_code, output = _doctor(config, applied=[*DECOYS, _quota(SD35_RPM, 10, "L-SD35RPM")])

    assert output_code == code, output
    assert expected in output
    if setting != 8:  # the value to deploy with, and the loops it allows
        cap = constants.benchmark_concurrency_for_quota(10)
        assert f"`-c imageModelRequestsPerMinute=10` (at most {cap} loops at once)" in output


def test_a_quota_without_an_applied_value_is_read_from_the_defaults():
    config = _config(imageModelRequestsPerMinute=8)
    code, output = _doctor(config, applied=DECOYS, defaults=[_quota(SD35_RPM, 8, "L-SD35RPM")])
    assert code == READY and "8 a minute (default); imageModelRequestsPerMinute 8 is within it" in output


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"error": "AccessDeniedException"}, "(AccessDeniedException: your credentials may not call servicequotas"),
        ({"error": "NoSuchResourceException"}, "(NoSuchResourceException: Service Quotas has no quotas for bedrock"),
        ({"applied": DECOYS, "defaults": []}, "Service Quotas lists no 'On-demand InvokeModel requests per minute for"),
    ],
)
def test_a_quota_that_cannot_be_read_is_one_clear_warning(kwargs, expected):
    config = _config(imageModelRequestsPerMinute=8)

    code, output = _doctor(config, **kwargs)

    assert code == READY  # the quota is advice: nothing to fix that doctor could see
    (line,) = [line for line in output.splitlines() if "quota" in line.lower()]
    assert line.startswith("⚠ stability.sd3-5-large-v1:0 quota:") and expected in line
    assert "Traceback" not in output


def test_the_quota_name_may_lead_with_the_provider_but_not_trail_with_another_model():
    from imagegate.doctor import _matching_quota

    prefix = "On-demand InvokeModel requests per minute for "
    named = _quota(prefix + "Stability AI Stable Diffusion 3.5 Large", 3, "L-PROVIDER")
    assert _matching_quota([*DECOYS, named], prefix, "Stable Diffusion 3.5 Large") is named
    assert _matching_quota(DECOYS, prefix, "Stable Diffusion 3.5 Large") is None  # "... Large Turbo" is another model


@pytest.mark.parametrize(
    ("subscription", "agreement", "line"),
    [
        (
            "SCOPED",
            "AVAILABLE",
            "✓ Stability AI Image Services (enhancements, strategy targeted): the account is subscribed",
        ),
        (
            "SCOPED",
            "NOT_AVAILABLE",
            "with modelSubscription SCOPED (no product id to scope a grant to) the stack cannot",
        ),
        ("OFF", "NOT_AVAILABLE", "with modelSubscription OFF (no Marketplace permissions) the stack cannot subscribe"),
        ("ANY", "NOT_AVAILABLE", "with modelSubscription ANY the first enhancement or targeted edit subscribes it"),
        ("SCOPED", "PENDING", "subscription is being set up (PENDING)"),
        ("SCOPED", None, "cannot tell whether the account is subscribed to them"),
    ],
)
def test_doctor_says_whether_the_image_services_are_subscribed_and_what_to_do(subscription, agreement, line):
    # Given the generator subscribed, and the Image Services' agreement as Bedrock reports it on one of them
    config = _config(modelSubscription=subscription, imageModelRequestsPerMinute=10)
    aws = StubbedAws()
    aws.caller()
    aws.models(config, image_services=agreement)
    aws.quotas(applied=[_quota(SD35_RPM, 10)])

    code, output = aws.run(config)

    # Then it says so on one line; the loop does not need them, so it is never a problem of its own
    [said] = [text for text in output.splitlines() if text.startswith(("✓ Stability AI Image", "⚠ Stability AI Image"))]
    assert line in said and code == READY, output
    # And where nothing in the stack will subscribe, it gives the administrator's commands
    service = registry.image_service_ids()[0]
    commands = f"aws bedrock create-foundation-model-agreement --model-id {service}"
    assert (commands in said) == (agreement == "NOT_AVAILABLE" and subscription != "ANY")
