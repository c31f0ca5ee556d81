"""The offline rewriter: applies the judge's suggestions by adding the phrases they quote to the prompt
(and the nouns they name to the negative prompt), keeping every word of the original and staying within
the model's character limit.

Like the LLM rewriters whose effect was measured (LLM prompt rewriting on FLUX.1-dev in GenEval, BAGEL's
table; see render.py), it also changes HOW a detail is asked, not only how loudly: a relation becomes an
explicit layout in the frame ("the dog on the left side of the image, the cat on the right side of the
image"), each colour gets a clause of its own ("the bench is red"), a count is laid out in a row. It reads
the quoted phrases, and the original prompt, with the judge's reading (reading.py: a model reading English),
never with the generator's parse. Without suggestions (the `reword` arm, which never sees the verdict) it
restates the original prompt that way from the prompt alone.
"""

from __future__ import annotations

import re

from . import vocabulary as vocab
from .concepts import plural
from .reading import checks_from_prompt

# How a detail that is still wrong and has no other way to be asked gets restated, in turn (a real rewriter
# words it anew each time; the world gives this no weight: wording is not content).
STRESS_LEADS = ("important", "crucial", "must show")
_QUOTED = re.compile(r'"((?:[^"\\]|\\.)+)"')
# A 2D relation laid out in the frame: (where the subject goes, where the object goes).
_LAYOUTS = {
    "left of": ("on the left side of the image", "on the right side of the image"),
    "right of": ("on the right side of the image", "on the left side of the image"),
    "above": ("in the upper part of the image", "in the lower part of the image"),
    "below": ("in the lower part of the image", "in the upper part of the image"),
}


def _phrase(suggestion: str) -> str | None:
    match = _QUOTED.search(suggestion)
    return match.group(1).replace('\\"', '"') if match else None


def explicit_restatement(text: str) -> list[str]:
    """What `text` asks for, asked the explicit way: one phrase per 2D relation (its layout in the frame),
    per colour (a clause of its own) and per stated count above one (laid out in a row)."""
    out = []
    for check in checks_from_prompt(text):
        kind, subject = check["kind"], check.get("subject", "")
        if kind == "relation" and check.get("relation") in _LAYOUTS:
            here, there = _LAYOUTS[check["relation"]]
            out.append(f"the {subject} {here}, the {check['object']} {there}")
        elif kind == "colour":
            out.append(f"the {subject} is {check['colour']}")
        elif kind == "count" and not check.get("at_least") and int(check.get("count", 1)) > 1:
            number = vocab.NUMBER_NAMES.get(int(check["count"]), str(check["count"]))
            out.append(f"{number} {plural(subject)} side by side in a row")
    return list(dict.fromkeys(out))


def rewrite_prompt(
    original_prompt: str, current_prompt: str, suggestions: list[str], max_chars: int, negative_prompt: str = ""
) -> dict:
    additions, negatives, changes = [], [t.strip() for t in negative_prompt.split(",") if t.strip()], []

    def add(phrase: str, change: str) -> bool:
        if phrase.lower() in current_prompt.lower() or phrase in additions:
            return False
        additions.append(phrase)
        changes.append(change)
        return True

    for suggestion in suggestions:
        phrase = _phrase(suggestion)
        if not phrase:
            continue
        if "negative prompt" in suggestion:
            for noun in (n.strip() for n in phrase.split(",")):
                if noun and noun not in negatives:
                    negatives.append(noun)
                    changes.append(f'negative prompt: added "{noun}"')
            continue
        asked = phrase.lower() in current_prompt.lower()
        add(phrase, f'added "{phrase}"')
        explicit = [add(p, f'laid out "{p}"') for p in explicit_restatement(phrase)]
        if asked and not any(explicit):
            # Already asked for, still wrong, and no other way to ask: restate it in words not yet used.
            fresh = [
                f"{lead}: {phrase}"
                for lead in STRESS_LEADS
                if f"{lead}: {phrase}".lower() not in current_prompt.lower()
            ]
            if fresh:
                add(fresh[0], f'stressed "{phrase}"')
    if not suggestions:
        # No verdict to read (the reword arm): restate the original more explicitly, from the prompt alone.
        current_prompt = original_prompt
        for phrase in explicit_restatement(original_prompt):
            add(phrase, f'laid out "{phrase}"')
    prompt = _join(current_prompt, additions)
    if len(prompt) > max_chars:
        # Start again from the original: earlier additions are dropped before the new ones.
        prompt = _join(original_prompt, additions)
        while len(prompt) > max_chars and additions:
            dropped = additions.pop(0)
            changes.append(f'dropped "{dropped}" to stay within {max_chars} characters')
            prompt = _join(original_prompt, additions)
        if len(prompt) > max_chars:
            prompt = prompt[:max_chars].rsplit(" ", 1)[0].rstrip(" ,")
            changes.append(f"shortened to {max_chars} characters")
    if not changes:
        changes.append("no actionable suggestion; prompt restated")
    return {"prompt": prompt, "negativePrompt": ", ".join(negatives), "changes": changes[:8]}


def _join(base: str, additions: list[str]) -> str:
    base = base.strip().rstrip(".")
    return ", ".join([base, *additions]) if additions else base
