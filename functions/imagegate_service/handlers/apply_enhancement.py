from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from imagegate_service.domain.enhancements import EnhancementRunner
from imagegate_service.handlers._powertools import logger, tracer

runner = EnhancementRunner()


@logger.inject_lambda_context
@tracer.capture_lambda_handler
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return runner.apply(event)
