import pytest

from imagegate_service import constants, registry
from imagegate_service.deployment import encode_deployed_models
from imagegate_service.errors import InvalidRequest
from imagegate_service.settings import DEFAULTS, estimated_round_cost, resolve_settings, run_request_schema

pytestmark = pytest.mark.unit
TITAN, CANVAS, SD35 = "amazon.titan-image-generator-v2:0", "amazon.nova-canvas-v1:0", "stability.sd3-5-large-v1:0"


@pytest.fixture
def retired_generators_deployed(monkeypatch):
    """A deployment that still has Titan v2 and Nova Canvas (an account with a private extension past EOL)."""
    deployed = {role: [registry.default_model(role)] for role in registry.document()["defaults"]}
    deployed["generator"] = [SD35, TITAN, CANVAS]
    monkeypatch.setenv(constants.ENV_DEPLOYED_MODELS, encode_deployed_models(deployed))


def test_a_prompt_alone_gets_every_default():
    settings = resolve_settings({"prompt": "a red apple"})

    assert settings["prompt"] == "a red apple"
    assert {k: settings[k] for k in DEFAULTS} == DEFAULTS
    assert settings["generator"] == SD35
    assert "cfgScale" not in settings  # Stability takes none


@pytest.mark.parametrize(
    ("request_body", "field", "words"),
    [
        ({"prompt": ""}, "prompt", "empty"),
        ({"prompt": "   \n"}, "prompt", "blank"),
        ({"prompt": "x" * 10_001}, "prompt", "10000"),
        ({"prompt": "a", "negativePrompt": "x" * 10_001}, "negativePrompt", "10000"),
        ({"prompt": "a", "seed": 4_294_967_295}, "seed", "4294967294"),
        ({"prompt": "a", "cfgScale": 7}, "cfgScale", "takes no cfgScale"),
        ({"prompt": "a", "quality": "premium"}, "quality", "allowed: standard"),
        ({"prompt": "a", "width": 1024, "height": 768}, "width/height", "1344x768 (16:9)"),
        ({"prompt": 42}, "prompt", "string"),
        ({}, "prompt", "required"),
        ({"prompt": "a", "threshold": 10.5}, "threshold", "0-10"),
        ({"prompt": "a", "threshold": -1}, "threshold", "0-10"),
        ({"prompt": "a", "maxRounds": 0}, "maxRounds", "1-10"),
        ({"prompt": "a", "maxRounds": 11}, "maxRounds", "1-10"),
        ({"prompt": "a", "generator": "stability.sd3"}, "generator", SD35),
        ({"prompt": "a", "judge": "us.amazon.nova-micro-v1:0"}, "judge", "us.amazon.nova-lite-v1:0"),
        ({"prompt": "a", "width": 1000, "height": 1000}, "width/height", "1024x1024"),
        ({"prompt": "a", "candidatesPerRound": 6}, "candidatesPerRound", "1-5"),
        ({"prompt": "a", "candidatesPerRound": 0}, "candidatesPerRound", "1-5"),
        ({"prompt": "a", "colour": "red"}, "colour", "not a known setting"),
        ({"prompt": "a", "maxCostUsd": 0.0001}, "maxCostUsd", "one round"),
        ({"prompt": "a", "generator": CANVAS, "seed": 900_000_000}, "seed", "858993459"),
        ({"prompt": "a", "generator": CANVAS, "width": 1000, "height": 1024}, "width/height", "16"),
        ({"prompt": "x" * 513, "generator": TITAN}, "prompt", "512"),
    ],
)
def test_bad_input_names_the_field_and_the_limit(retired_generators_deployed, request_body, field, words):
    with pytest.raises(InvalidRequest) as caught:
        resolve_settings(request_body)

    assert caught.value.field == field
    assert words in str(caught.value)


def test_nova_canvas_takes_the_longer_prompt_titan_refuses(retired_generators_deployed):
    long_prompt = "a lighthouse on a cliff " * 30  # 720 characters

    with pytest.raises(InvalidRequest, match="512"):
        resolve_settings({"prompt": long_prompt, "generator": TITAN})
    assert resolve_settings({"prompt": long_prompt, "generator": CANVAS})["prompt"] == long_prompt


def test_the_default_generator_takes_a_10000_character_prompt_and_every_aspect_ratio():
    prompt = ("a lighthouse on a rocky cliff at sunset, " * 250)[:10_000]
    model = registry.generator(SD35)

    assert resolve_settings({"prompt": prompt})["prompt"] == prompt
    for width, height in model.aspect_ratios.values():
        settings = resolve_settings({"prompt": "a cat", "width": width, "height": height})
        assert (settings["width"], settings["height"]) == (width, height)


def test_titan_and_canvas_keep_their_cfg_scale_and_premium_quality(retired_generators_deployed):
    settings = resolve_settings({"prompt": "a cat", "generator": TITAN, "quality": "premium"})

    assert settings["cfgScale"] == 8.0 and settings["quality"] == "premium"


def test_a_retired_generator_is_refused_locally_with_its_successor():
    with pytest.raises(InvalidRequest) as caught:
        resolve_settings({"prompt": "a cat", "generator": TITAN})

    assert caught.value.field == "generator" and "2026-06-30" in str(caught.value) and SD35 in str(caught.value)


def test_schema_lists_the_registry_models_for_the_api_to_reuse():
    schema = run_request_schema()

    assert {SD35, TITAN, CANVAS} <= set(schema["properties"]["generator"]["enum"])
    assert "us.amazon.nova-2-lite-v1:0" in schema["properties"]["judge"]["enum"]
    # The schema allows the widest generator limits; each model's own limit is checked after it
    assert schema["properties"]["prompt"]["maxLength"] == max(
        registry.generator(m).prompt_max_chars for m in registry.generator_ids())
    assert "us.amazon.nova-micro-v1:0" not in schema["properties"]["judge"]["enum"]  # text-only model cannot judge
    assert schema["additionalProperties"] is False


def test_more_candidates_cost_more_per_round():
    one = estimated_round_cost(resolve_settings({"prompt": "a"}))
    three = estimated_round_cost(resolve_settings({"prompt": "a", "candidatesPerRound": 3}))

    assert three > 2.5 * one


def test_a_deployment_can_change_the_defaults_through_its_environment(monkeypatch, retired_generators_deployed):
    monkeypatch.setenv("IMAGEGATE_DEFAULT_THRESHOLD", "8.5")
    monkeypatch.setenv("IMAGEGATE_DEFAULT_GENERATOR", CANVAS)

    settings = resolve_settings({"prompt": "a cat"})

    assert settings["threshold"] == 8.5
    assert settings["generator"] == CANVAS
    assert settings["cfgScale"] == 6.5  # the generator's own default follows the generator
    assert resolve_settings({"prompt": "a cat", "threshold": 6})["threshold"] == 6


def test_whole_number_floats_become_integers_bedrock_accepts():
    settings = resolve_settings({"prompt": "a cat", "candidatesPerRound": 2.0, "seed": 7.0, "maxRounds": 3.0})

    assert (settings["candidatesPerRound"], settings["seed"], settings["maxRounds"]) == (2, 7, 3)
    assert all(type(settings[k]) is int for k in ("candidatesPerRound", "seed", "maxRounds"))


@pytest.mark.parametrize(("variable", "value", "field"), [
    ("IMAGEGATE_DEFAULT_MAX_ROUNDS", "25", "maxRounds"),
    ("IMAGEGATE_DEFAULT_MAX_ROUNDS", "four", "maxRounds"),
    ("IMAGEGATE_DEFAULT_THRESHOLD", "11", "threshold"),
])
def test_a_bad_deployment_default_is_refused_like_a_bad_request(monkeypatch, variable, value, field):
    monkeypatch.setenv(variable, value)

    with pytest.raises(InvalidRequest) as caught:
        resolve_settings({"prompt": "a cat"})

    assert caught.value.field == field
