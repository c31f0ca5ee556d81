"""Await Review: invoked by the `.waitForTaskToken` task with the task token; the run waits for its review."""

from aws_lambda_powertools.utilities.typing import LambdaContext

from imagegate_service import wiring
from imagegate_service.domain.state import ReviewStep, ReviewWait
from imagegate_service.handlers._powertools import logger, tracer

pause = wiring.review_pause()


@logger.inject_lambda_context
@tracer.capture_lambda_handler
def handler(event: ReviewStep, context: LambdaContext) -> ReviewWait:
    return pause.wait(event)
