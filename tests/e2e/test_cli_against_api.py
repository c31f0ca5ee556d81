"""Issue 27.6 as a user meets it: `imagegate run|list|show --api URL` and `imagegate smoke --api URL` against
`imagegate serve` on a free loopback port (the API a deployed stack answers, unsigned here), with serve's --token
given as --api-key. The --api forms print what the local forms print of the same runs (the run folders serve
keeps in its --data-dir) and exit with the same codes; a refusal or an unreachable API is one line, no traceback."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

REPO_ROOT = Path(__file__).resolve().parents[2]
TOKEN = "remote-cli-token-0123456789"
EXIT_CODES = {"PASSED": 0, "EXHAUSTED": 3, "BLOCKED": 4, "FAILED": 5}


def cli(*arguments: str, stdin: str = "", timeout: float = 180) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "imagegate.cli", *arguments],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        timeout=timeout,
    )


def _one_clear_line(result: subprocess.CompletedProcess) -> str:
    assert "Traceback" not in result.stderr + result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.fixture(scope="module")
def served(tmp_path_factory, start_serve):
    """imagegate serve with a token and its own data folder: (url, data folder)."""
    root = tmp_path_factory.mktemp("remote-cli")
    (root / "logs").mkdir()
    server = start_serve(root / "logs", "--data-dir", str(root / "runs"), "--token", TOKEN)
    server.wait_ready()
    return server.url, root / "runs"


def _port_nobody_listens_on() -> int:
    with socket.socket() as probe:  # bound and closed again: free, and nothing answers on it
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _without_images(text: str) -> list[str]:
    """The lines of `imagegate show` but the image lines (a path in a run folder, a presigned URL from the API)."""
    return [line for line in text.splitlines() if not line.strip().startswith(("image:", "best image"))]


def test_run_show_and_list_over_the_api_print_what_the_local_forms_print(served):
    url, data_dir = served
    api = ["--api", url, "--api-key", TOKEN]

    # When a two-round run is started and followed through the API
    ran = cli("run", "a red apple on a wooden table", "--max-rounds", "2", "--threshold", "9.9", *api)

    # Then it prints the start, each round as it is recorded, the summary, and exits with the run's status
    assert "Traceback" not in ran.stderr, ran.stderr
    started = re.search(r"^run (\S+) started \(" + re.escape(url) + r"\)$", ran.stdout, re.MULTILINE)
    assert started, (ran.returncode, ran.stdout, ran.stderr)
    run_id = started.group(1)
    status = re.search(r"^status (\w+)", ran.stdout, re.MULTILINE).group(1)
    assert ran.returncode == EXIT_CODES[status]
    rounds = re.findall(r"^  round (\d+): score", ran.stdout, re.MULTILINE)
    assert rounds == [str(n) for n in range(1, len(rounds) + 1)] and 1 <= len(rounds) <= 2  # each round once
    assert f"again: imagegate show {run_id} --api {url}" in ran.stdout

    # And show --api prints what the local show prints of the run folder serve keeps (images aside)
    remote_show = cli("show", run_id, *api)
    assert remote_show.returncode == 0, remote_show.stderr
    deadline = time.monotonic() + 60  # serve writes the run folder after the run item ends
    while True:
        local_show = cli("show", run_id, "--data-dir", str(data_dir))
        if (local_show.returncode == 0 and f"status {status}" in local_show.stdout) or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert local_show.returncode == 0, local_show.stderr
    assert _without_images(remote_show.stdout) == _without_images(local_show.stdout)
    image_lines = [line for line in remote_show.stdout.splitlines() if line.strip().startswith("image:")]
    assert len(image_lines) == len(rounds) and all(f"{url}/" in line for line in image_lines)

    # And list --api shows the run as list --data-dir does
    remote_list = cli("list", *api)
    local_list = cli("list", "--data-dir", str(data_dir))
    assert remote_list.returncode == local_list.returncode == 0
    row = next(line for line in remote_list.stdout.splitlines() if line.startswith(run_id))
    assert row in local_list.stdout.splitlines()
    assert cli("list", "--status", "FAILED", *api).stdout.strip() == f"no runs with status FAILED at {url}"


def test_a_run_with_review_final_is_reviewed_on_the_terminal_and_posted_to_the_api(served):
    url, _ = served

    # Given a run that will wait for its review, when approved on the terminal
    ran = cli(
        "run",
        "a red apple",
        "--threshold",
        "0",
        "--verifier",
        "none",
        "--review",
        "final",
        "--api",
        url,
        "--api-key",
        TOKEN,
        stdin="a\n",
    )

    # Then the review went through the API and the run ends PASSED (exit 0)
    assert "round 1 waits for your review" in ran.stdout, ran.stdout + ran.stderr
    assert ran.returncode == 0 and "status PASSED" in ran.stdout
    assert "approved by the reviewer" in ran.stdout


def test_no_wait_returns_once_the_run_is_accepted(served):
    url, _ = served
    ran = cli("run", "a blue cup", "--no-wait", "--api", url, "--api-key", TOKEN)
    assert ran.returncode == 0, ran.stderr
    run_id = re.search(r"^run (\S+) started", ran.stdout, re.MULTILINE).group(1)
    assert f"follow it with: imagegate show {run_id} --api {url}" in ran.stdout
    assert "status " not in ran.stdout  # not followed


def test_refusals_and_an_unreachable_api_are_one_line_with_the_local_exit_codes(served):
    url, _ = served
    api = ["--api", url, "--api-key", TOKEN]

    # A bad setting is refused by the API naming the field and the flag: exit 2, as locally
    bad = cli("run", "a red apple", "--threshold", "42", *api)
    assert bad.returncode == 2
    line = _one_clear_line(bad)
    assert "threshold" in line and "0-10" in line and "(flag --threshold)" in line

    # Without the token: serve's 401 in one line naming --api-key, exit 2
    unauthorized = cli("list", "--api", url)
    assert unauthorized.returncode == 2
    assert "401" in _one_clear_line(unauthorized) and "--api-key" in unauthorized.stderr

    # An id the API does not know: exit 2, as `imagegate show` of an unknown id
    unknown = cli("show", "20260101T000000Z-deadbeef", *api)
    assert unknown.returncode == 2 and "is not a generation at" in _one_clear_line(unknown)

    # A local-only flag with --api is refused before anything is sent
    fault = cli("run", "a red apple", "--fault", "throttle_first=1", *api)
    assert fault.returncode == 2 and "--fault" in _one_clear_line(fault)

    # Nobody listening: exit 1, one line naming the API
    nobody = f"http://127.0.0.1:{_port_nobody_listens_on()}"
    for arguments in (("run", "a red apple"), ("list",), ("show", "20260101T000000Z-deadbeef")):
        result = cli(*arguments, "--api", nobody)
        assert result.returncode == 1, (arguments, result.stderr)
        assert f"cannot reach the API at {nobody}" in _one_clear_line(result)


def test_the_smoke_test_passes_against_a_local_serve(served):
    url, _ = served

    smoked = cli("smoke", "--api", url, "--api-key", TOKEN, "--timeout", "300")

    assert smoked.returncode == 0, smoked.stdout + smoked.stderr
    lines = smoked.stdout.splitlines()
    assert [line.split(":")[0] for line in lines[:-1]] == [
        "PASS accepted",
        "PASS run ended",
        "PASS rounds recorded once",
        "PASS images download",
        "PASS cost adds up",
        "PASS evaluation present",
    ]
    assert re.fullmatch(rf"PASS smoke against {re.escape(url)}: 6 of 6 checks, spent \$\d+\.\d{{4}}", lines[-1])
