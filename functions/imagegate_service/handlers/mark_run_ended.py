"""EventBridge target of Step Functions "Execution Status Change" (TIMED_OUT, ABORTED, FAILED): marks the
execution's run (or a benchmark's runs) FAILED if still RUNNING. See domain/mark_run_ended.py."""

from typing import Any, cast

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from imagegate_service import constants as c
from imagegate_service import wiring
from imagegate_service.domain.state import EndMarking, ExecutionEndDetail
from imagegate_service.handlers._powertools import logger, metrics, tracer

ender = wiring.run_ender()


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> EndMarking:
    # every key of the detail is optional and read with .get (domain/mark_run_ended.py): nothing to check before the cast
    result = ender.execution_ended(cast("ExecutionEndDetail", event.get("detail") or {}))
    logger.info("execution ended", extra=result)
    if result["marked"]:
        metrics.add_metric(
            name=c.METRIC_RUN_OUTCOME[c.STATUS_FAILED], unit=MetricUnit.Count, value=len(result["marked"])
        )
    return result
