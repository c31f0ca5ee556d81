"""`imagegate serve`: the HTTP API on 127.0.0.1 over the embedded local runtime.

Each HTTP request becomes an API Gateway REST proxy event for the very handler the API Lambda runs
(`imagegate_service.handlers.api.handler`), after the checks API Gateway itself makes before a Lambda
sees a request (a body over 10 MB is refused with 413; the handler's own, smaller limit answers 400).
Executions run in moto's worker threads, so a POST answers at once.

Presigned image URLs: the handler signs them for the endpoint in IMAGEGATE_PUBLIC_S3_ENDPOINT, which
this server sets to its own `/_local_s3` path and serves from moto's S3 after verifying each request as
S3 does: the SigV4 query signature over method, path, query and host (recomputed with botocore's
signer and the runtime's credentials), and X-Amz-Date + X-Amz-Expires against now. A request that does
not verify is 403 with S3's error code, and nothing is read. The credentials are this installation's own
(`installation_credentials`: a secret generated once into the data dir, readable by its owner only), not
moto's public defaults, with which anyone could otherwise sign a URL for any key.

The web console: `/console/` (where `/` redirects) and `/console/<file>` serve the console's static
files (imagegate/console/), which call only the API above. `/_local/benchmarks` lists the local benchmark
reports (`--bench-dir`, where `imagegate bench --out` writes <date>/report.json) and
`/_local/benchmarks/<date>` answers one report.json; those two exist only here, not in the deployed API.

Cross-site requests: the local API has no authorization of its own, so any web page the user visits could
otherwise start (and pay for) generations against it, or read it through a DNS name rebound to 127.0.0.1.
`RequestGuard` refuses, before anything is read or written, a Host that is not this server's (a loopback
name, or one allowed with --allow-host), an Origin that is neither this server's own nor one allowed with
--cors-origin, and a body on a state-changing route that is not JSON (415: the form and text/plain bodies
a page may send without a CORS preflight); with --token, every route but the console's files and the
presigned image URLs also needs that token (Authorization: Bearer, or x-api-key as the console sends it)."""

from __future__ import annotations

import base64
import hmac
import json
import re
import signal
import socket
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from imagegate_service import constants as c

HOST = "127.0.0.1"
DEFAULT_PORT = 8080
LOCAL_S3_PATH = "/_local_s3"
API_GATEWAY_MAX_BODY_BYTES = 10 * 1024 * 1024  # API Gateway REST's payload limit
# SigV4 query authentication, as S3 verifies it
# (https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html); the longest X-Amz-Expires
# is 604800 s, a week (https://docs.aws.amazon.com/cli/latest/reference/s3/presign.html).
SIGV4_ALGORITHM = "AWS4-HMAC-SHA256"
SIGV4_QUERY_FIELDS = ("X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires", "X-Amz-Signature")
SIGV4_MAX_EXPIRES_SECONDS = 604800
STAGE = "local"
CONSOLE_DIR = Path(__file__).resolve().parents[1] / "console"
CONSOLE_PATH = "/console/"
BENCHMARKS_PATH = "/_local/benchmarks"
_STATIC_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
}
# The names this server answers to (its own address is HOST): a browser sends the name it resolved in Host,
# so a page on a DNS name rebound to 127.0.0.1 still names its own domain there.
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "[::1]")
# The request bodies a state-changing route reads: a page on another origin cannot send these without a
# CORS preflight, which this server answers only for --cors-origin.
JSON_MEDIA_TYPE = "application/json"
_SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
_HOST_HEADER = re.compile(r"(\[[0-9A-Fa-f:.]{2,45}\]|[A-Za-z0-9.-]{1,253})(:[0-9]{1,5})?")
_STATIC_NAME = re.compile(r"^[A-Za-z0-9_-]+\.[a-z]+$")
_REPORT_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,100}$")
# The console's pages load only their own files; images and API calls go to this origin (presigned URLs included).
_CONSOLE_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data: blob:; object-src 'none'; "
    "base-uri 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-cache",
}
# The API's resources, as API Gateway names them in `resource` (most specific first).
_RESOURCES = (
    (re.compile(r"^/generations/(?P<id>[^/]+)$"), "/generations/{id}"),
    (re.compile(r"^/generations$"), "/generations"),
)


URL_SECRET_FILE = ".imagegate-url-secret"  # in the data dir; not a run folder, so the store never loads it
URL_ACCESS_KEY = "IMAGEGATELOCAL"  # names the signer in X-Amz-Credential; the secret is what cannot be guessed
_URL_SECRET = re.compile(r"^[0-9a-f]{64}$")


def installation_credentials(data_dir: Path) -> tuple[str, str]:
    """(access key, secret key) the local presigned URLs are signed with: the secret is generated once into
    <data_dir>/.imagegate-url-secret with owner-only permissions (a second server on the same data dir, or a
    restart, reads the same one); a file that is not such a secret is an error naming it."""
    import os
    import secrets

    path = Path(data_dir) / URL_SECRET_FILE
    if not path.exists():
        partial = path.with_name(f"{URL_SECRET_FILE}.{os.getpid()}.partial")
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.write(secrets.token_hex(32) + "\n")
            file.flush()
            os.fsync(file.fileno())
        try:
            os.link(partial, path)  # created whole, once: a server starting at the same moment reads this one
        except FileExistsError:
            pass
        finally:
            partial.unlink()
    os.chmod(path, 0o600)
    secret = path.read_text(encoding="utf-8").strip()
    if not _URL_SECRET.match(secret):
        raise ValueError(f"{path} is not an imagegate URL secret (64 hex digits); remove it to make a new one")
    return URL_ACCESS_KEY, secret


def rest_proxy_event(
    method: str, raw_path: str, headers: list[tuple[str, str]], body: bytes, source_ip: str = HOST
) -> dict[str, Any]:
    """An API Gateway REST proxy (v1) event for one HTTP request."""
    split = urlsplit(raw_path)
    path = unquote(split.path) or "/"
    resource, path_parameters = path, None
    for pattern, name in _RESOURCES:
        match = pattern.match(path)
        if match:
            resource, path_parameters = name, (match.groupdict() or None)
            break
    query = parse_qs(split.query, keep_blank_values=True)
    multi_headers: dict[str, list[str]] = {}
    for name, value in headers:
        multi_headers.setdefault(name, []).append(value)
    try:
        text, encoded = body.decode("utf-8"), False
    except UnicodeDecodeError:
        text, encoded = base64.b64encode(body).decode("ascii"), True
    request_id = str(uuid.uuid4())
    return {
        "resource": resource,
        "path": path,
        "httpMethod": method,
        "headers": {name: values[-1] for name, values in multi_headers.items()},
        "multiValueHeaders": multi_headers,
        "queryStringParameters": {k: v[-1] for k, v in query.items()} or None,
        "multiValueQueryStringParameters": query or None,
        "pathParameters": path_parameters,
        "stageVariables": None,
        "requestContext": {
            "resourcePath": resource,
            "httpMethod": method,
            "path": path,
            "stage": STAGE,
            "requestId": request_id,
            "requestTimeEpoch": int(time.time() * 1000),
            "identity": {"sourceIp": source_ip, "userAgent": multi_headers.get("User-Agent", [""])[-1]},
        },
        "body": text if body else None,
        "isBase64Encoded": encoded,
    }


def presigned_url_problem(query: dict[str, list[str]], access_key: str, now: float | None = None) -> str | None:
    """The checks S3 makes on a presigned GET's query before its signature: the SigV4 query fields are
    there, the credential is the runtime's access key, and X-Amz-Date + X-Amz-Expires has not passed
    (None: go on to the signature, which `PresignedUrlVerifier` checks)."""
    fields = {name: values[-1] for name, values in query.items()}
    missing = [name for name in SIGV4_QUERY_FIELDS if not fields.get(name)]
    if missing:
        return f"not a presigned URL (missing {', '.join(missing)})"
    if fields["X-Amz-Algorithm"] != SIGV4_ALGORITHM or not fields["X-Amz-Credential"].startswith(access_key + "/"):
        return "the URL was not signed by this runtime"
    try:
        signed_at = datetime.strptime(fields["X-Amz-Date"], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
        expires = int(fields["X-Amz-Expires"])
    except ValueError:
        return "malformed X-Amz-Date or X-Amz-Expires"
    if not 1 <= expires <= SIGV4_MAX_EXPIRES_SECONDS:
        return f"X-Amz-Expires must be 1-{SIGV4_MAX_EXPIRES_SECONDS} seconds"
    if (time.time() if now is None else now) > signed_at.timestamp() + expires:
        return "Request has expired"
    return None


def host_name(host: str) -> str:
    """The name part of a Host header ('localhost:8080' -> 'localhost', '[::1]:8080' -> '[::1]'), lowercased."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[: host.find("]") + 1] if "]" in host else host
    return host.partition(":")[0]


@dataclass(frozen=True)
class RequestGuard:
    """Which requests this server answers at all: see the module docstring (cross-site requests)."""

    allowed_hosts: tuple[str, ...] = ()  # --allow-host: names besides the loopback ones
    cors_origins: tuple[str, ...] = ()  # --cors-origin: origins besides the server's own
    token: str | None = None  # --token / IMAGEGATE_SERVE_TOKEN

    def refusal(self, method: str, headers: Any, kind: str) -> tuple[HTTPStatus, dict[str, str]] | None:
        """(status, JSON error) for a request this server must not serve, else None. `kind` is 'api' (the
        API and the local benchmark routes), 'console' (its static files) or 's3' (presigned image URLs);
        `headers` looks names up case-insensitively with `.get(name)`, as http.server's do."""
        host = headers.get("Host")
        if not host:
            return HTTPStatus.FORBIDDEN, _forbidden("Host", "the Host header is required")
        if not _HOST_HEADER.fullmatch(host.strip()):
            return HTTPStatus.FORBIDDEN, _forbidden("Host", f"Host {host[:100]!r} is not a host name with a port")
        allowed = (*LOOPBACK_HOSTS, HOST, *(name.lower() for name in self.allowed_hosts))
        if host_name(host) not in allowed:
            return HTTPStatus.FORBIDDEN, _forbidden(
                "Host",
                f"Host {host[:100]!r} is not this server's; allowed: {', '.join(dict.fromkeys(allowed))} "
                "(imagegate serve --allow-host NAME adds one)",
            )
        origin = headers.get("Origin")
        if origin is not None:
            own = f"http://{host.strip().lower()}"
            allowed_origins = (own, *(entry.rstrip("/").lower() for entry in self.cors_origins))
            if origin.strip().rstrip("/").lower() not in allowed_origins:
                return HTTPStatus.FORBIDDEN, _forbidden(
                    "Origin",
                    f"Origin {origin[:100]!r} is not this server's ({own}); imagegate serve --cors-origin ORIGIN "
                    "allows another",
                )
        if self.token and kind == "api" and method != "OPTIONS" and not self._authorized(headers):
            return HTTPStatus.UNAUTHORIZED, {
                "error": "Unauthorized",
                "field": "Authorization",
                "message": "this server needs its token: Authorization: Bearer <token> (or x-api-key: <token>)",
            }
        return None

    def _authorized(self, headers: Any) -> bool:
        scheme, _, given = (headers.get("Authorization") or "").strip().partition(" ")
        candidates = [given.strip()] if scheme.lower() == "bearer" else []
        candidates.append((headers.get("x-api-key") or "").strip())
        expected = (self.token or "").encode("utf-8")
        return any(hmac.compare_digest(candidate.encode("utf-8", "replace"), expected) for candidate in candidates)


def _forbidden(field: str, message: str) -> dict[str, str]:
    return {"error": "Forbidden", "field": field, "message": message}


def body_media_type_refusal(method: str, headers: Any, length: int) -> dict[str, str] | None:
    """The JSON error for a body a state-changing route must not read (anything but application/json or
    +json), else None. A request without a body has nothing to read (the API refuses an empty one itself)."""
    if method in _SAFE_METHODS or length <= 0:
        return None
    media_type = (headers.get("Content-Type") or "").split(";", 1)[0].strip().lower()
    if media_type == JSON_MEDIA_TYPE or (media_type.startswith("application/") and media_type.endswith("+json")):
        return None
    return {
        "error": "UnsupportedMediaType",
        "field": "Content-Type",
        "message": f"Content-Type must be {JSON_MEDIA_TYPE}, not {media_type[:100]!r} "
        "(curl: -H 'Content-Type: application/json')",
    }


@dataclass(frozen=True)
class Refusal:
    """Why a presigned request is refused, as S3 words it (Code, Message, and for a signature that does
    not match, the StringToSign and CanonicalRequest S3 computed, so a client can see what differs)."""

    code: str
    message: str
    details: dict[str, str] = field(default_factory=dict)


def _raw_query_pairs(raw_query: str) -> list[tuple[str, str]]:
    """The query's parameters as S3 reads them: split on & and the first =, each side percent-decoded
    (no '+' for space: SigV4 encodes a space as %20)."""
    return [
        (unquote(name), unquote(value))
        for name, _, value in (pair.partition("=") for pair in raw_query.split("&") if pair)
    ]


class PresignedUrlVerifier:
    """Verifies a SigV4 presigned request the way S3 does, with the credentials and region the local
    runtime signs with. The expected signature is computed by botocore's own presigning signer
    (S3SigV4QueryAuth) over the request as received: method, path as sent, the canonical query (every
    parameter but X-Amz-Signature, decoded and re-encoded), and the signed headers (host at least)."""

    def __init__(self, credentials: Any, region: str):
        self._credentials = credentials  # botocore ReadOnlyCredentials (access_key, secret_key, token)
        self.region = region

    @classmethod
    def for_local_runtime(cls) -> PresignedUrlVerifier:
        """The credentials and region boto3 resolves in this process: the ones the API handler's
        presigner signs with (the local runtime puts them in the environment)."""
        import boto3

        session = boto3.session.Session()
        credentials = session.get_credentials()
        if credentials is None or not session.region_name:
            raise RuntimeError("the local runtime's AWS credentials and region are not set")
        return cls(credentials.get_frozen_credentials(), session.region_name)

    def refusal(self, method: str, raw_path: str, headers: Any, now: float | None = None) -> Refusal | None:
        """None when S3 would serve this request; otherwise why not. `raw_path` is the request target as
        sent (path and query, still percent-encoded); `headers` looks names up case-insensitively with
        `.get(name)`, as http.server's request headers do."""
        try:
            return self._refusal(method, raw_path, headers, now)
        except (ValueError, UnicodeError) as error:  # a Host or query botocore cannot even parse
            return Refusal("AccessDenied", f"malformed presigned request ({type(error).__name__})")

    def _refusal(self, method: str, raw_path: str, headers: Any, now: float | None) -> Refusal | None:
        import hmac

        from botocore.auth import S3SigV4QueryAuth
        from botocore.awsrequest import AWSRequest

        split = urlsplit(raw_path)
        pairs = _raw_query_pairs(split.query)
        repeated = sorted(
            {
                name
                for name, _ in pairs
                if name.startswith("X-Amz-") and sum(1 for other, _ in pairs if other == name) > 1
            }
        )
        if repeated:
            return Refusal("AccessDenied", f"query parameter {repeated[0]} is given more than once")
        query: dict[str, list[str]] = {}
        for name, value in pairs:
            query.setdefault(name, []).append(value)
        fields = {name: values[-1] for name, values in query.items()}
        problem = presigned_url_problem(query, self._credentials.access_key, now)
        if problem is None and not fields.get("X-Amz-SignedHeaders"):
            problem = "not a presigned URL (missing X-Amz-SignedHeaders)"
        if problem:
            return Refusal("AccessDenied", problem)
        scope = fields["X-Amz-Credential"].split("/")
        if len(scope) != 5 or scope[4] != "aws4_request" or scope[3] != "s3":
            return Refusal("AccessDenied", "X-Amz-Credential must be KEY/YYYYMMDD/REGION/s3/aws4_request")
        if scope[1] != fields["X-Amz-Date"][:8]:
            return Refusal("AccessDenied", "the date in X-Amz-Credential is not the date of X-Amz-Date")
        if scope[2] != self.region:
            return Refusal("AccessDenied", f"the region '{scope[2]}' is wrong; expecting '{self.region}'")
        if fields.get("X-Amz-Security-Token") != self._credentials.token:
            return Refusal("AccessDenied", "X-Amz-Security-Token does not belong to the signing credentials")
        signed_headers = fields["X-Amz-SignedHeaders"].split(";")
        if "host" not in signed_headers:
            return Refusal("AccessDenied", "X-Amz-SignedHeaders must include host")
        missing_headers = [name for name in signed_headers if headers.get(name) is None]
        if missing_headers:
            return Refusal("AccessDenied", f"signed header {missing_headers[0]} is not in the request")
        if not headers.get("host").strip() or any(character in headers.get("host") for character in "/?#@\\ \t"):
            return Refusal("AccessDenied", "malformed Host header")

        # The request as S3 sees it, signed by botocore's presigning signer at the URL's own X-Amz-Date.
        request = AWSRequest(
            method=method,
            url=f"http://{headers.get('host')}{split.path}",
            headers={name: headers.get(name) for name in signed_headers},
        )
        request.params = [(name, value) for name, value in pairs if name != "X-Amz-Signature"]
        request.context["timestamp"] = fields["X-Amz-Date"]
        signer = S3SigV4QueryAuth(self._credentials, "s3", self.region, expires=int(fields["X-Amz-Expires"]))
        canonical_request = signer.canonical_request(request)
        string_to_sign = signer.string_to_sign(request, canonical_request)
        expected = signer.signature(string_to_sign, request)
        if not hmac.compare_digest(expected.encode("ascii"), fields["X-Amz-Signature"].encode("utf-8", "replace")):
            return Refusal(
                "SignatureDoesNotMatch",
                "The request signature we calculated does not match the signature you provided. "
                "Check your key and signing method.",
                {
                    "AWSAccessKeyId": self._credentials.access_key,
                    "StringToSign": string_to_sign,
                    "SignatureProvided": fields["X-Amz-Signature"],
                    "CanonicalRequest": canonical_request,
                },
            )
        return None


class _Handler(BaseHTTPRequestHandler):
    server: ApiServer
    protocol_version = "HTTP/1.1"
    server_version = "imagegate-serve"

    def __getattr__(self, name: str) -> Any:
        """Every method goes to the local S3 for a path under /_local_s3/ (which verifies the presigned
        request, method included), and to the API otherwise, which answers 405 or 404 for what it does not
        serve (http.server alone would answer 501)."""
        if name.startswith("do_"):
            method = name[3:]
            path = urlsplit(self.path).path
            if path.startswith(LOCAL_S3_PATH + "/"):
                return lambda: self._guarded(method, "s3", lambda: self._serve_object(method))
            if path == "/" or path.startswith(CONSOLE_PATH):
                return lambda: self._guarded(method, "console", lambda: self._serve_local(method, path))
            if path == BENCHMARKS_PATH or path.startswith(BENCHMARKS_PATH + "/"):
                return lambda: self._guarded(method, "api", lambda: self._serve_local(method, path))
            return lambda: self._guarded(method, "api", lambda: self._invoke_api(method))
        raise AttributeError(name)

    def _guarded(self, method: str, kind: str, serve: Any) -> None:
        """Serve the request unless the server's RequestGuard refuses it (then nothing is read or written)."""
        refused = self.server.guard.refusal(method, self.headers, kind)
        if refused is None:
            serve()
            return
        status, body = refused
        extra = {"WWW-Authenticate": "Bearer"} if status == HTTPStatus.UNAUTHORIZED else None
        has_body = bool(self.headers.get("Content-Length") or self.headers.get("Transfer-Encoding"))
        self._send_json(status, body, close=has_body, head=method == "HEAD", headers=extra)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """What http.server itself refuses (a request line over 64 KB: 414, too many or too long headers: 431,
        a malformed request line: 400) in the API's JSON error format, not http.server's HTML page; the
        connection is closed, since what follows in it cannot be trusted to be a request."""
        status = HTTPStatus(code)
        text = " ".join((message or status.phrase).split())[:300]
        if getattr(self, "request_version", None) == "HTTP/0.9":  # http.server's guess for a line it cannot read
            self.request_version = self.protocol_version  # answered with a status line and headers all the same
        self._send_json(
            status,
            {"error": status.phrase.title().replace(" ", "").replace("-", ""), "message": text},
            close=True,
            head=getattr(self, "command", None) == "HEAD",
        )

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.verbose:
            super().log_message(format, *args)

    # -- the API -------------------------------------------------------------------------------
    def _invoke_api(self, method: str) -> None:
        from imagegate.local.runtime import FakeLambdaContext
        from imagegate_service.handlers import api

        length_header = self.headers.get("Content-Length")
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            self._send_json(
                HTTPStatus.LENGTH_REQUIRED,
                {"error": "LengthRequired", "message": "send the body with a Content-Length"},
                close=True,
            )
            return
        try:
            length = int(length_header or 0)
        except ValueError:
            self._send_json(
                HTTPStatus.BAD_REQUEST,
                {"error": "InvalidRequest", "message": "bad Content-Length", "field": "Content-Length"},
                close=True,
            )
            return
        if length > API_GATEWAY_MAX_BODY_BYTES:
            self._send_json(
                HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                {
                    "error": "PayloadTooLarge",
                    "field": "body",
                    "message": f"body: {length} bytes is over API Gateway's {API_GATEWAY_MAX_BODY_BYTES}",
                },
                close=True,
            )
            return
        unsupported = body_media_type_refusal(method, self.headers, length)
        if unsupported is not None:
            self._send_json(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, unsupported, close=True)
            return
        body = self.rfile.read(length) if length > 0 else b""
        event = rest_proxy_event(method, self.path, list(self.headers.items()), body, self.client_address[0])
        if self.server.store is not None and method == "POST" and event["resource"] == "/generations":
            problem = self.server.store.storage_problem()  # a run that could not be kept is not started
            if problem is not None:
                self._send_json(
                    HTTPStatus.SERVICE_UNAVAILABLE,
                    {"error": "StorageUnavailable", "message": f"the data dir cannot keep a new run: {problem}"},
                )
                return
        deleting = method == "DELETE" and event["resource"] == "/generations/{id}"
        if self.server.store is not None and (method in ("GET", "HEAD") or deleting):
            try:  # runs another process wrote; a folder that cannot be loaded is named in the log and skipped
                self.server.store.before_read(event["resource"], event["pathParameters"])
            except Exception as error:  # the API still answers from what is loaded
                print(f"imagegate serve: run folders not rescanned: {type(error).__name__}: {error}", file=sys.stderr)
        context = FakeLambdaContext("imagegate-local-api", event["requestContext"]["requestId"])
        try:
            # One invocation at a time, as in one Lambda execution environment: the resolver and the
            # logger keep the current request in module state. Executions still run in parallel (moto's threads).
            with self.server.invocation_lock:
                result = api.handler(event, context)
        except Exception as error:  # what API Gateway answers when the function itself fails
            print(f"imagegate serve: handler failed: {type(error).__name__}: {error}", file=sys.stderr)
            self._send_json(HTTPStatus.BAD_GATEWAY, {"error": "InternalError", "message": "Internal server error"})
            return
        if self.server.store is not None:
            self._keep_lifecycle(method, event, int(result.get("statusCode", 0)))
        payload = result.get("body") or ""
        data = base64.b64decode(payload) if result.get("isBase64Encoded") else payload.encode("utf-8")
        headers: dict[str, str] = dict(result.get("headers") or {})
        for name, values in (result.get("multiValueHeaders") or {}).items():
            headers[name] = ", ".join(values)
        self.send_response(int(result.get("statusCode", 200)))
        for name, value in headers.items():
            if name.lower() not in ("content-length", "connection"):
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if method != "HEAD":
            self.wfile.write(data)

    def _keep_lifecycle(self, method: str, event: dict[str, Any], status: int) -> None:
        """The data dir follows a cancel (the run's folder is written with its FAILED outcome at once: a stopped
        execution may not pass through the end hook) and a delete (the run's folder goes with its items)."""
        if method == "DELETE" and event["resource"] == "/generations/{id}" and status == HTTPStatus.NO_CONTENT:
            self.server.store.forget(event["pathParameters"]["id"])
            return
        cancel = re.match(r"^/generations/([^/]+)/cancel$", event["path"])
        if method == "POST" and cancel and status == HTTPStatus.OK:
            self.server.store.save(cancel.group(1))

    # -- the console and the local benchmark reports -----------------------------------------------
    def _serve_local(self, method: str, path: str) -> None:
        head = method == "HEAD"
        if method not in ("GET", "HEAD"):
            self._send_json(
                HTTPStatus.METHOD_NOT_ALLOWED,
                {
                    "error": "MethodNotAllowed",
                    "message": f"{method} is not allowed on {path[:200]}; allowed: GET, HEAD",
                },
                close=bool(self.headers.get("Content-Length")),
                head=head,
                headers={"Allow": "GET, HEAD"},
            )
            return
        if path.startswith(BENCHMARKS_PATH):
            name = path[len(BENCHMARKS_PATH) :].strip("/")
            if not name:
                self._send_json(HTTPStatus.OK, benchmark_index(self.server.bench_dir), head=head)
                return
            report = benchmark_report_file(self.server.bench_dir, name)
            if report is None:
                self._send_json(
                    HTTPStatus.NOT_FOUND,
                    {"error": "NotFound", "message": f"no benchmark report {name[:100]!r}"},
                    head=head,
                )
                return
            self._send_bytes(report.read_bytes(), "application/json", head)
            return
        if path == "/":  # the console's files sit side by side under /console/, as wherever else they are hosted
            self.send_response(HTTPStatus.FOUND)
            self.send_header("Location", CONSOLE_PATH)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        name = path[len(CONSOLE_PATH) :] or "index.html"
        file = CONSOLE_DIR / name
        if not _STATIC_NAME.match(name) or file.suffix not in _STATIC_TYPES or not file.is_file():
            self._send_json(
                HTTPStatus.NOT_FOUND, {"error": "NotFound", "message": f"no console file {name[:100]!r}"}, head=head
            )
            return
        self._send_bytes(file.read_bytes(), _STATIC_TYPES[file.suffix], head, _CONSOLE_HEADERS)

    def _send_bytes(self, data: bytes, content_type: str, head: bool, headers: dict[str, str] | None = None) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if not head:
            self.wfile.write(data)

    # -- presigned image URLs ------------------------------------------------------------------
    def _serve_object(self, method: str) -> None:
        """A presigned GET (or HEAD) of the local S3: verified first, as S3 does; a request that does not
        verify is 403 and nothing is read (a missing object answers the same 403 as a present one)."""
        import boto3
        from botocore.exceptions import ClientError

        head = method == "HEAD"
        has_body = bool(self.headers.get("Content-Length") or self.headers.get("Transfer-Encoding"))
        refusal = self.server.presigned_url_verifier.refusal(method, self.path, self.headers)
        if refusal is None and method not in ("GET", "HEAD"):
            refusal = Refusal("MethodNotAllowed", f"the local S3 serves GET and HEAD, not {method}")
        if refusal is not None:
            status = HTTPStatus.METHOD_NOT_ALLOWED if refusal.code == "MethodNotAllowed" else HTTPStatus.FORBIDDEN
            self._send_json(
                status,
                {"error": refusal.code, "message": refusal.message, **refusal.details},
                close=has_body,
                head=head,
            )
            return
        split = urlsplit(self.path)
        bucket, _, key = unquote(split.path[len(LOCAL_S3_PATH) + 1 :]).partition("/")
        try:
            found = boto3.client("s3").get_object(Bucket=bucket, Key=key)
        except ClientError as error:
            code = error.response["Error"]["Code"]
            status = HTTPStatus.NOT_FOUND if code in ("NoSuchKey", "NoSuchBucket", "404") else HTTPStatus.FORBIDDEN
            self._send_json(status, {"error": code, "message": f"{bucket}/{key}"}, head=head)
            return
        data = found["Body"].read()
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", found.get("ContentType") or "application/octet-stream")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if not head:
            self.wfile.write(data)

    def _send_json(
        self,
        status: HTTPStatus,
        body: dict[str, Any],
        close: bool = False,
        head: bool = False,
        headers: dict[str, str] | None = None,
    ) -> None:
        data = json.dumps(body).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if close:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        if not head:
            self.wfile.write(data)


def _interrupt(*_args: Any) -> None:
    raise KeyboardInterrupt


def benchmark_report_file(bench_dir: Path, name: str) -> Path | None:
    """<bench_dir>/<name>/report.json when name is one folder's name (no path) and the report is there."""
    from imagegate_service.benchmark.report import REPORT_JSON

    if not _REPORT_NAME.match(name) or name in (".", ".."):
        return None
    report = Path(bench_dir) / name / REPORT_JSON
    return report if report.is_file() else None


def benchmark_index(bench_dir: Path) -> dict[str, Any]:
    """The local benchmark reports, newest first, each with a few headline figures from its report.json
    (a folder whose report cannot be read is listed with its problem, not dropped silently)."""
    from imagegate_service.benchmark.report import REPORT_JSON

    reports = []
    folders = sorted(Path(bench_dir).glob(f"*/{REPORT_JSON}"), key=lambda file: file.parent.name, reverse=True)
    for file in folders:
        name = file.parent.name
        if not _REPORT_NAME.match(name):
            continue
        entry: dict[str, Any] = {"name": name, "links": {"self": f"{BENCHMARKS_PATH}/{name}"}}
        try:
            report = json.loads(file.read_text(encoding="utf-8"))
            overall = report.get("overall") or {}
            entry.update(
                {
                    "suite": report.get("suite"),
                    "date": report.get("date"),
                    "startedAt": report.get("startedAt"),
                    "runs": overall.get("runs"),
                    "passRate": overall.get("passRate"),
                    "totalCostUsd": overall.get("totalCostUsd"),
                    "arms": sorted(report.get("arms") or {}),
                }
            )
        except (OSError, ValueError, AttributeError) as error:
            entry["problem"] = f"report.json cannot be read: {type(error).__name__}"
        reports.append(entry)
    return {"benchDir": str(bench_dir), "reports": reports}


class ApiServer(ThreadingHTTPServer):
    daemon_threads = True
    # socketserver's listen backlog is 5: a burst of clients (100 POSTs at once) got connections reset
    request_queue_size = socket.SOMAXCONN
    store: Any = None  # the LocalStore keeping runs on disk (imagegate/local/store.py), set by serve()
    bench_dir: Path | None = None  # the benchmark reports folder (--bench-dir), set by serve()

    def __init__(
        self,
        port: int,
        verbose: bool = False,
        presigned_url_verifier: PresignedUrlVerifier | None = None,
        guard: RequestGuard | None = None,
    ):
        super().__init__((HOST, port), _Handler)
        self.verbose = verbose
        self.guard = guard or RequestGuard()
        self.invocation_lock = threading.Lock()
        self._presigned_url_verifier = presigned_url_verifier

    @property
    def presigned_url_verifier(self) -> PresignedUrlVerifier:
        """Built on first use, from the credentials the local runtime has put in the environment by then."""
        if self._presigned_url_verifier is None:
            self._presigned_url_verifier = PresignedUrlVerifier.for_local_runtime()
        return self._presigned_url_verifier

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.server_address[1]}"


def serve(
    port: int = DEFAULT_PORT,
    faults: Any = None,
    retry_time_scale: float = 0.25,
    url_expiry_seconds: int | None = None,
    verbose: bool = False,
    ready: threading.Event | None = None,
    stop: threading.Event | None = None,
    data_dir: Path | None = None,
    bench_dir: Path | None = None,
    daily_budget_usd: float | None = None,
    guard: RequestGuard | None = None,
) -> int:
    """Run until Ctrl-C / SIGTERM (or `stop` is set). Port 0 picks a free port; the first line printed
    names the address. Runs are kept in data_dir (default ./runs, imagegate/local/store.py) and loaded
    from it before the first request is answered. `guard` says which requests are answered at all (default:
    this server's own Host and Origin, JSON bodies, no token)."""
    import os

    from imagegate.benchmark_local import DEFAULT_BENCH_OUT
    from imagegate.local.runtime import LocalRuntime
    from imagegate.local.store import DEFAULT_DATA_DIR, LocalStore

    root = Path(data_dir or DEFAULT_DATA_DIR)
    root.mkdir(parents=True, exist_ok=True)
    # the presigner and the verifier sign with this installation's secret, not moto's public keys
    credentials = installation_credentials(root)
    with LocalRuntime(faults=faults, retry_time_scale=retry_time_scale, credentials=credentials) as runtime:
        store = LocalStore(root, runtime).attach()
        guard = guard or RequestGuard()
        server = ApiServer(
            port, verbose=verbose, presigned_url_verifier=PresignedUrlVerifier.for_local_runtime(), guard=guard
        )
        if guard.cors_origins:  # the API answers their preflights and adds CORS headers (handlers/api.py)
            os.environ[c.ENV_CORS_ORIGINS] = ",".join(guard.cors_origins)
        os.environ[c.ENV_STATE_MACHINE_ARN] = runtime.state_machine_arn
        os.environ[c.ENV_PUBLIC_S3_ENDPOINT] = server.base_url + LOCAL_S3_PATH
        if url_expiry_seconds is not None:
            os.environ[c.ENV_PRESIGN_EXPIRY_SECONDS] = str(url_expiry_seconds)
        server.store = store
        server.bench_dir = Path(bench_dir or DEFAULT_BENCH_OUT)
        loaded = server.store.load()
        print(f"runs kept in {server.store.root}: {loaded.describe()}", flush=True)
        for problem in loaded.unreadable or []:  # each named with what is wrong; the rest is served as usual
            print(f"  skipped run folder {server.store.root / problem}", flush=True)
        if daily_budget_usd is not None:
            from imagegate.controls_cli import apply_daily_cap

            apply_daily_cap(daily_budget_usd, server.store.root)  # today's earlier spend of the kept runs counts
            print(f"daily budget: ${daily_budget_usd:g} of model spend per UTC day (GET /budget)", flush=True)
        print(f"imagegate API on {server.base_url} (local runtime, offline Bedrock); Ctrl-C stops it", flush=True)
        print(f"  console: open {server.base_url}/console/ in a browser", flush=True)
        auth = " -H 'Authorization: Bearer <token>'" if guard.token else ""
        print(
            f"  curl -X POST {server.base_url}/generations -H 'Content-Type: application/json'{auth} "
            '-d \'{"prompt": "a red apple"}\'',
            flush=True,
        )
        if guard.token:
            print("  every API route needs the token (the console: paste it under Connection as the API key)")
        from imagegate_service.handlers import api  # noqa: F401 (import errors show now, not on the first request)

        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, _interrupt)
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True)
        thread.start()
        if ready:
            ready.set()
        try:
            while thread.is_alive() and not (stop and stop.wait(0.2)):
                if not stop:
                    time.sleep(0.2)
        except KeyboardInterrupt:
            pass
        finally:
            server.shutdown()
            server.server_close()
    return 0
