"""Issue 25.8: GET /budget (and `imagegate budget`, the console's list) without a daily cap says that the day's spend
is not counted, instead of a $0 spent that was never measured; with a cap it counts as before."""

from datetime import UTC, datetime

import pytest

from imagegate.controls_cli import describe_budget
from imagegate_service.domain.daily_budget import NO_CAP_NOTE, DailyBudget

pytestmark = pytest.mark.unit

NOW = datetime(2026, 6, 1, 15, 0, tzinfo=UTC)


class Store:
    """A day whose calls settled $0.25 with $0.05 still reserved."""

    def day(self, day):
        return {"spentUsd": 0.25, "committedUsd": 0.30}


def test_without_a_cap_the_spend_is_said_to_be_uncounted_never_zero():
    status = DailyBudget(Store(), clock=lambda: NOW, cap_usd=None).status()
    assert status["capUsd"] is None and status["tracked"] is False
    assert status["spentUsd"] is None and status["reservedUsd"] is None and status["note"] == NO_CAP_NOTE
    line = describe_budget(status)
    assert line.startswith("2026-06-01 (UTC): No daily budget is set") and "$0" not in line


def test_with_a_cap_the_day_is_counted():
    status = DailyBudget(Store(), clock=lambda: NOW, cap_usd=1.0).status()
    assert (status["tracked"], status["note"], status["spentUsd"], status["reservedUsd"]) == (True, None, 0.25, 0.05)
    assert "spent $0.250000, reserved $0.050000 of $1.00" in describe_budget(status)
