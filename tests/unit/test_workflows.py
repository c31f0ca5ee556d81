"""Where the composition of the workflows finds the ASL files, outside the CLI package."""

from __future__ import annotations

import json
import shutil

import pytest

from imagegate_service import workflows
from imagegate_service.constants import ENV_STATEMACHINE_DIR

pytestmark = pytest.mark.unit


@pytest.fixture(autouse=True)
def _fresh_lookup():
    workflows.statemachine_dir.cache_clear()
    yield
    workflows.statemachine_dir.cache_clear()


def test_the_asl_files_are_found_beside_the_package_in_a_checkout(monkeypatch):
    monkeypatch.delenv(ENV_STATEMACHINE_DIR, raising=False)
    folder = workflows.statemachine_dir()
    assert (folder / workflows.QUALITY_LOOP_ASL).is_file() and (folder / workflows.BENCHMARK_ASL).is_file()
    assert json.loads(workflows.quality_loop_definition())["StartAt"] == workflows.LOOP_START_STATE


def test_a_configured_folder_is_used_and_composed_from(tmp_path, monkeypatch):
    # Given a copy of the ASL files elsewhere, named by the variable, with the loop changed
    monkeypatch.delenv(ENV_STATEMACHINE_DIR, raising=False)
    source = workflows.statemachine_dir()
    workflows.statemachine_dir.cache_clear()
    for name in (workflows.QUALITY_LOOP_ASL, workflows.BENCHMARK_ASL):
        shutil.copy(source / name, tmp_path / name)
    loop = json.loads((tmp_path / workflows.QUALITY_LOOP_ASL).read_text())
    loop["Comment"] = "the copy"
    (tmp_path / workflows.QUALITY_LOOP_ASL).write_text(json.dumps(loop))
    monkeypatch.setenv(ENV_STATEMACHINE_DIR, str(tmp_path))
    # Then both definitions come from it
    assert workflows.statemachine_dir() == tmp_path
    assert json.loads(workflows.quality_loop_definition())["Comment"] == "the copy"
    composed = json.loads(workflows.benchmark_definition())["States"][workflows.BENCHMARK_MAP_STATE]
    assert composed["ItemProcessor"]["StartAt"] == loop["StartAt"]


def test_a_folder_without_the_asl_files_is_an_error_naming_the_variable(tmp_path, monkeypatch):
    monkeypatch.setenv(ENV_STATEMACHINE_DIR, str(tmp_path))
    with pytest.raises(FileNotFoundError, match=ENV_STATEMACHINE_DIR):
        workflows.statemachine_dir()


def test_the_package_folder_is_the_repositorys_statemachine_folder_so_the_asl_has_one_source(monkeypatch):
    from pathlib import Path

    monkeypatch.delenv(ENV_STATEMACHINE_DIR, raising=False)
    repository = Path(__file__).resolve().parents[2] / "statemachine"
    assert workflows.statemachine_dir() == Path(workflows.__file__).resolve().parent / "statemachine"
    assert workflows.statemachine_dir().resolve() == repository
