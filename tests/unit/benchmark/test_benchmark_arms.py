"""Control arms: the same items under other loop settings in one benchmark, their metrics side by side; the
prepared Map items (S3, any number) and the refusal of a run that its own child execution could not hold."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from typing import Any

import pytest

from imagegate_service import constants as c
from imagegate_service import workflows
from imagegate_service.benchmark import limits
from imagegate_service.benchmark.limits import SFN_MAX_PAYLOAD_BYTES
from imagegate_service.benchmark.metrics import ARM_METRICS
from imagegate_service.benchmark.report import _ARM_LABELS, build_report, render_html
from imagegate_service.domain.benchmarking import BenchmarkPreparer, parse_arms
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
            "evaluatorUnverifiableShare": None,  # these evaluations carry no checks
            "verifierUnverifiableShare": None,  # and no arm had a verifier
            "promptGrowthMedian": 1.0,  # every round asked the same prompt
            "promptGrowthMax": 1.0,
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
            "evaluatorUnverifiableShare": None,  # these evaluations carry no checks
            "verifierUnverifiableShare": None,  # and no arm had a verifier
            "promptGrowthMedian": 1.0,  # every round asked the same prompt
            "promptGrowthMax": 1.0,
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
            "evaluatorUnverifiableShare": None,  # these evaluations carry no checks
            "verifierUnverifiableShare": None,  # and no arm had a verifier
            "promptGrowthMedian": 1.0,  # every round asked the same prompt
            "promptGrowthMax": 1.0,
        }
    )
    # The exact keys, and the run without an evaluation counted apart
    assert all(tuple(metrics) == ARM_METRICS for metrics in report["arms"].values())
    assert report["armDetails"]["loop"]["withoutEvaluation"] == 1
    assert report["armDetails"]["best-of-3"]["withoutEvaluation"] == 0


def _checks(*verdicts):
    return [{"question": f"q{k}", "satisfied": verdict} for k, verdict in enumerate(verdicts)]


def test_unverifiable_checks_are_counted_apart_and_the_gate_decides_what_a_judge_pass_is(make_run) -> None:
    # Given a loop+verify arm: i1 PASSED, its evaluation 2 held + 2 unverifiable (so passed), the verifier grounded
    # 3 checks, 1 of them unverifiable; i2 scored 9 but EXHAUSTED (the verifier failed its judge passes: 2 rounds,
    # each 2 checks, 1 failed) and the evaluator failed it (1 held, 1 failed, 2 unverifiable: never failed by them)
    verified = {"passed": True, "source": "rekognition", "status": "complete", "checks": _checks(True, True, None)}
    failed = {"passed": False, "source": "rekognition", "status": "complete", "checks": _checks(True, False)}
    i1 = arm_run(make_run, "i1", "loop+verify", [8.5], 0.10, True)
    i1["evaluation"]["checks"] = _checks(True, True, None, None)
    i1["rounds"][0]["verification"] = verified
    i2 = arm_run(make_run, "i2", "loop+verify", [9, 9], 0.10, False, status="EXHAUSTED")
    i2["evaluation"]["checks"] = _checks(True, False, None, None)
    for entry in i2["rounds"]:
        entry["verification"] = failed
    loop = arm_run(make_run, "i1", "loop", [8.5], 0.10, False)  # no verifier, no checks recorded

    # When the report is built
    report = build_report([i1, i2, loop], "tiny", NOW.isoformat(), arms=["loop+verify", "loop"])

    # Then the judge pass is the gate's decision (i2's 9 >= 7.5 is not a pass), so is the false pass
    verify = report["arms"]["loop+verify"]
    assert verify["judgePassRate"] == pytest.approx(0.5) and verify["judgeFalsePassRate"] == pytest.approx(0.0)
    assert verify["evaluatorPassRate"] == pytest.approx(0.5)
    # and unverifiable checks are a share of their own: evaluator 2/4 in each run; verifier 1 of 3 + 0 of 2 + 0 of 2
    assert verify["evaluatorUnverifiableShare"] == pytest.approx(0.5)
    assert verify["verifierUnverifiableShare"] == pytest.approx(1 / 7)
    details = report["armDetails"]["loop+verify"]
    assert (details["evaluationChecks"], details["evaluationUnverifiable"]) == (8, 4)
    assert (details["verifierChecks"], details["verifierUnverifiable"]) == (7, 1)
    # an arm without a verifier has no verifier share (undefined, not 0), and 0 runs none either
    assert report["arms"]["loop"]["verifierUnverifiableShare"] is None
    assert build_report([], "tiny", NOW.isoformat(), arms=["loop"])["arms"]["loop"]["verifierUnverifiableShare"] is None
    # the run table carries it all: the arms can be recomputed from it
    from imagegate_service.benchmark.metrics import arm_metrics

    assert arm_metrics(json.loads(json.dumps(report["runs"])))["arms"]["loop+verify"] == pytest.approx(verify)


def test_the_printed_arms_table_counts_unverifiable_checks_apart() -> None:
    import io

    from imagegate.benchmark_local import print_arms
    from imagegate.terminal import Terminal

    # Given an arm whose evaluator checks were a quarter unverifiable and whose verifier checks a tenth
    arms = {
        "loop+verify": {
            "items": 4,
            "evaluatorPassRate": 0.5,
            "judgePassRate": 0.75,
            "judgeFalsePassRate": 1 / 3,
            "imagesPerItem": 2.0,
            "costPerEvaluatorPassUsd": 0.1,
            "meanRounds": 2.0,
            "evaluatorUnverifiableShare": 0.25,
            "verifierUnverifiableShare": 0.1,
            "promptGrowthMedian": 1.5,
            "promptGrowthMax": 2.25,
        },
        "loop": {**dict.fromkeys(ARM_METRICS, None), "items": 0},
    }
    out = io.StringIO()

    # When the table is printed
    print_arms(arms, {"loop+verify": {"withoutEvaluation": 0}}, Terminal(out, interactive=False))

    # Then its columns name the gate's decision and the two unverifiable shares, apart from passes and failures
    header, *rows = [line.split() for line in out.getvalue().splitlines() if line.strip()]
    assert " ".join(header).endswith(
        "gate pass gate false-pass images/item $/eval pass rounds no eval eval unverif. verif unverif."
        " prompt x med prompt x max"
    )
    assert rows[0][0] == "loop+verify" and rows[0][-4:-2] == ["25%", "10%"] and rows[0][3:5] == ["75%", "33%"]
    assert rows[0][-2:] == ["1.50", "2.25"]  # the prompt's growth, median and largest
    assert rows[1][-4:] == ["n/a"] * 4  # an arm without checks or rounds: undefined, not 0


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


class MemoryObjects:
    """The object store port in memory: what Prepare writes, read back as S3 would return it."""

    def __init__(self) -> None:
        self.objects: dict[str, bytes] = {}

    def put_text(self, key: str, text: str, content_type: str) -> None:
        self.objects[key] = text.encode("utf-8")

    def put_json(self, key: str, document: Any) -> None:
        self.objects[key] = json.dumps(document).encode("utf-8")

    def get_bytes(self, key: str) -> bytes:
        if key not in self.objects:
            raise _NoSuchKey()
        return self.objects[key]

    def get_json(self, key: str) -> Any:
        return json.loads(self.get_bytes(key))

    def find_bytes(self, key: str) -> bytes | None:
        return self.objects.get(key)

    def list_keys(self, prefix: str) -> list[str]:
        return sorted(key for key in self.objects if key.startswith(prefix))


class _NoSuchKey(Exception):
    response = {"Error": {"Code": "NoSuchKey"}}  # noqa: RUF012 - botocore's ClientError shape


def prepare(
    request: dict[str, Any], objects: MemoryObjects | None = None, estimate: dict[str, int] | None = None
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Prepare through the handler's preparer; returns its summary and the Map's items as written (JSONL)."""
    objects = objects or MemoryObjects()
    summary = BenchmarkPreparer(clock=lambda: NOW, objects=objects).prepare(  # type: ignore[arg-type]
        request, "bench-1", estimate or workflows.benchmark_history_estimate()
    )
    lines = objects.objects[summary["itemsKey"]].decode("utf-8").splitlines()
    return summary, [json.loads(line) for line in lines]


def test_every_item_runs_under_every_arm_with_the_arm_settings_winning() -> None:
    expected = {"include": [{"class": "apple", "count": 1, "color": "red"}]}
    prepared, entries = prepare(
        {
            "items": inline(2, maxRounds=3, seed=9, expected=expected),
            "settings": {"threshold": 8},
            "arms": ["loop", "single", "best-of-5", "redraw"],
        }
    )

    assert prepared["arms"] == ["loop", "single", "best-of-5", "redraw"] and prepared["runs"] == len(entries)
    assert [(e["itemId"], e["arm"]) for e in entries] == [
        (item, arm) for item in ("item-1", "item-2") for arm in ("loop", "single", "best-of-5", "redraw")
    ]
    assert len({e["runId"] for e in entries}) == len(entries)
    by_arm = {e["arm"]: e["request"] for e in entries if e["itemId"] == "item-1"}
    base = {"prompt": "a red apple", "threshold": 8, "maxRounds": 3, "seed": 9, "expected": expected}
    for arm in ("loop", "single", "best-of-5", "redraw"):
        assert by_arm[arm] == {**base, **c.BENCHMARK_ARMS[arm]}
    assert by_arm["single"]["maxRounds"] == 1 and by_arm["best-of-5"]["candidatesPerRound"] == 5
    assert by_arm["redraw"]["strategy"] == "redraw"


def test_the_default_arm_is_the_loop_alone() -> None:
    prepared, entries = prepare({"items": inline(3)})
    assert prepared["arms"] == ["loop"] and [e["arm"] for e in entries] == ["loop"] * 3


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


# --- the per-run bounds (each run is a child execution of the Distributed Map) --------------------------------


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


def test_a_suite_of_any_size_is_prepared_and_the_workflow_state_stays_small() -> None:
    # Given PartiPrompts' size under every arm: 8,160 runs, far past what one execution's history could hold
    items = 1632
    prepared, entries = prepare({"items": inline(items), "arms": list(c.BENCHMARK_ARMS)})

    # Then every (item, arm) is a Map item in S3, in order, with a unique run id
    assert len(entries) == prepared["runs"] == items * len(c.BENCHMARK_ARMS)
    assert len({entry["runId"] for entry in entries}) == len(entries)
    assert sorted(entry["runId"] for entry in entries) == [entry["runId"] for entry in entries]
    # And the state the workflow carries holds none of them: the same few hundred bytes as for one item
    one, _ = prepare({"items": inline(1), "arms": list(c.BENCHMARK_ARMS)})
    size = len(json.dumps(prepared))
    assert size < 1024 and abs(size - len(json.dumps(one))) < 64
    assert prepared["itemsKey"] == c.benchmark_execution_prefix("bench-1") + c.BENCHMARK_ITEMS_FILE
    assert prepared["resultsPrefix"].startswith(c.benchmark_execution_prefix("bench-1"))


def test_a_run_its_own_execution_could_not_hold_is_refused_naming_item_and_arm() -> None:
    # Given an estimate of a loop whose rounds are so heavy that only a few fit one execution's history
    estimate = {"eventsOutside": 10, "eventsPerRun": 20, "eventsPerRound": 5000, "eventsPerCandidate": 10}
    fits = max(
        rounds
        for rounds in range(1, 11)
        if limits.history_events_needed(estimate, rounds, 1) <= limits.history_events_allowed()
    )

    # When runs of that many rounds are prepared, they are; one round more is refused before anything is written
    prepare({"items": inline(2, maxRounds=fits)}, estimate=estimate)
    objects = MemoryObjects()
    with pytest.raises(InvalidRequest) as raised:
        prepare({"items": inline(2, maxRounds=fits + 1)}, objects, estimate)
    message = str(raised.value)
    assert raised.value.field == "settings.maxRounds"
    assert "item 'item-1' (loop arm)" in message and "25,000" in message and "5000 per round" in message
    assert objects.objects == {}


def test_an_item_larger_than_a_run_input_is_refused() -> None:
    estimate = {"eventsOutside": 1, "eventsPerRun": 1, "eventsPerRound": 1, "eventsPerCandidate": 0}
    entry = {"runId": "b-1", "itemId": "big", "arm": "loop", "request": {"prompt": "x" * SFN_MAX_PAYLOAD_BYTES}}
    with pytest.raises(InvalidRequest) as raised:
        limits.check_run_fits(entry, estimate, 1, 1)
    assert raised.value.field == "items" and "item 'big' (loop arm)" in str(raised.value)
    assert f"{SFN_MAX_PAYLOAD_BYTES:,} bytes" in str(raised.value)
    limits.check_run_fits({**entry, "request": {"prompt": "x"}}, estimate, 1, 1)


def test_a_suite_named_by_s3_key_is_read_from_the_bucket() -> None:
    # Given a suite in the bucket under benchmarks/suites/
    objects = MemoryObjects()
    key = c.BENCHMARK_SUITES_PREFIX + "nightly.jsonl"
    objects.put_text(key, "".join(json.dumps(item) + "\n" for item in inline(5)), "application/x-ndjson")

    # When a benchmark names it by key, with a limit
    prepared, entries = prepare({"suiteKey": key, "limit": 3}, objects)

    # Then its items are the suite's first three, and the suite is named after the object
    assert prepared["suite"] == "nightly" and [entry["itemId"] for entry in entries] == ["item-1", "item-2", "item-3"]
    # And a key outside the suites folder, or not there, is refused naming the field
    for bad in ("runs/x/run.json", c.BENCHMARK_SUITES_PREFIX + "missing.jsonl"):
        with pytest.raises(InvalidRequest) as raised:
            prepare({"suiteKey": bad}, objects)
        assert raised.value.field == "suiteKey"


@pytest.mark.parametrize(
    "request_fields, field",
    [
        ({"concurrency": 0}, "concurrency"),
        ({"concurrency": c.BENCHMARK_MAX_CONCURRENCY + 1}, "concurrency"),
        ({"toleratedFailurePercent": 101}, "toleratedFailurePercent"),
        ({"toleratedFailurePercent": True}, "toleratedFailurePercent"),
    ],
)
def test_map_settings_outside_their_ranges_are_refused(request_fields: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidRequest) as raised:
        prepare({"items": inline(1), **request_fields})
    assert raised.value.field == field


def test_prepare_benchmark_uses_the_estimate_and_defaults_its_definition_carries(lambda_context, monkeypatch) -> None:
    from imagegate_service.handlers import prepare_benchmark

    # Given the composed definition, made with the deployment's concurrency and tolerated failures
    parameters = json.loads(workflows.benchmark_definition(concurrency=12, tolerated_failure_percent=3))["States"][
        workflows.BENCHMARK_PREPARE_STATE
    ]["Parameters"]
    assert parameters["historyEstimate"] == workflows.benchmark_history_estimate()
    objects = MemoryObjects()
    monkeypatch.setattr(prepare_benchmark.preparer, "_objects", objects)

    def event(request: dict[str, Any]) -> dict[str, Any]:
        return {
            "request": request,
            "execution": {"name": "bench-2", "arn": "arn:aws:states:::execution:b:bench-2"},
            "historyEstimate": parameters["historyEstimate"],
            "defaults": parameters["defaults"],
        }

    # When the handler prepares a two-arm benchmark that names neither
    prepared = prepare_benchmark.handler(event({"items": inline(2), "arms": ["loop", "single"]}), lambda_context)

    # Then the Map gets the deployment's values, and every item runs under both arms
    assert (prepared["concurrency"], prepared["toleratedFailurePercent"]) == (12, 3)
    lines = objects.objects[prepared["itemsKey"]].decode().splitlines()
    assert [json.loads(line)["arm"] for line in lines] == ["loop", "single", "loop", "single"]
    # And a request's own value wins
    assert prepare_benchmark.handler(event({"items": inline(1), "concurrency": 2}), lambda_context)["concurrency"] == 2


def test_a_benchmark_started_by_hand_may_not_ask_for_more_concurrency_than_the_quota_bears() -> None:
    # Given a deployment whose image-model quota bears 3 loops (imageModelRequestsPerMinute 6)
    cap = c.benchmark_concurrency_for_quota(6)
    parameters = json.loads(workflows.benchmark_definition(concurrency=2, max_concurrency=cap))["States"][
        workflows.BENCHMARK_PREPARE_STATE
    ]["Parameters"]
    assert parameters["defaults"]["maxConcurrency"] == cap == 3
    event = {
        "execution": {"name": "bench-3", "arn": "arn:aws:states:::execution:b:bench-3"},
        "historyEstimate": parameters["historyEstimate"],
        "defaults": parameters["defaults"],
    }
    # When a request asks for one more than that, it is refused naming the field and the limit
    with pytest.raises(InvalidRequest, match=r"concurrency: 4 is outside the allowed range 1-3") as raised:
        BenchmarkPreparer(clock=lambda: NOW).plan(
            {"items": inline(1), "concurrency": cap + 1}, "bench-3", event["historyEstimate"], event["defaults"]
        )
    assert raised.value.field == "concurrency"


@pytest.mark.parametrize("requests_per_minute", [1, 2, 3, 59, 60, 61, 1000, 10**9])
def test_the_quota_cap_is_at_least_one_loop_and_never_lets_loops_outpace_the_quota(requests_per_minute) -> None:
    cap = c.benchmark_concurrency_for_quota(requests_per_minute)
    assert 1 <= cap <= c.BENCHMARK_MAX_CONCURRENCY
    assert cap == 1 or cap * c.BENCHMARK_IMAGE_CALLS_PER_LOOP_MINUTE <= requests_per_minute
    assert (
        cap == c.BENCHMARK_MAX_CONCURRENCY or (cap + 1) * c.BENCHMARK_IMAGE_CALLS_PER_LOOP_MINUTE > requests_per_minute
    )


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
    summary = {
        "overall": {"passRate": 1.0},
        "anchorsMeanFirstRoundScore": None,
        "arms": arms,
        "primaryArm": "loop",
        "failedItemPercent": 12.5,
    }
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
    assert emitted[c.METRIC_BENCHMARK_FAILED_ITEM_PERCENT] == 12.5


def test_prompt_growth_is_the_final_over_the_original_length_median_and_max(make_run) -> None:
    # Given three loop runs whose last rounds asked 1x, 1.5x and 3x the user's prompt, and one with no round
    runs = []
    for item_id, factor in (("g1", 1), ("g2", 1.5), ("g3", 3)):
        run = arm_run(make_run, item_id, "loop", [5, 6], 0.1, False)
        run["rounds"][-1]["prompt"] = "x" * int(len("a red apple") * factor)
        runs.append(run)
    runs.append(arm_run(make_run, "g4", "loop", [], 0.0, None, status="FAILED"))
    # Then report.json's arm says the median and the max ratio, the run without rounds left out
    loop = build_report(runs, "tiny", NOW.isoformat(), arms=["loop"])["arms"]["loop"]
    assert loop["promptGrowthMedian"] == pytest.approx(1.455, abs=0.01)
    assert loop["promptGrowthMax"] == pytest.approx(3.0)
