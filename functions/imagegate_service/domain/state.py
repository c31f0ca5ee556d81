"""The quality loop's state and each step's input and output, declared once.

The execution payload (`runId`, `settings`, `loop`, `generation`, `judgement`, `evaluation`, `error`) is JSON that
Step Functions carries between the Lambda tasks of statemachine/quality_loop.asl.json; each task receives the subset
its `Parameters` block names and its answer lands at its `ResultPath`. Before these types it was a plain dict read by
string keys in every step, so a renamed key failed only in the integration tests; now mypy (strict, pyproject.toml)
checks every read and every literal that builds one.

They are `TypedDict`s: at run time a plain dict, so the payload, the run documents and the API answers are unchanged
and nothing is paid at cold start (this module imports only `typing`). Keys the ASL adds later in the run (a caught
`error`, `judgement.verification`, `judgement.review`) or that only some runs have (`style`, `cfgScale`, `finish`)
are `NotRequired`. The shapes of documents the loop stores beside the state (verdict.json, a verification's
document) are here too where the loop reads them back; model answers are validated against their JSON Schema
(schemas/, domain/answers.py) before they are trusted, and typed here only after that.

Where each key is written: Start Run seeds `settings` and `loop` (domain/start.py); Generate Images writes
`generation`; the judges' Map and Pick Best write `judgement`; Verify Round `judgement.verification`; Evaluate Round
`evaluation`; Record Round and Rewrite Prompt replace `loop`; Finish Run returns the execution's `result`."""

from typing import Any, Literal, NotRequired, TypedDict


# -- the run's settings (settings.resolve_settings: the request with the deployment's defaults applied) -------------
class RerunSource(TypedDict):
    id: str
    round: NotRequired[int]


"""The generation a re-run starts from (run_request.schema.json `from`): recorded, changes nothing the loop does."""

Settings = TypedDict(
    "Settings",
    {
        "prompt": str,
        "threshold": float,
        "maxRounds": int,
        "generator": str,
        "judge": str,
        "rewriter": str,
        "evaluator": str,
        "verifier": str,
        "width": int,
        "height": int,
        "seed": int,
        "negativePrompt": str,
        "candidatesPerRound": int,
        "maxCostUsd": float,
        "quality": str,
        "strategy": str,
        "review": str,
        "reviewTimeoutSeconds": int,
        "style": NotRequired[str],
        "cfgScale": NotRequired[float],
        # the benchmark's structured expectations, for the evaluator alone (expected_checks.checks_from_expected reads
        # them after the request schema checked them)
        "expected": NotRequired["dict[str, Any]"],
        # enhance operations (domain/enhancing.py's JSON, EnhanceOperation.to_dict) for the final image
        "finish": NotRequired["list[dict[str, Any]]"],
        "from": NotRequired[RerunSource],
    },
)
"""Every setting of a run, its default applied (Start Run, settings.resolve_settings)."""


class SpendLimits(TypedDict):
    """The one setting the spend ledger needs: an enhancement's state carries only this (domain/enhancements.py)."""

    maxCostUsd: float


# -- the loop ------------------------------------------------------------------------------------------------------
Edit = TypedDict(
    "Edit",
    {
        "sourceImageKey": str,
        "sourceRound": int,
        "task": str,  # image-to-image, INPAINTING, IMAGE_VARIATION, or a targeted recolor / replace / erase
        "strength": NotRequired[float],
        "similarityStrength": NotRequired[float],
        "maskPrompt": NotRequired[str],
        "maskKey": NotRequired[str],  # a targeted erase's mask, drawn from the detector's boxes
        # a targeted edit's: the seed its round draws the prompt with when the service cannot be used
        "fallbackSeed": NotRequired[int],
        "object": NotRequired[str],
        "colour": NotRequired[str],
        "with": NotRequired[str],
    },
)
"""The next round's edit of the best image so far (domain/refining.py plans it, Rewrite Prompt sets it)."""


PublicEdit = TypedDict(
    "PublicEdit",
    {
        "task": str,
        "sourceRound": int,
        "strength": float,
        "similarityStrength": float,
        "maskPrompt": str,
        "object": str,
        "colour": str,
        "with": str,
    },
    total=False,
)
"""A round's edit as recorded (round item, run.json, the API: refining.public_edit): an Edit's task, source round and
parameters, without its keys (the source image's, the mask's) and without a parameter it did not set."""


class TargetedFallback(TypedDict):
    """A targeted round that drew the prompt instead of editing (domain/generating.py): the Image Service its edit
    needs could not be used (refused to the account, retired, unknown or not in the region: enhancing.
    unavailable_reason; Bedrock billed nothing for the refusal). In $.generation, generation.json, the round item
    and the API's round; later rounds do not plan an edit with that model again (refining.plan_targeted)."""

    edit: PublicEdit  # the edit the round could not make
    modelId: str  # the Image Service that refused it
    reason: str
    seed: int  # the seed the round drew the prompt with instead


class EvaluationCounts(TypedDict):
    """An evaluation in counts (readings.evaluation_summary): what the loop and the run item keep."""

    passed: bool
    source: str | None
    satisfied: int | None
    verifiable: int | None
    unverifiable: int | None


class VerificationCounts(TypedDict):
    """A round's verification in counts (readings.verification_summary): what the run item and the listing keep."""

    passed: bool | None  # None when it verified nothing
    status: str  # complete, skipped or unavailable
    source: str | None
    satisfied: int
    verifiable: int
    unverifiable: int


# The loop's next move, decided by Record Round (domain/gate.py's after_round and after_filtered_round) and routed by
# the ASL's Choice states, which compare nothing else: Quality Gate (review, lastReview, passed, outOfRounds,
# outOfBudget, else rewrite), Review Decision (after a rejection: lastReview ends the run, else rewrite), Draw Again?
# (blocked, else redraw).
NextMove = Literal["review", "lastReview", "passed", "outOfRounds", "outOfBudget", "rewrite", "redraw", "blocked"]


class Loop(TypedDict):
    """The loop's own state ($.loop), kept small: keys and numbers (domain/start.py's initial_loop seeds it)."""

    round: int
    prompt: str
    negativePrompt: str
    seed: int
    edit: Edit | None
    roundsCompleted: int
    costUsd: float
    projectedCostUsd: float
    rewriteCostUsd: float
    evaluationCostUsd: float
    bestEvaluation: EvaluationCounts | None
    lastScore: float
    gatePassed: bool
    bestScore: float
    bestRound: int
    bestImageKey: str
    lastVerification: NotRequired[str | None]
    bestVerificationFailed: NotRequired[bool]
    filteredRounds: NotRequired[list[int]]
    lastFilteredRound: NotRequired[int]
    next: NotRequired[NextMove]  # written by Record Round and Record Filtered Round


class Unavailable(TypedDict):
    """What a run item keeps for an evaluation that was unavailable (the table keeps no null)."""

    unavailable: bool


class RunReadings(TypedDict, total=False):
    """The run item's evaluation and verification of its result round (the listing's badges and its filter)."""

    evaluation: EvaluationCounts | Unavailable
    verification: VerificationCounts | None


class RunItem(RunReadings, total=False):
    """A run item (sk RUN) as the repository reads it back. Every key is optional: the item grows as the run goes
    (the API writes it QUEUED, Start Run, Record Round, the spend ledger, Await Review, Finish Run or Mark Run
    Ended add to it), and the table keeps no null, so a None written is a key missing here."""

    pk: str
    sk: str
    gsi1pk: str  # the runs index (constants.RUNS_INDEX_PK / RUNS_INDEX_SK)
    gsi1sk: str
    runId: str
    status: str
    prompt: str
    settings: Settings
    createdAt: str
    startedAt: str
    updatedAt: str
    finishedAt: str
    expiresAt: int
    executionArn: str
    rounds: int
    costUsd: float
    evaluationCostUsd: float
    committedUsd: float  # the spend ledger's reservations and spend (adapters/storage.py)
    bestRound: int
    bestScore: float
    bestImageKey: str
    filteredRounds: list[int]
    threshold: float
    finalScore: float
    reason: str
    error: str
    cause: str
    executionStatus: str  # Mark Run Ended's: the execution's end
    interruptedRound: "InterruptedRound"  # defined below
    reviewToken: str  # while it waits for its review (constants.REVIEW_TOKEN_ATTRIBUTE)
    reviewRound: int
    reviewDeadline: str


class GenerationCall(TypedDict):
    """One billed generation call of a round, as generation.json notes it (by its first candidate's number), so a
    retried Generate Images does not pay for it again."""

    first: int  # the number of its first candidate
    keys: list[str]  # the candidate images it delivered
    filtered: int  # how many the content filter withheld
    costUsd: float
    durationMs: NotRequired[int]  # noted once the call returned


# -- what the steps write into the state ----------------------------------------------------------------------------
class Generation(TypedDict):
    """Generate Images' answer ($.generation); Start Run seeds round 0 so a failure path can read what it cost."""

    round: int
    imageKeys: list[str]
    costUsd: float
    filtered: NotRequired[int]
    durationMs: NotRequired[int]
    targetedFallback: NotRequired[TargetedFallback]  # a targeted round that drew the prompt instead


class CandidateJudgement(TypedDict):
    """Judge Candidate's answer: one Map item's verdict, kept in S3 under candidateVerdictKey."""

    candidate: int
    imageKey: str
    score: float
    candidateVerdictKey: str
    costUsd: float
    durationMs: int


class CaughtError(TypedDict):
    """What a Catch puts at its ResultPath: the error's name and its cause."""

    Error: str
    Cause: NotRequired[str]


class VerificationOutcome(TypedDict, total=False):
    """$.judgement.verification: Verify Round's summary (readings and the document's key), or the caught error
    (Error, Cause) when it failed after its retries; absent when it did not run."""

    passed: bool | None
    status: str
    unverifiable: int
    failed: int
    verificationKey: str
    costUsd: float
    Error: str
    Cause: str


class ReviewDecision(TypedDict):
    """A person's review as SendTaskSuccess answers Await Review with it ($.judgement.review)."""

    decision: str
    feedback: str
    round: int
    reviewer: str
    reviewedAt: str


class Judgement(TypedDict):
    """Pick Best's answer ($.judgement): the round's best candidate and its verdict document."""

    score: float
    bestCandidate: int
    imageKey: str
    verdictKey: str
    costUsd: float
    durationMs: int
    verification: NotRequired[VerificationOutcome]
    review: NotRequired[ReviewDecision]


class EvaluationOutcome(TypedDict, total=False):
    """$.evaluation: Evaluate Round's summary (counts and the document's key), or the caught error."""

    passed: bool
    satisfied: int
    total: int
    unverifiable: int
    source: str
    evaluationKey: str
    costUsd: float
    durationMs: int
    Error: str
    Cause: str


# -- each step's input (the ASL's Parameters) -----------------------------------------------------------------------
class BilledStep(TypedDict):
    """What the spend ledger reads of any task's input: the run, its budget, and the task's retry count
    ($$.State.RetryCount as `attempt`, part of each billed call's id)."""

    runId: str
    settings: Settings
    attempt: NotRequired[int]


class LoopStep(BilledStep):
    """A loop task's input: Generate Images, Record Filtered Round, and the base of the others."""

    loop: Loop
    filtered: NotRequired[bool]  # Record Filtered Round: every image of the round was withheld


class JudgeCandidateStep(LoopStep):
    """One item of the judges' Map: the Map's 0-based index (or a 1-based candidate) and the image."""

    imageKey: str
    index: NotRequired[int]
    candidate: NotRequired[int]


class PickBestStep(LoopStep):
    candidates: list[CandidateJudgement]


class JudgedStep(LoopStep):
    """Verify Round, Evaluate Round, Rewrite Prompt: the round's judgement."""

    judgement: Judgement


class RecordStep(JudgedStep):
    """Record Round: the round's generation, judgement and evaluation."""

    generation: Generation
    evaluation: NotRequired[EvaluationOutcome | None]


class ReviewStep(LoopStep):
    """Await Review: the task token Step Functions waits on."""

    taskToken: str


class FinishStep(LoopStep):
    """Finish Run: the outcome the ASL chose, its reason, and what the failure paths carry."""

    outcome: str
    reason: str
    error: NotRequired[CaughtError]
    generation: NotRequired[Generation]
    review: NotRequired[ReviewDecision]


class StartedRun(TypedDict):
    """Start Run's answer: the whole state the loop starts from."""

    runId: str
    settings: Settings
    loop: Loop
    generation: Generation


class RunResult(TypedDict):
    """Finish Run's answer: the execution's output (the run item keeps the same fields)."""

    runId: str
    status: str
    reason: str
    threshold: float
    finalScore: float | None
    bestRound: int | None
    bestImageKey: str | None
    rounds: int
    costUsd: float
    evaluationCostUsd: float
    evaluation: EvaluationCounts | None
    error: NotRequired[str]
    cause: NotRequired[str]


class RunCosts(TypedDict):
    """A run's (or a round's) cost from its spend ledger: the loop's own calls, and the evaluator's apart."""

    costUsd: float
    evaluationCostUsd: float


# -- the enhance workflow (statemachine/enhance.asl.json) --------------------------------------------------------------
class EnhanceImage(TypedDict):
    """The image an enhancement has reached: the original best image, then each operation's output."""

    key: str


class EnhanceStep(TypedDict):
    """Apply Operation's input (and Finish Enhancement's, which reads runId, enhancementId, current, error)."""

    runId: str
    enhancementId: str
    current: EnhanceImage
    settings: NotRequired[SpendLimits]
    sequence: NotRequired[int]
    sourceRound: NotRequired[int]
    prompt: NotRequired[str]
    seed: NotRequired[int]
    operations: NotRequired[list[dict[str, Any]]]  # enhance operations' JSON (domain/enhancing.py parses each)
    index: NotRequired[int]
    attempt: NotRequired[int]
    error: NotRequired[CaughtError]


class ExecutionRef(TypedDict):
    name: str  # the run id
    arn: str


class StartEvent(TypedDict):
    """Start Run's input: the request as the caller sent it (untrusted: settings.resolve_settings checks it) and
    the execution it runs in."""

    request: Any
    execution: ExecutionRef


class ReviewWait(TypedDict):
    """Await Review's answer when the wait is set up (the task's real answer is the review, SendTaskSuccess)."""

    round: int
    deadline: str


class EnhanceProgress(TypedDict):
    """Apply Operation's answer ($.progress): the next operation's index and the image it starts from."""

    index: int
    current: EnhanceImage
    done: bool


class EnhanceEnd(TypedDict):
    """Finish Enhancement's answer."""

    status: str
    costUsd: float


# -- the daily budget (domain/daily_budget.py, adapters/controls.py) ------------------------------------------------
class DayTotals(TypedDict, total=False):
    """A UTC day's item against the daily cap: what is committed (spent or reserved) and what is spent."""

    day: str
    committedUsd: float
    spentUsd: float


class Reservation(TypedDict):
    """A round's open reservation against the daily cap: its item's keys, its day and what is left of it."""

    pk: str
    sk: str
    day: str
    remainingUsd: float


class ReviewPauseFields(TypedDict):
    """What Await Review writes on the run item beside its token: until when it waits."""

    reviewDeadline: NotRequired[str]
    updatedAt: str


# -- the benchmark workflow (statemachine/benchmark.asl.json) --------------------------------------------------------
class BenchmarkEntry(TypedDict):
    """One Map item Prepare Benchmark writes (JSONL): a suite item under an arm, as the child run it starts."""

    runId: str
    itemId: str
    category: str
    anchor: bool
    arm: str
    request: dict[str, Any]  # the child's run request: checked by Start Run as any request is


class BenchmarkPlan(TypedDict):
    """Prepare Benchmark's answer: the small summary the workflow carries (the items stay in S3)."""

    benchmarkId: str
    suite: str
    date: str
    startedAt: str
    concurrency: int
    toleratedFailurePercent: int
    arms: list[str]
    runs: int
    itemsKey: str
    resultsPrefix: str


class FailedChild(TypedDict):
    """A child execution that did not succeed, as an execution's end event details it (Mark Run Ended's input)."""

    status: str
    error: str | None
    cause: str | None
    stopDate: str | None


class ExecutionStep(TypedDict):
    """A state an execution entered, from its history (Workflow.execution_steps; adapters/workflow.py)."""

    state: str  # the state's name in the definition
    enteredAt: str  # ISO 8601
    exitedAt: str | None  # None while the execution is in it


class FinishedStep(TypedDict):
    """A step the run has finished, as GET /generations/{id} shows it (progress.finishedSteps)."""

    step: str  # progress.STEPS' name for the state (generating, judging...)
    state: str
    round: int | None
    seconds: float


class Progress(TypedDict):
    """Where a run is (domain/progress.py; the API's `progress`): step None once it has ended."""

    step: str | None
    state: str | None
    round: int | None
    stepSeconds: float | None
    elapsedSeconds: float | None
    estimatedSecondsLeft: float | None
    finishedSteps: list[FinishedStep]


# The runs index's key of a run item (pk, sk, gsi1pk, gsi1sk: all strings): a listing's LastEvaluatedKey, and what
# the API's cursor encodes (domain/generations.py checks one it is given before using it).
RunsIndexKey = dict[str, str]


class ExecutionEndDetail(TypedDict, total=False):
    """An execution's end as Mark Run Ended reads it (domain/mark_run_ended.py): EventBridge's "Step Functions
    Execution Status Change" detail, the local runtime's describe_execution output, a cancel's (domain/lifecycle.py) or a
    benchmark child's that failed outright (FailedChild and its run id as `name`). Only these keys are read."""

    status: str | None  # TIMED_OUT, ABORTED, FAILED are marked; any other (or none) is skipped
    name: str  # the execution's name (a run id, a benchmark's name, or an enhancement's execution name)
    executionArn: str  # its name is taken from here when `name` is missing
    stateMachineArn: str  # tells a benchmark's or an enhancement's execution from a run's
    error: str | None
    cause: str | None
    # epoch ms (EventBridge), a datetime (boto3), an ISO 8601 string (the CLI): domain/mark_run_ended._moment
    startDate: Any
    stopDate: Any


class EndMarking(TypedDict):
    """What Mark Run Ended did with one execution's end (its handler's answer and log line)."""

    execution: str | None
    status: str | None
    marked: list[str]  # the run ids now FAILED
    enhancementsMarked: NotRequired[list[str]]  # "<run id>/<enhancement id>" of an enhance execution's end
    skipped: NotRequired[str]  # why nothing was marked


# -- documents the loop stores beside the state and reads back -------------------------------------------------------
class JudgeCheck(TypedDict, total=False):
    """One of the judge's checks (prompts/verdict.schema.json: question and satisfied always, the rest when the
    judge gave them)."""

    question: str
    satisfied: bool
    kind: str
    subject: str
    count: int
    at_least: bool
    colour: str
    position: str
    relation: str
    object: str
    object2: str
    text: str
    subjectLabel: str  # which of two of one kind ("black" in "the black cat above the white cat")
    objectLabel: str


class Verdict(TypedDict):
    """The judge's validated answer on one candidate (verdict.schema.json)."""

    score: float
    subscores: dict[str, float]
    explanation: str
    suggestions: list[str]
    checks: NotRequired[list[JudgeCheck]]


class CandidateVerdict(TypedDict):
    """One candidate's entry in verdict.json (and its own candidate verdict file)."""

    candidate: int
    imageKey: str
    verdict: Verdict
    costUsd: float
    usage: NotRequired[dict[str, int]]


class VerdictDocument(TypedDict):
    """A round's verdict.json: every candidate's verdict and which one is best."""

    runId: str
    round: int
    originalPrompt: str
    prompt: str
    judgeModel: str
    bestCandidate: int
    candidates: list[CandidateVerdict]


class LedgerEntry(TypedDict):
    """One billed call in the spend ledger (domain/spend.py writes it once per call id)."""

    callId: str
    round: int
    step: str
    candidate: int
    modelId: str
    outcome: str
    costUsd: float
    reservedUsd: float
    recordedAt: str
    expiresAt: int
    reviews: NotRequired[list[ReviewDecision]]  # a person's reviews of the round (adapters/controls.py appends)


class EvaluationCheck(TypedDict, total=False):
    """One of the independent evaluator's checks (prompts/evaluation_checks.schema.json; or made from the
    benchmark's expectations by expected_checks.checks_from_expected), with its answer once the answers call is read."""

    id: str
    kind: str
    question: str
    subject: str
    count: int
    at_least: bool
    position: str
    colour: str
    relation: str
    object: str
    object2: str
    attribute: str
    attributeKind: str
    action: str
    setting: str
    text: str
    subjectLabel: str  # which of two things of one noun ("black" in "the black cat above the white cat")
    objectLabel: str
    parent: str | None
    answer: str
    satisfied: bool | None


class ToolRequest(TypedDict):
    """One forced-tool Converse call: the ToolCaller port's arguments (domain/model_calls.py builds them), priced
    before it is made (domain/costs.py's tool_request_cost_bound)."""

    model_id: str
    system_prompt: str
    content: list[dict[str, Any]]  # Converse content blocks: {"text": ...} or {"image": {...bytes}}
    tool_name: str
    tool_description: str
    input_schema: dict[str, Any]  # a JSON Schema (schemas/), the tool's input
    max_tokens: NotRequired[int | None]


class GroundedCheck(TypedDict):
    """A judge check as the verifier's detector saw it (domain/verifying.py's ground)."""

    question: str
    kind: str | None
    subject: str | None
    judge: bool | None
    satisfied: bool | None
    evidence: str
    suggestion: str


class VerificationDocument(TypedDict, total=False):
    """A round's verification.json: Verify Round writes it (in progress, then complete) and reads it back on a
    retry; Rewrite Prompt and Record Round read its checks and suggestions."""

    runId: str
    round: int
    imageKey: str
    source: str
    status: str
    costUsd: float
    labelsResponse: dict[str, Any]  # Rekognition's DetectLabels answer, as the service gave it
    passed: bool | None
    unverifiable: int
    checks: list[GroundedCheck]
    suggestions: list[str]
    labelModelVersion: str | None
    mappingVersion: str
    durationMs: int


class EvaluationDocument(TypedDict, total=False):
    """A round's evaluation.json: Evaluate Round writes it as its calls are billed (in progress, failed,
    complete) and reads it back on a retry; Record Round reads the complete one."""

    runId: str
    round: int
    source: str
    imageKey: str
    status: str
    costUsd: float
    error: str
    passed: bool
    unverifiable: int
    checks: list[EvaluationCheck]
    durationMs: int


class ShownCheck(TypedDict, total=False):
    """A check as run.json and the API show it: the verifier's with its evidence, the evaluator's with its kind."""

    question: str
    satisfied: bool | None
    evidence: str
    kind: str


class Reading(TypedDict):
    """A round's verification or evaluation as recorded (verifying.public_verification, evaluating.public_
    evaluation): `unavailable` says why when the verifier or evaluator failed after its retries."""

    passed: bool | None
    source: str
    unverifiable: int
    checks: list[ShownCheck]
    status: NotRequired[str]  # a verification's: complete, skipped or unavailable
    unavailable: NotRequired[str]


class ScoredPrompt(TypedDict):
    """A prompt and the score its round got: the rewriter's history (a RoundItem is one)."""

    prompt: str
    score: float


class RoundItem(TypedDict):
    """A recorded round (Record Round writes it; the API, run.json and the rewriter's history read it)."""

    round: NotRequired[int]  # the repository's: the item's sort key, read back with it
    prompt: str
    negativePrompt: str
    promptChanges: list[str]
    seed: int
    mode: str
    sourceImageKey: str | None
    edit: PublicEdit | None  # refining.public_edit's
    targetedFallback: NotRequired[TargetedFallback]  # the targeted edit it could not make, and why
    imageKeys: list[str]
    bestImageKey: str
    verdictKey: str
    score: float
    passed: bool
    gatePassed: bool
    verification: Reading | None  # verifying.public_verification's, or skipped / unavailable
    subscores: dict[str, float]
    explanation: str
    suggestions: list[str]
    candidateScores: list[float]
    judgeChecks: list[JudgeCheck]
    costUsd: float
    evaluation: Reading  # evaluating.public_evaluation's, or unavailable
    evaluationCostUsd: float
    generatorModel: str
    judgeModel: str
    rewriterModel: str | None
    generateMs: int
    judgeMs: int
    recordedAt: str
    expiresAt: int
    reviews: NotRequired[list[ReviewDecision]]  # a person's reviews of the round (adapters/controls.py appends)


class InterruptedRound(TypedDict):
    """The round a run ended in before Record Round wrote it: its drawn and billed images (run.json)."""

    round: int
    imageKeys: list[str]


class RewriteDocument(TypedDict, total=False):
    """A round's rewrite.json: what Rewrite Prompt made of the last round (Record Round reads its changes and
    model back into the next round's item)."""

    fromRound: int
    suggestions: list[str]
    changes: list[str]
    prompt: str
    negativePrompt: str
    rewriterModel: str | None
    strategy: str
    mode: str
    edit: Edit | None
    seed: int
    targetedSkipped: str
