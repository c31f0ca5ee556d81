"""The HTTP API's three operations on generations (runs): start one, show one, list recent ones.

Start validates the request with the very rules Start Run applies (settings.resolve_settings) before it
touches anything, writes the run item as QUEUED, then starts a named execution of the quality loop; with an Idempotency-Key it does so
at most once per key (Powertools idempotency, records in the runs table). Show and list read what the
loop's tasks record (run and round items) and hand out presigned URLs for the images."""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from imagegate_service import constants as c
from imagegate_service.domain.clock import utc_now
from imagegate_service.domain.daily_budget import DailyBudget
from imagegate_service.domain.ports import Clock, RunRepository, UrlSigner, Workflow
from imagegate_service.domain.progress import progress
from imagegate_service.domain.readings import (
    EVALUATION_FILTERS,
    evaluation_class,
    evaluation_summary,
    verification_summary,
    with_nulls,
)
from imagegate_service.domain.run_ids import is_run_id, new_run_id
from imagegate_service.domain.start import new_run_item
from imagegate_service.domain.state import ExecutionStep, Progress, RoundItem, RunItem, RunsIndexKey
from imagegate_service.errors import (
    GenerationNotFound,
    IdempotencyKeyReused,
    InvalidRequest,
    RequestInProgress,
    Throttled,
    WorkflowThrottled,
)
from imagegate_service.settings import resolve_settings

# POST /generations with an Idempotency-Key: its records (Powertools, in the runs table under constants.IDEMPOTENCY_PK)
# are keyed under this prefix and kept a day.
IDEMPOTENCY_KEY_PREFIX = "generations.start"
IDEMPOTENCY_EXPIRY_SECONDS = 24 * 3600
# GET /generations?limit= (openapi/imagegate.openapi.json says the same).
LIST_DEFAULT_LIMIT = 20
LIST_MAX_LIMIT = 100

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.idempotency.persistence.datarecord import DataRecord

COLLECTION_PATH = "/generations"
# Printable ASCII without spaces, like the header values clients generate (UUIDs, hashes, ULIDs).
_IDEMPOTENCY_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")
_CANDIDATE = re.compile(r"candidate-(\d+)\.png$")
_CURSOR_KEYS = {"pk", "sk", c.RUNS_INDEX_PK, c.RUNS_INDEX_SK}
# A filtered listing reads at most this many index pages (of `limit` runs each) per request: a filter that matches
# few runs answers a short page with a nextCursor rather than reading the whole table in one request.
LIST_FILTER_MAX_PAGES = 5


class Generations:
    def __init__(
        self,
        runs: RunRepository,
        workflow: Workflow,
        presigner: UrlSigner,
        daily: DailyBudget,
        idempotency_store_factory: Callable[[], Any],
        was_deleted: Callable[[str], bool],
        new_id: Callable[[], str] = new_run_id,
        clock: Clock = utc_now,
    ):
        """`idempotency_store_factory`: Powertools' persistence layer, made on the first POST with an
        Idempotency-Key (wiring.idempotency_store); `was_deleted`: whether DELETE left its marker for the id."""
        self._runs = runs
        self._daily = daily
        self._workflow = workflow
        self._presigner = presigner
        self._idempotency_store_factory = idempotency_store_factory
        self._was_deleted_marker = was_deleted
        self._new_id = new_id
        self._clock = clock
        self._idempotency_config: Any = None
        self._start_once: Callable[..., dict[str, Any]] | None = None

    @property
    def idempotency_config(self) -> Any:
        """Made on first use: Powertools idempotency imports boto3 and its DynamoDB layer, a cold-start
        cost only a POST with an Idempotency-Key needs."""
        if self._idempotency_config is None:
            from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig

            self._idempotency_config = IdempotencyConfig(
                event_key_jmespath="key",
                payload_validation_jmespath="request",  # same key, different body -> IdempotencyValidationError
                expires_after_seconds=IDEMPOTENCY_EXPIRY_SECONDS,
                response_hook=_mark_replayed,
            )
        return self._idempotency_config

    # -- start -----------------------------------------------------------------------------------
    def start(
        self, request: Any, idempotency_key: str | None = None, base_path: str = "", lambda_context: Any = None
    ) -> dict[str, Any]:
        """Validate, then start one execution (at most one per idempotency key). The answer's `replayed`
        is True when an earlier request with the same key had started it. The Lambda context lets an
        in-progress record expire with the invocation's remaining time."""
        settings = resolve_settings(request)  # InvalidRequest before anything is written or started
        submission = {"key": idempotency_key, "request": request, "settings": settings, "basePath": base_path}
        if idempotency_key is None:
            return {**self._start(submission=submission), "replayed": False}
        if not _IDEMPOTENCY_KEY.match(idempotency_key):
            raise InvalidRequest(c.IDEMPOTENCY_HEADER, "must be 1-255 printable ASCII characters without spaces")
        from aws_lambda_powertools.utilities.idempotency.exceptions import (
            IdempotencyAlreadyInProgressError,
            IdempotencyValidationError,
        )

        if lambda_context is not None:
            self.idempotency_config.register_lambda_context(lambda_context)
        try:
            answer = self._idempotent_start()(submission=submission)
        except IdempotencyValidationError as error:
            raise IdempotencyKeyReused(
                f"{c.IDEMPOTENCY_HEADER} was already used with a different request body"
            ) from error
        except IdempotencyAlreadyInProgressError as error:
            raise RequestInProgress(f"a request with this {c.IDEMPOTENCY_HEADER} is still in progress") from error
        return {"replayed": False, **answer}

    def _idempotent_start(self) -> Callable[..., dict[str, Any]]:
        if self._start_once is None:
            from aws_lambda_powertools.utilities.idempotency import idempotent_function

            self._start_once = idempotent_function(
                self._start,
                data_keyword_argument="submission",
                persistence_store=self._idempotency_store_factory(),
                config=self.idempotency_config,
                key_prefix=IDEMPOTENCY_KEY_PREFIX,
            )
        return self._start_once

    def _start(self, *, submission: dict[str, Any]) -> dict[str, Any]:
        """Write the run item (QUEUED: lists and GETs see the generation at once), then start its execution.
        When StartExecution fails the item is deleted, not marked FAILED: the client was told the request was
        not accepted (429/500) and retries it, so a FAILED item would show a generation that never was. The
        delete holds only while it is QUEUED: an execution that did start after all moves it on to RUNNING
        (Start Run creates the item again if the delete won). An idempotent replay never comes here."""
        # the daily cap (DailyBudgetExhausted, 429) before anything is written; a replay never comes here
        self._daily.check_start(submission["settings"])
        run_id = self._new_id()
        self._runs.create_run(run_id, new_run_item(run_id, submission["settings"], self._clock(), c.STATUS_QUEUED))
        try:
            self._workflow.start(run_id, submission["request"])
        except BaseException as error:
            self._runs.delete_queued_run(run_id)
            if isinstance(error, WorkflowThrottled):
                raise Throttled("too many generations are starting; retry later") from error
            raise
        return {
            "id": run_id,
            "status": c.STATUS_QUEUED,
            "settings": submission["settings"],
            "links": _links(submission["basePath"], run_id),
        }

    # -- show ------------------------------------------------------------------------------------
    def get(self, run_id: str, base_path: str = "") -> dict[str, Any]:
        if not is_run_id(run_id):
            raise GenerationNotFound(f"no generation has the id {run_id!r}")
        item = self._runs.get_run(run_id)
        if item is None:
            return self._not_recorded_yet(run_id, base_path)
        rounds = sorted(self._runs.list_rounds(run_id), key=lambda entry: entry["round"])
        best_key = item.get("bestImageKey")
        best_round = next((entry for entry in rounds if entry["round"] == item.get("bestRound")), None)
        return {
            "id": run_id,
            "status": item["status"],
            "reason": item.get("reason"),
            "error": item.get("error"),
            "prompt": item["prompt"],
            "settings": item["settings"],
            "startedAt": item["startedAt"],
            "updatedAt": item.get("updatedAt"),
            "finishedAt": item.get("finishedAt"),
            # while it waits for a person: the round under review and until when (never the task token)
            "awaitingReview": (
                {"round": item.get("reviewRound"), "deadline": item.get("reviewDeadline")}
                if item["status"] == c.STATUS_AWAITING_REVIEW
                else None
            ),
            # the step it is at (generating, judging, verifying, evaluating, rewriting...), each finished step's
            # length, the time since it started and an estimate of what is left
            "progress": self._progress(run_id, item),
            "rounds": [self._round(entry) for entry in rounds],
            # the independent evaluator on the final best image: the best round's evaluation
            "evaluation": with_nulls(best_round.get("evaluation") if best_round else None),
            # the verifier's grounding of the judge's checks on that image (None: not asked, or no verifier then)
            "verification": with_nulls(best_round.get("verification") if best_round else None),
            "bestImage": (
                {"round": item.get("bestRound"), "score": item.get("bestScore"), "url": self._presigner.url(best_key)}
                if best_key
                else None
            ),
            "totals": {
                "rounds": item.get("rounds", 0),
                "costUsd": item.get("costUsd", 0.0),
                "evaluationCostUsd": item.get("evaluationCostUsd", 0.0),
                "bestScore": item.get("bestScore"),
                "finalScore": item.get("finalScore"),
            },
            "links": _links(base_path, run_id),
        }

    def _progress(self, run_id: str, item: RunItem) -> Progress:
        """progress.progress of the run; the execution's history is read only while the run is open (an ended
        run's steps are its rounds). A history that cannot be read now leaves the step None, never an error."""
        steps: list[ExecutionStep] = []
        if item["status"] in c.OPEN_STATUSES:
            from botocore.exceptions import BotoCoreError, ClientError

            try:
                steps = self._workflow.execution_steps(run_id)
            except (WorkflowThrottled, ClientError, BotoCoreError):
                steps = []
        settings = item.get("settings")
        return progress(
            steps,
            item.get("startedAt"),
            self._clock(),
            int((settings.get("maxRounds") if settings else None) or 1),
            item.get("finishedAt") if item["status"] not in c.OPEN_STATUSES else None,
        )

    def _not_recorded_yet(self, run_id: str, base_path: str) -> dict[str, Any]:
        """Between StartExecution and the Start Run task the run item does not exist yet."""
        status = self._workflow.execution_status(run_id)
        if status is None:
            raise GenerationNotFound(f"no generation has the id {run_id!r}")
        if self._was_deleted(run_id):  # DELETE /generations/{id} (domain/lifecycle.py)
            raise GenerationNotFound(f"generation {run_id} was deleted")
        return {
            "id": run_id,
            "status": c.STATUS_RUNNING if status == "RUNNING" else c.STATUS_FAILED,
            "reason": None if status == "RUNNING" else f"the execution ended {status} before the run was recorded",
            "error": None,
            "prompt": None,
            "settings": None,
            "startedAt": None,
            "updatedAt": None,
            "finishedAt": None,
            "progress": None,
            "rounds": [],
            "evaluation": None,
            "verification": None,
            "bestImage": None,
            "totals": {"rounds": 0, "costUsd": 0.0, "evaluationCostUsd": 0.0, "bestScore": None, "finalScore": None},
            "links": _links(base_path, run_id),
        }

    def _was_deleted(self, run_id: str) -> bool:
        return self._was_deleted_marker(run_id)

    def _round(self, entry: RoundItem) -> dict[str, Any]:
        scores = entry.get("candidateScores") or []
        best_key = entry.get("bestImageKey")
        images = []
        for index, key in enumerate(entry.get("imageKeys") or []):
            match = _CANDIDATE.search(key)
            images.append(
                {
                    "candidate": int(match.group(1)) if match else index + 1,
                    "score": scores[index] if index < len(scores) else None,
                    "best": key == best_key,
                    "url": self._presigner.url(key),
                    # what the offline world drew, for people (console overlay): an offline image's drawn.json;
                    # a real model's image has none (the URL answers 404). Presigning makes no request.
                    "drawing": self._presigner.url(c.drawn_key(key)),
                }
            )
        return {
            "round": entry["round"],
            "prompt": entry["prompt"],
            "negativePrompt": entry.get("negativePrompt", ""),
            "promptChanges": entry.get("promptChanges", []),
            "score": entry["score"],
            "passed": entry["passed"],  # the judge's verdict: score >= threshold
            # the gate's: the judge passed and no check the verifier grounded failed (a round recorded before the
            # verifier existed: the judge's)
            "gatePassed": entry.get("gatePassed", entry["passed"]),
            "verification": with_nulls(entry.get("verification")),
            "subscores": entry.get("subscores", {}),
            "explanation": entry.get("explanation", ""),
            "suggestions": entry.get("suggestions", []),
            "judgeChecks": entry.get("judgeChecks", []),
            # generate, or edit of an earlier round's best image (sourceImage) with the edit's parameters
            "mode": entry.get("mode", c.MODE_GENERATE),
            "sourceImage": self._presigner.url(source) if (source := entry.get("sourceImageKey")) else None,
            "edit": entry.get("edit"),
            # a targeted round that drew instead (its Image Service was unavailable): the edit, the service, why
            "targetedFallback": entry.get("targetedFallback"),
            "costUsd": entry.get("costUsd", 0.0),
            "evaluation": with_nulls(entry.get("evaluation")),
            "evaluationCostUsd": entry.get("evaluationCostUsd", 0.0),
            "recordedAt": entry.get("recordedAt"),
            "reviews": entry.get("reviews", []),  # who, when, decision, feedback
            "images": images,
            "bestCandidate": next((image["candidate"] for image in images if image["best"]), None),
            "bestImage": self._presigner.url(best_key) if best_key else None,
        }

    # -- list ------------------------------------------------------------------------------------
    def list(
        self,
        limit: str | None = None,
        cursor: str | None = None,
        base_path: str = "",
        evaluation: str | None = None,
        status: str | None = None,
    ) -> dict[str, Any]:
        """Newest first, one page. With `evaluation` (passed, failed or unverified: the evaluator's verdict on
        each run's best image) and/or `status` (a run status: one or several, comma separated) only the runs that
        match; such a page may hold fewer than `limit` runs while nextCursor goes on (see LIST_FILTER_MAX_PAGES).
        The filter is applied here, on the index query's pages, never by the client on what it loaded."""
        page_size = _parse_limit(limit)
        wanted = _parse_evaluation_filter(evaluation)
        statuses = _parse_status_filter(status)
        start = _decode_cursor(cursor) if cursor else None
        if wanted is None and statuses is None:
            items, last_key = self._runs.list_recent_runs(page_size, start)
        else:

            def matches(item: RunItem) -> bool:
                return (wanted is None or evaluation_class(item.get("evaluation")) == wanted) and (
                    statuses is None or item.get("status") in statuses
                )

            items, last_key = _filtered_page(self._runs, page_size, start, matches)
        next_cursor = _encode_cursor(last_key) if last_key else None
        filters = [f"evaluation={wanted}"] if wanted else []
        filters += [f"status={','.join(statuses)}"] if statuses else []
        links = {"self": base_path + COLLECTION_PATH + ("?" + "&".join(filters) if filters else "")}
        if next_cursor:
            also = "".join(f"&{f}" for f in filters)
            links["next"] = f"{base_path}{COLLECTION_PATH}?limit={page_size}&cursor={next_cursor}{also}"
        return {
            "generations": [
                {
                    "id": item["runId"],
                    "status": item["status"],
                    "prompt": item["prompt"],
                    "startedAt": item["startedAt"],
                    "finishedAt": item.get("finishedAt"),
                    "rounds": item.get("rounds", 0),
                    "bestScore": item.get("bestScore"),
                    "threshold": settings.get("threshold") if (settings := item.get("settings")) else None,
                    "bestImage": self._presigner.url(item["bestImageKey"]) if item.get("bestImageKey") else None,
                    "costUsd": item.get("costUsd", 0.0),
                    # beside the status: the evaluator's and the verifier's verdicts on the best image, in counts
                    "evaluation": evaluation_summary(item.get("evaluation")),
                    "evaluationClass": evaluation_class(item.get("evaluation")),
                    "verification": verification_summary(item.get("verification")),
                    "links": _links(base_path, item["runId"]),
                }
                for item in items
            ],
            "nextCursor": next_cursor,
            "links": links,
        }


def _filtered_page(
    runs: RunRepository, page_size: int, start: RunsIndexKey | None, wanted: Callable[[RunItem], bool]
) -> tuple[list[RunItem], RunsIndexKey | None]:
    """Up to page_size runs that match `wanted`, reading at most LIST_FILTER_MAX_PAGES index
    pages; the key to continue from is the last run kept when the page filled mid-way (the runs after it are
    read again by the next request), else the index's own."""
    kept: list[RunItem] = []
    key = start
    for _ in range(LIST_FILTER_MAX_PAGES):
        page, last_key = runs.list_recent_runs(page_size, key)
        for position, item in enumerate(page):
            if not wanted(item):
                continue
            kept.append(item)
            if len(kept) == page_size:
                rest = position < len(page) - 1
                return kept, (_index_key(item) if rest else last_key)
        if not last_key:
            return kept, None
        key = last_key
    return kept, key


def _index_key(item: RunItem) -> RunsIndexKey:
    """The runs index's key of a run item (_CURSOR_KEYS): where a listing goes on from it."""
    return {
        "pk": item["pk"],
        "sk": item["sk"],
        c.RUNS_INDEX_PK: item[c.RUNS_INDEX_PK],
        c.RUNS_INDEX_SK: item[c.RUNS_INDEX_SK],
    }


def _links(base_path: str, run_id: str) -> dict[str, str]:
    return {"self": f"{base_path}{COLLECTION_PATH}/{run_id}"}


def _mark_replayed(response: Any, idempotent_data: DataRecord) -> Any:
    return {**response, "replayed": True} if isinstance(response, dict) else response


def _parse_limit(limit: str | None) -> int:
    if limit is None:
        return LIST_DEFAULT_LIMIT
    if not limit.isdigit() or not 1 <= int(limit) <= LIST_MAX_LIMIT:
        raise InvalidRequest("limit", f"must be an integer from 1 to {LIST_MAX_LIMIT}, not {limit[:20]!r}")
    return int(limit)


def _parse_evaluation_filter(evaluation: str | None) -> str | None:
    if evaluation is None:
        return None
    if evaluation not in EVALUATION_FILTERS:
        raise InvalidRequest("evaluation", f"must be one of {', '.join(EVALUATION_FILTERS)}, not {evaluation[:20]!r}")
    return evaluation


def _parse_status_filter(status: str | None) -> tuple[str, ...] | None:
    """`status=EXHAUSTED` or `status=PASSED,EXHAUSTED` (case as the statuses are written); 400 naming the field
    and the statuses for anything else, so a filter is never silently ignored."""
    if status is None:
        return None
    asked = tuple(dict.fromkeys(part.strip() for part in status.split(",")))
    if not asked or any(part not in c.RUN_STATUSES for part in asked):
        raise InvalidRequest(
            "status", f"must be one or more of {', '.join(c.RUN_STATUSES)} (comma separated), not {status[:40]!r}"
        )
    return asked


def _encode_cursor(key: RunsIndexKey) -> str:
    text = json.dumps(key, separators=(",", ":"), sort_keys=True)
    return base64.urlsafe_b64encode(text.encode("utf-8")).decode("ascii").rstrip("=")


def _decode_cursor(cursor: str) -> RunsIndexKey:
    """The cursor is the index's LastEvaluatedKey; only one this API could have handed out is accepted."""
    problem = InvalidRequest("cursor", "is not a cursor this API returned (use nextCursor from a listing)")
    if len(cursor) > 1024:
        raise problem
    try:
        key = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("utf-8"))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise problem from None
    if not (
        isinstance(key, dict)
        and set(key) == _CURSOR_KEYS
        and all(isinstance(v, str) for v in key.values())
        and key[c.RUNS_INDEX_PK] == c.RUNS_INDEX_PK_VALUE
        and key["sk"] == c.RUN_SK
        and key["pk"].startswith(c.run_pk(""))
        and is_run_id(key["pk"][len(c.run_pk("")) :])
        and key[c.RUNS_INDEX_SK]
    ):
        raise problem
    return key
