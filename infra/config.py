"""Every name, default and permission of the deployed stack, in one place.

Settings come from CDK context (`cdk.json`, or `-c key=value` / `python app.py` with `CDK_CONTEXT_JSON`)
with the defaults below. This module imports no CDK so `imagegate doctor` can read the same settings.
Names the handlers share (environment variables, handler list, S3 prefix, TTL attribute, metric names)
come from `imagegate_service.constants`, the runtime's single source for them.
"""

from __future__ import annotations

import json
import os
import re
import zoneinfo
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Callable, Mapping

from imagegate_service import constants
from imagegate_service import deployment
from imagegate_service import registry as model_registry
from imagegate_service import settings as runtime_settings

REPO_ROOT = Path(__file__).resolve().parent.parent
STATE_MACHINE_FILE = REPO_ROOT / "statemachine" / "quality_loop.asl.json"
# What the Lambda code asset holds at its root: the runtime package and the prompts it loads.
RUNTIME_CODE_FOLDERS = (REPO_ROOT / "functions" / "imagegate_service", REPO_ROOT / "prompts")
LAMBDA_TASK_ROOT = "/var/task"
DEPENDENCIES_LAYER_DIR = Path(__file__).resolve().parent / "layers" / "jsonschema"

POWERTOOLS_LAYER_ACCOUNT = "017000801446"
POWERTOOLS_LAYER_NAME = "AWSLambdaPowertoolsPythonV3-python313-arm64"

# The Lambda environment variables the construct sets beyond the lead's constants.ENV_* names.

# Custom metrics the handlers emit with Powertools Metrics (namespace imagegate, dimension service=imagegate).
METRIC_RUNS_STARTED = constants.METRIC_RUNS_STARTED
METRIC_RUNS_PASSED = constants.METRIC_RUN_OUTCOME[constants.STATUS_PASSED]
METRIC_RUNS_EXHAUSTED = constants.METRIC_RUN_OUTCOME[constants.STATUS_EXHAUSTED]
METRIC_RUNS_BLOCKED = constants.METRIC_RUN_OUTCOME[constants.STATUS_BLOCKED]
METRIC_RUNS_FAILED = constants.METRIC_RUN_OUTCOME[constants.STATUS_FAILED]
METRIC_ROUNDS_PER_RUN = constants.METRIC_ROUNDS_PER_RUN
METRIC_RUN_COST_USD = constants.METRIC_RUN_COST
METRIC_ROUND_SCORE = constants.METRIC_ROUND_SCORE
METRIC_DIMENSIONS = {"service": constants.SERVICE_NAME}

# Regions a cross-region inference profile may route to, by its id's prefix (Bedrock user guide,
# "Supported Regions and models for inference profiles"). Override with context `inferenceProfileRegions`.
INFERENCE_PROFILE_REGIONS: dict[str, tuple[str, ...]] = {
    "us": ("us-east-1", "us-east-2", "us-west-2"),
    "eu": ("eu-central-1", "eu-north-1", "eu-west-1", "eu-west-3"),
    "apac": ("ap-northeast-1", "ap-northeast-2", "ap-south-1", "ap-southeast-1", "ap-southeast-2"),
}

# Geography prefixes of cross-region inference profile ids (a plain model id starts with its provider).
INFERENCE_PROFILE_PREFIXES = ("us", "eu", "apac", "jp", "au", "ca", "us-gov", "global")

SFN_LOG_LEVELS = ("ALL", "ERROR", "FATAL", "OFF")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
# CloudWatch Logs accepts only these retention periods.
LOG_RETENTION_DAYS_ALLOWED = (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827,
                              2192, 2557, 2922, 3288, 3653)


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
    lists_reports: bool = False  # s3:ListBucket on the bucket, only with s3:prefix benchmarks/*

    @property
    def handler(self) -> str:
        return f"{constants.HANDLER_MODULE.format(name=self.name)}.handler"

    @property
    def substitution(self) -> str:
        """The ASL's `${...}` name for this function's ARN."""
        return {**constants.HANDLERS, **constants.BENCHMARK_HANDLERS}[self.name]


# Image and vision calls wait up to 300 s on Bedrock (the adapter's read timeout), so those functions
# get a little more than that; the rest only touch S3/DynamoDB.
FUNCTION_SPECS: tuple[FunctionSpec, ...] = (
    FunctionSpec("start_run", 256, 30, dynamodb_actions=("dynamodb:PutItem",)),
    FunctionSpec("generate_images", 1024, 330, model_role="generator", s3_object_actions=("s3:PutObject",)),
    FunctionSpec("judge_images", 1024, 330, model_role="judge", s3_object_actions=("s3:GetObject", "s3:PutObject")),
    # reads the round's best image (and the run's checks), writes the checks once and the round's evaluation
    FunctionSpec("evaluate_round", 1024, 330, model_role="evaluator",
                 s3_object_actions=("s3:GetObject", "s3:PutObject")),
    # reads the round's verdict.json and the rewrite notes that produced its prompt
    FunctionSpec("record_round", 256, 30, s3_object_actions=("s3:GetObject",),
                 dynamodb_actions=("dynamodb:PutItem", "dynamodb:UpdateItem")),
    # reads the verdict, writes the next round's rewrite notes, queries earlier rounds for context
    FunctionSpec("rewrite_prompt", 512, 330, model_role="rewriter", s3_object_actions=("s3:GetObject", "s3:PutObject"),
                 dynamodb_actions=("dynamodb:Query",)),
    FunctionSpec("finish_run", 256, 30, dynamodb_actions=("dynamodb:UpdateItem",)),
)
assert {spec.name for spec in FUNCTION_SPECS} == set(constants.HANDLERS), "one FunctionSpec per handler"

# The nightly benchmark's own two functions, around a Map of the loop's (imagegate/workflows.py).
# Prepare reads the bundled suites from its code asset and touches no AWS service. Aggregate reads each
# run (GetItem) and its rounds (Query) from the table, lists and reads earlier reports to compare, and
# writes report.json and report.html under benchmarks/{date}/; it never reads runs/ objects.
BENCHMARK_FUNCTION_SPECS: tuple[FunctionSpec, ...] = (
    FunctionSpec("prepare_benchmark", 256, 30),
    FunctionSpec("aggregate_benchmark", 512, 300, dynamodb_actions=("dynamodb:GetItem", "dynamodb:Query"),
                 report_object_actions=("s3:GetObject", "s3:PutObject"), lists_reports=True),
)
assert {spec.name for spec in BENCHMARK_FUNCTION_SPECS} == set(constants.BENCHMARK_HANDLERS), \
    "one FunctionSpec per benchmark handler"
BENCHMARK_MAX_CONCURRENCY = 40  # what prepare_benchmark accepts (domain/benchmark.py)
# EventBridge Scheduler's six-field cron: minutes hours day-of-month month day-of-week year.
_CRON = re.compile(r"^cron\(\s*(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s*\)$")

# The HTTP API's function (not a loop task: no ASL substitution). API Gateway waits at most 29 s.
# Idempotency records (Powertools) live in the runs table: GetItem/PutItem/UpdateItem/DeleteItem; reading a
# run and its rounds: GetItem/Query; the newest-first listing: Query on the runs index (granted in the construct).
API_FUNCTION_SPEC = FunctionSpec(
    "api", 512, 29, s3_object_actions=("s3:GetObject",),  # presigned URLs are signed with this role
    dynamodb_actions=("dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem", "dynamodb:UpdateItem",
                      "dynamodb:DeleteItem"),
)
# The EventBridge target of Step Functions "Execution Status Change" (TIMED_OUT, ABORTED, FAILED): marks a run
# that never reached Finish Run FAILED (a conditional UpdateItem); for a benchmark's runs it queries the runs
# index for those the benchmark started (granted in the construct).
MARK_RUN_ENDED_FUNCTION_SPEC = FunctionSpec("mark_run_ended", 256, 60, dynamodb_actions=("dynamodb:UpdateItem",))
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


@dataclass(frozen=True)
class ContextKey:
    name: str
    default: Any
    description: str


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


def _registry_default(role: str) -> str:
    return model_registry.default_model(role)


# The documented context keys (docs/deploy.md renders the same table).
CONTEXT_KEYS: tuple[ContextKey, ...] = (
    ContextKey("stackName", "Imagegate", "CloudFormation stack name"),
    ContextKey("generatorModel", _registry_default("generator"), "image model (a `generators` id in model_registry.json)"),
    ContextKey("judgeModel", _registry_default("judge"), "vision judge (a `textModels` id with vision)"),
    ContextKey("rewriterModel", _registry_default("rewriter"), "prompt rewriter (a `textModels` id)"),
    ContextKey("evaluatorModel", _registry_default("evaluator"),
               "independent evaluator of each round's best image (a `textModels` id with vision; not the judge)"),
    ContextKey("allowRetiredModels", False,
               "deploy a model past its end of life anyway (for accounts with a private extension)"),
    ContextKey("defaultThreshold", runtime_settings.DEFAULTS["threshold"], "score (0-10) a round must reach to pass"),
    ContextKey("defaultMaxRounds", runtime_settings.DEFAULTS["maxRounds"], "rounds before a run is EXHAUSTED"),
    ContextKey("runRetentionDays", constants.DEFAULT_RUN_TTL_DAYS,
               "days S3 keeps `runs/` objects and DynamoDB keeps run items (TTL)"),
    ContextKey("logRetentionDays", 30, "CloudWatch Logs retention of the function and state machine logs"),
    ContextKey("accessLogRetentionDays", 365, "days the access-log bucket keeps S3 server access logs"),
    ContextKey("logLevel", "INFO", "POWERTOOLS_LOG_LEVEL of the functions"),
    ContextKey("sfnLogLevel", "ALL", "state machine log level: ALL, ERROR, FATAL or OFF"),
    ContextKey("sfnIncludeExecutionData", False, "log state inputs/outputs (prompts may be private)"),
    ContextKey("alarmEmail", None, "if set: an SNS topic for the alarms, with this email subscribed"),
    ContextKey("powertoolsLayerVersion", 27, "version of the public Powertools layer for Python 3.13 arm64"),
    ContextKey("inferenceProfileRegions", None,
               "regions a `us.`/`eu.`/`apac.` profile routes to, e.g. `us-east-1,us-west-2` (default: by prefix)"),
    ContextKey("retainData", True, "keep the bucket and table when the stack is deleted"),
    ContextKey("apiAuthorization", "IAM", "HTTP API authorization: `IAM` (SigV4) or `NONE` (then `apiKey` must be true)"),
    ContextKey("apiKey", False, "require an API key (`x-api-key`) with a usage plan (throttle and quota below)"),
    ContextKey("apiThrottleRateLimit", 10, "steady requests per second for the API stage and the usage plan"),
    ContextKey("apiThrottleBurstLimit", 20, "burst requests for the API stage and the usage plan"),
    ContextKey("apiQuotaLimit", 1000, "requests per quota period per API key (usage plan, with `apiKey`)"),
    ContextKey("apiQuotaPeriod", "DAY", "usage plan quota period: `DAY`, `WEEK` or `MONTH`"),
    ContextKey("apiCorsOrigins", None, "comma-separated origins allowed by CORS, e.g. `https://app.example.com` "
                                       "(default: CORS off)"),
    ContextKey("apiCloudWatchRole", "RETAIN",
               "API Gateway's account-wide CloudWatch Logs role: `RETAIN` (kept when the stack is deleted), "
               "`DESTROY` (deleted with it) or `NONE` (not created: the account already has one)"),
    ContextKey("imageUrlExpirySeconds", constants.DEFAULT_PRESIGN_EXPIRY_SECONDS,
               "lifetime of the presigned image URLs the API returns (at most 604800)"),
    ContextKey("benchmarkEnabled", True, "run the benchmark on its schedule (false: the schedule is disabled)"),
    ContextKey("benchmarkSchedule", "cron(0 2 * * ? *)",
               "EventBridge Scheduler cron (six fields: minutes hours day-of-month month day-of-week year)"),
    ContextKey("benchmarkTimeZone", "UTC", "IANA time zone of `benchmarkSchedule`, e.g. `Europe/Berlin`"),
    ContextKey("benchmarkSuite", constants.BENCHMARK_DEFAULT_SUITE, "bundled suite the nightly benchmark runs"),
    ContextKey("benchmarkLimit", None, "run only this many suite items (default: all)"),
    ContextKey("benchmarkConcurrency", constants.BENCHMARK_DEFAULT_CONCURRENCY,
               "quality loops the benchmark runs in parallel (Bedrock quotas)"),
    ContextKey("benchmarkPassRateAlarmBelow", 0.6, "alarm when a benchmark's pass rate (0-1) is below this"),
    ContextKey("benchmarkArms", ",".join(constants.BENCHMARK_DEFAULT_ARMS),
               f"comma list of the arms the nightly benchmark runs: {', '.join(constants.BENCHMARK_ARMS)}"),
)


@dataclass(frozen=True)
class ImagegateConfig:
    stack_name: str
    generator_model: str
    judge_model: str
    rewriter_model: str
    evaluator_model: str
    default_threshold: float
    default_max_rounds: int
    run_retention_days: int
    log_retention_days: int
    access_log_retention_days: int
    log_level: str
    sfn_log_level: str
    sfn_include_execution_data: bool
    alarm_email: str | None
    powertools_layer_version: int
    inference_profile_regions: tuple[str, ...] | None
    retain_data: bool
    api_authorization: str = "IAM"
    api_key: bool = False
    api_throttle_rate_limit: float = 10.0
    api_throttle_burst_limit: int = 20
    api_quota_limit: int = 1000
    api_quota_period: str = "DAY"
    api_cors_origins: tuple[str, ...] = ()
    api_cloudwatch_role: str = "RETAIN"
    image_url_expiry_seconds: int = constants.DEFAULT_PRESIGN_EXPIRY_SECONDS
    benchmark_enabled: bool = True
    benchmark_schedule: str = "cron(0 2 * * ? *)"
    benchmark_time_zone: str = "UTC"
    benchmark_suite: str = constants.BENCHMARK_DEFAULT_SUITE
    benchmark_limit: int | None = None
    benchmark_concurrency: int = constants.BENCHMARK_DEFAULT_CONCURRENCY
    benchmark_pass_rate_alarm_below: float = 0.6
    benchmark_arms: tuple[str, ...] = constants.BENCHMARK_DEFAULT_ARMS
    allow_retired_models: bool = False
    registry: Mapping[str, Any] = field(repr=False, compare=False, default_factory=load_model_registry)

    @classmethod
    def from_context(cls, get: Callable[[str], Any], today: date | None = None) -> "ImagegateConfig":
        """`get` is `node.try_get_context`; context given with `-c` arrives as strings. `today` decides
        which models are past their end of life (default: today's UTC date)."""
        values = {key.name: _or_default(get(key.name), key.default) for key in CONTEXT_KEYS}
        regions = values["inferenceProfileRegions"]
        if isinstance(regions, str):
            regions = [region.strip() for region in regions.split(",") if region.strip()]
        try:
            config = cls(
                stack_name=str(values["stackName"]),
                generator_model=str(values["generatorModel"]),
                judge_model=str(values["judgeModel"]),
                rewriter_model=str(values["rewriterModel"]),
                evaluator_model=str(values["evaluatorModel"]),
                default_threshold=float(values["defaultThreshold"]),
                default_max_rounds=int(values["defaultMaxRounds"]),
                run_retention_days=int(values["runRetentionDays"]),
                log_retention_days=int(values["logRetentionDays"]),
                access_log_retention_days=int(values["accessLogRetentionDays"]),
                log_level=str(values["logLevel"]).upper(),
                sfn_log_level=str(values["sfnLogLevel"]).upper(),
                sfn_include_execution_data=_as_bool(values["sfnIncludeExecutionData"]),
                alarm_email=values["alarmEmail"] or None,
                powertools_layer_version=int(values["powertoolsLayerVersion"]),
                inference_profile_regions=tuple(regions) if regions else None,
                retain_data=_as_bool(values["retainData"]),
                api_authorization=str(values["apiAuthorization"]).upper(),
                api_key=_as_bool(values["apiKey"]),
                api_throttle_rate_limit=float(values["apiThrottleRateLimit"]),
                api_throttle_burst_limit=int(values["apiThrottleBurstLimit"]),
                api_quota_limit=int(values["apiQuotaLimit"]),
                api_quota_period=str(values["apiQuotaPeriod"]).upper(),
                api_cors_origins=_as_list(values["apiCorsOrigins"]),
                api_cloudwatch_role=str(values["apiCloudWatchRole"]).strip().upper(),
                image_url_expiry_seconds=int(values["imageUrlExpirySeconds"]),
                benchmark_enabled=_as_bool(values["benchmarkEnabled"]),
                benchmark_schedule=str(values["benchmarkSchedule"]).strip(),
                benchmark_time_zone=str(values["benchmarkTimeZone"]).strip(),
                benchmark_suite=str(values["benchmarkSuite"]).strip(),
                benchmark_limit=None if values["benchmarkLimit"] is None else int(values["benchmarkLimit"]),
                benchmark_concurrency=int(values["benchmarkConcurrency"]),
                benchmark_pass_rate_alarm_below=float(values["benchmarkPassRateAlarmBelow"]),
                benchmark_arms=_as_list(values["benchmarkArms"]),
                allow_retired_models=_as_bool(values["allowRetiredModels"]),
            )
        except (TypeError, ValueError) as error:  # a number or flag that does not parse
            raise ContextError(f"imagegate CDK context: a value does not parse ({error}); see docs/deploy.md") from None
        config.validate(today)
        return config

    @classmethod
    def from_cdk_json(cls, today: date | None = None) -> "ImagegateConfig":
        """The settings `cdk deploy` would use without `-c` overrides (for `imagegate doctor`)."""
        return cls.from_context(cdk_json_context().get, today)

    def validate(self, today: date | None = None) -> None:
        generators = self.registry["generators"]
        text_models = {model: spec for model, spec in self.registry["textModels"].items()
                       if not spec.get("offlineOnly")}
        problems = []
        if self.generator_model not in generators:
            problems.append(f"generatorModel {self.generator_model!r} is not one of {sorted(generators)}")
        for key, model in (("judgeModel", self.judge_model), ("rewriterModel", self.rewriter_model),
                           ("evaluatorModel", self.evaluator_model)):
            if deployment.offline_only(model):
                problems.append(f"{key} {model!r} is the offline world's stand-in (offlineOnly): it exists only in "
                                "the local runtime and is never deployed; choose a Bedrock model")
            elif model not in text_models:
                problems.append(f"{key} {model!r} is not one of {sorted(text_models)}")
        for key, model in (("judgeModel", self.judge_model), ("evaluatorModel", self.evaluator_model)):
            if model in text_models and not text_models[model].get("vision"):
                problems.append(f"{key} {model!r} cannot see images (vision: false)")
        if self.evaluator_model in text_models and self.judge_model in text_models and model_registry.same_text_model(
                self.evaluator_model, self.judge_model):
            problems.append(f"evaluatorModel {self.evaluator_model!r} is the same model as judgeModel "
                            f"{self.judge_model!r}: the evaluator must be another model, or it grades its own homework")
        if not problems:
            problems += self.lifecycle_problems(today or _utc_today())
        if self.sfn_log_level not in SFN_LOG_LEVELS:
            problems.append(f"sfnLogLevel {self.sfn_log_level!r} is not one of {SFN_LOG_LEVELS}")
        if self.log_level not in LOG_LEVELS:
            problems.append(f"logLevel {self.log_level!r} is not one of {LOG_LEVELS}")
        if self.log_retention_days not in LOG_RETENTION_DAYS_ALLOWED:
            problems.append(f"logRetentionDays {self.log_retention_days} is not one of {LOG_RETENTION_DAYS_ALLOWED}")
        if self.run_retention_days < 1 or self.access_log_retention_days < 1:
            problems.append("runRetentionDays and accessLogRetentionDays must be at least 1")
        if not 0 <= self.default_threshold <= 10:
            problems.append(f"defaultThreshold {self.default_threshold} is outside 0-10")
        if not 1 <= self.default_max_rounds <= runtime_settings.MAX_ROUNDS_HARD_CAP:
            problems.append(f"defaultMaxRounds {self.default_max_rounds} is outside 1-{runtime_settings.MAX_ROUNDS_HARD_CAP}")
        for model in (self.judge_model, self.rewriter_model, self.evaluator_model):
            if _profile_prefix(model) and not self.profile_regions(model):
                problems.append(f"no regions known for inference profile {model!r}: set inferenceProfileRegions")
        if self.api_authorization not in API_AUTHORIZATION_TYPES:
            problems.append(f"apiAuthorization {self.api_authorization!r} is not one of {API_AUTHORIZATION_TYPES}")
        if self.api_authorization == "NONE" and not self.api_key:
            problems.append("apiAuthorization NONE needs apiKey true (the API must not be open to everyone)")
        if self.api_cloudwatch_role not in API_CLOUDWATCH_ROLE_CHOICES:
            problems.append(f"apiCloudWatchRole {self.api_cloudwatch_role!r} is not one of {API_CLOUDWATCH_ROLE_CHOICES}")
        if self.api_quota_period not in API_QUOTA_PERIODS:
            problems.append(f"apiQuotaPeriod {self.api_quota_period!r} is not one of {API_QUOTA_PERIODS}")
        if self.api_throttle_rate_limit <= 0 or self.api_throttle_burst_limit < 1 or self.api_quota_limit < 1:
            problems.append("apiThrottleRateLimit, apiThrottleBurstLimit and apiQuotaLimit must be positive")
        if not 1 <= self.image_url_expiry_seconds <= PRESIGNED_URL_MAX_SECONDS:
            problems.append(f"imageUrlExpirySeconds {self.image_url_expiry_seconds} is outside 1-{PRESIGNED_URL_MAX_SECONDS}")
        problems += self._benchmark_problems()
        if problems:
            raise ContextError("imagegate CDK context: " + "; ".join(problems), problems)

    def models_by_role(self) -> dict[str, str]:
        """role -> the model deployed for it (generator, judge, rewriter, evaluator)."""
        return {"generator": self.generator_model, "judge": self.judge_model, "rewriter": self.rewriter_model,
                "evaluator": self.evaluator_model}

    def lifecycle_problems(self, today: date) -> list[str]:
        """A model past its end of life is refused (Bedrock would fail every run), unless allowRetiredModels."""
        if self.allow_retired_models:
            return []
        problems = []
        for role, model in self.models_by_role().items():
            problem = deployment.retirement_problem(model, today, role)
            if problem:
                problems.append(f"{role}Model {problem}. Choose another with -c {role}Model=MODEL, or set "
                                "allowRetiredModels=true if your account still has access (a private extension)")
        return problems

    def region_check(self, region: str | None) -> list[str]:
        """Notes about where the stack goes; raises ContextError when a model is not offered in that region.

        `region` is the target region (`target_region()`); None or a token: unknown, nothing is checked."""
        if not region or region.startswith("${Token"):
            return ["target region unknown (environment-agnostic synthesis: no CDK_DEFAULT_REGION, AWS_REGION or "
                    "AWS_DEFAULT_REGION): the models' regions were not checked; `imagegate doctor` checks them"]
        notes, problems = [], []
        for role, model in self.models_by_role().items():
            offered = model_registry.regions(model)
            if not offered:
                notes.append(f"{role}Model {model}: the registry records no regions for it; not checked for {region}")
            elif region not in offered:
                problems.append(f"{role}Model {model} is not offered in {region}; it is offered in "
                                f"{', '.join(offered)}: deploy there or choose another {role} for {region}")
        if problems:
            raise ContextError("imagegate CDK context: " + "; ".join(problems), problems)
        return notes

    def _benchmark_problems(self) -> list[str]:
        problems = []
        try:
            self.benchmark_cron_fields()
        except ValueError as error:
            problems.append(str(error))
        zones = zoneinfo.available_timezones()  # empty where the system has no tz database: not checked then
        if zones and self.benchmark_time_zone not in zones | {"UTC"}:
            problems.append(f"benchmarkTimeZone {self.benchmark_time_zone!r} is not an IANA time zone name")
        if not re.fullmatch(r"[A-Za-z0-9_-]+", self.benchmark_suite):
            problems.append(f"benchmarkSuite {self.benchmark_suite!r} must be a suite name (letters, digits, _ and -)")
        if self.benchmark_limit is not None and not 1 <= self.benchmark_limit <= constants.BENCHMARK_MAX_ITEMS:
            problems.append(f"benchmarkLimit {self.benchmark_limit} is outside 1-{constants.BENCHMARK_MAX_ITEMS}")
        if not 1 <= self.benchmark_concurrency <= BENCHMARK_MAX_CONCURRENCY:
            problems.append(f"benchmarkConcurrency {self.benchmark_concurrency} is outside 1-{BENCHMARK_MAX_CONCURRENCY}")
        unknown_arms = [arm for arm in self.benchmark_arms if arm not in constants.BENCHMARK_ARMS]
        if unknown_arms or not self.benchmark_arms:
            problems.append(f"benchmarkArms {','.join(self.benchmark_arms)!r} must be a comma list of "
                            f"{', '.join(constants.BENCHMARK_ARMS)}")
        if not 0 < self.benchmark_pass_rate_alarm_below <= 1:
            problems.append(f"benchmarkPassRateAlarmBelow {self.benchmark_pass_rate_alarm_below} is outside (0, 1]")
        return problems

    def benchmark_cron_fields(self) -> dict[str, str | None]:
        """`benchmarkSchedule` as the keyword arguments of `ScheduleExpression.cron` (a `?` field is left out)."""
        match = _CRON.match(self.benchmark_schedule)
        if not match:
            raise ValueError(f"benchmarkSchedule {self.benchmark_schedule!r} is not a six-field cron(...) expression, "
                             "e.g. cron(0 2 * * ? *)")
        minute, hour, day, month, week_day, year = match.groups()
        if (day == "?") == (week_day == "?"):
            raise ValueError(f"benchmarkSchedule {self.benchmark_schedule!r}: exactly one of day-of-month and "
                             "day-of-week must be ?")
        fields = {"minute": minute, "hour": hour, "day": day, "month": month, "week_day": week_day, "year": year}
        return {name: value for name, value in fields.items() if value != "?"}

    def benchmark_input(self) -> dict[str, Any]:
        """What the schedule starts each benchmark execution with (prepare_benchmark's request)."""
        request: dict[str, Any] = {"suite": self.benchmark_suite, "concurrency": self.benchmark_concurrency,
                                   "arms": list(self.benchmark_arms)}
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

    def lambda_environment(self, bucket_name: str, table_name: str) -> dict[str, str]:
        return {
            constants.ENV_BUCKET: bucket_name,
            constants.ENV_TABLE: table_name,
            constants.ENV_PROMPTS_DIR: f"{LAMBDA_TASK_ROOT}/prompts",
            constants.ENV_RUN_TTL_DAYS: str(self.run_retention_days),
            constants.ENV_DEFAULTS["generator"]: self.generator_model,
            constants.ENV_DEFAULTS["judge"]: self.judge_model,
            constants.ENV_DEFAULTS["rewriter"]: self.rewriter_model,
            constants.ENV_DEFAULTS["evaluator"]: self.evaluator_model,
            constants.ENV_DEPLOYED_MODELS: deployment.encode_deployed_models(
                {role: [model] for role, model in self.models_by_role().items()}),
            constants.ENV_DEFAULTS["threshold"]: f"{self.default_threshold:g}",
            constants.ENV_DEFAULTS["maxRounds"]: str(self.default_max_rounds),
            "POWERTOOLS_SERVICE_NAME": constants.SERVICE_NAME,
            "POWERTOOLS_METRICS_NAMESPACE": constants.METRICS_NAMESPACE,
            "POWERTOOLS_LOG_LEVEL": self.log_level,
        }

    def powertools_layer_arn(self, region: str) -> str:
        return (f"arn:aws:lambda:{region}:{POWERTOOLS_LAYER_ACCOUNT}:layer:"
                f"{POWERTOOLS_LAYER_NAME}:{self.powertools_layer_version}")


def _profile_prefix(model_id: str) -> str | None:
    """`us` for `us.amazon.nova-lite-v1:0`; None for a plain foundation-model id like `amazon.nova-lite-v1:0`."""
    head, dot, _ = model_id.partition(".")
    return head if dot and head in INFERENCE_PROFILE_PREFIXES else None


def _utc_today() -> date:
    from imagegate_service.domain.clock import utc_now

    return utc_now().date()


def _or_default(value: Any, default: Any) -> Any:
    return default if value is None or value == "" else value


def _as_list(value: Any) -> tuple[str, ...]:
    """A list, or a comma-separated string (context given with -c)."""
    if not value:
        return ()
    items = value.split(",") if isinstance(value, str) else value
    return tuple(str(item).strip() for item in items if str(item).strip())


def _as_bool(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on")
    return bool(value)
