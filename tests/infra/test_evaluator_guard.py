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
