"""`imagegate doctor`: can this machine deploy and run imagegate in AWS? Checks credentials and region,
then each configured Bedrock model (offered in the region, access granted, lifecycle as Bedrock reports it),
and prints the exact bootstrap and deploy commands. Exit code: 0 ready, 1 something to fix, 2 nothing could
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
    access = _model_access(bedrock, foundation_model)
    problems = 0
    if status == "EOL":
        problems = 1  # Bedrock refuses every request: reported below with what to switch to
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


def _model_access(bedrock: Any, foundation_model: str) -> bool | None:
    """True/False from GetFoundationModelAvailability, None when that call is not allowed or fails."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        availability = bedrock.get_foundation_model_availability(modelId=foundation_model)
    except (ClientError, BotoCoreError):
        return None
    return (
        availability.get("authorizationStatus") == "AUTHORIZED"
        and availability.get("entitlementAvailability") == "AVAILABLE"
    )


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
