"""`imagegate run|list|show --api URL` (issue 27.6): the same commands, output and exit codes as their local forms,
against an imagegate API instead of the embedded runtime and the run folders: a deployed stack's `ApiUrl` (requests
signed with SigV4 from the caller's AWS credentials, imagegate/remote.py) or `imagegate serve`'s address (unsigned;
`--api-key` carries a stack's API key or serve's --token).

The API's generation document (GET /generations/{id}) is read into the fields of run.json that `imagegate show`
prints, so one renderer serves both; images are the API's presigned URLs instead of paths in a run folder. A
request the API refuses is one line with its status, error and message (exit 2 for a refused request, as the local
forms refuse bad input; 1 when the API cannot be reached or fails), never a traceback."""

from __future__ import annotations

import argparse
import sys
import time
import urllib.error
from collections.abc import Callable
from typing import Any

from imagegate.remote import generation_path
from imagegate_service import constants as c

# Seconds between two reads of a running generation: a round takes tens of seconds in AWS and a few locally, so a
# round is printed soon after it is recorded without a read per event (each read is an API request; on a deployed
# stack, a signed and billed one).
POLL_SECONDS = 1.0
# Consecutive failed reads (unreachable, 429, 5xx) tolerated while following a run before giving up on following it
# (the run goes on in the API either way): a restart of serve or a throttled read is not the end of the run.
POLL_FAILURES_TOLERATED = 5
LIST_PAGE_MAX = 100  # GET /generations?limit= takes 1-100 (the API's own limit, domain/generations.py)
EXIT_CONNECTION = 1
EXIT_REFUSED = 2  # as cli.EXIT_INVALID_INPUT: the request was refused, nothing started
# `imagegate run` flags that act on the embedded runtime or read the local run folders only: refused with --api
# rather than silently ignored (--from copies a run folder in --out, not a generation of the API: it would send a
# local run's settings and a `from` the API does not know).
LOCAL_ONLY_RUN_FLAGS = {"fault": "--fault", "daily_budget_usd": "--daily-budget-usd", "from_run": "--from"}


class ApiFailure(Exception):
    """The API could not be reached or did not answer as asked; the message is the line to print."""

    def __init__(self, message: str, exit_code: int = EXIT_CONNECTION) -> None:
        super().__init__(message)
        self.exit_code = exit_code


Call = Callable[[str, str, "dict[str, Any] | None"], "tuple[int, dict[str, Any]]"]


def api_caller(api: str, api_key: str | None) -> Call:
    """(method, path, body) -> (status, JSON) against `api`; ApiFailure for what stops a request being answered
    (no AWS credentials to sign with, connection refused, DNS, timeout)."""
    from imagegate.controls_cli import call_api
    from imagegate.remote import RemoteError

    def call(method: str, path: str, body: dict[str, Any] | None = None) -> tuple[int, dict[str, Any]]:
        try:
            status, answer = call_api(api, method, path, body, api_key)
        except RemoteError as error:
            raise ApiFailure(str(error)) from None
        except (urllib.error.URLError, OSError, ValueError) as error:  # ValueError: an answer that is not JSON
            reason = getattr(error, "reason", None) or error
            raise ApiFailure(f"cannot reach the API at {api}: {reason}") from None
        if not isinstance(answer, dict):  # the answer is untrusted: every caller reads it as an object
            raise ApiFailure(f"{method} {path}: {api} answered {type(answer).__name__} JSON, not an object")
        return status, answer

    return call


def refusal(method: str, path: str, status: int, answer: dict[str, Any]) -> str:
    """One line for an API's error answer: '<METHOD> <path> refused (400 InvalidRequest): <message>'."""
    what = "refused" if 400 <= status < 500 else "failed"
    error = answer.get("error") or "HTTPError"
    message = str(answer.get("message") or "")[:300]
    hint = (
        " (give --api-key: the stack's API key or serve's --token; a deployed API with IAM authorization needs AWS "
        "credentials allowed execute-api:Invoke)"
        if status in (401, 403)
        else ""
    )
    return f"{method} {path} {what} ({status} {error}){': ' + message if message else ''}{hint}"


def run_document(generation: dict[str, Any]) -> dict[str, Any]:
    """The run.json fields `imagegate show` and run's summary print, from the API's generation document; each
    round's bestImage is its presigned URL (the API keeps the images, not a run folder)."""
    totals = generation.get("totals") or {}
    settings = generation.get("settings") or {}
    return {
        "runId": generation["id"],
        "status": generation["status"],
        "reason": generation.get("reason"),
        "prompt": generation.get("prompt") or "",
        "threshold": settings.get("threshold"),
        "finalScore": totals.get("finalScore"),
        "bestRound": (generation.get("bestImage") or {}).get("round"),
        "costUsd": float(totals.get("costUsd") or 0.0),
        "evaluationCostUsd": float(totals.get("evaluationCostUsd") or 0.0),
        "evaluation": generation.get("evaluation"),
        "verification": generation.get("verification"),
        "error": generation.get("error"),
        "cause": None,  # the API answers with the error only; the cause stays in the execution's history
        "rounds": [{**entry, "bestImage": entry.get("bestImage") or ""} for entry in generation.get("rounds") or []],
    }


def _local_flags_given(args: argparse.Namespace) -> str | None:
    given = [flag for name, flag in LOCAL_ONLY_RUN_FLAGS.items() if getattr(args, name, None)]
    if given:
        return f"{', '.join(given)}: only for the embedded local runtime and its run folders, not with --api (nothing was sent)"
    return None


def run_command(args: argparse.Namespace) -> int:
    """`imagegate run --api URL`: POST /generations, then (unless --no-wait) follow it, printing each round as it is
    recorded and the run's summary at its end; the exit code is the run's status's, as locally."""
    from imagegate import cli

    problem = _local_flags_given(args)
    if problem:
        print(f"imagegate: invalid request: {problem}", file=sys.stderr)
        return EXIT_REFUSED
    try:
        request = cli._build_request(args)
    except (cli._UsageError, ValueError, OSError) as error:  # ValueError covers json.JSONDecodeError
        return cli._fail_input(str(error))
    call = api_caller(args.api, args.api_key)
    try:
        status, answer = call("POST", "/generations", request)
    except ApiFailure as error:
        print(f"imagegate: {error}; nothing was started", file=sys.stderr)
        return error.exit_code
    if status == 400:
        field = answer.get("field")
        hint = cli._flag_hint(field, args) if field else ""
        print(f"imagegate: invalid request: {answer.get('message') or answer}{hint}", file=sys.stderr)
        return EXIT_REFUSED
    if status != 202 or not answer.get("id"):
        print(f"imagegate: {refusal('POST', '/generations', status, answer)}", file=sys.stderr)
        return EXIT_REFUSED if 400 <= status < 500 else EXIT_CONNECTION
    run_id = str(answer["id"])
    print(f"run {run_id} started ({args.api})")
    follow = f"imagegate show {run_id} --api {args.api}"
    if args.no_wait:
        print(f"follow it with: {follow}")
        return 0
    try:
        generation = follow_run(call, run_id, args, cli._print_round)
        document = run_document(generation)
        cli._print_summary(document)
    except ApiFailure as error:
        print(f"imagegate: {error}; the run goes on in the API: {follow}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print(f"imagegate: stopped following run {run_id}; it goes on in the API: {follow}", file=sys.stderr)
        return 130
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as error:  # the answer is untrusted
        print(
            f"imagegate: {args.api} answered a generation document imagegate cannot read ({error!r}); the run goes "
            f"on in the API: {follow}",
            file=sys.stderr,
        )
        return EXIT_CONNECTION
    best = generation.get("bestImage") or {}
    if best.get("url"):
        print(f"best image (round {best.get('round')}): {best['url']}")
    print(f"again: {follow}")
    return cli.EXIT_CODES.get(document["status"], 1)


def follow_run(
    call: Call,
    run_id: str,
    args: argparse.Namespace,
    on_round: Callable[[dict[str, Any]], None],
    sleep: Callable[[float], None] = time.sleep,
) -> dict[str, Any]:
    """The generation once it has ended, calling on_round once for each round as it appears; a run with review
    final that waits for its review is asked about on the terminal, and the answer POSTed to the API."""
    printed: set[int] = set()
    failures = 0
    asked: tuple[Any, Any] | None = None
    path = generation_path(run_id)
    while True:
        try:
            status, generation = call("GET", path, None)
        except ApiFailure as error:
            status, generation, last = 0, {}, str(error)
        else:
            last = refusal("GET", path, status, generation)
        if status != 200:
            failures += 1
            if status in (400, 403, 404) or failures > POLL_FAILURES_TOLERATED:
                raise ApiFailure(last)
            sleep(POLL_SECONDS)
            continue
        failures = 0
        for entry in sorted(generation.get("rounds") or [], key=lambda r: r["round"]):
            if entry["round"] not in printed:
                printed.add(entry["round"])
                on_round(entry)
        if generation.get("status") in c.TERMINAL_STATUSES:
            return generation
        waiting = generation.get("awaitingReview")
        if generation.get("status") == c.STATUS_AWAITING_REVIEW and waiting:
            key = (waiting.get("round"), waiting.get("deadline"))
            if key != asked:
                asked = key
                _ask_review(call, run_id, waiting)
        sleep(POLL_SECONDS)


def _ask_review(call: Call, run_id: str, waiting: dict[str, Any], ask: Callable[[str], str] = input) -> None:
    """The terminal review of `imagegate run --review final`, answered through POST /generations/{id}/review."""
    from imagegate.controls_cli import ask_review_body

    print(f"round {waiting.get('round')} waits for your review (until {waiting.get('deadline')})")
    while True:
        body = ask_review_body(ask)
        if body is None:
            print("no answer: the run waits until its review times out")
            return
        status, answer = call("POST", generation_path(run_id, "review"), body)
        if status == 200:
            return
        print(f"  {answer.get('message') or refusal('POST', 'review', status, answer)}")
        if status != 400:  # 409: no longer waiting (timed out, reviewed elsewhere); anything else: not retried
            return


def show_command(args: argparse.Namespace) -> int:
    """`imagegate show ID --api URL`: the run's rounds and summary as `imagegate show` prints a run folder."""
    import io

    from imagegate import cli
    from imagegate.terminal import Terminal

    path = generation_path(args.run_dir)
    try:
        status, generation = api_caller(args.api, args.api_key)("GET", path, None)
    except ApiFailure as error:
        print(f"imagegate: {error}", file=sys.stderr)
        return error.exit_code
    if status == 404:
        print(
            f"imagegate: {args.run_dir!r} is not a generation at {args.api} ('imagegate list --api URL')",
            file=sys.stderr,
        )
        return EXIT_REFUSED
    if status != 200:
        print(f"imagegate: {refusal('GET', path, status, generation)}", file=sys.stderr)
        return EXIT_REFUSED if 400 <= status < 500 else EXIT_CONNECTION
    rendered = io.StringIO()
    try:
        cli._print_run(run_document(generation), None, Terminal(rendered, interactive=Terminal().interactive))
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as error:  # the answer is untrusted
        print(
            f"imagegate: {args.api} answered a generation document imagegate cannot read ({error!r})", file=sys.stderr
        )
        return EXIT_CONNECTION
    sys.stdout.write(rendered.getvalue())
    best = generation.get("bestImage") or {}
    if best.get("url"):
        print(f"best image (round {best.get('round')}): {best['url']}")
    return 0


def list_command(args: argparse.Namespace) -> int:
    """`imagegate list --api URL`: the API's generations, newest first, in the local listing's table (pages of
    GET /generations followed until --limit rows or the last page)."""
    from imagegate import cli

    call = api_caller(args.api, args.api_key)
    rows: list[dict[str, str]] = []
    cursor: str | None = None
    try:
        while len(rows) < args.limit:
            query = f"?limit={min(LIST_PAGE_MAX, args.limit - len(rows))}"
            query += f"&status={args.status}" if args.status else ""
            query += f"&cursor={cursor}" if cursor else ""
            status, page = call("GET", "/generations" + query, None)
            if status != 200:
                print(f"imagegate: {refusal('GET', '/generations', status, page)}", file=sys.stderr)
                return EXIT_REFUSED if 400 <= status < 500 else EXIT_CONNECTION
            rows += [_list_row(item) for item in page.get("generations") or []]
            cursor = page.get("nextCursor")
            if not cursor:
                break
    except ApiFailure as error:
        print(f"imagegate: {error}", file=sys.stderr)
        return error.exit_code
    except (KeyError, TypeError, ValueError, AttributeError) as error:  # the answer is untrusted
        print(f"imagegate: {args.api} answered a listing imagegate cannot read ({error!r})", file=sys.stderr)
        return EXIT_CONNECTION
    cli._print_listing(rows[: args.limit], args.status, f"at {args.api}")
    return 0


def _list_row(item: dict[str, Any]) -> dict[str, str]:
    """A GET /generations item as a row of `imagegate list` (the API gives the evaluator's counts already)."""
    from imagegate import cli

    return cli.list_row(
        run_id=item["id"],
        started=item.get("startedAt"),
        status=item["status"],
        rounds=int(item.get("rounds") or 0),
        # finalScore is the best score once the run has ended (None before), as run.json's
        score=item.get("bestScore") if item["status"] in c.TERMINAL_STATUSES else None,
        counts=item.get("evaluation"),
        cost=item.get("costUsd"),
        prompt=item.get("prompt"),
    )
