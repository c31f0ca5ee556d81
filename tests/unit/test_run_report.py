"""run.json and report.html from stored run and round items."""

import pytest

from imagegate.export import build_run_document
from imagegate.report import prompt_diff_html, render_run_report

pytestmark = pytest.mark.unit


def round_item(number, prompt, score, passed):
    prefix = f"runs/r1/round-{number:02d}/"
    return {"round": number, "prompt": prompt, "negativePrompt": "", "promptChanges": [], "score": score,
            "passed": passed, "subscores": {"promptAdherence": score}, "explanation": "<b>bold</b> claim",
            "suggestions": ['Add "<script>alert(1)</script>"'], "imageKeys": [prefix + "candidate-1.png"],
            "bestImageKey": prefix + "candidate-1.png", "verdictKey": prefix + "verdict.json", "costUsd": 0.01}


def test_the_run_document_lists_rounds_in_order_with_paths_relative_to_the_run_folder():
    run = {"runId": "r1", "status": "PASSED", "prompt": "a cat", "settings": {"threshold": 7.5},
           "finalScore": 9.0, "bestRound": 2, "costUsd": 0.02}

    document = build_run_document(run, [round_item(2, "a cat, clearly", 9.0, True), round_item(1, "a cat", 5.0, False)])

    assert [r["round"] for r in document["rounds"]] == [1, 2]
    assert document["rounds"][1]["bestImage"] == "round-02/candidate-1.png"
    assert document["threshold"] == 7.5 and document["bestRound"] == 2


def test_the_report_escapes_model_and_user_text_and_marks_the_best_round():
    run = {"runId": "r1", "status": "PASSED", "prompt": "a <cat>", "settings": {"threshold": 7.5},
           "finalScore": 9.0, "bestRound": 2, "costUsd": 0.02}
    document = build_run_document(run, [round_item(1, "a cat", 5.0, False), round_item(2, "a cat, clearly", 9.0, True)])

    html = render_run_report(document)

    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<b>bold</b>" not in html
    assert html.count('class="round best"') == 1
    assert '<img src="round-02/candidate-1.png"' in html


def test_the_prompt_diff_shows_what_the_rewrite_added_and_removed():
    assert prompt_diff_html("a cat in a room", "a cat in a room, exactly one cat") == \
        "a cat in a room, <ins>exactly one cat</ins>"
    assert "<del>dog</del>" in prompt_diff_html("a dog", "a cat")
