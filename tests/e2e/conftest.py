"""What the e2e tests share: `imagegate serve` started as a user starts it, a subprocess on a free loopback
port, its output kept in a folder for the failure message."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]


@dataclass
class ServeSubprocess:
    url: str
    process: subprocess.Popen
    log_dir: Path

    def logs(self) -> str:
        return "".join(
            (self.log_dir / name).read_text(errors="replace")[-3000:] for name in ("stdout.txt", "stderr.txt")
        )

    def wait_ready(self, seconds: float = 60) -> None:
        """Until the server prints its address (it has loaded its data folder and listens)."""
        deadline = time.monotonic() + seconds
        while self.url not in (self.log_dir / "stdout.txt").read_text():
            if self.process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"imagegate serve did not start:\n{self.logs()}")
            time.sleep(0.1)

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def start_serve() -> Iterator[Callable[..., ServeSubprocess]]:
    """start_serve(log_dir, *arguments): `imagegate serve --port <free> *arguments`, not yet ready (call
    wait_ready); every server it started is stopped at the end of the session at the latest."""
    started: list[ServeSubprocess] = []

    def start(log_dir: Path, *arguments: str) -> ServeSubprocess:
        port = free_port()
        with open(log_dir / "stdout.txt", "w") as stdout, open(log_dir / "stderr.txt", "w") as stderr:
            process = subprocess.Popen(
                [sys.executable, "-m", "imagegate.cli", "serve", "--port", str(port), *arguments],
                stdout=stdout,
                stderr=stderr,
                cwd=REPO_ROOT,
                env={**os.environ, "PYTHONUNBUFFERED": "1"},
            )
        started.append(ServeSubprocess(f"http://127.0.0.1:{port}", process, log_dir))
        return started[-1]

    yield start
    for server in started:
        server.stop()
