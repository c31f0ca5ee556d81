"""run.json's enhancements (imagegate/export.py) are the API's description of them (GET /generations/{id},
domain/enhancements.describe_enhancements) with each image named by its path in the run folder instead of a URL:
one description, so the two cannot drift apart (a field added to one missing from the other)."""

from __future__ import annotations

from typing import Any

import pytest

from imagegate.export import build_run_document
from imagegate_service import constants as c
from imagegate_service.domain.enhancements import describe_enhancements

pytestmark = pytest.mark.unit
RUN = "20260101T000000Z-0000abcd"
PREFIX = f"{c.RUNS_PREFIX}{RUN}/"


def _step(index: int, **extra: Any) -> dict[str, Any]:
    return {
        "index": index,
        "op": {"op": "upscale", "mode": "fast"},
        "description": "upscale (fast)",
        "key": f"{PREFIX}round-02/enhance-e1/0{index + 1}.png",
        "width": 2048,
        "height": 2048,
        "costUsd": 0.03,
        **extra,
    }


ITEMS = [
    {  # listed newest first: both descriptions put the oldest first
        "enhancementId": "e2",
        "sequence": 2,
        "status": "FAILED",
        "origin": "finish",
        "operations": [{"op": "remove-background", "allowLocalFallback": True}],
        "sourceRound": 2,
        "sourceKey": f"{PREFIX}round-02/candidate-1.png",
        "costUsd": 0.0,
        "maxCostUsd": 0.5,
        "createdAt": "2026-01-01T00:01:00Z",
        "error": "Interrupted",
        "steps": {"0": _step(0, source="local", method="OpenCV GrabCut", fallbackReason="daily budget: spent")},
    },
    {
        "enhancementId": "e1",
        "sequence": 1,
        "status": "SUCCEEDED",
        "operations": [{"op": "upscale", "mode": "fast"}] * 2,
        "sourceRound": 2,
        "sourceKey": f"{PREFIX}round-02/candidate-1.png",
        "resultKey": f"{PREFIX}round-02/enhance-e1/02.png",
        "costUsd": 0.06,
        "createdAt": "2026-01-01T00:00:00Z",
        "endedAt": "2026-01-01T00:00:30Z",
        "steps": {"1": _step(1, source="bedrock", modelId="m"), "0": _step(0, modelId="m")},
    },
]


class _Listing:
    def list_enhancements(self, run_id: str) -> list[dict[str, Any]]:
        assert run_id == RUN
        return ITEMS


class _Urls:
    @staticmethod
    def url(key: str) -> str:
        return f"https://bucket.example/{key}?signed"


def _urls_as_paths(value: Any) -> Any:
    """The API's document with each presigned URL replaced by the key's path in the run folder."""
    if isinstance(value, dict):
        return {key: _urls_as_paths(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_urls_as_paths(item) for item in value]
    if isinstance(value, str) and value.startswith("https://bucket.example/"):
        return value.removeprefix("https://bucket.example/").removesuffix("?signed").removeprefix(PREFIX)
    return value


def test_run_json_enhancements_are_the_api_description_with_paths_for_urls():
    # Given a run's enhancement items (one ended, one failed with a local step)
    run_item = {"runId": RUN, "status": "PASSED", "settings": {}, "prompt": "a red apple"}

    # When run.json is built and the API describes the same items
    document = build_run_document(run_item, [], [], ITEMS)
    api = describe_enhancements(_Listing(), _Urls(), RUN)

    # Then run.json holds the API's description, every field of it, with images as run-folder paths
    assert document["enhancements"] == _urls_as_paths(api)
    assert [entry["id"] for entry in document["enhancements"]] == ["e1", "e2"]
    assert document["enhancements"][0]["image"] == "round-02/enhance-e1/02.png"
    assert [step["index"] for step in document["enhancements"][0]["steps"]] == [0, 1]
    assert document["enhancements"][1]["steps"][0]["method"] == "OpenCV GrabCut"


def test_a_partial_enhancement_item_is_described_not_raised_on():
    # Given items as an older version or a cut-short write left them: a step with no op (written before steps
    # kept their op), one with no index and no image key yet, and an item with no status
    partial = [
        {
            "enhancementId": "e1",
            "sequence": 1,
            "operations": [{"op": "upscale", "mode": "fast"}, {"op": "remove-background"}],
            "steps": {
                "0": {"index": 0, "key": f"{PREFIX}round-02/enhance-e1/01.png", "costUsd": 0.03},
                "1": {"costUsd": 0.0},
            },
        }
    ]
    listing = type("L", (), {"list_enhancements": staticmethod(lambda _run_id: partial)})()

    # When the API and run.json describe them
    [api] = describe_enhancements(listing, _Urls(), RUN)
    [exported] = build_run_document({"runId": RUN, "status": "PASSED", "settings": {}, "prompt": "x"}, [], [], partial)[
        "enhancements"
    ]

    # Then each step is there: its op read from the enhancement's operations at its index (the key it was
    # written under), no image where no key was kept, and the missing status is None rather than a KeyError
    assert [step["index"] for step in api["steps"]] == [0, 1]
    assert [step["op"] for step in api["steps"]] == partial[0]["operations"]
    assert api["steps"][0]["image"].endswith("01.png?signed") and api["steps"][1]["image"] is None
    assert api["status"] is None and exported == _urls_as_paths(api)
