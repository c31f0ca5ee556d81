from aws_lambda_powertools.utilities.typing import LambdaContext

from imagegate_service import wiring
from imagegate_service.domain.state import EvaluationOutcome, JudgedStep
from imagegate_service.handlers._powertools import logger, tracer

evaluator = wiring.round_evaluator()


@logger.inject_lambda_context
@tracer.capture_lambda_handler
def handler(event: JudgedStep, context: LambdaContext) -> EvaluationOutcome:
    return evaluator.evaluate(event)
