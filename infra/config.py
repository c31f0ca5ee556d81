"""Every setting, name and permission of the deployed stack, each declared once.

Settings are `Setting`s: context key, type (the field's annotation), default, environment variable,
validation and help, one declaration each (`SETTINGS`, in the order docs/deploy.md lists them). Values come
from, strongest first: CDK context given with `-c key=value` (or `CDK_CONTEXT_JSON`), the environment
variable `IMAGEGATE_CDK_<FIELD>` (e.g. IMAGEGATE_CDK_ALARM_EMAIL), cdk.json's `context`, then the default.
Defaults that are run settings (threshold, max rounds, models) are the runtime's own, read from
`imagegate_service.settings`; names the handlers share come from `imagegate_service.constants`.
This module needs no CDK, so the CLI's `doctor` command reads the same settings.
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
import re
import typing
import zoneinfo
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from imagegate_service import allowed_models, constants, workflows
from imagegate_service import registry as model_registry
from imagegate_service import settings as runtime_settings
from imagegate_service.domain.refining import TARGETED_OPERATIONS
from imagegate_service.resources import powertools_environment
from infra import layer

REPO_ROOT = Path(__file__).resolve().parent.parent
STATE_MACHINE_FILE = workflows.quality_loop_file()
# What the Lambda code asset holds at its root: the runtime package and the prompts it loads.
RUNTIME_CODE_FOLDERS = (REPO_ROOT / "functions" / "imagegate_service", REPO_ROOT / "prompts")
LAMBDA_TASK_ROOT = "/var/task"

# The public Powertools for AWS Lambda (Python) v3 layer, published per Python version and architecture:
# arn:aws:lambda:{region}:017000801446:layer:AWSLambdaPowertoolsPythonV3-{python_version}-arm64:27 (Powertools docs,
# "Lambda Layer": https://docs.powertools.aws.dev/lambda/python/latest/#lambda-layer; version 27 since
# https://github.com/aws-powertools/powertools-lambda-python/pull/7757). The version is context (powertoolsLayerVersion).
POWERTOOLS_LAYER_ACCOUNT = "017000801446"
POWERTOOLS_LAYER_NAME = (
    f"AWSLambdaPowertoolsPythonV3-{layer.runtime_name().replace('.', '')}-{layer.LAMBDA_ARCHITECTURE}"
)

# Regions a cross-region inference profile may route to, by its id's prefix: the model registry's one table
# (`inferenceProfileRegions`, with its sources: Bedrock user guide, "Supported Regions and models for inference
# profiles"; eu-south-1 and eu-south-2 from "Supported Regions and models for batch inference", which lists them
# with the four others as regions supporting the Nova Lite, Micro and Pro inference profiles: granting the same
# foundation model there too widens nothing else, and a request routed there is not refused). Override with
# context `inferenceProfileRegions`.
INFERENCE_PROFILE_REGIONS: dict[str, tuple[str, ...]] = model_registry.inference_profile_regions()

# Geography prefixes of cross-region inference profile ids (a plain model id starts with its provider).
INFERENCE_PROFILE_PREFIXES = ("us", "eu", "apac", "jp", "au", "ca", "us-gov", "global")

SFN_LOG_LEVELS = ("ALL", "ERROR", "FATAL", "OFF")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
# CloudWatch Logs accepts only these retention periods.
LOG_RETENTION_DAYS_ALLOWED = (
    1,
    3,
    5,
    7,
    14,
    30,
    60,
    90,
    120,
    150,
    180,
    365,
    400,
    545,
    731,
    1096,
    1827,
    2192,
    2557,
    2922,
    3288,
    3653,
)


@dataclass(frozen=True)
class FunctionSpec:
    """One Lambda function: which model role it may invoke and the storage actions its handler needs.

    The actions are the contract with the handlers: a handler that calls anything else gets AccessDenied.
    """

    name: str
    memory_mb: int
    timeout_seconds: int
    model_role: str | None = None  # "generator" | "judge" | "rewriter" | "evaluator": that configured model only
    s3_object_actions: tuple[str, ...] = ()  # on the bucket's runs/* prefix only
    dynamodb_actions: tuple[str, ...] = ()  # on the table only (not its index)
    report_object_actions: tuple[str, ...] = ()  # on the bucket's benchmarks/* prefix only
    # rekognition:DetectLabels and DetectText (the verifier): actions without resource-level permissions
    detects: bool = False
    # strategy targeted (issue 28.2): the enhance operations (domain/refining.TARGETED_OPERATIONS) whose Stability AI
    # Image Services model the function may invoke (each foundation model in the stack's region), and
    # rekognition:DetectLabels alone for a targeted erase's mask (a run may ask for the strategy whatever the
    # deployment's verifier)
    image_services: tuple[str, ...] = ()
    detects_for_masks: bool = False
    lists_reports: bool = False  # s3:ListBucket on the bucket, only with s3:prefix benchmarks/*

    @property
    def handler(self) -> str:
        return f"{constants.HANDLER_MODULE.format(name=self.name)}.handler"

    @property
    def substitution(self) -> str:
        """The ASL's `${...}` name for this function's ARN."""
        return {**constants.HANDLERS, **constants.BENCHMARK_HANDLERS, **constants.ENHANCE_HANDLERS}[self.name]


# Image and vision calls wait up to 300 s on Bedrock (the adapter's read timeout), so those functions
# get a little more than that; the rest only touch S3/DynamoDB.
# The spend ledger (domain/spend.py) from every function that calls a model: the budget reservation is an
# UpdateItem, the ledger entry and its settlement one TransactWriteItems, whose Put and Update "initiate a PutItem
# / UpdateItem operation" and need those actions
# (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TransactWriteItems.html); GetItem reads
# the committed spend when a call does not fit. With dailyBudgetUsd a round's reservation is a TransactWriteItems
# with a ConditionCheck that the run has not ended (adapters/controls.py, reserve_round): ConditionCheckItem.
_LEDGER_ACTIONS = ("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:ConditionCheckItem")
FUNCTION_SPECS: tuple[FunctionSpec, ...] = (
    FunctionSpec("start_run", 256, 30, dynamodb_actions=("dynamodb:UpdateItem",)),
    # reads and writes the round's generation.json (what each call delivered), deletes candidate keys it did not list
    # a targeted round edits the best image with Search and Recolor / Search and Replace / Erase Object instead
    FunctionSpec(
        "generate_images",
        1024,
        330,
        model_role="generator",
        s3_object_actions=("s3:GetObject", "s3:PutObject", "s3:DeleteObject"),
        dynamodb_actions=_LEDGER_ACTIONS,
        image_services=TARGETED_OPERATIONS,
    ),
    FunctionSpec(
        "judge_images",
        1024,
        330,
        model_role="judge",
        s3_object_actions=("s3:GetObject", "s3:PutObject"),
        dynamodb_actions=_LEDGER_ACTIONS,
    ),
    # gathers the candidates' verdicts into the round's verdict.json
    FunctionSpec("pick_best", 256, 30, s3_object_actions=("s3:GetObject", "s3:PutObject")),
    # reads the round's best image (and the run's checks), writes the checks once and the round's evaluation
    FunctionSpec(
        "evaluate_round",
        1024,
        330,
        model_role="evaluator",
        s3_object_actions=("s3:GetObject", "s3:PutObject"),
        dynamodb_actions=_LEDGER_ACTIONS,
    ),
    # the verifier: reads the round's verdict.json, writes its verification.json (and reads it back on a retry);
    # Rekognition reads the image from S3 with this role's permissions (GetObject on runs/*); the spend ledger
    FunctionSpec(
        "verify_round",
        512,
        90,  # Rekognition's read timeout is 60 s (adapters/aws_clients.py), two calls at most
        s3_object_actions=("s3:GetObject", "s3:PutObject"),
        dynamodb_actions=_LEDGER_ACTIONS,
        detects=True,
    ),
    # reads the round's verdict.json and the rewrite notes that produced its prompt; the round and the run's
    # totals in one transaction; the ledger and the rounds by Query
    FunctionSpec(
        "record_round",
        256,
        30,
        s3_object_actions=("s3:GetObject",),
        dynamodb_actions=("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:Query"),
    ),
    # reads the verdict, writes the next round's rewrite notes, queries earlier rounds for context; plans a targeted
    # edit, and for an erase draws its mask from DetectLabels on the best image (read by Rekognition with this role's
    # GetObject on runs/*) and writes it beside the next round
    FunctionSpec(
        "rewrite_prompt",
        512,
        330,
        model_role="rewriter",
        s3_object_actions=("s3:GetObject", "s3:PutObject"),
        dynamodb_actions=("dynamodb:Query", *_LEDGER_ACTIONS),
        detects_for_masks=True,
    ),
    # the run's totals from the ledger (Query); the generation.json of a round the run ended in before it was
    # recorded (its images are listed with the outcome); the daily cap: the run's reservations given back (Query,
    # a transaction of two UpdateItems) and the day's spend read for its metric (GetItem)
    FunctionSpec(
        "finish_run",
        256,
        30,
        s3_object_actions=("s3:GetObject",),
        # PutItem: the ENHANCE# item of the request's `finish` operations, whose enhancement it starts, in a
        # TransactWriteItems with a ConditionCheck that the run has no DELETED marker (ConditionCheckItem)
        dynamodb_actions=(
            "dynamodb:GetItem",
            "dynamodb:UpdateItem",
            "dynamodb:Query",
            "dynamodb:PutItem",
            "dynamodb:ConditionCheckItem",
        ),
    ),
    # the review pause: the task token on the run item (a conditional UpdateItem); invoked by .waitForTaskToken
    FunctionSpec("await_review", 256, 30, dynamodb_actions=("dynamodb:UpdateItem",)),
)
assert {spec.name for spec in FUNCTION_SPECS} == set(constants.HANDLERS), "one FunctionSpec per handler"

# The nightly benchmark's own two functions, around a Distributed Map of the loop's (imagegate_service/workflows.py).
# Prepare reads the bundled suites from its code asset or a suite under benchmarks/suites/ (GetObject), and writes
# the Map's items to benchmarks/executions/{id}/items.jsonl (PutObject). Aggregate reads those items and the Map
# Run's results (manifest and result files, benchmarks/executions/*), each run (GetItem) and its rounds (Query)
# from the table, lists and reads earlier reports to compare, and writes report.json and report.html under
# benchmarks/{date}/; it never reads runs/ objects. Its 15 minutes (Lambda's most) cover about two reads a run.
BENCHMARK_FUNCTION_SPECS: tuple[FunctionSpec, ...] = (
    FunctionSpec("prepare_benchmark", 512, 60, report_object_actions=("s3:GetObject", "s3:PutObject")),
    FunctionSpec(
        "aggregate_benchmark",
        1024,
        900,
        # UpdateItem: the run of a child that failed outright is marked FAILED (conditional, as Mark Run Ended does)
        dynamodb_actions=("dynamodb:GetItem", "dynamodb:Query", "dynamodb:UpdateItem"),
        report_object_actions=("s3:GetObject", "s3:PutObject"),
        lists_reports=True,
    ),
)
assert {spec.name for spec in BENCHMARK_FUNCTION_SPECS} == set(constants.BENCHMARK_HANDLERS), (
    "one FunctionSpec per benchmark handler"
)

# The enhancement of a finished image (statemachine/enhance.asl.json; infra/constructs/enhance.py): Apply Operation
# reads the source image and writes its output under runs/ (GetObject, PutObject; an erase keeps the detector's
# answer beside it), reads and writes its ENHANCE# item and the run's spend ledger and the daily budget (the ledger's
# actions); an Image Services call waits up to 300 s like a generator's, so it gets 330 s. Finish reads the item
# and writes its outcome.
ENHANCE_FUNCTION_SPECS: tuple[FunctionSpec, ...] = (
    FunctionSpec(
        "apply_enhancement",
        1024,
        330,
        s3_object_actions=("s3:GetObject", "s3:PutObject"),
        dynamodb_actions=_LEDGER_ACTIONS,
    ),
    FunctionSpec("finish_enhancement", 256, 30, dynamodb_actions=("dynamodb:GetItem", "dynamodb:UpdateItem")),
)
assert {spec.name for spec in ENHANCE_FUNCTION_SPECS} == set(constants.ENHANCE_HANDLERS), (
    "one FunctionSpec per enhance handler"
)

# The HTTP API's function (not a loop task: no ASL substitution). API Gateway waits at most 29 s.
# Idempotency records (Powertools) live in the runs table: GetItem/PutItem/UpdateItem/DeleteItem; reading a
# run and its rounds: GetItem/Query; the newest-first listing: Query on the runs index (granted in the construct).
# DELETE /generations/{id} (domain/lifecycle.py): DeleteObjects of the run's objects needs s3:DeleteObject for each
# key ("you must have the s3:DeleteObject permission": DeleteObjects, Permissions,
# https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObjects.html), listing them s3:ListBucket (granted in the
# construct, runs/ prefix only); its items go by BatchWriteItem deletes, its marker by PutItem (DeleteItem when an
# enhancement started first). POST .../enhance creates the ENHANCE# item in a TransactWriteItems whose ConditionCheck
# (the run has no DELETED marker) needs dynamodb:ConditionCheckItem.
API_FUNCTION_SPEC = FunctionSpec(
    "api",
    512,
    29,
    s3_object_actions=("s3:GetObject", "s3:DeleteObject"),  # presigned URLs are signed with this role
    dynamodb_actions=(
        "dynamodb:GetItem",
        "dynamodb:Query",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
        "dynamodb:DeleteItem",
        "dynamodb:BatchWriteItem",
        "dynamodb:ConditionCheckItem",
    ),
)
# The EventBridge target of Step Functions "Execution Status Change" (TIMED_OUT, ABORTED, FAILED): marks a run
# that never reached Finish Run FAILED (a conditional UpdateItem); for a benchmark's runs it queries the runs
# index for those the benchmark started (granted in the construct).
# With dailyBudgetUsd it gives a dead run's round reservations back to the day: Query (the run's DAYRES# items), a
# transaction of UpdateItems, GetItem (the day's spend).
MARK_RUN_ENDED_FUNCTION_SPEC = FunctionSpec(
    "mark_run_ended", 256, 60, dynamodb_actions=("dynamodb:GetItem", "dynamodb:Query", "dynamodb:UpdateItem")
)
# Bedrock subscribes the account to a third-party model (every Stability model) through AWS Marketplace on the
# first invoke, with the caller's permissions: "Your IAM role must have aws-marketplace:Subscribe,
# aws-marketplace:Unsubscribe, and aws-marketplace:ViewSubscriptions permissions" (Bedrock user guide, "Request
# access to models": https://docs.aws.amazon.com/bedrock/latest/userguide/model-access.html). Without them the
# first call and every later one get AccessDeniedException. "The aws-marketplace:ProductId condition key can be used
# to control the ability to subscribe to Amazon Bedrock serverless models that have a product ID"
# (https://docs.aws.amazon.com/bedrock/latest/userguide/model-access-product-ids.html); the product ids are the
# registry's (`marketplace.productId`). The Marketplace actions take no resource ARN (Service Authorization
# Reference, list_awsmarketplace.html): Resource "*", narrowed by that condition.
# SCOPED: Subscribe/Unsubscribe only for the deployed models' product ids, ViewSubscriptions (read-only);
# ANY: the same actions for any product (when the registry's product id is not the one Marketplace checks, and
# for the Stability AI Image Services, whose product id the registry does not have: SCOPED grants nothing for them);
# OFF: none (an administrator subscribes by hand, e.g. in the Bedrock console's model catalog).
MODEL_SUBSCRIPTION_CHOICES = ("SCOPED", "ANY", "OFF")
MARKETPLACE_SUBSCRIBE_ACTIONS = ("aws-marketplace:Subscribe", "aws-marketplace:Unsubscribe")
MARKETPLACE_VIEW_ACTIONS = ("aws-marketplace:ViewSubscriptions",)
# The statement ids of a function's Subscribe grants: its configured model's, and the Stability AI Image Services'
# for a function that calls them (Generate Images' targeted edits, Apply Operation).
SUBSCRIBE_TO_MODEL_SID, SUBSCRIBE_TO_IMAGE_SERVICES_SID = "SubscribeToConfiguredModel", "SubscribeToImageServices"


@dataclass(frozen=True)
class MarketplaceGrant:
    """The Marketplace statements one model's function needs for Bedrock to subscribe on its first invoke: the
    subscribe actions (under `condition` when scoped) and the read-only view. Both on "*" (no resource types).
    product_id is None for a model sold through Marketplace whose product id the registry does not know (only
    modelSubscription ANY grants it, unconditioned)."""

    product_id: str | None
    condition: dict[str, dict[str, list[str]]] | None
    subscribe_actions: tuple[str, ...] = MARKETPLACE_SUBSCRIBE_ACTIONS
    view_actions: tuple[str, ...] = MARKETPLACE_VIEW_ACTIONS


API_AUTHORIZATION_TYPES = ("IAM", "NONE")
# What happens to API Gateway's account-wide CloudWatch Logs role (one per account and region, shared by every
# REST API there): RETAIN it with the stack (default), DESTROY it with the stack, or NONE: do not create it
# (the account already has one configured).
API_CLOUDWATCH_ROLE_CHOICES = ("RETAIN", "DESTROY", "NONE")
API_QUOTA_PERIODS = ("DAY", "WEEK", "MONTH")
PRESIGNED_URL_MAX_SECONDS = 7 * 24 * 3600  # SigV4 presigned URLs cannot live longer


def cdk_json_context() -> dict[str, Any]:
    """The `context` of cdk.json (empty when the file is absent, as in an installed package)."""
    path = REPO_ROOT / "cdk.json"
    return json.loads(path.read_text(encoding="utf-8")).get("context", {}) if path.exists() else {}


def load_model_registry() -> dict[str, Any]:
    return model_registry.document()


class ContextError(ValueError):
    """CDK context the stack cannot be built with; the message names the key and what to do (`problems`:
    each problem as its own sentence)."""

    def __init__(self, message: str, problems: list[str] | None = None):
        super().__init__(message)
        self.problems = problems or [message]


# Where `cdk deploy` puts an environment-agnostic stack: the cdk CLI's region (CDK_DEFAULT_REGION, from the
# profile or AWS_REGION), else what boto3 would use. Plain `python app.py` may know none: not checked then.
TARGET_REGION_VARIABLES = ("CDK_DEFAULT_REGION", "AWS_REGION", "AWS_DEFAULT_REGION")


def target_region(environ: Mapping[str, str] | None = None) -> str | None:
    environ = os.environ if environ is None else environ
    return next((environ[name] for name in TARGET_REGION_VARIABLES if environ.get(name)), None)


# ---- the settings -------------------------------------------------------------------------------------
ENV_PREFIX = "IMAGEGATE_CDK_"
Check = Callable[[str, Any], "str | None"]  # (context key, parsed value) -> the problem, or None


def one_of(choices: tuple[Any, ...]) -> Check:
    return lambda key, value: None if value in choices else f"{key} {value!r} is not one of {choices}"


def _number(value: float) -> str:
    """7.5 as 7.5, 10.0 as 10, 10000000 as 10000000 (never 1e+07)."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def between(low: float, high: float) -> Check:
    return lambda key, value: (
        None if low <= value <= high else f"{key} {_number(value)} is outside {_number(low)}-{_number(high)}"
    )


def at_least(low: float) -> Check:
    return lambda key, value: None if value >= low else f"{key} {_number(value)} must be at least {_number(low)}"


def positive(key: str, value: float) -> str | None:
    return None if value > 0 else f"{key} {_number(value)} must be positive"


def _pass_rate(key: str, value: float) -> str | None:
    return None if 0 < value <= 1 else f"{key} {_number(value)} is outside (0, 1]"


def _suite_name(key: str, value: str) -> str | None:
    return (
        None
        if re.fullmatch(r"[A-Za-z0-9_-]+", value)
        else f"{key} {value!r} must be a suite name (letters, digits, _ and -)"
    )


def _suite_key(key: str, value: str) -> str | None:
    prefix = constants.BENCHMARK_SUITES_PREFIX
    return (
        None
        if re.fullmatch(re.escape(prefix) + r"[A-Za-z0-9_./-]+\.jsonl", value) and ".." not in value
        else f"{key} {value!r} must be an S3 key under {prefix} ending .jsonl"
    )


def _time_zone(key: str, value: str) -> str | None:
    zones = zoneinfo.available_timezones()  # empty where the system has no tz database: not checked then
    return f"{key} {value!r} is not an IANA time zone name" if zones and value not in zones | {"UTC"} else None


def _arms(key: str, value: tuple[str, ...]) -> str | None:
    unknown = [arm for arm in value if arm not in constants.BENCHMARK_ARMS]
    return (
        f"{key} {','.join(value)!r} must be a comma list of {', '.join(constants.BENCHMARK_ARMS)}"
        if unknown or not value
        else None
    )


def _cron(key: str, value: str) -> str | None:
    try:
        cron_fields(value, key)
    except ValueError as error:
        return str(error)
    return None


# EventBridge Scheduler's six-field cron: minutes hours day-of-month month day-of-week year.
_CRON = re.compile(r"^cron\(\s*(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s*\)$")


def cron_fields(expression: str, key: str = "benchmarkSchedule") -> dict[str, str]:
    """A six-field cron(...) as the keyword arguments of `ScheduleExpression.cron` (a `?` field left out)."""
    match = _CRON.match(expression)
    if not match:
        raise ValueError(f"{key} {expression!r} is not a six-field cron(...) expression, e.g. cron(0 2 * * ? *)")
    minute, hour, day, month, week_day, year = match.groups()
    if (day == "?") == (week_day == "?"):
        raise ValueError(f"{key} {expression!r}: exactly one of day-of-month and day-of-week must be ?")
    named = {"minute": minute, "hour": hour, "day": day, "month": month, "week_day": week_day, "year": year}
    return {name: value for name, value in named.items() if value != "?"}


def setting(
    key: str,
    default: Any,
    help: str,
    *,
    check: Check | None = None,
    upper: bool = False,
    shown_default: str | None = None,
) -> Any:
    """One deployment setting, declared as a field of ImagegateConfig: its type is the field's annotation.

    `key`: the CDK context key; `default`: used when the key is unset or empty; `check`: its validation
    (None: any value of the type); `upper`: compared in upper case; `shown_default`: how docs/deploy.md
    shows a default that is not a literal. The environment variable is IMAGEGATE_CDK_<FIELD NAME>."""
    spec = {"name": key, "help": help, "check": check, "upper": upper, "shown_default": shown_default}
    return field(default=default, metadata={"setting": spec})


@dataclass(frozen=True)
class Setting:
    """A setting as declared on ImagegateConfig (see `setting`), with its type resolved."""

    name: str  # the CDK context key
    attribute: str  # the ImagegateConfig field
    type: Any
    default: Any
    help: str
    check: Check | None
    upper: bool
    shown_default: str | None

    @property
    def env_var(self) -> str:
        return ENV_PREFIX + self.attribute.upper()

    def parse(self, raw: Any) -> Any:
        """A value from cdk.json (typed JSON), `-c` or the environment (strings); raises ValueError naming
        the key and the type it needs. None or "" means the default."""
        if raw is None or raw == "":
            return self.default
        base, optional = _unwrap_optional(self.type)
        value = _PARSERS[base](self.name, raw)
        if optional and value in ("", ()):
            return None
        if isinstance(value, str):
            value = value.strip().upper() if self.upper else value.strip()
        return value

    def problem(self, value: Any) -> str | None:
        return None if self.check is None or value is None else self.check(self.name, value)

    def shown(self) -> str:
        if self.shown_default is not None:
            return self.shown_default
        if isinstance(self.default, bool):
            return f"`{str(self.default).lower()}`"
        if isinstance(self.default, tuple):
            return f"`{','.join(self.default)}`"
        return (
            "none"
            if self.default is None
            else f"`{_number(self.default)}`"
            if isinstance(self.default, float)
            else f"`{self.default}`"
        )


def _unwrap_optional(annotation: Any) -> tuple[Any, bool]:
    args = typing.get_args(annotation)
    if type(None) in args:
        (base,) = [arg for arg in args if arg is not type(None)]
        return base, True
    return annotation, False


def _parse_bool(key: str, raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"{key} {raw!r} is not true or false")


def _parse_int(key: str, raw: Any) -> int:
    if isinstance(raw, bool):
        raise ValueError(f"{key} {raw!r} is not a whole number")
    if isinstance(raw, int):
        return raw
    try:
        number = float(str(raw).strip())
    except ValueError:
        raise ValueError(f"{key} {raw!r} is not a whole number") from None
    if not number.is_integer():
        raise ValueError(f"{key} {raw!r} is not a whole number")
    return int(number)


def _parse_float(key: str, raw: Any) -> float:
    try:
        number = float(str(raw).strip()) if not isinstance(raw, bool) else math.nan
    except ValueError:
        number = math.nan
    if not math.isfinite(number):
        raise ValueError(f"{key} {raw!r} is not a number")
    return number


def _parse_str(key: str, raw: Any) -> str:
    if isinstance(raw, (dict, list)):
        raise ValueError(f"{key} {raw!r} is not text")
    return str(raw)


def _parse_list(key: str, raw: Any) -> tuple[str, ...]:
    """A list, or a comma-separated string (context given with -c or the environment)."""
    items = raw.split(",") if isinstance(raw, str) else raw
    if not isinstance(items, (list, tuple)):
        raise ValueError(f"{key} {raw!r} is not a comma list")
    return tuple(str(item).strip() for item in items if str(item).strip())


_PARSERS: dict[Any, Callable[[str, Any], Any]] = {
    bool: _parse_bool,
    int: _parse_int,
    float: _parse_float,
    str: _parse_str,
    tuple[str, ...]: _parse_list,
}


@dataclass(frozen=True)
class ImagegateConfig:
    """The deployment's settings, one `setting(...)` per field (in docs/deploy.md's order)."""

    stack_name: str = setting("stackName", "Imagegate", "CloudFormation stack name")
    generator_model: str = setting(
        "generatorModel",
        runtime_settings.DEFAULTS["generator"],
        "image model (a `generators` id in model_registry.json; see *Models*)",
        shown_default=f"`{runtime_settings.DEFAULTS['generator']}` (registry default)",
    )
    judge_model: str = setting(
        "judgeModel",
        runtime_settings.DEFAULTS["judge"],
        "vision judge (a `textModels` id with vision)",
        shown_default=f"`{runtime_settings.DEFAULTS['judge']}` (registry default)",
    )
    rewriter_model: str = setting(
        "rewriterModel",
        runtime_settings.DEFAULTS["rewriter"],
        "prompt rewriter (a `textModels` id)",
        shown_default=f"`{runtime_settings.DEFAULTS['rewriter']}` (registry default)",
    )
    evaluator_model: str = setting(
        "evaluatorModel",
        runtime_settings.DEFAULTS["evaluator"],
        "independent evaluator of each round's best image (a `textModels` id with vision, not the judge's)",
        shown_default=f"`{runtime_settings.DEFAULTS['evaluator']}` (registry default)",
    )
    verifier: str = setting(
        "verifier",
        runtime_settings.DEFAULTS["verifier"],
        "the gate's verifier, and the runs' default: `rekognition` (Amazon Rekognition grounds the judge's checks "
        "before a round passes; the region must offer it) or `none` (no Rekognition permissions; runs asking for "
        "a verifier are refused)",
        check=one_of(constants.VERIFIERS),
    )
    allow_retired_models: bool = setting(
        "allowRetiredModels",
        False,
        "deploy a model past its end of life anyway, for an account with a private "
        "extension (offline-only models stay refused)",
    )
    default_threshold: float = setting(
        "defaultThreshold",
        float(runtime_settings.DEFAULTS["threshold"]),
        "score (0-10) a round must reach to pass, when the request sets none",
        check=between(0, 10),
    )
    default_max_rounds: int = setting(
        "defaultMaxRounds",
        runtime_settings.DEFAULTS["maxRounds"],
        "rounds before a run is EXHAUSTED, when the request sets none",
        check=between(1, runtime_settings.MAX_ROUNDS_HARD_CAP),
    )
    daily_budget_usd: float | None = setting(
        "dailyBudgetUsd",
        None,
        "if set: a cap on the model spend of all runs in a UTC day (USD); over it new generations are refused (429) "
        "and running ones end EXHAUSTED; an alarm fires at 80%",
        check=positive,
    )
    run_retention_days: int = setting(
        "runRetentionDays",
        constants.DEFAULT_RUN_TTL_DAYS,
        f"days S3 keeps `runs/` objects and DynamoDB keeps run items (TTL `{constants.TTL_ATTRIBUTE}`)",
        check=at_least(1),
    )
    log_retention_days: int = setting(
        "logRetentionDays",
        30,
        "CloudWatch Logs retention of the function and state machine logs (a value "
        "CloudWatch accepts: 1, 3, 5, 7, 14, 30, 60, 90, ...)",
        check=one_of(LOG_RETENTION_DAYS_ALLOWED),
    )
    access_log_retention_days: int = setting(
        "accessLogRetentionDays", 365, "days the access-log bucket keeps S3 server access logs", check=at_least(1)
    )
    log_level: str = setting(
        "logLevel", "INFO", "`POWERTOOLS_LOG_LEVEL` of the functions", check=one_of(LOG_LEVELS), upper=True
    )
    sfn_log_level: str = setting(
        "sfnLogLevel",
        "ALL",
        "state machine log level: `ALL`, `ERROR`, `FATAL` or `OFF`",
        check=one_of(SFN_LOG_LEVELS),
        upper=True,
    )
    sfn_include_execution_data: bool = setting(
        "sfnIncludeExecutionData", False, "log state inputs and outputs (prompts may be private)"
    )
    alarm_email: str | None = setting(
        "alarmEmail",
        None,
        "if set: an encrypted SNS topic for the alarms, with this address subscribed (confirm the email)",
    )
    powertools_layer_version: int = setting(
        "powertoolsLayerVersion",
        27,
        f"version of the public Powertools layer `{POWERTOOLS_LAYER_NAME}`",
        check=at_least(1),
    )
    inference_profile_regions: tuple[str, ...] | None = setting(
        "inferenceProfileRegions",
        None,
        "regions a `us.`/`eu.`/`apac.` profile routes to, e.g. "
        "`us-east-1,us-west-2`; the functions may invoke the foundation model there",
        shown_default="by prefix",
    )
    model_subscription: str = setting(
        "modelSubscription",
        "SCOPED",
        "lets a function whose model is sold through AWS Marketplace (every Stability model) have Bedrock subscribe the "
        "account on its first call: `SCOPED` (aws-marketplace:Subscribe/Unsubscribe only for the model's product id "
        "in the registry, plus ViewSubscriptions), `ANY` (the same actions for any product: when the registry's id "
        "is not the one Marketplace checks, and for the Stability AI Image Services of enhancements and targeted "
        "edits, whose product id the registry does not have: `SCOPED` grants nothing for them) or `OFF` (no "
        "Marketplace permissions: an administrator subscribes by hand). The account also needs a payment method for "
        "Marketplace purchases",
        check=one_of(MODEL_SUBSCRIPTION_CHOICES),
        upper=True,
    )
    retain_data: bool = setting("retainData", True, "keep the bucket and table when the stack is deleted")
    api_authorization: str = setting(
        "apiAuthorization",
        "IAM",
        "HTTP API authorization: `IAM` (SigV4, every method) or `NONE` (allowed only with `apiKey`)",
        check=one_of(API_AUTHORIZATION_TYPES),
        upper=True,
    )
    api_key: bool = setting(
        "apiKey",
        False,
        "also require an API key (`x-api-key`) under a usage plan with the throttle and quota "
        "below; the stack outputs `ApiKeyId`",
    )
    api_throttle_rate_limit: float = setting(
        "apiThrottleRateLimit",
        10.0,
        "steady requests per second, for the API stage and the usage plan (beyond it: 429)",
        check=positive,
    )
    api_throttle_burst_limit: int = setting(
        "apiThrottleBurstLimit", 20, "burst requests, for the API stage and the usage plan", check=at_least(1)
    )
    api_quota_limit: int = setting(
        "apiQuotaLimit",
        1000,
        "requests per quota period per API key (usage plan; only with `apiKey`)",
        check=at_least(1),
    )
    api_quota_period: str = setting(
        "apiQuotaPeriod",
        "DAY",
        "usage plan quota period: `DAY`, `WEEK` or `MONTH`",
        check=one_of(API_QUOTA_PERIODS),
        upper=True,
    )
    api_cors_origins: tuple[str, ...] = setting(
        "apiCorsOrigins",
        (),
        "comma-separated origins allowed to call the API from a browser, e.g. `https://app.example.com`",
        shown_default="none (CORS off)",
    )
    api_cloudwatch_role: str = setting(
        "apiCloudWatchRole",
        "RETAIN",
        "API Gateway's account-wide CloudWatch Logs role: `RETAIN` (created, kept "
        "when the stack is deleted), `DESTROY` (deleted with the stack) or `NONE` (not created: the account "
        "already has one)",
        check=one_of(API_CLOUDWATCH_ROLE_CHOICES),
        upper=True,
    )
    image_url_expiry_seconds: int = setting(
        "imageUrlExpirySeconds",
        constants.DEFAULT_PRESIGN_EXPIRY_SECONDS,
        f"lifetime of the presigned image URLs the API returns (1-{PRESIGNED_URL_MAX_SECONDS}; a URL also stops "
        "working when the API function's role credentials expire)",
        check=between(1, PRESIGNED_URL_MAX_SECONDS),
    )
    benchmark_enabled: bool = setting(
        "benchmarkEnabled",
        True,
        "run the nightly benchmark on its schedule; `false` deploys the schedule "
        "disabled (start the benchmark by hand)",
    )
    benchmark_schedule: str = setting(
        "benchmarkSchedule",
        "cron(0 2 * * ? *)",
        "EventBridge Scheduler cron, six fields: minutes hours "
        "day-of-month month day-of-week year (one of the day fields `?`)",
        check=_cron,
    )
    benchmark_time_zone: str = setting(
        "benchmarkTimeZone",
        "UTC",
        "IANA time zone the cron is read in, e.g. `Europe/Berlin` (Scheduler follows daylight saving time)",
        check=_time_zone,
    )
    benchmark_suite: str = setting(
        "benchmarkSuite",
        constants.BENCHMARK_DEFAULT_SUITE,
        "bundled suite the schedule runs (`functions/imagegate_service/suites/NAME.jsonl`); the name of the report's "
        "suite when `benchmarkSuiteKey` is set",
        check=_suite_name,
    )
    benchmark_suite_key: str | None = setting(
        "benchmarkSuiteKey",
        None,
        f"a suite of any size in the project's JSONL format in the stack's bucket, under `{constants.BENCHMARK_SUITES_PREFIX}`"
        " (e.g. `benchmarks/suites/partiprompts.jsonl`): the schedule runs it instead of the bundled suite",
        check=_suite_key,
        shown_default="none (the bundled suite)",
    )
    benchmark_limit: int | None = setting(
        "benchmarkLimit",
        None,
        "run only this many suite items (at least 1; no upper bound: each run is a child execution of the "
        "Distributed Map, so a run whose maxRounds x candidates would pass its own execution's 25,000 history "
        "events is what *Prepare Benchmark* refuses, before any run starts, with the numbers)",
        check=at_least(1),
        shown_default="none (all items)",
    )
    benchmark_concurrency: int = setting(
        "benchmarkConcurrency",
        constants.BENCHMARK_DEFAULT_CONCURRENCY,
        f"quality loops the benchmark's Distributed Map runs at once (its MaxConcurrency, 1-"
        f"{constants.BENCHMARK_MAX_CONCURRENCY:,}), to stay within Bedrock quotas; also the default of a benchmark "
        "started by hand",
        check=between(1, constants.BENCHMARK_MAX_CONCURRENCY),
    )
    benchmark_execution_retention_days: int = setting(
        "benchmarkExecutionRetentionDays",
        30,
        f"days S3 keeps a benchmark's working files under `{constants.BENCHMARK_EXECUTIONS_PREFIX}` (the Map's items and "
        "results; the dated reports under `benchmarks/` are kept)",
        check=at_least(1),
    )
    image_model_requests_per_minute: int | None = setting(
        "imageModelRequestsPerMinute",
        None,
        "the account's Bedrock quota of on-demand InvokeModel requests per minute for the image model (Service Quotas, "
        "e.g. `imagegate doctor` or the console): `benchmarkConcurrency`, and the concurrency a benchmark started by "
        f"hand may ask for, are capped at what it bears, one loop per {constants.BENCHMARK_IMAGE_CALLS_PER_LOOP_MINUTE:g}"
        " requests a minute",
        check=at_least(1),
        shown_default="none (not capped)",
    )
    benchmark_tolerated_failure_percent: int = setting(
        "benchmarkToleratedFailurePercent",
        constants.BENCHMARK_DEFAULT_TOLERATED_FAILURE_PERCENT,
        "the share of a benchmark's child executions (0-100) that may fail outright (an error the loop could "
        "not record as the run's outcome) before the Map Run, and the benchmark, fails: ToleratedFailurePercentage",
        check=between(0, 100),
    )
    benchmark_failed_items_alarm_above: float = setting(
        "benchmarkFailedItemsAlarmAbove",
        10.0,
        "alarm when more than this percentage (0-100) of a night's benchmark runs ended FAILED",
        check=between(0, 100),
    )
    benchmark_pass_rate_alarm_below: float = setting(
        "benchmarkPassRateAlarmBelow",
        0.6,
        "alarm when a night's benchmark pass rate (0-1, daily average) is below this",
        check=_pass_rate,
    )
    benchmark_arms: tuple[str, ...] = setting(
        "benchmarkArms",
        constants.BENCHMARK_DEFAULT_ARMS,
        "comma list of the arms the nightly benchmark runs: "
        f"{', '.join(f'`{arm}`' for arm in constants.BENCHMARK_ARMS)} (passed as `arms` in the schedule's input)",
        check=_arms,
    )
    registry: Mapping[str, Any] = field(repr=False, compare=False, default_factory=load_model_registry)

    @classmethod
    def from_context(cls, get: Callable[[str], Any], today: date | None = None) -> ImagegateConfig:
        """`get` is `node.try_get_context`; context given with `-c` arrives as strings. `today` decides
        which models are past their end of life (default: today's UTC date)."""
        values, problems = {}, []
        for declared in SETTINGS:
            try:
                values[declared.attribute] = declared.parse(get(declared.name))
            except ValueError as error:
                problems.append(str(error))
        if problems:
            raise ContextError(
                "imagegate CDK context: a value does not parse (" + "; ".join(problems) + "); see docs/deploy.md",
                problems,
            )
        config = cls(**values)
        config.validate(today)
        return config

    @classmethod
    def from_cdk_json(cls, today: date | None = None, environ: Mapping[str, str] | None = None) -> ImagegateConfig:
        """The settings `cdk deploy` would use without `-c` overrides (for `imagegate doctor`)."""
        return cls.from_context({**cdk_json_context(), **environment_context(environ)}.get, today)

    def validate(self, today: date | None = None) -> None:
        problems = self._model_problems()
        if not problems:
            problems += self.lifecycle_problems(today or _utc_today())
        problems += [
            problem for declared in SETTINGS if (problem := declared.problem(getattr(self, declared.attribute)))
        ]
        for model in (self.judge_model, self.rewriter_model, self.evaluator_model):
            if _profile_prefix(model) and not self.profile_regions(model):
                problems.append(f"no regions known for inference profile {model!r}: set inferenceProfileRegions")
        if self.benchmark_concurrency > self.benchmark_max_concurrency():
            problems.append(
                f"benchmarkConcurrency {self.benchmark_concurrency} is more than imageModelRequestsPerMinute "
                f"{self.image_model_requests_per_minute} bears: at most {self.benchmark_max_concurrency()} loops at once "
                f"(each makes about {constants.BENCHMARK_IMAGE_CALLS_PER_LOOP_MINUTE:g} image calls a minute); lower "
                "benchmarkConcurrency or raise the quota"
            )
        if self.api_authorization == "NONE" and not self.api_key:
            problems.append("apiAuthorization NONE needs apiKey true (the API must not be open to everyone)")
        if problems:
            raise ContextError("imagegate CDK context: " + "; ".join(problems), problems)

    def _model_problems(self) -> list[str]:
        generators = self.registry["generators"]
        text_models = {
            model: spec for model, spec in self.registry["textModels"].items() if not spec.get("offlineOnly")
        }
        problems = []
        if self.generator_model not in generators:
            problems.append(f"generatorModel {self.generator_model!r} is not one of {sorted(generators)}")
        for key, model in (
            ("judgeModel", self.judge_model),
            ("rewriterModel", self.rewriter_model),
            ("evaluatorModel", self.evaluator_model),
        ):
            if allowed_models.offline_only(model):
                problems.append(
                    f"{key} {model!r} is the offline world's stand-in (offlineOnly): it exists only in "
                    "the local runtime and is never deployed; choose a Bedrock model"
                )
            elif model not in text_models:
                problems.append(f"{key} {model!r} is not one of {sorted(text_models)}")
        for key, model in (("judgeModel", self.judge_model), ("evaluatorModel", self.evaluator_model)):
            if model in text_models and not text_models[model].get("vision"):
                problems.append(f"{key} {model!r} cannot see images (vision: false)")
        if (
            self.evaluator_model in text_models
            and self.judge_model in text_models
            and model_registry.same_text_model(self.evaluator_model, self.judge_model)
        ):
            problems.append(
                f"evaluatorModel {self.evaluator_model!r} is the same model as judgeModel "
                f"{self.judge_model!r}: the evaluator must be another model, or it grades its own homework"
            )
        # the three readings of an image never share a model: the verifier is a service, the evaluator a Bedrock
        # model, so this holds by construction today; kept as the generic rule on the roles' ids
        if self.verifier != constants.VERIFIER_NONE and self.evaluator_model == self.verifier:
            problems.append(
                f"evaluatorModel {self.evaluator_model!r} is the verifier's ({self.verifier!r}): the evaluator must "
                "be another model"
            )
        return problems

    def models_by_role(self) -> dict[str, str]:
        """role -> the model deployed for it (generator, judge, rewriter, evaluator)."""
        return {
            "generator": self.generator_model,
            "judge": self.judge_model,
            "rewriter": self.rewriter_model,
            "evaluator": self.evaluator_model,
        }

    def lifecycle_problems(self, today: date) -> list[str]:
        """A model past its end of life is refused (Bedrock would fail every run), unless allowRetiredModels."""
        if self.allow_retired_models:
            return []
        problems = []
        for role, model in self.models_by_role().items():
            problem = allowed_models.retirement_problem(model, today, role)
            if problem:
                problems.append(
                    f"{role}Model {problem}. Choose another with -c {role}Model=MODEL, or set "
                    "allowRetiredModels=true if your account still has access (a private extension)"
                )
        return problems

    def region_check(self, region: str | None) -> list[str]:
        """Notes about where the stack goes; raises ContextError when a model is not offered in that region.

        `region` is the target region (`target_region()`); None or a token: unknown, nothing is checked."""
        if not region or region.startswith("${Token"):
            return [
                (
                    "target region unknown (environment-agnostic synthesis: no CDK_DEFAULT_REGION, AWS_REGION or "
                    "AWS_DEFAULT_REGION): the models' regions were not checked; `imagegate doctor` checks them"
                )
            ]
        notes, problems = [], []
        for role, model in self.models_by_role().items():
            offered = model_registry.regions(model)
            if not offered:
                notes.append(f"{role}Model {model}: the registry records no regions for it; not checked for {region}")
            elif region not in offered:
                problems.append(
                    f"{role}Model {model} is not offered in {region}; it is offered in "
                    f"{', '.join(offered)}: deploy there or choose another {role} for {region}"
                )
        if self.verifier != constants.VERIFIER_NONE:
            offered = model_registry.verifier_service(self.verifier).regions
            if region not in offered:
                problems.append(
                    f"verifier {self.verifier} (Amazon Rekognition) is not offered in {region}; it is offered in "
                    f"{', '.join(offered)}: deploy there or set -c verifier=none (the judge alone gates)"
                )
        if problems:
            raise ContextError("imagegate CDK context: " + "; ".join(problems), problems)
        return notes

    def benchmark_cron_fields(self) -> dict[str, str]:
        """`benchmarkSchedule` as the keyword arguments of `ScheduleExpression.cron` (a `?` field is left out)."""
        return cron_fields(self.benchmark_schedule)

    def benchmark_max_concurrency(self) -> int:
        """The most loops a benchmark may run at once: what imageModelRequestsPerMinute bears, else Step Functions'
        own ceiling."""
        if self.image_model_requests_per_minute is None:
            return constants.BENCHMARK_MAX_CONCURRENCY
        return constants.benchmark_concurrency_for_quota(self.image_model_requests_per_minute)

    def benchmark_input(self) -> dict[str, Any]:
        """What the schedule starts each benchmark execution with (prepare_benchmark's request)."""
        request: dict[str, Any] = {
            "suite": self.benchmark_suite,
            "concurrency": self.benchmark_concurrency,
            "arms": list(self.benchmark_arms),
        }
        if self.benchmark_suite_key is not None:
            request["suiteKey"] = self.benchmark_suite_key
        if self.benchmark_limit is not None:
            request["limit"] = self.benchmark_limit
        return request

    def model_for(self, role: str) -> str:
        return self.models_by_role()[role]

    def foundation_model(self, model_id: str) -> str:
        """The foundation model behind an id (itself, or what an inference profile points to)."""
        spec = self.registry["textModels"].get(model_id) or self.registry["generators"].get(model_id) or {}
        return spec.get("foundationModel", model_id)

    def profile_regions(self, model_id: str) -> tuple[str, ...]:
        prefix = _profile_prefix(model_id)
        if not prefix:
            return ()
        return self.inference_profile_regions or INFERENCE_PROFILE_REGIONS.get(prefix, ())

    def marketplace_grant(self, model_id: str) -> MarketplaceGrant | None:
        """What the function calling `model_id` needs so Bedrock can subscribe the account on the first call; None
        for a model sold outside Marketplace (Amazon's own: no subscription), with modelSubscription OFF, or under
        SCOPED for a Marketplace model whose product id the registry does not know (nothing to scope to: see
        subscription_notes)."""
        if self.model_subscription == "OFF" or not model_registry.sold_through_marketplace(model_id):
            return None
        product_id = model_registry.marketplace_product_id(model_id)
        if product_id is None:
            return MarketplaceGrant(product_id=None, condition=None) if self.model_subscription == "ANY" else None
        condition = (
            {"ForAnyValue:StringEquals": {"aws-marketplace:ProductId": [product_id]}}
            if self.model_subscription == "SCOPED"
            else None
        )
        return MarketplaceGrant(product_id=product_id, condition=condition)

    def image_services_grant(self) -> MarketplaceGrant | None:
        """The grant for the Stability AI Image Services, one for all of them: they share one Marketplace record in
        the registry, and "subscribing to any edit or control Stability AI Image Service automatically enrolls you
        in all" of them (Bedrock user guide, https://docs.aws.amazon.com/bedrock/latest/userguide/
        stable-image-services.html). None under SCOPED while the registry has no product id for them (the Bedrock
        product-id table does not list them), and under OFF."""
        return self.marketplace_grant(model_registry.image_service_ids()[0])

    def subscription_grants(self, spec: FunctionSpec) -> dict[str, MarketplaceGrant]:
        """Statement id -> grant, for each AWS Marketplace product the function's model calls may subscribe the
        account to: its configured model's, and the Image Services' for a function that edits with them (Generate
        Images: strategy targeted). An unconditioned grant (modelSubscription ANY) already covers every product, so
        it stands alone (no second, identical statement)."""
        grants: dict[str, MarketplaceGrant] = {}
        if spec.model_role and (grant := self.marketplace_grant(self.model_for(spec.model_role))):
            grants[SUBSCRIBE_TO_MODEL_SID] = grant
        if spec.image_services and (grant := self.image_services_grant()):
            grants[SUBSCRIBE_TO_IMAGE_SERVICES_SID] = grant
        unconditioned = [sid for sid, grant in grants.items() if grant.condition is None]
        return {unconditioned[0]: grants[unconditioned[0]]} if unconditioned else grants

    def subscription_notes(self) -> list[str]:
        """What the deployer should know when a deployed function's Marketplace model cannot be subscribed to by the
        function itself (SCOPED and no product id in the registry): the Stability AI Image Services, which the
        enhance workflow (Apply Operation) and strategy targeted's edits (Generate Images) call."""
        if self.model_subscription != "SCOPED":
            return []
        unscoped = [m for m in model_registry.image_service_ids() if self.marketplace_grant(m) is None]
        if not unscoped:
            return []
        return [
            "modelSubscription SCOPED: the registry knows no AWS Marketplace product id for the Stability AI Image "
            f"Services ({len(unscoped)} models: enhancements and strategy targeted's edits), so neither Apply "
            "Operation nor Generate Images gets an aws-marketplace:Subscribe grant for them; subscribe the account "
            "once by hand (the Bedrock console's model catalog; one Image Service enrolls all), or deploy with "
            "modelSubscription ANY, or record the product id in model_registry.json (imageServices.marketplace)"
        ]

    def lambda_environment(self, bucket_name: str, table_name: str) -> dict[str, str]:
        return {
            constants.ENV_BUCKET: bucket_name,
            constants.ENV_TABLE: table_name,
            constants.ENV_PROMPTS_DIR: f"{LAMBDA_TASK_ROOT}/prompts",
            constants.ENV_RUN_TTL_DAYS: str(self.run_retention_days),
            **({constants.ENV_DAILY_BUDGET_USD: _number(self.daily_budget_usd)} if self.daily_budget_usd else {}),
            **{constants.ENV_DEFAULTS[role]: model for role, model in self.models_by_role().items()},
            constants.ENV_DEFAULTS["verifier"]: self.verifier,
            constants.ENV_DEPLOYED_MODELS: allowed_models.encode_deployed_models(
                {
                    **{role: [model] for role, model in self.models_by_role().items()},
                    "verifier": [self.verifier] if self.verifier != constants.VERIFIER_NONE else [],
                }
            ),
            constants.ENV_DEFAULTS["threshold"]: f"{self.default_threshold:g}",
            constants.ENV_DEFAULTS["maxRounds"]: str(self.default_max_rounds),
            **powertools_environment(self.log_level),
        }

    def powertools_layer_arn(self, region: str) -> str:
        return (
            f"arn:aws:lambda:{region}:{POWERTOOLS_LAYER_ACCOUNT}:layer:"
            f"{POWERTOOLS_LAYER_NAME}:{self.powertools_layer_version}"
        )


def _declared_settings() -> tuple[Setting, ...]:
    types = typing.get_type_hints(ImagegateConfig)
    return tuple(
        Setting(attribute=item.name, type=types[item.name], default=item.default, **item.metadata["setting"])
        for item in dataclasses.fields(ImagegateConfig)
        if "setting" in item.metadata
    )


#: Every deployment setting, in declaration order (docs/deploy.md's table is `markdown_table()`).
SETTINGS: tuple[Setting, ...] = _declared_settings()
CONTEXT_KEYS = SETTINGS  # each has .name (the context key), .default and .help
assert len({declared.name for declared in SETTINGS}) == len(SETTINGS), "one context key per setting"
assert all(_unwrap_optional(declared.type)[0] in _PARSERS for declared in SETTINGS), "a parser per setting type"


def environment_context(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The settings given as IMAGEGATE_CDK_* environment variables, as context (key -> text)."""
    environ = os.environ if environ is None else environ
    return {declared.name: environ[declared.env_var] for declared in SETTINGS if environ.get(declared.env_var)}


def markdown_table() -> str:
    """The settings table of docs/deploy.md, rendered from the declarations."""
    rows = ["| key | default | environment variable | what |", "|---|---|---|---|"]
    rows += [
        f"| `{declared.name}` | {declared.shown()} | `{declared.env_var}` | {declared.help} |" for declared in SETTINGS
    ]
    return "\n".join(rows)


def _profile_prefix(model_id: str) -> str | None:
    """`us` for `us.amazon.nova-lite-v1:0`; None for a plain foundation-model id like `amazon.nova-lite-v1:0`."""
    head, dot, _ = model_id.partition(".")
    return head if dot and head in INFERENCE_PROFILE_PREFIXES else None


def _utc_today() -> date:
    from imagegate_service.domain.clock import utc_now

    return utc_now().date()


if __name__ == "__main__":  # python -m infra.config: the table docs/deploy.md carries
    print(markdown_table())
