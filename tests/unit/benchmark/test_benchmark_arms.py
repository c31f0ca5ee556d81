"""Control arms: the same items under other loop settings in one benchmark, their metrics side by side,
and the refusal of a benchmark that one Step Functions execution could not hold."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from typing import Any

import pytest

from imagegate_service import constants as c
from imagegate_service import workflows
from imagegate_service.benchmark import limits
from imagegate_service.benchmark.metrics import ARM_METRICS
from imagegate_service.benchmark.report import _ARM_LABELS, build_report, render_html
from imagegate_service.domain.benchmark import BenchmarkPreparer, parse_arms
from imagegate_service.errors import InvalidRequest

pytestmark = pytest.mark.unit
NOW = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)


def arm_run(make_run, item_id, arm, scores, cost, evaluation_passed, candidates=1, status=None):
    run = make_run(
        item_id,
        "objects" if item_id.endswith("1") or item_id.endswith("2") else "counting",
        status or ("PASSED" if scores and max(scores) >= 7.5 else "EXHAUSTED"),
        scores,
        cost_usd=cost,
        duration_seconds=1,
    )
    run["runId"] = f"run-{arm}-{item_id}"
    run["arm"] = arm
    run["candidatesPerRound"] = candidates
    run["evaluation"] = None if evaluation_passed is None else {"passed": evaluation_passed, "source": "ground-truth"}
    return run


@pytest.fixture
def three_arms(make_run) -> list[dict[str, Any]]:
    """The worked example; every expected figure below is computed by hand from these runs.

    loop (1 candidate):  i1 [5, 8] eval yes $0.10 | i2 [6, 7, 8] eval no $0.15 | i3 [4, 5, 6, 6] eval no $0.20 |
                         i4 FAILED, no round, no evaluation $0.00
    best-of-3:           i1 [8] yes | i2 [6] yes | i3 [9] no | i4 [3] no; $0.12 each
    single:              i1 [5] no $0.04 (nothing judge-passed, nothing evaluator-passed)
    """
    return [
        arm_run(make_run, "i1", "loop", [5, 8], 0.10, True),
        arm_run(make_run, "i2", "loop", [6, 7, 8], 0.15, False),
        arm_run(make_run, "i3", "loop", [4, 5, 6, 6], 0.20, False),
        arm_run(make_run, "i4", "loop", [], 0.0, None, status="FAILED"),
        arm_run(make_run, "i1", "best-of-3", [8], 0.12, True, candidates=3),
        arm_run(make_run, "i2", "best-of-3", [6], 0.12, True, candidates=3),
        arm_run(make_run, "i3", "best-of-3", [9], 0.12, False, candidates=3),
        arm_run(make_run, "i4", "best-of-3", [3], 0.12, False, candidates=3),
        arm_run(make_run, "i1", "single", [5], 0.04, False),
    ]


def test_arm_metrics_match_the_hand_computed_example(three_arms) -> None:
    report = build_report(three_arms, "tiny", NOW.isoformat(), arms=["loop", "best-of-3", "single"])

    assert list(report["arms"]) == ["loop", "best-of-3", "single"]
    loop, best_of_3, single = (report["arms"][name] for name in ("loop", "best-of-3", "single"))
    # loop: 1 of 4 evaluator-passed; judge passed i1, i2 (8 >= 7.5), of which i2 the evaluator failed
    assert loop == pytest.approx(
        {
            "items": 4,
            "evaluatorPassRate": 0.25,
            "judgePassRate": 0.5,
            "judgeFalsePassRate": 0.5,
            "imagesPerItem": (2 + 3 + 4 + 0) / 4,
            "costPerEvaluatorPassUsd": 0.45,
            "meanRounds": 2.25,
        }
    )
    # best-of-3: i2 passed the evaluator although the judge failed it; i3 the reverse
    assert best_of_3 == pytest.approx(
        {
            "items": 4,
            "evaluatorPassRate": 0.5,
            "judgePassRate": 0.5,
            "judgeFalsePassRate": 0.5,
            "imagesPerItem": 3.0,
            "costPerEvaluatorPassUsd": 0.48 / 2,
            "meanRounds": 1.0,
        }
    )
    # single: nothing passed, so the two ratios over passes are undefined, not zero
    assert single == pytest.approx(
        {
            "items": 1,
            "evaluatorPassRate": 0.0,
            "judgePassRate": 0.0,
            "judgeFalsePassRate": None,
            "imagesPerItem": 1.0,
            "costPerEvaluatorPassUsd": None,
            "meanRounds": 1.0,
        }
    )
    # The exact keys, and the run without an evaluation counted apart
    assert all(tuple(metrics) == ARM_METRICS for metrics in report["arms"].values())
    assert report["armDetails"]["loop"]["withoutEvaluation"] == 1
    assert report["armDetails"]["best-of-3"]["withoutEvaluation"] == 0


def test_the_classic_metrics_describe_the_loop_arm_only(three_arms) -> None:
    report = build_report(three_arms, "tiny", NOW.isoformat(), arms=["best-of-3", "loop", "single"])

    assert report["settings"]["primaryArm"] == "loop"
    assert report["overall"]["runs"] == 4 and report["overall"]["passed"] == 2
    assert len(report["runs"]) == len(three_arms)
    # per category per arm too
    assert report["armsByCategory"]["best-of-3"]["objects"]["evaluatorPassRate"] == pytest.approx(1.0)
    assert report["armsByCategory"]["best-of-3"]["counting"]["evaluatorPassRate"] == pytest.approx(0.0)


def test_arm_metrics_can_be_recomputed_from_the_run_table_alone(three_arms) -> None:
    # The run table carries what the arms need, so several reports' runs can be pooled
    from imagegate_service.benchmark.metrics import arm_metrics

    report = json.loads(json.dumps(build_report(three_arms, "tiny", NOW.isoformat())))
    assert arm_metrics(report["runs"])["arms"] == report["arms"]


def test_the_html_shows_the_arms_side_by_side_escaped(three_arms) -> None:
    for run in three_arms:
        run["arm"] = run["arm"].replace("single", "<b>single</b>")
    page = render_html(build_report(three_arms, "tiny", NOW.isoformat()))

    assert '<th data-arm="loop">loop</th><th data-arm="best-of-3">best-of-3</th>' in page
    assert "&lt;b&gt;single&lt;/b&gt;" in page and "<b>single</b>" not in page
    assert 'data-metric="evaluatorPassRate"' in page and "25.0%" in page
    assert tuple(_ARM_LABELS) == ARM_METRICS


# --- arms in the prepared benchmark -----------------------------------------------------------------------


def inline(items: int, prompt: str = "a red apple", **settings: Any) -> list[dict[str, Any]]:
    return [
        {"id": f"item-{k}", "prompt": prompt, "category": "objects", "settings": dict(settings)}
        for k in range(1, items + 1)
    ]


def prepare(request: dict[str, Any]) -> dict[str, Any]:
    return BenchmarkPreparer(clock=lambda: NOW).prepare(request, "bench-1", workflows.benchmark_history_estimate())


def test_every_item_runs_under_every_arm_with_the_arm_settings_winning() -> None:
    expected = {"include": [{"class": "apple", "count": 1, "color": "red"}]}
    prepared = prepare(
        {
            "items": inline(2, maxRounds=3, seed=9, expected=expected),
            "settings": {"threshold": 8},
            "arms": ["loop", "single", "best-of-5", "redraw"],
        }
    )

    entries = prepared["items"]
    assert prepared["arms"] == ["loop", "single", "best-of-5", "redraw"]
    assert [(e["itemId"], e["arm"]) for e in entries] == [
        (item, arm) for item in ("item-1", "item-2") for arm in ("loop", "single", "best-of-5", "redraw")
    ]
    assert len({e["runId"] for e in entries}) == len(entries)
    by_arm = {e["arm"]: e["request"] for e in entries if e["itemId"] == "item-1"}
    base = {"prompt": "a red apple", "threshold": 8, "maxRounds": 3, "seed": 9, "expected": expected}
    assert by_arm["loop"] == base
    assert by_arm["single"] == {**base, "maxRounds": 1}
    assert by_arm["best-of-5"] == {**base, "maxRounds": 1, "candidatesPerRound": 5}
    assert by_arm["redraw"] == {**base, "strategy": "redraw"}


def test_the_default_arm_is_the_loop_alone() -> None:
    prepared = prepare({"items": inline(3)})
    assert prepared["arms"] == ["loop"] and [e["arm"] for e in prepared["items"]] == ["loop"] * 3


@pytest.mark.parametrize(
    "arms, problem",
    [
        ("loop,best-of-7", "'best-of-7' is not an arm"),
        (["loop", "loop"], "names an arm twice"),
        ([], "non-empty"),
        ("", "non-empty"),
        (5, "non-empty list"),
    ],
)
def test_bad_arms_are_refused_naming_the_field(arms: Any, problem: str) -> None:
    with pytest.raises(InvalidRequest) as raised:
        parse_arms(arms)
    assert raised.value.field == "arms" and problem in str(raised.value)


def test_a_comma_list_of_arms_is_accepted() -> None:
    assert parse_arms("loop, redraw,best-of-3") == ["loop", "redraw", "best-of-3"]


# --- the one-execution bounds -----------------------------------------------------------------------------


def test_the_history_estimate_grows_with_the_states_of_a_round() -> None:
    # Given the composed benchmark, and the same with one more Task state inside the loop's round
    definition = json.loads(workflows.benchmark_definition())
    estimate = limits.history_estimate(definition, workflows.BENCHMARK_MAP_STATE)
    bigger = copy.deepcopy(definition)
    inner = bigger["States"][workflows.BENCHMARK_MAP_STATE]["ItemProcessor"]["States"]
    gate = next(
        name
        for name, state in inner.items()
        if state["Type"] == "Choice"
        and any(name == s.get("Next") for s in inner.values())
        and state.get("Default") in inner
        and inner[state["Default"]]["Type"] == "Task"
    )
    rewrite = inner[gate]["Default"]
    inner["Extra Step"] = {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:1:function:x", "Next": rewrite}
    inner[gate]["Default"] = "Extra Step"

    # Then a round costs one Task's 5 events more, and nothing else moves
    grown = limits.history_estimate(bigger, workflows.BENCHMARK_MAP_STATE)
    assert grown["eventsPerRound"] == estimate["eventsPerRound"] + 5
    assert grown["eventsPerRun"] == estimate["eventsPerRun"]
    assert grown["eventsOutside"] == estimate["eventsOutside"]
    # And the round has at least generate, judge, record, the gate and the rewrite
    assert estimate["eventsPerRound"] >= 4 * 5 + 2


def test_a_benchmark_past_the_history_quota_is_refused_with_the_numbers() -> None:
    estimate = workflows.benchmark_history_estimate()
    # the default 4 rounds, one candidate judged per round
    per_run = estimate["eventsPerRun"] + 4 * (estimate["eventsPerRound"] + estimate["eventsPerCandidate"])
    fits = (limits.history_events_allowed() - estimate["eventsOutside"]) // (2 * per_run)  # items x 2 arms

    # Given the largest item count that fits with two 4-round arms, it is prepared
    assert len(prepare({"items": inline(fits), "arms": "loop,redraw"})["items"]) == 2 * fits

    # When one more item is asked for, it is refused before anything starts, with the numbers
    with pytest.raises(InvalidRequest) as raised:
        prepare({"items": inline(fits + 1), "arms": "loop,redraw"})
    message = str(raised.value)
    assert raised.value.field == "limit"
    assert f"{fits + 1} items x 2 arms = {2 * (fits + 1)} runs" in message
    assert "25,000" in message and f"{estimate['eventsPerRound']} per round" in message
    assert f"at most about {fits} items with these arms" in message


def test_one_round_arms_fit_far_more_items_than_the_loop() -> None:
    # 90 items under the three one-round arms fit (each best-of-N candidate is its own judge iteration); the same
    # under loop and redraw (4 rounds) would not
    assert len(prepare({"items": inline(90), "arms": "single,best-of-3,best-of-5"})["items"]) == 270
    with pytest.raises(InvalidRequest, match="history events"):
        prepare({"items": inline(90), "arms": "loop,redraw,single,best-of-3,best-of-5"})


def test_a_benchmark_past_the_state_size_quota_is_refused_with_the_numbers() -> None:
    # Given long prompts under one-round arms: few history events, but a large Map state
    with pytest.raises(InvalidRequest) as raised:
        prepare({"items": inline(90, prompt="a red apple " * 110), "arms": "single,best-of-3,best-of-5"})
    assert raised.value.field == "limit"
    assert "bytes of execution state" in str(raised.value) and "262,144" in str(raised.value)


def test_the_item_cap_still_applies() -> None:
    with pytest.raises(InvalidRequest, match=f"at most {c.BENCHMARK_MAX_ITEMS}"):
        prepare({"items": inline(c.BENCHMARK_MAX_ITEMS + 1), "settings": {"maxRounds": 1}, "arms": "single"})


def test_prepare_benchmark_checks_against_the_estimate_its_definition_carries(lambda_context) -> None:
    from imagegate_service.handlers import prepare_benchmark

    # Given the composed definition: Prepare Benchmark's parameters carry the estimate of that composition
    parameters = json.loads(workflows.benchmark_definition())["States"][workflows.BENCHMARK_PREPARE_STATE]["Parameters"]
    assert parameters["historyEstimate"] == workflows.benchmark_history_estimate()

    def event(request: dict[str, Any]) -> dict[str, Any]:
        return {
            "request": request,
            "execution": {"name": "bench-2", "arn": "arn:aws:states:::execution:b:bench-2"},
            "historyEstimate": parameters["historyEstimate"],
        }

    # When the handler prepares a small two-arm benchmark, every item runs under both arms
    prepared = prepare_benchmark.handler(event({"items": inline(2), "arms": ["loop", "single"]}), lambda_context)
    assert [entry["arm"] for entry in prepared["items"]] == ["loop", "single", "loop", "single"]
    # And a benchmark one execution could not hold fails the Prepare step, before the Map starts any run
    with pytest.raises(InvalidRequest, match="history events"):
        prepare_benchmark.handler(event({"items": inline(150), "arms": list(c.BENCHMARK_ARMS)}), lambda_context)


def test_the_cli_refuses_an_unknown_arm_before_anything_starts(capsys) -> None:
    from imagegate.cli import EXIT_INVALID_INPUT, main

    assert main(["bench", "--arms", "loop,best-of-9"]) == EXIT_INVALID_INPUT
    error = capsys.readouterr().err
    assert "arms: 'best-of-9' is not an arm" in error and "best-of-5" in error


def test_the_aggregation_emits_the_loop_arm_evaluator_figures_as_metrics(lambda_context, monkeypatch) -> None:
    from imagegate_service.handlers import aggregate_benchmark

    # Given an aggregation whose loop arm the evaluator passed 3 of 4 times (the judge falsely passed 1 of 4)
    arms = {
        "loop": {"evaluatorPassRate": 0.75, "judgeFalsePassRate": 0.25},
        "single": {"evaluatorPassRate": 0.1, "judgeFalsePassRate": None},
    }
    summary = {"overall": {"passRate": 1.0}, "anchorsMeanFirstRoundScore": None, "arms": arms, "primaryArm": "loop"}
    monkeypatch.setattr(aggregate_benchmark.aggregator, "aggregate", lambda event: summary)
    emitted = {}
    monkeypatch.setattr(
        aggregate_benchmark.metrics, "add_metric", lambda name, unit, value: emitted.__setitem__(name, value)
    )

    aggregate_benchmark.handler({}, lambda_context)

    # Then the loop arm's evaluator figures are metrics beside the judge's pass rate; no other arm's are
    assert emitted[c.METRIC_BENCHMARK_EVALUATOR_PASS_RATE] == 0.75
    assert emitted[c.METRIC_BENCHMARK_JUDGE_FALSE_PASS_RATE] == 0.25
    assert emitted[c.METRIC_BENCHMARK_PASS_RATE] == 1.0
