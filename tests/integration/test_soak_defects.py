"""Defects a `make soak` found, each on single runs with the fault switches (no soak): what a run leaves behind
is exactly what its records say, and a run fails only where a step failed more times than its retries allow."""

import pytest

from imagegate.export import build_run_document, export_run
from imagegate_service import constants as c

pytestmark = pytest.mark.integration

APPLE = "a red apple on a wooden table"


def pngs(runtime, run_id):
    return {key for key, _ in runtime.objects(f"{c.RUNS_PREFIX}{run_id}/") if key.endswith(".png")}


def listed_pngs(document):
    prefix = f"{c.RUNS_PREFIX}{document['runId']}/"
    names = {name for entry in document["rounds"] for name in [*entry["images"], entry["bestImage"]]}
    names |= set((document["interruptedRound"] or {}).get("images", []))
    return {prefix + name for name in names}


def test_a_round_drawn_after_a_filtered_round_is_recorded(runtime_with):
    # Given an output filter that withholds half the images, one candidate per round and rounds to spare
    runtime = runtime_with(blocked_output_rate=0.5, seed=3)
    runs = {}
    for n in range(8):
        run_id = f"filtered-then-drawn-{n}"
        runtime.run(
            {"prompt": APPLE, "threshold": 10, "maxRounds": 3, "candidatesPerRound": 1, "seed": 100 + n}, run_id=run_id
        )
        runs[run_id] = (runtime.runs().get_run(run_id), sorted(r["round"] for r in runtime.runs().list_rounds(run_id)))
    # (the draw includes runs where a round is drawn again after a filtered one: the case under test)
    redrawn = [run_id for run_id, (run, _) in runs.items() if any(n < 3 for n in run.get("filteredRounds", []))]
    assert redrawn

    for run_id, (run, stored) in runs.items():
        # Then no run fails (Record Round of the re-drawn round looked for a rewrite that was never made)
        assert run["status"] in (c.STATUS_PASSED, c.STATUS_EXHAUSTED), (run_id, run.get("error"), run.get("cause"))
        # and every round up to the last recorded one is either recorded or listed as filtered
        filtered = set(run.get("filteredRounds", []))
        assert set(range(1, int(run["rounds"]) + 1)) <= set(stored) | filtered
        assert not set(stored) & filtered
    for run_id in redrawn:
        for item in runtime.runs().list_rounds(run_id):
            if item["round"] == 2 and 1 in runs[run_id][0]["filteredRounds"]:
                # and a round re-drawn after filtered round 1 has no rewrite behind it
                assert item["promptChanges"] == [] and item.get("rewriterModel") is None and item["prompt"] == APPLE


def test_every_draw_filtered_ends_exhausted_not_blocked(runtime_with):
    # Given an output filter that withholds every image
    runtime = runtime_with(blocked_output_rate=1.0)

    runtime.run({"prompt": APPLE, "maxRounds": 2}, run_id="all-filtered")

    # Then the run ran out of rounds: EXHAUSTED without a result (BLOCKED is for a prompt the filter blocked)
    run = runtime.runs().get_run("all-filtered")
    assert run["status"] == c.STATUS_EXHAUSTED and run.get("finalScore") is None
    assert run["filteredRounds"] == [1, 2]
    assert "generated images of round 2" in run["reason"]


def test_a_round_that_fails_in_judging_lists_its_billed_images(runtime_with, tmp_path):
    # Given a judge whose every answer breaks the verdict schema (more times than its retries allow)
    runtime = runtime_with(garbage_verdicts=1000)

    runtime.run({"prompt": APPLE, "candidatesPerRound": 2, "maxRounds": 2}, run_id="failed-in-judging")

    # Then the run FAILED on the verdict, in round 1, before the round was recorded
    run = runtime.runs().get_run("failed-in-judging")
    assert run["status"] == c.STATUS_FAILED and run["error"] == "InvalidVerdict"
    assert runtime.runs().list_rounds("failed-in-judging") == []
    # and the round's drawn (and billed) images are listed with the failure: run.json lists what S3 holds
    stored = pngs(runtime, "failed-in-judging")
    assert len(stored) == 2
    assert run[c.INTERRUPTED_ROUND]["round"] == 1 and set(run[c.INTERRUPTED_ROUND]["imageKeys"]) == stored
    document = build_run_document(run, [])
    assert listed_pngs(document) == stored
    assert document["interruptedRound"] == {
        "round": 1,
        "images": ["round-01/candidate-1.png", "round-01/candidate-2.png"],
    }
    # and the exported folder holds those images under the names run.json gives
    run_dir, exported = export_run(run, [], runtime.objects, tmp_path)
    assert all((run_dir / name).is_file() for name in exported["interruptedRound"]["images"])


def test_a_run_that_ends_between_rounds_has_no_interrupted_round(runtime):
    # Given a run that records its rounds and ends on its gate
    runtime.run({"prompt": APPLE, "threshold": 10, "maxRounds": 2}, run_id="ended-between-rounds")

    # Then nothing is interrupted and run.json lists every image S3 holds
    run = runtime.runs().get_run("ended-between-rounds")
    assert c.INTERRUPTED_ROUND not in run
    document = build_run_document(run, runtime.runs().list_rounds("ended-between-rounds"))
    assert document["interruptedRound"] is None
    assert listed_pngs(document) == pngs(runtime, "ended-between-rounds")
