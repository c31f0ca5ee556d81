import pytest

from imagegate_service import constants, registry
from imagegate_service.allowed_models import encode_deployed_models
from imagegate_service.domain.costs import estimated_round_cost
from imagegate_service.errors import InvalidRequest
from imagegate_service.settings import DEFAULTS, resolve_settings, run_request_schema

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
        registry.generator(m).prompt_max_chars for m in registry.generator_ids()
    )
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


@pytest.mark.parametrize(
    ("variable", "value", "field"),
    [
        ("IMAGEGATE_DEFAULT_MAX_ROUNDS", "25", "maxRounds"),
        ("IMAGEGATE_DEFAULT_MAX_ROUNDS", "four", "maxRounds"),
        ("IMAGEGATE_DEFAULT_THRESHOLD", "11", "threshold"),
    ],
)
def test_a_bad_deployment_default_is_refused_like_a_bad_request(monkeypatch, variable, value, field):
    monkeypatch.setenv(variable, value)

    with pytest.raises(InvalidRequest) as caught:
        resolve_settings({"prompt": "a cat"})

    assert caught.value.field == field


# -- issue 11: what JSON Schema lets through ------------------------------------------------------------------

NON_FINITE = [float("nan"), float("inf"), float("-inf")]


@pytest.mark.parametrize("value", NON_FINITE, ids=repr)
@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"threshold": None}, "threshold"),
        ({"maxCostUsd": None}, "maxCostUsd"),
        ({"maxRounds": None}, "maxRounds"),
        ({"seed": None}, "seed"),
        ({"generator": TITAN, "cfgScale": None}, "cfgScale"),
        ({"expected": {"include": [{"object": "cat", "count": None}]}}, "expected.include.0.count"),
    ],
)
def test_a_non_finite_number_is_refused_naming_its_field(retired_generators_deployed, value, extra, field):
    # Given a request as Python's json reads 'NaN' / 'Infinity' from a file
    request = {"prompt": "a cat", **{key: (value if item is None else item) for key, item in extra.items()}}
    if "expected" in extra:
        request["expected"]["include"][0]["count"] = value

    # When it is validated, Then it is refused naming the field, whatever range the field has
    with pytest.raises(InvalidRequest) as error:
        resolve_settings(request)
    assert error.value.field == field
    assert "finite" in error.value.message


REFUSED_CONTROLS = [chr(code) for code in [*range(0x00, 0x20), *range(0x7F, 0xA0)] if chr(code) not in "\t\n"]


@pytest.mark.parametrize("field", ["prompt", "negativePrompt"])
def test_every_control_character_but_tab_and_newline_is_refused_in_the_texts_sent_to_a_model(field):
    for char in REFUSED_CONTROLS:
        request = {"prompt": "a red apple", field: f"a{char}cat"}
        with pytest.raises(InvalidRequest) as error:
            resolve_settings(request)
        assert error.value.field == field, repr(char)
        assert f"U+{ord(char):04X}" in error.value.message and "position 1" in error.value.message


def test_tab_newline_and_other_unicode_stay_allowed_in_a_prompt():
    settings = resolve_settings({"prompt": "a red apple\n\ton a table, café ☕ 日本", "negativePrompt": "blur\tnoise"})

    assert settings["prompt"] == "a red apple\n\ton a table, café ☕ 日本"


@pytest.mark.parametrize("model_id", registry.generator_ids())
@pytest.mark.parametrize("field", ["prompt", "negativePrompt"])
def test_the_length_limit_quoted_is_the_chosen_generators(retired_generators_deployed, model_id, field):
    # Given a text longer than every generator accepts, sent to one of them
    model = registry.generator(model_id)
    widest = run_request_schema()["properties"][field]["maxLength"]
    limit = model.prompt_max_chars if field == "prompt" else model.negative_prompt_max_chars
    request = {"prompt": "a cat", "generator": model_id, field: "x" * (widest + 1)}

    # When it is validated, Then the limit quoted is that generator's own, not the widest
    with pytest.raises(InvalidRequest) as error:
        resolve_settings(request)
    assert error.value.field == field
    assert f"at most {limit}" in error.value.message and model.name in error.value.message


def test_the_length_limit_quoted_follows_a_deployment_default_generator(monkeypatch, retired_generators_deployed):
    monkeypatch.setenv("IMAGEGATE_DEFAULT_GENERATOR", TITAN)
    widest = run_request_schema()["properties"]["prompt"]["maxLength"]

    with pytest.raises(InvalidRequest) as error:
        resolve_settings({"prompt": "x" * (widest + 1)})
    assert f"at most {registry.generator(TITAN).prompt_max_chars}" in error.value.message


@pytest.mark.parametrize("value", ["nan", "inf", "-Infinity"])
def test_a_non_finite_deployment_default_is_refused_naming_the_variable(monkeypatch, value):
    monkeypatch.setenv("IMAGEGATE_DEFAULT_THRESHOLD", value)

    with pytest.raises(InvalidRequest) as error:
        resolve_settings({"prompt": "a cat"})
    assert error.value.field == "threshold" and "IMAGEGATE_DEFAULT_THRESHOLD" in error.value.message
