from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from imagegate_service.constants import METRIC_ROUND_SCORE
from imagegate_service.domain.recording import RoundRecorder
from imagegate_service.handlers._powertools import logger, metrics, tracer

recorder = RoundRecorder()


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    if event.get("filtered"):
        return recorder.record_filtered(event)  # every image of the round withheld: no score to report
    loop = recorder.record(event)
    metrics.add_metric(name=METRIC_ROUND_SCORE, unit=MetricUnit.Count, value=loop["lastScore"])
    return loop
