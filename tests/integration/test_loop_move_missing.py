"""A Record Round older than the loop's definition (issue 24, left by the move to ``$.loop.next``): it writes no move,
as a function not yet updated would while a deploy puts the new definition in place. The Quality Gate and Draw Again?
once fell to their Default, Rewrite Prompt or Generate Images, which would draw rounds past maxRounds (only
domain/gate.py counts them). Through the real ASL in the local runtime, such a run now ends FAILED with its error
named, its judged round kept, and no round drawn after it."""

import importlib
import uuid
from typing import Any

import pytest

from imagegate.local.runtime import FakeLambdaContext
from imagegate_service import constants as c

pytestmark = pytest.mark.integration

APPLE = "a red apple on a wooden table"


def _record_round_without_a_move(event: dict[str, Any]) -> Any:
    """The real Record Round, less the key its older code did not write."""
    module = importlib.import_module(c.HANDLER_MODULE.format(name="record_round"))
    loop = module.handler(event, FakeLambdaContext("imagegate-local-record-round", str(uuid.uuid4())))
    loop.pop("next", None)
    return loop


def _calls(runtime: Any, name: str) -> int:
    return sum(1 for handler, _ in runtime.dispatcher.invocations if handler == name)


def test_a_judged_round_without_a_move_ends_the_run_failed_not_in_another_round(runtime):
    # Given a Record Round that writes no loop.next, and a run that by its numbers would rewrite (a threshold no
    # verdict reaches, three rounds allowed)
    runtime.dispatcher.local_functions["record_round"] = _record_round_without_a_move

    # When the loop runs
    outcome = runtime.run(
        {"prompt": APPLE, "threshold": 10, "maxRounds": 3, "verifier": "none"}, run_id="no-move-judged"
    )

    # Then it stops after the first round: nothing is rewritten or drawn again
    assert _calls(runtime, "record_round") == 1
    assert _calls(runtime, "rewrite_prompt") == 0 and _calls(runtime, "generate_images") == 1
    # And the run is FAILED, saying why, with the round it paid for as its result
    assert outcome.execution_status == "FAILED" and outcome.error == "LoopMoveMissing"
    run = runtime.runs().get_run("no-move-judged")
    assert run["status"] == c.STATUS_FAILED and run["error"] == "LoopMoveMissing"
    assert "$.loop.next" in run["cause"] and run["bestRound"] == 1 and run["rounds"] == 1


def test_a_filtered_round_without_a_move_ends_the_run_failed_not_in_another_draw(runtime_with):
    # Given every image withheld by the output filter, and a Record Filtered Round that writes no loop.next
    runtime = runtime_with(blocked_output_rate=1.0)
    runtime.dispatcher.local_functions["record_round"] = _record_round_without_a_move

    # When the loop runs with rounds to spare
    outcome = runtime.run({"prompt": APPLE, "maxRounds": 3, "verifier": "none"}, run_id="no-move-filtered")

    # Then Draw Again? does not draw again: the run ends FAILED after the one filtered draw
    assert _calls(runtime, "generate_images") == 1 and _calls(runtime, "record_round") == 1
    assert outcome.execution_status == "FAILED" and outcome.error == "LoopMoveMissing"
    assert runtime.runs().get_run("no-move-filtered")["status"] == c.STATUS_FAILED
