"""The runs table's side of the two controls (issue 13): a run's review pause and the daily spend ledger.

Review: while a run waits, its run item holds the task token (reviewToken), the round under review and the
deadline; a decision is taken by one transaction that moves the item from AWAITING_REVIEW back to RUNNING only if
it still holds that very token (a second review, or one after the timeout, finds nothing to take) and appends the
review to the round item.

Daily budget: one item per UTC day (pk BUDGET#<yyyy-mm-dd>, sk BUDGET) with committedUsd (settled spend plus open
reservations) and spentUsd (settled spend). Every increase of committedUsd is a conditional update that holds only
while the result stays within the cap (DynamoDB conditions compare an attribute with a value, so the check is
committedUsd <= cap - amount). A run's reservation for one round (sk DAYRES#NN under the run's partition) holds what
is left of that round's worst case; releasing it and giving the rest back to the day is one transaction, so a
retried release gives nothing back twice."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any, cast

from imagegate_service import constants as c
from imagegate_service.adapters.storage import (
    DynamoRunRepository,
    RunsTable,
    cancelled_by_condition,
    from_dynamo,
    run_key,
    to_dynamo,
)
from imagegate_service.domain.state import DayTotals, Reservation, ReviewDecision, ReviewPauseFields


def _money(value: float) -> Decimal:
    return Decimal(str(round(value, 9)))


class _Table(RunsTable):
    def _update(self, **kwargs: Any) -> Any:
        return DynamoRunRepository._call(self._table.update_item, **kwargs)

    def _transact(self, actions: list[dict[str, Any]]) -> None:
        DynamoRunRepository._call(self._table.meta.client.transact_write_items, TransactItems=actions)

    def _conditional(self, operation: Callable[[], Any]) -> bool:
        """Run a conditional write; False when its condition did not hold."""
        from botocore.exceptions import ClientError

        try:
            operation()
        except ClientError as error:
            if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
                return False
            raise
        return True


class DynamoReviewStore(_Table):
    def wait_for_review(self, run_id: str, task_token: str, round_number: int, attributes: ReviewPauseFields) -> bool:
        """The run waits: AWAITING_REVIEW with the token, while it is RUNNING (or already waiting: a retried
        task replaces the token). False when the run has ended or does not exist."""
        fields = {"status": c.STATUS_AWAITING_REVIEW, c.REVIEW_TOKEN_ATTRIBUTE: task_token, "reviewRound": round_number}
        fields |= attributes
        names = {f"#a{i}": key for i, key in enumerate(fields)} | {"#status": "status"}
        values = {f":v{i}": value for i, value in enumerate(fields.values())}
        values |= {":running": c.STATUS_RUNNING, ":waiting": c.STATUS_AWAITING_REVIEW}
        return self._conditional(
            lambda: self._update(
                Key=run_key(run_id),
                UpdateExpression="SET " + ", ".join(f"#a{i} = :v{i}" for i in range(len(fields))),
                ConditionExpression="attribute_exists(pk) AND #status IN (:running, :waiting)",
                ExpressionAttributeNames=names,
                ExpressionAttributeValues=to_dynamo(values),
            )
        )

    def take_review(self, run_id: str, task_token: str, round_number: int, review: ReviewDecision) -> bool:
        """One transaction: the run item back to RUNNING without its token, only while it still waits with this
        token; the review appended to the round item. False when the run no longer waits with this token."""
        from botocore.exceptions import ClientError

        table = self._table.name
        try:
            self._transact(
                [
                    {
                        "Update": {
                            "TableName": table,
                            "Key": to_dynamo(run_key(run_id)),
                            "UpdateExpression": "SET #status = :running, updatedAt = :now REMOVE #token, reviewDeadline",
                            "ConditionExpression": "#status = :waiting AND #token = :token",
                            "ExpressionAttributeNames": {"#status": "status", "#token": c.REVIEW_TOKEN_ATTRIBUTE},
                            "ExpressionAttributeValues": to_dynamo(
                                {
                                    ":running": c.STATUS_RUNNING,
                                    ":waiting": c.STATUS_AWAITING_REVIEW,
                                    ":token": task_token,
                                    ":now": review["reviewedAt"],
                                }
                            ),
                        }
                    },
                    {
                        "Update": {
                            "TableName": table,
                            "Key": to_dynamo({"pk": c.run_pk(run_id), "sk": c.round_sk(round_number)}),
                            "UpdateExpression": "SET reviews = list_append(if_not_exists(reviews, :none), :review)",
                            "ConditionExpression": "attribute_exists(pk)",
                            "ExpressionAttributeValues": to_dynamo({":none": [], ":review": [review]}),
                        }
                    },
                ]
            )
        except ClientError as error:
            if cancelled_by_condition(error, 0) or cancelled_by_condition(error, 1):
                return False
            raise
        return True

    def withdraw_review(self, run_id: str, round_number: int, reviewed_at: str) -> None:
        """Take back the round's last review when it never reached the workflow (its wait had ended)."""
        item = self._table.get_item(
            Key={"pk": c.run_pk(run_id), "sk": c.round_sk(round_number)}, ConsistentRead=True
        ).get("Item")
        reviews = (item or {}).get("reviews") or []
        if reviews and reviews[-1].get("reviewedAt") == reviewed_at:
            index = len(reviews) - 1
            self._conditional(
                lambda: self._update(
                    Key={"pk": c.run_pk(run_id), "sk": c.round_sk(round_number)},
                    UpdateExpression=f"REMOVE reviews[{index}]",
                    ConditionExpression=f"reviews[{index}].reviewedAt = :at",
                    ExpressionAttributeValues={":at": reviewed_at},
                )
            )

    def forget_token(self, run_id: str) -> None:
        """The run has ended: no token or deadline is kept on its item."""
        self._update(Key=run_key(run_id), UpdateExpression=f"REMOVE {c.REVIEW_TOKEN_ATTRIBUTE}, reviewDeadline")


class DynamoDailyBudgetStore(_Table):
    def day(self, day: str) -> DayTotals | None:
        item = DynamoRunRepository._call(
            self._table.get_item, Key={"pk": c.budget_pk(day), "sk": c.BUDGET_SK}, ConsistentRead=True
        ).get("Item")
        return cast("DayTotals", from_dynamo(item)) if item else None

    def _day_update(self, day: str, amount: float, cap_usd: float, expires_at: int, now: str) -> dict[str, Any]:
        """The day's committed spend raised by amount, only while it stays within the cap."""
        return {
            "TableName": self._table.name,
            "Key": to_dynamo({"pk": c.budget_pk(day), "sk": c.BUDGET_SK}),
            "UpdateExpression": "SET committedUsd = if_not_exists(committedUsd, :zero) + :amount, "
            "spentUsd = if_not_exists(spentUsd, :zero), capUsd = :cap, updatedAt = :now, "
            f"{c.TTL_ATTRIBUTE} = :expires",
            "ConditionExpression": "attribute_not_exists(committedUsd) OR committedUsd <= :headroom",
            "ExpressionAttributeValues": {
                ":zero": Decimal(0),
                ":amount": _money(amount),
                ":cap": _money(cap_usd),
                ":headroom": _money(cap_usd - amount),
                ":now": now,
                ":expires": expires_at,
            },
        }

    def reserve(self, day: str, amount: float, cap_usd: float, expires_at: int, now: str) -> bool:
        """Raise the day's committed spend by amount if it stays within the cap; False when it does not fit."""
        if amount > cap_usd:
            return False
        update = self._day_update(day, amount, cap_usd, expires_at, now)
        update.pop("TableName")
        return self._conditional(lambda: self._update(**update))

    def reserve_round(
        self, run_id: str, round_number: int, day: str, amount: float, cap_usd: float, expires_at: int, now: str
    ) -> str:
        """The round's reservation and the day's committed spend in one transaction, while the run has not ended:
        "reserved"; "ended" when the run item says it has ended (Mark Run Ended, a cancel: its reservations were
        given back, and a task still running for a stopped execution would otherwise reserve a round nobody
        releases); "exists" when the round already has one (a retried task); "full" when the day has no room."""
        from botocore.exceptions import ClientError

        if amount > cap_usd:
            return "full"
        reservation = {
            "pk": c.run_pk(run_id),
            "sk": c.daily_reservation_sk(round_number),
        }
        try:
            self._transact(
                [
                    {
                        "Update": {
                            "TableName": self._table.name,
                            "Key": to_dynamo(reservation),
                            "UpdateExpression": "SET runId = :run, #round = :round, #day = :day, reservedUsd = :amount, "
                            f"remainingUsd = :amount, reservedAt = :now, {c.TTL_ATTRIBUTE} = :expires",
                            "ConditionExpression": "attribute_not_exists(pk)",
                            "ExpressionAttributeNames": {"#round": "round", "#day": "day"},
                            "ExpressionAttributeValues": {
                                ":run": run_id,
                                ":round": round_number,
                                ":day": day,
                                ":amount": _money(amount),
                                ":now": now,
                                ":expires": expires_at,
                            },
                        }
                    },
                    {"Update": self._day_update(day, amount, cap_usd, expires_at, now)},
                    {
                        "ConditionCheck": {  # a run with no item yet (written by Start Run) has not ended either
                            "TableName": self._table.name,
                            "Key": to_dynamo(run_key(run_id)),
                            "ConditionExpression": "attribute_not_exists(pk) OR #status IN (:queued, :running, :review)",
                            "ExpressionAttributeNames": {"#status": "status"},
                            "ExpressionAttributeValues": to_dynamo(
                                dict(zip((":queued", ":running", ":review"), c.OPEN_STATUSES, strict=True))
                            ),
                        }
                    },
                ]
            )
        except ClientError as error:
            if cancelled_by_condition(error, 2):
                return "ended"
            if cancelled_by_condition(error, 0):
                return "exists"
            if cancelled_by_condition(error, 1):
                return "full"
            raise
        return "reserved"

    def draw(self, run_id: str, round_number: int, amount: float) -> str | None:
        """Take amount from the round's reservation (it is already in the day's committed spend); the day the
        reservation was made on, or None when the reservation has less than amount left (or none)."""
        from botocore.exceptions import ClientError

        try:
            answer = self._update(
                Key={"pk": c.run_pk(run_id), "sk": c.daily_reservation_sk(round_number)},
                UpdateExpression="SET remainingUsd = remainingUsd - :amount",
                ConditionExpression="remainingUsd >= :amount",
                ExpressionAttributeValues={":amount": _money(amount)},
                ReturnValues="ALL_NEW",
            )
        except ClientError as error:
            if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
                return None
            raise
        return str(answer["Attributes"]["day"])

    def settle(self, day: str, committed_delta: float, spent_usd: float, now: str) -> float:
        """Replace a call's reservation by its cost (committed += delta, spent += cost), or give a reservation
        back (spent 0); returns the day's settled spend after it."""
        answer = self._update(
            Key={"pk": c.budget_pk(day), "sk": c.BUDGET_SK},
            UpdateExpression="SET updatedAt = :now ADD committedUsd :delta, spentUsd :spent",
            ExpressionAttributeValues={":delta": _money(committed_delta), ":spent": _money(spent_usd), ":now": now},
            ReturnValues="ALL_NEW",
        )
        return float(from_dynamo(answer["Attributes"]).get("spentUsd", 0.0))

    def open_reservations(self, run_id: str) -> list[Reservation]:
        return [
            cast("Reservation", item)
            for item in DynamoRunRepository(self._table_name, self._table_factory)._query_prefix(
                run_id, c.DAILY_RESERVATION_SK_PREFIX
            )
            if float(item.get("remainingUsd", 0.0)) > 0
        ]

    def release(self, reservation: Reservation, now: str) -> bool:
        """What is left of a round's reservation back to its day, in one transaction conditional on the amount
        left (a retried release finds it taken and gives nothing back twice). False when it was already."""
        from botocore.exceptions import ClientError

        remaining = _money(float(reservation["remainingUsd"]))
        try:
            self._transact(
                [
                    {
                        "Update": {
                            "TableName": self._table.name,
                            "Key": to_dynamo({"pk": reservation["pk"], "sk": reservation["sk"]}),
                            "UpdateExpression": "SET remainingUsd = :zero, releasedAt = :now",
                            "ConditionExpression": "remainingUsd = :remaining",
                            "ExpressionAttributeValues": {":zero": Decimal(0), ":remaining": remaining, ":now": now},
                        }
                    },
                    {
                        "Update": {
                            "TableName": self._table.name,
                            "Key": to_dynamo({"pk": c.budget_pk(reservation["day"]), "sk": c.BUDGET_SK}),
                            "UpdateExpression": "SET updatedAt = :now ADD committedUsd :back",
                            "ExpressionAttributeValues": {":back": -remaining, ":now": now},
                        }
                    },
                ]
            )
        except ClientError as error:
            if cancelled_by_condition(error, 0):
                return False
            raise
        return True
