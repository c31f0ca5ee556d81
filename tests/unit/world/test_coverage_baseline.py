"""The coverage table's 'before' columns: recorded figures that must still describe DSG-1k's questions."""

import pytest

from imagegate.local.world import coverage

pytestmark = pytest.mark.unit


@pytest.mark.skipif(not coverage.DSG_FILE.is_file(), reason="DSG-1k's annotations are not in ../shared")
def test_the_recorded_baseline_counts_the_same_questions_per_category():
    # Given DSG-1k's questions by category
    totals: dict[str, int] = {}
    for question in coverage.load_questions():
        totals[question.category] = totals.get(question.category, 0) + 1
    totals["overall"] = sum(totals.values())
    # Then each recorded reading counts exactly those questions (a changed file or category would misstate it)
    for name, table in coverage.BASELINE.items():
        assert {category: total for category, (_, total) in table.items()} == totals, name
        assert all(0 <= hits <= total for hits, total in table.values()), name
        assert table["overall"][0] == sum(hits for category, (hits, _) in table.items() if category != "overall")


def test_the_table_shows_before_and_after_with_the_baselines_commit(tmp_path):
    # Given a one-question DSG-style file (the baseline's totals do not match it: its cells read n/a)
    path = tmp_path / "dsg.csv"
    header = "item_id,text,keywords,proposition_id,dependency,category_broad,category_detailed,tuple,question_natural_language\n"
    path.write_text(header + 'x_1,"a goat",goat,1,0,entity,whole,entity - whole (goat),Is there a goat?\n')
    # When the table is printed
    table = coverage.coverage_table(path)
    # Then it names the recorded columns by their commit, says they were measured there, and reads the live ones
    assert f"evaluator @{coverage.BASELINE_COMMIT}" in table and "evaluator (now)" in table
    assert f"measured at {coverage.BASELINE_COMMIT}" in table
    entity_row = next(line for line in table.splitlines() if line.strip().startswith("entity"))
    assert entity_row.split()[-4:] == ["n/a", "n/a", "1.00", "1.00"]
