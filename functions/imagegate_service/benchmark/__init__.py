"""Benchmark library: suites in, metrics and a report (report.json + report.html) out."""

from imagegate_service.benchmark.metrics import Tolerances, compare, compute_metrics
from imagegate_service.benchmark.report import build_report, find_previous_report, render_html, write_report
from imagegate_service.benchmark.suites import (
    SuiteFormatError,
    SuiteItem,
    load_geneval_jsonl,
    load_partiprompts_tsv,
    load_suite_jsonl,
    select_items,
)

__all__ = [
    "SuiteFormatError",
    "SuiteItem",
    "Tolerances",
    "build_report",
    "compare",
    "compute_metrics",
    "find_previous_report",
    "load_geneval_jsonl",
    "load_partiprompts_tsv",
    "load_suite_jsonl",
    "render_html",
    "select_items",
    "write_report",
]
