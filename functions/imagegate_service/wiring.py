"""The one place the quality loop's adapters are built and handed to the domain (cosmicpython's bootstrap, the
cookbook's handler factory).

Each function here builds one loop step's domain object with the AWS adapters it needs; the loop's handlers
(handlers/start_run.py ... handlers/finish_run.py) call it once, at import, and the domain classes they get take
every port as a required argument, so a domain module names ports (domain/ports.py), never an adapter class. A
test builds the same objects with fakes, or calls these functions under moto; the local runtime runs the handlers,
and so these.

Each builder imports the adapters and domain class it builds (deferred imports): a handler loads its own step's
modules only, as it did before this module existed (make bench's cold-start table; importing every step here added
60-90 ms to each loop handler). Building is cheap and reads no environment: the adapters read their bucket, table and state machine from the
environment on first use (adapters/storage.py, workflow.py, rekognition.py), so a handler module imports without
its variables set, and clients are made only when a step first calls out. The Image Services client and the
Rekognition client of a targeted round are made only when such a round needs them (`make_services`,
`make_detector`), as before.

Not wired here yet: the API's services (handlers/api.py, domain/generations.py and lifecycle.py), the enhance and
benchmark workflows' steps and Mark Run Ended, whose domain classes still default to their adapters."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING

from imagegate_service import constants as c

if TYPE_CHECKING:  # the builders' return types; each builder imports what it builds
    from imagegate_service.domain.benchmark import BenchmarkAggregator, BenchmarkPreparer  # deferred import: cold start
    from imagegate_service.domain.daily_budget import DailyBudget  # deferred import: cold start
    from imagegate_service.domain.ending import RunEnder  # deferred import: cold start
    from imagegate_service.domain.enhancements import EnhancementStarter  # deferred import: cold start
    from imagegate_service.domain.evaluating import RoundEvaluator  # deferred import: cold start
    from imagegate_service.domain.finishing import RunFinisher  # deferred import: cold start
    from imagegate_service.domain.generation import RoundGenerator  # deferred import: cold start
    from imagegate_service.domain.judging import RoundJudge  # deferred import: cold start
    from imagegate_service.domain.lifecycle import GenerationLifecycle  # deferred import: cold start
    from imagegate_service.domain.recording import RoundRecorder  # deferred import: cold start
    from imagegate_service.domain.review import ReviewPause  # deferred import: cold start
    from imagegate_service.domain.rewriting import PromptRewriter  # deferred import: cold start
    from imagegate_service.domain.spend import SpendLedger  # deferred import: cold start
    from imagegate_service.domain.start import RunStarter  # deferred import: cold start
    from imagegate_service.domain.verifying import RoundVerifier  # deferred import: cold start


from imagegate_service.adapters.bedrock import BedrockImageGenerator, BedrockToolCaller
from imagegate_service.adapters.controls import DynamoDailyBudgetStore, DynamoReviewStore
from imagegate_service.adapters.storage import DynamoRunRepository, S3ObjectStore


def enhance_state_machine_arn() -> str:
    """The enhance workflow's state machine (IMAGEGATE_ENHANCE_STATE_MACHINE_ARN), read on each use; "" without one."""
    return os.environ.get(c.ENV_ENHANCE_STATE_MACHINE_ARN, "")


def benchmark_state_machine_arn() -> str:
    """The benchmark's state machine (IMAGEGATE_BENCHMARK_STATE_MACHINE_ARN), read on each use; "" without one."""
    return os.environ.get(c.ENV_BENCHMARK_STATE_MACHINE_ARN, "")


def daily_budget() -> DailyBudget:
    """The deployment's daily cap over every run (its cap from IMAGEGATE_DAILY_BUDGET_USD, read on use by
    settings.daily_budget_cap)."""
    from imagegate_service.domain.daily_budget import DailyBudget  # deferred import: cold start
    from imagegate_service.settings import daily_budget_cap  # deferred import: cold start

    return DailyBudget(DynamoDailyBudgetStore(), cap_usd=daily_budget_cap)


def run_ender(
    benchmark_arn: Callable[[], str] = benchmark_state_machine_arn,
    enhance_arn: Callable[[], str] = enhance_state_machine_arn,
) -> RunEnder:
    """Mark Run Ended (and a cancel, and Aggregate Benchmark's failed children): the runs table through the
    repository port, the daily budget, the enhancements' items. The local runtime passes its own benchmark ARN."""
    from imagegate_service.adapters.enhancements import DynamoEnhancementStore  # deferred import: cold start
    from imagegate_service.domain.ending import RunEnder  # deferred import: cold start

    return RunEnder(
        DynamoRunRepository(),
        daily_budget(),
        DynamoEnhancementStore(),
        benchmark_state_machine_arn=benchmark_arn,
        enhance_state_machine_arn=enhance_arn,
    )


def review_store() -> DynamoReviewStore:
    return DynamoReviewStore()


def enhancement_starter() -> EnhancementStarter:
    """A run's `finish` operations, started by Finish Run as an enhancement (the enhance workflow)."""
    from imagegate_service.adapters.enhancements import DynamoEnhancementStore  # deferred import: cold start
    from imagegate_service.domain.enhancements import EnhancementStarter  # deferred import: cold start

    return EnhancementStarter(DynamoEnhancementStore())


def spend_ledger(runs: DynamoRunRepository | None = None) -> SpendLedger:
    """Every billable call's reservation and record: the runs table and the deployment's daily budget."""
    from imagegate_service.domain.spend import SpendLedger  # deferred import: cold start

    return SpendLedger(runs or DynamoRunRepository(), daily_budget())


def run_starter() -> RunStarter:
    from imagegate_service.domain.start import RunStarter  # deferred import: cold start

    return RunStarter(DynamoRunRepository())


def round_generator() -> RoundGenerator:
    from imagegate_service.adapters.image_services import BedrockImageServices  # deferred import: cold start
    from imagegate_service.domain.generation import RoundGenerator  # deferred import: cold start

    return RoundGenerator(BedrockImageGenerator(), S3ObjectStore(), spend_ledger(), make_services=BedrockImageServices)


def round_judge() -> RoundJudge:
    from imagegate_service.domain.judging import RoundJudge  # deferred import: cold start

    return RoundJudge(BedrockToolCaller(), S3ObjectStore(), spend_ledger())


def round_verifier() -> RoundVerifier:
    from imagegate_service.adapters.rekognition import RekognitionDetector  # deferred import: cold start
    from imagegate_service.domain.verifying import RoundVerifier  # deferred import: cold start

    return RoundVerifier(RekognitionDetector(), S3ObjectStore(), spend_ledger())


def round_evaluator() -> RoundEvaluator:
    from imagegate_service.domain.evaluating import RoundEvaluator  # deferred import: cold start

    return RoundEvaluator(BedrockToolCaller(), S3ObjectStore(), spend_ledger())


def round_recorder() -> RoundRecorder:
    from imagegate_service.domain.recording import RoundRecorder  # deferred import: cold start

    return RoundRecorder(DynamoRunRepository(), S3ObjectStore())


def prompt_rewriter() -> PromptRewriter:
    from imagegate_service.adapters.rekognition import RekognitionDetector  # deferred import: cold start
    from imagegate_service.domain.rewriting import PromptRewriter  # deferred import: cold start

    runs = DynamoRunRepository()
    return PromptRewriter(
        BedrockToolCaller(), S3ObjectStore(), runs, spend_ledger(runs), make_detector=RekognitionDetector
    )


def review_pause() -> ReviewPause:
    from imagegate_service.domain.review import ReviewPause  # deferred import: cold start

    return ReviewPause(review_store())


def run_finisher() -> RunFinisher:
    from imagegate_service.domain.finishing import RunFinisher  # deferred import: cold start

    return RunFinisher(DynamoRunRepository(), S3ObjectStore())


def generation_lifecycle() -> GenerationLifecycle:
    """The API's cancel and delete: the run's items and objects, its execution, and Mark Run Ended's marking."""
    from imagegate_service.adapters.run_removal import DynamoRunRemoval  # deferred import: cold start
    from imagegate_service.adapters.workflow import StepFunctionsWorkflow  # deferred import: cold start
    from imagegate_service.domain.lifecycle import GenerationLifecycle  # deferred import: cold start

    return GenerationLifecycle(
        DynamoRunRemoval(), S3ObjectStore(), StepFunctionsWorkflow(), run_ender().execution_ended
    )


def benchmark_preparer() -> BenchmarkPreparer:
    from imagegate_service.domain.benchmark import BenchmarkPreparer  # deferred import: cold start

    return BenchmarkPreparer(objects=S3ObjectStore())


def benchmark_aggregator() -> BenchmarkAggregator:
    """Aggregate Benchmark: the runs, the Map Run's written results, and Mark Run Ended's marking for a child that
    failed outright."""
    from imagegate_service.domain.benchmark import BenchmarkAggregator  # deferred import: cold start

    return BenchmarkAggregator(DynamoRunRepository(), S3ObjectStore(), run_ender().execution_ended)
