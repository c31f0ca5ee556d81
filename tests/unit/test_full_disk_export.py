"""A run folder on a disk that fills up: each file is written whole or not at all (temporary file, fsync,
rename), and an export that cannot finish removes what it added, so run.json and items.json only ever name
images that are on disk and the folder keeps its previous state. On a real tmpfs where this machine can mount
one (root), else with ENOSPC injected at fsync."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

import imagegate.export as export
from imagegate.export import ITEMS_FILE, MIN_FREE_BYTES, RUN_FILE, export_run, storage_problem, write_atomically

pytestmark = pytest.mark.unit

RUN_ID = "20260101T000000Z-0000abcd"
PREFIX = f"runs/{RUN_ID}/"


def _run_item() -> dict:
    return {
        "pk": f"RUN#{RUN_ID}",
        "sk": "RUN",
        "runId": RUN_ID,
        "status": "RUNNING",
        "prompt": "a red apple",
        "startedAt": "2026-01-01T00:00:00.000Z",
    }


def _objects(sizes: dict[str, int]):
    data = {PREFIX + name: os.urandom(size) for name, size in sizes.items()}
    return lambda prefix: [(key, value) for key, value in data.items() if key.startswith(prefix)]


@pytest.fixture
def tiny_disk(tmp_path) -> Iterator[Path]:
    """A 1 MiB tmpfs (mounted for this test), or the test is skipped where mounting is not allowed."""
    mount_point = tmp_path / "tiny"
    mount_point.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount_point)], capture_output=True, check=False
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode(errors='replace').strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def _named_files_exist(run_dir: Path) -> None:
    items = json.loads((run_dir / ITEMS_FILE).read_text())
    document = json.loads((run_dir / RUN_FILE).read_text())
    assert all((run_dir / name).is_file() for name in items["objects"])
    assert document["runId"] == RUN_ID


def test_an_export_that_fills_the_disk_leaves_the_previous_state_whole(tiny_disk):
    # Given a run folder exported once (one small image)
    export_run(_run_item(), [], _objects({"round-01/candidate-1.png": 10_000}), tiny_disk)
    before = {path.name: path.read_bytes() for path in (tiny_disk / RUN_ID).rglob("*") if path.is_file()}

    # When it is exported again with more than the disk holds
    with pytest.raises(OSError) as raised:
        export_run(
            _run_item(),
            [],
            _objects({"round-01/candidate-1.png": 10_000, "round-02/candidate-1.png": 2_000_000}),
            tiny_disk,
        )

    # Then the disk said it is full, the new image is not there, nothing half-written is left, and the
    # previous items.json and run.json are as they were, naming only what is on disk
    assert raised.value.errno == errno.ENOSPC
    after = {path.name: path.read_bytes() for path in (tiny_disk / RUN_ID).rglob("*") if path.is_file()}
    assert set(after) == set(before)
    assert after[ITEMS_FILE] == before[ITEMS_FILE] and after[RUN_FILE] == before[RUN_FILE]
    assert not (tiny_disk / RUN_ID / "round-02").exists()
    _named_files_exist(tiny_disk / RUN_ID)


def test_a_first_export_that_does_not_fit_leaves_no_folder(tiny_disk):
    # When a run's first export does not fit
    with pytest.raises(OSError):
        export_run(_run_item(), [], _objects({"round-01/candidate-1.png": 2_000_000}), tiny_disk)

    # Then no images without run.json are left: the folder it started is gone
    assert list(tiny_disk.iterdir()) == []


def test_a_full_disk_and_a_small_one_are_named_by_storage_problem(tiny_disk, tmp_path):
    # A 1 MiB disk is below the free space a run is started with; an ordinary folder is not
    problem = storage_problem(tiny_disk)
    assert problem is not None and str(tiny_disk) in problem and f"{MIN_FREE_BYTES // 1024 // 1024} MiB" in problem
    assert storage_problem(tmp_path) is None


def test_an_injected_enospc_at_fsync_keeps_the_old_file_and_no_partial(tmp_path, monkeypatch):
    # Given a file written once
    target = tmp_path / "items.json"
    write_atomically(target, b"old")

    # When the next write fails as a full disk fails it (here: where a real full disk cannot be mounted)
    def full(_fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(export.os, "fsync", full)
    with pytest.raises(OSError):
        write_atomically(target, b"new" * 1000)

    # Then the old content is intact and no temporary file is left
    assert target.read_bytes() == b"old"
    assert [path.name for path in tmp_path.iterdir()] == ["items.json"]


def test_a_folder_that_cannot_be_written_is_named(tmp_path):
    # chattr +i: even root cannot add a file to it
    folder = tmp_path / f"locked-{uuid.uuid4().hex[:6]}"
    folder.mkdir()
    if subprocess.run(["chattr", "+i", str(folder)], capture_output=True, check=False).returncode != 0:
        pytest.skip("chattr +i is not available here")
    try:
        problem = storage_problem(folder)
        assert problem is not None and f"cannot write to {folder}" in problem
    finally:
        subprocess.run(["chattr", "-i", str(folder)], check=False)
