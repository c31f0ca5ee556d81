"""The infra test modules import aws_cdk inside their tests, never when they are imported (issue 29, tests/
conftest.py): every pytest-xdist worker imports every test module to collect it, and importing aws_cdk starts
jsii's node process and keeps a thread in that worker for the rest of the run. One worker runs tests/infra and
starts node; with node started in every worker, the benchmark's Map workers were spawned instead of forked in the
whole suite (a LocalRuntime forks them only from a process with no other thread) and each worker paid node's
start-up at collection."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.infra

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parents[1]

_IMPORT_EACH = """
import importlib.util, sys
for path in sys.argv[1:]:
    name = path.rsplit("/", 1)[-1][:-3]
    spec = importlib.util.spec_from_file_location(name, path)
    sys.modules[name] = module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert "aws_cdk" not in sys.modules and "jsii" not in sys.modules, f"{path} imports aws_cdk when imported"
print("no module imported aws_cdk")
"""


def test_importing_the_infra_test_modules_starts_no_node_process():
    modules = sorted(str(path) for path in HERE.glob("*.py"))
    done = subprocess.run(
        [sys.executable, "-c", _IMPORT_EACH, *modules],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO_ROOT,
        env={**os.environ, "PYTHONPATH": f"{REPO_ROOT}:{REPO_ROOT / 'functions'}:{HERE}"},
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "no module imported aws_cdk" in done.stdout
