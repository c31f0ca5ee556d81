"""`imagegate doctor`: can this machine deploy and run imagegate in AWS? Checks credentials and region,
then each configured Bedrock model (offered here, access granted, lifecycle), and prints the exact
bootstrap and deploy commands. Exit code: 0 ready, 1 something to fix, 2 nothing could be checked."""

from __future__ import annotations

from typing import Any, Callable

from infra.config import ImagegateConfig

READY, NEEDS_FIXING, CANNOT_CHECK = 0, 1, 2

_NO_REGION = ("No AWS region is configured. Set AWS_REGION (for example `export AWS_REGION=us-east-1`) "
              "or run `aws configure set region us-east-1`.")
_NO_CREDENTIALS = ("No AWS credentials were found. Set AWS_PROFILE to a configured profile (`aws configure` or "
                   "`aws sso login --profile NAME`), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.")


def run_doctor(session: Any = None, out: Callable[[str], Any] = print,
               config: ImagegateConfig | None = None) -> int:
    import boto3

    session = session or boto3.Session()
    config = config or ImagegateConfig.from_cdk_json()

    region = session.region_name
    missing = [message for absent, message in ((not region, _NO_REGION),
                                                (session.get_credentials() is None, _NO_CREDENTIALS)) if absent]
    if missing:
        for message in missing:
            out(f"✗ {message}")
        out("Nothing in AWS was checked. Fix the above and run `imagegate doctor` again.")
        return CANNOT_CHECK

    account = _caller_account(session, region, out)
    if account is None:
        return CANNOT_CHECK

    problems = 0
    bedrock = session.client("bedrock", region_name=region)
    for model_id, roles in _models_by_id(config).items():
        problems += _check_model(bedrock, config, model_id, roles, region, out)

    out("")
    out("Deploy (from the repository root, with the same credentials):")
    out(f"  cdk bootstrap aws://{account}/{region}")
    out("  cdk deploy")
    out("Without the cdk CLI: `npm install -g aws-cdk` first (the app itself synthesizes with `make synth`).")
    if problems:
        out(f"{problems} problem(s) above must be fixed before runs can succeed.")
        return NEEDS_FIXING
    out("✓ Ready to deploy.")
    return READY


def _caller_account(session: Any, region: str, out: Callable[[str], Any]) -> str | None:
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        identity = session.client("sts", region_name=region).get_caller_identity()
    except (ClientError, BotoCoreError) as error:
        out(f"✗ The AWS credentials were found but do not work (sts:GetCallerIdentity failed: {error}). "
            "Refresh them (`aws sso login`, new access keys) and run `imagegate doctor` again.")
        return None
    out(f"✓ AWS account {identity['Account']} as {identity['Arn']}, region {region}")
    return identity["Account"]


def _models_by_id(config: ImagegateConfig) -> dict[str, list[str]]:
    models: dict[str, list[str]] = {}
    for role in ("generator", "judge", "rewriter"):
        models.setdefault(config.model_for(role), []).append(role)
    return models


def _check_model(bedrock: Any, config: ImagegateConfig, model_id: str, roles: list[str], region: str,
                 out: Callable[[str], Any]) -> int:
    """Print what is known about one configured model; return how many problems it has (0 or 1)."""
    from botocore.exceptions import ClientError

    label = f"{model_id} ({' and '.join(roles)})"
    profile_regions = config.profile_regions(model_id)
    if profile_regions and region not in profile_regions:
        out(f"✗ {label} is a cross-region inference profile for {', '.join(profile_regions)}, not {region}: "
            f"deploy in one of those regions or choose another model with `cdk deploy -c {roles[0]}Model=...`.")
        return 1

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

    problems = 0
    access = _model_access(bedrock, foundation_model)
    if access is False:
        out(f"✗ {label}: model access is not granted in {region}. Request it in the Bedrock console "
            "(Model access), then run `imagegate doctor` again.")
        problems = 1
    else:
        status = details.get("modelLifecycle", {}).get("status", "unknown")
        checked = "access granted" if access else "access not checked"
        out(f"✓ {label}: {details.get('modelName', foundation_model)} is offered in {region}, {checked}, "
            f"lifecycle {status}")
    _warn_if_legacy(config, model_id, roles, details, out)
    return problems


def _model_access(bedrock: Any, foundation_model: str) -> bool | None:
    """True/False from GetFoundationModelAvailability, None when that call is not allowed or fails."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        availability = bedrock.get_foundation_model_availability(modelId=foundation_model)
    except (ClientError, BotoCoreError):
        return None
    return (availability.get("authorizationStatus") == "AUTHORIZED"
            and availability.get("entitlementAvailability") == "AVAILABLE")


def _warn_if_legacy(config: ImagegateConfig, model_id: str, roles: list[str], details: dict[str, Any],
                    out: Callable[[str], Any]) -> None:
    lifecycle = details.get("modelLifecycle", {})
    if lifecycle.get("status") != "LEGACY":
        return
    registered = {**config.registry["generators"], **config.registry["textModels"]}.get(model_id, {})
    registered_lifecycle = registered.get("lifecycle", {})
    end_of_life = lifecycle.get("endOfLifeTime")
    end_of_life = end_of_life.date().isoformat() if end_of_life else registered_lifecycle.get("endOfLife", "unknown")
    message = (f"⚠ {registered.get('displayName', model_id)} ({model_id}) is LEGACY: it stops working on "
               f"{end_of_life}, and accounts that never used it cannot get access.")
    replacement = registered_lifecycle.get("successor")
    if replacement:
        name = config.registry["generators"].get(replacement, {}).get("displayName", replacement)
        message += f" Switch to {name} ({replacement}): `cdk deploy -c {roles[0]}Model={replacement}`."
    out(message)
