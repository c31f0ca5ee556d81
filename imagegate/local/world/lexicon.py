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
    "compact_tables",
    "is_adjective",
    "is_adjective_only",
    "is_adverb",
    "is_known",
    "is_noun",
    "is_past_form",
    "noun_lemmas",
    "verb_lemmas",
]


class CompactTable:
    """One of LemmInflect's tables (word -> {tag: spellings}) held as one string, for the lookups LemmInflect makes
    (``get``; the same dictionaries it would have built). Its own tables are a dict of dicts of tuples of short
    strings: about 49 MB in each process that reads a prompt (issue 29: the largest single holding of each of a
    benchmark's map workers), where the text they come from is under 3 MB. A lookup is a binary search over
    the sorted words (the words are the lines' starts) and decodes one line."""

    _WORD, _TAG, _SPELLING = "\x1f", "\x1e", "\x1d"  # separators no entry contains (checked when built)

    def __init__(self, table: dict[str, dict[str, tuple[str, ...]]]) -> None:
        lines = [
            word
            + self._WORD
            + self._TAG.join(self._SPELLING.join((tag, *spellings)) for tag, spellings in entry.items())
            for word, entry in sorted(table.items())
        ]
        text = "\n".join(lines)
        if text.count(self._WORD) != len(lines) or text.count("\n") != len(lines) - 1:
            raise ValueError("a LemmInflect entry contains a separator: it cannot be held compactly")
        if self._TAG in "".join(table) or any(
            self._TAG in tag or self._SPELLING in tag or any(self._TAG in s or self._SPELLING in s for s in spellings)
            for entry in table.values()
            for tag, spellings in entry.items()
        ):
            raise ValueError("a LemmInflect entry contains a separator: it cannot be held compactly")
        self._text = text
        self._starts = memoryview(bytearray(4 * len(lines))).cast("I")  # each line's start in the text
        start = 0
        for index, line in enumerate(lines):
            self._starts[index] = start
            start += len(line) + 1

    def __len__(self) -> int:
        return len(self._starts)

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and self._line(word) is not None

    def get(self, word: str, default: object = None) -> object:
        line = self._line(word)
        if line is None:
            return default
        entry = line.split(self._WORD, 1)[1]
        if not entry:
            return {}
        return {parts[0]: tuple(parts[1:]) for parts in (item.split(self._SPELLING) for item in entry.split(self._TAG))}

    def _word_at(self, index: int) -> str:
        start = self._starts[index]
        return self._text[start : self._text.index(self._WORD, start)]

    def _line(self, word: str) -> str | None:
        low, high = 0, len(self._starts)
        while low < high:
            middle = (low + high) // 2
            if self._word_at(middle) < word:
                low = middle + 1
            else:
                high = middle
        if low == len(self._starts) or self._word_at(low) != word:
            return None
        start = self._starts[low]
        end = self._text.find("\n", start)
        return self._text[start : end if end >= 0 else len(self._text)]


@lru_cache(maxsize=1)
def compact_tables() -> None:
    """LemmInflect's lemma and inflection tables, loaded by its own codecs as it loads them, then held as
    CompactTables in its lemmatizer and inflector (which load a table only when they have none): its answers are
    unchanged and the full tables are let go. Once per process (two threads at once would each build the same
    tables: harmless): at the first lookup, or ahead of it in a process whose forks will read prompts (the Map
    workers' fork server: imagegate/local/map_workers.py)."""
    codecs = lemminflect.codecs  # imported by the package itself (its lemmatizer and inflector load with them)
    lemmatizer, inflections = lemminflect.Lemmatizer(), lemminflect.Inflections()
    if not isinstance(getattr(lemmatizer, "lemma_dict", None), CompactTable):
        lemmatizer.lemma_dict = CompactTable(codecs.LemmaLUCodec.LemmaLUCodec.load(lemmatizer.lemma_lu_fn))
    if not isinstance(getattr(inflections, "infl_dict", None), CompactTable):
        inflections.infl_dict = CompactTable(codecs.InflectionLUCodec.InflectionLUCodec.load(inflections.infl_lu_fn))


@lru_cache(maxsize=16384)
def _parts(word: str) -> dict[str, tuple[str, ...]]:
    """Part of speech -> the word's lemmas for it (empty for a word the dictionary does not list)."""
    if not word.isalpha() or not word.isascii():
        return {}
    compact_tables()
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
    compact_tables()
    for lemma in verb_lemmas(word):
        forms = lemminflect.getAllInflections(lemma, upos="VERB")
        if word.lower() in forms.get("VBD", ()) + forms.get("VBN", ()):
            return True
    return False
