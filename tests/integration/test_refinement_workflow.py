"""Issue 14 on the local runtime: rounds that edit the best image so far (strategy refine / auto), refusals at
validation, and style presets reaching the real Bedrock request bodies of two model families."""

import base64

import pytest

from imagegate_service import constants as c
from imagegate_service import registry, styles
from imagegate_service.allowed_models import encode_deployed_models
from imagegate_service.domain.refining import AUTO_REFINE_MARGIN
from imagegate_service.errors import InvalidRequest

pytestmark = pytest.mark.integration

SD35, CORE, CANVAS = "stability.sd3-5-large-v1:0", "stability.stable-image-core-v1:1", "amazon.nova-canvas-v1:0"
PROMPTS = (
    "a blue cup next to a red apple",
    "a green book and a yellow banana",
    "a black cat on a white sofa",
    "a red car",
)


def deploy(monkeypatch, *generators):
    """A deployment whose generators include retired Nova Canvas (its account still has it) and the others."""
    models = {role: [registry.default_model(role)] for role in ("judge", "rewriter")}
    models |= {"generator": list(generators), "evaluator": [registry.offline_default_models()["evaluator"]]}
    monkeypatch.setenv(c.ENV_DEPLOYED_MODELS, encode_deployed_models(models))


def best_before(rounds, number):
    """The best round before round `number` as Record Round keeps it: a round the verifier did not fail before one
    it did, then the first with the highest score."""
    earlier = [r for r in rounds if r["round"] < number]
    return max(
        earlier, key=lambda r: ((r.get("verification") or {}).get("passed") is not False, r["score"], -r["round"])
    )


def edit_images_sent(runtime):
    """The source images (base64) every image-to-image call sent."""
    return {call.body["image"] for call in runtime.bedrock.calls if call.body.get("mode") == "image-to-image"}


def test_refine_edits_the_best_image_so_far_and_some_runs_pass_by_an_edit(runtime):
    """Runs (4 prompts x 5 seeds at most) until each case the assertions tell apart has been seen: a later round
    whose best-so-far is not the round just before it, and a run passed by an edit at round 2. Every run made is
    checked in full; the 20 runs this test always made took 17-25 s, and the cases were all met by the third
    (issue 29). If the world draws otherwise, the test goes on up to the same 20 runs and fails as before."""
    passed_by_edit, edited_from_earlier = [], False
    runs = [(number, prompt, seed) for number, prompt in enumerate(PROMPTS) for seed in range(1, 6)]
    for number, prompt, seed in runs:
        if edited_from_earlier and any(len(rounds) == 2 for rounds in passed_by_edit):
            break
        run_id = f"refine-{number}-{seed}"
        # Given a run that refines
        runtime.run({"prompt": prompt, "seed": seed, "maxRounds": 3, "strategy": c.STRATEGY_REFINE}, run_id=run_id)
        run, rounds = runtime.runs().get_run(run_id), runtime.runs().list_rounds(run_id)
        assert run["status"] in (c.STATUS_PASSED, c.STATUS_EXHAUSTED), run.get("cause")

        # Then round 1 draws from text and every later round edits the best image of the rounds before it
        assert rounds[0]["mode"] == c.MODE_GENERATE and rounds[0].get("sourceImageKey") is None
        for later in rounds[1:]:
            source = best_before(rounds, later["round"])
            edited_from_earlier |= source["round"] < later["round"] - 1
            assert later["mode"] == c.MODE_EDIT
            assert later["sourceImageKey"] == source["bestImageKey"]
            assert later["edit"]["sourceRound"] == source["round"] and later["edit"]["task"] == "image-to-image"
            low, high = registry.generator(SD35).edit_strength_range
            assert low <= later["edit"]["strength"] <= high
            # And the edit call sent that very image to Bedrock (the handler read it from S3)
            png = dict(runtime.objects(source["bestImageKey"]))[source["bestImageKey"]]
            assert base64.b64encode(png).decode() in edit_images_sent(runtime)
        if run["status"] == c.STATUS_PASSED and rounds[-1]["mode"] == c.MODE_EDIT:
            passed_by_edit.append(rounds)

    # And the strategy does what it is for: some of these runs pass by an edit, the round 2 ones by editing round 1's
    assert passed_by_edit
    for rounds in passed_by_edit:
        if len(rounds) == 2:
            assert rounds[1]["sourceImageKey"] == rounds[0]["bestImageKey"]
            assert rounds[1]["gatePassed"] and not rounds[0]["gatePassed"]


def test_auto_regenerates_far_below_the_threshold_and_on_a_model_that_cannot_edit(monkeypatch, runtime_with):
    deploy(monkeypatch, SD35, CORE)
    runtime = runtime_with()
    for generator in (SD35, CORE):
        for seed in range(1, 4):
            run_id = f"auto-{generator[10:14]}-{seed}"
            runtime.run({"prompt": PROMPTS[0], "generator": generator, "seed": seed, "maxRounds": 3}, run_id=run_id)
            rounds = runtime.runs().list_rounds(run_id)
            assert runtime.runs().get_run(run_id)["settings"]["strategy"] == c.STRATEGY_AUTO  # the default
            for later in rounds[1:]:
                best = best_before(rounds, later["round"])
                near = best["score"] >= 7.5 - AUTO_REFINE_MARGIN
                if generator == CORE or not near:
                    assert later["mode"] == c.MODE_GENERATE, (generator, best["score"])


def test_refine_on_a_generator_that_cannot_edit_is_refused_before_anything_runs(monkeypatch, runtime_with):
    deploy(monkeypatch, SD35, CORE)
    runtime = runtime_with()
    with pytest.raises(InvalidRequest) as raised:
        runtime.start({"prompt": "a cat", "generator": CORE, "strategy": c.STRATEGY_REFINE}, run_id="refused")
    assert raised.value.field == "strategy"
    assert runtime.runs().get_run("refused") is None


def test_an_unknown_style_is_refused_naming_the_field(runtime):
    with pytest.raises(InvalidRequest) as raised:
        runtime.start({"prompt": "a cat", "style": "vaporwave"}, run_id="unknown-style")
    assert raised.value.field == "style" and "photographic" in str(raised.value)
    assert runtime.runs().get_run("unknown-style") is None


def test_a_style_preset_is_applied_for_two_model_families(monkeypatch, runtime_with):
    deploy(monkeypatch, SD35, CANVAS)
    runtime = runtime_with()
    preset = styles.preset("photographic")

    # When the same styled request runs on Stability SD3.5 Large and on Nova Canvas
    bodies = {}
    for generator in (SD35, CANVAS):
        since = len(runtime.bedrock.calls)
        request = {"prompt": "a red apple", "style": preset.name, "generator": generator, "maxRounds": 1}
        runtime.run(request, run_id=f"styled-{registry.generator(generator).family}")
        calls = runtime.bedrock.calls[since:]
        bodies[generator] = next(call.body for call in calls if call.operation == "InvokeModel")
        # And the judge was told the style (it checks it like any detail)
        judge_texts = [
            block["text"]
            for call in calls
            if call.body.get("toolConfig", {}).get("toolChoice", {}).get("tool", {}).get("name") == c.VERDICT_TOOL
            for block in call.body["messages"][0]["content"]
            if "text" in block
        ]
        assert judge_texts and all(f"<style>\n{preset.description}\n</style>" in text for text in judge_texts)

    # Then Stability (no style field on Bedrock) gets the phrase and the negative terms
    stability = bodies[SD35]
    assert stability["prompt"] == f"a red apple, {preset.prompt}" and "style_preset" not in stability
    assert set(stability["negative_prompt"].split(", ")) == {t.strip() for t in preset.negative.split(",")}
    # And Nova Canvas gets its native style field with the prompt as written
    canvas = bodies[CANVAS]["textToImageParams"]
    assert canvas == {"text": "a red apple", "style": preset.native["nova-canvas"]}
