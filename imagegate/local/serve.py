"""`imagegate serve`: the HTTP API on 127.0.0.1 over the embedded local runtime.

Each HTTP request becomes an API Gateway REST proxy event for the very handler the API Lambda runs
(`imagegate_service.handlers.api.handler`), after the checks API Gateway itself makes before a Lambda
sees a request (a body over 10 MB is refused with 413; the handler's own, smaller limit answers 400).
Executions run in moto's worker threads, so a POST answers at once.

Presigned image URLs: the handler signs them for the endpoint in IMAGEGATE_PUBLIC_S3_ENDPOINT, which
this server sets to its own `/_local_s3` path and serves from moto's S3, refusing a URL whose
X-Amz-Date + X-Amz-Expires has passed (as S3 does)."""

from __future__ import annotations

import base64
import json
import re
import signal
import sys
import threading
import time
import uuid
from datetime import datetime, timezone
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from imagegate_service import constants as c

HOST = "127.0.0.1"
DEFAULT_PORT = 8080
LOCAL_S3_PATH = "/_local_s3"
API_GATEWAY_MAX_BODY_BYTES = 10 * 1024 * 1024  # API Gateway REST's payload limit
STAGE = "local"
# The API's resources, as API Gateway names them in `resource` (most specific first).
_RESOURCES = (
    (re.compile(r"^/generations/(?P<id>[^/]+)$"), "/generations/{id}"),
    (re.compile(r"^/generations$"), "/generations"),
)


def rest_proxy_event(method: str, raw_path: str, headers: list[tuple[str, str]], body: bytes,
                     source_ip: str = HOST) -> dict[str, Any]:
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
            "resourcePath": resource, "httpMethod": method, "path": path, "stage": STAGE,
            "requestId": request_id, "requestTimeEpoch": int(time.time() * 1000),
            "identity": {"sourceIp": source_ip, "userAgent": multi_headers.get("User-Agent", [""])[-1]},
        },
        "body": text if body else None,
        "isBase64Encoded": encoded,
    }


def presigned_url_problem(query: dict[str, list[str]], access_key: str, now: float | None = None) -> str | None:
    """Why S3 would refuse this presigned GET (None: it would serve it). Checks the SigV4 query's fields,
    that it was signed with the runtime's credentials, and that it has not expired."""
    fields = {name: values[-1] for name, values in query.items()}
    required = ("X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires", "X-Amz-Signature")
    missing = [name for name in required if not fields.get(name)]
    if missing:
        return f"not a presigned URL (missing {', '.join(missing)})"
    if fields["X-Amz-Algorithm"] != "AWS4-HMAC-SHA256" or not fields["X-Amz-Credential"].startswith(access_key + "/"):
        return "the URL was not signed by this runtime"
    try:
        signed_at = datetime.strptime(fields["X-Amz-Date"], "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc)
        expires = int(fields["X-Amz-Expires"])
    except ValueError:
        return "malformed X-Amz-Date or X-Amz-Expires"
    if not 1 <= expires <= 604800:
        return "X-Amz-Expires must be 1-604800 seconds"
    if (time.time() if now is None else now) > signed_at.timestamp() + expires:
        return "Request has expired"
    return None


class _Handler(BaseHTTPRequestHandler):
    server: "ApiServer"
    protocol_version = "HTTP/1.1"
    server_version = "imagegate-serve"

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        if urlsplit(self.path).path.startswith(LOCAL_S3_PATH + "/"):
            self._serve_object()
        else:
            self._invoke_api("GET")

    def __getattr__(self, name: str) -> Any:
        """Every other method (POST, PUT, DELETE, HEAD, OPTIONS, TRACE, ...) goes to the API, which answers
        405 or 404 for what it does not serve (http.server alone would answer 501)."""
        if name.startswith("do_"):
            return lambda: self._invoke_api(name[3:])
        raise AttributeError(name)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        if self.server.verbose:
            super().log_message(format, *args)

    # -- the API -------------------------------------------------------------------------------
    def _invoke_api(self, method: str) -> None:
        from imagegate.local.runtime import FakeLambdaContext
        from imagegate_service.handlers import api

        length_header = self.headers.get("Content-Length")
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            self._send_json(HTTPStatus.LENGTH_REQUIRED, {"error": "LengthRequired",
                                                          "message": "send the body with a Content-Length"}, close=True)
            return
        try:
            length = int(length_header or 0)
        except ValueError:
            self._send_json(HTTPStatus.BAD_REQUEST, {"error": "InvalidRequest", "message": "bad Content-Length",
                                                     "field": "Content-Length"}, close=True)
            return
        if length > API_GATEWAY_MAX_BODY_BYTES:
            self._send_json(HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                            {"error": "PayloadTooLarge", "field": "body",
                             "message": f"body: {length} bytes is over API Gateway's {API_GATEWAY_MAX_BODY_BYTES}"},
                            close=True)
            return
        body = self.rfile.read(length) if length > 0 else b""
        event = rest_proxy_event(method, self.path, list(self.headers.items()), body, self.client_address[0])
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

    # -- presigned image URLs ------------------------------------------------------------------
    def _serve_object(self) -> None:
        import boto3
        from botocore.exceptions import ClientError

        split = urlsplit(self.path)
        bucket, _, key = unquote(split.path[len(LOCAL_S3_PATH) + 1:]).partition("/")
        problem = presigned_url_problem(parse_qs(split.query), self.server.access_key)
        if problem:
            self._send_json(HTTPStatus.FORBIDDEN, {"error": "AccessDenied", "message": problem})
            return
        try:
            found = boto3.client("s3").get_object(Bucket=bucket, Key=key)
        except ClientError as error:
            code = error.response["Error"]["Code"]
            status = HTTPStatus.NOT_FOUND if code in ("NoSuchKey", "NoSuchBucket", "404") else HTTPStatus.FORBIDDEN
            self._send_json(status, {"error": code, "message": f"{bucket}/{key}"})
            return
        data = found["Body"].read()
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", found.get("ContentType") or "application/octet-stream")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _send_json(self, status: HTTPStatus, body: dict[str, Any], close: bool = False) -> None:
        data = json.dumps(body).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        if close:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        self.wfile.write(data)


def _interrupt(*_args: Any) -> None:
    raise KeyboardInterrupt


class ApiServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, port: int, access_key: str, verbose: bool = False):
        super().__init__((HOST, port), _Handler)
        self.access_key = access_key
        self.verbose = verbose
        self.invocation_lock = threading.Lock()

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.server_address[1]}"


def serve(port: int = DEFAULT_PORT, faults: Any = None, retry_time_scale: float = 0.25,
          url_expiry_seconds: int | None = None, verbose: bool = False,
          ready: threading.Event | None = None, stop: threading.Event | None = None) -> int:
    """Run until Ctrl-C / SIGTERM (or `stop` is set). Port 0 picks a free port; the first line printed
    names the address."""
    import os

    from imagegate.local.runtime import LocalRuntime

    with LocalRuntime(faults=faults, retry_time_scale=retry_time_scale) as runtime:
        server = ApiServer(port, access_key=os.environ["AWS_ACCESS_KEY_ID"], verbose=verbose)
        os.environ[c.ENV_STATE_MACHINE_ARN] = runtime.state_machine_arn
        os.environ[c.ENV_PUBLIC_S3_ENDPOINT] = server.base_url + LOCAL_S3_PATH
        if url_expiry_seconds is not None:
            os.environ[c.ENV_PRESIGN_EXPIRY_SECONDS] = str(url_expiry_seconds)
        print(f"imagegate API on {server.base_url} (local runtime, offline Bedrock); Ctrl-C stops it", flush=True)
        print(f"  curl -X POST {server.base_url}/generations -d '{{\"prompt\": \"a red apple\"}}'", flush=True)
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
