"""Style presets (prompts/styles.json): the names the run setting `style` takes, and how each is applied to a
generator's request. Where the model's family has a native style field (model registry generatorFamilies.
<family>.nativeStyle: Nova Canvas's textToImageParams.style, TEXT_IMAGE only) and the preset names a value for
it, that field carries the style; otherwise the preset's phrase is added to the prompt and its negative terms
to the negative prompt. The judge is told the preset's description and checks it; the rewriter is told it too."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from imagegate_service import prompts, registry

STYLES_FILE = "styles.json"
NO_STYLE = "(none)"  # what the judge and the rewriter are told for a run without a style


@dataclass(frozen=True)
class StylePreset:
    name: str
    display_name: str
    period: str | None
    description: str  # what the judge checks the image against
    prompt: str  # the phrase added to the prompt where no native field carries the style
    negative: str  # comma-separated terms added to the negative prompt with the phrase
    native: dict[str, str]  # generator family -> the value of its native style field


@dataclass(frozen=True)
class StyleApplication:
    """How a preset reaches one request: a native field's value, or a phrase and negative terms (or nothing)."""

    native: str | None = None
    phrase: str | None = None
    negative_terms: tuple[str, ...] = ()


@cache
def presets() -> dict[str, StylePreset]:
    document: dict[str, Any] = prompts.schema(STYLES_FILE)
    return {
        name: StylePreset(
            name=name,
            display_name=spec["displayName"],
            period=spec.get("period"),
            description=spec["description"],
            prompt=spec["prompt"],
            negative=spec.get("negative", ""),
            native=dict(spec.get("native", {})),
        )
        for name, spec in document["styles"].items()
    }


def names() -> list[str]:
    return list(presets())


def preset(name: str) -> StylePreset:
    """The preset of this name (KeyError for a name that is not one; the run request's schema refuses it first)."""
    return presets()[name]


def description(name: str | None) -> str:
    """What the judge and the rewriter are told about a run's style."""
    return preset(name).description if name else NO_STYLE


def application(name: str | None, model: registry.GeneratorModel, task: str) -> StyleApplication:
    """How the style `name` goes into a request of `task` (TEXT_IMAGE, IMAGE_VARIATION, INPAINTING, text-to-image,
    image-to-image) to `model`."""
    if not name:
        return StyleApplication()
    chosen = preset(name)
    field = model.native_style
    value = chosen.native.get(model.family)
    if field and value and task in field["taskTypes"] and value in model.style_values:
        return StyleApplication(native=value)
    terms = tuple(term.strip() for term in chosen.negative.split(",") if term.strip())
    return StyleApplication(phrase=chosen.prompt, negative_terms=terms)
