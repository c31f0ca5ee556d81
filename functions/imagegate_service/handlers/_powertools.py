"""The Powertools trio every handler wears, configured from the environment (POWERTOOLS_* variables
set by the CDK construct in AWS and by the local runtime on a laptop)."""

from __future__ import annotations

import importlib
from typing import Any, cast

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.tracing.base import BaseProvider

from imagegate_service.constants import METRICS_NAMESPACE, SERVICE_NAME


class LazyXRayRecorder:
    """Stands in for aws_xray_sdk's recorder until a handler first traces something.

    Importing aws_xray_sdk.core builds a botocore client for its sampler (about as costly as importing
    boto3); Powertools' Tracer does that at construction, i.e. during every handler module's import.
    This proxy lets the Tracer be built at import time and pays for X-Ray on first use instead, and
    never when tracing is off."""

    def __init__(self) -> None:
        self._recorder: Any = None
        self._pending_patches: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = []

    def patch(self, *args: Any, **kwargs: Any) -> None:
        self._pending_patches.append(("patch", args, kwargs))

    def patch_all(self, *args: Any, **kwargs: Any) -> None:
        self._pending_patches.append(("patch_all", args, kwargs))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._load(), name)

    def _load(self) -> Any:
        if self._recorder is None:
            core = importlib.import_module("aws_xray_sdk.core")
            core.xray_recorder.configure(streaming_threshold=0)  # what Tracer does for its own X-Ray provider
            for method, args, kwargs in self._pending_patches:
                getattr(core, method)(*args, **kwargs)
            self._recorder = core.xray_recorder
        return self._recorder


logger = Logger(service=SERVICE_NAME)
# the proxy stands in for the recorder by forwarding every attribute (__getattr__), not by subclassing
tracer = Tracer(service=SERVICE_NAME, provider=cast(BaseProvider, LazyXRayRecorder()))
metrics = Metrics(namespace=METRICS_NAMESPACE, service=SERVICE_NAME)
