"""report.html for one run: the rounds side by side with image, score, explanation, suggestions and
how the prompt changed. Self-contained: no scripts, no network; every model or user text escaped."""

from __future__ import annotations

import difflib
from html import escape
from typing import Any

_STYLE = """
body{font-family:system-ui,sans-serif;margin:24px;color:#1b1f24;background:#fafafa}
h1{font-size:20px;margin:0 0 4px} .meta{color:#555;margin-bottom:16px}
.status{display:inline-block;padding:2px 8px;border-radius:4px;color:#fff;font-weight:600}
.PASSED{background:#1a7f37}.EXHAUSTED{background:#9a6700}.BLOCKED{background:#6e40c9}.FAILED{background:#cf222e}
.rounds{display:flex;gap:16px;overflow-x:auto;align-items:flex-start}
.round{flex:0 0 320px;background:#fff;border:1px solid #d0d7de;border-radius:8px;padding:12px}
.round.best{border:2px solid #1a7f37}
.round img{width:100%;border-radius:4px;background:#eee}
.score{font-size:22px;font-weight:700}.pass{color:#1a7f37}.fail{color:#cf222e}
.prompt{font-size:13px;background:#f6f8fa;padding:6px;border-radius:4px}
ins{background:#dafbe1;text-decoration:none} del{background:#ffebe9}
ul{padding-left:18px;margin:4px 0} .small{font-size:12px;color:#555}
.thumbs{display:flex;gap:4px;margin-top:4px}.thumbs img{width:60px}
"""


def prompt_diff_html(before: str, after: str) -> str:
    """Word-level diff: what the rewrite added and removed (a word that only gained a comma is kept)."""
    old, new = before.split(), after.split()
    bare = lambda words: [w.strip(",.;:") for w in words]  # noqa: E731
    parts = []
    for op, a1, a2, b1, b2 in difflib.SequenceMatcher(a=bare(old), b=bare(new), autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(escape(" ".join(new[b1:b2])))
        if op in ("delete", "replace"):
            parts.append(f"<del>{escape(' '.join(old[a1:a2]))}</del>")
        if op in ("insert", "replace"):
            parts.append(f"<ins>{escape(' '.join(new[b1:b2]))}</ins>")
    return " ".join(parts)


def _round_card(entry: dict[str, Any], previous_prompt: str | None, threshold: float, best_round: Any) -> str:
    passed = entry["score"] >= threshold
    prompt_html = prompt_diff_html(previous_prompt, entry["prompt"]) if previous_prompt else escape(entry["prompt"])
    subscores = ", ".join(f"{escape(k)} {v}" for k, v in entry.get("subscores", {}).items())
    suggestions = "".join(f"<li>{escape(s)}</li>" for s in entry.get("suggestions", [])) or "<li>none</li>"
    changes = "".join(f"<li>{escape(s)}</li>" for s in entry.get("promptChanges", []))
    others = [img for img in entry.get("images", []) if img != entry["bestImage"]]
    thumbs = "".join(f'<img src="{escape(img)}" alt="other candidate">' for img in others)
    negative = f'<div class="small">negative: {escape(entry["negativePrompt"])}</div>' if entry.get("negativePrompt") else ""
    return f"""
<div class="round{' best' if entry['round'] == best_round else ''}">
  <div><b>Round {entry['round']}</b>{' · best' if entry['round'] == best_round else ''}</div>
  <img src="{escape(entry['bestImage'])}" alt="round {entry['round']} image">
  {f'<div class="thumbs">{thumbs}</div>' if thumbs else ''}
  <div class="score {'pass' if passed else 'fail'}">{entry['score']:.1f} / 10 {'passed' if passed else 'below threshold'}</div>
  <div class="small">{subscores}</div>
  <p>{escape(entry.get('explanation', ''))}</p>
  <div><b>Suggestions</b><ul>{suggestions}</ul></div>
  {_evaluation_html(entry.get('evaluation'))}
  <div><b>Prompt</b><div class="prompt">{prompt_html}</div>{negative}</div>
  {f'<div><b>Changes</b><ul>{changes}</ul></div>' if changes else ''}
  <div class="small">cost ${entry.get('costUsd', 0):.4f} · <a href="{escape(entry['verdict'])}">verdict.json</a></div>
</div>"""


def _evaluation_html(evaluation: dict[str, Any] | None) -> str:
    """The independent evaluator's checks on the image, each marked held or failed (escaped)."""
    if not evaluation:
        return ""
    source = escape(evaluation["source"])
    if "unavailable" in evaluation:
        reason = escape(evaluation["unavailable"])
        return f'<div><b>Evaluator</b> ({source}): unavailable <span class="small">{reason}</span></div>'
    checks = "".join(f'<li class="{"pass" if check["satisfied"] else "fail"}">{"✓" if check["satisfied"] else "✗"} '
                     f'{escape(check["question"])}</li>' for check in evaluation["checks"])
    verdict, css = ("passed", "pass") if evaluation["passed"] else ("failed", "fail")
    return f'<div><b>Evaluator</b> ({source}): <span class="{css}">{verdict}</span><ul>{checks}</ul></div>'


def _final_evaluation_html(run: dict[str, Any]) -> str:
    evaluation = run.get("evaluation")
    if not evaluation or "unavailable" in evaluation:
        return ""
    return (f"· evaluator on the final image: {'passed' if evaluation['passed'] else 'failed'} "
            f"({escape(evaluation['source'])}), evaluator cost ${run.get('evaluationCostUsd', 0):.4f}")


def render_run_report(run: dict[str, Any]) -> str:
    threshold = run.get("threshold") or 0
    cards, previous = [], None
    for entry in run["rounds"]:
        cards.append(_round_card(entry, previous, threshold, run.get("bestRound")))
        previous = entry["prompt"]
    final = "n/a" if run.get("finalScore") is None else f"{run['finalScore']:.1f}"
    error = (f"<p><b>Error</b> {escape(str(run.get('error')))}: <code>{escape(str(run.get('cause') or ''))[:600]}</code></p>"
             if run.get("error") else "")
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>imagegate run {escape(run['runId'])}</title>
<style>{_STYLE}</style></head><body>
<h1>imagegate run {escape(run['runId'])} <span class="status {escape(run['status'])}">{escape(run['status'])}</span></h1>
<div class="meta">“{escape(run['prompt'])}”<br>
final score {final} (threshold {threshold}) · best round {run.get('bestRound') or 'n/a'} ·
{len(run['rounds'])} round(s) · model cost ${run.get('costUsd', 0):.4f}
{_final_evaluation_html(run)}
{f"<br>{escape(run['reason'])}" if run.get('reason') else ''}</div>
{error}
<div class="rounds">{''.join(cards) or '<p>No round was completed.</p>'}</div>
</body></html>
"""
