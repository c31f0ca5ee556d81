"""imagegate: run the quality loop on the embedded local runtime, inspect runs, check an AWS setup."""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import math
import os
import re
import sys
import tempfile
import traceback
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from imagegate.terminal import Column, Terminal
from imagegate_service import constants as c
from imagegate_service.domain.readings import evaluation_summary, status_line, verification_summary

EXIT_CODES = {"PASSED": 0, "EXHAUSTED": 3, "BLOCKED": 4, "FAILED": 5}
EXIT_INVALID_INPUT = 2
RUN_STATUSES = c.RUN_STATUSES
LIST_PROMPT_CHARS = 48  # a prompt in `imagegate list` is cut to one line; `imagegate show` prints it whole
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, what a shell reports for a command whose reader went away

# CLI flag -> run request field. Only flags the user gave go into the request: defaults live in settings.py.
_REQUEST_FLAGS = {
    "threshold": "threshold",
    "max_rounds": "maxRounds",
    "generator": "generator",
    "judge": "judge",
    "rewriter": "rewriter",
    "evaluator": "evaluator",
    "verifier": "verifier",
    "seed": "seed",
    "candidates": "candidatesPerRound",
    "width": "width",
    "height": "height",
    "negative_prompt": "negativePrompt",
    "max_cost": "maxCostUsd",
    "quality": "quality",
    "strategy": "strategy",
    "style": "style",
    "review": "review",
    "review_timeout": "reviewTimeoutSeconds",
}


TCP_PORT_MAX = 65535
_BENCH_WORKERS_FROM = 16  # `imagegate bench` runs its children in worker processes from this many runs on
TOKEN_ENV_NAME = "IMAGEGATE_SERVE_TOKEN"  # serve --token's default


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    # Powertools' note when a handler that failed early flushes no metrics (metrics are off locally anyway)
    warnings.filterwarnings("ignore", message="No application metrics to publish", category=UserWarning)
    try:
        return args.command(args)
    except KeyboardInterrupt:
        print("imagegate: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader left (| head): stop quietly, as other command-line tools do
        # what is still buffered goes nowhere, instead of failing again when Python flushes at exit
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    except Exception as error:
        if getattr(args, "verbose", False):
            traceback.print_exc()
        print(
            f"imagegate: {type(error).__name__}: {_without_paths(str(error))[:300]} "
            "(run the command again with --verbose for the traceback)",
            file=sys.stderr,
        )
        return 1


class _Parser(argparse.ArgumentParser):
    """Bad arguments in one line naming the flag and its range, exit 2 (argparse's own usage block is for --help)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_INVALID_INPUT, f"{self.prog}: {message} (see '{self.prog} --help')\n")


def _number(kind: Callable[[str], Any], low: float | None = None, high: float | None = None) -> Callable[[str], Any]:
    """An argparse type: a finite number of `kind` inside [low, high] (either bound may be open)."""
    if low is not None and high is not None:
        allowed = f"is outside the allowed range {low}-{high}"
    else:
        allowed = f"must be {low} or more" if low is not None else "must be a finite number"
    label = "a whole number" if kind is int else "a number"

    def parse(text: str) -> Any:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not {label}") from None
        if isinstance(value, float) and not math.isfinite(value):
            raise argparse.ArgumentTypeError(f"{text!r} is not a finite number")
        if (low is not None and value < low) or (high is not None and value > high):
            raise argparse.ArgumentTypeError(f"{text!r} {allowed}")
        return value

    return parse


def _url_expiry(text: str) -> int:
    from imagegate.local.serve import SIGV4_MAX_EXPIRES_SECONDS  # SigV4's longest X-Amz-Expires, cited there

    return _number(int, 1, SIGV4_MAX_EXPIRES_SECONDS)(text)


def _parser() -> argparse.ArgumentParser:
    from imagegate.benchmark_local import DEFAULT_BENCH_OUT
    from imagegate.controls_cli import positive_amount

    parser = _Parser(prog="imagegate", description=__doc__)
    sub = parser.add_subparsers(required=True, metavar="COMMAND", parser_class=_Parser)
    verbose = _Parser(add_help=False)
    verbose.add_argument("--verbose", action="store_true", help="show the traceback of an unexpected error")
    remote = _Parser(add_help=False)
    remote.add_argument(
        "--api",
        metavar="URL",
        help="instead of the local runtime and run folders: an imagegate API, a deployed stack's ApiUrl (requests "
        "signed with SigV4 from your AWS credentials) or imagegate serve's address",
    )
    remote.add_argument("--api-key", help="with --api: the stack's API key, or imagegate serve's --token")

    run = sub.add_parser(
        "run", parents=[verbose, remote], help="run one quality-gated generation on the embedded local runtime"
    )
    run.add_argument(
        "--no-wait", action="store_true", help="with --api: print the run's id once it is accepted, do not follow it"
    )
    run.add_argument("prompt", nargs="?", help="what to draw (or give --request)")
    run.add_argument("--request", metavar="FILE", help="a JSON run request ('-' for stdin) instead of flags")
    run.add_argument(
        "--from",
        dest="from_run",
        metavar="RUN",
        help="re-run an earlier run (its id in --out, or its folder) with every one of its settings; flags change them",
    )
    run.add_argument(
        "--round", dest="from_round", type=_number(int, 1), metavar="N", help="with --from: start from round N's prompt"
    )
    from imagegate_service.constants import (
        DEPRECATED_STRATEGIES,
        REVIEW_DECISIONS,
        REVIEW_MODES,
        STRATEGIES,
        STRATEGY_AUTO,
        STRATEGY_REDRAW,
        STRATEGY_REFINE,
        STRATEGY_REGENERATE,
        STRATEGY_REWORD,
        STRATEGY_TARGETED,
    )
    from imagegate_service.settings import DEFAULTS, MAX_ROUNDS_HARD_CAP

    run.add_argument(
        "--threshold", type=_number(float), help=f"score 0-10 that passes the gate (default {DEFAULTS['threshold']:g})"
    )
    run.add_argument(
        "--max-rounds", type=_number(int), help=f"1-{MAX_ROUNDS_HARD_CAP} (default {DEFAULTS['maxRounds']})"
    )
    run.add_argument(
        "--generator",
        help="image model id (default: the model registry's default generator, "
        "Stable Diffusion 3.5 Large; README, Models)",
    )
    run.add_argument("--judge", help="vision judge model id (default Nova Lite)")
    run.add_argument("--rewriter", help="rewriter model id (default Nova Lite)")
    run.add_argument(
        "--evaluator",
        help="independent evaluator model id, not the judge (default locally: "
        "ground-truth, the offline world's exact perception)",
    )
    run.add_argument(
        "--verifier",
        choices=list(c.VERIFIERS),
        help="checks a round the judge passed before the gate passes it: rekognition (default: Amazon Rekognition, "
        "offline locally, grounds the judge's checks) or none (the judge alone)",
    )
    run.add_argument("--seed", type=_number(int))
    run.add_argument(
        "--candidates", type=_number(int), help=f"images per round, 1-5 (default {DEFAULTS['candidatesPerRound']})"
    )
    run.add_argument("--width", type=_number(int))
    run.add_argument("--height", type=_number(int))
    run.add_argument("--negative-prompt")
    run.add_argument(
        "--max-cost",
        type=_number(float),
        help=f"budget in USD for the run's model calls (default {DEFAULTS['maxCostUsd']:g})",
    )
    run.add_argument("--quality", choices=["standard", "premium"])
    run.add_argument(
        "--strategy",
        choices=[*STRATEGIES, *DEPRECATED_STRATEGIES],
        help=f"after a round below the threshold: {STRATEGY_AUTO} (default: edit the best image when it is close and "
        f"what failed is about one object, else regenerate), {STRATEGY_REGENERATE} (rewrite the prompt and draw "
        f"anew), {STRATEGY_REFINE} (edit the best image every round), {STRATEGY_REDRAW} (the same prompt with the "
        f"next seed), {STRATEGY_REWORD} (the original prompt restated more explicitly without the judge's verdict, "
        f"the next seed), {STRATEGY_TARGETED} (regenerate, but recolor, replace or erase one object of the best image "
        "with Stability AI Image Services when that is all that failed); rewrite is the deprecated name of regenerate",
    )
    run.add_argument("--style", help="a style preset of prompts/styles.json (photographic, watercolor, ...)")
    run.add_argument(
        "--review",
        choices=list(REVIEW_MODES),
        help="final: when the gate passes or the rounds run out, ask on the terminal to approve or reject "
        "(with feedback for the next round) before the run ends (default none)",
    )
    run.add_argument(
        "--review-timeout",
        type=_number(int, 1),
        metavar="SECONDS",
        help=f"how long a review may wait before the run ends EXHAUSTED (default {DEFAULTS['reviewTimeoutSeconds']})",
    )
    run.add_argument(
        "--daily-budget-usd",
        type=positive_amount,
        metavar="AMOUNT",
        help="cap the model spend of all runs today (UTC), counting what the runs in --out spent today; over it the "
        "run is refused (exit 2) or ends EXHAUSTED",
    )
    run.add_argument("--out", default="runs", help="folder that receives runs/<runId>/ (default ./runs)")
    run.add_argument(
        "--fault",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="offline Bedrock fault switch, e.g. throttle_first=2, garbage_verdicts=1, blocked_words=bomb",
    )
    run.add_argument(
        "--retry-time-scale",
        type=_number(float, 0),
        default=0.25,
        help="scale the state machine's Retry waits locally (default 0.25; 1 = as in AWS)",
    )
    run.set_defaults(command=_cmd_run)

    show = sub.add_parser("show", parents=[verbose, remote], help="print a run's rounds (its id, or its folder)")
    show.add_argument(
        "run_dir", metavar="RUN", help="a run id from 'imagegate list' (or its unique start), or a run folder"
    )
    show.add_argument(
        "--data-dir", type=Path, default=Path("runs"), help="where run ids are looked up (default ./runs)"
    )
    show.set_defaults(command=_cmd_show)

    listing = sub.add_parser("list", parents=[verbose, remote], help="the runs kept in the data folder, newest first")
    listing.add_argument("--data-dir", type=Path, default=Path("runs"), help="the runs' folder (default ./runs)")
    listing.add_argument("--status", type=_run_status, help=f"only runs with this status ({', '.join(RUN_STATUSES)})")
    listing.add_argument("--limit", type=_number(int, 1, 10000), default=20, help="at most this many (default 20)")
    listing.set_defaults(command=_cmd_list)

    serve = sub.add_parser("serve", help="serve the HTTP API on 127.0.0.1 over the embedded local runtime")
    serve.add_argument(
        "--port",
        type=_number(int, 0, TCP_PORT_MAX),
        default=8080,
        help="TCP port on 127.0.0.1 (default 8080; 0 picks a free one)",
    )
    serve.add_argument(
        "--url-expiry",
        type=_url_expiry,
        metavar="SECONDS",
        help="lifetime of presigned image URLs, 1-604800 (default 3600)",
    )
    serve.add_argument(
        "--fault", action="append", default=[], metavar="KEY=VALUE", help="offline Bedrock fault switch, as for run"
    )
    serve.add_argument(
        "--retry-time-scale",
        type=_number(float, 0),
        default=0.25,
        help="scale the state machine's Retry waits locally (default 0.25; 1 = as in AWS)",
    )
    serve.add_argument("--verbose", action="store_true", help="log every HTTP request (and show tracebacks)")
    serve.add_argument(
        "--data-dir",
        type=Path,
        metavar="DIR",
        help="keeps generations, rounds and images across restarts; the folder 'imagegate run "
        "--out' writes to, so both see each other's runs (default ./runs)",
    )
    serve.add_argument(
        "--bench-dir",
        type=Path,
        default=DEFAULT_BENCH_OUT,
        metavar="DIR",
        help="benchmark reports the console lists: the folder 'imagegate bench --out' writes "
        "<date>/report.json to (default ./benchmarks)",
    )
    serve.add_argument(
        "--daily-budget-usd",
        type=positive_amount,
        metavar="AMOUNT",
        help="cap the model spend of all runs today (UTC), counting what the runs in --data-dir spent today; over it "
        "POST /generations answers 429 DailyBudgetExhausted and running ones end EXHAUSTED",
    )
    serve.add_argument(
        "--allow-host",
        action="append",
        default=[],
        metavar="NAME",
        help="a Host name to answer besides localhost, 127.0.0.1 and [::1] (others get 403: DNS rebinding)",
    )
    serve.add_argument(
        "--cors-origin",
        action="append",
        default=[],
        metavar="ORIGIN",
        help="an origin (https://host:port) whose pages may call the API besides the server's own console "
        "(others get 403)",
    )
    serve.add_argument(
        "--token",
        help="require this bearer token on every API route (Authorization: Bearer, or x-api-key as the console "
        f"sends it); default ${TOKEN_ENV_NAME} if set, else none",
    )
    serve.set_defaults(command=_cmd_serve)

    from imagegate.controls_cli import DEFAULT_API, budget_command, review_command

    api = _Parser(add_help=False)
    api.add_argument("--api", default=DEFAULT_API, help=f"the imagegate API (default {DEFAULT_API}: imagegate serve)")
    api.add_argument("--api-key", help="an API key, for a deployment with apiKey and authorization NONE")
    review = sub.add_parser(
        "review", parents=[verbose, api], help="approve or reject a generation that waits for review"
    )
    review.add_argument("id", help="the generation's id")
    review.add_argument("decision", choices=list(REVIEW_DECISIONS))
    review.add_argument(
        "--feedback", help="with reject: what the next round should change (the next round's suggestions)"
    )
    review.set_defaults(command=review_command)
    budget = sub.add_parser("budget", parents=[verbose, api], help="today's spend, reservations and the daily cap")
    budget.set_defaults(command=budget_command)
    from imagegate.enhance_cli import add_parser as add_enhance_parser

    add_enhance_parser(sub, [verbose, api])
    from imagegate.lifecycle_cli import add_parsers as add_lifecycle_parsers

    add_lifecycle_parsers(sub, [verbose, api])
    from imagegate.remote import smoke_command

    smoke = sub.add_parser(
        "smoke", parents=[verbose], help="one small generation against a deployed (or local) API, checked end to end"
    )
    where = smoke.add_mutually_exclusive_group(required=True)
    where.add_argument("--api", help="the API's URL (the stack's ApiUrl output, or imagegate serve's)")
    where.add_argument("--stack", help="a deployed stack's name: its ApiUrl output is read with CloudFormation")
    smoke.add_argument("--api-key", help="an API key, for a deployment with apiKey")
    smoke.add_argument("--timeout", type=_number(float, 1, None), default=900.0, help="seconds to wait for the run")
    smoke.set_defaults(command=smoke_command)

    bench = sub.add_parser(
        "bench", parents=[verbose], help="run a prompt suite through the quality loop and write a benchmark report"
    )
    source = bench.add_mutually_exclusive_group()
    source.add_argument("--suite", type=Path, help="a suite in the project's JSONL format (default: the bundled suite)")
    source.add_argument("--partiprompts", type=Path, metavar="TSV", help="PartiPrompts.tsv")
    source.add_argument("--geneval", type=Path, metavar="JSONL", help="GenEval evaluation_metadata.jsonl")
    bench.add_argument("--limit", type=_number(int, 1), help="run at most N items (plus the suite's anchors)")
    bench.add_argument("--sample-seed", help="with --limit: a deterministic stratified sample instead of the first N")
    bench.add_argument(
        "--concurrency", type=_number(int, 1), default=4, help="quality loops at once (the Map's MaxConcurrency)"
    )
    bench.add_argument("--threshold", type=_number(float))
    bench.add_argument("--max-rounds", type=_number(int))
    bench.add_argument(
        "--arms",
        default="loop",
        metavar="ARM[,ARM...]",
        help="control arms, run on the same items in one benchmark execution: loop (the settings as "
        "given, strategy regenerate), single (1 round), redraw (re-draw the unchanged prompt with a new seed instead "
        "of rewriting), reword (restate the original prompt more explicitly without the verdict), best-of-3, best-of-5 (1 round, N candidates), loop+refine (every round after the first "
        "edits the best image), loop+auto (strategy auto), loop+targeted (strategy targeted), loop+verify (loop with the verifier at the gate; every "
        "other arm runs with verifier none); default loop",
    )
    bench.add_argument("--out", type=Path, default=DEFAULT_BENCH_OUT, help="receives <date>/report.json and .html")
    bench.add_argument(
        "--estimate",
        action="store_true",
        help="run nothing: print what the suite would cost (models, Step Functions) and take in AWS at "
        "--concurrency, from the registry's prices and the rounds and candidates the newest report in --out measured",
    )
    bench.add_argument(
        "--images-per-minute",
        type=_number(float, 1),
        metavar="N",
        help="with --estimate: your account's 'On-demand InvokeModel requests per minute' quota for the generator "
        "(Service Quotas; imagegate doctor reads it), to bound the concurrency and the wall time by it (default: the "
        "deployment's imageModelRequestsPerMinute, if set)",
    )
    bench.set_defaults(command=_cmd_bench)

    doctor = sub.add_parser(
        "doctor", parents=[verbose], help="check AWS credentials, region and Bedrock model access for a deploy"
    )
    doctor.add_argument(
        "--local",
        action="store_true",
        help="instead: check the local data folder (--data-dir) and list the run folders 'imagegate serve' would skip",
    )
    doctor.add_argument("--data-dir", type=Path, metavar="DIR", help="with --local: the data folder (default ./runs)")
    doctor.set_defaults(command=_cmd_doctor)
    return parser


def _build_request(args: argparse.Namespace) -> Any:
    if getattr(args, "from_run", None):  # imagegate run --from <id> [--round N] (rerun_cli.py)
        from imagegate.rerun_cli import apply_overrides, rerun_request

        if args.request:  # the copied run is the request: a second one would be silently dropped
            raise _UsageError("--request: is not taken with --from <id> (give the changes as flags)")
        request = rerun_request(args.from_run, args.from_round, Path(args.out))
        if args.prompt is not None:
            request["prompt"] = args.prompt
        return apply_overrides(
            request,
            {field: getattr(args, flag) for flag, field in _REQUEST_FLAGS.items() if getattr(args, flag) is not None},
        )
    if getattr(args, "from_round", None) is not None:
        raise _UsageError("--round: is given with --from <id> only")
    if args.request:
        text = sys.stdin.read() if args.request == "-" else Path(args.request).read_text(encoding="utf-8")
        request = json.loads(text)
    else:
        if args.prompt is None:
            raise _UsageError("prompt: is required (give it as an argument or in --request)")
        request = {"prompt": args.prompt}
    if isinstance(request, dict):
        request.update(
            {field: getattr(args, flag) for flag, field in _REQUEST_FLAGS.items() if getattr(args, flag) is not None}
        )
    return request


class _UsageError(Exception):
    pass


def _cmd_run(args: argparse.Namespace) -> int:
    if args.api:
        from imagegate.remote_cli import run_command

        return run_command(args)
    from imagegate.controls_cli import apply_daily_cap, review_prompter
    from imagegate.export import export_run
    from imagegate.local.bedrock_offline import FaultSwitches
    from imagegate.local.runtime import LocalRuntime
    from imagegate_service import wiring
    from imagegate_service.errors import DailyBudgetExhausted, InvalidRequest
    from imagegate_service.settings import resolve_settings

    try:
        request = _build_request(args)
        faults = FaultSwitches.from_env({"IMAGEGATE_OFFLINE_FAULTS": ",".join(args.fault)}) if args.fault else None
    except (_UsageError, json.JSONDecodeError, OSError, ValueError) as error:
        return _fail_input(str(error))
    problem = _unwritable(Path(args.out), "--out")  # before the run: a finished run must not be lost at export
    if problem:
        return _fail_input(problem)
    problem = _out_storage_problem(Path(args.out))
    if problem:
        print(f"imagegate: --out: {problem}; nothing was started", file=sys.stderr)
        return EXIT_INVALID_INPUT

    with LocalRuntime(faults=faults, retry_time_scale=args.retry_time_scale) as runtime:
        apply_daily_cap(args.daily_budget_usd, Path(args.out))
        try:
            wiring.daily_budget().check_start(resolve_settings(request))  # refused: nothing started or written
            execution_arn = runtime.start(request)
        except InvalidRequest as error:
            return _fail_input(str(error) + _flag_hint(error.field, args))
        except DailyBudgetExhausted as error:
            print(f"imagegate: refused: {error}", file=sys.stderr)
            return EXIT_INVALID_INPUT
        run_id = execution_arn.rsplit(":", 1)[-1]
        print(f"run {run_id} started (local runtime, offline Bedrock)")
        outcome = runtime.wait(execution_arn, on_round=_print_round, on_poll=review_prompter(run_id, runtime.runs()))
        run_item = runtime.runs().get_run(outcome.run_id)
        if run_item is None:  # the execution ended before Start Run wrote the run: nothing to export
            print(
                f"imagegate: run {outcome.run_id} could not start (execution {outcome.execution_status}): "
                f"{outcome.error or 'Unknown'}: {_display_cause(outcome.cause)}",
                file=sys.stderr,
            )
            return EXIT_CODES["FAILED"]
        try:
            run_dir, document = export_run(
                run_item,
                runtime.runs().list_rounds(outcome.run_id),
                runtime.objects,
                Path(args.out),
                runtime.runs().ledger(outcome.run_id),
            )
        except OSError as error:  # the disk filled or the folder was made read-only while the run ran
            print(
                f"imagegate: run {outcome.run_id} ended {run_item['status']} but cannot be written to "
                f"{Path(args.out) / outcome.run_id}: {error.strerror or error}; nothing of it was kept there",
                file=sys.stderr,
            )
            return EXIT_INVALID_INPUT
    _print_summary(document)
    print(f"report: {run_dir / 'report.html'}")
    return EXIT_CODES.get(document["status"], 1)


def _fail_input(message: str) -> int:
    print(f"imagegate: invalid request: {message}", file=sys.stderr)
    return EXIT_INVALID_INPUT


def _flag_hint(field: str, args: argparse.Namespace) -> str:
    """The flag a refused field came from, when the user gave it as one."""
    flags = [flag for flag, name in _REQUEST_FLAGS.items() if name == field and getattr(args, flag, None) is not None]
    return f" (flag --{flags[0].replace('_', '-')})" if flags else ""


def _unwritable(folder: Path, flag: str) -> str | None:
    """Why `folder` could not receive output, found without leaving anything behind; None when it can."""
    existing = folder.absolute()
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        return f"{flag}: {folder} is not a folder ({existing} is a file)"
    try:  # os.access says yes to root on read-only mounts and /proc: make (and remove) a folder instead
        os.rmdir(tempfile.mkdtemp(prefix=".imagegate-check-", dir=existing))
    except OSError as error:
        return f"{flag}: cannot write to {folder} ({error.strerror or error})"
    return None


def _out_storage_problem(out: Path) -> str | None:
    """export.storage_problem for --out's first existing folder (it is created when the run is written)."""
    from imagegate.export import storage_problem

    existing = out.absolute()
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    return storage_problem(existing)


_TRACEBACK_LINE = re.compile(r"^\s*(Traceback \(most recent call last\)|File \"|\^+\s*$)")
_ABSOLUTE_PATH = re.compile(r"(?<![\w.])(?:/[\w.@+-]+)+/([\w.@+-]+)")


def _without_paths(text: str) -> str:
    """Absolute paths shortened to their last part: they say where, not what went wrong."""
    return _ABSOLUTE_PATH.sub(r"\1", text)


def _display_cause(cause: str | None) -> str:
    """A run's cause for the terminal: its message without stack trace lines or absolute paths, one line
    (run.json keeps the full cause)."""
    from imagegate_service.domain.finishing import cause_message

    lines = [line for line in cause_message(cause).splitlines() if line.strip()]
    if any(_TRACEBACK_LINE.match(line) for line in lines):  # a Python traceback: its last line is the error
        lines = [line for line in lines if not line[:1].isspace() and not _TRACEBACK_LINE.match(line)][-1:]
    text = _without_paths(" ".join(line.strip() for line in lines))
    return text if len(text) <= 300 else text[:297] + "..."


def _print_round(item: dict[str, Any]) -> None:
    out = Terminal()
    verifier = _verification_text(item.get("verification"))
    out.line(
        f"  round {item['round']}: score {item['score']:.1f} ({_judge_verdict(item)}), cost ${item['costUsd']:.4f}; "
        + (f"verifier: {verifier}; " if verifier else "")
        + f"evaluator: {_evaluation_text(item.get('evaluation'))}"
    )
    out.line(f"    prompt: {item['prompt']}")
    for suggestion in item["suggestions"][:3]:
        out.line(f"    - {suggestion}")


_ROUNDS_COLUMNS = (
    Column("round", "right"),
    Column("score", "right"),
    Column("judge"),
    Column("verifier"),
    Column("evaluator"),
    Column("mode"),
    Column("prompt changes"),
)
_STATUS_STYLES = {"PASSED": "bold green", "EXHAUSTED": "bold yellow", "BLOCKED": "bold magenta", "FAILED": "bold red"}


def _print_summary(document: dict[str, Any], out: Terminal | None = None) -> None:
    out = out or Terminal()
    out.line()
    rows, previous = [], None
    for entry in document["rounds"]:
        rows.append(
            (
                entry["round"],
                f"{entry['score']:.1f}",
                "passed" if entry["passed"] else "failed",
                _verification_cell(entry.get("verification")),
                _evaluation_cell(entry.get("evaluation")),
                _mode_cell(entry),
                _prompt_change(previous, entry["prompt"]),
            )
        )
        previous = entry["prompt"]
    out.table(_ROUNDS_COLUMNS, rows)
    final = "n/a" if document["finalScore"] is None else f"{document['finalScore']:.1f}"
    out.line()
    # the status with the evaluator's and the verifier's verdicts beside it: a PASSED the evaluator failed says so
    status = status_line(document["status"], document.get("evaluation"), document.get("verification"))
    out.line(
        f"status {status}: final score {final} (threshold {document['threshold']}), "
        f"best round {document['bestRound'] or 'n/a'}, cost ${document['costUsd']:.4f}",
        style=_STATUS_STYLES.get(document["status"]),
    )
    verifier = _verification_text(document.get("verification"))
    if verifier:
        out.line(f"  verifier on the final image: {verifier}")
    if document.get("evaluation") is not None or document["rounds"]:
        out.line(
            f"  evaluator on the final image: {_evaluation_text(document.get('evaluation'))}; "
            f"evaluator cost ${document.get('evaluationCostUsd', 0.0):.4f} (apart from the loop's cost)"
        )
    if document.get("reason"):
        out.line(f"  {document['reason']}")
    if document.get("error"):
        out.line(f"  error {document['error']}: {_display_cause(document.get('cause'))}")


def _judge_verdict(entry: dict[str, Any]) -> str:
    """The judge's verdict on a round, and the gate's when the verifier overruled it."""
    if entry["passed"] and not entry.get("gatePassed", True):
        return "passed by the judge, failed by the verifier"
    return "passed" if entry["passed"] else "below threshold"


def _held(counts: dict[str, Any]) -> str:
    """ "5/6 hold, 1 unverifiable": checks that hold over the checks that could be verified; unverifiable apart."""
    text = f"{counts['satisfied']}/{counts['verifiable']} hold"
    return text + (f", {counts['unverifiable']} unverifiable" if counts["unverifiable"] else "")


def _evaluation_cell(evaluation: dict[str, Any] | None) -> str:
    """The evaluator's verdict in a table cell, "failed (5/6 hold, 1 unverifiable)": how many checks hold, never
    how many failed; an unverifiable check is neither."""
    counts = evaluation_summary(evaluation)
    if counts is None:
        return "n/a"
    return f"{'passed' if counts['passed'] else 'failed'} ({_held(counts)})"


def _verification_cell(verification: dict[str, Any] | None) -> str:
    """The verifier's grounding in a table cell: "failed (2/3 hold)", "unavailable", "skipped" or "n/a"."""
    counts = verification_summary(verification)
    if counts is None:
        return "n/a"
    if counts["status"] != c.VERIFICATION_COMPLETE:
        return str(counts["status"])
    verdict = {True: "passed", False: "failed", None: "unverified"}[counts["passed"]]
    return f"{verdict} ({_held(counts)})"


def _evaluation_text(evaluation: dict[str, Any] | None) -> str:
    """The evaluator's verdict in a sentence, naming its source and the first failed check."""
    if not evaluation:
        return "none"
    if "unavailable" in evaluation:
        return f"unavailable ({evaluation['source']}: {evaluation['unavailable'][:120]})"
    counts = evaluation_summary(evaluation) or {}
    failed = [check["question"] for check in evaluation["checks"] if check.get("satisfied") is False]
    text = f"{'passed' if counts['passed'] else 'failed'}: {counts['satisfied']} of {counts['verifiable']} checks hold"
    text += (f", {counts['unverifiable']} unverifiable" if counts["unverifiable"] else "") + f" ({counts['source']})"
    return text + (f", first failed: {failed[0]}" if failed else "")


def _verification_text(verification: dict[str, Any] | None) -> str | None:
    """The verifier's grounding in a sentence with the first failed check's evidence; None without a verifier."""
    counts = verification_summary(verification)
    if counts is None or verification is None:
        return None
    if counts["status"] == c.VERIFICATION_UNAVAILABLE:
        return "unavailable: the gate fell back to the judge's verdict"
    if counts["status"] == c.VERIFICATION_SKIPPED:
        return "not asked (the judge did not pass the image)"
    verdict = {True: "passed", False: "failed", None: "verified nothing"}[counts["passed"]]
    text = f"{verdict}: {counts['satisfied']} of {counts['verifiable']} checks hold"
    text += (f", {counts['unverifiable']} unverifiable" if counts["unverifiable"] else "") + f" ({counts['source']})"
    failed = [check for check in verification.get("checks") or [] if check.get("satisfied") is False]
    if failed:
        text += f", first failed: {failed[0]['question']}"
        text += f" ({failed[0]['evidence']})" if failed[0].get("evidence") else ""
    return text


def _mode_cell(entry: dict[str, Any]) -> str:
    """generate, or what the round edited and how ("edit r1 image-to-image 0.43")."""
    edit = entry.get("edit")
    if entry.get("mode") != "edit" or not edit:
        return "generate"
    amount = edit.get("strength", edit.get("similarityStrength", edit.get("maskPrompt", "")))
    return f"edit r{edit.get('sourceRound')} {edit.get('task')} {amount}".rstrip()


def _prompt_change(before: str | None, after: str) -> str:
    """What the rewrite did, in a table cell: the added tail, or the words added and removed."""
    if before is None:
        return "(original prompt)"
    if after == before:
        return "(unchanged)"
    if after.startswith(before):
        text = "+ " + after[len(before) :].strip(" ,;.")
    else:
        words = lambda prompt: [w.strip(",.;:") for w in prompt.split()]  # noqa: E731
        added = [w for w in words(after) if w not in set(words(before))]
        removed = [w for w in words(before) if w not in set(words(after))]
        text = " ".join(
            filter(None, ["+ " + " ".join(added) if added else "", "- " + " ".join(removed) if removed else ""])
        )
    return text if len(text) <= 70 else text[:67] + "..."


def _run_status(text: str) -> str:
    status = text.strip().upper()
    if status not in RUN_STATUSES:
        raise argparse.ArgumentTypeError(f"{text!r} is not a run status: one of {', '.join(RUN_STATUSES)}")
    return status


def run_folder(run: str, data_dir: Path) -> Path | str:
    """The folder `imagegate show RUN` means: RUN itself when it is a folder, else the run with that id (or the
    one run whose id starts with it) in data_dir. A str: why there is none, to print."""
    if Path(run).is_dir():
        return Path(run)
    if (data_dir / run / "run.json").is_file():
        return data_dir / run
    matches = sorted(p.parent for p in data_dir.glob("*/run.json") if p.parent.name.startswith(run)) if run else []
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        names = ", ".join(m.name for m in matches[:4])
        return f"{run!r} starts {len(matches)} run ids in {data_dir} ({names}{', ...' if len(matches) > 4 else ''}): give more of it"
    return f"{run!r} is neither a run folder nor a run id in {data_dir} ('imagegate list --data-dir DIR' shows the runs there)"


def _cmd_list(args: argparse.Namespace) -> int:
    if args.api:
        from imagegate.remote_cli import list_command

        return list_command(args)
    from imagegate.export import RUN_FILE

    data_dir = Path(args.data_dir)
    if not data_dir.is_dir():
        print(
            f"imagegate: --data-dir {data_dir} is not a folder (runs are kept where 'imagegate run --out' put them)",
            file=sys.stderr,
        )
        return EXIT_INVALID_INPUT
    rows, unreadable = [], []
    for path in data_dir.glob(f"*/{RUN_FILE}"):
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
            rows.append(_list_row(document))
        except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError):
            unreadable.append(path.parent.name)
    rows.sort(key=lambda row: (row["started"], row["id"]), reverse=True)
    shown = [row for row in rows if args.status is None or row["status"] == args.status][: args.limit]
    _print_listing(shown, args.status, f"in {data_dir}")
    if unreadable:
        print(
            f"imagegate: skipped {len(unreadable)} folder(s) without a readable run.json: {', '.join(sorted(unreadable)[:5])}",
            file=sys.stderr,
        )
    return 0


def _print_listing(shown: list[dict[str, str]], status: str | None, where: str) -> None:
    """The table of `imagegate list` (a data folder's runs, or an API's with --api); `where` says whose."""
    out = Terminal()
    if not shown:
        out.line(f"no runs{' with status ' + status if status else ''} {where}")
        return
    out.table(
        [
            Column("id"),
            Column("status"),
            Column("rounds", justify="right"),
            Column("score", justify="right"),
            Column("evaluator"),
            Column("cost", justify="right"),
            Column("prompt"),
        ],
        [[r["id"], r["status"], r["rounds"], r["score"], r["evaluator"], r["cost"], r["prompt"]] for r in shown],
    )


def _list_row(document: dict[str, Any]) -> dict[str, str]:
    """One run of a data folder in `imagegate list` (its run.json)."""
    return list_row(
        run_id=document["runId"],
        started=document.get("startedAt"),
        status=document["status"],
        rounds=len(document.get("rounds") or []),
        score=document.get("finalScore"),
        counts=evaluation_summary(document.get("evaluation")),
        cost=document.get("costUsd"),
        prompt=document["prompt"],
    )


def list_row(
    *,
    run_id: Any,
    started: Any,
    status: Any,
    rounds: int,
    score: Any,
    counts: dict[str, Any] | None,
    cost: Any,
    prompt: Any,
) -> dict[str, str]:
    """One run in `imagegate list`: id, status, rounds, final score, the evaluator's verdict, cost, prompt (the
    local listing's run.json and the API's listing items give the same row)."""
    text = " ".join(str(prompt or "").split())
    if len(text) > LIST_PROMPT_CHARS:
        text = text[: LIST_PROMPT_CHARS - 1].rstrip() + "…"
    evaluator = "-"
    if counts:
        evaluator = "passed" if counts["passed"] else "failed"
        if counts.get("satisfied") is not None:
            evaluator += f" {counts['satisfied']}/{counts['verifiable']}"
    return {
        "id": str(run_id),
        "started": str(started or ""),
        "status": str(status),
        "rounds": str(rounds),
        "score": f"{float(score):.1f}" if isinstance(score, (int, float)) else "-",
        "evaluator": evaluator,
        "cost": f"${float(cost or 0):.4f}",
        "prompt": text,
    }


def _cmd_show(args: argparse.Namespace) -> int:
    if args.api:
        from imagegate.remote_cli import show_command

        return show_command(args)
    from imagegate.export import load_run_document

    found = run_folder(str(args.run_dir), Path(args.data_dir))
    if isinstance(found, str):
        print(f"imagegate: {found}", file=sys.stderr)
        return EXIT_INVALID_INPUT
    args.run_dir = found
    try:
        document = load_run_document(args.run_dir)
    except FileNotFoundError as error:
        print(f"imagegate: {error}", file=sys.stderr)
        return EXIT_INVALID_INPUT
    except (OSError, UnicodeDecodeError, ValueError) as error:  # unreadable, not UTF-8, not JSON
        print(f"imagegate: {args.run_dir}/run.json is not a run document: {error}", file=sys.stderr)
        return EXIT_INVALID_INPUT
    rendered = io.StringIO()
    try:  # rendered in full first: a broken document prints one line, not half a run and a traceback
        _print_run(document, args.run_dir, Terminal(rendered, interactive=Terminal().interactive))
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as error:
        what = (
            f"the field {error.args[0]!r} is missing"
            if isinstance(error, KeyError)
            else f"a field is malformed ({error})"
        )
        print(
            f"imagegate: {args.run_dir}/run.json is not a run document written by 'imagegate run': {what}",
            file=sys.stderr,
        )
        return EXIT_INVALID_INPUT
    sys.stdout.write(rendered.getvalue())
    return 0


def _print_run(document: dict[str, Any], run_dir: Path | None, out: Terminal) -> None:
    from imagegate.controls_cli import review_text

    out.line(f"run {document['runId']}: “{document['prompt']}”")
    for entry in document["rounds"]:
        out.line()
        out.line(f"round {entry['round']}: score {entry['score']:.1f} ({_judge_verdict(entry)})")
        out.line(f"  prompt: {entry['prompt']}")
        # a run folder's image path; from the API (run_dir None), the image's presigned URL
        out.line(f"  image: {entry['bestImage'] if run_dir is None else Path(run_dir) / entry['bestImage']}")
        out.line(f"  judge: {entry['explanation']}")
        verifier = _verification_text(entry.get("verification"))
        if verifier:
            out.line(f"  verifier: {verifier}")
        out.line(f"  evaluator: {_evaluation_text(entry.get('evaluation'))}")
        for suggestion in entry["suggestions"]:
            out.line(f"   - {suggestion}")
        for review in entry.get("reviews") or []:  # a person's decisions on the round (review final)
            out.line(f"  review: {review_text(review)}")
    _print_summary(document, out)


def _cmd_serve(args: argparse.Namespace) -> int:
    from imagegate.local.bedrock_offline import FaultSwitches
    from imagegate.local.serve import serve

    try:
        faults = FaultSwitches.from_env({"IMAGEGATE_OFFLINE_FAULTS": ",".join(args.fault)}) if args.fault else None
        guard = _request_guard(args)
    except ValueError as error:
        return _fail_input(str(error))
    try:
        problem = _data_dir_problem(args.data_dir)
        if problem:
            return _fail_input(problem)
        return serve(
            port=args.port,
            faults=faults,
            retry_time_scale=args.retry_time_scale,
            url_expiry_seconds=args.url_expiry,
            verbose=args.verbose,
            data_dir=args.data_dir,
            bench_dir=args.bench_dir,
            daily_budget_usd=args.daily_budget_usd,
            guard=guard,
        )
    except OSError as error:  # port in use, permission denied
        print(f"imagegate: cannot serve on 127.0.0.1:{args.port}: {error}", file=sys.stderr)
        return 1


def _request_guard(args: argparse.Namespace) -> Any:
    """serve's RequestGuard from --allow-host, --cors-origin and --token (or $IMAGEGATE_SERVE_TOKEN), each checked."""
    from imagegate.local.serve import RequestGuard

    for name in args.allow_host:
        if not re.fullmatch(r"[A-Za-z0-9.-]{1,253}|\[[0-9A-Fa-f:.]{2,45}\]", name):
            raise ValueError(f"--allow-host: {name[:100]!r} is not a host name (no port, scheme or path)")
    for origin in args.cors_origin:
        if not re.fullmatch(r"https?://[A-Za-z0-9.\-\[\]:]{1,260}/?", origin):
            raise ValueError(f"--cors-origin: {origin[:100]!r} is not an origin such as https://example.com:8443")
    token = args.token if args.token is not None else os.environ.get(TOKEN_ENV_NAME) or None
    if token is not None and not re.fullmatch(r"[\x21-\x7e]{16,512}", token):
        raise ValueError("--token: must be 16-512 printable ASCII characters without spaces")
    return RequestGuard(tuple(args.allow_host), tuple(args.cors_origin), token)


def _data_dir_problem(data_dir: Path | None) -> str | None:
    """serve --data-dir must be a folder this process can create and write, checked before anything starts."""
    from imagegate.local.store import DEFAULT_DATA_DIR

    target = data_dir or DEFAULT_DATA_DIR
    try:
        target.mkdir(parents=True, exist_ok=True)
        probe = target / ".imagegate-write-check"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as error:
        return f"--data-dir: {target} must be a folder imagegate can write ({error.strerror or error})"
    return None


def _cmd_bench(args: argparse.Namespace) -> int:
    from imagegate import benchmark_local
    from imagegate.local.runtime import LocalRuntime
    from imagegate_service.benchmark import suites

    try:
        if args.partiprompts:
            name, items = args.partiprompts.stem, suites.load_partiprompts_tsv(args.partiprompts)
        elif args.geneval:
            name, items = args.geneval.stem, suites.load_geneval_jsonl(args.geneval)
        else:
            path = args.suite or benchmark_local.DEFAULT_SUITE_FILE
            name, items = path.stem, suites.load_suite_jsonl(path)
        suite_size = len(items)
        items = suites.select_items(items, limit=args.limit, sample_seed=args.sample_seed, keep_anchors=True)
    except (OSError, ValueError) as error:
        return _fail_input(str(error))
    problem = _unwritable(args.out, "--out")
    if problem:
        return _fail_input(problem)
    overrides = {
        field: value
        for field, value in (("threshold", args.threshold), ("maxRounds", args.max_rounds))
        if value is not None
    }
    from imagegate_service.domain.benchmarking import parse_arms
    from imagegate_service.errors import InvalidRequest

    try:
        arms = parse_arms(args.arms)
        request = benchmark_local.suite_request(items, name, args.concurrency, overrides, arms)
        _, entries = benchmark_local.prepare_locally(request)  # refused here, before anything starts or prints
    except InvalidRequest as error:
        return _fail_input(str(error))
    if args.estimate:
        images_per_minute = args.images_per_minute
        if images_per_minute is None:  # the deployment's imageModelRequestsPerMinute bounds it as in AWS
            images_per_minute = _deployed_requests_per_minute()
        projection = benchmark_local.estimate_suite(entries, overrides, args.out, args.concurrency, images_per_minute)
        print(projection["text"])
        if args.images_per_minute is None and images_per_minute is not None:
            print(
                f"  the quota is the deployment's {_RPM_SETTING} {images_per_minute} ({_rpm_sources()}); --images-per-minute overrides it"
            )
        for arm, figures in projection["arms"].items():
            print(
                f"  {arm}: {figures['runs']:,} runs x {figures['meanRounds']:.2f} rounds x "
                f"{figures['meanCandidates']:.2f} candidates, ${figures['modelUsd']:,.2f} in models"
                + (f" (measured by the {projection['measuredBy']} report)" if figures["measured"] else " (worst case)")
            )
        return 0
    # The Map's children in one worker process per core (imagegate/local/map_workers.py) once there are enough of
    # them to repay a worker's start-up (a few seconds; a child takes about half a second on the offline world)
    workers = (os.cpu_count() or 1) if len(items) * len(arms) >= _BENCH_WORKERS_FROM else 0
    with LocalRuntime(retry_time_scale=0.0, map_workers=workers) as runtime:
        problem = _refused_item(items, arms, overrides, args)  # every run, by the rules each one will start under
        if problem:
            return _fail_input(problem)
        count = benchmark_local.item_count_text(items, suite_size, args.limit, args.sample_seed)
        print(
            f"benchmark {name}: {count} x {len(arms)} arms ({', '.join(arms)}), "
            f"concurrency {args.concurrency} (local runtime, offline Bedrock)"
        )
        try:
            with Terminal().progress(len(items) * len(arms)) as progress:
                outcome = benchmark_local.run_benchmark(
                    request,
                    args.out,
                    runtime,
                    on_progress=lambda *counts: progress.update(counts[0], benchmark_local.progress_text(*counts)),
                )
        except InvalidRequest as error:
            return _fail_input(str(error))
    if outcome.report_dir is None:
        print(f"imagegate: benchmark {outcome.status}: {outcome.error}", file=sys.stderr)
        return 1
    from imagegate_service.benchmark.report import REPORT_HTML

    report = json.loads((outcome.report_dir / "report.json").read_text(encoding="utf-8"))
    benchmark_local.print_summary(report)
    if report.get("estimate"):
        print(f"\n{report['estimate']['text']}")
    print(f"\nwall time {outcome.wall_seconds:.1f} s · report: {outcome.report_dir / REPORT_HTML}")
    return 0


_RPM_SETTING = "imageModelRequestsPerMinute"


def _rpm_sources() -> str:
    """Where the deployment's requests-per-minute setting is given: cdk.json's context, or its variable."""
    from infra.config import SETTINGS

    return f"cdk.json or {next(s.env_var for s in SETTINGS if s.name == _RPM_SETTING)}"


def _deployed_requests_per_minute() -> int | None:
    """The deployment's imageModelRequestsPerMinute (cdk.json, IMAGEGATE_CDK_* variables); None when unset or the
    settings cannot be read (said on stderr: the estimate is then not bounded by it)."""
    from infra.config import ContextError, ImagegateConfig

    try:
        value = ImagegateConfig.from_cdk_json().image_model_requests_per_minute
    except ContextError as error:
        print(f"imagegate: the deployment settings cannot be read ({error}); not bounded by a quota", file=sys.stderr)
        return None
    return value


def _refused_item(
    items: Sequence[Any], arms: Sequence[str], overrides: dict[str, Any], args: argparse.Namespace
) -> str | None:
    """The first benchmark run its settings would refuse (a --threshold out of range refuses them all)."""
    from imagegate_service.domain.benchmarking import arm_request
    from imagegate_service.errors import InvalidRequest
    from imagegate_service.settings import resolve_settings

    for item in items:
        for arm in arms:
            try:
                resolve_settings(arm_request(arm, overrides, item))
            except InvalidRequest as error:
                return f"item {item.id} ({arm} arm): {error}{_flag_hint(error.field, args)}"
    return None


def _cmd_doctor(args: argparse.Namespace) -> int:
    from imagegate.doctor import run_doctor

    if args.local:
        return _local_doctor(args.data_dir)
    return run_doctor()


def _local_doctor(data_dir: Path | None) -> int:
    """Each damaged run folder named with what is wrong (exit 1), or that all of them load (exit 0)."""
    from imagegate.local.store import DEFAULT_DATA_DIR, damaged_run_folders

    root = data_dir or DEFAULT_DATA_DIR
    if not root.is_dir():
        print(f"imagegate: --data-dir: {root} is not a folder", file=sys.stderr)
        return EXIT_INVALID_INPUT
    problems = damaged_run_folders(root)
    for problem in problems:
        print(f"✗ {problem}")
    if problems:
        print(
            f"{len(problems)} run folder(s) in {root} cannot be loaded: 'imagegate serve' skips them (move or fix them)"
        )
        return 1
    print(f"✓ every run folder in {root} loads")
    return 0


if __name__ == "__main__":
    sys.exit(main())
