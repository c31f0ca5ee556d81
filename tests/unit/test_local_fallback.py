"""The local fallback of upscale and remove-background (issue 28 item 5): when the budget has no room for the Image
Service's call or the service is unavailable to the account, an operation whose request allows it runs locally
(Pillow LANCZOS, OpenCV GrabCut), records source `local` with the method and the reason, costs nothing and is not in
the spend ledger; without the allowance the enhancement fails saying why and that it could have run locally; a
throttled call, a filtered prompt or an operation that needs a generative model never falls back. Moto's S3 and
DynamoDB, the offline Image Services behind the real adapter (their fault switches deny or retire a model)."""

import io

import boto3
import numpy as np
import pytest
from botocore.config import Config
from PIL import Image, ImageDraw

from imagegate.local.bedrock_offline import FaultSwitches, OfflineBedrock
from imagegate.local.image_services_offline import OfflineImageServices
from imagegate.local.world.render import render_png
from imagegate_service import constants as c
from imagegate_service import registry, wiring
from imagegate_service.adapters.controls import DynamoDailyBudgetStore
from imagegate_service.adapters.enhancements import DynamoEnhancementStore
from imagegate_service.adapters.image_services import BedrockImageServices
from imagegate_service.adapters.local_imaging import (
    GRABCUT_BORDER,
    LOCAL_MAX_PIXELS,
    METHODS,
    remove_background,
    upscale,
)
from imagegate_service.domain.daily_budget import DailyBudget
from imagegate_service.domain.enhancements import (
    ENHANCEMENT_SUCCEEDED,
    SOURCE_BEDROCK,
    SOURCE_LOCAL,
    STEP_ENHANCE,
    EnhancementRunner,
    EnhancementStarter,
    describe_enhancements,
    fallback_reason,
)
from imagegate_service.domain.spend import SpendLedger
from imagegate_service.errors import (
    BudgetExhausted,
    ContentBlocked,
    DailyBudgetExhausted,
    InvalidRequest,
    ModelAccessDenied,
    ModelRequestRejected,
    ModelThrottled,
    ModelTransientError,
)

pytestmark = pytest.mark.unit

RUN = "run-fallback-1"
TABLE = "test-table"  # the storage fixture's (tests/unit/conftest.py)
PROMPT = "a red cup on a wooden table"
SIZE = 256
FAST = registry.image_service_for("upscale:fast").model_id
REMOVE = registry.image_service_for("remove-background").model_id


def disc_png(width=320, height=240, alpha=False):
    """A red disc in the middle of a flat blue background: what GrabCut should cut out."""
    image = Image.new("RGBA" if alpha else "RGB", (width, height), (40, 90, 200, 255) if alpha else (40, 90, 200))
    ImageDraw.Draw(image).ellipse(
        (width // 3, height // 3, 2 * width // 3, 2 * height // 3), fill=(220, 30, 30, 255) if alpha else (220, 30, 30)
    )
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def world(storage):
    """A finished run; the offline Image Services on their own session, with switches a test may set."""
    images, _ = storage
    table = boto3.resource("dynamodb").Table(TABLE)
    store = DynamoEnhancementStore(TABLE, lambda name: table)
    store.create_run(
        RUN,
        {
            "status": c.STATUS_PASSED,
            "bestRound": 1,
            "bestImageKey": c.candidate_key(RUN, 1, 0),
            "prompt": PROMPT,
            "seed": 2,
            "committedUsd": 0.1,
        },
    )
    images.put_png(c.candidate_key(RUN, 1, 0), render_png(PROMPT, "", 2, SIZE, SIZE))
    session = boto3.session.Session(region_name="us-west-2", aws_access_key_id="x", aws_secret_access_key="x")
    faults = FaultSwitches()
    bedrock = OfflineBedrock(faults)
    services = OfflineImageServices(bedrock)
    bedrock.install(session)
    services.install(session)
    config = Config(retries={"mode": "standard", "total_max_attempts": 1})
    client = session.client("bedrock-runtime", endpoint_url="http://bedrock.offline.invalid", config=config)
    yield images, store, BedrockImageServices(lambda: client), bedrock
    services.uninstall(session)
    bedrock.uninstall(session)


def enhance(world, operations, daily=None, **body):
    """Start an enhancement and run it as the workflow does (Apply Operation until done, then Finish)."""
    images, store, services, _ = world

    class Workflow:
        def start(self, name, request):
            self.request = request

    workflow = Workflow()
    started = EnhancementStarter(store, workflow).start(RUN, {"operations": operations, **body})
    request = workflow.request
    run = EnhancementRunner(
        store,
        images,
        services,
        None,
        SpendLedger(store, daily or DailyBudget(DynamoDailyBudgetStore(TABLE), cap_usd=None)),
        make_local=wiring.local_imaging,
    )
    progress = request["progress"]
    while not progress["done"]:
        progress = run.apply({**request, "index": progress["index"], "current": progress["current"], "attempt": 0})
    run.finish({**request, "current": progress["current"]})
    return store.get_enhancement(RUN, started["enhancementId"])


def spent_daily(cap):
    table = boto3.resource("dynamodb").Table(TABLE)
    return DailyBudget(DynamoDailyBudgetStore(TABLE, lambda name: table), cap_usd=cap)


def test_an_exhausted_daily_budget_runs_an_allowed_upscale_locally_at_no_cost_and_outside_the_ledger(world):
    images, store, _, bedrock = world
    daily = spent_daily(0.01)  # less than Fast Upscale's $0.03: its call does not fit
    item = enhance(world, [{"op": "upscale", "mode": "fast"}], daily=daily, allowLocalFallback=True)

    step = item["steps"]["0"]
    assert item["status"] == ENHANCEMENT_SUCCEEDED and item["costUsd"] == 0
    assert step["source"] == SOURCE_LOCAL and step["method"] == METHODS["upscale"] and "modelId" not in step
    assert step["fallbackReason"].startswith("daily budget:") and step["costUsd"] == 0
    out = Image.open(io.BytesIO(images.get_bytes(item["resultKey"])))
    assert out.size == (4 * SIZE, 4 * SIZE) == (step["width"], step["height"])
    # no model call was made or billed, none is in the ledger, the day is untouched
    assert [call for call in bedrock.calls if call.model_id == FAST] == [] and bedrock.billed_usd() == 0
    assert [e for e in store.ledger(RUN) if e["step"] == STEP_ENHANCE] == []
    assert daily.status()["spentUsd"] == 0 and daily.status()["reservedUsd"] == 0


def test_an_unavailable_model_runs_an_allowed_background_removal_locally(world):
    images, store, _, bedrock = world
    bedrock.faults.denied_models = (REMOVE,)  # AccessDeniedException: the account has no access
    item = enhance(world, [{"op": "remove-background", "allowLocalFallback": True}])

    step = item["steps"]["0"]
    assert item["status"] == ENHANCEMENT_SUCCEEDED and step["source"] == SOURCE_LOCAL
    assert step["method"] == METHODS["remove-background"] and "ModelAccessDenied" in step["fallbackReason"]
    out = Image.open(io.BytesIO(images.get_bytes(item["resultKey"])))
    assert out.size == (SIZE, SIZE) and out.mode == "RGBA"
    assert [call.outcome for call in bedrock.calls if call.model_id == REMOVE] == ["AccessDeniedException"]
    assert store.ledger(RUN) == [] and item["costUsd"] == 0
    # the API document says where the image came from
    [described] = describe_enhancements(store, type("P", (), {"url": staticmethod(lambda key: key)})(), RUN)
    assert described["steps"][0]["source"] == SOURCE_LOCAL and described["steps"][0]["modelId"] is None
    assert described["steps"][0]["method"] == METHODS["remove-background"]


def test_a_retired_model_falls_back_and_a_working_one_is_still_called_and_billed(world):
    images, store, _, bedrock = world
    bedrock.faults.retired_models = (FAST,)
    item = enhance(world, [{"op": "remove-background"}, {"op": "upscale", "mode": "fast"}], allowLocalFallback=True)

    sources = [item["steps"][str(i)]["source"] for i in range(2)]
    assert sources == [SOURCE_BEDROCK, SOURCE_LOCAL] and "ModelRetired" in item["steps"]["1"]["fallbackReason"]
    [entry] = [e for e in store.ledger(RUN) if e["step"] == STEP_ENHANCE]
    assert entry["modelId"] == REMOVE and item["costUsd"] == pytest.approx(entry["costUsd"])
    out = Image.open(io.BytesIO(images.get_bytes(item["resultKey"])))
    assert out.size == (4 * SIZE, 4 * SIZE) and out.mode == "RGBA"  # the removed background stays transparent


def test_without_the_allowance_the_operation_fails_saying_why_and_that_it_could_have_run_locally(world):
    _, store, _, bedrock = world
    bedrock.faults.denied_models = (FAST,)
    with pytest.raises(ModelAccessDenied, match="allowLocalFallback: true"):
        enhance(world, [{"op": "upscale", "mode": "fast"}])
    with pytest.raises(DailyBudgetExhausted, match=r"daily budget reached.*could run locally") as raised:
        enhance(world, [{"op": "remove-background"}], daily=spent_daily(0.01))
    assert raised.value.retry_after_seconds > 0
    assert store.ledger(RUN) == []


def test_an_allowance_never_covers_a_throttled_or_filtered_call_or_an_operation_that_needs_a_model(world):
    _, _, _, bedrock = world
    bedrock.faults.throttle_rate = 1.0
    with pytest.raises(ModelThrottled):  # the workflow retries it; past its retries the enhancement fails
        enhance(world, [{"op": "upscale", "mode": "fast"}], allowLocalFallback=True)
    bedrock.faults.throttle_rate = 0.0
    bedrock.faults.blocked_words = ("cup",)
    with pytest.raises(ContentBlocked):  # a filter's refusal is not got round locally
        enhance(world, [{"op": "upscale", "mode": "conservative", "prompt": "a cup"}], allowLocalFallback=True)
    bedrock.faults.denied_models = (registry.image_service_for("recolor").model_id,)
    with pytest.raises(ModelAccessDenied) as raised:  # a recolor needs a generative model: nothing to fall back to
        enhance(world, [{"op": "recolor", "object": "cup", "colour": "green"}], allowLocalFallback=True)
    assert "locally" not in str(raised.value)


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (DailyBudgetExhausted("daily budget reached: ...", 60), "daily budget"),
        (BudgetExhausted("would pass maxCostUsd"), "the enhancement's limit"),
        (ModelAccessDenied("not open to this account"), "model unavailable (ModelAccessDenied)"),
        (ModelRequestRejected("x: ValidationException: The provided model identifier is invalid."), "region"),
        (ModelRequestRejected("x: ValidationException: #/prompt: expected maxLength"), None),
        (ModelThrottled("ThrottlingException"), None),
        (ModelTransientError("ModelErrorException"), None),
        (ContentBlocked("Filter reason: prompt"), None),
    ],
)
def test_which_errors_count_as_a_reason_to_fall_back(error, reason):
    found = fallback_reason(error)
    assert (found is None) if reason is None else reason in found


@pytest.mark.parametrize(
    ("operation", "field"),
    [
        ({"op": "recolor", "object": "cup", "colour": "red", "allowLocalFallback": True}, "allowLocalFallback"),
        ({"op": "upscale", "mode": "fast", "allowLocalFallback": "yes"}, "allowLocalFallback"),
    ],
)
def test_a_bad_allowance_is_refused_naming_the_field_and_starts_nothing(world, operation, field):
    _, store, _, _ = world
    with pytest.raises(InvalidRequest) as raised:
        enhance(world, [operation])
    assert raised.value.field == f"operations[0].{field}"
    with pytest.raises(InvalidRequest) as raised:
        enhance(world, [{"op": "upscale", "mode": "fast"}], allowLocalFallback=1)
    assert raised.value.field == "allowLocalFallback"
    assert store.list_enhancements(RUN) == []


def test_the_request_level_allowance_is_recorded_on_the_operations_that_can_run_locally_only(world):
    item = enhance(
        world,
        [{"op": "recolor", "object": "cup", "colour": "green"}, {"op": "upscale", "mode": "fast"}],
        allowLocalFallback=True,
    )
    assert item["operations"] == [
        {"op": "recolor", "object": "cup", "colour": "green"},
        {"op": "upscale", "mode": "fast", "allowLocalFallback": True},
    ]


# -- the local methods themselves -------------------------------------------------------------------------------


@pytest.mark.parametrize(("mode", "factor"), [("fast", 4), ("conservative", 4), ("creative", 4)])
def test_a_local_upscale_is_the_services_size_by_lanczos_and_keeps_the_images_mode(mode, factor):
    out = Image.open(io.BytesIO(upscale(disc_png(), f"upscale:{mode}")))
    assert out.size == (320 * factor, 240 * factor) and out.mode == "RGB"
    with_alpha = Image.open(io.BytesIO(upscale(disc_png(alpha=True), f"upscale:{mode}")))
    assert with_alpha.mode == "RGBA"
    # a resize, not a redraw: the middle is still the disc's red, a corner still the background's blue
    assert out.getpixel((640, 480))[:3] == (220, 30, 30) and out.getpixel((4, 4))[:3] == (40, 90, 200)


def test_a_local_upscale_stays_within_its_pixel_limit():
    big = io.BytesIO()
    Image.new("RGB", (1536, 1024), (1, 2, 3)).save(big, format="PNG")
    out = Image.open(io.BytesIO(upscale(big.getvalue(), "upscale:fast")))
    assert out.size[0] * out.size[1] <= LOCAL_MAX_PIXELS and out.size[0] / out.size[1] == pytest.approx(1.5, rel=0.01)
    with pytest.raises(InvalidRequest, match="more than the local fallback takes"):
        huge = io.BytesIO()
        Image.new("RGB", (4097, 4096)).save(huge, format="PNG")
        upscale(huge.getvalue(), "upscale:fast")


def test_local_background_removal_keeps_the_size_and_makes_the_background_transparent():
    out = Image.open(io.BytesIO(remove_background(disc_png(640, 480))))
    alpha = np.asarray(out.getchannel("A"))
    assert out.size == (640, 480) and out.mode == "RGBA"
    border = int(480 * GRABCUT_BORDER)
    assert alpha[:border].max() == 0 and alpha[:, :border].max() == 0  # GrabCut's background border
    assert alpha[240, 320] == 255 and alpha[10, 320] == 0  # the disc's middle opaque, the sky above it not
    disc = alpha[160:320, 213:426] > 128
    assert disc.mean() > 0.7  # most of the disc's box is kept (the disc fills pi/4 of it)
    assert (alpha > 128).mean() < 0.2  # and little else: the disc is about 9% of the image
    # the colours are untouched where it is opaque, and the same image gives the same cut
    assert out.getpixel((320, 240))[:3] == (220, 30, 30)
    assert remove_background(disc_png(640, 480)) == remove_background(disc_png(640, 480))


def test_a_run_requests_finish_takes_the_allowance_on_its_operations_and_refuses_it_where_it_cannot_apply():
    from imagegate_service.settings import resolve_settings

    settings = resolve_settings(
        {"prompt": PROMPT, "finish": [{"op": "upscale", "mode": "fast", "allowLocalFallback": True}]}
    )
    assert settings["finish"] == [{"op": "upscale", "mode": "fast", "allowLocalFallback": True}]
    with pytest.raises(InvalidRequest) as raised:
        resolve_settings({"prompt": PROMPT, "finish": [{"op": "erase", "object": "cup", "allowLocalFallback": True}]})
    assert raised.value.field == "finish[0].allowLocalFallback" and "cannot run locally" in raised.value.message
