"""CDK context: defaults, validation, and the documented table (no synthesis needed)."""

from __future__ import annotations

import pytest
from infra_test_helpers import config_from_context

from imagegate_service import settings as runtime_settings
from infra import config as infra_config
from infra.config import CONTEXT_KEYS, INFERENCE_PROFILE_REGIONS, REPO_ROOT, SETTINGS, ContextError, ImagegateConfig

pytestmark = pytest.mark.infra


def test_only_inference_profile_ids_route_to_other_regions():
    config = config_from_context(judgeModel="amazon.nova-lite-v1:0")
    assert config.profile_regions("amazon.nova-lite-v1:0") == ()
    assert config.profile_regions("us.amazon.nova-lite-v1:0") == INFERENCE_PROFILE_REGIONS["us"]


def test_an_eu_profile_may_route_to_every_eu_region_bedrock_lists_for_it():
    # batch-inference-supported.html: the EU regions supporting the Nova Lite/Micro/Pro inference profiles
    listed = {"eu-central-1", "eu-north-1", "eu-south-1", "eu-south-2", "eu-west-1", "eu-west-3"}
    regions = config_from_context().profile_regions("eu.amazon.nova-lite-v1:0")
    assert set(regions) == listed and len(regions) == len(listed)


def test_the_profile_region_table_is_the_registrys_one():
    from imagegate_service import registry

    table = registry.inference_profile_regions()
    assert table == INFERENCE_PROFILE_REGIONS and set(table) == {"us", "eu", "apac"}
    # every prefix the table routes is one the config recognises as a profile id
    assert set(table) <= set(infra_config.INFERENCE_PROFILE_PREFIXES)


@pytest.mark.parametrize(
    "override, message",
    [
        ({"generatorModel": "stability.sd3"}, "generatorModel"),
        ({"judgeModel": "us.amazon.nova-micro-v1:0"}, "cannot see images"),
        ({"sfnLogLevel": "LOUD"}, "sfnLogLevel"),
        ({"logRetentionDays": 31}, "logRetentionDays"),
        # the API's context (the API itself is tested in test_api_stack.py)
        ({"apiAuthorization": "NONE"}, "needs apiKey"),
        ({"apiAuthorization": "COGNITO"}, "apiAuthorization"),
        ({"apiQuotaPeriod": "YEAR"}, "apiQuotaPeriod"),
        ({"imageUrlExpirySeconds": 700000}, "imageUrlExpirySeconds"),
    ],
)
def test_bad_context_fails_synthesis_with_the_key_named(override, message):
    with pytest.raises(ValueError, match=message):
        config_from_context(**override)


def test_cli_context_arrives_as_strings_and_is_parsed():
    config = config_from_context(
        defaultThreshold="8",
        sfnIncludeExecutionData="true",
        inferenceProfileRegions="us-east-1, us-west-2",
        alarmEmail="",
    )
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


def test_deploy_doc_table_is_the_declarations_rendered():
    # Given the settings table of docs/deploy.md
    doc = (REPO_ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    # Then it is exactly what the declarations render (python -m infra.config), so no default is written twice
    assert infra_config.markdown_table() in doc


def test_every_setting_is_declared_once_with_a_context_key_variable_and_help():
    keys = [declared.name for declared in SETTINGS]
    variables = [declared.env_var for declared in SETTINGS]
    assert len(set(keys)) == len(keys) and len(set(variables)) == len(variables)
    assert all(
        declared.help and variable.startswith("IMAGEGATE_CDK_")
        for declared, variable in zip(SETTINGS, variables, strict=True)
    )
    # and a config built from nothing holds each declared default
    config = ImagegateConfig.from_context({}.get)
    assert all(getattr(config, declared.attribute) == declared.default for declared in SETTINGS)


def test_run_setting_defaults_are_the_runtimes_own():
    config = ImagegateConfig.from_context({}.get)
    assert config.default_threshold == runtime_settings.DEFAULTS["threshold"]
    assert config.default_max_rounds == runtime_settings.DEFAULTS["maxRounds"]
    assert config.models_by_role() == {
        role: runtime_settings.DEFAULTS[role] for role in ("generator", "judge", "rewriter", "evaluator")
    }


def test_cdk_json_repeats_no_default():
    for key, value in infra_config.cdk_json_context().items():
        declared = next((item for item in SETTINGS if item.name == key), None)
        assert declared is None or declared.parse(value) != declared.default, f"cdk.json repeats {key}'s default"


@pytest.mark.parametrize(
    "key, raw",
    [
        ("defaultMaxRounds", "4.5"),
        ("defaultMaxRounds", "four"),
        ("apiKey", "maybe"),
        ("defaultThreshold", "nan"),
        ("benchmarkLimit", True),
        ("apiCorsOrigins", {"a": 1}),
    ],
)
def test_a_value_of_the_wrong_type_is_refused_naming_its_key(key, raw):
    with pytest.raises(ContextError, match=f"does not parse.*{key}") as raised:
        config_from_context(**{key: raw})
    assert len(raised.value.problems) == 1


def test_every_bad_value_is_reported_at_once():
    with pytest.raises(ContextError) as raised:
        config_from_context(sfnLogLevel="LOUD", apiQuotaPeriod="YEAR", benchmarkConcurrency=0)
    assert [problem.split()[0] for problem in raised.value.problems] == [
        "sfnLogLevel",
        "apiQuotaPeriod",
        "benchmarkConcurrency",
    ]


@pytest.mark.parametrize(
    "declared", [item for item in SETTINGS if item.default not in (None, ())], ids=lambda declared: declared.name
)
def test_each_setting_is_read_from_its_environment_variable_as_text(declared):
    # Given the setting's default written as text in its environment variable
    text = ",".join(declared.default) if isinstance(declared.default, tuple) else str(declared.default)
    context = infra_config.environment_context({declared.env_var: text, "UNRELATED": "x"})
    assert context == {declared.name: text}
    # When the config is read, Then the text is parsed to the setting's type and value
    assert getattr(ImagegateConfig.from_context(context.get), declared.attribute) == declared.default


def test_environment_changes_a_setting_and_context_still_wins():
    environ = {
        "IMAGEGATE_CDK_LOG_RETENTION_DAYS": "90",
        "IMAGEGATE_CDK_API_CORS_ORIGINS": "https://a.example, https://b.example",
    }
    from_env = ImagegateConfig.from_context({**infra_config.environment_context(environ)}.get)
    assert from_env.log_retention_days == 90
    assert from_env.api_cors_origins == ("https://a.example", "https://b.example")
    both = ImagegateConfig.from_context({**infra_config.environment_context(environ), "logRetentionDays": 7}.get)
    assert both.log_retention_days == 7


@pytest.mark.parametrize(
    "override, message",
    [
        ({"imageUrlExpirySeconds": 10_000_000}, "imageUrlExpirySeconds 10000000 is outside 1-604800"),
        ({"defaultThreshold": "10.5"}, "defaultThreshold 10.5 is outside 0-10"),
        ({"runRetentionDays": 0}, "runRetentionDays 0 must be at least 1"),
        ({"apiThrottleRateLimit": "0"}, "apiThrottleRateLimit 0 must be positive"),
    ],
)
def test_a_value_out_of_range_is_named_with_the_number_as_given(override, message):
    with pytest.raises(ContextError) as raised:
        config_from_context(**override)
    assert raised.value.problems == [message]


def test_marketplace_grant_is_scoped_to_the_registrys_product_id_by_default():
    # Given the default generator (a Stability model, sold through AWS Marketplace)
    config = config_from_context()
    grant = config.marketplace_grant(config.generator_model)
    # Then Subscribe/Unsubscribe are conditioned on its product id and ViewSubscriptions comes with them
    assert grant is not None and grant.product_id.startswith("prod")
    assert grant.condition == {"ForAnyValue:StringEquals": {"aws-marketplace:ProductId": [grant.product_id]}}
    assert set(grant.subscribe_actions) == {"aws-marketplace:Subscribe", "aws-marketplace:Unsubscribe"}
    assert grant.view_actions == ("aws-marketplace:ViewSubscriptions",)


@pytest.mark.parametrize("generator", ["stability.stable-image-core-v1:1", "stability.stable-image-ultra-v1:1"])
def test_each_stability_generator_subscribes_to_its_own_product(generator):
    ids = {
        model: config_from_context(generatorModel=model).marketplace_grant(model).product_id
        for model in ("stability.sd3-5-large-v1:0", generator)
    }
    assert len(set(ids.values())) == 2


def test_models_sold_outside_marketplace_and_subscription_off_get_no_marketplace_grant():
    config = config_from_context()
    # Amazon's own models need no subscription (model-access-product-ids.html)
    for model in (config.judge_model, config.rewriter_model, config.evaluator_model):
        assert config.marketplace_grant(model) is None
    assert config_from_context(modelSubscription="off").marketplace_grant(config.generator_model) is None


def test_marketplace_grant_any_drops_the_product_condition():
    config = config_from_context(modelSubscription="Any")
    grant = config.marketplace_grant(config.generator_model)
    assert grant is not None and grant.condition is None


def test_an_unknown_model_subscription_is_refused_naming_the_key_and_choices():
    with pytest.raises(ContextError, match=r"modelSubscription 'MANUAL' is not one of \('SCOPED', 'ANY', 'OFF'\)"):
        config_from_context(modelSubscription="manual")


def _generate_images_spec():
    from infra.config import FUNCTION_SPECS

    [spec] = [s for s in FUNCTION_SPECS if s.name == "generate_images"]
    assert spec.image_services  # strategy targeted edits with the Image Services
    return spec


def test_generate_images_may_subscribe_to_what_it_calls_scoped_where_a_product_id_is_known():
    spec = _generate_images_spec()
    # SCOPED (default): the generator's product only; the Image Services have no product id to scope to
    config = config_from_context()
    grants = config.subscription_grants(spec)
    assert list(grants) == ["SubscribeToConfiguredModel"]
    assert (
        grants["SubscribeToConfiguredModel"].product_id == config.marketplace_grant(config.generator_model).product_id
    )
    assert "Generate Images" in " ".join(config.subscription_notes())
    # ANY: one unconditioned grant, which covers the generator's product and the Image Services alike
    [grant] = config_from_context(modelSubscription="ANY").subscription_grants(spec).values()
    assert grant.condition is None
    # OFF: none
    assert config_from_context(modelSubscription="OFF").subscription_grants(spec) == {}


def test_an_amazon_generator_under_any_still_lets_targeted_edits_subscribe_to_the_image_services():
    spec = _generate_images_spec()
    amazon = {"generatorModel": "amazon.nova-canvas-v1:0", "allowRetiredModels": True}
    # Given a generator sold outside Marketplace (no grant of its own)
    assert config_from_context(**amazon).subscription_grants(spec) == {}
    # Then with ANY Generate Images still gets the unconditioned grant, for its targeted edits' Image Services
    grants = config_from_context(modelSubscription="ANY", **amazon).subscription_grants(spec)
    assert list(grants) == ["SubscribeToImageServices"] and grants["SubscribeToImageServices"].condition is None


def test_with_both_product_ids_known_generate_images_is_scoped_to_both(monkeypatch):
    from imagegate_service import registry

    known = registry.marketplace_product_id
    services = set(registry.image_service_ids())
    monkeypatch.setattr(
        registry, "marketplace_product_id", lambda model: "prod-imageservices" if model in services else known(model)
    )
    config = config_from_context()
    grants = config.subscription_grants(_generate_images_spec())
    conditions = {
        sid: g.condition["ForAnyValue:StringEquals"]["aws-marketplace:ProductId"] for sid, g in grants.items()
    }
    assert conditions == {
        "SubscribeToConfiguredModel": [known(config.generator_model)],
        "SubscribeToImageServices": ["prod-imageservices"],
    }


def test_benchmark_concurrency_beyond_the_image_quota_is_refused_naming_both_settings_and_the_limit():
    # An image-model quota of 6 requests a minute bears 3 loops at once (2 image calls a minute each)
    assert config_from_context(imageModelRequestsPerMinute=6, benchmarkConcurrency=3).benchmark_max_concurrency() == 3
    with pytest.raises(ContextError) as raised:
        config_from_context(imageModelRequestsPerMinute=6, benchmarkConcurrency=4)
    (problem,) = raised.value.problems
    assert problem.startswith("benchmarkConcurrency 4 is more than imageModelRequestsPerMinute 6 bears: at most 3")
    # And without a quota only Step Functions' own ceiling applies
    assert config_from_context(benchmarkConcurrency=500).benchmark_max_concurrency() == 10_000


def test_image_services_are_sold_through_marketplace_and_scoped_only_to_a_known_product(monkeypatch):
    from imagegate_service import registry

    service = registry.image_service_ids()[0]
    # Unknown product id (the registry's record today): SCOPED cannot scope, ANY grants unconditioned, OFF nothing
    assert config_from_context().marketplace_grant(service) is None
    any_grant = config_from_context(modelSubscription="ANY").marketplace_grant(service)
    assert any_grant is not None and any_grant.condition is None and any_grant.product_id is None
    assert config_from_context(modelSubscription="OFF").marketplace_grant(service) is None
    assert (
        config_from_context().subscription_notes()
        and not config_from_context(modelSubscription="ANY").subscription_notes()
    )
    # Once the product id is recorded, SCOPED conditions the grant on it as for a generator, and the note goes
    monkeypatch.setattr(registry, "marketplace_product_id", lambda model_id: "prod-imageservices")
    grant = config_from_context().marketplace_grant(service)
    assert grant.condition == {"ForAnyValue:StringEquals": {"aws-marketplace:ProductId": ["prod-imageservices"]}}
    assert config_from_context().subscription_notes() == []
