"""The runs table schema and the Powertools environment, declared once for both runtimes."""

from __future__ import annotations

import boto3
import pytest
from moto import mock_aws

from imagegate_service import constants as c
from imagegate_service.resources import RUNS_TABLE, powertools_environment

pytestmark = pytest.mark.unit


def test_the_table_created_from_the_schema_has_its_keys_and_index(monkeypatch):
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    with mock_aws():
        client = boto3.client("dynamodb")
        client.create_table(**RUNS_TABLE.create_table_arguments("runs"))
        table = client.describe_table(TableName="runs")["Table"]
    assert [(key["AttributeName"], key["KeyType"]) for key in table["KeySchema"]] == [
        (RUNS_TABLE.key.partition, "HASH"),
        (RUNS_TABLE.key.sort, "RANGE"),
    ]
    (index,) = table["GlobalSecondaryIndexes"]
    assert index["IndexName"] == c.RUNS_INDEX and index["Projection"]["ProjectionType"] == "ALL"
    assert [key["AttributeName"] for key in index["KeySchema"]] == [c.RUNS_INDEX_PK, c.RUNS_INDEX_SK]
    # every key attribute defined once, as a string
    names = [definition["AttributeName"] for definition in table["AttributeDefinitions"]]
    assert sorted(names) == sorted({"pk", "sk", c.RUNS_INDEX_PK, c.RUNS_INDEX_SK})
    assert {definition["AttributeType"] for definition in table["AttributeDefinitions"]} == {"S"}


def test_local_powertools_environment_is_the_deployed_one_with_traces_and_metrics_off():
    deployed, local = powertools_environment("INFO"), powertools_environment("INFO", local=True)
    assert deployed.items() <= local.items()
    assert {key: local[key] for key in local.keys() - deployed.keys()} == {
        "POWERTOOLS_TRACE_DISABLED": "true",
        "POWERTOOLS_METRICS_DISABLED": "true",
    }
    assert deployed["POWERTOOLS_SERVICE_NAME"] == c.SERVICE_NAME
