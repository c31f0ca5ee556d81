"""run.json and report.html from stored run and round items."""

import pytest

from imagegate.export import build_run_document
from imagegate.report import prompt_diff, render_run_report

pytestmark = pytest.mark.unit


def round_item(number, prompt, score, passed):
    prefix = f"runs/r1/round-{number:02d}/"
    return {
        "round": number,
        "prompt": prompt,
        "negativePrompt": "",
        "promptChanges": [],
        "score": score,
        "passed": passed,
        "subscores": {"promptAdherence": score},
        "explanation": "<b>bold</b> claim",
        "suggestions": ['Add "<script>alert(1)</script>"'],
        "imageKeys": [prefix + "candidate-1.png"],
        "bestImageKey": prefix + "candidate-1.png",
        "verdictKey": prefix + "verdict.json",
        "costUsd": 0.01,
    }


def test_the_run_document_lists_rounds_in_order_with_paths_relative_to_the_run_folder():
    run = {
        "runId": "r1",
        "status": "PASSED",
        "prompt": "a cat",
        "settings": {"threshold": 7.5},
        "finalScore": 9.0,
        "bestRound": 2,
        "costUsd": 0.02,
    }

    document = build_run_document(run, [round_item(2, "a cat, clearly", 9.0, True), round_item(1, "a cat", 5.0, False)])

    assert [r["round"] for r in document["rounds"]] == [1, 2]
    assert document["rounds"][1]["bestImage"] == "round-02/candidate-1.png"
    assert document["threshold"] == 7.5 and document["bestRound"] == 2


def test_the_report_escapes_model_and_user_text_and_marks_the_best_round():
    run = {
        "runId": "r1",
        "status": "PASSED",
        "prompt": "a <cat>",
        "settings": {"threshold": 7.5},
        "finalScore": 9.0,
        "bestRound": 2,
        "costUsd": 0.02,
    }
    document = build_run_document(run, [round_item(1, "a cat", 5.0, False), round_item(2, "a cat, clearly", 9.0, True)])

    html = render_run_report(document)

    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<b>bold</b>" not in html
    assert html.count('class="round best"') == 1
    assert '<img src="round-02/candidate-1.png"' in html


def test_the_prompt_diff_shows_what_the_rewrite_added_and_removed():
    # Given a rewrite that added a tail, and one that swapped a word
    # When they are diffed word by word / Then the pieces say what stayed, went and came (a comma alone is kept)
    assert prompt_diff("a cat in a room", "a cat in a room, exactly one cat") == [
        ("same", "a cat in a room,"),
        ("ins", "exactly one cat"),
    ]
    assert ("del", "dog") in prompt_diff("a dog", "a cat") and ("ins", "cat") in prompt_diff("a dog", "a cat")


def test_the_report_marks_the_rewrites_changes_in_the_later_rounds_prompt():
    run = {
        "runId": "r1",
        "status": "PASSED",
        "prompt": "a cat in a room",
        "settings": {"threshold": 7.5},
        "finalScore": 9.0,
        "bestRound": 2,
        "costUsd": 0.02,
    }
    document = build_run_document(
        run,
        [round_item(1, "a cat in a room", 5.0, False), round_item(2, "a cat in a room, exactly one cat", 9.0, True)],
    )

    html = render_run_report(document)

    assert '<div class="prompt">a cat in a room</div>' in html
    assert '<div class="prompt">a cat in a room, <ins>exactly one cat</ins></div>' in html


def test_hostile_text_anywhere_in_a_run_is_escaped_by_the_template():
    # Given a run whose user and model text all carry markup: prompt, explanation, suggestions, changes,
    # negative prompt, the evaluator's reason, the run's reason and cause
    hostile = '<script>alert("x")</script>'
    run = {
        "runId": "r1",
        "status": "FAILED",
        "prompt": f"a cat {hostile}",
        "settings": {"threshold": 7.5},
        "finalScore": None,
        "bestRound": None,
        "costUsd": 0.0,
        "error": hostile,
        "cause": hostile,
        "reason": hostile,
    }
    first = round_item(1, f"a cat {hostile}", 5.0, False)
    second = round_item(2, f"a dog {hostile} more", 6.0, False)
    for item in (first, second):
        item.update(explanation=hostile, suggestions=[hostile], promptChanges=[hostile], negativePrompt=hostile)
    second["evaluation"] = {"source": hostile, "unavailable": hostile}
    html = render_run_report(build_run_document(run, [first, second]))

    # Then no markup of theirs survives, each is shown escaped, and the page has only its own tags
    assert "<script" not in html and "alert(&#34;x&#34;)" in html
    assert html.count("&lt;script&gt;") >= 12
    assert '<img src="round-02/candidate-1.png"' in html and "<del>cat</del>" in html
