"""Storage adapters: images and verdicts in S3, runs and rounds in one DynamoDB table. Every write is
keyed by (run, round), so a retried task overwrites what it wrote instead of adding a second copy."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from decimal import Decimal
from typing import Any, cast

from imagegate_service import constants as c
from imagegate_service import resources
from imagegate_service.adapters.aws_clients import client as aws_client
from imagegate_service.adapters.aws_clients import dynamodb_table
from imagegate_service.domain.state import LedgerEntry, RoundItem, RunItem, RunsIndexKey
from imagegate_service.errors import ObjectsNotDeleted, StoreThrottled

# What the first writer of a run item (the API when it accepts a generation, else Start Run) sets and Start Run
# keeps: when it was accepted, its place in the newest-first listing, its expiry.
RUN_FIRST_WRITER_KEYS = frozenset({"createdAt", c.RUNS_INDEX_SK, c.TTL_ATTRIBUTE})

MISSING_OBJECT_CODES = frozenset({"NoSuchKey", "404", "AccessDenied", "403"})  # S3ObjectStore.find_bytes


class S3ObjectStore:
    def __init__(self, bucket: str | None = None, client_factory: Callable[[], Any] | None = None):
        self._bucket = bucket
        self._client_factory = client_factory or (lambda: aws_client("s3"))

    @property
    def bucket(self) -> str:
        return self._bucket or resources.bucket_name()

    def put_png(self, key: str, data: bytes) -> None:
        self._client_factory().put_object(Bucket=self.bucket, Key=key, Body=data, ContentType="image/png")

    def put_json(self, key: str, document: Any) -> None:
        body = json.dumps(document, indent=2, ensure_ascii=False).encode("utf-8")
        self._client_factory().put_object(Bucket=self.bucket, Key=key, Body=body, ContentType="application/json")

    def put_text(self, key: str, text: str, content_type: str) -> None:
        self._client_factory().put_object(
            Bucket=self.bucket, Key=key, Body=text.encode("utf-8"), ContentType=content_type
        )

    def list_keys(self, prefix: str) -> list[str]:
        paginator = self._client_factory().get_paginator("list_objects_v2")
        return [
            entry["Key"]
            for page in paginator.paginate(Bucket=self.bucket, Prefix=prefix)
            for entry in page.get("Contents", [])
        ]

    def delete_keys(self, keys: list[str]) -> None:
        """Delete the objects (a key that is not there is no error, as S3 answers DeleteObjects). DeleteObjects
        answers 200 even when it could not delete some keys, naming them in Errors: that is ObjectsNotDeleted."""
        failed: list[dict[str, Any]] = []
        for start in range(0, len(keys), 1000):  # DeleteObjects takes at most 1,000 keys
            batch = keys[start : start + 1000]
            answer = self._client_factory().delete_objects(
                Bucket=self.bucket, Delete={"Objects": [{"Key": key} for key in batch], "Quiet": True}
            )
            failed.extend(answer.get("Errors") or [])
        if failed:
            first = failed[0]
            raise ObjectsNotDeleted(
                f"{len(failed)} of {len(keys)} object(s) could not be deleted (first: {first.get('Key')}: "
                f"{first.get('Code')}); nothing else was removed: repeat the DELETE"
            )

    def get_bytes(self, key: str) -> bytes:
        return bytes(self._client_factory().get_object(Bucket=self.bucket, Key=key)["Body"].read())

    def get_json(self, key: str) -> Any:
        return json.loads(self.get_bytes(key))

    def find_json(self, key: str) -> Any | None:
        """The JSON document at key, or None when there is none (find_bytes)."""
        data = self.find_bytes(key)
        return None if data is None else json.loads(data)

    def find_bytes(self, key: str) -> bytes | None:
        """The object at key, or None when there is none. S3 answers a GetObject of a missing key with 403
        AccessDenied when the caller may not list the bucket ("If you don't have the s3:ListBucket permission,
        Amazon S3 will return an HTTP status code 403 ("access denied") error": GetObject, Permissions,
        https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html); the evaluator's role may only get and
        put runs/*."""
        from botocore.exceptions import ClientError

        try:
            return self.get_bytes(key)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in MISSING_OBJECT_CODES:
                return None
            raise


# DynamoDB's answers that mean "slow down" (botocore retries them first; what is left is raised as StoreThrottled,
# which the state machine retries with backoff): https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.Errors.html
# ("ProvisionedThroughputExceededException", "RequestLimitExceeded", "ThrottlingException"; a transaction
# cancelled with "TransactionConflict", "ThrottlingError" or "ProvisionedThroughputExceeded" reasons).
STORE_THROTTLING_CODES = frozenset(
    {
        "ProvisionedThroughputExceededException",
        "RequestLimitExceeded",
        "ThrottlingException",
        "TransactionConflictException",
        "TransactionInProgressException",
    }
)
_RETRYABLE_CANCELLATIONS = frozenset(
    {"TransactionConflict", "ThrottlingError", "ProvisionedThroughputExceeded", "RequestLimitExceeded"}
)


def _throttling(error: Exception) -> bool:
    response = getattr(error, "response", None) or {}
    code = response.get("Error", {}).get("Code")
    if code in STORE_THROTTLING_CODES:
        return True
    reasons = [reason.get("Code") for reason in response.get("CancellationReasons", [])]
    return code == "TransactionCanceledException" and any(r in _RETRYABLE_CANCELLATIONS for r in reasons)


def cancelled_by_condition(error: Exception, index: int) -> bool:
    """A TransactWriteItems cancelled because the condition of its index-th action failed."""
    reasons = (getattr(error, "response", None) or {}).get("CancellationReasons", [])
    return len(reasons) > index and reasons[index].get("Code") == "ConditionalCheckFailed"


class RunsTable:
    """The runs table (named, else IMAGEGATE_TABLE), opened through a factory the tests can replace; what every
    store on it (runs, reviews, the daily ledger: adapters/controls.py) starts from."""

    def __init__(self, table_name: str | None = None, table_factory: Callable[[str], Any] | None = None):
        self._table_name = table_name
        self._table_factory = table_factory or dynamodb_table

    @property
    def _table(self) -> Any:
        return self._table_factory(self._table_name or resources.table_name())


class DynamoRunRepository(RunsTable):
    """One item per run (sk RUN), one per round (sk ROUND#NN) and one per billable model call (sk CALL#<id>,
    the spend ledger) under the run's partition. DynamoDB throttling left after botocore's retries is
    raised as StoreThrottled (the state machine retries the task)."""

    def create_run(self, run_id: str, attributes: Mapping[str, Any]) -> None:
        """Create the run item; a retried start finds it already there and leaves it as it is."""
        from botocore.exceptions import ClientError

        try:
            self._call(
                self._table.put_item,
                Item=to_dynamo({"pk": c.run_pk(run_id), "sk": c.RUN_SK, "runId": run_id, **attributes}),
                ConditionExpression="attribute_not_exists(pk)",
            )
        except ClientError as error:
            if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise

    def start_run(self, run_id: str, attributes: Mapping[str, Any]) -> bool:
        """Start Run's write, in one conditional update: create the run item, or move a QUEUED one (the API
        wrote it on acceptance) to the attributes' status keeping what it was created with (RUN_FIRST_WRITER_KEYS).
        A run already started (a retried Start Run) is left as it is; True when this call wrote."""
        from botocore.exceptions import ClientError

        attributes = {"runId": run_id, **{key: value for key, value in attributes.items() if value is not None}}
        names = {f"#a{i}": key for i, key in enumerate(attributes)}
        status_name = next(name for name, key in names.items() if key == "status")
        values = {f":v{i}": value for i, value in enumerate(attributes.values())} | {":queued": c.STATUS_QUEUED}
        try:
            self._call(
                self._table.update_item,
                Key={"pk": c.run_pk(run_id), "sk": c.RUN_SK},
                UpdateExpression="SET "
                + ", ".join(
                    f"#a{i} = if_not_exists(#a{i}, :v{i})" if key in RUN_FIRST_WRITER_KEYS else f"#a{i} = :v{i}"
                    for i, key in enumerate(attributes)
                ),
                ConditionExpression=f"attribute_not_exists(pk) OR {status_name} = :queued",
                ExpressionAttributeNames=names,
                ExpressionAttributeValues=to_dynamo(values),
            )
        except ClientError as error:
            if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise
            return False
        return True

    def delete_queued_run(self, run_id: str) -> bool:
        """Remove a run item that is still QUEUED (its execution could not be started); True when it was."""
        from botocore.exceptions import ClientError

        try:
            self._call(
                self._table.delete_item,
                Key={"pk": c.run_pk(run_id), "sk": c.RUN_SK},
                ConditionExpression="#status = :queued",
                ExpressionAttributeNames={"#status": "status"},
                ExpressionAttributeValues={":queued": c.STATUS_QUEUED},
            )
        except ClientError as error:
            if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise
            return False
        return True

    def update_run(self, run_id: str, attributes: Mapping[str, Any]) -> None:
        attributes = {key: value for key, value in attributes.items() if value is not None}
        names = {f"#a{i}": key for i, key in enumerate(attributes)}
        values = {f":v{i}": value for i, value in enumerate(attributes.values())}
        self._call(
            self._table.update_item,
            Key={"pk": c.run_pk(run_id), "sk": c.RUN_SK},
            UpdateExpression="SET " + ", ".join(f"#a{i} = :v{i}" for i in range(len(attributes))),
            ConditionExpression="attribute_exists(pk)",
            ExpressionAttributeNames=names,
            ExpressionAttributeValues=to_dynamo(values),
        )

    def put_round(self, run_id: str, round_number: int, attributes: Mapping[str, Any]) -> None:
        self._call(
            self._table.put_item,
            Item=to_dynamo(
                {
                    "pk": c.run_pk(run_id),
                    "sk": c.round_sk(round_number),
                    "runId": run_id,
                    "round": round_number,
                    **attributes,
                }
            ),
        )

    def put_round_and_update_run(
        self, run_id: str, round_number: int, round_attributes: RoundItem, run_attributes: Mapping[str, Any]
    ) -> None:
        """The round item and the run's totals in ONE transaction (TransactWriteItems): both or neither."""
        round_item = {
            "pk": c.run_pk(run_id),
            "sk": c.round_sk(round_number),
            "runId": run_id,
            "round": round_number,
            **round_attributes,
        }
        update = _set_expression({key: value for key, value in run_attributes.items() if value is not None})
        self._transact(
            [
                {"Put": {"TableName": self._name, "Item": to_dynamo(round_item)}},
                {
                    "Update": {
                        "TableName": self._name,
                        "Key": to_dynamo(run_key(run_id)),
                        "ConditionExpression": "attribute_exists(pk)",
                        **update,
                    }
                },
            ]
        )

    # -- the spend ledger ------------------------------------------------------------------------------
    def reserve_spend(self, run_id: str, bound_usd: float, limit_usd: float) -> bool:
        """Add a call's upper-bound cost to the run's committed spend, only while committed + bound stays
        within the limit (one conditional update: parallel calls cannot both take the last headroom).
        False when it does not fit."""
        from botocore.exceptions import ClientError

        headroom = Decimal(str(limit_usd)) - Decimal(str(bound_usd))
        if headroom < 0:
            return False
        try:
            self._call(
                self._table.update_item,
                Key=run_key(run_id),
                UpdateExpression="SET committedUsd = if_not_exists(committedUsd, :zero) + :bound",
                ConditionExpression="attribute_exists(pk) AND "
                "(attribute_not_exists(committedUsd) OR committedUsd <= :headroom)",
                ExpressionAttributeValues={
                    ":zero": Decimal(0),
                    ":bound": Decimal(str(bound_usd)),
                    ":headroom": headroom,
                },
            )
        except ClientError as error:
            if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def release_spend(self, run_id: str, amount_usd: float) -> None:
        """Give back a reservation whose call was never answered (throttled, refused before the model ran). Only
        to a run item that is there: an ADD on a deleted run's key would create a bare item of it."""
        from botocore.exceptions import ClientError

        try:
            self._call(
                self._table.update_item,
                Key=run_key(run_id),
                UpdateExpression="ADD committedUsd :amount",
                ConditionExpression="attribute_exists(pk)",
                ExpressionAttributeValues={":amount": -Decimal(str(amount_usd))},
            )
        except ClientError as error:
            if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise

    def record_call(self, run_id: str, entry: LedgerEntry, reserved_usd: float) -> bool:
        """The ledger entry of one answered call (conditional on its callId: a re-delivered invocation cannot
        add it twice), and its reservation replaced by its cost, in one transaction. False when the entry
        was already there (its reservation is then released)."""
        from botocore.exceptions import ClientError

        item = {"pk": c.run_pk(run_id), "sk": c.LEDGER_SK_PREFIX + entry["callId"], "runId": run_id, **entry}
        delta = Decimal(str(entry["costUsd"])) - Decimal(str(reserved_usd))
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
                        "Update": {
                            "TableName": self._name,
                            "Key": to_dynamo(run_key(run_id)),
                            "UpdateExpression": "ADD committedUsd :delta",
                            "ConditionExpression": "attribute_exists(pk)",
                            "ExpressionAttributeValues": to_dynamo({":delta": delta}),
                        }
                    },
                ]
            )
        except ClientError as error:
            if cancelled_by_condition(error, 0):
                self.release_spend(run_id, reserved_usd)
                return False
            if cancelled_by_condition(error, 1):
                # the run was deleted while the call ran (a task of a cancelled run, or of an enhancement, still in
                # flight): the paid call stays in the ledger, which a delete keeps, and no bare run item is made
                return self._put_ledger_entry(item)
            raise
        return True

    def _put_ledger_entry(self, item: dict[str, Any]) -> bool:
        from botocore.exceptions import ClientError

        try:
            self._call(self._table.put_item, Item=to_dynamo(item), ConditionExpression="attribute_not_exists(sk)")
        except ClientError as error:
            if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise
            return False
        return True

    def ledger(self, run_id: str) -> list[LedgerEntry]:
        """Every recorded billable call of the run, in callId order."""
        return cast("list[LedgerEntry]", self._query_prefix(run_id, c.LEDGER_SK_PREFIX))

    def get_run(self, run_id: str) -> RunItem | None:
        item = self._call(self._table.get_item, Key={"pk": c.run_pk(run_id), "sk": c.RUN_SK}, ConsistentRead=True).get(
            "Item"
        )
        return cast("RunItem", from_dynamo(item)) if item else None

    def was_deleted(self, run_id: str) -> bool:
        """The run has a DELETED marker (a DELETE of it has begun, or finished)."""
        key = {"pk": c.run_pk(run_id), "sk": c.DELETED_SK}
        return self._call(self._table.get_item, Key=key, ConsistentRead=True).get("Item") is not None

    def list_rounds(self, run_id: str) -> list[RoundItem]:
        return cast("list[RoundItem]", self._query_prefix(run_id, "ROUND#"))

    def _query_prefix(self, run_id: str, prefix: str) -> list[dict[str, Any]]:
        """Every item of the run's partition whose sort key begins with prefix (an empty prefix: all of them, as
        DynamoDB refuses an empty key value in begins_with), read consistently, page after page."""
        from boto3.dynamodb.conditions import Key

        items: list[dict[str, Any]] = []
        condition = Key("pk").eq(c.run_pk(run_id))
        query = {
            "KeyConditionExpression": condition & Key("sk").begins_with(prefix) if prefix else condition,
            "ConsistentRead": True,
        }
        while True:
            page = self._call(self._table.query, **query)
            items.extend(from_dynamo(item) for item in page.get("Items", []))
            if "LastEvaluatedKey" not in page:
                return items
            query["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def list_recent_runs(
        self, limit: int, start_key: RunsIndexKey | None = None
    ) -> tuple[list[RunItem], RunsIndexKey | None]:
        """Run items newest first (the runs index), one page; the second value continues the listing."""
        from boto3.dynamodb.conditions import Key

        query: dict[str, Any] = {
            "IndexName": c.RUNS_INDEX,
            "KeyConditionExpression": Key(c.RUNS_INDEX_PK).eq(c.RUNS_INDEX_PK_VALUE),
            "ScanIndexForward": False,
            "Limit": limit,
        }
        if start_key:
            query["ExclusiveStartKey"] = start_key
        page = self._call(self._table.query, **query)
        return [cast("RunItem", from_dynamo(item)) for item in page.get("Items", [])], page.get("LastEvaluatedKey")

    def fail_if_running(self, run_id: str, attributes: Mapping[str, Any]) -> bool:
        """Set status FAILED and the attributes only while the run item exists and has not ended (QUEUED or
        RUNNING); True when it was changed. A run stopped while it waited for its review keeps no task token
        (nobody can answer it now)."""
        return self.set_while_open(
            run_key(run_id),
            {"status": c.STATUS_FAILED, **attributes},
            c.OPEN_STATUSES,
            remove=(c.REVIEW_TOKEN_ATTRIBUTE, "reviewDeadline"),
        )

    def set_while_open(
        self,
        key: Mapping[str, str],
        attributes: Mapping[str, Any],
        open_statuses: tuple[str, ...],
        remove: tuple[str, ...] = (),
    ) -> bool:
        """Set the attributes (and remove the `remove` ones) of the item at key, only while it exists and its
        status is one of open_statuses, in one conditional update; True when it was changed, False when the item
        is gone or has ended. Whatever closes an item (a run's or an enhancement's end, a delete) and whatever
        may still write to it after that (a task in flight) meet here: a second delivery of an ending, or a write
        that comes after the item was closed or deleted, changes nothing. A name with a dot sets a map's entry
        ("steps.2")."""
        from botocore.exceptions import ClientError

        attributes = {name: value for name, value in attributes.items() if value is not None}
        names: dict[str, str] = {"#status": "status"}
        paths = []
        for i, name in enumerate([*attributes, *remove]):
            parts = name.split(".")
            names |= {f"#a{i}_{j}": part for j, part in enumerate(parts)}
            paths.append(".".join(f"#a{i}_{j}" for j in range(len(parts))))
        values = {f":v{i}": value for i, value in enumerate(attributes.values())} | {
            f":open{i}": status for i, status in enumerate(open_statuses)
        }
        expression = "SET " + ", ".join(f"{paths[i]} = :v{i}" for i in range(len(attributes)))
        if remove:
            expression += " REMOVE " + ", ".join(paths[len(attributes) :])
        try:
            self._call(
                self._table.update_item,
                Key=dict(key),
                UpdateExpression=expression,
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

    def running_runs_since(self, started_at: str, run_id_prefix: str) -> Iterator[str]:
        """Ids of runs started at or after `started_at` whose id begins with the prefix and that still run
        (the runs index, newest first by startedAt#runId), page after page as they are read."""
        from boto3.dynamodb.conditions import Attr, Key

        query: dict[str, Any] = {
            "IndexName": c.RUNS_INDEX,
            "KeyConditionExpression": Key(c.RUNS_INDEX_PK).eq(c.RUNS_INDEX_PK_VALUE)
            & Key(c.RUNS_INDEX_SK).gte(started_at),
            "FilterExpression": Attr("runId").begins_with(run_id_prefix) & Attr("status").is_in(list(c.OPEN_STATUSES)),
            "ProjectionExpression": "runId",
        }
        while True:
            page = self._table.query(**query)
            yield from (item["runId"] for item in page.get("Items", []))
            if "LastEvaluatedKey" not in page:
                return
            query["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    @property
    def _name(self) -> str:
        return str(self._table.name)

    def _transact(self, actions: list[dict[str, Any]]) -> None:
        """TransactWriteItems through the table resource's client, which serializes plain values as the Table does."""
        self._call(self._table.meta.client.transact_write_items, TransactItems=actions)

    @staticmethod
    def _call(operation: Callable[..., Any], **kwargs: Any) -> Any:
        from botocore.exceptions import ClientError

        try:
            return operation(**kwargs)
        except ClientError as error:
            if _throttling(error):
                raise StoreThrottled(
                    f"DynamoDB is throttling the runs table ({error.response['Error']['Code']}); the step is retried"
                ) from error
            raise


def run_key(run_id: str) -> dict[str, str]:
    return {"pk": c.run_pk(run_id), "sk": c.RUN_SK}


def _set_expression(attributes: dict[str, Any]) -> dict[str, Any]:
    """An UpdateExpression that sets the attributes."""
    names = {f"#a{i}": key for i, key in enumerate(attributes)}
    values = {f":v{i}": value for i, value in enumerate(attributes.values())}
    return {
        "UpdateExpression": "SET " + ", ".join(f"#a{i} = :v{i}" for i in range(len(attributes))),
        "ExpressionAttributeNames": names,
        "ExpressionAttributeValues": to_dynamo(values),
    }


# DynamoDB's smallest positive number (its number type): a float nearer zero is zero to it, and refused as written.
DYNAMO_SMALLEST = Decimal("1e-130")


def to_dynamo(value: Any) -> Any:
    """DynamoDB takes Decimal, not float; a float too small for it (a threshold of 3.59e-187) is stored as 0."""
    if isinstance(value, float):
        number = Decimal(str(value))
        return Decimal(0) if number != 0 and abs(number) < DYNAMO_SMALLEST else number
    if isinstance(value, dict):
        return {k: to_dynamo(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [to_dynamo(v) for v in value]
    return value


def from_dynamo(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: from_dynamo(v) for k, v in value.items()}
    if isinstance(value, list):
        return [from_dynamo(v) for v in value]
    return value
