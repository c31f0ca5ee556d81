"""The offline rewriter: judge suggestions -> a more explicit prompt (prompts/rewrite.schema.json).

It keeps the original prompt's words, turns each suggestion into a plain sentence appended to
the prompt ("State that the cup is blue" -> "The cup is clearly blue."), restates a detail that
is still failing with more weight, moves unwanted things into the negative prompt as plain
nouns, and fits everything into max_chars by shortening wording before dropping anything.
"""

from __future__ import annotations

import re

from . import vocabulary as vocab
from .scene import LEXICON, SceneSpec, parse_prompt

_LEAD_IN = re.compile(
    r"^(?:please\s+)?(?:make it explicit that|make it clear that|make sure that|make sure|state clearly that|"
    r"state that|say explicitly that|say that|say|ask for|mention that|specify that|clarify that|"
    r"emphasi[sz]e that|emphasi[sz]e|describe|add that|show that|show)\s+", re.IGNORECASE)
_NEGATIVE = re.compile(r"add (.+?) to the negative prompt", re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_COLOUR_AFTER_COPULA = re.compile(r"\b(is|are)\s+(?!clearly\b)(" + "|".join(vocab.COLOURS) + r")\b", re.IGNORECASE)
_NUMBER_AFTER_THERE_ARE = re.compile(r"\bthere (are|is)\s+(?!exactly\b)(" + "|".join(vocab.NUMBER_NAMES.values()) + r"|\d+)\b", re.IGNORECASE)
RESTATE_PREFIX = "Important: "

# Shorter wording that the generator reads the same way, applied only when over the limit.
_COMPRESSIONS = (
    (" is clearly visible in the image", " is clearly visible"), (" side of the image", " side"),
    (" of the image", ""), ("clearly legible text that reads exactly", "legible text reading exactly"),
    ("the whole image is clearly in ", "clearly "), ("the scene is clearly lit by ", "clearly "),
    ("the setting is clearly ", "clearly "), (" right next to ", " next to "), ("Important: ", "Must: "),
)
_FILLER_KEEP = frozenset({"a", "an", "the", "of", "to", "and", "with", "in", "at", "is", "are", "that", "says", "reads", "no", "on"})
_KNOWN_WORDS = frozenset(word for phrase in LEXICON for word in phrase)


def clause_from(suggestion: str) -> str | None:
    """The sentence a suggestion asks to add, made explicit; None for negative-prompt-only advice."""
    if _NEGATIVE.search(suggestion) and ":" in suggestion and not suggestion.lower().startswith(("say", "state", "make")):
        return None
    text = _NEGATIVE.sub("", suggestion).strip().rstrip(".;: ")
    text = _LEAD_IN.sub("", text, count=1)
    text = _COLOUR_AFTER_COPULA.sub(lambda m: f"{m.group(1)} clearly {m.group(2)}", text)
    text = _NUMBER_AFTER_THERE_ARE.sub(lambda m: f"there {m.group(1)} exactly {m.group(2)}", text)
    parts = [p.strip() for p in re.split(r"\s*:\s*", text) if p.strip()]
    if not parts:
        return None
    return " ".join(p[0].upper() + p[1:] + "." for p in parts)


def negatives_from(suggestion: str) -> list[str]:
    match = _NEGATIVE.search(suggestion)
    if not match:
        return []
    return [n.strip() for n in re.split(r",|\band\b", match.group(1)) if n.strip()]


def _sentences(prompt: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(prompt.strip()) if s.strip()]


def _normal(text: str) -> str:
    return re.sub(r"\W+", " ", text.lower()).strip()


def keeps_details(original: SceneSpec, candidate: SceneSpec) -> bool:
    """Does the candidate prompt still ask for everything the original asked for?"""
    wanted = {(e.cls, e.colour) for e in original.entities}
    have = {(e.cls, e.colour) for e in candidate.entities}
    texts = {t.text.lower() for t in candidate.texts}
    return (wanted <= have and all(t.text.lower() in texts for t in original.texts)
            and all(getattr(original, k) in (None, getattr(candidate, k)) for k in ("scene", "light", "style")))


def _join(parts: list[str]) -> str:
    return " ".join(p.strip() for p in parts if p.strip())


def _shorten_wording(parts: list[str]) -> list[str]:
    shortened = []
    for part in parts:
        for long, short in _COMPRESSIONS:
            part = part.replace(long, short)
        shortened.append(part)
    return shortened


def _drop_filler(text: str, max_chars: int) -> str:
    """Remove words the scene parser doesn't need, last first, until the text fits."""
    words = text.split(" ")
    quoted = set()
    inside = False
    for k, word in enumerate(words):
        if word.count('"') % 2 == 1:
            inside = not inside
            quoted.add(k)
        elif inside or '"' in word:
            quoted.add(k)
    removable = [k for k, w in enumerate(words)
                 if k not in quoted and re.sub(r"\W", "", w.lower()) not in _KNOWN_WORDS | _FILLER_KEEP
                 and not re.sub(r"\W", "", w).isdigit()]
    removed: set[int] = set()
    for k in reversed(removable):
        if len(" ".join(w for i, w in enumerate(words) if i not in removed)) <= max_chars:
            break
        removed.add(k)
    return " ".join(w for i, w in enumerate(words) if i not in removed)


def _truncate(text: str, max_chars: int) -> str:
    if len(text) <= max_chars:
        return text
    cut = text[:max_chars]
    return cut[: cut.rfind(" ")].rstrip(" ,;") if " " in cut else cut


def fit(original: str, added: list[str], new: list[str], max_chars: int) -> tuple[str, bool]:
    """The prompt within max_chars: shorten wording, then drop old additions, then new ones,
    then filler words of the original; the original's details go last."""
    original_parts, added, new = [original], list(added), list(new)
    prompt = _join(original_parts + added + new)
    if len(prompt) <= max_chars:
        return prompt, False
    added, new = _shorten_wording(added), _shorten_wording(new)
    while len(_join(original_parts + added + new)) > max_chars and added:
        added.pop(0)
    while len(_join(original_parts + added + new)) > max_chars and new:
        new.pop()
    prompt = _join(original_parts + added + new)
    if len(prompt) > max_chars:
        prompt = _truncate(_drop_filler(prompt, max_chars), max_chars)
    return prompt, True


def _as_sentence(text: str) -> str:
    text = text.strip()
    return text if not text or text[-1] in ".!?" else text + "."


def _split_current(original_prompt: str, current_prompt: str, original_spec: SceneSpec) -> tuple[str, list[str]]:
    """(base, sentences added by earlier rounds). The base is the original prompt when the
    current one extends it, the current prompt when it was rewritten some other way but still
    keeps every detail, and the original again when details went missing."""
    original = _as_sentence(original_prompt)
    current = current_prompt.strip()
    if current.startswith(original_prompt.strip()):
        rest = current[len(original_prompt.strip()):].lstrip(".!? ")
        return original, _sentences(rest)
    if current and keeps_details(original_spec, parse_prompt(current)):
        return _as_sentence(current), []
    return original, []


def rewrite_prompt(original_prompt: str, current_prompt: str, suggestions: list[str], max_chars: int) -> dict:
    """A more explicit prompt from the judge's suggestions; never longer than max_chars."""
    original_spec = parse_prompt(original_prompt)
    base, added = _split_current(original_prompt, current_prompt, original_spec)
    changes: list[str] = []
    new: list[str] = []
    present = {_normal(s.removeprefix(RESTATE_PREFIX)) for s in added}
    restated = {_normal(s) for s in added if s.startswith(RESTATE_PREFIX)}
    negatives: list[str] = list(original_spec.excluded)
    for suggestion in suggestions:
        for noun in negatives_from(suggestion):
            if noun not in negatives:
                negatives.append(noun)
                changes.append(f"Moved unwanted {noun} to the negative prompt.")
        clause = clause_from(suggestion)
        if clause is None:
            continue
        if _normal(clause) in present:
            if _normal(RESTATE_PREFIX + clause) not in restated:
                new.append(RESTATE_PREFIX + clause)
                restated.add(_normal(RESTATE_PREFIX + clause))
                changes.append(f"Restated a detail that is still wrong: {clause}")
        else:
            new.append(clause)
            present.add(_normal(clause))
            changes.append(f"Made explicit: {clause}")
    prompt, shortened = fit(base, added, new, max_chars)
    if shortened:
        changes.append(f"Shortened the wording to stay within {max_chars} characters.")
    negative_prompt = _truncate(", ".join(negatives), max_chars)
    if not changes:
        changes.append("No suggestions to apply; the prompt is unchanged.")
    return {"prompt": prompt or _truncate(original_prompt, max_chars) or "image",
            "negativePrompt": negative_prompt,
            "changes": [c[:300] for c in changes[:8]]}
