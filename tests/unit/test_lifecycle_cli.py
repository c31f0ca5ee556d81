"""The API commands (imagegate cancel, delete, review, through controls_cli.call_or_say) against a server that is not
the imagegate API: one line on stderr naming the address and exit 1, not a traceback (the answer is untrusted)."""

from __future__ import annotations

import threading
import urllib.parse
from argparse import Namespace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest

from imagegate import controls_cli, lifecycle_cli

pytestmark = pytest.mark.unit


class _NotTheApi(BaseHTTPRequestHandler):
    """Answers every request 200 with a page (or a JSON list), as a web server on the wrong port would."""

    body = b"<html><body>It works!</body></html>"

    def _answer(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    do_GET = do_POST = do_DELETE = _answer

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(params=[b"<html><body>It works!</body></html>", b'["not", "an", "object"]'])
def not_the_api(request):
    handler = type("Handler", (_NotTheApi,), {"body": request.param})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    # shutdown() waits for serve_forever to poll: its default 0.5 s was half a second a test (issue 29)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize(
    "command",
    [
        lambda args: lifecycle_cli.cancel_command(args),
        lambda args: lifecycle_cli.delete_command(args),
        lambda args: controls_cli.review_command(Namespace(**vars(args), decision="approve", feedback=None)),
    ],
    ids=["cancel", "delete", "review"],
)
def test_an_answer_that_is_not_a_json_object_is_one_line_and_exit_1(not_the_api, capsys, command):
    # Given a server at --api that answers 200 with something other than a JSON object
    args = Namespace(api=not_the_api, api_key=None, id="20260101T000000Z-0000abcd")

    # When a command asks it
    code = command(args)

    # Then it says so in one line naming the address, and exits 1 (the API could not be used)
    err = capsys.readouterr().err
    assert code == controls_cli.EXIT_CONNECTION
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert not_the_api in err and "is it the imagegate API?" in err


class _Recorder(_NotTheApi):
    """Records each request's path (as sent on the wire) and answers a JSON object."""

    body = b"{}"  # an object without the fields a command prints: it still says one line, no KeyError
    paths: ClassVar[list[str]] = []

    def _answer(self) -> None:
        self.paths.append(self.path)
        super()._answer()

    do_GET = do_POST = do_DELETE = _answer


@pytest.mark.parametrize(
    "command, action",
    [
        (lambda args: lifecycle_cli.cancel_command(args), "/cancel"),
        (lambda args: lifecycle_cli.delete_command(args), ""),
        (
            lambda args: controls_cli.review_command(Namespace(**vars(args), decision="approve", feedback=None)),
            "/review",
        ),
    ],
    ids=["cancel", "delete", "review"],
)
@pytest.mark.parametrize("run_id", ["../budget", "a/b", "x?limit=1", "id#frag"])
def test_a_typed_id_names_one_generation_never_another_route(command, action, run_id):
    # Given a server that records the paths it is asked for
    handler = type("Handler", (_Recorder,), {"paths": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    # shutdown() waits for serve_forever to poll: its default 0.5 s was half a second a test (issue 29)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    try:
        # When a command is given an id with a slash, dots, a query or a fragment in it
        code = command(Namespace(api=f"http://127.0.0.1:{server.server_address[1]}", api_key=None, id=run_id))
    finally:
        server.shutdown()
        server.server_close()

    # Then the request goes to /generations/<that id, one escaped segment>[/action], nowhere else
    (path,) = handler.paths
    assert path.startswith("/generations/") and path.endswith(action)
    segment = path[len("/generations/") : len(path) - len(action)]
    assert "/" not in segment and "?" not in segment and "#" not in segment
    assert urllib.parse.unquote(segment) == run_id
    assert code == controls_cli.EXIT_OK or action == ""  # delete wants 204; the others take the 200 as done
