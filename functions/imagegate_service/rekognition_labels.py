"""The verifier's label mapping (rekognition_labels.json): which nouns Amazon Rekognition can ground, under which
label names, how a colour word reads in DetectLabels' SimplifiedColor names, and the verifier's thresholds.

The taxonomy is closed on purpose: Rekognition knows a fixed list of labels, so a noun outside the mapping is
unverifiable (neither passed nor failed), in AWS and offline alike. The file's "_doc" says where each part
comes from and which parts are assumptions. The AWS verifier (domain/verifying.py) and the offline detector
(imagegate/local/rekognition_offline.py) both read it here, so the two never disagree on a name or a threshold.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, cast

LABELS_FILE = Path(__file__).with_name("rekognition_labels.json")


@dataclass(frozen=True)
class Thresholds:
    min_label_confidence: float  # the MinConfidence sent to DetectLabels
    min_instance_confidence: float  # an instance under it is not counted
    min_colour_pixel_percent: float  # a DominantColors entry under it says nothing about the instance's colour
    position_threshold: float  # GenEval's relative_position shrink factor (left/right/above/below from boxes)
    min_text_confidence: float  # DetectText LINEs under it are ignored


@dataclass(frozen=True)
class LabelMapping:
    version: str
    label_model_version: str
    thresholds: Thresholds
    nouns: dict[str, tuple[str, ...]]  # singular noun -> label names, in order of preference
    boxed: dict[str, bool]  # label name -> Rekognition returns instances (bounding boxes) for it
    aliases: dict[str, tuple[str, ...]]  # label name -> its Aliases in a DetectLabels response
    colours: dict[str, tuple[str, ...]]  # project colour -> SimplifiedColor names that count as it
    colour_synonyms: dict[str, str]
    simplified_colours: tuple[str, ...]
    plurals: dict[str, str]  # irregular plural -> singular

    def labels_for(self, noun: str) -> tuple[str, ...]:
        """The label names that ground a noun (singular or plural, any case), best first; () when Rekognition
        has no label for it (the noun is unverifiable)."""
        word = " ".join(noun.strip().lower().replace("-", " ").split())
        for candidate in dict.fromkeys((word, self.plurals.get(word, word), *_singulars(word))):
            if candidate in self.nouns:
                return self.nouns[candidate]
        return ()

    def is_boxed(self, label: str) -> bool:
        """Does Rekognition return bounding boxes for this label (so counts, colours and places can be grounded)?"""
        return self.boxed.get(label, False)

    def names_of(self, label: str) -> frozenset[str]:
        """The lower-case names a response may report this label under: its Name and its Aliases."""
        return frozenset(name.lower() for name in (label, *self.aliases.get(label, ())))

    def simplified_for(self, colour: str) -> frozenset[str]:
        """The SimplifiedColor names that count as this colour word; empty when the word is no known colour
        (the colour check is unverifiable)."""
        word = colour.strip().lower()
        word = self.colour_synonyms.get(word, word)
        return frozenset(self.colours.get(word, ()))

    def reported_simplified(self, colour: str) -> str | None:
        """The SimplifiedColor Rekognition reports for a surface of this project colour (the offline detector's)."""
        word = self.colour_synonyms.get(colour.strip().lower(), colour.strip().lower())
        names = self.colours.get(word)
        return names[0] if names else None

    def taxonomy(self) -> frozenset[str]:
        """Every label name the verifier can ground."""
        return frozenset(self.boxed)


def _singulars(word: str) -> list[str]:
    """Regular English singulars of a (possibly plural) noun's last word, most likely first."""
    head, _, last = word.rpartition(" ")
    prefix = f"{head} " if head else ""
    found = []
    if len(last) > 4 and last.endswith("ies"):
        found.append(f"{last[:-3]}y")
    if len(last) > 3 and last.endswith("es"):
        found.append(last[:-2])
    if len(last) > 2 and last.endswith("s") and not last.endswith("ss"):
        found.append(last[:-1])
    return [prefix + singular for singular in found]


def _number(thresholds: dict[str, Any], name: str) -> float:
    value = thresholds.get(name)
    if not isinstance(value, (int, float)) or isinstance(value, bool) or value < 0:
        raise ValueError(f"{LABELS_FILE.name}: thresholds.{name} must be a number >= 0, not {value!r}")
    return float(value)


def parse(document: dict[str, Any]) -> LabelMapping:
    """Build and check the mapping: every noun names known labels, every colour known SimplifiedColor names."""
    labels: dict[str, Any] = document["labels"]
    nouns = {noun: tuple(names) for noun, names in document["nouns"].items()}
    for noun, names in nouns.items():
        unknown = [name for name in names if name not in labels]
        if not names or unknown:
            raise ValueError(f"{LABELS_FILE.name}: nouns.{noun} names no label or unknown labels {unknown}")
    simplified = tuple(document["simplifiedColors"])
    colours = {colour: tuple(names) for colour, names in document["colours"].items()}
    for colour, names in colours.items():
        if not names or any(name not in simplified for name in names):
            raise ValueError(f"{LABELS_FILE.name}: colours.{colour} must list names of simplifiedColors")
    thresholds: dict[str, Any] = document["thresholds"]
    if thresholds.get("instanceColour") != "largest-pixel-percent":
        raise ValueError(f"{LABELS_FILE.name}: thresholds.instanceColour must be 'largest-pixel-percent'")
    return LabelMapping(
        version=str(document["version"]),
        label_model_version=str(document["labelModelVersion"]),
        thresholds=Thresholds(
            min_label_confidence=_number(thresholds, "minLabelConfidence"),
            min_instance_confidence=_number(thresholds, "minInstanceConfidence"),
            min_colour_pixel_percent=_number(thresholds, "minColourPixelPercent"),
            position_threshold=_number(thresholds, "positionThreshold"),
            min_text_confidence=_number(thresholds, "minTextConfidence"),
        ),
        nouns=nouns,
        boxed={name: bool(spec.get("boxed")) for name, spec in labels.items()},
        aliases={name: tuple(spec.get("aliases", ())) for name, spec in labels.items()},
        colours=colours,
        colour_synonyms=dict(document.get("colourSynonyms", {})),
        simplified_colours=simplified,
        plurals=dict(document.get("plurals", {})),
    )


@cache
def mapping() -> LabelMapping:
    """The bundled mapping, read once."""
    return parse(cast("dict[str, Any]", json.loads(LABELS_FILE.read_text(encoding="utf-8"))))
