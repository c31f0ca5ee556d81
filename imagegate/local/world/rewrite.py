"""The offline rewriter: turns what was said about the last image into the next round's prompt, keeping every
word of the original and staying within a bounded length.

It reads three kinds of suggestion, as an LLM rewriter would:
- the judge's, which quote the phrase to add ('Add "the bird clearly below the clock" to the prompt') or the
  noun for the negative prompt;
- the verifier's plain findings ("the image shows 3 ducks; the prompt asks for 4"): what the prompt asks for
  is asked again the explicit way (four ducks laid out in a row);
- a reviewer's plain English ("make the box bigger and clearly blue", "remove the dog", "put the cat left of
  the dog"): read clause by clause into what to ask for (the box is large; the box is blue) and what to keep
  out (dog in the negative prompt), naming the prompt's own objects.

Like the LLM rewriters whose effect was measured (LLM prompt rewriting on FLUX.1-dev in GenEval, BAGEL's
table; see render.py), it changes WHAT is asked, never only how loudly: a relation becomes an explicit layout
in the frame ("the dog on the left side of the image, the cat on the right side of the image"), each colour a
clause of its own ("the bench is red"), a count a row. It never adds emphasis ("important: ...") to restate a
detail already asked: wording is not content (the world gives it no weight), and it only made prompts grow.
When nothing new can be asked, the prompt is left as it was and the loop draws the next round with another
seed (domain/rewriting.py): a paid round is never a byte-identical redraw.

A relation is only ever written between the objects the prompt (or the reviewer) relates: a suggestion that
would put "the clock next to the pumpkin" where the prompt put the cat there is left out, never added.
Every rewrite stays within max(2 x the original, the original + 300 characters) and the generator's limit;
the oldest additions are dropped first. It reads the phrases, and the original prompt, with the judge's
reading (reading.py: a model reading English), never with the generator's parse. Without suggestions (the
`reword` arm, which never sees the verdict) it restates the original prompt that way from the prompt alone.
"""

from __future__ import annotations

import re

from . import vocabulary as vocab
from .concepts import colour_name, lemma, plural
from .reading import _RELATIONS, checks_from_prompt

# A rewrite's length bound (issue 25.7): at most GROWTH_FACTOR x the original or the original + GROWTH_CHARS,
# whichever is larger, and never past the generator's own limit.
GROWTH_FACTOR = 2
GROWTH_CHARS = 300
_QUOTED = re.compile(r'"((?:[^"\\]|\\.)+)"')
# The verifier's plain finding (domain/verifying.py): "the image shows|reads <what>; the prompt asks for <wanted>"
_FINDING = re.compile(r"^the image (?:shows|reads) (?P<shown>.*?); the prompt asks for (?P<wanted>.+)$", re.I | re.S)
# A 2D relation laid out in the frame: (where the subject goes, where the object goes).
_LAYOUTS = {
    "left of": ("on the left side of the image", "on the right side of the image"),
    "right of": ("on the right side of the image", "on the left side of the image"),
    "above": ("in the upper part of the image", "in the lower part of the image"),
    "below": ("in the lower part of the image", "in the upper part of the image"),
}
# The reading's relations (reading._RELATIONS' canonical names) and their opposites, the two objects swapped.
_OPPOSITES = {"left of": "right of", "right of": "left of", "above": "below", "below": "above", "on": "under"}
_OPPOSITES |= {"under": "on", "next to": "next to", "near": "near", "behind": "in front of", "in front of": "behind"}
_RELATION_WORDS = {"left of": "to the left of", "right of": "to the right of"}
_REGIONS = {
    "on the left": "on the left side of the image",
    "on the right": "on the right side of the image",
    "at the top": "in the upper part of the image",
    "at the bottom": "in the lower part of the image",
    "in the center": "in the center of the image",
}
# A reviewer's clause, cut to what it asks: polite or imperative openings dropped, modal predicates made plain.
_OPENINGS = re.compile(
    r"^(?:(?:please|pls|also|then|and|but|so|now|just|maybe|can you|could you|would you|i want|i'd like|"
    r"i would like|we need|i need|try to|let's|make sure(?: that)?|ensure(?: that)?|it should show|"
    r"there should be|there must be|there needs to be|there are|there is|show me|give me|"
    r"add|show|draw|include|put|place|move|paint|render|use)\s+)+",
    re.I,
)
_REMOVE = re.compile(
    r"^(?:please\s+)?(?:remove|delete|drop|erase|get rid of|take out|take away|lose|no more|no|without|not)\s+"
    r"(?:the\s+|a\s+|an\s+|any\s+|all(?: the)?\s+|that\s+|those\s+)?(?P<what>[a-z][a-z ]*?)s?$",
    re.I,
)
_MAKE = re.compile(r"^(?:make|have|let|turn|get|colou?r)\s+(?P<np>(?:the|a|an|all|every|each|both)\s+.+)$", re.I)
_MODAL = re.compile(
    r"\b(?:should|must|needs? to|has to|have to|ought to|shall|will)\s+(?:be|look|appear)\b|"
    r"\b(?:is|are)\s+(?:not\s+)?(?:supposed|meant)\s+to\s+be\b",
    re.I,
)
_SAYS = re.compile(r"\b(?:say|says|read|reads|spell|spells|spelling|saying|reading)\s+(?P<text>[^\"']+?)\s*$", re.I)
_CLAUSES = re.compile(
    r"\s*(?:[;.!?\n]+|,\s*(?:and\s+|but\s+)?|\s+but\s+|"
    r"\s+and\s+(?=(?:please\s+)?(?:make|add|remove|delete|drop|put|place|move|show|draw|get rid|take|no|use|give)\b))\s*",
    re.I,
)
_SIZES = {"bigger": "large", "larger": "large", "big": "large", "huge": "large", "large": "large"}
_SIZES |= {"smaller": "small", "tiny": "small", "small": "small", "little": "small"}
# "a bluer sky": a colour's comparative asks for the colour
_COMPARATIVE_COLOURS = {
    f"{stem}er": colour for colour, stem in (("blue", "blu"), ("red", "redd"), ("green", "green"), ("white", "whit"))
} | {f"{c}er": c for c in ("black", "yellow", "pink", "brown", "orange", "purple")}
# Qualities of the whole image, never objects to draw ("more contrast")
_NOT_OBJECTS = frozenset(
    [
        "contrast",
        "detail",
        "details",
        "quality",
        "image",
        "picture",
        "photo",
        "composition",
        "lighting",
        "saturation",
        "brightness",
        "sharpness",
        "focus",
        "resolution",
        "realism",
        "style",
        "colors",
        "colours",
        "color",
        "colour",
        "mood",
        "vibe",
    ]
)
# Words of a reviewer's clause that are no detail of an object ("make the apple red": 'make' is no adjective).
_NOT_DETAILS = frozenset(
    [
        "i",
        "me",
        "we",
        "you",
        "it",
        "its",
        "they",
        "them",
        "this",
        "that",
        "there",
        "here",
        "more",
        "less",
        "much",
        "very",
        "really",
        "clearly",
        "visible",
        "obviously",
        "want",
        "like",
        "need",
        "please",
        "make",
        "made",
        "look",
        "looks",
        "looking",
        "appear",
        "appears",
        "seem",
        "seems",
        "should",
        "must",
        "also",
        "too",
        "way",
        "lot",
        "bit",
        "little",
        "enough",
        "same",
        "different",
        "better",
        "worse",
    ]
)


def _phrase(suggestion: str) -> str | None:
    match = _QUOTED.search(suggestion)
    return match.group(1).replace('\\"', '"') if match else None


def _base(text: str) -> str:
    return text.strip().rstrip(".").strip()


def _join(base: str, additions: list[str]) -> str:
    return ", ".join([_base(base), *additions]) if additions else _base(base)


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+|[,;.:!?]", text.lower())


def _head(noun: str) -> str:
    return lemma(noun.split()[-1]) if noun.split() else ""


def stated(subject: str, relation: str, obj: str, texts: list[str]) -> bool:
    """Whether one of `texts` relates these two objects this way: a phrase of `relation` (or of its opposite,
    the two swapped) with `subject` the nearest object named before it in its clause and `obj` the nearest one
    after it. The judge's reading can misattach a relation ("a cat next to a pumpkin, a clock on the wall behind
    them" read as the pumpkin next to the clock); the rewriter must never write such a relation into a prompt."""
    ways = {(relation, _head(subject), _head(obj))}
    if relation in _OPPOSITES:
        ways.add((_OPPOSITES[relation], _head(obj), _head(subject)))
    for text in texts:
        words = _words(text)
        heads = [lemma(w) if w.isalpha() else w for w in words]
        nouns = {_head(c["subject"]) for c in checks_from_prompt(text) if c["kind"] == "entity" and c.get("subject")}
        nouns |= {_head(subject), _head(obj)}
        for surface, canonical in _RELATIONS:
            length = len(surface.split())
            for i in range(len(words) - length + 1):
                if words[i : i + length] != surface.split():
                    continue
                for way, before, after in ways:
                    if way == canonical and (
                        _nearest(heads, i - 1, -1, nouns) == before and _nearest(heads, i + length, 1, nouns) == after
                    ):
                        return True
    return False


def _nearest(heads: list[str], start: int, step: int, wanted: set[str]) -> str | None:
    """The first object named (one of `wanted`) walking from `start` by `step`, stopping at a clause boundary."""
    i = start
    while 0 <= i < len(heads):
        if heads[i] in {";", ".", "!", "?", ":"}:
            return None
        if heads[i] in wanted:
            return heads[i]
        i += step
    return None


def _relations_of(text: str) -> list[tuple[str, str, str]]:
    return [(c["subject"], c["relation"], c["object"]) for c in checks_from_prompt(text) if c["kind"] == "relation"]


def explicit_restatement(text: str, told_apart: frozenset[str] = frozenset()) -> list[str]:
    """What `text` asks for, asked the explicit way: one phrase per 2D relation (its layout in the frame; only a
    relation `text` itself states between those two objects), per colour (a clause of its own) and per stated
    count above one (laid out in a row). `told_apart`: nouns the whole prompt names twice by colour, whose colour
    clause ("the cat is black") would name both."""
    out = []
    for check in checks_from_prompt(text):
        kind, subject = check["kind"], check.get("subject", "")
        # two of one noun told apart ("the black cat", "the white cat") are named by what tells them apart
        named = " ".join(filter(None, [check.get("subjectLabel"), subject]))
        if kind == "relation" and check.get("relation") in _LAYOUTS:
            if not stated(subject, check["relation"], check["object"], [text]):
                continue
            here, there = _LAYOUTS[check["relation"]]
            other = " ".join(filter(None, [check.get("objectLabel"), check["object"]]))
            out.append(f"the {named} {here}, the {other} {there}")
        elif kind == "colour" and not check.get("subjectLabel") and subject not in told_apart:
            # (a labelled one: "the cat is black" would name both cats)
            out.append(f"the {subject} is {check['colour']}")
        elif kind == "count" and not check.get("at_least") and int(check.get("count", 1)) > 1:
            out.append(_row(named, int(check["count"])))
    return list(dict.fromkeys(out))


def _row(noun: str, count: int) -> str:
    return f"{vocab.NUMBER_NAMES.get(count, str(count))} {plural(noun)} side by side in a row"


def _relation_phrase(subject: str, relation: str, obj: str) -> str:
    return f"the {subject} clearly {_RELATION_WORDS.get(relation, relation)} the {obj}"


def finding_asks(finding: str) -> tuple[list[str], list[str]]:
    """A verifier's finding read into (phrases to ask for, nouns to keep out); ([], []) when it is no finding
    or asks nothing a prompt can say ("fewer than 3")."""
    match = _FINDING.match(finding.strip())
    if not match:
        return [], []
    shown, wanted = match.group("shown").strip(), match.group("wanted").strip().rstrip(".")
    text = _phrase(wanted)
    if text is not None and wanted.startswith('"'):
        return [f'clearly legible text "{text}"'], []
    count = re.fullmatch(r"(at least )?(\d+)", wanted)
    if count:  # "3 ducks" / "no ducks" / "a duck": the noun is what was counted
        noun = lemma(re.sub(r"^(?:\d+|no|an?|the)\s+", "", shown))
        number = int(count.group(2))
        if count.group(1):
            return [f"at least {vocab.NUMBER_NAMES.get(number, str(number))} clearly visible {plural(noun)}"], []
        return [_row(noun, number) if number > 1 else f"exactly one {noun}"], []
    if wanted.startswith("no "):
        return [], [lemma(wanted[3:])]
    if wanted.startswith("fewer than"):
        return [], []
    if wanted.startswith("it "):  # "the duck on the left; ... asks for it on the right"
        noun = re.sub(r"^the\s+", "", shown)
        noun = re.split(r"\s+(?:on the|in the|at the)\s", noun)[0]
        region = _REGIONS.get(wanted[3:].strip())
        return ([f"the {noun} {region}"] if region else []), []
    if re.match(r"^an?\s", wanted):
        return [f"a clearly visible {wanted.split(' ', 1)[1]}"], []
    return _asks_from_reading(wanted, [])


def _declarative(clause: str) -> str:
    """A reviewer's clause as a statement the reading understands: "make the box bigger and clearly blue" ->
    "the box is bigger and clearly blue"; "the cat should be on the left" -> "the cat is on the left"."""
    text = _OPENINGS.sub("", clause.strip()).strip()
    text = re.sub(r"\btoo\s+(?:small|tiny|little)\b", "bigger", text)
    text = re.sub(r"\btoo\s+(?:big|large|huge)\b", "smaller", text)
    text = re.sub(r"\b[a-z]+er\b", lambda m: _COMPARATIVE_COLOURS.get(m.group(0), m.group(0)), text)
    make = _MAKE.match(text)
    if make:
        np = make.group("np")
        words = np.split()
        # "the box bigger and clearly blue": the noun ends where the first detail word begins
        for i, word in enumerate(words[1:], start=1):
            if word in _SIZES or colour_name(word) or word in {"clearly", "more", "less", "much", "look", "be"}:
                rest = " ".join(w for w in words[i:] if w not in {"look", "be"})
                return f"{' '.join(words[:i])} is {rest}"
        return np
    text = _MODAL.sub("is", text)
    bare = re.match(r"^(?P<np>(?:the|a|an)\s+.+?)\s+(?P<pred>(?:clearly\s+)?(?P<word>[a-z]+)(?:\s+and\s+.+)?)$", text)
    if bare and (colour_name(bare.group("word")) or bare.group("word") in _SIZES) and " is " not in text:
        return f"{bare.group('np')} is {bare.group('pred')}"  # "the box red" -> "the box is red"
    return text


def _text_asked(clause: str) -> str | None:
    """The text a clause asks to be written: quoted anywhere, or unquoted after say/read/spell ("make the sign
    say open late" -> OPEN LATE)."""
    quoted = _phrase(clause)
    if quoted:
        return quoted
    says = _SAYS.search(clause)
    return says.group("text").strip().upper() if says else None


def feedback_asks(feedback: str, original: str) -> tuple[list[str], list[str]]:
    """A person's plain-English feedback read into (phrases to ask for, nouns to keep out), clause by clause,
    naming the original prompt's objects ("the box" of "make the box bigger" is the prompt's box)."""
    asks: list[str] = []
    keep_out: list[str] = []
    for clause in (c for c in _CLAUSES.split(feedback.strip()) if c and c.strip()):
        clause = clause.strip().lower() if not _QUOTED.search(clause) else clause.strip()
        removed = _REMOVE.match(clause)
        if removed and len(removed.group("what").split()) <= 3:
            keep_out.append(lemma(removed.group("what").strip()))
            continue
        text = _text_asked(clause)
        if text:
            asks.append(f'clearly legible text "{text}"')
            continue
        found, absent = _asks_from_reading(_declarative(clause), [original])
        asks.extend(found)
        keep_out.extend(absent)
    return list(dict.fromkeys(asks)), list(dict.fromkeys(keep_out))


def _asks_from_reading(text: str, originals: list[str]) -> tuple[list[str], list[str]]:
    """What a plain statement asks for, phrase by phrase, with each of its objects named as `originals` name it
    (the same head noun) when they do."""
    checks = checks_from_prompt(text)
    known = {
        _head(c["subject"]): c["subject"]
        for o in originals
        for c in checks_from_prompt(o)
        if c["kind"] == "entity" and c.get("subject")
    }

    def name(subject: str) -> str:
        words = [w for w in subject.split() if w not in _NOT_DETAILS and w not in _SIZES]
        for w in reversed(words):
            if lemma(w) in known:
                return known[lemma(w)]
        return " ".join(words[-2:]) if words else subject

    details: dict[str, list[str]] = {}
    asks, keep_out = [], []
    for check in checks:
        kind = check["kind"]
        subject = name(check.get("subject", ""))
        if kind == "colour":
            asks.append(f"the {subject} is {check['colour']}")
            details.setdefault(subject, []).append(check["colour"])
        elif kind == "attribute":
            word = check["attribute"]
            size = _SIZES.get(word)
            if size:
                asks.append(f"the {subject} is {size}")
            elif word.isalpha() and word not in _NOT_DETAILS and lemma(word) not in known and word not in subject:
                asks.append(f"the {subject} is {word}")
            else:
                continue
            details.setdefault(subject, []).append(size or word)
        elif kind == "count" and not check.get("at_least") and int(check.get("count", 1)) > 1:
            asks.append(_row(subject, int(check["count"])))
            details.setdefault(subject, []).append("count")
        elif kind == "position":
            asks.append(f"the {subject} {_REGIONS.get('on the ' + check['position'], 'in the center of the image')}")
            details.setdefault(subject, []).append("position")
        elif kind == "relation":
            obj = name(check["object"])
            if check["relation"] in _LAYOUTS:
                here, there = _LAYOUTS[check["relation"]]
                asks.append(f"the {subject} {here}, the {obj} {there}")
            asks.append(_relation_phrase(subject, check["relation"], obj))
            details.setdefault(subject, []).append("relation")
            details.setdefault(obj, []).append("relation")
        elif kind == "text":
            asks.append(f'clearly legible text "{check["text"]}"')
        elif kind == "absent" and subject:
            keep_out.append(lemma(subject))
    for check in checks:  # an object the prompt lacks is asked whole; one with nothing said of it, plainly
        if check["kind"] != "entity" or not check.get("subject"):
            continue
        subject = name(check["subject"])
        if not subject or subject in _NOT_DETAILS or _head(subject) in _NOT_OBJECTS:
            continue
        looks = [d for d in details.get(subject, []) if d not in {"count", "position", "relation"}]
        if _head(subject) not in known and originals:
            asks = [a for a in asks if not a.startswith(f"the {subject} is ")]
            asks.insert(0, f"a {' '.join([*looks, subject])}")
        elif subject not in details:
            asks.append(f"a clearly visible {subject}")
    return list(dict.fromkeys(asks)), keep_out


def growth_limit(original_prompt: str, max_chars: int) -> int:
    """The longest a rewrite of `original_prompt` may be: max(2 x the original, original + 300), within the
    generator's limit (a prompt longer than twice itself is a different prompt, and restatements only bloat)."""
    base = len(_base(original_prompt))
    return min(max_chars, max(GROWTH_FACTOR * base, base + GROWTH_CHARS))


def rewrite_prompt(
    original_prompt: str, current_prompt: str, suggestions: list[str], max_chars: int, negative_prompt: str = ""
) -> dict:
    negatives = [t.strip() for t in negative_prompt.split(",") if t.strip()]
    additions: list[str] = []
    changes: list[str] = []
    feedback_texts: list[str] = []  # a reviewer's words may relate objects the prompt did not

    def add(phrase: str, change: str) -> bool:
        if phrase.lower() in current_prompt.lower() or phrase.lower() in original_prompt.lower():
            return False
        if phrase in additions:
            return False
        wrong = [r for r in _relations_of(phrase) if not stated(*r, [original_prompt, *feedback_texts])]
        if wrong:
            subject, relation, obj = wrong[0]
            changes.append(f'left out "{phrase}": the prompt does not put the {subject} {relation} the {obj}')
            return False
        additions.append(phrase)
        changes.append(change)
        return True

    def keep_out(noun: str) -> None:
        if noun and noun not in negatives:
            negatives.append(noun)
            changes.append(f'negative prompt: added "{noun}"')

    told_apart = frozenset(c["subject"] for c in checks_from_prompt(original_prompt) if c.get("subjectLabel"))
    for suggestion in suggestions:
        phrase = _phrase(suggestion)
        if phrase and "negative prompt" in suggestion:
            for noun in (n.strip() for n in phrase.split(",")):
                keep_out(noun)
            continue
        if phrase and re.match(r"^\s*add\b", suggestion, re.I):  # the judge's: 'Add "<phrase>" to the prompt'
            if add(phrase, f'added "{phrase}"'):
                for p in explicit_restatement(phrase, told_apart):
                    add(p, f'laid out "{p}"')
            continue
        asks, absent = finding_asks(suggestion)
        if not asks and not absent and not _FINDING.match(suggestion.strip()):
            feedback_texts.append(suggestion)  # a person's words
            asks, absent = feedback_asks(suggestion, original_prompt)
        for noun in absent:
            keep_out(noun)
        for p in asks:
            add(p, f'asked "{p}" ({_source(suggestion)})')
    if not suggestions:
        # No verdict to read (the reword arm): restate the original more explicitly, from the prompt alone.
        current_prompt = original_prompt
        for phrase in explicit_restatement(original_prompt):
            add(phrase, f'laid out "{phrase}"')
    prompt = _bounded(original_prompt, current_prompt, additions, growth_limit(original_prompt, max_chars), changes)
    if not any(not c.startswith("left out") for c in changes):
        changes.append("nothing new to ask: the prompt is unchanged, so the next round draws with another seed")
    return {"prompt": prompt, "negativePrompt": ", ".join(negatives), "changes": changes[:8]}


def _source(suggestion: str) -> str:
    return "from the verifier" if _FINDING.match(suggestion.strip()) else "from the feedback"


def _bounded(original: str, current: str, additions: list[str], limit: int, changes: list[str]) -> str:
    """The original, the earlier rounds' additions still carried, then this round's, within `limit`: the oldest
    additions go first; the original itself is only cut when it alone is longer than the limit."""
    base = _base(original)
    carried: list[str] = []
    if _base(current).lower().startswith(base.lower()):
        rest = _base(current)[len(base) :].lstrip(" ,")
        carried = [part.strip() for part in _split_additions(rest) if part.strip()]
        base_text = base
    else:
        base_text = _base(current)
    kept = [*carried, *(a for a in additions if a not in carried)]
    prompt = _join(base_text, kept)
    while len(prompt) > limit and kept:
        dropped = kept.pop(0)
        if dropped in additions:
            additions.remove(dropped)
        changes.append(f'dropped "{dropped}" to stay within {limit} characters')
        prompt = _join(base_text, kept)
    if len(prompt) > limit:
        prompt = prompt[:limit].rsplit(" ", 1)[0].rstrip(" ,")
        changes.append(f"shortened to {limit} characters")
    return prompt


def _split_additions(rest: str) -> list[str]:
    """Earlier additions, as they were joined (", "): a layout's two halves stay one addition."""
    parts = rest.split(", ")
    out: list[str] = []
    for part in parts:
        halves = part.startswith("the ") and part.endswith("of the image")
        if halves and out and out[-1].endswith("of the image") and out[-1].count(" of the image") == 1:
            out[-1] = f"{out[-1]}, {part}"
            continue
        out.append(part)
    return out
