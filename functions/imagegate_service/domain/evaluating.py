"""Evaluate Round: an evaluation of the round's best image that is not the loop's judge.

The request becomes atomic yes/no checks once per run (DSG style, arXiv 2310.18235): from the run's
structured `expected` (GenEval's rules, imagegate_service.expected_checks.checks_from_expected) or from one
evaluator call with the forced tool submit_checks. The checks are cached in S3 and reused every round.
Each round, one evaluator call sees the round's best image and the numbered checks and answers yes, no or
unverifiable through submit_answers. Both answers are untrusted model output: validated against their schemas and
against the checks asked (no unknown, missing or repeated ids). An unverifiable answer is `satisfied: null`: what
the image cannot show is said, neither passed nor failed. Our code applies DSG's rule: a child check fails when
its parent fails (a child of an unverifiable parent keeps its own answer). The evaluation passes when at least one
check could be verified and none of those failed; it says how many were unverifiable. The result goes to S3 next
to the judge's verdict; the state gets a small summary only.

Every billable evaluator call is recorded once, in the round's evaluation document, including calls
whose answers were unusable (a retry starts from what earlier attempts spent), so Record Round can count
the evaluator's cost against the budget even when the evaluation is unavailable."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Sequence
from typing import Any, TypeVar, cast

from imagegate_service import constants as c
from imagegate_service import registry
from imagegate_service.domain.answers import answer_outcome, validated
from imagegate_service.domain.costs import tool_request_cost_bound
from imagegate_service.domain.model_calls import (
    ANSWERS_SCHEMA,
    CHECKS_SCHEMA,
    answers_request,
    checks_request,
    png_size,
)
from imagegate_service.domain.ports import ObjectStore, ToolAnswer, ToolCaller
from imagegate_service.domain.spend import SpendLedger
from imagegate_service.domain.state import (
    EvaluationCheck,
    EvaluationDocument,
    EvaluationOutcome,
    JudgedStep,
    Reading,
    ShownCheck,
    ToolRequest,
)
from imagegate_service.errors import InvalidEvaluation
from imagegate_service.expected_checks import checks_from_expected

_T = TypeVar("_T")  # what an evaluator call's answer is read as

CHECKS_SOURCE_EXPECTED = "expected"
STATUS_COMPLETE = "complete"
STATUS_FAILED = "failed"
STATUS_IN_PROGRESS = "in progress"
# The fields a check of each kind carries besides id, kind, question, subject and parent (the check contract v2),
# and the ones it may carry (a plural with no number asks for at least two; an action may have no object acted on;
# an absent check without count means none at all). The schema lists the kinds and every field's values.
KIND_FIELDS: dict[str, tuple[str, ...]] = {
    "entity": (),
    "count": ("count",),
    "colour": ("colour",),
    "attribute": ("attribute", "attributeKind"),
    "action": ("action",),
    "position": ("position",),
    "relation": ("relation", "object"),
    "text": ("text",),
    "scene": ("setting",),
    "light": ("setting",),
    "style": ("setting",),
    "absent": (),
}
KIND_OPTIONAL_FIELDS: dict[str, tuple[str, ...]] = {
    "count": ("at_least",),
    "action": ("object", "objectLabel"),
    "relation": ("object2", "objectLabel"),
    "absent": ("count",),
}
# Which of two or more things of one noun a check is about, when the request tells them apart by a word ("a black
# cat above a white cat": subjectLabel "black", objectLabel "white"); without it a check is about every instance.
SUBJECT_LABEL = "subjectLabel"
# The evaluator's answers (submit_answers) as a check's `satisfied`: unverifiable is null, never a pass or a fail.
ANSWER_SATISFIED: dict[str, bool | None] = {"yes": True, "no": False, "unverifiable": None}


class RoundEvaluator:
    def __init__(self, models: ToolCaller, images: ObjectStore, spend: SpendLedger):
        self._models = models
        self._images = images
        self._spend = spend

    def evaluate(self, state: JudgedStep) -> EvaluationOutcome:
        settings, loop, run_id, judgement = state["settings"], state["loop"], state["runId"], state["judgement"]
        evaluator = registry.text_model(settings["evaluator"])
        key = c.evaluation_key(run_id, loop["round"])
        earlier = self._read_json(key)
        if earlier and earlier.get("status") == STATUS_COMPLETE and earlier.get("imageKey") == judgement["imageKey"]:
            return summary(earlier, key)  # a retried task whose first attempt finished: nothing asked or billed twice
        ledger = _Ledger(
            self._images,
            key,
            {"runId": run_id, "round": loop["round"], "source": evaluator.model_id, "imageKey": judgement["imageKey"]},
            spent=float((earlier or {}).get("costUsd", 0.0)),
        )
        started = time.monotonic()
        checks = self._checks(state, evaluator, ledger)
        if checks:
            png = self._images.get_bytes(judgement["imageKey"])
            request = answers_request(evaluator.model_id, png, checks)
            answers, _ = self._evaluator_call(
                state,
                c.STEP_EVALUATE_ANSWERS,
                evaluator,
                request,
                [png_size(png)],
                ledger,
                lambda answer: answers_by_id(answer, checks),
            )
            results = apply_parent_rule(checks, answers)
        else:
            results = [
                {
                    "id": "c0",
                    "kind": "entity",
                    "question": c.NO_CHECKS_QUESTION,
                    "subject": "",
                    "parent": None,
                    "answer": "no",
                    "satisfied": False,
                }
            ]
        document = ledger.complete(
            {
                "passed": evaluation_passed(results),
                "unverifiable": unverifiable_count(results),
                "checks": results,
                "durationMs": int((time.monotonic() - started) * 1000),
            }
        )
        return summary(document, key)

    # -- the checks: once per run --------------------------------------------------------------------
    def _checks(self, state: JudgedStep, evaluator: registry.TextModel, ledger: _Ledger) -> list[EvaluationCheck]:
        run_id, settings = state["runId"], state["settings"]
        key = c.evaluation_checks_key(run_id)
        cached = self._read_json(key)
        if cached is not None:
            return cached["checks"]
        if settings.get("expected"):
            checks = checks_from_expected(settings["expected"])
            source, cost = CHECKS_SOURCE_EXPECTED, 0.0
        else:
            request = checks_request(evaluator.model_id, settings["prompt"])
            checks, cost = self._evaluator_call(
                state, c.STEP_EVALUATE_CHECKS, evaluator, request, [], ledger, validated_checks
            )
            source = evaluator.model_id
            ledger.save()  # the checks call is billed once: recorded before anything else can fail
        self._images.put_json(
            key,
            {
                "runId": run_id,
                "prompt": settings["prompt"],
                "source": source,
                "costUsd": round(cost, 6),
                "checks": checks,
            },
        )
        return checks

    def _evaluator_call(
        self,
        state: JudgedStep,
        step: str,
        evaluator: registry.TextModel,
        request: ToolRequest,
        image_sizes: list[tuple[int, int]],
        ledger: _Ledger,
        read: Callable[[ToolAnswer], _T],
    ) -> tuple[_T, float]:
        """One billed evaluator call, recorded in the spend ledger and the evaluation's own, and its answer as
        `read` reads it with what it cost; an answer `read` refuses fails the evaluation and is raised."""
        with self._spend.call(
            state,
            round_number=state["loop"]["round"],
            step=step,
            candidate=0,
            model_id=evaluator.model_id,
            bound_usd=tool_request_cost_bound(request, image_sizes),
        ) as billed:
            answer = self._models.call(**request)
            cost = evaluator.token_cost(answer.input_tokens, answer.output_tokens)
            billed.answered(cost, answer_outcome(answer))
            ledger.spend(cost)
            try:
                return read(answer), cost
            except InvalidEvaluation as error:
                ledger.fail(error)
                raise

    # -- the answers: once per round -----------------------------------------------------------------
    def _read_json(self, key: str) -> EvaluationDocument | None:
        found: EvaluationDocument | None = self._images.find_json(key)
        return found


class _Ledger:
    """The round's evaluation document: what the evaluator has cost so far, then how it ended."""

    def __init__(self, images: ObjectStore, key: str, identity: EvaluationDocument, spent: float):
        self._images, self._key, self._identity, self.spent = images, key, identity, spent

    def spend(self, cost: float) -> None:
        self.spent += cost

    def save(self, status: str = STATUS_IN_PROGRESS, outcome: EvaluationDocument | None = None) -> EvaluationDocument:
        document: EvaluationDocument = {
            **self._identity,
            **(outcome or EvaluationDocument()),
            "status": status,
            "costUsd": round(self.spent, 6),
        }
        self._images.put_json(self._key, document)
        return document

    def fail(self, error: Exception) -> None:
        self.save(STATUS_FAILED, {"error": f"{type(error).__name__}: {error}"})

    def complete(self, result: EvaluationDocument) -> EvaluationDocument:
        return self.save(STATUS_COMPLETE, result)


def evaluation_passed(checks: list[EvaluationCheck]) -> bool:
    """The evaluation's verdict: at least one check could be verified and no verifiable check failed. A run whose
    every check is unverifiable has shown nothing, so it does not pass; an unverifiable check never fails one."""
    verdicts = [check["satisfied"] for check in checks]
    return any(verdict is not None for verdict in verdicts) and False not in verdicts


def unverifiable_count(checks: Sequence[EvaluationCheck | ShownCheck]) -> int:
    return sum(1 for check in checks if check["satisfied"] is None)


def summary(document: EvaluationDocument, key: str) -> EvaluationOutcome:
    """What the state carries: a few numbers and the key, never the checks (their number has no bound here)."""
    checks = document["checks"]
    return {
        "passed": document["passed"],
        "satisfied": sum(1 for check in checks if check["satisfied"] is True),
        "total": len(checks),
        "unverifiable": unverifiable_count(checks),
        "source": document["source"],
        "evaluationKey": key,
        "costUsd": document["costUsd"],
        "durationMs": document.get("durationMs", 0),
    }


def public_evaluation(document: EvaluationDocument) -> Reading:
    """The evaluation as run.json and the API show it: {passed, source, unverifiable, checks: [{question,
    satisfied, kind}]} (satisfied null: unverifiable). A document written before unverifiable answers existed has
    none."""
    checks: list[ShownCheck] = [
        {"question": check["question"], "satisfied": check["satisfied"], "kind": check["kind"]}
        for check in document["checks"]
    ]
    return {
        "passed": document["passed"],
        "source": document["source"],
        "unverifiable": unverifiable_count(checks),
        "checks": checks,
    }


def unavailable_evaluation(source: str, reason: str) -> Reading:
    """The round's evaluation when the evaluator failed after its retries: not passed, and it says why."""
    return {"passed": False, "source": source, "unverifiable": 0, "checks": [], "unavailable": reason}


def validated_checks(answer: ToolAnswer) -> list[EvaluationCheck]:
    """The evaluator's checks, held to the schema and the contract: unique ids, a parent before its
    children, and each kind with its fields. Only the contract's keys are kept."""
    _refuse_truncated(answer, "checks")
    raw = validated(_without_null_parents(answer), CHECKS_SCHEMA, "evaluator", InvalidEvaluation)["checks"]
    checks: list[EvaluationCheck] = []
    seen: set[str] = set()
    for position, check in enumerate(raw):
        where = f"checks/{position}"
        if check["id"] in seen:
            raise InvalidEvaluation(f"the evaluator's checks repeat the id {check['id']!r} at {where}")
        parent = check.get("parent")
        if parent is not None and parent not in seen:
            raise InvalidEvaluation(
                f"the evaluator's check {check['id']!r} names a parent {parent!r} that does not come before it"
            )
        missing = [name for name in KIND_FIELDS[check["kind"]] if name not in check]
        if check["kind"] == "relation" and check.get("relation") in c.EVALUATION_TWO_OBJECT_RELATIONS:
            missing += [] if "object2" in check else ["object2"]
        if missing:
            raise InvalidEvaluation(f"the evaluator's {check['kind']} check {check['id']!r} has no {missing[0]}")
        seen.add(check["id"])
        kept: dict[str, Any] = {
            "id": check["id"],
            "kind": check["kind"],
            "question": check["question"],
            "subject": check["subject"].strip().lower(),
            "parent": parent,
        }
        kept.update({name: check[name] for name in KIND_FIELDS[check["kind"]]})
        kept.update({name: check[name] for name in KIND_OPTIONAL_FIELDS.get(check["kind"], ()) if name in check})
        if SUBJECT_LABEL in check:
            kept[SUBJECT_LABEL] = check[SUBJECT_LABEL]
        if check["kind"] == "relation" and check["relation"] not in c.EVALUATION_TWO_OBJECT_RELATIONS:
            kept.pop("object2", None)  # a second object only "between" has
        if check["kind"] == "absent":
            # fewer than count of the subject; none at all (1) when the count is left out, or given as 0 (the
            # number the image should show): "fewer than 0" could never hold
            kept["count"] = max(1, int(check.get("count") or 1))
        checks.append(cast("EvaluationCheck", kept))  # held to the schema and to KIND_FIELDS just above
    return checks


def answers_by_id(answer: ToolAnswer, checks: list[EvaluationCheck]) -> dict[str, bool | None]:
    """The evaluator's answer for every check asked (yes True, no False, unverifiable None): exactly one answer
    per id, nothing else."""
    _refuse_truncated(answer, "answers")
    answers = validated(answer, ANSWERS_SCHEMA, "evaluator", InvalidEvaluation)["answers"]
    asked = [check["id"] for check in checks]
    result: dict[str, bool | None] = {}
    for entry in answers:
        if entry["id"] not in asked:
            raise InvalidEvaluation(
                f"the evaluator answered {entry['id']!r}, which was not asked (asked: {', '.join(asked)})"
            )
        if entry["id"] in result:
            raise InvalidEvaluation(f"the evaluator answered {entry['id']!r} twice")
        result[entry["id"]] = ANSWER_SATISFIED[entry["answer"]]
    missing = [check_id for check_id in asked if check_id not in result]
    if missing:
        raise InvalidEvaluation(f"the evaluator did not answer {', '.join(missing)}")
    return result


def apply_parent_rule(checks: list[EvaluationCheck], answers: dict[str, bool | None]) -> list[EvaluationCheck]:
    """DSG with unverifiable answers: a check whose parent failed (so, through it, any failed ancestor) fails;
    otherwise it keeps its own answer, None (unverifiable) included. An unverifiable parent says nothing against
    its children: what cannot be seen is not taken as missing."""
    by_id = {check["id"]: check for check in checks}
    satisfied: dict[str, bool | None] = {}

    def holds(check_id: str, path: tuple[str, ...] = ()) -> bool | None:
        if check_id in satisfied:
            return satisfied[check_id]
        if check_id in path:
            raise InvalidEvaluation(f"the checks' parents form a cycle through {check_id!r}")
        parent = by_id[check_id].get("parent")
        if parent is not None and parent not in by_id:
            raise InvalidEvaluation(f"the check {check_id!r} names a parent {parent!r} that is not a check")
        parent_failed = parent is not None and holds(parent, (*path, check_id)) is False
        satisfied[check_id] = False if parent_failed else answers[check_id]
        return satisfied[check_id]

    spoken = {verdict: word for word, verdict in ANSWER_SATISFIED.items()}
    return [{**check, "answer": spoken[answers[check["id"]]], "satisfied": holds(check["id"])} for check in checks]


def _without_null_parents(answer: ToolAnswer) -> ToolAnswer:
    """A check with no parent may say so with null (the contract's spelling) or leave parent out (the tool schema's:
    a plain string type, which every tool-use model's schema support takes)."""
    tool_input = answer.tool_input or {}
    checks = tool_input.get("checks")
    if not isinstance(checks, list):
        return answer
    cleaned = [
        {k: v for k, v in check.items() if not (k == "parent" and v is None)} if isinstance(check, dict) else check
        for check in checks
    ]
    return dataclasses.replace(answer, tool_input={**tool_input, "checks": cleaned})


def _refuse_truncated(answer: ToolAnswer, what: str) -> None:
    if answer.stop_reason == "max_tokens":
        raise InvalidEvaluation(
            f"the evaluator's {what} were cut at maxTokens (stopReason max_tokens); a partial list cannot be used"
        )
