"""GET /options: what a client needs to build a run form, read from the one place each fact is declared.

- `defaults`: every setting's default as this deployment applies it (settings.deployment_defaults()).
- `models`: per role, the model ids a run request may name here (the run request schema's enum, minus
  models this deployment has not deployed or Bedrock has retired: the same rules `check_deployed_models`
  applies to a request), each with its registry facts: display name, and for generators the sizes it
  draws, its quality tiers, cfgScale range, and prompt, negative prompt and seed limits.
- `statuses` / `terminalStatuses`: the statuses a generation can have (constants.py), for filters and polling.
- `requestSchema`: the run request's JSON Schema as the API validates it (ranges, enums, descriptions).

Read-only and the same for every caller; nothing here is copied from the registry or the settings."""

from __future__ import annotations

from typing import Any, NotRequired, TypedDict

from imagegate_service import constants as c
from imagegate_service import registry
from imagegate_service.allowed_models import deployed_models, model_roles, retirement_problem
from imagegate_service.domain.clock import utc_now
from imagegate_service.settings import deployment_defaults, run_request_schema

# Every status a generation can have: not ended yet, then the outcomes.
STATUSES = (*c.OPEN_STATUSES, *c.TERMINAL_STATUSES)


class SizeChoice(TypedDict):
    width: int
    height: int
    label: str  # "1024x1024", or "1024x576 (16:9)" for a model that takes an aspect ratio


class CfgScaleRange(TypedDict):
    min: float
    max: float
    default: float | None


class GeneratorOption(TypedDict):
    id: str
    name: str
    qualities: list[str]
    promptMaxChars: int
    negativePromptMaxChars: int
    seedMax: int
    cfgScale: CfgScaleRange | None  # None: the model takes no cfgScale
    sizes: NotRequired[list[SizeChoice]]  # a model with listed sizes or aspect ratios
    sizeRange: NotRequired[dict[str, float]]  # a model that draws any size within the registry's rule


class TextModelOption(TypedDict):
    id: str
    name: str
    vision: bool
    offlineOnly: bool


class RunOptions(TypedDict):
    """GET /options (see the module docstring)."""

    defaults: dict[str, Any]  # every run setting's default (settings.DEFAULTS' values: strings, numbers, lists)
    models: dict[str, list[GeneratorOption | TextModelOption]]  # per role
    statuses: list[str]
    terminalStatuses: list[str]
    requestSchema: dict[str, Any]  # a JSON Schema


def run_options() -> RunOptions:
    schema = run_request_schema()
    deployed = deployed_models()
    today = utc_now().date()
    models: dict[str, list[GeneratorOption | TextModelOption]] = {}
    for role in model_roles():
        allowed = [
            model_id
            for model_id in schema["properties"][role]["enum"]
            if (deployed is None or model_id in deployed.get(role, ()))
            and retirement_problem(model_id, today, role) is None
        ]
        models[role] = [_generator(model_id) if role == "generator" else _text_model(model_id) for model_id in allowed]
    return {
        "defaults": deployment_defaults(),
        "models": models,
        "statuses": list(STATUSES),
        "terminalStatuses": list(c.TERMINAL_STATUSES),
        "requestSchema": schema,
    }


def _generator(model_id: str) -> GeneratorOption:
    model = registry.generator(model_id)
    sizes = model.spec["sizes"]
    cfg = model.cfg_scale_range
    answer: GeneratorOption = {
        "id": model_id,
        "name": model.spec["displayName"],
        "qualities": model.qualities,
        "promptMaxChars": model.prompt_max_chars,
        "negativePromptMaxChars": model.negative_prompt_max_chars,
        "seedMax": model.seed_max,
        "cfgScale": ({"min": cfg[0], "max": cfg[1], "default": model.default_cfg_scale} if cfg else None),
    }
    if sizes["rule"] == "aspectRatios":
        answer["sizes"] = [
            {"width": w, "height": h, "label": f"{w}x{h} ({ratio})"} for ratio, (w, h) in model.aspect_ratios.items()
        ]
    elif sizes["rule"] == "list":
        answer["sizes"] = [{"width": w, "height": h, "label": f"{w}x{h}"} for w, h in sizes["allowed"]]
    else:  # any width and height within the range (the request's checks name the rule that fails)
        answer["sizeRange"] = {
            key: sizes[key] for key in ("minSide", "maxSide", "multipleOf", "maxAspectRatio", "maxPixelsExclusive")
        }
    return answer


def _text_model(model_id: str) -> TextModelOption:
    model = registry.text_model(model_id)
    return {
        "id": model_id,
        "name": model.spec.get("displayName", model_id),
        "vision": model.vision,
        "offlineOnly": model.offline_only,
    }
