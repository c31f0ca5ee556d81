"""The verifier's calibration table (make bench): the offline detector read by the product's grounding, against
the ground truth per check kind."""

from __future__ import annotations

import pytest

from imagegate.local.world import verifier_calibration as calibration
from imagegate.local.world.calibration import load_geneval
from imagegate_service.expected_checks import checks_from_expected

# the grounding is the product's (D1's domain/verifying.py): measured only where it exists
pytest.importorskip("imagegate_service.domain.verifying")


def test_agreement_per_kind_is_measured_beside_the_published_figure() -> None:
    # Given a few GenEval items of every task and two sign prompts, measured as make bench does (one worker)
    by_task: dict[str, list[dict]] = {}
    for item in load_geneval():
        by_task.setdefault(item["tag"], []).append(item)
    items = [item for group in by_task.values() for item in group[:3]]
    results = [
        calibration.measure_item(item["tag"], item["prompt"], checks_from_expected(item), 512, 512, 42)
        for item in items
    ]
    results += [
        calibration.measure_item("text", prompt, calibration._text_checks(prompt), 512, 512, 42)
        for prompt in calibration.TEXT_PROMPTS[:2]
    ]
    figures = calibration.agreement(results)
    # Then each kind has a row with its unverifiable share and agreement, and the table cites GenEval's 83%
    assert {"entity", "count", "colour", "relation", "text"} <= set(figures["perCheckKind"])
    for rates in figures["perCheckKind"].values():
        assert 0 <= rates["unverifiableShare"] <= 1
        assert rates["agreement"] is None or 0 <= rates["agreement"] <= 1
    assert "83%" in calibration.table(figures)


def test_a_noun_outside_the_taxonomy_is_unverifiable_never_failed() -> None:
    checks = [
        {"id": "c1", "kind": "entity", "subject": "taxi", "question": "Is there a taxi?"},
        {"id": "c2", "kind": "count", "subject": "taxi", "count": 3, "parent": "c1", "question": "Three taxis?"},
    ]
    result = calibration.measure_item("two_object", "three taxis", checks, 512, 512, 42)
    assert [verified for _, _, verified in result.checks] == [None, None]
    assert result.verified is None
