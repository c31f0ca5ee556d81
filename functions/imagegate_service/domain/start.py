"""Start Run: validate the request, apply defaults, create the run item, seed the loop state."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from imagegate_service import constants as c
from imagegate_service.domain.clock import expiry_epoch, iso, utc_now
from imagegate_service.domain.costs import first_round_bound
from imagegate_service.domain.ports import Clock, RunRepository
from imagegate_service.domain.state import Loop, RunItem, Settings, StartedRun
from imagegate_service.settings import resolve_settings, run_ttl_days


class RunStarter:
    def __init__(self, runs: RunRepository, clock: Clock = utc_now):
        self._runs = runs
        self._clock = clock

    def start(self, request: Any, execution_name: str, execution_arn: str) -> StartedRun:
        settings = resolve_settings(request)
        # a run the API accepted is there already (QUEUED): it becomes RUNNING and keeps createdAt, its place in
        # the listing and its TTL; a run started another way (CLI, benchmark) is created here
        self._runs.start_run(
            execution_name,
            {**new_run_item(execution_name, settings, self._clock(), c.STATUS_RUNNING), "executionArn": execution_arn},
        )
        # "generation" is there from the start so a failure path can always read what the last call cost.
        return {
            "runId": execution_name,
            "settings": settings,
            "loop": initial_loop(settings),
            "generation": {"round": 0, "costUsd": 0.0, "imageKeys": []},
        }


def new_run_item(run_id: str, settings: Settings, now: datetime, status: str) -> RunItem:
    """A run item's attributes when it is first written: by the API when it accepts a generation (QUEUED) or
    by Start Run (RUNNING). `createdAt`, the runs index's sort key and the TTL are the first writer's."""
    return {
        "status": status,
        "prompt": settings["prompt"],
        "settings": settings,
        "createdAt": iso(now),
        "startedAt": iso(now),
        "updatedAt": iso(now),
        # the newest-first listing of the HTTP API reads the runs index
        c.RUNS_INDEX_PK: c.RUNS_INDEX_PK_VALUE,
        c.RUNS_INDEX_SK: c.runs_index_sk(iso(now), run_id),
        "rounds": 0,
        "costUsd": 0.0,
        c.TTL_ATTRIBUTE: expiry_epoch(now, run_ttl_days()),
    }


def initial_loop(settings: Settings) -> Loop:
    """The loop's own state, carried in the execution payload (kept small: keys and numbers)."""
    return {
        "round": 1,
        "prompt": settings["prompt"],
        "negativePrompt": settings["negativePrompt"],
        "seed": settings["seed"],  # strategy redraw moves it on each round; Generate Images draws with it
        "edit": None,  # set by Rewrite Prompt when the next round edits the best image (strategy refine / auto)
        "roundsCompleted": 0,
        "costUsd": 0.0,
        "projectedCostUsd": round(first_round_bound(settings), 6),
        "rewriteCostUsd": 0.0,
        "evaluationCostUsd": 0.0,  # the independent evaluator's calls: in the budget, apart from costUsd
        "bestEvaluation": None,  # the best round's evaluation in counts (readings.evaluation_summary), for the result
        "lastScore": 0.0,
        "gatePassed": False,  # the last round passed the Quality Gate (Record Round: judge and verifier)
        "bestScore": 0.0,
        "bestRound": 0,
        "bestImageKey": "",
    }
