"""Issue 25.1: the offline runtime writes what the world drew beside each offline image it stores (drawn.json), and
nothing in the workflow (judge, verifier, evaluator, rewriter) ever reads it: they open images by their keys."""

import json

import boto3
import pytest

from imagegate.export import export_run
from imagegate.local.bedrock_offline import _events_of as events_of
from imagegate.report import DRAWN_SUFFIX
from imagegate_service import constants as c

pytestmark = pytest.mark.integration


def test_every_offline_image_has_its_drawing_beside_it_and_no_task_reads_one(runtime, tmp_path):
    read: list[str] = []
    recording = [True]  # a client made during the run keeps a copy of the handlers: stop by this flag

    def record(params, **_):
        if recording[0]:
            read.append(str(params.get("Key")))

    events = events_of(boto3.DEFAULT_SESSION)
    events.register("provide-client-params.s3.GetObject", record, unique_id="test-drawn-reads")
    try:
        outcome = runtime.run(
            {
                "prompt": "a red apple to the left of a blue cup",
                "threshold": 10,
                "maxRounds": 2,
                "candidatesPerRound": 2,
                "verifier": "rekognition",
            },
            run_id="drawn-1",
        )
    finally:
        recording[0] = False
        events.unregister("provide-client-params.s3.GetObject", record, unique_id="test-drawn-reads")
    objects = dict(runtime.objects("runs/drawn-1/"))
    images = [key for key in objects if key.endswith(".png")]
    assert outcome.output["rounds"] == 2 and len(images) == 4
    for key in images:
        drawn = json.loads(objects[key.removesuffix(".png") + DRAWN_SUFFIX])
        assert drawn["kind"] == "imagegate-offline-drawing" and {"apple", "cup"} & {o["noun"] for o in drawn["objects"]}
    assert read and [key for key in read if key.endswith(DRAWN_SUFFIX) or not key.endswith((".png", ".json"))] == []
    assert c.candidate_key("drawn-1", 1, 1) in read  # the judge did read the images themselves
    # And the exported folder keeps each drawing beside its image, and report.html overlays the best images
    run_dir, _ = export_run(
        runtime.runs().get_run("drawn-1"), runtime.runs().list_rounds("drawn-1"), runtime.objects, tmp_path
    )
    assert sorted(p.name for p in (run_dir / "round-01").glob("*.drawn.json")) == [
        "candidate-1.drawn.json",
        "candidate-2.drawn.json",
    ]
    report = (run_dir / "report.html").read_text()
    assert report.count('type="checkbox"') == 2 and 'class="box"' in report
