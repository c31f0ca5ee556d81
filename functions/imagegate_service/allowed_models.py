"""Which models this deployment may call, per role, and the check every run request passes.

In AWS the CDK app deploys one model per role and lets each function invoke only that model (IAM); it
tells the functions which ones in the `IMAGEGATE_DEPLOYED_MODELS` variable (JSON: role -> model ids).
A request naming any other model would start a run that fails on AccessDenied, so it is refused up front
(`InvalidRequest` naming the field: the API answers 400, Start Run fails before anything is written).
Locally (the variable unset) every registry model is allowed except the retired ones, which Bedrock would
refuse anyway (registry lifecycle, judged on today's UTC date).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from imagegate_service import constants, registry
from imagegate_service.domain.clock import utc_now
from imagegate_service.errors import InvalidRequest


def model_roles() -> tuple[str, ...]:
    """The run settings that name a model (the registry's `defaults`: generator, judge, rewriter, ...)."""
    return tuple(registry.document()["defaults"])


def encode_deployed_models(models_by_role: Mapping[str, Iterable[str]]) -> str:
    """The value of IMAGEGATE_DEPLOYED_MODELS the CDK app sets (the one place its format is written)."""
    return json.dumps(
        {role: list(models) for role, models in models_by_role.items()}, sort_keys=True, separators=(",", ":")
    )


def deployed_models(environ: Mapping[str, str] | None = None) -> dict[str, tuple[str, ...]] | None:
    """role -> the model ids deployed for it, or None when not deployed (the local runtime)."""
    raw = (os.environ if environ is None else environ).get(constants.ENV_DEPLOYED_MODELS)
    if not raw:
        return None
    try:
        document = json.loads(raw)
        return {str(role): tuple(str(model) for model in models) for role, models in document.items()}
    except (ValueError, AttributeError, TypeError):
        raise InvalidRequest(
            "deployment", f"{constants.ENV_DEPLOYED_MODELS} is not a JSON object of role -> model ids: {raw[:200]!r}"
        ) from None


def check_deployed_models(
    settings: Mapping[str, Any], *, today: date | None = None, environ: Mapping[str, str] | None = None
) -> None:
    """Refuse a run whose models this deployment cannot call; the field named is the setting's."""
    deployed = deployed_models(environ)
    for role in model_roles():
        model = settings.get(role)
        if model is None:
            continue
        if deployed is not None:
            allowed = deployed.get(role, ())
            if model not in allowed:
                raise InvalidRequest(
                    role,
                    f"{model!r} is not deployed here; deployed: {', '.join(allowed) or 'none'} "
                    f"(redeploy with -c {role}Model={model} to use it)",
                )
            continue
        problem = retirement_problem(model, today or utc_now().date(), role)
        if problem:
            raise InvalidRequest(role, problem)


def retirement_problem(model_id: str, today: date, role: str | None = None) -> str | None:
    """Why Bedrock no longer serves this model (its end of life has passed), naming what to use instead."""
    lifecycle = registry.lifecycle(model_id)
    if not lifecycle.retired_on(today):
        return None
    ended = (
        f"reached its end of life on {lifecycle.end_of_life.isoformat()}"
        if lifecycle.end_of_life
        else "has reached its end of life"
    )
    if lifecycle.successor:
        instead = f"its successor is {lifecycle.successor}"
    else:
        active = active_models(role, today) if role else []
        instead = "no successor is recorded" + (f"; Active choices: {', '.join(active)}" if active else "")
    return f"{model_id!r} {ended} (lifecycle {lifecycle.status} in the model registry); {instead}"


def replacement(model_id: str, today: date) -> str:
    """What to use instead of a model Bedrock will not serve: its recorded successor, else its role's
    default, else the first Active model that can fill its role (the one answer every message gives)."""
    try:
        successor = registry.lifecycle(model_id).successor
    except KeyError:
        successor = None
    if successor:
        return successor
    role = "generator" if model_id in registry.generator_ids() else "judge"
    default = registry.default_model(role)
    if default != model_id:
        return default
    active = [model for model in active_models(role, today) if model != model_id]
    return active[0] if active else "another Active model of the registry"


def offline_only(model_id: str) -> bool:
    """A model the offline world provides for local runs only (`offlineOnly` in the registry): never deployed."""
    return model_id in registry.text_model_ids(include_offline_only=True) and registry.text_model(model_id).offline_only


def active_models(role: str, today: date) -> list[str]:
    """The deployable models that can fill a role today (not retired, not offline-only)."""
    if role == "generator":
        candidates = registry.generator_ids()
    else:  # the judge and the evaluator look at images; the rewriter reads text
        candidates = registry.text_model_ids(vision_only=role != "rewriter")
    return [
        model for model in candidates if not registry.lifecycle(model).retired_on(today) and not offline_only(model)
    ]
