"""Enhancement of a finished image: the operations a request may ask for, read from the API's JSON or the CLI's
`--op` words, and checked before anything starts.

An enhancement is an ordered list of operations, each applied to the previous one's output (the first to the
run's final image). Each operation is one call to a Stability AI Image Service on Bedrock (the model registry's
`imageServices`), except `erase`, whose service takes a mask and no words: its mask is drawn from the detector's
boxes of the named object. A request that breaks a rule is refused with the field and the limit named, and
nothing is started.

An operation that can run without Bedrock (LOCAL_FALLBACK_OPERATIONS: upscale and remove-background) may say
`allowLocalFallback: true`: when the budget leaves no room for its call or the service is unavailable to the
account (domain/enhancements.py: fallback_reason), it then runs locally (adapters/local_imaging.py) instead of
failing. Nothing falls back unless the request says so."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from imagegate_service import registry
from imagegate_service.errors import (
    InvalidRequest,
    ModelAccessDenied,
    ModelNotFound,
    ModelRequestRejected,
    ModelRetired,
)

# An enhancement's status (its item in the runs table, GET .../enhancements): the store writes a step only while it is
# open (adapters/enhancements.py), as its execution may still run.
ENHANCEMENT_QUEUED = "QUEUED"
ENHANCEMENT_RUNNING = "RUNNING"
ENHANCEMENT_SUCCEEDED = "SUCCEEDED"
ENHANCEMENT_FAILED = "FAILED"
ENHANCEMENT_STATUSES = (ENHANCEMENT_QUEUED, ENHANCEMENT_RUNNING, ENHANCEMENT_SUCCEEDED, ENHANCEMENT_FAILED)
ENHANCEMENT_OPEN_STATUSES = (ENHANCEMENT_QUEUED, ENHANCEMENT_RUNNING)
MAX_OPERATIONS = 6  # an enhancement is a short chain; each operation is a billed call and a workflow task
OPERATIONS = ("remove-background", "replace-background", "outpaint", "upscale", "recolor", "replace", "erase")
UPSCALE_MODES = ("fast", "conservative", "creative")
OUTPAINT_SIDES = ("left", "right", "up", "down")
# What each operation's JSON may hold besides `op` (and what it must).
_FIELDS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "remove-background": (frozenset(), frozenset()),
    "replace-background": (frozenset({"prompt"}), frozenset({"prompt"})),
    "outpaint": (frozenset({"prompt", *OUTPAINT_SIDES}), frozenset()),
    "upscale": (frozenset({"mode", "prompt"}), frozenset({"mode"})),
    "recolor": (frozenset({"object", "colour"}), frozenset({"object", "colour"})),
    "replace": (frozenset({"object", "with"}), frozenset({"object", "with"})),
    "erase": (frozenset({"object"}), frozenset({"object"})),
}
# The words an object, a colour or a replacement may be: short phrases, as Search and Replace/Recolor take them.
WORDS_MAX_CHARS = 200
# The background Search and Replace looks for when replace-background asks for a new one.
BACKGROUND_SEARCH_PROMPT = "background"
# The operations a library can do without a model or downloaded weights (adapters/local_imaging.py): resampling
# and GrabCut. The others (recolor, replace, erase, outpaint, a new background) need a generative model.
LOCAL_FALLBACK_OPERATIONS = ("remove-background", "upscale")
ALLOW_LOCAL_FALLBACK = "allowLocalFallback"  # the request's field, on an operation and on the enhance request
# Bedrock's answer to a model id the region does not serve: ValidationException "The provided model identifier is
# invalid." (e.g. Nova Canvas called in us-west-2 before it was offered there:
# https://github.com/aws-samples/amazon-bedrock-workshop/issues/340); the adapter reads it as ModelRequestRejected.
MODEL_NOT_IN_REGION_MARK = "model identifier is invalid"


def unavailable_reason(error: BaseException) -> str | None:
    """Why a service's call was refused in a way that waiting will not cure, or None: the account has no access
    (ModelAccessDenied: not subscribed, IAM), the model is retired (ModelRetired), unknown here (ModelNotFound:
    ResourceNotFoundException) or not offered in this region (MODEL_NOT_IN_REGION_MARK). Bedrock bills none of
    these (it answered no image). Shared by the enhancement's local fallback (domain/enhancements.py) and a
    targeted round's fallback to drawing (domain/generating.py); throttling, passing faults, filters, a rejected
    request and a bad answer are not unavailability."""
    if isinstance(error, (ModelAccessDenied, ModelRetired, ModelNotFound)):
        return f"model unavailable ({type(error).__name__}): {error}"
    if isinstance(error, ModelRequestRejected) and MODEL_NOT_IN_REGION_MARK in str(error).lower():
        return f"model unavailable in this region: {error}"
    return None


@dataclass(frozen=True)
class EnhanceOperation:
    """One operation of an enhancement, as checked (see parse_operations)."""

    op: str
    mode: str | None = None  # upscale: fast | conservative | creative
    prompt: str | None = None  # replace-background's new background; outpaint's and upscale's optional guidance
    target: str | None = None  # recolor / replace / erase: the object, in words ("the cup")
    colour: str | None = None  # recolor: the colour to paint it
    replacement: str | None = None  # replace: what takes its place
    extend: tuple[tuple[str, int], ...] = ()  # outpaint: pixels per side, only the sides asked for
    allow_local: bool = False  # upscale / remove-background: may run locally when Bedrock cannot serve it

    @property
    def service_key(self) -> str:
        """The registry's name of the operation: `upscale:<mode>` for an upscale, else the operation."""
        return f"upscale:{self.mode}" if self.op == "upscale" else self.op

    @property
    def model_id(self) -> str:
        return registry.image_service_for(self.service_key).model_id

    @property
    def price_usd(self) -> float:
        return registry.image_service_for(self.service_key).price_per_call_usd

    @property
    def sides(self) -> dict[str, int]:
        return dict(self.extend)

    def to_dict(self) -> dict[str, Any]:
        """The operation as the API takes it (and the workflow's input carries it)."""
        data: dict[str, Any] = {"op": self.op}
        for key, value in (
            ("mode", self.mode),
            ("prompt", self.prompt),
            ("object", self.target),
            ("colour", self.colour),
            ("with", self.replacement),
        ):
            if value is not None:
                data[key] = value
        data.update(self.sides)
        if self.allow_local:
            data[ALLOW_LOCAL_FALLBACK] = True
        return data

    def describe(self) -> str:
        """One line for people: what the operation does."""
        if self.op == "upscale":
            return f"upscale ({self.mode})"
        if self.op == "recolor":
            return f"recolor {self.target} {self.colour}"
        if self.op == "replace":
            return f"replace {self.target} with {self.replacement}"
        if self.op == "erase":
            return f"erase {self.target}"
        if self.op == "outpaint":
            return "outpaint " + ", ".join(f"{side} {pixels}px" for side, pixels in self.extend)
        if self.op == "replace-background":
            return f"replace the background with {self.prompt}"
        return self.op


@dataclass(frozen=True)
class ServiceRequest:
    """One operation on one image: the source PNG, the seed, the words the run was drawn from (the upscalers'
    prompt when the operation gives none) and, for erase, the mask (white: what to erase)."""

    operation: EnhanceOperation
    source_png: bytes
    seed: int = 0
    context_prompt: str = ""
    mask_png: bytes | None = None

    @property
    def model_id(self) -> str:
        return self.operation.model_id


def _words(field: str, value: Any, limit: int = WORDS_MAX_CHARS) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidRequest(field, "must be non-empty text")
    if len(value) > limit:
        raise InvalidRequest(field, f"must be at most {limit} characters, not {len(value)}")
    return value.strip()


def parse_operation(index: int, item: Any, field: str = "operations") -> EnhanceOperation:
    """One operation of the API's `operations` list (or a run request's `finish`), checked (InvalidRequest naming
    operations[i].<field>)."""
    at = f"{field}[{index}]"
    if not isinstance(item, dict):
        raise InvalidRequest(at, 'must be an object such as {"op": "upscale", "mode": "conservative"}')
    op = item.get("op")
    if op not in OPERATIONS:
        raise InvalidRequest(f"{at}.op", f"must be one of {', '.join(OPERATIONS)}, not {op!r}")
    allow_local = local_fallback_flag(f"{at}.{ALLOW_LOCAL_FALLBACK}", item.get(ALLOW_LOCAL_FALLBACK, False))
    if allow_local and op not in LOCAL_FALLBACK_OPERATIONS:
        raise InvalidRequest(
            f"{at}.{ALLOW_LOCAL_FALLBACK}",
            f"{op} cannot run locally (only {' and '.join(LOCAL_FALLBACK_OPERATIONS)} can); leave it out or false",
        )
    item = {key: value for key, value in item.items() if key != ALLOW_LOCAL_FALLBACK}
    return replace(_parse_fields(at, op, item), allow_local=allow_local)


def local_fallback_flag(field: str, value: Any) -> bool:
    """allowLocalFallback: true or false, nothing else (a "yes" or 1 is refused naming the field)."""
    if not isinstance(value, bool):
        raise InvalidRequest(field, f"must be true or false, not {value!r}")
    return value


def _parse_fields(at: str, op: str, item: dict[str, Any]) -> EnhanceOperation:
    allowed, required = _FIELDS[op]
    extra = sorted(set(item) - allowed - {"op"})
    if extra:
        known = ", ".join(sorted(allowed)) or "no other field"
        raise InvalidRequest(f"{at}.{extra[0]}", f"is not a field of {op} (it takes {known})")
    for name in sorted(required - set(item)):
        raise InvalidRequest(f"{at}.{name}", f"is required for {op}")
    prompt_limit = _prompt_limit(op, item.get("mode"))
    prompt = _words(f"{at}.prompt", item["prompt"], prompt_limit) if "prompt" in item else None
    if op == "upscale":
        mode = item["mode"]
        if mode not in UPSCALE_MODES:
            raise InvalidRequest(f"{at}.mode", f"must be one of {', '.join(UPSCALE_MODES)}, not {mode!r}")
        if prompt is not None and mode == "fast":
            raise InvalidRequest(f"{at}.prompt", "fast upscale takes no prompt (conservative and creative do)")
        return EnhanceOperation(op, mode=mode, prompt=prompt)
    if op == "outpaint":
        service = registry.image_service_for("outpaint")
        low, high = (int(bound) for bound in service.field_range("left"))
        extend = []
        for side in OUTPAINT_SIDES:
            if side not in item:
                continue
            pixels = item[side]
            if not isinstance(pixels, int) or isinstance(pixels, bool) or not low <= pixels <= high:
                raise InvalidRequest(f"{at}.{side}", f"must be a whole number of pixels from {low} to {high}")
            if pixels:
                extend.append((side, pixels))
        if not extend:
            raise InvalidRequest(at, f"outpaint needs at least one of {', '.join(OUTPAINT_SIDES)} above 0 pixels")
        return EnhanceOperation(op, prompt=prompt, extend=tuple(extend))
    target = _words(f"{at}.object", item["object"]) if "object" in item else None
    if op == "recolor":
        return EnhanceOperation(op, target=target, colour=_words(f"{at}.colour", item["colour"]))
    if op == "replace":
        return EnhanceOperation(op, target=target, replacement=_words(f"{at}.with", item["with"]))
    return EnhanceOperation(op, prompt=prompt, target=target)


def _prompt_limit(op: str, mode: Any) -> int:
    """The prompt's limit: the service's own maxLength (10,000 for Stability's)."""
    key = f"upscale:{mode}" if op == "upscale" and mode in UPSCALE_MODES else op
    if key == "upscale:fast" or key not in registry.image_service_operations():
        return WORDS_MAX_CHARS
    rule = registry.image_service_for(key).fields.get("prompt")
    return int(rule["maxLength"]) if rule else WORDS_MAX_CHARS


def parse_operations(value: Any, field: str = "operations") -> list[EnhanceOperation]:
    """The API's `operations` (or a run request's `finish`): 1..MAX_OPERATIONS operations, in the order they apply."""
    if not isinstance(value, list) or not value:
        raise InvalidRequest(field, f"must be a list of 1 to {MAX_OPERATIONS} operations")
    if len(value) > MAX_OPERATIONS:
        raise InvalidRequest(field, f"must hold at most {MAX_OPERATIONS} operations, not {len(value)}")
    return [parse_operation(index, item, field) for index, item in enumerate(value)]


def operation_from_words(index: int, text: str) -> dict[str, Any]:
    """A CLI `--op` as the API's JSON: remove-background, upscale:conservative, replace-background:<prompt>,
    outpaint:left=128,right=128[:<prompt>], recolor:<object>=<colour>, replace:<object>=<replacement>,
    erase:<object>. The JSON is checked by parse_operation like the API's."""
    op, _, rest = text.strip().partition(":")
    at = f"--op {index + 1}"
    if op == "upscale":
        return {"op": op, "mode": rest}
    if op == "replace-background":
        return {"op": op, "prompt": rest}
    if op == "outpaint":
        sides, _, prompt = rest.partition(":")
        item: dict[str, Any] = {"op": op}
        for part in filter(None, sides.split(",")):
            side, sep, pixels = part.partition("=")
            if not sep or not pixels.strip().isdigit():
                raise InvalidRequest(at, f"{part!r} is not SIDE=PIXELS (sides: {', '.join(OUTPAINT_SIDES)})")
            item[side.strip()] = int(pixels)
        if prompt:
            item["prompt"] = prompt
        return item
    if op in ("recolor", "replace"):
        target, sep, other = rest.partition("=")
        if not sep:
            example = "recolor:cup=red" if op == "recolor" else "replace:cat=dog"
            raise InvalidRequest(at, f"{op} needs OBJECT=VALUE, e.g. {example}")
        return {"op": op, "object": target, ("colour" if op == "recolor" else "with"): other}
    if op == "erase":
        return {"op": op, "object": rest}
    return {"op": op}


def enhancement_bound_usd(operations: list[EnhanceOperation]) -> float:
    """What the enhancement can cost at most: one billed call per operation, plus erase's detector call."""
    detector = registry.verifier_service("rekognition").price_per_image("GENERAL_LABELS")
    return round(sum(op.price_usd + (detector if op.op == "erase" else 0.0) for op in operations), 6)
