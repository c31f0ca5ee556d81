"""`imagegate serve` as a user runs it: a subprocess on a free loopback port, spoken to over HTTP.
A run posted the way `curl -d` posts it ends, its image URLs download; idempotency holds; bad requests
are refused naming the field and start nothing; schemathesis finds no server error."""

from __future__ import annotations

import json
import signal
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import pytest
from conftest import ServeSubprocess

pytestmark = pytest.mark.e2e

REPO_ROOT = Path(__file__).resolve().parents[2]
OPENAPI_FILE = REPO_ROOT / "openapi" / "imagegate.openapi.json"
TERMINAL = {"PASSED", "EXHAUSTED", "BLOCKED", "FAILED"}
# Requests refused below carry this in their prompt, so the listing can show none of them started. A fixed mark
# (each module's server has its own fresh data folder): it names parametrized tests, and pytest-xdist's workers
# must collect the same test ids.
REFUSED_MARK = "refused-e2e-request"
SCHEMATHESIS_EXAMPLES = 25
SCHEMATHESIS_SECONDS = 240  # hard bound per operation


# the server these tests talk to: conftest's `imagegate serve` subprocess (the name other modules import)
Server = ServeSubprocess


@pytest.fixture(scope="module")
def server(tmp_path_factory, request, start_serve) -> Iterator[Server]:
    """`imagegate serve` for the module that uses it, with that module's SERVE_ARGS (if any) added."""
    log_dir = tmp_path_factory.mktemp("serve")
    running = start_serve(
        log_dir,
        "--retry-time-scale",
        "0",
        "--data-dir",
        str(log_dir / "data"),
        *getattr(request.module, "SERVE_ARGS", []),
    )
    try:
        running.wait_ready()
        yield running
    finally:
        running.stop()


def http(
    server: Server,
    method: str,
    path: str,
    body: bytes | str | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 30,
) -> tuple[int, dict[str, str], Any]:
    """One request; a body goes as application/json unless `headers` give its Content-Type."""
    data = body.encode("utf-8") if isinstance(body, str) else body
    sent = ({"Content-Type": "application/json"} if data is not None else {}) | (headers or {})
    request = urllib.request.Request(
        path if path.startswith("http") else server.url + path, data=data, method=method, headers=sent
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status, answer_headers, raw = response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        status, answer_headers, raw = error.code, dict(error.headers), error.read()
    is_json = answer_headers.get("Content-Type", "").startswith("application/json")
    return status, answer_headers, json.loads(raw) if is_json and raw else raw


def wait_until_done(server: Server, generation_id: str, seconds: float = 240) -> dict[str, Any]:
    deadline = time.monotonic() + seconds
    while True:
        status, _, body = http(server, "GET", f"/generations/{generation_id}")
        assert status == 200, body
        if body["status"] in TERMINAL:
            return body
        if time.monotonic() > deadline:
            pytest.fail(f"generation {generation_id} still {body['status']} after {seconds} s\n{server.logs()}")
        time.sleep(0.5)


def listed(server: Server) -> list[dict[str, Any]]:
    status, _, body = http(server, "GET", "/generations?limit=100")
    assert status == 200, body
    return body["generations"]


# -- a run end to end ------------------------------------------------------------------------------
def test_a_posted_run_ends_and_its_image_urls_download(server):
    # Given a run request posted the way `curl -X POST .../generations -H 'Content-Type: application/json' -d ...`
    request = {"prompt": "a red apple to the left of a blue cup", "maxRounds": 2, "threshold": 9.9}
    status, headers, started = http(server, "POST", "/generations", json.dumps(request))
    assert status == 202, started
    assert started["status"] == "QUEUED"
    assert headers["Location"] == f"/generations/{started['id']}"

    # When it is polled until it ends
    done = wait_until_done(server, started["id"])

    # Then its rounds carry prompt, score, explanation, suggestions and cost, with image URLs that download
    assert done["status"] in ("PASSED", "EXHAUSTED"), done
    assert done["settings"]["maxRounds"] == 2
    assert 1 <= len(done["rounds"]) <= 2
    for entry in done["rounds"]:
        assert entry["prompt"] and entry["explanation"] and isinstance(entry["suggestions"], list)
        assert 0 <= entry["score"] <= 10 and entry["costUsd"] > 0
        assert entry["images"] and all(image["url"].startswith(f"{server.url}/_local_s3/") for image in entry["images"])
    assert done["totals"]["rounds"] == len(done["rounds"])
    status, image_headers, png = http(server, "GET", done["bestImage"]["url"])
    assert status == 200
    assert image_headers["Content-Type"] == "image/png"
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    # and the listing shows it, newest first among what this server ran
    assert started["id"] in [generation["id"] for generation in listed(server)]


def test_an_expired_or_unsigned_image_url_is_refused(server):
    # Given a finished run's image URL
    _, _, started = http(server, "POST", "/generations", json.dumps({"prompt": "a blue cup", "maxRounds": 1}))
    url = wait_until_done(server, started["id"])["rounds"][0]["images"][0]["url"]
    parts = urlsplit(url)
    query = {name: values[-1] for name, values in parse_qs(parts.query).items()}

    # When it is used after its expiry, or without its signature
    expired = urlunsplit(parts._replace(query=urlencode({**query, "X-Amz-Date": "20000101T000000Z"})))
    unsigned = urlunsplit(parts._replace(query=""))

    # Then the local S3 refuses both, as S3 would
    for refused in (expired, unsigned):
        status, _, body = http(server, "GET", refused)
        assert status == 403
        assert body["error"] == "AccessDenied"
    assert parse_qs(parts.query)["X-Amz-Expires"] == ["3600"]  # the default expiry


# -- idempotency -----------------------------------------------------------------------------------
def test_same_idempotency_key_and_body_start_one_execution_and_another_body_is_409(server):
    # Given a request with an Idempotency-Key
    prompt = f"a green pear {uuid.uuid4().hex[:8]}"
    headers = {"Content-Type": "application/json", "Idempotency-Key": str(uuid.uuid4())}
    body = json.dumps({"prompt": prompt, "maxRounds": 1})

    # When it is sent twice, then once more with another body
    first_status, _, first = http(server, "POST", "/generations", body, headers)
    second_status, second_headers, second = http(server, "POST", "/generations", body, headers)
    third_status, _, third = http(server, "POST", "/generations", json.dumps({"prompt": prompt + "!"}), headers)

    # Then both answers name one generation, the reuse is a 409, and exactly one run exists
    assert (first_status, second_status) == (202, 202)
    assert second["id"] == first["id"]
    assert second_headers["Idempotency-Replayed"] == "true"
    assert (third_status, third["error"], third["field"]) == (409, "IdempotencyKeyReused", "Idempotency-Key")
    wait_until_done(server, first["id"])
    assert [g["id"] for g in listed(server) if g["prompt"].startswith(prompt)] == [first["id"]]


# -- bad requests ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("body", "content_type", "field"),
    [
        (json.dumps({"threshold": 5}), "application/json", "prompt"),
        (json.dumps({"prompt": 42}), "application/json", "prompt"),
        (json.dumps({"prompt": REFUSED_MARK, "maxRounds": "two"}), "application/json", "maxRounds"),
        (json.dumps({"prompt": REFUSED_MARK, "threshold": 10.5}), "application/json", "threshold"),
        (json.dumps({"prompt": REFUSED_MARK, "candidatesPerRound": 9}), "application/json", "candidatesPerRound"),
        (json.dumps({"prompt": REFUSED_MARK, "seed": -1}), "application/json", "seed"),
        (json.dumps({"prompt": REFUSED_MARK, "style": "noir"}), "application/json", "style"),
        (json.dumps({"prompt": REFUSED_MARK, "negativePrompt": "x" * (1024 * 1024)}), "application/json", "body"),
        ('{"prompt": "' + REFUSED_MARK, "application/json", "body"),
    ],
)
def test_bad_requests_are_400_naming_the_field(server, body, content_type, field):
    # When a bad request is posted
    status, _, answer = http(server, "POST", "/generations", body, {"Content-Type": content_type})

    # Then it is refused with the error shape and the field named
    assert status == 400, answer
    assert answer["error"] == "InvalidRequest"
    assert answer["field"] == field
    assert field in answer["message"]


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", ""])
def test_a_body_that_is_not_json_is_415_naming_content_type(server, content_type):
    # When a JSON run request is posted as a form, as text, or with no type (what a page on another origin can
    # send without a CORS preflight; urllib, like curl -d, sends a form type when none is given)
    body = json.dumps({"prompt": REFUSED_MARK}).encode("utf-8")
    request = urllib.request.Request(server.url + "/generations", data=body, method="POST")
    if content_type:
        request.add_header("Content-Type", content_type)
    else:
        request.add_unredirected_header("Content-Type", "")
    try:
        urllib.request.urlopen(request, timeout=30)
        pytest.fail("accepted")
    except urllib.error.HTTPError as error:
        status, answer = error.code, json.loads(error.read())

    # Then it is 415 in the JSON error format, naming Content-Type (and the refused runs test below finds none)
    assert status == 415, answer
    assert (answer["error"], answer["field"]) == ("UnsupportedMediaType", "Content-Type")


@pytest.mark.parametrize(
    "headers",
    [{"Host": "evil.example"}, {"Origin": "http://evil.example"}, {"Origin": "null"}],
    ids=["rebound-host", "other-origin", "null-origin"],
)
def test_a_cross_site_post_is_403_and_starts_nothing(server, headers):
    # When a JSON run request comes from a page on another site (its Origin) or through a rebound DNS name (Host)
    status, _, answer = http(server, "POST", "/generations", json.dumps({"prompt": REFUSED_MARK}), headers)

    # Then it is 403 in the JSON error format naming the header (the refused runs test below finds no run)
    assert status == 403, answer
    assert answer["error"] == "Forbidden" and answer["field"] == next(iter(headers))


def test_refused_requests_started_nothing(server):
    # Given the bad requests above were refused (any execution they started would be listed by now)
    time.sleep(1.0)

    # Then no generation carries their prompt
    assert not [g for g in listed(server) if REFUSED_MARK in (g.get("prompt") or "")]


def test_unknown_ids_and_routes(server):
    assert http(server, "GET", "/generations/no-such-run")[0] == 404
    assert http(server, "GET", "/nothing-here")[0] == 404
    status, headers, _ = http(server, "DELETE", "/generations")
    assert (status, headers["Allow"]) == (405, "GET, POST")


# -- schemathesis (last: the valid requests it sends start runs) -------------------------------------
def _local_description() -> dict[str, Any]:
    """The repo's OpenAPI description as the local server serves it: no authorization (in AWS it is SigV4)."""
    document = json.loads(OPENAPI_FILE.read_text(encoding="utf-8"))
    document["security"] = []
    return document


try:
    import schemathesis
    from hypothesis import HealthCheck, settings
    from schemathesis.specs.openapi.checks import positive_data_acceptance
except ImportError:  # pragma: no cover - the dev extra installs it
    schemathesis = None

if schemathesis is not None:
    local_schema = schemathesis.openapi.from_dict(_local_description())

    @pytest.fixture
    def time_bound():
        def expired(*_args):
            raise TimeoutError(f"schemathesis ran longer than {SCHEMATHESIS_SECONDS} s")

        previous = signal.signal(signal.SIGALRM, expired)
        signal.alarm(SCHEMATHESIS_SECONDS)
        yield
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)

    @local_schema.parametrize()
    @settings(max_examples=SCHEMATHESIS_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
    def test_schemathesis_finds_no_server_error(case, server, time_bound):
        # Every check but positive_data_acceptance: the model rules (sizes per generator, a budget of at least
        # one round) refuse some schema-valid bodies with 400 on purpose, as documented.
        case.call_and_validate(base_url=server.url, excluded_checks=[positive_data_acceptance])
