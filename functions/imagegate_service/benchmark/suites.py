"""Benchmark suites: the project's JSONL format, loaders for public prompt sets, and deterministic selection.

Suite JSONL, one object per line (blank lines are ignored)::

    {"id": "apple-cup", "prompt": "a red apple left of a blue cup", "category": "position",
     "settings": {"threshold": 8, "seed": 7}, "anchor": true, "metadata": {"source": "hand-written"}}

``id``, ``prompt`` and ``category`` are required; ``settings`` (the item's run settings: any field of
the run request but the prompt), ``anchor`` (part of the frozen judge-drift set) and ``metadata``
(free-form) are optional. Any other field is rejected so that a typo never silently drops a setting.

An item's prompt and settings are checked by the one run-request schema (settings.check_request_fields),
the same rules and messages as a run request; a benchmark's inline items (``items_from_request``) are
read by the same rules as a suite file's lines.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from imagegate_service.errors import InvalidRequest
from imagegate_service.settings import check_request_fields, run_request_schema

PARTIPROMPTS_HEADER = ["Prompt", "Category", "Challenge", "Note"]
PARTI_ID_PREFIX = "parti-"
GENEVAL_ID_PREFIX = "geneval-"

_REQUIRED_FIELDS = ("id", "prompt", "category")
_OPTIONAL_FIELDS = ("settings", "anchor", "metadata")


def setting_keys() -> frozenset[str]:
    """The run settings an item may carry: the run request's fields less the prompt (the item's own)."""
    return frozenset(run_request_schema()["properties"]) - {"prompt"}


class SuiteFormatError(ValueError):
    """A suite file that cannot be read; the message names the file, the line and the field."""

    def __init__(self, path: Path | str, line: int, problem: str, field_name: str | None = None) -> None:
        self.path = str(path)
        self.line = line
        self.field = field_name
        where = f"{self.path}, line {line}"
        if field_name is not None:
            where += f", field '{field_name}'"
        super().__init__(f"{where}: {problem}")


class _ItemProblem(Exception):
    """What is wrong with one item, wherever it came from: each source says where (file and line, or index)."""

    def __init__(self, field_name: str, problem: str) -> None:
        super().__init__(f"{field_name}: {problem}")
        self.field = field_name
        self.problem = problem


@dataclass
class SuiteItem:
    """One prompt of a benchmark suite (build it with ``suite_item`` to have it checked)."""

    id: str
    prompt: str
    category: str
    settings: dict[str, Any] = field(default_factory=dict)
    anchor: bool = False
    # Source-specific facts kept for analysis (PartiPrompts challenge, GenEval include/exclude, ...).
    metadata: dict[str, Any] = field(default_factory=dict)


def _is_non_empty_str(value: Any) -> bool:
    return isinstance(value, str) and value.strip() != ""


def suite_item(record: Any) -> SuiteItem:
    """An item from its JSON object, checked: the fields above, then its prompt and settings by the run
    request's schema. Raises _ItemProblem naming the field."""
    if not isinstance(record, dict):
        raise _ItemProblem("item", f"must be a JSON object, not {type(record).__name__}")
    for name in _REQUIRED_FIELDS:
        if name not in record:
            raise _ItemProblem(name, "missing required field")
        if not _is_non_empty_str(record[name]):
            raise _ItemProblem(name, "must be a non-empty string")
    for name in record:
        if name not in _REQUIRED_FIELDS and name not in _OPTIONAL_FIELDS:
            hint = "; run settings go inside 'settings'" if name in setting_keys() else ""
            raise _ItemProblem(name, f"unknown field (allowed: {', '.join(_REQUIRED_FIELDS + _OPTIONAL_FIELDS)}){hint}")
    settings = record.get("settings", {})
    if not isinstance(settings, dict):
        raise _ItemProblem("settings", "must be a JSON object of run settings")
    _check_settings(record["prompt"], settings)
    anchor = record.get("anchor", False)
    if not isinstance(anchor, bool):
        raise _ItemProblem("anchor", "must be true or false")
    metadata = record.get("metadata", {})
    if not isinstance(metadata, dict):
        raise _ItemProblem("metadata", "must be a JSON object")
    return SuiteItem(
        id=record["id"],
        prompt=record["prompt"],
        category=record["category"],
        settings=dict(settings),
        anchor=anchor,
        metadata=dict(metadata),
    )


def _check_settings(prompt: str, settings: dict[str, Any]) -> None:
    """The item's prompt and settings as the run request they become, by the run request's own schema."""
    if "prompt" in settings:
        raise _ItemProblem("settings.prompt", "is not a setting: the item's prompt is its 'prompt' field")
    unknown = sorted(set(settings) - setting_keys())
    if unknown:
        raise _ItemProblem(
            f"settings.{unknown[0]}", f"is not a known setting; allowed: {', '.join(sorted(setting_keys()))}"
        )
    try:
        check_request_fields({**settings, "prompt": prompt})
    except InvalidRequest as error:
        raise _ItemProblem(
            error.field if error.field == "prompt" else f"settings.{error.field}", error.message
        ) from None


def items_from_request(records: Any) -> list[SuiteItem]:
    """A benchmark request's inline ``items``, each checked as a suite file's line is; raises InvalidRequest
    naming the item (its index and id) and the field."""
    if not isinstance(records, list) or not records:
        raise InvalidRequest(
            "items", "must be a non-empty list of suite items {id, prompt, category, settings?, anchor?}"
        )
    items: list[SuiteItem] = []
    first_index_of_id: dict[str, int] = {}
    for index, record in enumerate(records):
        label = (
            f"item {record['id']!r}" if isinstance(record, dict) and isinstance(record.get("id"), str) else "the item"
        )
        try:
            item = suite_item(record)
        except _ItemProblem as problem:
            where = f"items.{index}" if problem.field == "item" else f"items.{index}.{problem.field}"
            raise InvalidRequest(where, f"{problem.problem} ({label})") from None
        if item.id in first_index_of_id:
            raise InvalidRequest(
                f"items.{index}.id", f"duplicate id {item.id!r} (first used by items.{first_index_of_id[item.id]})"
            )
        first_index_of_id[item.id] = index
        items.append(item)
    return items


# --- the project's JSONL format -------------------------------------------------------------------


def load_suite_jsonl(path: Path | str) -> list[SuiteItem]:
    """Read a suite in the project's JSONL format; raise SuiteFormatError naming line and field."""
    with open(path, encoding="utf-8") as handle:
        return parse_suite_jsonl(handle, path)


def parse_suite_jsonl(lines: Iterable[str], source: Path | str) -> list[SuiteItem]:
    """A suite's lines in the project's JSONL format (a file's, an S3 object's); ``source`` names them in errors."""
    items: list[SuiteItem] = []
    first_line_of_id: dict[str, int] = {}
    for line_number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        item = _parse_suite_line(source, line_number, line)
        if item.id in first_line_of_id:
            raise SuiteFormatError(
                source,
                line_number,
                f"duplicate id '{item.id}' (first used on line {first_line_of_id[item.id]})",
                "id",
            )
        first_line_of_id[item.id] = line_number
        items.append(item)
    return items


def suite_jsonl_line(item: SuiteItem) -> str:
    """One item in the project's JSONL format (what load_suite_jsonl reads back as the same item)."""
    record: dict[str, Any] = {"id": item.id, "prompt": item.prompt, "category": item.category}
    if item.settings:
        record["settings"] = item.settings
    if item.anchor:
        record["anchor"] = True
    if item.metadata:
        record["metadata"] = item.metadata
    return json.dumps(record, ensure_ascii=False) + "\n"


def _parse_suite_line(path: Path | str, line_number: int, line: str) -> SuiteItem:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        raise SuiteFormatError(path, line_number, f"not valid JSON ({error.msg} at column {error.colno})") from error
    if not isinstance(record, dict):
        raise SuiteFormatError(path, line_number, "expected a JSON object")
    try:
        return suite_item(record)
    except _ItemProblem as problem:
        raise SuiteFormatError(path, line_number, problem.problem, problem.field) from None


# --- public prompt sets ---------------------------------------------------------------------------


def load_partiprompts_tsv(path: Path | str) -> list[SuiteItem]:
    """Read google-research/parti's PartiPrompts.tsv; ids ``parti-00001``... by data row.

    QUOTE_NONE matters: one prompt starts with a double quote ("G I G G L E" ...) that the csv
    module's default quoting would swallow, changing the prompt the generator sees.
    """
    items: list[SuiteItem] = []
    with open(path, encoding="utf-8", newline="") as handle:
        rows = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(rows, None)
        if header != PARTIPROMPTS_HEADER:
            raise SuiteFormatError(path, 1, f"expected header {PARTIPROMPTS_HEADER}, got {header}")
        for row_number, row in enumerate(rows, start=1):
            line_number = row_number + 1  # the header is line 1
            if len(row) != len(PARTIPROMPTS_HEADER):
                raise SuiteFormatError(path, line_number, f"expected 4 tab-separated columns, got {len(row)}")
            prompt, category, challenge, note = row
            if not prompt.strip():
                raise SuiteFormatError(path, line_number, "empty prompt", "Prompt")
            try:
                _check_settings(prompt, {})
            except _ItemProblem as problem:
                raise SuiteFormatError(path, line_number, problem.problem, "Prompt") from None
            items.append(
                SuiteItem(
                    id=f"{PARTI_ID_PREFIX}{row_number:05d}",
                    prompt=prompt,
                    category=category,
                    metadata={"source": "partiprompts", "challenge": challenge, "note": note},
                )
            )
    return items


def load_geneval_jsonl(path: Path | str) -> list[SuiteItem]:
    """Read GenEval's evaluation_metadata.jsonl; the tag becomes the category, ids ``geneval-00001``...

    The structured expectations (include/exclude: class, count, color, position) become the item's
    run setting ``expected``: the independent evaluator checks the final image against them (the
    generator and the judge get the prompt alone). They stay in metadata too, for analysis.
    """
    items: list[SuiteItem] = []
    with open(path, encoding="utf-8") as handle:
        for line_number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                raise SuiteFormatError(path, line_number, f"not valid JSON ({error.msg})") from error
            for name in ("prompt", "tag"):
                if not _is_non_empty_str(record.get(name)):
                    raise SuiteFormatError(path, line_number, "missing or empty", name)
            settings = {}
            if record.get("include"):  # without it the evaluator reads its checks from the prompt
                settings["expected"] = {
                    "include": record["include"],
                    **({"exclude": record["exclude"]} if record.get("exclude") else {}),
                }
            try:
                _check_settings(record["prompt"], settings)
            except _ItemProblem as problem:
                if problem.field == "prompt":
                    raise SuiteFormatError(path, line_number, problem.problem, "prompt") from None
                what = f"{problem.field.removeprefix('settings.')}: {problem.problem}"
                raise SuiteFormatError(
                    path, line_number, f"GenEval expectations not usable: {what}", "include"
                ) from None
            items.append(
                SuiteItem(
                    id=f"{GENEVAL_ID_PREFIX}{len(items) + 1:05d}",
                    prompt=record["prompt"],
                    category=record["tag"],
                    settings=settings,
                    metadata={
                        "source": "geneval",
                        "include": record.get("include", []),
                        "exclude": record.get("exclude", []),
                    },
                )
            )
    return items


# --- selection ------------------------------------------------------------------------------------


def select_items(
    items: Sequence[SuiteItem],
    limit: int | None = None,
    sample_seed: int | str | None = None,
    categories: Iterable[str] | None = None,
    keep_anchors: bool = False,
) -> list[SuiteItem]:
    """Pick the items a benchmark run uses, always in the suite's original order.

    - ``keep_anchors``: the frozen anchor items are added to whatever else is picked, so judge
      drift is measured on the same images every night, whatever the limit or sample.

    - ``categories``: keep only these (an unknown name is an error, not an empty run).
    - no ``sample_seed``: the first ``limit`` items.
    - with ``sample_seed``: a stratified sample of ``limit`` items. Each category gets a share
      proportional to its size (largest-remainder rounding), and at least one item when ``limit``
      allows; inside a category the items with the smallest sha256(seed, id) are taken. The result
      depends only on the seed and the ids, so it is identical across runs and Python processes
      (``hash()`` is salted per process and would not be).
    """
    chosen = _select(items, limit, sample_seed, categories)
    if not keep_anchors:
        return chosen
    chosen_ids = {item.id for item in chosen}
    return [item for item in items if item.id in chosen_ids or item.anchor]


def _select(
    items: Sequence[SuiteItem],
    limit: int | None,
    sample_seed: int | str | None,
    categories: Iterable[str] | None,
) -> list[SuiteItem]:
    if limit is not None and limit < 0:
        raise ValueError(f"limit must be >= 0, got {limit}")
    candidates = _filter_categories(items, categories)
    if limit is None or limit >= len(candidates):
        return candidates
    if sample_seed is None:
        return candidates[:limit]

    by_category: dict[str, list[SuiteItem]] = {}
    for item in candidates:
        by_category.setdefault(item.category, []).append(item)
    quotas = _stratified_quotas({name: len(members) for name, members in by_category.items()}, limit)
    chosen_ids: set[str] = set()
    for name, members in by_category.items():
        ranked = sorted(members, key=lambda item: _sample_rank(sample_seed, item.id))
        chosen_ids.update(item.id for item in ranked[: quotas[name]])
    return [item for item in candidates if item.id in chosen_ids]


def _filter_categories(items: Sequence[SuiteItem], categories: Iterable[str] | None) -> list[SuiteItem]:
    if categories is None:
        return list(items)
    wanted = set(categories)
    unknown = wanted - {item.category for item in items}
    if unknown:
        available = sorted({item.category for item in items})
        raise ValueError(f"unknown categories {sorted(unknown)}; the suite has {available}")
    return [item for item in items if item.category in wanted]


def _sample_rank(seed: int | str, item_id: str) -> str:
    return hashlib.sha256(f"{seed}\x00{item_id}".encode()).hexdigest()


def _stratified_quotas(sizes: dict[str, int], total: int) -> dict[str, int]:
    """Split ``total`` over categories in proportion to their sizes, at least one each if possible.

    Integer arithmetic throughout (no float rounding), ties broken by category name, so the split
    is reproducible.
    """
    names = sorted(sizes)
    floor_each = 1 if total >= len(names) else 0
    quotas = {name: floor_each for name in names}
    spare_capacity = {name: sizes[name] - floor_each for name in names}
    remaining = total - floor_each * len(names)
    capacity_total = sum(spare_capacity.values())
    if remaining == 0 or capacity_total == 0:
        return quotas

    remainders: dict[str, int] = {}
    for name in names:
        share, remainders[name] = divmod(remaining * spare_capacity[name], capacity_total)
        quotas[name] += share
    leftover = total - sum(quotas.values())
    for name in sorted(names, key=lambda n: (-remainders[n], n))[:leftover]:
        quotas[name] += 1
    return quotas
