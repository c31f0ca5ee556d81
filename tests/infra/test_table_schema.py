"""The deployed runs table is the schema the local runtime and the tests create (imagegate_service.resources)."""

from __future__ import annotations

import pytest

from imagegate_service.resources import RUNS_TABLE

pytestmark = pytest.mark.infra


def test_the_synthesized_runs_table_is_the_declared_schema(synthesized):
    # Given the one table of the stack and the CreateTable request both other runtimes send
    (table,) = synthesized.resources("AWS::DynamoDB::Table").values()
    properties = table["Properties"]
    declared = RUNS_TABLE.create_table_arguments("any")
    # Then keys, attribute definitions, indexes and TTL are the same
    assert properties["KeySchema"] == declared["KeySchema"]
    assert sorted(properties["AttributeDefinitions"], key=str) == sorted(declared["AttributeDefinitions"], key=str)
    assert properties["GlobalSecondaryIndexes"] == declared["GlobalSecondaryIndexes"]
    assert properties["BillingMode"] == declared["BillingMode"]
    assert properties["TimeToLiveSpecification"] == {"AttributeName": RUNS_TABLE.ttl_attribute, "Enabled": True}
