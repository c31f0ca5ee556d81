"""The pass rule, written once: whether a judged score passes a run's threshold, and whether a round passes
the Quality Gate (the judge passed it and the verifier found no check failed).

Record Round, the review step, the benchmark metrics, the run report and the offline world's calibration all
ask these two questions; a second copy of ``score >= threshold`` could drift (a strict ``>`` somewhere, a
Decimal read from DynamoDB compared with a float threshold), so every caller imports them from here and
``tests/unit/test_pass_rule.py`` fails on a second copy. The ASL keeps one Choice comparison of its own (Verify?:
the verifier checks only a round the judge passed); the Quality Gate routes on ``$.loop.gatePassed``, which
``gate_passes`` decided. This module imports nothing from the service, so the CLI and the benchmark library can
import it without the adapters.
"""

from __future__ import annotations

from typing import SupportsFloat


def judge_passes(score: SupportsFloat, threshold: SupportsFloat) -> bool:
    """The judge's verdict: the score reaches the threshold (a score equal to it passes).

    Both sides are compared as floats, so a Decimal read back from DynamoDB (``Decimal("0.8")``, which is below
    the float ``0.8``) passes exactly when the float the judge returned did."""
    return float(score) >= float(threshold)


def gate_passes(score: SupportsFloat, threshold: SupportsFloat, verification_failed: bool) -> bool:
    """The Quality Gate's decision: the judge passed the round and no check the verifier could ground failed
    (an unavailable verifier, or a run without one, leaves the judge's verdict alone)."""
    return judge_passes(score, threshold) and not verification_failed
