from typing import cast

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from imagegate_service import wiring
from imagegate_service.constants import METRIC_ROUND_SCORE
from imagegate_service.domain.daily_budget import add_daily_spend_metric
from imagegate_service.domain.state import Loop, LoopStep, RecordStep
from imagegate_service.handlers._powertools import logger, metrics, tracer

recorder = wiring.round_recorder()
daily_budget = wiring.daily_budget()


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: LoopStep | RecordStep, context: LambdaContext) -> Loop:
    if event.get("filtered"):
        loop = recorder.record_filtered(event)  # every image of the round withheld: no score to report
    else:  # Record Round's Parameters: the round's generation, judgement and evaluation are there
        loop = recorder.record(cast("RecordStep", event))
        metrics.add_metric(name=METRIC_ROUND_SCORE, unit=MetricUnit.Count, value=loop["lastScore"])
    # the round is over: what is left of its daily reservation goes back to the day
    add_daily_spend_metric(metrics, daily_budget.release_run(event["runId"]))
    return loop
