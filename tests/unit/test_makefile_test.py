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


def _stand_in_tools(tmp_path: Path, failing: str | None) -> tuple[Path, Path, dict[str, str]]:
    """A folder laid out like the repository for the Makefile (run with -f from there, so build/ is the folder's own)
    with a stand-in venv and stand-ins for npx and chromium on PATH: each records what it was asked to do and
    succeeds, except the one named `failing`."""
    log = tmp_path / "calls.log"
    bin_dir, venv = tmp_path / "tools", tmp_path / "venv"
    for folder in (bin_dir, venv / "bin", tmp_path / "statemachine", tmp_path / "infra" / "layers" / "dependencies"):
        folder.mkdir(parents=True)
    for name in ("pyproject.toml", "infra/layer.py", "infra/layers/dependencies/requirements.lock"):
        (tmp_path / name).write_text("")
    tools = {"python": venv / "bin" / "python", "ruff": venv / "bin" / "ruff", "mypy": venv / "bin" / "mypy"}
    tools |= {"npx": bin_dir / "npx", "chromium": bin_dir / "chromium"}
    for name, tool in tools.items():
        # python stands for three checks: the composed benchmark ASL (-c), the layer build and the suite (-m)
        kind = (
            'case "$*" in *"-m pytest"*) k=pytest;; *"-m infra.layer"*) k=layer;; *) k=python;; esac'
            if name == "python"
            else f"k={name}"
        )
        tool.write_text(
            f'#!/bin/sh\n{kind}\necho "$k" >> {log}\n[ "$k" != "{failing}" ] || {{ echo "$k failed" >&2; exit 1; }}\n'
        )
        tool.chmod(0o755)
    (venv / ".installed").touch()  # the install stamp newer than pyproject.toml: nothing is installed
    earlier = (venv / ".installed").stat().st_mtime - 60
    os.utime(tmp_path / "pyproject.toml", (earlier, earlier))
    environment = {name: value for name, value in os.environ.items() if name not in ("MAKEFLAGS", "MFLAGS")}
    environment["PATH"] = f"{bin_dir}{os.pathsep}{environment['PATH']}"
    return venv, log, environment


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
@pytest.mark.parametrize("failing", [None, "npx", "ruff", "mypy", "layer"])
def test_the_checks_before_the_suite_run_side_by_side_and_any_one_failing_fails_make_test(tmp_path, failing):
    """The checks run in a make of their own with -j (issue 29: a fresh clone's `make test`), so a failure in one
    of them must still stop `make test` with a failure, before the suite starts; and with none failing, the suite
    runs after every check, once."""
    venv, log, environment = _stand_in_tools(tmp_path, failing)
    result = subprocess.run(
        ["make", "-f", str(ROOT / "Makefile"), "test", f"VENV={venv}"],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    calls = log.read_text().split()
    if failing is None:
        assert result.returncode == 0, result.stderr
        assert sorted(calls[:-1]) == ["layer", "mypy", "npx", "python", "ruff", "ruff"]
        assert calls[-1] == "pytest"
    else:
        assert result.returncode != 0
        assert f"{failing} failed" in result.stderr
        assert "pytest" not in calls
