"""Alarms on the loop and its functions (optionally mailed through SNS) and a dashboard of run outcomes;
add_benchmark adds the nightly benchmark's alarms and dashboard row, add_service the alarms and row of the
functions outside the loop (API, benchmark, run-ended), the API's 5XX and the run-ended dead-letter queue.
The dashboard's alarm widgets are filled in at synthesis, so they show every alarm added."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cloudwatch_actions
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct

from imagegate_service import constants
from infra.config import ImagegateConfig

DAILY_BUDGET_ALARM_RATIO = 0.8  # the daily cap's CloudWatch alarm fires at 80% of the cap

_PERIOD = cdk.Duration.minutes(5)
_BENCHMARK_PERIOD = cdk.Duration.days(1)  # one benchmark a night
_BENCHMARK_RANGE = "-P30D"  # the benchmark graphs show the last 30 nights, whatever the dashboard's range


class Observability(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: ImagegateConfig,
        state_machine: sfn.StateMachine,
        functions: dict[str, lambda_.Function],
    ) -> None:
        super().__init__(scope, construct_id)
        self.topic = self._alarm_topic(config.alarm_email) if config.alarm_email else None

        loop_metrics = {
            "ExecutionsFailed": state_machine.metric_failed(period=_PERIOD),
            "ExecutionsTimedOut": state_machine.metric_timed_out(period=_PERIOD),
            "ExecutionThrottled": state_machine.metric_throttled(period=_PERIOD),
        }
        function_metrics = {
            f"{name}Errors": function.metric_errors(period=_PERIOD) for name, function in functions.items()
        }
        function_metrics |= {
            f"{name}Throttles": function.metric_throttles(period=_PERIOD) for name, function in functions.items()
        }
        self.alarms = [
            self._alarm(alarm_id, metric) for alarm_id, metric in {**loop_metrics, **function_metrics}.items()
        ]
        self.daily_budget_alarm: cloudwatch.Alarm | None = None
        if config.daily_budget_usd:
            # Record Round and Finish Run emit the day's settled spend (DailySpendUsd, domain/daily_budget.py); the
            # day's ledger starts at 0 each UTC midnight, so its maximum over 5 minutes is today's spend so far
            ratio = DAILY_BUDGET_ALARM_RATIO
            self.daily_budget_alarm = self._alarm(
                "DailyBudgetNearlySpent",
                _run_metric(constants.METRIC_DAILY_SPEND, "Maximum", None, period=_PERIOD),
                threshold=round(ratio * config.daily_budget_usd, 6),
                description=f"Today's model spend reached {ratio:.0%} of the daily budget "
                f"(${config.daily_budget_usd:g}); over the cap new generations are refused until 00:00 UTC.",
            )
            self.alarms.append(self.daily_budget_alarm)

        self.dashboard = cloudwatch.Dashboard(self, "Dashboard", dashboard_name=f"{config.stack_name}-runs")
        self.dashboard.add_widgets(
            cloudwatch.GraphWidget(
                title="Runs by outcome",
                width=12,
                stacked=True,
                left=[
                    _run_metric(name, "Sum", label)
                    for name, label in (
                        (constants.METRIC_RUNS_STARTED, "started"),
                        *((metric, status.lower()) for status, metric in constants.METRIC_RUN_OUTCOME.items()),
                    )
                ],
            ),
            cloudwatch.GraphWidget(
                title="Rounds per run and judge score",
                width=12,
                left=[_run_metric(constants.METRIC_ROUNDS_PER_RUN, "Average", "mean rounds per run")],
                right=[_run_metric(constants.METRIC_ROUND_SCORE, "Average", "mean round score")],
            ),
        )
        self.dashboard.add_widgets(
            cloudwatch.GraphWidget(
                title="Model cost (USD)",
                width=12,
                left=[
                    _run_metric(constants.METRIC_RUN_COST, "Sum", "total"),
                    _run_metric(constants.METRIC_RUN_COST, "Average", "per run"),
                ],
            ),
            cloudwatch.AlarmStatusWidget(title="Quality loop alarms", width=12, alarms=list(self.alarms)),
        )

    def add_service(
        self, *, functions: dict[str, lambda_.Function], stage: apigw.Stage, dead_letter_queue: sqs.IQueue
    ) -> list[cloudwatch.Alarm]:
        """Errors and throttles of the functions outside the loop, the API stage's 5XX answers and any event the
        run-ended rule could not deliver; a dashboard row of them."""
        metrics: dict[str, cloudwatch.IMetric] = {}
        for name, function in functions.items():
            metrics[f"{name}Errors"] = function.metric_errors(period=_PERIOD)
            metrics[f"{name}Throttles"] = function.metric_throttles(period=_PERIOD)
        alarms = [self._alarm(alarm_id, metric) for alarm_id, metric in metrics.items()]
        self.api_5xx_alarm = self._alarm(
            "Api5XXErrors",
            stage.metric_server_error(period=_PERIOD, statistic="Sum"),
            description="The HTTP API answered 5XX: see the api function's logs and the stage's execution logs.",
        )
        self.dead_letter_alarm = self._alarm(
            "RunEndedDeadLetters",
            dead_letter_queue.metric_approximate_number_of_messages_visible(period=_PERIOD, statistic="Maximum"),
            description="An execution-ended event could not be delivered to mark_run_ended, or mark_run_ended failed on "
            "it after Lambda's retries: a run may still say RUNNING. Read the message in the dead-letter queue (an "
            "invocation record carries the event as requestPayload) and re-drive it.",
        )
        alarms += [self.api_5xx_alarm, self.dead_letter_alarm]
        self.alarms.extend(alarms)
        self.dashboard.add_widgets(
            cloudwatch.GraphWidget(
                title="HTTP API",
                width=8,
                left=[
                    stage.metric_client_error(period=_PERIOD, statistic="Sum", label="4XX"),
                    stage.metric_server_error(period=_PERIOD, statistic="Sum", label="5XX"),
                ],
                right=[stage.metric_latency(period=_PERIOD, statistic="p90", label="latency p90 (ms)")],
            ),
            cloudwatch.GraphWidget(
                title="Functions outside the loop: errors and throttles",
                width=8,
                left=[
                    function.metric_errors(period=_PERIOD, label=f"{name} errors")
                    for name, function in functions.items()
                ],
                right=[
                    function.metric_throttles(period=_PERIOD, label=f"{name} throttles")
                    for name, function in functions.items()
                ],
            ),
            cloudwatch.AlarmStatusWidget(title="API, benchmark and run-ended alarms", width=8, alarms=alarms),
        )
        return alarms

    def add_benchmark(
        self, *, state_machine: sfn.StateMachine, pass_rate_below: float, failed_items_above: float = 10.0
    ) -> list[cloudwatch.Alarm]:
        """Alarms on a failed benchmark execution, on a pass rate below `pass_rate_below` and on more than
        `failed_items_above` percent of its runs FAILED, and a dashboard row of the benchmark's metrics
        (aggregate_benchmark emits them once per benchmark)."""
        self.benchmark_failed_alarm = self._alarm(
            "BenchmarkExecutionsFailed",
            state_machine.metric_failed(period=_PERIOD),
            description="A nightly benchmark execution failed: no report was written, or (more children failed "
            "outright than benchmarkToleratedFailurePercent allows) one was written from the results so far.",
        )
        self.benchmark_pass_rate_alarm = self._alarm(
            "BenchmarkPassRateLow",
            # no label: the alarm then names the metric itself rather than a one-metric math expression
            _run_metric(constants.METRIC_BENCHMARK_PASS_RATE, "Average", None, period=_BENCHMARK_PERIOD),
            threshold=pass_rate_below,
            comparison_operator=cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
            # A night without a benchmark is not a drop in quality (a failed one alarms above).
            description=f"The nightly benchmark's pass rate fell below {pass_rate_below:g}: see its report.html "
            "under benchmarks/{date}/ for the categories that regressed.",
        )
        self.benchmark_failed_items_alarm = self._alarm(
            "BenchmarkFailedItems",
            _run_metric(constants.METRIC_BENCHMARK_FAILED_ITEM_PERCENT, "Maximum", None, period=_BENCHMARK_PERIOD),
            threshold=failed_items_above,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
            description=f"More than {failed_items_above:g}% of a nightly benchmark's runs ended FAILED (model "
            "errors, throttling, runs that could not record an outcome): see the failed runs in its report.json.",
        )
        alarms = [self.benchmark_failed_alarm, self.benchmark_pass_rate_alarm, self.benchmark_failed_items_alarm]
        self.alarms.extend(alarms)

        def daily(metric_name: str, label: str) -> cloudwatch.Metric:
            return _run_metric(metric_name, "Average", label, period=_BENCHMARK_PERIOD)

        self.dashboard.add_widgets(
            cloudwatch.GraphWidget(
                title="Benchmark pass rate",
                width=6,
                start=_BENCHMARK_RANGE,
                left=[
                    daily(constants.METRIC_BENCHMARK_PASS_RATE, "final"),
                    daily(constants.METRIC_BENCHMARK_FIRST_ROUND_PASS_RATE, "first round"),
                ],
                left_y_axis=cloudwatch.YAxisProps(min=0, max=1),
                left_annotations=[cloudwatch.HorizontalAnnotation(value=pass_rate_below, label="alarm below")],
            ),
            cloudwatch.GraphWidget(
                title="Benchmark scores",
                width=6,
                start=_BENCHMARK_RANGE,
                left=[
                    daily(constants.METRIC_BENCHMARK_MEAN_FINAL_SCORE, "mean final score"),
                    daily(constants.METRIC_BENCHMARK_ANCHOR_SCORE, "anchors, mean first-round score"),
                ],
                left_y_axis=cloudwatch.YAxisProps(min=0, max=10),
            ),
            cloudwatch.GraphWidget(
                title="Benchmark cost per pass (USD) and failed runs (%)",
                width=6,
                start=_BENCHMARK_RANGE,
                left=[daily(constants.METRIC_BENCHMARK_COST_PER_PASS, "cost per pass")],
                right=[daily(constants.METRIC_BENCHMARK_FAILED_ITEM_PERCENT, "failed runs %")],
                right_annotations=[cloudwatch.HorizontalAnnotation(value=failed_items_above, label="alarm above")],
            ),
            cloudwatch.AlarmStatusWidget(title="Benchmark alarms", width=6, alarms=alarms),
        )
        return alarms

    def _alarm(
        self,
        alarm_id: str,
        metric: cloudwatch.Metric,
        *,
        threshold: float = 1,
        comparison_operator: cloudwatch.ComparisonOperator = cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        description: str | None = None,
    ) -> cloudwatch.Alarm:
        alarm = metric.create_alarm(
            self,
            alarm_id,
            threshold=threshold,
            evaluation_periods=1,
            comparison_operator=comparison_operator,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,  # no executions is not a failure
            alarm_description=description,
        )
        if self.topic:
            alarm.add_alarm_action(cloudwatch_actions.SnsAction(self.topic))
        return alarm

    def _alarm_topic(self, email: str) -> sns.Topic:
        # A customer managed key: CloudWatch cannot publish to a topic encrypted with the AWS managed SNS key.
        key = kms.Key(
            self,
            "AlarmTopicKey",
            enable_key_rotation=True,
            description="Encrypts the imagegate alarm topic",
            removal_policy=cdk.RemovalPolicy.DESTROY,
        )
        key.add_to_resource_policy(
            iam.PolicyStatement(
                sid="AllowCloudWatchAlarmsToPublish",
                principals=[iam.ServicePrincipal("cloudwatch.amazonaws.com")],
                actions=["kms:Decrypt", "kms:GenerateDataKey*"],
                resources=["*"],  # in a key policy, "*" means this key
            )
        )
        topic = sns.Topic(self, "AlarmTopic", master_key=key, enforce_ssl=True, display_name="imagegate alarms")
        topic.add_subscription(subscriptions.EmailSubscription(email))
        return topic


def _run_metric(
    metric_name: str, statistic: str, label: str | None, period: cdk.Duration | None = None
) -> cloudwatch.Metric:
    """A custom metric from the handlers' Powertools Metrics (namespace and service dimension)."""
    return cloudwatch.Metric(
        namespace=constants.METRICS_NAMESPACE,
        metric_name=metric_name,
        dimensions_map={"service": constants.SERVICE_NAME},  # Powertools Metrics' default dimension
        statistic=statistic,
        label=label,
        period=period or cdk.Duration.hours(1),
    )
