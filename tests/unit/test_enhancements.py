"""Enhancing a finished run: the start checks everything before it writes or starts anything; each operation is
one task whose output is kept beside the source round and recorded on the enhancement's item; every billable
call is in the spend ledger once, within the enhancement's limit and the daily budget. Moto's S3 and DynamoDB,
the offline Image Services behind the real adapter."""

import io

import boto3
import pytest
from botocore.config import Config
from PIL import Image

from imagegate.local.bedrock_offline import FaultSwitches, OfflineBedrock
from imagegate.local.image_services_offline import OfflineImageServices
from imagegate.local.world.concepts import concept_code
from imagegate.local.world.perceive import perceive
from imagegate.local.world.render import render_png
from imagegate_service import constants as c
from imagegate_service import registry, wiring
from imagegate_service.adapters.controls import DynamoDailyBudgetStore
from imagegate_service.adapters.enhancements import DynamoEnhancementStore
from imagegate_service.adapters.image_services import BedrockImageServices
from imagegate_service.domain.daily_budget import DailyBudget
from imagegate_service.domain.enhancements import (
    ENHANCEMENT_FAILED,
    ENHANCEMENT_QUEUED,
    ENHANCEMENT_SUCCEEDED,
    STEP_ENHANCE,
    STEP_ENHANCE_DETECT,
    EnhancementRunner,
    EnhancementStarter,
    mask_png,
)
from imagegate_service.domain.spend import SpendLedger
from imagegate_service.errors import (
    BudgetExhausted,
    DailyBudgetExhausted,
    GenerationNotFound,
    InvalidRequest,
    ModelThrottled,
)

pytestmark = pytest.mark.unit

RUN = "run-enhance-1"
TABLE = "test-table"  # the storage fixture's (tests/unit/conftest.py)
PROMPT = "a red cup to the left of a blue ball on a wooden table"
SIZE = 512


@pytest.fixture(scope="module")
def picture():
    for seed in range(1, 40):
        png = render_png(PROMPT, "", seed, SIZE, SIZE)
        if {concept_code("cup"), concept_code("ball")} <= {seen.code for seen in perceive(png).objects}:
            return png
    raise AssertionError("no seed drew both objects")


class Workflow:
    def __init__(self):
        self.started = []

    def start(self, name, request):
        self.started.append((name, request))
        return f"arn:aws:states:us-east-1:1:execution:enhance:{name}"


class Detector:
    """DetectLabels answering the cup's box as the world drew it."""

    def __init__(self, png, label="Cup"):
        self.calls = 0
        seen = [o for o in perceive(png).objects if o.code == concept_code("cup")]
        self.response = {
            "Labels": [
                {
                    "Name": label,
                    "Confidence": 97.0,
                    "Instances": [
                        {"BoundingBox": {"Left": o.x - o.w / 2, "Top": o.y - o.h / 2, "Width": o.w, "Height": o.h}}
                        for o in seen
                    ],
                }
            ]
        }

    def detect_labels(self, key, features, min_confidence):
        self.calls += 1
        return self.response

    def detect_text(self, key):
        raise AssertionError("not asked")


@pytest.fixture
def world(storage, picture):
    images, _ = storage
    table = boto3.resource("dynamodb").Table(TABLE)
    store = DynamoEnhancementStore(TABLE, lambda name: table)
    store.create_run(
        RUN,
        {
            "status": c.STATUS_PASSED,
            "bestRound": 2,
            "bestImageKey": c.candidate_key(RUN, 2, 1),
            "prompt": PROMPT,
            "seed": 5,
            "committedUsd": 0.3,
        },
    )
    images.put_png(c.candidate_key(RUN, 2, 1), picture)
    session = boto3.session.Session(region_name="us-west-2", aws_access_key_id="x", aws_secret_access_key="x")
    bedrock = OfflineBedrock(FaultSwitches())
    services = OfflineImageServices(bedrock)
    bedrock.install(session)
    services.install(session)
    config = Config(retries={"mode": "standard", "total_max_attempts": 1})
    client = session.client("bedrock-runtime", endpoint_url="http://bedrock.offline.invalid", config=config)
    yield images, store, BedrockImageServices(lambda: client), bedrock
    services.uninstall(session)
    bedrock.uninstall(session)


def runner(world, detector=None, daily=None):
    images, store, services, _ = world
    return EnhancementRunner(
        store,
        images,
        services,
        detector,
        SpendLedger(store, daily or DailyBudget(DynamoDailyBudgetStore(TABLE), cap_usd=None)),
        make_local=wiring.local_imaging,
    ), store


def start(world, operations, **body):
    _, store, _, _ = world
    workflow = Workflow()
    started = EnhancementStarter(store, workflow).start(RUN, {"operations": operations, **body})
    return started, workflow.started[0][1] if workflow.started else None


def run_all(run, request):
    """What the workflow does: Apply Operation until done, then Finish Enhancement."""
    progress = request["progress"]
    while not progress["done"]:
        state = {**request, "index": progress["index"], "current": progress["current"], "attempt": 0}
        progress = run.apply(state)
    return run.finish({**request, "current": progress["current"]})


def test_two_operations_run_in_order_each_kept_beside_the_source_round_and_billed_once(world):
    images, store, _, bedrock = world
    started, request = start(world, [{"op": "upscale", "mode": "fast"}, {"op": "remove-background"}])
    assert started["status"] == ENHANCEMENT_QUEUED and started["enhancementId"] == "e1"
    run, _ = runner(world)

    finished = run_all(run, request)

    item = store.get_enhancement(RUN, "e1")
    steps = [item["steps"][str(i)] for i in range(2)]
    assert item["status"] == finished["status"] == ENHANCEMENT_SUCCEEDED
    assert [s["key"].startswith(c.round_prefix(RUN, 2)) for s in steps] == [True, True]
    assert steps[1]["sourceKey"] == steps[0]["key"] and item["resultKey"] == steps[1]["key"]
    last = Image.open(io.BytesIO(images.get_bytes(item["resultKey"])))
    assert last.size == (4 * SIZE, 4 * SIZE) and last.mode == "RGBA"
    ledger = [e for e in store.ledger(RUN) if e["step"] == STEP_ENHANCE]
    prices = [registry.image_service_for(k).price_per_call_usd for k in ("upscale:fast", "remove-background")]
    assert sorted(e["costUsd"] for e in ledger) == sorted(prices) and all(e["round"] == 2 for e in ledger)
    assert item["costUsd"] == pytest.approx(sum(prices)) == pytest.approx(bedrock.billed_usd())


def test_a_redelivered_task_does_not_record_its_call_twice(world):
    _, store, _, _ = world
    _, request = start(world, [{"op": "upscale", "mode": "fast"}])
    run, _ = runner(world)
    state = {**request, "index": 0, "current": request["progress"]["current"], "attempt": 0}
    first = run.apply(state)
    again = run.apply(state)  # the same invocation delivered twice: the ledger keeps its first entry
    assert first == again
    assert len([e for e in store.ledger(RUN) if e["step"] == STEP_ENHANCE]) == 1


def test_erase_draws_its_mask_from_the_detectors_boxes_and_bills_both_calls(world, picture):
    images, store, _, _ = world
    detector = Detector(picture)
    run, _ = runner(world, detector)
    for attempt in range(12):  # the world's erase succeeds with EDIT_SUCCESS per call, seeded by the body
        started, request = start(world, [{"op": "erase", "object": "the cup"}])
        request["seed"] = attempt
        run_all(run, request)
        result = images.get_bytes(store.get_enhancement(RUN, started["enhancementId"])["resultKey"])
        if not [o for o in perceive(result).objects if o.code == concept_code("cup")]:
            break
    assert not [o for o in perceive(result).objects if o.code == concept_code("cup")]
    assert [o for o in perceive(result).objects if o.code == concept_code("ball")]
    steps = sorted(e["step"] for e in store.ledger(RUN))
    assert steps.count(STEP_ENHANCE_DETECT) == detector.calls == steps.count(STEP_ENHANCE) == attempt + 1


def test_erase_of_something_the_detector_does_not_see_fails_naming_the_object_and_pays_only_the_detector(
    world, picture
):
    _, store, _, bedrock = world
    _, request = start(world, [{"op": "erase", "object": "giraffe"}])
    run, _ = runner(world, Detector(picture))
    with pytest.raises(InvalidRequest, match="giraffe") as refused:
        run.apply({**request, "index": 0, "current": request["progress"]["current"]})
    assert refused.value.field == "operations[0].object"
    assert [e["step"] for e in store.ledger(RUN)] == [STEP_ENHANCE_DETECT] and bedrock.bill == []


def test_a_failure_is_recorded_with_its_reason(world):
    _, store, _, _ = world
    _, request = start(world, [{"op": "upscale", "mode": "fast"}])
    run, _ = runner(world)
    error = {"Error": "ModelRetired", "Cause": '{"errorMessage": "stability.stable-fast-upscale-v1:0 is retired"}'}
    run.finish({**request, "current": request["progress"]["current"], "error": error})
    item = store.get_enhancement(RUN, "e1")
    assert (
        item["status"] == ENHANCEMENT_FAILED
        and item["error"] == "ModelRetired: stability.stable-fast-upscale-v1:0 is retired"
    )


def test_the_enhancements_limit_stops_a_call_that_would_pass_it(world):
    _, store, _, bedrock = world
    # Given a limit below the conservative upscale's price
    _, request = start(world, [{"op": "upscale", "mode": "conservative"}], maxCostUsd=0.1)
    run, _ = runner(world)
    with pytest.raises(BudgetExhausted):
        run.apply({**request, "index": 0, "current": request["progress"]["current"]})
    assert bedrock.bill == [] and store.ledger(RUN) == []
    assert store.get_run(RUN)["committedUsd"] == pytest.approx(0.3)  # nothing left reserved


def test_the_daily_budget_is_respected_and_settled(world):
    _, _store, _, _ = world
    table = boto3.resource("dynamodb").Table(TABLE)
    daily = DailyBudget(DynamoDailyBudgetStore(TABLE, lambda name: table), cap_usd=0.05)
    _, request = start(
        world, [{"op": "upscale", "mode": "fast"}, {"op": "recolor", "object": "cup", "colour": "green"}]
    )
    run, _ = runner(world, daily=daily)
    progress = run.apply({**request, "index": 0, "current": request["progress"]["current"]})  # $0.03 fits
    with pytest.raises(DailyBudgetExhausted):  # $0.07 does not fit in what is left of $0.05
        run.apply({**request, **{"index": 1, "current": progress["current"]}})
    status = daily.status()
    assert status["spentUsd"] == pytest.approx(0.03) and status["reservedUsd"] == pytest.approx(0.0)


def test_a_throttled_call_is_not_billed_and_gives_its_reservation_back(world):
    _images, store, _services, bedrock = world
    bedrock.faults.throttle_rate = 1.0
    _, request = start(world, [{"op": "upscale", "mode": "fast"}])
    run, _ = runner(world)
    with pytest.raises(ModelThrottled):
        run.apply({**request, "index": 0, "current": request["progress"]["current"]})
    assert store.ledger(RUN) == [] and store.get_run(RUN)["committedUsd"] == pytest.approx(0.3)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"operations": []}, "operations"),
        ({"operations": [{"op": "upscale", "mode": "x"}]}, "operations[0].mode"),
        ({"operations": [{"op": "remove-background"}], "maxCostUsd": 0}, "maxCostUsd"),
        ({"operations": [{"op": "remove-background"}], "colour": "red"}, "colour"),
    ],
)
def test_bad_input_starts_nothing_and_writes_nothing(world, body, field):
    _, store, _, _ = world
    workflow = Workflow()
    with pytest.raises(InvalidRequest) as refused:
        EnhancementStarter(store, workflow).start(RUN, body)
    assert refused.value.field == field and workflow.started == [] and store.list_enhancements(RUN) == []


def test_a_run_without_a_finished_image_cannot_be_enhanced(world):
    _, store, _, _ = world
    store.create_run("running", {"status": c.STATUS_RUNNING})
    with pytest.raises(InvalidRequest, match="no finished image"):
        EnhancementStarter(store, Workflow()).start("running", {"operations": [{"op": "remove-background"}]})
    with pytest.raises(GenerationNotFound):
        EnhancementStarter(store, Workflow()).start("nobody", {"operations": [{"op": "remove-background"}]})


def test_enhancements_of_one_run_get_their_own_ids_and_limits(world):
    _, store, _, _ = world
    first, _request_1 = start(world, [{"op": "remove-background"}])
    second, request_2 = start(world, [{"op": "upscale", "mode": "fast"}], maxCostUsd=0.5)
    assert (first["enhancementId"], second["enhancementId"]) == ("e1", "e2")
    assert request_2["settings"]["maxCostUsd"] == pytest.approx(0.3 + 0.5)
    assert {e["enhancementId"] for e in store.list_enhancements(RUN)} == {"e1", "e2"}


def test_the_mask_is_a_png_white_inside_the_boxes():
    png = mask_png(100, 50, [(0.5, 0.5, 0.2, 0.2)])
    image = Image.open(io.BytesIO(png))
    assert image.mode == "L" and image.size == (100, 50)
    assert image.getpixel((60, 30)) == 255 and image.getpixel((10, 10)) == 0


@pytest.mark.parametrize(
    ("finish", "field"),
    [([{"op": "upscale"}], "finish[0].mode"), ([{"op": "erase"}], "finish[0].object"), ([], "finish")],
)
def test_a_bad_finish_in_a_run_request_is_refused_naming_the_field(finish, field):
    from imagegate_service.settings import resolve_settings

    with pytest.raises(InvalidRequest) as refused:
        resolve_settings({"prompt": "a red cup", "finish": finish})
    assert refused.value.field == field


# Every operation the API takes, as its JSON (issue 28's "tests per operation"): erase names what the detector sees.
EACH_OPERATION = {
    "remove-background": {"op": "remove-background"},
    "replace-background": {"op": "replace-background", "prompt": "a sunny beach"},
    "outpaint": {"op": "outpaint", "left": 128, "up": 64, "prompt": "more of the room"},
    "upscale:fast": {"op": "upscale", "mode": "fast"},
    "upscale:conservative": {"op": "upscale", "mode": "conservative"},
    "upscale:creative": {"op": "upscale", "mode": "creative"},
    "recolor": {"op": "recolor", "object": "the cup", "colour": "green"},
    "replace": {"op": "replace", "object": "the cup", "with": "a teapot"},
    "erase": {"op": "erase", "object": "the cup"},
}


def test_every_operation_of_the_registry_is_covered_here():
    assert set(EACH_OPERATION) == set(registry.image_service_operations())


@pytest.mark.parametrize("key", sorted(EACH_OPERATION))
def test_each_operation_is_sent_as_documented_recorded_once_and_billed_once_at_its_price(world, picture, key):
    images, store, _, bedrock = world
    service = registry.image_service_for(key)
    _, request = start(world, [EACH_OPERATION[key]], maxCostUsd=5)
    run, _ = runner(world, Detector(picture))
    state = {**request, "index": 0, "current": request["progress"]["current"], "attempt": 0}

    first = run.apply(state)
    again = run.apply(state)  # a re-delivered invocation

    # The one call the offline provider answered passed its check of the documented body (registry fields: no
    # extraneous key, every required one, each within its type, enum, length and range) ...
    calls = [call for call in bedrock.calls if call.model_id == service.model_id]
    assert [call.outcome for call in calls] == ["ok"]
    assert set(calls[0].body) <= set(service.fields)
    assert {name for name, rule in service.fields.items() if rule.get("required")} <= set(calls[0].body)
    # ... its output is kept once beside the source round and recorded on the enhancement's step
    assert first == again
    step = store.get_enhancement(RUN, "e1")["steps"]["0"]
    assert step["key"].startswith(c.round_prefix(RUN, 2)) and images.get_bytes(step["key"]).startswith(b"\x89PNG")
    # ... and billed once, at the registry's price, in the ledger and in the provider's own bill
    billed = [e for e in store.ledger(RUN) if e["step"] == STEP_ENHANCE]
    assert [float(e["costUsd"]) for e in billed] == [pytest.approx(service.price_per_call_usd)]
    assert [b.model_id for b in bedrock.bill] == [service.model_id]


@pytest.mark.parametrize("key", sorted(EACH_OPERATION))
def test_each_operation_stays_within_the_daily_budget(world, picture, key):
    _, store, _, bedrock = world
    service = registry.image_service_for(key)
    table = boto3.resource("dynamodb").Table(TABLE)
    # Given a daily cap a little below the operation's price (the erase's detector call still fits)
    daily = DailyBudget(DynamoDailyBudgetStore(TABLE, lambda name: table), cap_usd=service.price_per_call_usd - 0.001)
    _, request = start(world, [EACH_OPERATION[key]], maxCostUsd=5)
    run, _ = runner(world, Detector(picture), daily=daily)
    # Then its call is not made: nothing billed for the service, nothing left reserved
    with pytest.raises(DailyBudgetExhausted):
        run.apply({**request, "index": 0, "current": request["progress"]["current"], "attempt": 0})
    assert not [call for call in bedrock.calls if call.model_id == service.model_id] and bedrock.bill == []
    assert not [e for e in store.ledger(RUN) if e["step"] == STEP_ENHANCE]
    assert daily.status()["reservedUsd"] == pytest.approx(0.0)
    assert daily.status()["spentUsd"] <= service.price_per_call_usd - 0.001 + 1e-9
