"""Enhancing a finished generation from its console page, in a real headless Chromium (Debian's `chromium`,
Playwright) against `imagegate serve`: two operations are queued (remove the background, then a fast upscale) and
sent; the enhancement appears with the before and the after side by side, the after 4x the before's size; a
recolor without its colour is answered 400 next to the form, naming the field. No console error or page error
but the browser's own log line for that 400."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.e2e


def _chromium() -> str:
    missing = []
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("the playwright Python package (pip install -e '.[dev]')")
    chromium = shutil.which("chromium")
    if chromium is None:
        missing.append("Debian's chromium (apt-get install -y chromium)")
    if missing:
        message = "the console tests need " + " and ".join(missing)
        if os.environ.get("CI"):
            pytest.fail(message + "; `make test` installs them")
        pytest.skip(message)
    return chromium


@pytest.fixture(scope="module")
def served(tmp_path_factory, start_serve) -> Iterator[tuple[str, str]]:
    chromium = _chromium()
    root = tmp_path_factory.mktemp("console-enhance")
    serving = start_serve(root, "--retry-time-scale", "0", "--data-dir", str(root / "data"))
    serving.wait_ready()
    try:
        yield serving.url, chromium
    finally:
        serving.stop()


@pytest.fixture
def page(served) -> Iterator[tuple[Any, list[str]]]:
    from playwright.sync_api import sync_playwright

    _, chromium = served
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        try:
            context = browser.new_context(viewport={"width": 1366, "height": 900})
            opened = context.new_page()
            opened.set_default_timeout(30_000)
            problems: list[str] = []
            opened.on(
                "console",
                lambda m: (
                    problems.append(f"{m.type}: {m.text} at {m.location.get('url', '')}")
                    if m.type in ("error", "warning")
                    else None
                ),
            )
            opened.on("pageerror", lambda error: problems.append(f"pageerror: {error}"))
            yield opened, problems
        finally:
            browser.close()


def _natural_size(page: Any, selector: str) -> tuple[int, int]:
    page.wait_for_function(
        f"() => document.querySelector({selector!r})?.complete && document.querySelector({selector!r}).naturalWidth > 0"
    )
    return tuple(page.eval_on_selector(selector, "img => [img.naturalWidth, img.naturalHeight]"))


def test_enhance_with_two_operations_shows_before_and_after(served, page):
    url, _ = served
    opened, problems = page
    opened.goto(url + "/")
    started = opened.evaluate(
        """() => fetch('/generations', {method: 'POST', headers: {'Content-Type': 'application/json'},
            body: JSON.stringify({prompt: 'a red cup on a wooden table', maxRounds: 1, verifier: 'none'})})
            .then(r => r.json())"""
    )
    opened.goto(f"{url}/#/generations/{started['id']}")
    # the form appears once the generation has finished with an image
    opened.locator("#enhance-add-remove-background").wait_for(timeout=90_000)

    # A recolor without its colour is refused next to the form, naming the field; nothing is started
    opened.locator("#enhance-recolor-object").fill("cup")
    opened.locator("#enhance-add-recolor").click()
    opened.locator("#enhance-start").click()
    refusal = opened.locator("#enhance-message .error-banner")
    refusal.wait_for()
    assert "operations[0].colour" in refusal.inner_text()
    assert not opened.locator("article.enhancement").count()
    opened.locator("#enhance-clear").click()

    # Two operations queued in order, then sent
    opened.locator("#enhance-add-remove-background").click()
    opened.locator("#enhance-add-upscale-fast").click()
    assert opened.locator("#enhance-ops li").all_inner_texts() == ["remove-background", "upscale (fast)"]
    opened.locator("#enhance-start").click()
    opened.locator("#enhance-started").wait_for()

    # The enhancement ends SUCCEEDED with the before and the after side by side
    article = opened.locator("#enhancement-e1")
    opened.wait_for_function(
        "() => document.querySelector('#enhancement-e1 .badge')?.textContent === 'SUCCEEDED'", timeout=90_000
    )
    assert "remove-background → upscale (fast)" in article.locator("h3").inner_text()
    before = _natural_size(opened, "#enhancement-e1 figure.before img")
    after = _natural_size(opened, "#enhancement-e1 figure.after img")
    assert after == (4 * before[0], 4 * before[1])
    boxes = [opened.locator(f"#enhancement-e1 figure.{side}").bounding_box() for side in ("before", "after")]
    assert abs(boxes[0]["y"] - boxes[1]["y"]) < 2 and boxes[0]["x"] < boxes[1]["x"]  # side by side
    shots = Path(__file__).resolve().parents[3] / "build" / "console"
    shots.mkdir(parents=True, exist_ok=True)
    opened.screenshot(path=str(shots / "generation-enhance-laptop.png"), full_page=True)
    refused_log = [p for p in problems if "status of 400" in p and p.endswith("/enhance")]
    assert [p for p in problems if p not in refused_log] == [], problems
