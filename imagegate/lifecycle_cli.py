"""`imagegate cancel <id>` and `imagegate delete <id>` (issue 25 item 5): stop a running generation, remove a
finished one, through the imagegate API (imagegate serve's, or a deployed one signed with SigV4), as review does."""

from __future__ import annotations

import sys
from typing import Any

from imagegate.controls_cli import EXIT_CONNECTION, EXIT_OK, EXIT_REFUSED, call_or_say
from imagegate.remote import generation_path


def add_parsers(sub: Any, parents: list[Any]) -> None:
    cancel = sub.add_parser(
        "cancel", parents=parents, help="stop a running generation (its rounds and cost so far are kept)"
    )
    cancel.add_argument("id", help="the generation's id")
    cancel.set_defaults(command=cancel_command)
    delete = sub.add_parser(
        "delete", parents=parents, help="remove a finished generation's images and records (its spend stays counted)"
    )
    delete.add_argument("id", help="the generation's id")
    delete.set_defaults(command=delete_command)


def cancel_command(args: Any) -> int:
    called = call_or_say(args, "POST", generation_path(args.id, "cancel"))
    if called is None:
        return EXIT_CONNECTION
    status, answer = called
    if status != 200:
        print(f"imagegate: cancel refused ({status} {answer.get('error')}): {answer.get('message')}", file=sys.stderr)
        return EXIT_REFUSED
    totals = answer.get("totals") or {}
    print(
        f"generation {answer.get('id', args.id)}: cancelled, now {answer.get('status', '?')} "
        f"(execution {answer.get('executionStatus')}); "
        f"{totals.get('rounds', 0)} round(s) kept, ${float(totals.get('costUsd') or 0):.4f} spent"
    )
    return EXIT_OK


def delete_command(args: Any) -> int:
    called = call_or_say(args, "DELETE", generation_path(args.id))
    if called is None:
        return EXIT_CONNECTION
    status, answer = called
    if status != 204:
        print(f"imagegate: delete refused ({status} {answer.get('error')}): {answer.get('message')}", file=sys.stderr)
        return EXIT_REFUSED
    print(f"generation {args.id}: deleted (its images and records; its spend stays in the ledger)")
    return EXIT_OK
