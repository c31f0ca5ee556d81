"""Issue 22.5 (c): the cited rewriting ablation, rerun in the world.

Published (LLM prompt rewriting, one image per prompt, no selection; FLUX.1-dev on GenEval, BAGEL's table,
read through a mirror [T]; /work/shared/reference/judging.md "More anchors"): overall 0.66 -> 0.82, position
0.22 -> 0.68, colour attribution 0.45 -> 0.65. Here: GenEval's 553 prompts, one image each at the default
settings, scored by the ground truth on GenEval's own expectations (an item passes when every check does),
as written and as four rewrites that never see an image or a verdict:
- `reword`: the offline rewriter's restatement without judge feedback (rewrite.py: layout, colour clauses,
  counts in a row), the `reword` benchmark arm's first rewrite;
- `emphasis`: "important:" before the prompt, "clearly" before each colour and "exactly" before each number;
- `repeat`: the prompt said twice;
- `restate`: the prompt, then "important: " and the prompt again (the rewriter's old way of stressing).
The world must give the last three at most +0.05 over as-written (wording is not content); `reword` may gain
what the content changes are anchored to. The generator sees only the prompt text.
"""

from __future__ import annotations

import re
from concurrent.futures import ProcessPoolExecutor

from imagegate_service.expected_checks import checks_from_expected
from imagegate_service.settings import DEFAULTS

from . import vocabulary as vocab
from .calibration import TASKS, load_geneval
from .perceive import perceive
from .render import render_png
from .rewrite import rewrite_prompt
from .truth import satisfied

VARIANTS = ("as written", "reword", "emphasis", "repeat", "restate")
WORDING_ONLY = ("emphasis", "repeat", "restate")
WORDING_TOLERANCE = 0.05  # issue 22.3: restating the same content adds at most this, absolute
# FLUX.1-dev before -> after LLM rewriting (BAGEL's table [T]); None: not in the table we could read.
PUBLISHED = {
    "overall": (0.66, 0.82),
    "position": (0.22, 0.68),
    "color_attr": (0.45, 0.65),
    "single_object": (0.98, None),
    "two_object": (0.81, None),
    "counting": (0.74, None),
    "colors": (0.79, None),
}
_COLOURS = "|".join(sorted({*vocab.COLOURS, *vocab.COLOUR_SYNONYMS}, key=len, reverse=True))
_NUMBERS = "|".join(sorted((w for w in vocab.NUMBER_WORDS if w not in {"a", "an"}), key=len, reverse=True))


def emphasised(prompt: str) -> str:
    text = re.sub(rf"\b({_COLOURS})\b", r"clearly \1", prompt)
    text = re.sub(rf"\b({_NUMBERS}|\d+)\b", r"exactly \1", text)
    return f"important: {text}"


def variant(prompt: str, name: str, max_chars: int = 10000) -> str:
    if name == "reword":
        return str(rewrite_prompt(prompt, prompt, [], max_chars)["prompt"])
    if name == "emphasis":
        return emphasised(prompt)
    if name == "repeat":
        return f"{prompt}. {prompt}"
    if name == "restate":
        return f"{prompt}, important: {prompt}"
    return prompt


def _passes(job: tuple[dict, str, int, int, int]) -> bool:
    item, name, seed, width, height = job
    percept = perceive(render_png(variant(item["prompt"], name), "", seed, width, height))
    return all(satisfied(check, percept) for check in checks_from_expected(item))


def run(
    items: list[dict] | None = None,
    seeds: tuple[int, ...] | None = None,
    workers: int = 2,
    size: int = 512,
    variants: tuple[str, ...] = VARIANTS,
) -> dict[str, dict[str, float]]:
    """variant -> task (and "overall": GenEval's mean of the task scores) -> single-shot pass rate."""
    items = load_geneval() if items is None else items
    seeds = (int(DEFAULTS["seed"]),) if seeds is None else seeds
    jobs = [(item, name, seed, size, size) for name in variants for seed in seeds for item in items]
    if workers <= 1:
        outcomes = [_passes(job) for job in jobs]
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            outcomes = list(pool.map(_passes, jobs, chunksize=32))
    tally: dict[str, dict[str, list[bool]]] = {name: {} for name in variants}
    for (item, name, _, _, _), passed in zip(jobs, outcomes, strict=True):
        tally[name].setdefault(item["tag"], []).append(passed)
    rates: dict[str, dict[str, float]] = {}
    for name, by_task in tally.items():
        rates[name] = {task: sum(v) / len(v) for task, v in by_task.items()}
        tasks = [rates[name][t] for t in TASKS if t in rates[name]]
        rates[name]["overall"] = sum(tasks) / len(tasks) if tasks else 0.0
    return rates


def table(rates: dict[str, dict[str, float]]) -> str:
    tasks = [t for t in (*TASKS, "overall") if t in rates["as written"]]
    lines = [
        "Rewriting ablation (22.5c): GenEval single-shot ground-truth pass, as written vs rewritten without feedback",
        "  published: LLM rewriting on FLUX.1-dev (BAGEL's table [T]) before -> after",
        f"  {'task':<14}" + "".join(f"{name:>11}" for name in VARIANTS) + f"{'FLUX before':>13}{'after':>7}",
    ]
    for task in tasks:
        before, after = PUBLISHED.get(task, (None, None))
        lines.append(
            f"  {task:<14}"
            + "".join(f"{rates[name][task]:>11.2f}" for name in VARIANTS)
            + f"{before if before is not None else '-':>13}{after if after is not None else '-':>7}"
        )
    base = rates["as written"]["overall"]
    for name in VARIANTS[1:]:
        lift = rates[name]["overall"] - base
        bound = f" (wording only: must be <= +{WORDING_TOLERANCE:.2f})" if name in WORDING_ONLY else ""
        lines.append(f"  {name}: {lift:+.3f} overall{bound}")
    return "\n".join(lines)


if __name__ == "__main__":
    print(table(run()))
