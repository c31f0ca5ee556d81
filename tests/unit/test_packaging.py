"""The project's own packaging: an install prints no warning caused by pyproject.toml (an extra the pinned
package lacks; package-data naming folders that do not exist)."""

from __future__ import annotations

import importlib.metadata
import re
import tomllib
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit
REPO_ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _requirements() -> list[str]:
    groups = PYPROJECT["project"].get("optional-dependencies", {}).values()
    return [*PYPROJECT["project"]["dependencies"], *(req for group in groups for req in group)]


def test_every_extra_asked_of_an_installed_dependency_is_one_it_provides():
    # Given each requirement with extras, e.g. moto[stepfunctions,s3]==5.2.5
    asked = [re.match(r"([A-Za-z0-9_.-]+)\[([^\]]+)\]", req) for req in _requirements()]
    checked = 0
    for match in filter(None, asked):
        name, extras = match.group(1), {extra.strip() for extra in match.group(2).split(",")}
        try:
            provided = set(importlib.metadata.metadata(name).get_all("Provides-Extra") or [])
        except importlib.metadata.PackageNotFoundError:
            continue  # not installed in this environment (e.g. a group this venv left out)
        # Then pip would not warn "does not provide the extra"
        assert extras <= provided, f"{name} does not provide {sorted(extras - provided)}"
        checked += 1
    assert checked, "no requirement with extras was checked"


def test_every_package_data_pattern_names_files_that_exist():
    packages = {
        "imagegate": REPO_ROOT / "imagegate",
        "imagegate_service": REPO_ROOT / "functions" / "imagegate_service",
    }
    for package, patterns in _package_data().items():
        assert package in packages, f"package-data names an unknown package {package!r}"
        for pattern in patterns:
            assert list(packages[package].glob(pattern)), f"package-data {package}: {pattern!r} matches no file"


def test_every_data_file_the_code_reads_is_packaged():
    # Given the non-Python files shipped inside the packages
    root = REPO_ROOT / "functions" / "imagegate_service"
    data = [
        path
        for path in root.rglob("*")
        if path.is_file() and path.suffix not in (".py", ".pyc") and "__pycache__" not in path.parts
    ]
    patterns = _package_data()["imagegate_service"]
    # Then each is matched by a package-data pattern (an installed wheel would lack it otherwise)
    for path in data:
        assert any(path.match(str(root / pattern)) for pattern in patterns), (
            f"{path.relative_to(REPO_ROOT)} is not packaged"
        )


def _package_data() -> dict[str, list[str]]:
    return PYPROJECT["tool"]["setuptools"]["package-data"]
