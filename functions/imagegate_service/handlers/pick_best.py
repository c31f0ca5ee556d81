from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from imagegate_service.domain.judging import RoundJudge
from imagegate_service.handlers._powertools import logger, tracer

judge = RoundJudge()


@logger.inject_lambda_context
@tracer.capture_lambda_handler
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return judge.pick_best(event)
