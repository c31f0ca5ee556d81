"""The runs table, seen from a delete (domain/lifecycle.py): every item of a run's partition, the DELETED marker,
and the batch delete of the items a delete removes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from imagegate_service import constants as c
from imagegate_service.adapters.storage import DynamoRunRepository, to_dynamo


class DynamoRunRemoval(DynamoRunRepository):
    def partition(self, run_id: str) -> list[dict[str, Any]]:
        """Every item under the run's key (run, rounds, enhancements, ledger, reservations, marker)."""
        return self._query_prefix(run_id, "")

    def mark_deleted(self, run_id: str, attributes: dict[str, Any], run_item: Mapping[str, Any]) -> bool:
        """The marker, expiring with the run item (the table's TTL) when the run item would have; True when this
        call wrote it, False when it was there already (an earlier delete was cut short)."""
        from botocore.exceptions import ClientError

        expiry = {c.TTL_ATTRIBUTE: run_item[c.TTL_ATTRIBUTE]} if run_item.get(c.TTL_ATTRIBUTE) else {}
        try:
            self._call(
                self._table.put_item,
                Item=to_dynamo({"pk": c.run_pk(run_id), "sk": c.DELETED_SK, "runId": run_id, **attributes, **expiry}),
                ConditionExpression="attribute_not_exists(sk)",
            )
        except ClientError as error:
            if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise
            return False
        return True

    def unmark_deleted(self, run_id: str) -> None:
        """Take back a marker this delete wrote: the delete gave way to an enhancement that started first."""
        self._call(self._table.delete_item, Key={"pk": c.run_pk(run_id), "sk": c.DELETED_SK})

    def delete_items(self, run_id: str, sort_keys: list[str]) -> None:
        """BatchWriteItem deletes (25 a request, unprocessed items resent by boto3's batch writer); the run item
        goes last, so a delete cut short leaves the run listed and a second delete finishes it."""
        ordered = sorted(sort_keys, key=lambda sk: sk == c.RUN_SK)
        with self._table.batch_writer() as batch:
            for sk in ordered:
                batch.delete_item(Key={"pk": c.run_pk(run_id), "sk": sk})
