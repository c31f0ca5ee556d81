from aws_lambda_powertools.utilities.typing import LambdaContext

from imagegate_service import wiring
from imagegate_service.domain.state import Generation, LoopStep
from imagegate_service.handlers._powertools import logger, tracer

generator = wiring.round_generator()


@logger.inject_lambda_context
@tracer.capture_lambda_handler
def handler(event: LoopStep, context: LambdaContext) -> Generation:
    return generator.generate(event, context.get_remaining_time_in_millis)
