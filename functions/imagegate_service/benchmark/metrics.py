"""Benchmark metrics computed from run results, and the comparison with a previous benchmark.

Input: a list of run results, each shaped like the loop's ``run.json``::

    {"runId", "status", "threshold", "finalScore", "bestRound", "costUsd", "durationSeconds",
     "category", "itemId", "anchor", "rounds": [{"round", "prompt", "score", "passed", "costUsd"}]}

Definitions (each over the runs of the group, overall or one category):

- ``passRate``: runs with status PASSED / all runs. FAILED and BLOCKED runs count as not passing.
- ``firstRoundPassRate``: runs whose round-1 score >= their threshold / all runs: what a single-shot
  generator judged by the same judge would have achieved. Same denominator as ``passRate`` so the
  two are directly comparable.
- ``meanRoundsToPass``: over PASSED runs, the first round whose score reached the threshold.
- ``meanFirstRoundScore`` / ``meanFinalScore``: over runs with at least one scored round; the final
  score is the best round score of the run (the image the loop returns). ``lift`` = final - first,
  both means over the same runs.
- ``totalCostUsd``: sum of run ``costUsd`` (the rounds' costs when the run has none);
  ``costPerPassUsd`` = total cost / passed runs, ``None`` when nothing passed.
- ``durationP50Seconds`` / ``durationP95Seconds``: nearest-rank percentiles (see ``percentile``).
- ``statusCounts``: every terminal status with its count (zeros included).

A mean over no runs is ``None``, never 0, so an empty group cannot look like a bad one.

Control arms (``arm_metrics``; the same items run under several loop settings, see
constants.BENCHMARK_ARMS), per arm over its runs (one run per item):

- ``items``: runs of the arm.
- ``judgePassRate``: runs the Quality Gate passed (status PASSED) / items. Defined on the gate's decision, not
  on the best score against the threshold: for an arm with a verifier (``loop+verify``) it counts verified
  passes (a judge pass the verifier failed is not one), and a pass a reviewer approved counts as the gate's.
- ``evaluatorPassRate``: runs whose final image the independent evaluator passed / items. A run with no
  evaluation (it failed before a round was judged, or the evaluator was unavailable) counts as not
  passed, and is counted in ``armDetails[arm].withoutEvaluation``. The evaluator passes an image when at
  least one of its checks could be verified and none of those failed: an unverifiable check never fails it.
- ``judgeFalsePassRate``: gate-passed (PASSED) runs whose final image the evaluator did not pass / PASSED
  runs; ``None`` when the gate passed nothing (a rate over no runs is undefined, not 0).
- ``evaluatorUnverifiableShare``: the mean, over runs whose final image has evaluator checks, of the share of
  those checks that are unverifiable (``satisfied: null``: the offline world cannot decide them, e.g. an action
  it does not draw); ``None`` when no run has checks. Counted apart from held and failed checks.
- ``verifierUnverifiableShare``: verifier checks with ``satisfied: null`` (a noun or property the detector
  cannot ground) / all verifier checks, over every round's ``verification`` of the arm's runs; ``None`` when
  the arm has no runs or its verifier checked nothing (an arm without a verifier).
- ``imagesPerItem``: images the arm generated (candidates per round x recorded rounds) / items.
- ``costPerEvaluatorPassUsd``: the arm's total model cost (the loop's cost: generator, judge, rewriter;
  the evaluator's own cost is not part of it) / evaluator-passed runs; ``None`` when none passed.
- ``meanRounds``: recorded rounds per run.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from imagegate_service.constants import BENCHMARK_DEFAULT_ARMS, STATUS_PASSED, TERMINAL_STATUSES
from imagegate_service.domain.gate import judge_passes
from imagegate_service.domain.readings import evaluation_summary, verification_summary
from imagegate_service.settings import DEFAULTS

DEFAULT_ARM = BENCHMARK_DEFAULT_ARMS[0]  # a run without an arm (an older report) ran the loop as given
# Float deltas such as 0.75 - 0.70 are 0.0500000001: a change exactly at the tolerance is not a regression.
_EPSILON = 1e-9

RunResult = Mapping[str, Any]


@dataclass(frozen=True)
class _RunFacts:
    """What the metrics need from one run, read once."""

    item_id: str | None
    category: str
    status: str
    passed: bool
    anchor: bool
    threshold: float
    round_scores: list[float | None]  # in round order; None where the round has no score
    cost_usd: float
    duration_seconds: float | None

    @property
    def first_round_score(self) -> float | None:
        return self.round_scores[0] if self.round_scores else None

    @property
    def final_score(self) -> float | None:
        scores = [score for score in self.round_scores if score is not None]
        return max(scores) if scores else None

    @property
    def passed_first_round(self) -> bool:
        return self.first_round_score is not None and judge_passes(self.first_round_score, self.threshold)

    @property
    def rounds_to_pass(self) -> int | None:
        if not self.passed:
            return None
        for round_number, score in enumerate(self.round_scores, start=1):
            if score is not None and judge_passes(score, self.threshold):
                return round_number
        # A PASSED run whose scores never reached its threshold: count the rounds it spent.
        return len(self.round_scores) or None


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def _run_facts(run: RunResult) -> _RunFacts:
    rounds = sorted(run.get("rounds") or [], key=lambda entry: entry.get("round", 0))
    cost = _number(run.get("costUsd"))
    if cost is None:
        cost = sum(_number(entry.get("costUsd")) or 0.0 for entry in rounds)
    threshold = _number(run.get("threshold"))
    status = str(run.get("status", "UNKNOWN"))
    return _RunFacts(
        item_id=run.get("itemId"),
        category=str(run.get("category") or "uncategorized"),
        status=status,
        passed=status == STATUS_PASSED,
        anchor=bool(run.get("anchor", False)),
        threshold=DEFAULTS["threshold"] if threshold is None else threshold,  # an older report ran at the default
        round_scores=[_number(entry.get("score")) for entry in rounds],
        cost_usd=cost,
        duration_seconds=_number(run.get("durationSeconds")),
    )


def run_summary(run: RunResult) -> dict[str, Any]:
    """One line of the report's run table: the run's identity and outcome, without round details.

    It carries what the arm metrics read (arm, evaluation, images), so that they can be computed from
    the run table alone, e.g. over the runs of several reports."""
    facts = _run_facts(run)
    rounds = sorted(run.get("rounds") or [], key=lambda entry: entry.get("round", 0))
    # The user's prompt: the run's own field when it has one, else what round 1 was sent.
    prompt = run.get("prompt") or (rounds[0].get("prompt") if rounds else None)
    evaluation: Mapping[str, Any] = run["evaluation"] if isinstance(run.get("evaluation"), Mapping) else {}
    evaluated = evaluation_summary(evaluation)
    verifications = [summary for entry in rounds if (summary := verification_summary(entry.get("verification")))]
    candidates = _number(run.get("candidatesPerRound"))
    return {
        "runId": run.get("runId"),
        "itemId": facts.item_id,
        "category": facts.category,
        "arm": run.get("arm") or DEFAULT_ARM,
        "anchor": facts.anchor,
        "status": facts.status,
        "evaluationPassed": evaluation.get("passed") if isinstance(evaluation.get("passed"), bool) else None,
        "evaluationSource": evaluation.get("source"),
        # the final image's evaluator checks that hold, could be verified, and could not (satisfied null)
        "evaluationSatisfied": evaluated["satisfied"] if evaluated else None,
        "evaluationVerifiable": evaluated["verifiable"] if evaluated else None,
        "evaluationUnverifiable": evaluated["unverifiable"] if evaluated else None,
        # every round's verifier checks, and how many of them the verifier could not ground
        "verifierChecks": sum(summary["verifiable"] + summary["unverifiable"] for summary in verifications),
        "verifierUnverifiable": sum(summary["unverifiable"] for summary in verifications),
        "images": len(facts.round_scores) * (int(candidates) if candidates else 1),
        "prompt": prompt,
        # the last round's prompt length over the user's (issue 25.7: rewrites stay readable, at most about 2x)
        "promptGrowth": _prompt_growth(prompt, rounds),
        "threshold": facts.threshold,
        "rounds": len(facts.round_scores),
        "firstRoundScore": facts.first_round_score,
        "finalScore": facts.final_score,
        "costUsd": facts.cost_usd,
        "durationSeconds": facts.duration_seconds,
    }


def _prompt_growth(prompt: Any, rounds: Sequence[Mapping[str, Any]]) -> float | None:
    """len(the last round's prompt) / len(the user's prompt); None without both."""
    final = rounds[-1].get("prompt") if rounds else None
    if not isinstance(prompt, str) or not prompt or not isinstance(final, str):
        return None
    return round(len(final) / len(prompt), 3)


def _median(values: Sequence[float]) -> float | None:
    ordered = sorted(values)
    middle = len(ordered) // 2
    if not ordered:
        return None
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _ratio(numerator: float, denominator: float) -> float | None:
    return numerator / denominator if denominator else None


def percentile(values: Sequence[float], percent: float) -> float | None:
    """Nearest-rank percentile: the smallest value with at least ``percent``% of values <= it.

    Always one of the observed durations (no interpolation), e.g. p50 of [10, 20, 30, 40] is 20
    and p95 is 40. ``None`` for no values.
    """
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(percent / 100 * len(ordered)))
    return ordered[rank - 1]


def _summarize(facts: Sequence[_RunFacts]) -> dict[str, Any]:
    passed = [run for run in facts if run.passed]
    scored = [run for run in facts if run.final_score is not None]
    mean_first = _mean([run.first_round_score for run in scored if run.first_round_score is not None])
    mean_final = _mean([final for run in scored if (final := run.final_score) is not None])
    total_cost = sum(run.cost_usd for run in facts)
    durations = [run.duration_seconds for run in facts if run.duration_seconds is not None]
    status_counts = {status: 0 for status in TERMINAL_STATUSES}
    for run in facts:
        status_counts[run.status] = status_counts.get(run.status, 0) + 1
    # Lift over the runs that have both scores, so first and final describe the same runs.
    lift = _mean(
        [
            final - first
            for run in scored
            if (final := run.final_score) is not None and (first := run.first_round_score) is not None
        ]
    )
    return {
        "runs": len(facts),
        "passed": len(passed),
        "passRate": _ratio(len(passed), len(facts)),
        "firstRoundPassed": sum(run.passed_first_round for run in facts),
        "firstRoundPassRate": _ratio(sum(run.passed_first_round for run in facts), len(facts)),
        "meanRoundsToPass": _mean([run.rounds_to_pass for run in passed if run.rounds_to_pass is not None]),
        "meanFirstRoundScore": mean_first,
        "meanFinalScore": mean_final,
        "lift": lift,
        "totalCostUsd": total_cost,
        "costPerPassUsd": _ratio(total_cost, len(passed)),
        "durationP50Seconds": percentile(durations, 50),
        "durationP95Seconds": percentile(durations, 95),
        "statusCounts": status_counts,
    }


def _score_by_round(facts_list: Sequence[_RunFacts]) -> list[dict[str, Any]]:
    """Mean best-so-far score at round k, for k = 1..the longest run.

    A run that stopped before round k (it passed, or ran out of budget) carries its final best
    score forward, so every point averages the same runs and the curve shows what the loop
    delivers if allowed k rounds; it never drops because the easy prompts left early.
    ``meanScore`` is the plain mean of the round-k scores of the runs that reached round k.
    Runs without any scored round are left out.
    """
    scored = [facts for facts in facts_list if facts.final_score is not None]
    longest = max((len(facts.round_scores) for facts in scored), default=0)
    points = []
    for round_number in range(1, longest + 1):
        best_so_far: list[float] = []
        reached_scores: list[float] = []
        for facts in scored:
            earlier = [score for score in facts.round_scores[:round_number] if score is not None]
            if earlier:
                best_so_far.append(max(earlier))
            reached = facts.round_scores[round_number - 1] if len(facts.round_scores) >= round_number else None
            if reached is not None:
                reached_scores.append(reached)
        points.append(
            {
                "round": round_number,
                "meanBestScore": _mean(best_so_far),
                "meanScore": _mean(reached_scores),
                "runsReached": len(reached_scores),
            }
        )
    return points


def _anchor_report(facts_list: Sequence[_RunFacts]) -> dict[str, Any]:
    anchors = [facts for facts in facts_list if facts.anchor]
    first_scores = [facts.first_round_score for facts in anchors if facts.first_round_score is not None]
    return {
        "runs": len(anchors),
        "meanFirstRoundScore": _mean(first_scores),
        "items": [
            {
                "itemId": facts.item_id,
                "category": facts.category,
                "status": facts.status,
                "firstRoundScore": facts.first_round_score,
                "finalScore": facts.final_score,
            }
            for facts in sorted(anchors, key=lambda facts: str(facts.item_id))
        ],
    }


def compute_metrics(results: Sequence[RunResult]) -> dict[str, Any]:
    """All metrics of a benchmark run: overall, byCategory, scoreByRound and anchors.

    Anchor runs are part of the suite, so they count in overall and byCategory too.
    """
    facts_list = [_run_facts(run) for run in results]
    by_category: dict[str, list[_RunFacts]] = {}
    for facts in facts_list:
        by_category.setdefault(facts.category, []).append(facts)
    return {
        "overall": _summarize(facts_list),
        "byCategory": {name: _summarize(by_category[name]) for name in sorted(by_category)},
        "scoreByRound": _score_by_round(facts_list),
        "anchors": _anchor_report(facts_list),
    }


# --- control arms ------------------------------------------------------------------------------------

# The exact keys of report.json's arms.<arm> (definitions in the module docstring).
ARM_METRICS = (
    "items",
    "evaluatorPassRate",
    "judgePassRate",
    "judgeFalsePassRate",
    "imagesPerItem",
    "costPerEvaluatorPassUsd",
    "meanRounds",
    "evaluatorUnverifiableShare",
    "verifierUnverifiableShare",
    "promptGrowthMedian",
    "promptGrowthMax",
)


def primary_arm(arms: Sequence[str]) -> str:
    """The arm whose runs the classic metrics (overall, byCategory, anchors, comparison) describe."""
    return DEFAULT_ARM if DEFAULT_ARM in arms or not arms else arms[0]


def _arm_summary(runs: Sequence[Mapping[str, Any]]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(the arm's metrics, its counts) over run summaries (``run_summary``)."""
    judge_passed = [run for run in runs if run.get("status") == STATUS_PASSED]  # the gate's decision
    evaluator_passed = [run for run in runs if run.get("evaluationPassed") is True]
    checked = [run for run in runs if (run.get("evaluationVerifiable") or 0) + (run.get("evaluationUnverifiable") or 0)]
    verifier_checks = sum(run.get("verifierChecks") or 0 for run in runs)
    verifier_unverifiable = sum(run.get("verifierUnverifiable") or 0 for run in runs)
    false_passes = [run for run in judge_passed if run.get("evaluationPassed") is not True]
    total_cost = sum(_number(run.get("costUsd")) or 0.0 for run in runs)
    images = sum(run.get("images") or 0 for run in runs)
    growth = [float(run["promptGrowth"]) for run in runs if isinstance(run.get("promptGrowth"), (int, float))]
    metrics = {
        "items": len(runs),
        "evaluatorPassRate": _ratio(len(evaluator_passed), len(runs)),
        "judgePassRate": _ratio(len(judge_passed), len(runs)),
        "judgeFalsePassRate": _ratio(len(false_passes), len(judge_passed)),
        "imagesPerItem": _ratio(images, len(runs)),
        "costPerEvaluatorPassUsd": _ratio(total_cost, len(evaluator_passed)),
        "meanRounds": _mean([run.get("rounds") or 0 for run in runs]),
        "evaluatorUnverifiableShare": _mean(
            [
                run["evaluationUnverifiable"] / (run["evaluationVerifiable"] + run["evaluationUnverifiable"])
                for run in checked
            ]
        ),
        "verifierUnverifiableShare": _ratio(verifier_unverifiable, verifier_checks),
        # final over original prompt length per run (rewrites stay bounded: max(2x, +300 characters))
        "promptGrowthMedian": _median(growth),
        "promptGrowthMax": max(growth) if growth else None,
    }
    counts = {
        "items": len(runs),
        "judgePassed": len(judge_passed),
        "evaluatorPassed": len(evaluator_passed),
        "judgePassedEvaluatorFailed": len(false_passes),
        "withoutEvaluation": sum(run.get("evaluationPassed") is None for run in runs),
        "evaluationChecks": sum(
            (run.get("evaluationVerifiable") or 0) + (run.get("evaluationUnverifiable") or 0) for run in runs
        ),
        "evaluationUnverifiable": sum(run.get("evaluationUnverifiable") or 0 for run in runs),
        "verifierChecks": verifier_checks,
        "verifierUnverifiable": verifier_unverifiable,
        "images": images,
        "totalCostUsd": total_cost,
    }
    return metrics, counts


def arm_metrics(runs: Sequence[Mapping[str, Any]], arms: Sequence[str] | None = None) -> dict[str, Any]:
    """``arms`` (exact keys, ARM_METRICS), ``armDetails`` (the counts behind them) and ``armsByCategory``
    (the same metrics per category), from run summaries. Arms in the order given, then any others found."""
    by_arm: dict[str, list[Mapping[str, Any]]] = {arm: [] for arm in arms or []}
    for run in runs:
        by_arm.setdefault(run.get("arm") or DEFAULT_ARM, []).append(run)
    result: dict[str, Any] = {"arms": {}, "armDetails": {}, "armsByCategory": {}}
    for arm, members in by_arm.items():
        result["arms"][arm], result["armDetails"][arm] = _arm_summary(members)
        categories: dict[str, list[Mapping[str, Any]]] = {}
        for run in members:
            categories.setdefault(run["category"], []).append(run)
        result["armsByCategory"][arm] = {name: _arm_summary(categories[name])[0] for name in sorted(categories)}
    return result


# --- comparison with the previous benchmark ----------------------------------------------------------

HEADLINE_METRICS = (
    "runs",
    "passed",
    "passRate",
    "firstRoundPassRate",
    "meanRoundsToPass",
    "meanFirstRoundScore",
    "meanFinalScore",
    "lift",
    "totalCostUsd",
    "costPerPassUsd",
    "durationP50Seconds",
    "durationP95Seconds",
)


@dataclass(frozen=True)
class Tolerances:
    """How far a metric may move before the comparison flags it."""

    pass_rate_drop: float = 0.05  # 5 percentage points (rates are fractions 0..1)
    mean_final_score_drop: float = 0.25
    cost_per_pass_rise: float = 0.10  # relative: +10%
    anchor_drift: float = 0.5  # either direction


def _delta(current: float | None, previous: float | None) -> float | None:
    return None if current is None or previous is None else current - previous


def _metric_deltas(current: Mapping[str, Any] | None, previous: Mapping[str, Any] | None) -> dict[str, Any]:
    current, previous = current or {}, previous or {}
    return {
        name: {
            "current": current.get(name),
            "previous": previous.get(name),
            "delta": _delta(current.get(name), previous.get(name)),
        }
        for name in HEADLINE_METRICS
    }


def _regressions(
    category: str | None, current: Mapping[str, Any], previous: Mapping[str, Any], tolerances: Tolerances
) -> list[dict[str, Any]]:
    found = []

    def flag(metric: str, tolerance: float, message: str) -> None:
        found.append(
            {
                "scope": "overall" if category is None else f"category:{category}",
                "category": category,
                "metric": metric,
                "current": current.get(metric),
                "previous": previous.get(metric),
                "tolerance": tolerance,
                "message": message,
            }
        )

    pass_rate_delta = _delta(current.get("passRate"), previous.get("passRate"))
    if pass_rate_delta is not None and -pass_rate_delta > tolerances.pass_rate_drop + _EPSILON:
        flag("passRate", tolerances.pass_rate_drop, f"pass rate fell {-pass_rate_delta * 100:.1f} points")

    final_delta = _delta(current.get("meanFinalScore"), previous.get("meanFinalScore"))
    if final_delta is not None and -final_delta > tolerances.mean_final_score_drop + _EPSILON:
        flag("meanFinalScore", tolerances.mean_final_score_drop, f"mean final score fell {-final_delta:.2f}")

    current_cost, previous_cost = current.get("costPerPassUsd"), previous.get("costPerPassUsd")
    if current_cost is not None and previous_cost is not None:
        if previous_cost > 0:
            rise = current_cost / previous_cost - 1
            if rise > tolerances.cost_per_pass_rise + _EPSILON:
                flag("costPerPassUsd", tolerances.cost_per_pass_rise, f"cost per passing image rose {rise * 100:.1f}%")
        elif current_cost > _EPSILON:
            flag("costPerPassUsd", tolerances.cost_per_pass_rise, "cost per passing image rose from zero")
    return found


def _anchor_drift(current: Mapping[str, Any], previous: Mapping[str, Any], tolerances: Tolerances) -> dict[str, Any]:
    """Judge drift over the anchors present in both benchmarks (matched by item id).

    Matching keeps a changed anchor set from looking like drift.
    """
    previous_scores = {
        item["itemId"]: item.get("firstRoundScore") for item in (previous.get("anchors") or {}).get("items", [])
    }
    items = []
    for item in (current.get("anchors") or {}).get("items", []):
        previous_score = previous_scores.get(item["itemId"])
        delta = _delta(item.get("firstRoundScore"), previous_score)
        if delta is not None:
            items.append(
                {
                    "itemId": item["itemId"],
                    "current": item["firstRoundScore"],
                    "previous": previous_score,
                    "delta": delta,
                }
            )
    mean_delta = _mean([item["delta"] for item in items])
    flagged = mean_delta is not None and abs(mean_delta) > tolerances.anchor_drift + _EPSILON
    return {
        "anchorsCompared": len(items),
        "meanFirstRoundScoreDelta": mean_delta,
        "tolerance": tolerances.anchor_drift,
        "flagged": flagged,
        "message": f"judge drift: anchor first-round scores moved {mean_delta:+.2f}" if flagged else None,
        "items": items,
    }


def compare(
    current: Mapping[str, Any], previous: Mapping[str, Any], tolerances: Tolerances | None = None
) -> dict[str, Any]:
    """Deltas of the headline metrics (overall and per category) against a previous benchmark.

    ``current`` and ``previous`` are ``compute_metrics`` results or whole reports (same keys).
    Regressions: pass rate down by more than ``pass_rate_drop``, mean final score down by more than
    ``mean_final_score_drop``, cost per passing image up by more than ``cost_per_pass_rise``; checked
    overall and for each category in both. Anchor movement beyond ``anchor_drift`` in either direction
    is reported as judge drift, apart from the regressions: it questions the ruler, not the loop.
    """
    tolerances = tolerances or Tolerances()
    current_overall, previous_overall = current.get("overall") or {}, previous.get("overall") or {}
    current_categories = current.get("byCategory") or {}
    previous_categories = previous.get("byCategory") or {}
    regressions = _regressions(None, current_overall, previous_overall, tolerances)
    for name in sorted(current_categories.keys() & previous_categories.keys()):
        regressions += _regressions(name, current_categories[name], previous_categories[name], tolerances)
    return {
        "tolerances": asdict(tolerances),
        "overall": _metric_deltas(current_overall, previous_overall),
        "byCategory": {
            name: _metric_deltas(current_categories.get(name), previous_categories.get(name))
            for name in sorted(current_categories.keys() | previous_categories.keys())
        },
        "regressions": regressions,
        "drift": _anchor_drift(current, previous, tolerances),
    }
