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


def test_precision_counts_a_check_no_human_question_needs(tmp_path):
    # Given one prompt with two human questions (a goat; the goat is white)
    path = tmp_path / "heldout.csv"
    header = "item_id,text,keywords,proposition_id,dependency,category_broad,category_detailed,tuple,question_natural_language\n"
    rows = (
        'h_1,"a white goat",goat,1,0,entity,whole,entity - whole (goat),Is there a goat?\n'
        'h_1,"a white goat","goat, white",2,1,attribute,color,"attribute - color (goat, white)",Is the goat white?\n'
    )
    path.write_text(header + rows)
    questions = coverage.load_questions(path)
    goat = {"kind": "entity", "subject": "goat", "question": "Is there a goat?"}
    white = {"kind": "colour", "subject": "goat", "colour": "white", "question": "Is the goat white?"}
    stray = {"kind": "entity", "subject": "fence", "question": "Is there a fence?"}
    # When a reading asks both, or both and a thing the prompt never names
    # Then precision is 2/2, then 2/3; recall is 1.0 either way
    assert coverage.precision(questions, lambda _: [goat, white]) == (2, 2)
    assert coverage.precision(questions, lambda _: [goat, white, stray]) == (2, 3)
    assert coverage.coverage(questions, lambda _: [goat, white, stray])["overall"] == (2, 2)


def test_the_held_out_checklists_are_dsg_shaped_and_apart():
    """Every split loads as DSG-1k does, no prompt is in two splits, and none is one of DSG-1k's (they were
    written fresh)."""
    sizes = {
        **{"dev": 50, "test": 50, "dev2": 60, "test2": 60, "dev3": 59, "dev4": 60, "dev5": 60},
        **{"dev6": 50, "dev7": 50, "test3": 50, "test4": 50},
    }
    prompts = {
        name: {q.prompt for q in coverage.load_questions(coverage.HELDOUT_DIR / f"{name}.csv")} for name in sizes
    }
    assert {name: len(found) for name, found in prompts.items()} == sizes
    everything = set().union(*prompts.values())
    assert len(everything) == sum(sizes.values())
    if coverage.DSG_FILE.is_file():
        assert not everything & {q.prompt for q in coverage.load_questions()}


def test_a_hand_written_instance_number_is_dropped_but_a_names_number_stays(tmp_path):
    # Given human questions naming "cat 1" (an annotator's instance number) and "route 66" (a name)
    path = tmp_path / "heldout.csv"
    header = "item_id,text,keywords,proposition_id,dependency,category_broad,category_detailed,tuple,question_natural_language\n"
    rows = (
        'h_1,"two cats",cat 1,1,0,entity,whole,entity - whole (cat 1),Is there a cat?\n'
        'h_2,"a sign for route 66",route 66,1,0,entity,whole,entity - whole (route 66),Is there route 66?\n'
    )
    path.write_text(header + rows)
    questions = coverage.load_questions(path)

    def asking(*nouns: str):
        return lambda _: [{"kind": "entity", "subject": noun, "question": f"Is there {noun}?"} for noun in nouns]

    # Then a cat covers "cat 1", a route does not cover "route 66", and "route 66" does
    assert coverage.coverage(questions[:1], asking("cat"))["overall"] == (1, 1)
    assert coverage.coverage(questions[1:], asking("route"))["overall"] == (0, 1)
    assert coverage.coverage(questions[1:], asking("route 66"))["overall"] == (1, 1)


def test_a_check_counts_as_never_passed_only_when_it_fails_in_every_render(monkeypatch):
    # Given three checks answered over three renders: one False in all, one None in one render and False in the
    # rest (a possession the world cannot decide when the thing is there), one True once
    from imagegate.local.world import dsg_reading, render, truth

    checks = [
        {"id": "always", "kind": "relation"},
        {"id": "undecided", "kind": "action"},
        {"id": "once", "kind": "entity"},
    ]
    answers = iter(
        [
            {"always": False, "undecided": None, "once": False},
            {"always": False, "undecided": False, "once": True},
            {"always": False, "undecided": False, "once": False},
        ]
    )
    monkeypatch.setattr(dsg_reading, "checks_from_prompt", lambda prompt: checks)
    monkeypatch.setattr(render, "render_png", lambda *args: b"")
    monkeypatch.setattr(truth, "answer_checks", lambda png, asked: next(answers))
    # When the sweep runs
    total, never, prompts, blocked = coverage.never_passed(["a prompt"], seeds=3)
    # Then only the check that blocks every render is the world's blind spot (a None does not block a pass)
    assert (total, dict(never), prompts, blocked) == (3, {"relation": 1}, 1, 1)


def test_a_quoted_argument_with_a_comma_is_one_argument(tmp_path):
    # Given a DSG-style text question whose quote holds a comma, as DSG-1k's CSV writes it
    path = tmp_path / "dsg.csv"
    header = "item_id,text,keywords,proposition_id,dependency,category_broad,category_detailed,tuple,question_natural_language\n"
    row = (
        "x_1,\"a banner with the words 'rise, shine'\",banner,1,0,other,text rendering,"
        '"other - text rendering (banner, ""rise, shine"")",Does the banner say it?\n'
    )
    path.write_text(header + row)
    # When it is loaded
    (question,) = coverage.load_questions(path)
    # Then the quote is one argument, so a check saying the whole text covers it
    assert question.args == ("banner", "rise, shine")
    assert coverage.covered(question, [{"kind": "text", "text": "rise, shine", "subject": "banner"}])


@pytest.mark.parametrize(
    "wanted, check, hit",
    [
        (">1", {"count": 2, "at_least": True}, True),
        (">1", {"count": 2, "at_least": None}, False),  # exactly two is not "more than one" asked
        (">1", {"count": 1, "at_least": True}, False),
        ("many", {"count": 2, "at_least": True}, True),
        ("many", {"count": 3, "at_least": None}, False),
        ("==3", {"count": 3, "at_least": None}, True),
    ],
)
def test_a_count_of_more_than_or_many_is_asked_by_an_at_least_count(wanted, check, hit):
    question = coverage.Question("skiers on a slope", "count", "count", ("skiers", wanted))
    assert coverage.covered(question, [{"kind": "count", "subject": "skiers", **check}]) is hit


def test_a_colour_no_colour_name_says_is_matched_as_the_property_it_is():
    """(macarons, pastel) is asked by "Are the macarons pastel?" (an attribute check: "pastel" names no colour);
    (cat, white) still needs a colour check."""
    pastel = coverage.Question("p", "attribute color", "attribute", ("macarons", "pastel"))
    asked = {"kind": "attribute", "subject": "macaron", "attribute": "pastel", "question": "Are the macarons pastel?"}
    assert coverage.covered(pastel, [asked])
    assert not coverage.covered(pastel, [{**asked, "attribute": "round", "question": "Are the macarons round?"}])
    white = coverage.Question("p", "attribute color", "attribute", ("cat", "white"))
    fluffy = {"kind": "attribute", "subject": "cat", "attribute": "fluffy", "question": "Is the cat fluffy?"}
    assert not coverage.covered(white, [fluffy])


def test_a_colour_no_colour_name_says_needs_every_word_of_it():
    """(paint, muted pastel) is not asked by "Is the paint muted?"; nor by a check on another thing."""
    muted_pastel = coverage.Question("p", "attribute color", "attribute", ("paint", "muted pastel"))
    muted = {"kind": "attribute", "subject": "paint", "attribute": "muted", "question": "Is the paint muted?"}
    assert not coverage.covered(muted_pastel, [muted])
    both = {**muted, "attribute": "muted pastel", "question": "Is the paint muted pastel?"}
    assert coverage.covered(muted_pastel, [both])
    assert not coverage.covered(muted_pastel, [{**both, "subject": "wall"}])
