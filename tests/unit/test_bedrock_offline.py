"""The offline Bedrock through real boto3 clients: the real wire formats, Bedrock's validation,
and every fault switch."""

import base64
import io
import json

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from PIL import Image

from imagegate.local.bedrock_offline import FaultSwitches, OfflineBedrock
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
    return json.dumps({"taskType": "TEXT_IMAGE", "textToImageParams": {"text": text},
                       "imageGenerationConfig": {"numberOfImages": 1, "width": 1024, "height": 1024, **config}})


def generate(client, body, model=TITAN):
    return json.loads(client.invoke_model(modelId=model, body=body)["body"].read())


def judge(client, png, prompt="a red apple"):
    return client.converse(
        modelId=LITE, system=[{"text": "grade"}],
        messages=[{"role": "user", "content": [{"image": {"format": "png", "source": {"bytes": png}}},
                                                {"text": f"<user_prompt>\n{prompt}\n</user_prompt>"}]}],
        toolConfig={"tools": [{"toolSpec": {"name": "submit_verdict", "inputSchema": {"json": {"type": "object"}}}}],
                    "toolChoice": {"tool": {"name": "submit_verdict"}}})


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

    with pytest.raises(ClientError) as caught:
        generate(client, body)

    assert caught.value.response["Error"]["Code"] == "ValidationException"
    assert words in caught.value.response["Error"]["Message"]


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
        client.converse(modelId=LITE, messages=[{"role": "user", "content": [
            {"image": {"format": "jpeg", "source": {"bytes": png}}}, {"text": "grade"}]}])


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
    faults = FaultSwitches.from_env({"IMAGEGATE_OFFLINE_FAULTS": "throttle_rate=0.3,garbage_verdicts=1,blocked_words=bomb;gore"})

    assert (faults.throttle_rate, faults.garbage_verdicts, faults.blocked_words) == (0.3, 1, ("bomb", "gore"))
    with pytest.raises(ValueError, match="throttle_rate"):
        FaultSwitches.from_env({"IMAGEGATE_OFFLINE_FAULTS": "throttle_rate=2"})
    with pytest.raises(ValueError, match="not KEY=VALUE"):
        FaultSwitches.from_env({"IMAGEGATE_OFFLINE_FAULTS": "thrtotle=1"})


def test_the_provider_answers_inside_moto(bedrock_with):
    from moto import mock_aws

    with mock_aws():
        client, _ = bedrock_with()
        assert generate(client, text_image())["images"]


def test_a_tool_schema_nova_would_refuse_is_refused(bedrock_with):
    client, _ = bedrock_with()
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object", "properties": {}}

    with pytest.raises(ClientError, match=r"\$schema"):
        client.converse(modelId=LITE, messages=[{"role": "user", "content": [{"text": "hi"}]}],
                        toolConfig={"tools": [{"toolSpec": {"name": "t", "inputSchema": {"json": schema}}}],
                                    "toolChoice": {"tool": {"name": "t"}}})


@pytest.mark.parametrize("schema_file", ["verdict.schema.json", "rewrite.schema.json"])
def test_the_projects_tool_schemas_are_ones_nova_accepts(schema_file):
    from imagegate.local.bedrock_offline import NOVA_TOOL_SCHEMA_TOP_LEVEL
    from imagegate_service import prompts

    assert set(prompts.schema(schema_file)) <= NOVA_TOOL_SCHEMA_TOP_LEVEL
