"""The CLI against a deployed API (issue 27.6): SigV4 signing with botocore's signer for execute-api hosts only, and
`imagegate smoke`'s checks against an API on loopback (a stand-in server; no AWS call, no credentials needed)."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import pytest
from botocore.credentials import Credentials

from imagegate import remote
from imagegate.controls_cli import call_api

pytestmark = pytest.mark.unit

DEPLOYED = "https://abc123.execute-api.us-west-2.amazonaws.com/prod/generations"
PNG = remote.PNG_MAGIC + b"fake"


def test_a_deployed_api_request_is_signed_for_execute_api_in_its_region():
    headers = remote.sign(
        "POST", DEPLOYED, b"{}", {"Content-Type": "application/json"}, Credentials("AKID", "SECRET", "TOKEN")
    )
    authorization = headers["Authorization"]
    assert authorization.startswith("AWS4-HMAC-SHA256 Credential=AKID/")
    assert authorization.split("Credential=")[1].split(",")[0].endswith("/us-west-2/execute-api/aws4_request")
    assert "SignedHeaders=" in authorization and "Signature=" in authorization
    assert headers["X-Amz-Security-Token"] == "TOKEN" and headers["X-Amz-Date"].endswith("Z")
    # And a different body is a different signature (the payload is signed)
    other = remote.sign(
        "POST", DEPLOYED, b'{"a":1}', {"Content-Type": "application/json"}, Credentials("AKID", "SECRET", "TOKEN")
    )
    if other["X-Amz-Date"] == headers["X-Amz-Date"]:
        assert other["Authorization"] != authorization


@pytest.mark.parametrize("url", ["http://127.0.0.1:8080/generations", "http://localhost:9/x", "https://example.com/a"])
def test_other_apis_are_not_signed(url):
    assert remote.sign("GET", url, None, {"a": "b"}) == {"a": "b"}
    assert remote.signing_region(url) is None


def test_without_credentials_a_deployed_api_is_refused_before_anything_is_sent(monkeypatch):
    import botocore.session

    monkeypatch.setattr(botocore.session.Session, "get_credentials", lambda self: None)
    with pytest.raises(remote.RemoteError, match="no AWS credentials to sign the request"):
        call_api("https://abc123.execute-api.eu-west-1.amazonaws.com/prod", "GET", "/generations")


class _FakeApi(BaseHTTPRequestHandler):
    """POST /generations starts a run that has ended by the second GET; images are served at /img/N."""

    generation: ClassVar[dict[str, Any]] = {}
    polls = 0

    def _send(self, status: int, body: bytes, kind: str = "application/json") -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["Content-Length"]))
        self._send(202, json.dumps({"id": "smoke-1", "status": "QUEUED"}).encode())

    def do_GET(self) -> None:
        if self.path.startswith("/img/"):
            self._send(200, PNG, "image/png")
            return
        type(self).polls += 1
        answer = {"id": "smoke-1", "status": "RUNNING"} if type(self).polls < 2 else type(self).generation
        self._send(200, json.dumps(answer).encode())

    def log_message(self, *args: Any) -> None:
        pass


def _generation(base: str, rounds: list[int], cost: float = 0.1) -> dict[str, Any]:
    return {
        "id": "smoke-1",
        "status": "EXHAUSTED",
        "rounds": [
            {
                "round": n,
                "costUsd": cost / len(rounds),
                "evaluation": {"passed": False},
                "images": [{"candidate": 1, "best": True, "url": f"{base}/img/{n}"}],
            }
            for n in rounds
        ],
        "totals": {"rounds": len(rounds), "costUsd": cost},
    }


@pytest.fixture
def fake_api():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _FakeApi)
    # shutdown() waits for serve_forever to poll: its default 0.5 s was half a second a test (issue 29)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _smoke(base: str):
    return remote.smoke(
        lambda method, path, body: call_api(base, method, path, body), remote.fetch_url, sleep=lambda s: None
    )


def test_smoke_passes_a_run_that_ends_with_its_rounds_images_cost_and_evaluation(fake_api):
    _FakeApi.polls, _FakeApi.generation = 0, _generation(fake_api, [1, 2])
    checks, cost = _smoke(fake_api)
    assert [check.passed for check in checks] == [True] * 6, [check.line() for check in checks]
    assert cost == pytest.approx(0.1) and _FakeApi.polls == 2


def test_smoke_fails_a_round_recorded_twice_and_a_cost_that_does_not_add_up(fake_api):
    _FakeApi.polls = 0
    generation = _generation(fake_api, [1, 1])
    generation["totals"]["costUsd"] = 0.5
    _FakeApi.generation = generation
    checks, _ = _smoke(fake_api)
    failed = {check.name for check in checks if not check.passed}
    assert failed == {"rounds recorded once", "cost adds up"}


def test_the_smoke_command_prints_a_line_per_check_and_exits_1_when_one_fails(fake_api, capsys):
    from imagegate.cli import main

    # the run has already ended when first asked (polls start at 1): no wait between polls
    _FakeApi.polls, _FakeApi.generation = 1, {**_generation(fake_api, [1]), "status": "FAILED"}
    assert main(["smoke", "--api", fake_api, "--timeout", "5"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("PASS accepted") and lines[1].startswith("FAIL run ended: smoke-1 is FAILED")
    assert lines[-1].startswith("FAIL smoke against") and "spent $" in lines[-1]
