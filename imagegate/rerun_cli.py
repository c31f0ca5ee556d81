"""`imagegate run --from <id> [--round N] [overrides]` (issue 25 item 2): a new run with every setting of an earlier
one (its run.json in --out), the prompt of its round N (or its original prompt), and the flags given on top; the
request records `from: {id, round}`, so the two runs stay linked (GET /generations/{id} settings.from)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

# Settings a run records that a new request must not copy: the link is the new run's own, and cfgScale belongs to
# the generator it was resolved for (a Stability model takes none).
_NOT_COPIED = ("from",)


def rerun_request(run: str, round_number: int | None, data_dir: Path) -> dict[str, Any]:
    """The request that re-runs `run` (an id, its unique start, or its folder) from round_number's prompt (None: the
    original prompt). ValueError naming --from or --round when there is no such run or round."""
    from imagegate.cli import run_folder

    folder = run_folder(run, data_dir)
    if isinstance(folder, str):
        raise ValueError(f"--from: {folder}")
    try:
        document = json.loads((folder / "run.json").read_text(encoding="utf-8"))
        settings = dict(document["settings"] or {})
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        raise ValueError(f"--from: {folder / 'run.json'} cannot be read: {error}") from None
    for name in _NOT_COPIED:
        settings.pop(name, None)
    request: dict[str, Any] = {**settings, "prompt": document.get("prompt") or settings.get("prompt")}
    link: dict[str, Any] = {"id": document.get("id") or folder.name}
    if round_number is not None:
        rounds = {entry.get("round"): entry for entry in document.get("rounds") or []}
        if round_number not in rounds:
            have = ", ".join(str(n) for n in sorted(r for r in rounds if isinstance(r, int))) or "none"
            raise ValueError(f"--round: {link['id']} has no round {round_number} (its rounds: {have})")
        request["prompt"] = rounds[round_number]["prompt"]
        request["negativePrompt"] = rounds[round_number].get("negativePrompt", settings.get("negativePrompt", ""))
        link["round"] = round_number
    request["from"] = link
    return request


def apply_overrides(request: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    """The flags given on top of the copied settings; a new generator drops the copied cfgScale (it was the old
    generator's, and the Stability models take none), so the new one's default applies."""
    if "generator" in overrides and overrides["generator"] != request.get("generator"):
        request.pop("cfgScale", None)
    return {**request, **overrides}
