"""The one place the service's adapters are built and handed to the domain (cosmicpython's bootstrap, the
cookbook's handler factory), and, with settings.py and resources.py, the one place the deployment's environment is
read.

Each function here builds one step's domain object with the AWS adapters it needs: the quality loop's steps
(handlers/start_run.py ... handlers/finish_run.py), Mark Run Ended, the API's services (generations, reviews,
generation_lifecycle, enhancement_starter, daily_budget), the enhance workflow's two steps (enhancement_runner) and the
benchmark's (benchmark_preparer, benchmark_aggregator). Each handler calls its builder once, at import, and the
domain classes it gets take every port as a required argument, so a handler names no adapter and a domain module
names ports (domain/ports.py), not adapter classes to build. A test builds the same objects with fakes, or calls
these functions under moto; the local runtime runs the handlers, and so these.

Each builder imports the adapters and domain class it builds (deferred imports): a handler loads its own step's
modules only, as it did before this module existed (make bench's cold-start table; importing every step here added
60-90 ms to each loop handler). Building is cheap and reads no environment: the adapters ask resources.py for their bucket,
table and state machine on first use (adapters/storage.py, workflow.py, presign.py, rekognition.py), and
the deployment values the domain needs (the daily cap: settings.daily_budget_cap; the benchmark's and the enhance
workflow's state machine ARNs: below) are passed in as functions asked on each use. So a handler module imports
without its variables set, a warm function sees what the environment says when it is called (the local runtime and
the tests set variables after a handler was first imported), and clients are made only when a step first calls
out. The Image Services client and the Rekognition client of a targeted round are made only when such a round
needs them (`make_services`, `make_detector`), as before."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from imagegate_service import constants as c
from imagegate_service import resources

if TYPE_CHECKING:  # the builders' return types; each builder imports what it builds
    from imagegate_service.adapters.local_imaging import LocalImaging  # deferred import: cold start
    from imagegate_service.adapters.presign import S3Presigner  # deferred import: cold start
    from imagegate_service.adapters.workflow import StepFunctionsWorkflow  # deferred import: cold start
    from imagegate_service.domain.benchmarking import (  # deferred import: cold start
        BenchmarkAggregator,
        BenchmarkPreparer,
    )
    from imagegate_service.domain.daily_budget import DailyBudget  # deferred import: cold start
    from imagegate_service.domain.enhancements import (  # deferred import: cold start
        EnhancementRunner,
        EnhancementStarter,
    )
    from imagegate_service.domain.evaluating import RoundEvaluator  # deferred import: cold start
    from imagegate_service.domain.finishing import RunFinisher  # deferred import: cold start
    from imagegate_service.domain.generating import RoundGenerator  # deferred import: cold start
    from imagegate_service.domain.generations import Generations  # deferred import: cold start
    from imagegate_service.domain.judging import RoundJudge  # deferred import: cold start
    from imagegate_service.domain.lifecycle import GenerationLifecycle  # deferred import: cold start
    from imagegate_service.domain.mark_run_ended import RunEnder  # deferred import: cold start
    from imagegate_service.domain.recording import RoundRecorder  # deferred import: cold start
    from imagegate_service.domain.review import ReviewPause, Reviews  # deferred import: cold start
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
    from imagegate_service.domain.mark_run_ended import RunEnder  # deferred import: cold start

    return RunEnder(
        DynamoRunRepository(),
        daily_budget(),
        DynamoEnhancementStore(),
        benchmark_state_machine_arn=benchmark_arn,
        enhance_state_machine_arn=enhance_arn,
    )


def review_store() -> DynamoReviewStore:
    return DynamoReviewStore()


def enhance_workflow() -> StepFunctionsWorkflow:
    """The enhance workflow's state machine; its ARN (IMAGEGATE_ENHANCE_STATE_MACHINE_ARN) read when an
    enhancement starts (a KeyError without one, as before)."""
    from imagegate_service.adapters.workflow import StepFunctionsWorkflow  # deferred import: cold start

    return StepFunctionsWorkflow(lambda: os.environ[c.ENV_ENHANCE_STATE_MACHINE_ARN])


def enhancement_starter() -> EnhancementStarter:
    """POST /generations/{id}/enhance, and a run's `finish` operations started by Finish Run (the enhance
    workflow)."""
    from imagegate_service.adapters.enhancements import DynamoEnhancementStore  # deferred import: cold start
    from imagegate_service.domain.enhancements import EnhancementStarter  # deferred import: cold start

    return EnhancementStarter(DynamoEnhancementStore(), enhance_workflow())


def enhancement_runner() -> EnhancementRunner:
    """The enhance workflow's Apply Operation and Finish Enhancement: the enhancement's items, the images, the
    Image Services, Rekognition for an erase's mask, and the spend ledger on the run's partition."""
    from imagegate_service.adapters.enhancements import DynamoEnhancementStore  # deferred import: cold start
    from imagegate_service.adapters.image_services import BedrockImageServices  # deferred import: cold start
    from imagegate_service.adapters.rekognition import RekognitionDetector  # deferred import: cold start
    from imagegate_service.domain.enhancements import EnhancementRunner  # deferred import: cold start

    store = DynamoEnhancementStore()
    return EnhancementRunner(
        store,
        S3ObjectStore(),
        BedrockImageServices(),
        RekognitionDetector(),
        spend_ledger(store),
        make_local=local_imaging,
    )


def local_imaging() -> LocalImaging:
    """An enhancement's local fallback (upscale, background removal without Bedrock): made by the runner the first
    time an operation falls back, so its imaging libraries load only then."""
    from imagegate_service.adapters.local_imaging import LocalImaging  # deferred import: cold start

    return LocalImaging()


def spend_ledger(runs: DynamoRunRepository | None = None) -> SpendLedger:
    """Every billable call's reservation and record: the runs table and the deployment's daily budget."""
    from imagegate_service.domain.spend import SpendLedger  # deferred import: cold start

    return SpendLedger(runs or DynamoRunRepository(), daily_budget())


def run_starter() -> RunStarter:
    from imagegate_service.domain.start import RunStarter  # deferred import: cold start

    return RunStarter(DynamoRunRepository())


def round_generator() -> RoundGenerator:
    from imagegate_service.adapters.image_services import BedrockImageServices  # deferred import: cold start
    from imagegate_service.domain.generating import RoundGenerator  # deferred import: cold start

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
    from imagegate_service.domain.benchmarking import BenchmarkPreparer  # deferred import: cold start

    return BenchmarkPreparer(objects=S3ObjectStore())


def benchmark_aggregator() -> BenchmarkAggregator:
    """Aggregate Benchmark: the runs, the Map Run's written results, and Mark Run Ended's marking for a child that
    failed outright."""
    from imagegate_service.domain.benchmarking import BenchmarkAggregator  # deferred import: cold start

    return BenchmarkAggregator(DynamoRunRepository(), S3ObjectStore(), run_ender().execution_ended)


def cors_origins() -> list[str]:
    """The browser origins the API answers (IMAGEGATE_CORS_ORIGINS, comma-separated); none: no CORS headers."""
    return [origin.strip() for origin in os.environ.get(c.ENV_CORS_ORIGINS, "").split(",") if origin.strip()]


def url_signer() -> S3Presigner:
    """Presigned GET URLs for the run images the API hands out (IMAGEGATE_PUBLIC_S3_ENDPOINT read when first used)."""
    from imagegate_service.adapters.presign import S3Presigner  # deferred import: cold start

    return S3Presigner()


def idempotency_store() -> Any:
    """Powertools' idempotency records in the runs table, made on the first POST with an Idempotency-Key (its
    DynamoDB layer is a cold-start cost only such a request needs); the table named by IMAGEGATE_TABLE."""
    from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer

    return DynamoDBPersistenceLayer(
        table_name=resources.table_name(),
        key_attr="pk",
        sort_key_attr="sk",
        static_pk_value=c.IDEMPOTENCY_PK,
        expiry_attr=c.TTL_ATTRIBUTE,  # the table's TTL attribute: DynamoDB deletes expired records
    )


def generations() -> Generations:
    """The API's start, show and list of generations: the runs table, the quality loop's executions, presigned
    URLs, the daily cap, the idempotency records, and DELETE's markers."""
    from imagegate_service.adapters.run_removal import DynamoRunRemoval  # deferred import: cold start
    from imagegate_service.adapters.workflow import StepFunctionsWorkflow  # deferred import: cold start
    from imagegate_service.domain.generations import Generations  # deferred import: cold start

    return Generations(
        DynamoRunRepository(),
        StepFunctionsWorkflow(),
        url_signer(),
        daily_budget(),
        idempotency_store,
        DynamoRunRemoval().was_deleted,
    )


def reviews() -> Reviews:
    """POST /generations/{id}/review and `imagegate review`: the run, its review token, the waiting task's answer."""
    from imagegate_service.adapters.workflow import StepFunctionsWorkflow  # deferred import: cold start
    from imagegate_service.domain.review import Reviews  # deferred import: cold start

    return Reviews(DynamoRunRepository(), review_store(), StepFunctionsWorkflow())
