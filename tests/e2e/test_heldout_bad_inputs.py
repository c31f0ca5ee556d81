"""Bad inputs written apart from the code they probe (issue 26's Done when: "the held-out bad inputs of last turn
still all refused"), sent to `imagegate serve` over a raw HTTP connection as any client could send them: non-finite
numbers, control characters and lone surrogates in every text field, bytes that are not UTF-8, wrong JSON types,
out-of-range and unknown settings, a from.id that is no run id, bodies that are not an object, nested or oversized
bodies, ids and queries that are not what the API hands out, wrong methods, cross-site requests and an oversized
request line. Each must be refused with the status and the JSON error (naming the field where there is one) below;
none may start a generation or take the server down. Found by this set: from.id took any string (21c7fda)."""

from __future__ import annotations

import http.client
import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.e2e

GEN = "/generations"
UNKNOWN = "20250101T000000Z-0badf00d"  # a well-formed run id no generation has
A_CAT = b'{"prompt": "a cat"}'

# (method, path, body, extra headers, expected status, expected error, expected field or None)
CASES: list[tuple[str, str, bytes, dict[str, str], int, str, str | None]] = [
    # numbers JSON (as Python reads it) lets through
    ("POST", GEN, b'{"prompt": "a cat", "threshold": NaN}', {}, 400, "InvalidRequest", "threshold"),
    ("POST", GEN, b'{"prompt": "a cat", "threshold": Infinity}', {}, 400, "InvalidRequest", "threshold"),
    ("POST", GEN, b'{"prompt": "a cat", "maxCostUsd": -Infinity}', {}, 400, "InvalidRequest", "maxCostUsd"),
    ("POST", GEN, b'{"prompt": "a cat", "threshold": 1e999}', {}, 400, "InvalidRequest", "threshold"),
    # control characters, lone surrogates and bytes that are not UTF-8
    ("POST", GEN, b'{"prompt": "a\\u0000cat"}', {}, 400, "InvalidRequest", "prompt"),
    ("POST", GEN, b'{"prompt": "a\\u0085cat"}', {}, 400, "InvalidRequest", "prompt"),
    ("POST", GEN, b'{"prompt": "a\\udc00cat"}', {}, 400, "InvalidRequest", "prompt"),
    ("POST", GEN, b'{"prompt": "a cat", "negativePrompt": "\\ud83d"}', {}, 400, "InvalidRequest", "negativePrompt"),
    ("POST", GEN, b'{"prompt": "a cat", "style": "\\udfff"}', {}, 400, "InvalidRequest", "style"),
    (
        "POST",
        GEN,
        b'{"prompt": "a cat", "expected": {"include": [{"class": "\\ud800", "count": 1}]}}',
        {},
        400,
        "InvalidRequest",
        "expected.include.0.class",
    ),
    ("POST", GEN, b'{"prompt": "\xff\xfe not utf-8"}', {}, 400, "InvalidRequest", "body"),
    # wrong types, missing, empty, blank and overlong prompts
    ("POST", GEN, b'{"prompt": 12}', {}, 400, "InvalidRequest", "prompt"),
    ("POST", GEN, b'{"prompt": ["a cat"]}', {}, 400, "InvalidRequest", "prompt"),
    ("POST", GEN, b'{"prompt": null}', {}, 400, "InvalidRequest", "prompt"),
    ("POST", GEN, b'{"prompt": {"text": "a cat"}}', {}, 400, "InvalidRequest", "prompt"),
    ("POST", GEN, b"{}", {}, 400, "InvalidRequest", "prompt"),
    ("POST", GEN, b'{"prompt": ""}', {}, 400, "InvalidRequest", "prompt"),
    ("POST", GEN, b'{"prompt": "\\t\\n  "}', {}, 400, "InvalidRequest", "prompt"),
    ("POST", GEN, json.dumps({"prompt": "a cat " * 2000}).encode(), {}, 400, "InvalidRequest", "prompt"),
    # settings of the wrong type, out of range, unknown
    ("POST", GEN, b'{"prompt": "a cat", "threshold": "5"}', {}, 400, "InvalidRequest", "threshold"),
    ("POST", GEN, b'{"prompt": "a cat", "threshold": true}', {}, 400, "InvalidRequest", "threshold"),
    ("POST", GEN, b'{"prompt": "a cat", "maxRounds": 1.5}', {}, 400, "InvalidRequest", "maxRounds"),
    ("POST", GEN, b'{"prompt": "a cat", "maxRounds": -1}', {}, 400, "InvalidRequest", "maxRounds"),
    ("POST", GEN, b'{"prompt": "a cat", "candidatesPerRound": 0}', {}, 400, "InvalidRequest", "candidatesPerRound"),
    ("POST", GEN, b'{"prompt": "a cat", "seed": -1}', {}, 400, "InvalidRequest", "seed"),
    ("POST", GEN, b'{"prompt": "a cat", "seed": 99999999999999999999999}', {}, 400, "InvalidRequest", "seed"),
    ("POST", GEN, b'{"prompt": "a cat", "width": 1023, "height": 1023}', {}, 400, "InvalidRequest", "width/height"),
    ("POST", GEN, b'{"prompt": "a cat", "maxCostUsd": 0}', {}, 400, "InvalidRequest", "maxCostUsd"),
    ("POST", GEN, b'{"prompt": "a cat", "maxCostUsd": 1000}', {}, 400, "InvalidRequest", "maxCostUsd"),
    ("POST", GEN, b'{"prompt": "a cat", "evilField": 1}', {}, 400, "InvalidRequest", "evilField"),
    ("POST", GEN, b'{"prompt": "a cat", "prompt": "a dog", "threshold": 11}', {}, 400, "InvalidRequest", "threshold"),
    # a re-run's source that is no run id, or no round
    ("POST", GEN, b'{"prompt": "a cat", "from": {"id": "../../etc"}}', {}, 400, "InvalidRequest", "from.id"),
    ("POST", GEN, b'{"prompt": "a cat", "from": {"id": "a/b"}}', {}, 400, "InvalidRequest", "from.id"),
    (
        "POST",
        GEN,
        b'{"prompt": "a cat", "from": {"id": "' + UNKNOWN.encode() + b'", "round": 0}}',
        {},
        400,
        "InvalidRequest",
        "from.round",
    ),
    # bodies that are not a run request
    ("POST", GEN, b"[]", {}, 400, "InvalidRequest", "request"),
    ("POST", GEN, b'"a cat"', {}, 400, "InvalidRequest", "request"),
    ("POST", GEN, b"null", {}, 400, "InvalidRequest", "request"),
    ("POST", GEN, b'{"prompt": "a cat"', {}, 400, "InvalidRequest", "body"),
    ("POST", GEN, b"[" * 100_000 + b"]" * 100_000, {}, 400, "InvalidRequest", "body"),
    ("POST", GEN, b'{"prompt": "' + b"x" * 3_000_000 + b'"}', {}, 400, "InvalidRequest", "body"),
    # ids and queries the API never hands out
    ("GET", "/generations/..%2F..%2Fetc%2Fpasswd", b"", {}, 404, "NotFound", None),
    ("GET", "/generations/%00", b"", {}, 404, "NotFound", None),
    ("GET", "/generations/%3Cscript%3E", b"", {}, 404, "NotFound", None),
    ("GET", "/generations/" + "a" * 5000, b"", {}, 404, "NotFound", None),
    ("GET", "/generations?limit=0", b"", {}, 400, "InvalidRequest", "limit"),
    ("GET", "/generations?limit=abc", b"", {}, 400, "InvalidRequest", "limit"),
    ("GET", "/generations?cursor=%FF%FE", b"", {}, 400, "InvalidRequest", "cursor"),
    ("GET", "/generations?cursor=eyJ4IjoxfQ", b"", {}, 400, "InvalidRequest", "cursor"),
    ("GET", "/generations?status=exhausted", b"", {}, 400, "InvalidRequest", "status"),
    ("GET", "/generations?evaluation=maybe", b"", {}, 400, "InvalidRequest", "evaluation"),
    # review, cancel and delete of what is not there, wrong methods
    ("POST", f"/generations/{UNKNOWN}/review", b'{"decision": "maybe"}', {}, 400, "InvalidRequest", "decision"),
    (
        "POST",
        f"/generations/{UNKNOWN}/review",
        b'{"decision": "reject", "feedback": "bluer \\ud800"}',
        {},
        400,
        "InvalidRequest",
        "feedback",
    ),
    ("POST", f"/generations/{UNKNOWN}/cancel", b"", {}, 404, "NotFound", None),
    ("DELETE", f"/generations/{UNKNOWN}", b"", {}, 404, "NotFound", None),
    ("DELETE", GEN, b"", {}, 405, "MethodNotAllowed", None),
    ("PUT", GEN, A_CAT, {}, 405, "MethodNotAllowed", None),
    # cross-site requests (a form or text body sent without a preflight, another Host, another Origin)
    ("POST", GEN, A_CAT, {"Content-Type": "application/x-www-form-urlencoded"}, 415, "UnsupportedMediaType", None),
    ("POST", GEN, A_CAT, {"Content-Type": "text/plain"}, 415, "UnsupportedMediaType", None),
    ("POST", GEN, A_CAT, {"Host": "evil.example"}, 403, "Forbidden", "Host"),
    ("POST", GEN, A_CAT, {"Origin": "http://evil.example"}, 403, "Forbidden", "Origin"),
    ("POST", GEN, A_CAT, {"Origin": "null"}, 403, "Forbidden", "Origin"),
    # a request line over 64 KB
    ("GET", "/generations?" + "a" * 70_000, b"", {}, 414, "RequestUriTooLong", None),
]


@pytest.fixture(scope="module")
def served(tmp_path_factory, start_serve) -> Iterator[tuple[str, int]]:
    root = tmp_path_factory.mktemp("bad-inputs")
    serving = start_serve(root, "--retry-time-scale", "0", "--data-dir", str(root / "data"))
    serving.wait_ready()
    try:
        address = urlsplit(serving.url)
        yield address.hostname or "127.0.0.1", address.port or 80
    finally:
        serving.stop()


def _send(
    served: tuple[str, int], method: str, path: str, body: bytes, headers: dict[str, str]
) -> tuple[int, str, bytes]:
    """One request as written (http.client sends the path, body and headers untouched)."""
    connection = http.client.HTTPConnection(*served, timeout=60)
    try:
        sent = {"Content-Type": "application/json", **headers}
        connection.request(method, path, body=body or None, headers=sent)
        answer = connection.getresponse()
        return answer.status, answer.getheader("Content-Type") or "", answer.read()
    finally:
        connection.close()


def _listed(served: tuple[str, int]) -> list[dict[str, Any]]:
    status, _, raw = _send(served, "GET", "/generations?limit=100", b"", {})
    assert status == 200
    return json.loads(raw)["generations"]


@pytest.mark.parametrize(
    ("method", "path", "body", "headers", "status", "error", "field"),
    CASES,
    ids=[f"{k:02d}-{case[0]}-{case[4]}-{case[6] or case[5]}" for k, case in enumerate(CASES)],
)
def test_a_bad_input_is_refused_in_the_json_error_format_and_starts_nothing(
    served, method, path, body, headers, status, error, field
):
    answered, content_type, raw = _send(served, method, path, body, headers)
    assert answered == status, raw[:300]
    assert content_type.startswith("application/json"), (content_type, raw[:300])
    document = json.loads(raw)
    assert document["error"] == error, document
    if field is not None:
        assert document.get("field") == field, document
        if error == "InvalidRequest":
            assert document["message"].startswith(f"{field}: "), document
    assert "Traceback" not in document.get("message", "")
    # nothing was started, and the server still answers
    assert _listed(served) == []
