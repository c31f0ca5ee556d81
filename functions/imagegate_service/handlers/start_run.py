from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from imagegate_service import wiring
from imagegate_service.constants import METRIC_RUNS_STARTED
from imagegate_service.domain.state import StartedRun, StartEvent
from imagegate_service.handlers._powertools import logger, metrics, tracer

starter = wiring.run_starter()


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: StartEvent, context: LambdaContext) -> StartedRun:
    state = starter.start(event["request"], event["execution"]["name"], event["execution"]["arn"])
    metrics.add_metric(name=METRIC_RUNS_STARTED, unit=MetricUnit.Count, value=1)
    return state
