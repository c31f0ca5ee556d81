"""The one place the quality loop's adapters are built and handed to the domain (cosmicpython's bootstrap, the
cookbook's handler factory).

Each function here builds one loop step's domain object with the AWS adapters it needs; the loop's handlers
(handlers/start_run.py ... handlers/finish_run.py) call it once, at import, and the domain classes they get take
every port as a required argument, so a domain module names ports (domain/ports.py), never an adapter class. A
test builds the same objects with fakes, or calls these functions under moto; the local runtime runs the handlers,
and so these.

Building is cheap and reads no environment: the adapters read their bucket, table and state machine from the
environment on first use (adapters/storage.py, workflow.py, rekognition.py), so a handler module imports without
its variables set, and clients are made only when a step first calls out. The Image Services client and the
Rekognition client of a targeted round are made only when such a round needs them (`make_services`,
`make_detector`), as before.

Not wired here yet: the API's services (handlers/api.py, domain/generations.py and lifecycle.py), the enhance and
benchmark workflows' steps and Mark Run Ended, whose domain classes still default to their adapters."""

from __future__ import annotations

from imagegate_service.adapters.bedrock import BedrockImageGenerator, BedrockToolCaller
from imagegate_service.adapters.controls import DynamoDailyBudgetStore, DynamoReviewStore
from imagegate_service.adapters.enhancements import DynamoEnhancementStore
from imagegate_service.adapters.image_services import BedrockImageServices
from imagegate_service.adapters.rekognition import RekognitionDetector
from imagegate_service.adapters.storage import DynamoRunRepository, S3ObjectStore
from imagegate_service.domain.daily_budget import DailyBudget
from imagegate_service.domain.enhancements import EnhancementStarter
from imagegate_service.domain.evaluating import RoundEvaluator
from imagegate_service.domain.finishing import RunFinisher
from imagegate_service.domain.generation import RoundGenerator
from imagegate_service.domain.judging import RoundJudge
from imagegate_service.domain.recording import RoundRecorder
from imagegate_service.domain.review import ReviewPause
from imagegate_service.domain.rewriting import PromptRewriter
from imagegate_service.domain.spend import SpendLedger
from imagegate_service.domain.start import RunStarter
from imagegate_service.domain.verifying import RoundVerifier


def daily_budget() -> DailyBudget:
    """The deployment's daily cap over every run (its cap from IMAGEGATE_DAILY_BUDGET_USD, read on use)."""
    return DailyBudget(DynamoDailyBudgetStore())


def review_store() -> DynamoReviewStore:
    return DynamoReviewStore()


def enhancement_starter() -> EnhancementStarter:
    """A run's `finish` operations, started by Finish Run as an enhancement (the enhance workflow)."""
    return EnhancementStarter(DynamoEnhancementStore())


def spend_ledger(runs: DynamoRunRepository | None = None) -> SpendLedger:
    """Every billable call's reservation and record: the runs table and the deployment's daily budget."""
    return SpendLedger(runs or DynamoRunRepository(), daily_budget())


def run_starter() -> RunStarter:
    return RunStarter(DynamoRunRepository())


def round_generator() -> RoundGenerator:
    return RoundGenerator(BedrockImageGenerator(), S3ObjectStore(), spend_ledger(), make_services=BedrockImageServices)


def round_judge() -> RoundJudge:
    return RoundJudge(BedrockToolCaller(), S3ObjectStore(), spend_ledger())


def round_verifier() -> RoundVerifier:
    return RoundVerifier(RekognitionDetector(), S3ObjectStore(), spend_ledger())


def round_evaluator() -> RoundEvaluator:
    return RoundEvaluator(BedrockToolCaller(), S3ObjectStore(), spend_ledger())


def round_recorder() -> RoundRecorder:
    return RoundRecorder(DynamoRunRepository(), S3ObjectStore())


def prompt_rewriter() -> PromptRewriter:
    runs = DynamoRunRepository()
    return PromptRewriter(
        BedrockToolCaller(), S3ObjectStore(), runs, spend_ledger(runs), make_detector=RekognitionDetector
    )


def review_pause() -> ReviewPause:
    return ReviewPause(review_store())


def run_finisher() -> RunFinisher:
    return RunFinisher(DynamoRunRepository(), S3ObjectStore())
