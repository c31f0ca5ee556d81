"""The domain's ports: what a domain module needs from the outside, as structural types.

The domain types its collaborators against these Protocols; the adapters (adapters/storage.py, bedrock.py,
workflow.py, presign.py) implement them structurally, without inheriting. mypy checks each adapter against its
port (the TYPE_CHECKING block at the end of each adapter module), and tests/unit/test_ports.py checks the same at
run time, signatures included. A test fake only needs the methods a port names."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol, runtime_checkable

from imagegate_service import registry
from imagegate_service.domain.enhancing import EnhanceOperation, ServiceRequest
from imagegate_service.domain.state import (
    DayTotals,
    ExecutionStep,
    LedgerEntry,
    Reservation,
    ReviewDecision,
    ReviewPauseFields,
    RoundItem,
    RunItem,
    RunsIndexKey,
)


# -- the value types the ports speak (the Bedrock adapter builds and reads them; the domain owns them) ----------
@dataclass(frozen=True)
class GeneratedImages:
    images: list[bytes]
    requested: int  # images Bedrock generated and bills, including the ones it withheld
    filter_message: str | None  # set when Bedrock withheld some images


@dataclass(frozen=True)
class ToolAnswer:
    """What a Converse call with a forced tool returned."""

    tool_input: dict[str, Any] | None  # None when the model did not call the tool
    text: str
    stop_reason: str
    input_tokens: int
    output_tokens: int
    latency_ms: int
    max_tokens: int = 0  # the maxTokens the call allowed (to say so when a reply was cut there)


@dataclass(frozen=True)
class EditRequest:
    """An edit of an earlier image (the model registry's `edit` says which a model takes): Stability's
    image-to-image with a strength, Titan/Nova Canvas's IMAGE_VARIATION with a similarityStrength, or their
    INPAINTING of the region a mask prompt names."""

    source_png: bytes
    task: str  # "image-to-image" | "IMAGE_VARIATION" | "INPAINTING"
    strength: float | None = None  # image-to-image: 0 keeps the image, 1 ignores it
    similarity_strength: float | None = None  # IMAGE_VARIATION: higher keeps it closer
    mask_prompt: str | None = None  # INPAINTING: the region to repaint, in words ("the cup")


@dataclass(frozen=True)
class ImageRequest:
    model_id: str
    prompt: str
    negative_prompt: str
    seed: int
    width: int
    height: int
    count: int
    quality: str
    cfg_scale: float | None = None  # Titan and Canvas only; Stability takes none
    style: str | None = None  # a style preset's name (prompts/styles.json)
    edit: EditRequest | None = None  # None: draw from text

    @property
    def task(self) -> str:
        """What the request asks of the model: TEXT_IMAGE / text-to-image, or the edit's task."""
        if self.edit is not None:
            return self.edit.task
        return "text-to-image" if registry.generator(self.model_id).family == "stability" else "TEXT_IMAGE"


# -- the ports ---------------------------------------------------------------------------------------------------
class Clock(Protocol):
    """Now, timezone-aware UTC (domain/clock.py: utc_now)."""

    def __call__(self) -> datetime: ...


@runtime_checkable
class ObjectStore(Protocol):
    """The run folder's objects: images, judge and rewrite records, reports (S3)."""

    def put_png(self, key: str, data: bytes) -> None: ...

    def put_json(self, key: str, document: Any) -> None: ...

    def put_text(self, key: str, text: str, content_type: str) -> None: ...

    def list_keys(self, prefix: str) -> list[str]: ...

    def delete_keys(self, keys: list[str]) -> None: ...

    def get_bytes(self, key: str) -> bytes: ...

    def get_json(self, key: str) -> Any: ...

    def find_bytes(self, key: str) -> bytes | None:
        """The object at key, or None when there is none (or it is not ours to read)."""
        ...

    def find_json(self, key: str) -> Any | None:
        """The document at key, or None when there is none."""
        ...


@runtime_checkable
class RunRepository(Protocol):
    """Runs, their rounds and their spend ledger (DynamoDB), each write conditional where a race could double it."""

    def create_run(self, run_id: str, attributes: Mapping[str, Any]) -> None: ...

    def start_run(self, run_id: str, attributes: Mapping[str, Any]) -> bool: ...

    def delete_queued_run(self, run_id: str) -> bool: ...

    def update_run(self, run_id: str, attributes: Mapping[str, Any]) -> None: ...

    def put_round(self, run_id: str, round_number: int, attributes: Mapping[str, Any]) -> None: ...

    def put_round_and_update_run(
        self, run_id: str, round_number: int, round_attributes: RoundItem, run_attributes: Mapping[str, Any]
    ) -> None: ...

    def reserve_spend(self, run_id: str, bound_usd: float, limit_usd: float) -> bool: ...

    def release_spend(self, run_id: str, amount_usd: float) -> None: ...

    def record_call(self, run_id: str, entry: LedgerEntry, reserved_usd: float) -> bool: ...

    def ledger(self, run_id: str) -> list[LedgerEntry]: ...

    def get_run(self, run_id: str) -> RunItem | None: ...

    def list_rounds(self, run_id: str) -> list[RoundItem]: ...

    def list_recent_runs(
        self, limit: int, start_key: RunsIndexKey | None = None
    ) -> tuple[list[RunItem], RunsIndexKey | None]: ...

    def fail_if_running(self, run_id: str, attributes: Mapping[str, Any]) -> bool:
        """FAILED with the attributes, only while the run item exists and is QUEUED or RUNNING (its review token
        dropped); True when it was changed (Mark Run Ended, a cancel, the local store's interrupted runs)."""
        ...

    def running_runs_since(self, started_at: str, run_id_prefix: str) -> Iterator[str]:
        """Ids of the runs started at or after `started_at` whose id begins with the prefix and that are still
        QUEUED or RUNNING (a benchmark's runs)."""
        ...


@runtime_checkable
class ImageGenerator(Protocol):
    """A text-to-image model (Bedrock InvokeModel): one billable call per generate_call."""

    def generate(self, request: ImageRequest) -> GeneratedImages: ...

    def generate_call(
        self, request: ImageRequest, first: int, count: int, on_answered: Callable[[], None]
    ) -> GeneratedImages: ...


@runtime_checkable
class EnhancementStore(Protocol):
    """An enhancement's item beside the run it enhances (adapters/enhancements.py: sk ENHANCE#<id> in the runs table).
    A step and an ending are written only while the enhancement is open (update_if_open, put_step answer False once
    it has ended or the run was deleted), so a late task of one changes nothing."""

    def get_run(self, run_id: str) -> RunItem | None: ...

    def was_deleted(self, run_id: str) -> bool: ...

    def create_enhancement(self, run_id: str, enhancement_id: str, attributes: Mapping[str, Any]) -> bool: ...

    def update_enhancement(self, run_id: str, enhancement_id: str, attributes: Mapping[str, Any]) -> None: ...

    def update_if_open(self, run_id: str, enhancement_id: str, attributes: Mapping[str, Any]) -> bool: ...

    def put_step(self, run_id: str, enhancement_id: str, index: int, step: Mapping[str, Any], now: str) -> bool: ...

    def get_enhancement(self, run_id: str, enhancement_id: str) -> dict[str, Any] | None: ...

    def list_enhancements(self, run_id: str) -> list[dict[str, Any]]: ...


@runtime_checkable
class ImageServices(Protocol):
    """The Stability AI Image Services on Bedrock (InvokeModel): one billable call per apply, on one image; a targeted
    round's edit and each operation of an enhancement. `on_answered` is called once the service has answered (the
    call is billed from then on, even if its image is then refused)."""

    def apply(self, request: ServiceRequest, on_answered: Callable[[], None] | None = None) -> bytes: ...


@runtime_checkable
class LocalImager(Protocol):
    """An operation done without Bedrock (adapters/local_imaging.py): the local fallback of an enhancement's upscale
    or background removal. Answers the PNG and the method it used."""

    def apply(self, operation: EnhanceOperation, png: bytes) -> tuple[bytes, str]: ...


@runtime_checkable
class ImageDetector(Protocol):
    """An object and text detector over a stored image (Amazon Rekognition): the verifier. Each method is one
    billable call on the image at `key` in the run bucket and returns the service's response as data."""

    def detect_labels(self, key: str, features: tuple[str, ...], min_confidence: float) -> dict[str, Any]: ...

    def detect_text(self, key: str) -> dict[str, Any]: ...


@runtime_checkable
class ToolCaller(Protocol):
    """A text or vision model answering through one forced tool call (Bedrock Converse): the judge, the
    rewriter and the evaluator."""

    def call(
        self,
        model_id: str,
        system_prompt: str,
        content: list[dict[str, Any]],
        tool_name: str,
        tool_description: str,
        input_schema: dict[str, Any],
        max_tokens: int | None = None,
    ) -> ToolAnswer: ...


@runtime_checkable
class Workflow(Protocol):
    """The quality loop's executions (Step Functions): one per run, named by the run id."""

    def start(self, run_id: str, request: dict[str, Any]) -> str: ...

    def execution_status(self, run_id: str) -> str | None: ...

    def execution_steps(self, run_id: str) -> list[ExecutionStep]: ...


@runtime_checkable
class ExecutionStopper(Protocol):
    """Stops a run's execution (Step Functions StopExecution): what a cancel asks of the workflow."""

    def stop(self, run_id: str, error: str, cause: str) -> bool:
        """False when no execution is named after the run; stopping one that has ended changes nothing."""
        ...


@runtime_checkable
class RunRemoval(Protocol):
    """The runs table as a delete sees it (adapters/run_removal.py): the run's item, its whole partition, the
    DELETED marker that fences a racing enhancement, and the batch delete of what goes."""

    def get_run(self, run_id: str) -> RunItem | None: ...

    def was_deleted(self, run_id: str) -> bool: ...

    def partition(self, run_id: str) -> list[dict[str, Any]]: ...

    def mark_deleted(self, run_id: str, attributes: dict[str, Any], run_item: Mapping[str, Any]) -> bool:
        """True when this call wrote the marker, False when it was there already."""
        ...

    def unmark_deleted(self, run_id: str) -> None: ...

    def delete_items(self, run_id: str, sort_keys: list[str]) -> None: ...


@runtime_checkable
class UrlSigner(Protocol):
    """Time-limited links to a run's objects (S3 presigned GET URLs)."""

    def url(self, key: str) -> str: ...


@runtime_checkable
class TaskCallbacks(Protocol):
    """Answers to a workflow task that waits for a task token (Step Functions SendTaskSuccess)."""

    def send_task_success(self, task_token: str, output: ReviewDecision) -> bool:
        """False when the task no longer waits for this token (it timed out, or its execution ended)."""
        ...


@runtime_checkable
class ReviewStore(Protocol):
    """A run's review pause on its run item, and the reviews on its round items (DynamoDB)."""

    def wait_for_review(
        self, run_id: str, task_token: str, round_number: int, attributes: ReviewPauseFields
    ) -> bool: ...

    def take_review(self, run_id: str, task_token: str, round_number: int, review: ReviewDecision) -> bool: ...

    def withdraw_review(self, run_id: str, round_number: int, reviewed_at: str) -> None: ...

    def forget_token(self, run_id: str) -> None: ...


@runtime_checkable
class DailyBudgetStore(Protocol):
    """The day's spend and the runs' round reservations against the daily cap (DynamoDB)."""

    def day(self, day: str) -> DayTotals | None: ...

    def reserve(self, day: str, amount: float, cap_usd: float, expires_at: int, now: str) -> bool: ...

    def reserve_round(
        self, run_id: str, round_number: int, day: str, amount: float, cap_usd: float, expires_at: int, now: str
    ) -> str: ...

    def draw(self, run_id: str, round_number: int, amount: float) -> str | None: ...

    def settle(self, day: str, committed_delta: float, spent_usd: float, now: str) -> float: ...

    def open_reservations(self, run_id: str) -> list[Reservation]: ...

    def release(self, reservation: Reservation, now: str) -> bool: ...
