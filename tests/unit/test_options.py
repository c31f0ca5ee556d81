"""GET /options: the run form's choices come from the registry, the settings and the run request schema,
and follow the deployment (models not deployed or retired are not offered)."""

from __future__ import annotations

import json
from datetime import date

import pytest

from imagegate_service import constants as c
from imagegate_service import registry
from imagegate_service.allowed_models import encode_deployed_models, retirement_problem
from imagegate_service.domain.options import run_options
from imagegate_service.settings import deployment_defaults, resolve_settings, run_request_schema

pytestmark = pytest.mark.unit


def test_every_offered_generator_size_and_quality_is_accepted_by_the_run_request_rules(monkeypatch):
    # Given the options served locally (no deployment list)
    monkeypatch.delenv(c.ENV_DEPLOYED_MODELS, raising=False)
    options = run_options()

    # Then every generator, every size and every quality it offers makes a request the API accepts
    assert options["models"]["generator"], "no generator offered"
    for model in options["models"]["generator"]:
        sizes = model.get("sizes") or [
            {"width": model["sizeRange"]["minSide"], "height": model["sizeRange"]["minSide"]}
        ]
        for size in sizes:
            for quality in model["qualities"]:
                settings = resolve_settings(
                    {
                        "prompt": "a red apple",
                        "generator": model["id"],
                        "quality": quality,
                        "width": size["width"],
                        "height": size["height"],
                    }
                )
                assert (settings["width"], settings["height"]) == (size["width"], size["height"])
        spec = registry.generator(model["id"])
        assert model["promptMaxChars"] == spec.prompt_max_chars and model["seedMax"] == spec.seed_max
        assert (model["cfgScale"] is None) == (not spec.takes_cfg_scale)


def test_model_choices_are_the_schema_enums_minus_retired_models(monkeypatch):
    monkeypatch.delenv(c.ENV_DEPLOYED_MODELS, raising=False)
    options = run_options()
    schema = run_request_schema()["properties"]
    today = date.today()
    for role, models in options["models"].items():
        offered = [model["id"] for model in models]
        assert set(offered) <= set(schema[role]["enum"])
        retired = [model for model in schema[role]["enum"] if retirement_problem(model, today, role)]
        assert not set(offered) & set(retired)
        assert set(offered) | set(retired) == set(schema[role]["enum"])


def test_defaults_are_the_deployment_defaults_and_each_default_model_is_offered(monkeypatch):
    monkeypatch.setenv(c.ENV_DEFAULTS["threshold"], "8.25")
    options = run_options()
    assert options["defaults"] == deployment_defaults()
    assert options["defaults"]["threshold"] == 8.25
    for role, models in options["models"].items():
        assert options["defaults"][role] in [model["id"] for model in models], role


def test_a_deployment_offers_only_its_deployed_models(monkeypatch):
    # Given a deployment with one model per role
    deployed = {role: [registry.default_model(role)] for role in ("generator", "judge", "rewriter", "evaluator")}
    monkeypatch.setenv(c.ENV_DEPLOYED_MODELS, encode_deployed_models(deployed))

    # Then exactly those are offered
    options = run_options()
    assert {role: [model["id"] for model in models] for role, models in options["models"].items()} == deployed


def test_statuses_and_schema_are_served_as_json(monkeypatch):
    monkeypatch.delenv(c.ENV_DEPLOYED_MODELS, raising=False)
    options = json.loads(json.dumps(run_options()))  # JSON all the way down
    assert options["statuses"] == [*c.OPEN_STATUSES, *c.TERMINAL_STATUSES]
    assert c.STATUS_QUEUED in options["statuses"] and c.STATUS_RUNNING in options["statuses"]
    assert options["terminalStatuses"] == list(c.TERMINAL_STATUSES)
    assert options["requestSchema"] == json.loads(json.dumps(run_request_schema()))


def test_the_api_serves_the_options(monkeypatch, lambda_context):
    # Given GET /options as API Gateway sends it
    monkeypatch.delenv(c.ENV_DEPLOYED_MODELS, raising=False)
    from imagegate.local.serve import rest_proxy_event
    from imagegate_service.handlers import api

    # When the API handler answers it
    answer = api.handler(rest_proxy_event("GET", "/options", [], b""), lambda_context)

    # Then it is 200 with the options; another method is 405
    assert answer["statusCode"] == 200
    assert json.loads(answer["body"])["defaults"] == deployment_defaults()
    refused = api.handler(rest_proxy_event("POST", "/options", [], b"{}"), lambda_context)
    assert refused["statusCode"] == 405
