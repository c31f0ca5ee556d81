"""Run setting `strategy`: "redraw" replaces the rewrite with a re-draw of the unchanged prompt with a new seed.

The re-draw is the benchmark's control arm: it must cost no model call, keep the prompt and negative prompt
exactly, and give every round its own seed (kept in the loop state, drawn with, stored with the round)."""

import contextlib

import boto3
import pytest
from moto import mock_aws

from imagegate_service import constants as c
from imagegate_service import registry
from imagegate_service.adapters.storage import S3ObjectStore
from imagegate_service.domain.costs import estimated_round_cost
from imagegate_service.domain.generating import RoundGenerator
from imagegate_service.domain.ports import GeneratedImages
from imagegate_service.domain.rewriting import PromptRewriter, redraw_seed
from imagegate_service.domain.spend import BilledCall, call_id
from imagegate_service.domain.start import initial_loop
from imagegate_service.errors import InvalidRequest
from imagegate_service.settings import DEFAULTS, resolve_settings

pytestmark = pytest.mark.unit
BUCKET = "test-bucket"


class NoModelCalls:
    """A tool caller that fails the test if the rewrite calls a model."""

    def call(self, **kwargs):
        raise AssertionError(f"strategy redraw called a model: {kwargs.get('model_id')}")


class RecordingGenerator:
    def __init__(self):
        self.requests = []

    def generate_call(self, request, first, count, on_answered):
        self.requests.append(request)
        on_answered()
        return GeneratedImages(images=[b"\x89PNG fake"] * count, requested=count, filter_message=None)


class UnlimitedLedger:
    """The spend ledger with no budget and no table: these tests are about seeds and prompts."""

    @contextlib.contextmanager
    def call(self, state, **call):
        yield BilledCall(call_id(state["loop"]["round"], call["step"], call["candidate"], 0), call["bound_usd"])


@pytest.fixture
def images():
    with mock_aws():
        boto3.client("s3").create_bucket(Bucket=BUCKET)
        s3 = boto3.client("s3")
        yield S3ObjectStore(BUCKET, lambda: s3)


def redraw_settings(**overrides):
    return {
        **DEFAULTS,
        "cfgScale": registry.generator(DEFAULTS["generator"]).default_cfg_scale,
        "prompt": "three red apples on a blue plate",
        "negativePrompt": "blurry",
        "strategy": c.STRATEGY_REDRAW,
        **overrides,
    }


def test_redraw_keeps_the_prompt_moves_the_seed_and_calls_no_model(images):
    # Given round 1 of a redraw run has been judged below the threshold
    settings = redraw_settings(seed=41)
    loop = {**initial_loop(settings), "roundsCompleted": 1, "lastScore": 4.0}
    rewriter = PromptRewriter(models=NoModelCalls(), images=images, runs=None, ledger=UnlimitedLedger())

    # When the Rewrite Prompt step runs
    next_loop = rewriter.rewrite(
        {"runId": "run-1", "settings": settings, "loop": loop, "judgement": {"verdictKey": "never-read"}}
    )

    # Then the prompt and negative prompt are exactly as they were, the seed is the next one, nothing was spent
    assert next_loop["round"] == 2
    assert next_loop["prompt"] == settings["prompt"] and next_loop["negativePrompt"] == "blurry"
    assert next_loop["seed"] == 42 != loop["seed"]
    assert next_loop["rewriteCostUsd"] == 0.0
    # And the round's notes say it was a re-draw with no prompt change (Record Round reads the changes)
    notes = images.get_json(c.rewrite_key("run-1", 2))
    assert notes["strategy"] == c.STRATEGY_REDRAW and notes["changes"] == [] and notes["seed"] == 42


def test_every_redraw_round_draws_with_its_own_seed(images):
    # Given a redraw run that goes to its fourth round
    settings = redraw_settings(seed=7)
    loop = initial_loop(settings)
    generator = RecordingGenerator()
    rounds = RoundGenerator(generator=generator, images=images, ledger=UnlimitedLedger())
    rewriter = PromptRewriter(models=NoModelCalls(), images=images, runs=None, ledger=UnlimitedLedger())

    # When each round is generated and then re-drawn
    for _ in range(4):
        rounds.generate({"runId": "run-2", "settings": settings, "loop": loop})
        loop = rewriter.rewrite({"runId": "run-2", "settings": settings, "loop": loop, "judgement": {}})

    # Then the generator saw the same prompt every time, with four different seeds: seed + round - 1
    assert {request.prompt for request in generator.requests} == {settings["prompt"]}
    assert [request.seed for request in generator.requests] == [7, 8, 9, 10]


def test_redraw_rounds_with_several_candidates_never_reuse_a_seed():
    # Given a redraw run with three candidates per round (a generator may draw them from seed, seed+1, seed+2)
    settings = redraw_settings(seed=100, candidatesPerRound=3)

    # Then each round starts past the seeds the earlier rounds' candidates used
    starts = [redraw_seed(settings, round_number) for round_number in (1, 2, 3)]
    used = [seed for start in starts for seed in range(start, start + 3)]
    assert starts[0] == 100 and len(set(used)) == len(used)


def test_the_redraw_seed_stays_inside_the_generator_seed_range():
    # Given a run whose seed is the generator's largest
    settings = redraw_settings(seed=registry.generator(DEFAULTS["generator"]).seed_max)

    # When the next rounds are re-drawn, their seeds wrap around instead of leaving the range
    seeds = [redraw_seed(settings, round_number) for round_number in (1, 2, 3)]
    assert seeds[0] == settings["seed"]
    assert seeds[1:] == [0, 1]


def test_the_regenerate_strategy_draws_every_round_with_the_run_seed(images):
    # Given a run that regenerates every round
    settings = {**redraw_settings(seed=5), "strategy": c.STRATEGY_REGENERATE}
    generator = RecordingGenerator()

    # When a later round is generated (its prompt rewritten, its seed untouched)
    loop = {**initial_loop(settings), "round": 3, "prompt": "a rewritten prompt"}
    RoundGenerator(generator=generator, images=images, ledger=UnlimitedLedger()).generate(
        {"runId": "run-3", "settings": settings, "loop": loop}
    )

    # Then it draws with the run's seed, as before the strategy setting existed
    assert generator.requests[0].seed == 5 and generator.requests[0].prompt == "a rewritten prompt"


def test_a_redraw_round_is_budgeted_without_a_rewrite():
    rewrite = estimated_round_cost(redraw_settings(strategy=c.STRATEGY_REGENERATE))
    redraw = estimated_round_cost(redraw_settings())
    assert 0 < redraw < rewrite


def test_an_unknown_strategy_is_refused_naming_the_field():
    with pytest.raises(InvalidRequest) as raised:
        resolve_settings({"prompt": "a cat", "strategy": "retry"})
    assert raised.value.field == "strategy"
    assert all(name in str(raised.value) for name in c.STRATEGIES)
