"""Only deployed models: a run request naming a model this deployment cannot call is refused up front (the
field named; nothing started), and locally no retired model is accepted."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from test_api_handler import JSON, TABLE, api, aws, call, executions  # noqa: F401 (fixtures)

from imagegate_service import allowed_models, registry
from imagegate_service import constants as c
from imagegate_service.errors import InvalidRequest
from imagegate_service.settings import resolve_settings

pytestmark = pytest.mark.unit

DEPLOYED = {
    "generator": [registry.default_model("generator")],
    "judge": [registry.default_model("judge")],
    "rewriter": [registry.default_model("rewriter")],
    "evaluator": [registry.default_model("evaluator")],
}


def _retired() -> list[str]:
    today = date.today()
    return [m for m in registry.model_ids() if registry.lifecycle(m).retired_on(today)]


def _other_active_generator() -> str:
    today = date.today()
    return next(
        m
        for m in registry.generator_ids()
        if m != registry.default_model("generator") and not registry.lifecycle(m).retired_on(today)
    )


@pytest.fixture
def deployed(monkeypatch):
    monkeypatch.setenv(c.ENV_DEPLOYED_MODELS, allowed_models.encode_deployed_models(DEPLOYED))


def test_the_deployed_models_round_trip_through_the_environment():
    encoded = allowed_models.encode_deployed_models(DEPLOYED)
    assert allowed_models.deployed_models({c.ENV_DEPLOYED_MODELS: encoded}) == {
        role: tuple(models) for role, models in DEPLOYED.items()
    }
    assert allowed_models.deployed_models({}) is None


def test_a_deployment_accepts_its_own_models(deployed):
    settings = resolve_settings({"prompt": "a red apple"})
    for role, (model,) in DEPLOYED.items():
        assert settings[role] == model


def test_a_model_that_is_not_deployed_is_refused_naming_the_field_and_what_is(deployed):
    # Given a deployment of the default models, and a request for another (active) generator
    other = _other_active_generator()

    # When the request is resolved, Then it is refused naming the field, the model and what is deployed
    with pytest.raises(InvalidRequest) as refused:
        resolve_settings({"prompt": "a red apple", "generator": other})
    assert refused.value.field == "generator"
    assert other in refused.value.message and "not deployed here" in refused.value.message
    assert DEPLOYED["generator"][0] in refused.value.message


def test_the_api_answers_400_and_starts_nothing_for_a_model_not_deployed(deployed, api, aws, lambda_context):
    other = _other_active_generator()
    status, answer, _ = call(
        api, lambda_context, "POST", "/generations", f'{{"prompt": "a red apple", "generator": "{other}"}}', JSON
    )
    assert status == 400
    assert answer["field"] == "generator" and "not deployed here" in answer["message"]
    assert executions(aws) == []


def test_a_garbled_deployment_variable_is_named(monkeypatch):
    monkeypatch.setenv(c.ENV_DEPLOYED_MODELS, "generator=titan")
    with pytest.raises(InvalidRequest, match=c.ENV_DEPLOYED_MODELS):
        allowed_models.check_deployed_models({"generator": "x"})


@pytest.mark.parametrize("model", _retired())
def test_locally_a_retired_model_is_refused_naming_its_end_and_successor(model, monkeypatch):
    # Given no deployment (the local runtime) and a model whose end of life has passed
    monkeypatch.delenv(c.ENV_DEPLOYED_MODELS, raising=False)
    lifecycle = registry.lifecycle(model)
    role = "generator" if model in registry.generator_ids() else "rewriter"

    # Then a request for it is refused, naming the date and what to use instead
    with pytest.raises(InvalidRequest) as refused:
        allowed_models.check_deployed_models({role: model})
    assert refused.value.field == role
    if lifecycle.end_of_life:
        assert lifecycle.end_of_life.isoformat() in refused.value.message
    if lifecycle.successor:
        assert lifecycle.successor in refused.value.message


@pytest.mark.parametrize("model", registry.model_ids())
def test_a_model_is_refused_locally_exactly_from_its_end_of_life(model, monkeypatch):
    monkeypatch.delenv(c.ENV_DEPLOYED_MODELS, raising=False)
    lifecycle = registry.lifecycle(model)
    role = "generator" if model in registry.generator_ids() else "rewriter"
    for today in (date(2026, 1, 1), date.today(), date(2030, 1, 1)):
        if lifecycle.end_of_life:
            for day in (lifecycle.end_of_life - timedelta(days=1), lifecycle.end_of_life):
                refused = allowed_models.retirement_problem(model, day, role) is not None
                assert refused == (day >= lifecycle.end_of_life or lifecycle.status == "EOL")
        refused = allowed_models.retirement_problem(model, today, role) is not None
        assert refused == lifecycle.retired_on(today)


def test_locally_the_offline_evaluator_is_allowed(monkeypatch):
    monkeypatch.delenv(c.ENV_DEPLOYED_MODELS, raising=False)
    offline = [m for m in registry.text_model_ids(include_offline_only=True) if allowed_models.offline_only(m)]
    assert offline
    for model in offline:
        allowed_models.check_deployed_models({"evaluator": model})


def test_active_choices_are_deployable_and_fit_the_role():
    today = date.today()
    for role in allowed_models.model_roles():
        for model in allowed_models.active_models(role, today):
            assert not registry.lifecycle(model).retired_on(today) and not allowed_models.offline_only(model)
            assert (model in registry.generator_ids()) == (role == "generator")


@pytest.mark.parametrize("model", registry.model_ids())
def test_the_replacement_of_any_model_is_another_deployable_model_of_its_kind(model):
    # Given any registry model, as of today
    today = date.today()

    # When a message says what to use instead of it
    instead = allowed_models.replacement(model, today)

    # Then it is another model of the same kind that Bedrock still serves and that can be deployed
    assert instead != model
    assert (instead in registry.generator_ids()) == (model in registry.generator_ids())
    assert not registry.lifecycle(instead).retired_on(today) and not allowed_models.offline_only(instead)
