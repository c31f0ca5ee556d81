"""The token (_Token) and tokenising (_tokens): text said without quotes is quoted, quoted text put aside, the
plain-text rewrites applied, the rest cut into words; the passes over the token list that come before tagging
(adverbs joined to participles, quotes moved after their nouns); and what matches at a position of the word list (a
relation phrase, a place phrase, one of a pair).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .. import lexicon
from ..concepts import colour_name
from .rewrites import (
    _ABBREVIATION,
    _AWARD_WINNING,
    _CAPITALS_SAID,
    _CAPITALS_WRITTEN,
    _HAND_MADE,
    _LETTER_AS_THING,
    _LETTER_NAMED,
    _NO_PARAMETER,
    _PARAMETERS,
    _QUOTES,
    _SPACED_CAPITALS,
    _SPACED_HYPHEN,
    _TIME_SAID,
    _UNQUOTED_TEXT,
    _UPSIDE_DOWN,
    _WEIGHTS,
    _inside_double_quotes,
    _plain_rewrites,
    _quote_unquoted_text,
)
from .words import (
    _ADVERBS,
    _CONJUNCTIONS,
    _CORNER_PARTS,
    _DETERMINERS,
    _IMAGE_NOUNS,
    _NUMBERS,
    _OTHER_PREPOSITIONS,
    _PLACE_TAIL,
    _PLACES,
    _RELATION_PHRASES,
    _SUBJECT_PRONOUNS,
    _TIMES_OF_DAY,
    _attribute_kind,
    _is_past,
    _noun_like,
)


def _said_middle_of(tokens: list[_Token], k: int) -> bool:
    """Was the relation at k said as "in the middle / center of" (its first word, the rest read as one phrase)?"""
    return any(t.word in {"middle", "center", "centre"} for t in tokens[k + 1 : k + 3])


_TOKEN = re.compile(r"\x00\d+\x00|[^\W_]+(?:['’][^\W_]+)?(?:-[^\W_]+)*|[.,;:!?()]")


# -- tokens and tags ---------------------------------------------------------------------------------------
@dataclass
class _Token:
    word: str  # lower case
    raw: str  # as written
    tag: str = ""  # QUOTE PUNCT REL PLACE NEG CONJ COP AUX PRON OBJPRON REL_PRON PREP VERB PAST WORD
    value: str = ""  # the relation, the place, the quote index
    opens: bool = False  # the first word of a sentence (its capital says nothing of a name)
    in_name: bool = False  # a capitalised adjective inside a name ("Black Sabbath", "Red Square")
    names_thing: bool = False  # a capitalised adjective naming the thing before it ("the geyser Old Faithful")


def _a_place_at_a_time(tokens: list[_Token], n: int) -> bool:
    """ "Athens at sunset", "Paris in the morning": a capitalised word opening a sentence and followed at once by
    the time of day is a place's name (its capital is its own, not the sentence's); it had asked "Are there
    athens?". A plural the dictionary knows is still things ("Zebras at sunset")."""
    following = [t.word for t in tokens[n + 1 : n + 4]]
    if following[:1] not in (["at"], ["in"], ["during"]):
        return False
    when = following[2:3] if following[1:2] == ["the"] else following[1:2]
    return bool(when) and when[0] in _TIMES_OF_DAY


# A number with a double quote right after it and a word after that ('a 39" coffee table', '32" TV'): inches, the
# thing's size; only outside quoted text (an even number of quotes before it), so 'a sign saying "ROOM 39" on a
# door' keeps its text
_INCH_SIGN = re.compile(r'(?<![\w."])(\d+(?:\.\d+)?)"(?=\s+[A-Za-z])')


def _inches(match: re.Match[str]) -> str:
    return match.group(0) if _inside_double_quotes(match) else " "


def _tokens(text: str) -> tuple[list[_Token], list[str]]:
    quotes: list[str] = []

    def stash(match: re.Match[str]) -> str:
        quotes.append(next(g for g in match.groups() if g is not None).strip())
        return f" \x00{len(quotes) - 1}\x00 "

    text = text.replace("\x00", " ")  # the quote placeholder's marker: a prompt's own NUL is a space
    text = _INCH_SIGN.sub(_inches, text)  # '39" coffee table': a size, not 39 tables or the start of a quote
    # "G I G G L E painted on a wall": capitals spaced apart spell one word, written in the picture
    text = _SPACED_CAPITALS.sub(lambda m: f' "{m.group(0).replace(" ", "")}" ', text)
    text = _ABBREVIATION.sub(" ", text)  # "U.S.", "e.g.": an abbreviation is no thing in the picture
    text = _CAPITALS_SAID.sub(lambda m: f'{m.group(1)} "{m.group(2)}"', text.replace("’", "'"))
    text = _LETTER_AS_THING.sub(lambda m: f'{m.group(1)} "{m.group(2)}"', text)
    text = _LETTER_NAMED.sub(r'\1 "\2"', text)
    text = _TIME_SAID.sub(r'\1 "\2"', text)
    text = _UNQUOTED_TEXT.sub(_quote_unquoted_text, text)
    text = _CAPITALS_WRITTEN.sub(r'\1"\2"', text)
    # "pre - raphaelite", "wind - blown snow": a hyphenated word written with spaces (tokenised text), joined
    text = _SPACED_HYPHEN.sub(lambda m: re.sub(r"\s+-\s+", "-", m.group(0)), text)
    text = _AWARD_WINNING.sub("award-winning", text)  # "award - winning": praise, not an aside
    text = re.sub(r"\s[-\u2013\u2014]+\s", " , ", text)  # "a person - perhaps a lifeguard - on ...": an aside
    # "1girl", "2boys": an image-board tag for how many people of a kind (one girl)
    text = re.sub(r"\b([1-9])(girls?|boys?|women|woman|men|man)\b", r"\1 \2", text, flags=re.IGNORECASE)
    text = _QUOTES.sub(stash, text)
    text = _plain_rewrites(text)  # after the quotes are put aside: their words are never rewritten
    text = _HAND_MADE.sub(r"hand-\1", text)
    text = _UPSIDE_DOWN.sub("upside-down", text)
    text = _NO_PARAMETER.sub(
        lambda m: " . " + ", ".join(f"no {item}" for item in _list_items(m.group(1))) + " . ", text
    )
    text = _PARAMETERS.sub(" ", text)
    text = _WEIGHTS.sub(" , ", text)
    tokens = [_Token(raw.lower().replace("’", "'"), raw) for raw in _TOKEN.findall(text)]
    for n, token in enumerate(tokens):
        token.opens = (n == 0 or tokens[n - 1].word in {".", "!", "?"}) and not _a_place_at_a_time(tokens, n)
    for token in tokens:
        if token.word.startswith("\x00"):
            token.tag, token.value = "QUOTE", token.word.strip("\x00")
    _join_adverbs_to_participles(tokens)
    return tokens, quotes


def _join_adverbs_to_participles(tokens: list[_Token]) -> None:
    """ "a large dimly lit sewer", "a freshly baked pie": an adverb in -ly before the participle it modifies,
    before their noun, says how; the participle is the property asked ("Is the sewer lit?", a property the world
    can draw and decide; how dimly, it cannot). Read with the adverb, "lit" was a verb ("Is the spider lighting
    the sewer?") or the whole phrase was dropped."""
    j = 1
    while j + 2 < len(tokens):
        adverb, described, noun = tokens[j], tokens[j + 1], tokens[j + 2]
        if (
            adverb.word.endswith("ly")
            and lexicon.is_adverb(adverb.word)
            and not lexicon.is_adjective(adverb.word)
            and _is_past(described.word)  # "a really big dog": the dog is big (an intensifier says how much)
            and noun.word.isalpha()
            and lexicon.is_noun(noun.word)
            and noun.word not in _DETERMINERS
            and (
                tokens[j - 1].word in _DETERMINERS
                or lexicon.is_adjective_only(tokens[j - 1].word)
                or (lexicon.is_adjective(tokens[j - 1].word) and j >= 2 and tokens[j - 2].word in _DETERMINERS)
            )
            and not adverb.tag
            and not described.tag
        ):
            del tokens[j]
        j += 1


def _quotes_after_their_nouns(tokens: list[_Token]) -> None:
    """ "a 'STOP' sign", "a dog next to a "SALE" banner", "two 'EXIT' signs": a quote between an article (an
    adjective, a number) and a noun is what that thing says. Read as "a sign saying 'STOP'" (the quote moved behind
    its noun, after a saying verb), so the noun phrase stays whole (the dog is next to the banner) and the banner,
    not the dog, says "SALE"."""
    k = 1
    while k < len(tokens) - 1:
        before, quote = tokens[k - 1], tokens[k]
        modifier = (
            before.word in _DETERMINERS
            or colour_name(before.word)
            or _attribute_kind(before.word)
            or before.word in _NUMBERS  # "two 'EXIT' signs": two signs, each saying it
            or (before.word.isdigit() and len(before.word) <= 3)
        )
        if quote.tag != "QUOTE" or before.tag != "WORD" or not modifier or tokens[k + 1].tag != "WORD":
            k += 1
            continue
        end = k + 1
        while end < len(tokens) and tokens[end].tag == "WORD":
            end += 1
        if not lexicon.is_noun(tokens[end - 1].word):
            k = end
            continue
        tokens[k:end] = [*tokens[k + 1 : end], _Token("saying", "saying", "TEXTVERB", "quoted"), quote]
        k = end + 1


def _list_items(text: str) -> list[str]:
    """The items of a written list ("people, cars and trees"), each stripped; empty items dropped."""
    return [item.strip() for item in re.split(r",|\band\b|\bor\b", text) if item.strip()]


def _one_of_a_pair_used(words: list[str], j: int) -> bool:
    """ "with one <body part>" at j ("one") says which of one's pair does something when its clause has a verb
    ("catching a ball with one hand") or the part is posed after it ("with one hand on a sword"); with neither it
    says how many the thing has ("a man with one arm", "a table with one leg": exactly one)."""
    after = j + 2
    if after < len(words) and (
        words[after] in _OTHER_PREPOSITIONS
        or words[after] in _ADVERBS
        or _match_relation(words, after) is not None
        or lexicon.is_adjective(words[after])
        or _is_past(words[after])
    ):
        return True
    k = j - 2
    while k >= 0 and words[k] not in {",", ".", ";", ":", "and"}:
        if words[k].endswith("ing") and lexicon.verb_lemmas(words[k]):
            return True
        k -= 1
    return False


def _match_relation(words: list[str], i: int) -> tuple[int, str] | None:
    for phrase, relation in _RELATION_PHRASES:
        if tuple(words[i : i + len(phrase)]) == phrase:
            return len(phrase), relation
    return None


def _match_place(words: list[str], i: int) -> tuple[int, str] | None:
    """ "on the left", "at the top of the image", "in the center": an absolute place, not a relation (the
    phrase ends there, or names the picture itself)."""
    if words[i] not in {"on", "at", "in", "to"} or words[i + 1 : i + 2] != ["the"] or i + 2 >= len(words):
        return None
    place = _PLACES.get(words[i + 2])
    if place is None:
        return None
    j = i + 3
    other = _PLACES.get(words[j]) if j < len(words) else None
    if other in _CORNER_PARTS and place in _CORNER_PARTS and other != place:
        place, j = f"{place} {other}", j + 1  # "in the top right", "in the left bottom": a corner
    while j < len(words) and words[j] in _PLACE_TAIL:
        j += 1
    if j < len(words) and words[j] == "side":
        j += 1
    if j < len(words) and words[j] == "of":
        k = j + 1 + (1 if words[j + 1 : j + 2] in (["the"], ["this"]) else 0)
        if k < len(words) and words[k] in _IMAGE_NOUNS:
            return k + 1 - i, place
        return None
    if (
        j < len(words)
        and _noun_like(words[j])
        and words[j] not in _CONJUNCTIONS
        and words[j] not in _ADVERBS
        and words[j] not in _SUBJECT_PRONOUNS  # "in the background we can see a wall": the viewer, not a noun
        and words[j] != "there"  # "in the background there is a wall"
    ):
        return None  # "on the right leg": which leg, not a place in the picture
    return j - i, place
