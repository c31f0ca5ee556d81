"""The verifier in the loop (issue 23), on the local runtime running the same ASL file as AWS: Verify Round runs
only when the judge passed, a verification that fails keeps the loop going with its finding as the next round's
suggestion, an outage degrades to the judge and says so, and every Rekognition call is in the spend ledger once."""

from __future__ import annotations

import pytest

from imagegate.local.runtime import BUCKET
from imagegate_service import constants as c
from imagegate_service.adapters.storage import S3ObjectStore
from imagegate_service.domain.costs import labels_price, text_price

pytestmark = pytest.mark.integration

# Counts, colours and a relation: what the offline world gets wrong often and a detector can see.
PROMPTS = ("four yellow ducks to the right of a green boat", "three green bottles and two purple umbrellas")


def rounds_of(runtime, run_id):
    return sorted(runtime.runs().list_rounds(run_id), key=lambda r: r["round"])


def entered_states(runtime, outcome):
    return [
        event["stateEnteredEventDetails"]["name"]
        for event in runtime.execution_history(outcome.execution_arn)
        if "stateEnteredEventDetails" in event
    ]


def test_a_round_the_verifier_fails_never_passes_the_gate_and_its_finding_leads_the_next_rewrite(runtime):
    failures = 0
    for number, prompt in enumerate(PROMPTS):
        for seed in (1, 2):
            # Given a judge that passes everything (threshold 0): only the verifier can hold a round back
            run_id = f"verify-{number}-{seed}"
            outcome = runtime.run(
                {"prompt": prompt, "threshold": 0, "seed": seed, "maxRounds": 3, "strategy": "regenerate"},
                run_id=run_id,
            )
            rounds = rounds_of(runtime, run_id)
            store = S3ObjectStore(BUCKET)
            for entry in rounds:
                verification = entry["verification"]
                assert verification["status"] == c.VERIFICATION_COMPLETE and verification["source"] == "rekognition"
                if verification.get("passed") is False:
                    failures += 1
                    # Then the gate did not pass it although the judge did, and a next round (if any) was asked
                    # to fix what the detector saw, in the verifier's words, before anything else
                    assert entry["passed"] is True and entry["gatePassed"] is False
                    rewrite = store.find_json(c.rewrite_key(run_id, entry["round"] + 1))
                    if rewrite is not None:
                        document = store.get_json(c.verification_key(run_id, entry["round"]))
                        assert rewrite["suggestions"][: len(document["suggestions"])] == document["suggestions"]
                        assert all("; the prompt asks for" in s for s in document["suggestions"])
                else:
                    assert entry["gatePassed"] is True
            assert (outcome.output["status"] == c.STATUS_PASSED) == rounds[-1]["gatePassed"]
    # the property was exercised: the detector failed at least one round the judge passed
    assert failures > 0


def test_the_verifier_runs_only_on_rounds_the_judge_passed(runtime):
    # Given a threshold no verdict reaches
    outcome = runtime.run({"prompt": PROMPTS[0], "threshold": 10, "maxRounds": 2}, run_id="judge-fails")

    # Then Verify Round never ran, nothing was billed for it, and each round says it was skipped
    rounds = rounds_of(runtime, "judge-fails")
    judge_failed = all(r["score"] < 10 for r in rounds)
    if judge_failed:
        assert "Verify Round" not in entered_states(runtime, outcome)
        assert all(r["verification"]["status"] == c.VERIFICATION_SKIPPED for r in rounds)
        assert not [e for e in runtime.runs().ledger("judge-fails") if e["step"] in c.VERIFY_STEPS]


def test_a_verifier_outage_degrades_to_the_judge_and_the_run_says_so(runtime_with):
    # Given Rekognition throttling every call, beyond Verify Round's retries
    runtime = runtime_with(rekognition_throttle_rate=1.0)

    # When a round the judge passes is verified
    outcome = runtime.run({"prompt": PROMPTS[0], "threshold": 0}, run_id="outage")

    # Then the run is not failed: the gate fell back to the judge, and the round and the outcome say so
    assert outcome.execution_status == "SUCCEEDED" and outcome.output["status"] == c.STATUS_PASSED
    assert "verifier was unavailable" in outcome.output["reason"]
    [entry] = rounds_of(runtime, "outage")
    assert entry["verification"]["status"] == c.VERIFICATION_UNAVAILABLE
    assert "VerifierThrottled" in entry["verification"]["unavailable"]
    assert entered_states(runtime, outcome).count("Verify Round") == 1
    # every attempt was refused, none answered: none billed
    attempts = [call for call in runtime.rekognition.calls if call.operation == "DetectLabels"]
    assert len(attempts) == 7 and all(call.outcome == "ThrottlingException" for call in attempts)
    assert not [e for e in runtime.runs().ledger("outage") if e["step"] in c.VERIFY_STEPS]


def test_every_answered_rekognition_call_is_in_the_ledger_once_at_its_price(runtime_with):
    # Given throttling on a third of Rekognition's calls (retried by the state machine)
    runtime = runtime_with(rekognition_throttle_rate=0.3, seed=5)
    for seed in (1, 2, 3):
        runtime.run(
            {"prompt": 'a sign that says "OPEN" above a red door', "threshold": 0, "seed": seed}, f"bill-{seed}"
        )
        # (threshold 0: the judge passes every round, so each round is verified)

    # Then the ledger has exactly the answered calls, each at its registry price
    answered = [call for call in runtime.rekognition.calls if call.outcome == "ok"]
    entries = [
        (seed, e) for seed in (1, 2, 3) for e in runtime.runs().ledger(f"bill-{seed}") if e["step"] in c.VERIFY_STEPS
    ]
    assert len(entries) == len(answered) > 0
    price = {c.STEP_VERIFY_LABELS: labels_price(), c.STEP_VERIFY_TEXT: text_price()}
    assert all(e["costUsd"] == pytest.approx(price[e["step"]]) for _, e in entries)
    assert len({(seed, e["callId"]) for seed, e in entries}) == len(entries)
