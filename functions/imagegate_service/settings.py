"""The run request: its JSON Schema, the defaults of every setting (defined here and nowhere else),
and the model-specific rules a schema cannot express. Bad input becomes an InvalidRequest that names
the field and the allowed range."""

from __future__ import annotations

import copy
import json
import math
import os
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any, cast

from imagegate_service import prompts, registry, styles
from imagegate_service.allowed_models import active_models, check_deployed_models, deployed_models
from imagegate_service.constants import (
    DEFAULT_RUN_TTL_DAYS,
    DEPRECATED_STRATEGIES,
    ENV_DAILY_BUDGET_USD,
    ENV_DEFAULTS,
    ENV_RUN_TTL_DAYS,
    EVALUATION_RELATIONS,
    EVALUATION_TWO_OBJECT_RELATIONS,
    REVIEW_FINAL,
    REVIEW_NONE,
    STRATEGIES,
    STRATEGY_AUTO,
    STRATEGY_REFINE,
    VERIFIER_NONE,
    VERIFIER_REKOGNITION,
    VERIFIERS,
)
from imagegate_service.domain.clock import utc_now
from imagegate_service.domain.costs import round_cost_floor
from imagegate_service.domain.enhancing import parse_operations
from imagegate_service.domain.model_calls import ANSWERS_SCHEMA
from imagegate_service.domain.state import Settings
from imagegate_service.errors import InvalidRequest
from imagegate_service.expected_checks import ExpectationError, checks_from_expected

# what a review run needs beyond its review waits before the retention (runRetentionDays) may remove its items
REVIEW_RETENTION_MARGIN_SECONDS = 3600

_SCHEMA_FILE = Path(__file__).parent / "schemas" / "run_request.schema.json"

DEFAULTS: dict[str, Any] = {
    "threshold": 7.5,
    "maxRounds": 4,
    "generator": registry.default_model("generator"),
    "judge": registry.default_model("judge"),
    "rewriter": registry.default_model("rewriter"),
    "evaluator": registry.default_model("evaluator"),
    "verifier": VERIFIER_REKOGNITION,  # the gate also grounds the judge's checks with Amazon Rekognition
    "width": 1024,
    "height": 1024,
    "seed": 42,
    "negativePrompt": "",
    "candidatesPerRound": 1,
    "maxCostUsd": 1.0,
    "quality": "standard",
    "strategy": STRATEGY_AUTO,
    "review": REVIEW_NONE,
    "reviewTimeoutSeconds": 24 * 3600,  # how long a run waits for its review before it ends EXHAUSTED
}
MAX_ROUNDS_HARD_CAP = 10


@cache
def run_request_schema() -> dict[str, Any]:
    """The run request's JSON Schema, model ids filled in from the registry (the API reuses it)."""
    schema = json.loads(_SCHEMA_FILE.read_text(encoding="utf-8"))
    properties = schema["properties"]
    properties["generator"]["enum"] = registry.generator_ids()
    # The widest limits any generator has; each model's own limit is checked after the schema (_check_model_rules).
    generators = [registry.generator(model_id) for model_id in registry.generator_ids()]
    properties["prompt"]["maxLength"] = max(model.prompt_max_chars for model in generators)
    properties["negativePrompt"]["maxLength"] = max(model.negative_prompt_max_chars for model in generators)
    properties["seed"]["maximum"] = max(model.seed_max for model in generators)
    properties["judge"]["enum"] = registry.text_model_ids(vision_only=True)
    properties["rewriter"]["enum"] = registry.text_model_ids()
    properties["evaluator"]["enum"] = registry.text_model_ids(vision_only=True, include_offline_only=True)
    properties["strategy"]["enum"] = list(STRATEGIES)
    properties["verifier"]["enum"] = list(VERIFIERS)
    properties["style"]["enum"] = styles.names()
    return cast("dict[str, Any]", schema)


def deployment_defaults() -> dict[str, Any]:
    """DEFAULTS, with the deployment's own choices (IMAGEGATE_DEFAULT_* variables) applied over them."""
    defaults = dict(DEFAULTS)
    for field, variable in ENV_DEFAULTS.items():
        value = os.environ.get(variable)
        if not value:
            continue
        try:
            defaults[field] = float(value) if field == "threshold" else type(DEFAULTS[field])(value)
        except ValueError:
            raise InvalidRequest(field, f"the deployment default {variable}={value!r} is not a valid {field}") from None
        if isinstance(defaults[field], float) and not math.isfinite(defaults[field]):
            raise InvalidRequest(field, f"the deployment default {variable}={value!r} is not a finite number")
    return defaults


def daily_budget_cap() -> float | None:
    """The deployment's daily cap in USD (IMAGEGATE_DAILY_BUDGET_USD, read on each use), or None when there is
    none (unset or empty); InvalidRequest naming dailyBudgetUsd when it is not a positive amount."""
    raw = os.environ.get(ENV_DAILY_BUDGET_USD, "").strip()
    if not raw:
        return None
    try:
        cap = float(raw)
    except ValueError:
        cap = math.nan
    if not math.isfinite(cap) or cap <= 0:
        raise InvalidRequest(
            "dailyBudgetUsd", f"the deployment's {ENV_DAILY_BUDGET_USD}={raw!r} is not a positive amount"
        )
    return cap


def run_ttl_days() -> int:
    """How long a run's items live before DynamoDB's TTL removes them (the deployment's run retention)."""
    return int(os.environ.get(ENV_RUN_TTL_DAYS, DEFAULT_RUN_TTL_DAYS))


def resolve_settings(request: Any) -> Settings:
    """Validate a run request and return every setting with its default applied."""
    request = _with_current_names(request)
    _check_schema(request)
    settings = {**deployment_defaults(), **_whole_numbers_as_integers(copy.deepcopy(request))}
    model = registry.generator(settings["generator"])
    if model.takes_cfg_scale:
        settings.setdefault("cfgScale", model.default_cfg_scale)
    elif "cfgScale" in settings:
        raise InvalidRequest("cfgScale", f"{model.name} takes no cfgScale; leave it out")
    _check_schema(settings)  # the deployment's defaults obey the same limits as a request
    checked = cast("Settings", settings)  # every field held to the request schema, every default applied
    check_deployed_models(checked)  # only models this deployment may call (and none that are retired)
    _check_model_rules(checked, model)
    _check_review_fits_retention(checked)
    if "finish" in checked:  # checked as an enhancement's operations are, so a bad one starts no run
        settings["finish"] = [operation.to_dict() for operation in parse_operations(settings["finish"], "finish")]
    return checked


def _check_review_fits_retention(settings: Settings) -> None:
    """With review final a run may wait reviewTimeoutSeconds after each of its rounds: all of it must end before
    the deployment's retention (runRetentionDays: DynamoDB TTL, S3 lifecycle) removes the run's items and images,
    or the reviewer would be shown a run that is gone."""
    if settings.get("review") != REVIEW_FINAL:
        return
    rounds, wait = int(settings["maxRounds"]), int(settings["reviewTimeoutSeconds"])
    kept = run_ttl_days() * 24 * 3600
    if rounds * wait + REVIEW_RETENTION_MARGIN_SECONDS > kept:
        longest = (kept - REVIEW_RETENTION_MARGIN_SECONDS) // rounds
        raise InvalidRequest(
            "reviewTimeoutSeconds",
            f"{rounds} reviews of up to {wait} s each could outlast the {run_ttl_days()} days this deployment keeps "
            f"a run (runRetentionDays); with maxRounds {rounds} the limit is {max(longest, 0)} s",
        )


def check_request_fields(request: Any) -> None:
    """A run request's fields against the schema alone (no defaults applied, no model rules), with the same
    InvalidRequest messages: for settings given apart from a run, e.g. a benchmark suite item's."""
    _check_schema(_with_current_names(request))


def _with_current_names(request: Any) -> Any:
    """A request with deprecated setting values under their current names: strategy "rewrite" (before issue 14)
    is "regenerate" (constants.DEPRECATED_STRATEGIES; the run's settings record the current name)."""
    strategy = request.get("strategy") if isinstance(request, dict) else None
    if isinstance(strategy, str) and strategy in DEPRECATED_STRATEGIES:  # not a string: the schema says so
        return {**request, "strategy": DEPRECATED_STRATEGIES[strategy]}
    return request


def _whole_numbers_as_integers(request: dict[str, Any]) -> dict[str, Any]:
    """JSON Schema counts 2.0 as an integer; Bedrock does not. Send integer settings as ints."""
    integer_fields = [
        name for name, rule in run_request_schema()["properties"].items() if rule.get("type") == "integer"
    ]
    return {
        key: int(value) if key in integer_fields and isinstance(value, float) else value
        for key, value in request.items()
    }


def _check_schema(request: Any) -> None:
    import jsonschema  # imported here, not at module load: it is the heaviest import of a cold start

    if not isinstance(request, dict):
        raise InvalidRequest("request", f"must be a JSON object with at least a prompt, not {type(request).__name__}")
    _check_values(request)
    validator = jsonschema.Draft202012Validator(run_request_schema())
    errors = sorted(validator.iter_errors(request), key=lambda e: (list(e.path), e.validator))
    # A prompt longer than the widest generator's limit: quote the chosen generator's limit, not the widest one.
    if errors and not [e for e in errors if e.validator != "maxLength" or list(e.path) not in _TEXT_PATHS]:
        generator = request.get("generator") or deployment_defaults()["generator"]
        if generator in registry.generator_ids():
            _check_text_lengths(request, registry.generator(generator))
    if errors:
        raise _as_invalid_request(errors[0])


_TEXT_FIELDS = ("prompt", "negativePrompt")
_TEXT_PATHS = [[field] for field in _TEXT_FIELDS]


def _check_values(value: Any, path: tuple[str, ...] = ()) -> None:
    """What JSON Schema lets through: NaN and Infinity (Python's json reads them; every range test is false for
    NaN) anywhere in the request, text that is not Unicode anywhere in it (a lone UTF-16 surrogate such as
    "\\ud800", which JSON's escapes allow: nothing can store or send it, so it was a 500), and control characters
    in the texts sent to the models: C0 except tab and newline, DEL and C1 (a NUL byte in a prompt was drawn and
    passed)."""
    field = ".".join(path) or "request"
    if isinstance(value, float) and not math.isfinite(value):
        raise InvalidRequest(field, f"must be a finite number, not {value!r}")
    if isinstance(value, str):
        check_encodable(field, value)
    if isinstance(value, dict):
        for key, item in value.items():
            check_encodable(f"{field} key", str(key))
            _check_values(item, (*path, str(key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check_values(item, (*path, str(index)))
    elif isinstance(value, str) and len(path) == 1 and path[0] in _TEXT_FIELDS:
        for position, char in enumerate(value):
            if is_control_character(char):
                raise InvalidRequest(
                    field,
                    f"contains the control character U+{ord(char):04X} at position {position}; "
                    "only tab and newline are allowed",
                )


def check_encodable(field: str, text: str) -> None:
    """InvalidRequest naming `field` when `text` holds a lone UTF-16 surrogate (U+D800-U+DFFF), which no UTF-8
    text can carry; `field` itself may hold one (a key), so it is named with the surrogate escaped."""
    for position, char in enumerate(text):
        if 0xD800 <= ord(char) <= 0xDFFF:
            raise InvalidRequest(
                field.encode("utf-8", "backslashreplace").decode("utf-8"),
                f"contains the lone surrogate U+{ord(char):04X} at position {position}; text must be valid Unicode",
            )


def is_control_character(char: str) -> bool:
    """A C0 control other than tab and newline, DEL, or a C1 control: refused in a run's text fields and a
    review's feedback (domain/review.py), where it would corrupt a terminal or a page that shows the text."""
    code = ord(char)
    return (code < 0x20 and char not in "\t\n") or 0x7F <= code <= 0x9F


def _check_text_lengths(request: Mapping[str, Any], model: registry.GeneratorModel) -> None:
    """The prompt and negative prompt against the chosen generator's own limits."""
    for field, limit in (("prompt", model.prompt_max_chars), ("negativePrompt", model.negative_prompt_max_chars)):
        text = request.get(field)
        if isinstance(text, str) and len(text) > limit:
            raise InvalidRequest(field, f"is {len(text)} characters; {model.name} accepts at most {limit}")


def _as_invalid_request(error: Any) -> InvalidRequest:
    """Turn a jsonschema error into a sentence that names the field and its limit."""
    field = ".".join(str(p) for p in error.path) or "request"
    rule = error.schema if isinstance(error.schema, dict) else {}
    value = error.instance
    if error.validator == "required":
        missing = ".".join([*(str(p) for p in error.path), error.message.split("'")[1]])  # expected.include.0.count
        return InvalidRequest(missing, "is required")
    if error.validator == "additionalProperties":
        allowed = ", ".join(sorted(rule.get("properties", {})))
        return InvalidRequest(_unknown_field(error), f"is not a known setting; allowed: {allowed}")
    if error.validator == "type":
        return InvalidRequest(field, f"must be {_article(error.validator_value)}, not {_json_type(value)}")
    if error.validator in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        return InvalidRequest(field, f"{value!r} is outside the allowed range {_range(rule)}")
    if error.validator == "minLength":
        return InvalidRequest(field, f"must not be empty (at least {rule['minLength']} character)")
    if error.validator == "maxLength":
        return InvalidRequest(field, f"is {len(value)} characters; the limit is {rule['maxLength']}")
    if error.validator in ("minItems", "maxItems"):
        low, high = rule.get("minItems", 0), rule.get("maxItems")
        limit = f"{low}-{high}" if high is not None else f"at least {low}"
        return InvalidRequest(field, f"has {len(value)} items; allowed: {limit}")
    if error.validator == "enum":
        return InvalidRequest(field, f"{value!r} is not supported; allowed: {', '.join(map(str, rule['enum']))}")
    if error.validator == "pattern":  # said in the field's words (its description), the regular expression after
        return InvalidRequest(field, f"{value!r} is not {_lower_first(rule.get('description', 'allowed'))}")
    return InvalidRequest(field, error.message)


def _lower_first(text: str) -> str:
    """'The source generation's id (...).' -> 'the source generation's id (...)', to follow 'is not'."""
    return (text[:1].lower() + text[1:]).rstrip(".")


def _check_model_rules(settings: Settings, model: registry.GeneratorModel) -> None:
    prompt = settings["prompt"]
    if not prompt.strip():
        raise InvalidRequest("prompt", "must not be blank")
    _check_text_lengths(settings, model)  # the deployment's default negative prompt included
    if settings["strategy"] == STRATEGY_REFINE and not model.can_edit:
        active = active_models("generator", utc_now().date())  # an editor that is not retired
        editors = ", ".join(m for m in active if registry.generator(m).can_edit) or "none is active"
        raise InvalidRequest(
            "strategy",
            f"'refine' edits the best image, and {model.name} cannot edit an image (model registry); "
            f"use 'regenerate' or 'auto', or a generator that edits: {editors}",
        )
    _check_roles_distinct(settings)
    _check_evaluator(settings)
    _check_deployed_verifier(settings)
    size_problem = model.size_problem(settings["width"], settings["height"])
    if size_problem:
        raise InvalidRequest("width/height", size_problem)
    if settings["seed"] > model.seed_max:
        raise InvalidRequest(
            "seed", f"{settings['seed']} is outside the allowed range 0-{model.seed_max} for {model.name}"
        )
    if settings["quality"] not in model.qualities:
        raise InvalidRequest(
            "quality", f"{settings['quality']!r} is not offered by {model.name}; allowed: {', '.join(model.qualities)}"
        )
    cfg_scale_range = model.cfg_scale_range
    if cfg_scale_range is not None:  # the model takes a cfgScale
        low, high = cfg_scale_range
        if not low <= settings["cfgScale"] <= high:
            raise InvalidRequest(
                "cfgScale", f"{settings['cfgScale']} is outside the allowed range {low}-{high} for {model.name}"
            )
    # the budget guard reserves each call's upper bound before it is made (domain/spend.py): a budget below the
    # first round's bound could pay for images no judge call may then look at (domain/costs.py)
    round_cost = round_cost_floor(settings)
    if settings["maxCostUsd"] < round_cost:
        raise InvalidRequest(
            "maxCostUsd", f"{settings['maxCostUsd']} is below what one round can cost (up to ${round_cost:.4f})"
        )


def _check_roles_distinct(settings: Settings) -> None:
    """Judge, verifier and evaluator are three readings of the image and never share a model: the evaluator
    measures the gate, so it may be neither the judge's model nor the verifier's. The verifier is a service
    (rekognition) and the evaluator a Bedrock model, so the rule is kept generic: on the roles' ids, and for the
    judge on the model an id reaches (an inference profile and its foundation model are one model)."""
    evaluator = settings["evaluator"]
    for role in ("judge", "verifier"):
        other = settings.get(role)
        if other is None or other == VERIFIER_NONE:
            continue
        models = registry.text_model_ids(include_offline_only=True)
        if evaluator == other or (
            evaluator in models and other in models and registry.same_text_model(evaluator, other)
        ):
            raise InvalidRequest(
                "evaluator", f"{evaluator} is the {role}'s model ({other}); the evaluator must be a different model"
            )


def _check_deployed_verifier(settings: Settings) -> None:
    """A deployment without a verifier (CDK context verifier none: no Rekognition permissions, or a region without
    it) refuses a run that asks for one: it would fail on AccessDenied at its first passed round."""
    deployed = deployed_models()
    if deployed is None or settings["verifier"] == VERIFIER_NONE:
        return
    allowed = deployed.get("verifier", (VERIFIER_REKOGNITION,))
    if settings["verifier"] not in allowed:
        raise InvalidRequest(
            "verifier",
            f"{settings['verifier']!r} is not deployed here (the deployment's verifier is "
            f"{', '.join(allowed) or VERIFIER_NONE}); use 'none'",
        )


def _check_evaluator(settings: Settings) -> None:
    """The evaluator's expectations hold together (that it is another model than the judge's and the verifier's:
    _check_roles_distinct)."""
    include = (settings.get("expected") or {}).get("include", [])
    for index, item in enumerate(include):
        if "position" not in item:
            continue
        field = f"expected.include.{index}.position"
        relation, other = item["position"]
        if relation not in EVALUATION_RELATIONS or relation in EVALUATION_TWO_OBJECT_RELATIONS:
            allowed = [name for name in EVALUATION_RELATIONS if name not in EVALUATION_TWO_OBJECT_RELATIONS]
            raise InvalidRequest(field, f"{relation!r} is not a relation to one item; allowed: {', '.join(allowed)}")
        if not isinstance(other, int) or isinstance(other, bool) or not 0 <= other < len(include) or other == index:
            raise InvalidRequest(field, f"{other!r} must be the index of another include item (0-{len(include) - 1})")
    if settings.get("expected"):
        # Every check is asked of the evaluator at once: more than its answers' schema admits could never be answered.
        limit = prompts.schema(ANSWERS_SCHEMA)["properties"]["answers"]["maxItems"]
        try:
            asked = len(checks_from_expected(settings["expected"]))
        except ExpectationError as error:  # an index, a relation's object2: what the schema cannot say
            field, _, problem = str(error).partition(" ")
            raise InvalidRequest(field, problem) from None
        if asked > limit:
            raise InvalidRequest(
                "expected",
                f"makes {asked} checks (an entity check per include item, one per count, "
                f"colour and position, one per exclude item); the limit is {limit}",
            )


def _unknown_field(error: Any) -> str:
    known = set(error.schema.get("properties", {}))
    extra = sorted(set(error.instance) - known)
    return extra[0] if extra else "request"


def _range(rule: dict[str, Any]) -> str:
    low = rule.get("minimum", rule.get("exclusiveMinimum"))
    high = rule.get("maximum", rule.get("exclusiveMaximum"))
    low_text = f"more than {low}" if "exclusiveMinimum" in rule else f"{low}"
    return f"{low_text}-{high}" if "exclusiveMinimum" not in rule else f"{low_text} and at most {high}"


def _json_type(value: Any) -> str:
    return {
        bool: "a boolean",
        int: "an integer",
        float: "a number",
        str: "a string",
        list: "an array",
        dict: "an object",
        type(None): "null",
    }.get(type(value), type(value).__name__)


def _article(type_name: Any) -> str:
    names = type_name if isinstance(type_name, list) else [type_name]
    return " or ".join(
        {"integer": "an integer", "object": "an object", "array": "an array"}.get(n, f"a {n}") for n in names
    )
