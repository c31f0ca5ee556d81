"""The Lambda dependencies layer: a hashed lock compiled for the functions' runtime, installed only from that
lock, rebuilt only when it changes, never half-built (no network: pip is faked)."""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from infra import layer

pytestmark = pytest.mark.unit
REPO_ROOT = Path(__file__).resolve().parents[2]


def _pins(lock_text: str) -> dict[str, tuple[str, list[str]]]:
    """name -> (version, hashes) of a `uv pip compile --generate-hashes` output."""
    pins = {}
    for block in re.split(r"\n(?=[A-Za-z0-9])", lock_text):
        match = re.match(r"([A-Za-z0-9_.-]+)==(\S+)", block)
        if match:
            pins[match.group(1).lower().replace("_", "-")] = (
                match.group(2),
                re.findall(r"--hash=sha256:([0-9a-f]{64})", block),
            )
    return pins


def test_every_locked_distribution_is_pinned_with_hashes_and_covers_what_requirements_in_asks():
    # Given the lock and what it was compiled from
    lock = layer.REQUIREMENTS_LOCK.read_text(encoding="utf-8")
    pins = _pins(lock)
    asked = [
        Requirement(line.split("#")[0].strip())
        for line in layer.REQUIREMENTS_IN.read_text(encoding="utf-8").splitlines()
        if line.split("#")[0].strip()
    ]
    # Then every requirement line of the lock is an exact pin with at least one sha256 (pip --require-hashes)
    requirement_lines = [line for line in lock.splitlines() if line and not line.startswith((" ", "#"))]
    assert len(requirement_lines) == len(pins) and pins
    assert all(hashes for _, hashes in pins.values())
    # And each requirement of requirements.in is locked at a version it allows
    for requirement in asked:
        version, _ = pins[requirement.name.lower()]
        assert requirement.specifier.contains(version), (requirement, version)
    # And the layer carries what the report templates need
    assert {"jsonschema", "jinja2", "markupsafe"} <= set(pins)


def test_locked_versions_satisfy_the_projects_own_dependency_ranges():
    # The functions run the same code locally (pyproject dependencies) and in Lambda (the layer)
    dependencies = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    pins = _pins(layer.REQUIREMENTS_LOCK.read_text(encoding="utf-8"))
    shared = [Requirement(item) for item in dependencies if Requirement(item).name.lower() in pins]
    assert shared, "the layer shares no dependency with pyproject.toml"
    for requirement in shared:
        assert requirement.specifier.contains(pins[requirement.name.lower()][0]), requirement


def test_install_takes_only_hashed_wheels_for_the_functions_platform_and_python(tmp_path):
    command = layer.install_command(tmp_path / "python")
    assert "--require-hashes" in command and "--only-binary=:all:" in command and "--no-deps" in command
    value = {
        flag: command[index + 1]
        for index, flag in enumerate(command)
        if flag.startswith("-") and index + 1 < len(command) and not command[index + 1].startswith("-")
    }
    assert value["--python-version"] == layer.LAMBDA_PYTHON_VERSION
    assert value["--abi"] == "cp" + layer.LAMBDA_PYTHON_VERSION.replace(".", "")
    assert value["--platform"].endswith({"arm64": "aarch64", "x86_64": "x86_64"}[layer.LAMBDA_ARCHITECTURE])
    assert value["--target"] == str(tmp_path / "python") and value["-r"] == str(layer.REQUIREMENTS_LOCK)


def test_lock_is_compiled_for_the_same_runtime_with_hashes():
    command = layer.lock_command("uv")
    assert "--generate-hashes" in command
    assert command[command.index("--python-version") + 1] == layer.LAMBDA_PYTHON_VERSION
    cpu = {"arm64": "aarch64", "x86_64": "x86_64"}[layer.LAMBDA_ARCHITECTURE]
    assert command[command.index("--python-platform") + 1].startswith(cpu)


def test_fingerprint_follows_the_lock_and_the_runtime(tmp_path, monkeypatch):
    lock = tmp_path / "requirements.lock"
    lock.write_text("a==1 --hash=sha256:" + "0" * 64 + "\n")
    first = layer.fingerprint(lock)
    assert layer.fingerprint(lock) == first
    monkeypatch.setattr(layer, "LAMBDA_ARCHITECTURE", "x86_64" if layer.LAMBDA_ARCHITECTURE == "arm64" else "arm64")
    assert layer.fingerprint(lock) != first
    monkeypatch.undo()
    lock.write_text("a==2 --hash=sha256:" + "1" * 64 + "\n")
    assert layer.fingerprint(lock) != first


class FakePip:
    """Installs like pip --target: a package, its RECORD, and a console script naming this interpreter."""

    def __init__(self, fail: bool = False, interpreter: str = sys.executable):
        self.calls: list[list[str]] = []
        self.fail = fail
        self.interpreter = interpreter

    def __call__(self, command: list[str]) -> None:
        self.calls.append(command)
        target = Path(command[command.index("--target") + 1])
        (target / "pkg").mkdir(parents=True)
        (target / "pkg" / "__init__.py").write_text(f"VERSION = {len(self.calls)}\n")
        (target / "bin").mkdir()
        (target / "bin" / "pkg").write_text(f"#!{self.interpreter}\n")
        (target / "pkg-1.dist-info").mkdir()
        (target / "pkg-1.dist-info" / "RECORD").write_text(
            f"../../bin/pkg,sha256={hash(self.interpreter)},{len(self.interpreter) + 3}\npkg/__init__.py,sha256=x,13\n"
        )
        if self.fail:
            raise layer.LayerBuildError("pip failed")


def test_the_layer_is_built_once_per_lock_and_again_when_the_lock_changes(tmp_path):
    # Given a lock and no built layer
    lock, build, stamp = (
        tmp_path / "requirements.lock",
        tmp_path / "build" / "layer",
        tmp_path / "build" / "layer.stamp",
    )
    lock.write_text("pkg==1\n")
    pip = FakePip()
    # When it is built twice from the same lock
    assert layer.ensure_built(build, stamp, lock, run=pip) == build
    layer.ensure_built(build, stamp, lock, run=pip)
    # Then pip ran once, into python/, without console scripts, and the stamp names the lock's fingerprint
    assert len(pip.calls) == 1
    assert (build / "python" / "pkg" / "__init__.py").is_file() and not (build / "python" / "bin").exists()
    assert stamp.read_text().strip() == layer.fingerprint(lock)
    # When the lock changes, Then it is built again
    lock.write_text("pkg==2\n")
    layer.ensure_built(build, stamp, lock, run=pip)
    assert len(pip.calls) == 2 and "VERSION = 2" in (build / "python" / "pkg" / "__init__.py").read_text()


def test_a_failed_install_keeps_the_previous_layer_and_leaves_nothing_behind(tmp_path):
    lock, build, stamp = (
        tmp_path / "requirements.lock",
        tmp_path / "build" / "layer",
        tmp_path / "build" / "layer.stamp",
    )
    lock.write_text("pkg==1\n")
    layer.ensure_built(build, stamp, lock, run=FakePip())
    lock.write_text("pkg==2\n")
    with pytest.raises(layer.LayerBuildError):
        layer.ensure_built(build, stamp, lock, run=FakePip(fail=True))
    assert "VERSION = 1" in (build / "python" / "pkg" / "__init__.py").read_text()
    assert sorted(path.name for path in build.parent.iterdir()) == ["layer", "layer.stamp"]
    assert not layer.is_current(build, stamp, lock)  # the stamp still names the old lock


def test_a_pip_failure_says_what_failed_and_what_to_do():
    with pytest.raises(layer.LayerBuildError, match=r"pip exit 3: no such distribution.*package index.*layer-lock"):
        layer._run([sys.executable, "-c", "import sys; print('no such distribution', file=sys.stderr); sys.exit(3)"])


def test_the_same_lock_builds_the_same_files_whatever_checkout_or_interpreter_builds_it(tmp_path):
    # Given one lock built from two checkouts whose interpreters live at different paths
    lock = tmp_path / "requirements.lock"
    lock.write_text("pkg==1\n")
    trees = []
    for name in ("one", "two"):
        build, stamp = tmp_path / name / "layer", tmp_path / name / "layer.stamp"
        layer.ensure_built(build, stamp, lock, run=FakePip(interpreter=f"/{name}/.venv/bin/python"))
        trees.append({path.relative_to(build): path.read_bytes() for path in build.rglob("*") if path.is_file()})
    # Then both layers hold the same files with the same bytes: no console script, no RECORD line naming one
    assert trees[0] == trees[1]
    assert b"../../bin/" not in trees[0][Path("python/pkg-1.dist-info/RECORD")]
