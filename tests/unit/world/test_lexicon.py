"""world/lexicon.py holds LemmInflect's tables compactly (issue 29: memory per map worker): what LemmInflect
answers must not change."""

import lemminflect
import pytest
from lemminflect.codecs.InflectionLUCodec import InflectionLUCodec
from lemminflect.codecs.LemmaLUCodec import LemmaLUCodec

from imagegate.local.world import lexicon


@pytest.fixture(scope="module")
def full_tables():
    """LemmInflect's own tables, loaded as it loads them."""
    return (
        LemmaLUCodec.load(lemminflect.Lemmatizer().lemma_lu_fn),
        InflectionLUCodec.load(lemminflect.Inflections().infl_lu_fn),
    )


def test_the_compact_tables_hold_every_entry_as_lemminflect_loads_it(full_tables):
    lexicon.is_noun("cat")  # the first lookup installs them
    compact = (lemminflect.Lemmatizer().lemma_dict, lemminflect.Inflections().infl_dict)
    for table, full in zip(compact, full_tables, strict=True):
        assert isinstance(table, lexicon.CompactTable) and len(table) == len(full)
        for word, entry in full.items():
            found = table.get(word, {})
            # the same tags in the same order, the same spellings
            assert list(found.items()) == list(entry.items()), word
            assert word in table


def test_a_word_the_table_lacks_gets_the_default(full_tables):
    lemmas = full_tables[0]
    table = lexicon.CompactTable(lemmas)
    # before the first word, after the last, between two, and words holding the separators
    for word in ["", "\x00", "zzzzzz", "cats'", "\x1f", "aaaa\x1e", min(lemmas) + "\x1d", max(lemmas) + "z"]:
        assert word not in lemmas
        assert table.get(word, {}) == {} and table.get(word) is None and word not in table
    assert table.get(min(lemmas)) == lemmas[min(lemmas)] and table.get(max(lemmas)) == lemmas[max(lemmas)]


def test_an_entry_that_contains_a_separator_is_refused():
    with pytest.raises(ValueError):
        lexicon.CompactTable({"cat": {"NOUN": ("c\x1eat",)}})
    with pytest.raises(ValueError):
        lexicon.CompactTable({"ca\nt": {"NOUN": ("cat",)}})


def test_the_lexicon_answers_as_with_lemminflects_own_tables(full_tables):
    """Every question the readings ask (known, noun, adjective, adverb, lemmas, past form), on every 50th word of
    the dictionary and a few it lacks or lists in capitals, with the compact tables and with LemmInflect's own."""
    lemmas, _ = full_tables
    words = [*sorted(lemmas)[::50], "Geese", "HELD", "qwxz", "rock-n-roll", "café"]
    questions = (
        lexicon.is_known,
        lexicon.is_noun,
        lexicon.is_adjective,
        lexicon.is_adjective_only,
        lexicon.is_adverb,
        lexicon.noun_lemmas,
        lexicon.verb_lemmas,
        lexicon.is_past_form,
    )

    def answers():
        lexicon._parts.cache_clear()
        lexicon.is_past_form.cache_clear()
        return [[question(word) for question in questions] for word in words]

    lexicon.is_noun("cat")  # the compact tables installed
    lemmatizer, inflections = lemminflect.Lemmatizer(), lemminflect.Inflections()
    compact = lemmatizer.lemma_dict, inflections.infl_dict
    with_compact = answers()
    try:
        lemmatizer.lemma_dict, inflections.infl_dict = full_tables
        with_full = answers()
    finally:
        lemmatizer.lemma_dict, inflections.infl_dict = compact
        lexicon._parts.cache_clear()
        lexicon.is_past_form.cache_clear()
    assert with_compact == with_full
    assert any(row[0] for row in with_compact) and any(row[-1] for row in with_compact)  # not all trivially empty
