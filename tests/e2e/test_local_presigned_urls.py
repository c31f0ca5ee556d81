"""The presigned image URLs of `imagegate serve`, verified as S3 verifies them, against the server as a user
runs it (a subprocess on a free loopback port). A URL the API hands out downloads; any change to what was
signed (the signature, the expiry, the key, the host, the method) or a missing SigV4 parameter is a 403 with
S3's error code, and nothing is read: a refused URL for a key that does not exist answers the same 403.
URLs this test signs itself with botocore and the local runtime's credentials verify too, so the server
checks signatures rather than recognising the URLs it issued."""

from __future__ import annotations

import datetime as dt
import json
import os
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import boto3
import pytest
from botocore.config import Config
from test_serve import Server, http, server, wait_until_done  # noqa: F401 (the `server` fixture)

from imagegate.local.runtime import local_environment
from imagegate.local.serve import LOCAL_S3_PATH, SIGV4_MAX_EXPIRES_SECONDS
from imagegate_service import constants as c

pytestmark = pytest.mark.e2e

SIGV4_PARAMETERS = (
    "X-Amz-Algorithm",
    "X-Amz-Credential",
    "X-Amz-Date",
    "X-Amz-Expires",
    "X-Amz-SignedHeaders",
    "X-Amz-Signature",
)


@pytest.fixture(scope="module")
def finished(server: Server) -> dict[str, Any]:
    """One finished run (two rounds, so two images under two keys)."""
    status, _, started = http(
        server,
        "POST",
        "/generations",
        json.dumps({"prompt": "a yellow lemon on a plate", "maxRounds": 2, "threshold": 9.9}),
    )
    assert status == 202, started
    done = wait_until_done(server, started["id"])
    assert len(done["rounds"]) == 2, done
    return done


def _image_url(run: dict[str, Any], round_index: int = 0) -> str:
    return run["rounds"][round_index]["images"][0]["url"]


def _with_query(url: str, query: list[tuple[str, str]]) -> str:
    return urlunsplit(urlsplit(url)._replace(query=urlencode(query)))


def _query(url: str) -> list[tuple[str, str]]:
    return parse_qsl(urlsplit(url).query, keep_blank_values=True)


def _replaced(url: str, name: str, value: str) -> str:
    return _with_query(url, [(key, value if key == name else old) for key, old in _query(url)])


def _with_key(url: str, key: str) -> str:
    """The same query string (the same signature) on another object's path."""
    parts = urlsplit(url)
    bucket = parts.path[len(LOCAL_S3_PATH) + 1 :].split("/", 1)[0]
    return urlunsplit(parts._replace(path=f"{LOCAL_S3_PATH}/{bucket}/{key}"))


def _assert_refused(
    server: Server, url: str, code: str, method: str = "GET", headers: dict[str, str] | None = None
) -> dict[str, Any]:
    status, answer_headers, body = http(server, method, url, headers=headers)
    assert status == 403, (url, status, body)
    assert answer_headers["Content-Type"].startswith("application/json")
    if method == "HEAD":
        return {}
    assert body["error"] == code, body
    assert body["message"]
    return body


def _self_signed(
    server: Server,
    key: str,
    *,
    secret: str | None = None,
    region: str | None = None,
    expires: int = 60,
    at: dt.datetime | None = None,
    monkeypatch: Any = None,
) -> str:
    """A presigned GET made here with botocore, with the local runtime's credentials unless told otherwise."""
    credentials = _runtime_credentials(server)
    client = boto3.client(
        "s3",
        endpoint_url=server.url + LOCAL_S3_PATH,
        region_name=region or local_environment()["AWS_REGION"],
        aws_access_key_id=credentials.access_key,
        aws_secret_access_key=secret or credentials.secret_key,
        config=Config(signature_version="s3v4", s3={"addressing_style": "path"}),
    )
    if at is not None:
        monkeypatch.setattr("botocore.auth.get_current_datetime", lambda: at)
    return client.generate_presigned_url(
        "get_object", Params={"Bucket": _bucket(server), "Key": key}, ExpiresIn=expires
    )


def _runtime_credentials(server: Server) -> Any:
    """The credentials `imagegate serve` signs with: this installation's, whose secret is in its data dir."""
    from botocore.credentials import ReadOnlyCredentials

    from imagegate.local.serve import installation_credentials

    return ReadOnlyCredentials(*installation_credentials(server.log_dir / "data"), None)


def _moto_default_credentials() -> Any:
    """The credentials the local runtime had before: moto's own public fake keys, which its mock puts in the
    environment, resolved the way boto3 resolves them."""
    from moto import mock_aws

    saved = dict(os.environ)
    try:
        os.environ.update(local_environment())
        with mock_aws():
            return boto3.session.Session().get_credentials().get_frozen_credentials()
    finally:
        os.environ.clear()
        os.environ.update(saved)


def _bucket(server: Server) -> str:
    return local_environment()[c.ENV_BUCKET]


# -- what verifies -----------------------------------------------------------------------------------
def test_every_image_url_the_api_hands_out_downloads_and_head_needs_its_own_signature(server, finished):
    # Given the image URLs of a finished run
    urls = [image["url"] for entry in finished["rounds"] for image in entry["images"]]

    # When each is fetched as given
    # Then each is a PNG
    for url in urls:
        status, headers, png = http(server, "GET", url)
        assert status == 200, png
        assert headers["Content-Type"] == "image/png" and png.startswith(b"\x89PNG\r\n\x1a\n")
    # and the method is part of what was signed: a HEAD with a GET's URL is refused, as S3 refuses it
    _assert_refused(server, urls[0], "SignatureDoesNotMatch", method="HEAD")


def test_a_url_signed_elsewhere_with_the_runtime_credentials_verifies(server, finished):
    # Given a URL for the run's verdict, signed here by botocore with the credentials the local runtime signs with
    issued_by = dict(_query(_image_url(finished)))["X-Amz-Credential"].split("/")[0]
    assert _runtime_credentials(server).access_key == issued_by
    url = _self_signed(server, c.verdict_key(finished["id"], 1))

    # When it is fetched
    status, _, verdict = http(server, "GET", url)

    # Then the server recomputed the same signature and served the object
    assert status == 200, verdict
    assert isinstance(verdict, (dict, bytes)) and verdict


# -- what is refused ---------------------------------------------------------------------------------
def test_a_tampered_signature_is_refused(server, finished):
    url = _image_url(finished)
    signature = dict(_query(url))["X-Amz-Signature"]
    for tampered in (("0" if signature[0] != "0" else "1") + signature[1:], signature.upper(), signature[:-1], "x"):
        body = _assert_refused(server, _replaced(url, "X-Amz-Signature", tampered), "SignatureDoesNotMatch")
        # S3 shows what it signed, so a client can see what differs; it never shows the expected signature
        assert body["SignatureProvided"] == tampered
        assert body["StringToSign"].startswith("AWS4-HMAC-SHA256\n")
        assert body["CanonicalRequest"].startswith("GET\n/_local_s3/")
        signed = body["StringToSign"] + body["CanonicalRequest"]
        assert signature not in signed


def test_a_raised_or_changed_expiry_or_date_is_refused(server, finished):
    url = _image_url(finished)
    query = dict(_query(url))
    # Given the URL's expiry raised (to the longest S3 allows) or shortened, or its date moved within its lifetime
    later = dt.datetime.strptime(query["X-Amz-Date"], "%Y%m%dT%H%M%SZ") + dt.timedelta(seconds=1)
    for name, value in (
        ("X-Amz-Expires", str(SIGV4_MAX_EXPIRES_SECONDS)),
        ("X-Amz-Expires", "60"),
        ("X-Amz-Date", later.strftime("%Y%m%dT%H%M%SZ")),
    ):
        assert value != query[name]
        # Then the signature no longer matches
        _assert_refused(server, _replaced(url, name, value), "SignatureDoesNotMatch")
    # and an expiry beyond a week is refused before any signature is computed
    body = _assert_refused(server, _replaced(url, "X-Amz-Expires", str(SIGV4_MAX_EXPIRES_SECONDS + 1)), "AccessDenied")
    assert str(SIGV4_MAX_EXPIRES_SECONDS) in body["message"]


def test_one_objects_query_string_on_another_key_is_refused(server, finished):
    # Given the first round's image URL and the keys of the other objects of the run
    url = _image_url(finished, 0)
    other_image = urlsplit(_image_url(finished, 1)).path.split(f"/{_bucket(server)}/", 1)[1]
    for key in (c.verdict_key(finished["id"], 1), other_image, c.verdict_key(finished["id"], 2)):
        # When its query string is put on another key
        # Then it is refused: the path is part of what was signed
        _assert_refused(server, _with_key(url, key), "SignatureDoesNotMatch")


def test_a_missing_or_extra_parameter_is_refused(server, finished):
    url = _image_url(finished)
    query = _query(url)
    assert {name for name, _ in query} == set(SIGV4_PARAMETERS)
    # When any one SigV4 parameter is left out, the body names it
    for missing in SIGV4_PARAMETERS:
        body = _assert_refused(server, _with_query(url, [(k, v) for k, v in query if k != missing]), "AccessDenied")
        assert missing in body["message"]
    # When the query is empty (the object's plain URL)
    _assert_refused(server, _with_query(url, []), "AccessDenied")
    # When a parameter that was not signed is added (the canonical query has every parameter but the signature)
    _assert_refused(server, _with_query(url, [*query, ("response-content-type", "text/html")]), "SignatureDoesNotMatch")
    # When a SigV4 parameter is given twice
    _assert_refused(server, _with_query(url, [*query, ("X-Amz-Expires", "3600")]), "AccessDenied")


def test_the_host_is_signed(server, finished):
    # Given an image URL signed for 127.0.0.1:PORT, sent with another Host
    url = _image_url(finished)
    port = urlsplit(url).port
    # Then it is refused, as S3 refuses a URL sent to another endpoint
    _assert_refused(server, url, "SignatureDoesNotMatch", headers={"Host": f"localhost:{port}"})
    # and a Host that is no host at all is refused before the URL is looked at (serve's Host check), with an
    # answer in the JSON error format (not a dropped connection)
    for host in ("[", f"127.0.0.1:{port}/extra", ""):
        answer = _assert_refused(server, url, "Forbidden", headers={"Host": host})
        assert answer["field"] == "Host"


def test_expired_other_credentials_region_or_secret_are_refused(server, finished, monkeypatch):
    key = c.verdict_key(finished["id"], 1)
    # Given a correctly signed URL whose X-Amz-Date + X-Amz-Expires has passed
    past = dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(seconds=120)
    expired = _self_signed(server, key, expires=60, at=past, monkeypatch=monkeypatch)
    monkeypatch.undo()
    assert _assert_refused(server, expired, "AccessDenied")["message"] == "Request has expired"
    # and the same, signed with another secret, for another region, or by another access key
    _assert_refused(server, _self_signed(server, key, secret="not-the-runtime-secret"), "SignatureDoesNotMatch")
    assert "region" in _assert_refused(server, _self_signed(server, key, region="eu-west-1"), "AccessDenied")["message"]
    own = _self_signed(server, key)
    credential = dict(_query(own))["X-Amz-Credential"]
    _assert_refused(
        server,
        _replaced(own, "X-Amz-Credential", "AKIDSOMEONEELSE" + credential[credential.index("/") :]),
        "AccessDenied",
    )


def test_a_url_forged_with_motos_public_credentials_is_refused(server, finished):
    # Given a URL for the run's image signed as anyone could sign it: moto's public default credentials, the
    # longest expiry (a week), the runtime's region and the server's own address
    moto = _moto_default_credentials()
    forger = boto3.client(
        "s3",
        endpoint_url=server.url + LOCAL_S3_PATH,
        region_name=local_environment()["AWS_REGION"],
        aws_access_key_id=moto.access_key,
        aws_secret_access_key=moto.secret_key,
        config=Config(signature_version="s3v4", s3={"addressing_style": "path"}),
    )
    key = urlsplit(_image_url(finished)).path.split("/", 3)[3]
    forged = forger.generate_presigned_url(
        "get_object", Params={"Bucket": _bucket(server), "Key": key}, ExpiresIn=SIGV4_MAX_EXPIRES_SECONDS
    )
    # and the same with the access key this installation signs with, but moto's public secret
    guessed = forger.generate_presigned_url("get_object", Params={"Bucket": _bucket(server), "Key": key}, ExpiresIn=60)
    guessed = _replaced(
        guessed,
        "X-Amz-Credential",
        dict(_query(_image_url(finished)))["X-Amz-Credential"].split("/")[0]
        + dict(_query(guessed))["X-Amz-Credential"][len(moto.access_key) :],
    )

    # Then both are refused (the forged one used to download)
    _assert_refused(server, forged, "AccessDenied")
    _assert_refused(server, guessed, "SignatureDoesNotMatch")
    # and the secret they lack is in the data dir, readable by its owner only
    from imagegate.local.serve import URL_SECRET_FILE

    assert (server.log_dir / "data" / URL_SECRET_FILE).stat().st_mode & 0o077 == 0


def test_a_refused_url_reads_nothing(server, finished):
    # Given one tampered query string, on a key that exists and on one that does not
    url = _replaced(_image_url(finished), "X-Amz-Signature", "0" * 64)
    missing = _with_key(url, f"{c.RUNS_PREFIX}no-such-run/round-01/verdict.json")

    # When both are fetched
    present_body = _assert_refused(server, url, "SignatureDoesNotMatch")
    missing_body = _assert_refused(server, missing, "SignatureDoesNotMatch")

    # Then both answer the same 403 (not a 404 for the missing one): the object store was not consulted
    assert present_body.keys() == missing_body.keys()
    # while a correctly signed URL for the missing key does reach the store and says so
    status, _, body = http(server, "GET", _self_signed(server, f"{c.RUNS_PREFIX}no-such-run/round-01/verdict.json"))
    assert status == 404 and body["error"] == "NoSuchKey", body
