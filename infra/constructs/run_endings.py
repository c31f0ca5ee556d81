"""Runs that end outside the state machine's own Catch: an EventBridge rule on Step Functions "Execution Status
Change" (TIMED_OUT, ABORTED, FAILED) of the quality loop, the benchmark and the enhance workflow invokes
mark_run_ended, which marks the run (or the benchmark's runs, or the enhancement) FAILED while its item still says
it is open. Undeliverable events go to an
encrypted dead-letter queue after EventBridge's retries, and so does an event whose invocation failed after
Lambda's own asynchronous retries (the function's on-failure destination): EventBridge's dead-letter queue covers
delivery only, and without a destination Lambda discards the event. Observability alarms on the queue's depth."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_destinations as destinations
from aws_cdk import aws_sqs as sqs
from aws_cdk import aws_stepfunctions as sfn
from cdk_nag import NagPackSuppression, NagSuppressions
from constructs import Construct

from imagegate_service import constants
from infra.config import MARK_RUN_ENDED_FUNCTION_SPEC
from infra.constructs.functions import ServiceFunctions
from infra.constructs.storage import Storage

# The event Step Functions sends to the default bus for Standard workflows (source aws.states; the detail is
# DescribeExecution's: executionArn, stateMachineArn, name, status, startDate, stopDate, error, cause), delivered
# best effort. Sources: https://docs.aws.amazon.com/step-functions/latest/dg/cw-events.html and
# https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-states.html
EXECUTION_STATUS_CHANGE = "Step Functions Execution Status Change"
# "By default, EventBridge retries sending the event for 24 hours and up to 185 times" (source:
# https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-retry-policy.html); a run left RUNNING for
# hours is what this exists to prevent, so: fewer attempts within 6 hours, then the dead-letter queue.
TARGET_RETRY_ATTEMPTS = 8
TARGET_MAX_EVENT_AGE = cdk.Duration.hours(6)
# EventBridge invokes the function asynchronously: "By default, Lambda retries an asynchronous invocation twice if
# the function returns an error. It retains events in a queue for up to six hours. When an event fails all
# processing attempts or stays in the asynchronous invocation queue for too long, Lambda discards it"
# (AWS::Lambda::EventInvokeConfig, https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-lambda-eventinvokeconfig.html;
# retries 0-2, event age 60 s - 6 h). Both kept at their most, stated, and the discarded event sent to the queue.
ASYNC_RETRY_ATTEMPTS = 2
ASYNC_MAX_EVENT_AGE = cdk.Duration.hours(6)


class RunEndings(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        functions: ServiceFunctions,
        storage: Storage,
        loop_state_machine: sfn.StateMachine,
        benchmark_state_machine: sfn.StateMachine,
        enhance_state_machine: sfn.StateMachine,
    ) -> None:
        super().__init__(scope, construct_id)
        self.function: lambda_.Function = functions.add_function(
            MARK_RUN_ENDED_FUNCTION_SPEC,
            # a benchmark's runs: those it started, found through the runs index (runId prefix, startedAt)
            statements=[
                iam.PolicyStatement(sid="RunsIndex", actions=["dynamodb:Query"], resources=[storage.runs_index_arn()])
            ],
            environment={
                constants.ENV_BENCHMARK_STATE_MACHINE_ARN: benchmark_state_machine.state_machine_arn,
                # an execution of this one is an enhancement's (domain/mark_run_ended.py)
                constants.ENV_ENHANCE_STATE_MACHINE_ARN: enhance_state_machine.state_machine_arn,
            },
            wildcards={},
        )
        self.dead_letter_queue = sqs.Queue(
            self,
            "DeadLetterQueue",
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            retention_period=cdk.Duration.days(14),  # the longest SQS keeps a message
        )
        NagSuppressions.add_resource_suppressions(
            self.dead_letter_queue,
            [
                NagPackSuppression(
                    id="AwsSolutions-SQS3",
                    reason="This queue is itself the dead-letter queue of the run-ended rule's target and the on-failure "
                    "destination of mark_run_ended's asynchronous invocations; an alarm watches it.",
                )
            ],
        )
        # the invocation record (the event as requestPayload, the error as responsePayload) after Lambda's retries
        self.function.configure_async_invoke(
            on_failure=destinations.SqsDestination(self.dead_letter_queue),
            retry_attempts=ASYNC_RETRY_ATTEMPTS,
            max_event_age=ASYNC_MAX_EVENT_AGE,
        )
        self.rule = events.Rule(
            self,
            "ExecutionEndedRule",
            description="imagegate: mark runs and enhancements FAILED whose execution timed out, was aborted or failed",
            event_pattern=events.EventPattern(
                source=["aws.states"],
                detail_type=[EXECUTION_STATUS_CHANGE],
                detail={
                    "status": list(constants.EXECUTION_END_STATUSES),
                    "stateMachineArn": [
                        loop_state_machine.state_machine_arn,
                        benchmark_state_machine.state_machine_arn,
                        enhance_state_machine.state_machine_arn,
                    ],
                },
            ),
        )
        self.rule.add_target(
            targets.LambdaFunction(
                self.function,
                dead_letter_queue=self.dead_letter_queue,
                retry_attempts=TARGET_RETRY_ATTEMPTS,
                max_event_age=TARGET_MAX_EVENT_AGE,
            )
        )
