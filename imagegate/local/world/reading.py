"""The JUDGE's reading of a prompt: text -> DSG-style yes/no checks (check contract v2 dicts). The
offline judge (judge.py) grades with it and the offline rewriter (rewrite.py) reads with it; the
evaluator has its own reading (dsg_reading.py), written apart: neither imports the other.

Deliberately NOT the generator's parser (scene.py, a left-to-right state machine over a lexicon):
this is a chunker. It cuts the prompt at boundaries (punctuation, conjunctions, prepositions,
relation phrases, verbs), takes the LAST content word of each chunk as its head noun (compounds
such as "teddy bear" joined first), and reads the chunk's other words as count, colour or
adjective. Both share only the world's word meanings (concepts.py, vocabulary.py), as a VLM and
an image model share English. Where the two readings disagree, a check fails: that is the point.

Check kinds: entity, count, colour, attribute (an adjective with no colour meaning), action (a verb
after its agent: "a man taking photos" asks whether the man takes photos, not for photos), position
(absolute place in the image), relation (the contract's: left of / right of / above / below / next to /
near / behind / in front of / inside / on / under / between), text (double or single quotes), absent,
and the image-wide scene, light and style. Children name their entity check as parent. Compound nouns
stay whole ("laptop bag", concepts.compound_modifier); a colour of the background is the background's.
"""

from __future__ import annotations

import re

from imagegate_service.constants import EVALUATION_RELATION_WORDS

from . import vocabulary as vocab
from .concepts import (
    FRAMING_NOUNS,
    MAX_NOUN_CHARS,
    QUALITY_WORDS,
    WORN_NOUNS,
    colour_name,
    compound_modifier,
    is_past_form,
    is_plural,
    is_verb_form,
    lemma,
    plural,
    verb_lemma,
)

_RELATIONS: tuple[tuple[str, str], ...] = tuple(
    sorted(
        {
            "to the left of": "left of",
            "on the left of": "left of",
            "left of": "left of",
            "to the right of": "right of",
            "on the right of": "right of",
            "right of": "right of",
            "on top of": "on",
            "on the top of": "on",
            "at the top of": "on",
            "above": "above",
            "over": "above",
            "atop": "on",
            "on": "on",
            "upon": "on",
            "below": "below",
            "on the bottom of": "below",
            "on bottom of": "below",
            "at the bottom of": "below",
            "under": "under",
            "underneath": "under",
            "beneath": "under",
            "next to": "next to",
            "beside": "next to",
            "besides": "next to",
            "alongside": "next to",
            "on the side of": "next to",
            "on side of": "next to",
            "at the side of": "next to",
            "by the side of": "next to",
            "to the side of": "next to",
            "near": "near",
            "close to": "near",
            "nearby": "near",
            "behind": "behind",
            "in back of": "behind",
            "in front of": "in front of",
            "inside": "inside",
            "inside of": "inside",
            "within": "inside",
            "in": "in",  # inside a known thing ("a cat in a box"); not "in the rain", not "in a red coat"
            "between": "between",
        }.items(),
        key=lambda item: -len(item[0].split()),
    )
)
_COPULAS = frozenset({"is", "are", "was", "were", "be", "being", "looks", "look", "appears", "appear"})
_BOUNDARIES = _COPULAS | frozenset(
    {
        "and",
        "with",
        "or",
        "while",
        "plus",
        "of",
        "in",
        "at",
        "inside",
        "into",
        "from",
        "for",
        "to",
        "by",
        "behind",
        "against",
        "around",
        "through",
        "across",
        "between",
        "among",
        "within",
        "during",
        "that",
        "which",
        "who",
        "where",
        "is",
        "are",
        "was",
        "were",
        "be",
        "being",
        "has",
        "have",
        "sits",
        "sit",
        "sitting",
        "stands",
        "standing",
        "lies",
        "lying",
        "rests",
        "resting",
        "placed",
        "flying",
        "floating",
        "hanging",
        "holding",
        "wearing",
        "chasing",
        "eating",
        "riding",
        "playing",
        "looking",
        "says",
        "saying",
        "reads",
        "reading",
        "labeled",
        "labelled",
        "titled",
        "showing",
        "featuring",
        "depicting",
        "made",
        "colored",
        "coloured",
        "painted",
        "drawn",
        "shown",
        "located",
        "positioned",
        "giving",
        "gives",
        "casting",
        "casts",
        "walking",
        "walks",
        "running",
        "runs",
        "jumping",
        "jumps",
        "swimming",
        "sleeping",
        "sleeps",
        "drinking",
        "carrying",
        "carries",
        "pulling",
        "pushing",
        "watching",
        "facing",
        "leaning",
        "perched",
        "surrounded",
        "covered",
        "filled",
        "lit",
        "illuminated",
        "bathed",
    }
)
_DETERMINERS = frozenset({"a", "an", "the", "some", "several", "many"})
_BACKGROUNDS = frozenset({"background", "backdrop", "wall"})
_NEGATORS = frozenset({"no", "without", "not", "never", "none"})
_QUANTIFIERS = frozenset({"several", "some", "many", "few", "multiple", "numerous", "various", "lots"})
_FILLERS = (
    frozenset(
        {
            "a",
            "an",
            "the",
            "this",
            "that",
            "these",
            "those",
            "its",
            "their",
            "his",
            "her",
            "very",
            "really",
            "quite",
            "so",
            "too",
            "just",
            "also",
            "there",
            "it",
            "they",
            "them",
            "one",
            "ones",
            "each",
            "every",
            "all",
            "both",
            "pair",
            "couple",
        }
    )
    | vocab.EMPHASIS_WORDS
)  # fillers to the reader: the generator's emphasis words
_PLACE = re.compile(
    r"\b(?:on|at|in|to)\s+the\s+(left|right|top|bottom|upper|lower|center|centre|middle)"
    r"(?:\s+(?:side|half|part|edge|corner|hand side))?"
    r"(?:\s+of\s+(?:the\s+)?(?:image|picture|frame|canvas|photo|scene|composition|view))?"
    r"(?=\s*(?:[.,;!?]|$|\band\b|\bwith\b))"
)
_PLACE_NAMES = {"upper": "top", "lower": "bottom", "centre": "center", "middle": "center"}
_QUOTE = re.compile(r'"([^"]{1,60})"|“([^”]{1,60})”|(?<!\w)[\'‘]([^\'‘’"]{1,60})[\'’](?!\w)')
_POSSESSIVE = re.compile(r"(\w+)['’]s\b")


def _possessive(match: re.Match[str]) -> str:
    """ "the dog's ball": a dog and a ball; "a Rubik's cube": one thing, named after someone."""
    word = match.group(1)
    return f"{word} with" if lemma(word) in vocab.OBJECT_CLASSES else word


_WORD = re.compile(r"[a-z0-9]+(?:\u0002shaped)?|[.,;:!?]|\u0000\d+\u0000|\u0001\w+\u0001")
# How a thing is shaped, said after it ("a teapot that looks like an owl", "a cloud shaped like a rabbit", "a cake in
# the shape of a star") or before it ("a star-shaped cookie"): one property of the thing ("owl-shaped"), as the
# generator draws it, never a second thing (the judge asked "Is there an owl?", and the loop drew one). The hyphen is
# kept through the chunker's hyphen split by a mark (\u0002), put back on the word.
_SHAPED = re.compile(
    r"\s+(?:(?:that |which |who )?(?:looks?|looking)(?: just| exactly)? like|shaped like|in the (?:shape|form) of) "
    r"(?:an? |the )?(?:giant |huge |big |large |small |tiny |little )?([A-Za-z]+)\b",
    re.IGNORECASE,
)


def _shaped(match: re.Match[str]) -> str:
    """ "that looks like an owl" -> " owl-shaped" (marked); left as written when what follows is a colour ("leaves
    that look like purple balloons") or a name of several words ("looks like the Sydney Opera House")."""
    word, rest = match.group(1), match.string[match.end() :]
    following = re.match(r"\s+([A-Za-z]+)", rest)
    before = match.string[: match.start()].split()
    if (
        colour_name(word) is not None
        or word.lower() in _NOT_A_LIKENESS  # "looks like he is tired", "looks like wood": no shape
        # "it looks like a storm", "what looks like a UFO", "clouds that look like rabbits" (the clouds are the
        # scene, which carries no shape): as written
        or (
            before
            and (
                before[-1].lower() in _NOT_A_LIKENESS
                or {before[-1].lower(), lemma(before[-1].lower())} & set(vocab.SCENE_WORDS)
            )
        )
        # "like colorful macarons", "like the Sydney Opera House": the word is not the whole thing it looks like
        or (following is not None and following.group(1).lower() not in _AFTER_A_SHAPE)
    ):
        return match.group(0)
    return f" {lemma(word.lower())}\u0002shaped"


# Words after "looks like" that name no shape: pronouns (a clause follows), materials (a look, not a shape), and
# "what"; a quantity before "of" ("a pile of books") is left as written by the "of" after it.
_NOT_A_LIKENESS = frozenset(
    [
        *[
            "it",
            "he",
            "she",
            "they",
            "we",
            "you",
            "i",
            "this",
            "that",
            "these",
            "those",
            "what",
            "there",
            "someone",
            "something",
            "his",
            "her",
            "their",
            "its",
        ],
        *[
            "wood",
            "marble",
            "brick",
            "stone",
            "metal",
            "glass",
            "gold",
            "silver",
            "steel",
            "concrete",
            "leather",
            "paper",
            "plastic",
            "velvet",
            "silk",
        ],
    ]
)
_AFTER_A_SHAPE = frozenset(
    [
        "on",
        "in",
        "at",
        "with",
        "and",
        "or",
        "by",
        "near",
        "under",
        "over",
        "above",
        "below",
        "behind",
        "beside",
        "from",
        "for",
        "to",
        "that",
        "which",
        "who",
        "is",
        "are",
        "was",
        "were",
        "sits",
        "sitting",
        "stands",
        "standing",
        "floating",
        "flying",
        "hanging",
    ]
)
_SHAPED_BEFORE = re.compile(r"\b([A-Za-z]+)-shaped\b", re.IGNORECASE)


def _settings(text: str) -> tuple[str, dict[str, str]]:
    """Find scene, light and style phrases (longest first), replace them by one boundary mark."""
    found: dict[str, str] = {}
    for kind, table in (("style", vocab.STYLE_WORDS), ("light", vocab.LIGHT_WORDS), ("scene", vocab.SCENE_WORDS)):
        for phrase in sorted(table, key=len, reverse=True):
            pattern = re.compile(rf"\b{re.escape(phrase)}\b")
            if pattern.search(text):
                if (
                    kind == "light"
                    and phrase in {"bright", "dark"}
                    and re.search(rf"\b{phrase}\s+(?:{'|'.join(vocab.COLOURS)})\b", text)
                ):
                    continue  # "dark blue": a shade
                found.setdefault(kind, table[phrase])
                text = pattern.sub(f" \u0001{kind}\u0001 ", text)
    return text, found


class _Reading:
    def __init__(self, prompt: str) -> None:
        self.checks: list[dict] = []
        self.first_looks: dict[str, str] = {}  # entity id -> its first colour or attribute (which one it is)
        self.first_colours: dict[str, str] = {}  # entity id -> its first colour
        self.related: set[tuple[str, str, str]] = set()  # (subject id, relation, object id) already asked
        self.entities: list[dict] = []  # {"noun", "lemma", "id", "count", "colour", "attributes"}
        self.texts: list[str] = []
        self.prompt = prompt

    def _add(self, check: dict) -> dict:
        check = {"id": f"c{len(self.checks) + 1}", **check}
        self.checks.append(check)
        return check

    # -- chunking ----------------------------------------------------------------------------------
    def read(self) -> list[dict]:
        text = self.prompt
        quoted: list[str] = []

        def stash(match: re.Match[str]) -> str:
            quoted.append((match.group(1) or match.group(2) or match.group(3)).strip())
            return f" \u0000{len(quoted) - 1}\u0000 "

        text = _QUOTE.sub(stash, text)
        text = _SHAPED.sub(_shaped, text)
        text = _SHAPED_BEFORE.sub(lambda m: f"{m.group(1).lower()}\u0002shaped", text)
        text = _POSSESSIVE.sub(_possessive, text).lower().replace("-", " ")
        text, settings = _settings(text)
        places: list[tuple[int, str]] = []

        def place(match: re.Match[str]) -> str:
            places.append((match.start(), _PLACE_NAMES.get(match.group(1), match.group(1))))
            return f" \u0001place{len(places) - 1}\u0001 "

        text = _PLACE.sub(place, text)
        tokens = [token.replace("\u0002", "-") for token in _WORD.findall(text)]
        previous: dict | None = None
        pending_relation: str | None = None
        between: dict | None = None  # "X between Y and Z": Y, waiting for Z
        action: tuple[dict, str] | None = None  # (agent, verb lemma) waiting for the verb's object
        negated = copula = False
        chunk: list[str] = []
        i = 0

        def close() -> None:
            nonlocal previous, pending_relation, negated, chunk, copula, between, action
            if chunk and chunk[-1] in _BACKGROUNDS:
                chunk, copula, pending_relation = [], False, None  # "on a blue background": the background's colour
                return
            if action is not None and chunk:
                agent, verb = action
                action = None
                words = [w for w in chunk if w not in _FILLERS and w not in _DETERMINERS]
                if words and lemma(words[-1]) in FRAMING_NOUNS:  # "taking photos": what is done, nothing to draw
                    self._action(agent, verb, lemma(words[-1]))
                    chunk = []
                    return
                entity = self._chunk(chunk, negated)
                self._action(agent, verb, entity["lemma"] if entity else None)
                if entity is not None:
                    previous, chunk = entity, []
                    return
            if (
                copula
                and chunk
                and previous is not None
                and not any(w in _DETERMINERS or w.isdigit() or w in vocab.NUMBER_WORDS for w in chunk)
            ):
                self._predicate(previous, chunk)  # "the cat is fluffy"
                chunk, copula = [], False
                return
            copula, was_negated = False, negated
            entity = self._chunk(chunk, negated) if chunk else None
            if was_negated:
                negated, chunk = False, []
                return
            if entity is not None:
                if pending_relation == "between" and previous is not None and previous is not entity:
                    if between is None:
                        between = entity  # the first of the two: the second follows "and"
                        chunk = []
                        return
                    self._relation(previous, "between", between, entity)
                    pending_relation, between = None, None
                    chunk = []
                    return
                if pending_relation and previous is not None and previous is not entity:
                    if pending_relation != "in":
                        self._relation(previous, pending_relation, entity)
                    elif entity["lemma"] in vocab.OBJECT_CLASSES and entity["lemma"] not in WORN_NOUNS:
                        self._relation(previous, "inside", entity)
                    pending_relation = None
                previous = entity
                negated = False
            elif chunk and previous is not None and not all(w in FRAMING_NOUNS or w in QUALITY_WORDS for w in chunk):
                self._predicate(previous, chunk)  # "soft ... light" names no attribute of the table
            chunk = []

        while i < len(tokens):
            token = tokens[i]
            relation = self._relation_at(tokens, i)
            if relation:
                close()
                length, name = relation
                pending_relation = name if previous is not None else None
                between = None
                i += length
                continue
            if token == "and" and pending_relation == "between" and between is not None:
                close()  # "between a dog and a horse": the "and" joins the two objects
                i += 1
                continue
            if token.startswith("\u0001place"):
                close()
                if previous is not None:
                    self._position(previous, places[int(token[6:-1])][1])
            elif token.startswith("\u0001"):
                if not (chunk and lemma(chunk[-1]) in vocab.OBJECT_CLASSES):
                    chunk = []  # "a beautiful sunset": words before a setting describe the setting
                close()  # ... but "a dolphin underwater" names a dolphin
                pending_relation = None
            elif token.startswith("\u0000"):
                close()
                self._text(quoted[int(token[1:-1])])
            elif token in _NEGATORS:
                close()
                negated = True
            elif negated and not chunk and is_verb_form(token) and verb_lemma(token) in {"wear", "hold", "carry"}:
                pass  # "a dog not wearing a collar": what is not worn is not there ("not chasing a cat": the cat is)
            elif chunk and (is_verb_form(token) or is_past_form(token)) and self._predicate_follows(tokens, i + 1):
                close()  # "a knight fighting a dragon": the verb ends the knight's phrase and is no thing itself
                if previous is not None and is_verb_form(token):
                    action = (previous, verb_lemma(token))
            elif chunk and is_verb_form(token) and self._names_a_thing(chunk):
                close()  # "a man taking photos": after a noun, an -ing form is the man's action
                if previous is not None:
                    action = (previous, verb_lemma(token))
            elif token in _BOUNDARIES or token in ".,;:!?" or token in {"on", "over", "upon"}:
                close()
                copula = token in _COPULAS
                if token in ".;!?":
                    previous, pending_relation = None, None
            else:
                chunk.append(token)
            i += 1
        close()
        self._tell_apart()
        for kind in ("scene", "light", "style"):
            if kind in settings:
                value = settings[kind]
                self._add(
                    {"kind": kind, "setting": value, "parent": None, "question": f"Is the {kind} of the image {value}?"}
                )
        return self.checks

    def _first_colour(self, entity: dict) -> str | None:
        return self.first_colours.get(entity["id"])

    def _tell_apart(self) -> None:
        """Two things of one noun told apart by a colour or property ("a black cat above a white cat"): each
        check about one of them says which (subjectLabel / objectLabel, the check contract's) and its question
        names it, so a VLM answers about that one, as a real judge reads "the black cat"; without it every cat
        would have to be black and white at once."""
        labels: dict[str, str] = {}
        by_noun: dict[str, list[str]] = {}
        for entity in self.entities:
            by_noun.setdefault(entity["lemma"], []).append(entity["id"])
        for same in by_noun.values():
            named = {i: self.first_looks[i] for i in same if i in self.first_looks}
            if len(same) > 1 and named and len(set(named.values())) == len(named):
                labels.update(named)
        for check in self.checks:
            target = check.pop("_object", None)
            lemma = check.get("subject")
            owner = check["id"] if check["kind"] == "entity" else check.get("parent")
            if owner in labels and lemma:
                label = check["subjectLabel"] = labels[owner]
                if check["kind"] == "entity" and check["question"].startswith("Is there"):
                    check["question"] = f"Is there {_article(label)} {label} {lemma}?"
                elif check["kind"] in {"entity", "count"}:  # "Are there (exactly two) red balls?"
                    check["question"] = check["question"].replace(f" {plural(lemma)}?", f" {label} {plural(lemma)}?")
                elif label in (check.get("colour"), check.get("attribute")):
                    check["question"] = f"Is one of the {plural(lemma)} {label}?"
                else:
                    check["question"] = check["question"].replace(f"the {lemma}", f"the {label} {lemma}", 1)
            if target in labels:
                check["objectLabel"] = labels[target]
                head, said, tail = check["question"].rpartition(f"the {check['object']}")
                check["question"] = f"{head}the {labels[target]} {check['object']}{tail}" if said else check["question"]

    def _predicate_follows(self, tokens: list[str], i: int) -> bool:
        """After a verb form: an article, a number, a relation, a boundary or the end (not the noun it describes)."""
        if i >= len(tokens):
            return True
        token = tokens[i]
        return (
            token in _DETERMINERS
            or token in _FILLERS
            or token in _BOUNDARIES
            or token in ".,;:!?"
            or token.isdigit()
            or token in vocab.NUMBER_WORDS
            or token[0] in "\u0000\u0001"
            or self._relation_at(tokens, i) is not None
        )

    def _relation_at(self, tokens: list[str], i: int) -> tuple[int, str] | None:
        for phrase, name in _RELATIONS:
            words = phrase.split()
            if tokens[i : i + len(words)] == words:
                after = [t for t in tokens[i + len(words) : i + len(words) + 3] if t not in {"a", "an", "the"}][:1]
                if phrase in {"on", "over", "upon", "in", "within"} and (
                    not after or after[0].startswith("\u0001") or not self._noun_ahead(tokens, i + len(words))
                ):
                    return None  # "on the beach", "in the rain", "in red": a setting or a colour, not a relation
                return len(words), name
        return None

    @staticmethod
    def _noun_ahead(tokens: list[str], i: int) -> bool:
        """Does a noun phrase start at i (before the next boundary), as the object of a relation must?"""
        for token in tokens[i : i + 5]:
            if token in _BOUNDARIES or token in ".,;:!?" or token[0] in "\u0000\u0001":
                return False
            if token not in _DETERMINERS and token not in _FILLERS and colour_name(token) is None:
                return True
        return False

    @staticmethod
    def _names_a_thing(chunk: list[str]) -> bool:
        """Does the chunk so far name something (a noun), so that an -ing form after it is a verb?"""
        content = [w for w in chunk if w not in _FILLERS and w not in _DETERMINERS and colour_name(w) is None]
        return bool(content) and compound_modifier(content[-1])

    # -- one chunk = at most one noun phrase ----------------------------------------------------------
    def _chunk(self, words: list[str], negated: bool) -> dict | None:
        definite = "the" in words or "this" in words
        words = [
            w
            for w in words
            if (w not in _FILLERS or (w in vocab.NUMBER_WORDS and w not in {"a", "an"})) and w not in QUALITY_WORDS
        ]
        # "a teapot owl-shaped" (as rewritten): how it is shaped goes before it, with its other properties
        words = [w for w in words if w.endswith("-shaped")] + [w for w in words if not w.endswith("-shaped")]
        content = [
            w
            for w in words
            if not w.isdigit()
            and w not in vocab.NUMBER_WORDS
            and w not in _QUANTIFIERS
            and colour_name(w) is None
            and not w.endswith("-shaped")  # "a teapot owl-shaped": how the teapot is shaped, not the head
        ]
        if words and words[-1] not in content and lemma(words[-1]) in vocab.OBJECT_CLASSES:
            content.append(words[-1])  # "an orange orange": the last one is the fruit
        if not content:
            return None
        head = content[-1]
        if len(content) >= 2 and (
            lemma(" ".join(content[-2:])) in vocab.OBJECT_CLASSES
            or (compound_modifier(content[-2]) and content[-2] not in _QUANTIFIERS and content[-1] not in FRAMING_NOUNS)
        ):
            head = " ".join(content[-2:])  # "teddy bear", "laptop bag", "pencil holder"
        if head in FRAMING_NOUNS or not 2 <= len(head) <= MAX_NOUN_CHARS or head.endswith("ly"):
            return None
        modifiers = words[: len(words) - len(head.split())]
        count, count_words = None, [w for w in modifiers if w.isdigit() or w in vocab.NUMBER_WORDS]
        if count_words:
            word = count_words[-1]
            count = int(word) if word.isdigit() else vocab.NUMBER_WORDS[word]
        colours = [colour_name(w) for w in modifiers if colour_name(w)]
        adjectives = [
            w
            for w in modifiers
            if w not in count_words
            and colour_name(w) is None
            and w not in _QUANTIFIERS
            and (w.isalpha() or w.endswith("-shaped"))
            and not w.endswith("ly")
            and len(w) <= MAX_NOUN_CHARS
        ]
        several = count is None and (is_plural(head) or any(w in _QUANTIFIERS for w in modifiers))
        name = lemma(head)
        if negated:
            self._add(
                {"kind": "absent", "subject": name, "parent": None, "question": f"Is the image free of any {name}?"}
            )
            return None
        earlier = [e for e in self.entities if e["lemma"] == name]
        if colours and earlier:  # "the black cat ... the white cat": the one of that colour, if one has a colour
            known = {e["id"]: self._first_colour(e) for e in earlier}
            same = [e for e in earlier if known[e["id"]] == colours[0]]
            earlier = same or [e for e in earlier if known[e["id"]] is None]
        if definite and earlier and not count:  # "the cup" again: the same cup
            for colour in dict.fromkeys(colours):
                if self._first_colour(earlier[-1]) != colour:
                    self._colour(earlier[-1], colour)
            for adjective in dict.fromkeys(adjectives):
                self._attribute(earlier[-1], adjective)
            return earlier[-1]
        entity_check = self._add(
            {
                "kind": "entity",
                "subject": name,
                "parent": None,
                "question": f"Is there {_article(name)} {name}?"
                if not several and (count or 1) == 1
                else f"Are there {plural(name)}?",
            }
        )
        entity = {"lemma": name, "id": entity_check["id"]}
        if count and count > 1:
            self._add(
                {
                    "kind": "count",
                    "subject": name,
                    "count": min(count, 99),
                    "parent": entity["id"],
                    "question": f"Are there exactly {vocab.NUMBER_NAMES.get(count, count)} {plural(name)}?",
                }
            )
        elif several:
            self._add(
                {
                    "kind": "count",
                    "subject": name,
                    "count": 2,
                    "at_least": True,
                    "parent": entity["id"],
                    "question": f"Are there at least two {plural(name)}?",
                }
            )
        for colour in dict.fromkeys(colours):
            self._colour(entity, colour)
        for adjective in dict.fromkeys(adjectives):
            self._attribute(entity, adjective)
        self.entities.append(entity)
        return entity

    def _predicate(self, entity: dict, words: list[str]) -> None:
        """ "the cup is blue", "the cat is fluffy": words with no noun describe the last entity."""
        for word in words:
            if (
                word in _FILLERS
                or word in QUALITY_WORDS
                or word.isdigit()
                or word in vocab.NUMBER_WORDS
                or word.endswith("ly")
            ):
                continue
            if colour_name(word):
                self._colour(entity, colour_name(word))
            elif word.isalpha() and len(word) <= MAX_NOUN_CHARS:
                self._attribute(entity, word)

    def _colour(self, entity: dict, colour: str) -> None:
        self.first_colours.setdefault(entity["id"], colour)
        self.first_looks.setdefault(entity["id"], colour)
        self._add(
            {
                "kind": "colour",
                "subject": entity["lemma"],
                "colour": colour,
                "parent": entity["id"],
                "question": f"Is the {entity['lemma']} {colour}?",
            }
        )

    def _attribute(self, entity: dict, adjective: str) -> None:
        self.first_looks.setdefault(entity["id"], adjective)
        self._add(
            {
                "kind": "attribute",
                "subject": entity["lemma"],
                "attribute": adjective,
                "parent": entity["id"],
                "question": f"Is the {entity['lemma']} {adjective}?",
            }
        )

    def _position(self, entity: dict, where: str) -> None:
        self._add(
            {
                "kind": "position",
                "subject": entity["lemma"],
                "position": where,
                "parent": entity["id"],
                "question": f"Is the {entity['lemma']} at the {where} of the image?",
            }
        )

    def _relation(self, subject: dict, relation: str, obj: dict, obj2: dict | None = None) -> None:
        words = EVALUATION_RELATION_WORDS.get(relation, relation)
        check = {
            "kind": "relation",
            "subject": subject["lemma"],
            "relation": relation,
            "object": obj["lemma"],
            "parent": subject["id"],
            "question": f"Is the {subject['lemma']} {words} the {obj['lemma']}?",
            "_object": obj["id"],
        }
        if obj2 is not None:
            check["object2"] = obj2["lemma"]
            check["question"] = f"Is the {subject['lemma']} between the {obj['lemma']} and the {obj2['lemma']}?"
        if obj2 is None and (subject["id"], relation, obj["id"]) in self.related:
            return  # said again ("a black cat above a white cat, the black cat clearly above the white cat")
        if obj2 is None:
            self.related.add((subject["id"], relation, obj["id"]))
        self._add(check)

    def _action(self, agent: dict, verb: str, obj: str | None) -> None:
        check = {
            "kind": "action",
            "subject": agent["lemma"],
            "action": verb,
            "parent": agent["id"],
            "question": f"Is the {agent['lemma']} {_ing(verb)}{' ' + _article(obj) + ' ' + obj if obj else ''}?",
        }
        if obj:
            check["object"] = obj
        self._add(check)

    def _text(self, text: str) -> None:
        if text.lower() not in (t.lower() for t in self.texts):
            self.texts.append(text)
            self._add(
                {
                    "kind": "text",
                    "text": text,
                    "parent": None,
                    "question": f'Does the image show the legible text "{text}"?',
                }
            )


def _article(noun: str) -> str:
    return "an" if noun[:1] in "aeiou" else "a"


def _ing(verb: str) -> str:
    """ "ride" -> riding, "sit" -> sitting, "take" -> taking: the question's verb form."""
    if verb.endswith("ie"):
        return verb[:-2] + "ying"
    if verb.endswith("e") and not verb.endswith(("ee", "ye", "oe")):
        return verb[:-1] + "ing"
    vowels = "aeiou"
    syllables = sum(1 for k, c in enumerate(verb) if c in vowels and (k == 0 or verb[k - 1] not in vowels))
    if len(verb) >= 3 and verb[-1] not in vowels + "wxy" and verb[-2] in vowels and verb[-3] not in vowels:
        return verb + verb[-1] + "ing" if syllables == 1 else verb + "ing"
    return verb + "ing"


def checks_from_prompt(prompt: str) -> list[dict]:
    """The prompt's checks, by this module's own reading (see the module docstring)."""
    return _Reading(prompt or "").read()
