from aws_lambda_powertools.utilities.typing import LambdaContext

from imagegate_service import wiring
from imagegate_service.domain.state import JudgedStep, Loop
from imagegate_service.handlers._powertools import logger, tracer

rewriter = wiring.prompt_rewriter()


@logger.inject_lambda_context
@tracer.capture_lambda_handler
def handler(event: JudgedStep, context: LambdaContext) -> Loop:
    return rewriter.rewrite(event)
