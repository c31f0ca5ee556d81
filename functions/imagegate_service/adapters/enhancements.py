"""Enhancements in the runs table, beside the run they enhance: one item per enhancement (sk ENHANCE#<id>) under the
run's partition, holding its operations, its status and, per operation, the output's S3 key and cost. A step is
written at its own index (steps.<i>), so a retried task overwrites what it wrote instead of adding a copy."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from imagegate_service import constants as c
from imagegate_service.adapters.storage import (
    DynamoRunRepository,
    cancelled_by_condition,
    from_dynamo,
    to_dynamo,
)
from imagegate_service.constants import ENHANCEMENT_SK_PREFIX as ENHANCEMENT_SK_PREFIX  # imagegate/local/store.py's
from imagegate_service.domain.enhancing import ENHANCEMENT_OPEN_STATUSES
from imagegate_service.errors import GenerationNotFound


def enhancement_sk(enhancement_id: str) -> str:
    return f"{ENHANCEMENT_SK_PREFIX}{enhancement_id}"


class DynamoEnhancementStore(DynamoRunRepository):
    def create_enhancement(self, run_id: str, enhancement_id: str, attributes: Mapping[str, Any]) -> bool:
        """The enhancement's item, once: False when one with this id is already there. Written in one transaction
        with a check that the run has no DELETED marker (adapters/run_removal.py): a delete writes its marker
        before it looks for open enhancements, so an enhancement either exists before that look (and the delete
        refuses) or is never created (GenerationNotFound: the run was deleted meanwhile)."""
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
            self._transact(
                [
                    {
                        "Put": {
                            "TableName": self._name,
                            "Item": to_dynamo(item),
                            "ConditionExpression": "attribute_not_exists(sk)",
                        }
                    },
                    {
                        "ConditionCheck": {
                            "TableName": self._name,
                            "Key": {"pk": c.run_pk(run_id), "sk": c.DELETED_SK},
                            "ConditionExpression": "attribute_not_exists(sk)",
                        }
                    },
                ]
            )
        except ClientError as error:
            if cancelled_by_condition(error, 1):
                raise GenerationNotFound(f"generation {run_id} was deleted; nothing was started") from error
            if cancelled_by_condition(error, 0):
                return False
            raise
        return True

    def update_enhancement(self, run_id: str, enhancement_id: str, attributes: Mapping[str, Any]) -> None:
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

    def update_if_open(self, run_id: str, enhancement_id: str, attributes: Mapping[str, Any]) -> bool:
        """Set the attributes only while the enhancement exists and has not ended (QUEUED or RUNNING); True when
        it was changed. A second delivery of an ending, an enhancement its own Record Failure or Mark Run Ended
        already closed, or one a delete removed, changes nothing (DynamoRunRepository.set_while_open)."""
        return self.set_while_open(
            {"pk": c.run_pk(run_id), "sk": enhancement_sk(enhancement_id)}, attributes, ENHANCEMENT_OPEN_STATUSES
        )

    def put_step(self, run_id: str, enhancement_id: str, index: int, step: Mapping[str, Any], now: str) -> bool:
        """One operation's result at its index (a retry overwrites it), only while the enhancement is open: False
        when it has ended or was deleted meanwhile (its Apply Operation was still running), so nothing is written
        after that."""
        return self.update_if_open(run_id, enhancement_id, {f"steps.{index}": step, "updatedAt": now})

    def get_enhancement(self, run_id: str, enhancement_id: str) -> dict[str, Any] | None:
        item = self._call(
            self._table.get_item,
            Key={"pk": c.run_pk(run_id), "sk": enhancement_sk(enhancement_id)},
            ConsistentRead=True,
        ).get("Item")
        return from_dynamo(item) if item else None

    def list_enhancements(self, run_id: str) -> list[dict[str, Any]]:
        return self._query_prefix(run_id, ENHANCEMENT_SK_PREFIX)
