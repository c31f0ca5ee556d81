"""The Quality Gate's rules, written once: whether a judged score passes a run's threshold, whether a round passes
the gate (the judge passed it and the verifier found no check failed), whether a run is out of rounds or budget,
and so the loop's next move.

Record Round, the review step, the benchmark metrics, the run report and the offline world's calibration all
ask these questions; a second copy of ``score >= threshold`` could drift (a strict ``>`` somewhere, a Decimal read
from DynamoDB compared with a float threshold), so every caller imports them from here and
``tests/unit/test_pass_rule.py`` fails on a second copy. The same holds for the budget: the ASL used to compare
``$.loop.round`` with ``maxRounds`` and ``$.loop.projectedCostUsd`` with ``maxCostUsd`` in three Choice states
(Quality Gate, Review Decision, Draw Again?), beside the pass rule it routed on. Now Record Round writes the move
these rules give as ``$.loop.next`` (``after_round``, ``after_filtered_round``) and each Choice compares that string
alone; ``tests/unit/test_next_move.py`` fails if a Choice orders a number against a run setting again, except the
ASL's one comparison of its own (Verify?: the verifier checks only a round the judge passed, before the gate).
This module imports only the state's types and the names in constants, so the CLI and the benchmark library can
import it without the adapters.
"""

from __future__ import annotations

from typing import SupportsFloat

from imagegate_service import constants as c
from imagegate_service.domain.state import NextMove, Settings


def judge_passes(score: SupportsFloat, threshold: SupportsFloat) -> bool:
    """The judge's verdict: the score reaches the threshold (a score equal to it passes).

    Both sides are compared as floats, so a Decimal read back from DynamoDB (``Decimal("0.8")``, which is below
    the float ``0.8``) passes exactly when the float the judge returned did."""
    return float(score) >= float(threshold)


def gate_passes(score: SupportsFloat, threshold: SupportsFloat, verification_failed: bool) -> bool:
    """The Quality Gate's decision: the judge passed the round and no check the verifier could ground failed
    (an unavailable verifier, or a run without one, leaves the judge's verdict alone)."""
    return judge_passes(score, threshold) and not verification_failed


def out_of_rounds(round_number: int, settings: Settings) -> bool:
    """The round just recorded (judged or filtered) was the run's last: ``maxRounds`` is how many rounds a run
    may draw, filtered rounds included."""
    return int(round_number) >= int(settings["maxRounds"])


def out_of_budget(projected_cost_usd: SupportsFloat, settings: Settings) -> bool:
    """Another round could take the run past ``maxCostUsd``: the projection (what is spent or committed plus the
    next round at most) is above it; a projection equal to the budget still runs."""
    return float(projected_cost_usd) > float(settings["maxCostUsd"])


def after_round(settings: Settings, round_number: int, gate_passed: bool, projected_cost_usd: float) -> NextMove:
    """The loop's move after a judged round (the Quality Gate routes on it).

    A passed round ends the run PASSED, else the last round ends it out of rounds, else a projection past the
    budget ends it out of budget, else the prompt is rewritten for another round. With ``review: final`` a pass
    or the last round waits for a person first: ``lastReview`` when a rejection must end the run (no round or no
    budget left for another; Review Decision sends it to Record Rejected), ``review`` when a rejection leads to
    another round."""
    last = out_of_rounds(round_number, settings)
    broke = out_of_budget(projected_cost_usd, settings)
    if settings["review"] == c.REVIEW_FINAL and (gate_passed or last):
        return "lastReview" if last or broke else "review"
    if gate_passed:
        return "passed"
    if last:
        return "outOfRounds"
    if broke:
        return "outOfBudget"
    return "rewrite"


def after_filtered_round(settings: Settings, round_number: int, projected_cost_usd: float) -> NextMove:
    """The loop's move after a round whose every image the output filter withheld (Draw Again? routes on it):
    re-draw while rounds and budget remain, else the run ends with what the filter blocked. ``round_number`` is the
    filtered round's own number, not the next one's."""
    if out_of_rounds(round_number, settings) or out_of_budget(projected_cost_usd, settings):
        return "blocked"
    return "redraw"
