"""The offline rewriter: applies the judge's suggestions by adding the exact phrases they quote to
the prompt (and the nouns they name to the negative prompt), keeping every word of the original and
staying within the model's character limit."""

from __future__ import annotations

import re

# How a detail that is still wrong gets restated, in turn (a real rewriter words it anew each time).
STRESS_LEADS = ("important", "crucial", "must show")
_QUOTED = re.compile(r'"((?:[^"\\]|\\.)+)"')


def _phrase(suggestion: str) -> str | None:
    match = _QUOTED.search(suggestion)
    return match.group(1).replace('\\"', '"') if match else None


def rewrite_prompt(
    original_prompt: str, current_prompt: str, suggestions: list[str], max_chars: int, negative_prompt: str = ""
) -> dict:
    additions, negatives, changes = [], [t.strip() for t in negative_prompt.split(",") if t.strip()], []
    for suggestion in suggestions:
        phrase = _phrase(suggestion)
        if not phrase:
            continue
        if "negative prompt" in suggestion:
            for noun in (n.strip() for n in phrase.split(",")):
                if noun and noun not in negatives:
                    negatives.append(noun)
                    changes.append(f'negative prompt: added "{noun}"')
        elif phrase.lower() not in current_prompt.lower():
            if phrase not in additions:
                additions.append(phrase)
                changes.append(f'added "{phrase}"')
        else:
            # Already asked for and still wrong: restate it with more weight, in words not yet used.
            fresh = [
                f"{lead}: {phrase}"
                for lead in STRESS_LEADS
                if f"{lead}: {phrase}".lower() not in current_prompt.lower()
            ]
            if fresh and fresh[0] not in additions:
                additions.append(fresh[0])
                changes.append(f'stressed "{phrase}"')
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
