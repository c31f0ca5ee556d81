"""Names shared by the handlers, the local runtime and the CDK app: one place for each."""

from typing import Final

SERVICE_NAME = "imagegate"
METRICS_NAMESPACE = "imagegate"

# Environment the functions read (set by the CDK construct in AWS, by the local runtime on a laptop).
ENV_BUCKET = "IMAGEGATE_BUCKET"
ENV_TABLE = "IMAGEGATE_TABLE"
ENV_PROMPTS_DIR = "IMAGEGATE_PROMPTS_DIR"
ENV_STATEMACHINE_DIR = "IMAGEGATE_STATEMACHINE_DIR"  # where imagegate_service.workflows reads the ASL files
ENV_RUN_TTL_DAYS = "IMAGEGATE_RUN_TTL_DAYS"
# The models a deployment may call, JSON role -> model ids (set by the CDK app; unset locally): allowed_models.py.
ENV_DEPLOYED_MODELS = "IMAGEGATE_DEPLOYED_MODELS"
# A deployment's own defaults for run settings (from CDK context), over the ones in settings.py.
ENV_DEFAULTS = {
    "generator": "IMAGEGATE_DEFAULT_GENERATOR",
    "judge": "IMAGEGATE_DEFAULT_JUDGE",
    "rewriter": "IMAGEGATE_DEFAULT_REWRITER",
    "threshold": "IMAGEGATE_DEFAULT_THRESHOLD",
    "maxRounds": "IMAGEGATE_DEFAULT_MAX_ROUNDS",
    "evaluator": "IMAGEGATE_DEFAULT_EVALUATOR",
    "verifier": "IMAGEGATE_DEFAULT_VERIFIER",
}

# One Lambda function per task state; the ASL refers to each through this substitution.
HANDLERS = {
    "start_run": "StartRunFunctionArn",
    "generate_images": "GenerateImagesFunctionArn",
    "judge_images": "JudgeImagesFunctionArn",
    "pick_best": "PickBestFunctionArn",
    "evaluate_round": "EvaluateRoundFunctionArn",
    "verify_round": "VerifyRoundFunctionArn",
    "record_round": "RecordRoundFunctionArn",
    "rewrite_prompt": "RewritePromptFunctionArn",
    "finish_run": "FinishRunFunctionArn",
    "await_review": "AwaitReviewFunctionArn",  # the review pause: invoked with a task token (.waitForTaskToken)
}
HANDLER_MODULE = "imagegate_service.handlers.{name}"
# The enhancement of a finished image (statemachine/enhance.asl.json): its tasks' functions.
ENHANCE_HANDLERS = {
    "apply_enhancement": "ApplyEnhancementFunctionArn",
    "finish_enhancement": "FinishEnhancementFunctionArn",
}

# Terminal outcomes of a run.
STATUS_QUEUED = "QUEUED"  # accepted by the API, its execution started, Start Run not run yet
STATUS_RUNNING = "RUNNING"
STATUS_AWAITING_REVIEW = "AWAITING_REVIEW"  # paused for a person's review (run setting review "final")
STATUS_PASSED = "PASSED"
STATUS_EXHAUSTED = "EXHAUSTED"
STATUS_BLOCKED = "BLOCKED"
STATUS_FAILED = "FAILED"
TERMINAL_STATUSES = (STATUS_PASSED, STATUS_EXHAUSTED, STATUS_BLOCKED, STATUS_FAILED)
OPEN_STATUSES = (STATUS_QUEUED, STATUS_RUNNING, STATUS_AWAITING_REVIEW)  # a run that has not ended
RUN_STATUSES = (*OPEN_STATUSES, *TERMINAL_STATUSES)  # every status a run item can hold (GET /generations?status=)

# S3 layout: every round of every run is kept under its run's prefix.
RUNS_PREFIX = "runs/"
# The run item's (and run.json's) round the run ended in before it was recorded: {round, imageKeys}
INTERRUPTED_ROUND = "interruptedRound"


def round_prefix(run_id: str, round_number: int) -> str:
    return f"{RUNS_PREFIX}{run_id}/round-{round_number:02d}/"


def candidate_key(run_id: str, round_number: int, candidate: int) -> str:
    return f"{round_prefix(run_id, round_number)}candidate-{candidate}.png"


# Beside an offline image (round-NN/candidate-K.png): round-NN/candidate-K.drawn.json, what the offline world drew
# (world/render.drawn_description), written by the offline Bedrock when the image is stored. report.html and the
# console overlay it for people; the judge, the verifier and the evaluator never read it. A real model's image has none.
DRAWN_SUFFIX = ".drawn.json"


def drawn_key(image_key: str) -> str:
    return image_key.removesuffix(".png") + DRAWN_SUFFIX


def verdict_key(run_id: str, round_number: int) -> str:
    return f"{round_prefix(run_id, round_number)}verdict.json"


def generation_key(run_id: str, round_number: int) -> str:
    """What each of a round's generation calls delivered (a retried task reuses it)."""
    return f"{round_prefix(run_id, round_number)}generation.json"


def rewrite_key(run_id: str, round_number: int) -> str:
    """Where the rewrite that produced a round's prompt keeps its notes."""
    return f"{round_prefix(run_id, round_number)}rewrite.json"


def candidate_verdict_key(run_id: str, round_number: int, candidate: int) -> str:
    """One candidate's verdict, written by its own judge call (the round's verdict.json gathers them)."""
    return f"{round_prefix(run_id, round_number)}verdict-{candidate}.json"


def evaluation_key(run_id: str, round_number: int) -> str:
    """The independent evaluator's answers on the round's best image, next to the judge's verdict."""
    return f"{round_prefix(run_id, round_number)}evaluation.json"


def edit_labels_key(run_id: str, round_number: int) -> str:
    """The detector's answer a targeted erase's mask was drawn from (strategy targeted), beside the round it made."""
    return f"{round_prefix(run_id, round_number)}edit-labels.json"


def edit_mask_key(run_id: str, round_number: int) -> str:
    """A targeted erase's mask (white: what to erase), beside the round it made."""
    return f"{round_prefix(run_id, round_number)}edit-mask.png"


def verification_key(run_id: str, round_number: int) -> str:
    """The verifier's grounding of the judge's checks on the round's best image (domain/verifying.py)."""
    return f"{round_prefix(run_id, round_number)}verification.json"


def evaluation_checks_key(run_id: str) -> str:
    """The run's evaluation checks: made once per run (from `expected` or one evaluator call), reused every round."""
    return f"{RUNS_PREFIX}{run_id}/evaluation/checks.json"


# DynamoDB single-table keys.
def run_pk(run_id: str) -> str:
    return f"RUN#{run_id}"


RUN_SK = "RUN"
# Beside a run's RUN and ROUND# items under its partition (the adapters write them; Remove Run's lifecycle sweep in
# domain/lifecycle.py reads which to keep and which enhancements are open): the spend ledger's entries (CALL#<callId>),
# a deleted run's marker (DELETE /generations/{id} writes it before it looks for open enhancements, so a GET of the id
# is 404 "deleted" and a task of an enhancement that still runs can tell) and the enhancements (ENHANCE#<id>).
LEDGER_SK_PREFIX = "CALL#"
DELETED_SK = "DELETED"
ENHANCEMENT_SK_PREFIX = "ENHANCE#"


def round_sk(round_number: int) -> str:
    return f"ROUND#{round_number:02d}"


# The spend ledger (sk CALL#<callId> under the run's partition): the step each billable model call belongs to.
# A callId is <round>-<step>-<candidate>-a<attempt> (attempt: the task's $$.State.RetryCount), so a re-delivered
# invocation finds its entry already there and a new attempt is a new call.
STEP_GENERATE = "generate"
STEP_JUDGE = "judge"
STEP_REWRITE = "rewrite"
STEP_EVALUATE_CHECKS = "evaluate-checks"
STEP_EVALUATE_ANSWERS = "evaluate-answers"
EVALUATION_STEPS = (STEP_EVALUATE_CHECKS, STEP_EVALUATE_ANSWERS)
# The verifier's calls (Amazon Rekognition): part of the gate, so of the loop's own cost (not the evaluator's).
STEP_VERIFY_LABELS = "verify-labels"
STEP_VERIFY_TEXT = "verify-text"
VERIFY_STEPS = (STEP_VERIFY_LABELS, STEP_VERIFY_TEXT)
# A targeted erase's mask (strategy targeted): DetectLabels on the best image, billed in the round it prepares.
STEP_EDIT_DETECT = "edit-detect"
# What became of a billed call's answer.
CALL_OK = "ok"
CALL_FILTERED = "filtered"
CALL_INVALID = "invalid"
CALL_REFUSED = "refused"
CALL_TRUNCATED = "truncated"

TTL_ATTRIBUTE: Final = "expiresAt"
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
# ... and the independent evaluator (DSG-style: the prompt as yes/no checks, then one answer per check).
EVALUATION_CHECKS_TOOL = "submit_checks"
EVALUATION_ANSWERS_TOOL = "submit_answers"
# The evaluation of a prompt with nothing to check (it cannot pass: nothing was shown to be drawn).
NO_CHECKS_QUESTION = "Does the prompt ask for anything checkable?"
# The check contract's relations (a check's "relation", an expected item's position[0]), each with the words a
# question puts between its subject and object. The one declaration: the evaluator's checks schema, the judge's and
# the evaluator's readings and the offline ground truth name these. GenEval's four 2D relations come first (its
# relative_position), then proximity, depth, containment and support; "between" names a second object (object2).
EVALUATION_RELATION_WORDS = {
    "left of": "to the left of",
    "right of": "to the right of",
    "above": "above",
    "below": "below",
    "next to": "next to",
    "near": "near",
    "behind": "behind",
    "in front of": "in front of",
    "inside": "inside",
    "on": "on",
    "under": "under",
    "between": "between",
}
EVALUATION_RELATIONS = tuple(EVALUATION_RELATION_WORDS)
# Relations between the subject and two objects (object and object2): an expected item's [relation, index] cannot
# name them.
EVALUATION_TWO_OBJECT_RELATIONS = ("between",)
# What sort of property an attribute check asks about (a check's "attributeKind").
EVALUATION_ATTRIBUTE_KINDS = ("shape", "material", "texture", "size", "state", "other")

# --- HTTP API (handlers/api.py, infra/constructs/api.py, imagegate serve) ---------------------------
# Environment of the API function.
ENV_STATE_MACHINE_ARN = "IMAGEGATE_STATE_MACHINE_ARN"
ENV_ENHANCE_STATE_MACHINE_ARN = "IMAGEGATE_ENHANCE_STATE_MACHINE_ARN"  # the API starts enhancements there
ENV_PRESIGN_EXPIRY_SECONDS = "IMAGEGATE_PRESIGN_EXPIRY_SECONDS"
ENV_PUBLIC_S3_ENDPOINT = "IMAGEGATE_PUBLIC_S3_ENDPOINT"  # optional: presigned URLs name this endpoint
ENV_CORS_ORIGINS = "IMAGEGATE_CORS_ORIGINS"  # optional, comma-separated; unset = no CORS headers
# Environment of the mark_run_ended function: which state machine is the benchmark (its runs are ID-NNN).
ENV_BENCHMARK_STATE_MACHINE_ARN = "IMAGEGATE_BENCHMARK_STATE_MACHINE_ARN"
# Execution statuses that end a run outside the state machine's own Catch (EventBridge rule, local runtime).
EXECUTION_END_STATUSES = ("TIMED_OUT", "ABORTED", "FAILED")
DEFAULT_PRESIGN_EXPIRY_SECONDS = 3600
# Newest-first listing of runs: a GSI whose partition holds every run item, sorted by startedAt#runId.
RUNS_INDEX = "gsi1"
RUNS_INDEX_PK: Final = "gsi1pk"
RUNS_INDEX_SK: Final = "gsi1sk"
RUNS_INDEX_PK_VALUE = "RUNS"


def runs_index_sk(started_at: str, run_id: str) -> str:
    return f"{started_at}#{run_id}"


# Idempotency records (Powertools) share the runs table under one static partition, expiring via TTL.
IDEMPOTENCY_PK = "IDEMPOTENCY"
IDEMPOTENCY_HEADER = "Idempotency-Key"

# How a round that missed the threshold leads to the next (run setting "strategy"):
# regenerate = the rewriter improves the prompt and the next round draws from text;
# refine = after round 1 every round edits the best image so far (the generator's edit mode, model registry);
# auto = refine when the best score is within refining.AUTO_REFINE_MARGIN of the threshold and the failed checks are
#        local (one object, its presence, colour or attributes), regenerate otherwise (and on a model that cannot edit);
# redraw = a control arm: the same prompt re-drawn with the next seed, no model call;
# reword = a control arm: the rewriter restates the ORIGINAL prompt more explicitly without reading the judge's
#          verdict (no suggestions, no scores), and the next round draws it with the next seed: what rewording
#          alone buys, the control the loop must beat (issue 22.3);
# targeted = regenerate, except that when every failed check of the best round (the judge's, and the verifier's
#          where it ran) is one thing a Stability AI Image Service changes in place (one object's colour, an unwanted
#          object, an unwanted object standing where a missing one belongs), the next round makes that edit of the
#          best image instead (Search and Recolor / Erase Object / Search and Replace; domain/refining.py,
#          plan_targeted). Its own value, not part of auto, so the benchmark measures it beside auto (issue 28.2).
STRATEGY_AUTO = "auto"
STRATEGY_REGENERATE = "regenerate"
STRATEGY_REFINE = "refine"
STRATEGY_REDRAW = "redraw"
STRATEGY_REWORD = "reword"
STRATEGY_TARGETED = "targeted"
STRATEGIES = (
    STRATEGY_AUTO,
    STRATEGY_REGENERATE,
    STRATEGY_REFINE,
    STRATEGY_REDRAW,
    STRATEGY_REWORD,
    STRATEGY_TARGETED,
)
# Deprecated spellings accepted at validation and normalised (the run's settings record the new name).
DEPRECATED_STRATEGIES = {"rewrite": STRATEGY_REGENERATE}
# What a round did (its round item's "mode"): drew from text, or edited an earlier round's best image.
MODE_GENERATE = "generate"
MODE_EDIT = "edit"

# The verifier (run setting "verifier"; domain/verifying.py): when the judge passes a round, a detector grounds the
# judge's own checks on the image before the gate passes it. rekognition = Amazon Rekognition DetectLabels (and
# DetectText for quoted text); none = the judge alone decides.
VERIFIER_REKOGNITION = "rekognition"
VERIFIER_NONE = "none"
VERIFIERS = (VERIFIER_REKOGNITION, VERIFIER_NONE)
# A round's verification status: complete (the verifier answered), unavailable (it failed after its retries: the
# gate fell back to the judge), skipped (the judge did not pass the round, so nothing was asked).
VERIFICATION_COMPLETE = "complete"
VERIFICATION_UNAVAILABLE = "unavailable"
VERIFICATION_SKIPPED = "skipped"

# The nightly benchmark: its own two functions around a Map of quality loops.
BENCHMARK_HANDLERS = {
    "prepare_benchmark": "PrepareBenchmarkFunctionArn",
    "aggregate_benchmark": "AggregateBenchmarkFunctionArn",
}
BENCHMARKS_PREFIX = "benchmarks/"
# Distributed Map runs at most 10,000 child executions in parallel (same page: "If you don't specify, Step
# Functions runs 10,000 parallel child workflow executions in parallel"): the ceiling of MaxConcurrency.
# Bedrock's quotas are the practical limit: the CDK context's benchmarkConcurrency sets the nightly value.
BENCHMARK_MAX_CONCURRENCY = 10_000
# The share of child executions that may fail (an error no Catch of the loop records) before the Map Run, and the
# benchmark, fails: ToleratedFailurePercentage (0-100); the CDK context's benchmarkToleratedFailurePercent.
BENCHMARK_DEFAULT_TOLERATED_FAILURE_PERCENT = 10
# Where a benchmark keeps its working files (under BENCHMARKS_PREFIX, beside the dated reports): the suites a
# schedule or a caller names by key, and per execution the items the Map reads (ItemReader, JSONL) and the
# results it writes (ResultWriter: <prefix><map run id>/manifest.json and SUCCEEDED_n.json / FAILED_n.json).
BENCHMARK_SUITES_PREFIX = BENCHMARKS_PREFIX + "suites/"
BENCHMARK_EXECUTIONS_PREFIX = BENCHMARKS_PREFIX + "executions/"
BENCHMARK_ITEMS_FILE = "items.jsonl"
BENCHMARK_RESULTS_FOLDER = "results/"
# A round's wall time in AWS for `imagegate bench --estimate` before any report has measured one: the images,
# one judge call each, a rewrite and the Lambda and Step Functions hops between. Not a published figure (Bedrock's
# latency depends on model, size and load); a report from AWS measures the runs' own durations instead.
BENCHMARK_ESTIMATE_SECONDS_PER_ROUND = 30.0
# The percentage of a benchmark's runs that ended FAILED (aggregate_benchmark emits it; alarmed above the CDK
# context's benchmarkFailedItemsAlarmAbove).
METRIC_BENCHMARK_FAILED_ITEM_PERCENT = "BenchmarkFailedItemPercent"
# Control arms (benchmark request field "arms"): the same items under other loop settings, in the same
# execution (items x arms in the Map), so the loop is compared with what the same spend buys otherwise.
# loop = the settings as given, every round regenerated from a rewritten prompt; single = one round; redraw = the
# loop with the rewrite replaced by a re-draw of the unchanged prompt with a new seed; reword = each round restates
# the original prompt more explicitly without reading the verdict (strategy reword), with a new seed;
# best-of-N = one round with N candidates; loop+refine = every round after the first edits the best image; loop+auto = edit or regenerate
# round by round (strategy auto, the run default); loop+targeted = regenerate, or a targeted Image Services edit
# of the best image when every failed check is one (strategy targeted); loop+verify = the loop whose gate also asks the verifier
# (Amazon Rekognition) to ground the judge's checks. Every other arm runs with verifier "none", so `loop` stays
# the judge-only baseline loop+verify is measured against, and the control arms are what they were before the
# verifier existed.
BENCHMARK_ARMS: dict[str, dict[str, object]] = {
    "loop": {"strategy": STRATEGY_REGENERATE, "verifier": VERIFIER_NONE},
    "single": {"maxRounds": 1, "verifier": VERIFIER_NONE},
    "redraw": {"strategy": STRATEGY_REDRAW, "verifier": VERIFIER_NONE},
    "reword": {"strategy": STRATEGY_REWORD, "verifier": VERIFIER_NONE},
    "best-of-3": {"maxRounds": 1, "candidatesPerRound": 3, "verifier": VERIFIER_NONE},
    "best-of-5": {"maxRounds": 1, "candidatesPerRound": 5, "verifier": VERIFIER_NONE},
    "loop+refine": {"strategy": STRATEGY_REFINE, "verifier": VERIFIER_NONE},
    "loop+auto": {"strategy": STRATEGY_AUTO, "verifier": VERIFIER_NONE},
    "loop+targeted": {"strategy": STRATEGY_TARGETED, "verifier": VERIFIER_NONE},
    "loop+verify": {"strategy": STRATEGY_REGENERATE, "verifier": VERIFIER_REKOGNITION},
}
BENCHMARK_DEFAULT_ARMS = ("loop",)
BENCHMARK_DEFAULT_CONCURRENCY = 4
# How many image calls a minute one running quality loop is counted as making, to bound a benchmark's concurrency by
# the account's requests-per-minute quota of the image model (the CDK context's imageModelRequestsPerMinute): one
# round of one candidate per BENCHMARK_ESTIMATE_SECONDS_PER_ROUND (an estimate, not a published figure; loops with
# more candidates per round draw faster and are throttled, then retried, by the state machine).
BENCHMARK_IMAGE_CALLS_PER_LOOP_MINUTE = 60.0 / BENCHMARK_ESTIMATE_SECONDS_PER_ROUND


def benchmark_concurrency_for_quota(requests_per_minute: int) -> int:
    """The most quality loops a benchmark runs at once within an image-model quota of this many requests a minute
    (at least 1: a quota below one loop's rate still runs the benchmark, one loop at a time)."""
    return max(1, min(BENCHMARK_MAX_CONCURRENCY, int(requests_per_minute // BENCHMARK_IMAGE_CALLS_PER_LOOP_MINUTE)))


BENCHMARK_DEFAULT_SUITE = "default"
METRIC_BENCHMARK_PASS_RATE = "BenchmarkPassRate"
METRIC_BENCHMARK_FIRST_ROUND_PASS_RATE = "BenchmarkFirstRoundPassRate"
METRIC_BENCHMARK_MEAN_FINAL_SCORE = "BenchmarkMeanFinalScore"
METRIC_BENCHMARK_COST_PER_PASS = "BenchmarkCostPerPassUsd"
METRIC_BENCHMARK_ANCHOR_SCORE = "BenchmarkAnchorMeanScore"
# The primary arm's (the loop's) figures by the independent evaluator.
METRIC_BENCHMARK_EVALUATOR_PASS_RATE = "BenchmarkEvaluatorPassRate"
METRIC_BENCHMARK_JUDGE_FALSE_PASS_RATE = "BenchmarkJudgeFalsePassRate"


def benchmark_report_prefix(report_date: str) -> str:
    return f"{BENCHMARKS_PREFIX}{report_date}/"


def benchmark_execution_prefix(benchmark_id: str) -> str:
    """Where one benchmark execution's items (ItemReader) and Map Run results (ResultWriter) are kept."""
    return f"{BENCHMARK_EXECUTIONS_PREFIX}{benchmark_id}/"


# --- Human review (run setting "review"; domain/review.py, handlers/await_review.py, POST /generations/{id}/review) ---
REVIEW_NONE = "none"
REVIEW_FINAL = "final"  # pause for a person when the gate passes or the rounds run out
REVIEW_MODES = (REVIEW_NONE, REVIEW_FINAL)
REVIEW_APPROVE = "approve"
REVIEW_REJECT = "reject"
REVIEW_DECISIONS = (REVIEW_APPROVE, REVIEW_REJECT)
REVIEW_TOKEN_ATTRIBUTE: Final = "reviewToken"  # on the run item while it waits; never in an API answer or export

# --- The daily spend cap (domain/daily_budget.py): one item per UTC day in the runs table ---------------
ENV_DAILY_BUDGET_USD = "IMAGEGATE_DAILY_BUDGET_USD"  # unset or empty: no daily cap
BUDGET_SK = "BUDGET"
# a run's reservation for one round's worst case, under the run's partition (sk DAYRES#NN)
DAILY_RESERVATION_SK_PREFIX = "DAYRES#"
METRIC_DAILY_SPEND = "DailySpendUsd"  # the day's settled spend, emitted by Record Round and Finish Run


def budget_pk(day: str) -> str:
    """The partition of one UTC day's spend (day: yyyy-mm-dd)."""
    return f"BUDGET#{day}"


def daily_reservation_sk(round_number: int) -> str:
    return f"{DAILY_RESERVATION_SK_PREFIX}{round_number:02d}"
