"""An English dictionary for the evaluator's reading: which parts of speech a word can be, and its past forms.

Why a dictionary: a reading written from word lists knows only the adjectives someone listed, so an unlisted one
("iridescent", "gnarled", "ornamental") is read as part of the noun ("an iridescent bubble" asks for an object
called "iridescent bubble"), and a past participle the list lacks ("crumpled", "raised") becomes a thing. The
evaluator's reading (dsg_reading.py) asks this module instead, as a person reading the prompt knows the words.

The words come from LemmInflect (MIT; github.com/bjascob/LemmInflect), whose lemma and inflection tables were
built from the NIH SPECIALIST Lexicon and ship inside the package: about 110,000 English words with their parts of
speech (NOUN, VERB, ADJ, ADV, ...). Nothing is downloaded at run time. Only the dictionary lookups are used, never
its out-of-vocabulary guesser, so a word it does not list (a name, a typo, a foreign word) stays unknown and the
reading's own rules decide.

Independent of the judge's and the generator's readings: nothing here is imported by reading.py, scene.py or
render.py, and this module imports none of them.
"""

from __future__ import annotations

from functools import lru_cache

import lemminflect

__all__ = [
    "is_adjective",
    "is_adjective_only",
    "is_adverb",
    "is_known",
    "is_noun",
    "is_past_form",
    "noun_lemmas",
    "verb_lemmas",
]


@lru_cache(maxsize=16384)
def _parts(word: str) -> dict[str, tuple[str, ...]]:
    """Part of speech -> the word's lemmas for it (empty for a word the dictionary does not list)."""
    if not word.isalpha() or not word.isascii():
        return {}
    return dict(lemminflect.getAllLemmas(word.lower()))


def is_known(word: str) -> bool:
    """Does the dictionary list the word at all (as any part of speech)?"""
    return bool(_parts(word))


def is_noun(word: str) -> bool:
    return "NOUN" in _parts(word) or "PROPN" in _parts(word)


def is_adjective(word: str) -> bool:
    return "ADJ" in _parts(word)


def is_adverb(word: str) -> bool:
    return "ADV" in _parts(word)


def is_adjective_only(word: str) -> bool:
    """An adjective the dictionary never lists as a noun or a verb ("iridescent", "gnarled" is a verb form and
    not this): before a noun it describes the noun, never joins it ("an iridescent bubble" is a bubble)."""
    parts = _parts(word)
    return "ADJ" in parts and not ({"NOUN", "PROPN", "VERB"} & parts.keys())


def noun_lemmas(word: str) -> tuple[str, ...]:
    """The singulars a noun may be ("geese" -> goose, "leaves" -> leave, leaf), or () for no listed noun."""
    return _parts(word).get("NOUN", ())


def verb_lemmas(word: str) -> tuple[str, ...]:
    """The verbs a word may be a form of ("raised" -> raise, "held" -> hold, "leaves" -> leave), or ()."""
    return _parts(word).get("VERB", ())


@lru_cache(maxsize=16384)
def is_past_form(word: str) -> bool:
    """Is the word a past tense or past participle of a verb the dictionary lists ("raised", "held", "cut",
    "crumpled", "woven")? Regular verbs list one form for both (VBD), irregular ones two (VBD, VBN)."""
    for lemma in verb_lemmas(word):
        forms = lemminflect.getAllInflections(lemma, upos="VERB")
        if word.lower() in forms.get("VBD", ()) + forms.get("VBN", ()):
            return True
    return False
