"""The Bedrock adapters against botocore's Stubber: the exact request shapes, and every Bedrock
failure turned into the named error the state machine retries or catches."""

import base64
import io
import json

import boto3
import pytest
from botocore.response import StreamingBody
from botocore.stub import ANY, Stubber

from imagegate_service.adapters.bedrock import (
    BedrockImageGenerator,
    BedrockToolCaller,
    ImageRequest,
    fit_to_limit,
)
from imagegate_service.errors import (
    ContentBlocked,
    ModelAccessDenied,
    ModelNotFound,
    ModelRequestRejected,
    ModelThrottled,
    ModelTransientError,
)

pytestmark = pytest.mark.unit

TITAN = "amazon.titan-image-generator-v2:0"
CANVAS = "amazon.nova-canvas-v1:0"
PNG = b"\x89PNG\r\n\x1a\nfake"


@pytest.fixture
def bedrock():
    client = boto3.client("bedrock-runtime", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
    with Stubber(client) as stubber:
        yield client, stubber
        stubber.assert_no_pending_responses()


def image_request(**overrides):
    values = dict(model_id=TITAN, prompt="a red apple", negative_prompt="", seed=42, width=1024, height=1024,
                  count=1, quality="standard", cfg_scale=8.0)
    return ImageRequest(**{**values, **overrides})


def invoke_response(payload):
    raw = json.dumps(payload).encode()
    return {"body": StreamingBody(io.BytesIO(raw), len(raw)), "contentType": "application/json"}


def expected_invoke(body):
    return {"modelId": ANY, "body": json.dumps(body), "contentType": "application/json", "accept": "application/json"}


def test_titan_request_has_the_exact_text_image_shape(bedrock):
    client, stubber = bedrock
    # Given Titan answers with two images
    body = {
        "taskType": "TEXT_IMAGE",
        "textToImageParams": {"text": "a red apple", "negativeText": "blurry, watermark"},
        "imageGenerationConfig": {"numberOfImages": 2, "quality": "premium", "width": 768, "height": 1152,
                                  "cfgScale": 8.0, "seed": 7},
    }
    stubber.add_response("invoke_model", invoke_response(
        {"images": [base64.b64encode(PNG).decode()] * 2, "error": None}), expected_invoke(body))

    # When the generator asks for two premium portrait images with a negative prompt
    result = BedrockImageGenerator(lambda: client).generate(
        image_request(count=2, quality="premium", width=768, height=1152, seed=7, negative_prompt=" blurry, watermark "))

    # Then both images come back decoded
    assert result.images == [PNG, PNG]
    assert result.filter_message is None


def test_a_prompt_over_titans_512_characters_is_clamped_before_the_call(bedrock):
    client, stubber = bedrock
    long_prompt = ("a very detailed watercolor of a lighthouse on a rocky cliff at sunset " * 10).strip()
    assert len(long_prompt) > 512
    clamped = fit_to_limit(long_prompt, 512)
    body = {"taskType": "TEXT_IMAGE", "textToImageParams": {"text": clamped},
            "imageGenerationConfig": {"numberOfImages": 1, "quality": "standard", "width": 1024, "height": 1024,
                                      "cfgScale": 8.0, "seed": 42}}
    stubber.add_response("invoke_model", invoke_response({"images": [base64.b64encode(PNG).decode()]}),
                         expected_invoke(body))

    BedrockImageGenerator(lambda: client).generate(image_request(prompt=long_prompt))

    assert len(clamped) <= 512
    assert long_prompt.startswith(clamped)
    assert not clamped.endswith(" ")  # cut at a word boundary


def test_nova_canvas_keeps_up_to_1024_characters_and_its_seed_range(bedrock):
    client, stubber = bedrock
    prompt = "a cat on a mat " * 60  # 900 characters, fine for Canvas
    # A seed past Canvas's safe maximum (858,993,459) wraps into range instead of failing the call.
    body = {"taskType": "TEXT_IMAGE", "textToImageParams": {"text": prompt},
            "imageGenerationConfig": {"numberOfImages": 1, "quality": "standard", "width": 1024, "height": 1024,
                                      "cfgScale": 6.5, "seed": 4}}
    stubber.add_response("invoke_model", invoke_response({"images": [base64.b64encode(PNG).decode()]}),
                         expected_invoke(body))

    BedrockImageGenerator(lambda: client).generate(
        image_request(model_id=CANVAS, prompt=prompt, cfg_scale=6.5, seed=858993460 + 4))


def test_partial_images_are_accepted_with_the_filter_message(bedrock):
    client, stubber = bedrock
    stubber.add_response("invoke_model", invoke_response(
        {"images": [base64.b64encode(PNG).decode()],
         "error": "Some of the generated images have been blocked by our content filters."}))

    result = BedrockImageGenerator(lambda: client).generate(image_request(count=3))

    assert len(result.images) == 1 and result.requested == 3
    assert "blocked" in result.filter_message


def test_all_images_filtered_is_content_blocked(bedrock):
    client, stubber = bedrock
    stubber.add_response("invoke_model", invoke_response(
        {"images": [], "error": "All of the generated images have been blocked by our content filters."}))

    with pytest.raises(ContentBlocked, match="All of the generated images"):
        BedrockImageGenerator(lambda: client).generate(image_request())


@pytest.mark.parametrize(
    ("code", "status", "message", "named_error"),
    [
        ("ThrottlingException", 429, "Too many requests", ModelThrottled),
        ("ModelNotReadyException", 429, "not ready", ModelThrottled),
        ("ServiceUnavailableException", 503, "unavailable", ModelTransientError),
        ("ModelTimeoutException", 408, "timeout", ModelTransientError),
        ("ValidationException", 400,
         "This request has been blocked by our content filters. Please adjust your text prompt", ContentBlocked),
        ("ValidationException", 400, "expected maxLength: 512", ModelRequestRejected),
        ("AccessDeniedException", 403, "You don't have access to the model", ModelAccessDenied),
        ("ResourceNotFoundException", 404, "model not found", ModelNotFound),
    ],
)
def test_bedrock_errors_become_named_errors(bedrock, code, status, message, named_error):
    client, stubber = bedrock
    stubber.add_client_error("invoke_model", service_error_code=code, service_message=message,
                             http_status_code=status)

    with pytest.raises(named_error) as caught:
        BedrockImageGenerator(lambda: client).generate(image_request())

    assert TITAN in str(caught.value)


def converse_expected(content, tool="submit_verdict"):
    return {
        "modelId": "us.amazon.nova-lite-v1:0",
        "system": [{"text": "SYSTEM"}],
        "messages": [{"role": "user", "content": content}],
        "inferenceConfig": {"maxTokens": 1200, "temperature": 0},
        "additionalModelRequestFields": {"inferenceConfig": {"topK": 1}},
        "toolConfig": {
            "tools": [{"toolSpec": {"name": tool, "description": "desc", "inputSchema": {"json": {"type": "object"}}}}],
            "toolChoice": {"tool": {"name": tool}},
        },
    }


def call_judge(client, content):
    return BedrockToolCaller(lambda: client).call(
        model_id="us.amazon.nova-lite-v1:0", system_prompt="SYSTEM", content=content, tool_name="submit_verdict",
        tool_description="desc", input_schema={"type": "object"})


def test_judge_call_forces_the_tool_and_finds_it_after_thinking_text(bedrock):
    client, stubber = bedrock
    content = [{"image": {"format": "png", "source": {"bytes": PNG}}}, {"text": "grade it"}]
    verdict = {"score": 8.5, "explanation": "good", "suggestions": []}
    stubber.add_response("converse", {
        "output": {"message": {"role": "assistant", "content": [
            {"text": "<thinking>looking at the apple</thinking>"},
            {"toolUse": {"toolUseId": "t1", "name": "submit_verdict", "input": verdict}}]}},
        "stopReason": "tool_use",
        "usage": {"inputTokens": 1900, "outputTokens": 120, "totalTokens": 2020},
        "metrics": {"latencyMs": 850},
    }, converse_expected(content))

    answer = call_judge(client, content)

    assert answer.tool_input == verdict
    assert (answer.input_tokens, answer.output_tokens, answer.latency_ms) == (1900, 120, 850)
    assert "thinking" in answer.text


def test_a_refusal_without_the_tool_has_no_tool_input(bedrock):
    client, stubber = bedrock
    content = [{"text": "grade it"}]
    stubber.add_response("converse", {
        "output": {"message": {"role": "assistant", "content": [{"text": "I can't help with that."}]}},
        "stopReason": "end_turn", "usage": {"inputTokens": 10, "outputTokens": 8, "totalTokens": 18},
        "metrics": {"latencyMs": 100},
    })

    answer = call_judge(client, content)

    assert answer.tool_input is None
    assert answer.stop_reason == "end_turn"
