"""Stability AI Image Services (the enhance operations) against botocore's Stubber at the client seam: each
operation's exact body, the registry's limits and prices, and every untrusted answer (a filter, garbage, a PNG
cut short, the wrong size, no transparency) turned into the named error the workflow retries or catches."""

import base64
import io
import json

import boto3
import pytest
from botocore.response import StreamingBody
from botocore.stub import Stubber
from PIL import Image

from imagegate_service import registry
from imagegate_service.adapters.image_services import (
    BedrockImageServices,
    expected_size,
    service_body,
)
from imagegate_service.domain.enhancing import (
    MAX_OPERATIONS,
    EnhanceOperation,
    ServiceRequest,
    enhancement_bound_usd,
    operation_from_words,
    parse_operations,
)
from imagegate_service.errors import (
    ContentBlocked,
    ImagesFiltered,
    InvalidRequest,
    ModelRequestRejected,
    ModelThrottled,
    ModelTransientError,
)

pytestmark = pytest.mark.unit


def png(width=256, height=256, mode="RGB"):
    out = io.BytesIO()
    Image.new(mode, (width, height), (10, 120, 30, 255)[: len(mode)]).save(out, format="PNG")
    return out.getvalue()


SOURCE = png()


@pytest.fixture
def bedrock():
    client = boto3.client("bedrock-runtime", region_name="us-west-2", aws_access_key_id="x", aws_secret_access_key="x")
    with Stubber(client) as stubber:
        yield client, stubber
        stubber.assert_no_pending_responses()


def answer(image=None, reason=None):
    images = [] if image is None else [base64.b64encode(image).decode() if isinstance(image, bytes) else image]
    raw = json.dumps({"seeds": [7], "finish_reasons": [reason], "images": images}).encode()
    return {"body": StreamingBody(io.BytesIO(raw), len(raw)), "contentType": "application/json"}


def op(**item):
    return parse_operations([item])[0]


OPERATIONS = {
    "remove-background": ({"op": "remove-background"}, {"image", "output_format"}),
    "replace-background": ({"op": "replace-background", "prompt": "a beach"}, {"image", "prompt", "search_prompt"}),
    "outpaint": ({"op": "outpaint", "left": 64, "down": 32}, {"image", "left", "down", "seed"}),
    "upscale:fast": ({"op": "upscale", "mode": "fast"}, {"image", "output_format"}),
    "upscale:conservative": ({"op": "upscale", "mode": "conservative"}, {"image", "prompt", "seed"}),
    "upscale:creative": ({"op": "upscale", "mode": "creative", "prompt": "crisp"}, {"image", "prompt", "seed"}),
    "recolor": ({"op": "recolor", "object": "cup", "colour": "red"}, {"image", "prompt", "select_prompt", "seed"}),
    "replace": ({"op": "replace", "object": "cat", "with": "dog"}, {"image", "prompt", "search_prompt", "seed"}),
    "erase": ({"op": "erase", "object": "cup"}, {"image", "mask", "seed"}),
}


def request_for(key, source=SOURCE):
    item, _ = OPERATIONS[key]
    mask = png(*Image.open(io.BytesIO(source)).size, mode="L") if key == "erase" else None
    return ServiceRequest(op(**item), source, seed=42, context_prompt="a red apple", mask_png=mask)


def output_for(request):
    width, height = expected_size(request)
    mode = "RGBA" if request.operation.op == "remove-background" else "RGB"
    return png(width, height, mode)


@pytest.mark.parametrize("key", sorted(OPERATIONS))
def test_each_operation_sends_only_its_services_fields_to_its_model(bedrock, key):
    # Given an operation on a 256x256 image
    client, stubber = bedrock
    request = request_for(key)
    service = registry.image_service_for(key)
    stubber.add_response("invoke_model", answer(output_for(request)))

    # When it is applied
    BedrockImageServices(lambda: client).apply(request)

    # Then the call went to the operation's model, with the fields its service documents and no other
    body = service_body(request)
    assert request.model_id == service.model_id
    assert OPERATIONS[key][1] <= set(body) <= set(service.fields)
    for name, rule in service.fields.items():
        assert not rule.get("required") or name in body
        if "maxLength" in rule and name in body:
            assert len(body[name]) <= rule["maxLength"]
        if "min" in rule and name in body:
            assert rule["min"] <= body[name] <= rule["max"]
    assert base64.b64decode(body["image"]) == SOURCE and body["output_format"] == "png"


def test_the_body_is_exactly_what_the_client_sends(bedrock):
    # Given a recolor
    client, stubber = bedrock
    request = request_for("recolor")
    stubber.add_response(
        "invoke_model",
        answer(output_for(request)),
        {
            "modelId": "stability.stable-image-search-recolor-v1:0",
            "body": json.dumps(service_body(request)),
            "contentType": "application/json",
            "accept": "application/json",
        },
    )

    # When it is applied, Then the client got that body (Stubber checks the parameters)
    BedrockImageServices(lambda: client).apply(request)
    assert service_body(request)["select_prompt"] == "cup" and service_body(request)["prompt"] == "red cup"


def test_replace_background_searches_for_the_background():
    body = service_body(request_for("replace-background"))
    assert body["search_prompt"] == "background" and body["prompt"] == "a beach"


def test_upscalers_that_need_a_prompt_get_the_runs_words_when_the_operation_gives_none():
    assert service_body(request_for("upscale:conservative"))["prompt"] == "a red apple"
    assert service_body(request_for("upscale:creative"))["prompt"] == "crisp"
    assert "prompt" not in service_body(request_for("upscale:fast"))


def test_an_image_the_service_does_not_take_is_refused_before_any_call():
    # Given a 2048x2048 image: more than Fast Upscale's 1,048,576 pixels and 1,536 px per side
    big = png(2048, 2048)
    request = request_for("upscale:fast", big)

    # Then nothing is sent and the refusal names the limit
    with pytest.raises(ModelRequestRejected, match="1536"):
        service_body(request)


@pytest.mark.parametrize(
    ("reason", "error"),
    [
        ("Filter reason: prompt", ContentBlocked),
        ("Filter reason: input image", ContentBlocked),
        ("Filter reason: output image", ImagesFiltered),
        ("Inference error", ModelTransientError),
    ],
)
def test_a_finish_reason_becomes_its_named_error_after_the_call_was_answered(bedrock, reason, error):
    # Given Bedrock answers a filter (HTTP 200: billed)
    client, stubber = bedrock
    stubber.add_response("invoke_model", answer(reason=reason))
    answered = []

    # When applied, Then the named error, and the call counted as answered (billed)
    with pytest.raises(error):
        BedrockImageServices(lambda: client).apply(request_for("recolor"), lambda: answered.append(1))
    assert answered == [1]


def cut_short(data):
    return data[: len(data) // 2]


@pytest.mark.parametrize(
    ("label", "make"),
    [
        ("not base64", lambda r: "%%%not base64%%%"),
        ("not a PNG", lambda r: b"GIF89a-not-a-png"),
        ("a PNG cut short", lambda r: cut_short(output_for(r))),
        ("the source size for an outpaint", lambda r: SOURCE),
        ("the wrong size", lambda r: png(100, 100)),
    ],
)
def test_garbage_truncation_and_wrong_sizes_are_transient(bedrock, label, make):
    client, stubber = bedrock
    request = request_for("outpaint")
    stubber.add_response("invoke_model", answer(make(request)))
    with pytest.raises(ModelTransientError):
        BedrockImageServices(lambda: client).apply(request)


def test_an_upscale_must_be_larger_on_both_sides_at_the_same_ratio(bedrock):
    client, stubber = bedrock
    request = request_for("upscale:conservative")
    stubber.add_response("invoke_model", answer(png(1024, 512)))
    with pytest.raises(ModelTransientError, match="same aspect ratio"):
        BedrockImageServices(lambda: client).apply(request)


def test_a_background_removal_without_transparency_is_transient(bedrock):
    client, stubber = bedrock
    stubber.add_response("invoke_model", answer(png(256, 256, "RGB")))
    with pytest.raises(ModelTransientError, match="transparency"):
        BedrockImageServices(lambda: client).apply(request_for("remove-background"))


def test_a_good_answer_is_returned_whole(bedrock):
    client, stubber = bedrock
    request = request_for("upscale:fast")
    out = output_for(request)
    stubber.add_response("invoke_model", answer(out))
    assert BedrockImageServices(lambda: client).apply(request) == out
    assert Image.open(io.BytesIO(out)).size == (1024, 1024)  # Fast Upscale: 4x per side


def test_throttling_is_not_answered_and_is_retried_by_name(bedrock):
    client, stubber = bedrock
    stubber.add_client_error("invoke_model", "ThrottlingException", http_status_code=429)
    answered = []
    with pytest.raises(ModelThrottled):
        BedrockImageServices(lambda: client).apply(request_for("erase"), lambda: answered.append(1))
    assert answered == []


# --- the registry and the operations ------------------------------------------------------------------------


def test_every_operation_has_a_registered_service_with_a_positive_price_and_its_sources():
    document = registry.document()["imageServices"]
    assert document["pricesSource"] and document["fieldsSource"] and document["fieldsVerified"] is False
    for key in registry.image_service_operations():
        service = registry.image_service_for(key)
        assert service.price_per_call_usd > 0
        assert service.fields["image"]["required"]
    assert set(OPERATIONS) == set(registry.image_service_operations())


def test_lifecycle_and_regions_of_a_service_come_from_the_registry():
    model = "stability.stable-fast-upscale-v1:0"
    assert registry.lifecycle(model).status == "ACTIVE"
    assert registry.regions(model) == ("us-west-2",)


@pytest.mark.parametrize(
    ("operations", "field", "limit"),
    [
        ([], "operations", "1 to 6"),
        ([{"op": "remove-background"}] * (MAX_OPERATIONS + 1), "operations", "at most 6"),
        ([{"op": "sharpen"}], "operations[0].op", "remove-background"),
        ([{"op": "upscale"}], "operations[0].mode", "required"),
        ([{"op": "upscale", "mode": "huge"}], "operations[0].mode", "fast, conservative, creative"),
        ([{"op": "outpaint", "left": 2001}], "operations[0].left", "0 to 2000"),
        ([{"op": "outpaint", "left": 0}], "operations[0]", "at least one"),
        ([{"op": "remove-background"}, {"op": "recolor", "object": "cup"}], "operations[1].colour", "required"),
        ([{"op": "replace", "object": "cat", "with": "x" * 201}], "operations[0].with", "200 characters"),
        ([{"op": "erase", "object": "cup", "mask": "..."}], "operations[0].mask", "not a field"),
        ([{"op": "upscale", "mode": "fast", "prompt": "sharp"}], "operations[0].prompt", "no prompt"),
    ],
)
def test_bad_operations_are_refused_naming_the_field_and_the_limit(operations, field, limit):
    with pytest.raises(InvalidRequest) as refused:
        parse_operations(operations)
    assert refused.value.field == field and limit in refused.value.message


def test_cli_words_read_as_the_apis_operations():
    words = ["upscale:conservative", "remove-background", "recolor:cup=red", "outpaint:left=64,up=32:sky", "erase:cup"]
    parsed = parse_operations([operation_from_words(i, w) for i, w in enumerate(words)])
    assert [o.service_key for o in parsed] == [
        "upscale:conservative",
        "remove-background",
        "recolor",
        "outpaint",
        "erase",
    ]
    assert parsed[3] == EnhanceOperation("outpaint", prompt="sky", extend=(("left", 64), ("up", 32)))
    assert all(parse_operations([o.to_dict()])[0] == o for o in parsed)  # the JSON round-trips


def test_the_bound_is_one_call_per_operation_plus_erases_detector_call():
    ops = parse_operations([{"op": "upscale", "mode": "fast"}, {"op": "erase", "object": "cup"}])
    detector = registry.verifier_service("rekognition").price_per_image("GENERAL_LABELS")
    assert enhancement_bound_usd(ops) == pytest.approx(ops[0].price_usd + ops[1].price_usd + detector)
