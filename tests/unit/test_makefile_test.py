"""`make test` runs the suite in one process unless TEST_WORKERS asks for pytest-xdist workers (issue 29: the
parallel run is opt-in until it has passed from a fresh clone), and then keeps a test file on one worker
(--dist loadfile), which module-scoped servers and runtimes rely on. `make -n` prints the recipe, runs nothing."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]


def _pytest_line(*variables: str) -> str:
    printed = subprocess.run(
        ["make", "-n", "test", *variables], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    (line,) = [line for line in printed.splitlines() if "-m pytest" in line]
    return line


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_the_suite_runs_in_one_process_by_default():
    assert " -n " not in _pytest_line() + " "
    assert " -n " not in _pytest_line("TEST_WORKERS=0") + " "


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
@pytest.mark.parametrize("workers", ["auto", "2"])
def test_test_workers_spreads_the_suite_by_file(workers):
    assert _pytest_line(f"TEST_WORKERS={workers}").endswith(f"-m pytest -q -n {workers} --dist loadfile")
