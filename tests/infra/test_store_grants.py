"""The DynamoDB calls a function's code really makes are granted to it: moto does not check IAM, so a write
that changes from PutItem to UpdateItem would otherwise pass every local test and fail every run in AWS."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from botocore.stub import ANY, Stubber

from imagegate_service.adapters.storage import DynamoRunRepository
from imagegate_service.domain.start import RunStarter
from imagegate_service.errors import StoreThrottled
from infra.config import FUNCTION_SPECS

pytestmark = pytest.mark.infra


def _stubbed_table() -> tuple[Any, Stubber]:
    table = boto3.resource("dynamodb", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x").Table(
        "runs"
    )
    return table, Stubber(table.meta.client)


def _action(operation: str) -> str:
    return f"dynamodb:{operation}"


def test_start_run_is_granted_every_dynamodb_call_it_makes():
    # Given Start Run over a table whose client records each call (a QUEUED item moved to RUNNING)
    table, stubber = _stubbed_table()
    stubber.add_response(
        "update_item",
        {},
        {
            "TableName": "runs",
            "Key": ANY,
            "UpdateExpression": ANY,
            "ConditionExpression": ANY,
            "ExpressionAttributeNames": ANY,
            "ExpressionAttributeValues": ANY,
        },
    )
    starter = RunStarter(runs=DynamoRunRepository("runs", table_factory=lambda _name: table))
    # When it starts a run
    with stubber:
        starter.start({"prompt": "a red apple"}, "run-1", "arn:aws:states:us-east-1:1:execution:sm:run-1")
        stubber.assert_no_pending_responses()
    # Then every operation it made is an action its function is granted
    made = {_action("UpdateItem")}
    (spec,) = [spec for spec in FUNCTION_SPECS if spec.name == "start_run"]
    assert made <= set(spec.dynamodb_actions)


def test_a_throttled_start_is_raised_as_store_throttled_which_the_state_machine_retries():
    # Given a table that throttles the write
    table, stubber = _stubbed_table()
    stubber.add_client_error("update_item", service_error_code="ProvisionedThroughputExceededException")
    starter = RunStarter(runs=DynamoRunRepository("runs", table_factory=lambda _name: table))
    # When Start Run writes, Then the error is the typed one the ASL retries, not a raw ClientError
    with stubber, pytest.raises(StoreThrottled):
        starter.start({"prompt": "a red apple"}, "run-1", "arn:aws:states:us-east-1:1:execution:sm:run-1")


def test_a_throttled_read_of_a_run_is_store_throttled_too():
    table, stubber = _stubbed_table()
    stubber.add_client_error("get_item", service_error_code="ThrottlingException")
    with stubber, pytest.raises(StoreThrottled):
        DynamoRunRepository("runs", table_factory=lambda _name: table).get_run("run-1")


def test_a_condition_failure_is_still_a_plain_client_error_for_its_caller():
    table, stubber = _stubbed_table()
    stubber.add_client_error("delete_item", service_error_code="ConditionalCheckFailedException")
    with stubber:
        assert DynamoRunRepository("runs", table_factory=lambda _name: table).delete_queued_run("run-1") is False
    assert issubclass(StoreThrottled, Exception) and not issubclass(StoreThrottled, ClientError)
