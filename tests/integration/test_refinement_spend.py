"""Issue 14's edits on the local runtime, billed as any call is: every edit Bedrock answered is recorded once in
the spend ledger at the generator's image price, retries included, and a refining run stays within its budget."""

import pytest

from imagegate_service import constants as c
from imagegate_service import registry
from imagegate_service.allowed_models import encode_deployed_models

pytestmark = pytest.mark.integration

SD35, TITAN = "stability.sd3-5-large-v1:0", "amazon.titan-image-generator-v2:0"
PROMPT = "a blue cup next to a red apple"
EDIT_TASKS = {"image-to-image", "IMAGE_VARIATION", "INPAINTING"}


def answered_image_calls(runtime, since):
    """(task, body) of each InvokeModel call Bedrock answered (a throttled one reached no model)."""
    return [
        (call.body.get("taskType") or call.body.get("mode", "text-to-image"), call.body)
        for call in runtime.bedrock.calls[since:]
        if call.operation == "InvokeModel" and call.outcome == "ok"
    ]


@pytest.mark.parametrize("generator", [SD35, TITAN])
def test_every_answered_edit_is_recorded_once_at_the_image_price_and_the_budget_holds(
    monkeypatch, runtime_with, generator
):
    # Given a deployment with the generator, a third of Bedrock calls throttled, and runs that refine
    models = {role: [registry.default_model(role)] for role in ("judge", "rewriter")}
    models |= {"generator": [generator], "evaluator": [registry.offline_default_models()["evaluator"]]}
    monkeypatch.setenv(c.ENV_DEPLOYED_MODELS, encode_deployed_models(models))
    runtime = runtime_with(throttle_rate=0.3, seed=14)
    model = registry.generator(generator)
    edits_seen = 0
    # Up to four runs, stopping once the cases the checks need have been seen: an edit answered and an image call
    # throttled then retried. Every run made is checked in full; the four runs always made took 9-10 s a generator
    # (issue 29), and a world that draws otherwise makes the test go on to the same four.
    for seed in range(1, 5):
        if edits_seen and any(
            call.operation == "InvokeModel" and call.outcome == "ThrottlingException" for call in runtime.bedrock.calls
        ):
            break
        since, run_id = len(runtime.bedrock.calls), f"refine-spend-{model.family}-{seed}"
        budget = 0.2

        # When each runs up to four rounds
        runtime.run(
            {
                "prompt": PROMPT,
                "generator": generator,
                "seed": seed,
                "maxRounds": 4,
                "threshold": 9.5,  # hard to pass: the later rounds edit
                "strategy": c.STRATEGY_REFINE,
                "maxCostUsd": budget,
            },
            run_id=run_id,
        )
        run, ledger = runtime.runs().get_run(run_id), runtime.runs().ledger(run_id)
        assert run["status"] != c.STATUS_FAILED, run.get("cause")

        # Then every image call Bedrock answered, edits included, has exactly one ledger entry ...
        calls = answered_image_calls(runtime, since)
        generated = [entry for entry in ledger if entry["step"] == c.STEP_GENERATE]
        assert len(generated) == len(calls)
        assert len({entry["callId"] for entry in ledger}) == len(ledger)
        # ... the edits being the image calls of the rounds after the first, each priced as a generated image of
        # the run's size (model registry pricedAsGeneratedImage): one image a call here
        settings = run["settings"]
        price = model.price_per_image(settings["width"], settings["height"], settings["quality"])
        edit_calls = [body for task, body in calls if task in EDIT_TASKS]
        edit_entries = [entry for entry in generated if entry["round"] > 1]
        assert len(edit_entries) == len(edit_calls)
        assert all(entry["costUsd"] == pytest.approx(price, rel=1e-9) for entry in edit_entries)
        assert all(later["mode"] == c.MODE_EDIT for later in runtime.runs().list_rounds(run_id)[1:])
        edits_seen += len(edit_calls)
        # And neither the recorded nor the committed spend passes the budget
        assert sum(entry["costUsd"] for entry in ledger) <= budget
        assert run["committedUsd"] <= budget

    # And the edits were real calls (some round of these runs edited)
    assert edits_seen > 0
