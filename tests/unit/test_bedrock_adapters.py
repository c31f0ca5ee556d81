"""The Bedrock adapters against botocore's Stubber: the exact request shapes, untrusted answers, and every
Bedrock failure turned into the named error the state machine retries or catches."""

import base64
import io
import json

import boto3
import pytest
from botocore.exceptions import (
    ConnectionClosedError,
    EndpointConnectionError,
    ReadTimeoutError,
    ResponseStreamingError,
)
from botocore.response import StreamingBody
from botocore.stub import ANY, Stubber

from imagegate_service import registry, styles
from imagegate_service.adapters.bedrock import (
    BedrockImageGenerator,
    BedrockToolCaller,
    stability_body,
    stability_seed,
    styled_texts,
    titan_or_canvas_body,
)
from imagegate_service.domain.answers import validated
from imagegate_service.domain.judging import VERDICT_SCHEMA
from imagegate_service.domain.model_calls import fit_to_limit
from imagegate_service.domain.ports import EditRequest, ImageRequest, ToolAnswer
from imagegate_service.domain.rewriting import REWRITE_SCHEMA
from imagegate_service.errors import (
    ContentBlocked,
    InvalidRewrite,
    InvalidVerdict,
    ModelAccessDenied,
    ModelNotFound,
    ModelRequestRejected,
    ModelRetired,
    ModelThrottled,
    ModelTransientError,
)

pytestmark = pytest.mark.unit

SD35 = "stability.sd3-5-large-v1:0"
CORE, ULTRA = "stability.stable-image-core-v1:1", "stability.stable-image-ultra-v1:1"
TITAN = "amazon.titan-image-generator-v2:0"
CANVAS = "amazon.nova-canvas-v1:0"
LITE = "us.amazon.nova-lite-v1:0"
PNG = b"\x89PNG\r\n\x1a\nfake"
PNG_B64 = base64.b64encode(PNG).decode()


@pytest.fixture
def bedrock():
    client = boto3.client("bedrock-runtime", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
    with Stubber(client) as stubber:
        yield client, stubber
        stubber.assert_no_pending_responses()


def image_request(**overrides):
    values = dict(
        model_id=TITAN,
        prompt="a red apple",
        negative_prompt="",
        seed=42,
        width=1024,
        height=1024,
        count=1,
        quality="standard",
        cfg_scale=8.0,
    )
    return ImageRequest(**{**values, **overrides})


def stability_request(**overrides):
    return image_request(**{"model_id": SD35, "cfg_scale": None, **overrides})


def invoke_response(payload):
    raw = json.dumps(payload).encode()
    return {"body": StreamingBody(io.BytesIO(raw), len(raw)), "contentType": "application/json"}


def expected_invoke(body, model_id=ANY):
    return {
        "modelId": model_id,
        "body": json.dumps(body),
        "contentType": "application/json",
        "accept": "application/json",
    }


def stability_answer(reason=None, seed=1):
    return invoke_response({"seeds": [seed], "finish_reasons": [reason], "images": [] if reason else [PNG_B64]})


# --- Stability (the default generator) -------------------------------------------------------------------


def test_the_default_generator_is_an_active_stability_model():
    # Given the registry's one default generator
    default = registry.default_model("generator")

    # Then it speaks the Stability format and is not past its end of life, and the retired ones point to it
    assert registry.generator(default).family == "stability"
    assert registry.lifecycle(default).status == "ACTIVE"
    for retired in (TITAN, CANVAS):
        assert registry.lifecycle(retired).successor == default


def test_stability_request_has_the_exact_text_to_image_shape(bedrock):
    client, stubber = bedrock
    # Given SD3.5 Large answers one image for a 16:9 request
    body = {
        "prompt": "a red apple",
        "negative_prompt": "blurry, watermark",
        "mode": "text-to-image",
        "aspect_ratio": "16:9",
        "seed": 7,
        "output_format": "png",
    }
    stubber.add_response("invoke_model", stability_answer(seed=7), expected_invoke(body, SD35))

    # When the generator asks for 1344x768 with a negative prompt
    result = BedrockImageGenerator(lambda: client).generate(
        stability_request(width=1344, height=768, seed=7, negative_prompt=" blurry, watermark ")
    )

    # Then the body names the ratio, not a size, and the decoded PNG comes back
    assert result.images == [PNG]
    assert (result.requested, result.filter_message) == (1, None)


def test_stability_leaves_out_a_blank_negative_prompt_and_clamps_at_10000_characters(bedrock):
    client, stubber = bedrock
    long_prompt = ("a watercolor of a lighthouse on a rocky cliff at sunset " * 200).strip()
    assert len(long_prompt) > 10_000
    body = {
        "prompt": fit_to_limit(long_prompt, 10_000),
        "mode": "text-to-image",
        "aspect_ratio": "1:1",
        "seed": 42,
        "output_format": "png",
    }
    stubber.add_response("invoke_model", stability_answer(), expected_invoke(body))

    BedrockImageGenerator(lambda: client).generate(stability_request(prompt=long_prompt))

    assert len(body["prompt"]) <= 10_000 and long_prompt.startswith(body["prompt"])


def test_n_candidates_are_n_calls_with_consecutive_seeds(bedrock):
    client, stubber = bedrock
    # Given three candidates from seed 7
    for seed in (7, 8, 9):
        body = {
            "prompt": "a red apple",
            "mode": "text-to-image",
            "aspect_ratio": "1:1",
            "seed": seed,
            "output_format": "png",
        }
        stubber.add_response("invoke_model", stability_answer(seed=seed), expected_invoke(body))

    # When the round is generated
    result = BedrockImageGenerator(lambda: client).generate(stability_request(count=3, seed=7))

    # Then one image per call, and three are billed
    assert len(result.images) == 3 and result.requested == 3


@pytest.mark.parametrize("seed", [0, 1, 42, 4_294_967_290, 4_294_967_294])
def test_candidate_seeds_stay_in_range_and_distinct(seed):
    seed_max = registry.generator(SD35).seed_max

    seeds = [stability_seed(seed, candidate, seed_max) for candidate in range(5)]

    if seed == 0:
        assert seeds == [0] * 5  # 0 asks Stability for a random seed every time
    else:
        assert all(1 <= s <= seed_max for s in seeds) and len(set(seeds)) == 5 and seeds[0] == seed


@pytest.mark.parametrize("reason", ["Filter reason: prompt", "Filter reason: input image"])
def test_a_filtered_prompt_is_content_blocked(bedrock, reason):
    client, stubber = bedrock
    stubber.add_response("invoke_model", stability_answer(reason))

    with pytest.raises(ContentBlocked, match="prompt was blocked") as caught:
        BedrockImageGenerator(lambda: client).generate(stability_request())

    assert reason in str(caught.value) and "generated images" not in str(caught.value)


def test_a_filtered_output_image_is_billed_and_the_rest_kept(bedrock):
    client, stubber = bedrock
    # Given the second of two images is withheld by the output filter
    stubber.add_response("invoke_model", stability_answer())
    stubber.add_response("invoke_model", stability_answer("Filter reason: output image"))

    result = BedrockImageGenerator(lambda: client).generate(stability_request(count=2))

    assert result.images == [PNG]
    assert result.requested == 2  # both were generated, both are billed
    assert "Some of the generated images" in result.filter_message


def test_every_output_image_filtered_says_the_images_were_blocked(bedrock):
    client, stubber = bedrock
    for _ in range(2):
        stubber.add_response("invoke_model", stability_answer("Filter reason: output image"))

    with pytest.raises(ContentBlocked, match="All of the generated images"):
        BedrockImageGenerator(lambda: client).generate(stability_request(count=2))


def test_an_inference_error_is_transient_and_a_partial_one_keeps_the_good_image(bedrock):
    client, stubber = bedrock
    stubber.add_response("invoke_model", stability_answer("Inference error"))
    with pytest.raises(ModelTransientError, match="Inference error"):
        BedrockImageGenerator(lambda: client).generate(stability_request())

    stubber.add_response("invoke_model", stability_answer())
    stubber.add_response("invoke_model", stability_answer("Inference error"))
    result = BedrockImageGenerator(lambda: client).generate(stability_request(count=2))
    assert result.images == [PNG] and result.requested == 2 and "Inference error" in result.filter_message


def test_throttling_after_a_delivered_image_keeps_what_was_paid_for(bedrock):
    client, stubber = bedrock
    stubber.add_response("invoke_model", stability_answer())
    stubber.add_client_error("invoke_model", service_error_code="ThrottlingException", http_status_code=429)

    result = BedrockImageGenerator(lambda: client).generate(stability_request(count=3))

    assert result.images == [PNG] and result.requested == 1
    assert "Only 1 of 3" in result.filter_message


def test_a_garbage_answer_after_a_delivered_image_keeps_what_was_paid_for(bedrock):
    # Given the first call draws an image and the second answers an image that is not a PNG
    client, stubber = bedrock
    stubber.add_response("invoke_model", stability_answer())
    stubber.add_response(
        "invoke_model",
        invoke_response({"seeds": [2], "finish_reasons": [None], "images": [base64.b64encode(b"GIF89a").decode()]}),
    )

    # When the round is generated
    result = BedrockImageGenerator(lambda: client).generate(stability_request(count=2))

    # Then the round is not retried as a whole (which would pay for the first image again): both are billed
    assert result.images == [PNG] and result.requested == 2 and "1 of 2 images failed" in result.filter_message


@pytest.mark.parametrize(
    "payload",
    [
        {"seeds": [1], "finish_reasons": ["Filter reason: mood"], "images": []},  # unknown reason
        {"seeds": [1], "finish_reasons": [None], "images": ["%%% not base64 %%%"]},
        {"seeds": [1], "finish_reasons": [None], "images": [base64.b64encode(b"GIF89a").decode()]},  # not a PNG
        {"seeds": [1], "finish_reasons": [None], "images": []},  # success without an image
        {"seeds": [1], "finish_reasons": [None, None], "images": [PNG_B64, PNG_B64]},  # two for one
        {"seeds": [1], "finish_reasons": "null", "images": [PNG_B64]},
        ["not", "an", "object"],
    ],
)
def test_garbage_answers_are_transient_errors_not_crashes(bedrock, payload):
    client, stubber = bedrock
    stubber.add_response("invoke_model", invoke_response(payload))

    with pytest.raises(ModelTransientError, match=SD35):
        BedrockImageGenerator(lambda: client).generate(stability_request())


def test_a_body_that_is_not_json_is_a_transient_error(bedrock):
    client, stubber = bedrock
    raw = b"<!DOCTYPE html><title>502 Bad Gateway</title>"  # a gateway's error page, not JSON
    stubber.add_response("invoke_model", {"body": StreamingBody(io.BytesIO(raw), len(raw)), "contentType": "text/html"})

    with pytest.raises(ModelTransientError, match="not JSON"):
        BedrockImageGenerator(lambda: client).generate(stability_request())


@pytest.mark.parametrize("model_id", [SD35, CORE, ULTRA])
def test_each_aspect_ratio_draws_about_one_megapixel_in_its_own_shape(model_id):
    model = registry.generator(model_id)

    for ratio, (width, height) in model.aspect_ratios.items():
        across, down = (int(part) for part in ratio.split(":"))
        assert abs(width / height - across / down) / (across / down) < 0.06, ratio
        assert 0.9e6 < width * height < 1.1e6 and width % 64 == 0 and height % 64 == 0
        assert model.size_problem(width, height) is None and model.aspect_ratio(width, height) == ratio


def test_a_size_without_an_aspect_ratio_is_refused_with_the_allowed_sizes():
    model = registry.generator(SD35)

    problem = model.size_problem(1000, 1000)

    assert "1000x1000" in problem and "1024x1024 (1:1)" in problem and "1344x768 (16:9)" in problem
    with pytest.raises(ValueError):
        model.aspect_ratio(1000, 1000)


# --- Titan v2 and Nova Canvas (still selectable) ------------------------------------------------------------


def test_titan_request_has_the_exact_text_image_shape(bedrock):
    client, stubber = bedrock
    # Given Titan answers with two images
    body = {
        "taskType": "TEXT_IMAGE",
        "textToImageParams": {"text": "a red apple", "negativeText": "blurry, watermark"},
        "imageGenerationConfig": {
            "numberOfImages": 2,
            "quality": "premium",
            "width": 768,
            "height": 1152,
            "cfgScale": 8.0,
            "seed": 7,
        },
    }
    stubber.add_response(
        "invoke_model", invoke_response({"images": [PNG_B64] * 2, "error": None}), expected_invoke(body)
    )

    # When the generator asks for two premium portrait images with a negative prompt
    result = BedrockImageGenerator(lambda: client).generate(
        image_request(count=2, quality="premium", width=768, height=1152, seed=7, negative_prompt=" blurry, watermark ")
    )

    # Then both images come back decoded
    assert result.images == [PNG, PNG]
    assert result.filter_message is None


def test_a_prompt_over_titans_512_characters_is_clamped_before_the_call(bedrock):
    client, stubber = bedrock
    long_prompt = ("a very detailed watercolor of a lighthouse on a rocky cliff at sunset " * 10).strip()
    assert len(long_prompt) > 512
    clamped = fit_to_limit(long_prompt, 512)
    body = {
        "taskType": "TEXT_IMAGE",
        "textToImageParams": {"text": clamped},
        "imageGenerationConfig": {
            "numberOfImages": 1,
            "quality": "standard",
            "width": 1024,
            "height": 1024,
            "cfgScale": 8.0,
            "seed": 42,
        },
    }
    stubber.add_response("invoke_model", invoke_response({"images": [PNG_B64]}), expected_invoke(body))

    BedrockImageGenerator(lambda: client).generate(image_request(prompt=long_prompt))

    assert len(clamped) <= 512
    assert long_prompt.startswith(clamped)
    assert not clamped.endswith(" ")  # cut at a word boundary


def test_nova_canvas_keeps_up_to_1024_characters_and_its_seed_range(bedrock):
    client, stubber = bedrock
    prompt = "a cat on a mat " * 60  # 900 characters, fine for Canvas
    # A seed past Canvas's safe maximum (858,993,459) wraps into range instead of failing the call.
    body = {
        "taskType": "TEXT_IMAGE",
        "textToImageParams": {"text": prompt},
        "imageGenerationConfig": {
            "numberOfImages": 1,
            "quality": "standard",
            "width": 1024,
            "height": 1024,
            "cfgScale": 6.5,
            "seed": 4,
        },
    }
    stubber.add_response("invoke_model", invoke_response({"images": [PNG_B64]}), expected_invoke(body))

    BedrockImageGenerator(lambda: client).generate(
        image_request(model_id=CANVAS, prompt=prompt, cfg_scale=6.5, seed=858993460 + 4)
    )


def test_partial_images_are_accepted_with_the_filter_message(bedrock):
    client, stubber = bedrock
    stubber.add_response(
        "invoke_model",
        invoke_response(
            {"images": [PNG_B64], "error": "Some of the generated images have been blocked by our content filters."}
        ),
    )

    result = BedrockImageGenerator(lambda: client).generate(image_request(count=3))

    assert len(result.images) == 1 and result.requested == 3
    assert "blocked" in result.filter_message


def test_all_images_filtered_is_content_blocked(bedrock):
    client, stubber = bedrock
    stubber.add_response(
        "invoke_model",
        invoke_response(
            {"images": [], "error": "All of the generated images have been blocked by our content filters."}
        ),
    )

    with pytest.raises(ContentBlocked, match="All of the generated images"):
        BedrockImageGenerator(lambda: client).generate(image_request())


# --- Bedrock's failures, named ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "status", "message", "named_error"),
    [
        ("ThrottlingException", 429, "Too many requests", ModelThrottled),
        ("ModelNotReadyException", 429, "not ready", ModelThrottled),
        ("ServiceUnavailableException", 503, "unavailable", ModelTransientError),
        ("ModelTimeoutException", 408, "timeout", ModelTransientError),
        (
            "ValidationException",
            400,
            "This request has been blocked by our content filters. Please adjust your text prompt",
            ContentBlocked,
        ),
        ("ValidationException", 400, "expected maxLength: 512", ModelRequestRejected),
        ("AccessDeniedException", 403, "You don't have access to the model", ModelAccessDenied),
        ("ResourceNotFoundException", 404, "model not found", ModelNotFound),
    ],
)
def test_bedrock_errors_become_named_errors(bedrock, code, status, message, named_error):
    client, stubber = bedrock
    stubber.add_client_error("invoke_model", service_error_code=code, service_message=message, http_status_code=status)

    with pytest.raises(named_error) as caught:
        BedrockImageGenerator(lambda: client).generate(stability_request())

    assert SD35 in str(caught.value)


@pytest.mark.parametrize(
    ("code", "status", "message"),
    [
        (
            "ResourceNotFoundException",
            404,
            "This model version has reached the end of its life. Please refer to the AWS documentation for more details.",
        ),
        ("ValidationException", 400, "The model amazon.titan-image-generator-v2:0 is end of life."),
        (
            "AccessDeniedException",
            403,
            "Access denied. This Model is marked by provider as Legacy and you have not "
            "been actively using the model in the last 30 days.",
        ),
        (
            "ResourceNotFoundException",
            404,
            "Access denied. This Model is marked by provider as Legacy and you have not been actively using the model "
            "in the last 30 days. Please upgrade to an active model on Amazon Bedrock",
        ),
    ],
)
def test_a_retired_model_is_model_retired_with_its_end_of_life_and_successor(bedrock, code, status, message):
    client, stubber = bedrock
    stubber.add_client_error("invoke_model", service_error_code=code, service_message=message, http_status_code=status)

    with pytest.raises(ModelRetired) as caught:
        BedrockImageGenerator(lambda: client).generate(image_request())

    said = str(caught.value)
    recorded = registry.lifecycle(TITAN)
    assert TITAN in said and recorded.end_of_life.isoformat() in said
    assert f"switch to {recorded.successor}" in said and message in said
    # one line, and what to do comes before Bedrock's own words (a cause shown cut short still says it)
    assert "\n" not in said and said.index("switch to") < said.index(message)


def test_a_long_access_refusal_still_says_what_to_do_first(bedrock):
    # Given IAM refuses the call with its usual long sentence
    client, stubber = bedrock
    iam_says = (
        "User: arn:aws:sts::123456789012:assumed-role/Imagegate-FunctionsGenerateImagesRole/fn is not "
        "authorized to perform: bedrock:InvokeModel on resource: arn:aws:bedrock:us-west-2::foundation-model/"
        f"{SD35} because no identity-based policy allows the bedrock:InvokeModel action"
    )
    stubber.add_client_error(
        "invoke_model", service_error_code="AccessDeniedException", http_status_code=403, service_message=iam_says
    )

    with pytest.raises(ModelAccessDenied) as caught:
        BedrockImageGenerator(lambda: client).generate(stability_request())

    # Then the advice and the alternative come before Bedrock's words, which are kept
    said = str(caught.value)
    assert said.startswith(SD35) and iam_says in said
    assert said.index("Bedrock console") < said.index("switch to") < said.index(iam_says)


@pytest.mark.parametrize(
    ("code", "status", "message"),
    [
        ("AccessDeniedException", 403, "You don't have access to the model with the specified model ID."),
        ("ValidationException", 400, "Operation not allowed"),
    ],
)
def test_a_refusal_of_a_model_past_its_recorded_end_of_life_is_model_retired(bedrock, code, status, message):
    # Given the registry records Nova Canvas past its end of life, and Bedrock refuses it
    client, stubber = bedrock
    stubber.add_client_error("invoke_model", service_error_code=code, service_message=message, http_status_code=status)

    with pytest.raises(ModelRetired, match="2026-09-30"):
        BedrockImageGenerator(lambda: client).generate(image_request(model_id=CANVAS, cfg_scale=6.5))


def test_a_bad_request_to_a_retired_model_is_still_a_bad_request(bedrock):
    client, stubber = bedrock
    stubber.add_client_error(
        "invoke_model",
        service_error_code="ValidationException",
        http_status_code=400,
        service_message="expected maxLength: 1024, actual: 1100",
    )

    with pytest.raises(ModelRequestRejected):
        BedrockImageGenerator(lambda: client).generate(image_request(model_id=CANVAS, cfg_scale=6.5))


def test_access_denied_names_the_model_and_what_to_switch_to(bedrock):
    client, stubber = bedrock
    stubber.add_client_error(
        "converse",
        service_error_code="AccessDeniedException",
        http_status_code=403,
        service_message="You don't have access to the model with the specified model ID.",
    )

    with pytest.raises(ModelAccessDenied) as caught:
        call_judge(client, [{"text": "grade it"}], model_id="us.amazon.nova-2-lite-v1:0")

    said = str(caught.value)
    assert "us.amazon.nova-2-lite-v1:0" in said and "Bedrock console" in said
    assert f"switch to {registry.default_model('judge')}" in said


class _Failing:
    """A bedrock-runtime client whose connection fails the way botocore reports it."""

    def __init__(self, error, on_read=False):
        self.error, self.on_read = error, on_read

    def invoke_model(self, **_):
        if not self.on_read:
            raise self.error
        failing = self

        class Body:
            def read(self):
                raise failing.error

        return {"body": Body()}

    def converse(self, **_):
        raise self.error


@pytest.mark.parametrize(
    ("error", "on_read"),
    [
        (ConnectionClosedError(endpoint_url="https://bedrock-runtime.us-west-2.amazonaws.com"), False),
        (ReadTimeoutError(endpoint_url="https://bedrock-runtime.us-west-2.amazonaws.com"), False),
        (EndpointConnectionError(endpoint_url="https://bedrock-runtime.us-west-2.amazonaws.com"), False),
        (ResponseStreamingError(error="Connection broken: IncompleteRead(0 bytes read)"), True),
        (ReadTimeoutError(endpoint_url="https://bedrock-runtime.us-west-2.amazonaws.com"), True),
    ],
)
def test_dropped_and_timed_out_connections_are_transient(error, on_read):
    with pytest.raises(ModelTransientError, match=type(error).__name__):
        BedrockImageGenerator(lambda: _Failing(error, on_read)).generate(stability_request())

    with pytest.raises(ModelTransientError, match=LITE):
        BedrockToolCaller(lambda: _Failing(error)).call(
            model_id=LITE,
            system_prompt="S",
            content=[{"text": "x"}],
            tool_name="t",
            tool_description="d",
            input_schema={"type": "object"},
        )


# --- Converse with a forced tool ----------------------------------------------------------------------------


def converse_expected(content, tool="submit_verdict", model_id=LITE):
    return {
        "modelId": model_id,
        "system": [{"text": "SYSTEM"}],
        "messages": [{"role": "user", "content": content}],
        "inferenceConfig": {"maxTokens": registry.tool_call_max_tokens(), "temperature": 0},
        "additionalModelRequestFields": {"inferenceConfig": {"topK": 1}},
        "toolConfig": {
            "tools": [{"toolSpec": {"name": tool, "description": "desc", "inputSchema": {"json": {"type": "object"}}}}],
            "toolChoice": {"tool": {"name": tool}},
        },
    }


def call_judge(client, content, model_id=LITE):
    return BedrockToolCaller(lambda: client).call(
        model_id=model_id,
        system_prompt="SYSTEM",
        content=content,
        tool_name="submit_verdict",
        tool_description="desc",
        input_schema={"type": "object"},
    )


def test_tool_calls_leave_room_for_novas_reasoning():
    # Nova's tool-use guide asks for maxTokens 3000: it writes <thinking> before the tool input.
    assert registry.tool_call_max_tokens() >= 3000


def test_judge_call_forces_the_tool_and_finds_it_after_thinking_text(bedrock):
    client, stubber = bedrock
    content = [{"image": {"format": "png", "source": {"bytes": PNG}}}, {"text": "grade it"}]
    verdict = {"score": 8.5, "explanation": "good", "suggestions": []}
    stubber.add_response(
        "converse",
        {
            "output": {
                "message": {
                    "role": "assistant",
                    "content": [
                        {"text": "<thinking>looking at the apple</thinking>"},
                        {"toolUse": {"toolUseId": "t1", "name": "submit_verdict", "input": verdict}},
                    ],
                }
            },
            "stopReason": "tool_use",
            "usage": {"inputTokens": 1900, "outputTokens": 120, "totalTokens": 2020},
            "metrics": {"latencyMs": 850},
        },
        converse_expected(content),
    )

    answer = call_judge(client, content)

    assert answer.tool_input == verdict
    assert (answer.input_tokens, answer.output_tokens, answer.latency_ms) == (1900, 120, 850)
    assert "thinking" in answer.text
    assert answer.max_tokens == registry.tool_call_max_tokens()


def test_nova_2_lite_is_a_vision_judge_with_tool_use():
    model = registry.text_model("us.amazon.nova-2-lite-v1:0")

    assert model.vision and model.tool_use and model.foundation_model == "amazon.nova-2-lite-v1:0"
    assert registry.lifecycle("us.amazon.nova-2-lite-v1:0").status == "ACTIVE"
    assert registry.regions("us.amazon.nova-2-lite-v1:0")


def test_a_refusal_without_the_tool_has_no_tool_input(bedrock):
    client, stubber = bedrock
    content = [{"text": "grade it"}]
    stubber.add_response(
        "converse",
        {
            "output": {"message": {"role": "assistant", "content": [{"text": "I can't help with that."}]}},
            "stopReason": "end_turn",
            "usage": {"inputTokens": 10, "outputTokens": 8, "totalTokens": 18},
            "metrics": {"latencyMs": 100},
        },
    )

    answer = call_judge(client, content)

    assert answer.tool_input is None
    assert answer.stop_reason == "end_turn"


def cut_answer(tool_input):
    return ToolAnswer(
        tool_input=tool_input,
        text="<thinking>The apple is red, the table is",
        stop_reason="max_tokens",
        input_tokens=1900,
        output_tokens=3000,
        latency_ms=900,
        max_tokens=3000,
    )


@pytest.mark.parametrize(
    ("schema", "what", "error"),
    [(VERDICT_SCHEMA, "judge", InvalidVerdict), (REWRITE_SCHEMA, "rewriter", InvalidRewrite)],
)
@pytest.mark.parametrize("tool_input", [None, {"score": 7}])  # no tool call at all, or a partial one
def test_a_reply_cut_at_max_tokens_says_so(schema, what, error, tool_input):
    with pytest.raises(error) as caught:
        validated(cut_answer(tool_input), schema, what, error)

    assert "cut at maxTokens (3000" in str(caught.value) and what in str(caught.value)


def test_a_plain_refusal_is_not_blamed_on_max_tokens():
    answer = ToolAnswer(
        tool_input=None,
        text="I can't",
        stop_reason="end_turn",
        input_tokens=1,
        output_tokens=1,
        latency_ms=1,
        max_tokens=3000,
    )

    with pytest.raises(InvalidVerdict) as caught:
        validated(answer, VERDICT_SCHEMA, "judge", InvalidVerdict)

    assert "maxTokens" not in str(caught.value) and "did not call its tool" in str(caught.value)


def test_the_rewrite_tool_schema_admits_the_longest_prompt_any_generator_takes():
    # The rewriter's answer is validated against this schema before it is fitted to the run's generator.
    from imagegate_service import prompts

    properties = prompts.schema(REWRITE_SCHEMA)["properties"]
    generators = [registry.generator(model_id) for model_id in registry.generator_ids()]
    assert properties["prompt"]["maxLength"] == max(model.prompt_max_chars for model in generators)
    assert properties["negativePrompt"]["maxLength"] == max(model.negative_prompt_max_chars for model in generators)


# --- Edits (issue 14: strategy refine / auto) and style presets ----------------------------------------------

SOURCE = b"\x89PNG\r\n\x1a\nsource image"
SOURCE_B64 = base64.b64encode(SOURCE).decode()


def test_an_image_to_image_edit_sends_the_source_image_and_its_strength_and_no_aspect_ratio(bedrock):
    client, stubber = bedrock
    # Given SD3.5 Large (image-to-image per the model registry) answers one image
    body = {
        "prompt": "a blue cup",
        "mode": "image-to-image",
        "image": SOURCE_B64,
        "strength": 0.425,
        "seed": 7,
        "output_format": "png",
    }
    stubber.add_response("invoke_model", stability_answer(seed=7), expected_invoke(body, SD35))

    # When the generator edits the source image at strength 0.425
    edit = EditRequest(source_png=SOURCE, task="image-to-image", strength=0.425)
    result = BedrockImageGenerator(lambda: client).generate(stability_request(prompt="a blue cup", seed=7, edit=edit))

    # Then the body is Bedrock's image-to-image shape (the output takes the input's size: no aspect_ratio)
    assert result.images == [PNG]


def test_an_edit_strength_outside_the_registry_range_is_clamped():
    low, high = registry.generator(SD35).edit_strength_range
    for asked, sent in ((-0.5, low), (1.7, high)):
        edit = EditRequest(source_png=SOURCE, task="image-to-image", strength=asked)
        assert stability_body(stability_request(edit=edit))["strength"] == sent


def test_a_model_without_an_edit_mode_refuses_to_build_an_edit():
    edit = EditRequest(source_png=SOURCE, task="image-to-image", strength=0.5)
    with pytest.raises(ValueError, match="edit"):
        stability_body(stability_request(model_id=CORE, edit=edit))


@pytest.mark.parametrize("model_id", [TITAN, CANVAS])
def test_inpainting_names_the_region_by_mask_prompt_and_keeps_the_input_size(model_id):
    # Given an INPAINTING edit of "the cup"
    edit = EditRequest(source_png=SOURCE, task="INPAINTING", mask_prompt="the cup")

    # When its body is built
    body = titan_or_canvas_body(image_request(model_id=model_id, prompt="a blue cup", edit=edit))

    # Then it is Bedrock's INPAINTING shape: the image, the text, the mask prompt; no output size
    assert body["taskType"] == "INPAINTING"
    assert body["inPaintingParams"] == {"image": SOURCE_B64, "text": "a blue cup", "maskPrompt": "the cup"}
    assert "width" not in body["imageGenerationConfig"] and "height" not in body["imageGenerationConfig"]


@pytest.mark.parametrize("asked, sent", [(0.53, 0.53), (0.05, 0.2), (1.4, 1.0)])
def test_image_variation_sends_one_reference_image_and_a_clamped_similarity(asked, sent):
    edit = EditRequest(source_png=SOURCE, task="IMAGE_VARIATION", similarity_strength=asked)
    body = titan_or_canvas_body(image_request(model_id=CANVAS, prompt="a blue cup", edit=edit))
    assert body["taskType"] == "IMAGE_VARIATION"
    params = body["imageVariationParams"]
    assert params["images"] == [SOURCE_B64] and params["similarityStrength"] == sent and params["text"] == "a blue cup"


def test_a_style_with_a_native_value_uses_nova_canvas_style_field_and_no_phrase():
    body = titan_or_canvas_body(image_request(model_id=CANVAS, style="photographic"))
    assert body["textToImageParams"] == {
        "text": "a red apple",
        "style": styles.preset("photographic").native["nova-canvas"],
    }


@pytest.mark.parametrize("model_id", [SD35, TITAN])
def test_a_style_without_a_native_field_is_a_prompt_phrase_and_negative_terms(model_id):
    # Given the watercolor preset and a negative prompt of the user's own
    preset = styles.preset("watercolor")
    request = image_request(model_id=model_id, style="watercolor", negative_prompt="blurry", cfg_scale=None)

    # When the request's texts are built
    prompt, negative, native = styled_texts(request)

    # Then the phrase follows the prompt, the preset's terms follow the user's, and no native field is set
    assert prompt == f"a red apple, {preset.prompt}" and native is None
    assert negative.split(", ")[0] == "blurry"
    assert set(negative.split(", ")[1:]) == {term.strip() for term in preset.negative.split(",")}


def test_a_style_phrase_survives_a_prompt_at_the_model_limit():
    # Given a prompt as long as Titan accepts
    limit = registry.generator(TITAN).prompt_max_chars
    prompt, _, _ = styled_texts(image_request(prompt="word " * limit, style="line-art"))

    # Then the prompt is shortened, never the style's phrase, and the whole stays within the limit
    assert len(prompt) <= limit and prompt.endswith(styles.preset("line-art").prompt)


def test_a_canvas_edit_carries_the_style_as_a_phrase_since_edits_take_no_style_field():
    edit = EditRequest(source_png=SOURCE, task="IMAGE_VARIATION", similarity_strength=0.5)
    body = titan_or_canvas_body(image_request(model_id=CANVAS, style="photographic", edit=edit))
    assert "style" not in body["imageVariationParams"]
    assert body["imageVariationParams"]["text"].endswith(styles.preset("photographic").prompt)
