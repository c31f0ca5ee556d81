"""The independent evaluator's reading of a prompt: text -> DSG-style yes/no checks (check contract v2).

An evaluator is independent only if it reads the prompt for itself. So this package is its own parser, written
apart from the judge's chunker (reading.py) and the generator's parse (scene.py), and imports neither (a test
walks its imports). What it shares with them is English: the world's word meanings (concepts.py: lemma,
singular and plural, verb lemma; vocabulary.py: colour, number, scene, light and style words), as a real
evaluator and a real image model share a language without sharing code.

How it reads (a small chunk grammar over tokens, Davidsonian Scene Graph style, Cho et al. arXiv 2310.18235):
- quoted text (double, curly or single quotes) is cut out first: a text check on the noun that carries it;
- the rest is tagged word by word: determiners, numbers, quantifiers, negators, relation phrases (longest
  first: "on the bottom of" = below, "on (the) side of" = next to, "in front of", "between X and Y", ...),
  other prepositions, copulas, pronouns and verbs (an "-ing" form, a third-person "-s" or a past "-ed" after a
  noun phrase: an action, never an object, so "the blanket contrasted" asks for no "contrasted" and
  "taking photos" is the action take with object photo);
- runs of the remaining words are noun phrases: the last word is the head, noun-like words right before it
  are kept with it ("laptop bag", "pencil holder", "Rubik's cube": one thing), the words before that are
  colours, attributes (each with its kind from ATTRIBUTE_KINDS, general English) or counts;
- a colour of a background ("a white cat on a blue background") belongs to the backdrop (a scene check),
  never to the object in front of it; scene, light and style words give image-wide checks.
Children (count, colour, attribute, action, position, relation, text on a noun) name their subject's entity
check as parent; entity, scene, light, style and absent checks have none.

Word lists here are general English (what a dictionary says a word is), not any benchmark's vocabulary.

The package, bottom to top (each module imports only those before it):
- words.py: word lists and predicates over one word (general English: what a word is);
- rewrites.py: plain-text rewrites of the prompt before it is cut into tokens;
- tokens.py: the token, tokenising and the passes over tokens before tagging;
- settings.py: image-wide settings said as tag lists (styles, picture properties, photo kinds);
- tagging.py: each token's part of speech in its sentence (_tag);
- phrases.py: a noun phrase read from a run of tagged tokens (_Phrase, _phrase);
- reader.py: the checks written (_Reader: entities, ids, questions, naming which one);
- parser.py: the chunk grammar over the tagged tokens (_Parser), clause by clause;
- this __init__: the entry points, read_prompt and checks_from_prompt (capped at MAX_CHECKS).
"""

from __future__ import annotations

import re

from .. import vocabulary as vocab
from .parser import _Parser
from .words import _TEXT_NOUNS, ATTRIBUTE_KINDS, singular_noun
from .words import _is_past as _is_past  # asked of single words by the tests

__all__ = ["ATTRIBUTE_KINDS", "MAX_CHECKS", "checks_from_prompt", "read_prompt", "singular_noun"]


MAX_CHECKS = 30  # the evaluation checks schema's maxItems


_CSV_CELL = re.compile(r'^\s*"((?:[^"]|"")*""(?:[^"]|"")*)"\s*$')
_WRAPPED = re.compile(r'^\s*(?:"([^"]+)"|“([^”]+)”)\s*[.!]?\s*$')


# A headline before a colon that opens a caption: "SDCC 2012: Agent M poses with ...", "bullets: Set of nine icons"
_HEADLINE = re.compile(r"^\s*(?P<title>[^:\"'“”‘’,.;]{1,40}?)\s*:\s+(?P<caption>\S.*)$", re.DOTALL)


def _without_headline(prompt: str) -> str:
    """A stock listing's or a news photo's caption often opens with a headline and a colon ("Formation flyers: The
    four Blades planes fly ...", "kılıç : the duel of two samurai ..."): the headline names no thing in the
    picture (it asked "Is there a kılıç?", "Is there a sdcc 2012?"); the caption after it is what the picture
    shows. A headline is short (four words at most), says no "a" or "an" ("a breakfast table: two eggs, toast"
    is a thing, then what is on it) and no text word ("Text: hello"), and a caption of four words or more
    follows."""
    match = _HEADLINE.match(prompt)
    if match is None:
        return prompt
    title = match.group("title").lower().split()
    if (
        len(title) > 4
        or len(match.group("caption").split()) < 4
        or any(w in {"a", "an"} or w in _TEXT_NOUNS for w in title)
        # "sunset: a lone tree on a hill": a light or a setting said first is the picture's, no headline
        or any(w in vocab.LIGHT_WORDS or w in vocab.SCENE_WORDS for w in title)
    ):
        return prompt
    return match.group("caption")


def read_prompt(prompt: str) -> list[dict]:
    """Every check this reading finds in the prompt, uncapped (coverage measures all of them). A prompt wrapped
    whole in quotes is the prompt, not a text to render (“a painting of a dark room ...”)."""
    escaped = _CSV_CELL.match(prompt or "")
    if escaped:
        # a prompt pasted as a spreadsheet cell ('"a set of ""Merryman"" plates, 39"" table"'): the cell's text,
        # its doubled quotes single again (it asked for the text 'blend in your setting: ... 39')
        prompt = escaped.group(1).replace('""', '"')
    wrapped = _WRAPPED.match(prompt or "")
    if wrapped and len((wrapped.group(1) or wrapped.group(2) or "").split()) > 4:
        prompt = wrapped.group(1) or wrapped.group(2)
    return _Parser(_without_headline(prompt or "")).run()


def checks_from_prompt(prompt: str) -> list[dict]:
    """The evaluator's checks (contract v2): at most MAX_CHECKS, renumbered c1.., parents kept (a child whose
    parent fell beyond the cap goes with it). A question asked again ("bus behind car. ... bus behind car", "the
    person has their right arm ..., their right arm ...") is asked once: one property, one check, and its
    children hang on the first asking (a repeat would count one property twice in the evaluator's score)."""
    kept: list[dict] = []
    ids: dict[str, str] = {}
    asked: dict[str, str] = {}
    for check in read_prompt(prompt):
        parent = check.get("parent")
        if parent is not None and parent not in ids:
            continue
        key = check["question"]
        if key in asked:
            ids[check["id"]] = asked[key]
            continue
        if len(kept) >= MAX_CHECKS:
            break
        ids[check["id"]] = asked[key] = f"c{len(kept) + 1}"
        renumbered = {**check, "id": ids[check["id"]]}
        if parent is not None:
            renumbered["parent"] = ids[parent]
        kept.append(renumbered)
    return kept
