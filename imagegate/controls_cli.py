"""The CLI's side of issue 13: `imagegate review` and `imagegate budget` (over a running `imagegate serve`, or any
imagegate API that takes unsigned requests), the review prompt of `imagegate run --review final`, and the daily cap of
`imagegate run/serve --daily-budget-usd` (today's spend read back from the run folders, so the cap holds across
invocations)."""

from __future__ import annotations

import getpass
import json
import sys
import urllib.error
import urllib.request
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from imagegate.remote import generation_path
from imagegate_service import constants as c

DEFAULT_API = "http://127.0.0.1:8080"  # imagegate serve's default address
EXIT_OK, EXIT_CONNECTION, EXIT_REFUSED = 0, 1, 2
REQUEST_TIMEOUT_SECONDS = 30


def positive_amount(text: str) -> float:
    """--daily-budget-usd: a finite amount above 0 (argparse type)."""
    import argparse
    import math

    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an amount in USD") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be an amount above 0")
    return value


def review_text(review: dict[str, Any]) -> str:
    """One review of a round for `imagegate show` and report.html: decision, who, when, and the feedback."""
    decision = {c.REVIEW_APPROVE: "approved", c.REVIEW_REJECT: "rejected"}.get(review.get("decision"), "reviewed")
    text = f"{decision} by {review.get('reviewer') or 'anonymous'} at {review.get('reviewedAt', '?')}"
    return f"{text}: “{review['feedback']}”" if review.get("feedback") else text


def call_api(
    api: str, method: str, path: str, body: dict[str, Any] | None = None, api_key: str | None = None
) -> tuple[int, dict[str, Any]]:
    """(HTTP status, JSON answer) of one request to the imagegate API at `api`."""
    data = None if body is None else json.dumps(body).encode("utf-8")
    headers = {"Content-Type": "application/json"} | ({"x-api-key": api_key} if api_key else {})
    from imagegate.remote import sign  # a deployed API (execute-api host) is signed with SigV4; loopback is not

    url = api.rstrip("/") + path
    request = urllib.request.Request(url, data=data, method=method, headers=sign(method, url, data, headers))
    try:
        with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT_SECONDS) as answer:
            return answer.status, json.loads(answer.read() or b"{}")
    except urllib.error.HTTPError as error:
        try:
            return error.code, json.loads(error.read() or b"{}")
        except ValueError:
            return error.code, {"error": "HTTPError", "message": str(error)}


def call_or_say(
    args: Any, method: str, path: str, body: dict[str, Any] | None = None
) -> tuple[int, dict[str, Any]] | None:
    """call_api with the command's --api and --api-key; None (said on stderr) when the API cannot be reached or
    answers something other than a JSON object."""
    from imagegate.remote import RemoteError

    try:
        status, answer = call_api(args.api, method, path, body, args.api_key)
    except RemoteError as error:
        print(f"imagegate: {error}", file=sys.stderr)
        return None
    except (urllib.error.URLError, OSError) as error:
        print(
            f"imagegate: cannot reach the API at {args.api}: {error} (is 'imagegate serve' running?)", file=sys.stderr
        )
        return None
    except ValueError:  # the answer is untrusted: a server that is not the imagegate API answers HTML
        answer = None
    if not isinstance(answer, dict):
        print(
            f"imagegate: {args.api} did not answer {method} {path} with a JSON object: is it the imagegate API?",
            file=sys.stderr,
        )
        return None
    return status, answer


def review_command(args: Any) -> int:
    body = {"decision": args.decision, **({"feedback": args.feedback} if args.feedback is not None else {})}
    called = call_or_say(args, "POST", generation_path(args.id, "review"), body)
    if called is None:
        return EXIT_CONNECTION
    status, answer = called
    if status != 200:
        print(f"imagegate: review refused ({status} {answer.get('error')}): {answer.get('message')}", file=sys.stderr)
        return EXIT_REFUSED
    review = answer.get("review") if isinstance(answer.get("review"), dict) else {}  # the answer is untrusted
    print(
        f"generation {answer.get('id', args.id)}: round {review.get('round', '?')} {review_text(review)}; "
        "the run goes on"
    )
    return EXIT_OK


def budget_command(args: Any) -> int:
    called = call_or_say(args, "GET", "/budget")
    if called is None:
        return EXIT_CONNECTION
    status, answer = called
    if status != 200:
        print(f"imagegate: {status} {answer.get('error')}: {answer.get('message')}", file=sys.stderr)
        return EXIT_CONNECTION
    print(describe_budget(answer))
    return EXIT_OK


def describe_budget(budget: dict[str, Any]) -> str:
    if budget["capUsd"] is None:
        return f"{budget['day']} (UTC): {budget.get('note') or 'no daily budget is set: today’s spend is not counted'}"
    return (
        f"{budget['day']} (UTC): spent ${budget['spentUsd']:.6f}, reserved ${budget['reservedUsd']:.6f} of "
        f"${budget['capUsd']:.2f} ({budget['usedRatio']:.0%} used, ${budget['remainingUsd']:.6f} left); "
        f"resets at {budget['resetsAt']}"
    )


def spent_today_in(folder: Path, now: datetime | None = None) -> float:
    """What the runs kept in `folder` (run.json ledgers: every billed call with when it was recorded) spent today."""
    day = (now or datetime.now(UTC)).strftime("%Y-%m-%d")
    total = 0.0
    for run_file in Path(folder).glob("*/run.json"):
        try:
            ledger = json.loads(run_file.read_text(encoding="utf-8")).get("ledger") or []
        except (OSError, ValueError):
            continue  # a folder another process is writing: the store reports unreadable ones
        total += sum(float(e.get("costUsd") or 0.0) for e in ledger if str(e.get("recordedAt") or "").startswith(day))
    return round(total, 9)


def apply_daily_cap(cap_usd: float | None, folder: Path) -> None:
    """Inside a LocalRuntime: the cap for every function (its environment) and today's earlier spend of the runs in
    `folder` on the day's ledger, so the cap counts what other invocations already spent today."""
    if cap_usd is None:
        return
    import os

    from imagegate_service.adapters.controls import DynamoDailyBudgetStore
    from imagegate_service.domain.clock import iso, utc_now
    from imagegate_service.domain.daily_budget import utc_day

    os.environ[c.ENV_DAILY_BUDGET_USD] = repr(float(cap_usd))
    earlier = spent_today_in(folder)
    if earlier > 0:
        now = utc_now()
        DynamoDailyBudgetStore().settle(utc_day(now), earlier, earlier, iso(now))


def ask_review_body(ask: Callable[[str], str] = input) -> dict[str, Any] | None:
    """A review asked on the terminal as the API's body ({decision, feedback?}); None at the end of input. The
    answer is not checked here: the API (or the local Reviews) says what is wrong with it, and it is asked again."""
    try:
        choice = ask("approve or reject? [a/r] ").strip().lower()
        body: dict[str, Any] = {"decision": {"a": "approve", "r": "reject"}.get(choice[:1], choice)}
        if body["decision"] == c.REVIEW_REJECT:
            body["feedback"] = ask("what should the next round change? ")
    except EOFError:
        return None
    return body


def review_prompter(run_id: str, runs: Any, ask: Callable[[str], str] = input) -> Callable[[], None]:
    """on_poll for `imagegate run --review final`: when the run waits for its review, ask on the terminal and take
    the answer as the API would (who: the local user). End of input leaves the run waiting until its timeout."""
    from imagegate_service import wiring
    from imagegate_service.errors import InvalidRequest, ReviewNotWaiting

    state = {"asked": None, "silent": False}

    def poll() -> None:
        item = runs.get_run(run_id) or {}
        if item.get("status") != c.STATUS_AWAITING_REVIEW or state["silent"]:
            return
        key = (item.get("reviewRound"), item.get("reviewDeadline"))
        if state["asked"] == key:
            return
        state["asked"] = key
        print(f"round {item.get('reviewRound')} waits for your review (until {item.get('reviewDeadline')})")
        while True:
            body = ask_review_body(ask)
            if body is None:
                state["silent"] = True
                print("no answer: the run waits until its review times out")
                return
            try:
                wiring.reviews().submit(run_id, body, f"{getpass.getuser()} (imagegate run)")
                return
            except InvalidRequest as error:
                print(f"  {error}")
            except ReviewNotWaiting as error:
                print(f"  {error}")
                return

    return poll
