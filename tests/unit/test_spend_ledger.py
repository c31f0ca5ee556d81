"""The spend ledger and the budget guard (domain/spend.py), the round's writes (one transaction) and what a run
says the content filter blocked: issue 10, items 2-5, one step at a time on moto storage."""

import json
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from imagegate_service import constants as c
from imagegate_service import wiring
from imagegate_service.domain.finishing import blocked_reason
from imagegate_service.domain.generating import RoundGenerator
from imagegate_service.domain.ports import GeneratedImages
from imagegate_service.domain.recording import RoundRecorder
from imagegate_service.domain.spend import SpendLedger, totals
from imagegate_service.domain.start import RunStarter
from imagegate_service.errors import (
    BudgetExhausted,
    ImagesFiltered,
    ModelThrottled,
    StoreThrottled,
)

pytestmark = pytest.mark.unit

RUN = "run-1"
PNG = b"\x89PNG\r\n\x1a\n fake"


def started(storage, **settings):
    _, runs = storage
    return RunStarter(runs).start({"prompt": "a red apple", **settings}, RUN, "arn")


def billed_call(ledger, state, cost, *, step=c.STEP_JUDGE, candidate=1, round_number=1, bound=None):
    with ledger.call(
        state,
        round_number=round_number,
        step=step,
        candidate=candidate,
        model_id="m",
        bound_usd=bound if bound is not None else cost,
    ) as billed:
        billed.answered(cost)


# -- item 2: every billable call once -----------------------------------------------------------------------
def test_a_redelivered_invocation_records_its_call_once_and_a_new_attempt_is_a_new_call(storage):
    _, runs = storage
    state = started(storage)
    ledger = SpendLedger(runs, wiring.daily_budget())

    # When the same attempt runs twice (a Lambda re-delivery) and then the task is retried (attempt 1)
    billed_call(ledger, state, 0.002)
    billed_call(ledger, state, 0.002)
    billed_call(ledger, {**state, "attempt": 1}, 0.003)

    # Then the ledger has two calls and the run's committed spend is exactly their sum
    entries = runs.ledger(RUN)
    assert [entry["callId"] for entry in entries] == ["01-judge-1-a0", "01-judge-1-a1"]
    assert runs.get_run(RUN)["committedUsd"] == pytest.approx(0.005)
    assert totals(entries) == {"costUsd": 0.005, "evaluationCostUsd": 0.0}


@pytest.mark.parametrize(
    "failure, outcome", [(ValueError("garbage"), c.CALL_INVALID), (ImagesFiltered("all blocked"), c.CALL_FILTERED)]
)
def test_a_call_whose_answer_is_thrown_away_is_still_recorded_with_what_became_of_it(storage, failure, outcome):
    _, runs = storage
    state = started(storage)

    with (
        pytest.raises(type(failure)),
        SpendLedger(runs, wiring.daily_budget()).call(
            state, round_number=1, step=c.STEP_GENERATE, candidate=1, model_id="m", bound_usd=0.08
        ) as billed,
    ):
        billed.answered(0.08)
        raise failure

    [entry] = runs.ledger(RUN)
    assert entry["outcome"] == outcome and entry["costUsd"] == pytest.approx(0.08)


def test_a_throttled_call_is_not_billed_and_gives_its_reservation_back(storage):
    _, runs = storage
    state = started(storage)

    with (
        pytest.raises(ModelThrottled),
        SpendLedger(runs, wiring.daily_budget()).call(
            state, round_number=1, step=c.STEP_JUDGE, candidate=1, model_id="m", bound_usd=0.01
        ),
    ):
        raise ModelThrottled("ThrottlingException")

    assert runs.ledger(RUN) == []
    assert runs.get_run(RUN)["committedUsd"] == 0


# -- item 3: the budget is a hard limit, retries included ---------------------------------------------------
def test_a_call_that_could_pass_the_budget_is_not_made(storage):
    _, runs = storage
    state = started(storage, maxCostUsd=0.2)
    ledger = SpendLedger(runs, wiring.daily_budget())
    billed_call(ledger, state, 0.08, step=c.STEP_GENERATE)
    made = []

    # When a retried judge call whose upper bound does not fit in what is left is about to be made
    with (
        pytest.raises(BudgetExhausted, match="maxCostUsd"),
        ledger.call(
            {**state, "attempt": 2}, round_number=1, step=c.STEP_JUDGE, candidate=1, model_id="m", bound_usd=0.13
        ),
    ):
        made.append(True)

    # Then it is not made, and nothing is committed for it
    assert made == []
    assert runs.get_run(RUN)["committedUsd"] == pytest.approx(0.08)


def test_reservations_never_commit_more_than_the_budget_whatever_their_order(storage):
    _, runs = storage
    started(storage, maxCostUsd=0.2)
    bounds = [0.06, 0.04, 0.08, 0.02, 0.1, 0.04]

    accepted = [bound for bound in bounds if runs.reserve_spend(RUN, bound, 0.2)]

    assert sum(accepted) <= 0.2 + 1e-12 and len(accepted) < len(bounds)
    assert runs.get_run(RUN)["committedUsd"] == pytest.approx(sum(accepted))
    assert not runs.reserve_spend(RUN, 0.2 - sum(accepted) + 0.001, 0.2)


# -- item 5: a round's images are exactly what it lists -----------------------------------------------------
class FilteringGenerator:
    """Draws `delivered` images of each call, the output filter withholding the rest (Titan/Canvas answer so)."""

    def __init__(self, delivered):
        self.delivered = delivered
        self.calls = 0

    def generate_call(self, request, first, count, on_answered):
        self.calls += 1
        on_answered()
        if not self.delivered:
            raise ImagesFiltered("All of the generated images have been blocked by our content filters.")
        return GeneratedImages(images=[PNG] * self.delivered, requested=count, filter_message="Some were blocked")

    def generate(self, request):  # the one-call interface of earlier versions
        return GeneratedImages(images=[PNG] * self.delivered, requested=request.count, filter_message=None)


def canvas_state(storage, candidates=3):
    state = started(storage, generator="stability.sd3-5-large-v1:0", candidatesPerRound=candidates)
    return state


def test_a_retry_that_delivers_fewer_images_leaves_no_earlier_candidate_behind(storage):
    images, runs = storage
    state = canvas_state(storage)
    # Given an earlier attempt of round 1 stored three candidates and then failed before it could finish
    for number in (1, 2, 3):
        images.put_png(c.candidate_key(RUN, 1, number), PNG)

    # When the retried task's calls deliver one image (the others withheld by the output filter)
    generator = FilteringGenerator(delivered=1)
    result = RoundGenerator(generator, images, SpendLedger(runs, wiring.daily_budget())).generate(
        {**state, "attempt": 1}
    )

    # Then the round's objects are exactly the keys it lists
    stored = {key for key in images.list_keys(c.round_prefix(RUN, 1)) if key.endswith(".png")}
    assert stored == set(result["imageKeys"])
    assert result["filtered"] == 0 or len(result["imageKeys"]) < 3


def test_a_retried_generation_reuses_the_calls_already_delivered(storage):
    images, runs = storage
    state = canvas_state(storage)
    generator = FilteringGenerator(delivered=1)
    first = RoundGenerator(generator, images, SpendLedger(runs, wiring.daily_budget())).generate(state)

    # When the task runs again (a re-delivery), nothing is asked or billed twice
    again = RoundGenerator(generator, images, SpendLedger(runs, wiring.daily_budget())).generate(state)

    assert again["imageKeys"] == first["imageKeys"]
    assert generator.calls == 3  # Stability: one call per candidate, each made once
    assert len(runs.ledger(RUN)) == 3


def test_a_round_whose_images_were_all_filtered_records_their_cost(storage):
    images, runs = storage
    state = canvas_state(storage, candidates=2)

    with pytest.raises(ImagesFiltered, match="round 1"):
        RoundGenerator(FilteringGenerator(delivered=0), images, SpendLedger(runs, wiring.daily_budget())).generate(
            state
        )

    entries = runs.ledger(RUN)
    assert [entry["outcome"] for entry in entries] == [c.CALL_FILTERED] * 2
    assert totals(entries)["costUsd"] == pytest.approx(2 * 0.08)  # filtered images are billed (registry policy)
    # And recording the filtered round moves the loop on with a new seed, the cost on the run item
    loop = RoundRecorder(runs, images).record_filtered(state)
    assert loop["round"] == 2 and loop["seed"] != state["loop"]["seed"] and loop["prompt"] == state["loop"]["prompt"]
    assert runs.get_run(RUN)["costUsd"] == pytest.approx(0.16) and runs.get_run(RUN)["filteredRounds"] == [1]


def test_the_exported_folder_drops_a_candidate_storage_no_longer_has(tmp_path):
    from imagegate.export import export_run

    # Given a run folder exported while round 1 had two candidates
    run_item = {"runId": RUN, "status": "RUNNING", "prompt": "a red apple", "settings": {}}
    prefix = f"{c.RUNS_PREFIX}{RUN}/"
    two = {f"{prefix}round-01/candidate-1.png": PNG, f"{prefix}round-01/candidate-2.png": PNG}
    export_run(run_item, [], lambda p: list(two.items()), tmp_path)

    # When it is exported again after the round was retried with one image
    one = {f"{prefix}round-01/candidate-1.png": PNG}
    export_run(run_item, [], lambda p: list(one.items()), tmp_path)

    # Then the folder has only what storage has
    assert sorted(p.name for p in (tmp_path / RUN / "round-01").glob("*.png")) == ["candidate-1.png"]


# -- item 5: the round and the run's totals in one transaction ---------------------------------------------
class ThrottleOnce:
    """A table whose first write that updates the run item (alone or in a transaction) is throttled."""

    def __init__(self, table):
        self._table, self.throttled = table, 0

    def __getattr__(self, name):
        return getattr(self._table, name)

    def _throttle(self, operation):
        def call(**kwargs):
            if not self.throttled:
                self.throttled += 1
                raise ClientError(
                    {"Error": {"Code": "ProvisionedThroughputExceededException", "Message": "slow"}}, operation
                )
            return getattr(self._table, operation)(**kwargs)

        return call

    @property
    def update_item(self):
        return self._throttle("update_item")

    @property
    def meta(self):
        table = self

        class Client:
            def __getattr__(self, name):
                return getattr(table._table.meta.client, name)

            @property
            def transact_write_items(self):
                original = table._table.meta.client.transact_write_items

                def call(**kwargs):
                    if not table.throttled:
                        table.throttled += 1
                        raise ClientError(
                            {"Error": {"Code": "ThrottlingException", "Message": "slow"}}, "TransactWriteItems"
                        )
                    return original(**kwargs)

                return call

        class Meta:
            client = Client()

        return Meta()


def test_a_throttled_round_write_leaves_neither_half_and_its_retry_writes_both(storage):
    from imagegate_service.adapters.storage import DynamoRunRepository

    images, runs = storage
    state = started(storage)
    key = c.candidate_key(RUN, 1, 1)
    images.put_json(
        c.verdict_key(RUN, 1),
        {
            "bestCandidate": 1,
            "candidates": [
                {
                    "candidate": 1,
                    "imageKey": key,
                    "verdict": {
                        "score": 6.0,
                        "explanation": "close",
                        "suggestions": [],
                        "subscores": {"promptAdherence": 6},
                    },
                }
            ],
        },
    )
    state["generation"] = {"round": 1, "imageKeys": [key], "costUsd": 0.08, "durationMs": 5}
    state["judgement"] = {
        "score": 6.0,
        "bestCandidate": 1,
        "imageKey": key,
        "verdictKey": c.verdict_key(RUN, 1),
        "costUsd": 0.001,
        "durationMs": 5,
    }
    billed_call(SpendLedger(runs, wiring.daily_budget()), state, 0.08, step=c.STEP_GENERATE)
    proxy = ThrottleOnce(runs._table)
    throttled = DynamoRunRepository("t", lambda name: proxy)

    # When Record Round's write is throttled
    with pytest.raises(StoreThrottled):
        RoundRecorder(throttled, images).record(state)

    # Then neither the round nor the run's totals were written (DynamoDB's answer is a named, retried error)
    assert runs.list_rounds(RUN) == [] and runs.get_run(RUN)["rounds"] == 0
    # And the retried task writes both
    RoundRecorder(throttled, images).record(state)
    assert len(runs.list_rounds(RUN)) == 1 and runs.get_run(RUN)["rounds"] == 1


def test_the_state_machine_retries_dynamodb_throttling_on_every_step_that_writes():
    definition = json.loads((Path(__file__).parents[2] / "statemachine" / "quality_loop.asl.json").read_text())
    states = definition["States"]
    writers = [
        "Generate Images",
        "Pick Best",
        "Evaluate Round",
        "Record Round",
        "Rewrite Prompt",
        "Record Filtered Round",
        "Record Passed",
        "Record Out Of Rounds",
        "Record Out Of Budget",
        "Record Blocked",
        "Record Failure",
    ]
    judge = states["Judge Images"]["ItemProcessor"]["States"]["Judge Candidate"]
    for name, state in [*((name, states[name]) for name in writers), ("Judge Candidate", judge)]:
        assert any("StoreThrottled" in rule["ErrorEquals"] for rule in state["Retry"]), name
    # and each candidate is judged by its own task inside an inline Map
    assert states["Judge Images"]["Type"] == "Map"
    assert states["Judge Images"]["ItemProcessor"]["ProcessorConfig"]["Mode"] == "INLINE"


# -- item 4: what the content filter blocked -----------------------------------------------------------------
@pytest.mark.parametrize(
    "loop, error, expected",
    [
        ({"round": 1, "prompt": "a red apple"}, {"Error": "ContentBlocked"}, "the content filter blocked your prompt"),
        (
            {"round": 3, "prompt": "a rewritten apple"},
            {"Error": "ContentBlocked"},
            "the content filter blocked the rewritten prompt of round 3",
        ),
        (
            {"round": 3, "prompt": "a red apple", "lastFilteredRound": 2},
            {"Error": "ImagesFiltered"},
            "the content filter blocked the generated images of round 2",
        ),
    ],
)
def test_the_reason_says_exactly_what_was_blocked(loop, error, expected):
    state = {"settings": {"prompt": "a red apple"}, "loop": loop, "error": error}

    assert blocked_reason(state).startswith(expected)
