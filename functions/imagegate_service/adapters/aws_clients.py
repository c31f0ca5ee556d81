"""boto3 clients, made on first use (not at import: a cold start should not pay for clients a
handler may never call) and kept for the life of the process."""

from __future__ import annotations

import threading
from functools import cache
from typing import Any

# Image models can take minutes; botocore's 60 s read timeout is too short for them. Retries are the
# state machine's job (visible in the console, with backoff and jitter), so the SDK makes one attempt.
_BEDROCK_CONFIG: dict[str, Any] = {
    "read_timeout": 300,
    "connect_timeout": 10,
    "retries": {"mode": "standard", "total_max_attempts": 1},
}

# Rekognition (the verifier) too: its throttling is retried by the Verify Round state, each attempt a ledger entry.
_ONE_ATTEMPT: dict[str, dict[str, Any]] = {
    "bedrock-runtime": _BEDROCK_CONFIG,
    "rekognition": {
        "connect_timeout": 10,
        "read_timeout": 60,
        "retries": {"mode": "standard", "total_max_attempts": 1},
    },
}

# boto3's default Session is not thread-safe while it makes clients and resources (boto/boto3#1592,
# https://boto3.amazonaws.com/v1/documentation/api/latest/guide/session.html#multithreading-or-multiprocessing-with-sessions):
# the local runtime runs tasks on many threads, so making one is serialised. Using a client is thread-safe.
_MAKING = threading.Lock()

# The boto3 Session clients and resources are made from: None, boto3's default Session (in AWS, always). The local
# runtime names the Session its offline providers answer on, so a client is made there even if something in the
# process replaces boto3.DEFAULT_SESSION meanwhile (moto's mock, stopped by an earlier runtime's thread, restores
# the Session it found: a client made from that one would send Bedrock requests to the network).
_session: Any = None


def use_session(session: Any) -> None:
    """Make clients and resources from `session` from now on (None: boto3's default); the cache is emptied."""
    global _session
    with _MAKING:  # no client is being made on the Session being replaced meanwhile
        _session = session
        client.cache_clear()
        dynamodb_table.cache_clear()


@cache
def client(service: str) -> Any:
    import boto3
    from botocore.config import Config

    config = Config(**_ONE_ATTEMPT.get(service, {"retries": {"mode": "standard"}}))
    with _MAKING:
        # the service is named at run time: boto3-stubs types boto3.client only for literal names
        make_client: Any = (_session or boto3).client
        return make_client(service, config=config)


class _ConditionBuilderPerThread:
    """Stands in for the one ConditionExpressionBuilder of a boto3 DynamoDB resource, which numbers the #n/:v
    placeholders of every request and is reset by every request: two threads sharing a resource (boto3:
    "Resource instances are not thread safe", guide/resources.html#multithreading-or-multiprocessing-with-
    resources) renumber each other's placeholders, and a Key("pk") & Key("sk") query names sk twice: DynamoDB
    answers "Query condition missed key schema element: pk". Each thread gets a builder of its own here, so
    one Table (and its thread-safe client) serves every thread: no resource per thread to build."""

    def __init__(self) -> None:
        self._local = threading.local()

    def _builder(self) -> Any:
        builder = getattr(self._local, "builder", None)
        if builder is None:
            from boto3.dynamodb.conditions import ConditionExpressionBuilder

            builder = self._local.builder = ConditionExpressionBuilder()
        return builder

    def reset(self) -> None:
        self._builder().reset()

    def build_expression(self, condition: Any, is_key_condition: bool = False) -> Any:
        return self._builder().build_expression(condition, is_key_condition=is_key_condition)


@cache
def dynamodb_table(name: str) -> Any:
    import boto3

    with _MAKING:
        service = (_session or boto3).resource("dynamodb")
        table = service.Table(name)
    # the injector registered on the client is the service resource's (the Table's own registration has the
    # same unique_id and is ignored); both get the per-thread builder
    resources: tuple[Any, ...] = (service, table)  # _injector is boto3's private attribute: not in the stubs
    for resource in resources:
        resource._injector._condition_builder = _ConditionBuilderPerThread()
    return table
