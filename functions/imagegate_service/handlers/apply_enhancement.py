from aws_lambda_powertools.utilities.typing import LambdaContext

from imagegate_service import wiring
from imagegate_service.domain.state import EnhanceProgress, EnhanceStep
from imagegate_service.handlers._powertools import logger, tracer

runner = wiring.enhancement_runner()


@logger.inject_lambda_context
@tracer.capture_lambda_handler
def handler(event: EnhanceStep, context: LambdaContext) -> EnhanceProgress:
    return runner.apply(event)
