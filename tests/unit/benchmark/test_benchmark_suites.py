"""Suites: the JSONL format, the PartiPrompts and GenEval loaders, and deterministic selection."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections import Counter
from dataclasses import asdict
from pathlib import Path

import pytest

from imagegate_service.benchmark.suites import (
    SuiteFormatError,
    SuiteItem,
    load_geneval_jsonl,
    load_partiprompts_tsv,
    load_suite_jsonl,
    select_items,
)

pytestmark = pytest.mark.unit

GIGGLE_PROMPT = (
    '"G I G G L E" painted in thick colorful lettering as graffiti on a faded red brick wall '
    "with a splotch of exploding white paint."
)


def write_lines(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# --- JSONL suites -----------------------------------------------------------------------------------


def test_suite_jsonl_reads_items_settings_and_anchor(tmp_path: Path) -> None:
    # Given a suite with one plain item, one with settings and anchor, and a blank line
    suite = write_lines(
        tmp_path / "suite.jsonl",
        [
            '{"id": "apple", "prompt": "a red apple", "category": "objects"}',
            "",
            '{"id": "sign", "prompt": "a sign that says OPEN", "category": "text", "anchor": true,'
            ' "settings": {"threshold": 8, "maxRounds": 3, "seed": 7, "width": 1024, "height": 1024},'
            ' "metadata": {"source": "hand"}}',
        ],
    )

    # When it is loaded
    items = load_suite_jsonl(suite)

    # Then both items come back in file order with their settings
    assert items == [
        SuiteItem(id="apple", prompt="a red apple", category="objects"),
        SuiteItem(
            id="sign",
            prompt="a sign that says OPEN",
            category="text",
            settings={"threshold": 8, "maxRounds": 3, "seed": 7, "width": 1024, "height": 1024},
            anchor=True,
            metadata={"source": "hand"},
        ),
    ]


@pytest.mark.parametrize(
    ("bad_line", "field", "problem"),
    [
        ('{"prompt": "p", "category": "c"}', "id", "missing required field"),
        ('{"id": "x", "category": "c"}', "prompt", "missing required field"),
        ('{"id": "x", "prompt": "p"}', "category", "missing required field"),
        ('{"id": "x", "prompt": "  ", "category": "c"}', "prompt", "non-empty string"),
        ('{"id": "apple", "prompt": "p", "category": "c"}', "id", "duplicate id 'apple' (first used on line 1)"),
        (
            '{"id": "x", "prompt": "p", "category": "c", "settings": {"steps": 30}}',
            "settings.steps",
            "is not a known setting; allowed: candidatesPerRound",
        ),
        (
            '{"id": "x", "prompt": "p", "category": "c", "settings": {"threshold": 11}}',
            "settings.threshold",
            "11 is outside the allowed range 0-10",
        ),
        ('{"id": "x", "prompt": "p", "category": "c", "settings": {"seed": true}}', "settings.seed", "integer"),
        ('{"id": "x", "prompt": "p", "category": "c", "threshold": 8}', "threshold", "go inside 'settings'"),
        ('{"id": "x", "prompt": "p", "category": "c", "anchor": "yes"}', "anchor", "true or false"),
    ],
)
def test_suite_jsonl_errors_name_line_and_field(tmp_path: Path, bad_line: str, field: str, problem: str) -> None:
    # Given a valid first line and a faulty second line
    suite = write_lines(tmp_path / "suite.jsonl", ['{"id": "apple", "prompt": "p", "category": "c"}', bad_line])

    # When it is loaded
    with pytest.raises(SuiteFormatError) as caught:
        load_suite_jsonl(suite)

    # Then the error names the file, line 2 and the field
    error = caught.value
    assert (error.line, error.field) == (2, field)
    assert f"line 2, field '{field}'" in str(error)
    assert problem in str(error)
    assert str(suite) in str(error)


@pytest.mark.parametrize("bad_line", ["{not json", '["a", "list"]'])
def test_suite_jsonl_rejects_lines_that_are_not_objects(tmp_path: Path, bad_line: str) -> None:
    # Given a line that is not a JSON object
    suite = write_lines(tmp_path / "suite.jsonl", [bad_line])

    # When / Then loading names line 1
    with pytest.raises(SuiteFormatError, match="line 1"):
        load_suite_jsonl(suite)


# --- one schema: suite items and inline items obey the run request's rules ----------------------------

# Settings the run request's schema refuses, and (for the first three) the hand-written rules it replaced accepted.
REFUSED_SETTINGS = [
    ({"maxRounds": 11}, "settings.maxRounds", "outside the allowed range 1-10"),
    ({"rewriter": "no-such-model"}, "settings.rewriter", "is not supported"),
    ({"quality": "ultra"}, "settings.quality", "is not supported"),
    ({"threshold": float("nan")}, "settings.threshold", "threshold"),
    ({"width": "1024"}, "settings.width", "must be an integer, not a string"),
    ({"negativePrompt": "x\u0007"}, "settings.negativePrompt", "control character"),
    ({"prompt": "another"}, "settings.prompt", "the item's prompt is its 'prompt' field"),
]


@pytest.mark.parametrize(("settings", "field", "problem"), REFUSED_SETTINGS)
def test_a_suite_line_is_refused_by_the_run_requests_schema(tmp_path: Path, settings, field, problem) -> None:
    # Given a suite line whose settings the run request would refuse
    line = json.dumps({"id": "x", "prompt": "a red apple", "category": "c", "settings": settings})
    suite = write_lines(tmp_path / "suite.jsonl", [line])

    # When it is loaded / Then the error names the line and the setting, in the run request's words
    with pytest.raises(SuiteFormatError) as caught:
        load_suite_jsonl(suite)
    assert (caught.value.line, caught.value.field) == (1, field)
    assert problem in str(caught.value)


def test_every_setting_the_run_request_takes_is_taken_by_a_suite_item(tmp_path: Path) -> None:
    # Given an item that sets each run-request field but the prompt (rewriter and quality included)
    from imagegate_service.settings import DEFAULTS, resolve_settings, run_request_schema

    settings = {key: DEFAULTS[key] for key in run_request_schema()["properties"] if key in DEFAULTS}
    settings["expected"] = {"include": [{"class": "apple", "count": 1}]}
    suite = write_lines(
        tmp_path / "suite.jsonl", [json.dumps({"id": "x", "prompt": "an apple", "category": "c", "settings": settings})]
    )

    # When it is loaded / Then every setting comes through, and the run request they make is valid
    [item] = load_suite_jsonl(suite)
    assert item.settings == settings and {"rewriter", "quality"} <= set(item.settings)
    resolve_settings({**item.settings, "prompt": item.prompt})


@pytest.mark.parametrize("value", [0, 1, 10, 11, -1, 2.5, "3", None, True])
def test_an_items_max_rounds_is_accepted_exactly_when_a_run_request_would_take_it(tmp_path: Path, value) -> None:
    # Given a maxRounds value, in a suite line and in a run request
    from imagegate_service.errors import InvalidRequest
    from imagegate_service.settings import check_request_fields

    try:
        check_request_fields({"prompt": "an apple", "maxRounds": value})
        request_ok = True
    except InvalidRequest:
        request_ok = False
    suite = write_lines(
        tmp_path / "suite.jsonl",
        [json.dumps({"id": "x", "prompt": "an apple", "category": "c", "settings": {"maxRounds": value}})],
    )
    # When the suite is loaded / Then it is accepted if and only if the run request is
    try:
        load_suite_jsonl(suite)
        suite_ok = True
    except SuiteFormatError:
        suite_ok = False
    assert suite_ok == request_ok


@pytest.mark.parametrize(
    ("item", "field", "words"),
    [
        (
            {"id": "b", "prompt": "a pear", "category": "c", "settings": {"maxRounds": 99}},
            "items.1.settings.maxRounds",
            "(item 'b')",
        ),
        ({"id": "b", "prompt": "a pear", "category": "c", "colour": "red"}, "items.1.colour", "unknown field"),
        ({"id": "b", "category": "c"}, "items.1.prompt", "missing required field"),
        ({"id": "b", "prompt": "a pear", "category": "c", "threshold": 8}, "items.1.threshold", "go inside 'settings'"),
        ({"id": "a", "prompt": "a pear", "category": "c"}, "items.1.id", "duplicate id 'a' (first used by items.0)"),
        ("a pear", "items.1", "must be a JSON object"),
    ],
)
def test_a_benchmarks_inline_items_are_checked_naming_the_item_and_field(item, field, words) -> None:
    # Given a benchmark request whose second inline item is wrong
    from imagegate_service import workflows
    from imagegate_service.domain.benchmarking import BenchmarkPreparer
    from imagegate_service.errors import InvalidRequest

    request = {"items": [{"id": "a", "prompt": "an apple", "category": "c"}, item]}

    # When Prepare Benchmark reads it / Then it is refused, naming the item's index, its id and the field
    with pytest.raises(InvalidRequest) as caught:
        BenchmarkPreparer().prepare(request, "bench-1", workflows.benchmark_history_estimate())
    assert caught.value.field == field
    assert words in str(caught.value)


# --- PartiPrompts -----------------------------------------------------------------------------------


def test_partiprompts_keeps_a_leading_double_quote(tmp_path: Path) -> None:
    # Given a TSV whose prompt starts with a double quote (default csv quoting would strip it)
    tsv = tmp_path / "parti.tsv"
    tsv.write_text(
        "Prompt\tCategory\tChallenge\tNote\n"
        "bond\tAbstract\tBasic\tBiology-inspired\n"
        f"{GIGGLE_PROMPT}\tIllustrations\tWriting & Symbols\t\n",
        encoding="utf-8",
    )

    # When it is loaded
    items = load_partiprompts_tsv(tsv)

    # Then the prompt is byte for byte the file's, with ids by row and challenge kept
    assert [item.id for item in items] == ["parti-00001", "parti-00002"]
    assert items[1].prompt == GIGGLE_PROMPT
    assert items[1].category == "Illustrations"
    assert items[1].metadata["challenge"] == "Writing & Symbols"


def test_partiprompts_shared_copy(shared_benchmarks: Path) -> None:
    # Given the shared copy of PartiPrompts.tsv
    # When it is loaded
    items = load_partiprompts_tsv(shared_benchmarks / "PartiPrompts.tsv")

    # Then all 1,632 rows, 12 categories and 11 challenges are there, ids unique
    assert len(items) == 1632
    assert len({item.category for item in items}) == 12
    assert len({item.metadata["challenge"] for item in items}) == 11
    assert len({item.id for item in items}) == 1632
    assert items[0].id == "parti-00001" and items[0].prompt == "bond" and items[0].category == "Abstract"
    # And the one row that begins with a double quote keeps it
    giggle = [item for item in items if item.prompt.startswith('"G I G G L E"')]
    assert len(giggle) == 1
    assert giggle[0].prompt == GIGGLE_PROMPT
    assert giggle[0].id == "parti-01561"
    assert giggle[0].metadata["challenge"] == "Writing & Symbols"


def test_partiprompts_rejects_a_wrong_header(tmp_path: Path) -> None:
    # Given a TSV with another header
    tsv = tmp_path / "other.tsv"
    tsv.write_text("text\tcategory\nbond\tAbstract\n", encoding="utf-8")

    # When / Then loading fails on line 1
    with pytest.raises(SuiteFormatError, match="line 1"):
        load_partiprompts_tsv(tsv)


# --- GenEval ----------------------------------------------------------------------------------------


def test_geneval_shared_copy_counts_tags_and_structure(shared_benchmarks: Path) -> None:
    # Given the shared GenEval metadata
    # When it is loaded
    items = load_geneval_jsonl(shared_benchmarks / "geneval_evaluation_metadata.jsonl")

    # Then 553 prompts, the six tags as categories with their counts, stable ids
    assert len(items) == 553
    assert Counter(item.category for item in items) == {
        "position": 100,
        "color_attr": 100,
        "two_object": 99,
        "colors": 94,
        "single_object": 80,
        "counting": 80,
    }
    assert items[0].id == "geneval-00001" and items[-1].id == "geneval-00553"
    assert items[0].prompt == "a photo of a bench"
    assert items[0].metadata["include"] == [{"class": "bench", "count": 1}]
    # And include/exclude stay structured
    clocks = next(item for item in items if item.prompt == "a photo of two clocks")
    assert clocks.category == "counting"
    assert clocks.metadata["include"] == [{"class": "clock", "count": 2}]
    assert clocks.metadata["exclude"] == [{"class": "clock", "count": 3}]
    # And they are the run setting the evaluator reads (the generator and the judge get the prompt alone)
    assert clocks.settings == {
        "expected": {"include": [{"class": "clock", "count": 2}], "exclude": [{"class": "clock", "count": 3}]}
    }
    assert all(item.settings["expected"]["include"] == item.metadata["include"] for item in items)


def test_a_100_item_stratified_geneval_sample_keeps_every_task_and_its_expectations(shared_benchmarks: Path) -> None:
    items = load_geneval_jsonl(shared_benchmarks / "geneval_evaluation_metadata.jsonl")

    sample = select_items(items, limit=100, sample_seed=1)

    assert len(sample) == 100
    counts = Counter(item.category for item in sample)
    assert set(counts) == {item.category for item in items}
    # proportional: each task within one item of its share of 100
    sizes = Counter(item.category for item in items)
    assert all(abs(counts[name] - 100 * sizes[name] / len(items)) < 1 for name in sizes)
    assert all("expected" in item.settings for item in sample)
    assert select_items(items, limit=100, sample_seed=1) == sample != select_items(items, limit=100, sample_seed=2)


def test_suite_expectations_are_validated_naming_the_line_and_field(tmp_path: Path) -> None:
    bad = {
        "id": "x",
        "prompt": "two cats",
        "category": "counting",
        "settings": {"expected": {"include": [{"class": "cat", "count": "two"}]}},
    }
    path = write_lines(tmp_path / "suite.jsonl", [json.dumps(bad)])

    with pytest.raises(
        SuiteFormatError, match=re.escape("line 1, field 'settings.expected.include.0.count'")
    ) as raised:
        load_suite_jsonl(path)
    assert "must be an integer, not a string" in str(raised.value)


def test_the_bundled_suite_expectations_come_from_each_prompt() -> None:
    from imagegate.benchmark_local import DEFAULT_SUITE_FILE

    items = load_suite_jsonl(DEFAULT_SUITE_FILE)
    with_expectations = [item for item in items if "expected" in item.settings]
    # every item is measured on a checklist written from its prompt, not on a reading of it
    assert with_expectations == items
    for item in with_expectations:
        words = item.prompt.lower().replace(",", " ").split()
        for entry in item.settings["expected"]["include"] + item.settings["expected"].get("exclude", []):
            # every expected object is named in the prompt (singular or plural), and so is its colour
            noun = entry["class"]
            assert noun in item.prompt.lower() or noun.rstrip("y") + "ies" in words, (item.id, noun)
            assert entry.get("color") is None or entry["color"] in words, (item.id, entry)
            assert entry["count"] == 1 or str(entry["count"]) in item.prompt or _NUMBER_WORDS[entry["count"]] in words
        for kind in ("scene", "light", "style"):
            value = item.settings["expected"].get(kind)
            assert value is None or value in item.prompt.lower(), (item.id, kind, value)
        # quoted text is expected exactly, on the object that carries it
        quoted = set(item.prompt.split('"')[1::2])
        assert quoted == {entry["text"] for entry in item.settings["expected"]["include"] if "text" in entry}, item.id


_NUMBER_WORDS = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six"}


def test_geneval_missing_tag_names_line(tmp_path: Path) -> None:
    # Given a metadata line without a tag
    path = write_lines(tmp_path / "meta.jsonl", ['{"tag": "colors", "prompt": "a red car"}', '{"prompt": "a cat"}'])

    # When / Then the error names line 2 and the field
    with pytest.raises(SuiteFormatError, match="line 2, field 'tag'"):
        load_geneval_jsonl(path)


# --- selection --------------------------------------------------------------------------------------


def synthetic_suite() -> list[SuiteItem]:
    """Category A: 6 items, B: 3, C: 1, interleaved."""
    layout = ["A", "B", "A", "A", "C", "B", "A", "A", "B", "A"]
    return [
        SuiteItem(id=f"item-{index:02d}", prompt=f"prompt {index}", category=name) for index, name in enumerate(layout)
    ]


def test_select_without_seed_takes_the_first_n() -> None:
    # Given a suite
    items = synthetic_suite()

    # When / Then
    assert select_items(items, limit=3) == items[:3]
    assert select_items(items) == items
    assert select_items(items, limit=0) == []
    assert select_items(items, limit=99) == items


def test_select_rejects_a_negative_limit() -> None:
    with pytest.raises(ValueError, match="limit"):
        select_items(synthetic_suite(), limit=-1)


def test_seeded_sample_is_stratified_deterministic_and_in_suite_order() -> None:
    # Given a suite with categories of 6, 3 and 1 items
    items = synthetic_suite()

    # When a sample of 5 is drawn twice with the same seed
    first = select_items(items, limit=5, sample_seed=42)
    second = select_items(items, limit=5, sample_seed=42)

    # Then both draws are identical, in suite order, and split as computed by hand:
    # one each (3), then 2 more over spare capacity A=5, B=2 (of 7): A 10/7 -> 1 r3, B 4/7 -> 0 r4 -> B gets the last.
    assert first == second
    assert [item.id for item in first] == sorted(item.id for item in first)
    assert Counter(item.category for item in first) == {"A": 2, "B": 2, "C": 1}


def test_seeded_sample_changes_with_the_seed() -> None:
    # Given a larger suite, when drawn with two seeds, then the samples differ
    items = [SuiteItem(id=f"id-{index}", prompt="p", category="one") for index in range(200)]
    assert select_items(items, limit=10, sample_seed=1) != select_items(items, limit=10, sample_seed=2)


def test_seeded_sample_is_stable_in_another_python_process(tmp_path: Path) -> None:
    # Given a suite file and an in-process sample
    suite = tmp_path / "suite.jsonl"
    write_lines(suite, [json.dumps(asdict(item)) for item in synthetic_suite()])
    expected = [item.id for item in select_items(load_suite_jsonl(suite), limit=4, sample_seed="nightly")]

    # When another interpreter with a different hash salt draws the same sample
    script = (
        "import json, sys\n"
        "from imagegate_service.benchmark.suites import load_suite_jsonl, select_items\n"
        "items = select_items(load_suite_jsonl(sys.argv[1]), limit=4, sample_seed='nightly')\n"
        "print(json.dumps([item.id for item in items]))\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", script, str(suite)],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONHASHSEED": "12345"},
    )

    # Then it picks exactly the same items
    assert json.loads(completed.stdout) == expected


def test_every_category_is_represented_when_the_limit_allows(shared_benchmarks: Path) -> None:
    # Given PartiPrompts (12 categories, from 40 to 314 items)
    items = load_partiprompts_tsv(shared_benchmarks / "PartiPrompts.tsv")

    # When 24 items are sampled
    sample = select_items(items, limit=24, sample_seed=7)

    # Then there are 24, every category has one, and the largest category has the most
    counts = Counter(item.category for item in sample)
    assert len(sample) == 24
    assert len(counts) == 12
    assert counts["Animals"] == max(counts.values())


def test_select_filters_categories_and_rejects_unknown_ones() -> None:
    # Given a suite
    items = synthetic_suite()

    # When filtered to B, then only B items remain in order
    assert [item.id for item in select_items(items, categories=["B"])] == ["item-01", "item-05", "item-08"]
    # And an unknown category is an error rather than an empty run
    with pytest.raises(ValueError, match="unknown categories"):
        select_items(items, categories=["Z"])


def test_anchor_items_are_always_kept_so_judge_drift_is_measured_every_night():
    # Given a suite whose anchors are not among the first items
    items = [SuiteItem(id=f"i{n}", prompt=f"p{n}", category="c", anchor=n in (7, 9)) for n in range(10)]

    # When a small limit is taken with and without keep_anchors
    plain = select_items(items, limit=2)
    kept = select_items(items, limit=2, keep_anchors=True)

    # Then the anchors join the selection, in suite order
    assert [item.id for item in plain] == ["i0", "i1"]
    assert [item.id for item in kept] == ["i0", "i1", "i7", "i9"]
