"""Issue 13's units: the review body and decision rules, the Step Functions callback port (Stubber), the daily
ledger's invariants on DynamoDB (moto) under any interleaving of calls, and the API's answers (400/404/409/429,
GET /budget) with nothing written when a request is refused."""

from __future__ import annotations

import io
import json
import random
from datetime import UTC, datetime, timedelta

import boto3
import pytest
from botocore.stub import Stubber
from moto import mock_aws

from imagegate.local.serve import rest_proxy_event
from imagegate_service import constants as c
from imagegate_service import wiring
from imagegate_service.adapters.controls import DynamoDailyBudgetStore, DynamoReviewStore
from imagegate_service.adapters.storage import DynamoRunRepository
from imagegate_service.adapters.workflow import StepFunctionsWorkflow
from imagegate_service.domain.daily_budget import DailyBudget, next_midnight, seconds_to_midnight
from imagegate_service.domain.generations import Generations
from imagegate_service.domain.review import (
    REVIEW_FEEDBACK_MAX_CHARS,
    Reviews,
    approved_loop,
    approved_readings,
    parse_review,
    reviewed_round,
)
from imagegate_service.errors import DailyBudgetExhausted, GenerationNotRunning, InvalidRequest, ReviewNotWaiting
from imagegate_service.resources import RUNS_TABLE
from imagegate_service.settings import resolve_settings

pytestmark = pytest.mark.unit

TABLE = "controls-test-table"
TOKEN = "token-" + "x" * 40
RUN_ID = "20260101T000000Z-00000001"


# -- the review body and the decision's rules ----------------------------------------------------------
@pytest.mark.parametrize(
    ("body", "field"),
    [
        (None, "body"),
        ("approve", "body"),
        ({}, "decision"),
        ({"decision": "APPROVE"}, "decision"),
        ({"decision": "reject", "feedback": "   "}, "feedback"),
        ({"decision": "reject", "feedback": 3}, "feedback"),
        ({"decision": "approve", "feedback": "a\x00b"}, "feedback"),
        ({"decision": "approve", "reviewer": "me"}, "reviewer"),
    ],
)
def test_a_bad_review_body_names_the_field(body, field):
    with pytest.raises(InvalidRequest) as refused:
        parse_review(body)
    assert refused.value.field == field


def test_a_good_review_body_keeps_the_decision_and_the_trimmed_feedback():
    assert parse_review({"decision": "approve"}) == {"decision": "approve", "feedback": ""}
    assert parse_review({"decision": "reject", "feedback": "  bluer sky \n"}) == {
        "decision": "reject",
        "feedback": "bluer sky",
    }
    limit = "x" * REVIEW_FEEDBACK_MAX_CHARS
    assert parse_review({"decision": "reject", "feedback": limit})["feedback"] == limit


@pytest.mark.parametrize("seed", range(20))
def test_the_round_under_review_is_the_passing_round_else_the_best(seed):
    rng = random.Random(seed)
    rounds = rng.randint(1, 10)
    threshold = rng.uniform(0, 10)
    loop = {"roundsCompleted": rounds, "lastScore": rng.uniform(0, 10), "bestRound": rng.randint(1, rounds)}
    chosen = reviewed_round(loop, {"threshold": threshold})
    assert chosen == (rounds if loop["lastScore"] >= threshold else loop["bestRound"])
    assert 1 <= chosen <= rounds


def test_an_approval_makes_the_approved_round_the_result():
    # Given a loop whose best round is 1, and round 2 under review
    loop = {"bestRound": 1, "bestScore": 9.0, "bestImageKey": "k1", "bestEvaluation": None, "round": 2}
    rounds = [
        {"round": 1, "score": 9.0, "bestImageKey": "k1", "evaluation": {"passed": True, "source": "x"}},
        {
            "round": 2,
            "score": 8.0,
            "bestImageKey": "k2",
            "evaluation": {
                "passed": False,
                "source": "x",
                "checks": [
                    {"question": "Is there a cow?", "satisfied": False},
                    {"question": "Is it grazing?", "satisfied": None},
                ],
            },
        },
    ]
    # When round 2 is approved
    approved = approved_loop(loop, {"decision": "approve", "round": 2}, rounds)
    # Then round 2 is the result, with its own evaluation; a rejection or no review changes nothing
    assert (approved["bestRound"], approved["bestScore"], approved["bestImageKey"]) == (2, 8.0, "k2")
    counted = {"passed": False, "source": "x", "satisfied": 0, "verifiable": 1, "unverifiable": 1}
    assert approved["bestEvaluation"] == counted  # in counts, as Record Round keeps it
    assert approved_loop(loop, {"decision": "reject", "round": 2}, rounds) == loop
    assert approved_loop(loop, None, rounds) == loop


def test_an_approval_of_another_round_lists_that_rounds_evaluation_and_verification():
    # Given round 1 (the best-scoring one, whose readings Record Round wrote on the run item) and round 2, whose
    # evaluator was unavailable and whose verifier failed a check
    rounds = [
        {"round": 1, "score": 9.0, "bestImageKey": "k1", "evaluation": {"passed": True, "source": "x"}},
        {
            "round": 2,
            "score": 8.0,
            "bestImageKey": "k2",
            "evaluation": {"unavailable": "ModelTimeout"},
            "verification": {
                "passed": False,
                "source": "rekognition",
                "status": "complete",
                "unverifiable": 0,
                "checks": [{"question": "Are there four ducks?", "satisfied": False, "evidence": "3 ducks"}],
            },
        },
    ]
    loop = {"bestRound": 1, "bestScore": 9.0, "bestImageKey": "k1", "bestEvaluation": None, "round": 2}
    # When round 2 is approved
    readings = approved_readings(approved_loop(loop, {"decision": "approve", "round": 2}, rounds), rounds)
    # Then the run item lists round 2's readings, the unavailable evaluation said (a None would keep round 1's)
    assert readings["evaluation"] == {"unavailable": True}
    assert readings["verification"] == {
        "passed": False,
        "status": "complete",
        "source": "rekognition",
        "satisfied": 0,
        "verifiable": 1,
        "unverifiable": 0,
    }
    # and without an approval, the best round's own readings (what Record Round wrote)
    assert approved_readings(loop, rounds)["evaluation"]["passed"] is True


@pytest.mark.parametrize("seed", range(30))
def test_retry_after_is_the_whole_seconds_to_the_next_utc_midnight(seed):
    moment = datetime(2026, 3, 1, tzinfo=UTC) + timedelta(seconds=random.Random(seed).uniform(0, 86400))
    wait = seconds_to_midnight(moment)
    assert 1 <= wait <= 86400
    assert moment + timedelta(seconds=wait) >= next_midnight(moment) > moment + timedelta(seconds=wait - 1)
    assert next_midnight(moment).time() == datetime.min.time() and next_midnight(moment).date() > moment.date()


# -- the callback port ----------------------------------------------------------------------------------
def _workflow_with(stub_answer):
    client = boto3.client("stepfunctions", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
    stubber = Stubber(client)
    stub_answer(stubber)
    stubber.activate()
    return StepFunctionsWorkflow("arn:aws:states:us-east-1:1:stateMachine:loop", lambda: client), stubber


def test_send_task_success_answers_the_token_with_the_output_as_json():
    output = {"decision": "approve", "round": 1}
    workflow, stubber = _workflow_with(
        lambda s: s.add_response("send_task_success", {}, {"taskToken": TOKEN, "output": json.dumps(output)})
    )
    assert workflow.send_task_success(TOKEN, output) is True
    stubber.assert_no_pending_responses()


@pytest.mark.parametrize("code", ["TaskTimedOut", "TaskDoesNotExist", "InvalidToken"])
def test_a_task_that_no_longer_waits_is_false_not_an_error(code):
    workflow, _ = _workflow_with(lambda s: s.add_client_error("send_task_success", service_error_code=code))
    assert workflow.send_task_success(TOKEN, {}) is False


def test_a_throttled_answer_is_workflow_throttled_and_other_errors_are_raised():
    from botocore.exceptions import ClientError

    from imagegate_service.adapters.workflow import WorkflowThrottled

    for code in ("ThrottlingException", "KmsThrottlingException"):
        workflow, _ = _workflow_with(
            lambda s, code=code: s.add_client_error("send_task_success", service_error_code=code)
        )
        with pytest.raises(WorkflowThrottled):
            workflow.send_task_success(TOKEN, {})
    workflow, _ = _workflow_with(lambda s: s.add_client_error("send_task_success", service_error_code="InvalidOutput"))
    with pytest.raises(ClientError):
        workflow.send_task_success(TOKEN, {})


# -- DynamoDB (moto): the review store and the daily ledger -----------------------------------------------
@pytest.fixture
def table(monkeypatch):
    monkeypatch.setenv(c.ENV_TABLE, TABLE)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv(c.ENV_DAILY_BUDGET_USD, raising=False)
    from imagegate_service.adapters import aws_clients

    aws_clients.client.cache_clear()
    aws_clients.dynamodb_table.cache_clear()
    with mock_aws():
        boto3.client("dynamodb").create_table(**RUNS_TABLE.create_table_arguments(TABLE))
        yield DynamoRunRepository(TABLE)
    aws_clients.client.cache_clear()
    aws_clients.dynamodb_table.cache_clear()


class FakeCallbacks:
    def __init__(self, waiting=True):
        self.waiting, self.sent = waiting, []

    def send_task_success(self, task_token, output):
        self.sent.append((task_token, output))
        return self.waiting


def _waiting_run(runs):
    runs.create_run(RUN_ID, {"status": c.STATUS_RUNNING, "prompt": "p", "settings": {}})
    runs.put_round(RUN_ID, 1, {"score": 5.0})
    assert DynamoReviewStore().wait_for_review(RUN_ID, TOKEN, 1, {"reviewDeadline": "2026-01-02T00:00:00.000Z"})


def test_a_review_takes_the_token_once_and_records_itself_with_the_round(table):
    # Given a run that waits for its review
    _waiting_run(table)
    callbacks = FakeCallbacks()
    # When it is approved
    answer = Reviews(DynamoRunRepository(), DynamoReviewStore(), callbacks=callbacks).submit(
        RUN_ID, {"decision": "approve"}, "alice"
    )
    # Then the task is answered with the token, which the answer and the run item no longer hold
    assert TOKEN not in json.dumps(answer) and callbacks.sent[0][0] == TOKEN
    item = table.get_run(RUN_ID)
    assert item["status"] == c.STATUS_RUNNING and c.REVIEW_TOKEN_ATTRIBUTE not in item
    (round_item,) = table.list_rounds(RUN_ID)
    assert [r["reviewer"] for r in round_item["reviews"]] == ["alice"]
    # a second review finds nothing waiting
    with pytest.raises(ReviewNotWaiting):
        Reviews(DynamoRunRepository(), DynamoReviewStore(), callbacks=callbacks).submit(
            RUN_ID, {"decision": "approve"}, "bob"
        )
    assert len(callbacks.sent) == 1


def test_a_review_that_arrives_after_the_wait_ended_is_refused_and_withdrawn(table):
    _waiting_run(table)
    with pytest.raises(ReviewNotWaiting):
        Reviews(DynamoRunRepository(), DynamoReviewStore(), callbacks=FakeCallbacks(waiting=False)).submit(
            RUN_ID, {"decision": "approve"}, "alice"
        )
    (round_item,) = table.list_rounds(RUN_ID)
    assert round_item.get("reviews") == []


@pytest.mark.parametrize("code", ["ThrottlingException", "InvalidOutput"])
def test_an_answer_step_functions_did_not_take_leaves_the_run_waiting_for_the_same_review_again(table, code):
    # Given a run that waits for its review, and Step Functions refusing the first answer (throttled, or an error)
    from botocore.exceptions import ClientError

    from imagegate_service.errors import Throttled

    _waiting_run(table)
    before = table.get_run(RUN_ID)

    def refuse_then_take(stubber):
        stubber.add_client_error("send_task_success", service_error_code=code)
        stubber.add_response("send_task_success", {})

    workflow, stubber = _workflow_with(refuse_then_take)
    reviews = Reviews(DynamoRunRepository(), DynamoReviewStore(), callbacks=workflow)
    # When the review is sent
    with pytest.raises(Throttled if code == "ThrottlingException" else ClientError):
        reviews.submit(RUN_ID, {"decision": "reject", "feedback": "bluer sky"}, "alice")
    # Then the run still waits with its token, round and deadline, and the refused review is not recorded
    item = table.get_run(RUN_ID)
    assert item["status"] == c.STATUS_AWAITING_REVIEW
    assert {k: item.get(k) for k in (c.REVIEW_TOKEN_ATTRIBUTE, "reviewRound", "reviewDeadline")} == {
        k: before.get(k) for k in (c.REVIEW_TOKEN_ATTRIBUTE, "reviewRound", "reviewDeadline")
    }
    assert table.list_rounds(RUN_ID)[0].get("reviews") == []
    # And the same review sent again is taken once
    answer = reviews.submit(RUN_ID, {"decision": "reject", "feedback": "bluer sky"}, "alice")
    assert answer["review"]["decision"] == c.REVIEW_REJECT
    assert [r["feedback"] for r in table.list_rounds(RUN_ID)[0]["reviews"]] == ["bluer sky"]
    stubber.assert_no_pending_responses()


def test_a_run_stopped_while_it_waits_is_marked_failed_without_its_token(table):
    # Given a run that waits for its review with its task token
    _waiting_run(table)
    # When Mark Run Ended marks it (its execution was stopped, or timed out)
    assert DynamoRunRepository(TABLE).fail_if_running(RUN_ID, {"reason": "execution ABORTED"}) is True
    # Then it is FAILED and keeps neither the token nor the deadline, so no review can be taken
    item = table.get_run(RUN_ID)
    assert item["status"] == c.STATUS_FAILED
    assert c.REVIEW_TOKEN_ATTRIBUTE not in item and "reviewDeadline" not in item
    with pytest.raises(ReviewNotWaiting):
        Reviews(DynamoRunRepository(), DynamoReviewStore(), callbacks=FakeCallbacks()).submit(
            RUN_ID, {"decision": "approve"}, "alice"
        )


def test_a_run_that_ended_cannot_be_made_to_wait(table):
    table.create_run(RUN_ID, {"status": c.STATUS_PASSED, "prompt": "p", "settings": {}})
    assert DynamoReviewStore().wait_for_review(RUN_ID, TOKEN, 1, {}) is False
    assert c.REVIEW_TOKEN_ATTRIBUTE not in table.get_run(RUN_ID)


@pytest.mark.parametrize("seed", range(3))
def test_no_interleaving_of_reservations_and_settlements_passes_the_daily_cap(table, seed):
    # Given a small cap and several runs whose calls are taken, answered (at most their bound) or not, in any order
    rng = random.Random(seed)
    cap = 0.5
    budget = DailyBudget(DynamoDailyBudgetStore(), cap_usd=cap)
    settings = resolve_settings({"prompt": "a red apple"})
    in_flight, refused, max_committed = [], 0, 0.0
    for _step in range(150):
        if in_flight and rng.random() < 0.5:
            day, bound = in_flight.pop(rng.randrange(len(in_flight)))
            if rng.random() < 0.8:
                budget.settle(day, bound, bound * rng.uniform(0.2, 1.0))
            else:
                budget.give_back(day, bound)
        else:
            state = {"runId": f"run-{rng.randrange(5)}", "settings": settings}
            try:
                bound = rng.uniform(0.001, 0.06)
                in_flight.append((budget.take(state, rng.randint(1, 3), bound), bound))
            except DailyBudgetExhausted:
                refused += 1
        item = DynamoDailyBudgetStore().day(budget.status()["day"])
        max_committed = max(max_committed, float(item["committedUsd"]))
        if rng.random() < 0.05:
            budget.release_run(f"run-{rng.randrange(5)}")
    for day, bound in in_flight:
        budget.settle(day, bound, bound)
    for number in range(5):
        budget.release_run(f"run-{number}")
    # Then what was committed never passed the cap, the cap did refuse, and once everything settled and was
    # released, nothing is left reserved and the settled spend is within the cap
    status = budget.status()
    assert max_committed <= cap + 1e-9 and refused > 0
    assert status["reservedUsd"] == pytest.approx(0.0, abs=1e-9)
    assert 0 < status["spentUsd"] <= cap


def test_a_run_crossing_utc_midnight_counts_each_round_on_the_day_it_was_reserved(table):
    # Given a clock one second before midnight and a run whose round 1 reserves then
    now = [datetime(2026, 3, 1, 23, 59, 59, tzinfo=UTC)]
    budget = DailyBudget(DynamoDailyBudgetStore(), clock=lambda: now[0], cap_usd=1.0)
    state = {"runId": RUN_ID, "settings": resolve_settings({"prompt": "a red apple"})}
    first = budget.take(state, 1, 0.01)
    # When its next call of round 1 comes after midnight, and then round 2 starts
    now[0] += timedelta(seconds=2)
    second = budget.take(state, 1, 0.01)
    third = budget.take(state, 2, 0.02)
    for day, bound in ((first, 0.01), (second, 0.01), (third, 0.02)):
        budget.settle(day, bound, bound / 2)
    budget.release_run(RUN_ID)
    # Then round 1's calls settle on the day its reservation was checked against, round 2's on the new day, and
    # each day ends with nothing reserved and only its own spend
    assert first == second == "2026-03-01" and third == "2026-03-02"
    store = DynamoDailyBudgetStore()
    days = {day: store.day(day) for day in ("2026-03-01", "2026-03-02")}
    assert {day: float(item["spentUsd"]) for day, item in days.items()} == pytest.approx(
        {"2026-03-01": 0.01, "2026-03-02": 0.01}
    )
    assert all(float(item["committedUsd"]) == pytest.approx(float(item["spentUsd"])) for item in days.values())
    assert budget.status()["day"] == "2026-03-02" and budget.status()["reservedUsd"] == pytest.approx(0.0)


class _DrawsBeforeTheRelease(DynamoDailyBudgetStore):
    """A store where a billable call of the run draws from its round's reservation between release_run's read of
    the reservation and its release: a stopped execution's Lambda still running while Mark Run Ended gives the
    run's reservation back (neither StopExecution nor moto's stop ends a task already running)."""

    def __init__(self, amount):
        super().__init__()
        self.amount, self.drawn = amount, []

    def release(self, reservation, now):
        if not self.drawn:
            self.drawn.append(self.draw(reservation["runId"], int(reservation["round"]), self.amount))
        return super().release(reservation, now)


def test_a_call_drawing_from_a_round_while_its_run_is_released_leaves_nothing_reserved(table):
    # Given a run whose round 2 holds its reservation, and a call of that round that draws from it while the run
    # is released (the release then finds less left than it read)
    store = _DrawsBeforeTheRelease(0.01)
    budget = DailyBudget(store, cap_usd=1.0)
    state = {"runId": RUN_ID, "settings": resolve_settings({"prompt": "a red apple"})}
    first = budget.take(state, 2, 0.02)
    budget.settle(first, 0.02, 0.015)
    # When the run is released, and the call drawn meanwhile is answered afterwards
    budget.release_run(RUN_ID)
    (day,) = store.drawn
    budget.settle(day, 0.01, 0.004)
    # Then nothing stays reserved (issue 29: $0.08 stayed reserved for a run stopped mid round), and the day's
    # spend is the two answered calls
    status = budget.status()
    assert status["reservedUsd"] == pytest.approx(0.0, abs=1e-9)
    assert status["spentUsd"] == pytest.approx(0.019, abs=1e-9)
    assert store.open_reservations(RUN_ID) == []


def test_a_round_whose_first_call_comes_after_its_run_ended_is_not_reserved_or_called(table):
    # Given a running run on a day with a cap, and a task of its round 2 that started before its execution stopped
    table.create_run(RUN_ID, {"status": c.STATUS_RUNNING, "prompt": "p", "settings": {}})
    budget = DailyBudget(DynamoDailyBudgetStore(), cap_usd=1.0)
    state = {"runId": RUN_ID, "settings": resolve_settings({"prompt": "a red apple"})}
    day = budget.take(state, 1, 0.02)
    budget.settle(day, 0.02, 0.01)
    # When Mark Run Ended marks it FAILED and gives back what it held, and only then that task makes its first call
    assert table.fail_if_running(RUN_ID, {"reason": "the execution was aborted"})
    budget.release_run(RUN_ID)
    with pytest.raises(GenerationNotRunning):
        budget.take(state, 2, 0.02)
    # Then round 2 is not reserved: nothing stays reserved (issue 29: $0.080425 stayed reserved for a run stopped
    # while a task of its next round was starting), only round 1's answered call is spent
    status = budget.status()
    assert status["reservedUsd"] == pytest.approx(0.0, abs=1e-9)
    assert status["spentUsd"] == pytest.approx(0.01, abs=1e-9)
    assert DynamoDailyBudgetStore().open_reservations(RUN_ID) == []
    # And a round of a run that has not ended is reserved as before, for a run with no item yet too
    other = {"runId": "20260101T000000Z-00000002", "settings": state["settings"]}
    assert budget.take(other, 1, 0.02) == day


def test_without_a_cap_nothing_is_reserved_or_refused(table):
    budget = wiring.daily_budget()
    assert budget.take({"runId": RUN_ID, "settings": {}}, 1, 5.0) is None
    assert budget.status()["capUsd"] is None and budget.release_run(RUN_ID) is None


def test_a_cap_from_the_environment_that_is_not_a_positive_amount_names_the_setting(table, monkeypatch):
    monkeypatch.setenv(c.ENV_DAILY_BUDGET_USD, "-3")
    with pytest.raises(InvalidRequest) as refused:
        wiring.daily_budget().status()
    assert refused.value.field == "dailyBudgetUsd"


# -- the HTTP API ---------------------------------------------------------------------------------------
@pytest.fixture
def api(table, monkeypatch, lambda_context):
    from imagegate_service.handlers import api as module

    sfn = boto3.client("stepfunctions")
    arn = sfn.create_state_machine(
        name="loop",
        roleArn="arn:aws:iam::123456789012:role/loop",
        definition=json.dumps({"StartAt": "Wait", "States": {"Wait": {"Type": "Pass", "End": True}}}),
    )["stateMachineArn"]
    monkeypatch.setenv(c.ENV_STATE_MACHINE_ARN, arn)
    monkeypatch.setattr(
        module,
        "generations",
        Generations(
            table,
            StepFunctionsWorkflow(),
            wiring.url_signer(),
            wiring.daily_budget(),
            wiring.idempotency_store,
            lambda run_id: False,
        ),
    )
    monkeypatch.setattr(
        module, "reviews", Reviews(DynamoRunRepository(), DynamoReviewStore(), callbacks=FakeCallbacks())
    )

    def call(method, path, body=None):
        raw = json.dumps(body).encode("utf-8") if body is not None else b""
        event = rest_proxy_event(method, path, [("Content-Type", "application/json")], raw)
        response = module.handler(event, lambda_context)
        headers = {
            **(response.get("headers") or {}),
            **{k: v[-1] for k, v in (response.get("multiValueHeaders") or {}).items()},
        }
        return response["statusCode"], json.loads(response["body"]), headers

    call.sfn, call.arn = sfn, arn
    return call


def test_the_api_reviews_a_waiting_run_and_refuses_what_it_cannot(api, table):
    # Given a run that waits for its review
    _waiting_run(table)
    # When a rejection without feedback, an approval, a second approval and a review of an unknown id arrive
    # Then they are a 400 naming feedback, a 200 without the token, a 409 and a 404
    assert api("POST", f"/generations/{RUN_ID}/review", {"decision": "reject"})[:2] == (
        400,
        {
            "error": "InvalidRequest",
            "message": "feedback: is required with reject: say what the next round should change",
            "field": "feedback",
        },
    )
    status, answer, _ = api("POST", f"/generations/{RUN_ID}/review", {"decision": "approve"})
    assert status == 200 and answer["review"]["decision"] == "approve" and TOKEN not in json.dumps(answer)
    status, answer, _ = api("POST", f"/generations/{RUN_ID}/review", {"decision": "approve"})
    assert (status, answer["error"]) == (409, "ReviewNotWaiting")
    assert api("POST", "/generations/20260101T000000Z-0000000f/review", {"decision": "approve"})[0] == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"decision": "reject", "feedback": "bluer \ud800 sky"}, "feedback"),
        ({"decision": "reject", "\udc80": "x"}, "\\udc80"),
    ],
)
def test_a_review_with_a_lone_surrogate_is_400_naming_the_field_and_leaves_the_run_waiting(api, table, body, field):
    # Given a run that waits for its review
    _waiting_run(table)
    # When a review whose text holds a lone UTF-16 surrogate arrives (json.dumps sends it as the escape \ud800)
    status, answer, _ = api("POST", f"/generations/{RUN_ID}/review", body)
    # Then it is a 400 naming the field (it was a 500), and the run still waits for a review
    assert (status, answer["error"], answer["field"]) == (400, "InvalidRequest", field), answer
    assert "surrogate" in answer["message"] or "not a review field" in answer["message"]
    assert api("POST", f"/generations/{RUN_ID}/review", {"decision": "approve"})[0] == 200


def test_a_waiting_generation_shows_its_review_round_and_never_its_token(api, table):
    # Given a run that waits for the review of its round 1
    table.create_run(
        RUN_ID,
        {"status": c.STATUS_RUNNING, "prompt": "p", "settings": {}, "startedAt": "2026-01-01T00:00:00.000Z"},
    )
    table.put_round(RUN_ID, 1, {"score": 5.0, "prompt": "p", "passed": True, "imageKeys": []})
    DynamoReviewStore().wait_for_review(RUN_ID, TOKEN, 1, {"reviewDeadline": "2026-01-02T00:00:00.000Z"})
    # When the generation is read through the API
    status, answer, _ = api("GET", f"/generations/{RUN_ID}")
    # Then it shows the round under review and its deadline, never the token
    assert status == 200 and answer["status"] == c.STATUS_AWAITING_REVIEW
    assert answer["awaitingReview"] == {"round": 1, "deadline": "2026-01-02T00:00:00.000Z"}
    assert TOKEN not in json.dumps(answer)


def test_over_the_daily_cap_a_generation_is_429_with_retry_after_and_starts_nothing(api, table, monkeypatch):
    # Given a cap today's committed spend leaves no room under
    monkeypatch.setenv(c.ENV_DAILY_BUDGET_USD, "0.05")
    status, budget, _ = api("GET", "/budget")
    assert status == 200 and budget["capUsd"] == 0.05 and budget["spentUsd"] == 0
    # When a generation whose first round could cost more than the cap is asked for
    status, answer, headers = api("POST", "/generations", {"prompt": "a red apple", "candidatesPerRound": 5})
    # Then it is refused until the next UTC midnight, with no run item and no execution
    assert (status, answer["error"]) == (429, "DailyBudgetExhausted")
    assert 1 <= int(headers["Retry-After"]) <= 86400
    assert table.list_recent_runs(10)[0] == []
    assert api.sfn.list_executions(stateMachineArn=api.arn)["executions"] == []


def test_a_refused_request_with_an_idempotency_key_keeps_no_record_and_the_key_works_later(
    api, table, monkeypatch, lambda_context
):
    # Given a cap with no room, and a request carrying an Idempotency-Key
    from imagegate_service.handlers import api as module

    monkeypatch.setenv(c.ENV_DAILY_BUDGET_USD, "0.05")
    request = {"prompt": "a red apple", "candidatesPerRound": 5}
    # When it is refused
    with pytest.raises(DailyBudgetExhausted):
        module.generations.start(request, idempotency_key="key-1", lambda_context=lambda_context)
    # Then no idempotency record, run item or execution is left behind
    items = boto3.resource("dynamodb").Table(TABLE).scan()["Items"]
    assert [item["pk"] for item in items if str(item["pk"]).startswith("IDEMPOTENCY")] == []
    assert api.sfn.list_executions(stateMachineArn=api.arn)["executions"] == []
    # And once the cap has room, the same key starts the generation (neither replayed nor "in progress")
    monkeypatch.setenv(c.ENV_DAILY_BUDGET_USD, "100")
    answer = module.generations.start(request, idempotency_key="key-1", lambda_context=lambda_context)
    assert answer["replayed"] is False and len(api.sfn.list_executions(stateMachineArn=api.arn)["executions"]) == 1


def test_a_benchmark_refuses_runs_that_would_wait_for_a_review():
    from imagegate_service.benchmark.suites import SuiteItem
    from imagegate_service.domain.benchmarking import arm_request

    item = SuiteItem(id="a", prompt="a red apple", category="c", settings={}, anchor=False, metadata={})
    assert arm_request("loop", {"review": c.REVIEW_NONE}, item)["prompt"] == "a red apple"
    with pytest.raises(InvalidRequest) as refused:
        arm_request("loop", {"review": c.REVIEW_FINAL}, item)
    assert refused.value.field == "settings.review"


@pytest.mark.parametrize("text", ["0", "-1", "nan", "inf", "ten"])
def test_the_daily_budget_flag_takes_only_an_amount_above_zero(text):
    import argparse

    from imagegate.controls_cli import positive_amount

    with pytest.raises(argparse.ArgumentTypeError):
        positive_amount(text)
    assert positive_amount("0.25") == 0.25


def test_a_run_that_is_not_running_fails_the_review_step_instead_of_waiting(table):
    from imagegate_service.domain.review import ReviewPause

    table.create_run(RUN_ID, {"status": c.STATUS_FAILED, "prompt": "p", "settings": {}})
    state = {
        "runId": RUN_ID,
        "taskToken": TOKEN,
        "settings": {"threshold": 5, "reviewTimeoutSeconds": 60},
        "loop": {"lastScore": 6, "roundsCompleted": 1, "bestRound": 1},
    }
    with pytest.raises(ReviewNotWaiting):
        ReviewPause(DynamoReviewStore()).wait(state)


# -- the reviews in a run's folder: report.html and imagegate show ----------------------------------------
def test_report_and_show_list_each_rounds_reviews_escaped_in_order(tmp_path):
    # Given a run document whose round was rejected (feedback with markup) and then approved
    from imagegate.cli import _print_run
    from imagegate.export import build_run_document
    from imagegate.report import render_run_report
    from imagegate.terminal import Terminal

    reviews = [
        {
            "decision": "reject",
            "feedback": "<b>greener</b> apple",
            "round": 1,
            "reviewer": "alice",
            "reviewedAt": "2026-01-01T10:00:00.000Z",
        },
        {
            "decision": "approve",
            "feedback": "",
            "round": 1,
            "reviewer": "bob",
            "reviewedAt": "2026-01-01T11:00:00.000Z",
        },
    ]
    round_item = {
        "round": 1,
        "prompt": "an apple",
        "score": 8.0,
        "subscores": {},
        "passed": True,
        "explanation": "fine",
        "suggestions": [],
        "bestImageKey": "runs/r1/round-01/candidate-1.png",
        "imageKeys": ["runs/r1/round-01/candidate-1.png"],
        "verdictKey": "runs/r1/round-01/verdict.json",
        "costUsd": 0.01,
        "reviews": reviews,
    }
    run = {"runId": "r1", "status": "PASSED", "prompt": "an apple", "settings": {"threshold": 7}, "bestRound": 1}
    document = build_run_document(run, [round_item])

    # When the report is rendered and the run is shown on the terminal
    html = render_run_report(document)
    shown = io.StringIO()
    _print_run(document, tmp_path, Terminal(shown, interactive=False))

    # Then both list the reviews in order with who and when, the feedback escaped in HTML
    assert "<b>greener</b>" not in html and "&lt;b&gt;greener&lt;/b&gt; apple" in html
    assert html.index("rejected by alice") < html.index("approved by bob at 2026-01-01T11:00:00.000Z")
    lines = [line.strip() for line in shown.getvalue().splitlines() if line.strip().startswith("review:")]
    assert lines == [
        "review: rejected by alice at 2026-01-01T10:00:00.000Z: “<b>greener</b> apple”",
        "review: approved by bob at 2026-01-01T11:00:00.000Z",
    ]


@pytest.mark.parametrize(("days", "rounds"), [(1, 1), (1, 10), (3, 4), (30, 10)])
def test_a_review_run_that_could_outlast_the_retention_is_refused_naming_the_limit(monkeypatch, days, rounds):
    # Given a deployment that keeps runs for some days
    import re

    monkeypatch.setenv(c.ENV_RUN_TTL_DAYS, str(days))
    request = {"prompt": "a red apple", "review": c.REVIEW_FINAL, "maxRounds": rounds, "reviewTimeoutSeconds": 604800}
    # When a review run asks for waits that, after every round, would end after the run's items are removed
    with pytest.raises(InvalidRequest) as refused:
        resolve_settings(request)
    # Then it is refused naming reviewTimeoutSeconds and the longest wait that fits, which is then taken,
    # while one second more is not
    assert refused.value.field == "reviewTimeoutSeconds" and f"{days} days" in str(refused.value)
    limit = int(re.search(r"the limit is (\d+) s", str(refused.value)).group(1))
    assert rounds * limit <= days * 24 * 3600
    assert resolve_settings({**request, "reviewTimeoutSeconds": limit})["reviewTimeoutSeconds"] == limit
    with pytest.raises(InvalidRequest):
        resolve_settings({**request, "reviewTimeoutSeconds": limit + 1})
    # And without review the same settings are no concern of the retention
    assert resolve_settings({**request, "review": c.REVIEW_NONE})["maxRounds"] == rounds
