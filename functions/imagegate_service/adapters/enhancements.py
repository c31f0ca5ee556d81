"""Enhancements in the runs table, beside the run they enhance: one item per enhancement (sk ENHANCE#<id>) under the
run's partition, holding its operations, its status and, per operation, the output's S3 key and cost. A step is
written at its own index (steps.<i>), so a retried task overwrites what it wrote instead of adding a copy."""

from __future__ import annotations

from typing import Any

from imagegate_service import constants as c
from imagegate_service.adapters.storage import DynamoRunRepository, from_dynamo, to_dynamo

ENHANCEMENT_SK_PREFIX = "ENHANCE#"


def enhancement_sk(enhancement_id: str) -> str:
    return f"{ENHANCEMENT_SK_PREFIX}{enhancement_id}"


class DynamoEnhancementStore(DynamoRunRepository):
    def create_enhancement(self, run_id: str, enhancement_id: str, attributes: dict[str, Any]) -> bool:
        """The enhancement's item, once: False when one with this id is already there."""
        from botocore.exceptions import ClientError

        item = {
            "pk": c.run_pk(run_id),
            "sk": enhancement_sk(enhancement_id),
            "runId": run_id,
            "enhancementId": enhancement_id,
            "steps": {},
            **attributes,
        }
        try:
            self._call(self._table.put_item, Item=to_dynamo(item), ConditionExpression="attribute_not_exists(sk)")
        except ClientError as error:
            if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise
            return False
        return True

    def update_enhancement(self, run_id: str, enhancement_id: str, attributes: dict[str, Any]) -> None:
        attributes = {key: value for key, value in attributes.items() if value is not None}
        names = {f"#a{i}": key for i, key in enumerate(attributes)}
        values = {f":v{i}": value for i, value in enumerate(attributes.values())}
        self._call(
            self._table.update_item,
            Key={"pk": c.run_pk(run_id), "sk": enhancement_sk(enhancement_id)},
            UpdateExpression="SET " + ", ".join(f"#a{i} = :v{i}" for i in range(len(attributes))),
            ConditionExpression="attribute_exists(pk)",
            ExpressionAttributeNames=names,
            ExpressionAttributeValues=to_dynamo(values),
        )

    def fail_if_open(self, run_id: str, enhancement_id: str, attributes: dict[str, Any], open_statuses: Any) -> bool:
        """Set the attributes only while the enhancement exists and has not ended (its status one of
        open_statuses); True when it was changed. A second delivery of the event, or an enhancement its own Record
        Failure already closed, changes nothing."""
        from botocore.exceptions import ClientError

        names = {f"#a{i}": key for i, key in enumerate(attributes)} | {"#status": "status"}
        values = {f":v{i}": value for i, value in enumerate(attributes.values())} | {
            f":open{i}": status for i, status in enumerate(open_statuses)
        }
        try:
            self._call(
                self._table.update_item,
                Key={"pk": c.run_pk(run_id), "sk": enhancement_sk(enhancement_id)},
                UpdateExpression="SET " + ", ".join(f"#a{i} = :v{i}" for i in range(len(attributes))),
                ConditionExpression="attribute_exists(pk) AND #status IN ("
                + ", ".join(f":open{i}" for i in range(len(open_statuses)))
                + ")",
                ExpressionAttributeNames=names,
                ExpressionAttributeValues=to_dynamo(values),
            )
        except ClientError as error:
            if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def put_step(self, run_id: str, enhancement_id: str, index: int, step: dict[str, Any], now: str) -> None:
        """One operation's result at its index (a retry overwrites it)."""
        self._call(
            self._table.update_item,
            Key={"pk": c.run_pk(run_id), "sk": enhancement_sk(enhancement_id)},
            UpdateExpression="SET #steps.#i = :step, #updated = :now",
            ConditionExpression="attribute_exists(pk)",
            ExpressionAttributeNames={"#steps": "steps", "#i": str(index), "#updated": "updatedAt"},
            ExpressionAttributeValues=to_dynamo({":step": step, ":now": now}),
        )

    def get_enhancement(self, run_id: str, enhancement_id: str) -> dict[str, Any] | None:
        item = self._call(
            self._table.get_item,
            Key={"pk": c.run_pk(run_id), "sk": enhancement_sk(enhancement_id)},
            ConsistentRead=True,
        ).get("Item")
        return from_dynamo(item) if item else None

    def list_enhancements(self, run_id: str) -> list[dict[str, Any]]:
        return self._query_prefix(run_id, ENHANCEMENT_SK_PREFIX)
