"""Talking to a deployed imagegate API (issue 27.6): requests signed with SigV4 from the caller's AWS credentials
(botocore's own signer, service `execute-api`), and `imagegate smoke`, one small generation checked end to end.

The deployed API uses IAM authorization (apiAuthorization IAM, docs/deploy.md), so every request to an
`*.execute-api.<region>.amazonaws.com` host is signed; a loopback API (`imagegate serve`) takes unsigned requests and
is not signed, so the same commands and the same smoke checks run offline with no credentials."""

from __future__ import annotations

import re
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

# https://{api-id}.execute-api.{region}.amazonaws.com/{stage}: the region is the host's third label
_EXECUTE_API_HOST = re.compile(r"^[a-z0-9]+\.execute-api\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?$")
SIGNING_SERVICE = "execute-api"
TERMINAL_STATUSES = ("PASSED", "EXHAUSTED", "BLOCKED", "FAILED")
# The cheapest run that still goes through every step: one round of one candidate.
SMOKE_REQUEST = {"prompt": "a red apple on a white table", "maxRounds": 1, "candidatesPerRound": 1}
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def generation_path(run_id: str, action: str = "") -> str:
    """/generations/{id}[/action] with the id escaped as one path segment: an id typed on the command line ("a/b",
    "../budget", "x?y") must name that generation, never another route or a query."""
    return f"/generations/{quote(run_id, safe='')}" + (f"/{action}" if action else "")


class RemoteError(Exception):
    """What stops a request to a deployed API before it is sent (no credentials to sign with); said to the user."""


def signing_region(url: str) -> str | None:
    """The region to sign for when `url` is a deployed API (execute-api host); None: not signed (e.g. loopback)."""
    match = _EXECUTE_API_HOST.match(urlsplit(url).hostname or "")
    return match.group(1) if match else None


def sign(method: str, url: str, body: bytes | None, headers: dict[str, str], credentials: Any = None) -> dict[str, str]:
    """`headers` plus SigV4's (Authorization, X-Amz-Date, X-Amz-Security-Token with a session) for a deployed API;
    unchanged for any other URL. `credentials`: botocore credentials (default: the caller's, as boto3 finds them)."""
    region = signing_region(url)
    if region is None:
        return headers
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest

    if credentials is None:
        import botocore.session

        credentials = botocore.session.get_session().get_credentials()
    if credentials is None:
        raise RemoteError(
            f"no AWS credentials to sign the request to {url} with (the API uses IAM authorization): configure a "
            "profile or set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or use --api-key on a stack with apiKey"
        )
    request = AWSRequest(method=method, url=url, data=body or b"", headers=dict(headers))
    SigV4Auth(credentials.get_frozen_credentials(), SIGNING_SERVICE, region).add_auth(request)
    return dict(request.headers.items())


@dataclass
class Check:
    name: str
    passed: bool
    detail: str

    def line(self) -> str:
        return f"{'PASS' if self.passed else 'FAIL'} {self.name}: {self.detail}"


Call = Callable[[str, str, "dict[str, Any] | None"], "tuple[int, dict[str, Any]]"]


def smoke(
    call: Call,
    fetch: Callable[[str], tuple[int, bytes]],
    *,
    timeout_seconds: float = 900.0,
    poll_seconds: float = 5.0,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> tuple[list[Check], float]:
    """One small generation through `call` (method, path, body) -> (status, JSON), checked as the soak audit checks
    a run: it is accepted, it ends, each round is recorded once, every listed image downloads as a PNG from its
    presigned URL (`fetch`), the rounds' costs sum to the run's, and the evaluation is there. Returns the checks and
    the cost the run reports."""
    checks: list[Check] = []
    status, started = call("POST", "/generations", SMOKE_REQUEST)
    run_id = started.get("id")
    checks.append(
        Check("accepted", status == 202 and bool(run_id), f"POST /generations answered {status} {run_id or started}")
    )
    if not checks[-1].passed:
        return checks, 0.0
    deadline = clock() + timeout_seconds
    generation: dict[str, Any] = {}
    while True:
        status, generation = call("GET", generation_path(run_id), None)
        if (status == 200 and generation.get("status") in TERMINAL_STATUSES) or clock() >= deadline:
            break
        sleep(poll_seconds)
    ended = generation.get("status") in ("PASSED", "EXHAUSTED")
    checks.append(
        Check("run ended", ended, f"{run_id} is {generation.get('status')} {generation.get('reason') or ''}".strip())
    )
    rounds = generation.get("rounds") or []
    numbers = [item.get("round") for item in rounds]
    once = bool(numbers) and numbers == list(range(1, len(numbers) + 1))
    total_rounds = (generation.get("totals") or {}).get("rounds")
    checks.append(
        Check(
            "rounds recorded once",
            once and total_rounds == len(numbers),
            f"rounds {numbers}, totals.rounds {total_rounds}",
        )
    )
    images = [image for item in rounds for image in item.get("images") or []]
    downloaded = [fetch(image["url"]) for image in images if image.get("url")]
    good = [code == 200 and body.startswith(PNG_MAGIC) for code, body in downloaded]
    checks.append(
        Check(
            "images download",
            bool(images) and len(good) == len(images) and all(good),
            f"{sum(good)} of {len(images)} PNGs",
        )
    )
    cost = float((generation.get("totals") or {}).get("costUsd") or 0.0)
    summed = sum(float(item.get("costUsd") or 0.0) for item in rounds)
    checks.append(Check("cost adds up", abs(summed - cost) < 1e-6, f"rounds ${summed:.4f}, run ${cost:.4f}"))
    evaluated = all(isinstance(item.get("evaluation"), dict) for item in rounds) and bool(rounds)
    checks.append(
        Check(
            "evaluation present",
            evaluated,
            f"{sum(isinstance(r.get('evaluation'), dict) for r in rounds)} of {len(rounds)} rounds",
        )
    )
    return checks, cost


def fetch_url(url: str, timeout: float = 60.0) -> tuple[int, bytes]:
    """(status, body) of a GET of a presigned image URL (signed by the API already: sent as is)."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, b""


def stack_api_url(stack_name: str) -> str:
    """The `ApiUrl` output of a deployed stack (CloudFormation DescribeStacks, the caller's credentials)."""
    import boto3

    stacks = boto3.client("cloudformation").describe_stacks(StackName=stack_name)["Stacks"]
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stacks[0].get("Outputs", [])}
    if "ApiUrl" not in outputs:
        raise RemoteError(f"stack {stack_name} has no ApiUrl output (outputs: {', '.join(sorted(outputs)) or 'none'})")
    return outputs["ApiUrl"]


def smoke_command(args: Any) -> int:
    """`imagegate smoke --api URL | --stack NAME`: a PASS/FAIL line per check, the cost, exit 0 only if all pass."""
    from imagegate.controls_cli import call_api

    try:
        api = args.api if args.api else stack_api_url(args.stack)
        checks, cost = smoke(
            lambda method, path, body: call_api(api, method, path, body, args.api_key),
            fetch_url,
            timeout_seconds=args.timeout,
        )
    except (RemoteError, urllib.error.URLError, OSError) as error:
        print(f"imagegate smoke: FAIL: {error}")
        return 1
    except Exception as error:  # botocore's (no credentials, no such stack): said, no traceback
        print(f"imagegate smoke: FAIL: {type(error).__name__}: {error}")
        return 1
    for check in checks:
        print(check.line())
    passed = all(check.passed for check in checks)
    print(
        f"{'PASS' if passed else 'FAIL'} smoke against {api}: {sum(c.passed for c in checks)} of {len(checks)} checks, spent ${cost:.4f}"
    )
    return 0 if passed else 1
