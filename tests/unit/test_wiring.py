"""One module builds the quality loop's adapters (imagegate_service/wiring.py); the loop's domain classes take every
port as a required argument and the handlers get them from the wiring, not by constructing adapters themselves."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest

from imagegate_service import wiring
from imagegate_service.domain.benchmarking import BenchmarkAggregator
from imagegate_service.domain.daily_budget import DailyBudget
from imagegate_service.domain.enhancements import EnhancementRunner, EnhancementStarter
from imagegate_service.domain.evaluating import RoundEvaluator
from imagegate_service.domain.finishing import RunFinisher
from imagegate_service.domain.generating import RoundGenerator
from imagegate_service.domain.generations import Generations
from imagegate_service.domain.judging import RoundJudge
from imagegate_service.domain.lifecycle import GenerationLifecycle
from imagegate_service.domain.mark_run_ended import RunEnder
from imagegate_service.domain.recording import RoundRecorder
from imagegate_service.domain.review import ReviewPause, Reviews
from imagegate_service.domain.rewriting import PromptRewriter
from imagegate_service.domain.spend import SpendLedger
from imagegate_service.domain.start import RunStarter
from imagegate_service.domain.verifying import RoundVerifier

pytestmark = pytest.mark.unit

HANDLERS = Path(wiring.__file__).parent / "handlers"
LOOP_CLASSES = {
    RunStarter: ("runs",),
    RoundGenerator: ("generator", "images", "ledger"),
    RoundJudge: ("models", "images", "ledger"),
    RoundVerifier: ("detector", "images", "spend"),
    RoundEvaluator: ("models", "images", "spend"),
    RoundRecorder: ("runs", "images"),
    PromptRewriter: ("models", "images", "runs", "ledger"),
    ReviewPause: ("reviews",),
    RunFinisher: ("runs", "images"),
}
LOOP_HANDLERS = (
    "start_run",
    "generate_images",
    "judge_images",
    "pick_best",
    "verify_round",
    "evaluate_round",
    "record_round",
    "rewrite_prompt",
    "await_review",
    "finish_run",
)


# The other steps the wiring builds: Mark Run Ended, the API's services, the enhance and benchmark Lambdas
OTHER_CLASSES = {
    RunEnder: ("runs", "daily", "enhancements"),
    GenerationLifecycle: ("removal", "objects", "workflow", "ender"),
    BenchmarkAggregator: ("runs", "objects", "ender"),
    DailyBudget: ("store",),
    Generations: ("runs", "workflow", "presigner", "daily", "idempotency_store_factory", "was_deleted"),
    Reviews: ("runs", "reviews", "callbacks"),
    EnhancementStarter: ("store", "workflow"),
    EnhancementRunner: ("store", "images", "services", "detector", "ledger"),
    SpendLedger: ("runs", "daily"),
}
OTHER_HANDLERS = (
    "mark_run_ended",
    "prepare_benchmark",
    "aggregate_benchmark",
    "api",
    "apply_enhancement",
    "finish_enhancement",
)
ADAPTER_WORDS = ("Dynamo", "S3ObjectStore", "S3Presigner", "Bedrock", "StepFunctions", "Rekognition", "DailyBudget(")


def test_each_step_requires_its_ports():
    for cls, ports in {**LOOP_CLASSES, **OTHER_CLASSES}.items():
        parameters = inspect.signature(cls).parameters
        for name in ports:
            # Then the port has no default: nothing in the domain falls back to an AWS adapter
            assert parameters[name].default is inspect.Parameter.empty, f"{cls.__name__}({name}=...)"
        with pytest.raises(TypeError):
            cls()


def test_the_wiring_builds_every_step_without_its_environment(monkeypatch):
    # Given no bucket, table, state machine or daily cap in the environment
    for variable in (
        "IMAGEGATE_BUCKET",
        "IMAGEGATE_TABLE",
        "IMAGEGATE_STATE_MACHINE_ARN",
        "IMAGEGATE_ENHANCE_STATE_MACHINE_ARN",
        "IMAGEGATE_BENCHMARK_STATE_MACHINE_ARN",
        "IMAGEGATE_DAILY_BUDGET_USD",
    ):
        monkeypatch.delenv(variable, raising=False)
    loop = [
        wiring.run_starter(),
        wiring.round_generator(),
        wiring.round_judge(),
        wiring.round_verifier(),
        wiring.round_evaluator(),
        wiring.round_recorder(),
        wiring.prompt_rewriter(),
        wiring.review_pause(),
        wiring.run_finisher(),
    ]
    others = [
        wiring.run_ender(),
        wiring.generation_lifecycle(),
        wiring.benchmark_aggregator(),
        wiring.daily_budget(),
        wiring.generations(),
        wiring.reviews(),
        wiring.enhancement_starter(),
        wiring.enhancement_runner(),
        wiring.spend_ledger(),
    ]
    # Then each is its step's domain class (the adapters read their names on first use)
    assert [type(thing) for thing in loop] == list(LOOP_CLASSES)
    assert [type(thing) for thing in others] == list(OTHER_CLASSES)
    assert wiring.benchmark_preparer().objects is not None  # prepare writes the Map's items to S3


def test_the_handlers_take_their_steps_from_the_wiring():
    for name in (*LOOP_HANDLERS, *OTHER_HANDLERS):
        source = (HANDLERS / f"{name}.py").read_text(encoding="utf-8")
        assert "wiring." in source, name
        # no domain step and no adapter built in the handler itself, and no environment read there
        assert not any(f"{cls.__name__}(" in source for cls in (*LOOP_CLASSES, *OTHER_CLASSES)), name
        assert not any(word in source for word in ADAPTER_WORDS), name
        assert "os.environ" not in source and "getenv(" not in source, name


def test_the_deployment_values_are_read_on_use_not_when_built(monkeypatch):
    # Given a daily budget and a run ender built with no cap and no state machines in the environment
    for variable in ("IMAGEGATE_DAILY_BUDGET_USD", "IMAGEGATE_BENCHMARK_STATE_MACHINE_ARN"):
        monkeypatch.delenv(variable, raising=False)
    budget = wiring.daily_budget()
    assert budget.cap_usd is None
    assert wiring.benchmark_state_machine_arn() == ""
    # When the deployment's variables are set afterwards (a warm Lambda keeps what it built at import)
    monkeypatch.setenv("IMAGEGATE_DAILY_BUDGET_USD", "2.5")
    monkeypatch.setenv("IMAGEGATE_BENCHMARK_STATE_MACHINE_ARN", "arn:aws:states:r:1:stateMachine:b")
    # Then what was built sees them, as the steps did when they read the environment themselves
    assert budget.cap_usd == 2.5
    assert wiring.benchmark_state_machine_arn() == "arn:aws:states:r:1:stateMachine:b"


# The modules of the service that may read the environment, and why. The domain, the handlers and the adapters read
# none: the adapters ask resources.py on first use, the domain is handed functions by the wiring.
ENVIRONMENT_READERS = {
    "wiring.py": "the state machines the API and Mark Run Ended name, CORS origins",
    "settings.py": "the deployment's run defaults, the daily cap, how long runs are kept",
    "resources.py": "where the bucket, the table and the loop's state machine are, how URLs are signed",
    "allowed_models.py": "the models the CDK app deployed (also read by infra/config.py's checks, given a mapping)",
    "workflows.py": "where the ASL files are (the CDK app and the local runtime compose the same files)",
    "prompts.py": "where the prompt templates are (the same for both runtimes)",
}


def environment_readers(root: Path) -> set[str]:
    return {
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if any(word in path.read_text(encoding="utf-8") for word in ("os.environ", "getenv("))
    }


def test_the_scan_sees_an_environment_read(tmp_path):
    (tmp_path / "adapters").mkdir()
    (tmp_path / "adapters" / "store.py").write_text("import os\nBUCKET = os.environ['B']\n", encoding="utf-8")
    (tmp_path / "quiet.py").write_text("X = 1\n", encoding="utf-8")
    assert environment_readers(tmp_path) == {"adapters/store.py"}


def test_only_the_wiring_settings_and_resources_read_the_environment():
    # The deployment's variables are read in the wiring, in settings and in resources (the adapters' names), plus
    # the three lookups the CDK app shares; never in the domain, a handler or an adapter
    readers = environment_readers(Path(wiring.__file__).parent)
    assert readers == set(ENVIRONMENT_READERS), sorted(readers - set(ENVIRONMENT_READERS))
