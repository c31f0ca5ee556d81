"""A DELETE of a generation racing an enhancement of it (reviewer's finding on issue 28 / 25.5): exactly one wins,
the other fails saying why, and nothing the loser would have written outlives the run.

The fence is the run's DELETED marker: a delete writes it before its last look for open enhancements, an
enhancement is created only in a transaction that checks the marker is absent, and an enhancement's task writes
its step only while the enhancement is open (removing its output when the run has the marker). Moto's S3 and
DynamoDB, the offline Image Services behind the real adapter (the fixtures of test_enhancements)."""

import boto3
import pytest

from imagegate_service import constants as c
from imagegate_service.adapters.run_removal import DynamoRunRemoval
from imagegate_service.domain.enhancements import ENHANCEMENT_FAILED, STEP_ENHANCE, EnhancementStarter
from imagegate_service.domain.lifecycle import GenerationLifecycle
from imagegate_service.errors import EnhancementEnded, GenerationNotFound, GenerationStillRunning
from tests.unit.test_enhancements import RUN, TABLE, Workflow, picture, runner, start, world  # noqa: F401

pytestmark = pytest.mark.unit


def lifecycle(images) -> tuple[GenerationLifecycle, DynamoRunRemoval]:
    table = boto3.resource("dynamodb").Table(TABLE)
    removal = DynamoRunRemoval(TABLE, lambda name: table)
    return GenerationLifecycle(removal, images, workflow=None, ender=lambda detail: None), removal  # type: ignore[arg-type]


def test_a_run_deleted_while_an_operation_runs_keeps_neither_its_output_nor_its_items(world):
    images, store, services, _ = world
    _, request = start(world, [{"op": "upscale", "mode": "fast"}])
    run, _ = runner(world)
    deleting, removal = lifecycle(images)
    real_apply = services.apply

    def apply_while_the_run_goes(service_request, on_answered):
        # the execution is stopped (Mark Run Ended closes the enhancement) and the run deleted while the call runs
        store.update_enhancement(RUN, "e1", {"status": ENHANCEMENT_FAILED, "error": "aborted"})
        deleting.delete(RUN, "alice")
        return real_apply(service_request, on_answered)

    services.apply = apply_while_the_run_goes
    state = {**request, "index": 0, "current": request["progress"]["current"], "attempt": 0}

    # When the call answers after the delete, the task fails saying the generation was deleted
    with pytest.raises(EnhancementEnded, match="was deleted"):
        run.apply(state)
    # and so does the workflow's Record Failure, which recreates nothing
    with pytest.raises(EnhancementEnded, match="was deleted"):
        run.finish({**request, "error": {"Error": "EnhancementEnded", "Cause": "{}"}})

    # Then no object of the run is left, no enhancement or run item came back; the paid call stays in the ledger
    assert images.list_keys(f"{c.RUNS_PREFIX}{RUN}/") == []
    left = removal.partition(RUN)
    assert not [item for item in left if item["sk"].startswith(c.ENHANCEMENT_SK_PREFIX) or item["sk"] == c.RUN_SK]
    assert [item["step"] for item in left if item["sk"].startswith(c.LEDGER_SK_PREFIX)] == [STEP_ENHANCE]
    assert removal.was_deleted(RUN)


def test_a_delete_gives_way_to_an_enhancement_started_before_its_marker(world):
    images, store, _, _ = world
    deleting, removal = lifecycle(images)
    workflow = Workflow()
    real_mark = removal.mark_deleted

    def mark_after_an_enhancement_starts(*args):
        EnhancementStarter(store, workflow).start(RUN, {"operations": [{"op": "upscale", "mode": "fast"}]})
        return real_mark(*args)

    removal.mark_deleted = mark_after_an_enhancement_starts  # type: ignore[method-assign]
    keys = images.list_keys(f"{c.RUNS_PREFIX}{RUN}/")

    # When the delete's look after its marker finds the enhancement, it refuses and takes its marker back
    with pytest.raises(GenerationStillRunning, match="e1"):
        deleting.delete(RUN, "alice")

    # Then the enhancement runs on a run that is whole: nothing was removed, a GET does not answer 'deleted'
    assert len(workflow.started) == 1 and store.get_enhancement(RUN, "e1")["status"] == "QUEUED"
    assert images.list_keys(f"{c.RUNS_PREFIX}{RUN}/") == keys and store.get_run(RUN) is not None
    assert not removal.was_deleted(RUN)


def test_an_enhancement_asked_for_during_a_delete_is_refused_and_starts_nothing(world):
    images, store, _, _ = world
    deleting, removal = lifecycle(images)
    workflow = Workflow()
    refused: list[Exception] = []
    real_list = images.list_keys

    def list_while_an_enhancement_is_asked_for(prefix):
        # the enhance request read the run before the delete began; it creates its item after the marker
        try:
            EnhancementStarter(store, workflow).start(RUN, {"operations": [{"op": "upscale", "mode": "fast"}]})
        except GenerationNotFound as error:
            refused.append(error)
        return real_list(prefix)

    images.list_keys = list_while_an_enhancement_is_asked_for

    deleting.delete(RUN, "alice")

    # Then the enhancement is refused as of a deleted generation, no workflow started, no item left behind
    assert len(refused) == 1 and "was deleted" in str(refused[0]) and workflow.started == []
    assert not [item for item in removal.partition(RUN) if item["sk"].startswith(c.ENHANCEMENT_SK_PREFIX)]
