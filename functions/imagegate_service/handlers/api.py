"""The HTTP API (API Gateway REST proxy events; `imagegate serve` sends the same events locally).

POST /generations            start a generation (Idempotency-Key header: at most one execution per key)
GET  /generations/{id}       its status, progress (step, elapsed, estimate), settings, rounds with image URLs, best image, totals
GET  /generations            recent generations, newest first (?limit=1-100&cursor=...&evaluation=passed|failed|unverified
                             &status=EXHAUSTED or PASSED,EXHAUSTED: filtered here, 400 naming the field otherwise)
GET  /options                what a run form needs: defaults, model and size choices, limits (read-only)
POST /generations/{id}/review  approve or reject a run that waits for its review (409 when it does not)
POST /generations/{id}/cancel  stop a run that has not ended (it ends FAILED, execution ABORTED; 409 once it has)
DELETE /generations/{id}     remove a finished run's images and items (204; 409 while it or an enhancement runs)
GET  /budget                 today's spend, reservations and the daily cap (dailyBudgetUsd)

Errors are JSON {"error", "message", "field"?}: 400 bad request, 404 unknown id or route, 409 idempotency
key reused with another body (or still in progress) or a review of a run not waiting for one, 429 throttled or
DailyBudgetExhausted (Retry-After: seconds to the next UTC midnight), 500 without internals.
The request body must be JSON (Content-Type application/json or +json; none, or curl's default
application/x-www-form-urlencoded with a JSON body, is read as JSON too) of at most
MAX_REQUEST_BODY_BYTES."""

from __future__ import annotations

import base64
import binascii
import json
from http import HTTPStatus
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, CORSConfig, Response, content_types
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from imagegate_service import constants as c
from imagegate_service import wiring
from imagegate_service.domain.enhancements import describe_enhancements
from imagegate_service.domain.lifecycle import Cancelled
from imagegate_service.domain.options import RunOptions, run_options
from imagegate_service.errors import (
    DailyBudgetExhausted,
    GenerationNotFound,
    GenerationNotRunning,
    GenerationStillRunning,
    IdempotencyKeyReused,
    InvalidRequest,
    ObjectsNotDeleted,
    RequestInProgress,
    ReviewNotWaiting,
    StoreThrottled,
    Throttled,
)
from imagegate_service.handlers._powertools import logger, tracer

# The API's own limit on a request body (API Gateway allows 10 MB; a run request is a few KB at most).
MAX_REQUEST_BODY_BYTES = 32 * 1024

# Media types whose body is read as JSON (see the module docstring).
JSON_MEDIA_TYPES = ("application/json",)
LENIENT_MEDIA_TYPES = ("", "application/x-www-form-urlencoded")
_THROTTLING_CODES = {
    "ThrottlingException",
    "ProvisionedThroughputExceededException",
    "RequestLimitExceeded",
    "TooManyRequestsException",
}
_CORS_HEADERS = [
    "Content-Type",
    "Authorization",
    "X-Amz-Date",
    "X-Amz-Security-Token",
    "X-Api-Key",
    c.IDEMPOTENCY_HEADER,
]


def _cors() -> CORSConfig | None:
    origins = wiring.cors_origins()
    if not origins:
        return None
    return CORSConfig(
        allow_origin=origins[0],
        extra_origins=origins[1:],
        allow_headers=_CORS_HEADERS,
        expose_headers=["Location", "Idempotency-Replayed"],
        max_age=300,
    )


app = APIGatewayRestResolver(cors=_cors())
generations = wiring.generations()
reviews = wiring.reviews()
daily_budget = wiring.daily_budget()
enhancements = wiring.enhancement_starter()
lifecycle = wiring.generation_lifecycle()


@app.post("/generations")
@tracer.capture_method
def start_generation() -> Response[Any]:
    request = _json_body()
    answer = generations.start(request, _idempotency_key(), _base_path(), app.lambda_context)
    replayed = answer.pop("replayed")
    return Response(
        status_code=HTTPStatus.ACCEPTED,
        content_type=content_types.APPLICATION_JSON,
        body=answer,
        headers={"Location": answer["links"]["self"], "Idempotency-Replayed": str(replayed).lower()},
    )


@app.get("/generations/<generation_id>")
@tracer.capture_method
def get_generation(generation_id: str) -> dict[str, Any]:
    document = generations.get(generation_id, _base_path())
    document["enhancements"] = describe_enhancements(enhancements.store, wiring.url_signer(), generation_id)
    return document


@app.post("/generations/<generation_id>/enhance")
@tracer.capture_method
def enhance_generation(generation_id: str) -> Response[Any]:
    """Enhance the generation's final image: 202 with the enhancement's id; GET the generation for its progress."""
    answer = enhancements.start(generation_id, _json_body())
    location = f"{_base_path()}/generations/{generation_id}"
    return Response(
        status_code=HTTPStatus.ACCEPTED,
        content_type=content_types.APPLICATION_JSON,
        body={**answer, "links": {"generation": location}},
        headers={"Location": location},
    )


@app.get("/generations")
@tracer.capture_method
def list_generations() -> dict[str, Any]:
    query = app.current_event.query_string_parameters
    return generations.list(
        query.get("limit"), query.get("cursor"), _base_path(), query.get("evaluation"), query.get("status")
    )


@app.post("/generations/<generation_id>/review")
@tracer.capture_method
def review_generation(generation_id: str) -> dict[str, Any]:
    return reviews.submit(generation_id, _json_body(), _caller())


@app.post("/generations/<generation_id>/cancel")
@tracer.capture_method
def cancel_generation(generation_id: str) -> Cancelled:
    """Stop a running generation: 200 with how it ended (domain/lifecycle.py)."""
    return lifecycle.cancel(generation_id, _caller())


@app.delete("/generations/<generation_id>")
@tracer.capture_method
def delete_generation(generation_id: str) -> Response[Any]:
    """Remove a finished generation's images and items: 204 (domain/lifecycle.py)."""
    removed = lifecycle.delete(generation_id, _caller())
    logger.info("generation deleted", extra=removed)
    return Response(status_code=HTTPStatus.NO_CONTENT, content_type=content_types.APPLICATION_JSON, body="")


@app.exception_handler([GenerationNotRunning, GenerationStillRunning])
def _lifecycle_conflict(error: Exception) -> Response[Any]:
    return error_response(HTTPStatus.CONFLICT, type(error).__name__, str(error))


@app.get("/budget")
@tracer.capture_method
def get_budget() -> dict[str, Any]:
    return daily_budget.status()


@app.get("/options")
@tracer.capture_method
def get_options() -> RunOptions:
    return run_options()


# -- errors ----------------------------------------------------------------------------------------
def error_response(
    status: HTTPStatus, error: str, message: str, field: str | None = None, headers: dict[str, str] | None = None
) -> Response[Any]:
    body = {"error": error, "message": message, **({"field": field} if field else {})}
    return Response(status_code=status, content_type=content_types.APPLICATION_JSON, body=body, headers=headers)


@app.exception_handler(InvalidRequest)
def _invalid_request(error: InvalidRequest) -> Response[Any]:
    return error_response(HTTPStatus.BAD_REQUEST, "InvalidRequest", f"{error.field}: {error.message}", error.field)


@app.exception_handler(GenerationNotFound)
def _not_found(error: GenerationNotFound) -> Response[Any]:
    return error_response(HTTPStatus.NOT_FOUND, "NotFound", str(error))


@app.exception_handler([IdempotencyKeyReused, RequestInProgress])
def _conflict(error: Exception) -> Response[Any]:
    return error_response(HTTPStatus.CONFLICT, type(error).__name__, str(error), c.IDEMPOTENCY_HEADER)


@app.exception_handler(ReviewNotWaiting)
def _not_waiting(error: ReviewNotWaiting) -> Response[Any]:
    return error_response(HTTPStatus.CONFLICT, "ReviewNotWaiting", str(error))


@app.exception_handler(DailyBudgetExhausted)
def _daily_budget(error: DailyBudgetExhausted) -> Response[Any]:
    return error_response(
        HTTPStatus.TOO_MANY_REQUESTS,
        "DailyBudgetExhausted",
        str(error),
        headers={"Retry-After": str(error.retry_after_seconds)},
    )


@app.exception_handler(ObjectsNotDeleted)
def _objects_not_deleted(error: ObjectsNotDeleted) -> Response[Any]:
    return error_response(HTTPStatus.SERVICE_UNAVAILABLE, "DeleteIncomplete", str(error), headers={"Retry-After": "1"})


@app.exception_handler([Throttled, StoreThrottled])
def _throttled(error: Throttled | StoreThrottled) -> Response[Any]:
    return _throttled_response(error)


def _throttled_response(error: Exception) -> Response[Any]:
    return error_response(HTTPStatus.TOO_MANY_REQUESTS, "Throttled", str(error), headers={"Retry-After": "1"})


@app.not_found
def _no_route(_error: Exception) -> Response[Any]:
    method, path = app.current_event.http_method, app.current_event.path
    allowed = sorted(route.method for route in [*app._static_routes, *app._dynamic_routes] if route.rule.match(path))
    if allowed:
        return error_response(
            HTTPStatus.METHOD_NOT_ALLOWED,
            "MethodNotAllowed",
            f"{method} is not allowed on {path[:200]}; allowed: {', '.join(allowed)}",
            headers={"Allow": ", ".join(allowed)},
        )
    return error_response(HTTPStatus.NOT_FOUND, "NotFound", f"no route {method[:20]} {path[:200]}")


@app.exception_handler(Exception)
def _unexpected(error: Exception) -> Response[Any]:
    if _is_throttling(error):
        return _throttled_response(Throttled("the service is busy; retry later"))
    logger.exception("unhandled error")  # the details stay in the log; the caller gets the request id
    return error_response(
        HTTPStatus.INTERNAL_SERVER_ERROR,
        "InternalError",
        f"internal error (request id {app.lambda_context.aws_request_id})",
    )


def _is_throttling(error: BaseException | None) -> bool:
    while error is not None:
        response = getattr(error, "response", None)
        if isinstance(response, dict) and response.get("Error", {}).get("Code") in _THROTTLING_CODES:
            return True
        error = error.__cause__
    return False


# -- request parsing -------------------------------------------------------------------------------
def _json_body() -> Any:
    event = app.current_event
    media_type = (event.headers.get("content-type") or "").split(";", 1)[0].strip().lower()
    if not (media_type in JSON_MEDIA_TYPES or media_type.endswith("+json") or media_type in LENIENT_MEDIA_TYPES):
        raise InvalidRequest("Content-Type", f"must be application/json, not {media_type[:100]!r}")
    raw = event.body or ""
    if event.is_base64_encoded:
        try:
            data = base64.b64decode(raw, validate=True)
        except (binascii.Error, ValueError):
            raise InvalidRequest("body", "is not valid base64") from None
    else:
        data = raw.encode("utf-8", errors="surrogatepass")
    if len(data) > MAX_REQUEST_BODY_BYTES:
        raise InvalidRequest("body", f"is {len(data)} bytes; the limit is {MAX_REQUEST_BODY_BYTES}")
    if not data.strip():
        raise InvalidRequest("body", 'is empty; send a JSON run request such as {"prompt": "a red apple"}')
    try:
        # NaN and Infinity are read as numbers so the run request's validation refuses them naming the field.
        return json.loads(data.decode("utf-8"), parse_constant=float)
    except UnicodeDecodeError:
        raise InvalidRequest("body", "is not UTF-8 text") from None
    except RecursionError:
        raise InvalidRequest("body", "is nested too deeply") from None
    except ValueError as error:
        raise InvalidRequest("body", f"is not valid JSON: {str(error)[:200]}") from None


def _idempotency_key() -> str | None:
    key = app.current_event.headers.get(c.IDEMPOTENCY_HEADER.lower())
    return key if key is None else key.strip()


def _caller() -> str:
    """Who is calling, as API Gateway identified them: the IAM principal (authorization IAM), the API key, else
    the source address (authorization NONE, or imagegate serve)."""
    identity = (app.current_event.get("requestContext") or {}).get("identity") or {}
    for field in ("userArn", "caller", "apiKeyId"):
        if identity.get(field):
            return str(identity[field])
    return f"anonymous ({identity['sourceIp']})" if identity.get("sourceIp") else "anonymous"


def _base_path() -> str:
    """The stage or custom-domain base path in front of the API's own paths (links must include it)."""
    event = app.current_event
    full = (event.get("requestContext") or {}).get("path") or ""
    return full[: -len(event.path)] if event.path and full.endswith(event.path) else ""


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@tracer.capture_lambda_handler
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(_controls_escaped(event), context)


def _controls_escaped(event: dict[str, Any]) -> dict[str, Any]:
    """The path with control characters percent-encoded: the resolver's route patterns end in `$`, which also
    matches before a final newline, so `GET /generations/%0A` (decoded to a newline) answered the listing. An
    escaped path matches what it spells (here: no such generation, 404)."""
    path = event.get("path")
    if isinstance(path, str) and any(ord(ch) < 32 or ord(ch) == 127 for ch in path):
        escaped = "".join(f"%{ord(ch):02X}" if ord(ch) < 32 or ord(ch) == 127 else ch for ch in path)
        return {**event, "path": escaped}
    return event
