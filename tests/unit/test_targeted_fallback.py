"""Issue 28.2, reviewer's finding 2: a targeted round whose Stability AI Image Service cannot be used (refused to the
account, retired, unknown, not in the region) draws its prompt with the generator instead of failing the run. Domain
level, on moto storage: Generate Images' fallback (domain/generating.py), what the round records and what later rounds
plan (domain/refining.py), and which refusals count (domain/enhancing.py, unavailable_reason)."""

import pytest

from imagegate_service import constants as c
from imagegate_service import registry, wiring
from imagegate_service.adapters.bedrock import access_denied_message
from imagegate_service.domain.enhancing import unavailable_reason
from imagegate_service.domain.generating import RoundGenerator
from imagegate_service.domain.ports import GeneratedImages
from imagegate_service.domain.refining import fallback_change, made_edit, plan_targeted, public_edit
from imagegate_service.domain.spend import SpendLedger, totals
from imagegate_service.domain.start import RunStarter
from imagegate_service.errors import (
    ContentBlocked,
    ModelAccessDenied,
    ModelNotFound,
    ModelRequestRejected,
    ModelRetired,
    ModelThrottled,
    ModelTransientError,
)

pytestmark = pytest.mark.unit

RUN = "run-1"
SD35 = "stability.sd3-5-large-v1:0"
RECOLOR = registry.image_service_for("recolor").model_id
SOURCE_KEY = c.candidate_key(RUN, 1, 1)
PNG = b"\x89PNG\r\n\x1a\n fake"


class Drawing:
    """The generator: one image per call; records what it was asked."""

    def __init__(self):
        self.requests = []

    def generate_call(self, request, first, count, on_answered):
        self.requests.append((request, first))
        on_answered()
        return GeneratedImages(images=[PNG] * count, requested=count, filter_message=None)


class Refusing:
    """The Image Services: each call raises `errors` in turn (None: answers an image), before Bedrock answered
    (a refusal is not billed)."""

    def __init__(self, *errors):
        self.errors = list(errors)
        self.calls = 0

    def apply(self, request, on_answered):
        self.calls += 1
        error = self.errors.pop(0) if self.errors else None
        if error is None:
            on_answered()
            return PNG
        raise error


def targeted_state(storage, fallback_seed=41, candidates=2):
    images, runs = storage
    state = RunStarter(runs).start(
        {"prompt": "a red cup", "generator": SD35, "candidatesPerRound": candidates, "strategy": "targeted"},
        RUN,
        "arn",
    )
    images.put_png(SOURCE_KEY, PNG)
    edit = {
        "sourceImageKey": SOURCE_KEY,
        "sourceRound": 1,
        "task": "recolor",
        "object": "cup",
        "colour": "red",
        "fallbackSeed": fallback_seed,
    }
    return {**state, "loop": {**state["loop"], "round": 2, "seed": 7, "edit": edit}}


def generator_for(storage, services):
    images, runs = storage
    return RoundGenerator(Drawing(), images, SpendLedger(runs, wiring.daily_budget()), make_services=lambda: services)


DENIED = ModelAccessDenied(f"{RECOLOR} is not open to this account (AccessDeniedException)")


def test_a_denied_targeted_round_draws_its_prompt_instead_billing_only_the_drawn_calls(storage):
    images, runs = storage
    state = targeted_state(storage)
    services = Refusing(DENIED)
    rounds = generator_for(storage, services)

    generation = rounds.generate(state)

    # Then the one refused call was not retried, and the generator drew the round from the prompt, with the
    # fallback's seed and no edit
    assert services.calls == 1
    drawn = rounds._generator.requests
    assert [first for _, first in drawn] == [1, 2]  # SD3.5 Large: one image per call
    assert all(r.edit is None and r.seed == 41 and r.prompt == state["loop"]["prompt"] for r, _ in drawn)
    assert len(generation["imageKeys"]) == 2
    # And $.generation says so, with the edit it could not make, the service and why
    fallback = generation["targetedFallback"]
    assert fallback["edit"] == public_edit(state["loop"]["edit"]) and fallback["modelId"] == RECOLOR
    assert "ModelAccessDenied" in fallback["reason"] and fallback["seed"] == 41
    # And generation.json keeps it beside the calls made
    noted = images.get_json(c.generation_key(RUN, 2))
    assert noted["targetedFallback"] == fallback and noted["seed"] == 41 and set(noted["calls"]) == {"1", "2"}
    # And the ledger holds the two drawn calls only, at the generator's price; the refusal's reservation is back
    entries = runs.ledger(RUN)
    assert [e["modelId"] for e in entries] == [SD35, SD35]
    assert runs.get_run(RUN)["committedUsd"] == pytest.approx(totals(entries)["costUsd"])
    assert generation["costUsd"] == pytest.approx(totals(entries)["costUsd"])


def test_a_retried_fallback_round_does_not_ask_the_service_again_nor_pay_twice(storage):
    _, runs = storage
    state = targeted_state(storage)
    first = generator_for(storage, Refusing(DENIED)).generate(state)
    # When the task runs again (a re-delivery, or a retry after a throttled drawn call)
    services = Refusing()  # would answer, were it asked
    again = generator_for(storage, services).generate({**state, "attempt": 1})
    # Then the service is not asked, the drawn calls are reused, nothing is billed twice
    assert services.calls == 0
    assert again["imageKeys"] == first["imageKeys"] and again["targetedFallback"] == first["targetedFallback"]
    assert len(runs.ledger(RUN)) == 2


@pytest.mark.parametrize(
    "error",
    [
        ModelThrottled("ThrottlingException"),  # busy, not unavailable: the state machine retries it
        ModelTransientError("ModelErrorException"),
        ContentBlocked("the request was blocked"),  # a filter is never got round
        ModelRequestRejected("ValidationException: image too small"),
    ],
)
def test_only_an_unavailable_service_falls_back(storage, error):
    images, _ = storage
    state = targeted_state(storage)
    rounds = generator_for(storage, Refusing(error))
    with pytest.raises(type(error)):
        rounds.generate(state)
    assert rounds._generator.requests == [] and images.find_json(c.generation_key(RUN, 2)) is None


def test_a_refusal_after_an_edit_was_answered_fails_the_task_rather_than_change_course(storage):
    _, runs = storage
    state = targeted_state(storage)
    rounds = generator_for(storage, Refusing(None, DENIED))  # candidate 1 edited, candidate 2 refused
    with pytest.raises(ModelAccessDenied):
        rounds.generate(state)
    assert rounds._generator.requests == []
    assert [e["modelId"] for e in runs.ledger(RUN)] == [RECOLOR]  # the answered edit is billed once


def test_without_a_chosen_seed_the_fallback_draws_with_the_rounds_own(storage):
    state = targeted_state(storage)
    del state["loop"]["edit"]["fallbackSeed"]
    generation = generator_for(storage, Refusing(DENIED)).generate(state)
    assert generation["targetedFallback"]["seed"] == 7


@pytest.mark.parametrize(
    "error, unavailable",
    [
        (ModelAccessDenied("not subscribed"), True),
        (ModelRetired("end of life"), True),
        (ModelNotFound("ResourceNotFoundException"), True),
        (ModelRequestRejected("ValidationException: The provided model identifier is invalid."), True),
        (ModelRequestRejected("ValidationException: prompt too long"), False),
        (ModelThrottled("ThrottlingException"), False),
        (ContentBlocked("filtered"), False),
    ],
)
def test_which_refusals_make_a_service_unavailable(error, unavailable):
    assert (unavailable_reason(error) is not None) is unavailable


def test_the_round_is_recorded_drawn_says_why_and_that_service_is_not_planned_again():
    edit = {"sourceImageKey": SOURCE_KEY, "sourceRound": 1, "task": "recolor", "object": "cup", "colour": "red"}
    loop = {"round": 2, "seed": 7, "edit": edit, "bestRound": 1, "bestImageKey": SOURCE_KEY, "bestScore": 6.0}
    fallback = {"edit": public_edit(edit), "modelId": RECOLOR, "reason": "model unavailable (x)", "seed": 41}
    # The round made no edit when it fell back, and its note names the edit, the seed and the reason
    assert made_edit(loop, {"round": 2, "imageKeys": [], "costUsd": 0.0, "targetedFallback": fallback}) is None
    assert made_edit(loop, {"round": 2, "imageKeys": [], "costUsd": 0.0}) == edit
    note = fallback_change(fallback)
    assert "recolor cup red" in note and "seed 41" in note and note.endswith("model unavailable (x)")
    # And once a round fell back for that service, no later round plans an edit with it, of any image
    failed = [{"question": "is the cup red?", "satisfied": False, "kind": "colour", "subject": "cup", "colour": "red"}]
    settings = {"strategy": c.STRATEGY_TARGETED}
    fell = {"round": 2, "mode": c.MODE_GENERATE, "sourceImageKey": None, "targetedFallback": fallback}
    other_best = {**loop, "bestRound": 2, "bestImageKey": c.candidate_key(RUN, 2, 1)}
    assert plan_targeted(settings, loop, failed, []) is not None
    assert plan_targeted(settings, loop, failed, [fell]) is None
    assert plan_targeted(settings, other_best, failed, [fell]) is None
    # ... while an edit another service makes is still planned
    absent = [{"question": "no dog?", "satisfied": False, "kind": "absent", "subject": "dog"}]
    assert plan_targeted(settings, loop, absent, [fell])["task"] == "erase"


def test_a_denied_image_service_is_told_to_subscribe_not_to_switch_to_a_text_model():
    said = access_denied_message(RECOLOR, "AccessDeniedException", "You don't have access to the model.")
    assert said.startswith(RECOLOR) and "Stability AI Image Services" in said and "switch to" not in said
    assert "You don't have access to the model." in said
    # a generator's still names what to switch to
    assert "switch to" in access_denied_message(SD35, "AccessDeniedException", "no access")
