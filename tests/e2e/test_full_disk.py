"""Storage that cannot be written is an error the user sees, on a real small tmpfs (mounted here as root) or a
folder made immutable (chattr +i, which root cannot write either): `imagegate serve` answers POST with 503
StorageUnavailable and starts nothing, a run whose state cannot be kept ends FAILED naming the folder and is
written once the disk has room again; `imagegate run` exits 2 with one line and leaves no images without
run.json. Skipped where tmpfs or chattr is not available (no root)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_serve import http, listed, wait_until_done

from imagegate.export import RUN_FILE
from imagegate.local.store import IN_FLIGHT_FILE

pytestmark = pytest.mark.e2e

REPO_ROOT = Path(__file__).resolve().parents[2]
ENDED = {"PASSED", "EXHAUSTED", "BLOCKED", "FAILED"}


def _mount_tmpfs(mount_point: Path, size: str) -> None:
    mount_point.mkdir(parents=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mount_point)], check=False)
    if done.returncode != 0:
        pytest.skip("cannot mount a tmpfs here (needs root)")


@pytest.fixture
def disk(tmp_path) -> Iterator[Path]:
    """A 24 MiB tmpfs: above the 16 MiB a run is started with, until it is filled."""
    mount_point = tmp_path / "disk"
    _mount_tmpfs(mount_point, "24m")
    yield mount_point
    subprocess.run(["umount", "-l", str(mount_point)], check=False)


def _fill(folder: Path) -> Path:
    """Write a file until the disk is full; the file (removing it makes room again)."""
    filler = folder / "filler.bin"
    with open(filler, "wb") as out:
        try:
            while True:
                out.write(b"\0" * 65536)
                out.flush()
        except OSError:
            pass
    return filler


def _run(*arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "imagegate.cli", "run", *arguments],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        timeout=300,
    )


def test_serve_on_a_disk_that_fills_refuses_new_runs_and_fails_the_running_one(disk, tmp_path, start_serve):
    (tmp_path / "logs").mkdir()
    data_dir = disk / "runs"
    # Given a server over a data dir on a small disk, with a generation slowed by throttling still running: its
    # first model call is throttled twice and retried after the loop's own waits (2 + 4 s at scale 1), over ten
    # times what filling the 24 MiB disk takes once the run is seen RUNNING (a 0.2 s poll and a few ms of writes).
    # Scale 5 with three throttles made it 70 s of waiting, scale 1 with three 14 s; one more wait adds no path.
    server = start_serve(
        tmp_path / "logs", "--data-dir", str(data_dir), "--retry-time-scale", "1", "--fault", "throttle_first=2"
    )
    server.wait_ready()
    status, _, started = http(server, "POST", "/generations", json.dumps({"prompt": "a green bicycle", "maxRounds": 3}))
    assert status == 202, started
    deadline = time.monotonic() + 60
    while http(server, "GET", f"/generations/{started['id']}")[2]["status"] != "RUNNING":
        assert time.monotonic() < deadline, server.logs()
        time.sleep(0.2)

    # When the disk fills up
    filler = _fill(disk)

    # Then the running generation ends FAILED with StorageUnavailable naming its folder (it used to go on and
    # answer PASSED, then be FAILED with 0 rounds or gone after a restart)
    done = wait_until_done(server, started["id"], seconds=120)
    assert done["status"] == "FAILED", done
    assert done["error"] == "StorageUnavailable" and str(data_dir / started["id"]) in done["reason"], done
    # and a new POST is 503 in the JSON error format, naming the folder, and starts nothing
    before = {entry["id"] for entry in listed(server)}
    status, _, refused = http(server, "POST", "/generations", json.dumps({"prompt": "a blue kite"}))
    assert status == 503, refused
    assert refused["error"] == "StorageUnavailable" and str(data_dir) in refused["message"]
    time.sleep(1.0)
    assert {entry["id"] for entry in listed(server)} == before

    # When the disk has room again
    filler.unlink()

    # Then the next request writes the FAILED outcome to the folder (its marker goes), and runs start again
    listed(server)
    document = json.loads((data_dir / started["id"] / RUN_FILE).read_text())
    assert (document["status"], document["error"]) == ("FAILED", "StorageUnavailable")
    assert not (data_dir / started["id"] / IN_FLIGHT_FILE).exists()
    status, _, again = http(server, "POST", "/generations", json.dumps({"prompt": "a blue kite", "maxRounds": 1}))
    assert status == 202, again
    server.stop()


def test_serve_refuses_a_post_when_the_data_dir_is_immutable(tmp_path, start_serve):
    (tmp_path / "logs").mkdir()
    data_dir = tmp_path / "data"
    server = start_serve(tmp_path / "logs", "--data-dir", str(data_dir), "--retry-time-scale", "0")
    server.wait_ready()
    # Given the data dir made immutable while the server runs (root cannot add files to it either)
    if subprocess.run(["chattr", "+i", str(data_dir)], capture_output=True, check=False).returncode != 0:
        server.stop()
        pytest.skip("chattr +i is not available here")
    try:
        # When a generation is posted, Then it is 503 naming the folder and nothing is started
        status, _, refused = http(server, "POST", "/generations", json.dumps({"prompt": "a red apple"}))
        assert status == 503, refused
        assert refused["error"] == "StorageUnavailable" and str(data_dir) in refused["message"]
        assert listed(server) == []
    finally:
        subprocess.run(["chattr", "-i", str(data_dir)], check=False)
        server.stop()


def test_run_on_a_full_disk_exits_2_with_one_line_and_writes_nothing(tmp_path):
    # Given an --out folder on a 1 MiB disk (less room than a run is started with)
    out = tmp_path / "small"
    _mount_tmpfs(out, "1m")
    try:
        # When a run is asked for there
        done = _run("a red apple", "--max-rounds", "1", "--out", str(out), "--retry-time-scale", "0")

        # Then it exits 2 with one line naming the folder, no traceback, and nothing was started or written
        assert done.returncode == 2, done.stdout + done.stderr
        assert done.stderr.count("\n") == 1 and str(out) in done.stderr and "Traceback" not in done.stderr
        assert "started" not in done.stdout
        assert list(out.iterdir()) == []
    finally:
        subprocess.run(["umount", "-l", str(out)], check=False)


def test_run_whose_out_folder_becomes_unwritable_exits_2_and_leaves_no_images_without_run_json(tmp_path):
    # Given a run in progress (slowed by throttling) whose --out folder is made immutable once it started: one
    # throttle retried after 2 s (scale 1), besides the run's own second or more, leaves that long for one chattr
    # after the "started" line, where a few milliseconds are needed (two throttles at scale 3 waited 18 s for no
    # further path; a chattr after the run had ended would let it exit 0: a late one fails the test, never passes it)
    out = tmp_path / "out"
    out.mkdir()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "imagegate.cli",
            "run",
            "a red apple",
            "--max-rounds",
            "1",
            "--out",
            str(out),
            "--retry-time-scale",
            "1",
            "--fault",
            "throttle_first=1",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO_ROOT,
    )
    assert process.stdout is not None
    first_line = process.stdout.readline()
    assert "started" in first_line, first_line + (process.stderr.read() if process.stderr else "")
    if subprocess.run(["chattr", "+i", str(out)], capture_output=True, check=False).returncode != 0:
        process.kill()
        pytest.skip("chattr +i is not available here")
    try:
        stdout, stderr = process.communicate(timeout=300)
    finally:
        subprocess.run(["chattr", "-i", str(out)], check=False)

    # Then it exits 2 with one line naming the folder, no traceback, and nothing is in the folder
    assert process.returncode == 2, first_line + stdout + stderr
    assert stderr.count("\n") == 1 and str(out) in stderr and "Traceback" not in stderr, stderr
    assert list(out.iterdir()) == []
