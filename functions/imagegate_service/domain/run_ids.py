"""Run ids: they double as Step Functions execution names, S3 prefixes and table keys."""

from __future__ import annotations

import re
import time
import uuid

# Execution names allow 1-80 characters; ours (and any an operator types) stay within S3-key-safe ones.
_RUN_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,79}$")


def new_run_id() -> str:
    """Execution names double as run ids: time-ordered, unique, and legal in S3 keys and SFN names."""
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()) + "-" + uuid.uuid4().hex[:8]


def is_run_id(value: str) -> bool:
    return bool(_RUN_ID.match(value))
