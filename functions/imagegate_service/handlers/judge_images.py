from aws_lambda_powertools.utilities.typing import LambdaContext

from imagegate_service import wiring
from imagegate_service.domain.state import CandidateJudgement, JudgeCandidateStep
from imagegate_service.handlers._powertools import logger, tracer

judge = wiring.round_judge()


@logger.inject_lambda_context
@tracer.capture_lambda_handler
def handler(event: JudgeCandidateStep, context: LambdaContext) -> CandidateJudgement:
    return judge.judge_candidate(event)
