"""The console against `imagegate serve --token` (issue 26 item 1: the optional token every API route needs, "and
the console sends it"), in a real headless Chromium: without the token the API refuses the console's calls (401)
and the page says so; with the token pasted under Connection the list loads, a generation starts from the form and
its images show (presigned image URLs need no token); the token is kept for that tab only."""

from __future__ import annotations

import json
import os
import shutil
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.e2e

SCREENSHOTS = Path(__file__).resolve().parents[3] / "build" / "console"
TOKEN = "console-token-7f3a"


@pytest.fixture(scope="module")
def served(tmp_path_factory, start_serve) -> Iterator[tuple[str, str]]:
    missing = []
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("the playwright Python package")
    chromium = shutil.which("chromium")
    if chromium is None:
        missing.append("Debian's chromium")
    if missing:
        message = "the console tests need " + " and ".join(missing)
        if os.environ.get("CI"):
            pytest.fail(message + "; `make test` installs them")
        pytest.skip(message)
    root = tmp_path_factory.mktemp("console-token")
    serving = start_serve(root, "--retry-time-scale", "0", "--data-dir", str(root / "data"), "--token", TOKEN)
    serving.wait_ready()
    try:
        yield serving.url, chromium or ""
    finally:
        serving.stop()


@pytest.fixture(scope="module")
def browser(served) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=served[1], args=["--no-sandbox"])
        try:
            yield launched
        finally:
            launched.close()


def _listed_with_token(url: str) -> list[dict[str, Any]]:
    request = urllib.request.Request(url + "/generations?limit=100", headers={"Authorization": f"Bearer {TOKEN}"})
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.loads(answer.read())["generations"]


def test_the_console_needs_the_token_and_sends_it_once_given(served, browser):
    url, _ = served
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30_000)
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda error: problems.append(f"pageerror: {error}"))

    # Given the console opened without the token: the API refuses its calls and the page says why
    page.goto(url + "/")
    page.get_by_text("this server needs its token").first.wait_for()
    assert page.locator(".gen-item").count() == 0
    # (the only console lines are the browser's own for the 401 answers)
    assert problems and all("401" in problem for problem in problems), problems
    problems.clear()

    # When the token is pasted under Connection and saved
    page.locator(".connection summary").click()
    page.locator("#connection-key").fill(TOKEN)
    page.get_by_role("button", name="Save").click()

    # Then the list loads (with today's budget line), and a generation starts from the form
    page.goto(url + "/#/")
    page.get_by_role("heading", name="Generations").wait_for()
    page.locator("#daily-budget", has_text="Today").wait_for()
    page.get_by_role("link", name="New generation").first.click()
    page.get_by_label("Prompt", exact=True).fill("a red apple on a wooden table")
    page.locator("[name=maxRounds]").fill("1")
    page.get_by_role("button", name="Start generation").click()
    page.wait_for_url("**/#/generations/*")
    page.wait_for_function(
        "() => !['QUEUED', 'RUNNING'].includes("
        "document.querySelector('#generation-status .badge')?.textContent ?? 'RUNNING')",
        timeout=60_000,
    )
    # And its image shows: the presigned URL the API gave needs no token
    page.locator("#best-image").wait_for()
    page.wait_for_function("() => document.querySelector('#best-image').naturalWidth > 0")
    run_id = page.url.rsplit("/", 1)[-1]
    assert [entry["id"] for entry in _listed_with_token(url)] == [run_id]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "token-generation-laptop.png"), full_page=True)
    assert not problems, problems
    # And the token is kept for this tab only: the page's storage holds none, a new session has to give it again
    assert page.evaluate("token => Object.values(window.localStorage).includes(token)", TOKEN) is False
    context.close()
    other = browser.new_context()
    fresh = other.new_page()
    fresh.goto(url + "/")
    fresh.get_by_text("this server needs its token").first.wait_for()
    other.close()
