"""The verifier's label mapping (rekognition_labels.json) read through imagegate_service.rekognition_labels."""

from __future__ import annotations

import copy
import json

import pytest

from imagegate_service import rekognition_labels
from imagegate_service.rekognition_labels import LABELS_FILE, mapping, parse


def test_plurals_and_synonyms_fold_to_one_label_and_unknown_nouns_are_unverifiable() -> None:
    # Given the bundled mapping
    labels = mapping()
    # Then a noun's plurals and synonyms ground the same label, and a noun Rekognition has no label for grounds none
    assert labels.labels_for("puppies") == labels.labels_for("dog") == ("Dog",)
    assert labels.labels_for("Cups") == ("Cup",)
    assert labels.labels_for("women") == labels.labels_for("person") == ("Person",)
    assert labels.labels_for("wine glasses") == ("Wine Glass",)
    assert labels.labels_for("cell phone") == ("Mobile Phone",)
    assert "cell phone" in labels.names_of("Mobile Phone")
    assert labels.labels_for("taxi") == ()
    assert labels.labels_for("mouse") == ()  # the rodent and the device share Rekognition's "Mouse": left out


def test_every_noun_names_known_labels_and_every_colour_known_simplified_names() -> None:
    labels = mapping()
    assert all(set(names) <= labels.taxonomy() for names in labels.nouns.values())
    assert labels.simplified_for("Grey") == {"grey"}
    assert labels.simplified_for("golden") == {"yellow", "orange"}
    assert labels.simplified_for("chartreuse") == frozenset()  # no known colour: unverifiable
    assert all(labels.reported_simplified(colour) in labels.simplified_colours for colour in labels.colours)


@pytest.mark.parametrize(
    ("edit", "named"),
    [
        (lambda d: d["nouns"].__setitem__("taxi", ["Taxi"]), "nouns.taxi"),
        (lambda d: d["colours"].__setitem__("red", ["crimson"]), "colours.red"),
        (lambda d: d["thresholds"].__setitem__("minLabelConfidence", "high"), "thresholds.minLabelConfidence"),
    ],
)
def test_a_broken_mapping_is_refused_naming_the_field(edit, named) -> None:
    # Given the bundled document with one broken entry
    document = copy.deepcopy(json.loads(LABELS_FILE.read_text(encoding="utf-8")))
    edit(document)
    # Then parsing it names the field
    with pytest.raises(ValueError, match=named.replace(".", r"\.")):
        parse(document)


def test_the_mapping_is_read_once() -> None:
    assert rekognition_labels.mapping() is rekognition_labels.mapping()
