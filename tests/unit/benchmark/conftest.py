"""Fixtures for the benchmark library tests: the shared public prompt sets and hand-built run results."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

# tests/unit/benchmark/conftest.py -> parents[3] is the repository root; the shared data sits beside it.
SHARED_BENCHMARKS = Path(__file__).resolve().parents[3] / ".." / "shared" / "benchmarks"

RunFactory = Callable[..., dict[str, Any]]


@pytest.fixture
def shared_benchmarks() -> Path:
    if not SHARED_BENCHMARKS.is_dir():
        pytest.skip(f"shared benchmark copies not found at {SHARED_BENCHMARKS.resolve()}")
    return SHARED_BENCHMARKS.resolve()


@pytest.fixture
def make_run() -> RunFactory:
    """A run result shaped like the loop's run.json, one round per score."""

    def build(
        item_id: str,
        category: str,
        status: str,
        scores: list[float],
        cost_usd: float,
        duration_seconds: float,
        anchor: bool = False,
        threshold: float = 7.5,
        prompt: str = "a red apple",
    ) -> dict[str, Any]:
        rounds = [
            {
                "round": number,
                "prompt": prompt,
                "score": score,
                "passed": score >= threshold,
                "costUsd": cost_usd / len(scores),
            }
            for number, score in enumerate(scores, start=1)
        ]
        best_round = max(rounds, key=lambda entry: entry["score"])["round"] if rounds else None
        return {
            "runId": f"run-{item_id}",
            "itemId": item_id,
            "category": category,
            "status": status,
            "threshold": threshold,
            "finalScore": max(scores) if scores else None,
            "bestRound": best_round,
            "costUsd": cost_usd,
            "durationSeconds": duration_seconds,
            "anchor": anchor,
            "rounds": rounds,
        }

    return build


@pytest.fixture
def four_runs(make_run: RunFactory) -> list[dict[str, Any]]:
    """Two categories; the expected figures in the tests are computed by hand from these.

    animals: a1 PASSED in round 2 (6 -> 8), anchor; a2 PASSED in round 1 (8).
    text:    t1 EXHAUSTED (3, 5, 4), anchor; t2 FAILED before any round.
    """
    return [
        make_run("a1", "animals", "PASSED", [6, 8], cost_usd=0.10, duration_seconds=10, anchor=True),
        make_run("a2", "animals", "PASSED", [8], cost_usd=0.04, duration_seconds=20),
        make_run("t1", "text", "EXHAUSTED", [3, 5, 4], cost_usd=0.12, duration_seconds=40, anchor=True),
        make_run("t2", "text", "FAILED", [], cost_usd=0.0, duration_seconds=30),
    ]
