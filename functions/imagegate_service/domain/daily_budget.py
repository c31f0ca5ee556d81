"""The daily spend cap (deployment setting dailyBudgetUsd; environment IMAGEGATE_DAILY_BUDGET_USD): one limit over
every run's billable calls in a UTC day, kept in the runs table (the DailyBudgetStore port; adapters/controls.py).

- A new generation is refused (DailyBudgetExhausted: the API's 429, the CLI's exit 2) while the day's committed
  spend plus what its first round can cost at most would pass the cap; nothing is written or started then.
- The first billable call of each round reserves that round's worst case (costs.first_round_bound: every
  candidate, a judge call each, the evaluator, outputs at maxTokens) for the run, in one conditional update of the
  day; a round that does not fit ends the run EXHAUSTED ("daily budget reached") before it spends anything.
- Every billable call takes its own upper bound (the one the per-run ledger reserves, domain/spend.py) out of its
  round's reservation, or, when a retry has used it up, straight from the day under the same condition; when the
  call is answered its bound is replaced by its cost (spentUsd), an unanswered call gives its bound back.
- Record Round and Finish Run give what is left of the run's reservations back to the day.

So the day's committed spend (settled + reserved) never passes the cap, whatever runs do at once, and the settled
spend, which is never more than what was reserved for it, cannot either. The settlement is a second write after the
per-run ledger's transaction: a function that dies between the two leaves the bound counted (never less)."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from imagegate_service import constants as c
from imagegate_service.domain.clock import expiry_epoch, iso, utc_now
from imagegate_service.domain.costs import first_round_bound
from imagegate_service.domain.ports import Clock, DailyBudgetStore
from imagegate_service.domain.state import BilledStep, EnhanceStep, Settings
from imagegate_service.errors import DailyBudgetExhausted, GenerationNotRunning
from imagegate_service.settings import run_ttl_days

REACHED_REASON = "daily budget reached"
# How many times release_run reads a run's open reservations and releases them: a pass leaves one open only when a
# call drew from it meanwhile, and a round's calls that can overlap a release are a handful.
RELEASE_PASSES = 10


NO_CAP_NOTE = (
    "No daily budget is set (dailyBudgetUsd), so today's spend is not counted across runs; each generation "
    "records its own cost. Set a daily budget to count and cap it."
)


def utc_day(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d")


def next_midnight(moment: datetime) -> datetime:
    return (moment + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)


def seconds_to_midnight(moment: datetime) -> int:
    """Whole seconds until the next UTC midnight, at least 1 (a Retry-After of 0 would mean now)."""
    return max(1, math.ceil((next_midnight(moment) - moment).total_seconds()))


class DailyBudget:
    def __init__(
        self,
        store: DailyBudgetStore,
        clock: Clock = utc_now,
        cap_usd: float | Callable[[], float | None] | None = None,
    ):
        """`cap_usd`: a fixed cap, None for none, or the deployment's cap asked on each use (the wiring passes
        settings.daily_budget_cap, which reads IMAGEGATE_DAILY_BUDGET_USD then)."""
        self._store = store
        self._clock = clock
        self._cap = cap_usd

    @property
    def cap_usd(self) -> float | None:
        return self._cap() if callable(self._cap) else self._cap

    # -- what the API and the CLI show and check --------------------------------------------------------
    def status(self) -> dict[str, Any]:
        """Today's spend, open reservations and the cap (GET /budget, imagegate budget). Without a cap nothing is
        counted per day (no reservation is made, no spend settled): spentUsd and reservedUsd are then null, never
        a $0 that was not measured, and `note` says so."""
        now = self._clock()
        day = utc_day(now)
        item = self._store.day(day) or {}
        cap = self.cap_usd
        spent = float(item.get("spentUsd", 0.0))
        reserved = max(0.0, float(item.get("committedUsd", 0.0)) - spent)
        return {
            "day": day,
            "capUsd": cap,
            "tracked": cap is not None,
            "note": None if cap is not None else NO_CAP_NOTE,
            "spentUsd": None if cap is None else round(spent, 6),
            "reservedUsd": None if cap is None else round(reserved, 6),
            "remainingUsd": None if cap is None else round(max(0.0, cap - spent - reserved), 6),
            "usedRatio": None if cap is None else round((spent + reserved) / cap, 4),
            "resetsAt": iso(next_midnight(now)),
        }

    def check_start(self, settings: Settings) -> None:
        """DailyBudgetExhausted when today's committed spend leaves no room for the run's first round."""
        cap = self.cap_usd
        if cap is None:
            return
        now = self._clock()
        committed = float((self._store.day(utc_day(now)) or {}).get("committedUsd", 0.0))
        needed = first_round_bound(settings)
        if committed + needed > cap:
            raise DailyBudgetExhausted(
                f"today's spend and reservations (${committed:.6f}) leave no room under the daily budget "
                f"(${cap:.2f}) for a round that can cost up to ${needed:.6f}; it resets at {iso(next_midnight(now))}",
                seconds_to_midnight(now),
            )

    # -- what the loop's billable calls do (domain/spend.py) ----------------------------------------------
    def take(self, state: BilledStep, round_number: int, bound_usd: float) -> str | None:
        """Before a billable call: its bound out of its round's reservation (reserving the round's worst case on
        its first call), else from the day. Returns the day it is counted on (None without a cap); raises
        DailyBudgetExhausted when neither fits, and GenerationNotRunning when the round's first call comes after
        the run was marked ended (a stopped execution's task still running, after its reservations were given
        back: the round it would reserve would stay reserved)."""
        cap = self.cap_usd
        if cap is None:
            return None
        run_id, now = state["runId"], self._clock()
        day, expires = utc_day(now), expiry_epoch(now, run_ttl_days())
        round_bound = first_round_bound(state["settings"])
        reserved = self._store.reserve_round(run_id, round_number, day, round_bound, cap, expires, iso(now))
        if reserved == "full":
            raise self._reached(f"round {round_number} could cost up to ${round_bound:.6f}", cap, now)
        if reserved == "ended":  # a task still running for a stopped execution: the call is not made
            raise GenerationNotRunning(f"run {run_id} has ended; round {round_number} is not reserved or called")
        drawn = self._store.draw(run_id, round_number, bound_usd)
        if drawn is not None:
            return drawn
        if self._store.reserve(day, bound_usd, cap, expires, iso(now)):
            return day
        raise self._reached(f"a call of round {round_number} could cost up to ${bound_usd:.6f}", cap, now)

    def take_call(self, state: BilledStep | EnhanceStep, bound_usd: float) -> str | None:
        """Before a billable call outside the loop's rounds (an enhancement of a finished image): its bound from
        the day, with no round reservation. Returns the day it is counted on (None without a cap); raises
        DailyBudgetExhausted when it does not fit."""
        cap = self.cap_usd
        if cap is None:
            return None
        now = self._clock()
        if self._store.reserve(utc_day(now), bound_usd, cap, expiry_epoch(now, run_ttl_days()), iso(now)):
            return utc_day(now)
        raise self._reached(f"a call of {state['runId']} could cost up to ${bound_usd:.6f}", cap, now)

    def settle(self, day: str, bound_usd: float, cost_usd: float) -> float:
        """An answered call: its bound replaced by its cost on its day; returns the day's settled spend."""
        return self._store.settle(day, cost_usd - bound_usd, cost_usd, iso(self._clock()))

    def give_back(self, day: str, bound_usd: float) -> None:
        """An unanswered call (or one already recorded): its bound back to its day."""
        self._store.settle(day, -bound_usd, 0.0, iso(self._clock()))

    def release_run(self, run_id: str) -> float | None:
        """What is left of the run's round reservations back to their days (Record Round, Finish Run); returns
        today's settled spend for the metric, or None without a cap.

        A release is conditional on the amount it read being what is left, and a call of the run can draw from its
        round's reservation between the read and the release: a stopped execution's Lambda that is still running
        while Mark Run Ended releases the run (StopExecution does not end a running task). That release changes
        nothing, so the reservations still open are read again and released with what is left now, until none is
        open. Each pass that leaves one open means a draw took some of it (or another release took it all); the
        passes are bounded all the same (RELEASE_PASSES), so a condition that could never hold does not keep a
        function busy until its timeout. A call that draws afterwards finds too little left and takes its bound
        from the day."""
        if self.cap_usd is None:
            return None
        now = iso(self._clock())
        pending = self._store.open_reservations(run_id)
        for _ in range(RELEASE_PASSES):
            if not pending:
                break
            for reservation in pending:
                self._store.release(reservation, now)
            pending = self._store.open_reservations(run_id)
        return float((self._store.day(utc_day(self._clock())) or {}).get("spentUsd", 0.0))

    def _reached(self, what: str, cap: float, now: datetime) -> DailyBudgetExhausted:
        return DailyBudgetExhausted(
            f"{REACHED_REASON}: {what}, more than is left of today's ${cap:.2f} (resets at {iso(next_midnight(now))})",
            seconds_to_midnight(now),
        )


def add_daily_spend_metric(metrics: Any, spent_usd: float | None) -> None:
    """Today's settled spend as the DailySpendUsd metric (the 80% alarm watches its maximum); nothing without a cap."""
    if spent_usd is None:
        return
    from aws_lambda_powertools.metrics import MetricUnit

    metrics.add_metric(name=c.METRIC_DAILY_SPEND, unit=MetricUnit.NoUnit, value=spent_usd)
