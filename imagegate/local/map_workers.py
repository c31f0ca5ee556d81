"""The local Distributed Map's child executions in worker processes (issue 29: one local runtime is one Python
process, so a benchmark ran on one core whatever the machine had).

Each worker is a process with a local runtime of its own (moto, the handlers, the offline models) in which the Map's
item processor is created under the same name as in the parent, so a child's execution ARN is the one the parent
would have given it. Workers are forked from the runtime's fork server (start_zygote) where the runtime could make
one, so the modules and data every process loads are shared; else they are spawned. A worker runs one child at a
time: it starts the execution under the name and input the parent chose, waits for the runtime's end signal (no
polling), and hands back the execution's description with everything the child wrote, which lives under its run (the
child's name is its run id): the runs table's items of the run's partition and the bucket's objects under
``runs/<run id>/``. The parent writes them into its own table and bucket before it records the child's result, so
the Map Run's results, the aggregation and anyone reading the runs afterwards see what an in-process child would
have left. The worker then deletes the run's items and objects and the finished execution (with its history) from
its own runtime: its memory does not grow with the runs it carried.

A worker starts from a copy of the parent's runs table as it was when the Map Run started (what Prepare, or an
earlier session, left), and checks after each child that the child wrote nothing outside its run: anything else
(a partition or an object the copy back would miss) fails the child loudly instead of being lost.

What stays in-process (``LocalDistributedMap`` decides): a daily spend cap (one counter over every run, which
separate processes could not share), fault switches (tests' injected failures), one worker or one child at a time.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import gc
import os
import socket
import sys
import threading
import warnings
from collections.abc import Callable
from typing import Any

from botocore.exceptions import ClientError

from imagegate_service import constants as c

# Set in each worker process by _start_worker: its runtime, the child state machine's ARN, the Map Run's stop
# signal, the runs table's partitions it was seeded with, and the end signal's bookkeeping.
_WORKER: dict[str, Any] = {}
_STOP_CHECK_SECONDS = 0.5  # how often a waiting worker looks at the Map Run's stop signal


def start_worker(
    child_name: str, child_definition: str, table_items: list[dict[str, Any]], retry_time_scale: float, stop: Any
) -> None:
    """The pool's initializer: a local runtime for the worker's lifetime, with the item processor and the copy of
    the parent's runs table."""
    from imagegate.local.runtime import TABLE, LocalRuntime, create_state_machine

    warnings.filterwarnings("ignore", "No application metrics to publish")
    _cap_malloc_arenas()  # before the runtime's first thread
    _fix_mmap_threshold()
    runtime = LocalRuntime(retry_time_scale=retry_time_scale, workflows=False).__enter__()
    ended: set[str] = set()
    condition = threading.Condition()

    def on_end(execution_arn: str) -> None:
        with condition:
            ended.add(execution_arn)
            condition.notify_all()

    runtime.execution_ended_listeners.append(on_end)
    _put_items(TABLE, table_items)
    _WORKER.update(
        runtime=runtime,
        arn=create_state_machine(child_name, child_definition),
        stop=stop,
        seeded={item["pk"]["S"] for item in table_items},
        ended=ended,
        condition=condition,
    )


def run_child(name: str, child_input: str) -> dict[str, Any]:
    """One child execution in this worker: its description, and the run's items and objects (``items``,
    ``objects``: (key, body, content type)) for the parent to write."""
    from imagegate_service.adapters import aws_clients

    sfn = aws_clients.client("stepfunctions")
    ended, condition, stop = _WORKER["ended"], _WORKER["condition"], _WORKER["stop"]
    if stop.is_set():  # queued behind a child when the Map Run failed: never started (PENDING)
        return {"started": False}
    arn = sfn.start_execution(stateMachineArn=_WORKER["arn"], name=name, input=child_input)["executionArn"]
    stopped = False
    while True:
        with condition:
            if arn in ended or condition.wait_for(lambda: arn in ended, timeout=_STOP_CHECK_SECONDS):
                ended.discard(arn)
                break
        if not stopped and stop.is_set():  # the Map Run failed: its running children stop as in AWS
            stopped = True
            try:
                sfn.stop_execution(executionArn=arn, error="States.ExceedToleratedFailureThreshold")
            except ClientError:  # it ended on its own meanwhile: nothing left to stop
                continue
    description = {
        key: value for key, value in sfn.describe_execution(executionArn=arn).items() if key != "ResponseMetadata"
    }
    items, objects = _take_run(name)
    _forget_execution(arn)
    _forget_calls(_WORKER["runtime"])
    _forget_tracked_models()
    return {"started": True, "description": description, "items": items, "objects": objects}


def write_back(result: dict[str, Any], bodies: SpilledBodies | None = None) -> None:
    """In the parent: a child's items and objects into its own runs table and bucket (before its result is
    recorded), straight into moto's backends under the runtime's DynamoDB lock: no request is built, signed and
    parsed for what is a copy. With ``bodies``, each object's body is kept there (on disk) instead of in memory.

    Each object's ETag is set here, from the body in hand (its MD5, as S3 and moto give a single-part upload): moto
    computes a key's ETag on its first ask by reading the body through the buffer's one read position, without
    the key's lock, so a get_object reading the body meanwhile (a list or a head asking the ETag) could move that
    position under it and cache the MD5 of what was left (of nothing, at worst)."""
    import hashlib

    from imagegate.local.runtime import BUCKET, TABLE

    _put_items(TABLE, [_interned(item) for item in result["items"]])
    s3 = _s3_backend()
    for key, body, metadata in result["objects"]:
        stored = s3.put_object(BUCKET, key, body)
        stored.set_metadata(dict(metadata))
        stored._etag = hashlib.md5(body, usedforsecurity=False).hexdigest()
        if bodies is not None:
            bodies.keep(stored, body)


class SpilledBodies:
    """One unnamed temporary file the parent keeps its children's object bodies in (issue 29: memory).

    moto keeps each object's body in the process's memory (a SpooledTemporaryFile per key, rolled to a file of its
    own above MOTO_S3_DEFAULT_KEY_BUFFER_SIZE, 5 MB by default): a 400-item PartiPrompts run's children leave about
    5,700 objects, 25 MB of bodies (mostly PNGs), all held by the runtime's process until it ends. Rolling each to a
    file of its own (a lower MOTO_S3_DEFAULT_KEY_BUFFER_SIZE) would hold an open file per object, past the usual
    limit of 1,024 descriptors in a run of a few hundred items; here every body is appended to one file and its key
    reads it back from there (``SpilledBody``), so the bodies are in the temporary directory (on disk, unless that
    is a tmpfs) and the process holds one descriptor for them. Measured: the runtime's PSS at a 400-item run's peak
    163 -> 138 MB.

    Nothing is lost: a key reads the same bytes as before (moto's value, etag, get_object), and one whose body is
    written again holds it in memory as moto would. The file grows only (a body replaced or deleted leaves its
    bytes until the file is closed). moto keeps every key it made until its next reset, which is the runtime's
    exit: so one SpilledBodies serves every Map Run of a runtime (one each would hold a descriptor per Map Run for
    the runtime's whole life, past 1,024 in a long `imagegate serve`), and the runtime closes it as it exits
    (``close``), which frees its space; a key read after that fails instead of reading whatever file took its
    descriptor's number."""

    def __init__(self, directory: str | None = None) -> None:
        import tempfile

        #: where the file is (the temporary directory when none is given): on a tmpfs its bytes stay in memory
        self.directory = tempfile.gettempdir() if directory is None else directory
        self._file = tempfile.TemporaryFile(prefix="imagegate-bodies-", dir=self.directory)  # noqa: SIM115
        self._lock = threading.Lock()  # held by a read too: close() cannot free the descriptor under it
        self._end = 0

    def keep(self, key: Any, body: bytes) -> None:
        """``key``'s body (a moto FakeKey that holds ``body``) from now on read from the file."""
        with self._lock:
            if self._file.closed:
                raise ValueError("the kept bodies' file is closed: its runtime has exited")
            offset = self._end
            written = 0
            while written < len(body):
                written += os.pwrite(self._file.fileno(), memoryview(body)[written:], offset + written)
            self._end += len(body)
        with key.lock:
            old, key._value_buffer = key._value_buffer, SpilledBody(self, offset, len(body))
        old.close()

    def read(self, offset: int, size: int) -> bytes:
        parts, done = [], 0
        with self._lock:
            if self._file.closed:
                raise ValueError("I/O operation on closed file (the kept bodies' runtime has exited)")
            while done < size:
                part = os.pread(self._file.fileno(), size - done, offset + done)
                if not part:
                    raise OSError(f"the kept bodies' file ends {size - done} bytes short of a body")
                parts.append(part)
                done += len(part)
        return b"".join(parts)

    def close(self) -> None:
        """The file closed and its space freed (the runtime's exit, once nothing is to read its keys)."""
        with self._lock:
            self._file.close()

    @property
    def closed(self) -> bool:
        return bool(self._file.closed)

    @property
    def size(self) -> int:
        """Bytes appended so far."""
        return self._end


class SpilledBody:
    """A moto FakeKey's body buffer (what moto reads and writes through ``_value_buffer``: seek, tell, read,
    truncate, write, close) whose bytes are a stretch of a SpilledBodies file. Read as a file; the first truncate
    or write (moto writes a body anew that way) brings the bytes into memory and goes on there."""

    __slots__ = ("_bodies", "_memory", "_offset", "_position", "_size")

    def __init__(self, bodies: SpilledBodies, offset: int, size: int) -> None:
        self._bodies: SpilledBodies | None = bodies  # None once closed or in memory
        self._offset, self._size, self._position = offset, size, 0
        self._memory: Any = None  # an io.BytesIO once written

    def seek(self, position: int, whence: int = 0) -> int:
        if self._memory is not None:
            return int(self._memory.seek(position, whence))
        base = (0, self._position, self._size)[whence]
        if base + position < 0:
            raise ValueError(f"negative seek position {base + position}")
        self._position = base + position
        return self._position

    def tell(self) -> int:
        return int(self._memory.tell()) if self._memory is not None else self._position

    def read(self, size: int | None = -1) -> bytes:
        if self._memory is not None:
            return bytes(self._memory.read(size))
        if self._bodies is None:
            raise ValueError("I/O operation on closed file.")
        start = min(self._position, self._size)
        end = self._size if size is None or size < 0 else min(self._size, start + size)
        self._position = max(self._position, end)
        return self._bodies.read(self._offset + start, end - start) if end > start else b""

    def truncate(self, size: int | None = None) -> int:
        return int(self._in_memory().truncate(size))

    def write(self, data: bytes) -> int:
        return int(self._in_memory().write(data))

    def close(self) -> None:
        if self._memory is not None:
            self._memory.close()
        self._bodies = None  # this key no longer reads the file (its runtime closes it as it exits)

    @property
    def closed(self) -> bool:
        return bool(self._memory.closed) if self._memory is not None else self._bodies is None

    def _in_memory(self) -> Any:
        if self._memory is None:
            import io

            position = self._position
            self._position = 0
            self._memory = io.BytesIO(self.read())
            self._memory.seek(position)
            self._bodies = None
        return self._memory


# a string value this long or shorter is interned with the names (statuses, model ids, numbers, keys); longer ones
# (a prompt, a rewrite, a reason) are mostly unique
_INTERNED_VALUE_CHARS = 64


def _interned(value: Any) -> Any:
    """An item (DynamoDB JSON) with its attribute names and short strings interned (issue 29: memory). Each child's
    items reach the parent unpickled, so every item held its own copy of every name ('status', 'costUsd', the
    nested maps' keys) and of every repeated value: a 100-item PartiPrompts run's 904 items held 19,626 name
    strings (1.06 MB) for 77 distinct names, and 1.03 MB of string values of which 0.22 MB distinct. moto keeps the
    strings it is given, so interned they are shared; the item reads the same."""
    if isinstance(value, dict):
        return {sys.intern(key) if type(key) is str else key: _interned(each) for key, each in value.items()}
    if isinstance(value, list):
        return [_interned(each) for each in value]
    if type(value) is str and len(value) <= _INTERNED_VALUE_CHARS:
        return sys.intern(value)
    return value


def table_snapshot() -> list[dict[str, Any]]:
    """In the parent: every item of the runs table (DynamoDB JSON), the workers' starting copy."""
    from imagegate.local.runtime import TABLE
    from imagegate_service.adapters import aws_clients

    pages = aws_clients.client("dynamodb").get_paginator("scan").paginate(TableName=TABLE, ConsistentRead=True)
    return [item for page in pages for item in page["Items"]]


def _put_items(table_name: str, items: list[dict[str, Any]]) -> None:
    from imagegate.local.runtime import DYNAMODB_LOCK

    table = _dynamodb_backend().get_table(table_name)
    with DYNAMODB_LOCK:
        for item in items:
            table.put_item(item)


def _take_run(run_id: str) -> tuple[list[dict[str, Any]], list[tuple[str, bytes, dict[str, str]]]]:
    """The run's items and objects (key, body, metadata with the content type), deleted from this worker's
    runtime; raises when the child left anything outside its run (it would not reach the parent)."""
    from moto.dynamodb.models.dynamo_type import DynamoType

    from imagegate.local.runtime import BUCKET, DYNAMODB_LOCK, TABLE

    table = _dynamodb_backend().get_table(TABLE)
    with DYNAMODB_LOCK:
        partition = table.items.pop(DynamoType({"S": c.run_pk(run_id)}), {})
        items = [item.to_json()["Attributes"] for item in partition.values()]
        other = {str(key.value) for key in table.items} - _WORKER["seeded"]
    if other:
        raise RuntimeError(
            f"child {run_id} wrote partition {sorted(other)[0]!r} of {TABLE}, outside its run: a worker hands back "
            "the run's partition only"
        )
    s3 = _s3_backend()
    bucket = s3.get_bucket(BUCKET)
    prefix = f"{c.RUNS_PREFIX}{run_id}/"
    names = list(bucket.keys.keys())
    outside = [name for name in names if not name.startswith(prefix)]
    if outside:
        raise RuntimeError(
            f"child {run_id} wrote s3://{BUCKET}/{outside[0]}, outside its run: a worker hands back runs/<run id>/ only"
        )
    objects = []
    for name in names:
        key = bucket.keys[name]
        objects.append((name, key.value, dict(key.metadata)))
        s3.delete_object(BUCKET, name)
    return items, objects


def _dynamodb_backend() -> Any:
    from moto.dynamodb.models import dynamodb_backends

    from imagegate.local.runtime import ACCOUNT, REGION

    return dynamodb_backends[ACCOUNT][REGION]


def _s3_backend() -> Any:
    from moto.s3.models import s3_backends

    from imagegate.local.runtime import ACCOUNT

    return s3_backends[ACCOUNT]["global"]


def _forget_calls(runtime: Any) -> None:
    """The offline models' logs of the child's calls (request bodies with their base64 images: about 1 MB a run)
    and bill: nothing reads a worker's (the run's ledger, handed back, is what records each billable call)."""
    for provider in (runtime.bedrock, runtime.rekognition):
        for log in ("calls", "bill"):
            if isinstance(getattr(provider, log, None), list):
                getattr(provider, log).clear()


def _forget_tracked_models() -> None:
    """moto keeps every model object it ever made (each BaseModel class's instances_tracked, for its dashboard and
    reset): the run's deleted S3 keys with their bodies, its DynamoDB items, the finished execution. A worker has no
    dashboard and is never reset, so the lists are emptied after each child; objects still in use stay referenced
    by the backends, the rest can go (about 0.8 MB a child otherwise)."""
    from moto.core.model_instances import model_data

    for models in model_data.values():
        for model in models.values():
            tracked = getattr(model, "instances_tracked", None)
            if isinstance(tracked, list):
                tracked.clear()


def _forget_execution(execution_arn: str) -> None:
    """The finished execution and its history leave the worker's moto (the parent keeps its description)."""
    from moto.stepfunctions.parser.models import stepfunctions_parser_backends

    from imagegate.local.runtime import ACCOUNT, REGION

    backend = stepfunctions_parser_backends[ACCOUNT][REGION]
    machine = backend.describe_state_machine(_WORKER["arn"])
    machine.executions[:] = [each for each in machine.executions if each.execution_arn != execution_arn]


# glibc's mallopt parameters: how many malloc arenas the process may have (default: 8 per core), and the size from
# which an allocation is its own mapping (default: 128 kB, raised by glibc up to 32 MB as large blocks are freed)
_M_ARENA_MAX = -8
_MALLOC_ARENAS = 2
_M_MMAP_THRESHOLD = -3
_MMAP_THRESHOLD_BYTES = 256 * 1024


@functools.lru_cache(maxsize=1)
def _glibc() -> Any:
    """The process's C library when it is glibc (it has mallopt), else None: elsewhere the allocator is left as it
    is."""
    try:
        libc = ctypes.CDLL(None)
    except OSError:
        return None
    return libc if hasattr(libc, "mallopt") and hasattr(libc, "gnu_get_libc_version") else None


def _cap_malloc_arenas(arenas: int = _MALLOC_ARENAS) -> bool:
    """At most ``arenas`` malloc arenas in this worker (True if set). glibc gives a thread that allocates while
    another holds the arena one of its own, up to 8 per core, and each keeps what was freed in it for its next
    allocations: moto runs every execution and state on threads of its own, and at a 400-item PartiPrompts run's
    peak each worker held about 65 MB in 7 thread arenas besides its main heap. The GIL runs one thread at a time,
    so threads rarely contend for an arena: with 2 (as MALLOC_ARENA_MAX=2) the workers' summed PSS at that peak
    fell by about 90 MB (issue 29) for no measurable CPU (46.6 s without, 48.4 s with, 150 items, a noisy machine).
    Handing free memory back after each child besides (malloc_trim) changed nothing measurable: not done."""
    libc = _glibc()
    return libc is not None and bool(libc.mallopt(_M_ARENA_MAX, arenas))


def _fix_mmap_threshold(size: int = _MMAP_THRESHOLD_BYTES) -> bool:
    """Allocations of ``size`` bytes or more get mappings of their own, returned to the system when freed (True
    if set). By default glibc raises that threshold each time such a block is freed, up to 32 MB, so after the
    first images (a 1024x1024 drawing's buffers, its PNG, a request's base64 body: megabytes each) they come from
    the heap, whose freed space stays resident between children. Fixed at 256 kB (which also stops the raising),
    a 400-item PartiPrompts run's summed PSS at its peak fell 447 -> 403 MB (each worker 108 -> 90 MB, the
    runtime 160 -> 147 MB), issue 29. Its price: about 12% more CPU (150 items: 40 -> 45 s, the mid-sized blocks
    mapped and unmapped each time). 4 MB in the workers cost no CPU (40.0 s) but left the peak at 413-420 MB."""
    libc = _glibc()
    return libc is not None and bool(libc.mallopt(_M_MMAP_THRESHOLD, size))


def start_zygote(runtime: Any) -> Callable[[], None]:
    """Where the runtime's Map workers start from (issue 29: memory): a fork of the runtime's process made as its
    runtime has just started (modules imported, botocore's models decoded, moto's parsers built, no execution and
    no other thread yet), which leaves that runtime (undone in it, as a runtime's exit undoes it) and serves as
    multiprocessing's fork server: each worker is forked from it and starts its own runtime as a spawned worker
    does, but the pages of everything imported and loaded stay shared (copy-on-write) among the runtime, the fork
    server and the workers, where each spawned worker held its own copy (PSS counts a shared page once).

    Only from a clean point: with another thread running (a fork copies only the calling one, and a lock it holds
    would stay held), off Linux, or where anything fails, nothing is forked and the workers are spawned as before
    (``zygote_running`` says which). gc.freeze() before the fork keeps the collector from writing into the shared
    objects' headers (which would copy their pages); undone when the runtime exits. Returns the undo."""
    from multiprocessing import connection, forkserver, resource_tracker

    server = forkserver._forkserver
    if (
        sys.platform != "linux"
        or threading.active_count() != 1
        or server._forkserver_pid is not None
        or _ZYGOTE.get("pid") is not None
    ):
        return lambda: None
    resource_tracker.ensure_running()  # before the fork: the workers' semaphores are registered with it
    address = connection.arbitrary_address("AF_UNIX")
    listener = socket.socket(socket.AF_UNIX)
    listener.bind(address)
    os.chmod(address, 0o600)
    listener.listen()
    alive_r, alive_w = os.pipe()
    for stream in (sys.stdout, sys.stderr):
        stream.flush()
    _cap_malloc_arenas()  # the runtime's process's own allocator too (the fork server and workers inherit it)
    _fix_mmap_threshold()
    gc.collect()
    gc.freeze()
    try:
        pid = os.fork()
    except OSError:  # no fork: the workers are spawned
        gc.unfreeze()
        for fd in (alive_r, alive_w):
            os.close(fd)
        listener.close()
        with contextlib.suppress(OSError):
            os.unlink(address)
        return lambda: None
    if pid == 0:  # the fork server: never returns
        code = 0
        try:
            os.close(alive_w)
            runtime.__exit__(None, None, None)
            _preload_world()
            gc.collect()
            gc.freeze()  # what the runtime left and the world's modules: shared by every worker, never collected
            forkserver.main(listener.fileno(), alive_r, [])
        except SystemExit:  # every client closed the alive pipe: the runtime ended
            pass
        except BaseException:
            code = 1
        finally:
            _reap_children()  # so their CPU time and peak RSS count in the runtime's (getrusage of its children)
            os._exit(code)
    os.close(alive_r)
    listener.close()
    with server._lock:
        server._forkserver_address, server._forkserver_alive_fd, server._forkserver_pid = address, alive_w, pid
    _ZYGOTE["pid"] = pid

    def undo() -> None:
        with server._lock:
            if server._forkserver_pid == pid:
                server._forkserver_address = server._forkserver_alive_fd = server._forkserver_pid = None
        _ZYGOTE.pop("pid", None)
        os.close(alive_w)
        os.waitpid(pid, 0)
        with contextlib.suppress(OSError):
            os.unlink(address)
        gc.unfreeze()

    return undo


_ZYGOTE: dict[str, int] = {}


def _preload_world() -> None:
    """In the fork server: the offline world's modules and the lexicon's tables, which each worker would otherwise
    import and build on its own (their first prompt reads them): loaded once here, their pages are shared by the
    workers. Pure computation, read by no environment (the Lambda handlers are not loaded here: Powertools reads
    the runtime's environment when they are imported, and it is undone here). A module that fails to load is left
    to the workers, which load it as before."""
    import importlib
    import pkgutil

    from imagegate.local import world

    for module in pkgutil.iter_modules(world.__path__):
        with contextlib.suppress(Exception):
            importlib.import_module(f"{world.__name__}.{module.name}")
    with contextlib.suppress(Exception):
        importlib.import_module(f"{world.__name__}.lexicon").compact_tables()


def _reap_children() -> None:
    """Waits for every child of this process (the fork server's workers) that has not been waited for."""
    while True:
        try:
            os.waitpid(-1, 0)
        except ChildProcessError:
            return
        except OSError:
            return


def zygote_running() -> bool:
    """Is there a fork server made by start_zygote (the workers start from it: multiprocessing's "forkserver")?"""
    return _ZYGOTE.get("pid") is not None


def worker_count(requested: int, concurrency: int, total: int) -> int:
    """How many worker processes a Map Run uses: no more than asked (the caller weighs the cores), than
    MaxConcurrency, than items."""
    return max(0, min(requested, concurrency, total))
