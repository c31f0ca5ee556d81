"""Issue 10 item 8: the offline provider's fault switches by rate (verdicts, evaluations, filtered images),
seeded and deterministic, and its own bill (what Bedrock would charge for the answers it gave)."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError
from test_bedrock_offline import CANVAS, LITE, TITAN, bedrock_with, generate, judge, text_image  # noqa: F401

from imagegate.local.bedrock_offline import FaultSwitches
from imagegate.local.world.render import render_png
from imagegate_service import registry

pytestmark = pytest.mark.unit
STABILITY_CORE = "stability.stable-image-core-v1:1"
PNG = render_png("a red apple", "", 1, 512, 512)


def _kinds(client, calls: int) -> list[str]:
    kinds = []
    for _ in range(calls):
        content = judge(client, PNG)["output"]["message"]["content"]
        tool = next((block["toolUse"] for block in content if "toolUse" in block), None)
        kinds.append("refused" if tool is None else "garbage" if isinstance(tool["input"]["score"], str) else "ok")
    return kinds


def test_verdict_rates_give_about_their_share_and_repeat_for_a_seed(bedrock_with):
    # Given two providers with the same seed and 20% garbage, 20% refused verdicts
    first, _ = bedrock_with(garbage_verdict_rate=0.2, refuse_verdict_rate=0.2, seed=7)
    again, _ = bedrock_with(garbage_verdict_rate=0.2, refuse_verdict_rate=0.2, seed=7)
    other, _ = bedrock_with(garbage_verdict_rate=0.2, refuse_verdict_rate=0.2, seed=8)

    # When each judges 150 images
    kinds, repeat, different = _kinds(first, 150), _kinds(again, 150), _kinds(other, 150)

    # Then about a fifth of the answers are refused and of the rest about a fifth garbage, the same for the seed
    assert kinds == repeat and kinds != different
    assert 15 <= kinds.count("refused") <= 45 and 12 <= kinds.count("garbage") <= 40


def test_rates_are_checked_and_parsed_from_the_environment():
    faults = FaultSwitches.from_env(
        {
            "IMAGEGATE_OFFLINE_FAULTS": "garbage_verdict_rate=0.05,refuse_verdict_rate=0.1,"
            "refuse_evaluation_rate=0.5,blocked_output_rate=0.05"
        }
    )
    assert (
        faults.garbage_verdict_rate,
        faults.refuse_verdict_rate,
        faults.refuse_evaluation_rate,
        faults.blocked_output_rate,
    ) == (0.05, 0.1, 0.5, 0.05)
    with pytest.raises(ValueError, match="refuse_verdict_rate must be between 0 and 1"):
        FaultSwitches.from_env({"IMAGEGATE_OFFLINE_FAULTS": "refuse_verdict_rate=1.5"})


def test_the_bill_prices_answered_calls_from_the_registry_and_skips_throttled_ones(bedrock_with):
    # Given a provider that throttles its first call of each operation
    client, provider = bedrock_with(throttle_first=1)

    # When it is throttled once per operation, then draws two Titan images and answers one judge call
    for call in (lambda: generate(client, text_image(numberOfImages=2)), lambda: judge(client, PNG)):
        with pytest.raises(ClientError):
            call()
    generate(client, text_image(numberOfImages=2))
    usage = judge(client, PNG)["usage"]

    # Then the bill has the two answered calls, at the registry's prices, and nothing for the throttled ones
    image_price = registry.generator(TITAN).price_per_image(1024, 1024, "standard")
    token_cost = registry.text_model(LITE).token_cost(usage["inputTokens"], usage["outputTokens"])
    assert [(entry.operation, entry.images) for entry in provider.bill] == [("InvokeModel", 2), ("Converse", 0)]
    assert provider.billed_usd() == pytest.approx(2 * image_price + token_cost, abs=1e-6)


@pytest.mark.parametrize("model", [CANVAS, STABILITY_CORE])
def test_filtered_images_are_billed_as_the_registry_says(bedrock_with, model):
    # Given every generated image withheld by the output filter
    client, provider = bedrock_with(blocked_output_rate=1.0)
    body = (
        text_image(numberOfImages=1)
        if model == CANVAS
        else json.dumps({"prompt": "a red apple", "aspect_ratio": "1:1", "output_format": "png"})
    )

    # When one image is asked for
    payload = generate(client, body, model=model)

    # Then none is delivered, and the bill has it when the model bills filtered images
    assert not payload["images"]
    (entry,) = provider.bill
    assert entry.filtered_images == 1
    assert entry.images == (1 if registry.generator(model).bills_filtered_images else 0)
    assert (entry.cost_usd > 0) == registry.generator(model).bills_filtered_images


def test_an_input_filtered_or_invalid_request_is_not_billed(bedrock_with):
    client, provider = bedrock_with(blocked_words=("grenade",))
    with pytest.raises(ClientError, match="content filters"):
        generate(client, text_image("a grenade on a table"))
    with pytest.raises(ClientError, match="maxLength"):
        generate(client, text_image("x" * 600))
    assert provider.bill == [] and provider.billed_usd() == 0.0
