"""What both runtimes build the same way around the handlers, declared once: the runs table's schema (the CDK
storage construct, the local runtime and the tests' tables all create it from `RUNS_TABLE`) and the functions'
Powertools environment (the CDK function environment and the local runtime's)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from imagegate_service import constants


@dataclass(frozen=True)
class TableKey:
    partition: str
    sort: str


@dataclass(frozen=True)
class TableSchema:
    """A DynamoDB table on demand: its key, its global secondary indexes (projecting all attributes) and the TTL
    attribute. Every key attribute is a string."""

    key: TableKey
    indexes: dict[str, TableKey]
    ttl_attribute: str

    def create_table_arguments(self, table_name: str) -> dict[str, Any]:
        """The DynamoDB CreateTable request for this schema (the local runtime's and the tests' tables)."""
        keys = [self.key, *self.indexes.values()]
        attributes = list(dict.fromkeys(name for key in keys for name in (key.partition, key.sort)))
        return {
            "TableName": table_name,
            "BillingMode": "PAY_PER_REQUEST",
            "KeySchema": _key_schema(self.key),
            "AttributeDefinitions": [{"AttributeName": name, "AttributeType": "S"} for name in attributes],
            "GlobalSecondaryIndexes": [
                {"IndexName": name, "KeySchema": _key_schema(key), "Projection": {"ProjectionType": "ALL"}}
                for name, key in self.indexes.items()
            ],
        }


def _key_schema(key: TableKey) -> list[dict[str, str]]:
    return [{"AttributeName": key.partition, "KeyType": "HASH"}, {"AttributeName": key.sort, "KeyType": "RANGE"}]


# The runs table: a run's item and its rounds under one partition (domain/recording.py), and the index the HTTP
# API lists runs newest first from (the run item carries its keys; domain/start.py).
RUNS_TABLE = TableSchema(
    key=TableKey(partition="pk", sort="sk"),
    indexes={constants.RUNS_INDEX: TableKey(partition=constants.RUNS_INDEX_PK, sort=constants.RUNS_INDEX_SK)},
    ttl_attribute=constants.TTL_ATTRIBUTE,
)


def powertools_environment(log_level: str, *, local: bool = False) -> dict[str, str]:
    """The Powertools settings of every function. Locally nothing receives traces or metrics, so both are off."""
    environment = {
        "POWERTOOLS_SERVICE_NAME": constants.SERVICE_NAME,
        "POWERTOOLS_METRICS_NAMESPACE": constants.METRICS_NAMESPACE,
        "POWERTOOLS_LOG_LEVEL": log_level,
    }
    if local:
        environment |= {"POWERTOOLS_TRACE_DISABLED": "true", "POWERTOOLS_METRICS_DISABLED": "true"}
    return environment
