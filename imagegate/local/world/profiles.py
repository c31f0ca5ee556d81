"""Per-generator error rates of the offline generator (render.py), one profile per published GenEval row.

The model registry says which GenEval row each generator is calibrated to (registry.GeneratorModel.geneval:
SD3.5 Large's own row; Stable Image Core/Ultra use SD3.5 Large's and Titan v2/Nova Canvas use SDXL's, each
marked there as an assumption). A profile holds the structural rates the generator draws with (per object,
per extra object, per counted item, per colour binding, per relation), fitted so that single-shot accuracy
measured by the ground truth on GenEval's 553 prompts (calibration.py, GenEval's protocol of 4 images per
prompt) lands on that row. Fitting to a published row is calibration: nothing here looks at the loop.

How the rates were fitted. Each GenEval task is moved mainly by one rate: single object by DROP_BASE, two
object by DROP_PER_EXTRA_OBJECT, colors by COLOUR_ERROR_BASE, counting by COUNT_ERROR_BASE (COUNT_ERROR_PER_ITEM
keeps SDXL's slope: three and four are harder than two), position by RELATION_FOLLOW (RELATION_SWAP_SHARE kept),
color attribution by COLOUR_ERROR_PER_EXTRA. SD3.5 Large's rates were found by reasoned iteration from SDXL's:
each task's pass chance was inverted for its rate (two object ~ (1 - drop)^2; color attribution ~
(1 - drop)^2 (1 - colour error)^2; position ~ (1 - drop)^2 (follow + (1 - follow)(1 - swap) p_random), p_random
read off the measured figure), then measured at 3 seeds x 4 images per prompt; two rounds, and a third step
for color attribution (0.12 -> 0.11) after the drawing gained extras and duplicates (its 3-seed mean had
fallen to 0.46). Measured then (calibration.py, ground truth): seed 42 0.975, 0.902, 0.722, 0.835, 0.312,
0.492 (0.706); seed 7 0.988, 0.904, 0.738, 0.838, 0.343, 0.440 (0.709); seed 2026 0.994, 0.902, 0.725, 0.840,
0.372, 0.490 (0.720).
When the drawing changes, `python -m imagegate.local.world.profiles [model id]` re-fits the same rates by
bisection on the mean over FIT_SEEDS (slow: minutes) and prints them to copy here.

Rates GenEval does not measure (adjectives, small objects, scene/light/style, text, stray objects, negation,
artifacts) have no published per-model figure we could find: they keep SDXL's values for every profile,
an assumption (SD3.5 is reported to render text better; without a number the world does not guess how much).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from functools import cache

from imagegate_service import registry


@dataclass(frozen=True)
class Profile:
    """The generator's error rates; each is a probability per detail (see render.py for where each applies)."""

    name: str  # the model whose GenEval row the rates are fitted to
    drop_base: float  # an object missing from a one-object prompt
    drop_per_extra_object: float  # ... each further object in the prompt makes every drop likelier
    drop_max: float
    count_error_base: float  # a stated count of two comes out wrong
    count_error_per_item: float  # ... each further item adds this
    count_error_max: float
    colour_error_base: float  # one colour binding in the prompt
    colour_error_per_extra: float  # ... each further colour binding (attribute leakage)
    colour_leak_share: float  # a wrong colour is another object's colour this often
    relation_follow: float  # a relation is laid out as asked; otherwise ...
    relation_swap_share: float  # ... the roles are swapped this often, else placement ignores it
    position_error: float  # an absolute position ("on the left of the image") is not honoured
    attribute_error: float  # an adjective with no colour rendering ("fluffy") is not realised
    small_object_base: float  # an object is drawn small ...
    small_object_per_extra: float  # ... likelier in a crowded prompt
    setting_error: dict[str, float] = field(hash=False)  # scene, light, style lost or wrong
    text_error: float = 0.35  # quoted text garbled ...
    text_error_per_char: float = 0.015  # ... likelier the longer it is
    distractor: float = 0.1  # an unrequested object appears
    negated_drawn: float = 0.45  # "no cars": drawn anyway (negation is a known blind spot)
    artifacts: float = 0.08


# SDXL: GenEval Table 2 (arXiv 2310.11513) 0.98, 0.74, 0.39, 0.85, 0.15, 0.23 (0.55) [S]; the rates the world
# drew with before per-generator calibration (fitted to that row then, checked again by calibration.py).
SDXL = Profile(
    name="SDXL",
    drop_base=0.02,
    drop_per_extra_object=0.11,
    drop_max=0.5,
    count_error_base=0.47,
    count_error_per_item=0.12,
    count_error_max=0.85,
    colour_error_base=0.13,
    colour_error_per_extra=0.32,
    colour_leak_share=0.6,
    relation_follow=0.04,
    relation_swap_share=0.5,
    position_error=0.4,
    attribute_error=0.25,
    small_object_base=0.06,
    small_object_per_extra=0.04,
    setting_error={"scene": 0.06, "light": 0.1, "style": 0.12},
)

# SD3.5 Large: 0.98, 0.89, 0.73, 0.83, 0.34, 0.47 (0.71) [T] (registry: stability.sd3-5-large-v1:0 geneval).
# Fitted as the module doc says; the rates GenEval does not measure are SDXL's (an assumption, see there).
SD35_LARGE = replace(
    SDXL,
    name="Stable Diffusion 3.5 Large",
    drop_base=0.02,
    drop_per_extra_object=0.037,
    count_error_base=0.13,
    colour_error_base=0.15,
    colour_error_per_extra=0.11,
    relation_follow=0.29,
)

PROFILES = {profile.name: profile for profile in (SDXL, SD35_LARGE)}


@cache
def profile_for(generator: str | None = None) -> Profile:
    """The profile of a generator model id (None: the registry's default generator), by the GenEval row the
    registry says it is calibrated to. KeyError for a model id the registry does not know or a row without
    fitted rates."""
    model_id = generator or registry.default_model("generator")
    row = registry.generator(model_id).geneval
    return PROFILES[row.calibrated_to]


def rate_names() -> list[str]:
    return [f.name for f in fields(Profile) if f.name != "name"]


# ---------------------------------------------------------------- fitting (a tool, not used at run time)

FIT_SEEDS = (101, 102, 103, 104, 105, 106)
# (task, rate): raising the rate lowers the task's accuracy, except relation_follow, which raises it
FIT_ORDER = (
    ("single_object", "drop_base"),
    ("two_object", "drop_per_extra_object"),
    ("colors", "colour_error_base"),
    ("counting", "count_error_base"),
    ("position", "relation_follow"),
    ("color_attr", "colour_error_per_extra"),
)


def fit(generator: str, start: Profile | None = None, steps: int = 9, workers: int = 2) -> Profile:
    """Bisect each rate of FIT_ORDER in turn until its task's mean accuracy (FIT_SEEDS x 4 images per prompt)
    meets the generator's published row; prints each step. Slow (minutes): run by hand, then copy the rates."""
    from . import calibration

    row = registry.generator(generator).geneval.scores
    profile = start or profile_for(generator)
    items = calibration.load_geneval()
    for task, rate in FIT_ORDER:
        mine = [item for item in items if item["tag"] == task]
        low, high = 0.0, 1.0
        for _ in range(steps):
            value = (low + high) / 2
            trial = replace(profile, **{rate: value})
            accuracy = calibration.mean_task_accuracy(mine, trial, FIT_SEEDS, workers=workers)
            print(f"  {task:<14} {rate:<24} {value:.4f} -> {accuracy:.3f} (row {row[task]:.2f})", flush=True)
            # relation_follow raises accuracy; every other rate lowers it
            too_accurate = accuracy > row[task]
            if (rate == "relation_follow") != too_accurate:
                low = value
            else:
                high = value
        profile = replace(profile, **{rate: round((low + high) / 2, 3)})
    return profile


if __name__ == "__main__":
    import sys

    fitted = fit(sys.argv[1] if len(sys.argv) > 1 else registry.default_model("generator"))
    print({name: getattr(fitted, name) for name in rate_names()})
