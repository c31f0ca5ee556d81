"""constants.py holds the names more than one module shares (issue 24 item 5): the environment's names, the S3 and
DynamoDB layout, the ledger's and the metrics' vocabularies, the settings' values, what both runtimes and the CDK
app agree on. A policy knob or a limit that one module reads (how near a score must be to edit, how long a review
feedback may be, a Step Functions quota the benchmark checks) lives in that module, beside the code it steers, so a
reader finds the rule and its number together. The scan below fails on a name in constants.py that only one module
of the code uses (tests do not count), unless it belongs to a vocabulary or layout the file declares in one place."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
CONSTANTS = ROOT / "functions" / "imagegate_service" / "constants.py"
CODE = [ROOT / "functions", ROOT / "imagegate", ROOT / "infra", ROOT / "app.py"]

# Families declared together whatever their readers: one place for a layout or a vocabulary is the point of them.
SHARED_FAMILIES = re.compile(
    r"^(ENV_|STATUS_|STEP_|CALL_|METRIC_|STRATEGY_|VERIFIER_|VERIFICATION_|MODE_"
    r"|.*_(SK|PK|PREFIX|SUFFIX|FILE|FOLDER|TOOL|STEPS)$|.*_(key|prefix|pk|sk)$)"
)

# Single names kept with their family, and why.
KEPT = {
    "REVIEW_MODES": "the run setting review's values, declared beside REVIEW_NONE and REVIEW_FINAL (settings, API)",
    "EVALUATION_ATTRIBUTE_KINDS": "the check contract's vocabulary, declared beside EVALUATION_RELATIONS",
}


def top_level_names(path: Path) -> list[str]:
    names = []
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign):
            names += [target.id for target in node.targets if isinstance(target, ast.Name)]
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.append(node.target.id)
        elif isinstance(node, ast.FunctionDef):
            names.append(node.name)
    return names


def single_module_names(constants: Path, code: list[Path]) -> list[str]:
    """Names of ``constants`` that one module of ``code`` uses and no other name of ``constants`` refers to."""
    own = constants.read_text(encoding="utf-8")
    # Each module's words, found once: a name (all word characters) occurs as \bNAME\b exactly when it is one of
    # them. Searching every module's text once per name took 5 s of the suite (issue 29).
    words = [
        set(re.findall(r"\w+", path.read_text(encoding="utf-8")))
        for root in code
        for path in (sorted(root.rglob("*.py")) if root.is_dir() else [root])
        if path.exists() and path != constants
    ]
    own_words = re.findall(r"\w+", own)
    found = []
    for name in top_level_names(constants):
        readers = sum(name in module_words for module_words in words)
        if readers <= 1 and own_words.count(name) == 1 and not SHARED_FAMILIES.match(name) and name not in KEPT:
            found.append(name)
    return found


def test_the_scan_finds_a_knob_one_module_reads(tmp_path: Path) -> None:
    constants = tmp_path / "constants.py"
    constants.write_text("ENV_X = 'X'\nMARGIN = 1.5\nLIMIT = 3\nBOTH = 2\n", encoding="utf-8")
    code = tmp_path / "code"
    code.mkdir()
    (code / "a.py").write_text("from constants import MARGIN, BOTH, ENV_X\n", encoding="utf-8")
    (code / "b.py").write_text("from constants import BOTH\n", encoding="utf-8")
    # MARGIN is one module's knob, LIMIT nobody's; ENV_X is a family; BOTH is shared
    assert single_module_names(constants, [code]) == ["MARGIN", "LIMIT"]


def test_constants_holds_only_shared_names() -> None:
    found = single_module_names(CONSTANTS, CODE)
    assert not found, (
        f"constants.py names only one module uses (or none): {found}; move each beside the code it steers "
        "(a policy knob or a limit belongs to its owner), or delete it"
    )
