"""`make synth` warns, and does not fail, when Node.js is outside the range the AWS CDK supports (issue 27.5).
A stand-in `node` on PATH reports each version; make runs only the node-check target (no install, no synthesis)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]


def _node_check(tmp_path: Path, major: int | None) -> subprocess.CompletedProcess[str]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    if major is not None:
        node = bin_dir / "node"
        node.write_text(f'#!/bin/sh\nif [ "$1" = "-p" ]; then echo {major}; else echo v{major}.1.0; fi\n')
        node.chmod(0o755)
    # make and sh from the system, nothing else: a node outside bin_dir must not be found
    for tool in ("make", "sh"):
        (bin_dir / tool).symlink_to(shutil.which(tool) or f"/usr/bin/{tool}")
    env = {**os.environ, "PATH": str(bin_dir)}
    return subprocess.run(["make", "-s", "node-check"], cwd=ROOT, env=env, capture_output=True, text=True, check=False)


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
@pytest.mark.parametrize("major, warns", [(18, True), (20, True), (22, False), (24, False), (25, True), (None, True)])
def test_node_outside_22_to_24_is_a_warning_naming_the_range_never_a_failure(tmp_path, major, warns):
    result = _node_check(tmp_path, major)
    assert result.returncode == 0, result.stderr
    assert ("outside the range the AWS CDK supports (22-24)" in result.stderr) == warns, result.stderr
    if major is not None and warns:
        assert f"v{major}.1.0" in result.stderr
