"""Named failures. Step Functions matches a Lambda error by the exception's class name, so these
names are part of the ASL contract (Retry/Catch ErrorEquals)."""


class ImagegateError(Exception):
    """Base for every failure this service names on purpose."""


class InvalidRequest(ImagegateError):
    """The run request breaks a rule; `field` names the offending setting."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


# Retried by the state machine with backoff and jitter.
class ModelThrottled(ImagegateError):
    """Bedrock throttled the call (ThrottlingException, ModelNotReadyException)."""


class ModelTransientError(ImagegateError):
    """Bedrock had a passing fault (5xx, timeout, ModelErrorException)."""


class InvalidVerdict(ImagegateError):
    """The judge answered, but not with a verdict that matches the schema (or refused)."""


class InvalidRewrite(ImagegateError):
    """The rewriter answered, but not with a prompt that matches the schema (or refused)."""


class InvalidEvaluation(ImagegateError):
    """The evaluator answered, but not with checks or answers that match their schema (or refused, or was cut)."""


class VerifierThrottled(ImagegateError):
    """The verifier's service (Amazon Rekognition) throttled the call (ThrottlingException,
    ProvisionedThroughputExceededException): retried with backoff and jitter; after the retries the round is
    recorded with its verification unavailable and the gate falls back to the judge."""


class VerifierTransientError(ImagegateError):
    """The verifier's service had a passing fault (InternalServerError, a 5xx, a timeout): retried a few times."""


class VerifierFailed(ImagegateError):
    """The verifier refused the request or answered with something unusable (a bad image, access denied, a
    response that breaks its shape): not retried; the round's verification is unavailable, the judge decides."""


class RoundUnfinished(ImagegateError):
    """Generate Images stopped issuing calls because what is left of its invocation could not cover another one:
    the calls it made are billed and noted in the round's generation.json, and the state machine re-enters the task
    at once, which makes only the calls still missing (retried a bounded number of times)."""


class ObjectsNotDeleted(ImagegateError):
    """S3's DeleteObjects answered 200 with per-key Errors: some of a run's objects are still there. The DELETE
    stops before the run's items are removed, so repeating it finds the run and finishes (no orphan objects)."""


class WorkflowThrottled(Exception):
    """Step Functions refused a request for now (another execution's start, a task's answer): raised by the
    workflow adapter (adapters/workflow.py); the domain's services turn it into Throttled (429 with Retry-After),
    so they name it here, where the failures they catch live, rather than import the adapter for it."""


class StoreThrottled(ImagegateError):
    """DynamoDB asked us to slow down (ProvisionedThroughputExceeded, ThrottlingException, RequestLimitExceeded,
    or a transaction cancelled by a conflicting one) after botocore's own retries: the task is retried whole."""


# Not retried.
class ContentBlocked(ImagegateError):
    """Bedrock's content filter blocked the prompt (the user's, or a rewritten one)."""


class ImagesFiltered(ContentBlocked):
    """The output filter withheld every image of the round (billed per the registry's policy); the loop
    re-draws with a new seed while rounds and budget remain."""


class BudgetExhausted(ImagegateError):
    """A billable call's upper-bound cost does not fit in what is left of maxCostUsd: it is not made."""


class ModelRequestRejected(ImagegateError):
    """Bedrock rejected the request itself (ValidationException that is not a content filter)."""


class ModelAccessDenied(ImagegateError):
    """The account has no access to the model, or IAM denies the call."""


class ModelRetired(ImagegateError):
    """Bedrock no longer serves the model: past its end of life, or Legacy and no longer open to this account."""


class ModelNotFound(ImagegateError):
    """Wrong model id or region."""


# The HTTP API's own failures (handlers/api.py answers each with its status code).
class GenerationNotFound(ImagegateError):
    """No run has this id (404)."""


class IdempotencyKeyReused(ImagegateError):
    """The Idempotency-Key was used before with a different body (409)."""


class RequestInProgress(ImagegateError):
    """A request with the same Idempotency-Key is still being handled (409)."""


class Throttled(ImagegateError):
    """Step Functions or DynamoDB asked us to slow down (429)."""


class DailyBudgetExhausted(ImagegateError):
    """The deployment's daily spend cap (dailyBudgetUsd) has no room for what is asked: a new generation is refused
    (429, Retry-After the next UTC midnight) and a running one ends EXHAUSTED at its next round."""

    def __init__(self, message: str, retry_after_seconds: int = 0):
        super().__init__(message)
        self.retry_after_seconds = retry_after_seconds


class ReviewNotWaiting(ImagegateError):
    """A review was sent for a run that is not waiting for one (409)."""


class GenerationNotRunning(ImagegateError):
    """A cancel of a run that has already ended (409): there is no execution left to stop."""


class EnhancementEnded(ImagegateError):
    """An enhancement's task found the enhancement ended or its generation deleted (a DELETE, or its execution's
    stop, came first): it writes nothing more, and removes what it wrote for a deleted generation."""


class GenerationStillRunning(ImagegateError):
    """A delete of a run (or of an enhancement of it) that has not ended (409): cancel it first, or wait."""
