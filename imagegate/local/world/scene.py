"""Prompt understanding: an English image prompt -> a scene spec.

The spec lists entities (class, colour, count, absolute position), relations between them,
text to render, background scene, light and style. A thing said twice is one thing: a later
mention of a noun merges into the earlier entity of that class (unless its colour tells them
apart, or "another"/"second" says it is a new one), so restating a prompt, with or without
emphasis words ("clearly", "exactly", "important:"), asks for the same scene. What the spec
records beyond content is content too: whether a colour is bound in a clause of its own ("the
bench is red") and whether a count is laid out per instance ("three apples side by side in a
row"), the changes a published rewriting ablation measured (see render.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from . import lexicon
from . import vocabulary as vocab
from .concepts import (
    ANIMALS,
    FRAMING_NOUNS,
    MAX_NOUN_CHARS,
    QUALITY_WORDS,
    WORN_NOUNS,
    compound_modifier,
    is_past_form,
    is_verb_form,
    lemma,
    verb_lemma,
    word_list,
)
from .concepts import plural as plural_of

RELATIONS = (
    "left of",
    "right of",
    "above",
    "below",
    "on top of",
    "under",
    "next to",
    "near",
    "behind",
    "in front of",
    "inside",
    "between",
)
POSITIONS = ("left", "right", "top", "bottom", "center")
OPPOSITE_RELATION = {
    "left of": "right of",
    "right of": "left of",
    "above": "below",
    "below": "above",
    "on top of": "under",
    "under": "on top of",
    "next to": "next to",
    "near": "near",
    "behind": "in front of",
    "in front of": "behind",
}


@dataclass
class Entity:
    cls: str  # the noun's concept (concepts.lemma): any noun, known or not
    count: int | None = 1  # None: "several" - at least two
    colour: str | None = None
    position: str | None = None  # absolute place in the image: one of POSITIONS
    count_stated: bool = False  # a number was written ("two"), not just an article
    attributes: list[str] = field(default_factory=list)  # adjectives with no rendering ("fluffy")
    actions: list[str] = field(default_factory=list)  # verbs it does, as lemmas ("ride", "take")
    colour_clause: bool = False  # the colour is also stated in a clause of its own: "the bench is red"
    count_layout: bool = False  # the count is laid out per instance: "three apples side by side in a row"


@dataclass
class Relation:
    subject: int  # index into SceneSpec.entities
    relation: str  # one of RELATIONS
    object: int
    object2: int | None = None  # "between": the second object


@dataclass
class TextSpec:
    text: str


@dataclass
class SceneSpec:
    entities: list[Entity] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    texts: list[TextSpec] = field(default_factory=list)
    scene: str | None = None
    light: str | None = None
    style: str | None = None
    excluded: list[str] = field(default_factory=list)  # classes the prompt says must be absent


# ---------------------------------------------------------------- lexicon

_RELATION_PHRASES: dict[str, str] = {
    "to the left of": "left of",
    "left of": "left of",
    "on the left of": "left of",
    "to the right of": "right of",
    "right of": "right of",
    "on the right of": "right of",
    "above": "above",
    "over": "above",
    "higher than": "above",
    "below": "below",
    "lower than": "below",
    "on the bottom of": "below",
    "on bottom of": "below",
    "at the bottom of": "below",
    "on top of": "on top of",
    "on": "on top of",
    "atop": "on top of",
    "upon": "on top of",
    "under": "under",
    "underneath": "under",
    "beneath": "under",
    "next to": "next to",
    "beside": "next to",
    "alongside": "next to",
    "by": "next to",
    # on a part of a thing's top ("three ducks on the edge of a tub", "a mug on the corner of a desk"): on it; at
    # its edge, beside it
    **{f"on {the}{part} of": "on top of" for the in ("the ", "") for part in ("edge", "rim", "corner")},
    **{f"at the {part} of": "next to" for part in ("edge", "rim")},
    "on the side of": "next to",
    "on side of": "next to",
    "at the side of": "next to",
    "by the side of": "next to",
    "to the side of": "next to",
    "near": "near",
    "close to": "near",
    "outside": "near",  # "a musician outside a subway station": by it, out of it
    "outside of": "near",
    # fastened to what holds it: beside it
    **{
        f"{word} to": "next to"
        for word in ("tied", "attached", "chained", "leashed", "pinned", "taped", "tethered", "moored")
    },
    "behind": "behind",
    "in back of": "behind",
    "in front of": "in front of",
    "inside": "inside",
    "inside of": "inside",
    "within": "inside",
    "in": "in",  # inside a known thing ("a cat in a box"); not "in the rain", not "in a red coat"
    "between": "between",
}
# Words that never end a compound noun (prepositions, particles, "full"): "riding a bicycle down a hill".
_NEVER_HEADS = frozenset(
    word_list(
        """
    down up from to across through into onto over off out along around toward towards past away by with at for
    about after before behind beside between beyond inside outside under underneath near against among within
    without upon full of in on
    """
    )
)
# The copulas that also say what the subject does (its posture): word -> the verb drawn on it.
_POSTURES = {
    **dict.fromkeys(("sits", "sit", "sitting"), "sit"),
    **dict.fromkeys(("stands", "stand", "standing"), "stand"),
    **dict.fromkeys(("lies", "lying"), "lie"),
    **dict.fromkeys(("rests", "resting"), "rest"),
    "floating": "float",
    "flying": "fly",
    "hanging": "hang",
}
# Pictures that hang in a scene once something else is named ("... and a painting of a whale above the bed").
_HUNG_PICTURES = frozenset({"painting", "picture", "photo", "photograph", "poster", "drawing", "print", "portrait"})
# What "a <container> of X" holds X in (or on): general English, the generator's own list.
_CONTAINERS: dict[str, str] = {
    **dict.fromkeys(
        [
            "bowl",
            "cup",
            "glass",
            "mug",
            "jar",
            "vase",
            "basket",
            "box",
            "bucket",
            "pot",
            "bottle",
            "can",
            "bag",
            "crate",
            "barrel",
            "jug",
            "pitcher",
            "carton",
            "bin",
            "sack",
            "pail",
            "tub",
            "teapot",
            "flask",
            "kettle",
            "holder",
            "case",
            "cage",
            "tank",
            "drawer",
            "nest",
            "aquarium",
            "wheelbarrow",
            "crib",
            "cradle",
            "hammock",
        ],
        "inside",
    ),
    **dict.fromkeys(["plate", "tray", "platter", "saucer"], "on top of"),
}
_COPULAS = frozenset(
    {
        "is",
        "are",
        "sits",
        "sit",
        "sitting",
        "stands",
        "stand",
        "standing",
        "lies",
        "lying",
        "placed",
        "positioned",
        "located",
        "appears",
        "appear",
        "shown",
        "rests",
        "resting",
        "floating",
        "flying",
        "hanging",
        "be",
        "being",
        "colored",
        "coloured",
        "painted",
        "drawn",
    }
)
# "his teeth", "her hat": a possessive pronoun is the noun's determiner, as "its" and "their" are (it made a thing
# called "his tooth")
_DEFINITES = frozenset({"the", "this", "that", "these", "those", "its", "their", "his", "her", "my", "your", "our"})
_NEGATIONS = frozenset({"no", "without", "not", "never"})
_CLAUSE_ENDS = frozenset({".", ";", "!", "?", ":"})
_SOFT_BREAKS = frozenset({",", "and", "with", "while", "plus", "or", "of", "in", "at"})
_IMAGE_WORDS = frozenset({"image", "picture", "frame", "canvas", "photo", "scene", "composition", "view"})
_POSITION_WORDS = {
    "left": "left",
    "right": "right",
    "top": "top",
    "bottom": "bottom",
    "center": "center",
    "centre": "center",
    "middle": "center",
    "upper": "top",
    "lower": "bottom",
}
# A new instance of a class already mentioned ("another dog", "a second dog"), not the same one again.
_NEW_INSTANCE = frozenset({"another", "other", "second", "third", "fourth", "different", "separate"})
# A count laid out per instance (the rewriter's layout for a count): "side by side", "in a row".
_COUNT_LAYOUTS = ("side by side", "in a row", "lined up", "evenly spaced", "spaced apart", "one next to the other")
# What follows "in" without being a place to be inside ("a flag in the wind", "skyscrapers in the distance",
# "a rabbit doubled over in pain", "a shield in a fighting stance", "soldiers in formation", "a man in his forties"):
# weather, air, light, states, arrangements and groups one is part of, ages; general English. Any other noun after
# "in" is a place, for a person or an animal too (_Parser._holds_in).
_NO_PLACE_NOUNS = frozenset(
    word_list(
        """
    air wind breeze mist fog haze smoke steam rain snow storm snowstorm rainstorm sandstorm blizzard drizzle sun
    sunlight sunshine moonlight starlight light shadow shadows shade dark darkness distance silhouette pain love
    motion action flight mid stance pose position shape form style manner way color colour tone focus hurry line
    order rest peace silence ink paint marker pencil crayon chalk charcoal
    thought sleep tear tears trouble danger despair awe shock wonder surprise disbelief agony distress fear panic joy
    anger rage grief prayer meditation conversation mourning disguise character battle combat unison harmony tandem
    formation circle queue pairs huddle procession band team choir orchestra troupe
    spotlight limelight candlelight lamplight firelight torchlight daylight twilight glow glare dusk dawn
    teens twenties thirties forties fifties sixties seventies eighties nineties
    """
    )
)
# Garments and hairstyles the world has no noun for, which one is "in" without being inside them ("a woman in a
# bikini", "a cat in a tutu", "a girl in pigtails"); with concepts.WORN_NOUNS and the endings in _WORN_ENDINGS.
_MORE_WORN = frozenset(
    word_list(
        """
    bikini swimsuit leotard tutu onesie hijab turban veil bandana beanie cap headscarf headband shawl cloak cape
    poncho vest blouse sari kilt chaps leggings shorts trousers pants tights sneakers sandals slippers heels boots
    gloves mittens mask goggles diaper nightgown pigtails braids ponytail headphones earmuffs turtleneck lingerie
    camouflage makeup chains braces top jersey tie bowtie necklace jewelry jewellery rags print pattern stripes plaid
    """
    )
)
# Endings of a compound garment ("a wetsuit", "a spacesuit", "in swimwear", "a raincoat", "a sweatshirt").
_WORN_ENDINGS = ("suit", "wear", "coat", "shirt", "gown", "dress", "robe")
# Words with those endings that are no garment ("shoes in a wardrobe" are inside it)
_NOT_WORN = frozenset(word_list("wardrobe wardrobes lawsuit pursuit address undercoat topcoat"))
# Adjectives said only after their noun ("a fox asleep under a tree", "a door ajar"): English's a-adjectives.
_PREDICATIVE = frozenset({"asleep", "awake", "afloat", "ablaze", "aglow", "adrift", "ajar", "aloft", "alight", "alive"})
# Participles that say how or where a thing is, not what another does to it: "a cabin surrounded by trees" is no
# action of the trees, "a truck parked by a geyser" stands beside it ("a ball thrown by a girl" is the girl's).
_STATIVE_PARTICIPLES = frozenset(
    word_list(
        """
    surrounded covered lit illuminated framed shaded flanked lined filled crowned topped dotted bordered hidden
    blocked overgrown inspired accompanied followed reflected backed parked placed positioned located seated docked
    moored stationed set planted built situated perched hung
    """
    )
)
# Who has no hands to hold a thing with ("a horse with a lantern", "a dog with a balloon": it has it, not held):
# the animals (concepts.ANIMALS) but those with hands.
_NO_HANDS = ANIMALS - frozenset({"bear", "raccoon", "monkey", "gorilla", "panda", "koala"})
_PEOPLE_NOUNS = frozenset(
    word_list(
        """
    person people man woman child kid boy girl baby toddler teenager adult lady gentleman guy family couple crowd
    friend owner mother father parent grandmother grandfather king queen prince princess knight soldier warrior
    wizard witch farmer chef cook doctor nurse teacher student worker officer police policeman firefighter pilot
    sailor driver rider artist painter musician singer dancer player athlete skier surfer swimmer diver cyclist
    runner hiker climber fisherman astronaut monk priest bride groom clown cowboy pirate ninja vendor waiter
    tourist photographer scientist gardener juggler hunter shepherd
    """
    )
)
# Who can do a verb ("a ball thrown by a girl", "kids who stand", "a diver in a wetsuit" wears it): people and
# animals, general English; a thing named after "by" is beside ("a bike locked by a tree").
_ANIMATE = _PEOPLE_NOUNS | ANIMALS
# Things that stand where they are built or parked, never set on a surface with what is beside them: "a girl
# beside a tree on a blanket", "a vase next to a window on a shelf", "a boy next to a bus on the sidewalk" put
# only the first on it ("a vase left of a statue on a table": both).
_FIXTURES = frozenset(
    word_list(
        """
    tree bush hedge window door doorway gate wall fence building house tower lighthouse church bus car truck van
    train tram lamppost streetlight pole pillar column fountain
    """
    )
)
# Participles of making a work: "by <a name>" after one is a credit ("painted by Hokusai"), the maker not drawn.
_MADE_BY = frozenset(
    word_list(
        """
    painted drawn sketched carved sculpted designed illustrated photographed written engraved etched crafted built
    made composed
    """
    )
)
# What stands on the ground where it is set or built, as fixtures and seats do: no posture of hanging, floating
# or flying is its ("a porch lit by a lantern hanging from a hook": the lantern hangs). General English.
_GROUNDS = frozenset(
    word_list(
        """
    table desk workbench counter countertop porch floor ground deck patio balcony terrace dock pier bridge road
    street sidewalk path field lawn yard garden beach shore rug carpet mat stage platform room house cabin shed barn
    garage kitchen hall
    """
    )
)
# The small words inside a name ("Vincent van Gogh", "Leonardo da Vinci").
_NAME_PARTICLES = frozenset(word_list("van von da de del der di du la le"))
# Conjunctions that are no "break" token yet end a noun phrase ("coffee but no milk").
_CONJUNCTIONS = frozenset(word_list("but yet nor"))
# Who "stand" follows as its verb, never as a noun's modifier ("people who stand", "I stand on a hill").
_SUBJECT_PRONOUNS = frozenset(word_list("who which that i we they you"))
# Pronouns that are a clause's subject and never a noun's determiner: the word after one is its verb ("it" is
# left out: the tokens read "it's head", a common slip for "its head", as "it head").
_PERSONAL_PRONOUNS = frozenset(word_list("i you he she we they"))
# The lots drawn as a place ("a parking lot"); any other "lot" is an amount ("he ate a lot", "a lot of").
_LOT_PLACES = frozenset(word_list("parking vacant"))
# After a noun, "left" followed by these is the verb ("a cart left in the middle", "a coat left on a chair").
_LEFT_THERE = frozenset(word_list("in on at behind by outside near under inside there alone open out over unattended"))
# How several things lie together, said before them ("a pile of leaves", "a stack of five books"): the things are
# drawn, no thing called a pile ("sitting in a pile of leaves" is in the leaves).
_ARRANGEMENTS = frozenset({"pile", "stack", "heap", "mound", "cluster", "clump", "row"})
# Participles after which "in" names the stuff a thing is covered, made or shown in, not a place: "a tree covered in
# blossoms", "the flag painted in rusty iron", "the number written in black marker", "a figure shrouded in mist".
_COVERED_IN = frozenset(
    word_list(
        """
    covered coated wrapped dressed clad shrouded draped bathed dipped drenched soaked smeared caked painted drawn
    written sketched rendered carved made done printed engraved outlined framed lit bound cast
    """
    )
)
# What one sits or lies on: a person doing something to a thing "on a bench" is on it, the thing with them.
_SEATS = frozenset(
    word_list("bench sofa couch chair armchair stool throne bed hammock swing saddle seat pew recliner beanbag futon")
)
# Verbs that move their object to a place: "putting a vase on a chair" puts the vase there.
_PLACING_VERBS = frozenset(
    word_list("put place set lay leave lean drop throw toss hang stack pile pour spread sprinkle push pull drag kick")
)
# Relations that say what holds a thing up or in, or where it is above or below: one of these given to an item
# of a covering list puts it there instead of on the surface ("next to", "near", "behind" only say what is by it).
_SUPPORTS = frozenset({"on top of", "under", "inside", "above", "below"})
# The verbs that agree with several things or with one, right after a noun: "the Corgis are asleep" is several
# corgis, "Memphis is lit up" one place (_Parser._name).
_PLURAL_AGREEMENT = frozenset({"are", "were", "have", "do"})
_SINGULAR_AGREEMENT = frozenset({"is", "was", "has", "does"})
# When a picture is taken, after "at", "in" or "during": a time of day, a season, the weather ("Athens at sunset",
# "Thebes in winter", "Brussels in the rain"). A capitalised word opening a prompt with one is a place pictured
# then, as a caption names it (_Parser._name). Not "spring" or "fall", things as often ("in a hot spring").
_WHEN_PREPOSITIONS = frozenset({"at", "in", "during"})
_WHEN_WORDS = frozenset(
    word_list(
        """dawn sunrise morning noon midday afternoon daytime day dusk sunset evening twilight night nighttime midnight
        hour summer autumn winter rain snow fog mist storm"""
    )
)
# Participles of a surface with things spread on it, before "with": "a desk covered with papers".
_SPREAD_WITH = frozenset(word_list("covered strewn littered cluttered piled heaped scattered stacked loaded laden"))
# Participles saying what is on, around or over a thing ("..., lit by a bulb", "..., framed by vines").
_LIKE_A_SURFACE = frozenset(
    {*word_list("covered lit illuminated framed shaded surrounded lined bordered dotted overgrown"), *_SPREAD_WITH}
)
# How things named together differ or match ("of different heights", "of all sizes", "of the same colour"): words
# of variety or likeness, and the nouns of measure or kind they go with. General English.
_VARIETY_WORDS = frozenset(
    word_list("different various varying differing assorted mixed all many similar equal matching identical uneven")
)
_MEASURE_NOUNS = frozenset(
    word_list("size height length width shape colour color shade hue age kind type sort breed depth thickness weight")
)
_MAX_UNKNOWN_RUN = 3  # adjectives we don't know ("a fluffy cat") keep the pending article/colour


def _build_lexicon() -> dict[tuple[str, ...], tuple[str, object]]:
    lexicon: dict[tuple[str, ...], tuple[str, object]] = {}

    def add(phrase: str, kind: str, value: object) -> None:
        lexicon.setdefault(tuple(phrase.split()), (kind, value))

    for cls in vocab.OBJECT_CLASSES:
        add(cls, "object", (cls, False))
        add(plural_of(cls), "object", (cls, cls not in vocab.PAIR_NOUNS))
    for word, cls in vocab.SYNONYMS.items():
        add(word, "object", (cls, word in {"people", "flowers"}))
        add(plural_of(word), "object", (cls, True))
    for phrase, rel in _RELATION_PHRASES.items():
        add(phrase, "relation", rel)
    for word, colour in {**{c: c for c in vocab.COLOURS}, **vocab.COLOUR_SYNONYMS}.items():
        add(word, "colour", colour)
    for table, kind in ((vocab.SCENE_WORDS, "scene"), (vocab.LIGHT_WORDS, "light"), (vocab.STYLE_WORDS, "style")):
        for phrase, key in table.items():
            add(phrase, kind, key)
    for word, number in vocab.NUMBER_WORDS.items():
        add(word, "number", number)
    add("pair of", "number", 2)
    add("couple of", "number", 2)
    add("a couple of", "number", 2)
    add("a pair of", "number", 2)
    for word in vocab.PLURAL_QUANTIFIERS:
        add(word, "quantifier", None)
    add("a few", "quantifier", None)
    for word in vocab.EMPHASIS_WORDS:
        add(word, "filler", word)  # "clearly", "exactly", "important": wording, not content
    for word in _NEW_INSTANCE:
        add(word, "new", word)
    for phrase in _COUNT_LAYOUTS:
        add(phrase, "count_layout", phrase)
    for word in _COPULAS:
        add(word, "copula", word)
    for word in _DEFINITES:
        add(word, "definite", word)
    for word in _NEGATIONS:
        add(word, "negation", word)
    for word, position in _POSITION_WORDS.items():
        add(word, "position", position)
    return lexicon


LEXICON = _build_lexicon()
_MAX_PHRASE = max(len(k) for k in LEXICON)
_QUOTED = re.compile(r'"([^"]{1,60})"|“([^”]{1,60})”|(?<!\w)[\'‘]([^\'‘’"]{1,60})[\'’](?!\w)')
_POSSESSIVE = re.compile(r"(\w+)['’]s\b")


def _possessive(match: re.Match[str]) -> str:
    """ "the dog's ball": a dog and a ball; "a Rubik's cube": one thing, named after someone."""
    word = match.group(1)
    return f"{word} with" if lemma(word) in vocab.OBJECT_CLASSES else word


_TOKEN = re.compile(r"__text\d+__|[a-z0-9]+(?:-[a-z0-9]+)*|[.,;:!?]")
_HYPHENATED = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)+")
# The last part of a hyphenated adjective ("snow-capped", "hand-drawn", "Victorian-era", "star-shaped"): the
# word is one description of the thing, not a thing called "hand" before a "drawn map"
_ADJECTIVE_TAILS = frozenset({"era", "like", "style", "styled", "shaped", "sized", "themed", "colored", "coloured"})


def _hyphen_adjective(word: str) -> bool:
    """A hyphenated word ending in a participle or an adjective's tail ("snow-capped", "hand-drawn", "star-shaped"):
    one description of a thing."""
    parts = word.split("-")
    last = parts[-1]
    return len(parts) > 1 and (
        last in _ADJECTIVE_TAILS or is_past_form(last) or (last.endswith("ed") and len(last) > 3)
    )


def _hyphens(text: str) -> str:
    """Hyphenated adjectives kept whole; any other hyphen ("black-and-white", "t-shirt") is a space."""

    def one(match: re.Match[str]) -> str:
        parts = match.group(0).split("-")
        adjective = _hyphen_adjective(match.group(0))
        # a part of one or two letters makes one word ("hi-top", "e-bike"); "t-shirt" folds to shirt by concept
        one_word = any(len(part) <= 2 and part.isalpha() for part in parts) and match.group(0) != "t-shirt"
        return match.group(0) if adjective or one_word else match.group(0).replace("-", " ")

    return _HYPHENATED.sub(one, text)


# Text written without quotes: capitals after a verb of saying ("a neon sign reading OPEN 24 HOURS"), or the words
# after "the words" / "the text" up to the clause's end ("a mug with the words good morning"); drawn as if quoted.
_SAID_IN_CAPITALS = re.compile(
    r"\b(says|saying|reads|reading|spells|spelling|labeled|labelled|titled)\s+"
    r"([A-Z0-9][A-Z0-9&!?'-]*(?:\s+[A-Z0-9][A-Z0-9&!?'-]*)*)(?![\w'\"])"
)
_WORDS_NAMED = re.compile(
    r"\b(the words|the word|the text)\s+([A-Za-z0-9][\w'!?&-]*(?: [\w'!?&-]+){0,5})(?=\s*[.;!,]|\s*$)"
)
# Words that cannot open or be written text after "the words" ("the words in gold", "the text is faded").
_NOT_WRITTEN = frozenset(
    word_list("in on at of to from with by and a an the is are was were written painted printed carved drawn")
)


def _unquoted_text(prompt: str) -> str:
    """The prompt with text written without quotes put in quotes (see _SAID_IN_CAPITALS, _WORDS_NAMED)."""

    def capitals(match: re.Match[str]) -> str:
        said = match.group(2)
        # two capital letters at least ("OPEN 24 HOURS", "SALE"); "reading A book" is no text
        return f'{match.group(1)} "{said}"' if len(re.findall(r"[A-Z]", said)) >= 2 else match.group(0)

    def named(match: re.Match[str]) -> str:
        said = match.group(2)
        if set(said.lower().split()) & _NOT_WRITTEN:
            return match.group(0)
        return f'{match.group(1)} "{said}"'

    return _WORDS_NAMED.sub(named, _SAID_IN_CAPITALS.sub(capitals, prompt))


def tokenize(prompt: str) -> tuple[list[str], list[str]]:
    """Lowercase word tokens with quoted text (and text written without quotes, _unquoted_text) replaced by
    __textN__ placeholders."""
    quoted: list[str] = []

    def stash(match: re.Match[str]) -> str:
        quoted.append((match.group(1) or match.group(2) or match.group(3)).strip())
        return f" __text{len(quoted) - 1}__ "

    text = _POSSESSIVE.sub(_possessive, _QUOTED.sub(stash, _unquoted_text(prompt)))
    return _TOKEN.findall(_GLUED_COUNT.sub(_glued_count, _hyphens(text.lower()))), quoted


# A number written onto a noun, as tag lists write a count ("1girl", "2boys"): the count and the noun
_GLUED_COUNT = re.compile(r"\b(\d{1,2})([a-z]{3,})\b")


def _glued_count(match: re.Match[str]) -> str:
    """ "1girl": one girl, when the letters name a thing the world knows ("35mm", "3d", "4k", "16bit" stay)."""
    word = match.group(2)
    known = lemma(word) in vocab.OBJECT_CLASSES or word in vocab.SYNONYMS or lemma(word) in vocab.SYNONYMS
    return f"{match.group(1)} {word}" if known else match.group(0)


def _match(tokens: list[str], i: int) -> tuple[int, str, object]:
    """Longest lexicon phrase at tokens[i]: (length, kind, value); kind 'word' when unknown."""
    for length in range(min(_MAX_PHRASE, len(tokens) - i), 0, -1):
        entry = LEXICON.get(tuple(tokens[i : i + length]))
        if entry:
            return length, entry[0], entry[1]
    token = tokens[i]
    if token.isdigit():
        return 1, "number", min(int(token), 99)
    if token.startswith("__text"):
        return 1, "text", int(token[6:-2])
    if token in _CLAUSE_ENDS or token in _SOFT_BREAKS:
        return 1, "break", token
    return 1, "word", token


# ---------------------------------------------------------------- parser


@dataclass
class _Pending:
    """Modifiers read since the last noun, waiting for the noun they belong to."""

    count: int | None = None
    count_stated: bool = False
    plural_quantifier: bool = False
    definite: bool = False
    colour: str | None = None
    new_instance: bool = False  # "another", "a second": not the earlier entity of this class
    negated: bool = False
    adjectives: list[str] = field(default_factory=list)
    colours: list[str] = field(default_factory=list)  # "red and yellow balloons": every colour, in order


class _Parser:
    def __init__(self, prompt: str) -> None:
        self.tokens, self.quoted = tokenize(prompt)
        self.proper = _proper_nouns(prompt)  # capitalised mid-sentence: a name ("in Venice", "in Times Square")
        self.capitalised = _capitalised(prompt)  # written with a capital anywhere, a sentence's first word too
        self.spec = SceneSpec()
        self.pending = _Pending()
        self.subject: int | None = None  # the entity the clause is about
        self.relation: tuple[int, str] | None = None  # (subject, relation) waiting for its object
        self.predicate = False  # after "is"/"are": colours attach to subject
        self.between: int | None = None  # "X between Y and Z": Y, waiting for Z
        self.noun_end = -1  # where the last noun phrase ended (a verb right after it is its subject's)
        self.twins: dict[int, int] = {}  # a pair split by colour ("one black and one white"): first -> second
        self.holder: tuple[int, str] | None = None  # "a cup of", "a jar filled with": what the next thing is in
        self.with_owner: int | None = None  # "a teapot with tea inside": who the with-phrase is about
        self.last_named: int | None = None  # the entity the last noun named
        self.with_list: int | None = None  # the with-phrase's owner, kept past "and" ("with red hair and glasses")
        self.sentence_head: int | None = None  # the first thing the sentence named
        self.passive: str | None = None  # "a ball thrown" right before "by": the verb its agent does
        self.agent_of: str | None = None  # after "thrown by": the verb the next thing named does
        self.scene_by_name = False  # the scene came from a word naming a thing's kind ("a park bench")
        self.clause_nouns = 0  # things named since the clause began (a list item, a sentence)
        self.joined: list[int] = []  # "a red apple and a green pear on a plate": the apple, joined to the pear
        self.doer: int | None = None  # the last thing given a verb ("a hedgehog wearing a scarf, sitting ...")
        self.owned_garment = False  # the garment just named is worn by whom "his" / "her" / "their" says
        self.covering: int | None = None  # "a desk covered with papers, a lamp and a mug": what they all lie on
        self.covering_listed = False  # a comma came in the covering's list: "and" ends the list, not the covering
        self.laid: list[Relation] = []  # the list's items put on the covering, until their own place is said

    def parse(self) -> SceneSpec:
        i = 0
        while i < len(self.tokens):
            length, kind, value = _match(self.tokens, i)
            compound = self._compound(i, length, kind)
            if compound is not None:
                length, kind, value = compound
            if kind == "number" and self._next_kind(i + length) == "relation" and value == 1:
                kind = "word"  # "one on top of" - rare; keep simple
            picked = self.tokens[i] == "the" and self.tokens[i + 2 : i + 3] == ["one"]  # "the middle one"
            split = self._one_and_the_other(i) if (kind == "number" and value == 1) or picked else 0
            if split:
                i += split
                continue
            held = self._holding(i) or self._shaped_like(i) or self._in_colours(i) or self._colour_list(i)
            if held:
                i += held
                continue
            handler = getattr(self, f"_on_{kind}")
            consumed = handler(i, length, value)
            i += consumed or length
        return self.spec

    def _hung_picture(self, i: int, word: str, following: str) -> bool:
        """Is "a painting of" at i a picture in the scene: joined to things named before it by "and", "with" or
        a relation ("a lamp and a painting of a whale", "a cat next to a photo of a dog"), not a sentence that
        opens with what the image is ("a photo of a bench. a photo of a bench")?"""
        if not self.spec.entities or word not in _HUNG_PICTURES or following != "of" or self.pending.definite:
            return False
        j = i - 1
        while j >= 0 and _match(self.tokens, j)[1] in {"number", "word", "colour", "style"}:
            j -= 1  # "with a large framed watercolor painting of": its size, frame and medium
        return j >= 0 and (self.tokens[j] in {"and", "with", "holding"} or _match(self.tokens, j)[1] == "relation")

    def _holding(self, i: int) -> int:
        """ "a jar filled with coins", "a bowl full of apples", "a cube containing a leaf": what comes next is
        drawn inside the thing just named. The tokens read, or 0."""
        word, following = self.tokens[i], self.tokens[i + 1] if i + 1 < len(self.tokens) else ""
        if self.subject is None or self.noun_end != i:
            return 0
        # the thing named right before ("ducks on a tub full of bubbles": the tub is full)
        held_in = self.last_named if self.last_named is not None else self.subject
        if word in {"containing", "contains"}:
            self.holder = (held_in, "inside")
            return 1
        if word in {"filled", "full", "stuffed", "packed", "loaded"} and following in {"with", "of"}:
            self.holder = (held_in, "inside" if word != "loaded" else "on top of")
            if word == "full" and "full" not in self.spec.entities[held_in].attributes:
                self.spec.entities[held_in].attributes.append("full")  # "a bathtub full of bubbles": it is full
            return 2
        return 0

    def _colour_list(self, i: int) -> int:
        """ "red and yellow balloons", "red, white and blue flags": colours joined before a noun. Read as one
        pending colour list (a plural is drawn as a mix, _on_object; one thing takes the last colour, as before).
        The tokens read, or 0."""
        if _match(self.tokens, i)[1] != "colour":
            return 0
        colours, j = self._colours_listed(i)
        if len(set(colours)) < 2 or not self._next_noun_within(j, 3):
            return 0
        self.pending.colour = colours[-1]
        self.pending.colours = list(dict.fromkeys(colours))
        return j - i

    def _in_colours(self, i: int) -> int:
        """ "three squares in blue, red and white": a counted group in several colours is drawn as that many of
        each (shared as evenly as the count allows), each a colour binding like "a blue square". The tokens read,
        or 0."""
        if self.subject is None or self.noun_end != i or self.tokens[i] != "in":
            return 0
        group = self.spec.entities[self.subject]
        if not group.count_stated or group.colour is not None or (group.count or 0) < 2:
            return 0
        colours, j = self._colours_listed(i + 1)
        if len(set(colours)) < 2 or len(colours) > (group.count or 0):
            return 0
        self._split_by_colour(self.subject, colours)
        return j - i

    def _colours_listed(self, i: int) -> tuple[list[str], int]:
        """The colours listed from i ("blue, red and white": joined by commas and "and") and where the list ends
        (after its last colour)."""
        colours: list[str] = []
        j = i
        while j < len(self.tokens):
            length, kind, value = _match(self.tokens, j)
            if kind == "colour":
                colours.append(str(value))
            elif self.tokens[j] not in {",", "and"} or not colours:
                break
            j += length
        while j > i and self.tokens[j - 1] in {",", "and"}:
            j -= 1  # the list ends at its last colour
        return colours, j

    def _split_by_colour(self, index: int, colours: list[str]) -> None:
        """One entity per colour in place of the group at index: a stated count shared as evenly as it goes, else
        several of each; each a colour binding like "a blue square" (so miscoloured at that rate)."""
        group = self.spec.entities[index]
        count = group.count
        shares = (
            [count // len(colours) + (k < count % len(colours)) for k in range(len(colours))]
            if count is not None
            else [None] * len(colours)
        )
        group.count, group.colour = shares[0], colours[0]
        for colour, share in zip(colours[1:], shares[1:], strict=True):
            self.spec.entities.append(
                replace(group, count=share, colour=colour, attributes=[*group.attributes], actions=[*group.actions])
            )

    def _shaped_like(self, i: int) -> int:
        """ "a balloon shaped like a giant strawberry", "a cake in the shape of a star", "a teapot that looks like an
        owl": how the thing just named looks ("strawberry-shaped", drawn as its attribute), no strawberry of its
        own. The tokens read, or 0."""
        if self.subject is None or self.noun_end != i:
            return 0
        words = self.tokens[i : i + 4]
        looks = False  # "... looks like": the thing just named, not the sentence's subject, has the shape
        if words and words[0] in {"that", "which", "who"}:
            words, i0 = words[1:] + self.tokens[i + 4 : i + 5], i + 1  # "that looks like", "who looks just like"
        else:
            i0 = i
        if words[:2] == ["shaped", "like"]:
            j = i0 + 2
        elif words[:2] in (["looks", "like"], ["look", "like"], ["looking", "like"]):
            j, looks = i0 + 2, True  # "a teapot that looks like an owl" is drawn as an SD model draws it: owl-shaped
        elif words[:3] in (["looks", "just", "like"], ["looks", "exactly", "like"], ["look", "just", "like"]):
            j, looks = i0 + 3, True
        elif words[:4] in (["in", "the", "shape", "of"], ["in", "the", "form", "of"]) and i0 == i:
            j = i + 4
        else:
            return 0
        while j < len(self.tokens) and _match(self.tokens, j)[1] in {"number", "definite"}:
            j += 1
        while (
            j + 1 < len(self.tokens)
            and _match(self.tokens, j)[1] == "word"
            and not self._is_head(j)
            and _match(self.tokens, j + 1)[1] in {"word", "object"}
        ):
            j += 1  # "a giant strawberry": the adjectives before the shape's noun
        if j >= len(self.tokens) or _match(self.tokens, j)[1] not in {"word", "object"}:
            return 0
        shape = f"{lemma(self.tokens[j])}-shaped"
        # "a lamp next to a rock that looks like a mushroom": the thing just named (the rock) looks like it
        attributes = (
            self.spec.entities[-1] if looks and self.spec.entities else self.spec.entities[self.subject]
        ).attributes
        if shape not in attributes:
            attributes.append(shape)
        self.noun_end = j + 1  # "... floating over vineyards": the shaped thing floats
        return j + 1 - i

    def _one_and_the_other(self, i: int) -> int:
        """ "two dogs, one black and one white" (or "... and the other white"): the pair is drawn as one dog of
        each colour, each a colour binding like "a black dog and a white dog" (so miscoloured at that rate). The
        tokens read, or 0 when this is not that phrase."""
        if i == 0 or self.tokens[i - 1] != "," or self.subject is None:
            return 0
        index = self.subject
        if self.tokens[i] == "the":  # "three ducks on a bathtub, the middle one ...": one of the counted things
            index = next(
                (k for k in range(len(self.spec.entities) - 1, -1, -1) if (self.spec.entities[k].count or 0) >= 2),
                index,
            )
        group = self.spec.entities[index]
        if (group.count or 0) < 2 or not group.count_stated or group.colour is not None:
            return 0
        colours: list[str] = []
        j = i
        while len(colours) < 2:
            if colours:  # "and one", "and the other", "and the others are"
                openers = (["and", "one"], ["and", "the", "other"], ["and", "the", "others"])
            else:  # "one", "one is", "the middle one is"
                openers = (["one"], ["the", self.tokens[j + 1] if j + 1 < len(self.tokens) else "", "one"])
            opener = next((o for o in openers if self.tokens[j : j + len(o)] == o), [])
            if opener and j + len(opener) < len(self.tokens) and self.tokens[j + len(opener)] in {"is", "are"}:
                opener = [*opener, self.tokens[j + len(opener)]]
            if not opener or j + len(opener) >= len(self.tokens):
                return 0
            length, kind, value = _match(self.tokens, j + len(opener))
            if kind in {"word", "scene"} and j + len(opener) + 1 < len(self.tokens):
                # "one mint green", "one pale blue": a shade word before the colour
                shade_length, kind, value = _match(self.tokens, j + len(opener) + 1)
                length += shade_length
            if kind == "object" and isinstance(value, tuple) and value[0] == "orange":
                kind, value = "colour", "orange"  # "one orange and one grey": the colour, not the fruit
            if kind != "colour":
                return 0
            colours.append(str(value))
            j += len(opener) + length
        rest = (group.count or 2) - 1  # "three ducks, the middle one blue and the others yellow": one and two
        group.count, group.colour = 1, colours[0]
        twin = replace(group, count=rest, colour=colours[1], attributes=[*group.attributes], actions=[*group.actions])
        self.spec.entities.append(twin)
        self.subject = index
        self.twins[index] = len(self.spec.entities) - 1  # what is said of the pair next holds for both
        for relation in list(self.spec.relations):  # and what was said of it before ("two mugs on a counter, ...")
            if relation.subject == index:
                self._add_relation(self.twins[index], relation.relation, relation.object, relation.object2)
        return j - i

    def _compound(self, i: int, length: int, kind: str) -> tuple[int, str, object] | None:
        """A compound noun ("laptop bag", "pencil holder", "rubik cube"): a one-word noun-like modifier right
        before the head noun names one thing (concepts.compound_modifier), not two."""
        j = i + length
        if length != 1 or kind not in {"object", "word"} or j >= len(self.tokens):
            return None
        word = self.tokens[i]
        if self._third_person(i) or self._pronouns_verb(i):
            return None  # "the horse eats hay", "we ate pizza": a verb and its object
        if not compound_modifier(word) or (kind == "object" and word == "orange") or is_past_form(word):
            return None  # "a lit candle", "a sunken ship": a participle describes the thing, it names no kind
        next_length, next_kind, next_value = _match(self.tokens, j)
        if kind == "object" and next_kind == "copula" and self._stand_noun(j):
            return 2, "object", (lemma(f"{word} stand"), False)  # "a deer stand", "a hat stand": a kind of stand
        if next_length != 1 or next_kind not in {"object", "word"} or self._framing(j, by_lemma=False):
            return None
        following = self._next_kind(j + 1)
        if (
            following in {"word", "object", "colour", "scene", "light", "style"}
            and not self._is_verb(j + 1)
            and self.tokens[j + 1] not in _NEVER_HEADS  # "pencil holder full of pencils": the phrase ends there
        ):
            return None  # the phrase goes on: "laptop" modifies something further right, or is no compound
        head = self.tokens[j]
        if self._verb_form(j) or self._third_person(j, True) or is_past_form(head) or head in _NEVER_HEADS:
            return None  # "a bicycle down a hill", "a bowl full of apples", "a ball thrown by": no compound
        if head == "overhead" or (
            not lexicon.is_noun(head) and (lexicon.is_adverb(head) or lexicon.is_adjective(head))
        ):
            return None  # "deer grazing nearby", "kids playing together", "a fox asleep": how or where, no kind
        # "a coffee can full of nails" is a can; "a waterfall can be seen" is no thing called so
        can = head == "can" and not self._auxiliary(j)
        if _function_word(word) or (_function_word(head) and not can):
            return None  # "a cup but no saucer", "a cat directly above", "she has": a pronoun, adverb or auxiliary
        if head.endswith("ing") and j + 1 < len(self.tokens) and self.tokens[j + 1] in _NEVER_HEADS:
            return None  # "a woman with an umbrella crossing at the corner": a verb and its preposition
        if next_kind == "word" and self._name(j):
            return 2, "object", (f"{word} {head}", False)  # "Los Angeles", "New Orleans": a name, as written
        plural = next_value[1] if next_kind == "object" else (head != lemma(head) and _looks_plural(head))  # type: ignore[index]
        return 2, "object", (lemma(f"{word} {head}"), plural)

    def _next_kind(self, i: int) -> str | None:
        return _match(self.tokens, i)[1] if i < len(self.tokens) else None

    def _next_noun_within(self, i: int, window: int = 4) -> bool:
        """Is an object noun coming (after articles/colours/unknown adjectives) before a break?"""
        j = i
        while j < len(self.tokens) and j < i + window:
            length, kind, _ = _match(self.tokens, j)
            if kind == "object" or (kind == "word" and self._is_head(j)) or self._stand_noun(j):
                return True
            if kind == "scene" and j + length < len(self.tokens):
                after = _match(self.tokens, j + length)[1]
                if after == "object" or (after == "word" and self._is_head(j + length)):
                    j += length  # "under the kitchen table", "a red desert planet": the setting names its kind
                    continue
            if kind in {"break", "relation", "copula", "scene", "light", "style", "text", "position"}:
                return False
            j += length
        return False

    # token handlers ------------------------------------------------------
    def _on_number(self, i: int, length: int, value: object) -> int | None:
        word = " ".join(self.tokens[i : i + length])
        if word == "both" and i and self.tokens[i - 1] == "," and self._predicate_follows(i + 1):
            self._both()
            after = self.tokens[i + 1]
            if _match(self.tokens, i + 1)[1] == "word" and not self._verb_form(i + 1) and _is_modifier(after):
                for k in dict.fromkeys([self.subject, *self.joined]):  # ", both asleep": how each of the two is
                    if k is not None and after not in self.spec.entities[k].attributes:
                        self.spec.entities[k].attributes.append(after)
                return 2
            return None
        self.pending.count = value if isinstance(value, int) else 1
        self.pending.count_stated = word not in {"a", "an"}
        self.pending.adjectives.clear()

    def _on_quantifier(self, i: int, length: int, value: object) -> None:
        self.pending.plural_quantifier = True
        self.pending.count = None

    def _on_definite(self, i: int, length: int, value: object) -> None:
        self.pending.definite = True

    def _on_filler(self, i: int, length: int, value: object) -> None:
        """Emphasis words change nothing a model draws (issue 22: wording is not content)."""

    def _on_new(self, i: int, length: int, value: object) -> None:
        self.pending.new_instance = True

    def _on_count_layout(self, i: int, length: int, value: object) -> None:
        if self.subject is not None:
            entity = self.spec.entities[self.subject]
            entity.count_layout = entity.count_layout or bool(entity.count_stated and (entity.count or 0) > 1)

    def _on_negation(self, i: int, length: int, value: object) -> None:
        if self.tokens[i + 1 : i + 2] in (["more"], ["less"], ["fewer"]):
            return  # "not more than five meerkats": a count, not their absence
        self.pending.negated = True

    def _predicate_follows(self, i: int) -> bool:
        """Does what follows ", both" say how the two are ("sitting", "asleep", "black"), not name a noun
        ("both dogs")?"""
        if i >= len(self.tokens):
            return False
        kind = _match(self.tokens, i)[1]
        word = self.tokens[i]
        return kind in {"copula", "colour"} or self._verb_form(i) or (kind == "word" and not _looks_plural(word))

    def _both(self) -> None:
        """ ", both sitting on a sofa", ", both asleep": the two things the clause named last (a relation's two,
        "a cat to the left of a dog") are the subject, joined, of what follows."""
        last = self.spec.relations[-1] if self.spec.relations else None
        pair = (last.subject, last.object) if last else (len(self.spec.entities) - 2, len(self.spec.entities) - 1)
        if min(pair) < 0 or pair[0] == pair[1]:  # "two dogs, both black": the one thing's instances
            self.predicate = self.subject is not None
            return
        self.subject, self.joined = pair[0], [pair[1]]
        self.relation = None
        self.predicate = True
        self._reset_pending()

    def _after_comma_or_while(self, i: int) -> bool:
        """A verb or posture right after "," or "while" with no noun of its own: the last doer's ("a hedgehog
        wearing a scarf, sitting in leaves", "a firefighter holding a kitten while climbing down a ladder")."""
        return bool(i) and self.tokens[i - 1] in {",", "while", "and"} and self.doer is not None

    def _tag_list_doer(self, takes_object: bool = False) -> int | None:
        """Who does a verb that opens a comma's item with no doer yet ("1girl, silver hair, holding a sketchbook",
        "an old fisherman, grey beard, mending a net"): the sentence's first thing, when it is the one person or
        animal named so far (with two, the list does not say whose); a verb done to a thing ("a poster of a woman
        in a red dress, holding a fan") is the one person's or animal's even when the sentence opened with a
        thing."""
        head = self.sentence_head
        alive = [k for k in range(len(self.spec.entities)) if _animate(self.spec.entities[k].cls)]
        if takes_object and len(alive) == 1:
            return alive[0]
        return head if head is not None and alive == [head] else None

    def _auxiliary(self, i: int) -> bool:
        """ "can" (or "will", "may") at i before a verb that is nothing else ("a waterfall can be seen"), not the
        noun ("a coffee can full of nails")."""
        if i + 1 >= len(self.tokens) or self.tokens[i] not in {"can", "will", "may"}:
            return False
        after = self.tokens[i + 1]
        return bool(lexicon.verb_lemmas(after)) and not lexicon.is_adjective(after) and not lexicon.is_noun(after)

    def _framing(self, i: int, by_lemma: bool = True) -> bool:
        """A framing noun at i ("a photo of", "a lot of", "he ate a lot"), no thing drawn; "a parking lot", "a
        vacant lot" is a place, the only lot drawn."""
        word = self.tokens[i]
        if lemma(word) == "lot" and i and self.tokens[i - 1] in _LOT_PLACES:
            return False
        if word == "art" and self._in_with_phrase(i):
            return False  # "a cup with latte art", "a wall with street art": art on the thing, no frame
        return word in FRAMING_NOUNS or (by_lemma and lemma(word) in FRAMING_NOUNS)

    def _in_with_phrase(self, i: int) -> bool:
        """Is the word at i in a noun phrase opened by "with" ("with latte art", "with bright street art")?"""
        j = i - 1
        while j >= 0 and _match(self.tokens, j)[1] in {"word", "colour", "scene", "number", "definite"}:
            j -= 1
        return j >= 0 and self.tokens[j] == "with"

    def _stand_noun(self, i: int) -> bool:
        """ "a globe on a brass stand", "the stands": "stand" after an article or an adjective is a thing, not a
        posture ("a wombat stands", "two men stand")."""
        if not 0 < i < len(self.tokens) or self.tokens[i] not in {"stand", "stands"}:
            return False
        before = _match(self.tokens, i - 1)[1]
        word = self.tokens[i - 1]
        if word in _SUBJECT_PRONOUNS and (word != "that" or i > 1):  # "trees that stand tall", "I stand": a verb
            return False
        # a singular's verb is -s; not after one who stands ("the deer stand", "kids who stand", "I stand")
        after_word = before == "word" and lemma(word) == word and self.tokens[i] == "stand" and not _animate(word)
        # "a deer stand", "a hat stand", "a cake stand": one thing said with "a" takes "stands" as its verb, so
        # "stand" right after it is the thing it names the kind of ("two deer stand", "the deer stand": a verb)
        article = i - 2  # "a deer stand", "a wooden deer stand": the article before the thing's modifiers
        while article >= 0 and _match(self.tokens, article)[1] in {"word", "colour"}:
            article -= 1
        after_one = before in {"object", "word"} and self.tokens[i] == "stand" and self.tokens[article] in {"a", "an"}
        if after_one and article and self.tokens[article - 1] == "and" and _animate(lemma(word)):
            return False  # "a man and a deer stand in a field": the two stand
        return before in {"number", "definite", "colour"} or after_word or after_one

    def _on_copula(self, i: int, length: int, value: object) -> None:
        if self._stand_noun(i):
            self._on_object(i, 1, ("stand", self.tokens[i] == "stands"))
            return
        if self.tokens[i] in _MADE_BY and self.tokens[i + 1 : i + 2] == ["by"] and self.noun_end == i:
            # "a vase painted by Hokusai", "a wall painted by a child": the passive, as "a ball thrown by a girl"
            self.passive = verb_lemma(self.tokens[i])
            return
        if self._after_comma_or_while(i) and self.tokens[i] in _POSTURES:
            self.subject = self.doer
        self.predicate = self.subject is not None
        word = self.tokens[i]
        last, relations = self.last_named, self.spec.relations
        just_placed = bool(relations) and last is not None and relations[-1].object == last != self.subject
        if word in _POSTURES and self.noun_end == i and just_placed and not self.joined and self.subject is not None:
            # "a desk lit by a bulb hanging from the ceiling": the thing just named hangs, as only it can; "a dog
            # on a rug lying next to a cat": the dog lies (one who can take any posture keeps it); "a hat on a man
            # sitting on a bench": a thing can sit too, but a person or an animal named right before takes a
            # posture of the body before a thing does (the man sits on the bench, the hat stays on him); hanging,
            # floating and flying are a thing's as much ("a kite above a boy flying over the beach": the kite)
            entities, verb = self.spec.entities, _POSTURES[word]
            subject, named = entities[self.subject].cls, entities[last].cls
            livelier = verb in {"sit", "stand", "lie", "rest"} and _animate(named) and not _animate(subject)
            if _takes_posture(named, verb) and (livelier or not _takes_posture(subject, verb)):
                self.subject = last
        if self.subject is not None and word in _POSTURES:
            # "a man standing between two women", "a wombat sits in a chair": where he is, and his posture
            verb = _POSTURES[word]
            for k in dict.fromkeys([self.subject, *self.joined]):  # ", both sitting": each of the two
                if verb not in self.spec.entities[k].actions:
                    self.spec.entities[k].actions.append(verb)
            self.doer = self.subject

    def _on_colour(self, i: int, length: int, value: object) -> None:
        colour = str(value)
        if self._next_noun_within(i + length):
            self.pending.colour = colour
            return
        if self.predicate and self.subject is not None:  # "the cup is (clearly) blue"
            entity = self.spec.entities[self.subject]
            if entity.colour in (None, colour):
                entity.colour = colour
                entity.colour_clause = True

    def _on_object(self, i: int, length: int, value: object) -> None:
        cls, plural = value  # type: ignore[misc]
        next_word = self.tokens[i + length] if i + length < len(self.tokens) else ""
        if cls == "orange" and not plural and next_word and self._next_noun_within(i + length, 2):
            self.pending.colour = "orange"  # "an orange cat": the colour, not the fruit
            return
        pending = self.pending
        if pending.negated:
            if cls not in self.spec.excluded:
                self.spec.excluded.append(cls)
            self._reset_pending()
            return
        count = pending.count if pending.count is not None or pending.plural_quantifier else (None if plural else 1)
        if cls in vocab.PAIR_NOUNS and pending.count_stated and "pair" in self.tokens[max(0, i - 3) : i]:
            count = 1
        if plural and count == 1 and not pending.count_stated:
            count = None
        mention = Entity(
            cls=cls,
            count=count,
            colour=pending.colour,
            count_stated=pending.count_stated,
            attributes=list(dict.fromkeys(pending.adjectives)),
        )
        worn_by = self._wearer(i, length, cls)
        held_by = self._holder_with(i, cls)
        index = self._resolve(mention, pending)
        self.last_named = index
        verb, self.agent_of = self.agent_of, None
        if verb is not None and self.tokens[i + length - 1] not in self.proper and verb not in mention.actions:
            self.spec.entities[index].actions.append(
                verb
            )  # "thrown by a little girl": she throws ("by Monet": a credit)
        self.sentence_head = index if self.sentence_head is None else self.sentence_head
        self.noun_end = i + length
        surface = self.tokens[i + length - 1]
        one_garment = surface in vocab.PAIR_NOUNS or surface in {"jeans", "pants", "trousers", "shorts", "leggings"}
        if len(pending.colours) > 1 and plural and not one_garment and index == len(self.spec.entities) - 1:
            self._mix(index, pending.colours)
        if worn_by is not None and worn_by != index and "wear" not in self.spec.entities[worn_by].actions:
            self.spec.entities[worn_by].actions.append("wear")  # "a woman in a blue dress" wears it
        if held_by is not None and held_by != index and "hold" not in self.spec.entities[held_by].actions:
            self.spec.entities[held_by].actions.append("hold")  # "a girl with a red umbrella" holds it
        self.clause_nouns += 1
        if self.covering is not None and self.covering != index and not self.relation and self.holder is None:
            self._add_relation(index, "on top of", self.covering)
            self.laid.append(self.spec.relations[-1])
        if self.holder is not None and not self.relation and self.holder[0] != index:
            container, held_as = self.holder
            self._add_relation(index, held_as, container)  # drawn in (or on) it
            self.holder = None
            self.predicate = False
            self.subject = container  # "a cup of tea on a table": the cup is on the table
            self._reset_pending()
            return
        if self.relation and self.relation[0] != index:
            subject, relation = self.relation
            follows = self.tokens[self.noun_end] if self.noun_end < len(self.tokens) else ""
            if (
                relation == "between"
                and self.between is None
                and plural
                and (mention.count is None or mention.count >= 2)
                and follows != "and"  # "between the chairs and the table": two things, the second follows
            ):
                # "between two women": one on each side, the two of one kind (Relation.object2 is the object)
                self._add_relation(subject, relation, index, index)
                self.relation = None
            elif relation == "between" and self.between is None:
                self.between = index  # the first of the two; the second follows "and"
            elif relation == "between":
                if self.between != index:
                    self._add_relation(subject, relation, self.between, index)
                self.relation, self.between = None, None
            else:
                if relation == "in":  # inside a known thing or a container; "in a coat" is worn, "in a haze" no place
                    relation = "inside" if self._holds_in(i, length, cls) else ""
                if relation:
                    self._add_relation(subject, relation, index)
                    for other in self.joined:  # "a red apple and a green pear on a white plate": both on it
                        if other not in {subject, index}:
                            self._add_relation(other, relation, index)
                self.relation = None
                self.joined = []
        else:
            self.subject = index
        if worn_by is not None and not self.owned_garment:
            self.subject = worn_by  # "a woman in a blue dress next to a vase": she is next to it
        self.predicate = False
        self._reset_pending()

    def _credit(self, i: int) -> int:
        """How many words "by <a name>" takes after a participle of making ("painted by Hokusai", "a chair
        designed by Charles Eames", "carved by Michelangelo"): a credit names who made the thing, not a thing in
        the picture (0: no credit; "thrown by Sarah", "painted by a child" name one who acts, drawn)."""
        if self.tokens[i] != "by" or i == 0 or self.tokens[i - 1] not in _MADE_BY:
            return 0
        j = i + 2 if self.tokens[i + 1 : i + 2] == ["the"] else i + 1  # "built by the Romans"
        start = j
        while j < len(self.tokens) and (
            self.tokens[j] in self.proper
            or (self.tokens[j] in _NAME_PARTICLES and j + 1 < len(self.tokens) and self.tokens[j + 1] in self.proper)
        ):
            j += 1
        return j - i if j > start else 0

    def _agent_follows(self, i: int) -> bool:
        """Is the next noun from i one that can do a verb: a person or an animal ("thrown by a girl"), or a name
        ("painted by Hokusai", a credit); a thing is where ("locked by a tree", "propped by a wall")."""
        for j in range(i, min(i + 5, len(self.tokens))):
            if self.tokens[j] in self.proper:
                return True
            _, kind, value = _match(self.tokens, j)
            if kind == "object":
                return _animate(str(value[0]))  # type: ignore[index]
            if kind == "word" and self._is_head(j):
                return _animate(lemma(self.tokens[j])) or self.tokens[j] in self.proper
        return False

    def _holds_in(self, i: int, length: int, cls: str) -> bool:
        """Is the thing named at i, after "in", one that holds what is in it ("a kid in a puddle", "knives in a
        knife block", "a dog in a kennel", "a man in a canoe"): any thing named, known to the world or not, and
        whoever is in it, but not what is worn ("in a coat", "a diver in a wetsuit", "a girl in pigtails"),
        weather, air, light, a state or an arrangement ("in the wind", "in the spotlight", "in deep thought",
        "soldiers in formation": no place), a named place ("in Venice": the setting, not a box), or the stuff a
        thing is covered or made in ("covered in snow", "painted in oil", "written in marker"). Which nouns are
        no place is said by those lists, so an unknown noun is a place: the one in it is drawn inside, which is
        what "Is the dog inside the kennel?" asks."""
        surface = self.tokens[i + length - 1]
        head = cls.split()[-1]
        worn = (
            _worn(surface, cls)
            or surface in _MORE_WORN
            or (surface.endswith(_WORN_ENDINGS) and surface not in _NOT_WORN)
        )
        if worn or {head, surface} & _NO_PLACE_NOUNS or surface in self.proper:
            return False
        j = i - 1
        while j >= 0 and _match(self.tokens, j)[1] in {"word", "colour", "definite", "number", "quantifier"}:
            j -= 1  # back over the phrase's own words to "in", then to the word before it
        if j > 0 and self.tokens[j] == "in" and self.tokens[j - 1] in _COVERED_IN:
            return False
        # a state or a garment the parse cut off is the phrase's noun ("a man in deep thought", "a cat in deep
        # sleep", "a girl in a tank top")
        after = self.tokens[i + length] if i + length < len(self.tokens) else ""
        return after not in _NO_PLACE_NOUNS and after not in _MORE_WORN

    def _mix(self, index: int, colours: list[str]) -> None:
        """ "red and yellow balloons": drawn as some of each colour (a stated count shared as evenly as it goes,
        else several of each), each a colour binding like "red balloons"."""
        count = self.spec.entities[index].count
        if count is not None and count < len(colours):
            return
        self._split_by_colour(index, colours)
        self.twins[index] = len(self.spec.entities) - 1  # what is said of them next holds for each colour

    def _holder_with(self, i: int, cls: str) -> int | None:
        """Who holds a thing carried in the hand, named in a with-phrase ("a girl with a red umbrella", "a knight
        with a sword"): the with-phrase's owner when one who can hold, drawn holding it as an image model draws it."""
        if cls.split()[-1] not in _HANDHELD or self.subject is None:
            return None
        j = i - 1
        while j >= 0 and _match(self.tokens, j)[1] in {"word", "colour", "definite", "number"}:
            j -= 1
        if j >= 0 and self.tokens[j] == "and" and self.with_list is not None:
            owner = self.with_list  # "a man with a hat and a cane"
        elif j < 0 or self.tokens[j] != "with":
            return None
        else:
            owner = self.with_owner if self.with_owner is not None else self.subject
        after = self.tokens[i + 1] if i + 1 < len(self.tokens) else ""
        if after in _OWN_PLACE_WORDS:
            return None  # "a man with a sword in his belt", "a boy with a balloon tied to his wrist": not in hand
        holder = self.spec.entities[owner].cls.split()[-1]
        return owner if _animate(holder) and holder not in _NO_HANDS else None

    def _wearer(self, i: int, length: int, cls: str) -> int | None:
        """Who wears the garment named at i: the thing named right before "in" ("a woman in a blue dress", "a man
        between two women in straw hats": the women), or the with-phrase's owner ("a man with a red hat", "a woman
        with silver hair and round glasses"); a garment is drawn as worn, the way an image model draws it."""
        # "a dinosaur costume" is worn too; "pajamas" by its lemma as well
        self.owned_garment = False
        if not _worn(self.tokens[i + length - 1], cls) or self.subject is None:
            return None
        j = i - 1
        while j >= 0 and _match(self.tokens, j)[1] in {"word", "colour", "definite", "number"}:
            j -= 1
        if j >= 0 and self.tokens[j] == "in":
            # "two women in straw hats" after "a man between": the women; "a woman with tan skin in jeans": the woman
            named = self.last_named if self.noun_end == j and self.with_owner is None else None
            return named if named is not None else self.with_owner if self.with_owner is not None else self.subject
        after = self.tokens[i + 1 : i + 4]
        owned = set(self.tokens[j + 1 : i]) & {"his", "her", "their"}
        opened = j >= 0 and (_match(self.tokens, j)[1] == "break" or self.tokens[j] in {"only", "just", "even"})
        self.owned_garment = bool(owned and opened and self._next_kind(i + length) != "relation")
        if self.owned_garment:
            # "a boy behind a curtain, only his sneakers showing": his, so worn by the one he is ("his hat on the
            # table" is put there)
            people = [k for k in range(len(self.spec.entities)) if _animate(self.spec.entities[k].cls)]
            several = [k for k in people if self.spec.entities[k].count != 1]
            return (several or people or [None])[-1] if "their" in owned else (people or [None])[-1]
        if j >= 0 and self.tokens[j] == "," and self.doer is None and self._next_kind(i + length) != "relation":
            # a garment as an item of a tag list ("1boy, red scarf, school uniform"): the one person's, worn
            listed_by = self._tag_list_doer()
            if listed_by is not None:
                return listed_by
        placed = any(word in {"it", "them"} for word in after)  # "a table with a hat on it": the hat is put there
        listed = j >= 0 and self.tokens[j] == "and" and self.with_list is not None  # "with hair and glasses"
        if listed and not placed:
            return self.with_list
        if j >= 0 and self.tokens[j] == "with" and not placed:
            return self.with_owner if self.with_owner is not None else self.subject
        return None

    def _resolve(self, mention: Entity, pending: _Pending) -> int:
        """Merge a mention into the entity it names again, or add a new entity; returns its index.

        A repeated noun is the same object whatever words carry it ("a dog ... the dog ... a dog"): only a
        different colour ("a red car and a blue car") or "another"/"a second" makes a new one."""
        existing = None if pending.new_instance else self._find_entity(mention, pending.definite)
        if existing is None:
            self.spec.entities.append(mention)
            return len(self.spec.entities) - 1
        entity = self.spec.entities[existing]
        if mention.colour and entity.colour is None:
            entity.colour = mention.colour
        if mention.count_stated and not entity.count_stated:
            entity.count, entity.count_stated = mention.count, True
        elif entity.count == 1 and not entity.count_stated and mention.count != 1:
            entity.count = mention.count  # "a dog ... dogs": more than one after all
        for adjective in mention.attributes:
            if adjective not in entity.attributes:
                entity.attributes.append(adjective)
        return existing

    def _find_entity(self, mention: Entity, definite: bool = False) -> int | None:
        candidates = [k for k, e in enumerate(self.spec.entities) if e.cls == mention.cls]
        if mention.colour:
            same = [k for k in candidates if self.spec.entities[k].colour == mention.colour]
            free = [k for k in candidates if self.spec.entities[k].colour is None]
            candidates = same or free
        if mention.attributes and not definite:
            # "a wooden chair next to a metal chair": told apart by what they are, two chairs (as by colour)
            candidates = [
                k
                for k in candidates
                if not self.spec.entities[k].attributes
                or set(self.spec.entities[k].attributes) & set(mention.attributes)
            ]
        return candidates[0] if candidates else None

    def _add_relation(self, subject: int, relation: str, obj: int, obj2: int | None = None) -> None:
        for existing in self.spec.relations:
            same = (existing.subject, existing.relation, existing.object) == (subject, relation, obj)
            mirrored = (existing.subject, existing.object) == (obj, subject) and existing.relation == (
                OPPOSITE_RELATION.get(relation)
            )
            if same or mirrored:
                return  # said again: the same relation
        for laid in [r for r in self.laid if r.subject == subject and r in self.spec.relations]:
            # "a table covered with a cloth, a vase on the shelf", "..., a mug and a stapler on the shelf": an item
            # given its own support or container, or placed by the covered thing itself ("a bench covered with
            # leaves, a squirrel next to it"), is no item of the list; one placed only beside another thing still
            # lies on the surface ("a desk covered with papers, a mug next to the laptop": on the desk, by it)
            own = (relation, obj) != (laid.relation, laid.object)
            if own and (relation in _SUPPORTS or obj == laid.object):
                self.spec.relations.remove(laid)
        self.spec.relations.append(Relation(subject, relation, obj, obj2))
        self._lay_beside(subject, relation, [k for k in (obj, obj2) if k is not None])
        if subject in self.twins and self.twins[subject] != obj:  # "two cats, one orange and one grey, on a sofa"
            self._add_relation(self.twins[subject], relation, obj, obj2)

    def _lay_beside(self, subject: int, relation: str, others: list[int]) -> None:
        """ "a desk covered with papers, a mug next to the laptop": what an item of a covering list lies beside
        lies on the surface with it (the laptop is on the desk too), unless it is a person or an animal, or a
        thing that stands where it is built or set ("a mug next to the window", "... next to the chair"), or
        has a place of its own already. A place said of it later takes it off the surface (_add_relation)."""
        kept = [r for r in self.laid if r.subject == subject and r in self.spec.relations]
        if not kept or relation in _SUPPORTS:
            return
        surface = kept[0].object
        for k in others:
            head = self.spec.entities[k].cls.split()[-1]
            lies = not _animate(head) and head not in _FIXTURES | _SEATS | _GROUNDS and k != surface
            if lies and not any(r.subject == k for r in self.spec.relations):
                self.spec.relations.append(Relation(k, "on top of", surface))
                self.laid.append(self.spec.relations[-1])

    def _on_relation(self, i: int, length: int, value: object) -> int | None:
        relation = str(value)
        self.covering = None
        credit = self._credit(i)
        if credit:
            self.passive = None  # "a vase painted by Hokusai": who made it, no one in the picture, nothing by it
            self._reset_pending()
            return credit
        if self.subject is None:
            return None
        if self.passive is not None and self.tokens[i] == "by" and self._agent_follows(i + 1):
            self.agent_of, self.passive = self.passive, None  # the one named next does it; no place by it
            self._reset_pending()
            return
        self.passive = None  # "a bike locked by a tree": a thing does nothing, it is beside it
        if self.tokens[i + length : i + length + 1] in (["it"], ["them"]) and relation != "between":
            # "a desk with a lamp on it": the with-phrase's owner; "people swimming in it" with no owner named:
            # nothing to place by (the next thing named is no object of it)
            owner = self.with_owner
            if owner is None and self.laid and self.laid[-1].subject == self.subject:
                owner = self.laid[-1].object  # "a bench covered with leaves, a squirrel under it": the covered thing
            if owner is not None and self.tokens[i + length] == "them" and self.spec.entities[owner].count == 1:
                # "cyclists in jerseys on a road, with peaks behind them": "them" is several things named before, the
                # sentence's subject when it is several, else the last several
                several = [k for k in range(owner) if self.spec.entities[k].count != 1]
                head = self.sentence_head
                owner = head if head in several else several[-1] if several else owner
            if owner is not None and self.subject > owner:  # the thing the with-phrase named, on (in) its owner
                self._add_relation(self.subject, "inside" if relation == "in" else relation, owner)
            self.relation = None
            return
        if relation in {"inside", "under"} and not self._next_noun_within(i + length):
            last, owner = len(self.spec.entities) - 1, self.with_owner
            if owner is not None and last != owner and self.noun_end == i:
                self._add_relation(last, relation, owner)  # "a teapot with tea inside": in the teapot
            return
        ends = i + length >= len(self.tokens) or _match(self.tokens, i + length)[1] == "break"
        if ends and relation in {"below", "above", "behind"} and self.tokens[i] != "over" and self.noun_end == i:
            # "a cat on a fridge, looking down at a dog below": the thing just named, placed from the one acting
            # (or the with-phrase's owner: "a bridge with a river below"; or what the sentence is about)
            last = self.last_named
            anchors = (self.with_owner, self.doer, self.sentence_head)
            anchor = next((k for k in anchors if k is not None and k != last), None)
            if last is not None and anchor is not None:
                self._add_relation(last, relation, anchor)
            return
        if relation in {"on top of", "in", "inside"} and not self._next_noun_within(i + length):
            return  # "on a sunny day", "on the beach", "in the rain"
        self.between = None
        self.relation = (self._placed_by_relation(i), relation)
        state = self.tokens[i]
        if length == 2 and self.tokens[i + 1] == "to" and state.endswith("ed"):  # "a boat tied to a dock": it is tied
            attributes = self.spec.entities[self.relation[0]].attributes
            if state not in attributes:
                attributes.append(state)
        self.predicate = False
        self._reset_pending()

    def _placed_by_relation(self, i: int) -> int:
        """Whom a relation word at i places: the subject, or the container just named right before it ("two
        goldfish in a bowl on a windowsill": the bowl is on the windowsill, the goldfish inside it); after a
        side-by-side relation, its two ("a vase left of a statue on a table": both on the table). After "on" it
        stays the subject: "a vase on the ground below a chair" is below the chair, not the ground."""
        assert self.subject is not None
        if i and self.tokens[i - 1] == "," and self.sentence_head is not None and not self.joined:
            return self.sentence_head  # "a teapot with tea inside, steam rising, on a bamboo mat": the teapot
        doer = self.doer
        if (
            doer is not None
            and self.subject > doer
            and self.noun_end == i
            and self.tokens[i] in {"on", "in"}
            and _animate(self.spec.entities[doer].cls)
            and not _animate(self.spec.entities[self.subject].cls)  # "a man holding a cup and a woman on a bench"
            and not set(self.spec.entities[doer].actions[-1:]) & _PLACING_VERBS
            and self._seat_follows(i + 1)
        ):
            # "a man reading a newspaper on a bench": he sits on it, the newspaper in his hands ("a girl putting a
            # vase on a chair": the vase)
            return doer
        last = self.spec.relations[-1] if self.spec.relations else None
        container = len(self.spec.entities) - 1
        if not last or last.object != container or self.noun_end != i or self.tokens[i] == "between":
            return self.subject
        if last.relation == "inside":
            return container
        fixed = self.spec.entities[container].cls.split()[-1] in _FIXTURES  # "a girl beside a tree on a blanket"
        if last.relation in {"left of", "right of", "next to", "near"} and last.subject == self.subject and not fixed:
            self.joined = [container]  # "a vase left of a statue on a table": side by side, both on the table
        return self.subject

    def _seat_follows(self, i: int) -> bool:
        """Is the noun phrase from i a seat or a bed (a bench, a sofa, a hammock): what one sits or lies on?"""
        for j in range(i, min(i + 5, len(self.tokens))):
            kind = _match(self.tokens, j)[1]
            if lemma(self.tokens[j]) in _SEATS:
                return True
            if kind in {"break", "relation", "copula"}:
                return False
        return False

    def _on_position(self, i: int, length: int, value: object) -> int:
        """'left'/'right'/'top'... : either a relation ("left of the dog") or a place in the image."""
        position = str(value)
        j = i + length
        following = self.tokens[j] if j < len(self.tokens) else ""
        if self.tokens[i] == "left" and self.noun_end == i and following in _LEFT_THERE:
            return 1  # "a shopping cart left in the middle", "a bike left outside": the verb, not the side
        while j < len(self.tokens) and self.tokens[j] in {"side", "half", "part", "edge", "corner", "hand"}:
            j += 1
        if j < len(self.tokens) and self.tokens[j] == "of":
            after = j + 1
            while after < len(self.tokens) and self.tokens[after] in _DEFINITES:
                after += 1
            if after < len(self.tokens) and self.tokens[after] in _IMAGE_WORDS:
                self._set_position(position)
                return after + 1 - i
            relation = {"left": "left of", "right": "right of", "top": "on top of", "bottom": "under"}.get(position)
            if relation and self.subject is not None and self._next_noun_within(j + 1):
                self.relation = (self.subject, relation)
                self._reset_pending()
                return j + 1 - i
        ends = j >= len(self.tokens) or _match(self.tokens, j)[1] == "break"
        owner, last = self.with_owner, self.last_named
        on_top = position == "top" and ends and self.tokens[i - 1 : i] == ["on"]
        if on_top and owner is not None and last is not None and last != owner:
            self._add_relation(last, "on top of", owner)  # "a cake with candles on top": on top of the cake
            return j - i
        self._set_position(position)
        return j - i

    def _set_position(self, position: str) -> None:
        if self.subject is None:
            return
        entity = self.spec.entities[self.subject]
        if entity.position is None:
            entity.position = position
        elif (
            " " not in entity.position
            and {entity.position, position} <= {"top", "bottom", "left", "right"}
            and (entity.position in {"top", "bottom"}) != (position in {"top", "bottom"})
        ):
            # "in the top left corner": a corner, the vertical place first ("top left")
            vertical, horizontal = sorted((entity.position, position), key=lambda p: p not in {"top", "bottom"})
            entity.position = f"{vertical} {horizontal}"
        self.relation = None

    def _on_text(self, i: int, length: int, value: object) -> None:
        text = self.quoted[int(value)]  # type: ignore[arg-type]
        if all(existing.text.lower() != text.lower() for existing in self.spec.texts):
            self.spec.texts.append(TextSpec(text=text))

    def _on_scene(self, i: int, length: int, value: object) -> None:
        if "style" in self.tokens[i + length : i + length + 2]:
            return  # "Studio Ghibli style", "a farm style kitchen": the word names a style, not the place
        # "a kitchen table in a garden": a setting word naming a thing's kind is a weaker claim than "in a garden"
        naming = i + length < len(self.tokens) and _match(self.tokens, i + length)[1] == "object"
        if length == 1 and i + 1 < len(self.tokens) and lemma(self.tokens[i + 1]) in ANIMALS:
            # "a sea horse", "a sea lion", "a snow leopard": before an animal the word names a kind of creature,
            # drawn as that creature's kind (as "a ceiling fan" is a fan carrying "ceiling"), in its setting
            self.pending.adjectives.append(self.tokens[i])
        self._set_setting("scene", str(value), replaceable=self.spec.scene == "sky" or self.scene_by_name)
        self.scene_by_name = naming and self.spec.scene == str(value)

    def _on_light(self, i: int, length: int, value: object) -> None:
        if value in {"day", "dark"} and self._next_kind(i + length) == "colour":
            return  # "bright red", "dark blue": a shade, not the light
        self._set_setting("light", str(value))

    def _on_style(self, i: int, length: int, value: object) -> None:
        self._set_setting("style", str(value))
        last = i + length - 1  # "a wall with a framed oil painting of a ship": also a picture hung in the scene
        following = self.tokens[last + 1] if last + 1 < len(self.tokens) else ""
        if length > 1 and self._hung_picture(last, self.tokens[last], following):
            self._on_object(last, 1, (self.tokens[last], False))
            self.holder = (len(self.spec.entities) - 1, "inside")  # what it shows is drawn within it
            self.subject = len(self.spec.entities) - 1

    def _set_setting(self, name: str, value: str, replaceable: bool = False) -> None:
        if getattr(self.spec, name) is None or replaceable:
            setattr(self.spec, name, value)

    def _on_break(self, i: int, length: int, value: object) -> int | None:
        said = self._how_they_vary(i) if value == "of" else 0
        if said:
            self.noun_end = i + said  # "three candles of different heights on a tray": the candles are on it
            return said
        if value == "of" and self.subject is not None and self.noun_end == i:
            held_as = _CONTAINERS.get(self.spec.entities[self.subject].cls)
            if held_as is not None:  # "a cup of tea", "a plate of cookies": the tea in the cup
                self.holder = (self.subject, held_as)
        elif value != "of":
            self.holder = None
        if value == "with":  # "a cat on a box with a drawing on it": the with-phrase is the box's, named just before
            self.with_owner = self.last_named if self.noun_end == i and self.last_named is not None else self.subject
        elif value != "of":
            self.with_owner = None
        # "with silver hair and round glasses": the with-phrase's list goes on past "and" (for what is worn)
        self.with_list = self.with_owner if value != "and" else self.with_list
        if value == "and" and self.subject is not None and self.clause_nouns == 1 and not self.relation:
            self.joined = [self.subject]  # the clause's one thing so far, and the next: what follows is both's
        elif value != "of":
            self.joined = []
            if value != "and":
                self.clause_nouns = 0
        if value == ",":
            self.covering_listed = True
        elif value == "and" and not self.covering_listed:
            self.covering = None  # "a wall covered with ivy and a bench near it": the list was one thing
        if value in _CLAUSE_ENDS:
            self.covering, self.laid = None, []
            self.doer = self.sentence_head = None
            self.subject = None
            self.relation = None
            self.twins = {}  # "two dogs, one black and one white. the black dog ...": one of them, not the pair
            self.between = None
        self.predicate = False
        if value not in {"of", "in", "at"}:
            self._reset_pending()

    def _how_they_vary(self, i: int) -> int:
        """ "three candles of different heights", "stones of various sizes and colors", "boxes of the same size":
        after "of", a word of likeness or variety before nouns of measure or kind says how the things just named
        look, no thing of its own. The tokens read from "of" (0: not that phrase)."""
        if self.subject is None or self.noun_end != i:
            return 0
        j = i + 1
        if self.tokens[j : j + 2] == ["the", "same"]:
            j += 2
        elif j < len(self.tokens) and self.tokens[j] in _VARIETY_WORDS:
            j += 1
        else:
            return 0
        measured = 0

        def measure(word: str) -> bool:
            return word in _MEASURE_NOUNS or lemma(word) in _MEASURE_NOUNS or word.removesuffix("s") in _MEASURE_NOUNS

        while j < len(self.tokens) and (measure(self.tokens[j]) or self.tokens[j] in {"and", ","}):
            measured += measure(self.tokens[j])
            j += 1
        while j > i and self.tokens[j - 1] in {"and", ","}:
            j -= 1
        return j - i if measured else 0

    def _on_word(self, i: int, length: int, value: object) -> None:
        """A word outside the lexicon: the head noun of a phrase, an adjective before one, or neither."""
        word = str(value)
        if word in _SPREAD_WITH and self.tokens[i + 1 : i + 2] == ["with"]:
            # "a desk covered with papers, a lamp and a mug", "a bench, strewn with leaves": each thing listed lies
            # on it (until a verb, a relation or the clause's end)
            after_comma = i > 0 and self.tokens[i - 1] == ","
            self.covering = self.subject if self.noun_end == i else self.sentence_head if after_comma else None
            self.covering_listed = False
        elif self._is_verb(i) or (self._verb_form(i) and self.noun_end == i):
            self.covering = None
        ends = i + 1 >= len(self.tokens) or self._next_kind(i + 1) == "break"
        if word == "overhead" and ends and self.last_named is not None:
            # "cyclists on a road and a drone flying high overhead": above the one the sentence is about ("an
            # overhead view" is a framing, "overhead" before its noun)
            last = self.last_named
            anchor = next((k for k in (self.doer, self.sentence_head) if k is not None and k != last), None)
            if anchor is not None:
                self._add_relation(last, "above", anchor)
            return  # "gulls circling overhead": above the viewer, no thing called "overhead"
        if word in _PREDICATIVE and not self.predicate and self.last_named is not None:
            # "a fox curled up asleep under a tree", "a door ajar": how the thing just named is, never a thing
            attributes = self.spec.entities[self.last_named].attributes
            if word not in attributes:
                attributes.append(word)
            return
        following = self.tokens[i + 1] if i + 1 < len(self.tokens) else ""
        arranged = lemma(word) in _ARRANGEMENTS and following == "of"  # "a pile of leaves": the leaves, piled
        if self._framing(i) or arranged:  # "a photo of": the frame's article
            if self._hung_picture(i, word, following):
                # "a bedroom with a lamp ... and a painting of a whale above the bed": a picture in the scene
                self._on_object(i, 1, (word, False))
                self.holder = (len(self.spec.entities) - 1, "inside")  # what it shows is drawn within it
                self.subject = len(self.spec.entities) - 1
                return
            if self._opens_phrase(i):
                self._reset_pending()
            return
        if (
            word.endswith("ing")
            and is_verb_form(word)
            and self.noun_end != i
            and self._opens_phrase(i)
            and self._next_kind(i + 1) in {"word", "object", "colour"}
            and self.tokens[i + 1] not in _NEVER_HEADS  # "while climbing down a ladder": a verb and its particle
        ):
            self.pending.adjectives.append(word)  # "a sleeping golden retriever": how it is, before its name
            return
        if not self.predicate and (
            self._is_verb(i) or (self._verb_form(i) and (self.noun_end == i or self._after_comma_or_while(i)))
        ):
            # "an astronaut riding a horse", "a man taking photos": the verb is no thing to draw but what its
            # subject does; "the blanket contrasted with ...": a past form, no thing either
            doer = None
            if self.subject is not None and self.noun_end == i and self._verb_form(i):
                doer = self._doer(word, i)
            elif self._after_comma_or_while(i) and self._verb_form(i):
                doer = self.doer
            elif i and self.tokens[i - 1] == "," and self.doer is None and self._verb_form(i):
                doer = self._tag_list_doer(takes_object=self._next_kind(i + 1) in {"number", "definite"})
            if doer is not None:
                # ", both eating": each of the two; "red and yellow balloons hanging": those of each colour
                for k in dict.fromkeys([doer, *self.joined, *([self.twins[doer]] if doer in self.twins else [])]):
                    if verb_lemma(word) not in self.spec.entities[k].actions:
                        self.spec.entities[k].actions.append(verb_lemma(word))
                self.subject = self.doer = doer  # "... waiting at a bus stop": the one waiting is at it
            elif i and self.tokens[i - 1] == "," and self.sentence_head is not None and word in _LIKE_A_SURFACE:
                # "a workbench in a garage, covered with tools, lit by a bulb": how the sentence's thing is
                attributes = self.spec.entities[self.sentence_head].attributes
                if word not in attributes:
                    attributes.append(word)
                self.subject = self.sentence_head
            elif self.subject is not None and self.noun_end == i and is_past_form(word) and _is_modifier(word):
                # "a van parked on grass", "a stop sign knocked over": the state it is in, drawn as how it is
                attributes = self.spec.entities[self.subject].attributes
                if word not in attributes:
                    attributes.append(word)
                if self.tokens[i + 1 : i + 2] == ["by"] and word not in _STATIVE_PARTICIPLES:
                    self.passive = verb_lemma(word)  # "a ball thrown by a girl": the girl throws it
            return
        if self._is_head(i) and self._name(i):
            self._on_object(i, 1, (word, False))  # "Athens at sunset", "a cafe in Paris": one place, as written
        elif self._is_head(i):
            self._on_object(i, 1, (lemma(word), word != lemma(word) and _looks_plural(word)))
        elif (
            (_is_modifier(word) or self._ly_adjective(i))
            and not self._pronouns_verb(i)
            and self._opens_phrase(i)
            and (self._next_kind(i + 1) in {"word", "object", "colour", "style"} or self._stand_noun(i + 1))
        ):
            self.pending.adjectives.append(word)
            if len(self.pending.adjectives) > _MAX_UNKNOWN_RUN:
                self._reset_pending()
        elif self.predicate and self.subject is not None and _is_modifier(word):
            for k in dict.fromkeys([self.subject, *self.joined]):  # "the cat is fluffy", ", both asleep"
                if word not in self.spec.entities[k].attributes:
                    self.spec.entities[k].attributes.append(word)

    def _ly_adjective(self, i: int) -> bool:
        """A word in -ly between an article and its noun is an adjective ("a friendly car", "an elderly man"),
        not an adverb ("a slowly moving car": a verb follows)."""
        word = self.tokens[i]
        following = i + 1 < len(self.tokens) and (self._verb_form(i + 1) or is_past_form(self.tokens[i + 1]))
        return word.endswith("ly") and word.isalpha() and len(word) > 4 and not following

    def _opens_phrase(self, i: int) -> bool:
        """Is position i inside a noun phrase's modifiers (after an article, number, colour, a break...)?"""
        j = i - 1
        while j >= 0 and _match(self.tokens, j)[1] == "word" and self.tokens[j] not in FRAMING_NOUNS:
            if is_verb_form(self.tokens[j]) or self._third_person(j):
                return True  # "wearing headphones", "eats green leaves": a verb opens its object's phrase
            if self.tokens[j] in _NEVER_HEADS:
                return True  # "light through big windows": a preposition opens its object's phrase
            j -= 1
        if j < 0:
            return True
        kind = _match(self.tokens, j)[1]
        before_noun = j + 1 == i and not self._verb_form(i)  # "orange juice"; "one orange rolling away": the fruit
        if kind == "object" and self.tokens[j] == "orange" and (self.pending.colour == "orange" or before_noun):
            kind = "colour"  # "an orange tabby cat", "orange juice": the colour (_on_object), a phrase follows it
        if kind == "scene":  # "a street musician", "the kitchen sink": a setting word naming the thing's kind
            return self._opens_phrase(j)
        return kind in {
            "number",
            "quantifier",
            "definite",
            "colour",
            "break",
            "relation",
            "negation",
            "filler",
            "new",
            "position",
            "text",
        }

    def _pronouns_verb(self, i: int) -> bool:
        """Is the word at i the verb of a subject pronoun ("he ate a lot", "we ate pizza", "I love apples") or of
        a relative one right after its noun ("a dog that ate my homework")? Then it is no thing and no modifier."""
        before = self.tokens[i - 1] if i else ""
        return before in _PERSONAL_PRONOUNS or (before in {"who", "which", "that"} and self.noun_end == i - 1)

    def _name(self, i: int) -> bool:
        """Is the word at i a name ("Athens", "Paris", "Texas", "a Triceratops"), one thing spelled as written,
        never several "athen"s? Only a word written with a capital and ending like a plural can be one, if it is
        no plural of a noun the dictionary lists nor of a singular it lists as a noun ("Gulls at dawn", "two
        Cats"), nor in "-ies", English's plural of a "-y" noun, which names hardly end in. The dictionary does
        not list every animal or dish, so English decides the rest. A number or a plural determiner before it,
        or a verb agreeing with several after it, says it is several ("three Corgis", "some Macarons", "these
        Meerkats", "the Corgis are asleep"), whatever its capital. A capital inside a sentence says it is a name
        ("a cafe in Paris", "Los Angeles"). The capital of a sentence's first word says nothing, so there a verb
        agreeing with one thing ("Memphis is ...") or the time or weather a place is pictured in ("Athens at
        sunset", "Brussels in the rain") must say so; without either ("Meerkats on a rock") it is a plural."""
        word = self.tokens[i]
        if word not in self.capitalised or not _looks_plural(word) or word in vocab.SYNONYMS or word.endswith("ies"):
            return False
        if lexicon.noun_lemmas(word) or lexicon.is_noun(lemma(word)):
            return False
        following = self.tokens[i + 1] if i + 1 < len(self.tokens) else ""
        counted = self.pending.plural_quantifier or (self.pending.count or 0) > 1
        if counted or self._determiner(i) in {"these", "those"} or following in _PLURAL_AGREEMENT:
            return False
        # "Paris" alone, "Athens, Greece at sunset": a first word that is the whole prompt, or followed by a comma
        # and another capitalised word (its country or region), is a place's name
        alone = len(self.tokens) == 1 or (
            following == ","
            and i + 2 < len(self.tokens)
            and self.tokens[i + 2] in self.capitalised
            and not _looks_plural(self.tokens[i + 2])  # "Meerkats, Otters and Beavers": a list of plurals
        )
        return word in self.proper or following in _SINGULAR_AGREEMENT or self._pictured_when(i + 1) or alone

    def _determiner(self, i: int) -> str:
        """The word opening the noun phrase whose noun is at i, before its adjectives and colours ("these" in
        "these fluffy Meerkats"); "" when the phrase opens the prompt."""
        j = i - 1
        while j >= 0 and _match(self.tokens, j)[1] in {"word", "colour"} and i - j <= 3:
            j -= 1
        return self.tokens[j] if j >= 0 else ""

    def _pictured_when(self, i: int) -> bool:
        """Does "at", "in" or "during" a time of day, a season or the weather start at i ("at sunset", "in the
        early morning", "at golden hour", "in the pouring rain")? An article and one adjective may come first,
        and the word must end its phrase: "in a snow globe", "in a storm drain" are in things."""
        if i >= len(self.tokens) or self.tokens[i] not in _WHEN_PREPOSITIONS:
            return False
        k = i + 1
        if k < len(self.tokens) and self.tokens[k] in {"the", "a", "an"}:
            k += 1
        for when in (k, k + 1):
            if when < len(self.tokens) and self.tokens[when] in _WHEN_WORDS:
                return self._next_kind(when + 1) not in {"word", "object", "scene"}
        return False

    def _is_head(self, i: int) -> bool:
        """An unknown word is a head noun when a phrase is open and a boundary follows it."""
        word = self.tokens[i]
        if self._framing(i, by_lemma=False) or not _is_modifier(word) or not self._opens_phrase(i):
            return False
        if self._pronouns_verb(i):
            return False
        if _hyphen_adjective(word) and self._next_kind(i + 1) in {"word", "object"}:
            return False  # "snow-capped peaks behind them": the peaks are the thing, no verb "peaks"
        if _adverb_only(word):
            return False  # "milk instead of water", "runners crossing the line together": how, no thing
        after_verb = i and (is_verb_form(self.tokens[i - 1]) or self.noun_end == i)
        if after_verb and not lexicon.is_noun(word) and lexicon.is_adjective(word):
            return False  # "deer grazing nearby": where it is done, no thing
        if (
            i
            and self.tokens[i - 1] == "to"
            and self._next_kind(i + 1) in {"definite", "number", "quantifier", "relation"}
        ):
            return False  # "trying to find my way": an infinitive before its object, no thing
        if i + 1 < len(self.tokens) and self._stand_noun(i + 1):
            return False  # "a music stand", "a brass stand": the kind of stand ("a wombat stands": a verb)
        following = self._next_kind(i + 1)
        return (
            following is None
            or following not in {"word", "object", "colour", "scene", "light", "style"}
            or self._is_verb(i + 1)
            or self._third_person(i + 1, True)  # "a helicopter flies over"
            or (i + 1 < len(self.tokens) and self.tokens[i + 1] in _NEVER_HEADS)  # "leaves from a tree"
            # "milk instead of water" ("a head depicted as": a participle, no noun)
            or (
                i + 1 < len(self.tokens)
                and (
                    _adverb_only(self.tokens[i + 1])
                    or self.tokens[i + 1] == "overhead"
                    # "a cap backwards and ...": an adverb ending the phrase
                    or (
                        lexicon.is_adverb(self.tokens[i + 1])
                        and not lexicon.is_noun(self.tokens[i + 1])
                        and self._next_kind(i + 2) in {None, "break"}
                    )
                )
                and not is_past_form(word)
            )
            # "a cup of coffee but no spoon", "tea but no sugar": a conjunction ends the phrase as "and" does
            or (i + 1 < len(self.tokens) and self.tokens[i + 1] in _CONJUNCTIONS)
            # "a badger delicately sniffing", "a worker who has", "the blackboard has": the phrase ended
            or (
                i + 1 < len(self.tokens)
                and (
                    _adverb(self.tokens[i + 1])
                    or self.tokens[i + 1] in _CLAUSE_VERBS | _PREDICATIVE
                    or self._auxiliary(i + 1)
                )
            )
            or (compound_modifier(word) and is_verb_form(self.tokens[i + 1]))  # "a tourist taking photos"
        )

    def _verb_form(self, i: int) -> bool:
        """An -ing verb form at i: one that is no noun ("riding"), or one that is a noun too ("crossing",
        "building") when a noun phrase follows it, as its object ("crossing the street", "building a sandcastle")."""
        word = self.tokens[i]
        if is_verb_form(word):
            return True
        following = self._next_kind(i + 1)
        if len(word) > 4 and word.endswith("ing"):
            # "a bat landing on a bat"; right after a noun, before a preposition ("a woman crossing at the corner")
            after_noun = self.noun_end == i and i + 1 < len(self.tokens) and self.tokens[i + 1] in _NEVER_HEADS
            return following in {"definite", "number", "quantifier", "relation"} or after_noun
        return self._third_person(i)

    def _third_person(self, i: int, after_this_noun: bool = False) -> bool:
        """ "A helicopter flies over the canyon", "a rabbit checks its watch": a verb in -s right after the
        sentence's first noun, before what it does it to or where (an article, a number, a relation), and no
        noun the world knows ("two dogs bowls on a mat" is no sentence)."""
        if i >= len(self.tokens):
            return False
        word = self.tokens[i]
        if not (len(word) > 3 and word.endswith("s") and not word.endswith("ss") and word.isalpha()):
            return False
        # a verb in -s agrees with one thing: "a helicopter flies", never "five paper cranes in ..."
        if after_this_noun:  # asked of the word after a noun not read yet ("helicopter flies": no compound)
            if self.clause_nouns != 0 or self.relation or self.pending.count not in (None, 1):
                return False
            if self.pending.plural_quantifier or _looks_plural(self.tokens[i - 1]):
                return False
        elif (
            self.noun_end != i
            or self.subject is None
            or self.clause_nouns != 1
            or self.relation
            or self.spec.entities[self.subject].count != 1
        ):
            return False
        if lemma(word) in vocab.OBJECT_CLASSES or word in vocab.SYNONYMS:
            return False
        following = self.tokens[i + 1] if i + 1 < len(self.tokens) else ""
        return (
            self._next_kind(i + 1) in {"definite", "number", "quantifier", "relation"}
            or following in {"its", "his", "her", "their"}
            or self._next_kind(i + 1) in {"object", "scene"}  # "the horse eats hay"
            or (bool(following) and _match(self.tokens, i + 1)[1] == "word" and _looks_plural(following))
        )

    def _doer(self, word: str, i: int) -> int:
        """Who does a verb right after a noun: that noun, or, after a with-phrase, its owner ("a girl with a red
        umbrella waiting", "a man with a beard riding a horse"), unless the verb is a posture the thing itself
        takes ("a plate of sushi with chopsticks resting on the side") or is done to the owner ("a hydrant with a
        dog sniffing it": the dog sniffs)."""
        assert self.subject is not None
        owner = self.with_owner
        done_to_owner = self.tokens[i + 1 : i + 2] in (["it"], ["them"])
        if owner is None or owner == self.subject or word in _POSTURES or done_to_owner:
            return self.subject
        return owner

    def _is_verb(self, i: int) -> bool:
        """A verb form that starts a predicate ("riding" before "a horse": an article, number, relation or
        break follows), not an adjective before its noun ("a flying bird")."""
        if i >= len(self.tokens) or not (self._verb_form(i) or is_past_form(self.tokens[i])):
            return False
        following = self._next_kind(i + 1)
        return (
            following is None
            or following in {"number", "quantifier", "definite", "relation", "break", "text"}
            or self.tokens[i + 1] in _NEVER_HEADS  # "parked against a wall", "climbing up"
            or self.tokens[i + 1] == "like"  # "a continent shaped like a dragon", "a dog dressed like a pirate"
        )

    def _reset_pending(self) -> None:
        self.pending = _Pending()


_NOT_NOUNS = frozenset(
    {
        "very",
        "so",
        "too",
        "really",
        "quite",
        "also",
        "just",
        "there",
        "here",
        "it",
        "its",
        "they",
        "them",
        "he",
        "she",
        "his",
        "her",
        "we",
        "you",
        "i",
        "me",
        "my",
        "our",
        "your",
        "their",
        "which",
        "who",
        "whose",
        "what",
        "as",
        "to",
        "for",
        "from",
        "into",
        "onto",
        "toward",
        "towards",
        "against",
        "between",
        "around",
        "through",
        "across",
        "behind",
        "inside",
        "outside",
        "within",
        "among",
        "up",
        "down",
        "out",
        "off",
        "away",
        "than",
        "then",
        "because",
        "each",
        "every",
        "other",
        "another",
        "all",
        "any",
        "has",
        "have",
        "had",
        "does",
        "do",
        "did",
        "can",
        "could",
        "will",
        "would",
        "should",
        "may",
        "might",
        "shall",
        "was",
        "were",
        "been",
        "am",
        "if",
        "but",
        "yet",
        "nor",
        "like",
        "such",
        "same",
        "own",
        "more",
        "most",
        "less",
        "least",
        "much",
        "made",
        "showing",
        "shows",
        "show",
        "featuring",
        "holding",
        "wearing",
        "depicting",
        "says",
        "say",
        "saying",
        "reads",
        "reading",
        "labeled",
        "labelled",
        "titled",
        "called",
        "named",
        "written",
        "spelling",
        "spells",
    }
)


def _is_modifier(word: str) -> bool:
    """Content words only: not a pronoun, preposition, auxiliary, adverb or number."""
    return (
        word.replace("-", "").isalpha()  # "snow-capped", a hyphenated adjective, too
        and 1 < len(word) <= MAX_NOUN_CHARS
        and word not in _NOT_NOUNS
        and word not in QUALITY_WORDS
        and not word.endswith("ly")
        and not word.startswith("__text")
    )


# Words that open a clause or a predicate after a noun (relative pronouns, auxiliaries): the noun before them is a
# head ("a worker who has", "the blackboard has", "a waterfall can be seen").
_CLAUSE_VERBS = frozenset({"who", "which", "whose", "has", "have", "had", "could", "would", "should", "might", "does"})


def _adverb(word: str) -> bool:
    """An adverb in -ly that is nothing else ("directly", "delicately"; not "curly", "elderly", "butterfly")."""
    return (
        word.endswith("ly") and lexicon.is_adverb(word) and not lexicon.is_adjective(word) and not lexicon.is_noun(word)
    )


def _adverb_only(word: str) -> bool:
    """A word English uses only as an adverb ("instead", "together", "throughout"): it names no thing and ends
    the noun phrase before it."""
    return lexicon.is_adverb(word) and not lexicon.is_noun(word) and not lexicon.is_adjective(word)


def _function_word(word: str) -> bool:
    """A pronoun, auxiliary, conjunction or the like (_NOT_NOUNS), or an adverb: no part of a compound noun."""
    return word in _NOT_NOUNS or _adverb(word)


def _capitalised(prompt: str) -> frozenset[str]:
    """The words written with a capital anywhere in the prompt, a sentence's first word too (_Parser._name)."""
    return frozenset(m.group(0).lower() for m in re.finditer(r"[A-Za-z][A-Za-z'-]*", prompt) if m.group(0)[0].isupper())


def _proper_nouns(prompt: str) -> frozenset[str]:
    """The words written capitalised inside a sentence (not its first word): names ("a canal in Venice")."""
    names = set()
    for match in re.finditer(r"[A-Za-z][A-Za-z'-]*", prompt):
        before = prompt[: match.start()].rstrip()
        if match.group(0)[0].isupper() and before and before[-1] not in ".!?:;\"'(\n":
            names.add(match.group(0).lower())
    return frozenset(names)


# Things carried in the hand: "with" one, a person or an animal holds it ("a girl with an umbrella").
_HANDHELD = frozenset(
    {"umbrella", "parasol", "cane", "sword", "wand", "spear", "torch", "lantern", "flashlight", "bouquet", "balloon"}
    | {"briefcase", "shield"}
)


# Words after a thing that give it a place or a state of its own ("a sword in his belt", "a balloon tied to ..").
_OWN_PLACE_WORDS = frozenset(
    {"in", "on", "at", "under", "beside", "by", "inside", "hanging", "tied", "lying", "strapped", "resting", "slung"}
)


def _animate(noun: str) -> bool:
    """A person or an animal, by the noun's last word: who can do a verb, wear, stand."""
    words = noun.split()
    return bool(words) and (words[-1] in _ANIMATE or lemma(words[-1]) in _ANIMATE)


def _takes_posture(noun: str, verb: str) -> bool:
    """Can the thing take the posture: a person or an animal any; a thing sits, stands, lies or rests ("a vase
    standing on a shelf", "a rug lying on the floor"), and hangs, floats or flies unless it stands where it is
    built or set down ("a bulb hanging", never "a workbench hanging")."""
    if _animate(noun) or verb in {"sit", "stand", "lie", "rest"}:
        return True
    head = noun.split()[-1]
    return head not in _FIXTURES | _SEATS | _GROUNDS and _CONTAINERS.get(head) != "on top of"


def _worn(surface: str, cls: str) -> bool:
    """A garment named by its last word ("in a blue dress", "in striped pajamas"); the plural only as written:
    "glasses" are worn, "a glass" holds milk."""
    head = cls.split()[-1]
    return bool({head, surface} & WORN_NOUNS) or (surface != head and plural_of(head) in WORN_NOUNS)


def _looks_plural(word: str) -> bool:
    return word.endswith("s") or word in vocab.IRREGULAR_PLURALS.values()


def parse_prompt(prompt: str) -> SceneSpec:
    """Parse an English image prompt into a SceneSpec."""
    return _Parser(prompt).parse()
