"""Model failures through the real ASL and the local runtime: a retired or denied model ends the run FAILED
at once (never retried) with a cause that names the model and what to switch to; the default generator's
Stability format runs end to end."""

import json
import struct
from pathlib import Path

import pytest

from imagegate_service import constants as c
from imagegate_service import registry

pytestmark = pytest.mark.integration

APPLE = "a red apple on a wooden table"
ASL_FILES = [
    Path(__file__).resolve().parents[2] / "statemachine" / name
    for name in ("quality_loop.asl.json", "benchmark.asl.json")
]


def handler_outcomes(runtime, name):
    return [outcome for handler, outcome in runtime.dispatcher.invocations if handler == name]


def test_a_retired_generator_fails_the_run_once_with_a_clear_cause(runtime_with):
    # Given Bedrock answers the default generator as past its end of life
    generator = registry.default_model("generator")
    runtime = runtime_with(retired_models=(generator,))

    # When a run starts
    outcome = runtime.run({"prompt": APPLE}, run_id="retired")

    # Then Generate Images is not retried and the run records why, naming the model and what to do
    assert handler_outcomes(runtime, "generate_images") == ["ModelRetired"]
    run = runtime.runs().get_run("retired")
    assert run["status"] == c.STATUS_FAILED and run["error"] == "ModelRetired"
    assert run["cause"].startswith(f"{generator} is retired: switch to ")
    assert "stackTrace" not in run["cause"] and "\n" not in run["cause"] and not run["cause"].startswith("{")
    assert outcome.execution_status == "FAILED"


def test_a_retired_judge_fails_the_run_without_retries(runtime_with):
    judge = registry.default_model("judge")
    runtime = runtime_with(retired_models=(judge,))

    runtime.run({"prompt": APPLE}, run_id="retired-judge")

    assert handler_outcomes(runtime, "judge_images") == ["ModelRetired"]
    assert runtime.runs().get_run("retired-judge")["error"] == "ModelRetired"


def test_the_default_generator_runs_end_to_end_billed_per_image(runtime):
    # Given two candidates per round from the default (Stability) generator
    model = registry.generator(registry.default_model("generator"))
    outcome = runtime.run(
        {"prompt": APPLE, "threshold": 6.0, "candidatesPerRound": 2, "width": 1344, "height": 768}, run_id="stability"
    )

    # Then both images of round one are stored at the 16:9 size, and each is billed at the model's price
    assert outcome.execution_status == "SUCCEEDED"
    first = min(runtime.runs().list_rounds("stability"), key=lambda r: r["round"])
    assert len(first["imageKeys"]) == 2
    for key in first["imageKeys"]:
        png = dict(runtime.objects(key))[key]
        assert struct.unpack(">II", png[16:24]) == (1344, 768)
    assert float(first["costUsd"]) >= 2 * model.price_per_image(1344, 768, "standard")


@pytest.mark.parametrize("path", ASL_FILES, ids=lambda p: p.name)
def test_lifecycle_and_access_errors_are_never_retried_and_lambda_timeouts_are(path):
    document = json.loads(path.read_text(encoding="utf-8"))
    retries = []

    def walk(node):
        if isinstance(node, dict):
            retries.extend(node.get("Retry", []) if isinstance(node.get("Retry"), list) else [])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(document)
    retried = {error for retry in retries for error in retry["ErrorEquals"]}
    assert not retried & {"ModelRetired", "ModelAccessDenied", "ModelNotFound", "States.ALL"}
    lambda_lists = [retry["ErrorEquals"] for retry in retries if "Lambda.ServiceException" in retry["ErrorEquals"]]
    assert lambda_lists and all("Lambda.ClientExecutionTimeoutException" in errors for errors in lambda_lists)
