from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from imagegate_service import constants as c
from imagegate_service import wiring
from imagegate_service.handlers._powertools import logger, metrics, tracer

aggregator = wiring.benchmark_aggregator()

_HEADLINE_METRICS = {
    c.METRIC_BENCHMARK_PASS_RATE: "passRate",
    c.METRIC_BENCHMARK_FIRST_ROUND_PASS_RATE: "firstRoundPassRate",
    c.METRIC_BENCHMARK_MEAN_FINAL_SCORE: "meanFinalScore",
    c.METRIC_BENCHMARK_COST_PER_PASS: "costPerPassUsd",
}

_ARM_METRICS = {
    c.METRIC_BENCHMARK_EVALUATOR_PASS_RATE: "evaluatorPassRate",
    c.METRIC_BENCHMARK_JUDGE_FALSE_PASS_RATE: "judgeFalsePassRate",
}


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    summary = aggregator.aggregate(event)
    for metric, field in _HEADLINE_METRICS.items():
        if summary["overall"].get(field) is not None:
            metrics.add_metric(name=metric, unit=MetricUnit.NoUnit, value=summary["overall"][field])
    # The independent evaluator's view of the primary arm (the loop): what the judge's pass rate cannot show
    primary = summary["arms"].get(summary["primaryArm"]) or {}
    for metric, field in _ARM_METRICS.items():
        if primary.get(field) is not None:
            metrics.add_metric(name=metric, unit=MetricUnit.NoUnit, value=primary[field])
    metrics.add_metric(
        name=c.METRIC_BENCHMARK_FAILED_ITEM_PERCENT, unit=MetricUnit.Percent, value=summary["failedItemPercent"]
    )
    if summary["anchorsMeanFirstRoundScore"] is not None:
        metrics.add_metric(
            name=c.METRIC_BENCHMARK_ANCHOR_SCORE, unit=MetricUnit.NoUnit, value=summary["anchorsMeanFirstRoundScore"]
        )
    return summary
