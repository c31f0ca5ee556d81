"""README's settings table names every run request setting (the schema is the declaration; the table its guide)."""

import pytest

from imagegate_service.settings import DEFAULTS, run_request_schema
from infra.config import REPO_ROOT

pytestmark = pytest.mark.unit


def test_every_run_setting_has_a_row_in_the_readme_settings_table():
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("### Settings (run request)", 1)[1].split("\n### ", 1)[0]
    rows = [line for line in table.splitlines() if line.startswith("| `")]
    named = {name.strip("` ") for row in rows for name in row.split("|")[1].replace("×", "/").split("/")}
    assert set(run_request_schema()["properties"]) <= named


def test_the_verifier_row_states_the_default():
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    [row] = [line for line in readme.splitlines() if line.startswith("| `verifier` |")]
    assert f"| `{DEFAULTS['verifier']}` |" in row
