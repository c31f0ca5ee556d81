"""The state machine definitions, as both runtimes deploy them. quality_loop.asl.json is the one
source of truth for the loop's states; the benchmark runs those same states as the item processor of its
Distributed Map (each run a child execution with its own history), so its definition is composed here, for
the CDK app (infra/) and the local runtime (imagegate/local/) alike. The local runtime, whose moto has no
Distributed Map, runs that item processor itself (imagegate/local/distributed_map.py) from this same definition.

This module lives in the service package, not the CLI's, so the deployable side never imports the laptop
side. The ASL files are read from the package's `statemachine/` folder: in a checkout a link to the
repository's `statemachine/` (the one source), in an installed wheel and in the Lambda code asset a copy of it;
IMAGEGATE_STATEMACHINE_DIR names another folder. No Lambda reads them: Prepare Benchmark gets its history
estimate and Aggregate Results its state-transition estimate as static parameters of the composed definition."""

from __future__ import annotations

import copy
import json
import os
import re
from functools import cache
from pathlib import Path
from typing import Any

from imagegate_service import constants as c
from imagegate_service.benchmark.estimate import transitions_estimate
from imagegate_service.benchmark.limits import history_estimate
from imagegate_service.constants import ENV_STATEMACHINE_DIR

QUALITY_LOOP_ASL = "quality_loop.asl.json"
BENCHMARK_ASL = "benchmark.asl.json"
ENHANCE_ASL = "enhance.asl.json"
BENCHMARK_MAP_STATE = "Run Suite"
BENCHMARK_PREPARE_STATE = "Prepare Benchmark"
BENCHMARK_AGGREGATE_STATE = "Aggregate Results"
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


def enhance_definition() -> str:
    """The enhancement of a finished image (enhance.asl.json): its operations in order, one task each."""
    return (statemachine_dir() / ENHANCE_ASL).read_text(encoding="utf-8")


def benchmark_definition(
    concurrency: int | None = None, tolerated_failure_percent: int | None = None, max_concurrency: int | None = None
) -> str:
    """benchmark.asl.json with the quality loop's states as the Distributed Map's item processor (its
    ProcessorConfig as the file says), and Prepare Benchmark given, as static parameters, the history-event
    estimate of one run (``historyEstimate``: each run is a child execution with its own 25,000 events) and the
    deployment's defaults for a request that names no ``concurrency`` or ``toleratedFailurePercent`` (the CDK
    context's; constants otherwise) and the most concurrency a request may ask for (``maxConcurrency``: what the
    image model's quota bears, imageModelRequestsPerMinute)."""
    benchmark = json.loads(benchmark_file().read_text(encoding="utf-8"))
    loop = json.loads(quality_loop_definition())
    processor = benchmark["States"][BENCHMARK_MAP_STATE]["ItemProcessor"]
    processor["StartAt"] = loop["StartAt"]
    processor["States"] = _as_map_iteration(loop["States"])
    parameters = benchmark["States"][BENCHMARK_PREPARE_STATE]["Parameters"]
    parameters["historyEstimate"] = history_estimate(benchmark, BENCHMARK_MAP_STATE)
    parameters["defaults"] = {
        "concurrency": concurrency or c.BENCHMARK_DEFAULT_CONCURRENCY,
        "toleratedFailurePercent": c.BENCHMARK_DEFAULT_TOLERATED_FAILURE_PERCENT
        if tolerated_failure_percent is None
        else tolerated_failure_percent,
        "maxConcurrency": max_concurrency or c.BENCHMARK_MAX_CONCURRENCY,
    }
    benchmark["States"][BENCHMARK_AGGREGATE_STATE]["Parameters"]["transitionsEstimate"] = transitions_estimate(
        benchmark, BENCHMARK_MAP_STATE
    )
    return json.dumps(benchmark, indent=2)


def benchmark_transitions_estimate() -> dict[str, int]:
    """The state transitions of the composed definition (imagegate_service.benchmark.estimate), as Aggregate gets them."""
    aggregate = json.loads(benchmark_definition())["States"][BENCHMARK_AGGREGATE_STATE]
    estimate: dict[str, int] = aggregate["Parameters"]["transitionsEstimate"]
    return estimate


def benchmark_prepare_parameters() -> dict[str, Any]:
    """The static parameters the composed benchmark definition gives Prepare Benchmark (historyEstimate, defaults)."""
    prepare = json.loads(benchmark_definition())["States"][BENCHMARK_PREPARE_STATE]
    return {key: value for key, value in prepare["Parameters"].items() if not key.endswith(".$")}


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
    """The loop's states, adapted to run once per Map item (a child execution):
    - the run id comes from the item (a child's name is Step Functions' own), the request too;
    - every way a run can end becomes a child that succeeds, so only what the loop cannot record (a child
      that times out, an error outside every Catch) counts against the Map's tolerated failures: BLOCKED and FAILED pass on the outcome Finish Run recorded; an invalid request or a
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
