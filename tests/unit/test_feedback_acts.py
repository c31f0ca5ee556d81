"""Issue 25.6-25.7: what was said about a round changes the next one, and prompts stay readable.

A reviewer's reject and the verifier's plain findings reach the rewriter first and the offline rewriter acts on
plain English; where nothing new can be asked the loop draws with another seed, so a paid round is never a
byte-identical redraw; rewrites stay within max(2 x the original, the original + 300 characters) and never put a
relation between objects the prompt does not relate."""

import contextlib
import re

import pytest

from imagegate.local.world.reading import checks_from_prompt
from imagegate.local.world.render import render_png
from imagegate.local.world.rewrite import (
    feedback_asks,
    finding_asks,
    growth_limit,
    rewrite_prompt,
    stated,
)
from imagegate.local.world.scene import parse_prompt
from imagegate_service import constants as c
from imagegate_service import registry
from imagegate_service.domain.ports import ToolAnswer
from imagegate_service.domain.rewriting import PromptRewriter, fresh_seed, redraw_seed
from imagegate_service.domain.spend import BilledCall, call_id
from imagegate_service.domain.start import initial_loop
from imagegate_service.settings import DEFAULTS

pytestmark = pytest.mark.unit

PROMPTS = [
    "a photo of a box next to a cat",
    "a red apple on a wooden table",
    "two dogs left of a bench in a park",
    'a sign that says "OPEN LATE" above a door',
    "a watercolor of a lighthouse below a full moon and three seagulls",
]
FEEDBACK = [
    "make the box bigger and clearly blue",
    "the apple should be green",
    "remove the bench",
    "put the dog on the right",
    "there should be four seagulls",
    "more contrast please",  # nothing the rewriter can ask: the seed moves instead
    "I don't like it",
]


def _tagged(text: str, tag: str) -> str:
    match = re.search(rf"<{tag}>\n(.*?)\n</{tag}>", text, re.S)
    return match.group(1) if match else ""


class OfflineRewriter:
    """The offline rewriter behind the Converse tool call (as bedrock_offline answers it)."""

    def __init__(self):
        self.suggestions: list[list[str]] = []

    def call(self, **request):
        text = request["content"][0]["text"]
        suggestions = [s for s in _tagged(text, "suggestions").splitlines() if s.strip() and s != "(none)"]
        self.suggestions.append(suggestions)
        out = rewrite_prompt(
            _tagged(text, "original_prompt"),
            _tagged(text, "current_prompt"),
            suggestions,
            int(_tagged(text, "max_characters")),
            _tagged(text, "negative_prompt").replace("(none)", ""),
        )
        return ToolAnswer(out, "", "tool_use", 900, 120, 5)


class SamePrompt:
    """A rewriter model that gives back the prompt it was given, whatever it is told."""

    def call(self, **request):
        text = request["content"][0]["text"]
        out = {"prompt": _tagged(text, "current_prompt"), "negativePrompt": "", "changes": ["kept it"]}
        return ToolAnswer(out, "", "tool_use", 900, 40, 5)


class Images:
    def __init__(self, verdict):
        self.written = {"verdict": verdict}

    def get_json(self, key):
        return self.written[key]

    def find_json(self, key):
        return self.written.get(key)

    def put_json(self, key, document):
        self.written[key] = document


class Runs:
    def __init__(self, rounds):
        self.rounds = rounds

    def list_rounds(self, run_id):
        return list(self.rounds)


class UnlimitedLedger:
    @contextlib.contextmanager
    def call(self, state, **call):
        billed = BilledCall(call_id(state["loop"]["round"], call["step"], call["candidate"], 0), call["bound_usd"])
        billed.answered = lambda cost, outcome: None
        yield billed


def _settings(prompt, **overrides):
    return {
        **DEFAULTS,
        "cfgScale": registry.generator(DEFAULTS["generator"]).default_cfg_scale,
        "prompt": prompt,
        "negativePrompt": "",
        **overrides,
    }


def _verdict(suggestions):
    verdict = {"score": 5.0, "suggestions": suggestions, "checks": [], "subscores": {}, "explanation": ""}
    return {"prompt": "", "bestCandidate": 1, "candidates": [{"candidate": 1, "verdict": verdict}]}


def _rejected_round(settings, loop, feedback, judge_suggestions, models):
    """Rewrite Prompt after a person rejected round `loop['round']` (already recorded) with `feedback`."""
    recorded = {
        "prompt": loop["prompt"],
        "negativePrompt": loop["negativePrompt"],
        "seed": loop["seed"],
        "sourceImageKey": None,
        "score": 5.0,
    }
    images = Images(_verdict(judge_suggestions))
    rewriter = PromptRewriter(models=models, images=images, runs=Runs([recorded]), ledger=UnlimitedLedger())
    state = {
        "runId": "run-1",
        "settings": settings,
        "loop": loop,
        "judgement": {"verdictKey": "verdict", "review": {"decision": c.REVIEW_REJECT, "feedback": feedback}},
    }
    return rewriter.rewrite(state), images


def _png(settings, loop):
    return render_png(loop["prompt"], loop["negativePrompt"], loop["seed"], 256, 256, generator=settings["generator"])


@pytest.mark.parametrize("prompt", PROMPTS)
def test_a_reject_with_feedback_never_yields_a_byte_identical_image(prompt):
    for feedback in FEEDBACK:
        for seed in (0, 7, 42):
            # Given round 1 of a run, drawn offline, and a person who rejects it with feedback
            settings = _settings(prompt, seed=seed)
            loop = initial_loop(settings)
            models = OfflineRewriter()
            # When Rewrite Prompt makes round 2 (the judge also had a suggestion, already in the prompt)
            next_loop, images = _rejected_round(
                settings, loop, feedback, ['Add "a clearly visible cat" to the prompt.'], models
            )
            # Then the feedback was the rewriter's first suggestion, the judge's followed
            assert models.suggestions[0][0] == feedback
            # And round 2's image is never round 1's bytes (a changed prompt, or the same prompt with another seed)
            assert _png(settings, next_loop) != _png(settings, loop), (prompt, feedback, seed)
            if next_loop["prompt"] == loop["prompt"]:
                assert next_loop["seed"] != loop["seed"]
                note = images.written[c.rewrite_key("run-1", 2)]
                assert note["seed"] == next_loop["seed"] and "seed" in note["changes"][-1]


def test_feedback_the_rewriter_can_act_on_changes_what_is_asked():
    # Given the issue's own example
    prompt = "a photo of a box next to a cat"
    settings = _settings(prompt)
    next_loop, _ = _rejected_round(
        settings, initial_loop(settings), "make the box bigger and clearly blue", [], OfflineRewriter()
    )
    # Then the next prompt asks for a blue box (the generator's parse binds the colour) with the same seed
    assert next_loop["prompt"].startswith(prompt)
    box = next(e for e in parse_prompt(next_loop["prompt"]).entities if e.cls == "box")
    assert box.colour == "blue" and next_loop["seed"] == settings["seed"]


@pytest.mark.parametrize(
    "feedback, asks, keep_out",
    [
        ("make the box bigger and clearly blue", ["the box is large", "the box is blue"], []),
        ("the cat should be red. remove the dog", ["the cat is red"], ["dog"]),
        ("add a red ball and get rid of the cat", ["a red ball"], ["cat"]),
        ("there should be four boxes", ["four boxes side by side in a row"], []),
        ('the sign should read "OPEN LATE"', ['clearly legible text "OPEN LATE"'], []),
        ("make the text say open late", ['clearly legible text "OPEN LATE"'], []),
        ("the cat is too small", ["the cat is large"], []),
        ("more contrast please", [], []),
    ],
)
def test_plain_feedback_is_read_into_what_to_ask_and_what_to_keep_out(feedback, asks, keep_out):
    assert feedback_asks(feedback, "a photo of a box next to a cat") == (asks, keep_out)


@pytest.mark.parametrize(
    "finding, asks, keep_out",
    [
        ("the image shows 3 ducks; the prompt asks for 4", ["four ducks side by side in a row"], []),
        ("the image shows no ducks; the prompt asks for a duck", ["a clearly visible duck"], []),
        (
            "the image shows the duck on the left; the prompt asks for it on the right",
            ["the duck on the right side of the image"],
            [],
        ),
        ("the image shows a dog; the prompt asks for no dogs", [], ["dog"]),
        ('the image reads "OPFN"; the prompt asks for "OPEN"', ['clearly legible text "OPEN"'], []),
        ("the image shows the apples green; the prompt asks for red apples", ["the apple is red"], []),
        ("the image shows 5 dogs; the prompt asks for fewer than 3", [], []),
    ],
)
def test_the_verifiers_findings_are_asked_again_the_explicit_way(finding, asks, keep_out):
    assert finding_asks(finding) == (asks, keep_out)


def test_the_verifiers_count_finding_changes_the_prompt_the_generator_reads():
    prompt = "four ducks on a pond"
    out = rewrite_prompt(prompt, prompt, ["the image shows 3 ducks; the prompt asks for 4"], 512)
    assert "no actionable" not in " ".join(out["changes"]) and out["prompt"] != prompt
    duck = next(e for e in parse_prompt(out["prompt"]).entities if e.cls == "duck")
    assert duck.count == 4 and duck.count_layout


@pytest.mark.parametrize(
    "prompt",
    [
        "a black cat sitting next to an orange pumpkin, a clock on the wall behind them",
        "a clock above a cat next to a pumpkin",
        "a cat next to a pumpkin under a clock",
    ],
)
def test_a_relation_is_never_moved_onto_another_object(prompt):
    objects = [c["subject"] for c in checks_from_prompt(prompt) if c["kind"] == "entity"]
    for subject in objects:
        for obj in objects:
            if subject == obj:
                continue
            for relation in ("next to", "above", "under"):
                # Given a suggestion relating two of the prompt's objects some way
                suggestion = [f'Add "the {subject} clearly {relation} the {obj}" to the prompt.']
                out = rewrite_prompt(prompt, prompt, suggestion, 512)
                added = out["prompt"][len(prompt) :]
                # Then it is written only when the prompt itself relates them that way
                if f"the {subject} clearly {relation} the {obj}" in added:
                    assert stated(subject, relation, obj, [prompt]), (subject, relation, obj)
    # And the issue's own case: the prompt puts the cat next to the pumpkin, never the clock
    wrong = rewrite_prompt(prompt, prompt, ['Add "the clock clearly next to the pumpkin" to the prompt.'], 512)
    assert "clock clearly next to" not in wrong["prompt"]
    assert stated("cat", "next to", "pumpkin", [prompt]) and not stated("clock", "next to", "pumpkin", [prompt])


def test_a_reviewer_may_relate_objects_the_prompt_did_not():
    prompt = "a cat and a dog"
    out = rewrite_prompt(prompt, prompt, ["put the cat to the left of the dog"], 512)
    assert "the cat on the left side of the image, the dog on the right side of the image" in out["prompt"]


def _judge_suggestions(prompt):
    """Every fix the judge can suggest for this prompt (each of its checks failed)."""
    from imagegate.local.world.judge import _suggestion

    checks = checks_from_prompt(prompt)
    by_id = {c["id"]: c for c in checks}
    said = {c["id"]: c["kind"] != "entity" for c in checks}
    return [s for s in (_suggestion(c, checks, by_id, said) for c in checks) if s]


@pytest.mark.parametrize("prompt", PROMPTS)
def test_prompts_stay_bounded_over_many_rounds(prompt):
    # Given every suggestion the judge can make for the prompt, and the same ones again each round
    suggestions = [
        *_judge_suggestions(prompt),
        "the image shows 1 dog; the prompt asks for 2",
        "make it bigger and clearly blue",
    ]
    current, limit = prompt, growth_limit(prompt, 512)
    for _ in range(6):
        out = rewrite_prompt(prompt, current, suggestions, 512)
        # Then no round's prompt passes max(2 x the original, original + 300) nor 512, and it keeps the original
        assert len(out["prompt"]) <= limit <= 512
        assert out["prompt"].startswith(prompt.rstrip("."))
        assert "important:" not in out["prompt"] and "crucial:" not in out["prompt"]
        current = out["prompt"]


def test_fresh_seed_moves_only_when_an_earlier_round_drew_the_same_request():
    settings = _settings("a cat", seed=10, candidatesPerRound=2)
    loop = {**initial_loop(settings), "round": 2, "seed": 10}
    same = {"prompt": "a cat", "negativePrompt": "", "seed": 10, "sourceImageKey": None}
    # a different prompt, or a seed block that does not overlap: the loop's seed stands
    assert fresh_seed(settings, loop, 3, "a cat, a dog", "", None, [same]) is None
    assert fresh_seed(settings, loop, 3, "a cat", "", None, [{**same, "seed": 12}]) is None
    # the same request whose candidates would overlap an earlier round's: the first free re-draw seed
    moved = fresh_seed(settings, loop, 3, "a cat", "", None, [same, {**same, "seed": redraw_seed(settings, 3)}])
    assert moved == redraw_seed(settings, 4)
    # an edit of another image is another request
    assert fresh_seed(settings, loop, 3, "a cat", "", {"sourceImageKey": "k"}, [same]) is None


def test_a_rewriter_that_restates_the_prompt_still_never_pays_for_the_same_image():
    settings = _settings("a photo of a box next to a cat", seed=3)
    loop = initial_loop(settings)
    next_loop, images = _rejected_round(settings, loop, "make it better", [], SamePrompt())
    assert next_loop["prompt"] == loop["prompt"] and next_loop["seed"] == redraw_seed(settings, 2) != loop["seed"]
    assert images.written[c.rewrite_key("run-1", 2)]["changes"] == [
        "kept it",
        f"same prompt as an earlier round: drawn with seed {next_loop['seed']}",
    ]
