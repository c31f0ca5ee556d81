"""imagegate/remote_cli.py without a server: following a run through passing failures, the API's document read as
run.json's fields, and SigV4 as remote.sign adds it, checked against the signature computed by hand from the
Signature Version 4 steps (AWS's documented example keys and date; no AWS call, no credentials)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from argparse import Namespace
from typing import Any

import pytest
from botocore.credentials import Credentials

from imagegate import remote
from imagegate.remote_cli import POLL_FAILURES_TOLERATED, ApiFailure, follow_run, run_document

pytestmark = pytest.mark.unit

# AWS's example credentials and time of the SigV4 test suite (docs: "Signature Version 4 test suite").
ACCESS_KEY, SECRET_KEY = "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
WHEN = dt.datetime(2015, 8, 30, 12, 36, 0)


def _round(n: int) -> dict[str, Any]:
    return {"round": n, "score": 5.0 + n, "costUsd": 0.01, "bestImage": f"http://x/{n}.png"}


class Script:
    """A call that answers GET /generations/{id} from a list: (status, document) or an ApiFailure to raise."""

    def __init__(self, answers: list[Any]) -> None:
        self.answers, self.calls = list(answers), 0

    def __call__(self, method: str, path: str, body: Any = None) -> tuple[int, dict[str, Any]]:
        self.calls += 1
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


def test_following_a_run_prints_each_round_once_and_rides_out_a_few_failed_reads():
    # Given an API that answers a running run, loses contact twice, throttles once, then ends the run
    running = {"status": "RUNNING", "rounds": [_round(1)]}
    ended = {"status": "EXHAUSTED", "rounds": [_round(1), _round(2)]}
    script = Script(
        [
            (200, running),
            ApiFailure("cannot reach"),
            ApiFailure("cannot reach"),
            (429, {"error": "Throttled"}),
            (200, running),
            (200, ended),
        ]
    )
    seen: list[int] = []

    # When it is followed
    final = follow_run(script, "r1", Namespace(), lambda entry: seen.append(entry["round"]), sleep=lambda s: None)

    # Then each round was reported once, in order, and the ended document is returned
    assert seen == [1, 2] and final is ended and script.calls == 6


def test_following_gives_up_after_too_many_failed_reads_in_a_row_and_at_once_on_a_404():
    script = Script([ApiFailure("cannot reach the API at http://x: refused")] * (POLL_FAILURES_TOLERATED + 1))
    with pytest.raises(ApiFailure, match="cannot reach the API"):
        follow_run(script, "r1", Namespace(), lambda entry: None, sleep=lambda s: None)
    assert script.calls == POLL_FAILURES_TOLERATED + 1

    gone = Script([(404, {"error": "NotFound", "message": "no generation has the id 'r1'"})])
    with pytest.raises(ApiFailure, match=r"GET /generations/r1 refused \(404 NotFound\)"):
        follow_run(gone, "r1", Namespace(), lambda entry: None, sleep=lambda s: None)


def test_the_api_document_is_read_as_run_json_fields():
    generation = {
        "id": "r1",
        "status": "PASSED",
        "reason": "score 8.1 reached the threshold 7.5",
        "prompt": "a red apple",
        "settings": {"threshold": 7.5},
        "bestImage": {"round": 2, "score": 8.1, "url": "http://x/2.png"},
        "totals": {"rounds": 2, "costUsd": 0.16, "evaluationCostUsd": 0.01, "finalScore": 8.1},
        "evaluation": {"passed": True},
        "verification": None,
        "error": None,
        "rounds": [_round(1), {**_round(2), "bestImage": None}],
    }
    document = run_document(generation)
    assert (document["runId"], document["threshold"], document["bestRound"], document["finalScore"]) == (
        "r1",
        7.5,
        2,
        8.1,
    )
    assert (document["costUsd"], document["evaluationCostUsd"]) == (0.16, 0.01)
    assert [entry["bestImage"] for entry in document["rounds"]] == ["http://x/1.png", ""]


def _hand_signed(method: str, host: str, path: str, query: str, headers: dict[str, str], body: bytes) -> str:
    """The Authorization header SigV4 gives, computed step by step (canonical request, string to sign, signing
    key, signature) for service execute-api in us-west-2, signing content-type, host and x-amz-date."""
    stamp = WHEN.strftime("%Y%m%dT%H%M%SZ")
    signed = {"content-type": headers["Content-Type"], "host": host, "x-amz-date": stamp}
    canonical_headers = "".join(f"{name}:{value}\n" for name, value in sorted(signed.items()))
    names = ";".join(sorted(signed))
    canonical = "\n".join([method, path, query, canonical_headers, names, hashlib.sha256(body).hexdigest()])
    scope = f"{WHEN:%Y%m%d}/us-west-2/execute-api/aws4_request"
    to_sign = "\n".join(["AWS4-HMAC-SHA256", stamp, scope, hashlib.sha256(canonical.encode()).hexdigest()])
    key = ("AWS4" + SECRET_KEY).encode()
    for part in (f"{WHEN:%Y%m%d}", "us-west-2", "execute-api", "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    return f"AWS4-HMAC-SHA256 Credential={ACCESS_KEY}/{scope}, SignedHeaders={names}, Signature={signature}"


@pytest.mark.parametrize(
    ("method", "path", "query", "canonical_query", "body"),
    [
        ("POST", "/prod/generations", "", "", b'{"prompt": "a red apple"}'),
        ("GET", "/prod/generations", "?status=PASSED&limit=5", "limit=5&status=PASSED", b""),
    ],
)
def test_sigv4_matches_the_signature_computed_by_hand(monkeypatch, method, path, query, canonical_query, body):
    import botocore.auth

    monkeypatch.setattr(botocore.auth, "get_current_datetime", lambda: WHEN)
    host = "abc123.execute-api.us-west-2.amazonaws.com"
    headers = {"Content-Type": "application/json"}

    signed = remote.sign(method, f"https://{host}{path}{query}", body, headers, Credentials(ACCESS_KEY, SECRET_KEY))

    assert signed["X-Amz-Date"] == "20150830T123600Z"
    assert signed["Authorization"] == _hand_signed(method, host, path, canonical_query, headers, body)


@pytest.mark.parametrize(
    "answers",
    [
        # a round without its number, then a document that is a list rather than an object
        [(202, {"id": "r1"}), (200, {"status": "EXHAUSTED", "rounds": [{"score": 5.0}]})],
        [(202, {"id": "r1"}), (200, ["not", "a", "generation"])],
    ],
)
def test_a_run_followed_through_an_unreadable_answer_ends_in_one_line_not_a_traceback(monkeypatch, capsys, answers):
    # Given an API that starts the run and then answers GET /generations/r1 with something imagegate cannot read
    import itertools

    from imagegate import cli, controls_cli, remote_cli

    script = itertools.chain(answers, itertools.repeat(answers[-1]))  # the bad answer stays bad
    monkeypatch.setattr(controls_cli, "call_api", lambda *args, **kwargs: next(script))
    monkeypatch.setattr(remote_cli, "POLL_SECONDS", 0.0)
    args = cli._parser().parse_args(["run", "a red apple", "--api", "http://127.0.0.1:9"])

    # When it is run and followed
    code = remote_cli.run_command(args)

    # Then it exits 1 with one line naming the API and how to follow the run, and no traceback
    err = capsys.readouterr().err
    assert code == remote_cli.EXIT_CONNECTION
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert "http://127.0.0.1:9" in err and "imagegate show r1 --api http://127.0.0.1:9" in err


def test_run_from_a_local_folder_with_api_is_refused_before_anything_is_sent(monkeypatch, capsys, tmp_path):
    # Given a local run folder that --from could copy, and an API that would accept anything
    from imagegate import cli, controls_cli, remote_cli

    sent: list[Any] = []
    monkeypatch.setattr(controls_cli, "call_api", lambda *args, **kwargs: sent.append(args) or (202, {"id": "x"}))
    (tmp_path / "20260101T000000Z-0000abcd").mkdir()
    (tmp_path / "20260101T000000Z-0000abcd" / "run.json").write_text(
        '{"id": "20260101T000000Z-0000abcd", "prompt": "a cat", "settings": {"prompt": "a cat"}, "rounds": []}'
    )
    args = cli._parser().parse_args(
        [
            "run",
            "--from",
            "20260101T000000Z-0000abcd",
            "--out",
            str(tmp_path),
            "--api",
            "http://127.0.0.1:9",
            "--no-wait",
        ]
    )

    # When the run is asked of the API with --from
    code = remote_cli.run_command(args)

    # Then it is refused naming --from (the folder is not a generation of that API) and nothing is sent
    err = capsys.readouterr().err
    assert code == remote_cli.EXIT_REFUSED and "--from" in err and "not with --api" in err and sent == []
