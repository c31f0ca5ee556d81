"""The offline Bedrock through real boto3 clients: the real wire formats, Bedrock's validation,
and every fault switch."""

import base64
import dataclasses
import io
import json

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from PIL import Image

from imagegate.local.bedrock_offline import COUNT_SWITCHES, MAX_FAULT_COUNT, FaultSwitches, OfflineBedrock
from imagegate.local.world.render import render_png

pytestmark = pytest.mark.unit
TITAN, CANVAS, LITE = "amazon.titan-image-generator-v2:0", "amazon.nova-canvas-v1:0", "us.amazon.nova-lite-v1:0"


@pytest.fixture
def bedrock_with():
    installed = []

    def make(**faults):
        session = boto3.session.Session(region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
        provider = OfflineBedrock(FaultSwitches(**faults))
        provider.install(session)
        installed.append((provider, session))
        # One attempt, as the service's own clients make (retries belong to the state machine).
        config = Config(retries={"mode": "standard", "total_max_attempts": 1})
        return session.client("bedrock-runtime", endpoint_url="http://bedrock.offline.invalid", config=config), provider

    yield make
    for provider, session in installed:
        provider.uninstall(session)


def text_image(text="a red apple", **config):
    return json.dumps(
        {
            "taskType": "TEXT_IMAGE",
            "textToImageParams": {"text": text},
            "imageGenerationConfig": {"numberOfImages": 1, "width": 1024, "height": 1024, **config},
        }
    )


def generate(client, body, model=TITAN):
    return json.loads(client.invoke_model(modelId=model, body=body)["body"].read())


def assert_refused(client, body, model, words):
    """Bedrock's ValidationException for the body, its message naming what is wrong."""
    with pytest.raises(ClientError) as caught:
        generate(client, body, model)

    assert caught.value.response["Error"]["Code"] == "ValidationException"
    assert words in caught.value.response["Error"]["Message"]


def judge(client, png, prompt="a red apple"):
    return client.converse(
        modelId=LITE,
        system=[{"text": "grade"}],
        messages=[
            {
                "role": "user",
                "content": [
                    {"image": {"format": "png", "source": {"bytes": png}}},
                    {"text": f"<user_prompt>\n{prompt}\n</user_prompt>"},
                ],
            }
        ],
        toolConfig={
            "tools": [{"toolSpec": {"name": "submit_verdict", "inputSchema": {"json": {"type": "object"}}}}],
            "toolChoice": {"tool": {"name": "submit_verdict"}},
        },
    )


@pytest.mark.parametrize(("model", "width", "height"), [(TITAN, 1152, 768), (CANVAS, 1280, 720)])
def test_generators_return_base64_pngs_of_the_requested_size(bedrock_with, model, width, height):
    client, _ = bedrock_with()

    payload = generate(client, text_image(width=width, height=height, numberOfImages=2), model)

    assert payload["error"] is None and len(payload["images"]) == 2
    image = Image.open(io.BytesIO(base64.b64decode(payload["images"][0])))
    assert image.size == (width, height)


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (text_image("x" * 600), "expected maxLength: 512, actual: 600"),
        (text_image(width=1000, height=1000), "1000x1000"),
        (text_image(seed=2147483647), "seed"),
        (text_image(cfgScale=11), "cfgScale"),
        (text_image(numberOfImages=6), "numberOfImages"),
        (json.dumps({"taskType": "TEXT_IMAGE", "textToImageParams": {"text": "a", "colour": "red"}}), "colour"),
    ],
)
def test_titan_rejects_what_bedrock_rejects(bedrock_with, body, words):
    client, _ = bedrock_with()

    assert_refused(client, body, TITAN, words)


def test_nova_canvas_takes_a_prompt_titan_refuses(bedrock_with):
    client, _ = bedrock_with()

    assert generate(client, text_image("a cat " * 120), CANVAS)["images"]


def test_an_unknown_model_is_not_found(bedrock_with):
    client, _ = bedrock_with()

    with pytest.raises(ClientError) as caught:
        generate(client, text_image(), "stability.sd3-large-v1:0")

    assert caught.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_the_judge_answers_a_schema_valid_verdict_after_thinking(bedrock_with):
    import jsonschema

    from imagegate_service import prompts

    client, _ = bedrock_with()

    response = judge(client, render_png("a red apple", "", 1, 512, 512))

    first, second = response["output"]["message"]["content"]
    assert first["text"].startswith("<thinking>")
    jsonschema.validate(second["toolUse"]["input"], prompts.schema("verdict.schema.json"))
    assert response["stopReason"] == "tool_use" and response["usage"]["inputTokens"] > 85


def test_a_png_declared_as_jpeg_is_rejected(bedrock_with):
    client, _ = bedrock_with()
    png = render_png("a red apple", "", 1, 512, 512)

    with pytest.raises(ClientError, match="declared format"):
        client.converse(
            modelId=LITE,
            messages=[
                {
                    "role": "user",
                    "content": [{"image": {"format": "jpeg", "source": {"bytes": png}}}, {"text": "grade"}],
                }
            ],
        )


def test_throttle_first_throttles_each_operation_then_answers(bedrock_with):
    client, provider = bedrock_with(throttle_first=1)

    with pytest.raises(ClientError) as caught:
        generate(client, text_image())
    assert caught.value.response["Error"]["Code"] == "ThrottlingException"
    assert generate(client, text_image())["images"]
    assert [c.outcome for c in provider.calls] == ["ThrottlingException", "ok"]


def test_garbage_and_refusals_reach_the_judge_path(bedrock_with):
    client, _ = bedrock_with(refuse_verdicts=1, garbage_verdicts=1)
    png = render_png("a red apple", "", 1, 512, 512)

    refusal, garbage, good = (judge(client, png) for _ in range(3))

    assert refusal["stopReason"] == "end_turn" and "toolUse" not in refusal["output"]["message"]["content"][0]
    assert garbage["output"]["message"]["content"][1]["toolUse"]["input"]["score"] == "eight"
    assert isinstance(good["output"]["message"]["content"][1]["toolUse"]["input"]["score"], float)


def test_blocked_words_trip_the_input_filter_and_output_filtering_drops_images(bedrock_with):
    client, _ = bedrock_with(blocked_words=("grenade",), blocked_output_rate=1.0)

    with pytest.raises(ClientError, match="content filters"):
        generate(client, text_image("a grenade on a table"))
    payload = generate(client, text_image("a red apple"))
    assert payload["images"] == [] and payload["error"].startswith("All of the generated images")


def test_fault_switches_parse_from_the_environment_and_reject_unknown_keys():
    faults = FaultSwitches.from_env(
        {"IMAGEGATE_OFFLINE_FAULTS": "throttle_rate=0.3,garbage_verdicts=1,blocked_words=bomb;gore"}
    )

    assert (faults.throttle_rate, faults.garbage_verdicts, faults.blocked_words) == (0.3, 1, ("bomb", "gore"))
    with pytest.raises(ValueError, match="throttle_rate"):
        FaultSwitches.from_env({"IMAGEGATE_OFFLINE_FAULTS": "throttle_rate=2"})
    with pytest.raises(ValueError, match="not KEY=VALUE"):
        FaultSwitches.from_env({"IMAGEGATE_OFFLINE_FAULTS": "thrtotle=1"})


@pytest.mark.parametrize("switch", COUNT_SWITCHES)
@pytest.mark.parametrize("value", ["-1", str(MAX_FAULT_COUNT + 1)])
def test_a_count_switch_out_of_range_is_refused_naming_it_and_its_range(switch, value):
    # A count of calls below 0 (garbage_verdicts=-1 was accepted) or beyond any run is refused, as rates are
    with pytest.raises(ValueError, match=rf"{switch} is a number of calls, 0-{MAX_FAULT_COUNT}, not {value}"):
        FaultSwitches.from_env({"IMAGEGATE_OFFLINE_FAULTS": f"{switch}={value}"})
    assert getattr(FaultSwitches.from_env({"IMAGEGATE_OFFLINE_FAULTS": f"{switch}=0"}), switch) == 0


def test_every_counting_switch_is_range_checked():
    # the switches that count "the first N" calls are exactly the int fields but the seed
    ints = {field.name for field in dataclasses.fields(FaultSwitches) if field.type in (int, "int")} - {"seed"}
    assert ints == set(COUNT_SWITCHES)


def test_the_provider_answers_inside_moto(bedrock_with):
    from moto import mock_aws

    with mock_aws():
        client, _ = bedrock_with()
        assert generate(client, text_image())["images"]


def test_a_tool_schema_nova_would_refuse_is_refused(bedrock_with):
    client, _ = bedrock_with()
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object", "properties": {}}

    with pytest.raises(ClientError, match=r"\$schema"):
        client.converse(
            modelId=LITE,
            messages=[{"role": "user", "content": [{"text": "hi"}]}],
            toolConfig={
                "tools": [{"toolSpec": {"name": "t", "inputSchema": {"json": schema}}}],
                "toolChoice": {"tool": {"name": "t"}},
            },
        )


@pytest.mark.parametrize("schema_file", ["verdict.schema.json", "rewrite.schema.json"])
def test_the_projects_tool_schemas_are_ones_nova_accepts(schema_file):
    from imagegate.local.bedrock_offline import NOVA_TOOL_SCHEMA_TOP_LEVEL
    from imagegate_service import prompts

    assert set(prompts.schema(schema_file)) <= NOVA_TOOL_SCHEMA_TOP_LEVEL


# --- Stability's format (the default generator) --------------------------------------------------------------
SD35, CORE, ULTRA = (
    "stability.sd3-5-large-v1:0",
    "stability.stable-image-core-v1:1",
    "stability.stable-image-ultra-v1:1",
)


def stability(prompt="a red apple", **fields):
    return json.dumps({"prompt": prompt, "mode": "text-to-image", "output_format": "png", **fields})


@pytest.mark.parametrize("model", [SD35, CORE, ULTRA])
@pytest.mark.parametrize("ratio", ["1:1", "16:9", "9:21"])
def test_stability_answers_one_png_at_the_ratios_size(bedrock_with, model, ratio):
    from imagegate_service import registry

    client, _ = bedrock_with()

    payload = generate(client, stability(aspect_ratio=ratio, seed=11), model)

    assert payload["finish_reasons"] == [None] and payload["seeds"] == [11] and len(payload["images"]) == 1
    image = Image.open(io.BytesIO(base64.b64decode(payload["images"][0])))
    assert image.format == "PNG" and image.size == registry.generator(model).aspect_ratios[ratio]


def test_stability_draws_deterministically_per_seed(bedrock_with):
    client, _ = bedrock_with()

    first, again, other = (generate(client, stability(seed=seed), SD35)["images"][0] for seed in (5, 5, 6))

    assert first == again and first != other


def test_seed_zero_asks_for_a_random_seed_and_the_answer_names_it(bedrock_with):
    client, _ = bedrock_with()

    payload = generate(client, stability(seed=0), SD35)

    assert payload["seeds"][0] > 0


def test_stability_answers_the_output_format_it_was_asked_for(bedrock_with):
    client, _ = bedrock_with()

    payload = generate(client, stability(output_format="jpeg"), SD35)

    assert Image.open(io.BytesIO(base64.b64decode(payload["images"][0]))).format == "JPEG"


@pytest.mark.parametrize(
    ("body", "model", "words"),
    [
        (stability("x" * 10_001), SD35, "#/prompt: expected maxLength: 10000, actual: 10001"),
        (stability(negative_prompt="x" * 10_001), SD35, "#/negative_prompt: expected maxLength: 10000"),
        (stability(aspect_ratio="4:3"), SD35, "4:3 is not a valid enum value"),
        (stability(seed=4_294_967_295), SD35, "4294967295 is not less or equal to 4294967294"),
        (stability(seed=-1), SD35, "is not greater or equal to 0"),
        (stability(seed="42"), SD35, "#/seed: expected type: Integer"),
        (stability(output_format="gif"), SD35, "gif is not a valid enum value"),
        (stability(output_format="webp"), CORE, "webp is not a valid enum value"),  # Core: jpeg or png
        (stability(mode="sketch"), SD35, "sketch is not a valid enum value"),
        (stability(width=1024, height=1024), SD35, "extraneous key [height]"),
        (stability(cfgScale=7), SD35, "extraneous key [cfgScale]"),
        (json.dumps({"mode": "text-to-image"}), SD35, "required key [prompt] not found"),
        (text_image(), SD35, "extraneous key [imageGenerationConfig]"),  # a Titan body sent to Stability
    ],
)
def test_stability_rejects_what_bedrock_rejects(bedrock_with, body, model, words):
    client, _ = bedrock_with()

    assert_refused(client, body, model, words)


def test_stability_filters_answer_with_a_finish_reason_and_no_image(bedrock_with):
    client, _ = bedrock_with(blocked_words=("grenade",), blocked_output_rate=1.0)

    blocked_prompt = generate(client, stability("a grenade on a table"), SD35)
    blocked_output = generate(client, stability("a red apple"), SD35)

    assert blocked_prompt["finish_reasons"] == ["Filter reason: prompt"] and blocked_prompt["images"] == []
    assert blocked_output["finish_reasons"] == ["Filter reason: output image"] and blocked_output["images"] == []


def test_the_adapter_and_the_offline_provider_agree_on_the_stability_format(bedrock_with):
    from imagegate_service.adapters.bedrock import BedrockImageGenerator
    from imagegate_service.domain.ports import ImageRequest

    client, provider = bedrock_with()
    request = ImageRequest(
        model_id=SD35,
        prompt="a red apple on a table",
        negative_prompt="blurry",
        seed=3,
        width=1536,
        height=640,
        count=2,
        quality="standard",
    )

    result = BedrockImageGenerator(lambda: client).generate(request)

    assert len(result.images) == 2 and result.requested == 2 and result.images[0] != result.images[1]
    assert [call.body["seed"] for call in provider.calls] == [3, 4]
    assert {call.body["aspect_ratio"] for call in provider.calls} == {"21:9"}
    assert Image.open(io.BytesIO(result.images[0])).size == (1536, 640)


def test_a_retired_model_answers_as_bedrock_does_past_its_end_of_life(bedrock_with):
    client, _ = bedrock_with(retired_models=(SD35,))

    with pytest.raises(ClientError) as caught:
        generate(client, stability(), SD35)

    assert caught.value.response["Error"]["Code"] == "ResourceNotFoundException"
    assert "end of its life" in caught.value.response["Error"]["Message"]
    faults = FaultSwitches.from_env({"IMAGEGATE_OFFLINE_FAULTS": f"retired_models={SD35};{TITAN}"})
    assert faults.retired_models == (SD35, TITAN)


# --- Edits (issue 14): image-to-image, IMAGE_VARIATION, INPAINTING, validated as Bedrock does ----------------

SOURCE_PNG = render_png("a pink cup next to a red apple", "", 20, 1024, 1024)
SOURCE_B64 = base64.b64encode(SOURCE_PNG).decode()


def image_to_image(prompt="a blue cup next to a red apple", **fields):
    return stability(prompt, **{"mode": "image-to-image", "image": SOURCE_B64, "strength": 0.5, **fields})


def canvas_edit(task, **params):
    field = {"INPAINTING": "inPaintingParams", "IMAGE_VARIATION": "imageVariationParams"}[task]
    return json.dumps({"taskType": task, field: params, "imageGenerationConfig": {"numberOfImages": 1}})


@pytest.mark.parametrize(
    ("body", "model", "words"),
    [
        (image_to_image(), CORE, "image-to-image is not a valid enum value"),  # Core draws from text only
        (stability("a cup", mode="image-to-image", strength=0.5), SD35, "required key [image] not found"),
        (stability("a cup", mode="image-to-image", image=SOURCE_B64), SD35, "required key [strength] not found"),
        (image_to_image(strength=1.5), SD35, "1.5 is not less or equal to 1.0"),
        (stability("a cup", mode="image-to-image", image="not base64!", strength=0.5), SD35, "not valid base64"),
        (stability("a cup", image=SOURCE_B64), SD35, "#/image: is only valid in image-to-image mode"),
        (canvas_edit("INPAINTING", image=SOURCE_B64, text="a blue cup"), CANVAS, "exactly one of maskPrompt"),
        (
            canvas_edit("INPAINTING", image=SOURCE_B64, maskPrompt="the cup", maskImage=SOURCE_B64),
            CANVAS,
            "exactly one of maskPrompt",
        ),
        (canvas_edit("INPAINTING", text="a blue cup", maskPrompt="the cup"), CANVAS, "required key [image]"),
        (canvas_edit("IMAGE_VARIATION", images=[SOURCE_B64], similarityStrength=0.1), CANVAS, "0.1 is not greater"),
        (canvas_edit("IMAGE_VARIATION", images=[SOURCE_B64] * 6), TITAN, "expected 1-5 base64 images"),
        (canvas_edit("IMAGE_VARIATION", images=[SOURCE_B64], style="PHOTOREALISM"), CANVAS, "extraneous key [style]"),
        (canvas_edit("INPAINTING", image=SOURCE_B64, maskPrompt="x" * 1025), CANVAS, "expected maxLength: 1024"),
    ],
)
def test_edits_are_refused_as_bedrock_refuses_them(bedrock_with, body, model, words):
    client, _ = bedrock_with()

    assert_refused(client, body, model, words)


@pytest.mark.parametrize(
    ("body", "model"),
    [
        (image_to_image(), SD35),
        (canvas_edit("INPAINTING", image=SOURCE_B64, text="a blue cup", maskPrompt="the cup"), CANVAS),
        (canvas_edit("IMAGE_VARIATION", images=[SOURCE_B64], text="a blue cup", similarityStrength=0.6), TITAN),
    ],
)
def test_an_edit_answers_one_billed_image_at_the_source_images_size(bedrock_with, body, model):
    # Given a 1024x1024 source image
    client, provider = bedrock_with()

    # When it is edited
    payload = generate(client, body, model)

    # Then one PNG of the source's size comes back, billed as one image
    png = base64.b64decode(payload["images"][0])
    assert Image.open(io.BytesIO(png)).size == (1024, 1024)
    assert [entry.images for entry in provider.bill] == [1]


def test_a_native_canvas_style_is_drawn_as_the_world_draws_the_presets_phrase(bedrock_with):
    from imagegate.local.world.perceive import perceive

    client, _ = bedrock_with()
    body = json.loads(text_image("a red apple"))
    body["textToImageParams"]["style"] = "PHOTOREALISM"

    styled = []
    for seed in range(8):
        body["imageGenerationConfig"]["seed"] = seed
        styled.append(base64.b64decode(generate(client, json.dumps(body), CANVAS)["images"][0]))

    # the world renders a style as a visible property (its frame); the generator loses it now and then
    assert sum(perceive(png).style == "photorealistic" for png in styled) >= 6


def test_the_offline_evaluator_answers_a_requests_checks_together_as_the_world_judge_does():
    """A compound drawn as one thing ("a neon sign": "Is there a sign?" with "Is the sign neon?") is found as the
    ground truth finds it only when the judge sees all the checks of the request (vlm.answers); answered one by one,
    the offline Bedrock evaluator started from "no sign" where the ground truth says yes."""
    import hashlib

    from imagegate.local.bedrock_offline import _vlm_answers
    from imagegate.local.world import vlm
    from imagegate.local.world.perceive import perceive

    checks = [
        {"id": "c1", "kind": "entity", "subject": "sign", "question": "Is there a sign?"},
        {"id": "c2", "kind": "attribute", "subject": "sign", "attribute": "neon", "question": "Is the sign neon?"},
    ]
    model = "amazon.nova-lite-v1:0"
    for seed in range(1, 9):
        png = render_png("a neon sign on a brick wall", "", seed, 256, 256)
        digest = hashlib.sha256(png + model.encode("utf-8")).hexdigest()
        assert _vlm_answers(model, png, checks) == vlm.answers(checks, perceive(png), digest)
