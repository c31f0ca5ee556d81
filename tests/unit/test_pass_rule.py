"""The pass rule is written once (issue 24 item 3): ``domain/gate.py`` decides whether a score passes a threshold
and whether a round passes the Quality Gate; every other module asks it. A source scan fails on a second copy."""

from __future__ import annotations

import ast
from decimal import Decimal
from pathlib import Path

import pytest

from imagegate_service.domain.gate import gate_passes, judge_passes

ROOT = Path(__file__).resolve().parents[2]
SCANNED = (ROOT / "functions" / "imagegate_service", ROOT / "imagegate")
OWNER = ROOT / "functions" / "imagegate_service" / "domain" / "gate.py"


@pytest.mark.parametrize(
    ("score", "threshold", "passes"),
    [
        (0.8, 0.8, True),  # equal to the threshold passes
        (0.81, 0.8, True),
        (0.79, 0.8, False),
        (0.0, 0.0, True),
        (1.0, 1.0, True),
        (0, 1, False),
    ],
)
def test_a_score_passes_when_it_reaches_the_threshold(score: float, threshold: float, passes: bool) -> None:
    assert judge_passes(score, threshold) is passes


def test_a_score_read_back_from_dynamodb_passes_like_the_float_the_judge_returned() -> None:
    # Given a score stored as DynamoDB's Decimal("0.8") (exactly 0.8, below the binary float 0.8)
    assert Decimal("0.8") < 0.8  # the naive comparison would fail it
    # Then the rule passes it, as it passes the float the judge returned
    assert judge_passes(Decimal("0.8"), 0.8) is judge_passes(0.8, 0.8) is True


@pytest.mark.parametrize("verification_failed", [False, True])
@pytest.mark.parametrize("score", [0.5, 0.8, 0.95])
def test_the_gate_passes_only_what_the_judge_passed_and_the_verifier_did_not_fail(
    score: float, verification_failed: bool
) -> None:
    assert gate_passes(score, 0.8, verification_failed) is (judge_passes(score, 0.8) and not verification_failed)


def _names_threshold(node: ast.expr) -> bool:
    """Whether an operand of a comparison is a threshold: a name, attribute or key called threshold (also
    wrapped in float()/Decimal()), not a mapping of thresholds (``thresholds.min_label_confidence``)."""
    while isinstance(node, ast.Call) and len(node.args) == 1:
        node = node.args[0]
    if isinstance(node, ast.Name):
        name = node.id
    elif isinstance(node, ast.Attribute):
        name = node.attr
    elif isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
        name = str(node.slice.value)
    else:
        return False
    return name.lower().endswith("threshold")


def pass_rule_copies(path: Path) -> list[int]:
    """The lines of a file that order something against a threshold (<, <=, >, >=)."""
    lines = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if not isinstance(node, ast.Compare):
            continue
        operands = [node.left, *node.comparators]
        for op, left, right in zip(node.ops, operands, operands[1:], strict=False):
            if isinstance(op, (ast.Lt, ast.LtE, ast.Gt, ast.GtE)) and (
                _names_threshold(left) or _names_threshold(right)
            ):
                lines.append(node.lineno)
    return lines


def test_the_scan_finds_a_copy_of_the_rule(tmp_path: Path) -> None:
    copy = tmp_path / "copy.py"
    copy.write_text(
        'passed = entry["score"] >= settings["threshold"]\n'
        "ok = float(score) >= float(self.threshold)\n"
        "fails = threshold > score\n"
        "fine = box.w >= thresholds.min_label_confidence  # a mapping of thresholds, not the pass rule\n"
        "text = 'score >= threshold'\n",
        encoding="utf-8",
    )
    assert pass_rule_copies(copy) == [1, 2, 3]


def test_the_pass_rule_is_written_once() -> None:
    copies = [
        f"{path.relative_to(ROOT)}:{line}"
        for root in SCANNED
        for path in sorted(root.rglob("*.py"))
        if path != OWNER
        for line in pass_rule_copies(path)
    ]
    assert not copies, (
        "a second copy of the pass rule (a score ordered against a threshold) at "
        + ", ".join(copies)
        + ": call imagegate_service.domain.gate.judge_passes (or gate_passes) instead"
    )
