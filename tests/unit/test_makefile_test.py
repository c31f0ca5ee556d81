"""`make test` runs the suite on pytest-xdist workers, one per core unless TEST_WORKERS says how many (0: in one
process), and keeps a test file on one worker (--dist loadfile), which module-scoped servers and runtimes rely
on (issue 29). `make -n` prints the recipe, runs nothing; the caller's own TEST_WORKERS is not passed on."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]


def _pytest_line(*variables: str) -> str:
    # Under `make test TEST_WORKERS=N` the variable also reaches this make through MAKEFLAGS: not passed on either
    environment = {
        name: value for name, value in os.environ.items() if name not in ("TEST_WORKERS", "MAKEFLAGS", "MFLAGS")
    }
    printed = subprocess.run(
        ["make", "-n", "test", *variables], cwd=ROOT, capture_output=True, text=True, check=True, env=environment
    ).stdout
    (line,) = [line for line in printed.splitlines() if "-m pytest" in line]
    return line


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_the_suite_runs_on_every_core_by_default_spread_by_file():
    assert _pytest_line().endswith("-m pytest -q -n auto --dist loadfile")


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_test_workers_0_runs_the_suite_in_one_process():
    assert " -n " not in _pytest_line("TEST_WORKERS=0") + " "


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_test_workers_n_runs_that_many_workers_spread_by_file():
    assert _pytest_line("TEST_WORKERS=2").endswith("-m pytest -q -n 2 --dist loadfile")
