from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from imagegate_service import wiring
from imagegate_service.domain.state import BenchmarkPlan
from imagegate_service.handlers._powertools import logger, tracer

preparer = wiring.benchmark_preparer()


@logger.inject_lambda_context
@tracer.capture_lambda_handler
def handler(event: dict[str, Any], context: LambdaContext) -> BenchmarkPlan:
    # historyEstimate and defaults: static parameters of Prepare Benchmark, from the composed definition
    # (functions/imagegate_service/workflows.py; the defaults from the CDK context)
    return preparer.prepare(
        event["request"] or {}, event["execution"]["name"], event["historyEstimate"], event.get("defaults")
    )
