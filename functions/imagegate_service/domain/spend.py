"""The spend ledger and the budget guard.

Every billable model call is recorded once in the runs table (sk CALL#<callId>), whatever became of its
answer: used, filtered, invalid, refused or cut at maxTokens. A call Bedrock never answered (throttled,
a 5xx, a request it refused) is not billed and not recorded. The run's cost is the ledger's sum.

Before a call is made, its upper-bound cost is reserved on the run item (committedUsd) by one conditional
update that succeeds only while committed + bound stays within maxCostUsd; parallel calls (the judge's Map)
cannot both take the last headroom, and a retry is checked like a first attempt. When the call is answered,
its ledger entry and the replacement of its reservation by its cost are one transaction; an unanswered call
gives its reservation back. So neither the recorded nor the billed spend can pass maxCostUsd."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import cast

from imagegate_service import constants as c
from imagegate_service.domain.clock import expiry_epoch, iso, utc_now
from imagegate_service.domain.daily_budget import DailyBudget
from imagegate_service.domain.ports import RunRepository
from imagegate_service.domain.state import BilledStep, EnhanceStep, LedgerEntry, RunCosts
from imagegate_service.errors import BudgetExhausted, ContentBlocked, ImagesFiltered
from imagegate_service.settings import run_ttl_days

COST_DIGITS = 9  # ledger entries keep nano-dollars; totals are shown to six places


@dataclass
class BilledCall:
    """One billable call in flight: set `answered` as soon as Bedrock answered (it is then billed)."""

    call_id: str
    bound_usd: float
    cost_usd: float = 0.0
    outcome: str = c.CALL_OK
    is_answered: bool = False
    budget_day: str | None = None  # the UTC day the daily cap counts it on (None without a cap)

    def answered(self, cost_usd: float, outcome: str = c.CALL_OK) -> None:
        self.is_answered, self.cost_usd, self.outcome = True, cost_usd, outcome


def call_id(round_number: int, step: str, candidate: int, attempt: int) -> str:
    return f"{round_number:02d}-{step}-{candidate}-a{attempt}"


def attempt_of(state: BilledStep | EnhanceStep) -> int:
    """The task's retry count ($$.State.RetryCount, passed as `attempt`); 0 when called outside a state machine."""
    return int(state.get("attempt") or 0)


class SpendLedger:
    def __init__(self, runs: RunRepository, daily: DailyBudget):
        """The run's ledger and the deployment's daily budget (wiring.spend_ledger builds both)."""
        self._runs = runs
        self._daily = daily

    @contextlib.contextmanager
    def call(
        self,
        state: BilledStep | EnhanceStep,
        *,
        round_number: int,
        step: str,
        candidate: int,
        model_id: str,
        bound_usd: float,
        in_round: bool = True,
    ) -> Iterator[BilledCall]:
        """Reserve the call's upper bound (BudgetExhausted when it does not fit), then record what it cost.
        in_round=False: a call made after the loop (an enhancement), counted on the day without a round's
        reservation."""
        run_id, limit = state["runId"], float(state["settings"]["maxCostUsd"])
        billed = BilledCall(call_id(round_number, step, candidate, attempt_of(state)), round(bound_usd, COST_DIGITS))
        if not self._runs.reserve_spend(run_id, billed.bound_usd, limit):
            run = self._runs.get_run(run_id) or {}
            raise BudgetExhausted(
                f"the {step} call of round {round_number} could cost up to ${billed.bound_usd:.6f}; with "
                f"${float(run.get('committedUsd', 0.0)):.6f} already spent or committed it would pass maxCostUsd "
                f"${limit:.6f}, so it was not made"
            )
        try:  # the deployment's daily cap, over every run (domain/daily_budget.py)
            billed.budget_day = (
                # a call in a round is a loop task's: its input carries the run's whole settings
                self._daily.take(cast("BilledStep", state), round_number, billed.bound_usd)
                if in_round
                else self._daily.take_call(state, billed.bound_usd)
            )
        except BaseException:
            self._runs.release_spend(run_id, billed.bound_usd)
            raise
        try:
            yield billed
        except BaseException as error:
            if billed.is_answered and billed.outcome == c.CALL_OK:
                billed.outcome = (
                    c.CALL_FILTERED if isinstance(error, (ContentBlocked, ImagesFiltered)) else c.CALL_INVALID
                )
            self._close(run_id, billed, round_number, step, candidate, model_id)
            raise
        self._close(run_id, billed, round_number, step, candidate, model_id)

    def _close(
        self, run_id: str, billed: BilledCall, round_number: int, step: str, candidate: int, model_id: str
    ) -> None:
        if not billed.is_answered:
            self._runs.release_spend(run_id, billed.bound_usd)
            if billed.budget_day:
                self._daily.give_back(billed.budget_day, billed.bound_usd)
            return
        now = utc_now()
        recorded = self._runs.record_call(
            run_id,
            {
                "callId": billed.call_id,
                "round": round_number,
                "step": step,
                "candidate": candidate,
                "modelId": model_id,
                "outcome": billed.outcome,
                "costUsd": round(billed.cost_usd, COST_DIGITS),
                "reservedUsd": billed.bound_usd,
                "recordedAt": iso(now),
                c.TTL_ATTRIBUTE: expiry_epoch(now, run_ttl_days()),
            },
            billed.bound_usd,
        )
        if billed.budget_day:
            if recorded:
                self._daily.settle(billed.budget_day, billed.bound_usd, billed.cost_usd)
            else:  # a re-delivered invocation: the call was settled the first time
                self._daily.give_back(billed.budget_day, billed.bound_usd)

    def entries(self, run_id: str) -> list[LedgerEntry]:
        return self._runs.ledger(run_id)


def totals(entries: list[LedgerEntry]) -> RunCosts:
    """The run's cost from its ledger: the loop's own calls, and the independent evaluator's apart."""
    evaluation = sum(float(e["costUsd"]) for e in entries if e["step"] in c.EVALUATION_STEPS)
    loop = sum(float(e["costUsd"]) for e in entries if e["step"] not in c.EVALUATION_STEPS)
    return {"costUsd": round(loop, 6), "evaluationCostUsd": round(evaluation, 6)}


def round_totals(entries: list[LedgerEntry], round_number: int) -> RunCosts:
    return totals([e for e in entries if int(e["round"]) == round_number])
