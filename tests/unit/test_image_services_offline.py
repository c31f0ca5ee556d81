"""The offline Image Services: bodies the real adapter builds are taken, anything else is Bedrock's
ValidationException naming the field; each operation changes only what it says, read back from the pixels by
the world's own perception; every answered call is billed once at the registry's price."""

import base64
import io
import json

import boto3
import pytest
from botocore.config import Config
from PIL import Image, ImageChops

from imagegate.local.bedrock_offline import FaultSwitches, OfflineBedrock
from imagegate.local.image_services_offline import OfflineImageServices
from imagegate.local.world.concepts import concept_code
from imagegate.local.world.perceive import perceive
from imagegate.local.world.render import render_png
from imagegate_service import registry
from imagegate_service.adapters.image_services import BedrockImageServices, service_body
from imagegate_service.domain.enhancing import ServiceRequest, parse_operations
from imagegate_service.errors import ContentBlocked, ModelRequestRejected

pytestmark = pytest.mark.unit

PROMPT = "a red cup to the left of a blue ball on a wooden table"
SIZE = 512


@pytest.fixture(scope="module")
def scene():
    """A world image with a cup and a ball (the seed whose drawing shows both)."""
    for seed in range(1, 40):
        png = render_png(PROMPT, "", seed, SIZE, SIZE)
        codes = {seen.code for seen in perceive(png).objects}
        if {concept_code("cup"), concept_code("ball")} <= codes:
            return png
    raise AssertionError("no seed drew both objects")


@pytest.fixture
def offline():
    session = boto3.session.Session(region_name="us-west-2", aws_access_key_id="x", aws_secret_access_key="x")
    providers = []

    def make(**faults):
        bedrock = OfflineBedrock(FaultSwitches(**faults))
        services = OfflineImageServices(bedrock)
        bedrock.install(session)
        services.install(session)
        providers.append((bedrock, services))
        config = Config(retries={"mode": "standard", "total_max_attempts": 1})
        client = session.client("bedrock-runtime", endpoint_url="http://bedrock.offline.invalid", config=config)
        return BedrockImageServices(lambda: client), client, bedrock

    yield make
    for bedrock, services in providers:
        services.uninstall(session)
        bedrock.uninstall(session)


def request(item, source, seed=3, mask=None):
    return ServiceRequest(parse_operations([item])[0], source, seed=seed, context_prompt=PROMPT, mask_png=mask)


def objects(png, noun):
    return [seen for seen in perceive(png).objects if seen.code == concept_code(noun)]


def first_success(apply, item, source, check, seeds=range(1, 30)):
    """The first seed whose edit succeeded (edits succeed with the world's EDIT_SUCCESS, seeded)."""
    for seed in seeds:
        out = apply(request(item, source, seed))
        if check(out):
            return out
    raise AssertionError(f"{item} never succeeded in {len(seeds)} seeds")


def test_recolor_changes_the_named_objects_colour_and_leaves_the_ball(offline, scene):
    services, _, bedrock = offline()
    ball_before = objects(scene, "ball")
    out = first_success(
        services.apply,
        {"op": "recolor", "object": "cup", "colour": "green"},
        scene,
        lambda png: all(seen.colour == "green" for seen in objects(png, "cup")),
    )
    # the cup is still a cup (its marker kept); no pixel changed outside the cup's box and, where the mask bled,
    # the nearest other object's box
    assert objects(out, "cup") and {o.colour for o in objects(out, "ball")} <= {"blue", "green"}
    outside = Image.new("L", (SIZE, SIZE), 255)
    for seen in objects(scene, "cup") + objects(scene, "ball"):
        cell = SIZE / 128
        box = [(seen.x - seen.w / 2) * SIZE - cell, (seen.y - seen.h / 2) * SIZE - cell]
        outside.paste(
            0,
            (int(box[0]), int(box[1]), int(box[0] + seen.w * SIZE + 2 * cell), int(box[1] + seen.h * SIZE + 2 * cell)),
        )
    diff = ImageChops.difference(Image.open(io.BytesIO(scene)).convert("L"), Image.open(io.BytesIO(out)).convert("L"))
    assert ImageChops.multiply(diff.point(lambda v: 255 if v else 0), outside).getbbox() is None
    assert diff.getbbox() is not None and ball_before
    assert bedrock.billed_usd() > 0 and all(call.model_id.startswith("stability.") for call in bedrock.calls)


def test_erase_removes_what_the_mask_covers(offline, scene):
    services, _, _ = offline()
    cup = objects(scene, "cup")[0]
    mask = Image.new("L", (SIZE, SIZE), 0)
    half_w, half_h = cup.w * SIZE / 2 + 2, cup.h * SIZE / 2 + 2
    mask.paste(
        255,
        (
            int(cup.x * SIZE - half_w),
            int(cup.y * SIZE - half_h),
            int(cup.x * SIZE + half_w),
            int(cup.y * SIZE + half_h),
        ),
    )
    out_mask = io.BytesIO()
    mask.save(out_mask, format="PNG")
    for seed in range(1, 30):
        out = services.apply(request({"op": "erase", "object": "cup"}, scene, seed, out_mask.getvalue()))
        if not objects(out, "cup"):
            break
    assert not objects(out, "cup") and objects(out, "ball")


def test_replace_puts_the_new_object_where_the_old_one_was(offline, scene):
    services, _, _ = offline()
    cup = objects(scene, "cup")[0]
    out = first_success(
        services.apply,
        {"op": "replace", "object": "cup", "with": "a yellow banana"},
        scene,
        lambda png: objects(png, "banana"),
    )
    banana = objects(out, "banana")[0]
    assert not objects(out, "cup") and objects(out, "ball")
    assert abs(banana.x - cup.x) < 0.05 and abs(banana.y - cup.y) < 0.05 and banana.colour == "yellow"


def test_replace_background_repaints_the_scene_and_keeps_the_objects(offline, scene):
    services, _, _ = offline()
    out = services.apply(request({"op": "replace-background", "prompt": "a sandy beach"}, scene))
    before, after = perceive(scene), perceive(out)
    assert after.scene == "beach" != before.scene
    assert sorted((o.code, o.colour) for o in after.objects) == sorted((o.code, o.colour) for o in before.objects)


def test_remove_background_leaves_the_objects_on_transparency(offline, scene):
    services, _, _ = offline()
    out = services.apply(request({"op": "remove-background"}, scene))
    image = Image.open(io.BytesIO(out))
    assert image.mode == "RGBA" and image.size == (SIZE, SIZE)
    alpha = image.getchannel("A")
    corner = alpha.getpixel((2, 2))
    cup = objects(scene, "cup")[0]
    assert corner == 0 and alpha.getpixel((int(cup.x * SIZE), int(cup.y * SIZE) - 4)) == 255
    assert 0.01 < (SIZE**2 - alpha.histogram()[0]) / SIZE**2 < 0.5


@pytest.mark.parametrize("mode", ["fast", "conservative", "creative"])
def test_upscale_changes_the_size_only(offline, scene, mode):
    services, _, _ = offline()
    out = services.apply(request({"op": "upscale", "mode": mode}, scene))
    assert Image.open(io.BytesIO(out)).size == (4 * SIZE, 4 * SIZE)
    small = Image.open(io.BytesIO(out)).resize((SIZE, SIZE), Image.NEAREST)
    assert small.tobytes() == Image.open(io.BytesIO(scene)).convert("RGB").tobytes()
    assert sorted(o.code for o in perceive(out).objects) == sorted(o.code for o in perceive(scene).objects)


def test_outpaint_grows_the_canvas_and_keeps_the_scene(offline, scene):
    services, _, _ = offline()
    out = services.apply(request({"op": "outpaint", "left": 64, "down": 32}, scene))
    assert Image.open(io.BytesIO(out)).size == (SIZE + 64, SIZE + 32)
    before, after = perceive(scene), perceive(out)
    assert after.scene == before.scene and sorted(o.code for o in after.objects) == sorted(
        o.code for o in before.objects
    )


def test_each_answered_call_is_billed_once_at_the_registry_price(offline, scene):
    services, _, bedrock = offline()
    items = [
        {"op": "upscale", "mode": "fast"},
        {"op": "remove-background"},
        {"op": "recolor", "object": "cup", "colour": "red"},
    ]
    for item in items:
        services.apply(request(item, scene))
    prices = [op.price_usd for op in parse_operations(items)]
    assert [entry.cost_usd for entry in bedrock.bill] == prices


def test_a_blocked_word_is_filtered_as_bedrock_does_and_still_billed(offline, scene):
    services, _, bedrock = offline(blocked_words=("gore",))
    with pytest.raises(ContentBlocked):
        services.apply(request({"op": "replace-background", "prompt": "gore everywhere"}, scene))
    assert len(bedrock.bill) == 1


def test_throttled_calls_are_not_billed(offline, scene):
    from imagegate_service.errors import ModelThrottled

    services, _, bedrock = offline(throttle_rate=1.0)
    with pytest.raises(ModelThrottled):
        services.apply(request({"op": "upscale", "mode": "fast"}, scene))
    assert bedrock.bill == []


@pytest.mark.parametrize(
    ("model_key", "change", "path"),
    [
        ("recolor", {"colour": "red"}, "extraneous key [colour]"),
        ("recolor", {"select_prompt": None}, "required key [select_prompt]"),
        ("recolor", {"grow_mask": 21}, "#/grow_mask: 21 is not less or equal to 20"),
        ("outpaint", {"left": 0, "down": 0}, "at least one of left"),
        ("upscale:fast", {"output_format": "gif"}, "#/output_format: gif is not a valid enum value"),
        ("upscale:conservative", {"creativity": 0.9}, "#/creativity: 0.9 is not less or equal to 0.5"),
        ("replace", {"prompt": "x" * 10001}, "#/prompt: expected maxLength: 10000"),
        ("upscale:fast", {"seed": 5}, "extraneous key [seed]"),
    ],
)
def test_a_body_that_breaks_the_services_schema_is_a_validation_exception(offline, scene, model_key, change, path):
    _, client, bedrock = offline()
    items = {
        "recolor": {"op": "recolor", "object": "cup", "colour": "green"},
        "outpaint": {"op": "outpaint", "left": 8},
        "upscale:fast": {"op": "upscale", "mode": "fast"},
        "upscale:conservative": {"op": "upscale", "mode": "conservative"},
        "replace": {"op": "replace", "object": "cup", "with": "dog"},
    }
    body = service_body(request(items[model_key], scene))
    for key, value in change.items():
        if value is None:
            body.pop(key)
        else:
            body[key] = value
    with pytest.raises(client.exceptions.ValidationException, match=path.replace("[", r"\[").replace("]", r"\]")):
        client.invoke_model(modelId=registry.image_service_for(model_key).model_id, body=json.dumps(body))
    assert bedrock.bill == []


def test_an_image_too_large_for_the_service_is_refused_by_the_adapter_and_by_bedrock(offline):
    _, client, _ = offline()
    big = io.BytesIO()
    Image.new("RGB", (2048, 2048)).save(big, format="PNG")
    with pytest.raises(ModelRequestRejected):
        service_body(request({"op": "upscale", "mode": "fast"}, big.getvalue()))
    body = {"image": base64.b64encode(big.getvalue()).decode()}
    with pytest.raises(client.exceptions.ValidationException, match="1536"):
        client.invoke_model(modelId="stability.stable-fast-upscale-v1:0", body=json.dumps(body))


def test_the_same_request_gives_the_same_image(offline, scene):
    services, _, _ = offline()
    item = {"op": "recolor", "object": "ball", "colour": "pink"}
    assert services.apply(request(item, scene, 9)) == services.apply(request(item, scene, 9))


def test_generators_still_answer_beside_the_services(offline):
    _, client, _ = offline()
    body = {"prompt": "a red apple", "mode": "text-to-image", "aspect_ratio": "1:1", "seed": 1, "output_format": "png"}
    answer = json.loads(client.invoke_model(modelId="stability.sd3-5-large-v1:0", body=json.dumps(body))["body"].read())
    assert answer["finish_reasons"] == [None] and answer["images"]
