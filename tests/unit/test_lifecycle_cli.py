"""The API commands (imagegate cancel, delete, review, through controls_cli._call_or_say) against a server that is not
the imagegate API: one line on stderr naming the address and exit 1, not a traceback (the answer is untrusted)."""

from __future__ import annotations

import threading
from argparse import Namespace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

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
    thread = threading.Thread(target=server.serve_forever, daemon=True)
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
