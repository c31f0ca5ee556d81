"""Human review (run setting review "final"): the workflow pauses in a `.waitForTaskToken` task (Await Review), whose
function stores the task token on the run item (AWAITING_REVIEW); POST /generations/{id}/review takes the decision,
records it with the round under review (who, when, decision, feedback) and answers the task (SendTaskSuccess). The
workflow then ends the run PASSED (approve), or turns the feedback into the next round's suggestions (reject) while
rounds and budget remain, else ends it EXHAUSTED; no answer within reviewTimeoutSeconds ends it EXHAUSTED (the
task's States.Timeout). The token never leaves the run item: no API answer, export or log carries it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from imagegate_service import constants as c
from imagegate_service.domain.clock import iso, utc_now
from imagegate_service.domain.gate import judge_passes
from imagegate_service.domain.ports import Clock, ReviewStore, RunRepository, TaskCallbacks
from imagegate_service.domain.readings import evaluation_summary, verification_summary
from imagegate_service.domain.run_ids import is_run_id
from imagegate_service.domain.state import (
    Loop,
    ReviewDecision,
    ReviewPauseFields,
    ReviewStep,
    ReviewWait,
    RoundItem,
    RunReadings,
    Settings,
)
from imagegate_service.errors import GenerationNotFound, InvalidRequest, ReviewNotWaiting, Throttled, WorkflowThrottled
from imagegate_service.settings import check_encodable, is_control_character

REVIEW_FEEDBACK_MAX_CHARS = 1000

_BODY_FIELDS = ("decision", "feedback")
REVIEWER_MAX_CHARS = 200


class ReviewPause:
    """Await Review's function: the run waits with its task token; returns nothing the state needs."""

    def __init__(self, reviews: ReviewStore, clock: Clock = utc_now):
        self._reviews = reviews
        self._clock = clock

    def wait(self, state: ReviewStep) -> ReviewWait:
        run_id, loop, settings = state["runId"], state["loop"], state["settings"]
        now = self._clock()
        round_number = reviewed_round(loop, settings)
        deadline = now + timedelta(seconds=int(settings["reviewTimeoutSeconds"]))
        waiting = self._reviews.wait_for_review(
            run_id,
            state["taskToken"],
            round_number,
            {"reviewDeadline": iso(deadline), "updatedAt": iso(now)},
        )
        if not waiting:  # nobody could ever answer this task: fail the step instead of waiting out the timeout
            raise ReviewNotWaiting(f"run {run_id} is not running, so it cannot wait for a review")
        return {"round": round_number, "deadline": iso(deadline)}


def reviewed_round(loop: Loop, settings: Settings) -> int:
    """The round a person reviews: the one that just passed the gate (after a rejection it may score below an
    earlier, rejected round), else, out of rounds, the best round."""
    if loop.get("gatePassed", judge_passes(loop["lastScore"], settings["threshold"])):
        return int(loop["roundsCompleted"])
    return int(loop["bestRound"])


def approved_loop(loop: Loop, review: ReviewDecision | None, rounds: list[RoundItem]) -> Loop:
    """The loop with the approved round as the run's result (Record Approved: the person chose that image)."""
    if not review or review.get("decision") != c.REVIEW_APPROVE:
        return loop
    chosen = next((entry for entry in rounds if int(entry["round"]) == int(review["round"])), None)
    if chosen is None:
        return loop
    return {
        **loop,
        "bestRound": int(chosen["round"]),
        "bestScore": chosen["score"],
        "bestImageKey": chosen["bestImageKey"],
        "bestEvaluation": evaluation_summary(chosen.get("evaluation")),
    }


def approved_readings(loop: Loop, rounds: list[RoundItem]) -> RunReadings:
    """The run item's evaluation and verification (the listing's badges and its filter) for the result round of
    an approved loop. Record Round wrote the best-scoring round's; a person may approve another round, whose
    readings must then stand beside the result. The runs table drops null attributes, so an evaluation that was
    unavailable is said ({"unavailable": true}) rather than left as None, which would keep the earlier round's."""
    chosen = next((entry for entry in rounds if int(entry["round"]) == int(loop["bestRound"])), None)
    if chosen is None:
        return {}
    return {
        "evaluation": evaluation_summary(chosen.get("evaluation")) or {"unavailable": True},
        "verification": verification_summary(chosen.get("verification")),
    }


def parse_review(body: Any) -> dict[str, str]:
    """A review body: {"decision": "approve"} or {"decision": "reject", "feedback": "..."}; InvalidRequest names
    the field otherwise."""
    if not isinstance(body, dict):
        raise InvalidRequest("body", 'must be a JSON object such as {"decision": "approve"}')
    unknown = sorted(set(body) - set(_BODY_FIELDS))
    if unknown:
        name = unknown[0].encode("utf-8", "backslashreplace").decode("utf-8")  # a key may hold a lone surrogate
        raise InvalidRequest(name, f"is not a review field; allowed: {', '.join(_BODY_FIELDS)}")
    decision = body.get("decision")
    if decision is None:
        raise InvalidRequest("decision", f"is required: one of {', '.join(c.REVIEW_DECISIONS)}")
    if decision not in c.REVIEW_DECISIONS:
        raise InvalidRequest("decision", f"{str(decision)[:40]!r} is not one of {', '.join(c.REVIEW_DECISIONS)}")
    feedback = body.get("feedback", "")
    if not isinstance(feedback, str):
        raise InvalidRequest("feedback", "must be a string")
    check_encodable("feedback", feedback)
    feedback = feedback.strip()
    if len(feedback) > REVIEW_FEEDBACK_MAX_CHARS:
        raise InvalidRequest("feedback", f"is {len(feedback)} characters; the limit is {REVIEW_FEEDBACK_MAX_CHARS}")
    for position, char in enumerate(feedback):
        if is_control_character(char):
            raise InvalidRequest("feedback", f"contains the control character U+{ord(char):04X} at position {position}")
    if decision == c.REVIEW_REJECT and not feedback:
        raise InvalidRequest("feedback", "is required with reject: say what the next round should change")
    return {"decision": decision, "feedback": feedback}


class Reviews:
    """POST /generations/{id}/review and `imagegate review`: take the decision and answer the waiting task."""

    def __init__(
        self,
        runs: RunRepository,
        reviews: ReviewStore,
        callbacks: TaskCallbacks,
        clock: Clock = utc_now,
    ):
        self._runs = runs
        self._reviews = reviews
        self._callbacks = callbacks
        self._clock = clock

    def submit(self, run_id: str, body: Any, reviewer: str) -> dict[str, Any]:
        if not is_run_id(run_id):
            raise GenerationNotFound(f"no generation has the id {run_id!r}")
        decision = parse_review(body)
        item = self._runs.get_run(run_id)
        if item is None:
            raise GenerationNotFound(f"no generation has the id {run_id!r}")
        token = item.get(c.REVIEW_TOKEN_ATTRIBUTE)
        if item["status"] != c.STATUS_AWAITING_REVIEW or not token:
            raise ReviewNotWaiting(f"generation {run_id} is {item['status']}, not waiting for a review")
        round_number = int(item["reviewRound"])
        reviewed_at = iso(self._clock())
        review: ReviewDecision = {
            "decision": decision["decision"],
            "feedback": decision["feedback"],
            "round": round_number,
            "reviewer": reviewer[:REVIEWER_MAX_CHARS] or "anonymous",
            "reviewedAt": reviewed_at,
        }
        if not self._reviews.take_review(run_id, token, round_number, review):
            raise ReviewNotWaiting(f"generation {run_id} is no longer waiting for a review")
        try:
            answered = self._callbacks.send_task_success(token, review)
        except Exception as error:
            # Step Functions did not take the answer (throttled, an error of its own): the task still waits for
            # this token, so the run waits again with it and the review never counted; the reviewer may send it
            # again (had it been taken after all, the second answer finds the task gone: 409)
            waiting_again: ReviewPauseFields = {"updatedAt": reviewed_at}
            if item.get("reviewDeadline") is not None:
                waiting_again["reviewDeadline"] = item["reviewDeadline"]
            self._reviews.wait_for_review(run_id, token, round_number, waiting_again)
            self._reviews.withdraw_review(run_id, round_number, reviewed_at)
            if isinstance(error, WorkflowThrottled):
                raise Throttled("Step Functions is throttling review answers; send the review again") from error
            raise
        if not answered:
            # the wait ended (timed out) between the read and the answer: the review never counted
            self._reviews.withdraw_review(run_id, round_number, reviewed_at)
            raise ReviewNotWaiting(f"the review period of generation {run_id} ended before the review arrived")
        return {"id": run_id, "status": c.STATUS_RUNNING, "review": review}
