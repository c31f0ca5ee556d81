"""Noun phrases: _Phrase (a head, a compound kept whole, its colours, attributes, count and possessor) and _phrase,
which reads one from a run of tagged tokens, with the passes that join colours ("dark green") and adjectives before
it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .. import lexicon
from .. import vocabulary as vocab
from ..concepts import QUALITY_WORDS, TASTE_WORDS, colour_name, verb_lemma
from .tokens import _Token
from .words import (
    _ARTICLES_AND_POSSESSIVES,
    _COMPOUNDS,
    _DEFINITE,
    _DETERMINERS,
    _KNOWN_NOUNS,
    _LOOK_WORDS,
    _MATERIAL_NOUNS,
    _MEDIUM_NOUNS,
    _NAME_PARTICLES,
    _NUMBERS,
    _ORDINALS,
    _PEOPLES,
    _PROCESS_VERBS,
    _QUANTIFIERS,
    _SHADES,
    _TIMES_OF_DAY,
    _WHICH_ONE,
    MAX_WORD_CHARS,
    _attribute_kind,
    _colours_of,
    _comparative_stems,
    _is_animate,
    _is_compound,
    _is_ing_verb,
    _is_noun_word,
    _is_past,
    _is_plural,
    singular_noun,
)


@dataclass
class _Phrase:
    """One noun phrase as read: its head (a compound kept whole) and its modifiers."""

    head: str
    plural: bool
    definite: bool
    count: int | None = None
    at_least: bool = False
    colours: list[str] = field(default_factory=list)
    attributes: list[tuple[str, str]] = field(default_factory=list)  # (word, kind)
    possessor: str | None = None
    indefinite: bool = False  # "a", "an", "another": a new one
    name: str | None = None  # a person's or thing's proper name as written ("Santa Claus")


def _join_adjectives(tokens: list[_Token]) -> None:
    """ "a small, bare tree", "the long, narrow boat": a comma between two adjectives after an article joins them
    (JOIN), so the phrase goes on to its noun; otherwise "a small" ended at the comma and was read as a thing."""

    def adjective(j: int) -> bool:
        return 0 <= j < len(tokens) and tokens[j].tag == "WORD" and _attribute_kind(tokens[j].word) is not None

    def comma_between(j: int) -> bool:  # "a small, bare tree"
        return (
            tokens[j].word == ","
            and tokens[j].tag == "PUNCT"
            and j >= 2
            and adjective(j - 1)
            and tokens[j - 2].word in {"a", "an", "the"}
            and adjective(j + 1)
            and j + 2 < len(tokens)
            and tokens[j + 2].tag in {"WORD", "JOIN", "PUNCT"}
        )

    def and_between(j: int) -> bool:
        # "a long and narrow boat", "the long and beige grasses": "and" between two properties after an article
        # goes on to their noun (a property followed by no noun, "is long and narrow", stays as it is)
        return (
            tokens[j].word in {"and", "or"}
            and j >= 2
            and adjective(j - 1)
            and tokens[j - 2].word in {"a", "an", "the"}
            and (adjective(j + 1) or (j + 1 < len(tokens) and _colours_of(tokens[j + 1].word) != []))
            and j + 2 < len(tokens)
            and tokens[j + 2].tag == "WORD"
            and _is_noun_word(tokens[j + 2].word)
        )

    for j, token in enumerate(tokens):
        if comma_between(j) or and_between(j):
            token.tag = "JOIN"


def _join_colours(tokens: list[_Token]) -> None:
    """ "a black and white cat", "it is white, red, and black": the commas and "and"/"or" between colour words
    join them (JOIN), so the colours are read together, of the same thing."""

    def is_colour(j: int) -> bool:
        return 0 <= j < len(tokens) and tokens[j].tag == "WORD" and _colours_of(tokens[j].word) != []

    for j, token in enumerate(tokens):
        if token.word not in {",", "and", "or"} or not is_colour(
            j - 1 if token.word == "," or tokens[j - 1].word != "," else j - 2
        ):
            continue
        nxt = j + 1 + (1 if j + 1 < len(tokens) and tokens[j + 1].word in {"and", "or"} and token.word == "," else 0)
        if is_colour(nxt) and (token.word != "," or tokens[j - 1].tag == "WORD"):
            token.tag = "JOIN"
            if nxt == j + 2:
                tokens[j + 1].tag = "JOIN"


def _phrase(words: list[_Token]) -> _Phrase | None:
    """A run of WORD tokens -> one noun phrase (head, compound, modifiers), or None when it names no noun."""
    definite = any(t.word in _DEFINITE for t in words)
    count: int | None = None
    at_least = False
    rest: list[_Token] = []
    for t in words:
        if t.word in _DETERMINERS:
            continue
        if t.word.isdigit() and t.in_name:
            rest.append(t)  # "Flight 19", "Route 66": which one, part of its name
        elif t.word.isdigit() and len(t.word) <= 3:
            count = int(t.word)
        elif t.word in _NUMBERS:
            count = _NUMBERS[t.word]
        elif t.word in _QUANTIFIERS:
            at_least = True
        elif (
            (
                t.word in QUALITY_WORDS
                and t.word not in TASTE_WORDS
                # "a scientist holding an award": a prize is a thing at the end of its phrase ("award winning" is praise)
                and not (t.word == "award" and t is words[-1])
            )
            or t.word in vocab.EMPHASIS_WORDS
            or t.word in {"color", "colour", "colored"}
        ):
            continue  # "white color surface": the colour word says it is a colour; "a beautiful girl" is asked
        else:
            rest.append(t)
    if not rest:
        return None
    if rest[0].word in _ORDINALS and (count is not None or len(rest) == 1):
        return None  # "the first one black", "the second": which one of a thing named elsewhere, no thing of its own
    # "a water cooler", "a cigarette lighter": a word that is a comparative and a noun, after a noun, is the noun;
    # "Times Square": a capitalised word after another is a name's, not a property
    noun_at_end = len(rest) > 1 and (
        (
            rest[-1].word in lexicon.noun_lemmas(rest[-1].word)
            and bool(_comparative_stems(rest[-1].word))
            and lexicon.is_noun(rest[-2].word)
            and not lexicon.is_adjective(rest[-2].word)
        )
        or (
            rest[-1].raw[:1].isupper()
            and rest[-2].raw[:1].isupper()
            and rest[-2].word.isalpha()
            and _attribute_kind(rest[-2].word) is None  # "the geyser Old Faithful" reads as before
        )
    )
    if any(t.names_thing for t in rest):
        # "the geyser Old Faithful", "the ship Titanic", "our cat Fluffy asleep": the name after the noun says which
        # one it is; nothing in a picture shows a geyser old or faithful, so the name asks nothing
        rest = [t for t in rest if not t.names_thing]
        if not rest:
            return None
    trailing: list[_Token] = []
    j = len(rest) - 1
    while j > 0 and (colour_name(rest[j].word) is not None or (rest[j].word == "and" and j < len(rest) - 1)):
        j -= 1
    if (
        not noun_at_end
        and j < len(rest) - 1
        and colour_name(rest[-1].word) is not None
        and _is_plural(rest[j].word)
        and lexicon.is_noun(rest[j].word)
    ):
        # "two dining chairs black", "three tulips red and yellow": colours after a plural noun are its colours (it
        # asked for "dining chairs blacks" and "Are the yellows red?")
        trailing = [t for t in rest[j + 1 :] if t.word != "and"]
        rest = rest[: j + 1]
    while (
        len(rest) > 1
        and not noun_at_end
        and _attribute_kind(rest[-1].word) is not None
        and rest[-1].word not in _KNOWN_NOUNS
        and rest[-1].word not in _MATERIAL_NOUNS
        and not _is_compound(f"{rest[-2].word} {rest[-1].word}")
    ):
        trailing.insert(0, rest.pop())  # "a pencil holder full of crayons": the holder is full
    indefinite = bool(words) and words[0].word in {"a", "an"}
    # The head: the last word; noun-like words before it stay with it (a compound), up to three words.
    head_words = [rest[-1]]
    k = len(rest) - 2
    if rest[-1].in_name and rest[-1].word.isdigit() and k >= 0:
        head_words.insert(0, rest[k])  # "Apollo 11": the name and its number, one name
        k -= 1
    while k >= 0 and len(head_words) < 3:
        t = rest[k]
        pair = f"{t.word} {head_words[0].word}"
        compound = " ".join([t.word, *(h.word for h in head_words)])
        if (
            compound in _COMPOUNDS
            or singular_noun(compound) in _COMPOUNDS  # "two hot air balloons": as "a hot air balloon"
            or pair in _COMPOUNDS
            or singular_noun(pair) in _COMPOUNDS
            or singular_noun(compound) in _KNOWN_NOUNS
        ):
            head_words.insert(0, t)
        elif t.word in _WHICH_ONE:
            head_words.insert(0, t)  # "the right arm"
        elif t.word.endswith("'s") and (t.raw[:1].isupper() or indefinite or not definite):
            head_words.insert(0, t)  # "Rubik's cube", "a dog's bowl": one thing (the owner is no other one)
        elif (
            colour_name(t.word) is None
            and _attribute_kind(t.word) is None
            and not _is_past(t.word)
            and not _is_ing_verb(t.word)
            and not t.word.endswith("'s")
            and t.word.isalpha()
            and t.word not in _MEDIUM_NOUNS
            and t.word not in vocab.LIGHT_WORDS
        ):
            head_words.insert(0, t)
        else:
            break
        k -= 1
    capitals = 0
    while (
        head_words[0].raw[:1].isupper()
        and capitals <= k
        and len(head_words) + capitals < 5
        and rest[k - capitals].raw[:1].isupper()
        and rest[k - capitals].word.isalpha()
        and rest[k - capitals].word not in _WHICH_ONE
    ):
        capitals += 1
    named = rest[k - capitals + 1 : k + 1]
    if named and (
        len(named) + len(head_words) >= 3
        or all(t.in_name or (colour_name(t.word) is None and _attribute_kind(t.word) is None) for t in named)
    ):
        # a name written with capitals is one thing ("the Golden Gate Bridge"); "Red Apples" is red apples
        head_words[:0] = named
        k -= len(named)
    modifiers = rest[: k + 1] + trailing
    head = " ".join(t.word for t in head_words)
    if head.endswith("'s"):
        head = head[:-2]
    if not any(c.isalpha() for c in head) or not head.replace(" ", "").replace("-", "").replace("'", "").isalnum():
        return None
    if head[:1].isdigit():
        return None  # "the 1960s", "2cm", "20445318": a time, a size or a number, no thing
    if head in _ORDINALS:
        return None  # "the first one", "the second": which one, of a thing named elsewhere
    last = head_words[-1].word
    a_thing = (
        len(rest) == 1 and words[0].word in {"a", "an", "one"} and last in _KNOWN_NOUNS
    )  # "an orange", "a lime", "one orange rolling away"
    if (
        colour_name(last) is not None
        and not a_thing
        and len(head_words) == 1
        and (
            not (modifiers and colour_name(modifiers[-1].word) is not None)
            or all(_colours_of(t.word) or t.word in _SHADES for t in modifiers)
        )
    ) or (
        _attribute_kind(last) is not None
        and not noun_at_end
        and len(head_words) == 1
        and last not in _KNOWN_NOUNS
        and last not in _MATERIAL_NOUNS
        # "a baby is sleeping", "a giant": after "a"/"an" with nothing between, a word that is also a noun names it
        # ... and after "his"/"her" too ("a woman holding her baby": her baby, not a woman who is baby)
        and not (
            len(rest) == 1 and count is None and words[0].word in _ARTICLES_AND_POSSESSIVES and lexicon.is_noun(last)
        )
    ):
        # an adjective with no noun: "the cat is fluffy"; kept as modifiers of the previous entity by the caller
        phrase = _Phrase(head="", plural=False, definite=definite)
        modifiers = rest
    else:
        proper = (
            len(head_words) > 1
            and all(  # "Jeff Bezos", "Rio de Janeiro" is one; "Apollo 11" too
                t.raw[:1].isupper()
                or (t.word in _NAME_PARTICLES and 0 < k < len(head_words) - 1)
                or (t.in_name and t.word.isdigit())
                for k, t in enumerate(head_words)
            )
        )
        # "a statue of Thanos", "a painting of Zeus": one capitalised word no dictionary knows is a name too
        single_name = (
            len(head_words) == 1
            # "Axolotls swim in a tank": a plural opening a sentence has its capital from the sentence
            and not (head_words[0].opens and _is_plural(head_words[0].word))
            and head_words[0].raw[:1].isupper()
            and head_words[0].raw[1:2].islower()
            and not lexicon.is_known(head_words[0].word)
            and head_words[0].word not in vocab.OBJECT_CLASSES
            and head_words[0].word not in vocab.SYNONYMS
        )
        proper = proper or single_name
        phrase = _Phrase(head=head, plural=_is_plural(head) and not proper, definite=definite)
        looks_plural = _is_plural(head) and lexicon.is_known(singular_noun(head_words[-1].word))  # "Jeff Bezos": a name
        if proper and not any(t.word in _DETERMINERS for t in words) and (single_name or not looks_plural):
            phrase.name = " ".join(t.raw for t in head_words)  # "John Lennon": named as written, with no "the"
    phrase.count, phrase.at_least = count, at_least
    phrase.indefinite = any(t.word in {"a", "an", "another", "some"} for t in words)
    skip_next = False
    for n, t in enumerate(modifiers):
        if skip_next:
            skip_next = False
            continue
        if t.word.endswith("'s") and not t.raw[:1].isupper():
            phrase.possessor = t.word[:-2]
            continue
        if t.word in _SHADES and n + 1 < len(modifiers) and colour_name(modifiers[n + 1].word):
            continue  # "light blue": a shade of the colour that follows
        names = _colours_of(t.word)
        if names:
            phrase.colours.extend(names)
            continue
        kind = _attribute_kind(t.word)
        if (
            kind is None
            and n == len(modifiers) - 1
            and phrase.head
            and _is_ing_verb(t.word)
            and not _is_animate(phrase.head)
            and verb_lemma(t.word) not in _PROCESS_VERBS
        ):
            phrase.head = f"{t.word} {phrase.head}"  # "a reading nook", "a mixing bowl": what it is for, one noun
            continue
        if kind is None and (_is_past(t.word) or _is_ing_verb(t.word)):
            kind = "state"
        if (
            kind is None
            and t.word.isalpha()
            and not lexicon.is_adjective(t.word)
            # "a Greek marble statue", "a Japanese paper lantern": a people's adjective the dictionary lacks
            and not (t.raw[:1].isupper() and (t.word.endswith(("an", "ese", "ish", "ic")) or t.word in _PEOPLES))
            and t.word not in _TIMES_OF_DAY  # "a sunset beach", "the night sky": the picture's light
            and t.word not in _LOOK_WORDS  # "a portrait photo"
        ):
            # a noun or a word no dictionary has before the head ("kaszubian table cloth linen", "icon sign symbol
            # doctor"): no property to ask ("Is the linen kaszubian?" is no English a person would ask)
            continue
        if kind is None:
            kind = "other" if t.word.isalpha() or "-" in t.word else None
        if kind is not None and len(t.word) <= MAX_WORD_CHARS:
            phrase.attributes.append((t.word, kind))
    return phrase
