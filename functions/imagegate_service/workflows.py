"""The state machine definitions, as both runtimes deploy them. quality_loop.asl.json is the one
source of truth for the loop's states; the benchmark runs those same states inside its Map (moto
cannot run nested executions, and a Map item processor keeps one execution's history together), so
its definition is composed here, for the CDK app (infra/) and the local runtime (imagegate/local/) alike.

This module lives in the service package, not the CLI's, so the deployable side never imports the laptop
side. The ASL files are read from the package's `statemachine/` folder: in a checkout a link to the
repository's `statemachine/` (the one source), in an installed wheel and in the Lambda code asset a copy of it;
IMAGEGATE_STATEMACHINE_DIR names another folder. No Lambda reads them: Prepare Benchmark gets its history
estimate as a static parameter of the composed definition."""

from __future__ import annotations

import copy
import json
import os
import re
from functools import cache
from pathlib import Path
from typing import Any

from imagegate_service.constants import ENV_STATEMACHINE_DIR

QUALITY_LOOP_ASL = "quality_loop.asl.json"
BENCHMARK_ASL = "benchmark.asl.json"
BENCHMARK_MAP_STATE = "Run Suite"
BENCHMARK_PREPARE_STATE = "Prepare Benchmark"
LOOP_START_STATE = "Start Run"


@cache
def statemachine_dir() -> Path:
    """The folder with the ASL files: IMAGEGATE_STATEMACHINE_DIR, else the package's `statemachine/`, else
    the nearest `statemachine/` above the package (a checkout whose link was not kept, e.g. on Windows)."""
    configured = os.environ.get(ENV_STATEMACHINE_DIR)
    package = Path(__file__).resolve().parent
    candidates = (
        [Path(configured)]
        if configured
        else [package / "statemachine", *(parent / "statemachine" for parent in package.parents)]
    )
    for candidate in candidates:
        if (candidate / QUALITY_LOOP_ASL).is_file() and (candidate / BENCHMARK_ASL).is_file():
            return candidate
    raise FileNotFoundError(
        f"no statemachine/ folder with {QUALITY_LOOP_ASL} and {BENCHMARK_ASL} "
        f"{'at ' + configured if configured else 'near ' + str(package)} (set {ENV_STATEMACHINE_DIR})"
    )


def quality_loop_file() -> Path:
    return statemachine_dir() / QUALITY_LOOP_ASL


def benchmark_file() -> Path:
    return statemachine_dir() / BENCHMARK_ASL


def quality_loop_definition() -> str:
    return quality_loop_file().read_text(encoding="utf-8")


def benchmark_definition() -> str:
    """benchmark.asl.json with the quality loop's states as the Map's item processor, and Prepare
    Benchmark given the history-event estimate of that composition (its static ``historyEstimate``
    parameter), so it can refuse a benchmark that one execution could not hold."""
    from imagegate_service.benchmark.limits import history_estimate

    benchmark = json.loads(benchmark_file().read_text(encoding="utf-8"))
    loop = json.loads(quality_loop_definition())
    benchmark["States"][BENCHMARK_MAP_STATE]["ItemProcessor"] = {
        "ProcessorConfig": {"Mode": "INLINE"},
        "StartAt": loop["StartAt"],
        "States": _as_map_iteration(loop["States"]),
    }
    benchmark["States"][BENCHMARK_PREPARE_STATE]["Parameters"]["historyEstimate"] = history_estimate(
        benchmark, BENCHMARK_MAP_STATE
    )
    return json.dumps(benchmark, indent=2)


def benchmark_history_estimate() -> dict[str, int]:
    """What the composed benchmark definition tells Prepare Benchmark (see imagegate_service.benchmark.limits)."""
    prepare = json.loads(benchmark_definition())["States"][BENCHMARK_PREPARE_STATE]
    estimate: dict[str, int] = prepare["Parameters"]["historyEstimate"]
    return estimate


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
    start["Parameters"] = {"request.$": "$.request", "execution": {"name.$": "$.runId", "arn.$": "$$.Execution.Id"}}
    for name, state in states.items():
        if state["Type"] != "Fail":
            continue
        if state.get("ErrorPath") == "$.error.Error":
            # No outcome was recorded (invalid request, or a step that could not write): report it from the error.
            states[name] = {
                "Type": "Pass",
                "Comment": f"{state.get('Comment', name)} (reported; the Map goes on)",
                "Parameters": {
                    "runId.$": "$.runId",
                    "status": "FAILED",
                    "rounds": 0,
                    "costUsd": 0,
                    "error.$": "$.error.Error",
                    "cause.$": "$.error.Cause",
                },
                "End": True,
            }
        else:
            states[name] = {
                "Type": "Pass",
                "Comment": f"{state.get('Comment', name)} (recorded; the Map goes on)",
                "End": True,
            }
    return states
