"""The model registry (model_registry.json): ids, request limits, allowed sizes, prices and lifecycle
of every Bedrock model imagegate calls. Code asks it questions; it never hard-codes a model fact."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any, cast

_REGISTRY_FILE = Path(__file__).with_name("model_registry.json")


@cache
def _registry() -> dict[str, Any]:
    return cast("dict[str, Any]", json.loads(_REGISTRY_FILE.read_text(encoding="utf-8")))


GENEVAL_TASKS = ("single_object", "two_object", "counting", "colors", "position", "color_attr")


@dataclass(frozen=True)
class GenEvalRow:
    """The published GenEval row (Ghosh et al., arXiv 2310.11513) a generator is calibrated to: the offline world
    draws with error rates fitted to it (imagegate/local/world/profiles.py). `hand` is how the row was read:
    P (the primary source), T (the paper's own table through a mirror) or S (second-hand only);
    `assumption` says why a row of another model stands in when none was published for this one."""

    calibrated_to: str  # the model whose published row this is
    scores: dict[str, float]  # GENEVAL_TASKS and "overall"
    source: str
    table: str
    hand: str
    assumption: str | None

    @property
    def own(self) -> bool:
        """Whether the row was published for this very model (not a stand-in)."""
        return self.assumption is None


@dataclass(frozen=True)
class GeneratorModel:
    model_id: str
    spec: dict[str, Any]

    @property
    def name(self) -> str:
        return f"{self.spec['displayName']} ({self.model_id})"

    @property
    def family(self) -> str:
        """The request format the model speaks: titan, nova-canvas (both TEXT_IMAGE) or stability."""
        return str(self.spec["family"])

    @property
    def geneval(self) -> GenEvalRow:
        """The GenEval row this generator is calibrated to (its own, or a stand-in named by `assumption`)."""
        row = self.spec["geneval"]
        return GenEvalRow(
            calibrated_to=str(row["calibratedTo"]),
            scores={task: float(row["row"][task]) for task in (*GENEVAL_TASKS, "overall")},
            source=str(row["source"]),
            table=str(row["table"]),
            hand=str(row["hand"]),
            assumption=row.get("assumption"),
        )

    @property
    def prompt_max_chars(self) -> int:
        return int(self.spec["promptMaxChars"])

    @property
    def negative_prompt_max_chars(self) -> int:
        return int(self.spec["negativePromptMaxChars"])

    @property
    def seed_max(self) -> int:
        return int(self.spec["seedMax"])

    @property
    def takes_cfg_scale(self) -> bool:
        return self.spec.get("cfgScale") is not None

    @property
    def cfg_scale_range(self) -> tuple[float, float] | None:
        """The allowed cfgScale range, or None for a model that takes no cfgScale (Stability)."""
        cfg = self.spec.get("cfgScale")
        return (cfg["min"], cfg["max"]) if cfg else None

    @property
    def default_cfg_scale(self) -> float | None:
        cfg = self.spec.get("cfgScale")
        return cfg["default"] if cfg else None

    @property
    def qualities(self) -> list[str]:
        """The quality tiers the model is priced (and asked) at: standard, and premium where it exists."""
        return [key for key, tiers in self.spec["pricesUsd"].items() if isinstance(tiers, list)]

    @property
    def output_formats(self) -> list[str]:
        return list(self.spec.get("outputFormats", ["png"]))

    @property
    def aspect_ratios(self) -> dict[str, tuple[int, int]]:
        """For a model that takes an aspect ratio instead of a size: each ratio and the size it draws."""
        rule = self.spec["sizes"]
        if rule["rule"] != "aspectRatios":
            return {}
        return {ratio: (size[0], size[1]) for ratio, size in rule["ratios"].items()}

    def aspect_ratio(self, width: int, height: int) -> str:
        """The aspect ratio whose output size is width x height (ValueError when no ratio draws that size)."""
        for ratio, size in self.aspect_ratios.items():
            if size == (width, height):
                return ratio
        raise ValueError(self.size_problem(width, height) or f"{self.name} takes no aspect ratio")

    def size_problem(self, width: int, height: int) -> str | None:
        """Why this model would reject width x height, or None when it accepts it."""
        rule = self.spec["sizes"]
        if rule["rule"] == "aspectRatios":
            if (width, height) in self.aspect_ratios.values():
                return None
            allowed = ", ".join(f"{w}x{h} ({ratio})" for ratio, (w, h) in self.aspect_ratios.items())
            return (
                f"{width}x{height} is not a size {self.name} draws; it takes an aspect ratio, "
                f"and each one has one size: {allowed}"
            )
        if rule["rule"] == "list":
            if [width, height] in rule["allowed"]:
                return None
            allowed = ", ".join(f"{w}x{h}" for w, h in rule["allowed"])
            return f"{width}x{height} is not a size {self.name} allows; allowed: {allowed}"
        low, high, step = rule["minSide"], rule["maxSide"], rule["multipleOf"]
        for side, value in (("width", width), ("height", height)):
            if not low <= value <= high or value % step:
                return f"{side} {value} must be between {low} and {high} and divisible by {step} for {self.name}"
        if max(width, height) / min(width, height) > rule["maxAspectRatio"]:
            return f"aspect ratio {width}:{height} is beyond 1:{rule['maxAspectRatio']:g} for {self.name}"
        if width * height >= rule["maxPixelsExclusive"]:
            return f"{width}x{height} has {width * height} pixels; {self.name} needs fewer than {rule['maxPixelsExclusive']}"
        return None

    @property
    def edit(self) -> dict[str, Any] | None:
        """How the model edits an image (its registry entry's `edit`), or None for a model that only draws from text."""
        return cast("dict[str, Any] | None", self.spec.get("edit"))

    @property
    def can_edit(self) -> bool:
        return self.edit is not None

    @property
    def edit_masks(self) -> bool:
        """Whether an edit can be confined to a region named in words (a mask prompt: INPAINTING)."""
        return bool(self.edit and self.edit.get("masks"))

    @property
    def edit_strength_range(self) -> tuple[float, float] | None:
        """image-to-image strength's range (Stability), or None for a model that edits otherwise."""
        strength = (self.edit or {}).get("strength")
        return (float(strength["min"]), float(strength["max"])) if strength else None

    def edit_task(self, task: str) -> dict[str, Any]:
        """One edit task's facts (IMAGE_VARIATION, INPAINTING: its params field and limits); KeyError otherwise."""
        return cast("dict[str, Any]", (self.edit or {}).get("tasks", {})[task])

    @property
    def edit_tasks(self) -> list[str]:
        return list((self.edit or {}).get("tasks", {}))

    @property
    def native_style(self) -> dict[str, Any] | None:
        """The request field a style preset may set for this model's family (Nova Canvas's style), or None."""
        return cast("dict[str, Any] | None", _registry()["generatorFamilies"][self.family].get("nativeStyle"))

    @property
    def style_values(self) -> list[str]:
        """The values the native style field takes (empty for a model without one)."""
        return list(self.spec.get("styles", []))

    @property
    def bills_filtered_images(self) -> bool:
        """Whether Bedrock charges for an image this model drew but its content filter withheld (the
        registry's billing policy per family, with its source; True is the conservative reading)."""
        return bool(_registry()["generatorFamilies"][self.family]["billsFilteredImages"])

    def price_per_image(self, width: int, height: int, quality: str) -> float:
        if quality not in self.qualities:
            raise ValueError(f"{self.name} has no {quality!r} quality; it offers {', '.join(self.qualities)}")
        pixels = width * height
        for tier in self.spec["pricesUsd"][quality]:
            if tier["maxPixels"] is None or pixels <= tier["maxPixels"]:
                return float(tier["perImage"])
        raise AssertionError("the last price tier has no pixel limit")


@dataclass(frozen=True)
class TextModel:
    model_id: str
    spec: dict[str, Any]

    @property
    def vision(self) -> bool:
        return bool(self.spec["vision"])

    @property
    def foundation_model(self) -> str:
        return str(self.spec["foundationModel"])

    @property
    def tool_use(self) -> bool:
        """Whether the model answers Converse with a forced tool (the judge and the rewriter need it)."""
        return bool(self.spec.get("toolUse", False))

    @property
    def offline_only(self) -> bool:
        """A stand-in of the local runtime (the offline world's ground truth): never deployable."""
        return bool(self.spec.get("offlineOnly", False))

    def token_cost(self, input_tokens: int, output_tokens: int) -> float:
        return (
            float(
                input_tokens * self.spec["usdPerMillionInputTokens"]
                + output_tokens * self.spec["usdPerMillionOutputTokens"]
            )
            / 1_000_000
        )


@dataclass(frozen=True)
class Lifecycle:
    """A model's Bedrock lifecycle as the registry records it (status, end-of-life date, successor, source)."""

    model_id: str
    status: str  # ACTIVE | LEGACY | EOL
    end_of_life: date | None
    successor: str | None
    source: str
    checked_on: str
    verified: bool = True  # False when the registry could not confirm the status on a primary AWS page

    def retired_on(self, today: date) -> bool:
        """True once Bedrock refuses requests: the status is EOL or the end-of-life date has come."""
        return self.status == "EOL" or (self.end_of_life is not None and today >= self.end_of_life)


def _spec(model_id: str) -> dict[str, Any]:
    data = _registry()
    if model_id in data["generators"]:
        return cast("dict[str, Any]", data["generators"][model_id])
    services = data["imageServices"]
    if model_id in services["models"]:  # the Image Services share one lifecycle, region and Marketplace record
        return {
            **services["models"][model_id],
            "lifecycle": services["lifecycle"],
            "regions": services["regions"],
            "marketplace": services["marketplace"],
        }
    return cast("dict[str, Any]", data["textModels"][model_id])


def model_ids() -> list[str]:
    """Every model id the registry knows: generators first, then text models."""
    return generator_ids() + text_model_ids()


def lifecycle(model_id: str) -> Lifecycle:
    """The recorded lifecycle of a model (KeyError for an id the registry does not know)."""
    spec = _spec(model_id)["lifecycle"]
    end = spec.get("endOfLife")
    return Lifecycle(
        model_id=model_id,
        status=spec["status"],
        end_of_life=date.fromisoformat(end) if end else None,
        successor=spec.get("successor"),
        source=spec.get("source", ""),
        checked_on=spec.get("checkedOn", ""),
        verified=spec.get("verified", True),
    )


def regions(model_id: str) -> tuple[str, ...]:
    """Regions where the model (or, for an inference profile, its source region) can be called."""
    return tuple(_spec(model_id).get("regions", ()))


def inference_profile_regions() -> dict[str, tuple[str, ...]]:
    """Regions a cross-region inference profile may route to, by its id's prefix (us, eu, apac): the registry's one
    table (`inferenceProfileRegions`), which the stack's IAM grants follow."""
    table = _registry()["inferenceProfileRegions"]
    return {prefix: tuple(regions) for prefix, regions in table.items() if isinstance(regions, list)}


def marketplace_product_id(model_id: str) -> str | None:
    """The AWS Marketplace product a third-party model is sold as (Bedrock subscribes the account to it on the first
    invoke, and the caller's role needs the Marketplace actions for that); None for a model not sold through
    Marketplace (Amazon's own), which needs no subscription. Source: the registry's `marketplace` entry."""
    marketplace = _spec(model_id).get("marketplace") or {}
    product_id = marketplace.get("productId")
    return str(product_id) if product_id else None


def sold_through_marketplace(model_id: str) -> bool:
    """A third-party model Bedrock subscribes the account to through AWS Marketplace (the registry has a
    `marketplace` entry for it, whether or not its product id is known); Amazon's own models are not."""
    return bool(_spec(model_id).get("marketplace"))


def generator_ids() -> list[str]:
    return list(_registry()["generators"])


def text_model_ids(vision_only: bool = False, include_offline_only: bool = False) -> list[str]:
    """Bedrock text models; offline-only stand-ins (the evaluator's ground truth) only when asked for."""
    return [
        m
        for m, spec in _registry()["textModels"].items()
        if (spec["vision"] or not vision_only) and (include_offline_only or not spec.get("offlineOnly", False))
    ]


def generator(model_id: str) -> GeneratorModel:
    return GeneratorModel(model_id, _registry()["generators"][model_id])


def text_model(model_id: str) -> TextModel:
    return TextModel(model_id, _registry()["textModels"][model_id])


def default_model(role: str) -> str:
    """The default model id for a role: generator, judge, rewriter or evaluator."""
    return str(_registry()["defaults"][role])


def same_text_model(first: str, second: str) -> bool:
    """Whether two text model ids reach the same model (an inference profile and its foundation model do)."""
    return text_model(first).foundation_model == text_model(second).foundation_model


def offline_default_models() -> dict[str, str]:
    """Roles whose default differs on the embedded local runtime (the evaluator is the world's ground truth)."""
    return {role: model for role, model in _registry().get("offlineDefaults", {}).items() if not role.startswith("_")}


def document() -> dict[str, Any]:
    """The whole registry as data (a copy), for readers that need more than one model's facts."""
    import copy

    return copy.deepcopy(_registry())


def tool_call_max_tokens() -> int:
    """maxTokens for a Converse call with a forced tool: room for Nova's reasoning before the tool input."""
    return int(_registry()["converse"]["toolCallMaxTokens"])


def converse_input_tokens_bound(texts: list[str], image_sizes: list[tuple[int, int]]) -> int:
    """An upper bound of a Converse call's input tokens: its texts by UTF-8 bytes, its images by pixels."""
    bound = _registry()["converse"]["inputTokenBound"]
    text_tokens = sum(len(text.encode("utf-8")) for text in texts) * bound["perUtf8Byte"]
    per_image = bound["perImage1024x1024"]
    image_tokens = sum(
        -(-per_image * max(width * height, 1024 * 1024) // (1024 * 1024)) for width, height in image_sizes
    )
    return int(text_tokens + image_tokens)


@dataclass(frozen=True)
class VerifierService:
    """An AWS service that verifies images (the registry's `services`): what each call is billed, where it runs."""

    name: str
    spec: dict[str, Any]

    def price_per_image(self, *features: str) -> float:
        """What one call on one image costs: each feature it asks for is billed as an image (DetectLabels with
        GENERAL_LABELS and IMAGE_PROPERTIES is two; DetectText is its own)."""
        prices = self.spec["usdPerImage"]
        return float(sum(prices[feature] for feature in features))

    @property
    def regions(self) -> tuple[str, ...]:
        return tuple(self.spec.get("regions", ()))

    @property
    def max_image_bytes(self) -> int:
        """The largest image the service takes as bytes in the request (an S3 object may be larger)."""
        return int(self.spec["maxImageBytes"])


def verifier_service(name: str) -> VerifierService:
    """A verifier service by its setting value (`rekognition`); KeyError for one the registry does not know."""
    return VerifierService(name, _registry()["services"][name])


@dataclass(frozen=True)
class ImageService:
    """A Stability AI Image Service on Bedrock (the registry's `imageServices`): the request fields it takes with
    their limits, the input image's limits, what size it answers, and its price per call."""

    model_id: str
    spec: dict[str, Any]

    @property
    def name(self) -> str:
        return f"{self.spec['displayName']} ({self.model_id})"

    @property
    def fields(self) -> dict[str, dict[str, Any]]:
        """Each request field Bedrock takes: type (string, integer, number, image), required, and its limits."""
        return cast("dict[str, dict[str, Any]]", self.spec["fields"])

    def field_range(self, name: str) -> tuple[float, float]:
        rule = self.fields[name]
        return float(rule["min"]), float(rule["max"])

    def field_default(self, name: str) -> Any:
        return self.fields[name].get("default")

    @property
    def price_per_call_usd(self) -> float:
        """One call draws one image and is billed one image, whatever its size."""
        return float(self.spec["perImageUsd"])

    @property
    def output(self) -> dict[str, Any]:
        """What size the answer is: same (as the input), extended (by left/right/up/down) or scaled (by `scale`)."""
        return cast("dict[str, Any]", self.spec["output"])

    def output_size(self, width: int, height: int, extend: dict[str, int] | None = None) -> tuple[int, int]:
        """The size this service answers for a width x height input (outpaint: extended by its extents)."""
        kind = self.output["size"]
        if kind == "extended":
            sides = extend or {}
            return width + sides.get("left", 0) + sides.get("right", 0), height + sides.get("up", 0) + sides.get(
                "down", 0
            )
        if kind == "scaled":
            scale = float(self.output["scale"])
            cap = self.output.get("maxPixels")
            if cap is not None and width * height * scale * scale > cap:
                scale = (cap / (width * height)) ** 0.5
            return max(1, int(width * scale)), max(1, int(height * scale))
        return width, height

    def image_problem(self, width: int, height: int) -> str | None:
        """Why this service would refuse a width x height input image, or None when it takes it."""
        rule = self.spec["image"]
        if min(width, height) < rule["minSide"]:
            return f"each side must be at least {rule['minSide']} pixels for {self.name}, not {width}x{height}"
        if "maxSide" in rule and max(width, height) > rule["maxSide"]:
            return f"each side must be at most {rule['maxSide']} pixels for {self.name}, not {width}x{height}"
        pixels = width * height
        if not rule["minPixels"] <= pixels <= rule["maxPixels"]:
            return f"{width}x{height} has {pixels} pixels; {self.name} takes {rule['minPixels']} to {rule['maxPixels']}"
        return None


def image_service(model_id: str) -> ImageService:
    """An Image Service by model id (KeyError for one the registry does not know)."""
    return ImageService(model_id, _registry()["imageServices"]["models"][model_id])


def image_service_ids() -> list[str]:
    return list(_registry()["imageServices"]["models"])


def image_service_for(operation: str) -> ImageService:
    """The service that performs an enhance operation (remove-background, upscale:fast, recolor ...)."""
    return image_service(str(_registry()["imageServices"]["operations"][operation]))


def image_service_operations() -> list[str]:
    return list(_registry()["imageServices"]["operations"])
