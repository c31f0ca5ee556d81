"""cdk-nag (AWS Solutions) and cfn-lint both accept the synthesized template."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.infra


def test_cdk_nag_has_no_unsuppressed_errors(synthesized):
    from infra.stack import unsuppressed_errors

    assert unsuppressed_errors(synthesized.assembly) == []


def test_every_nag_suppression_has_a_reason(synthesized):
    suppressions = [
        suppression
        for resource in synthesized.template_json["Resources"].values()
        for suppression in resource.get("Metadata", {}).get("cdk_nag", {}).get("rules_to_suppress", [])
    ]
    assert suppressions
    for suppression in suppressions:
        assert len(suppression["reason"]) >= 20, suppression


def test_cfn_lint_finds_no_errors(synthesized):
    from cfnlint.api import lint_file

    template_file = (
        synthesized.outdir / synthesized.assembly.get_stack_by_name(synthesized.stack.stack_name).template_file
    )
    errors = [str(match) for match in lint_file(template_file) if match.rule.severity == "error"]
    assert errors == []
