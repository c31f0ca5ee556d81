"""Issue 25.3 and 25.6 on the local runtime: GET /generations/{id} says the step a generation is at from its real
execution history (moto's), and a reviewer's reject with feedback makes the next round ask something else, so its
image is never the rejected one's bytes."""

import pytest
from test_review_and_daily_budget import wait_for_review

from imagegate_service import constants as c
from imagegate_service import wiring
from imagegate_service.adapters.run_removal import DynamoRunRemoval
from imagegate_service.adapters.storage import DynamoRunRepository
from imagegate_service.adapters.workflow import StepFunctionsWorkflow
from imagegate_service.domain.generations import Generations

pytestmark = pytest.mark.integration


def test_a_waiting_generation_shows_its_step_and_the_steps_before_then_a_reject_redraws(runtime):
    # Given a run paused for its review after round 1
    runtime.start(
        {"prompt": "a box next to a cat", "threshold": 0, "verifier": "none", "review": c.REVIEW_FINAL, "maxRounds": 3},
        run_id="progress-1",
    )
    wait_for_review(runtime, "progress-1")

    # When it is read through the API's domain
    generations = Generations(
        DynamoRunRepository(),
        StepFunctionsWorkflow(runtime.state_machine_arn),
        wiring.url_signer(),
        wiring.daily_budget(),
        wiring.idempotency_store,
        DynamoRunRemoval().was_deleted,
    )
    first = generations.get("progress-1")["progress"]

    # Then it is awaiting review in round 1, after generating, judging, evaluating and recording, with no estimate
    assert (first["step"], first["state"], first["round"]) == ("awaiting review", "Await Review", 1)
    assert [s["step"] for s in first["finishedSteps"]][:2] == ["starting", "generating"]
    assert {"judging", "evaluating", "recording"} <= {s["step"] for s in first["finishedSteps"]}
    assert first["elapsedSeconds"] >= 0 and first["estimatedSecondsLeft"] is None

    # When the reviewer rejects it with plain feedback and round 2 waits in turn
    wiring.reviews().submit(
        "progress-1", {"decision": "reject", "feedback": "make the box bigger and clearly blue"}, "ann"
    )
    wait_for_review(runtime, "progress-1", reviews_so_far=1)
    second = generations.get("progress-1")["progress"]

    # Then round 2 followed a rewrite, and the run's own round gives an estimate
    assert (second["step"], second["round"]) == ("awaiting review", 2)
    assert "rewriting" in {s["step"] for s in second["finishedSteps"]}
    assert second["estimatedSecondsLeft"] is not None
    # And round 2 asked for the blue box and drew another image than the rejected one
    one, two = sorted(runtime.runs().list_rounds("progress-1"), key=lambda r: r["round"])
    assert "the box is blue" in two["prompt"] and two["prompt"].startswith(one["prompt"])
    images = dict(runtime.objects("runs/progress-1/"))
    assert images[two["bestImageKey"]] != images[one["bestImageKey"]]
    wiring.reviews().submit("progress-1", {"decision": "approve"}, "ann")
