"""What both runtimes build the same way around the handlers, declared once: the runs table's schema (the CDK
storage construct, the local runtime and the tests' tables all create it from `RUNS_TABLE`), the functions'
Powertools environment (the CDK function environment and the local runtime's), and where a function finds the
resources both set in its environment (the bucket, the table, the quality loop's state machine, how it signs URLs).

Those names are read here, on each use, and nowhere else: the adapters ask these functions when they first touch
the resource (building an adapter reads nothing, so the wiring builds every step without its variables set, and a
warm function sees what the environment says when it is called); the wiring and settings read their own
(tests/unit/test_wiring.py names every module that reads the environment)."""

from __future__ import annotations

import os
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


def bucket_name() -> str:
    """The images bucket (IMAGEGATE_BUCKET): run images, verdicts, evaluations, benchmark reports."""
    return os.environ[constants.ENV_BUCKET]


def table_name() -> str:
    """The runs table (IMAGEGATE_TABLE): runs, rounds, the spend ledger, reviews, the daily ledger."""
    return os.environ[constants.ENV_TABLE]


def loop_state_machine_arn() -> str:
    """The quality loop's state machine (IMAGEGATE_STATE_MACHINE_ARN), where the API starts runs."""
    return os.environ[constants.ENV_STATE_MACHINE_ARN]


def public_s3_endpoint() -> str | None:
    """The endpoint presigned URLs name (IMAGEGATE_PUBLIC_S3_ENDPOINT: a custom domain in front of S3, or
    `imagegate serve`'s own address), None for the regional S3 endpoint."""
    return os.environ.get(constants.ENV_PUBLIC_S3_ENDPOINT) or None


def presign_expiry_seconds() -> int:
    """How long a presigned URL works (IMAGEGATE_PRESIGN_EXPIRY_SECONDS, else the default)."""
    return int(os.environ.get(constants.ENV_PRESIGN_EXPIRY_SECONDS) or constants.DEFAULT_PRESIGN_EXPIRY_SECONDS)
