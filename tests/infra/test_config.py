"""CDK context: defaults, validation, and the documented table (no synthesis needed)."""

from __future__ import annotations

import pytest

from infra.config import CONTEXT_KEYS, INFERENCE_PROFILE_REGIONS, REPO_ROOT
from infra_test_helpers import config_from_context

pytestmark = pytest.mark.infra


def test_only_inference_profile_ids_route_to_other_regions():
    config = config_from_context(judgeModel="amazon.nova-lite-v1:0")
    assert config.profile_regions("amazon.nova-lite-v1:0") == ()
    assert config.profile_regions("us.amazon.nova-lite-v1:0") == INFERENCE_PROFILE_REGIONS["us"]


@pytest.mark.parametrize("override, message", [
    ({"generatorModel": "stability.sd3"}, "generatorModel"),
    ({"judgeModel": "us.amazon.nova-micro-v1:0"}, "cannot see images"),
    ({"sfnLogLevel": "LOUD"}, "sfnLogLevel"),
    ({"logRetentionDays": 31}, "logRetentionDays"),
    # the API's context (the API itself is tested in test_api_stack.py)
    ({"apiAuthorization": "NONE"}, "needs apiKey"),
    ({"apiAuthorization": "COGNITO"}, "apiAuthorization"),
    ({"apiQuotaPeriod": "YEAR"}, "apiQuotaPeriod"),
    ({"imageUrlExpirySeconds": 700000}, "imageUrlExpirySeconds"),
])
def test_bad_context_fails_synthesis_with_the_key_named(override, message):
    with pytest.raises(ValueError, match=message):
        config_from_context(**override)


def test_cli_context_arrives_as_strings_and_is_parsed():
    config = config_from_context(defaultThreshold="8", sfnIncludeExecutionData="true",
                                 inferenceProfileRegions="us-east-1, us-west-2", alarmEmail="")
    assert config.default_threshold == 8.0
    assert config.sfn_include_execution_data is True
    assert config.profile_regions("us.amazon.nova-lite-v1:0") == ("us-east-1", "us-west-2")
    assert config.alarm_email is None


def test_deploy_doc_lists_every_context_key():
    doc = (REPO_ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    for key in CONTEXT_KEYS:
        assert f"| `{key.name}` |" in doc, key.name


def test_deploy_doc_states_each_models_lifecycle_and_regions_as_the_registry_does():
    from imagegate_service import registry

    doc = (REPO_ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    rows = {line.split("`")[1]: line for line in doc.splitlines() if line.startswith("| `") and "|" in line[3:]}
    offline = {m for m in registry.text_model_ids(include_offline_only=True) if registry.text_model(m).offline_only}
    for model in registry.model_ids():
        if model in offline:
            assert model not in rows
            continue
        row = rows[model]
        lifecycle = registry.lifecycle(model)
        assert (f"end of life {lifecycle.end_of_life.isoformat()}" in row) if lifecycle.end_of_life else "Active" in row
        assert row.rstrip(" |").endswith(", ".join(registry.regions(model))), model
    for role in ("generator", "judge", "rewriter", "evaluator"):
        assert "**default**" in rows[registry.default_model(role)]
