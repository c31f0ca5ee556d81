"""`imagegate enhance <id> --op upscale:conservative --op remove-background`: enhance a finished generation's
final image through the imagegate API (imagegate serve's, or a deployed one), and with --wait follow it to its end.

The operations are read and checked here first, by the same rules the API applies (domain/enhancing.py), so a
typo is said at once naming the --op and the limit, and nothing is sent."""

from __future__ import annotations

import sys
import time
from typing import Any

from imagegate.controls_cli import EXIT_CONNECTION, EXIT_OK, EXIT_REFUSED, call_or_say
from imagegate.remote import generation_path

OP_HELP = (
    "an operation, applied in the order given: remove-background, replace-background:<new background>, "
    "outpaint:left=128,right=128[:<prompt>], upscale:fast|conservative|creative, recolor:<object>=<colour>, "
    "replace:<object>=<replacement>, erase:<object>"
)
EXIT_ENHANCEMENT_FAILED = 5  # as a FAILED run (cli.EXIT_CODES)
WAIT_POLL_SECONDS = 1.0
ENDED = ("SUCCEEDED", "FAILED")


def add_parser(sub: Any, parents: list[Any]) -> None:
    enhance = sub.add_parser(
        "enhance", parents=parents, help="enhance a finished generation's image (upscale, remove the background, ...)"
    )
    enhance.add_argument("id", help="the generation's id")
    enhance.add_argument("--op", action="append", required=True, dest="ops", metavar="OP", help=OP_HELP)
    enhance.add_argument(
        "--max-cost", type=float, help="the most the enhancement may cost in USD (default: what its operations can)"
    )
    enhance.add_argument(
        "--allow-local-fallback",
        action="store_true",
        help="when the budget has no room or the model is unavailable, run upscale and remove-background locally "
        "(Pillow resampling, OpenCV GrabCut) at no cost instead of failing",
    )
    enhance.add_argument("--wait", action="store_true", help="follow it until it ends and print its images")
    enhance.set_defaults(command=enhance_command)


def operations_from(ops: list[str]) -> list[dict[str, Any]]:
    """The API's operations from the --op words (InvalidRequest naming the --op or operations[i].field)."""
    from imagegate_service.domain.enhancing import operation_from_words, parse_operations

    operations = [operation_from_words(index, text) for index, text in enumerate(ops)]
    return [operation.to_dict() for operation in parse_operations(operations)]


def enhance_command(args: Any) -> int:
    from imagegate_service.errors import InvalidRequest

    try:
        operations = operations_from(args.ops)
    except InvalidRequest as error:
        print(f"imagegate: {error} (nothing was sent)", file=sys.stderr)
        return EXIT_REFUSED
    body: dict[str, Any] = {"operations": operations}
    if args.max_cost is not None:
        body["maxCostUsd"] = args.max_cost
    if args.allow_local_fallback:
        body["allowLocalFallback"] = True
    called = call_or_say(args, "POST", generation_path(args.id, "enhance"), body)
    if called is None:
        return EXIT_CONNECTION
    status, answer = called
    if status != 202:
        print(f"imagegate: enhance refused ({status} {answer.get('error')}): {answer.get('message')}", file=sys.stderr)
        return EXIT_REFUSED
    eid = answer["enhancementId"]
    print(f"generation {args.id}: enhancement {eid} started ({', '.join(describe(op) for op in operations)})")
    if not args.wait:
        print(f"follow it with: GET {args.api.rstrip('/')}/generations/{args.id} (its enhancements)")
        return EXIT_OK
    enhancement = _wait(args, eid)
    if enhancement is None:
        return EXIT_CONNECTION
    for step in enhancement["steps"]:
        print(f"  {step_line(step)}")
    if enhancement["status"] == "FAILED":
        print(f"enhancement {eid} FAILED: {enhancement.get('error')}", file=sys.stderr)
        return EXIT_ENHANCEMENT_FAILED
    print(f"enhancement {eid} SUCCEEDED, ${enhancement['costUsd']:.6f}: {enhancement['image']}")
    return EXIT_OK


def step_line(step: dict[str, Any]) -> str:
    """One step for people: what it did, where (source bedrock, or local with the method and why), size, cost, image."""
    what = step.get("description") or step["op"]["op"]
    where = f"source {step.get('source') or 'bedrock'}"
    if step.get("source") == "local":
        where += f" ({step.get('method')}; {step.get('fallbackReason')})"
    return f"{step['index'] + 1}. {what}: {where}, {step['width']}x{step['height']}, ${step['costUsd']:.6f}, {step['image']}"


def describe(operation: dict[str, Any]) -> str:
    from imagegate_service.domain.enhancing import parse_operation

    return parse_operation(0, operation).describe()


def _wait(args: Any, eid: str) -> dict[str, Any] | None:
    """The enhancement once it has ended; None (said on stderr) when the API stops answering."""
    while True:
        called = call_or_say(args, "GET", generation_path(args.id))
        if called is None:
            return None
        status, document = called
        if status != 200:
            print(f"imagegate: GET /generations/{args.id}: {status} {document.get('error')}", file=sys.stderr)
            return None
        enhancement = next((e for e in document.get("enhancements") or [] if e["id"] == eid), None)
        if enhancement is not None and enhancement["status"] in ENDED:
            return enhancement
        time.sleep(WAIT_POLL_SECONDS)
