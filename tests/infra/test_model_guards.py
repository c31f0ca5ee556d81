"""Synthesis refuses what Bedrock would refuse at run time: a model past its end of life (unless
allowRetiredModels), an offline-only stand-in, and a model not offered in the target region."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import timedelta

import pytest
from infra_test_helpers import config_from_context

from imagegate_service import registry
from infra.config import REPO_ROOT, ContextError, cdk_json_context, target_region

pytestmark = pytest.mark.infra

TITAN = "amazon.titan-image-generator-v2:0"
ROLES = {
    "generator": "generatorModel",
    "judge": "judgeModel",
    "rewriter": "rewriterModel",
    "evaluator": "evaluatorModel",
}


def _context_key(model: str) -> str:
    return "generatorModel" if model in registry.generator_ids() else "rewriterModel"


def _with_end_of_life() -> list[str]:
    return [m for m in registry.model_ids() if registry.lifecycle(m).end_of_life]


def test_the_default_context_deploys_only_active_models_today():
    # cdk.json sets no model: the registry's defaults are the stack's
    assert not {"generatorModel", "judgeModel", "rewriterModel", "evaluatorModel"} & set(cdk_json_context())
    config = config_from_context()
    for role, model in config.models_by_role().items():
        assert model == registry.default_model(role)
        assert registry.lifecycle(model).status == "ACTIVE", (role, model)


@pytest.mark.parametrize("model", _with_end_of_life())
def test_a_model_past_its_end_of_life_is_refused_naming_the_date_and_successor(model):
    lifecycle = registry.lifecycle(model)
    key = _context_key(model)
    # Given a day after its end of life, When it is configured, Then synthesis is refused with what to do
    with pytest.raises(ContextError) as refused:
        config_from_context(**{key: model}, today=lifecycle.end_of_life)
    message = str(refused.value)
    assert key in message and model in message and lifecycle.end_of_life.isoformat() in message
    assert "allowRetiredModels" in message
    if lifecycle.successor:
        assert lifecycle.successor in message
    # ... and accepted the day before, or with the override flag
    if lifecycle.status != "EOL":
        config_from_context(**{key: model}, today=lifecycle.end_of_life - timedelta(days=1))
    assert (
        config_from_context(
            **{key: model}, allowRetiredModels="true", today=lifecycle.end_of_life + timedelta(days=400)
        ).model_for(key.removesuffix("Model"))
        == model
    )


def test_titan_is_refused_today_with_its_successor():
    successor = registry.lifecycle(TITAN).successor
    with pytest.raises(ContextError, match="2026-06-30") as refused:
        config_from_context(generatorModel=TITAN)
    if successor:
        assert successor in str(refused.value)


@pytest.mark.parametrize("role", ["judge", "rewriter", "evaluator"])
def test_an_offline_only_model_is_never_deployed_even_with_the_override(role):
    offline = [m for m in registry.text_model_ids(include_offline_only=True) if registry.text_model(m).offline_only]
    assert offline
    for model in offline:
        with pytest.raises(ContextError, match="offlineOnly"):
            config_from_context(**{ROLES[role]: model}, allowRetiredModels="true")


def test_the_evaluator_must_not_be_the_judge():
    judge = registry.default_model("judge")
    with pytest.raises(ContextError, match="evaluatorModel"):
        config_from_context(evaluatorModel=judge)


@pytest.mark.parametrize(
    "arms, ok",
    [("loop", True), ("loop,single,redraw,best-of-3,best-of-5", True), ("loop,best-of-4", False), ("", True)],
)
def test_benchmark_arms_are_checked(arms, ok):
    if ok:
        config_from_context(benchmarkArms=arms)
    else:
        with pytest.raises(ContextError, match="benchmarkArms"):
            config_from_context(benchmarkArms=arms)


# --- region ---------------------------------------------------------------------------------------


def test_every_default_model_is_offered_somewhere_in_common():
    regions = [set(registry.regions(model)) for model in config_from_context().models_by_role().values()]
    assert set.intersection(*regions), "the defaults cannot be deployed together in any region"


def test_a_region_where_every_model_is_offered_passes_and_others_are_refused_with_where():
    config = config_from_context()
    models = config.models_by_role()
    everywhere = set.intersection(*(set(registry.regions(m)) for m in models.values()))
    for region in sorted(everywhere):
        assert config.region_check(region) == []
    all_regions = set().union(*(registry.regions(m) for m in models.values()))
    for region in sorted(all_regions - everywhere):
        with pytest.raises(ContextError) as refused:
            config.region_check(region)
        missing = [(role, m) for role, m in models.items() if region not in registry.regions(m)]
        for role, model in missing:
            assert f"{role}Model {model} is not offered in {region}" in str(refused.value)
            assert ", ".join(registry.regions(model)) in str(refused.value)


def test_an_unknown_region_or_unknown_model_regions_are_noted_not_refused(monkeypatch):
    config = config_from_context()
    (note,) = config.region_check(None)
    assert "not checked" in note
    generator = config.generator_model
    real = registry.regions
    monkeypatch.setattr(registry, "regions", lambda model: () if model == generator else real(model))
    region = next(iter(real(config.judge_model)))
    assert any(generator in note and "no regions" in note for note in config.region_check(region))


def test_the_target_region_is_the_cdk_clis_then_the_sdks():
    assert target_region({"AWS_DEFAULT_REGION": "eu-west-1"}) == "eu-west-1"
    assert target_region({"AWS_DEFAULT_REGION": "eu-west-1", "AWS_REGION": "us-east-2"}) == "us-east-2"
    assert target_region({"AWS_REGION": "us-east-2", "CDK_DEFAULT_REGION": "us-west-2"}) == "us-west-2"
    assert target_region({}) is None


# --- python app.py, as `cdk synth` runs it ----------------------------------------------------------


def _app(tmp_path, context: dict, region: str | None) -> subprocess.CompletedProcess:
    environ = {
        k: v
        for k, v in os.environ.items()
        if k not in ("AWS_REGION", "AWS_DEFAULT_REGION", "CDK_DEFAULT_REGION", "CDK_CONTEXT_JSON")
    }
    environ |= {
        "CDK_CONTEXT_JSON": json.dumps(context),
        "CDK_OUTDIR": str(tmp_path / "cdk.out"),
        "JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION": "1",
    }
    if region:
        environ["CDK_DEFAULT_REGION"] = region
    return subprocess.run(
        [sys.executable, "app.py"], cwd=REPO_ROOT, env=environ, capture_output=True, text=True, timeout=600
    )


def test_app_refuses_titan_from_cdk_context_json_in_one_line(tmp_path):
    result = _app(tmp_path, {"generatorModel": TITAN}, region=None)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    (error,) = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert TITAN in error and "2026-06-30" in error and "allowRetiredModels" in error
    assert not (tmp_path / "cdk.out" / "manifest.json").exists()


def test_app_refuses_a_region_where_the_generator_is_not_offered(tmp_path):
    generator = registry.default_model("generator")
    offered = registry.regions(generator)
    elsewhere = next(r for r in ("us-east-1", "eu-west-1", "ap-northeast-1", "us-west-2") if r not in offered)
    result = _app(tmp_path, {}, region=elsewhere)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"generatorModel {generator} is not offered in {elsewhere}" in result.stderr


@pytest.mark.skipif(shutil.which("node") is None, reason="the CDK needs node")
def test_app_synthesizes_titan_with_the_override_in_a_region_that_offers_it(tmp_path):
    region = next(
        r
        for r in registry.regions(TITAN)
        if all(r in registry.regions(registry.default_model(role)) for role in ("judge", "rewriter", "evaluator"))
    )
    result = _app(tmp_path, {"generatorModel": TITAN, "allowRetiredModels": True}, region=region)
    assert result.returncode == 0, result.stderr[-2000:]
    template = next((tmp_path / "cdk.out").glob("*.template.json")).read_text()
    assert f"foundation-model/{TITAN}" in template
