"""`imagegate serve --data-dir DIR` as a user runs it, stopped the hard way (kill -9) and started again:
finished generations answer as before (GET, the listing, image URLs), a generation in flight becomes FAILED
with the reason "interrupted: the local server stopped", and `imagegate run --out DIR` and `imagegate serve
--data-dir DIR` see each other's runs."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from imagegate.export import ITEMS_FILE, RUN_FILE
from imagegate.local.store import IN_FLIGHT_FILE, INTERRUPTED_REASON

pytestmark = pytest.mark.e2e

REPO_ROOT = Path(__file__).resolve().parents[2]
ENDED = {"PASSED", "EXHAUSTED", "BLOCKED", "FAILED"}
# what a restart may change in a generation's answer: presigned URLs are signed anew for the new address
_URL = re.compile(r"^http://127\.0\.0\.1:\d+/")


class ServeProcess:
    """One `imagegate serve` subprocess on a free port over a data dir."""

    def __init__(self, data_dir: Path, log_dir: Path, *extra: str):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log_dir / f"serve-{self.port}.txt"
        with open(self.log, "w") as out:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "imagegate.cli",
                    "serve",
                    "--port",
                    str(self.port),
                    "--data-dir",
                    str(data_dir),
                    *extra,
                ],
                stdout=out,
                stderr=subprocess.STDOUT,
                cwd=REPO_ROOT,
                env={**os.environ, "PYTHONUNBUFFERED": "1"},
            )
        deadline = time.monotonic() + 60
        while self.url not in self.log.read_text():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.kill()
                pytest.fail(f"imagegate serve did not start:\n{self.log.read_text()[-3000:]}")
            time.sleep(0.1)

    def call(self, method: str, path: str, body: dict[str, Any] | None = None) -> tuple[int, Any]:
        data = json.dumps(body).encode("utf-8") if body is not None else None
        headers = {"Content-Type": "application/json"} if data is not None else {}
        request = urllib.request.Request(
            path if path.startswith("http") else self.url + path, data=data, method=method, headers=headers
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status, raw, kind = response.status, response.read(), response.headers.get("Content-Type", "")
        except urllib.error.HTTPError as error:
            status, raw, kind = error.code, error.read(), error.headers.get("Content-Type", "")
        return status, (json.loads(raw) if kind.startswith("application/json") and raw else raw)

    def generation(self, generation_id: str) -> dict[str, Any]:
        status, body = self.call("GET", f"/generations/{generation_id}")
        assert status == 200, (body, self.log.read_text()[-2000:])
        return body

    def until(self, generation_id: str, done: Any, seconds: float = 240) -> dict[str, Any]:
        deadline = time.monotonic() + seconds
        while not done(body := self.generation(generation_id)):
            assert time.monotonic() < deadline, f"{generation_id}: {body['status']}\n{self.log.read_text()[-2000:]}"
            time.sleep(0.3)
        return body

    def listed_ids(self) -> list[str]:
        status, body = self.call("GET", "/generations?limit=100")
        assert status == 200, body
        return [entry["id"] for entry in body["generations"]]

    def kill(self) -> None:
        """kill -9: nothing gets a chance to save anything."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)


@pytest.fixture
def dirs(tmp_path):
    (tmp_path / "logs").mkdir()
    return tmp_path / "data", tmp_path / "logs"


def _without_urls(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _without_urls(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_without_urls(item) for item in value]
    return "<url>" if isinstance(value, str) and _URL.match(value) else value


def _image_urls(generation: dict[str, Any]) -> list[str]:
    return [image["url"] for entry in generation["rounds"] for image in entry["images"]]


def test_a_finished_generation_answers_the_same_after_kill_9(dirs):
    data_dir, log_dir = dirs
    # Given a server over a data dir that ran a generation to its end
    first = ServeProcess(data_dir, log_dir, "--retry-time-scale", "0")
    try:
        status, started = first.call(
            "POST",
            "/generations",
            {"prompt": "a red apple to the left of a blue cup", "maxRounds": 2, "threshold": 9.9},
        )
        assert status == 202, started
        before = first.until(started["id"], lambda body: body["status"] in ENDED)
        images_before = [first.call("GET", url) for url in _image_urls(before)]
        listed_before = first.listed_ids()
    finally:
        # When it is killed without warning and started again on the same dir
        first.kill()
    second = ServeProcess(data_dir, log_dir, "--retry-time-scale", "0")
    try:
        after = second.generation(started["id"])
        # Then the generation answers as before, its image URLs download the same bytes, the listing shows it
        assert _without_urls(after) == _without_urls(before)
        assert before["rounds"] and all(status == 200 for status, _ in images_before)
        assert [second.call("GET", url) for url in _image_urls(after)] == images_before
        assert started["id"] in second.listed_ids() and second.listed_ids() == listed_before
        # and a URL signed before the restart names an object the new server holds (same key, same bytes)
        assert all(url.startswith(second.url) for url in _image_urls(after))
    finally:
        second.kill()


def test_an_in_flight_generation_becomes_failed_with_the_interrupted_reason(dirs):
    data_dir, log_dir = dirs
    # Given a generation slowed by throttling (real retry waits) that is still running
    first = ServeProcess(data_dir, log_dir, "--retry-time-scale", "5", "--fault", "throttle_first=3")
    try:
        status, started = first.call("POST", "/generations", {"prompt": "a green bicycle", "maxRounds": 3})
        assert status == 202, started
        running = first.until(started["id"], lambda body: body["status"] == "RUNNING")
        assert running["status"] == "RUNNING"
        assert (data_dir / started["id"] / IN_FLIGHT_FILE).is_file()
    finally:
        # When the server is killed while it runs, and started again
        first.kill()
    second = ServeProcess(data_dir, log_dir, "--retry-time-scale", "0")
    try:
        after = second.generation(started["id"])
        # Then it is FAILED with the reason, not gone, not RUNNING forever; what it was asked is kept
        assert after["status"] == "FAILED"
        assert after["reason"] == INTERRUPTED_REASON
        assert (after["prompt"], after["settings"]) == (running["prompt"], running["settings"])
        # startedAt: the recorded one, or the in-flight marker's when the server died before the run item was
        # saved (written at the POST, a moment before Start Run's own time: a known difference of a second or two)
        started_gap = datetime.fromisoformat(running["startedAt"]) - datetime.fromisoformat(after["startedAt"])
        assert abs(started_gap.total_seconds()) < 10
        assert after["finishedAt"] is not None
        assert started["id"] in second.listed_ids()
        # and the folder says so too: the marker is gone, run.json records the outcome
        assert not (data_dir / started["id"] / IN_FLIGHT_FILE).exists()
        document = json.loads((data_dir / started["id"] / RUN_FILE).read_text())
        assert (document["status"], document["reason"]) == ("FAILED", INTERRUPTED_REASON)
    finally:
        second.kill()


def _cli_run(out: Path, prompt: str) -> str:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "imagegate.cli",
            "run",
            prompt,
            "--out",
            str(out),
            "--max-rounds",
            "1",
            "--retry-time-scale",
            "0",
        ],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        timeout=300,
    )
    match = re.search(r"^run (\S+) started", done.stdout, re.MULTILINE)
    assert match and done.returncode in (0, 3), done.stdout + done.stderr
    return match.group(1)


@pytest.fixture(scope="module")
def cli_made_run(tmp_path_factory) -> Path:
    """One folder `imagegate run --out` wrote before any server started (issue 29: one CLI run for the module, not
    one per test that needs such a folder). Each test copies it into its own data dir: a run folder holds no path
    of its own (run.json, items.json, the report and the images name files relative to it), so the copy is what
    `imagegate run --out <that dir>` would have written there."""
    out = tmp_path_factory.mktemp("cli-made")
    return out / _cli_run(out, "two red apples on a table")


def _copied_into(data_dir: Path, run_folder: Path) -> str:
    shutil.copytree(run_folder, data_dir / run_folder.name)
    return run_folder.name


def test_imagegate_run_and_serve_on_one_dir_see_each_others_runs(dirs, cli_made_run):
    data_dir, log_dir = dirs
    # Given a run made by `imagegate run --out DIR` before the server started
    earlier = _copied_into(data_dir, cli_made_run)
    server = ServeProcess(data_dir, log_dir, "--retry-time-scale", "0")
    try:
        # When the server starts on that dir, and another `imagegate run` writes to it while it serves
        later = _cli_run(data_dir, "a small brown dog")
        status, posted = server.call("POST", "/generations", {"prompt": "a blue kite", "maxRounds": 1})
        assert status == 202, posted
        served = server.until(posted["id"], lambda body: body["status"] in ENDED)
        # Then the server answers for both CLI runs as their run.json records them, with downloadable images
        for run_id in (earlier, later):
            document = json.loads((data_dir / run_id / RUN_FILE).read_text())
            answer = server.generation(run_id)
            assert (answer["status"], answer["prompt"], answer["totals"]["finalScore"]) == (
                document["status"],
                document["prompt"],
                document["finalScore"],
            )
            assert [entry["round"] for entry in answer["rounds"]] == [entry["round"] for entry in document["rounds"]]
            assert all(server.call("GET", url)[0] == 200 for url in _image_urls(answer))
        assert {earlier, later, posted["id"]} <= set(server.listed_ids())
        # and the server's run is a folder `imagegate show` reads, like a CLI run's
        shown = subprocess.run(
            [sys.executable, "-m", "imagegate.cli", "show", str(data_dir / posted["id"])],
            capture_output=True,
            text=True,
            cwd=REPO_ROOT,
            timeout=60,
        )
        assert shown.returncode == 0 and f"status {served['status']}" in shown.stdout, shown.stdout + shown.stderr
        assert (data_dir / posted["id"] / ITEMS_FILE).is_file()
    finally:
        server.kill()


def test_an_in_flight_marker_without_a_run_item_still_becomes_a_failed_run(tmp_path):
    # Given a folder a server left when it was killed between StartExecution and the Start Run task
    from imagegate.local.runtime import LocalRuntime
    from imagegate.local.store import LocalStore

    run_id = "20261130T000000Z-0123abcd"
    (tmp_path / run_id).mkdir()
    (tmp_path / run_id / IN_FLIGHT_FILE).write_text(
        json.dumps(
            {
                "runId": run_id,
                "executionArn": f"arn:aws:states:us-east-1:123456789012:execution:x:{run_id}",
                "input": json.dumps({"prompt": "a lighthouse at night", "maxRounds": 2}),
                "startedAt": "2026-11-30T00:00:00.000Z",
            }
        )
    )
    with LocalRuntime(retry_time_scale=0) as runtime:
        # When a store over that folder loads it
        report = LocalStore(tmp_path, runtime).attach().load()
        run = runtime.runs().get_run(run_id)
    # Then the run exists, FAILED with the reason, with the request's prompt and its original start time
    assert (report.loaded, report.interrupted) == (0, 1)
    assert (run["status"], run["reason"], run["prompt"]) == ("FAILED", INTERRUPTED_REASON, "a lighthouse at night")
    assert run["startedAt"] == "2026-11-30T00:00:00.000Z" and run["settings"]["maxRounds"] == 2
    assert not (tmp_path / run_id / IN_FLIGHT_FILE).exists()
    assert json.loads((tmp_path / run_id / RUN_FILE).read_text())["status"] == "FAILED"


def test_a_run_folder_written_before_items_json_existed_is_served_from_its_run_json(dirs, cli_made_run):
    data_dir, log_dir = dirs
    # Given a run folder as an older `imagegate run` wrote it: run.json, report.html and the images, no items.json
    run_id = _copied_into(data_dir, cli_made_run)
    (data_dir / run_id / ITEMS_FILE).unlink()
    document = json.loads((data_dir / run_id / RUN_FILE).read_text())
    server = ServeProcess(data_dir, log_dir, "--retry-time-scale", "0")
    try:
        # When the server starts on its dir
        answer = server.generation(run_id)
        # Then it answers what run.json records, and every round's best image URL downloads that round's file
        assert (answer["status"], answer["prompt"], answer["settings"]) == (
            document["status"],
            document["prompt"],
            document["settings"],
        )
        assert (answer["totals"]["finalScore"], answer["totals"]["rounds"]) == (
            document["finalScore"],
            len(document["rounds"]),
        )
        for entry, recorded in zip(answer["rounds"], document["rounds"], strict=True):
            assert (entry["round"], entry["score"], entry["prompt"]) == (
                recorded["round"],
                recorded["score"],
                recorded["prompt"],
            )
            status, data = server.call("GET", entry["bestImage"])
            assert status == 200 and data == (data_dir / run_id / recorded["bestImage"]).read_bytes()
        assert run_id in server.listed_ids()
    finally:
        server.kill()


def test_a_data_dir_that_cannot_be_written_is_refused_before_anything_starts(tmp_path):
    # Given a --data-dir that names a file, not a folder
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    # When serve is started on it
    done = subprocess.run(
        [sys.executable, "-m", "imagegate.cli", "serve", "--port", "0", "--data-dir", str(blocker / "runs")],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        timeout=60,
    )
    # Then it exits 2 with one line naming the flag, and no server started
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stderr.count("\n") == 1 and "--data-dir" in done.stderr and "Traceback" not in done.stderr
    assert "imagegate API on" not in done.stdout


def test_a_broken_run_folder_is_skipped_and_named_while_the_others_load(tmp_path):
    # Given a data dir with one broken folder (items.json cut short) next to a folder that is not a run
    from imagegate.local.runtime import LocalRuntime
    from imagegate.local.store import LocalStore

    broken = tmp_path / "20261130T000000Z-deadbeef"
    broken.mkdir()
    (broken / ITEMS_FILE).write_text('{"run": {"runId": ')
    (tmp_path / "notes").mkdir()
    with LocalRuntime(retry_time_scale=0) as runtime:
        store = LocalStore(tmp_path, runtime).attach()
        # When the store loads it, twice (start-up, then a listing)
        first, second = store.load(), store.load()
        # Then the broken folder is named once, nothing half-loaded, and the store keeps working
        assert [entry.split(":")[0] for entry in first.unreadable] == [broken.name]
        assert (first.loaded, first.interrupted, second.unreadable) == (0, 0, [])
        assert runtime.runs().get_run(broken.name) is None
        assert "1 folder(s) skipped" in first.describe()


def _damaged_copy(source: Path, run_id: str) -> Path:
    """A copy of a finished run folder under another id whose first round item lost its key (pk), by hand."""
    target = source.parent / run_id
    target.mkdir()
    for file in source.rglob("*"):
        if file.is_file():
            (target / file.relative_to(source)).parent.mkdir(parents=True, exist_ok=True)
            (target / file.relative_to(source)).write_bytes(file.read_bytes())
    items = json.loads((target / ITEMS_FILE).read_text(encoding="utf-8"))
    items["run"].update(runId=run_id, pk=f"RUN#{run_id}")
    for entry in items["rounds"]:
        entry.update(runId=run_id, pk=f"RUN#{run_id}")
    del items["rounds"][0]["pk"]
    (target / ITEMS_FILE).write_text(json.dumps(items), encoding="utf-8")
    return target


def test_a_hand_damaged_folder_is_skipped_and_named_at_start_up_and_while_serving(dirs):
    data_dir, log_dir = dirs
    # Given a server that ran a generation to its end and was killed (kill -9), and a copy of that run's folder
    # whose first round item lost its key, as a hand edit would leave it
    first = ServeProcess(data_dir, log_dir, "--retry-time-scale", "0")
    try:
        status, started = first.call("POST", "/generations", {"prompt": "a red apple", "maxRounds": 1})
        assert status == 202, started
        first.until(started["id"], lambda body: body["status"] in ENDED)
    finally:
        first.kill()
    at_start = _damaged_copy(data_dir / started["id"], "20250101T000000Z-0badf00d")

    # When the server starts again on that folder
    second = ServeProcess(data_dir, log_dir, "--retry-time-scale", "0")
    try:
        # Then it starts (it used to exit 1 on 'Missing the key pk'), names the folder and what is wrong,
        # and serves the rest: the good run answers and is listed, the damaged one is not (404, not half-loaded)
        log = second.log.read_text()
        assert f"skipped run folder {at_start}" in log and "round item 1" in log, log[-2000:]
        assert second.generation(started["id"])["status"] in ENDED
        assert second.listed_ids() == [started["id"]]
        assert second.call("GET", f"/generations/{at_start.name}")[0] == 404

        # And a folder damaged the same way while it serves does not break the listing or that generation's GET
        # (they dropped the connection on every request), and new generations still run
        while_serving = _damaged_copy(data_dir / started["id"], "20250102T000000Z-0badcafe")
        for _ in range(2):
            assert second.listed_ids() == [started["id"]]
            status, answer = second.call("GET", f"/generations/{while_serving.name}")
            assert status == 404, answer
        assert second.log.read_text().count(str(while_serving)) == 1  # named once, in the log
        status, posted = second.call("POST", "/generations", {"prompt": "a blue kite", "maxRounds": 1})
        assert status == 202, posted
        assert second.until(posted["id"], lambda body: body["status"] in ENDED)["status"] != "FAILED"
    finally:
        second.kill()

    # And `imagegate doctor --local` lists both folders, each with what is wrong, and exits 1
    done = subprocess.run(
        [sys.executable, "-m", "imagegate.cli", "doctor", "--local", "--data-dir", str(data_dir)],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        timeout=60,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    named = [line for line in done.stdout.splitlines() if line.startswith("✗")]
    assert [line.split(":")[0] for line in named] == [f"✗ {at_start}", f"✗ {while_serving}"]
    assert all("round item 1" in line for line in named) and "Traceback" not in done.stderr
