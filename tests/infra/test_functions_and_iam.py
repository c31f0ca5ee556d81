"""Functions run Python 3.13 on arm64 with Powertools, and each role allows only what its handler needs."""

from __future__ import annotations

import re
from typing import Any

import pytest
from infra_test_helpers import as_list, function_role_id, grants_by_action, render, statements_of_role

from imagegate_service import constants as c
from imagegate_service import registry
from infra.config import (
    BENCHMARK_FUNCTION_SPECS,
    ENHANCE_FUNCTION_SPECS,
    FUNCTION_SPECS,
    INFERENCE_PROFILE_REGIONS,
    MARKETPLACE_SUBSCRIBE_ACTIONS,
    MARKETPLACE_VIEW_ACTIONS,
)

pytestmark = pytest.mark.infra

SCOPED_SERVICES = ("bedrock:", "s3:", "dynamodb:")


def _function(synthesized, function_name: str) -> Any:
    """A loop, benchmark or enhancement function, by its handler name."""
    return {
        **synthesized.stack.functions.by_name,
        **synthesized.stack.benchmark.by_name,
        **synthesized.stack.enhancement.by_name,
    }[function_name]


def _grants(synthesized, function_name: str) -> dict[str, set[str]]:
    """action -> rendered resources, for the function's role."""
    statements = statements_of_role(synthesized, function_role_id(synthesized, _function(synthesized, function_name)))
    for statement in statements:
        assert statement["Effect"] == "Allow"
    return grants_by_action(statements)


def test_functions_run_python_313_on_arm64_traced_with_powertools(synthesized):
    functions = synthesized.resources("AWS::Lambda::Function")
    # + the HTTP API's function (tests/infra/test_api_stack.py) and mark_run_ended (test_run_endings.py)
    specs = FUNCTION_SPECS + BENCHMARK_FUNCTION_SPECS + ENHANCE_FUNCTION_SPECS
    assert len(functions) == len(specs) + 2
    for spec in specs:
        properties = functions[synthesized.logical_id(_function(synthesized, spec.name))]["Properties"]
        assert properties["Handler"] == f"imagegate_service.handlers.{spec.name}.handler"
        assert properties["Runtime"] == "python3.13"
        assert properties["Architectures"] == ["arm64"]
        assert properties["TracingConfig"] == {"Mode": "Active"}
        layers = [render(layer) for layer in properties["Layers"]]
        assert (
            "arn:aws:lambda:${AWS::Region}:017000801446:layer:AWSLambdaPowertoolsPythonV3-python313-arm64:27" in layers
        )
        environment = properties["Environment"]["Variables"]
        assert environment["POWERTOOLS_SERVICE_NAME"] == "imagegate"
        assert environment["POWERTOOLS_METRICS_NAMESPACE"] == "imagegate"
        assert environment["POWERTOOLS_LOG_LEVEL"] == "INFO"
        assert environment["IMAGEGATE_BUCKET"] == {"Ref": synthesized.logical_id(synthesized.stack.storage.bucket)}
        assert environment["IMAGEGATE_TABLE"] == {"Ref": synthesized.logical_id(synthesized.stack.storage.table)}
        log_group_id = properties["LoggingConfig"]["LogGroup"]["Ref"]
        assert synthesized.template_json["Resources"][log_group_id]["Properties"]["RetentionInDays"] == 30


def test_code_asset_holds_only_the_runtime_package_and_prompts(synthesized):
    function = synthesized.resources("AWS::Lambda::Function")[
        synthesized.logical_id(synthesized.stack.functions.by_name["start_run"])
    ]
    asset_dir = synthesized.outdir / f"asset.{function['Properties']['Code']['S3Key'].removesuffix('.zip')}"
    assert sorted(path.name for path in asset_dir.iterdir()) == ["imagegate_service", "prompts"]
    assert (asset_dir / "imagegate_service" / "model_registry.json").is_file()
    assert not list(asset_dir.rglob("__pycache__"))


def test_dependencies_layer_ships_the_lock_built_for_the_functions_runtime(synthesized):
    from infra import layer as layer_build

    # Given the layer and a function of the synthesized stack
    (layer,) = synthesized.resources("AWS::Lambda::LayerVersion").values()
    layer_dir = synthesized.outdir / f"asset.{layer['Properties']['Content']['S3Key'].removesuffix('.zip')}"
    function = next(iter(synthesized.resources("AWS::Lambda::Function").values()))["Properties"]
    # Then every locked distribution is in it, at its locked version
    installed = {
        path.name.removesuffix(".dist-info").rpartition("-")[::2] for path in (layer_dir / "python").glob("*.dist-info")
    }
    assert {(name.replace("-", "_"), version) for name, version in _locked().items()} == {
        (name.lower().replace("-", "_"), version) for name, version in installed
    }
    assert (layer_dir / "python" / "jsonschema" / "__init__.py").is_file()
    assert (layer_dir / "python" / "jinja2" / "__init__.py").is_file()
    # And its compiled extensions are the Lambda runtime's build (Python version and CPU), not this machine's: every
    # shared object (extensions, the libraries wheels bundle in <name>.libs/) is an ELF for the runtime's CPU, and
    # every version-tagged extension names the runtime's Python (OpenCV's cv2.abi3.so is the stable ABI: any 3.x)
    tag = f"cpython-{layer_build.LAMBDA_PYTHON_VERSION.replace('.', '')}-"
    cpu = {"arm64": "aarch64", "x86_64": "x86_64"}[layer_build.LAMBDA_ARCHITECTURE]
    machine = {"arm64": 183, "x86_64": 62}[layer_build.LAMBDA_ARCHITECTURE]  # ELF e_machine: EM_AARCH64, EM_X86_64
    shared = [path for path in (layer_dir / "python").rglob("*.so*") if path.is_file()]
    assert all(_elf_machine(path) == machine for path in shared), [p for p in shared if _elf_machine(p) != machine]
    extensions = [path for path in shared if ".cpython-" in path.name]
    assert {path.parent.name for path in extensions} >= {"rpds", "markupsafe"}
    assert all(tag in path.name and f"{cpu}-linux-gnu" in path.name for path in extensions), extensions
    # And it leaves room under Lambda's 250 MB (unzipped) for a function with all its layers ("Lambda quotas",
    # https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html) for the Powertools layer and the code:
    # OpenCV and numpy (the enhance workflow's local fallback) are most of it (155 MB measured on 2026-12-05)
    size = sum(path.stat().st_size for path in (layer_dir / "python").rglob("*") if path.is_file())
    assert size < 200 * 1024 * 1024, size
    # And the layer and the functions declare that same runtime
    assert layer["Properties"]["CompatibleArchitectures"] == [layer_build.LAMBDA_ARCHITECTURE]
    assert layer["Properties"]["CompatibleRuntimes"] == [layer_build.runtime_name()] == [function["Runtime"]]
    assert function["Architectures"] == [layer_build.LAMBDA_ARCHITECTURE]
    assert not (layer_dir / "python" / "bin").exists()


def _elf_machine(path) -> int | None:
    """A shared object's ELF e_machine (bytes 18-19, little-endian on both Lambda CPUs), or None if not an ELF."""
    head = path.read_bytes()[:20]
    return int.from_bytes(head[18:20], "little") if head[:4] == b"\x7fELF" else None


def _locked() -> dict[str, str]:
    from infra import layer as layer_build

    lock = layer_build.REQUIREMENTS_LOCK.read_text(encoding="utf-8")
    pins = re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)", lock, re.MULTILINE)
    return {name.lower(): version for name, version in pins}


def test_no_wildcard_resource_on_bedrock_s3_or_dynamodb(synthesized):
    for policy in synthesized.resources("AWS::IAM::Policy").values():
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
            if any(action.startswith(SCOPED_SERVICES) for action in as_list(statement["Action"])):
                for resource in map(render, as_list(statement["Resource"])):
                    assert resource != "*"
                    # per-run keys under runs/; the benchmark's reports under benchmarks/, its Distributed Map's items and
                    # results under benchmarks/executions/ (test_benchmark_stack.py)
                    assert "*" not in resource or resource.endswith(
                        ("/runs/*", "/benchmarks/*", "/benchmarks/executions/*")
                    ), resource


def test_each_function_gets_only_its_actions(synthesized):
    bucket_runs = f"${{{synthesized.logical_id(synthesized.stack.storage.bucket)}.Arn}}/runs/*"
    table = f"${{{synthesized.logical_id(synthesized.stack.storage.table)}.Arn}}"
    for spec in FUNCTION_SPECS:
        grants = _grants(synthesized, spec.name)
        scoped = {action: resources for action, resources in grants.items() if action.startswith(SCOPED_SERVICES)}
        expected = {action: {bucket_runs} for action in spec.s3_object_actions}
        expected |= {action: {table} for action in spec.dynamodb_actions}
        if spec.model_role:
            expected["bedrock:InvokeModel"] = scoped.get("bedrock:InvokeModel")
            if "bedrock:GetInferenceProfile" in scoped:  # its own profile only (test below)
                expected["bedrock:GetInferenceProfile"] = scoped["bedrock:GetInferenceProfile"]
        assert scoped == expected, spec.name
        detection = {"rekognition:DetectLabels", "rekognition:DetectText"} if spec.detects else set()
        detection |= {"rekognition:DetectLabels"} if spec.detects_for_masks else set()
        config = synthesized.stack.functions._config
        marketplace = (
            set(MARKETPLACE_SUBSCRIBE_ACTIONS + MARKETPLACE_VIEW_ACTIONS) if config.subscription_grants(spec) else set()
        )
        assert set(grants) - set(scoped) <= {
            *marketplace,
            "logs:CreateLogStream",
            "logs:PutLogEvents",
            "xray:PutTraceSegments",
            "xray:PutTelemetryRecords",
            *detection,
            # Finish Run starts a request's `finish` enhancement, on the enhance workflow only (test_enhance_stack.py)
            *({"states:StartExecution"} if spec.name == "finish_run" else set()),
        }, spec.name


def test_only_the_verifier_may_call_rekognition_and_only_its_two_detect_actions(synthesized):
    # Given every function of the loop, the benchmark, the enhancement, the API and the run endings
    functions = {
        **synthesized.stack.functions.by_name,
        **synthesized.stack.benchmark.by_name,
        **synthesized.stack.enhancement.by_name,
    }
    for name, function in functions.items():
        grants = grants_by_action(statements_of_role(synthesized, function_role_id(synthesized, function)))
        rekognition = {action: resources for action, resources in grants.items() if action.startswith("rekognition:")}
        # Then only verify_round has Rekognition, exactly DetectLabels and DetectText (they take no resource ARN:
        # "*"), and apply_enhancement DetectLabels (an erase's mask); the image Rekognition reads with their roles
        # is scoped by s3:GetObject on runs/* alone; rewrite_prompt DetectLabels too (a targeted erase's mask)
        if name in ("apply_enhancement", "rewrite_prompt"):
            assert rekognition == {"rekognition:DetectLabels": {"*"}}
            assert grants["s3:GetObject"] == {
                f"${{{synthesized.logical_id(synthesized.stack.storage.bucket)}.Arn}}/runs/*"
            }
        elif name == "verify_round":
            assert rekognition == {"rekognition:DetectLabels": {"*"}, "rekognition:DetectText": {"*"}}
            assert grants["s3:GetObject"] == {
                f"${{{synthesized.logical_id(synthesized.stack.storage.bucket)}.Arn}}/runs/*"
            }
        else:
            assert rekognition == {}, name
    for policy in synthesized.resources("AWS::IAM::Policy").values():
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
            if "*" in as_list(statement["Resource"]):
                assert not [a for a in as_list(statement["Action"]) if a.startswith("rekognition:")] or set(
                    as_list(statement["Action"])
                ) <= {"rekognition:DetectLabels", "rekognition:DetectText"}


def test_the_verifiers_wildcard_is_suppressed_with_its_reason(synthesized):
    role = synthesized.template_json["Resources"][
        function_role_id(synthesized, synthesized.stack.functions.by_name["verify_round"])
    ]
    [suppression] = [s for s in role["Metadata"]["cdk_nag"]["rules_to_suppress"] if s["id"] == "AwsSolutions-IAM5"]
    assert "Resource::*" in suppression["applies_to"]
    assert (
        "rekognition:DetectLabels and rekognition:DetectText support no resource-level permissions"
        in (suppression["reason"])
    )


def test_generator_may_invoke_only_the_generator_model_and_the_three_targeted_edit_services(synthesized):
    generator = synthesized.stack.functions._config.generator_model
    assert generator == registry.default_model("generator")
    # Search and Recolor, Search and Replace, Erase Object (strategy targeted), each in the stack's region; not the
    # other Image Services (upscale, outpaint, remove background: the enhance workflow's, not the loop's)
    edits = {
        registry.image_service_for("recolor").model_id,
        registry.image_service_for("replace").model_id,
        registry.image_service_for("erase").model_id,
    }
    assert len(edits) == 3 and edits < set(registry.image_service_ids())
    assert _grants(synthesized, "generate_images")["bedrock:InvokeModel"] == {
        f"arn:${{AWS::Partition}}:bedrock:${{AWS::Region}}::foundation-model/{model_id}"
        for model_id in {generator, *edits}
    }
    assert "bedrock:GetInferenceProfile" not in _grants(synthesized, "generate_images")  # not a profile
    # And no other loop function may invoke them
    for spec in FUNCTION_SPECS:
        if spec.name != "generate_images":
            invoked = _grants(synthesized, spec.name).get("bedrock:InvokeModel", set())
            assert not [arn for arn in invoked if any(arn.endswith(f"/{model_id}") for model_id in edits)], spec.name


def test_the_mask_detectors_wildcard_is_suppressed_with_its_reason(synthesized):
    role = synthesized.template_json["Resources"][
        function_role_id(synthesized, synthesized.stack.functions.by_name["rewrite_prompt"])
    ]
    [suppression] = [s for s in role["Metadata"]["cdk_nag"]["rules_to_suppress"] if s["id"] == "AwsSolutions-IAM5"]
    assert "Resource::*" in suppression["applies_to"]
    assert "for a targeted erase's mask" in suppression["reason"]


@pytest.mark.parametrize(
    "function_name, role", [("judge_images", "judge"), ("rewrite_prompt", "rewriter"), ("evaluate_round", "evaluator")]
)
def test_text_functions_may_invoke_and_read_only_their_profile_and_its_foundation_models(
    synthesized, function_name, role
):
    profile = registry.default_model(role)
    foundation_model = registry.text_model(profile).foundation_model
    prefix = profile.split(".")[0]
    profile_arn = f"arn:${{AWS::Partition}}:bedrock:${{AWS::Region}}:${{AWS::AccountId}}:inference-profile/{profile}"
    expected = {profile_arn} | {
        f"arn:${{AWS::Partition}}:bedrock:{region}::foundation-model/{foundation_model}"
        for region in INFERENCE_PROFILE_REGIONS[prefix]
    }
    grants = _grants(synthesized, function_name)
    assert grants["bedrock:InvokeModel"] == expected
    assert grants["bedrock:GetInferenceProfile"] == {profile_arn}


def test_functions_know_which_models_are_deployed(synthesized):
    from imagegate_service import allowed_models

    config = synthesized.stack.functions._config
    for function in synthesized.resources("AWS::Lambda::Function").values():
        variables = function["Properties"]["Environment"]["Variables"]
        deployed = allowed_models.deployed_models({c.ENV_DEPLOYED_MODELS: variables[c.ENV_DEPLOYED_MODELS]})
        assert deployed == {
            **{role: (model,) for role, model in config.models_by_role().items()},
            "verifier": (c.VERIFIER_REKOGNITION,),
        }


def test_state_machine_may_invoke_only_its_functions(synthesized):
    state_machine = synthesized.stack.quality_loop.state_machine
    role_id = synthesized.logical_id(state_machine.role)
    invoke = [
        statement
        for statement in statements_of_role(synthesized, role_id)
        if "lambda:InvokeFunction" in as_list(statement["Action"])
    ]
    (statement,) = invoke
    assert {render(resource) for resource in statement["Resource"]} == {
        f"${{{synthesized.logical_id(function)}.Arn}}" for function in synthesized.stack.functions.by_name.values()
    }
    assert not [
        statement
        for statement in statements_of_role(synthesized, role_id)
        if any(action.startswith(SCOPED_SERVICES) for action in as_list(statement["Action"]))
    ]


def test_generator_may_have_bedrock_subscribe_only_to_its_models_marketplace_product(synthesized):
    # Given the default generator, a Stability model Bedrock subscribes the account to on its first call
    config = synthesized.stack.functions._config
    product_id = config.marketplace_grant(config.generator_model).product_id
    role_id = function_role_id(synthesized, synthesized.stack.functions.by_name["generate_images"])
    statements = [s for s in statements_of_role(synthesized, role_id) if str(s["Action"]).count("aws-marketplace:")]
    # Then Subscribe/Unsubscribe are granted only under the product-id condition, ViewSubscriptions alone on "*"
    subscribe = [s for s in statements if "aws-marketplace:Subscribe" in as_list(s["Action"])]
    assert [sorted(as_list(s["Action"])) for s in subscribe] == [sorted(MARKETPLACE_SUBSCRIBE_ACTIONS)]
    condition = subscribe[0]["Condition"]
    assert list(condition) == ["ForAnyValue:StringEquals"]
    assert as_list(condition["ForAnyValue:StringEquals"]["aws-marketplace:ProductId"]) == [product_id]
    view = [s for s in statements if s not in subscribe]
    assert [as_list(s["Action"]) for s in view] == [list(MARKETPLACE_VIEW_ACTIONS)] and "Condition" not in view[0]
    # And no other function of the loop (their models are Amazon's) may touch Marketplace
    for name, function in synthesized.stack.functions.by_name.items():
        grants = grants_by_action(statements_of_role(synthesized, function_role_id(synthesized, function)))
        assert bool([a for a in grants if a.startswith("aws-marketplace:")]) == (name == "generate_images"), name
    # And the wildcard is suppressed for cdk-nag with the reason and the product named
    role = synthesized.template_json["Resources"][role_id]
    [suppression] = [s for s in role["Metadata"]["cdk_nag"]["rules_to_suppress"] if s["id"] == "AwsSolutions-IAM5"]
    assert "aws-marketplace:Subscribe" in suppression["reason"] and product_id in suppression["reason"]
