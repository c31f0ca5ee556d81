"""An erase's mask: the named object's boxes from one billed DetectLabels call (Erase Object takes a mask, not
words). The loop's targeted erase (domain/rewriting.py) and the enhance workflow's erase (domain/enhancements.py) both
make their call here, and draw the mask with the same mask_png and boxes_of."""

from __future__ import annotations

from typing import Any

from imagegate_service import constants as c
from imagegate_service.domain.costs import MASK_FEATURES, mask_detection_price
from imagegate_service.domain.ports import ImageDetector
from imagegate_service.domain.spend import SpendLedger
from imagegate_service.domain.state import BilledStep, EnhanceStep

DETECT_MIN_CONFIDENCE = 50.0  # the mask of an erase: boxes Rekognition is at least this sure of


def detect_for_mask(
    ledger: SpendLedger,
    detector: ImageDetector,
    state: BilledStep | EnhanceStep,
    key: str,
    *,
    round_number: int,
    step: str,
    candidate: int,
    in_round: bool,
) -> tuple[dict[str, Any], float]:
    """One DetectLabels call on the image at `key`, reserved and recorded in the spend ledger once (a call the
    detector did not answer is given back); its answer and price."""
    price = mask_detection_price()
    with ledger.call(
        state,
        round_number=round_number,
        step=step,
        candidate=candidate,
        model_id=c.VERIFIER_REKOGNITION,
        bound_usd=price,
        in_round=in_round,
    ) as billed:
        labels = detector.detect_labels(key, MASK_FEATURES, DETECT_MIN_CONFIDENCE)
        billed.answered(price)
    return labels, price
