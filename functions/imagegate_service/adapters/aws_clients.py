"""boto3 clients, made on first use (not at import: a cold start should not pay for clients a
handler may never call) and kept for the life of the process."""

from __future__ import annotations

import threading
from functools import cache
from typing import Any

# Image models can take minutes; botocore's 60 s read timeout is too short for them. Retries are the
# state machine's job (visible in the console, with backoff and jitter), so the SDK makes one attempt.
_BEDROCK_CONFIG = {"read_timeout": 300, "connect_timeout": 10, "retries": {"mode": "standard", "total_max_attempts": 1}}


# boto3's default Session is not thread-safe while it makes clients and resources (boto/boto3#1592,
# https://boto3.amazonaws.com/v1/documentation/api/latest/guide/session.html#multithreading-or-multiprocessing-with-sessions):
# the local runtime runs tasks on many threads, so making one is serialised. Using a client is thread-safe.
_MAKING = threading.Lock()


@cache
def client(service: str) -> Any:
    import boto3
    from botocore.config import Config

    config = Config(**_BEDROCK_CONFIG) if service == "bedrock-runtime" else Config(retries={"mode": "standard"})
    with _MAKING:
        return boto3.client(service, config=config)


class _TablePerThread:
    """dynamodb_table(name): a boto3 Table per thread. A resource is not thread-safe ("Resource instances
    are not thread safe and should not be shared across threads", boto3 guide, resources.html#multithreading-
    or-multiprocessing-with-resources): its one ConditionExpressionBuilder numbers the #n/:v placeholders of
    every request, so two threads building a Key("pk") & Key("sk") query at once reuse each other's numbers
    and DynamoDB answers "Query condition missed key schema element: pk". In Lambda there is one thread."""

    def __init__(self) -> None:
        self._local = threading.local()
        self._generation = 0

    def __call__(self, name: str) -> Any:
        local = self._local
        if getattr(local, "generation", None) != self._generation:
            local.tables, local.generation = {}, self._generation
        if name not in local.tables:
            import boto3

            with _MAKING:
                local.tables[name] = boto3.resource("dynamodb").Table(name)
        return local.tables[name]

    def cache_clear(self) -> None:
        """Every thread makes its tables again (a new moto session or environment)."""
        self._generation += 1


dynamodb_table = _TablePerThread()
