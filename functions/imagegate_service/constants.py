"""Names shared by the handlers, the local runtime and the CDK app: one place for each."""

SERVICE_NAME = "imagegate"
METRICS_NAMESPACE = "imagegate"

# Environment the functions read (set by the CDK construct in AWS, by the local runtime on a laptop).
ENV_BUCKET = "IMAGEGATE_BUCKET"
ENV_TABLE = "IMAGEGATE_TABLE"
ENV_PROMPTS_DIR = "IMAGEGATE_PROMPTS_DIR"
ENV_RUN_TTL_DAYS = "IMAGEGATE_RUN_TTL_DAYS"
# A deployment's own defaults for run settings (from CDK context), over the ones in settings.py.
ENV_DEFAULTS = {
    "generator": "IMAGEGATE_DEFAULT_GENERATOR",
    "judge": "IMAGEGATE_DEFAULT_JUDGE",
    "rewriter": "IMAGEGATE_DEFAULT_REWRITER",
    "threshold": "IMAGEGATE_DEFAULT_THRESHOLD",
    "maxRounds": "IMAGEGATE_DEFAULT_MAX_ROUNDS",
}

# One Lambda function per task state; the ASL refers to each through this substitution.
HANDLERS = {
    "start_run": "StartRunFunctionArn",
    "generate_images": "GenerateImagesFunctionArn",
    "judge_images": "JudgeImagesFunctionArn",
    "record_round": "RecordRoundFunctionArn",
    "rewrite_prompt": "RewritePromptFunctionArn",
    "finish_run": "FinishRunFunctionArn",
}
HANDLER_MODULE = "imagegate_service.handlers.{name}"

# Terminal outcomes of a run.
STATUS_RUNNING = "RUNNING"
STATUS_PASSED = "PASSED"
STATUS_EXHAUSTED = "EXHAUSTED"
STATUS_BLOCKED = "BLOCKED"
STATUS_FAILED = "FAILED"
TERMINAL_STATUSES = (STATUS_PASSED, STATUS_EXHAUSTED, STATUS_BLOCKED, STATUS_FAILED)

# S3 layout: every round of every run is kept under its run's prefix.
RUNS_PREFIX = "runs/"


def round_prefix(run_id: str, round_number: int) -> str:
    return f"{RUNS_PREFIX}{run_id}/round-{round_number:02d}/"


def candidate_key(run_id: str, round_number: int, candidate: int) -> str:
    return f"{round_prefix(run_id, round_number)}candidate-{candidate}.png"


def verdict_key(run_id: str, round_number: int) -> str:
    return f"{round_prefix(run_id, round_number)}verdict.json"


# DynamoDB single-table keys.
def run_pk(run_id: str) -> str:
    return f"RUN#{run_id}"


RUN_SK = "RUN"


def round_sk(round_number: int) -> str:
    return f"ROUND#{round_number:02d}"


TTL_ATTRIBUTE = "expiresAt"
DEFAULT_RUN_TTL_DAYS = 90

# Custom metrics (the dashboard in infra/ plots these).
METRIC_RUNS_STARTED = "RunsStarted"
METRIC_RUN_OUTCOME = {
    STATUS_PASSED: "RunsPassed",
    STATUS_EXHAUSTED: "RunsExhausted",
    STATUS_BLOCKED: "RunsBlocked",
    STATUS_FAILED: "RunsFailed",
}
METRIC_ROUNDS_PER_RUN = "RoundsPerRun"
METRIC_RUN_COST = "RunCostUsd"
METRIC_ROUND_SCORE = "RoundScore"

# Converse tool names the judge and rewriter are forced to call.
VERDICT_TOOL = "submit_verdict"
REWRITE_TOOL = "submit_prompt"
