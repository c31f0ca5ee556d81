"""Presigned GET URLs for run images: the bucket stays private, a link works for a limited time.

The signing client names the endpoint in IMAGEGATE_PUBLIC_S3_ENDPOINT when it is set (a custom domain in
front of S3, or `imagegate serve`'s own address locally), and the regional S3 endpoint otherwise. Signing
is local computation: no request leaves the function."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from imagegate_service import resources


def _signing_client() -> Any:
    import boto3
    from botocore.config import Config

    endpoint = resources.public_s3_endpoint()
    # Path-style with a custom endpoint keeps the bucket in the path (the endpoint may have a path of its own).
    config = Config(signature_version="s3v4", s3={"addressing_style": "path" if endpoint else "virtual"})
    return boto3.client("s3", endpoint_url=endpoint, config=config)


class S3Presigner:
    def __init__(
        self,
        bucket: str | None = None,
        expiry_seconds: int | None = None,
        client_factory: Callable[[], Any] | None = None,
    ):
        self._bucket = bucket
        self._expiry_seconds = expiry_seconds
        self._client_factory = client_factory or _signing_client
        self._client: Any = None

    @property
    def bucket(self) -> str:
        return self._bucket or resources.bucket_name()

    @property
    def expiry_seconds(self) -> int:
        if self._expiry_seconds is not None:
            return self._expiry_seconds
        return resources.presign_expiry_seconds()

    def url(self, key: str) -> str:
        if self._client is None:
            self._client = self._client_factory()
        return str(
            self._client.generate_presigned_url(
                "get_object", Params={"Bucket": self.bucket, "Key": key}, ExpiresIn=self.expiry_seconds
            )
        )
