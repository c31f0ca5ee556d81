"""One billed DetectLabels call draws every erase's mask (domain/masks.py): the loop's targeted erase and the enhance
workflow's erase make it through detect_for_mask, with the same features, confidence, price and ledger entry, the
enhance workflow's beside the source round and outside its round's budget."""

from __future__ import annotations

import contextlib
from typing import Any

import pytest

from imagegate_service import constants as c
from imagegate_service.domain import enhancements, masks
from imagegate_service.domain.costs import MASK_FEATURES, mask_detection_price
from imagegate_service.domain.enhancements import STEP_ENHANCE_DETECT, EnhancementRunner

pytestmark = pytest.mark.unit
LABELS = {"Labels": [{"Name": "Cup", "Instances": [{"BoundingBox": {"Left": 0.1, "Top": 0.1, "Width": 0.2}}]}]}


class Detector:
    def __init__(self) -> None:
        self.calls: list[tuple[Any, ...]] = []

    def detect_labels(self, key: str, features: tuple[str, ...], min_confidence: float) -> dict[str, Any]:
        self.calls.append((key, features, min_confidence))
        return LABELS


class Billed:
    def __init__(self) -> None:
        self.answered_usd: float | None = None

    def answered(self, cost_usd: float) -> None:
        self.answered_usd = cost_usd


class Ledger:
    """The spend ledger's call() context as the callers use it: what was reserved for which call, what it cost."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    def call(self, state: dict[str, Any], **call: Any) -> Any:
        billed = Billed()
        self.calls.append({**call, "billed": billed})
        return contextlib.nullcontext(billed)


def test_the_enhance_workflows_erase_detects_through_the_one_mask_call(monkeypatch):
    # Given an enhance workflow's runner whose detector and ledger are observed, and the shared call watched
    seen: list[dict[str, Any]] = []
    shared = masks.detect_for_mask

    def watched(*args: Any, **kwargs: Any) -> Any:
        seen.append(kwargs)
        return shared(*args, **kwargs)

    monkeypatch.setattr(enhancements, "detect_for_mask", watched)
    detector, ledger = Detector(), Ledger()
    runner = EnhancementRunner(
        store=object(), images=object(), services=object(), detector=detector, ledger=ledger, make_local=object
    )

    # When an erase's mask is detected on the source round's image
    labels, cost = runner._detect({"sourceRound": 2, "runId": "r"}, 13, "runs/r/round-02/candidate-1.png")

    # Then it went through detect_for_mask: one call with the mask's features and confidence, priced and billed once,
    # beside the source round and outside its round's budget
    assert [(call["step"], call["round_number"], call["candidate"], call["in_round"]) for call in seen] == [
        (STEP_ENHANCE_DETECT, 2, 13, False)
    ]
    assert detector.calls == [("runs/r/round-02/candidate-1.png", MASK_FEATURES, masks.DETECT_MIN_CONFIDENCE)]
    assert labels == LABELS and cost == mask_detection_price()
    [billed] = ledger.calls
    assert billed["model_id"] == c.VERIFIER_REKOGNITION and billed["bound_usd"] == cost
    assert billed["billed"].answered_usd == cost
