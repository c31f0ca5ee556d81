"""Run setting `strategy`: "reword", the rewording control arm (issue 22.3): each round the rewriter restates the
ORIGINAL prompt more explicitly without reading the judge's verdict, and the next round draws with the next seed.

It must never read a verdict (no suggestions, no earlier scores reach the rewriter), always start from the
original prompt and negative prompt, call the rewriter once per round (billed like the loop's rewrite), and give
every round its own seed."""

import contextlib
import re

import pytest

from imagegate.local.world.rewrite import explicit_restatement, rewrite_prompt
from imagegate_service import constants as c
from imagegate_service import registry
from imagegate_service.domain.costs import estimated_round_cost
from imagegate_service.domain.ports import ToolAnswer
from imagegate_service.domain.rewriting import PromptRewriter, redraw_seed
from imagegate_service.domain.spend import BilledCall, call_id
from imagegate_service.domain.start import initial_loop
from imagegate_service.settings import DEFAULTS, resolve_settings

pytestmark = pytest.mark.unit


def _tagged(text: str, tag: str) -> str:
    match = re.search(rf"<{tag}>\n(.*?)\n</{tag}>", text, re.S)
    return match.group(1) if match else ""


class OfflineRewriter:
    """The offline rewriter behind the Converse tool call, recording what it was told."""

    def __init__(self):
        self.texts = []

    def call(self, **request):
        text = request["content"][0]["text"]
        self.texts.append(text)
        suggestions = [s for s in _tagged(text, "suggestions").splitlines() if s.strip() and s != "(none)"]
        out = rewrite_prompt(_tagged(text, "original_prompt"), _tagged(text, "current_prompt"), suggestions, 512)
        return ToolAnswer(out, "", "tool_use", 900, 120, 5)


class Images:
    """An object store that refuses every read: the reword arm must not open the verdict."""

    def __init__(self):
        self.written = {}

    def get_json(self, key):
        raise AssertionError(f"strategy reword read {key}")

    def put_json(self, key, document):
        self.written[key] = document


class Runs:
    def list_rounds(self, run_id):
        raise AssertionError("strategy reword read the earlier rounds' scores")


class UnlimitedLedger:
    @contextlib.contextmanager
    def call(self, state, **call):
        billed = BilledCall(call_id(state["loop"]["round"], call["step"], call["candidate"], 0), call["bound_usd"])
        billed.answered = lambda cost, outcome: None
        yield billed


def reword_settings(**overrides):
    return {
        **DEFAULTS,
        "cfgScale": registry.generator(DEFAULTS["generator"]).default_cfg_scale,
        "prompt": "a photo of a vase left of a horse",
        "negativePrompt": "blurry",
        "strategy": c.STRATEGY_REWORD,
        **overrides,
    }


def test_reword_restates_the_original_without_the_verdict_and_moves_the_seed():
    # Given a reword run at round 2, whose current prompt is no longer the original
    settings = reword_settings(seed=41)
    loop = {**initial_loop(settings), "round": 2, "prompt": "something else", "negativePrompt": "other"}
    models, images = OfflineRewriter(), Images()
    rewriter = PromptRewriter(models=models, images=images, runs=Runs(), ledger=UnlimitedLedger())

    # When the Rewrite Prompt step runs (a verdict exists, with suggestions, but is never opened)
    next_loop = rewriter.rewrite(
        {"runId": "run-1", "settings": settings, "loop": loop, "judgement": {"verdictKey": "never-read"}}
    )

    # Then the rewriter was shown the original prompt as the current one, no suggestions and no history
    told = models.texts[0]
    assert _tagged(told, "current_prompt") == settings["prompt"] == _tagged(told, "original_prompt")
    assert _tagged(told, "suggestions") == "(none)" and _tagged(told, "history") == "(none)"
    assert _tagged(told, "negative_prompt") == "blurry"
    # And the next round draws the explicit restatement of the original with the next seed, at the call's cost
    assert next_loop["prompt"] == ", ".join([settings["prompt"], *explicit_restatement(settings["prompt"])])
    assert "the vase on the left side of the image, the horse on the right side of the image" in next_loop["prompt"]
    assert next_loop["round"] == 3 and next_loop["seed"] == redraw_seed(settings, 3) != loop["seed"]
    assert next_loop["rewriteCostUsd"] > 0
    notes = images.written[c.rewrite_key("run-1", 3)]
    assert notes["strategy"] == c.STRATEGY_REWORD and notes["suggestions"] == [] and notes["seed"] == next_loop["seed"]


def test_a_reword_round_is_budgeted_with_its_rewrite():
    assert estimated_round_cost(reword_settings()) == estimated_round_cost(
        reword_settings(strategy=c.STRATEGY_REGENERATE)
    )


def test_reword_is_a_strategy_and_a_benchmark_arm():
    assert resolve_settings({"prompt": "a cat", "strategy": "reword"})["strategy"] == c.STRATEGY_REWORD
    assert c.BENCHMARK_ARMS["reword"]["strategy"] == c.STRATEGY_REWORD
