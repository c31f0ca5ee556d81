"""Issue 28.2, reviewer's finding 2, on the local runtime: a targeted round whose Stability AI Image Service is
unavailable to the account (the offline provider's denied_models fault: AccessDeniedException, as Bedrock answers an
account that is not subscribed or not allowed) draws its prompt instead of failing the run. The quality loop as
written (statemachine/quality_loop.asl.json, in moto's interpreter) goes on; the round is recorded drawn and says
which edit it could not make and why (round item, generation.json, promptChanges); the refused call is billed nowhere;
the spend ledger holds exactly the calls the offline provider answered; the service is not asked again in the run."""

import json

import pytest

from imagegate_service import constants as c
from imagegate_service import registry

pytestmark = pytest.mark.integration

SEEDS = range(1, 9)  # the world is seeded: a few runs of the prompt include a round the strategy would recolor
PROMPT = "a green book and a yellow banana"  # a colour-only failure: a recolor (test_targeted_edit_workflow.py)


def test_a_denied_targeted_edit_draws_the_round_instead_and_the_run_goes_on(runtime_with):
    recolor = registry.image_service_for("recolor").model_id
    runtime = runtime_with(denied_models=(recolor,))
    made = []
    for seed in SEEDS:
        run_id = f"targeted-denied-{seed}"
        request = {"prompt": PROMPT, "seed": seed, "maxRounds": 3, "strategy": c.STRATEGY_TARGETED}
        outcome = runtime.run({**request, "verifier": c.VERIFIER_NONE}, run_id=run_id)
        made.append(run_id)
        rounds = sorted(runtime.runs().list_rounds(run_id), key=lambda r: int(r["round"]))
        fell = [r for r in rounds if r.get("targetedFallback")]
        if fell:
            break
    else:
        pytest.fail(f"no run of {PROMPT!r} planned a recolor in seeds {list(SEEDS)}")

    # The run went on and ended as runs do, not FAILED
    run = runtime.runs().get_run(run_id)
    assert outcome.execution_status == "SUCCEEDED" and run["status"] != c.STATUS_FAILED
    # And exactly one round fell back: the service is not asked again in the run, by that round or a later one
    (fallen,) = fell
    calls = [call for call in runtime.bedrock.calls if call.model_id == recolor]
    assert [call.outcome for call in calls] == ["AccessDeniedException"]  # refused once, not retried
    assert not [r for r in rounds if (r.get("edit") or {}).get("task") == "recolor"]

    # The round is recorded as drawn from its prompt, with the seed it drew with, and says why
    fallback = fallen["targetedFallback"]
    assert fallen["mode"] == c.MODE_GENERATE and fallen.get("edit") is None and fallen.get("sourceImageKey") is None
    assert fallback["modelId"] == recolor and fallback["edit"]["task"] == "recolor"
    assert "AccessDeniedException" in fallback["reason"] and fallen["seed"] == fallback["seed"]
    assert any("could not be made" in change and "AccessDenied" in change for change in fallen["promptChanges"])
    stored = dict(runtime.objects(c.generation_key(run_id, int(fallen["round"]))))
    noted = json.loads(stored[c.generation_key(run_id, int(fallen["round"]))])
    assert noted["targetedFallback"]["reason"] == fallback["reason"] and noted["seed"] == fallback["seed"]
    # ... a seed no earlier drawn round of the same prompt overlapped (no image the run already has is paid again)
    width = int(run["settings"]["candidatesPerRound"])
    for earlier in rounds:
        if earlier["round"] < fallen["round"] and earlier["prompt"] == fallen["prompt"] and not earlier.get("edit"):
            assert abs(int(earlier["seed"]) - int(fallback["seed"])) >= width
    # ... and its images are the generator's, kept under the round
    ledger = runtime.runs().ledger(run_id)
    drawn = [e for e in ledger if int(e["round"]) == fallen["round"] and e["step"] == c.STEP_GENERATE]
    first = {e["modelId"] for e in ledger if int(e["round"]) == 1 and e["step"] == c.STEP_GENERATE}
    assert drawn and {e["modelId"] for e in drawn} == first
    kept = dict(runtime.objects(c.round_prefix(run_id, int(fallen["round"]))))
    assert fallen["imageKeys"] and all(key in kept for key in fallen["imageKeys"])

    # The refused call is billed nowhere, and every ledger entry of the runs is one call the provider answered
    entries = [e for run_made in made for e in runtime.runs().ledger(run_made)]
    assert not [e for e in entries if e["modelId"] == recolor]
    bedrock_entries = [e for e in entries if not e["modelId"].startswith(c.VERIFIER_REKOGNITION)]
    assert len(bedrock_entries) == len(runtime.bedrock.bill)
    assert sum(float(e["costUsd"]) for e in bedrock_entries) == pytest.approx(runtime.bedrock.billed_usd(), abs=1e-6)
    # And the run's cost is its ledger's, the fallen round's included
    assert float(run["costUsd"]) + float(run.get("evaluationCostUsd", 0)) == pytest.approx(
        sum(float(e["costUsd"]) for e in ledger), abs=1e-6
    )
