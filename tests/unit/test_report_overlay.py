"""Issue 25.1 and 25.3 in report.html: an offline image can show what the world drew over it (each object's label,
box and how it was placed), switched on and off by a checkbox (CSS only: the report has no scripts); images link
to their full size; an image without a drawing record (any real model's) shows no overlay and no switch."""

import pytest
from test_run_report import round_item

from imagegate.export import build_run_document
from imagegate.report import drawn_overlay, render_run_report

pytestmark = pytest.mark.unit

RUN = {
    "runId": "r1",
    "status": "EXHAUSTED",
    "prompt": "a red apple left of a cup",
    "settings": {"threshold": 7.5},
    "finalScore": 6.0,
    "bestRound": 1,
    "costUsd": 0.02,
}
DRAWN = {
    "kind": "imagegate-offline-drawing",
    "objects": [
        {
            "noun": "apple",
            "label": "red apple",
            "box": [0.1, 0.5, 0.2, 0.1],
            "drawn": True,
            "placedBy": ["left of the cup"],
        },
        {"noun": "cup", "label": "blue <b>cup</b>", "box": [0.6, 0.5, 0.2, 0.1], "drawn": True, "placedBy": []},
        {"noun": "dog", "label": "brown dog", "box": None, "drawn": False, "placedBy": []},
    ],
}


def _document():
    return build_run_document(
        RUN, [round_item(1, "a red apple left of a cup", 6.0, False), round_item(2, "x", 5.0, False)]
    )


def test_an_offline_image_has_its_overlay_and_a_switch():
    html = render_run_report(_document(), {"round-01/candidate-1.png": DRAWN})
    # one switch (round 1 only has a record), two boxes (the undrawn dog has none), placed in percent
    assert html.count('type="checkbox"') == 1 and html.count('class="box"') == 2
    assert 'style="left:10.0%;top:50.0%;width:20.0%;height:10.0%"' in html
    assert "red apple · left of the cup" in html
    # labels are escaped like every other text; the report stays script-free
    assert "blue &lt;b&gt;cup&lt;/b&gt;" in html and "<script" not in html.replace("&lt;script", "")
    # the switch hides the overlay by CSS alone
    assert ".overlay-toggle:has(input:not(:checked)) + .frame .drawn{display:none}" in html


def test_images_link_to_their_full_size_and_real_images_have_no_overlay():
    html = render_run_report(_document())
    assert (
        '<a href="round-01/candidate-1.png" title="open the full-size image"><img src="round-01/candidate-1.png"'
        in html
    )
    assert 'type="checkbox"' not in html and 'class="box"' not in html


@pytest.mark.parametrize("drawn", [None, {}, {"objects": [{"box": [0.1, 0.2], "drawn": True}]}, {"objects": "x"}])
def test_a_missing_or_damaged_record_gives_no_boxes(drawn):
    assert drawn_overlay(drawn) == []
