"""What a noun or an adjective MEANS in the offline world: its concept and the code it is drawn with.

This is the world's ontology, not a reading of prompts: the generator's parser (scene.py) and the
judge's chunker (reading.py) find noun phrases in different ways, but once either has found the
word "puppies", both agree it names the concept "dog", as a real image model and a real VLM share
the meaning of English words. Any noun has a concept (open vocabulary): a word the world has no
picture for still gets its own identity, a hash of its lemma with CONCEPT_BITS bits, so "taxi" and
"cello" are told apart from each other and from every known class (collision odds 1 in 16.7
million per pair).
"""

from __future__ import annotations

import hashlib
from functools import lru_cache

from . import vocabulary as vocab
from .pixelcode import ATTRIBUTE_BITS, CONCEPT_BITS

# Words that frame a picture rather than name something in it: "a photo of a bench" shows a bench.
FRAMING_NOUNS: frozenset[str] = frozenset(
    {
        "photo",
        "photograph",
        "picture",
        "image",
        "shot",
        "snapshot",
        "render",
        "rendering",
        "illustration",
        "drawing",
        "painting",
        "artwork",
        "art",
        "scene",
        "view",
        "close",
        "closeup",
        "portrait",
        "depiction",
        "composition",
        "frame",
        "canvas",
        "background",
        "foreground",
        "style",
        "detail",
        "details",
        "quality",
        "resolution",
        "lighting",
        "light",
        "sunlight",
        "glow",
        "colors",
        "colours",
        "color",
        "colour",
        "side",
        "middle",
        "center",
        "centre",
        "corner",
        "edge",
        "half",
        "part",
        "top",
        "bottom",
        "front",
        "back",
        "kind",
        "type",
        "sort",
        "lot",
        "lots",
        "bunch",
        "group",
        "number",
        "pair",
        "couple",
        "text",
        "word",
        "words",
        "subject",
        "way",
        "thing",
        "things",
        "something",
        "anything",
        "nothing",
        "one",
        "ones",
    }
)

MAX_NOUN_CHARS = 40  # longer "words" are not nouns of any language a model was trained on

# Words about quality or taste, not content: no object, no checkable attribute ("a beautiful cat").
QUALITY_WORDS: frozenset[str] = frozenset(
    {
        "beautiful",
        "pretty",
        "nice",
        "good",
        "great",
        "cool",
        "amazing",
        "awesome",
        "stunning",
        "lovely",
        "epic",
        "best",
        "better",
        "detailed",
        "intricate",
        "cinematic",
        "masterpiece",
        "trending",
        "hd",
        "uhd",
        "4k",
        "8k",
        "ultra",
        "high",
        "highly",
        "professional",
        "award",
        "winning",
        "sharp",
        "focus",
        "gorgeous",
        "breathtaking",
        "dramatic",
        "elegant",
        "perfect",
        "fantastic",
        "wonderful",
        "please",
        "make",
        "create",
        "generate",
        "draw",
        "render",
        "show",
        "give",
        "want",
        "need",
        "like",
        "it",
        "visible",
        "legible",
        "readable",
        "prominent",
        "distinct",
        "recognizable",
        "recognisable",
        "main",
        "important",
        "crucial",
    }
)
# Of those, the ones that say how a thing looks to someone ("a beautiful woman", "a lovely cottage"): a reader of
# the prompt may ask them of the thing ("Is the woman beautiful?"); the world draws nothing for taste, so its
# ground truth cannot decide them (truth: None), and the generator and the judge still skip them.
# ("pretty" is left out: "a pretty big dog" says how big.)
TASTE_WORDS: frozenset[str] = frozenset({"beautiful", "nice", "lovely", "gorgeous", "elegant", "stunning"})


def _plural_to_singular() -> dict[str, str]:
    """Plural -> singular for every known noun (so "wine glasses" is a wine glass, not glasses)."""
    table = {plural(noun): noun for noun in (*vocab.OBJECT_CLASSES, *vocab.SYNONYMS) if plural(noun) != noun}
    for singular, plural_form in vocab.IRREGULAR_PLURALS.items():
        table[plural_form] = singular
    return table


_IRREGULAR_SINGULARS: dict[str, str] | None = None
_S_SINGULARS = frozenset(
    {
        "axis",
        "iris",
        "tennis",
        "pelvis",
        "trellis",
        "chassis",
        "lens",
        "canvas",
        "atlas",
        "bus",
        "gas",
        "glass",
        "cactus",
        "octopus",
        "walrus",
        "news",
        "physics",
        "mathematics",
        "rhinoceros",
        "hippopotamus",
        "chaos",
        "cosmos",
        "thermos",
        "asbestos",
        "mattress",
        "compass",
        "fungus",
        "abacus",
        "circus",
        "lotus",
    }
)
_KNOWN = frozenset(vocab.OBJECT_CLASSES)


def singular(word: str) -> str:
    """English singular of a (possibly plural) noun: rules plus the irregular table."""
    global _IRREGULAR_SINGULARS
    if _IRREGULAR_SINGULARS is None:
        _IRREGULAR_SINGULARS = _plural_to_singular()
    word = word.strip().lower()
    if word in _IRREGULAR_SINGULARS:
        return _IRREGULAR_SINGULARS[word]
    if word in _KNOWN or word in vocab.SYNONYMS or word in vocab.IRREGULAR_PLURALS:
        return word
    head, _, last = word.rpartition(" ")
    prefix = head + " " if head else ""
    if last in _IRREGULAR_SINGULARS:
        return prefix + _IRREGULAR_SINGULARS[last]
    if len(last) > 4 and last.endswith("ies"):
        return f"{prefix}{last[:-3]}y"
    if len(last) > 4 and last.endswith("ves"):
        return prefix + _singular_ves(last)
    if len(last) > 3 and last.endswith(("ses", "xes", "ches", "shes", "zes", "oes")):
        stem = last[:-2]
        return prefix + stem
    if (
        len(last) > 3
        and last.endswith("s")
        and not last.endswith(("ss", "us", "sis", "ous"))
        and last not in _S_SINGULARS
    ):
        return prefix + last[:-1]
    return word


# English nouns ending in -ing (what a dictionary knows, like the rest of this module); any other -ing word is
# a verb form. Where a verb form stands (after a noun, before an article: "an astronaut riding a horse") is
# each reader's own business; that "riding" is a verb and "building" a noun is the language's.
ING_NOUNS: frozenset[str] = frozenset(
    {
        "building",
        "ring",
        "king",
        "wing",
        "string",
        "ceiling",
        "painting",
        "drawing",
        "pudding",
        "earring",
        "swing",
        "spring",
        "evening",
        "morning",
        "clothing",
        "wedding",
        "railing",
        "sibling",
        "duckling",
        "seedling",
        "icing",
        "dumpling",
        "lightning",
        "awning",
        "sapling",
        "viking",
        "thing",
        "bedding",
        "stuffing",
        "frosting",
        "topping",
        "dressing",
        "carving",
        "fencing",
        "lining",
        "setting",
        "herring",
        "gosling",
        "starling",
        "stocking",
        "landing",
        "clearing",
        "crossing",
        "opening",
        "dwelling",
        "filling",
        "piping",
        "sling",
        "darling",
        "offspring",
    }
)


def _singular_ves(word: str) -> str:
    """-ves plurals: "wolves" -> wolf, "knives" -> knife, "leaves" -> leaf; most others just drop the s
    ("gloves" -> glove, "sleeves", "waves", "olives", "curves")."""
    if word.endswith("lves") and word not in _VES_KEEP:
        return word[:-3] + "f"  # wolves, shelves, halves, calves
    if word.endswith("ives") and word not in _VES_KEEP:
        return word[:-3] + "fe"  # knives, lives, wives
    if word.endswith(("eaves", "oaves", "arves", "warves")) and word not in _VES_KEEP:
        return word[:-3] + "f"  # leaves, loaves, scarves, dwarves
    return word[:-1]


_VES_KEEP = frozenset(
    {"valves", "solves", "olives", "archives", "chives", "hives", "drives", "dives", "fives", "eaves"}
)


def is_verb_form(word: str) -> bool:
    """Is this word a verb's -ing form ("riding", "fighting"), not a noun that ends in -ing ("building")?"""
    word = word.strip().lower()
    return (
        len(word) > 4
        and word.endswith("ing")
        and word.isalpha()
        and word not in ING_NOUNS
        and word not in _KNOWN
        and word not in vocab.SYNONYMS
    )


def is_plural(word: str) -> bool:
    word = word.strip().lower()
    if word in {"people", "flowers"}:
        return True
    if word in vocab.IRREGULAR_PLURALS and vocab.IRREGULAR_PLURALS[word] == word:
        return False  # "sheep", "fish": number is in the article, not the word
    return singular(word) != word


@lru_cache(maxsize=4096)
def lemma(noun: str) -> str:
    """The concept a noun names: singular, with known synonyms folded ("puppies" -> "dog")."""
    word = " ".join(noun.strip().lower().replace("-", " ").split())
    base = singular(word)
    return vocab.SYNONYMS.get(base, vocab.SYNONYMS.get(word, base))


def _hash(text: str, bits: int) -> int:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "big") >> (32 - bits)


@lru_cache(maxsize=4096)
def concept_code(noun: str) -> int:
    """The code an object of this noun carries in the image (CONCEPT_BITS bits)."""
    return _hash("concept:" + lemma(noun), CONCEPT_BITS)


@lru_cache(maxsize=4096)
def attribute_code(adjective: str) -> int:
    """The code of an attribute the world has no rendering for ("fluffy", "wooden")."""
    return _hash("attribute:" + adjective.strip().lower(), ATTRIBUTE_BITS)


def colour_name(word: str) -> str | None:
    word = word.strip().lower()
    if word in vocab.COLOURS:
        return word
    return vocab.COLOUR_SYNONYMS.get(word)


def default_colour(noun: str) -> str:
    """How an object looks when no colour is asked: its usual colour, else one fixed by its concept."""
    name = lemma(noun)
    if name in vocab.DEFAULT_COLOURS:
        return vocab.DEFAULT_COLOURS[name]
    names = sorted(vocab.COLOURS)
    return names[concept_code(name) % len(names)]


def plural(noun: str) -> str:
    name = " ".join(noun.strip().lower().split())
    if name in vocab.IRREGULAR_PLURALS:
        return vocab.IRREGULAR_PLURALS[name]
    head, _, last = name.rpartition(" ")
    prefix = head + " " if head else ""
    if last.endswith(("s", "x", "ch", "sh")) or last in {"tomato", "potato"}:
        return f"{prefix}{last}es"
    if last.endswith("y") and last[-2:-1] not in set("aeiou"):
        return f"{prefix}{last[:-1]}ies"
    return f"{prefix}{last}s"


# Irregular verbs a prompt uses in other forms than "-ing"/"-s"/"-ed" (English, not a reading of prompts).
_IRREGULAR_VERBS: dict[str, str] = {
    "rode": "ride",
    "ridden": "ride",
    "took": "take",
    "taken": "take",
    "held": "hold",
    "ate": "eat",
    "eaten": "eat",
    "drank": "drink",
    "drunk": "drink",
    "ran": "run",
    "sat": "sit",
    "stood": "stand",
    "threw": "throw",
    "thrown": "throw",
    "caught": "catch",
    "flew": "fly",
    "flown": "fly",
    "wore": "wear",
    "worn": "wear",
    "read": "read",
    "wrote": "write",
    "written": "write",
    "swam": "swim",
    "sang": "sing",
    "sung": "sing",
    "drove": "drive",
    "driven": "drive",
    "fought": "fight",
    "brought": "bring",
    "built": "build",
    "made": "make",
    "gave": "give",
    "given": "give",
    "hung": "hang",
    "lay": "lie",
    "lain": "lie",
    "led": "lead",
    "fed": "feed",
    "kicked": "kick",
    "dying": "die",
    "lying": "lie",
    "tying": "tie",
    "is": "be",
    "are": "be",
    "was": "be",
    "were": "be",
    "has": "have",
    "had": "have",
    "does": "do",
    "did": "do",
    "done": "do",
    "goes": "go",
    "went": "go",
    "gone": "go",
}
_VOWELS = frozenset("aeiou")
# Stems that end in a consonant cluster yet take a silent "e" back ("dancing" -> dance, "charging" -> charge).
_E_ENDINGS = (
    "c",
    "v",
    "z",
    "dg",
    "rg",
    "lg",
    "cl",
    "ns",
    "rs",
    "rc",
    "ps",
    "ls",
    "bl",
    "dl",
    "gl",
    "kl",
    "pl",
    "tl",
    "zl",
)


def _restore_e(stem: str) -> str:
    """A stem cut from "-ing"/"-ed" gets its silent "e" back where English spelling dropped it."""
    if len(stem) < 2:
        return stem
    if stem[-1] == stem[-2] and stem[-1] not in "lszf" and stem[-1] not in _VOWELS:
        return stem[:-1]  # "running" -> run, "stopped" -> stop (but "falling" -> fall, "sniffing" -> sniff)
    vowel_groups = sum(1 for k, c in enumerate(stem) if c in _VOWELS and (k == 0 or stem[k - 1] not in _VOWELS))
    last, before = stem[-1], stem[-2]
    # one syllable ending consonant-vowel-consonant: "rid" -> ride, "tak" -> take, "chas" -> chase
    if vowel_groups == 1 and last not in _VOWELS and last not in "wxy" and before in _VOWELS:
        before_vowel = stem[-3] if len(stem) >= 3 else ""
        if before_vowel not in _VOWELS:
            return stem + "e"
    if stem.endswith(_E_ENDINGS):
        return stem + "e"
    return stem


@lru_cache(maxsize=4096)
def verb_lemma(verb: str) -> str:
    """A verb's dictionary form: "riding", "rides", "rode" -> "ride"; "taking" -> "take"; "contrasted" -> "contrast".

    Both the generator (which draws an action) and the ground truth (which checks one) call this, so a prompt's
    "is riding" and a check's "ride" name the same action whatever the inflection."""
    word = verb.strip().lower()
    if word in _IRREGULAR_VERBS:
        return _IRREGULAR_VERBS[word]
    if len(word) > 4 and word.endswith("ing"):
        return _restore_e(word[:-3])
    if len(word) > 3 and word.endswith("ied"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("ed"):
        return _restore_e(word[:-2])
    if len(word) > 3 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith(("ches", "shes", "sses", "xes", "zes", "oes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


@lru_cache(maxsize=4096)
def action_code(verb: str) -> int:
    """The code an action is drawn with on its agent (an attribute row, read back in SeenObject.attributes).

    Keyed by the verb's lemma, in a namespace of its own, so "riding" and "ride" share a code and no adjective
    collides with an action by spelling ("a running tap" is not the action "run")."""
    return _hash("action:" + verb_lemma(verb), ATTRIBUTE_BITS)


# Adjectives a prompt puts before a noun that carry no -y/-ful/-en... ending ("a big dog", "an old car"), and
# materials, which describe what a thing is made of rather than name a kind of thing ("a glass vase").
def word_list(text: str) -> list[str]:
    """The words of a written list (whitespace apart): word tables kept readable in the source."""
    return text.split()


COMMON_ADJECTIVES: frozenset[str] = frozenset(
    [
        *[
            "big",
            "small",
            "large",
            "little",
            "tiny",
            "huge",
            "giant",
            "tall",
            "short",
            "long",
            "wide",
            "narrow",
            "old",
            "new",
            "young",
            "ancient",
            "modern",
            "vintage",
            "hot",
            "cold",
            "warm",
            "cool",
            "wet",
            "dry",
            "soft",
            "hard",
            "round",
            "square",
            "flat",
            "thin",
            "thick",
            "fat",
            "slim",
            "open",
            "closed",
            "empty",
            "full",
            "clean",
            "broken",
            "fresh",
            "ripe",
            "raw",
            "sweet",
            "sour",
            "cute",
            "happy",
            "sad",
            "angry",
            "calm",
            "plain",
            "bright",
            "dark",
            "light",
            "pale",
            "deep",
            "smooth",
            "rough",
            "fancy",
            "simple",
            "quiet",
            "loud",
            "fast",
            "slow",
            "strong",
            "weak",
            "rich",
            "poor",
            "brave",
            "proud",
            "wild",
            "tame",
            "real",
            "fake",
            "single",
            "double",
            "whole",
            "half",
            "left",
            "right",
            "top",
            "bottom",
            "upper",
            "lower",
            "front",
            "back",
            "inner",
            "outer",
            "same",
            "other",
            "several",
            "many",
            "few",
        ],
        # more everyday adjectives without an adjective's ending ("a lone astronaut", "a steep hill"): before
        # a noun they describe it, they do not name a kind of it
        *word_list(
            """
    lone steep hollow stray vast bare dense grand sheer pure rare blind dead alive asleep awake alone ornate stale
    wise gentle noble humble fierce firm keen neat odd safe sick stark stiff tight tough vague vivid bold bleak
    brisk crisp damp faint frail grim harsh lean mild moist plump prime sleek slick snug spare still stout swift
    tender tense urban rural mere busy quaint serene lush cozy cosy tidy messy clear
    """
        ),
    ]
)
MATERIALS: frozenset[str] = frozenset(
    [
        "glass",
        "metal",
        "wood",
        "stone",
        "plastic",
        "paper",
        "leather",
        "silk",
        "wool",
        "cotton",
        "gold",
        "silver",
        "bronze",
        "copper",
        "brass",
        "iron",
        "steel",
        "marble",
        "ceramic",
        "porcelain",
        "concrete",
        "brick",
        "clay",
        "rubber",
        "velvet",
        "denim",
        "linen",
        "fur",
        "lace",
        "straw",
        "bamboo",
        "crystal",
        "ice",
        "chocolate",
        "cardboard",
        "tin",
        "cork",
        "slate",
        "jade",
        "granite",
        "wicker",
        "rattan",
        "felt",
        "suede",
        "tweed",
        "satin",
        "terracotta",
        "pewter",
        "mahogany",
        "ebony",
        "teak",
        "resin",
        "acrylic",
        "nylon",
        "burlap",
        "parchment",
        "aluminum",
        "aluminium",
        "titanium",
        "chrome",
        "obsidian",
        "quartz",
        "sandstone",
        "wax",
        "plaster",
    ]
)
_ADJECTIVE_ENDINGS = (
    "y",
    "ful",
    "ous",
    "ive",
    "al",
    "ic",
    "ish",
    "less",
    "able",
    "ible",
    "en",
    "ed",
    "ing",
    "ern",
    "ese",
    "ant",
    "ent",
)


def compound_modifier(word: str) -> bool:
    """Does this word, before a noun, make a compound noun with it ("laptop bag", "pencil holder", "Rubik cube")
    rather than describe it ("fluffy cat", "wooden table", "glass vase", "big dog")? English word knowledge: a
    known noun, or a word with no adjective's ending that is not a common adjective, material or colour."""
    word = word.strip().lower()
    if not word.isalpha() or len(word) < 3 or colour_name(word) or word in FRAMING_NOUNS or word in QUALITY_WORDS:
        return False
    if word in COMMON_ADJECTIVES or word in MATERIALS:
        return False
    if lemma(word) in _KNOWN or word in vocab.SYNONYMS:
        return True
    return not word.endswith(_ADJECTIVE_ENDINGS)


# English past participles that do not end in -ed ("a ball thrown by a girl"): never a noun.
IRREGULAR_PARTICIPLES = frozenset(
    word_list(
        """
    thrown blown drawn grown shown flown worn torn sworn broken frozen fallen hidden driven ridden written eaten
    taken given beaten bitten forgotten spoken stolen woken chosen sewn sown mown hewn swollen sunk spun hung
    stuck struck caught bought brought built burnt dealt dug fed felt fought found held kept knelt laid led
    lent lit lost made meant met paid said sent shot slept sold sought spent split spread stood swept taught told
    thought understood wept wound wrung cut sunken
    """
    )
)


def is_past_form(word: str) -> bool:
    """A verb's past form ending in -ed ("contrasted", "parked"), as opposed to a noun ("bed", "sled"), or an
    irregular participle ("thrown", "built")."""
    word = word.strip().lower()
    if word in IRREGULAR_PARTICIPLES:
        return True
    return (
        len(word) > 4
        and word.endswith("ed")
        and word.isalpha()
        and word not in _KNOWN
        and word not in vocab.SYNONYMS
        and not word.endswith("eed")
    )


# Things worn: "a man in a red coat" says what he wears, not where he is.
WORN_NOUNS: frozenset[str] = frozenset(
    {
        "suit",
        "dress",
        "shirt",
        "coat",
        "jacket",
        "hat",
        "uniform",
        "costume",
        "sweater",
        "hoodie",
        "robe",
        "gown",
        "jeans",
        "skirt",
        "scarf",
        "glasses",
        "sunglasses",
        "helmet",
        "boot",
        "shoe",
        "tuxedo",
        "kimono",
        "armor",
        "armour",
        "pajamas",
        "overalls",
        "apron",
        "raincoat",
        "outfit",
        "clothes",
        "tie",
        "jersey",
        "t-shirt",
        "shorts",
        "pants",
        "trousers",
        "vest",
        "cap",
        "beanie",
        "cloak",
        "cape",
        "gloves",
        "glove",
        "sneaker",
        "sandal",
        "mask",
    }
)
# Animals, general English: a living creature the world draws as one thing. A setting word before one names a kind
# of creature ("a sea lion", "a sea horse", "a snow leopard"), before a made thing where it is used ("a kitchen
# table", "a park bench"): the generator (scene) and the ground truth (truth) read the two apart.
ANIMALS: frozenset[str] = frozenset(
    word_list(
        """
    animal cat dog puppy kitten horse pony foal cow bull calf cattle sheep lamb goat pig chicken hen rooster duck
    goose bird owl eagle hawk parrot penguin swan pigeon seagull flamingo heron wolf fox deer elk moose rabbit
    squirrel mouse rat hamster beaver otter badger hedgehog lion tiger leopard cheetah zebra giraffe elephant
    kangaroo camel donkey mule dolphin whale shark seal turtle frog snake lizard crocodile dragon unicorn dinosaur
    bee butterfly spider ant fish bear raccoon monkey gorilla panda koala
    """
    )
)
