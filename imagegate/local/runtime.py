"""The embedded default runtime: the very ASL file the cloud runs, executed in-process by moto's Step
Functions interpreter. Its Lambda tasks dispatch to the same handler functions, S3 and DynamoDB are
moto, and Bedrock is the offline provider answering at the boto3 client level. Nothing in a handler
knows which runtime it is in: it sees the same environment variables and the same AWS APIs."""

from __future__ import annotations

import contextlib
import functools
import importlib
import json
import logging
import os
import threading
import time
import traceback
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, cast

from imagegate_service import constants as c
from imagegate_service import registry, workflows
from imagegate_service.adapters import aws_clients
from imagegate_service.adapters.storage import DynamoRunRepository
from imagegate_service.domain.run_ids import new_run_id
from imagegate_service.resources import RUNS_TABLE, powertools_environment
from imagegate_service.settings import resolve_settings

REGION = "us-east-1"
ACCOUNT = "123456789012"
BUCKET = "imagegate-local"
TABLE = "imagegate-local-runs"
STATE_MACHINE_NAME = "imagegate-quality-loop"
BENCHMARK_STATE_MACHINE_NAME = "imagegate-benchmark"
ENHANCE_STATE_MACHINE_NAME = "imagegate-enhance"
OFFLINE_BEDROCK_ENDPOINT = "http://bedrock.offline.invalid"
OFFLINE_REKOGNITION_ENDPOINT = (
    "http://rekognition.offline.invalid"  # a host moto does not claim: the offline detector's
)
FUNCTION_PREFIX = "imagegate-local-"
_MOTO_CONFIG = {"stepfunctions": {"execute_state_machine": True}, "lambda": {"use_docker": False}}
_RUNNING = "RUNNING"
LOGGER = logging.getLogger(__name__)


def _not_a_workflow_failure(record: logging.LogRecord) -> bool:
    """moto's interpreter logs every Fail state and caught task error (FailureEventException) with its
    internals; those outcomes are the workflow's own, read from the execution history. Other errors pass."""
    return not str(record.msg).startswith("Exception=FailureEventException") and not (
        record.args and str(record.args[0]).startswith("Exception=FailureEventException")
    )


logging.getLogger("moto.stepfunctions.parser.asl.component.eval_component").addFilter(_not_a_workflow_failure)


def local_environment(log_level: str = "WARNING") -> dict[str, str]:
    """What the CDK construct sets on each function in AWS, pointed at the local stand-ins."""
    return {
        c.ENV_BUCKET: BUCKET,
        c.ENV_TABLE: TABLE,
        "AWS_DEFAULT_REGION": REGION,
        "AWS_REGION": REGION,
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "AWS_ENDPOINT_URL_BEDROCK_RUNTIME": OFFLINE_BEDROCK_ENDPOINT,
        "AWS_ENDPOINT_URL_REKOGNITION": OFFLINE_REKOGNITION_ENDPOINT,
        **powertools_environment(log_level, local=True),
        # the runtime's own defaults, through the deployment-default mechanism (the evaluator: the world's ground truth)
        **{c.ENV_DEFAULTS[role]: model for role, model in registry.offline_default_models().items()},
    }


def function_arn(handler_name: str) -> str:
    return f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{FUNCTION_PREFIX}{handler_name.replace('_', '-')}"


LOCAL_HANDLERS = {**c.HANDLERS, **c.BENCHMARK_HANDLERS, **c.ENHANCE_HANDLERS}


def function_arns() -> dict[str, str]:
    """The DefinitionSubstitutions of the local functions, as the CDK app supplies them in AWS."""
    return {substitution: function_arn(name) for name, substitution in LOCAL_HANDLERS.items()}


@dataclass
class FakeLambdaContext:
    """The attributes of a LambdaContext that Powertools reads."""

    function_name: str
    aws_request_id: str
    memory_limit_in_mb: int = 1024
    function_version: str = "$LATEST"
    log_group_name: str = "/aws/lambda/local"
    log_stream_name: str = "local"

    @property
    def invoked_function_arn(self) -> str:
        return f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{self.function_name}"

    def get_remaining_time_in_millis(self) -> int:
        return 300_000


class HandlerDispatcher:
    """Replaces moto's echoing Lambda backend: an Invoke of imagegate-local-<name> runs the handler
    module imagegate_service.handlers.<name>, and an exception becomes a function error whose
    errorType is the exception's class name, as the Lambda Python runtime reports it."""

    def __init__(self) -> None:
        self.invocations: list[tuple[str, str]] = []  # (handler name, outcome) for tests and reports
        # the runtime's own functions (no handler module): the Distributed Map's stand-in (imagegate/local/distributed_map.py)
        self.local_functions: dict[str, Callable[[dict[str, Any]], Any]] = {}
        # called after each invocation with (handler name, event): the local store snapshots a run's rounds
        self.invoked_listeners: list[Callable[[str, dict[str, Any]], None]] = []
        self._lock = threading.Lock()

    def invoke(self, function_name: str, body: Any, response_headers: dict[str, str]) -> bytes:
        name = function_name.rsplit(":", 1)[-1].removeprefix(FUNCTION_PREFIX).replace("-", "_")
        if name not in LOCAL_HANDLERS and name not in self.local_functions:
            raise ValueError(f"no handler for Lambda function {function_name}")
        event = json.loads(body) if body else {}
        module: Any = None
        try:  # an import that fails is the function's error too, as a Lambda init error is
            if name in self.local_functions:
                result = self.local_functions[name](event)
            else:
                module = importlib.import_module(c.HANDLER_MODULE.format(name=name))
                result = module.handler(event, FakeLambdaContext(function_name, str(uuid.uuid4())))
            outcome = "ok"
            payload = result
        except Exception as error:  # the Lambda runtime reports any exception the same way
            outcome = type(error).__name__
            response_headers["x-amz-function-error"] = "Unhandled"
            payload = {
                "errorType": type(error).__name__,
                "errorMessage": str(error),
                "stackTrace": traceback.format_tb(error.__traceback__)[-3:],
            }
        emitted_metrics = getattr(module, "metrics", None)
        if emitted_metrics is not None:
            # Metrics are off locally (POWERTOOLS_METRICS_DISABLED), but Powertools still keeps them and
            # prints them once 100 pile up: drop them after every invocation instead.
            emitted_metrics.clear_metrics()
        with self._lock:
            self.invocations.append((name, outcome))
        _notify(self.invoked_listeners, name, event)
        return json.dumps(payload).encode("utf-8")


class _ScaledClock:
    """Stands in for the `time` module inside moto's retrier: Retry waits scaled by a factor (0 in tests)."""

    def __init__(self, scale: float):
        self.scale = scale

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds * self.scale)

    def __getattr__(self, name: str) -> Any:
        return getattr(time, name)


@dataclass
class ExecutionOutcome:
    run_id: str
    execution_arn: str
    execution_status: str  # SUCCEEDED | FAILED | ...
    output: dict[str, Any] | None
    error: str | None
    cause: str | None


class LocalRuntime:
    """Use as a context manager: everything (moto, environment, patches) is undone on exit."""

    def __init__(
        self,
        faults: Any = None,
        retry_time_scale: float = 1.0,
        log_level: str = "WARNING",
        credentials: tuple[str, str] | None = None,
        map_workers: int = 0,
        workflows: bool = True,
    ):
        self.faults = faults
        # worker processes a benchmark's Distributed Map may run its children in (imagegate/local/map_workers.py):
        # 0 or 1, every child in this process
        self.map_workers = map_workers
        # False: no quality-loop or enhance state machine is made (a Map worker makes only the item processor)
        self.workflows = workflows
        self.retry_time_scale = retry_time_scale
        self.log_level = log_level
        # (access key, secret key) every client in this process signs with instead of moto's public fake keys
        # (moto accepts any): `imagegate serve` passes its installation's, so its presigned URLs cannot be forged
        self.credentials = credentials
        self.dispatcher = HandlerDispatcher()
        self.bedrock: Any = None
        self.rekognition: Any = None  # the offline detector (imagegate/local/rekognition_offline.py)
        self._undo: list[Callable[[], None]] = []
        self._state_machine_arn = ""
        # quality-loop executions: started (run id, execution ARN, input) and ended (run id, after Mark Run Ended;
        # an enhancement's execution that ended tells its run id too); the local store (imagegate/local/store.py)
        # keeps runs on disk through them
        self.started_listeners: list[Callable[[str, str, str], None]] = []
        self.ended_listeners: list[Callable[[str], None]] = []
        # enhance-workflow executions started (execution name, ARN, input): the local store keeps the QUEUED item
        self.enhancement_started_listeners: list[Callable[[str, str, str], None]] = []
        # every execution that ended (its ARN), once its run is marked: a completion signal instead of polling
        self.execution_ended_listeners: list[Callable[[str], None]] = []
        self._benchmark_state_machine_arn = ""
        self.distributed_map: Any = None  # the benchmark's Map Runs, made with its state machine

    # -- lifecycle -------------------------------------------------------------------------------
    def __enter__(self) -> LocalRuntime:
        try:
            _moto_batch_models_on_demand()
            self._set_environment()
            self._start_moto()
            self._undo.append(make_moto_models_thread_safe())
            self._undo.append(make_moto_dynamodb_serial())
            self._undo.append(make_moto_transactions_item_level())
            self._undo.append(make_moto_lambda_client_shared())
            self._undo.append(make_moto_s3_urls_loaded_once())
            self._undo.append(make_moto_queries_partition_scoped())
            self._undo.append(make_moto_jsonpaths_parsed_once())
            self._undo.append(make_moto_definitions_parsed_once())
            self._undo.append(make_botocore_models_loaded_once())
            self._undo.append(make_moto_backend_lookup_lock_free())
            self._undo.append(make_moto_attribute_values_serialised_directly())
            self._undo.append(make_moto_update_expression_copies_parsed())
            self._undo.append(make_moto_action_names_listed_once())
            self._undo.append(make_moto_stops_keep_their_error_and_cause())
            self._undo.append(make_moto_numbers_in_exponent_form_added())
            self._patch_lambda_backend()
            self._undo.append(make_moto_lambda_tasks_invoked_directly(self.dispatcher))
            self._patch_execution_start()
            self._patch_execution_end()
            self._patch_retry_clock()
            self._install_offline_bedrock()
            self._install_offline_rekognition()
            # Clients are made on the Session the offline providers answer on, from now on (and the ones made
            # since moto started are dropped: botocore copies a Session's handlers into a client when it makes
            # it): a thread an earlier runtime left may make one meanwhile, or its moto stop may put back the
            # boto3.DEFAULT_SESSION it found, and a client made from that one sends Bedrock requests to the network
            self._use_providers_session()
            self._create_resources()
            if self.map_workers > 1 and self.faults is None:  # the Map workers' fork server, from a warm process
                from imagegate.local import map_workers

                self._undo.append(map_workers.start_zygote(self))
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc: Any) -> None:
        while self._undo:
            self._undo.pop()()

    def _set_environment(self) -> None:
        saved = dict(os.environ)
        os.environ.update(local_environment(self.log_level))

        def restore() -> None:
            os.environ.clear()
            os.environ.update(saved)

        self._undo.append(restore)

    def _start_moto(self) -> None:
        from moto import mock_aws

        mock = mock_aws(config=_MOTO_CONFIG)
        mock.start()
        self._undo.append(mock.stop)
        if self.credentials is not None:  # over the keys moto's mock put in the environment, before any session
            os.environ["AWS_ACCESS_KEY_ID"], os.environ["AWS_SECRET_ACCESS_KEY"] = self.credentials
            os.environ.pop("AWS_SESSION_TOKEN", None)
        _reset_cached_clients()
        self._undo.append(_reset_cached_clients)

    def _patch_lambda_backend(self) -> None:
        from moto.awslambda_simple.models import LambdaSimpleBackend

        original = LambdaSimpleBackend.invoke
        dispatcher = self.dispatcher

        def invoke(
            backend: Any, function_name: str, qualifier: Any, body: Any, headers: Any, response_headers: Any
        ) -> bytes:
            return dispatcher.invoke(function_name, body, response_headers)

        LambdaSimpleBackend.invoke = invoke
        self._undo.append(lambda: setattr(LambdaSimpleBackend, "invoke", original))

    def _patch_execution_end(self) -> None:
        """What the stack's EventBridge rule does in AWS: when an execution ends TIMED_OUT, ABORTED or FAILED,
        its run (or a benchmark's runs, or an enhancement) still open is marked FAILED (domain/mark_run_ended.py). Every end passes
        through the interpreter's `terminated`, whoever started the execution (run, serve, bench)."""
        from moto.stepfunctions.parser.asl.eval.program_state import ProgramStopped
        from moto.stepfunctions.parser.backend.execution import BaseExecutionWorkerCommunication

        from imagegate_service import wiring
        from imagegate_service.domain.enhancements import enhancement_of_execution

        original = BaseExecutionWorkerCommunication.terminated
        runtime = self

        def terminated(communication: Any) -> None:
            original(communication)
            _forget_finished_threads()
            execution = communication.execution
            stopped = execution.exec_worker.env.program_state() if execution.exec_worker else None
            if isinstance(stopped, ProgramStopped):  # what StopExecution was given, as AWS keeps it
                execution.error, execution.cause = stopped.error or None, stopped.cause or None
            if execution.exec_status is None or execution.exec_status.value == _RUNNING:
                return
            if execution.exec_status.value in c.EXECUTION_END_STATUSES:
                try:
                    detail = dict(execution.to_describe_output())
                    detail["status"] = execution.exec_status.value
                    wiring.run_ender(  # the runs table: IMAGEGATE_TABLE, this runtime's TABLE
                        benchmark_arn=lambda: runtime._benchmark_state_machine_arn,
                        enhance_arn=lambda: getattr(runtime, "enhance_state_machine_arn", ""),
                    ).execution_ended(detail)
                except Exception as error:  # the interpreter's thread must end cleanly whatever happens here
                    LOGGER.warning("could not mark the run of %s ended: %s", execution.name, error)
            if str(execution.state_machine_arn) == runtime._state_machine_arn:
                _notify(runtime.ended_listeners, execution.name)
            elif str(execution.state_machine_arn) == getattr(runtime, "enhance_state_machine_arn", None):
                found = enhancement_of_execution(execution.name)  # its run's folder keeps the enhancement's end
                if found:
                    _notify(runtime.ended_listeners, found[0])
            _notify(runtime.execution_ended_listeners, str(execution.exec_arn))

        BaseExecutionWorkerCommunication.terminated = terminated
        self._undo.append(lambda: setattr(BaseExecutionWorkerCommunication, "terminated", original))

    def _patch_execution_start(self) -> None:
        """Every StartExecution of the quality loop (run, serve), whoever calls it, is told to started_listeners; of
        the enhance workflow, to enhancement_started_listeners."""
        from moto.stepfunctions.parser.models import StepFunctionsParserBackend

        original = StepFunctionsParserBackend.start_execution
        runtime = self

        def start_execution(
            backend: Any,
            state_machine_arn: str,
            name: Any = None,
            execution_input: Any = None,
            *args: Any,
            **kwargs: Any,
        ) -> Any:
            execution = original(backend, state_machine_arn, name, execution_input, *args, **kwargs)
            if state_machine_arn == runtime._state_machine_arn:
                _notify(runtime.started_listeners, execution.name, execution.exec_arn, execution_input or "{}")
            elif state_machine_arn == getattr(runtime, "enhance_state_machine_arn", None):
                _notify(
                    runtime.enhancement_started_listeners, execution.name, execution.exec_arn, execution_input or "{}"
                )
            return execution

        StepFunctionsParserBackend.start_execution = start_execution
        self._undo.append(lambda: setattr(StepFunctionsParserBackend, "start_execution", original))

    def _patch_retry_clock(self) -> None:
        from moto.stepfunctions.parser.asl.component.common.retry import retrier_decl

        original = retrier_decl.time
        retrier_decl.time = _ScaledClock(self.retry_time_scale)
        self._undo.append(lambda: setattr(retrier_decl, "time", original))

    def _install_offline_bedrock(self) -> None:
        import boto3

        from imagegate.local.bedrock_offline import OfflineBedrock

        boto3.setup_default_session()
        self.bedrock = OfflineBedrock(self.faults)
        self.bedrock.install(boto3.DEFAULT_SESSION)
        session = boto3.DEFAULT_SESSION
        self._undo.append(lambda: self.bedrock.uninstall(session))
        # the Image Services (enhancements) answer first on the same session, billed in the same bill
        from imagegate.local.image_services_offline import OfflineImageServices

        self.image_services = OfflineImageServices(self.bedrock)
        self.image_services.install(session)
        self._undo.append(lambda: self.image_services.uninstall(session))

    def _use_providers_session(self) -> None:
        import boto3

        from imagegate_service.adapters import aws_clients

        aws_clients.use_session(boto3.DEFAULT_SESSION)
        self._undo.append(lambda: aws_clients.use_session(None))

    def _install_offline_rekognition(self) -> None:
        """The verifier's detector, answering on the same session by the same before-send mechanism (moto's own
        Rekognition backend returns canned labels: it is never reached, the endpoint is not an AWS host)."""
        import boto3

        from imagegate.local.rekognition_offline import OfflineRekognition

        session = boto3.DEFAULT_SESSION
        self.rekognition = OfflineRekognition(self.faults)
        self.rekognition.install(session)
        self._undo.append(lambda: self.rekognition.uninstall(session))

    def _create_resources(self) -> None:
        import boto3

        boto3.client("s3").create_bucket(Bucket=BUCKET)
        boto3.client("dynamodb").create_table(**RUNS_TABLE.create_table_arguments(TABLE))  # as infra/ creates it
        if not self.workflows:
            return
        self._state_machine_arn = create_state_machine(STATE_MACHINE_NAME, workflows.quality_loop_definition())
        self.enhance_state_machine_arn = create_state_machine(
            ENHANCE_STATE_MACHINE_NAME, workflows.enhance_definition()
        )
        os.environ[c.ENV_ENHANCE_STATE_MACHINE_ARN] = self.enhance_state_machine_arn  # restored on exit

    # -- running ---------------------------------------------------------------------------------
    @property
    def state_machine_arn(self) -> str:
        return self._state_machine_arn

    def start(self, request: Any, run_id: str | None = None) -> str:
        """Validate first (bad input starts nothing and writes nothing), then start a named execution."""
        resolve_settings(request)
        run_id = run_id or new_run_id()
        return aws_clients.client("stepfunctions").start_execution(
            stateMachineArn=self._state_machine_arn, name=run_id, input=json.dumps(request)
        )["executionArn"]

    def wait(
        self,
        execution_arn: str,
        on_round: Callable[[dict[str, Any]], None] | None = None,
        poll_seconds: float = 0.1,
        on_poll: Callable[[], None] | None = None,
    ) -> ExecutionOutcome:
        """Wait for the execution to end, calling on_round for each round as it is recorded (and on_poll after
        every look, e.g. the CLI's prompt for a run that waits for its review)."""
        run_id = execution_arn.rsplit(":", 1)[-1]
        reported = 0

        def report_new_rounds(_description: dict[str, Any]) -> None:
            nonlocal reported
            for item in sorted(self.runs().list_rounds(run_id), key=lambda r: r["round"])[reported:]:
                if on_round:
                    on_round(item)
                reported += 1
            if on_poll:
                on_poll()

        description = poll_execution(execution_arn, report_new_rounds if on_round or on_poll else None, poll_seconds)
        output = description.get("output")
        return ExecutionOutcome(
            run_id=run_id,
            execution_arn=execution_arn,
            execution_status=description["status"],
            output=json.loads(output) if output else None,
            error=description.get("error"),
            cause=description.get("cause"),
        )

    def run(
        self, request: Any, run_id: str | None = None, on_round: Callable[[dict[str, Any]], None] | None = None
    ) -> ExecutionOutcome:
        return self.wait(self.start(request, run_id), on_round=on_round)

    def start_benchmark(self, request: dict[str, Any], name: str | None = None) -> str:
        if not self._benchmark_state_machine_arn:  # made on first use: most sessions never run a benchmark
            # moto has no Distributed Map: its item processor runs here (imagegate/local/distributed_map.py)
            from imagegate.local import distributed_map

            parent, child = distributed_map.split(
                workflows.benchmark_definition(), function_arn(distributed_map.FUNCTION_NAME)
            )
            child_name = BENCHMARK_STATE_MACHINE_NAME + distributed_map.CHILD_STATE_MACHINE_SUFFIX
            self.distributed_map = distributed_map.LocalDistributedMap(
                create_state_machine(child_name, child),
                workers=0 if self.faults is not None else self.map_workers,
                child=(child_name, child, self.retry_time_scale),
            )
            self._undo.append(self.distributed_map.close)  # the children's bodies' file, as moto's keys go
            self.dispatcher.local_functions[distributed_map.FUNCTION_NAME] = self.distributed_map.run
            self.execution_ended_listeners.append(self.distributed_map.child_ended)
            self._benchmark_state_machine_arn = create_state_machine(BENCHMARK_STATE_MACHINE_NAME, parent)
        return aws_clients.client("stepfunctions").start_execution(
            stateMachineArn=self._benchmark_state_machine_arn, name=name or new_run_id(), input=json.dumps(request)
        )["executionArn"]

    def runs(self) -> DynamoRunRepository:
        return DynamoRunRepository(TABLE)

    def objects(self, prefix: str) -> Iterator[tuple[str, bytes]]:
        s3 = aws_clients.client("s3")
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=prefix):
            for entry in page.get("Contents", []):
                yield entry["Key"], s3.get_object(Bucket=BUCKET, Key=entry["Key"])["Body"].read()

    def execution_history(self, execution_arn: str) -> list[dict[str, Any]]:
        sfn = aws_clients.client("stepfunctions")
        events, token = [], None
        while True:
            page = sfn.get_execution_history(executionArn=execution_arn, **({"nextToken": token} if token else {}))
            events.extend(page["events"])
            token = page.get("nextToken")
            if not token:
                return events


def poll_execution(
    execution_arn: str,
    on_poll: Callable[[dict[str, Any]], None] | None = None,
    poll_seconds: float = 0.1,
    timeout_seconds: float | None = None,
) -> dict[str, Any]:
    """Describe an execution until it has left RUNNING and return that last description; ``on_poll`` gets
    every description (the last one too, so a caller sees the final state). The one polling loop of the
    CLI, the local benchmark and the tests; TimeoutError after ``timeout_seconds``, if given."""
    # made under the handlers' lock: the first poll comes while Start Run makes its clients on another thread, and
    # boto3's default Session is not thread-safe while it makes clients (a "Could Not Start" run in a fresh CLI)
    sfn = aws_clients.client("stepfunctions")
    deadline = None if timeout_seconds is None else time.monotonic() + timeout_seconds
    while True:
        description = sfn.describe_execution(executionArn=execution_arn)
        if on_poll:
            on_poll(description)
        if description["status"] != _RUNNING:
            return description
        if deadline is not None and time.monotonic() > deadline:
            raise TimeoutError(f"{execution_arn} still running after {timeout_seconds} s")
        time.sleep(poll_seconds)


def _forget_finished_threads() -> None:
    """moto's Step Functions interpreter appends every thread it starts (an execution's, each state's, each
    iteration's: about 16 for one quality-loop run) to a module list, TMP_THREADS, and never takes one out: nothing
    in moto reads the list (LocalStack, whose interpreter it is, joins them at shutdown). A finished thread keeps
    its Event, Condition, locks and name, about 1 kB: a Map worker held 1,300 of them after 80 children, and a
    long-running runtime (serve) would hold every thread it ever ran (issue 29: memory). At each execution's end the
    threads that have finished leave the list: started (an ident) and no longer alive. moto appends a thread before
    it starts it, when is_alive() is False too, so "not alive" alone would take out threads yet to run; one still
    running or not yet started stays, and one appended meanwhile is kept (each finished one is removed by itself,
    never the list rebuilt)."""
    from moto.stepfunctions.parser.utils import TMP_THREADS

    for thread in [thread for thread in TMP_THREADS if thread.ident is not None and not thread.is_alive()]:
        with contextlib.suppress(ValueError):  # another execution's end removed it first
            TMP_THREADS.remove(thread)


def _notify(listeners: list[Callable[..., None]], *args: Any) -> None:
    """Listeners run on moto's threads: a failing one is logged and never breaks the execution."""
    for listener in list(listeners):
        try:
            listener(*args)
        except Exception as error:
            LOGGER.warning(
                "%s failed: %s: %s", getattr(listener, "__qualname__", listener), type(error).__name__, error
            )


_INHERITED = object()  # what _swap keeps for a name the owner did not hold itself


def _swap(*changes: tuple[Any, str, Any]) -> Callable[[], None]:
    """Set each (owner, name) to its replacement; returns the undo, which puts back what each owner held itself (its
    own __dict__ entry, so a staticmethod or classmethod goes back as it was) or, for a name it only inherited,
    takes the replacement away so the inherited one shows again. Every patch of a library below is installed by
    it, so none leaves a trace after a runtime ends (the runtime's tests undo and check)."""
    kept = []
    for owner, name, replacement in changes:
        kept.append((owner, name, vars(owner).get(name, _INHERITED)))
        setattr(owner, name, replacement)

    def undo() -> None:
        for owner, name, original in reversed(kept):
            if original is _INHERITED:
                delattr(owner, name)
            else:
                setattr(owner, name, original)

    return undo


def make_moto_models_thread_safe() -> Callable[[], None]:
    """moto's ServiceModel.operation_model (moto/core/model.py) is an instance_cache over botocore's
    operation_model, which is an instance_cache under the same cache key: the inner call stores botocore's
    OperationModel, then the outer one replaces it with moto's. A thread asking in between (moto keeps one
    ServiceModel per service for the whole process: utils.get_service_model is a functools.cache) is handed
    botocore's model, and routing the request fails with "'OperationModel' object has no attribute
    'http_trait'". Building a model is serialised here; a model already built is returned without the lock.
    Returns the undo."""
    from moto.core import model as moto_model

    original = moto_model.ServiceModel.operation_model
    lock = threading.Lock()

    def operation_model(service_model: Any, operation_name: str) -> Any:
        key = ("operation_model", (operation_name,))
        built = service_model._instance_cache.get(key)
        if isinstance(built, moto_model.OperationModel):
            return built
        with lock:
            if not isinstance(service_model._instance_cache.get(key), (moto_model.OperationModel, type(None))):
                del service_model._instance_cache[key]  # botocore's half of a build that did not finish
            return original(service_model, operation_name)

    return _swap((moto_model.ServiceModel, "operation_model", operation_model))


# Held while moto's DynamoDB handles a request (make_moto_dynamodb_serial), and by whatever reads or writes its
# backend directly (the Distributed Map's worker copies, imagegate/local/map_workers.py).
DYNAMODB_LOCK = threading.RLock()


def make_moto_dynamodb_serial() -> Callable[[], None]:
    """moto's DynamoDB is not safe under concurrent requests: TransactWriteItems deep-copies every table it
    touches (its rollback snapshot) while other threads write them ("dictionary changed size during
    iteration": the task fails), and a rollback puts the whole snapshot back, erasing what other threads wrote
    meanwhile. DynamoDB itself serialises conflicting writes and isolates transactions; here every DynamoDB
    request is handled one at a time (they are short; the interpreter and the handlers still run in
    parallel). Returns the undo."""
    from moto.dynamodb.responses import DynamoHandler

    original = DynamoHandler.call_action

    def call_action(handler: Any) -> Any:
        with DYNAMODB_LOCK:
            return original(handler)

    return _swap((DynamoHandler, "call_action", call_action))


def make_moto_transactions_item_level() -> Callable[[], None]:
    """moto's TransactWriteItems deep-copies every table it touches before it starts (its rollback snapshot):
    each transaction costs time in proportion to the whole table, so a benchmark whose table fills with rounds
    and ledger entries slows down as it goes (100 prompts took 413 s, 4 s each; 20 took 2 s each). DynamoDB
    requests are handled one at a time here (make_moto_dynamodb_serial), so a snapshot of just the items the
    transaction names is an exact undo: the table copy becomes a no-op and a transaction that fails in any way
    puts those items back (or removes the ones it created). That includes the errors moto raises midway without
    a rollback of its own (an entry naming two operations: moto had applied the entries before it), which
    DynamoDB refuses whole. Returns the undo."""
    import copy as real_copy

    from moto.dynamodb import models as dynamodb_models
    from moto.dynamodb.models.table import Table

    class _TableCopyIsANoOp:
        """Stands in for the copy module inside moto.dynamodb.models: a Table is not copied."""

        def __getattr__(self, name: str) -> Any:
            return getattr(real_copy, name)

        @staticmethod
        def deepcopy(value: Any, memo: Any = None) -> Any:
            return value if isinstance(value, Table) else real_copy.deepcopy(value, memo)

    original = dynamodb_models.DynamoDBBackend.transact_write_items

    def transact_write_items(backend: Any, transact_items: list[dict[str, Any]]) -> None:
        before: list[tuple[str, dict[str, Any], dict[str, Any] | None]] = []
        for entry in transact_items:
            op_type, op = next(iter(entry.items()))
            table = backend.tables.get(op.get("TableName"))
            if table is None:
                continue  # moto reports the missing table itself
            if op_type == "Put":
                key = {table.hash_key_attr: op["Item"][table.hash_key_attr]}
                if table.range_key_attr is not None and table.range_key_attr in op["Item"]:
                    key[table.range_key_attr] = op["Item"][table.range_key_attr]
            else:
                key = op.get("Key", {})
            try:
                current = backend.get_item(table.name, key)
            except Exception:  # a malformed key: moto's own validation answers it
                continue
            before.append((table.name, key, None if current is None else current.to_json()["Attributes"]))
        try:
            return original(backend, transact_items)
        except Exception:  # all or nothing, whatever stopped it
            for table_name, key, attributes in reversed(before):
                if attributes is None:
                    if backend.get_item(table_name, key) is not None:
                        backend.delete_item(table_name, key)
                else:
                    backend.put_item(table_name, attributes)
            raise

    return _swap(
        (dynamodb_models, "copy", _TableCopyIsANoOp()),
        (dynamodb_models.DynamoDBBackend, "transact_write_items", transact_write_items),
    )


def make_moto_lambda_client_shared() -> Callable[[], None]:
    """moto's interpreter builds a new boto3 Lambda client for every Lambda task it runs
    (lambda_eval_utils.boto_client_for): building a client is most of a millisecond-scale invocation's cost.
    One client per region is made (under a lock: boto3's default session is not thread-safe while it makes
    clients) and shared: a botocore client is thread-safe once made. Returns the undo."""
    from moto.stepfunctions.parser.asl.component.state.exec.state_task import lambda_eval_utils

    original = lambda_eval_utils.boto_client_for
    clients: dict[tuple[str, str], Any] = {}
    lock = threading.Lock()

    def boto_client_for(region: str, service: str, state_credentials: Any = None) -> Any:
        key = (region, service)
        made = clients.get(key)
        if made is None:
            with lock:
                made = clients.get(key) or original(region=region, service=service, state_credentials=state_credentials)
                clients[key] = made
        return made

    return _swap((lambda_eval_utils, "boto_client_for", boto_client_for))


# Lambda's limit on a synchronous invocation's response, as moto's LambdaResponse.invoke checks it
_LAMBDA_RESPONSE_LIMIT = 6_000_000
_LAMBDA_RESPONSE_TOO_LARGE = {
    "errorMessage": "Response payload size exceeded maximum allowed payload size (6291556 bytes).",
    "errorType": "Function.ResponseSizeTooLarge",
}


def make_moto_lambda_tasks_invoked_directly(dispatcher: HandlerDispatcher) -> Callable[[], None]:
    """moto's interpreter runs a Lambda task as a request to its own Lambda emulation: a boto3 Invoke, serialised,
    signed, routed through moto's URL patterns and response class to the backend (which the runtime's
    HandlerDispatcher answers), and its response parsed back. That round trip, not the handler, was about 4.5% of a
    100-prompt benchmark's CPU time (py-spy, --gil). A task that invokes one of this runtime's functions with
    nothing but FunctionName and Payload (what the workflows' tasks pass) is handed to the dispatcher directly and
    answered as the emulation answers it: StatusCode 200, the Payload parsed as moto's interpreter parses it (JSON,
    else the text), FunctionError when the function raised, and Lambda's 6 MB response limit as moto checks it.
    Anything else (another function, an InvocationType, a Qualifier) goes through the emulation as before. Returns
    the undo."""
    import sys

    from moto.stepfunctions.parser.asl.component.state.exec.state_task import lambda_eval_utils

    original = lambda_eval_utils._invoke_lambda_function

    def invoke(parameters: dict[str, Any], region: str, state_credentials: Any) -> Any:
        function_name = parameters.get("FunctionName")
        if set(parameters) - {"FunctionName", "Payload"} or not isinstance(function_name, str):
            return original(parameters=parameters, region=region, state_credentials=state_credentials)
        name = function_name.rsplit(":", 1)[-1].removeprefix(FUNCTION_PREFIX).replace("-", "_")
        if name not in LOCAL_HANDLERS and name not in dispatcher.local_functions:
            return original(parameters=parameters, region=region, state_credentials=state_credentials)
        headers: dict[str, str] = {}
        payload = dispatcher.invoke(function_name, parameters.get("Payload"), headers)
        if sys.getsizeof(payload) > _LAMBDA_RESPONSE_LIMIT:
            headers["x-amz-function-error"] = "Unhandled"
            payload = json.dumps(_LAMBDA_RESPONSE_TOO_LARGE).encode("utf-8")
        response: dict[str, Any] = {"StatusCode": 200}
        if "x-amz-function-error" in headers:
            response["FunctionError"] = headers["x-amz-function-error"]
        text = payload.decode("utf-8")
        try:
            response["Payload"] = json.loads(text)
        except ValueError:  # as moto's _from_payload: a payload that is not JSON is its text
            response["Payload"] = text
        return response

    return _swap((lambda_eval_utils, "_invoke_lambda_function", invoke))


def make_moto_jsonpaths_parsed_once() -> Callable[[], None]:
    """moto's interpreter parses a state's JSONPaths (InputPath, Parameters' "x.$", ResultPath...) every time
    the state runs, and jsonpath_ng builds a new parser (its yacc tables) for every parse: about 5% of a
    benchmark's CPU time. A definition has a fixed set of paths, and a parsed path is only read by find and
    update (which change the data, not the path), so each path is parsed once. Returns the undo."""
    import functools

    from moto.stepfunctions.parser.asl.component.common.path import result_path
    from moto.stepfunctions.parser.asl.utils import json_path

    return _swap(
        *((module, "parse", functools.lru_cache(maxsize=4096)(module.parse)) for module in (json_path, result_path))
    )


def make_moto_definitions_parsed_once() -> Callable[[], None]:
    """moto's interpreter parses the whole state machine definition with ANTLR (lexer, parser, parse tree) at the
    start of every execution, then turns the tree into evaluation components: the ANTLR parse was 55% of the
    sampled stacks of a 100-prompt benchmark (issue 29's py-spy profile), since every item is a child execution
    of the same definition; keeping the tree cut a 20-prompt benchmark from 47 to 36 s of CPU. A runtime has a handful of fixed definitions, so the parse tree of each is built once and
    kept; the components are still made afresh per execution (a new Preprocessor over the kept tree), so no
    execution shares evaluation state with another. The Preprocessor only reads the tree. A definition that does
    not parse raises as before and is not kept. The kept tree's node texts are kept too (_texts_kept). Returns the
    undo."""

    from moto.stepfunctions.parser.asl.parse.asl_parser import AmazonStateLanguageParser
    from moto.stepfunctions.parser.asl.parse.preprocessor import Preprocessor

    original = AmazonStateLanguageParser.__dict__["parse"]
    if not _MOTO_PARSE:  # moto's own parse, whatever is installed later (a runtime inside another patches again)
        _MOTO_PARSE.append(original.__func__)

    def parse(definition: str) -> tuple[Any, Any]:
        tree = _kept_tree(definition)
        return Preprocessor().visit(tree), tree

    parse.trees = _kept_tree  # type: ignore[attr-defined]  # its cache_info, for the tests
    return _swap((AmazonStateLanguageParser, "parse", staticmethod(parse)))


def make_botocore_models_loaded_once() -> Callable[[], None]:
    """Every botocore session decodes the JSON it reads (endpoints.json, each service's model) into a loader of its
    own, and a runtime makes several: boto3's default session (which moto's mock replaces at each start), the
    offline models' own sessions, the ones moto makes to list regions. In a Distributed Map worker that was about
    20 MB of the same dictionaries decoded twice or more (tracemalloc: 21.5 MB from json.decoder at a runtime's
    start in a process that had already loaded them once). Here every session of the process shares one loader
    per search path: botocore's Loader caches what it loads and its callers only read it (a session's clients are
    made from it the same way), so sharing it changes what is decoded, not what a client sees. Returns the undo."""
    from botocore import session as botocore_session

    return _swap((botocore_session, "create_loader", _shared_loader))


class _SearchPathsOnce(list):  # type: ignore[type-arg]
    """A loader's search paths that keep each path once: every boto3 Session appends boto3's data folder to its
    loader's paths, and with one shared loader the list would otherwise grow by one entry per session."""

    def append(self, path: Any) -> None:
        if path not in self:
            super().append(path)


@functools.lru_cache(maxsize=8)
def _shared_loader(search_path_string: str | None = None) -> Any:
    """botocore's loader for a search path, one per process."""
    from botocore.loaders import Loader, create_loader

    loader = create_loader(search_path_string)
    return Loader(extra_search_paths=_SearchPathsOnce(loader.search_paths), include_default_search_paths=False)


_MOTO_PARSE: list[Callable[[str], tuple[Any, Any]]] = []


@functools.lru_cache(maxsize=64)
def _kept_tree(definition: str) -> Any:
    """The parse tree of a definition (moto's parse, its second element), kept for the process: every runtime of a
    process (each integration test opens one; the Map's workers; serve's restarts) parsed its two workflows again,
    about 0.35 s of each runtime's 0.45 s start once the modules were imported. A kept tree is only read."""
    return _texts_kept(_MOTO_PARSE[0](definition)[1])


def _texts_kept(tree: Any) -> Any:
    """Give every rule node of a kept parse tree its text, computed once. ANTLR's RuleContext.getText joins its
    children's texts anew on every call, and moto's Preprocessor asks for the whole program's text at every
    program it builds (visitProgram_decl formats it into the ValueError it would raise if StartAt were missing)
    besides each Parameters block's: 4% of a 100-prompt benchmark's CPU time once the definitions were parsed
    once. A kept tree is only read, so a node's text cannot change; each rule node answers the text
    RuleContext.getText would (a terminal answers its token's text, as before). Returns the tree."""
    from antlr4.ParserRuleContext import ParserRuleContext

    order, pending = [], [tree]
    while pending:  # parents before their children; reversed, every node comes after its children
        node = pending.pop()
        order.append(node)
        if isinstance(node, ParserRuleContext) and node.children:
            pending.extend(node.children)
    texts: dict[int, str] = {}
    for node in reversed(order):
        if isinstance(node, ParserRuleContext):
            text = "".join(texts[id(child)] for child in node.children or ())
            if hasattr(node, "__dict__"):  # the parser's generated contexts; a bare ParserRuleContext keeps its own
                node.getText = lambda text=text: text
        else:
            text = node.getText()
        texts[id(node)] = text
    return tree


def make_moto_s3_urls_loaded_once() -> Callable[[], None]:
    """moto's S3 backend re-imports its URL module (importlib.reload, reading the file again) on every S3
    request, in case the environment changed the custom endpoints; a local runtime's environment is fixed
    while it runs, so the module is loaded once here and kept (5-9% of a benchmark's CPU time). Returns the
    undo."""
    from importlib import reload

    from moto.s3 import urls as s3_urls
    from moto.s3.models import S3Backend

    loaded = reload(s3_urls)
    return _swap((S3Backend, "_url_module", property(lambda backend: loaded)))


def make_moto_queries_partition_scoped() -> Callable[[], None]:
    """moto's Table.query on the table itself (no index) lists and sorts every item of the table
    (Table.all_items) to keep the one partition it asked for: each Query costs time in proportion to the whole
    table, so a long benchmark slows as its runs fill it (400 prompts: Query was 29% of all samples, 80% of a
    Record Round's time, once about 300 runs were in). moto keeps a partition's items under its hash key
    (Table.items[hash][range]): while a query on the table runs, all_items returns that partition's items only,
    in the same order. DynamoDB requests are handled one at a time (make_moto_dynamodb_serial), and the scope is
    per thread besides. Queries on an index are untouched. Returns the undo."""
    from moto.dynamodb.models.table import Table

    original_query, original_all_items = Table.query, Table.all_items
    scope = threading.local()

    def query(table: Any, hash_key: Any, *args: Any, **kwargs: Any) -> Any:
        on_table = kwargs.get("index_name") is None and (len(args) < 7 or args[6] is None)
        scope.partition = (table, hash_key) if on_table and hash_key is not None else None
        try:
            return original_query(table, hash_key, *args, **kwargs)
        finally:
            scope.partition = None

    def all_items(table: Any) -> list[Any]:
        partition = getattr(scope, "partition", None)
        if partition is None or partition[0] is not table or not table.range_key_attr:
            return cast("list[Any]", original_all_items(table))
        return sorted(table.items.get(partition[1], {}).values(), key=lambda item: item.range_key)

    return _swap((Table, "query", query), (Table, "all_items", all_items))


def make_moto_backend_lookup_lock_free() -> Callable[[], None]:
    """Every moto request looks its backend up through BackendDict._create_account_specific_backend, which
    takes moto's one process-wide lock and compares the BackendDict with every registered one, even when the
    account's backend exists: with many executions at once, threads queue on that lock. A backend that
    exists and is registered is returned without it (creating one still takes the lock). Returns the undo."""
    from moto.core.base_backend import BackendDict

    original = BackendDict._create_account_specific_backend

    def create(backend_dict: Any, account_id: str) -> None:
        if dict.__contains__(backend_dict, account_id) and any(
            registered is backend_dict for registered in BackendDict._instances
        ):  # type: ignore[attr-defined]
            return
        original(backend_dict, account_id)

    return _swap((BackendDict, "_create_account_specific_backend", create))


class _NotPlain(Exception):
    """An attribute value the direct path does not write exactly as moto's serialiser: moto's writes it."""


def make_moto_attribute_values_serialised_directly() -> Callable[[], None]:
    """moto serialises every DynamoDB response through its generic shape walker (moto/core/serialize.py): for
    each attribute value of each item it looks up all ten members of the AttributeValue shape under several
    aliases, recursing through maps and lists. That was 29% of a 100-prompt benchmark's CPU time (22% in the
    Query of a run's rounds and ledger alone). What moto hands the serialiser for an attribute value is already
    the wire form ({"S": "..."}, {"M": {...}}, bytes for B/BS: moto.dynamodb.models.utilities.dynamo_to_dict), so
    it is written here directly, with the walker's rules (members in the shape's order, a None member left out,
    a None element of a list kept, binaries base64-encoded). Anything else (a key that is not a member, a value
    of another type) goes to moto's walker as before. Returns the undo."""
    from moto.core.serialize import BaseJSONSerializer

    original = BaseJSONSerializer.__dict__["_serialize_type_structure"]
    strings, lists, binaries = ("S", "N"), ("SS", "NS"), ("B", "BS")

    def direct(value: Any, members: tuple[str, ...], encode: Callable[[Any], str]) -> dict[str, Any]:
        if type(value) is not dict or not value.keys() <= set(members):
            raise _NotPlain
        written: dict[str, Any] = {}
        for member in members:
            element = value.get(member)
            if element is None:
                continue
            if member in strings:
                if type(element) is not str:
                    raise _NotPlain
                written[member] = element
            elif member in lists:
                if type(element) is not list or any(type(each) is not str for each in element):
                    raise _NotPlain
                written[member] = list(element)
            elif member == "B":
                if type(element) is not bytes:
                    raise _NotPlain
                written[member] = encode(element)
            elif member == "BS":
                if type(element) is not list or any(type(each) is not bytes for each in element):
                    raise _NotPlain
                written[member] = [encode(each) for each in element]
            elif member == "M":
                if type(element) is not dict:
                    raise _NotPlain
                written[member] = {
                    key: direct(each, members, encode) for key, each in element.items() if each is not None
                }
            elif member == "L":
                if type(element) is not list:
                    raise _NotPlain
                written[member] = [None if each is None else direct(each, members, encode) for each in element]
            elif type(element) is bool:  # BOOL, NULL
                written[member] = element
            else:
                raise _NotPlain
        return written

    def serialize_structure(serializer: Any, serialized: Any, value: Any, shape: Any, key: str) -> None:
        if key and shape.name == "AttributeValue" and serializer.service_model.service_name == "dynamodb":
            members = tuple(shape.members)
            if set(members) == {*strings, *lists, *binaries, "M", "L", "NULL", "BOOL"}:
                try:
                    serialized[serializer.get_serialized_name(shape, key)] = direct(value, members, serializer._base64)
                    return
                except _NotPlain:
                    pass
        original(serializer, serialized, value, shape, key)

    return _swap((BaseJSONSerializer, "_serialize_type_structure", serialize_structure))


def make_moto_update_expression_copies_parsed() -> Callable[[], None]:
    """moto's UpdateItem parses the UpdateExpression into a tree, and each validator of it (one, or two for an item
    that does not exist yet) starts from a deep copy of that tree (Validator.__init__), since validating rewrites
    the tree it is given: copy.deepcopy walking every node and its parent link was 3-4% of a 100-prompt
    benchmark's CPU time, about three times the parse itself. The tree UpdateExpressionParser.make returns is
    marked with the expression it was parsed from, and the validators' copy of a marked tree is a new parse of that
    expression: the same tree, as the parse is a pure function of the text, and the marked tree itself is only read
    (UpdateItem validates copies; the handler's own parse only looks for names and values). Any other value the
    validators copy is deep-copied as before. Returns the undo."""
    import copy

    from moto.dynamodb.parsing import validators
    from moto.dynamodb.parsing.expressions import UpdateExpressionParser

    parse = UpdateExpressionParser.__dict__["make"].__func__

    def make(cls: Any, expression: str) -> Any:
        tree = parse(cls, expression)
        tree.imagegate_parsed_from = (cls, expression)
        return tree

    def copy_for_validation(value: Any, memo: Any = None) -> Any:
        marked = getattr(value, "imagegate_parsed_from", None) if memo is None else None
        if marked is None:
            return copy.deepcopy(value, memo)
        return parse(*marked)

    return _swap((UpdateExpressionParser, "make", classmethod(make)), (validators, "deepcopy", copy_for_validation))


def make_moto_numbers_in_exponent_form_added() -> Callable[[], None]:
    """An update expression's "+" and "-" on a number moto itself wrote in exponent form: moto subtracts with
    Decimal when a number has a "." and with int otherwise, and writes the result with str(Decimal), so a reservation
    drawn to exactly zero with seven decimals left "0E-7" in the item, and the next "remainingUsd - :amount" raised
    ValueError inside moto (int("0E-7")): the transaction failed and the stopped run kept its daily reservation
    (test_a_run_stopped_mid_round_gives_its_daily_reservation_back, seen in a fresh clone under load). DynamoDB
    takes "0E-7" as the number zero. Here the operands are written out in plain digits before moto's own "+" or
    "-" (format(Decimal, "f")), which leaves every value and every other operation as moto had it. Returns the undo."""
    from decimal import Decimal

    from moto.dynamodb.models.dynamo_type import DDBType, DynamoType

    original_add = DynamoType.__dict__["__add__"]
    original_sub = DynamoType.__dict__["__sub__"]

    def plain(value: Any) -> Any:
        if isinstance(value, DynamoType) and value.type == DDBType.NUMBER and "e" in str(value.value).lower():
            return DynamoType({DDBType.NUMBER: format(Decimal(value.value), "f")})
        return value

    def add(self: Any, other: Any) -> Any:
        return original_add(plain(self), plain(other))

    def sub(self: Any, other: Any) -> Any:
        return original_sub(plain(self), plain(other))

    return _swap((DynamoType, "__add__", add), (DynamoType, "__sub__", sub))


def make_moto_stops_keep_their_error_and_cause() -> Callable[[], None]:
    """StopExecution's error and cause reach the stopped execution, as in Step Functions (its ExecutionAborted event
    and DescribeExecution give them back): moto reads only the ARN and stops the execution with an empty error and
    cause. The local "Execution Status Change" (_patch_execution_end) is built from the execution's description, so
    without them Mark Run Ended recorded a cancelled run as "aborted" with no cause when it ran before the cancel's
    own record of "cancelled by ..." (both are conditional on the run being open: the first one wins), and the
    cancel then answered 409 "ended before it could be cancelled" (test_console_working, seen under load). The
    request's error and cause are handed to moto's stop on the caller's thread, where moto stops the execution;
    the execution's end copies them from its stopped state (_patch_execution_end). Returns the undo."""
    from moto.stepfunctions.parser.backend.execution import Execution
    from moto.stepfunctions.responses import StepFunctionResponse

    original_response = StepFunctionResponse.__dict__["stop_execution"]
    original_stop = Execution.__dict__["stop"]
    asked = threading.local()

    def stop_execution(response: Any) -> Any:
        asked.given = (response._get_param("error"), response._get_param("cause"))
        try:
            return original_response(response)
        finally:
            asked.given = None

    def stop(execution: Any, stop_date: Any, error: str | None, cause: str | None) -> None:
        given_error, given_cause = getattr(asked, "given", None) or (None, None)
        original_stop(execution, stop_date=stop_date, error=given_error or error, cause=given_cause or cause)

    return _swap((StepFunctionResponse, "stop_execution", stop_execution), (Execution, "stop", stop))


def make_moto_action_names_listed_once() -> Callable[[], None]:
    """moto answers every request by first listing the names of all the functions of its response class
    (method_names_from_class: inspect.getmembers over the class and its bases, dozens of names) to see whether the
    action is one of them: about 2% of a 100-prompt benchmark's CPU time. The classes do not gain or lose functions
    while a runtime runs (its patches replace functions under the same names), so each class's list is made once
    per runtime and kept until the undo. Returns the undo."""
    import functools

    from moto.core import responses

    listed = functools.lru_cache(maxsize=None)(responses.method_names_from_class)
    put_back = _swap((responses, "method_names_from_class", listed))

    def undo() -> None:
        put_back()
        listed.cache_clear()

    return undo


def _moto_batch_models_on_demand() -> None:
    """moto's Step Functions interpreter imports moto.batch.utils (an enum for its Batch task integration), and
    importing the moto.batch package runs its __init__, which imports moto.batch.models and with it moto.ec2, ECS,
    IAM and Logs: 0.8 s of the 0.9 s the interpreter's import takes, in every process that starts a runtime (the
    CLI, serve, each Map worker, each e2e subprocess). No workflow here calls Batch. The package is registered
    without running its __init__ (its modules still load from its folder), and what the __init__ would have defined
    (batch_backends) is imported from moto.batch.models the first time anything asks for it."""
    import importlib.util
    import sys

    if "moto.batch" in sys.modules:
        return
    spec = importlib.util.find_spec("moto.batch")
    if spec is None or spec.submodule_search_locations is None:
        return
    package = importlib.util.module_from_spec(spec)

    def on_demand(name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(importlib.import_module("moto.batch.models"), name)

    package.__getattr__ = on_demand  # type: ignore[method-assign]  # PEP 562: asked only for names it lacks
    sys.modules["moto.batch"] = package
    sys.modules["moto"].batch = package  # as an import of the package binds it on its parent


def _reset_cached_clients() -> None:
    """Clients made under another moto session or environment must not leak into this one."""
    from imagegate_service.adapters import aws_clients

    aws_clients.client.cache_clear()
    aws_clients.dynamodb_table.cache_clear()


def create_state_machine(name: str, definition: str) -> str:
    """A STANDARD state machine in the current moto session with the local functions, bucket and table substituted
    (as the CDK app substitutes them in AWS); its ARN. The runtime's own and a Map worker's item processor."""
    return aws_clients.client("stepfunctions").create_state_machine(
        name=name,
        definition=workflows.substitute(definition, {**function_arns(), "BucketName": BUCKET, "TableName": TABLE}),
        roleArn=f"arn:aws:iam::{ACCOUNT}:role/imagegate-local-state-machine",
        type="STANDARD",
    )["stateMachineArn"]
