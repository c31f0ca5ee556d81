from aws_lambda_powertools.utilities.typing import LambdaContext

from imagegate_service.domain.enhancements import EnhancementRunner
from imagegate_service.domain.state import EnhanceEnd, EnhanceStep
from imagegate_service.handlers._powertools import logger, tracer

runner = EnhancementRunner()


@logger.inject_lambda_context
@tracer.capture_lambda_handler
def handler(event: EnhanceStep, context: LambdaContext) -> EnhanceEnd:
    return runner.finish(event)
