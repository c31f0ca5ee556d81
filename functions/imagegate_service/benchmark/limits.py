"""Will each run of a benchmark fit its Step Functions execution? Estimated before it starts, refused if not.

The benchmark runs every (item, arm) as one child execution of a Distributed Map: each run has its own
Standard execution's quotas (SFN_MAX_HISTORY_EVENTS, SFN_MAX_PAYLOAD_BYTES), whatever the
suite's size. The parent keeps no item in its state (the items are read from S3, the results written there), so
the number of items is bounded by nothing below Distributed Map's own limits.

History events of one run, estimated from the composed definition (functions/imagegate_service/workflows.py
computes it at build time and passes it to Prepare Benchmark in the definition itself; the estimate follows the ASL):

- a Task state writes 5 events when its Lambda call succeeds first time (TaskStateEntered,
  LambdaFunctionScheduled, LambdaFunctionStarted, LambdaFunctionSucceeded, TaskStateExited); Pass,
  Choice, Succeed and Wait write 2 (entered, exited); Fail writes 1; a Map state 4 (MapStateEntered,
  MapStateStarted, MapStateSucceeded, MapStateExited) and each of its iterations 2 (MapIterationStarted,
  MapIterationSucceeded); an execution 2 (ExecutionStarted, ExecutionSucceeded). Event types:
  https://docs.aws.amazon.com/step-functions/latest/apireference/API_HistoryEvent.html
- the states of a round are the loop's cycle (the states that lead back to themselves through
  Next / Default / Choices); ``eventsPerRound`` is their sum, so every round is counted with its
  rewrite, the last one too (an over-estimate of one Task per run);
- ``eventsPerRun`` is the rest of a child execution: the longest way in and out of the cycle (Catch edges
  included, round states counted zero), plus the child execution's own 2 events;
- ``eventsOutside`` is the parent: its execution, the Distributed Map state and the states around it (the
  parent's history does not grow with the suite: a Map Run's children write to their own);
- a Map inside the loop (the judge's, one iteration per candidate) writes its 4 events per round plus, per
  candidate, its iteration's 2 and its states' own: ``eventsPerCandidate``, counted per round at the run's
  candidatesPerRound (the schema's most when a caller does not say);
- a run is counted at its maxRounds (the worst case: no early pass), and retries, which add 3 events
  per attempt, are left room for by keeping ``BENCHMARK_HISTORY_RETRY_HEADROOM`` of the quota
  free.

A run's input (its item: run id and request) must fit one execution's input, SFN_MAX_PAYLOAD_BYTES.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from imagegate_service.errors import InvalidRequest

# Each (item, arm) of a benchmark runs as one child execution of a Distributed Map
# (https://docs.aws.amazon.com/step-functions/latest/dg/concepts-orchestrate-large-scale-parallel-workloads.html:
# "Each child workflow execution has its own execution history"), so the Standard execution quotas
# (https://docs.aws.amazon.com/step-functions/latest/dg/limits.html): 25,000 history events ("If the execution
# history reaches this quota, the execution will fail") and 262,144 bytes of state, apply to each run, not to the
# suite. A run's events are estimated from the composed definition (below); a share of the quota is kept for
# retries.
SFN_MAX_HISTORY_EVENTS = 25_000
SFN_MAX_PAYLOAD_BYTES = 262_144
BENCHMARK_HISTORY_RETRY_HEADROOM = 0.10

_EVENTS_BY_TYPE = {"Task": 5, "Pass": 2, "Choice": 2, "Succeed": 2, "Wait": 2, "Fail": 1, "Parallel": 4}
_MAP_STATE_EVENTS = 4
_MAP_ITERATION_EVENTS = 2
_EXECUTION_EVENTS = 2


def history_estimate(definition: Mapping[str, Any], map_state: str) -> dict[str, int]:
    """``eventsOutside`` (the parent), ``eventsPerRun``, ``eventsPerRound`` and ``eventsPerCandidate`` (a child)
    of a composed benchmark definition."""
    states = definition["States"]
    outside = _EXECUTION_EVENTS + sum(
        _MAP_STATE_EVENTS if name == map_state else _state_events(state) for name, state in states.items()
    )
    processor = states[map_state]["ItemProcessor"]
    inner = processor["States"]
    cycle = cycle_states(inner)
    per_round = sum(_state_events(inner[name]) for name in cycle)
    per_candidate = sum(
        _MAP_ITERATION_EVENTS + sum(_state_events(state) for state in inner[name]["ItemProcessor"]["States"].values())
        for name in cycle
        if inner[name]["Type"] == "Map"
    )
    way_in_and_out = longest_path(
        inner,
        processor["StartAt"],
        {name: 0 if name in cycle else _state_events(state) for name, state in inner.items()},
    )
    return {
        "eventsOutside": outside,
        "eventsPerRun": way_in_and_out + _EXECUTION_EVENTS,
        "eventsPerRound": per_round,
        "eventsPerCandidate": per_candidate,
    }


def _state_events(state: Mapping[str, Any]) -> int:
    if state["Type"] == "Map":
        return _MAP_STATE_EVENTS  # its iterations: eventsPerCandidate
    return _EVENTS_BY_TYPE.get(state["Type"], 2)


def _next_states(state: Mapping[str, Any], with_catch: bool) -> list[str]:
    found = [state[key] for key in ("Next", "Default") if key in state]
    found += [choice["Next"] for choice in state.get("Choices", [])]
    if with_catch:
        found += [catcher["Next"] for catcher in state.get("Catch", [])]
    return found


def cycle_states(states: Mapping[str, Any]) -> set[str]:
    """The states that can reach themselves again through their normal transitions (the loop's round)."""

    def reachable(start: str) -> set[str]:
        seen: set[str] = set()
        stack = list(_next_states(states[start], with_catch=False))
        while stack:
            name = stack.pop()
            if name not in seen:
                seen.add(name)
                stack.extend(_next_states(states[name], with_catch=False))
        return seen

    return {name for name in states if name in reachable(name)}


def longest_path(states: Mapping[str, Any], start: str, weights: Mapping[str, int]) -> int:
    """The heaviest simple path from ``start`` to an end, every transition (Catch too) followed."""

    def walk(name: str, visited: frozenset[str]) -> int:
        onward = [
            walk(following, visited | {following})
            for following in _next_states(states[name], with_catch=True)
            if following not in visited
        ]
        return weights[name] + max(onward, default=0)

    return walk(start, frozenset({start}))


MAX_CANDIDATES_PER_ROUND = 5  # run_request.schema.json, candidatesPerRound.maximum


def history_events_needed(estimate: Mapping[str, int], rounds: int, candidates: int | None = None) -> int:
    """The events one run (a child execution) of at most these maxRounds and candidatesPerRound can write."""
    count = MAX_CANDIDATES_PER_ROUND if candidates is None else candidates
    return estimate["eventsPerRun"] + rounds * (
        estimate["eventsPerRound"] + count * estimate.get("eventsPerCandidate", 0)
    )


def history_events_allowed() -> int:
    return int(SFN_MAX_HISTORY_EVENTS * (1 - BENCHMARK_HISTORY_RETRY_HEADROOM))


def check_run_fits(entry: Mapping[str, Any], estimate: Mapping[str, int], rounds: int, candidates: int) -> None:
    """Refuse (InvalidRequest, with the numbers) a run that its own child execution could not hold."""
    needed, allowed = history_events_needed(estimate, rounds, candidates), history_events_allowed()
    where = f"item {entry['itemId']!r} ({entry['arm']} arm)"
    if needed > allowed:
        raise InvalidRequest(
            "settings.maxRounds",
            f"{where}: {rounds} rounds of {candidates} candidates could write up to {needed:,} history events; one "
            f"run's execution holds {SFN_MAX_HISTORY_EVENTS:,} ({allowed:,} after "
            f"{BENCHMARK_HISTORY_RETRY_HEADROOM:.0%} kept for retries; {estimate['eventsPerRun']} per run + "
            f"{estimate['eventsPerRound']} per round + {estimate.get('eventsPerCandidate', 0)} per candidate judged). "
            "Run fewer rounds or candidates",
        )
    size = len(json.dumps(entry, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))
    if size > SFN_MAX_PAYLOAD_BYTES:
        raise InvalidRequest(
            "items", f"{where} is {size:,} bytes; a run's input may be at most {SFN_MAX_PAYLOAD_BYTES:,} bytes"
        )
