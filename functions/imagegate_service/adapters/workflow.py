"""The quality-loop state machine, as the HTTP API sees it: start a named execution, look one up."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from imagegate_service import resources
from imagegate_service.adapters.aws_clients import client as aws_client
from imagegate_service.domain.state import ExecutionStep, ReviewDecision
from imagegate_service.errors import WorkflowThrottled

# Step Functions answers these when the account's start rate or open-execution limit is reached, or (with a
# customer managed key) when KMS throttles the call it makes for us: KmsThrottlingException, an error of StartExecution
# and SendTaskSuccess (https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskSuccess.html;
# botocore's stepfunctions model lists it for both).
_THROTTLING_CODES = {
    "ThrottlingException",
    "ExecutionLimitExceeded",
    "TooManyRequestsException",
    "KmsThrottlingException",
}
# SendTaskSuccess answers these when the task no longer waits for the token.
_GONE_TASK_CODES = {"TaskTimedOut", "TaskDoesNotExist", "InvalidToken"}


class StepFunctionsWorkflow:
    def __init__(
        self,
        state_machine_arn: str | Callable[[], str] | None = None,
        client_factory: Callable[[], Any] | None = None,
    ):
        """`state_machine_arn`: the ARN, or a function that answers it on each use (the wiring's, for the enhance
        workflow); the quality loop's (IMAGEGATE_STATE_MACHINE_ARN, read on use) without one."""
        self._state_machine_arn = state_machine_arn
        self._client_factory = client_factory or (lambda: aws_client("stepfunctions"))

    @property
    def state_machine_arn(self) -> str:
        if callable(self._state_machine_arn):
            return self._state_machine_arn()
        return self._state_machine_arn or resources.loop_state_machine_arn()

    def start(self, run_id: str, request: dict[str, Any]) -> str:
        """Start the execution named run_id with the request as its input; returns its ARN."""
        from botocore.exceptions import ClientError

        try:
            return str(
                self._client_factory().start_execution(
                    stateMachineArn=self.state_machine_arn, name=run_id, input=json.dumps(request)
                )["executionArn"]
            )
        except ClientError as error:
            if error.response["Error"]["Code"] in _THROTTLING_CODES:
                raise WorkflowThrottled(error.response["Error"]["Code"]) from error
            raise

    def execution_status(self, run_id: str) -> str | None:
        """RUNNING, SUCCEEDED, FAILED, ... of the execution named run_id; None when there is none."""
        from botocore.exceptions import ClientError

        try:
            return str(self._client_factory().describe_execution(executionArn=self.execution_arn(run_id))["status"])
        except ClientError as error:
            if error.response["Error"]["Code"] in ("ExecutionDoesNotExist", "InvalidArn"):
                return None
            raise

    def execution_steps(self, run_id: str) -> list[ExecutionStep]:
        """The states the execution named run_id entered, in order: {state, enteredAt, exitedAt (None while in
        it)} from its history (GetExecutionHistory, every page); [] when there is no such execution."""
        from botocore.exceptions import ClientError

        steps: list[ExecutionStep] = []
        open_steps: dict[str, ExecutionStep] = {}
        request: dict[str, Any] = {"executionArn": self.execution_arn(run_id), "maxResults": 1000}
        try:
            while True:
                page = self._client_factory().get_execution_history(**request)
                for event in page.get("events", []):
                    kind = str(event.get("type", ""))
                    details = event.get("stateEnteredEventDetails") or event.get("stateExitedEventDetails") or {}
                    name = details.get("name")
                    if not name:
                        continue
                    when = event["timestamp"]
                    when = when.isoformat() if hasattr(when, "isoformat") else str(when)
                    if kind.endswith("StateEntered"):
                        open_steps[name] = {"state": name, "enteredAt": when, "exitedAt": None}
                        steps.append(open_steps[name])
                    elif kind.endswith("StateExited") and name in open_steps:
                        open_steps.pop(name)["exitedAt"] = when
                if not page.get("nextToken"):
                    return steps
                request["nextToken"] = page["nextToken"]
        except ClientError as error:
            if error.response["Error"]["Code"] in ("ExecutionDoesNotExist", "InvalidArn"):
                return []
            raise

    def stop(self, run_id: str, error: str, cause: str) -> bool:
        """StopExecution of the execution named run_id with this error and cause (it ends ABORTED); False when
        there is no such execution. Stopping an execution that has already ended changes nothing."""
        from botocore.exceptions import ClientError

        try:
            self._client_factory().stop_execution(executionArn=self.execution_arn(run_id), error=error, cause=cause)
        except ClientError as error_:
            code = error_.response["Error"]["Code"]
            if code in ("ExecutionDoesNotExist", "InvalidArn"):
                return False
            if code in _THROTTLING_CODES:
                raise WorkflowThrottled(code) from error_
            raise
        return True

    def execution_arn(self, run_id: str) -> str:
        # arn:aws:states:REGION:ACCOUNT:stateMachine:NAME -> arn:aws:states:REGION:ACCOUNT:execution:NAME:RUN_ID
        return self.state_machine_arn.replace(":stateMachine:", ":execution:", 1) + f":{run_id}"

    def send_task_success(self, task_token: str, output: ReviewDecision) -> bool:
        """Answer a task waiting for this token (SendTaskSuccess); False when it no longer waits (the task timed
        out, or its execution ended: TaskTimedOut, TaskDoesNotExist, InvalidToken)."""
        from botocore.exceptions import ClientError

        try:
            self._client_factory().send_task_success(taskToken=task_token, output=json.dumps(output))
        except ClientError as error:
            if error.response["Error"]["Code"] in _GONE_TASK_CODES:
                return False
            if error.response["Error"]["Code"] in _THROTTLING_CODES:
                raise WorkflowThrottled(error.response["Error"]["Code"]) from error
            raise
        return True
