"""`make run PROMPT=...` hands the prompt to `imagegate run` exactly as typed (issue 25.8): quotes, $, backticks
and backslashes included, since people ask for text with quotes (a sign that says "OPEN LATE"). A stand-in
venv (its install stamp newer than pyproject.toml, so nothing is installed) records the arguments it got."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
PROMPTS = [
    'a sign that says "OPEN LATE"',
    "a café sign that says 'OPEN' and costs $5",
    'a poster reading "`rm -rf /`" and a back\\slash; then a & b | c',
    "a red apple to the left of a blue cup",
]


def _stand_in_venv(tmp_path: Path) -> tuple[Path, Path]:
    venv, seen = tmp_path / "venv", tmp_path / "argv.txt"
    (venv / "bin").mkdir(parents=True)
    tool = venv / "bin" / "imagegate"
    tool.write_text(f'#!/bin/sh\nprintf "%s\\n" "$#" > {seen}\nfor a in "$@"; do printf "%s\\n" "$a" >> {seen}; done\n')
    tool.chmod(0o755)
    stamp = venv / ".installed"
    stamp.touch()
    later = (ROOT / "pyproject.toml").stat().st_mtime + 60
    os.utime(stamp, (later, later))
    return venv, seen


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
@pytest.mark.parametrize("prompt", PROMPTS)
def test_make_run_passes_the_prompt_as_one_argument_exactly_as_typed(tmp_path, prompt):
    venv, seen = _stand_in_venv(tmp_path)
    result = subprocess.run(
        ["make", "-s", "run", f"VENV={venv}", f"PROMPT={prompt}"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert seen.read_text().splitlines() == ["2", "run", prompt]


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_run_without_a_prompt_uses_the_default(tmp_path):
    venv, seen = _stand_in_venv(tmp_path)
    env = {k: v for k, v in os.environ.items() if k != "PROMPT"}
    result = subprocess.run(["make", "-s", "run", f"VENV={venv}"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert seen.read_text().splitlines()[2].startswith("a red apple to the left of a blue cup")
