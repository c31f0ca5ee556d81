"""Amazon Rekognition as the verifier's detector: DetectLabels and DetectText on a run image in S3.

The image is named as an S3Object (bucket and key), never sent as bytes: nothing is copied into the request,
the 15 MB S3 limit applies instead of the 5 MB byte limit, and Rekognition reads the object with the caller's
permissions (the verifier's role needs s3:GetObject on the runs/ prefix). Rekognition's failures become the named
errors the Verify Round state retries (throttling, passing faults) or catches (everything else)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from imagegate_service import resources
from imagegate_service.adapters.aws_clients import client as aws_client
from imagegate_service.errors import VerifierFailed, VerifierThrottled, VerifierTransientError

# DetectLabels' and DetectText's errors (botocore's rekognition model): throttling is retried with backoff,
# InternalServerError a few times; the rest (InvalidS3ObjectException, InvalidParameterException,
# ImageTooLargeException, InvalidImageFormatException, AccessDeniedException) would fail again the same way.
_THROTTLED = {"ThrottlingException", "ProvisionedThroughputExceededException", "LimitExceededException"}
_TRANSIENT = {"InternalServerError", "ServiceUnavailableException", "ServiceUnavailable"}


class RekognitionDetector:
    def __init__(self, bucket: str | None = None, client_factory: Callable[[], Any] | None = None):
        self._bucket = bucket
        self._client_factory = client_factory or (lambda: aws_client("rekognition"))

    def detect_labels(self, key: str, features: tuple[str, ...], min_confidence: float) -> dict[str, Any]:
        return self._call(
            "detect_labels", Image=self._image(key), Features=list(features), MinConfidence=float(min_confidence)
        )

    def detect_text(self, key: str) -> dict[str, Any]:
        return self._call("detect_text", Image=self._image(key))

    def _image(self, key: str) -> dict[str, Any]:
        return {"S3Object": {"Bucket": self._bucket or resources.bucket_name(), "Name": key}}

    def _call(self, operation: str, **request: Any) -> dict[str, Any]:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            response: dict[str, Any] = getattr(self._client_factory(), operation)(**request)
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code", "")
            message = f"Rekognition {operation}: {code}: {error.response.get('Error', {}).get('Message', '')}"
            status = int(error.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0)
            if code in _THROTTLED:
                raise VerifierThrottled(message) from error
            if code in _TRANSIENT or status >= 500:
                raise VerifierTransientError(message) from error
            raise VerifierFailed(message) from error
        except BotoCoreError as error:  # a connection or read timeout: nothing answered, try again
            raise VerifierTransientError(f"Rekognition {operation}: {error}") from error
        response.pop("ResponseMetadata", None)
        return response
