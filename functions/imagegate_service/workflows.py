"""The state machine definitions, as both runtimes deploy them. quality_loop.asl.json is the one
source of truth for the loop's states; the benchmark runs those same states inside its Map (moto
cannot run nested executions, and a Map item processor keeps one execution's history together), so
its definition is composed here, for the CDK app and the local runtime alike."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

STATEMACHINE_DIR = Path(__file__).resolve().parents[1] / "statemachine"
QUALITY_LOOP_FILE = STATEMACHINE_DIR / "quality_loop.asl.json"
BENCHMARK_FILE = STATEMACHINE_DIR / "benchmark.asl.json"
BENCHMARK_MAP_STATE = "Run Suite"
BENCHMARK_PREPARE_STATE = "Prepare Benchmark"
LOOP_START_STATE = "Start Run"


def quality_loop_definition() -> str:
    return QUALITY_LOOP_FILE.read_text(encoding="utf-8")


def benchmark_definition() -> str:
    """benchmark.asl.json with the quality loop's states as the Map's item processor, and Prepare
    Benchmark given the history-event estimate of that composition (its static ``historyEstimate``
    parameter), so it can refuse a benchmark that one execution could not hold."""
    from imagegate_service.benchmark.limits import history_estimate

    benchmark = json.loads(BENCHMARK_FILE.read_text(encoding="utf-8"))
    loop = json.loads(quality_loop_definition())
    benchmark["States"][BENCHMARK_MAP_STATE]["ItemProcessor"] = {
        "ProcessorConfig": {"Mode": "INLINE"},
        "StartAt": loop["StartAt"],
        "States": _as_map_iteration(loop["States"]),
    }
    benchmark["States"][BENCHMARK_PREPARE_STATE]["Parameters"]["historyEstimate"] = history_estimate(
        benchmark, BENCHMARK_MAP_STATE)
    return json.dumps(benchmark, indent=2)


def benchmark_history_estimate() -> dict[str, int]:
    """What the composed benchmark definition tells Prepare Benchmark (see imagegate_service.benchmark.limits)."""
    prepare = json.loads(benchmark_definition())["States"][BENCHMARK_PREPARE_STATE]
    return prepare["Parameters"]["historyEstimate"]


def substitution_names(definition: str) -> set[str]:
    return set(re.findall(r"\$\{(\w+)\}", definition))


def substitute(definition: str, values: dict[str, str]) -> str:
    """Apply DefinitionSubstitutions as CloudFormation does; an unknown name is an error, not a blank."""
    missing = sorted(substitution_names(definition) - set(values))
    if missing:
        raise ValueError(f"no value for the definition substitutions {missing}")
    return re.sub(r"\$\{(\w+)\}", lambda m: values[m.group(1)], definition)


def _as_map_iteration(states: dict[str, Any]) -> dict[str, Any]:
    """The loop's states, adapted to run once per Map item:
    - the run id comes from the item (all iterations share one execution name), the request too;
    - a Fail state would fail the whole Map, so every way a run can end becomes the end of its
      iteration: BLOCKED and FAILED pass on the outcome Finish Run recorded; an invalid request or a
      step that could not record anything passes on {runId, status FAILED, error, cause}."""
    states = copy.deepcopy(states)
    start = states[LOOP_START_STATE]
    start["Parameters"] = {"request.$": "$.request",
                           "execution": {"name.$": "$.runId", "arn.$": "$$.Execution.Id"}}
    for name, state in states.items():
        if state["Type"] != "Fail":
            continue
        if state.get("ErrorPath") == "$.error.Error":
            # No outcome was recorded (invalid request, or a step that could not write): report it from the error.
            states[name] = {"Type": "Pass", "Comment": f"{state.get('Comment', name)} (reported; the Map goes on)",
                            "Parameters": {"runId.$": "$.runId", "status": "FAILED", "rounds": 0, "costUsd": 0,
                                           "error.$": "$.error.Error", "cause.$": "$.error.Cause"},
                            "End": True}
        else:
            states[name] = {"Type": "Pass", "Comment": f"{state.get('Comment', name)} (recorded; the Map goes on)",
                            "End": True}
    return states
