"""The enhance workflow as synthesized: its state machine is enhance.asl.json with its two functions substituted,
Apply Operation may invoke exactly the registry's Image Services and DetectLabels, the API may start it and
knows its ARN, and cdk-nag finds nothing unsuppressed."""

from __future__ import annotations

import json

import pytest
from infra_test_helpers import as_list

from imagegate_service import constants, registry, workflows

pytestmark = pytest.mark.infra


def _policy_statements(synthesized, function):
    role_id = synthesized.stack.get_logical_id(function.role.node.default_child)
    statements = []
    for policy in synthesized.resources("AWS::IAM::Policy").values():
        if {"Ref": role_id} in policy["Properties"]["Roles"]:
            statements.extend(policy["Properties"]["PolicyDocument"]["Statement"])
    return statements


def test_the_state_machine_is_the_asl_file_with_its_two_functions(synthesized):
    machine = synthesized.resources("AWS::StepFunctions::StateMachine")[
        synthesized.logical_id(synthesized.stack.enhancement.state_machine)
    ]
    substitutions = machine["Properties"]["DefinitionSubstitutions"]
    assert set(substitutions) == set(constants.ENHANCE_HANDLERS.values())
    body = machine["Properties"]["DefinitionString"]
    text = body if isinstance(body, str) else json.dumps(body)
    assert json.loads(workflows.enhance_definition())["States"]["Apply Operation"]["Retry"]
    assert "Apply Operation" in text and "Record Failure" in text


def test_apply_operation_may_invoke_exactly_the_image_services(synthesized):
    statements = _policy_statements(synthesized, synthesized.stack.enhancement.by_name["apply_enhancement"])
    invoke = next(s for s in statements if s.get("Sid") == "InvokeImageServices")
    resources = json.dumps(invoke["Resource"])
    for model_id in registry.image_service_ids():
        assert f"foundation-model/{model_id}" in resources
    assert len(invoke["Resource"]) == len(registry.image_service_ids())
    detect = next(s for s in statements if s.get("Sid") == "DetectForMasks")
    assert detect["Action"] == "rekognition:DetectLabels"
    finish = _policy_statements(synthesized, synthesized.stack.enhancement.by_name["finish_enhancement"])
    assert not any("bedrock:InvokeModel" in json.dumps(s.get("Action")) for s in finish)


@pytest.mark.parametrize("starter", ["api", "finish_run"])
def test_the_api_and_finish_run_may_start_enhancements_and_know_the_state_machine(synthesized, starter):
    stack = synthesized.stack
    function = stack.api.function if starter == "api" else stack.functions.by_name["finish_run"]
    statements = _policy_statements(synthesized, function)
    machine_id = synthesized.logical_id(stack.enhancement.state_machine)
    started = [
        resource
        for s in statements
        if "states:StartExecution" in json.dumps(s["Action"])
        for resource in (s["Resource"] if isinstance(s["Resource"], list) else [s["Resource"]])
    ]
    assert {"Ref": machine_id} in started
    if starter == "finish_run":  # the enhance workflow only, never the loop itself
        assert started == [{"Ref": machine_id}]
    resource = synthesized.resources("AWS::Lambda::Function")[synthesized.logical_id(function)]
    variables = resource["Properties"]["Environment"]["Variables"]
    assert machine_id in json.dumps(variables[constants.ENV_ENHANCE_STATE_MACHINE_ARN])


def test_cdk_nag_finds_nothing_unsuppressed(synthesized):
    from infra.stack import unsuppressed_errors

    assert unsuppressed_errors(synthesized.assembly) == []


def test_the_rest_api_routes_post_enhance_to_the_api_function(synthesized):
    resources = synthesized.resources("AWS::ApiGateway::Resource")
    enhance = [logical_id for logical_id, r in resources.items() if r["Properties"]["PathPart"] == "enhance"]
    assert len(enhance) == 1
    methods = [
        m["Properties"]
        for m in synthesized.resources("AWS::ApiGateway::Method").values()
        if m["Properties"].get("ResourceId") == {"Ref": enhance[0]}
    ]
    assert [m["HttpMethod"] for m in methods] == ["POST"]
    assert methods[0]["AuthorizationType"] == "AWS_IAM"


def _marketplace_statements(synthesized, name):
    statements = _policy_statements(synthesized, synthesized.stack.enhancement.by_name[name])
    return [s for s in statements if "aws-marketplace:" in json.dumps(s["Action"])]


def test_by_default_apply_operation_gets_no_marketplace_grant_and_the_deployer_is_told_why(synthesized):
    # Given modelSubscription SCOPED (the default) and no product id for the Image Services in the registry
    assert registry.marketplace_product_id(registry.image_service_ids()[0]) is None
    # Then there is nothing to scope a Subscribe grant to: none is made, and the synthesis says what to do
    assert _marketplace_statements(synthesized, "apply_enhancement") == []
    [note] = [n for n in synthesized.stack.notes if "Image Services" in n]
    assert "modelSubscription ANY" in note and "by hand" in note


def test_with_model_subscription_any_the_image_services_callers_may_have_bedrock_subscribe(tmp_path):
    from infra.stack import build_app, unsuppressed_errors

    # Given a deployment that lets its functions subscribe to any Marketplace product (the generator's setting), with
    # a generator sold outside Marketplace, so that only the Image Services need a subscription
    context = {
        "modelSubscription": "ANY",
        "generatorModel": "amazon.nova-canvas-v1:0",
        "allowRetiredModels": True,
    }
    app, stack = build_app(context=context, outdir=str(tmp_path), environ={})
    assembly = app.synth()
    template = json.loads((tmp_path / assembly.get_stack_by_name(stack.stack_name).template_file).read_text())

    class Synth:
        def __init__(self):
            self.stack = stack

        def resources(self, kind):
            return {k: v for k, v in template["Resources"].items() if v["Type"] == kind}

    synth = Synth()
    # Then Apply Operation gets Subscribe/Unsubscribe (no product to condition them on) and ViewSubscriptions
    statements = _marketplace_statements(synth, "apply_enhancement")
    actions = sorted(
        action for s in statements for action in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])
    )
    assert actions == ["aws-marketplace:Subscribe", "aws-marketplace:Unsubscribe", "aws-marketplace:ViewSubscriptions"]
    assert all(s["Resource"] == "*" and "Condition" not in s for s in statements)
    # And Finish Enhancement, which calls no model, gets none; the wildcard is suppressed with its reason
    assert _marketplace_statements(synth, "finish_enhancement") == []
    assert unsuppressed_errors(assembly) == []
    assert not [n for n in stack.notes if "Image Services" in n]
    # And Generate Images, whose targeted edits call the Image Services, gets the same unconditioned grant
    statements = _policy_statements(synth, stack.functions.by_name["generate_images"])
    generator = [s for s in statements if "aws-marketplace:" in json.dumps(s["Action"])]
    assert sorted((s["Sid"], tuple(as_list(s["Action"]))) for s in generator) == [
        ("SubscribeToImageServices", ("aws-marketplace:Subscribe", "aws-marketplace:Unsubscribe")),
        ("ViewModelSubscriptions", ("aws-marketplace:ViewSubscriptions",)),
    ]
    assert all(s["Resource"] == "*" and "Condition" not in s for s in generator)
