from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from imagegate_service import constants as c
from imagegate_service import wiring
from imagegate_service.domain.daily_budget import add_daily_spend_metric
from imagegate_service.domain.enhancements import start_finish
from imagegate_service.domain.state import FinishStep, RunResult
from imagegate_service.handlers._powertools import logger, metrics, tracer

finisher = wiring.run_finisher()
daily_budget = wiring.daily_budget()
reviews = wiring.review_store()
enhancements = wiring.enhancement_starter()


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: FinishStep, context: LambdaContext) -> RunResult:
    result = finisher.finish(event)
    metrics.add_metric(name=c.METRIC_RUN_OUTCOME[result["status"]], unit=MetricUnit.Count, value=1)
    metrics.add_metric(name=c.METRIC_ROUNDS_PER_RUN, unit=MetricUnit.Count, value=result["rounds"])
    metrics.add_metric(name=c.METRIC_RUN_COST, unit=MetricUnit.NoUnit, value=result["costUsd"])
    if event["settings"].get("review") == c.REVIEW_FINAL:
        reviews.forget_token(event["runId"])  # the run has ended: no review can be taken any more
    add_daily_spend_metric(metrics, daily_budget.release_run(event["runId"]))
    try:  # the request's `finish` operations (domain/enhancements.py); the run has ended whatever happens here
        start_finish(enhancements, event["runId"], event["settings"], result)
    except Exception:
        logger.exception("the run's finish operations could not be started")
    return result
