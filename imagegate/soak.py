"""`make soak` (RUNS=N, default 300): many quality loops at once on the local runtime under injected faults,
then an audit of what they left behind. Not part of `make test`.

The runs: N requests drawn from a seeded generator, varying the image model, the judge, the prompt's length
(short, medium, up to the generator's limit), candidates per round (1-3), rounds (1-4) and the budget (the
default, or a tight one a little above one round's estimate), started through StartExecution with at most
--concurrency in flight. The offline provider answers with 30% throttling (every operation), 5% garbage
verdicts, 5% refused verdicts and 5% filtered images (FaultSwitches: throttle_rate, garbage_verdict_rate,
refuse_verdict_rate, blocked_output_rate). Retry waits are scaled to 0.

The audit reads the STORED RECORDS ALONE: the runs table (each run's items: RUN, ROUND#NN, CALL#<id> ledger
entries), the bucket (each run's objects under runs/{id}/) and the executions (describe + history). A run's
run.json is export.build_run_document over its items, as `imagegate run` writes it. The checks, per run:

- lostRounds: round numbers 1..R with no round item and not in the run item's filteredRounds (a round whose every
  image the output filter withheld), where R is the larger of the run item's `rounds` and the number of times the
  execution left its "Record Round" state (a round that was recorded, then lost).
- duplicateRounds: round items beyond the run's count (round number > R), plus "Record Round" exits for a
  round number that had already been recorded (the same round written twice).
- orphanImages: PNG objects under runs/{id}/ that run.json does not list (no round's images or best image, nor
  the interruptedRound's: the round a run ended in before it was recorded).
- stuckRuns: runs whose execution has ended while the run item still says QUEUED or RUNNING (or is missing),
  and executions still running when the audit reads them (the soak stops waiting for a run after --timeout).
- overBudget: runs whose recorded spend is above their maxCostUsd (by more than half a micro-dollar): the
  ledger's sum when the run has ledger entries, else costUsd + evaluationCostUsd of the run item.
- unrecordedSpendUsd: the offline providers' own bill (offline_bill_usd: every billable answer Bedrock gave, and
  Rekognition's answered calls at the registry's price) minus the recorded spend of all runs (as above), rounded
  to the micro-dollar.
- byStatus: run item status -> runs ("MISSING" when there is no run item).
- failedByCause: for FAILED runs, the run item's `error` (else its reason's first words) -> runs.

The last line printed is one JSON object with exactly the keys of SOAK_KEYS. Progress goes to stdout through
imagegate.terminal: a plain line per change when it is not a terminal, a bar redrawn in place when it is.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import threading
import time
import warnings
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from imagegate.local.bedrock_offline import FaultSwitches
from imagegate.local.runtime import BUCKET, TABLE, LocalRuntime
from imagegate.terminal import Terminal
from imagegate_service import constants as c
from imagegate_service import registry

SOAK_KEYS = (
    "runs",
    "byStatus",
    "lostRounds",
    "duplicateRounds",
    "orphanImages",
    "stuckRuns",
    "overBudget",
    "unrecordedSpendUsd",
    "failedByCause",
)
DEFAULT_RUNS = 300
RECORD_ROUND_STATE = "Record Round"
# The soak: 30% throttling, 5% garbage verdicts, 5% refused verdicts, 5% filtered images.
SOAK_FAULTS = {
    "throttle_rate": 0.30,
    "garbage_verdict_rate": 0.05,
    "refuse_verdict_rate": 0.05,
    "blocked_output_rate": 0.05,
}
_PER_RUN_CHECKS = ("lostRounds", "duplicateRounds", "orphanImages", "stuckRuns", "overBudget")
BUDGET_SLACK_USD = 5e-7  # costs are recorded rounded to the micro-dollar
_SUBJECTS = (
    "a red apple",
    "a blue cup",
    "a black cat",
    "a yellow bicycle",
    "two green bottles",
    "a white dog",
    "an orange ball",
    "a purple umbrella",
    "three red books",
    "a brown horse",
)
_PLACES = ("on a wooden table", "in a park", "on a beach", "in a kitchen", "under a tree", "on a snowy street")
_DETAILS = (
    "soft morning light",
    "seen from above",
    "photorealistic",
    "watercolor style",
    "high contrast",
    "shallow depth of field",
    "warm colors",
    "a plain background",
    "wide angle",
    "late afternoon sun",
)


@dataclass
class SoakRun:
    run_id: str
    request: dict[str, Any]
    execution_arn: str = ""
    start_error: str | None = None
    timed_out: bool = False


# -- the requests ------------------------------------------------------------------------------------
def soak_requests(count: int, seed: int) -> list[dict[str, Any]]:
    """`count` valid run requests, varied and reproducible for the seed."""
    from imagegate_service.domain.costs import estimated_round_cost
    from imagegate_service.errors import InvalidRequest
    from imagegate_service.settings import resolve_settings

    rng = random.Random(seed)
    generators = [model for model in registry.generator_ids() if _valid({"prompt": "a cup", "generator": model})]
    judges = [
        model
        for model in registry.text_model_ids(vision_only=True)
        if registry.text_model(model).tool_use and _valid({"prompt": "a cup", "judge": model})
    ]
    requests = []
    while len(requests) < count:
        generator = rng.choice(generators)
        request: dict[str, Any] = {
            "prompt": _prompt(
                rng, rng.choice(("short", "medium", "long")), registry.generator(generator).prompt_max_chars
            ),
            "generator": generator,
            "judge": rng.choice(judges),
            "candidatesPerRound": rng.randint(1, 3),
            "maxRounds": rng.randint(1, 4),
            "seed": rng.randrange(1, 2**31 - 1),
        }
        try:
            if rng.random() < 0.2:  # a tight budget: the loop must stop on it, never pass it
                request["maxCostUsd"] = round(
                    estimated_round_cost(resolve_settings(request)) * rng.uniform(1.0, 2.5), 6
                )
            resolve_settings(request)
        except InvalidRequest:
            continue
        requests.append(request)
    return requests


def _valid(request: dict[str, Any]) -> bool:
    from imagegate_service.errors import InvalidRequest
    from imagegate_service.settings import resolve_settings

    try:
        resolve_settings(request)
    except InvalidRequest:
        return False
    return True


def _prompt(rng: random.Random, length: str, limit: int) -> str:
    words = [rng.choice(_SUBJECTS), rng.choice(_PLACES)]
    target = {"short": 0, "medium": 200, "long": limit - 20}[length]
    while len(", ".join(words)) < target:
        words.append(rng.choice(_DETAILS))
    text = ", ".join(words)
    return text if len(text) <= limit else text[:limit].rsplit(",", 1)[0]


# -- running -----------------------------------------------------------------------------------------
def run_soak(
    runtime: LocalRuntime,
    requests: list[dict[str, Any]],
    concurrency: int,
    timeout_seconds: float,
    progress: Callable[[int, int], None] | None = None,
) -> list[SoakRun]:
    """Start every request (at most `concurrency` in flight) and wait for each to end."""
    import boto3

    from imagegate_service.domain.run_ids import new_run_id

    runs = [SoakRun(new_run_id(), request) for request in requests]
    done, lock = [0], threading.Lock()
    sfn = boto3.client("stepfunctions")  # a client is thread-safe; making one is not

    def one(run: SoakRun) -> None:
        try:
            run.execution_arn = runtime.start(run.request, run.run_id)
            deadline = time.monotonic() + timeout_seconds
            while _execution_status(sfn, run.execution_arn) == "RUNNING":
                if time.monotonic() > deadline:
                    run.timed_out = True
                    break
                time.sleep(0.05)
        except Exception as error:
            run.start_error = f"{type(error).__name__}: {error}"
        with lock:
            done[0] += 1
            if progress:
                progress(done[0], len(runs))

    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        list(pool.map(one, runs))
    return runs


# -- the audit ---------------------------------------------------------------------------------------
def audit(
    runtime: LocalRuntime, runs: list[SoakRun], billed_usd: float, findings: list[str] | None = None
) -> dict[str, Any]:
    """The soak's checks over the stored records of `runs` (see the module docstring); `findings` receives
    one line per run and check that is not clean, naming the run."""
    import boto3

    from imagegate.export import build_run_document

    table = boto3.resource("dynamodb").Table(TABLE)
    s3, sfn = boto3.client("s3"), boto3.client("stepfunctions")
    result: dict[str, Any] = {key: 0 for key in SOAK_KEYS}
    result.update(runs=len(runs), byStatus={}, failedByCause={})
    recorded_total = Decimal(0)
    for run in runs:
        counts_before = {key: result[key] for key in _PER_RUN_CHECKS}
        items = _items(table, run.run_id)
        run_item = items["run"]
        status = run_item["status"] if run_item else "MISSING"
        result["byStatus"][status] = result["byStatus"].get(status, 0) + 1
        if status == c.STATUS_FAILED:
            cause = run_item.get("error") or " ".join(str(run_item.get("reason") or "unknown").split()[:6])
            result["failedByCause"][cause] = result["failedByCause"].get(cause, 0) + 1
            if findings is not None:
                findings.append(
                    f"{run.run_id}: FAILED {cause}: {' '.join(str(run_item.get('cause') or '').split())[:200]}"
                )
        execution_status = _execution_status(sfn, run.execution_arn)
        if execution_status == "RUNNING" or (execution_status is not None and status in (*c.OPEN_STATUSES, "MISSING")):
            result["stuckRuns"] += 1
        recorded_rounds = _record_round_exits(sfn, run.execution_arn) if run.execution_arn else []
        counted = max(int(run_item.get("rounds", 0)) if run_item else 0, len(recorded_rounds))
        stored = {int(item["round"]) for item in items["rounds"]}
        # a round whose every image the output filter withheld has no round item: the run item lists it
        filtered = {int(n) for n in (run_item or {}).get("filteredRounds", [])}
        result["lostRounds"] += len(set(range(1, counted + 1)) - stored - filtered)
        result["duplicateRounds"] += len([n for n in stored if n > counted])
        result["duplicateRounds"] += len(recorded_rounds) - len(set(recorded_rounds))
        if run_item:
            plain = _plain(run_item)
            document = build_run_document(plain, [_plain(item) for item in items["rounds"]])
            listed = {
                f"{c.RUNS_PREFIX}{run.run_id}/{name}"
                for entry in document["rounds"]
                for name in [*entry["images"], entry["bestImage"]]
            }
            listed |= {
                f"{c.RUNS_PREFIX}{run.run_id}/{name}" for name in (document["interruptedRound"] or {}).get("images", [])
            }
            result["orphanImages"] += len(
                [
                    key
                    for key in _keys(s3, f"{c.RUNS_PREFIX}{run.run_id}/")
                    if key.endswith(".png") and key not in listed
                ]
            )
            spent = _recorded_spend(run_item, items["ledger"])
            recorded_total += spent
            if spent > Decimal(str(plain["settings"]["maxCostUsd"])) + Decimal(str(BUDGET_SLACK_USD)):
                result["overBudget"] += 1
        if findings is not None:
            findings.extend(
                f"{run.run_id}: {key} {result[key] - counts_before[key]} (status {status}, rounds stored "
                f"{sorted(stored)}, counted {counted})"
                for key in _PER_RUN_CHECKS
                if result[key] != counts_before[key]
            )
    result["unrecordedSpendUsd"] = round(billed_usd - float(recorded_total), 6) + 0.0  # + 0.0: never "-0.0"
    return result


def offline_bill_usd(runtime: LocalRuntime) -> float:
    """What the offline providers would have billed: every billable Bedrock answer (OfflineBedrock.billed_usd), and
    every answered Rekognition call at the registry's price (the verifier's DetectLabels asks for both features)."""
    from imagegate_service.domain.costs import labels_price, text_price

    price = {"DetectLabels": labels_price(), "DetectText": text_price()}
    rekognition = runtime.rekognition.calls if runtime.rekognition is not None else []
    verified = sum(price[call.operation] for call in rekognition if call.outcome == "ok")
    return round(runtime.bedrock.billed_usd() + verified, 6)


def _items(table: Any, run_id: str) -> dict[str, Any]:
    from boto3.dynamodb.conditions import Key

    found: dict[str, Any] = {"run": None, "rounds": [], "ledger": []}
    query: dict[str, Any] = {"KeyConditionExpression": Key("pk").eq(c.run_pk(run_id)), "ConsistentRead": True}
    while True:
        page = table.query(**query)
        for item in page.get("Items", []):
            if item["sk"] == c.RUN_SK:
                found["run"] = item
            elif item["sk"].startswith("ROUND#"):
                found["rounds"].append(item)
            elif item["sk"].startswith("CALL#"):
                found["ledger"].append(item)
        if "LastEvaluatedKey" not in page:
            return found
        query["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def _recorded_spend(run_item: dict[str, Any], ledger: list[dict[str, Any]]) -> Decimal:
    if ledger:
        return sum((Decimal(str(entry.get("costUsd", 0))) for entry in ledger), Decimal(0))
    return Decimal(str(run_item.get("costUsd", 0))) + Decimal(str(run_item.get("evaluationCostUsd", 0)))


def _plain(item: dict[str, Any]) -> dict[str, Any]:
    from imagegate_service.adapters.storage import from_dynamo

    return from_dynamo(item)


def _keys(s3: Any, prefix: str) -> list[str]:
    return [
        entry["Key"]
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=prefix)
        for entry in page.get("Contents", [])
    ]


def _execution_status(sfn: Any, execution_arn: str) -> str | None:
    if not execution_arn:
        return None
    return sfn.describe_execution(executionArn=execution_arn)["status"]


def _record_round_exits(sfn: Any, execution_arn: str) -> list[int]:
    """The round number of each time the execution left "Record Round" (its output's loop.roundsCompleted)."""
    rounds, token = [], None
    while True:
        page = sfn.get_execution_history(
            executionArn=execution_arn, maxResults=1000, **({"nextToken": token} if token else {})
        )
        for event in page["events"]:
            details = event.get("stateExitedEventDetails") or {}
            if event["type"] == "TaskStateExited" and details.get("name") == RECORD_ROUND_STATE:
                rounds.append(_round_of(details.get("output")))
        token = page.get("nextToken")
        if not token:
            return rounds


def _round_of(output: str | None) -> int:
    try:
        state = json.loads(output or "{}")
        return int(state["loop"]["roundsCompleted"])
    except (ValueError, KeyError, TypeError):
        return -1


# -- the command -------------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m imagegate.soak", description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=DEFAULT_RUNS, help=f"runs to make (default {DEFAULT_RUNS})")
    parser.add_argument("--concurrency", type=int, default=16, help="runs in flight at once (default 16)")
    parser.add_argument("--seed", type=int, default=1, help="seeds the requests and the faults (default 1)")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds a run may take before it counts as stuck")
    args = parser.parse_args(argv)
    # Powertools' note when a handler that failed early flushes no metrics (metrics are off locally anyway)
    warnings.filterwarnings("ignore", message="No application metrics to publish", category=UserWarning)
    for flag, value in (("--runs", args.runs), ("--concurrency", args.concurrency)):
        if value < 1:
            parser.error(f"{flag} must be at least 1, not {value}")
    if args.timeout <= 0:
        parser.error(f"--timeout must be above 0, not {args.timeout}")
    started = time.monotonic()
    requests = soak_requests(args.runs, args.seed)
    faults = FaultSwitches(**SOAK_FAULTS, seed=args.seed)
    with LocalRuntime(faults=faults, retry_time_scale=0) as runtime, Terminal().progress(len(requests)) as bar:
        runs = run_soak(
            runtime,
            requests,
            args.concurrency,
            args.timeout,
            progress=lambda done, total: bar.update(done, f"soak: {done}/{total} runs ended"),
        )
        findings: list[str] = []
        summary = audit(runtime, runs, offline_bill_usd(runtime), findings)
    for line in findings:
        print(f"soak: {line}")
    failed_starts = [run for run in runs if run.start_error]
    print(
        f"soak: {len(runs)} runs in {time.monotonic() - started:.1f} s"
        + (f"; {len(failed_starts)} could not start ({failed_starts[0].start_error})" if failed_starts else "")
    )
    print(json.dumps(summary, sort_keys=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
