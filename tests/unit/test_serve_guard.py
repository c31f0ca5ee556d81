"""imagegate serve refuses cross-site requests before anything is read or written: a Host that is not its own
(DNS rebinding), an Origin that is neither its own nor --cors-origin, a body that is not JSON on a
state-changing route (the forms and text/plain a page may send without a CORS preflight), and with --token a
call without it. The refusals are the API's JSON error format. The server here has no runtime behind it: a
request the guard let through to the API would fail otherwise, so a refusal's own error code shows it was the
guard that answered."""

from __future__ import annotations

import http.client
import json
import socket
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from imagegate.cli import main
from imagegate.local.serve import ApiServer, RequestGuard, body_media_type_refusal, host_name

pytestmark = pytest.mark.unit

TOKEN = "s3cret-token-0123456789"


def _running(tmp_path, guard: RequestGuard | None = None) -> ApiServer:
    server = ApiServer(0, presigned_url_verifier=object(), guard=guard)
    server.bench_dir = tmp_path / "benchmarks"
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    return server


@pytest.fixture
def server(tmp_path) -> Iterator[ApiServer]:
    running = _running(tmp_path)
    yield running
    running.shutdown()
    running.server_close()


@pytest.fixture
def token_server(tmp_path) -> Iterator[ApiServer]:
    running = _running(tmp_path, RequestGuard(token=TOKEN))
    yield running
    running.shutdown()
    running.server_close()


def call(
    server: ApiServer, method: str, path: str, headers: dict[str, str], body: bytes | None = None
) -> tuple[int, dict[str, str], Any]:
    """One request with exactly these headers (http.client adds Host only when the caller gives none)."""
    connection = http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=10)
    try:
        connection.putrequest(method, path, skip_host="Host" in headers, skip_accept_encoding=True)
        for name, value in headers.items():
            connection.putheader(name, value)
        if body is not None:
            connection.putheader("Content-Length", str(len(body)))
        connection.endheaders(body)
        response = connection.getresponse()
        raw = response.read()
        answer_headers = dict(response.getheaders())
        is_json = answer_headers.get("Content-Type", "").startswith("application/json")
        return response.status, answer_headers, json.loads(raw) if is_json and raw else raw
    finally:
        connection.close()


def own(server: ApiServer) -> str:
    return f"127.0.0.1:{server.server_address[1]}"


# -- Host (DNS rebinding) ------------------------------------------------------------------------------
@pytest.mark.parametrize("path", ["/generations", "/console/", "/_local/benchmarks", "/_local_s3/bucket/key"])
def test_a_host_that_is_not_the_servers_is_403_on_every_route(server, path):
    # When a page on a DNS name rebound to 127.0.0.1 calls the server (its Host names that domain)
    status, headers, answer = call(server, "GET", path, {"Host": f"evil.example:{server.server_address[1]}"})

    # Then it is refused in the JSON error format, naming the header and what is allowed
    assert status == 403, answer
    assert headers["Content-Type"] == "application/json"
    assert answer["error"] == "Forbidden" and answer["field"] == "Host"
    assert "evil.example" in answer["message"] and "127.0.0.1" in answer["message"]


@pytest.mark.parametrize("host", ["", "[", "127.0.0.1:80/extra", "127.0.0.1:port", "a b"])
def test_a_request_without_a_host_or_with_a_malformed_one_is_403(server, host):
    status, _, answer = call(server, "GET", "/console/", {"Host": host})
    assert (status, answer["field"]) == (403, "Host")


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "LOCALHOST", "[::1]"])
def test_the_loopback_names_are_served(server, host):
    status, _, body = call(server, "GET", "/console/", {"Host": f"{host}:{server.server_address[1]}"})
    assert status == 200 and body.lower().startswith(b"<!doctype html>")


def test_allow_host_adds_a_name_and_only_that_one(tmp_path):
    running = _running(tmp_path, RequestGuard(allowed_hosts=("imagegate.test",)))
    try:
        assert call(running, "GET", "/console/", {"Host": "imagegate.test:8080"})[0] == 200
        assert call(running, "GET", "/console/", {"Host": "other.test:8080"})[0] == 403
    finally:
        running.shutdown()
        running.server_close()


@pytest.mark.parametrize(
    ("header", "name"),
    [("localhost:8080", "localhost"), ("[::1]:8080", "[::1]"), ("Evil.Example", "evil.example"), ("[::1", "[::1")],
)
def test_host_name_drops_the_port(header, name):
    assert host_name(header) == name


# -- Origin ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "origin", ["http://evil.example", "null", "http://127.0.0.1:1", "https://127.0.0.1", "http://localhost"]
)
def test_an_origin_other_than_the_servers_own_is_403(server, origin):
    # When a page on another origin (another port of this machine included) sends a request
    status, _, answer = call(server, "POST", "/generations", {"Host": own(server), "Origin": origin}, b"{}")

    # Then it is refused naming Origin, before the body is read (the API was never called)
    assert status == 403, answer
    assert answer["error"] == "Forbidden" and answer["field"] == "Origin"


def test_the_servers_own_origin_is_served(server):
    # The console's own page at http://127.0.0.1:PORT (Chromium sends Origin on its POSTs and some GETs)
    status, _, answer = call(
        server, "GET", "/_local/benchmarks", {"Host": own(server), "Origin": f"http://{own(server)}"}
    )
    assert status == 200 and answer["reports"] == []


def test_cors_origin_allows_that_origin(tmp_path):
    running = _running(tmp_path, RequestGuard(cors_origins=("https://console.example",)))
    try:
        headers = {"Host": own(running), "Origin": "https://console.example"}
        assert call(running, "GET", "/_local/benchmarks", headers)[0] == 200
        assert call(running, "GET", "/_local/benchmarks", {**headers, "Origin": "https://other.example"})[0] == 403
    finally:
        running.shutdown()
        running.server_close()


# -- bodies that are not JSON (CSRF without a preflight) ------------------------------------------------
@pytest.mark.parametrize(
    "content_type",
    [None, "application/x-www-form-urlencoded", "text/plain", "text/plain; charset=utf-8", "multipart/form-data"],
)
@pytest.mark.parametrize("path", ["/generations", "/generations/20260101T000000Z-00000001/review"])
def test_a_body_that_is_not_json_is_415(server, content_type, path):
    # Given what fetch(url, {method: "POST", mode: "no-cors", body}) can send from any page: a JSON text in a
    # form, text/plain or no type at all
    headers = {"Host": own(server)} | ({"Content-Type": content_type} if content_type else {})

    # When it is posted
    status, _, answer = call(server, "POST", path, headers, b'{"prompt": "x", "decision": "approve"}')

    # Then it is 415 in the JSON error format, naming Content-Type and what to send
    assert status == 415, answer
    assert answer["error"] == "UnsupportedMediaType" and answer["field"] == "Content-Type"
    assert "application/json" in answer["message"]


@pytest.mark.parametrize(
    ("method", "content_type", "length", "refused"),
    [
        ("POST", "application/json", 2, False),
        ("POST", "application/json; charset=utf-8", 2, False),
        ("POST", "Application/JSON", 2, False),
        ("POST", "application/merge-patch+json", 2, False),
        ("POST", "text/plain+json", 2, True),
        ("POST", "application/x-www-form-urlencoded", 2, True),
        ("PUT", "", 2, True),
        ("POST", "", 0, False),  # no body: nothing to read (the API refuses an empty run request itself)
        ("GET", "text/plain", 2, False),
    ],
)
def test_only_json_bodies_are_read_on_state_changing_routes(method, content_type, length, refused):
    headers = {"Content-Type": content_type} if content_type else {}
    assert (body_media_type_refusal(method, headers, length) is not None) == refused


# -- --token -----------------------------------------------------------------------------------------------
def test_with_a_token_every_api_route_needs_it(token_server):
    headers = {"Host": own(token_server)}
    # Without it, or with another, an API route is 401 naming Authorization
    for given in ({}, {"Authorization": "Bearer wrong-token-0000000000"}, {"x-api-key": TOKEN[:-1]}):
        status, answer_headers, answer = call(token_server, "GET", "/_local/benchmarks", headers | given)
        assert status == 401, given
        assert answer["error"] == "Unauthorized" and answer["field"] == "Authorization"
        assert answer_headers["WWW-Authenticate"] == "Bearer"
    status, _, answer = call(
        token_server, "POST", "/generations", headers | {"Content-Type": "application/json"}, b"{}"
    )
    assert (status, answer["error"]) == (401, "Unauthorized")
    # With it, as a bearer token or as the console's x-api-key, it is served
    assert call(token_server, "GET", "/_local/benchmarks", headers | {"Authorization": f"Bearer {TOKEN}"})[0] == 200
    assert call(token_server, "GET", "/_local/benchmarks", headers | {"x-api-key": TOKEN})[0] == 200
    # The console's files load without it (the page asks for it under Connection)
    assert call(token_server, "GET", "/console/app.js", headers)[0] == 200


# -- the command line ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("arguments", "named"),
    [
        (["--allow-host", "evil.example/x"], "--allow-host"),
        (["--allow-host", "http://a.example"], "--allow-host"),
        (["--cors-origin", "evil.example"], "--cors-origin"),
        (["--cors-origin", "https://a.example/path"], "--cors-origin"),
        (["--token", "short"], "--token"),
        (["--token", "has spaces in it, sixteen+"], "--token"),
        (["--fault", "garbage_verdicts=-1"], "garbage_verdicts"),  # a count switch, range-checked like rates
    ],
)
def test_bad_guard_switches_exit_2_naming_the_switch(arguments, named, capsys, tmp_path):
    assert main(["serve", "--port", "0", "--data-dir", str(tmp_path), *arguments]) == 2
    error = capsys.readouterr().err
    assert named in error and "Traceback" not in error


# -- what http.server itself refuses ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("request_line", "status", "error"),
    [
        (b"GET /generations?q=" + b"x" * 70_000 + b" HTTP/1.1\r\n", 414, "RequestUriTooLong"),
        (b"GET /generations HTTP/x.y\r\n", 400, "BadRequest"),
    ],
    ids=["request-line-over-64KB", "malformed-request-line"],
)
def test_what_http_server_refuses_is_answered_in_the_json_error_format(server, request_line, status, error):
    # When a request line over 64 KB (or no request line at all) is sent
    with socket.create_connection(("127.0.0.1", server.server_address[1]), timeout=10) as connection:
        connection.sendall(request_line + b"Host: 127.0.0.1\r\n\r\n")
        raw = b""
        while chunk := connection.recv(65536):
            raw += chunk

    # Then the answer is the API's JSON error format (it was http.server's HTML page), and the connection closes
    head, _, body = raw.partition(b"\r\n\r\n")
    assert head.split(b" ", 2)[1] == str(status).encode()
    assert b"Content-Type: application/json" in head and b"Connection: close" in head
    assert json.loads(body)["error"] == error
