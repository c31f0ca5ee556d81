"""`imagegate doctor`: can this machine deploy and run imagegate in AWS? Checks credentials and region,
then each configured Bedrock model (offered in the region, access granted, lifecycle as Bedrock reports it, and
for a model sold through AWS Marketplace whether the account is subscribed), the Stability AI Image Services'
subscription, the image model's applied requests-per-minute quota against the imageModelRequestsPerMinute
setting, and prints the exact bootstrap and deploy commands. Exit code: 0 ready, 1 something to fix, 2 nothing could
be checked (no credentials or region, credentials rejected, or AWS unreachable)."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any

from infra.config import ContextError, ImagegateConfig

READY, NEEDS_FIXING, CANNOT_CHECK = 0, 1, 2

_NO_REGION = (
    "No AWS region is configured. Set AWS_REGION (for example `export AWS_REGION=us-west-2`) "
    "or run `aws configure set region us-west-2`."
)
_NO_CREDENTIALS = (
    "No AWS credentials were found. Set AWS_PROFILE to a configured profile (`aws configure` or "
    "`aws sso login --profile NAME`), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY."
)
# STS answers these when the keys themselves are wrong or stale (not a permissions question).
_REJECTED_CREDENTIALS = (
    "InvalidClientTokenId",
    "SignatureDoesNotMatch",
    "ExpiredToken",
    "ExpiredTokenException",
    "UnrecognizedClientException",
    "InvalidAccessKeyId",
    "AuthFailure",
)


Out = Callable[[str], Any]


def run_doctor(
    session: Any = None,
    out: Out = print,
    config: ImagegateConfig | None = None,
    environ: Mapping[str, str] | None = None,
    today: date | None = None,
) -> int:
    import boto3

    session = session or boto3.Session()
    if config is None:
        try:
            config = ImagegateConfig.from_cdk_json(today)
        except ContextError as error:
            out(f"✗ cdk.json: {error}")
            return NEEDS_FIXING

    region = region_of(session, os.environ if environ is None else environ)
    missing = [
        message
        for absent, message in ((not region, _NO_REGION), (_credentials(session) is None, _NO_CREDENTIALS))
        if absent
    ]
    if missing:
        for message in missing:
            out(f"✗ {message}")
        out("Nothing in AWS was checked. Fix the above and run `imagegate doctor` again.")
        return CANNOT_CHECK

    account = _caller_account(session, region, out)
    if account is None:
        return CANNOT_CHECK

    problems = _region_problems(config, region, out)
    bedrock = session.client("bedrock", region_name=region)
    for model_id, roles in _models_by_id(config).items():
        problems += _check_model(bedrock, config, model_id, roles, region, out)
    _check_image_services(bedrock, config, region, out)
    problems += _check_image_quota(session, config, region, out)

    out("")
    out("Deploy (from the repository root, with the same credentials):")
    out(f"  cdk bootstrap aws://{account}/{region}")
    out(f"  AWS_REGION={region} cdk deploy")
    out("The cdk CLI needs Node.js 22 or 24: `npm install -g aws-cdk` (the app itself synthesizes with `make synth`).")
    if problems:
        out(f"{problems} problem(s) above must be fixed before runs can succeed.")
        return NEEDS_FIXING
    out("✓ Ready to deploy.")
    return READY


def region_of(session: Any, environ: Mapping[str, str]) -> str | None:
    """The region the way the AWS SDKs read it: AWS_REGION first, then AWS_DEFAULT_REGION and the profile's
    `region` (boto3's session, which ignores AWS_REGION)."""
    return environ.get("AWS_REGION") or session.region_name


def _credentials(session: Any) -> Any:
    from botocore.exceptions import BotoCoreError

    try:
        return session.get_credentials()
    except BotoCoreError:  # a profile that names a missing source, an SSO profile never logged in, ...
        return None


def _caller_account(session: Any, region: str, out: Out) -> str | None:
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        identity = session.client("sts", region_name=region).get_caller_identity()
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "")
        if code in _REJECTED_CREDENTIALS:
            out(
                f"✗ The AWS credentials were found but do not work ({code}). Refresh them (`aws sso login`, new "
                "access keys) and run `imagegate doctor` again."
            )
        else:
            out(f"✗ sts:GetCallerIdentity failed ({code}: {error.response.get('Error', {}).get('Message', '')}).")
        return None
    except BotoCoreError as error:
        if _is_network_failure(error):
            out(
                f"✗ Could not reach AWS STS in {region} (network: {error}). Your credentials were not judged: "
                "check the connection, proxy (HTTPS_PROXY) or VPN, and that the region name is right."
            )
        else:
            out(
                f"✗ The AWS credentials could not be used ({type(error).__name__}: {error}). Refresh them "
                "(`aws sso login`, new access keys) and run `imagegate doctor` again."
            )
        return None
    out(f"✓ AWS account {identity['Account']} as {identity['Arn']}, region {region}")
    return identity["Account"]


def _is_network_failure(error: Exception) -> bool:
    from botocore.exceptions import ConnectionError as BotoConnectionError
    from botocore.exceptions import HTTPClientError

    return isinstance(error, (BotoConnectionError, HTTPClientError))


def _models_by_id(config: ImagegateConfig) -> dict[str, list[str]]:
    models: dict[str, list[str]] = {}
    for role, model in config.models_by_role().items():
        models.setdefault(model, []).append(role)
    return models


def _region_problems(config: ImagegateConfig, region: str, out: Out) -> int:
    """What the registry says about this region (the same check synthesis makes)."""
    try:
        notes = config.region_check(region)
    except ContextError as error:
        for problem in error.problems:
            out(f"✗ {problem}")
        return 1
    for note in notes:
        out(f"⚠ {note}")
    return 0


def _check_model(bedrock: Any, config: ImagegateConfig, model_id: str, roles: list[str], region: str, out: Out) -> int:
    """Print what Bedrock says about one configured model here; return how many problems it has (0 or 1)."""
    from botocore.exceptions import BotoCoreError, ClientError

    label = f"{model_id} ({' and '.join(roles)})"
    foundation_model = config.foundation_model(model_id)
    try:
        details = bedrock.get_foundation_model(modelIdentifier=foundation_model)["modelDetails"]
    except ClientError as error:
        code = error.response["Error"]["Code"]
        if code == "AccessDeniedException":
            out(f"✗ {label}: your credentials may not call bedrock:GetFoundationModel ({code}).")
        else:
            out(f"✗ {label}: Bedrock does not offer {foundation_model} in {region} ({code}).")
        return 1
    except BotoCoreError as error:
        out(
            f"✗ {label}: could not reach Bedrock in {region} ({'network: ' if _is_network_failure(error) else ''}"
            f"{error})."
        )
        return 1

    lifecycle = details.get("modelLifecycle") or {}
    status = lifecycle.get("status", "unknown")
    availability = _availability(bedrock, foundation_model)
    access = _access_granted(availability)
    problems = 0
    subscription_problem = _report_subscription(config, model_id, label, foundation_model, availability, region, out)
    if status == "EOL":
        problems = 1  # Bedrock refuses every request: reported below with what to switch to
    elif subscription_problem is not None:
        problems = subscription_problem  # said by _report_subscription: not subscribed, or subscribing
    elif access is False:
        out(
            f"✗ {label}: model access is not granted in {region}. Open the model once in the Bedrock console's "
            "playground as an administrator (a third-party model's first call subscribes the account through AWS "
            "Marketplace), then run `imagegate doctor` again."
        )
        problems = 1
    else:
        checked = "access granted" if access else "access not checked"
        out(
            f"✓ {label}: {details.get('modelName', foundation_model)} is offered in {region}, {checked}, "
            f"lifecycle {status}"
        )
    _report_lifecycle(config, model_id, roles, lifecycle, out)
    return problems


def _availability(bedrock: Any, foundation_model: str) -> dict[str, Any] | str:
    """GetFoundationModelAvailability's answer, or the error code that kept it from being read."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        answer: dict[str, Any] = bedrock.get_foundation_model_availability(modelId=foundation_model)
        return answer
    except ClientError as error:
        return str(error.response.get("Error", {}).get("Code") or "ClientError")
    except BotoCoreError as error:
        return type(error).__name__


def _access_granted(availability: dict[str, Any] | str) -> bool | None:
    """True/False from GetFoundationModelAvailability, None when that call is not allowed or fails."""
    if isinstance(availability, str):
        return None
    return (
        availability.get("authorizationStatus") == "AUTHORIZED"
        and availability.get("entitlementAvailability") == "AVAILABLE"
    )


# GetFoundationModelAvailability's agreementAvailability.status: the account's model access agreement, i.e. its AWS
# Marketplace subscription to a third-party model (AVAILABLE | PENDING | NOT_AVAILABLE | ERROR; Bedrock API reference,
# https://docs.aws.amazon.com/bedrock/latest/APIReference/API_GetFoundationModelAvailability.html). An
# administrator subscribes by hand with ListFoundationModelAgreementOffers + CreateFoundationModelAgreement
# (API_CreateFoundationModelAgreement.html), which is what the console's "request access" does.
AGREEMENT_SUBSCRIBED, AGREEMENT_PENDING = "AVAILABLE", "PENDING"


def _subscribe_commands(foundation_model: str, region: str) -> str:
    return (
        f"`aws bedrock list-foundation-model-agreement-offers --model-id {foundation_model} --region {region}`, then "
        f"`aws bedrock create-foundation-model-agreement --model-id {foundation_model} --offer-token <offerToken> "
        f"--region {region}`"
    )


def _report_subscription(
    config: ImagegateConfig,
    model_id: str,
    label: str,
    foundation_model: str,
    availability: dict[str, Any] | str,
    region: str,
    out: Out,
) -> int | None:
    """For a model sold through AWS Marketplace (the registry records its product id): whether the account is
    subscribed and what to do if not. Returns the problems when it is not (0 while a subscription is on its way or
    the stack will subscribe on the first call, 1 when nothing will), None when subscribed, not a Marketplace model,
    or not readable (a warning says so)."""
    from imagegate_service import registry

    if registry.marketplace_product_id(model_id) is None:
        return None  # Amazon's own models: no Marketplace subscription
    if isinstance(availability, str):
        out(
            f"⚠ {label}: cannot tell whether the account is subscribed to it in AWS Marketplace: "
            f"bedrock:GetFoundationModelAvailability answered {availability}. Allow that action to check, or read "
            "the model's access in the Bedrock console (Model access); a run the model refuses fails with "
            "ModelAccessDenied."
        )
        return None
    agreement = availability.get("agreementAvailability") or {}
    state = str(agreement.get("status") or "unknown")
    if state == AGREEMENT_SUBSCRIBED:
        out(f"✓ {label}: the account is subscribed to it in AWS Marketplace in {region}")
        return None
    if state == AGREEMENT_PENDING:
        out(
            f"⚠ {label}: the account's AWS Marketplace subscription is being set up (PENDING); it can take up to 15 "
            "minutes, and calls meanwhile are refused. Run `imagegate doctor` again before the first run."
        )
        return 0
    detail = f" ({agreement['errorMessage']})" if agreement.get("errorMessage") else ""
    by_hand = f"subscribe as an administrator: {_subscribe_commands(foundation_model, region)}"
    if config.model_subscription != "OFF":
        out(
            f"⚠ {label}: the account is not subscribed to it in AWS Marketplace yet ({state}{detail}). With "
            f"modelSubscription {config.model_subscription} the generator's role may subscribe, so the first run's "
            "first call subscribes the account (it needs a payment method; calls may be refused for up to 15 "
            f"minutes). To subscribe now instead, {by_hand}."
        )
        return 0
    out(
        f"✗ {label}: the account is not subscribed to it in AWS Marketplace ({state}{detail}), and modelSubscription "
        f"OFF gives the stack no Marketplace permissions, so every call will be refused. Either {by_hand}, or deploy "
        "with `-c modelSubscription=SCOPED` so the first call subscribes."
    )
    return 1


def _check_image_services(bedrock: Any, config: ImagegateConfig, region: str, out: Out) -> None:
    """Whether the account is subscribed to the Stability AI Image Services (enhancements and strategy targeted's
    edits), read on one of them: subscribing to any enrolls the account in all (Bedrock user guide,
    stable-image-services.html). Never a problem (runs do not need them), but a warning says what to do when nothing
    will subscribe: under modelSubscription SCOPED (no product id to scope a grant to) or OFF."""
    from imagegate_service import registry

    label = "Stability AI Image Services (enhancements, strategy targeted)"
    model_id = registry.image_service_ids()[0]
    availability = _availability(bedrock, model_id)
    if isinstance(availability, str):
        out(
            f"⚠ {label}: cannot tell whether the account is subscribed to them in AWS Marketplace: "
            f"bedrock:GetFoundationModelAvailability answered {availability} for {model_id}."
        )
        return
    agreement = availability.get("agreementAvailability") or {}
    state = str(agreement.get("status") or "unknown")
    if state == AGREEMENT_SUBSCRIBED:
        out(f"✓ {label}: the account is subscribed to them in AWS Marketplace in {region}")
        return
    if state == AGREEMENT_PENDING:
        out(f"⚠ {label}: the account's AWS Marketplace subscription is being set up (PENDING).")
        return
    if config.image_services_grant() is not None:
        out(
            f"⚠ {label}: the account is not subscribed to them yet ({state}); with modelSubscription "
            f"{config.model_subscription} the first enhancement or targeted edit subscribes it (payment method needed)."
        )
        return
    why = "no product id to scope a grant to" if config.model_subscription == "SCOPED" else "no Marketplace permissions"
    out(
        f"⚠ {label}: the account is not subscribed to them ({state}), and with modelSubscription "
        f"{config.model_subscription} ({why}) the stack cannot subscribe, so enhancements and targeted edits are "
        f"refused until an administrator subscribes: {_subscribe_commands(model_id, region)} (one service enrolls "
        "all), or deploy with `-c modelSubscription=ANY`."
    )


# Service Quotas names Bedrock's per-model request quotas "On-demand InvokeModel requests per minute for ${model}"
# and "Cross-Region InvokeModel requests per minute for ${model}" (an inference profile's) (Bedrock user guide,
# "Request an increase for Amazon Bedrock quotas", https://docs.aws.amazon.com/bedrock/latest/userguide/
# quotas-increase.html). ${model} is the model's name as Service Quotas spells it: matched here by the registry's
# displayName words. ListServiceQuotas lists applied values and leaves out a quota without one
# (API_ListServiceQuotas.html), so the default list is read next.
QUOTA_SERVICE_CODE = "bedrock"
ON_DEMAND_QUOTA, CROSS_REGION_QUOTA = "On-demand", "Cross-Region"
QUOTA_NAME = "{kind} InvokeModel requests per minute for "


def _words(text: str) -> list[str]:
    import re

    return re.findall(r"[a-z0-9]+(?:\.[0-9]+)?", text.lower())


def _matching_quota(quotas: list[dict[str, Any]], prefix: str, model_name: str) -> dict[str, Any] | None:
    """The quota named prefix + a name ending in model_name's words (a provider's name may come first: "Stability
    AI Stable Diffusion 3.5 Large"; another model's, "... Large Turbo", does not match); of several, the shortest."""
    wanted = _words(model_name)
    found = []
    for quota in quotas:
        name = str(quota.get("QuotaName") or "")
        if not name.lower().startswith(prefix.lower()):
            continue
        words = _words(name[len(prefix) :])
        if wanted and words[-len(wanted) :] == wanted:
            found.append((len(words) - len(wanted), name, quota))
    return min(found, key=lambda item: (item[0], item[1]))[2] if found else None


def _listed_quotas(client: Any, operation: str) -> list[dict[str, Any]]:
    return [
        quota
        for page in client.get_paginator(operation).paginate(ServiceCode=QUOTA_SERVICE_CODE)
        for quota in page.get("Quotas") or []
    ]


def _check_image_quota(session: Any, config: ImagegateConfig, region: str, out: Out) -> int:
    """The image model's applied requests-per-minute quota (Service Quotas) next to imageModelRequestsPerMinute:
    1 problem when the setting is above it (a benchmark would be throttled past its retries), else 0; a quota that
    cannot be read is a warning naming why and where to look."""
    from botocore.exceptions import BotoCoreError, ClientError

    from imagegate_service import constants, registry

    model_id = config.generator_model
    name = (registry.document()["generators"].get(model_id) or {}).get("displayName", model_id)
    kind = CROSS_REGION_QUOTA if config.profile_regions(model_id) else ON_DEMAND_QUOTA
    prefix = QUOTA_NAME.format(kind=kind)
    setting = config.image_model_requests_per_minute
    where = f"the Service Quotas console (Amazon Bedrock, '{prefix}{name}', {region})"
    client = session.client("service-quotas", region_name=region)
    try:
        quota, source = _matching_quota(_listed_quotas(client, "list_service_quotas"), prefix, name), "applied"
        if quota is None:
            quota = _matching_quota(_listed_quotas(client, "list_aws_default_service_quotas"), prefix, name)
            source = "default"
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "")
        reason = (
            "your credentials may not call servicequotas:ListServiceQuotas"
            if code in ("AccessDeniedException", "AccessDenied")
            else f"Service Quotas has no quotas for {QUOTA_SERVICE_CODE} in {region}"
            if code == "NoSuchResourceException"
            else f"Service Quotas answered {code}"
        )
        out(f"⚠ {model_id} quota: cannot read the requests-per-minute quota ({code}: {reason}); look in {where}.")
        return 0
    except BotoCoreError as error:
        out(f"⚠ {model_id} quota: could not reach Service Quotas in {region} ({error}); look in {where}.")
        return 0
    if quota is None:
        out(
            f"⚠ {model_id} quota: Service Quotas lists no '{prefix}{name}' quota in {region} (Bedrock may limit this "
            "model by tokens only there); imageModelRequestsPerMinute then bounds benchmarks by your own choice."
        )
        return 0
    value = float(quota.get("Value") or 0)
    cap = constants.benchmark_concurrency_for_quota(int(value))  # at least 1
    what = f"{quota.get('QuotaName')} ({quota.get('QuotaCode')}): {value:g} a minute ({source})"
    if setting is None:
        out(
            f"⚠ {what}. imageModelRequestsPerMinute is not set, so benchmarks are not bounded by it: deploy with "
            f"`-c imageModelRequestsPerMinute={int(value)}` (at most {cap} loops at once)."
        )
        return 0
    if setting > value:
        out(
            f"✗ {what}, but imageModelRequestsPerMinute is {setting}: a benchmark at that rate is throttled past its "
            f"retries. Deploy with `-c imageModelRequestsPerMinute={int(value)}` (at most {cap} loops at once), or "
            "request an increase of the quota first."
        )
        return 1
    out(f"✓ {what}; imageModelRequestsPerMinute {setting} is within it")
    return 0


def _report_lifecycle(
    config: ImagegateConfig, model_id: str, roles: list[str], lifecycle: Mapping[str, Any], out: Out
) -> None:
    """LEGACY (a warning, with its end of life) or EOL (a problem), with the registry's successor to switch to."""
    from imagegate_service import registry

    status = lifecycle.get("status")
    if status not in ("LEGACY", "EOL"):
        return
    recorded = registry.lifecycle(model_id)
    end = lifecycle.get("endOfLifeTime")
    end_text = (
        end.date().isoformat()
        if isinstance(end, datetime)
        else recorded.end_of_life.isoformat()
        if recorded.end_of_life
        else "a date Bedrock does not give"
    )
    spec = {**config.registry["generators"], **config.registry["textModels"]}.get(model_id, {})
    name = f"{spec.get('displayName', model_id)} ({model_id})"
    if status == "EOL":
        message = f"✗ {name} is at its end of life ({end_text}): Bedrock refuses every request."
    else:
        message = (
            f"⚠ {name} is LEGACY: it stops working on {end_text}, and accounts that never used it cannot get access."
        )
    if recorded.successor:
        successor = {**config.registry["generators"], **config.registry["textModels"]}.get(recorded.successor, {})
        switches = " ".join(f"-c {role}Model={recorded.successor}" for role in roles)
        message += (
            f" Switch to {successor.get('displayName', recorded.successor)} ({recorded.successor}): "
            f"`cdk deploy {switches}`."
        )
    if recorded.status != status:
        message += (
            f" (The model registry records {recorded.status}, checked {recorded.checked_on}: update "
            "model_registry.json.)"
        )
    out(message)
