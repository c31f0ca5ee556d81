"""Benchmark suites: the project's JSONL format, loaders for public prompt sets, and deterministic selection.

Suite JSONL, one object per line (blank lines are ignored)::

    {"id": "apple-cup", "prompt": "a red apple left of a blue cup", "category": "position",
     "settings": {"threshold": 8, "seed": 7}, "anchor": true, "metadata": {"source": "hand-written"}}

``id``, ``prompt`` and ``category`` are required; ``settings`` (per-item run settings, keys in
``ALLOWED_SETTING_KEYS``), ``anchor`` (part of the frozen judge-drift set) and ``metadata`` (free-form)
are optional. Any other field is rejected so that a typo never silently drops a setting.
"""

from __future__ import annotations

import csv
import hashlib
import json
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

PARTIPROMPTS_HEADER = ["Prompt", "Category", "Challenge", "Note"]
PARTI_ID_PREFIX = "parti-"
GENEVAL_ID_PREFIX = "geneval-"


def _is_int(value: Any) -> bool:
    # bool is a subclass of int in Python, but `"seed": true` is a mistake, not a seed.
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return (_is_int(value) or isinstance(value, float)) and math.isfinite(value)


def _is_positive_int(value: Any) -> bool:
    return _is_int(value) and value > 0


def _is_non_empty_str(value: Any) -> bool:
    return isinstance(value, str) and value.strip() != ""


def _expected_problem(value: Any) -> str | None:
    """Why ``value`` is not valid structured expectations (the run request schema's ``expected``), or None."""
    import jsonschema

    from imagegate_service.settings import run_request_schema

    schema = run_request_schema()["properties"]["expected"]
    error = jsonschema.exceptions.best_match(jsonschema.Draft202012Validator(schema).iter_errors(value))
    if error is None:
        return None
    where = ".".join(str(part) for part in error.path)
    return f"{where}: {error.message}" if where else error.message


# Each per-item setting: (check, what the check expects, used in the error message).
_SETTING_RULES: dict[str, tuple[Callable[[Any], bool], str]] = {
    "threshold": (lambda v: _is_number(v) and 0 <= v <= 10, "a number from 0 to 10"),
    "maxRounds": (_is_positive_int, "a positive integer"),
    "generator": (_is_non_empty_str, "a non-empty string"),
    "judge": (_is_non_empty_str, "a non-empty string"),
    "width": (_is_positive_int, "a positive integer"),
    "height": (_is_positive_int, "a positive integer"),
    "seed": (lambda v: _is_int(v) and v >= 0, "a non-negative integer"),
    "negativePrompt": (lambda v: isinstance(v, str), "a string"),
    "candidatesPerRound": (_is_positive_int, "a positive integer"),
    "maxCostUsd": (lambda v: _is_number(v) and v > 0, "a positive number"),
    "strategy": (lambda v: v in ("rewrite", "redraw"), "'rewrite' or 'redraw'"),
    # GenEval-style expectations for the independent evaluator (the generator and judge never see them).
    "expected": (lambda v: _expected_problem(v) is None,
                 "GenEval-style expectations {include: [{class, count, color?, position?}], exclude?: [{class, count}]}"),
}
ALLOWED_SETTING_KEYS = frozenset(_SETTING_RULES)

_REQUIRED_FIELDS = ("id", "prompt", "category")
_OPTIONAL_FIELDS = ("settings", "anchor", "metadata")


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


@dataclass
class SuiteItem:
    """One prompt of a benchmark suite."""

    id: str
    prompt: str
    category: str
    settings: dict[str, Any] = field(default_factory=dict)
    anchor: bool = False
    # Source-specific facts kept for analysis (PartiPrompts challenge, GenEval include/exclude, ...).
    metadata: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# --- the project's JSONL format -------------------------------------------------------------------


def load_suite_jsonl(path: Path | str) -> list[SuiteItem]:
    """Read a suite in the project's JSONL format; raise SuiteFormatError naming line and field."""
    items: list[SuiteItem] = []
    first_line_of_id: dict[str, int] = {}
    with open(path, encoding="utf-8") as handle:
        for line_number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            item = _parse_suite_line(path, line_number, line)
            if item.id in first_line_of_id:
                raise SuiteFormatError(
                    path,
                    line_number,
                    f"duplicate id '{item.id}' (first used on line {first_line_of_id[item.id]})",
                    "id",
                )
            first_line_of_id[item.id] = line_number
            items.append(item)
    return items


def _parse_suite_line(path: Path | str, line_number: int, line: str) -> SuiteItem:
    def fail(problem: str, field_name: str | None = None) -> SuiteFormatError:
        return SuiteFormatError(path, line_number, problem, field_name)

    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        raise fail(f"not valid JSON ({error.msg} at column {error.colno})") from error
    if not isinstance(record, dict):
        raise fail("expected a JSON object")

    for name in _REQUIRED_FIELDS:
        if name not in record:
            raise fail("missing required field", name)
        if not _is_non_empty_str(record[name]):
            raise fail("must be a non-empty string", name)

    for name in record:
        if name in _REQUIRED_FIELDS or name in _OPTIONAL_FIELDS:
            continue
        hint = "; run settings go inside 'settings'" if name in ALLOWED_SETTING_KEYS else ""
        raise fail(f"unknown field{hint}", name)

    settings = record.get("settings", {})
    if not isinstance(settings, dict):
        raise fail("must be a JSON object", "settings")
    for key, value in settings.items():
        rule = _SETTING_RULES.get(key)
        if rule is None:
            allowed = ", ".join(sorted(ALLOWED_SETTING_KEYS))
            raise fail(f"unknown setting key (allowed: {allowed})", f"settings.{key}")
        is_valid, expectation = rule
        if not is_valid(value):
            detail = f" ({_expected_problem(value)})" if key == "expected" else ""
            raise fail(f"must be {expectation}, got {value!r}{detail}", f"settings.{key}")

    anchor = record.get("anchor", False)
    if not isinstance(anchor, bool):
        raise fail("must be true or false", "anchor")
    metadata = record.get("metadata", {})
    if not isinstance(metadata, dict):
        raise fail("must be a JSON object", "metadata")

    return SuiteItem(
        id=record["id"],
        prompt=record["prompt"],
        category=record["category"],
        settings=dict(settings),
        anchor=anchor,
        metadata=dict(metadata),
    )


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
                expected = {"include": record["include"], **({"exclude": record["exclude"]} if record.get("exclude") else {})}
                problem = _expected_problem(expected)
                if problem:
                    raise SuiteFormatError(path, line_number, f"GenEval expectations not usable: {problem}", "include")
                settings["expected"] = expected
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
