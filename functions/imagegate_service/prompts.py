"""The judge and rewrite prompts and their schemas, read from the prompts/ folder (beside the package
in the Lambda asset, at the repository's top in a checkout)."""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path
from typing import Any, cast

from imagegate_service.constants import ENV_PROMPTS_DIR

_MARKER = "verdict.schema.json"


@cache
def prompts_dir() -> Path:
    configured = os.environ.get(ENV_PROMPTS_DIR)
    candidates = [Path(configured)] if configured else []
    package = Path(__file__).resolve().parent
    candidates += [parent / "prompts" for parent in package.parents]
    for candidate in candidates:
        if (candidate / _MARKER).is_file():
            return candidate
    raise FileNotFoundError(f"no prompts/ folder with {_MARKER} near {package} (set {ENV_PROMPTS_DIR})")


@cache
def text(name: str) -> str:
    return (prompts_dir() / name).read_text(encoding="utf-8").strip()


@cache
def schema(name: str) -> dict[str, Any]:
    return cast("dict[str, Any]", json.loads((prompts_dir() / name).read_text(encoding="utf-8")))
