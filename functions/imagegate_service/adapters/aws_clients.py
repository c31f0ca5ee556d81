"""boto3 clients, made on first use (not at import: a cold start should not pay for clients a
handler may never call) and kept for the life of the process."""

from __future__ import annotations

from functools import cache
from typing import Any

# Image models can take minutes; botocore's 60 s read timeout is too short for them. Retries are the
# state machine's job (visible in the console, with backoff and jitter), so the SDK makes one attempt.
_BEDROCK_CONFIG = {"read_timeout": 300, "connect_timeout": 10, "retries": {"mode": "standard", "total_max_attempts": 1}}


@cache
def client(service: str) -> Any:
    import boto3
    from botocore.config import Config

    config = Config(**_BEDROCK_CONFIG) if service == "bedrock-runtime" else Config(retries={"mode": "standard"})
    return boto3.client(service, config=config)


@cache
def dynamodb_table(name: str) -> Any:
    import boto3

    return boto3.resource("dynamodb").Table(name)
