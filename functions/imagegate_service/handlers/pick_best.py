from aws_lambda_powertools.utilities.typing import LambdaContext

from imagegate_service import wiring
from imagegate_service.domain.state import Judgement, PickBestStep
from imagegate_service.handlers._powertools import logger, tracer

judge = wiring.round_judge()


@logger.inject_lambda_context
@tracer.capture_lambda_handler
def handler(event: PickBestStep, context: LambdaContext) -> Judgement:
    return judge.pick_best(event)
