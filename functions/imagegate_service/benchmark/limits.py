"""Will a benchmark fit in one Step Functions execution? Estimated before it starts, refused if not.

The benchmark runs every (item, arm) as one iteration of an inline Map, so the whole benchmark shares
one Standard execution's quotas (constants.SFN_MAX_HISTORY_EVENTS, constants.SFN_MAX_PAYLOAD_BYTES).

History events, estimated from the composed definition (functions/imagegate_service/workflows.py computes it at build
time and passes it to Prepare Benchmark in the definition itself; the estimate follows the ASL):

- a Task state writes 5 events when its Lambda call succeeds first time (TaskStateEntered,
  LambdaFunctionScheduled, LambdaFunctionStarted, LambdaFunctionSucceeded, TaskStateExited); Pass,
  Choice, Succeed and Wait write 2 (entered, exited); Fail writes 1; the Map state 4 (MapStateEntered,
  MapStateStarted, MapStateSucceeded, MapStateExited) and each iteration 2 (MapIterationStarted,
  MapIterationSucceeded); the execution 2 (ExecutionStarted, ExecutionSucceeded). Event types:
  https://docs.aws.amazon.com/step-functions/latest/apireference/API_HistoryEvent.html
- the states of a round are the loop's cycle (the states that lead back to themselves through
  Next / Default / Choices); ``eventsPerRound`` is their sum, so every round is counted with its
  rewrite, the last one too (an over-estimate of one Task per run);
- ``eventsPerRun`` is the rest of an iteration: the longest way in and out of the cycle (Catch edges
  included, round states counted zero), plus the iteration's own 2 events;
- ``eventsOutside`` is the execution, the Map state and the states around it;
- a Map inside the loop (the judge's, one iteration per candidate) writes its 4 events per round plus, per
  candidate, its iteration's 2 and its states' own: ``eventsPerCandidate``, counted per round at the run's
  candidatesPerRound (the schema's most when a caller does not say);
- a run is counted at its maxRounds (the worst case: no early pass), and retries, which add 3 events
  per attempt, are left room for by keeping ``constants.BENCHMARK_HISTORY_RETRY_HEADROOM`` of the quota
  free.

State size: the Map collects every run's terminal output next to the prepared items, so the prepared
state (measured) plus ``constants.BENCHMARK_RESULT_BYTES_PER_RUN`` per run must stay under the quota.

Both bounds apply, and the fixed ``constants.BENCHMARK_MAX_ITEMS`` too (the items one report covers);
whichever is strictest refuses. With the loop's 4 default rounds the history bound is usually the one.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from imagegate_service import constants as c
from imagegate_service.errors import InvalidRequest

_EVENTS_BY_TYPE = {"Task": 5, "Pass": 2, "Choice": 2, "Succeed": 2, "Wait": 2, "Fail": 1, "Parallel": 4}
_MAP_STATE_EVENTS = 4
_MAP_ITERATION_EVENTS = 2
_EXECUTION_EVENTS = 2


def history_estimate(definition: Mapping[str, Any], map_state: str) -> dict[str, int]:
    """``eventsOutside``, ``eventsPerRun`` and ``eventsPerRound`` of a composed benchmark definition."""
    states = definition["States"]
    outside = _EXECUTION_EVENTS + sum(
        _MAP_STATE_EVENTS if name == map_state else _state_events(state) for name, state in states.items()
    )
    processor = states[map_state]["ItemProcessor"]
    inner = processor["States"]
    cycle = _cycle_states(inner)
    per_round = sum(_state_events(inner[name]) for name in cycle)
    per_candidate = sum(
        _MAP_ITERATION_EVENTS + sum(_state_events(state) for state in inner[name]["ItemProcessor"]["States"].values())
        for name in cycle
        if inner[name]["Type"] == "Map"
    )
    way_in_and_out = _longest_path(
        inner,
        processor["StartAt"],
        {name: 0 if name in cycle else _state_events(state) for name, state in inner.items()},
    )
    return {
        "eventsOutside": outside,
        "eventsPerRun": way_in_and_out + _MAP_ITERATION_EVENTS,
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


def _cycle_states(states: Mapping[str, Any]) -> set[str]:
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


def _longest_path(states: Mapping[str, Any], start: str, weights: Mapping[str, int]) -> int:
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


def history_events_needed(
    estimate: Mapping[str, int], rounds_per_run: Sequence[int], candidates_per_run: Sequence[int] | None = None
) -> int:
    """The events a benchmark whose runs take at most these maxRounds (and candidatesPerRound) can write."""
    candidates = candidates_per_run or [MAX_CANDIDATES_PER_ROUND] * len(rounds_per_run)
    per_candidate = estimate.get("eventsPerCandidate", 0)
    return estimate["eventsOutside"] + sum(
        estimate["eventsPerRun"] + rounds * (estimate["eventsPerRound"] + count * per_candidate)
        for rounds, count in zip(rounds_per_run, candidates, strict=True)
    )


def history_events_allowed() -> int:
    return int(c.SFN_MAX_HISTORY_EVENTS * (1 - c.BENCHMARK_HISTORY_RETRY_HEADROOM))


def state_bytes_needed(prepared: Mapping[str, Any]) -> int:
    """The Map's state at its largest: the prepared items plus every run's collected result."""
    size = len(json.dumps(prepared, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))
    return size + len(prepared["items"]) * c.BENCHMARK_RESULT_BYTES_PER_RUN


def check_fits(
    prepared: Mapping[str, Any],
    estimate: Mapping[str, int],
    rounds_per_run: Sequence[int],
    candidates_per_run: Sequence[int] | None = None,
) -> None:
    """Refuse (InvalidRequest, with the numbers) a benchmark that one execution could not hold."""
    runs = len(rounds_per_run)
    items = len({item["itemId"] for item in prepared["items"]})
    arms = len(prepared.get("arms") or []) or 1
    needed, allowed = history_events_needed(estimate, rounds_per_run, candidates_per_run), history_events_allowed()
    if needed > allowed:
        raise InvalidRequest(
            "limit",
            f"{items} items x {arms} arms = {runs} runs of up to {max(rounds_per_run)} rounds would write up to "
            f"{needed:,} history events; one execution holds {c.SFN_MAX_HISTORY_EVENTS:,} "
            f"({allowed:,} after {c.BENCHMARK_HISTORY_RETRY_HEADROOM:.0%} kept for retries; "
            f"{estimate['eventsPerRun']} per run + {estimate['eventsPerRound']} per round + "
            f"{estimate.get('eventsPerCandidate', 0)} per candidate judged). "
            f"Run fewer items, arms or rounds (at most about {_fitting_items(estimate, needed, items, allowed)} "
            "items with these arms and rounds)",
        )
    size = state_bytes_needed(prepared)
    if size > c.SFN_MAX_PAYLOAD_BYTES:
        raise InvalidRequest(
            "limit",
            f"{items} items x {arms} arms = {runs} runs need about {size:,} bytes of execution state (the prepared "
            f"items plus {c.BENCHMARK_RESULT_BYTES_PER_RUN} bytes per run result); Step Functions allows "
            f"{c.SFN_MAX_PAYLOAD_BYTES:,}. Run fewer items or arms",
        )
    if items > c.BENCHMARK_MAX_ITEMS:
        raise InvalidRequest("limit", f"{items} items; one benchmark takes at most {c.BENCHMARK_MAX_ITEMS}")


def _fitting_items(estimate: Mapping[str, int], needed: int, items: int, allowed: int) -> int:
    per_item = (needed - estimate["eventsOutside"]) / max(items, 1)
    return max(0, int((allowed - estimate["eventsOutside"]) // per_item))
