"""Synthesis refuses an evaluator that is the judge's model under another id (an inference profile and its
foundation model are one model), as a run request does."""

from __future__ import annotations

import pytest
from infra_test_helpers import config_from_context

from imagegate_service import registry
from infra.config import ContextError

pytestmark = pytest.mark.infra


def test_an_inference_profile_of_the_judges_model_is_not_another_evaluator():
    # Given a judge, and the other ids that reach its foundation model (its profile or the model itself)
    judge = registry.default_model("judge")
    same = [
        model
        for model in registry.text_model_ids(vision_only=True)
        if model != judge and registry.same_text_model(model, judge)
    ]
    assert same, "the registry has a profile and its foundation model for the default judge"

    # Then each is refused as the evaluator, naming the setting and the judge
    for model in same:
        with pytest.raises(ContextError, match=f"evaluatorModel '{model}' is the same model as judgeModel"):
            config_from_context(evaluatorModel=model)


# -- issue 23: three roles (judge, verifier, evaluator) never shared; the verifier where the region has it --------
def test_the_evaluator_may_be_neither_the_judges_model_nor_the_verifiers():
    from imagegate_service.errors import InvalidRequest
    from imagegate_service.settings import _check_roles_distinct

    judge = registry.default_model("judge")
    # Given the rule on the roles' ids: the judge's model (under any id that reaches it) and the verifier's
    with pytest.raises(InvalidRequest, match="the judge's model") as judge_refused:
        _check_roles_distinct({"judge": judge, "verifier": "rekognition", "evaluator": judge})
    with pytest.raises(InvalidRequest, match="the verifier's model") as verifier_refused:
        _check_roles_distinct({"judge": judge, "verifier": "rekognition", "evaluator": "rekognition"})
    # Then each names the evaluator; and distinct roles (or no verifier) pass
    assert judge_refused.value.field == verifier_refused.value.field == "evaluator"
    _check_roles_distinct({"judge": judge, "verifier": "rekognition", "evaluator": registry.default_model("evaluator")})
    _check_roles_distinct({"judge": judge, "verifier": "none", "evaluator": registry.default_model("evaluator")})


def test_synthesis_refuses_the_verifier_in_a_region_without_rekognition_and_says_how_to_go_on():
    # Given a region Rekognition does not serve (the registry's list) and one it does, with every default model
    offered = set(registry.verifier_service("rekognition").regions)
    models = config_from_context().models_by_role().values()
    everywhere = set.intersection(*(set(registry.regions(m)) for m in models))
    served, unserved = sorted(everywhere & offered)[0], "eu-west-3"
    assert unserved not in offered

    # Then the verifier is refused where it is not offered, naming where it is and the way out
    with pytest.raises(ContextError, match="verifier rekognition \\(Amazon Rekognition\\) is not offered in eu-west-3"):
        config_from_context().region_check(unserved)
    assert config_from_context().region_check(served) == []
    # and with verifier none nothing about Rekognition is checked
    with pytest.raises(ContextError) as refused:
        config_from_context(verifier="none").region_check(unserved)
    assert "verifier" not in str(refused.value)


def test_a_deployment_without_a_verifier_refuses_a_run_that_asks_for_one(monkeypatch):
    from imagegate_service import constants as c
    from imagegate_service.errors import InvalidRequest
    from imagegate_service.settings import resolve_settings

    # Given the functions' environment of a deployment with verifier none
    environment = config_from_context(verifier="none").lambda_environment("bucket", "table")
    for name in (c.ENV_DEPLOYED_MODELS, c.ENV_DEFAULTS["verifier"]):
        monkeypatch.setenv(name, environment[name])

    # Then a run takes the deployment's default (none), and one asking for Rekognition is a 400 naming verifier
    assert resolve_settings({"prompt": "a cat"})["verifier"] == "none"
    with pytest.raises(InvalidRequest) as refused:
        resolve_settings({"prompt": "a cat", "verifier": "rekognition"})
    assert refused.value.field == "verifier"
