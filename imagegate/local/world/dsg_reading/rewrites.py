"""Plain-text rewrites of a prompt before it is cut into tokens: the patterns (parameters and weights, unquoted
text, contractions, bounded counts, "half asleep", a given name, a letter's shape ...), their helpers, and
_plain_rewrites, which applies most of them in order. Text in, text out: what reads better as other words is said in
those words before any token exists, so the tagger sees one spelling of each idea. _tokens (tokens.py) applies the
quoting ones and _plain_rewrites around cutting out the quotes; the parser applies a few itself, first of all,
before the settings are taken out.
"""

from __future__ import annotations

import re

from .. import lexicon
from ..concepts import colour_name
from .words import (
    _BODY_PARTS,
    _FACE_AND_HAIR,
    _JOINTS,
    _NO_HANDS,
    _NUMBERS,
    _PHOTO_NOUNS,
    _POSSESSIVES,
    ATTRIBUTE_KINDS,
    _attribute_kind,
    _is_ing_verb,
    _is_past,
    _is_plural,
    _plural,
    _words,
)

# A single-quoted text may hold an apostrophe between letters ('Nonna's Best', 'Joe's Diner')
_QUOTES = re.compile(
    r'"([^"]{1,200})"|“([^”]{1,200})”|‘([^’]{1,200})’|(?<![\w])\'((?:[^\']|(?<=\w)\'(?=\w)){1,200})\'(?![\w])'
)


# Generator parameters written into a prompt ("--ar 16:9", "--no people") and photographic jargon that names
# no thing ("depth of field"): not part of the picture's content.
_PARAMETERS = re.compile(
    r"(?:--|(?<!\S)[\u2013\u2014](?=[a-z]))[a-z]+(?:\s+[0-9][0-9:.]*)?|\bdepth of field\b", re.IGNORECASE
)


# "a mountain::2 white streaks::3": a multi-prompt's parts and their weights (no count: each part ends at its "::")
_WEIGHTS = re.compile(r"::\s*-?[0-9]*\.?[0-9]*")


# "--no people, cars": the generator's negative parameter, a list of what must not be drawn (to the next
# parameter or the end); read as "no people, no cars" (it was stripped with the other parameters, leaving
# "people, cars" to be asked for).
_NO_PARAMETER = re.compile(r"(?:--|(?<!\S)[\u2013\u2014])no\s+([^-\u2013\u2014.;]+)", re.IGNORECASE)


# "hand painted", "hand drawn": one adjective (how it was made), not a hand
_HAND_MADE = re.compile(
    r"\bhand (painted|drawn|made|written|carved|crafted|knitted|sewn|stitched|woven|built|lettered|colored)\b",
    re.IGNORECASE,
)


_SPACED_CAPITALS = re.compile(r"\b(?:[A-Z] ){2,}[A-Z]\b")


_ABBREVIATION = re.compile(r"\b(?:[A-Za-z]\.){2,}")


# "upside down", "inside out": one adjective (how a thing is turned), not a thing called "upside"
_UPSIDE_DOWN = re.compile(r"\bupside\s+down\b", re.IGNORECASE)


# "8 k", "3 d": a resolution or dimension written with a space ("8k", "3d"), not eight things called "k"
# "in the shape of a pineapple": its shape ("pineapple-shaped"), no pineapple
# "a bakery called Rise & Shine", "a boat named the Sea Witch": a name given to the thing, not a thing in the
# picture or something it does; the name (capitalised words, "&" and "of" inside) is dropped. A quoted name stays
# a quote (read as text where a text noun or verb carries it).
_GIVEN_NAME = re.compile(
    r"\b(?:called|named|nicknamed|titled|entitled)\s+(?:the\s+)?[A-Z][\w'-]*(?:\s+(?:&|and|of|the|[A-Z][\w'-]*))*"
    r"(?<!\sand)(?<!\sof)(?<!\sthe)"
    r"|\b(?:called|named|nicknamed|titled|entitled)\s+(?=[\"“‘'])"  # a quoted name: the quote is kept as its text
)


# Things made to hold words (general English): a quote after a body part near one of them is theirs
_WORD_HOLDERS = frozenset(
    _words("bubble balloon sign placard banner caption note paper page screen board blackboard chalkboard whiteboard")
)


# Things made to carry writing (general English): what says a text when it sits on something else
_WRITTEN_ON = frozenset(
    _words(
        """
        note sign label card poster banner flyer letter postcard envelope page paper notebook book menu placard
        sticker tag ticket receipt chalkboard blackboard whiteboard board screen billboard plaque scroll
        """
    )
)


_NAME_SHOWN_ON = frozenset(_words("logo sign signboard label poster banner cover storefront badge emblem wordmark"))


def _given_name(match: re.Match[str]) -> str:
    """The replacement of a given name: nothing, except in a picture of a thing that shows its name ("a logo for a
    bakery called Rise & Shine"), where the name is the text on it (quoted, so read as text)."""
    words = set(_words(match.string.lower().replace(",", " ").replace(":", " ")))
    name = re.sub(r"^(?:called|named|nicknamed|titled|entitled)\s+(?:the\s+)?", "", match.group(0)).strip()
    if name and words & _NAME_SHOWN_ON:
        return f' "{name}" '
    return " "


_LETTER_SHAPE = re.compile(
    r"\b(?:in the (?:shape|form) of|shaped like) (?:the |a |an )?(?:capital |lowercase |upper-case |lower-case )?"
    r"(?:letter ['\"‘’“”]?([A-Za-z])|(?:number|digit|numeral) ['\"‘’“”]?(\d{1,2}))['\"‘’“”]?(?![\w])",
    re.IGNORECASE,
)


# Stock-image words that are ordinary English inside a phrase ("a velocity vector", "octane fuel"): a tag only as a
# whole comma item or at the prompt's end ("palm leaves vector, svg"; "photorealistic, octane")
_STOCK_TAG = re.compile(r"\b(vector|octane)\b(?=\s*(?:[,.;]|--|$))", re.IGNORECASE)


_STOCK_TAGS = {"vector": "vector image", "octane": "octane render"}


def _stock_tag(match: re.Match[str]) -> str:
    """ "..., vector, svg" and "palm leaves vector": the tag (a whole comma item, or after a plural noun, as stock
    listings put it); "a velocity vector" keeps its noun."""
    before = match.string[: match.start()].rstrip()
    last = before.rsplit(None, 1)[-1].lower() if before else ""
    if (
        not before
        or before.endswith((",", ";", ":", ".", "-"))
        or (last.isalpha() and (_is_plural(last) or lexicon.is_adjective_only(last) or last == "stock"))
    ):
        return _STOCK_TAGS[match.group(1).lower()]
    return match.group(0)


_SHAPE_OF = re.compile(
    r"\b(?:in the (?:shape|form) of|shaped like|in the shape of) (?!(?:an? |the )?(?:word|text|letter)s?\b)"
    r"(?:an? |the )?(?:(?:giant|huge|big|large|small|tiny|little) )?([^\W\d_]+)\b",
    re.IGNORECASE,
)


# "He's", "it's", "they're": the pronoun and its verb ("is"), not a possessive
_CONTRACTIONS = re.compile(r"\b(he|she|it|that|there|they|we|you)['’](s|re)\b", re.IGNORECASE)


# Text said in capitals with no quotes ("a neon sign reading OPEN 24 HOURS"): the capitals are the text.
_CAPITALS_SAID = re.compile(
    r"\b(says|say|saying|reads|read|reading|spells|spelling|labeled|labelled|titled|words|word)\s+"
    r"((?=[A-Z0-9'&!?.\s-]*[A-Z]{2})[A-Z0-9][A-Z0-9'&!?.-]*(?:\s+[A-Z0-9][A-Z0-9'&!?.-]*)*)(?![\w'\"])"
)


# A single capital letter named as a thing ("an X marking the spot"): a letter written in the picture, read as
# quoted text ('a', 'I' are words; "a T-shirt", "an X-ray" are not letters; "the letter Q" is read as it was)
_LETTER_AS_THING = re.compile(r"\b(an|a|the)\s+([B-HJ-Z])(?![\w.'’-])")


# Words a picture shows, named after their noun without quotes: "the letter F", "a clock reads 12:43", "a mug with
# the words good morning"; read as if quoted (general English; what follows must be no place, verb or clause)
_LETTER_NAMED = re.compile(r"\b(letter|the number|the digit|the numeral)\s+([A-Z]|(?<=[rlt] )\d{1,3})(?![\w'’.-])")


_TIME_SAID = re.compile(
    r"\b(says|say|saying|reads|read|reading|shows|showing|displays|displaying)\s+(\d{1,2}:\d{2}(?:\s?[ap]\.?m\b\.?)?)",
    re.IGNORECASE,
)


# A text written in capitals after a verb of writing, without quotes ("a boy writing BONEZ on a chalkboard"): the
# text, quoted (it asked for a thing "boy writing bonez"). _CAPITALS_SAID, run before it, quotes capitals after
# saying, reading and spelling wherever they end (spelling here only catches what it leaves: one capital and a
# digit); after writing only where the text ends (a preposition of place, a stop or the end: "an artist writing
# CAFE over the door" read the artist above it), so "painting USA flags" is no text
_CAPITALS_WRITTEN = re.compile(
    r"\b((?:writ(?:e|es|ing)|spell(?:s|ing)?|scrawl(?:s|ing)?|spray-paint(?:s|ing)?)\s+)"
    r"([A-Z][A-Z0-9!?'’&]+(?:\s+[A-Z][A-Z0-9!?'’&]+){0,5})"
    r"(?=\s+(?:on|in|across|onto|into|along)\b|\s*[,.;!]|\s*$)"
)


_UNQUOTED_TEXT = re.compile(
    r"\b((?:with\s+the|with|the|of)\s+(?:text|words?|caption|slogan|message))\s+([A-Za-z0-9][\w'’!?&-]*(?: [\w'’!?&-]+){0,7})"
    r"(?=\s*[.;!,]|\s*$|\s{2,})",  # two spaces: where quotes were taken out ("the text  open your mind  on")
)


_PLACE_WORDS = frozenset(
    _words("in on at of to from by with into onto over under above below across around along near behind beside next")
)


_NOT_TEXT_OPENERS = frozenset(
    _words(
        """
        in on at of to from by with without for into onto over under above below across around along near behind
        is are was were be being been that which who and or but a an the this these those it its their his her
        written painted printed carved drawn spelled spelt made formed engraved etched scrawled sprayed stitched
        say says said saying read reads reading appear appears appearing
        inside outside underneath beneath everywhere upside
        """
    )
)


def _quote_unquoted_text(match: re.Match[str]) -> str:
    """ "with the words good morning": the words after their noun are the text, read as if quoted, unless they
    open a place, a verb or a clause ("the words in gold", "the text is blurry", "the text carefully"); they end
    before another thing named ("the words dogs rule and a dog")."""
    noun, said = match.group(1), match.group(2)
    parts = _TEXT_ENDS.split(said, maxsplit=1)
    said, rest = parts[0], (f" {parts[1]}" if len(parts) > 1 else "")
    words = said.lower().split()
    first = words[0]
    if (
        first in _NOT_TEXT_OPENERS
        or any(w in _PLACE_WORDS for w in words)
        # "the text carefully", "the words crossed out": one adverb or participle says how, not what is written
        or (said[:1].islower() and first.endswith("ly") and lexicon.is_adverb(first))
        or (len(words) <= 2 and said[:1].islower() and (_is_past(first) or _is_ing_verb(first)) and first != "open")
    ):
        return match.group(0)
    return f'{noun} "{said}"{rest}'


# Where unquoted text ends: "and" or "with" before another thing ("... and a dog", "... with two balloons").
_TEXT_ENDS = re.compile(r"\s+(?=(?:and|with)\s+(?:a|an|the|some|\d+|two|three|four|five|six)\b)")


_BOUNDED_COUNT = re.compile(
    r"\b((?:no |not )?(?:more than|fewer than|less than)|at least|at most|up to)\s+([a-z]+|\d{1,2})\b"
    r"|\b(" + "|".join(sorted(_NUMBERS, key=len, reverse=True)) + r"|\d{1,2})\s+more\b(?=\s+[a-z])",
    re.IGNORECASE,
)


def _bounded_count(match: re.Match[str]) -> str:
    """ "more than ten chairs" is at least eleven ("several" marks the count as a least, read by _phrase), "at
    least three" at least three; "fewer than five", "up to five" bound it from above, which no count check asks
    (so no number is kept); "two more puppies" are two puppies."""
    bound, said, before = match.group(1), match.group(2), match.group(3)
    if before is not None:
        number = before.lower()
        return before if number.isdigit() or number in _NUMBERS else match.group(0)
    number = said.lower()
    value = int(number) if number.isdigit() else _NUMBERS.get(number)
    if value is None:
        return match.group(0)
    bound = " ".join(bound.lower().split())
    if bound == "more than":
        return f"several {value + 1}"
    if bound in {"at least", "no fewer than", "no less than", "not fewer than", "not less than"}:
        return f"several {value}" if value > 1 else ""  # "at least one bird": a bird
    return ""  # "fewer than", "not more than", "up to": an upper bound, which no count check asks


# "made entirely of glass", "completely carved from ice", "built mostly out of lego": how much of the thing is that
# stuff; asked as "made of glass?" (a picture of a bowl mostly of gold answers yes). Read with the adverb, "made"
# was an action ("Is the chair making?") or the stuff was lost.
_HOW_MUCH = (
    r"(?:entirely|completely|wholly|fully|solely|purely|exclusively|totally|mostly|mainly|largely|partly|partially)"
)


_MADE_WHOLLY = re.compile(
    rf"\b(?:{_HOW_MUCH}\s+)?(made|carved|built|crafted|constructed)\s+(?:(?:{_HOW_MUCH}|all)\s+)?(?=(?:of|from|out of)\b)",
    re.IGNORECASE,
)


# "the tie he is wearing is striped", "the hat she wears is red": a clause with no "that" between a noun and its
# copula; the copula's subject is the noun, not the pronoun ("Is the man striped?" was asked)
_CONTACT_CLAUSE = re.compile(
    r"\b(the)\s+((?:[a-z]+\s+){0,2}?[a-z]+)\s+(he|she|they|we|i)\s+((?:is|are|was|were|am)\s+)?([a-z]+)\s+"
    r"(is|are|was|were)\b",
    re.IGNORECASE,
)


def _contact_clause(match: re.Match[str]) -> str:
    the, noun, pronoun, auxiliary, verb, copula = match.groups()
    if not lexicon.verb_lemmas(verb.lower()) or (auxiliary and not verb.lower().endswith("ing")):
        return match.group(0)
    return f"{pronoun} {auxiliary or ''}{verb} {the} {noun} . {the} {noun} {copula}"


# "a vase, centered, white background": a prompt tag saying the subject is in the middle of the picture
_CENTERED_TAG = re.compile(
    r"(^|[,;.])\s*(?:perfectly\s+)?cent(?:er|r)ed(?:\s+in\s+the\s+(?:frame|image|picture|composition))?\s*(?=[,;.]|$)",
    re.IGNORECASE,
)


# "lifted up to chin level", "arms at shoulder height": how high, by a body part (read as a verb: "Is the right arm
# chinning?"); the height is no thing or action, so the phrase is set aside
_BODY_LEVEL = re.compile(r"\b(?:to|at)\s+([a-z]+)\s+(?:level|height)\b", re.IGNORECASE)


_LEVEL_PARTS = _BODY_PARTS | _FACE_AND_HAIR | frozenset(_words("chin waist thigh ankle wrist forehead"))


def _body_level(match: re.Match[str]) -> str:
    return " " if match.group(1).lower() in _LEVEL_PARTS else match.group(0)


# "an owl family", "a duck family", "a wolf pack": a group of those animals, read as "a family of owls" (it asked
# "Is there an owl family?", never for an owl)
_ANIMAL_GROUP = re.compile(r"\b(an?|the)\s+([a-z]+)\s+(family|herd|flock|pack|colony)\b", re.IGNORECASE)


def _animal_group(match: re.Match[str]) -> str:
    article, animal, group = match.groups()
    if animal.lower() not in _NO_HANDS:
        return match.group(0)
    return f"{'a' if article.lower() == 'an' else article} {group} of {_plural(animal.lower())}"


# A hyphenated word written with spaces around its hyphen: a prefix before it, or a participle or "like" after it
_SPACED_HYPHEN = re.compile(
    r"\b(pre|post|anti|non|neo|semi|self|ultra|hyper|mid|well|half|multi)\s+-\s+(?=[a-z])|"
    r"\b([a-z]+)\s+-\s+(blown|shaped|colored|coloured|covered|filled|lit|like|based|made|themed|inspired)\b"
    # only as a word before its noun ("wind - blown snow"): "a bench - covered with leaves - in a park" is an aside
    r"(?=\s+(?!(?:with|by|in|on|at|from|of|to|into|for|and|or)\b)[a-z])",
    re.IGNORECASE,
)


# "taking his dog for a walk": what for, no thing called "walk"
_FOR_AN_OUTING = re.compile(r"\bfor an?\s+(?:walk|ride|swim|run|stroll|drive|jog|spin)\b", re.IGNORECASE)


# "in a push up position": the exercise's name, one word ("Is there a push?" was asked)
_EXERCISE_NAMES = re.compile(r"\b(push|pull|sit)\s+(ups?)\b(?=\s+(?:position|pose|exercise|bar)\b)", re.IGNORECASE)


# "smiling in the camera", "looking into the camera": facing the viewer; the camera is no thing in the picture
_INTO_THE_CAMERA = re.compile(
    r"\b(look(?:s|ing)?|smil(?:e|es|ing)|star(?:e|es|ing)|gaz(?:e|es|ing)|pos(?:e|es|ing))\s+(?:in|into|at|to)\s+"
    r"(?:the\s+)?camera\b(?=\s*(?:[,.;!?]|$|\band\b|\bwith\b))",  # not "at the camera on a tripod": a camera there
    re.IGNORECASE,
)


# "painted by A, part by B": B is one of the picture's makers, as after "by"
_PART_BY = re.compile(r"\bpart by\b", re.IGNORECASE)


# "for sale croquet game": a shop listing's words, no thing "sale"
_FOR_SALE = re.compile(r"\bfor sale\b", re.IGNORECASE)


# "a family at dinner": at a meal is eating it, no place beside a thing called "dinner"
_AT_A_MEAL = re.compile(
    r"\bat\s+(breakfast|brunch|lunch|dinner|supper)\b(?!\s+(?:break|time|table|party))", re.IGNORECASE
)


_GETTING_READY = re.compile(r"\s(?:get|gets|getting|got)\s+ready\s+to\b", re.IGNORECASE)


# "Flat vector illustration for a banking app: ...", "a poster for a jazz night, ...": what the picture is for, no
# thing in it (only when the purpose ends its item, so "a poster for a concert on a wall" is read as written)
_MADE_FOR = re.compile(
    r"\b(illustration|poster|banner|logo|icon|ad|advert|advertisement|flyer|thumbnail|mockup|artwork|design|image"
    r"|photo|shot|visual|graphic|render|picture)"
    r"\s+for\s+(?:(?:an?|the|my|our|your)\s+)?(?:[a-z-]+\s+){0,2}[a-z-]+(?=\s*(?:[:,.;]|$))",
    re.IGNORECASE,
)


# "a kitchen counter seen from the side": the view the picture is taken from, no state of the counter
_SEEN_FROM = re.compile(
    r"\s*\b(?:seen|viewed|shot|photographed)\s+from\s+(?:the\s+)?(side|front|back|rear|above|top|below)\b",
    re.IGNORECASE,
)


# "the city as seen from an airplane", "a lake seen from a drone": where the camera is, an aerial view; no
# airplane in the picture (it asked "Is there an airplane?")
_SEEN_FROM_THE_AIR = re.compile(
    r"\s*\b(?:as\s+)?(?:seen|viewed|shot|photographed|filmed|captured)\s+from\s+(?:an?\s+|the\s+)?"
    r"(?:airplane|aeroplane|plane|helicopter|drone|hot\s+air\s+balloon|balloon|satellite|space|orbit|air)\b"
    r"(?=\s*(?:[,.;:]|$))",
    re.IGNORECASE,
)


_VIEW_FROM = {"above": "top view", "top": "top view", "below": "low angle view"}


# "crosses a little over the chest", "bent just a bit", "with a bit more fur": how much, no thing called "a little"
# (a noun after it keeps it: "a little girl", "a bit of string", "a horse with a bit in its mouth")
_A_LITTLE = re.compile(
    r"(?:\ba (?:little|bit|tad)\b(?=\s+(?:more|less|too)\b)|"
    r"(?<!with )(?<!the )\ba (?:little|bit|tad)\b(?=\s*(?:$|[,.;:!?]|\s(?:over|under|behind|to|toward|towards|forward|forwards|back|backward|backwards|up|down|out|in|at|from|above|below|more|less|further|apart|open|higher|lower|bent|raised|lifted|tilted|turned|left|right|inward|outward|sideways|away)\b)))",
    re.IGNORECASE,
)


# "knocked over by a cat", "picked up by a girl": the particle says how; the one after "by" did it
_PARTICLE_BY = re.compile(r"\b([a-z]+ed)\s+(?:over|up|down|out|off|away)\s+(?=by\b)", re.IGNORECASE)


# "half buried", "half eaten", "half open": how much of it, one word with what it qualifies
_HALF = re.compile(r"\bhalf\s+([a-z]+)\b", re.IGNORECASE)


def _half_joined(match: re.Match[str]) -> str:
    """ "half buried" -> "half-buried" only before a participle or a state ("a half golden retriever puppy" is not
    half-golden)."""
    word = match.group(1).lower()
    if ATTRIBUTE_KINDS.get(word) == "state" or (lexicon.is_past_form(word) and not colour_name(word)):
        return f"half-{match.group(1)}"
    return match.group(0)


_WIDE_OPEN = re.compile(r"\bwide\s+open\b", re.IGNORECASE)


_SOUND_ASLEEP = re.compile(r"\b(?:fast|sound|deeply|wide)\s+(asleep|awake)\b", re.IGNORECASE)


# "semi straight", "semi bent": one word, as "semi-straight"
_SEMI = re.compile(r"\bsemi\s+([a-z]+)\b", re.IGNORECASE)


def _semi_joined(match: re.Match[str]) -> str:
    """ "semi straight" -> "semi-straight" only before a property ("a semi on a highway" is a truck)."""
    word = match.group(1).lower()
    if _attribute_kind(word) is not None or lexicon.is_adjective(word) or _is_past(word):
        return f"semi-{match.group(1)}"
    return match.group(0)


_THE_NTH_ONE = re.compile(r"\bthe (?:first|second|third|fourth|fifth|last) one\b", re.IGNORECASE)


# "hundreds of candles", "dozens of balloons", "thousands of stars": many of them (it asked "Are there hundreds?");
# not after a number ("three dozens of roses" are 36: how many)
_HUNDREDS_OF = re.compile(
    r"\b(?P<before>\w+\s+)?(?:hundreds|thousands|millions|dozens|scores)\s+(?:and\s+\w+\s+)?of\b", re.IGNORECASE
)


def _hundreds_of(match: re.Match[str]) -> str:
    before = match.group("before") or ""
    word = before.strip().lower()
    if word.isdigit() or word in _NUMBERS:
        return match.group(0)
    return f"{before}many"


_A_LITTLE_MORE = re.compile(r"\ba (?:little|bit|tad)\s+(?=(?:more|less)\s+than\b)", re.IGNORECASE)


_LICENCE = re.compile(
    r"\bcreative commons(?: attribution)?(?: share ?alike)?(?: license| licence)?\b|\broyalty[- ]free\b", re.IGNORECASE
)


_COPYRIGHT = re.compile(r"(?:©|\(c\))[^,;]*?(?=[,;]|\.(?:\s|$)|$)", re.IGNORECASE)


# An inch mark left by a web page's escaped quote ("11 quot", "30&quot;"): a size, no thing called "quot"
_INCH_MARK = re.compile(r"\b\d+(?:[.,]\d+)?\s*&?quot\b;?", re.IGNORECASE)


_DIMENSIONS = re.compile(
    r"\b\d+(?:\.\d+)?(?:\s+\d+/\d+)?(?:\s*[x×]\s*\d+(?:\.\d+)?(?:\s+\d+/\d+)?)+(?:\s*(?:in|cm|mm|ft|inches)\b)?"
)


_PRESENT_AT = re.compile(r"(?<=[a-z])\s+present(?=\s+(?:at|in|on|near|behind|under|inside|beside)\b)")


_SPACED_YEAR = re.compile(r"\b\d(?: \d){3}(?: s\b)?")


_CATALOGUE_NUMBER = re.compile(r"(?:#|\bno\.)\s?\d+\b", re.IGNORECASE)


_EVERYONE = re.compile(r"\b(everyone|everybody)(['’]s\b)?(\s+(?:is|are|was|were)\b)?", re.IGNORECASE)


def _everyone(match: re.Match[str]) -> str:
    """ "Everybody is laughing": they are, the people just named; "everyone at the table", "a wedding, everyone
    wearing white": the people there; "everyone's favourite dog": nobody's in particular (dropped)."""
    if match.group(2):
        return ""
    if match.group(3):
        return f"{'They' if match.group(1)[0].isupper() else 'they'} are"
    return "People" if match.group(1)[0].isupper() else "people"


_SPACED_UNITS = re.compile(r"\b(\d{1,2}) ([kd])\b", re.IGNORECASE)


# Flaws a thing can be "full of" (general English): it has them; they are not inside it ("a cup that is full of
# holes" asked "Is the cup full?" and the holes inside it). What follows them, unless more flaws ("and dents"), is
# the thing's again: "a sock full of holes hanging on a line" (the sock hangs, not the holes)
_FULL_OF_FLAWS = re.compile(
    r"\b(?:(is|are)\s+)?full of ((?:\w+ )?(?:holes|cracks|dents|scratches|chips|potholes|stains|tears)\b)",
    re.IGNORECASE,
)


_PHRASE_ENDS = re.compile(r"\s*(?:$|[,.;:!?]|and\b|or\b)", re.IGNORECASE)


def _has_flaws(match: re.Match[str]) -> str:
    """ "full of holes": "with holes", or "has"/"have" after "is"/"are", and a comma ending the phrase when the
    thing's own words follow (the comma is left out before the end, a stop or more flaws)."""
    verb = {"is": "has ", "are": "have "}.get((match.group(1) or "").lower(), "with ")
    ends = _PHRASE_ENDS.match(match.string, match.end()) is not None
    return f"{verb}{match.group(2)}" if ends else f"{verb}{match.group(2)} ,"


# "it is raining": the weather, no thing that rains ("a man in a suit, it is raining" asked "Is the suit raining?")
_IT_RAINS = re.compile(r"\bit(?: is|'s) (rain|snow)ing\b", re.IGNORECASE)


_HONORIFIC = re.compile(r"\b(Dr|Mr|Mrs|Ms|Prof|St|Sgt|Capt|Lt|Rev)\.\s+(?=[A-Z])")


_BODY_OF_WATER = re.compile(r"\bbod(?:y|ies) of water\b", re.IGNORECASE)


_DOORED = re.compile(r"\b(two|three|four|five|2|3|4|5) door (?=[a-z])", re.IGNORECASE)


# "an oil painting made with a palette knife", "a fox, painted with a fine brush", "drawn using charcoal": the
# tool the picture was made with, no thing in it (it asked "Is there a palette knife?", "Is the fox painted with a
# fine brush?"). Only an artist's tool, so "a cake made with strawberries" is read as written.
_MADE_WITH_A_TOOL = re.compile(
    r"\s*\b(?:(?:painted|drawn|sketched|done|executed)\s+(?:with|using)\s+(?:(?:an?|the|some)\s+)?"
    r"(?:(?:fine|thick|thin|broad|wide|small|large|big|flat|round|soft|dry|wet|heavy|loose|bold|quick|single|black|"
    r"white|red|blue|coloured|colored)\s+)?"
    r"(?:palette\s+knife|palette\s+knives|brush(?:es)?|brush\s+strokes?|brushstrokes?|airbrush|pencils?|charcoal|"
    r"crayons?|markers?|felt[- ]tip\s+pens?|ballpoint(?:\s+pens?)?|pens?|ink|chalk|pastels?|stylus|spray\s+paint|"
    r"fingers?)"
    # what a picture may be made or created with that is no material of a thing ("a sculpture made with pencils"
    # is made of them)
    r"|(?:made|created|rendered|applied)\s+(?:with|using)\s+(?:(?:an?|the)\s+)?"
    r"(?:palette\s+knife|palette\s+knives|brush(?:es)?|airbrush|stylus))\b(?!\s+(?:on|in|at)\b)",
    re.IGNORECASE,
)


# "a portrait drawn in charcoal", "a harbour painted in watercolour": the medium is the picture's look (it asked
# "Is there a charcoal?"); said as the kind of picture, a tag at that point
_DONE_IN_A_MEDIUM = re.compile(
    r"\s*\b(?:made|done|painted|drawn|sketched|rendered|executed)\s+in\s+"
    r"(charcoal|pencil|graphite|ink|watercolou?rs?|oils?|pastels?|gouache|acrylics?|crayons?|chalk|tempera)"
    r"(?=\s*(?:[,.;]|$))",
    re.IGNORECASE,
)


# "her arm bent at the elbow", "legs bent at the knees": bent, where a limb bends (it asked "Is the arm near the
# elbow?" and "Is there an elbow?"); "bent" is read as a word that describes, so the joint goes (a participle
# keeps it: "folded at the waist")
_BENT_AT_A_JOINT = re.compile(
    rf"\b(bent)\s+at\s+(?:the\s+|his\s+|her\s+|their\s+|its\s+|a\s+)?(?:{'|'.join(sorted(_JOINTS))})s?"
    r"\b(?!\s+of\b)(?P<run_on>(?=\s+(?!and\b|with\b|so\b|while\b|where\b)[a-z]))?",
    re.IGNORECASE,
)


# "bent double", "folded double": bent all the way, how far; no thing called a double (it asked "Is the double
# bent?")
_BENT_DOUBLE = re.compile(r"\b(bent|folded|doubled)\s+(?:double|in\s+two|in\s+half)\b", re.IGNORECASE)


# "ten high back dining chairs", "a low back sofa": the kind of back a seat has, one word before its noun ("back"
# alone was read as where, which cut the count from the chairs)
_KIND_OF_BACK = re.compile(
    r"\b(high|low|open|ladder|slat|wing|cane|spindle|button|tufted)\s+back\b"
    r"(?=\s+(?!to\b|of\b|in\b|on\b|at\b|and\b|with\b|from\b|into\b)[a-z])",
    re.IGNORECASE,
)


# "a coffee table (ostuni white mahogany/ nature grey)": a listing's options, one or the other, in brackets; the
# picture shows at most one, so none is asked (it asked "Is there a nature grey?", "Is the nature grey white?");
# a slash between capitals with no space beside it is part of a name ("an AC/DC logo")
_OPTIONS_IN_BRACKETS = re.compile(
    r"\((?![^()]*\bwith\b)(?:[^()/]{1,60}(?:\s/|/\s)[^()/]{1,60}|\s*[a-z][a-z ]{0,40}/[a-z][a-z ]{0,40})\)"
)


# "the word 'danger' written on them in red spray paint": "on them" is where the text was just said to be; what
# follows is what it is written in (it asked "Is there a spray paint?", "Is the spray paint red?")
_WRITTEN_ON_IT_IN = re.compile(
    r"\b(written|painted|scrawled|sprayed|drawn|carved|spelled|spelt|scribbled|etched)\s+on\s+(?:it|them)\s+(in|with)\b",
    re.IGNORECASE,
)


# "a full grown rooster", "a half grown kitten": grown up, one word ("Is the rooster full?" was asked)
_GROWN = re.compile(r"\b(full|fully|half)\s+grown\b", re.IGNORECASE)


# "huge skyscraper + power station": a plus between words joins two things, as "and" (it asked for one
# "skyscraper power station"); "C++", "1 + 1" and "x + y = z" are not between words
_PLUS_AND = re.compile(r"(?<=[A-Za-z]{2})\s+\+\s+(?=[A-Za-z]{2})")


# "a polar bear sticking it's head out": "it's" before a body part is "its", the common slip (it was read as "it
# is", and the head lost its owner)
_ITS_SLIP = re.compile(
    r"\bit['’]s\s+(?=(?:head|tail|tongue|paw|paws|wings?|eyes?|ears?|nose|mouth|face|legs?|feet|back|neck|fur|horns?)\b)",
    re.IGNORECASE,
)


def _inside_double_quotes(match: re.Match[str]) -> bool:
    """Is the match inside a double-quoted text of the string it was found in (an odd number of quotes before it)?
    Rewrites made before the quotes are put aside leave the text as written ('"IT'S BACK"', '"ROOM 39"')."""
    return match.string[: match.start()].count('"') % 2 == 1


def _its_slip(match: re.Match[str]) -> str:
    """ "its " for "it's " before a body part, outside a double-quoted text."""
    return match.group(0) if _inside_double_quotes(match) else "its "


def _contraction(match: re.Match[str]) -> str:
    """ "he's", "they're": the pronoun and its verb, outside a double-quoted text."""
    if _inside_double_quotes(match):
        return match.group(0)
    return f"{match.group(1)} {'is' if match.group(2).lower() == 's' else 'are'}"


# "stands a few feet in front of a tree", "two metres behind the car": how far, no feet or metres in the picture (it
# asked "Is the sloth standing the feet?")
_DISTANCE = re.compile(
    ""
    # not after an owner or a word that makes the number the feet's ("its two feet", "on two feet", "a statue of two
    # feet", "with one foot off the ground")
    # (the word boundary first: the look-behinds are tried only where a word starts)
    + r"\b"
    + "".join(rf"(?<!\b{word} )" for word in sorted(_POSSESSIVES | {"on", "in", "with", "of"}))
    + r"(?:a\s+few|a\s+couple\s+of|several|\d+|"
    + "|".join(
        sorted(
            (w for w in _NUMBERS if w.isalpha() and w not in {"a", "an", "one", "single", "lone", "both"}),
            key=len,
            reverse=True,
        )
    )
    + r")\s+(?:feet|foot|ft|meters?|metres?|inches|yards?|miles?|kilometers?|kilometres?|km)\s+"
    r"(?=(?:in\s+front\s+of|behind|away|from|above|below|ahead|apart|beneath|under|over|off|to\s+the)\b)",
    re.IGNORECASE,
)


# "a photo taken looking down", "a picture taken at night": how the picture was taken, no action of the photo (it
# asked "Is the photo taking?"); "taken by" is read as written (what it is taken by may be a place: "by a river")
_PICTURE_TAKEN = re.compile(
    rf"\b({'|'.join(sorted(_PHOTO_NOUNS))})\s+taken\b(?!\s+by\b)",
    re.IGNORECASE,
)


# "Portrait of a gecko holding a flag. Charcoal.": a medium said alone as the prompt's last sentence is the kind of
# picture (in a list, "a barbecue grill, charcoal, sausages" is a thing)
_LAST_SENTENCE_MEDIUM = re.compile(r"(?<=[.!?])\s*(charcoal|graphite|pencil)\s*\.?\s*$", re.IGNORECASE)


def _kind_of_back(match: re.Match[str]) -> str:
    """ "high-back" before a noun; before a verb's -ing and where it happens ("a camel with a high back standing in
    the sand") "back" is the camel's back, as written ("dining chairs" are chairs)."""
    after = re.match(
        r"\s+([a-z]+ing)\s+(in|on|at|by|near|under|over|beside|behind|next|through|across)\b",
        match.string[match.end() :],
    )
    return match.group(0) if after else f"{match.group(1)}-back"


# "a rear view of a truck on a highway": the camera behind the subject, no thing called a view (it asked "Is the
# rear view on the highway?"); the subject is what follows
_VIEW_FROM_BEHIND = re.compile(r"\b(?:(?:an?|the)\s+)?(?:rear|back)\s+view\s+of\s+", re.IGNORECASE)


# "an award winning photo", "award-winning", "award - winning": praise, nothing to see ("an award" is a thing)
_AWARD_WINNING = re.compile(r"\baward\s*-?\s*winning\b", re.IGNORECASE)


# "the time of day seems to be the evening": no daytime asked ("Is it daytime in the image?" was)
_TIME_OF_DAY = re.compile(r"\btime of (?:the )?day\b", re.IGNORECASE)


def _medium_picture(medium: str) -> str:
    """The kind of picture a medium makes: "charcoal" a charcoal drawing, "oils" an oil painting (a wet medium
    paints, a dry one draws)."""
    medium = medium.lower().removesuffix("s")  # "oils", "watercolours", "pastels": one medium
    wet = medium in {"watercolor", "watercolour", "oil", "gouache", "acrylic", "tempera"}
    return f"{medium} {'painting' if wet else 'drawing'}"


def _done_in_a_medium(match: re.Match[str]) -> str:
    """ "drawn in charcoal": a tag, a charcoal drawing."""
    return f" , {_medium_picture(match.group(1))}"


def _plain_rewrites(text: str) -> str:
    """Phrasings said plainly before reading (outside quoted text, which is put aside before this runs)."""
    text = _CATALOGUE_NUMBER.sub(" ", text)  # "Chair #71", "Stock Photo #9553777": an id, not how many
    text = _SPACED_YEAR.sub(lambda m: "".join(m.group(0).split()), text)  # "1 9 2 0 s": the 1920s
    text = _PRESENT_AT.sub(" ", text)  # "leaves present at the bottom": there, at the bottom
    text = _COPYRIGHT.sub(" ", text)  # "Stock photo © veralub": who owns the picture, no thing in it
    text = _LICENCE.sub(" ", text)  # "creative commons attribution", "royalty free": how it may be used, no thing
    text = _A_LITTLE_MORE.sub(" ", text)  # "a little more than": how much, no thing called "a little"
    text = _HUNDREDS_OF.sub(_hundreds_of, text)  # "hundreds of candles": many candles
    text = _INCH_MARK.sub(" ", text)  # "a vase 11 quot": eleven inches, not eleven things called "quot"
    text = _DIMENSIONS.sub(" ", text)  # "37 1/2 x 16 1/2 in (95.3 x 42 cm)": a size, not 42 of anything
    text = _EVERYONE.sub(_everyone, text)  # "Everyone is running": they are, the people just named
    text = _MADE_WHOLLY.sub(r"\1 ", text)  # "made entirely of glass": made of glass
    text = _CONTACT_CLAUSE.sub(_contact_clause, text)  # "the tie he is wearing is striped": the tie is
    text = _CENTERED_TAG.sub(r"\1 in the center of the image ", text)  # ", centered,": where the subject is
    text = _PART_BY.sub("by", text)  # "part by gerhard richter": one of its makers
    text = _BODY_LEVEL.sub(_body_level, text)  # "lifted up to chin level": lifted up
    text = _ANIMAL_GROUP.sub(_animal_group, text)  # "an owl family": a family of owls
    text = _AT_A_MEAL.sub(r"eating \1", text)  # "a family at dinner": eating dinner
    text = _INTO_THE_CAMERA.sub(r"\1", text)  # "smiling in the camera": smiling
    text = _FOR_SALE.sub(" ", text)
    text = _FOR_AN_OUTING.sub(" ", text)
    text = _EXERCISE_NAMES.sub(r"\1-\2", text)
    text = _GETTING_READY.sub(" about to", text)  # "getting ready to throw a stone": about to; no "ready" thing
    text = _THE_NTH_ONE.sub("one", text)  # "three cats, the first one black": one of them is black
    text = _A_LITTLE.sub(" ", text)
    text = _SEMI.sub(_semi_joined, text)
    text = _HALF.sub(_half_joined, text)
    text = _WIDE_OPEN.sub("wide-open", text)  # "legs wide open": open, and how far (not "Are the legs wide?")
    text = _SOUND_ASLEEP.sub(r"\1", text)  # "fast asleep", "wide awake": asleep, awake (no thing called "fast")
    text = _PARTICLE_BY.sub(r"\1 ", text)
    text = _FULL_OF_FLAWS.sub(_has_flaws, text)
    text = _IT_RAINS.sub(lambda m: f"in the {m.group(1).lower()}", text)  # the weather, said as a place
    text = _HONORIFIC.sub(r"\1 ", text)  # "Dr. Evil sits": a name, not a sentence ending after "Dr"
    text = _BODY_OF_WATER.sub("water", text)  # "the body of water is calm": the water (no body)
    text = _DOORED.sub(r"\1-door ", text)  # "a two door garage": how many doors it has, not two garages
    # "bent at the elbow": bent; in a run-on pose list ("left arm bent at elbow right arm up") the item ends there
    text = _BENT_AT_A_JOINT.sub(lambda m: m.group(1) + (" ," if m.group("run_on") is not None else ""), text)
    text = _WRITTEN_ON_IT_IN.sub(r"\1 \2", text)  # "written on it in red paint": written in red paint
    text = _GROWN.sub(lambda m: f"{m.group(1).lower().removesuffix('y')}-grown", text)  # "full grown": full-grown
    text = _PLUS_AND.sub(" and ", text)  # "skyscraper + power station": a skyscraper and a power station
    text = _DISTANCE.sub("", text)  # "a few feet in front of": in front of
    text = _PICTURE_TAKEN.sub(r"\1", text)  # "a photo taken at night": a photo at night
    text = _AWARD_WINNING.sub(" ", text)  # praise, nothing to see; "an award" is a thing
    text = _TIME_OF_DAY.sub("time", text)  # no day in "the time of day"
    text = _VIEW_FROM_BEHIND.sub(" ", text)  # "a rear view of a truck": a truck, seen from behind
    text = _OPTIONS_IN_BRACKETS.sub(" ", text)  # "(white / grey)": options, none of them asked
    text = _KIND_OF_BACK.sub(_kind_of_back, text)  # "high back chairs": high-back chairs
    text = _BENT_DOUBLE.sub(r"\1", text)  # "bent double": bent
    text = _MADE_WITH_A_TOOL.sub(" ", text)  # "painted with a fine brush": how, no brush in the picture
    text = _LAST_SENTENCE_MEDIUM.sub(lambda m: f" {_medium_picture(m.group(1))}.", text)  # ". Charcoal."
    text = _DONE_IN_A_MEDIUM.sub(_done_in_a_medium, text)  # "drawn in charcoal": a charcoal drawing
    text = _SEEN_FROM_THE_AIR.sub(" , aerial view ", text)  # "seen from an airplane": from the air
    views = [_VIEW_FROM.get(m.group(1).lower(), f"{m.group(1).lower()} view") for m in _SEEN_FROM.finditer(text)]
    if views:  # said as the picture's tag, at the end, so what followed it stays the thing's
        text = _SEEN_FROM.sub("", text) + "".join(f" , {view}" for view in views)
    return _BOUNDED_COUNT.sub(_bounded_count, text)  # "more than ten chairs": at least eleven
