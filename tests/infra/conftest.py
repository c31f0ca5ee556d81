"""One synthesis of the CDK app per test session (jsii makes each one cost seconds)."""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ALARM_EMAIL = "alarms@example.com"


@dataclass(frozen=True)
class Synthesized:
    stack: Any  # infra.stack.ImagegateStack
    assembly: Any  # aws_cdk.cx_api.CloudAssembly
    template: Any  # aws_cdk.assertions.Template
    template_json: dict[str, Any]
    outdir: Path
    alarm_email: str = ALARM_EMAIL

    def resources(self, resource_type: str) -> dict[str, dict[str, Any]]:
        return {
            logical_id: resource
            for logical_id, resource in self.template_json["Resources"].items()
            if resource["Type"] == resource_type
        }

    def logical_id(self, construct: Any) -> str:
        return self.stack.get_logical_id(construct.node.default_child)


@pytest.fixture(scope="session")
def synthesized(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    if shutil.which("node") is None:
        pytest.skip("the CDK needs node")
    os.environ.setdefault("JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "1")
    from aws_cdk.assertions import Template

    from infra.stack import build_app

    outdir = tmp_path_factory.mktemp("cdk.out")
    # An alarm email so the optional SNS topic is synthesized and checked too.
    # No target region in the environment: the region check has its own tests (test_model_guards.py).
    app, stack = build_app(context={"alarmEmail": ALARM_EMAIL}, outdir=str(outdir), environ={})
    assembly = app.synth()
    template_json = json.loads((outdir / assembly.get_stack_by_name(stack.stack_name).template_file).read_text())
    return Synthesized(stack, assembly, Template.from_json(template_json), template_json, outdir)
