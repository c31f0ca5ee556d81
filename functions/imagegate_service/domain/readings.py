"""Three readings of a run's image, side by side: the judge's verdict (the run's status and score), the verifier's
grounding of the judge's checks (a round's `verification`) and the independent evaluator's checks (`evaluation`).

Every surface that shows a run's status (run.json, the API's document and list, the CLI, report.html, the
console) shows the other two beside it, so a PASSED the evaluator failed is never shown as a plain PASSED: the
line reads "PASSED · evaluator 5/6 checks · 1 unverifiable". A check with `satisfied: null` is unverifiable:
counted apart, never as held or failed. Counts are of checks that hold over the checks that could be verified.

The summaries (`evaluation_summary`, `verification_summary`) are what a run item keeps for the listing: a few
numbers, never the checks. They take either the full record (with its checks) or a summary already made."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from imagegate_service import constants as c
from imagegate_service.domain.state import EvaluationCounts, VerificationCounts

# GET /generations?evaluation=...: the evaluator's verdict on the run's current best image.
EVALUATION_PASSED = "passed"  # at least one verifiable check, and every verifiable check holds
EVALUATION_FAILED = "failed"  # a verifiable check failed
EVALUATION_UNVERIFIED = "unverified"  # no evaluation yet, the evaluator was unavailable, or nothing was verifiable
EVALUATION_FILTERS = (EVALUATION_PASSED, EVALUATION_FAILED, EVALUATION_UNVERIFIED)

SEPARATOR = " · "


def _counts(checks: Any) -> tuple[int, int, int]:
    """(held, verifiable, unverifiable) of a list of {satisfied: bool | null} checks."""
    verdicts = [check.get("satisfied") for check in checks or [] if isinstance(check, Mapping)]
    held = sum(1 for verdict in verdicts if verdict is True)
    unverifiable = sum(1 for verdict in verdicts if verdict is None)
    return held, len(verdicts) - unverifiable, unverifiable


def evaluation_summary(evaluation: Mapping[str, Any] | None) -> EvaluationCounts | None:
    """{passed, source, satisfied, verifiable, unverifiable} of an evaluation; None when there is none or the
    evaluator was unavailable (nothing was measured). A run item written before the counts were kept has only
    {passed, source}: its counts are None (unknown), never made up."""
    if not isinstance(evaluation, Mapping) or "unavailable" in evaluation or "passed" not in evaluation:
        return None
    held: int | None
    verifiable: int | None
    unverifiable: int | None
    if isinstance(evaluation.get("checks"), list):
        held, verifiable, unverifiable = _counts(evaluation["checks"])
    elif "verifiable" in evaluation:  # already a summary
        held, verifiable = int(evaluation.get("satisfied", 0)), int(evaluation["verifiable"])
        unverifiable = int(evaluation.get("unverifiable", 0))
    else:
        held = verifiable = unverifiable = None
    return {
        "passed": bool(evaluation["passed"]),
        "source": evaluation.get("source"),
        "satisfied": held,
        "verifiable": verifiable,
        "unverifiable": unverifiable,
    }


def verification_summary(verification: Mapping[str, Any] | None) -> VerificationCounts | None:
    """{passed, status, source, satisfied, verifiable, unverifiable} of a round's verification; None without one
    (a run recorded before the verifier existed, or with verifier none)."""
    if not isinstance(verification, Mapping) or "status" not in verification:
        return None
    if isinstance(verification.get("checks"), list):
        held, verifiable, unverifiable = _counts(verification["checks"])
    else:
        held, verifiable = int(verification.get("satisfied", 0)), int(verification.get("verifiable", 0))
        unverifiable = int(verification.get("unverifiable", 0))
    passed = verification.get("passed")
    return {
        "passed": passed if isinstance(passed, bool) else None,
        "status": verification["status"],
        "source": verification.get("source"),
        "satisfied": held,
        "verifiable": verifiable,
        "unverifiable": unverifiable,
    }


def with_nulls(reading: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """An evaluation or verification as stored, with its nulls back: the runs table keeps no null attribute
    (adapters/storage drops them), so an unverifiable check comes back without `satisfied`, and a verification
    that verified nothing without `passed`. The contract shows them as null."""
    if not isinstance(reading, Mapping):
        return None
    restored = dict(reading)
    if isinstance(reading.get("checks"), list):
        restored["checks"] = [
            {**check, "satisfied": check.get("satisfied")} if isinstance(check, Mapping) else check
            for check in reading["checks"]
        ]
    if "status" in reading:  # a verification
        restored["passed"] = reading.get("passed")
    return restored


def evaluation_class(evaluation: Mapping[str, Any] | None) -> str:
    """passed, failed or unverified (EVALUATION_FILTERS) for an evaluation or its summary."""
    summary = evaluation_summary(evaluation)
    if summary is None or summary["verifiable"] == 0:
        return EVALUATION_UNVERIFIED
    return EVALUATION_PASSED if summary["passed"] else EVALUATION_FAILED  # counts unknown (older run): its verdict


def evaluation_text(evaluation: Mapping[str, Any] | None) -> str | None:
    """ "evaluator 5/6 checks · 1 unverifiable", "evaluator unavailable", or None when there is no evaluation."""
    if isinstance(evaluation, Mapping) and "unavailable" in evaluation:
        return "evaluator unavailable"
    summary = evaluation_summary(evaluation)
    if summary is None:
        return None
    if summary["verifiable"] is None:  # an older run's verdict without its counts
        return f"evaluator {'passed' if summary['passed'] else 'failed'}"
    text = (
        f"evaluator {summary['satisfied']}/{summary['verifiable']} checks"
        if summary["verifiable"]
        else "evaluator verified nothing"
    )
    return text + (f"{SEPARATOR}{summary['unverifiable']} unverifiable" if summary["unverifiable"] else "")


def verification_text(verification: Mapping[str, Any] | None) -> str | None:
    """ "verifier 3/4 checks (1 unverifiable)", "verifier unavailable (judge alone)", or None when the verifier
    was not asked (no verification, or skipped because the judge did not pass the image)."""
    summary = verification_summary(verification)
    if summary is None or summary["status"] == c.VERIFICATION_SKIPPED:
        return None
    if summary["status"] == c.VERIFICATION_UNAVAILABLE:
        return "verifier unavailable (judge alone)"
    text = f"verifier {summary['satisfied']}/{summary['verifiable']} checks"
    return text + (f" ({summary['unverifiable']} unverifiable)" if summary["unverifiable"] else "")


def status_line(
    status: str, evaluation: Mapping[str, Any] | None, verification: Mapping[str, Any] | None = None
) -> str:
    """The run's status with the evaluator's and the verifier's verdicts on its image beside it:
    "PASSED · evaluator 5/6 checks · 1 unverifiable · verifier 4/4 checks"."""
    parts = [status, evaluation_text(evaluation), verification_text(verification)]
    return SEPARATOR.join(part for part in parts if part)
