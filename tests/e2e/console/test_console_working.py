"""Working with generations in the console (issue 25 items 1, 2, 3, 5 and 8), in a real headless Chromium (Debian's
`chromium`, Playwright) against `imagegate serve`, at laptop and phone widths, as a person uses it:

- run again from a round with one setting changed: the form is filled with every setting of the source and that
  round's prompt; the new generation has the one change, the rest as the source, and links back to it;
- compare two rounds side by side (images, the prompt's word diff, the checks that changed) and open an image in
  the lightbox;
- the overlay of what the offline world drew, switched on and off; an image without a drawing record (a real
  model's: its drawn.json answers 404) shows none and the switch stays hidden;
- follow a running generation's progress (the step it is at and at least two finished steps) and cancel it while
  it is RUNNING, in a step, not waiting for anyone: it ends at once with its rounds and cost and draws nothing more;
- cancel a generation that waits for its review and delete it once it has ended, each after a confirmation (a
  dismissed one does nothing);
- a long prompt is cut to two lines in the list, whole on the generation page.
Screenshots go to build/console/. No page may log a console error or throw, but the browser's own lines for the
404s the simulated real model's drawings answer."""

from __future__ import annotations

import json
import os
import shutil
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.e2e

SCREENSHOTS = Path(__file__).resolve().parents[3] / "build" / "console"
VIEWPORTS = {"laptop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}
# Two rounds always (a threshold no offline round reaches): something to compare and a round 2 to re-run from.
TWO_ROUNDS = {"prompt": "a red apple to the left of a blue cup", "threshold": 10, "maxRounds": 2, "seed": 5}
ENDED = {"PASSED", "EXHAUSTED", "BLOCKED", "FAILED"}


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
    root = tmp_path_factory.mktemp("console-working")
    serving = start_serve(root, "--retry-time-scale", "0", "--data-dir", str(root / "data"))
    serving.wait_ready()
    try:
        yield serving.url, chromium
    finally:
        serving.stop()


def _api(url: str, method: str, path: str, body: dict[str, Any] | None = None) -> tuple[int, Any]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url + path, data=data, method=method, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            text = answer.read()
            return answer.status, json.loads(text) if text else None
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def _finished(url: str, body: dict[str, Any]) -> dict[str, Any]:
    status, started = _api(url, "POST", "/generations", {"verifier": "none", **body})
    assert status == 202, started
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        document = _api(url, "GET", f"/generations/{started['id']}")[1]
        if document["status"] in ENDED:
            return document
        time.sleep(0.2)
    raise AssertionError(f"{started['id']} did not end")


@pytest.fixture(scope="module")
def two_rounds(served) -> dict[str, Any]:
    url, _ = served
    document = _finished(url, TWO_ROUNDS)
    assert len(document["rounds"]) == 2, document["status"]
    return document


@pytest.fixture(scope="module")
def browser(served) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=served[1], args=["--no-sandbox"])
        try:
            yield launched
        finally:
            launched.close()


class Page:
    def __init__(self, browser: Any, viewport_name: str):
        self.name = viewport_name
        self.context = browser.new_context(viewport=VIEWPORTS[viewport_name])
        self.page = self.context.new_page()
        self.page.set_default_timeout(30_000)
        self.problems: list[str] = []
        self.page.on(
            "console",
            lambda m: (
                self.problems.append(f"{m.type}: {m.text} at {m.location.get('url', '')}")
                if m.type in ("error", "warning")
                else None
            ),
        )
        self.page.on("pageerror", lambda error: self.problems.append(f"pageerror: {error}"))

    def screenshot(self, name: str) -> None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SCREENSHOTS / f"{name}-{self.name}.png"), full_page=True)


@pytest.fixture(params=list(VIEWPORTS))
def page(browser, request) -> Iterator[Page]:
    opened = Page(browser, request.param)
    yield opened
    opened.context.close()


@pytest.fixture
def laptop(browser) -> Iterator[Page]:
    opened = Page(browser, "laptop")
    yield opened
    opened.context.close()


def _open(page: Any, url: str, run_id: str) -> None:
    page.goto(f"{url}/#/generations/{run_id}")
    page.locator("#generation-status .badge").wait_for()


# -- re-run with one setting changed ----------------------------------------------------------------------------
def test_run_again_from_a_round_with_one_setting_changed(served, two_rounds, page):
    url, _ = served
    p = page.page
    source = two_rounds
    round_two = source["rounds"][1]
    _open(p, url, source["id"])

    # When "Run again from round 2's prompt" is followed
    p.locator("#round-2 a.rerun-round").click()
    p.locator("#rerun-source").wait_for()

    # Then the form holds round 2's prompt and every setting of the source
    assert p.locator("[name=prompt]").input_value() == round_two["prompt"]
    settings = source["settings"]
    for name in ("threshold", "maxRounds", "seed", "maxCostUsd", "candidatesPerRound"):
        assert float(p.locator(f"[name={name}]").input_value()) == float(settings[name]), name
    for name in ("strategy", "generator", "judge", "rewriter", "review"):
        assert p.locator(f"[name={name}]").input_value() == settings[name], name
    assert p.locator("[name=size]").input_value() == f"{settings['width']}x{settings['height']}"
    page.screenshot("form-rerun")

    # When one setting (the seed) is changed and the form sent
    p.locator("details.advanced-settings > summary").click()
    p.locator("[name=seed]").fill("6")
    p.get_by_role("button", name="Start generation").click()

    # Then the new generation links back to its source and round, with the seed changed and the rest as the source
    p.locator("#rerun-of").wait_for()
    assert source["id"] in p.locator("#rerun-of").inner_text() and "round 2" in p.locator("#rerun-of").inner_text()
    new_id = p.url.rsplit("/", 1)[-1]
    assert new_id != source["id"]
    new = _api(url, "GET", f"/generations/{new_id}")[1]
    assert new["prompt"] == round_two["prompt"] and new["settings"]["from"] == {"id": source["id"], "round": 2}
    assert new["settings"]["seed"] == 6
    unchanged = {k: v for k, v in settings.items() if k not in ("seed", "from", "prompt")}
    assert {k: new["settings"].get(k) for k in unchanged} == unchanged
    page.screenshot("generation-rerun")
    assert not page.problems, page.problems


# -- compare, lightbox, overlay -----------------------------------------------------------------------------------
def test_compare_two_rounds_open_one_full_size_and_switch_the_overlay(served, two_rounds, page):
    url, _ = served
    p = page.page
    _open(p, url, two_rounds["id"])

    # The compare view shows round 1 and round 2 side by side, the prompt's word diff and the changed checks
    compare = p.locator("#compare")
    compare.locator(".compare-a img").wait_for()
    assert p.locator("#compare-a").input_value() == "1" and p.locator("#compare-b").input_value() == "2"
    p.wait_for_function("() => [...document.querySelectorAll('img')].every((img) => img.complete)")
    a, b = p.evaluate(
        "() => ['a', 'b'].map((side) => document.querySelector(`#compare .compare-${side} img`).getBoundingClientRect())"
        ".map((r) => ({x: r.x, y: r.y, width: r.width}))"
    )
    assert abs(a["y"] - b["y"]) < 2 and a["x"] + a["width"] <= b["x"]  # side by side, at both widths
    assert "Round 1: score" in compare.locator(".compare-a figcaption").inner_text()
    rounds = two_rounds["rounds"]
    if rounds[0]["prompt"] != rounds[1]["prompt"]:
        assert compare.locator(".prompt-diff ins, .prompt-diff del").count() > 0
    assert p.locator("#compare-checks").count() == 1
    # choosing the same round on both sides changes no check
    p.locator("#compare-b").select_option("1")
    assert "No check changed" in p.locator("#compare-checks").inner_text()
    p.locator("#compare-b").select_option("2")
    # a candidate grid per round with each candidate's score
    assert p.locator("#round-1 figure.candidate figcaption").first.inner_text().startswith("#1 · ")

    # The overlay: off at first; the switch lays each object's label and box over every image, and takes them away
    toggle = p.locator("#overlay-toggle")
    toggle.wait_for()
    p.wait_for_function("() => document.querySelectorAll('#best-image + .drawn-overlay .drawn-box').length > 0")
    assert not p.locator("#compare .drawn-overlay").first.is_visible()
    toggle.check()
    labels = p.locator(".summary-grid .drawn-overlay .drawn-tag").all_inner_texts()
    assert labels and any("apple" in label for label in labels), labels
    assert p.locator("#compare .drawn-overlay").first.is_visible()
    # every label stays on its image (it used to spill over the page beside a box near the right edge)
    outside = p.evaluate(
        """() => [...document.querySelectorAll('.drawn-overlay')].filter((o) => o.offsetParent).flatMap((overlay) => {
            const image = overlay.getBoundingClientRect();
            return [...overlay.querySelectorAll('.drawn-tag')].map((tag) => [tag.textContent, tag.getBoundingClientRect()])
                .filter(([, r]) => r.left < image.left - 1 || r.right > image.right + 1 || r.top < image.top - 1
                    || r.bottom > image.bottom + 1)
                .map(([text, r]) => `${text}: ${Math.round(r.left)}-${Math.round(r.right)} on ${Math.round(image.left)}-${Math.round(image.right)}`);
        })"""
    )
    assert not outside, outside
    page.screenshot("overlay")
    toggle.uncheck()
    assert not p.locator(".summary-grid .drawn-overlay").is_visible()
    page.screenshot("compare")

    # The lightbox: a round's image opens full size (the PNG's own pixels) and Escape closes it
    p.locator("#round-2 figure.candidate img").first.click()
    dialog = p.locator("dialog#lightbox")
    dialog.wait_for()
    p.wait_for_function("() => document.querySelector('#lightbox-image')?.naturalWidth > 0")
    natural = p.eval_on_selector("#lightbox-image", "img => [img.naturalWidth, img.naturalHeight]")
    assert natural == [two_rounds["settings"]["width"], two_rounds["settings"]["height"]]
    assert p.locator("#lightbox-open").get_attribute("href").startswith(url)
    page.screenshot("lightbox")
    p.keyboard.press("Escape")
    dialog.wait_for(state="hidden")
    assert not page.problems, page.problems


def test_an_image_without_a_drawing_record_shows_no_overlay(served, two_rounds, laptop):
    url, _ = served
    p = laptop.page
    # Given every drawing record answering 404, as a real model's image has none
    p.route("**/*.drawn.json*", lambda route: route.fulfill(status=404, body=""))
    _open(p, url, two_rounds["id"])
    p.locator("#compare .compare-b img").wait_for()
    p.wait_for_timeout(500)  # the drawings' fetches answered (404)
    assert p.locator(".drawn-overlay").count() == 0
    assert not p.locator("#overlay-toggle").is_visible()
    assert all("404" in problem for problem in laptop.problems), laptop.problems


# -- cancel and delete --------------------------------------------------------------------------------------------
def test_cancel_a_running_generation_then_delete_it(served, page):
    url, _ = served
    p = page.page
    # Given a generation that waits for its review (it runs until someone answers)
    status, started = _api(
        url, "POST", "/generations", {**TWO_ROUNDS, "threshold": 0, "verifier": "none", "review": "final"}
    )
    assert status == 202
    run_id = started["id"]
    _open(p, url, run_id)
    p.locator("#review-approve").wait_for(timeout=60_000)

    # When cancel is clicked and the confirmation dismissed, nothing happens
    asked: list[str] = []
    p.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    p.locator("#cancel-generation").click()
    assert asked and "Cancel this generation?" in asked[0]
    assert _api(url, "GET", f"/generations/{run_id}")[1]["status"] == "AWAITING_REVIEW"

    # When it is confirmed, the generation ends FAILED, cancelled, its round kept
    p.once("dialog", lambda dialog: dialog.accept())
    p.locator("#cancel-generation").click()
    p.wait_for_function("() => document.querySelector('#generation-status .badge')?.textContent === 'FAILED'")
    assert "cancelled by" in p.locator("#generation-reason").inner_text()
    assert p.locator("#round-1").count() == 1
    delete = p.locator("#delete-generation")
    delete.wait_for()
    page.screenshot("generation-cancelled")

    # When delete is confirmed, the console goes back to the list, which no longer shows it; the API says 404
    p.once("dialog", lambda dialog: dialog.accept())
    delete.click()
    p.get_by_role("heading", name="Generations").wait_for()
    p.locator("ul.gen-list").wait_for(state="attached")
    assert p.locator(f'a[href="#/generations/{run_id}"]').count() == 0
    assert _api(url, "GET", f"/generations/{run_id}")[0] == 404
    page.screenshot("generation-deleted")
    assert not page.problems, page.problems


# A run that is still RUNNING when a person gets to it (not waiting for a review): ten rounds of three candidates
# under a threshold no offline round reaches and a cost cap they stay under, so it has many rounds to go when its
# first steps have finished (about a second and a half a round offline).
LONG_RUN = {
    "prompt": "two dogs left of a bench in a park",
    "threshold": 10,
    "maxRounds": 10,
    "candidatesPerRound": 3,
    "maxCostUsd": 20,
    "verifier": "none",
}
FINISHED_STEP = r"(starting|generating|judging|verifying|evaluating|recording|rewriting)( \(round \d+\))? \d+ s"


def test_follow_a_running_generations_progress_and_cancel_it_while_it_runs(served, page):
    import re

    url, _ = served
    p = page.page
    # Given a generation that runs on its own (no review to wait for), its page open
    status, started = _api(url, "POST", "/generations", LONG_RUN)
    assert status == 202, started
    run_id = started["id"]
    _open(p, url, run_id)

    # When it has finished at least two steps, the page says the step it is at, the time since it started and the
    # steps finished before it, each with its seconds, while it is RUNNING
    p.wait_for_function(
        "pattern => (document.querySelector('#generation-steps')?.textContent.match(new RegExp(pattern, 'g')) || [])"
        ".length >= 2",
        arg=FINISHED_STEP,
        timeout=60_000,
    )
    progress = p.locator("#generation-progress").inner_text()
    assert progress.startswith("Now: ") and "since it started" in progress, progress
    assert len(re.findall(FINISHED_STEP, p.locator("#generation-steps").inner_text())) >= 2
    assert p.locator("#generation-status .badge").inner_text() == "RUNNING"
    p.wait_for_function("() => [...document.images].every((img) => img.complete)")  # for the screenshot
    page.screenshot("progress")

    # When Cancel generation is confirmed while the API still says RUNNING (a run in a step, no review pending)
    running = _api(url, "GET", f"/generations/{run_id}")[1]
    assert running["status"] == "RUNNING" and running["awaitingReview"] is None, running["status"]
    assert running["progress"]["round"] is not None and len(running["rounds"]) < LONG_RUN["maxRounds"] - 2
    asked: list[str] = []
    p.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    p.locator("#cancel-generation").click()

    # Then the page shows it ended FAILED, cancelled, with Delete in place of Cancel
    p.wait_for_function(
        "() => document.querySelector('#generation-status .badge')?.textContent === 'FAILED'", timeout=30_000
    )
    assert asked and "Cancel this generation?" in asked[0]
    assert "cancelled by" in p.locator("#generation-reason").inner_text()
    p.locator("#delete-generation").wait_for()
    assert p.locator("#cancel-generation").count() == 0

    # And the API agrees: ended by the cancel long before its last round, its rounds and their cost kept
    ended = _api(url, "GET", f"/generations/{run_id}")[1]
    assert (ended["status"], ended["error"]) == ("FAILED", "Cancelled"), ended
    assert len(running["rounds"]) <= len(ended["rounds"]) < LONG_RUN["maxRounds"]
    assert ended["totals"]["rounds"] == len(ended["rounds"])
    if ended["rounds"]:
        assert ended["totals"]["costUsd"] > 0
    # And it stays stopped: no round is drawn or recorded after the cancel
    time.sleep(3)
    later = _api(url, "GET", f"/generations/{run_id}")[1]
    assert (later["status"], len(later["rounds"]), later["totals"]) == ("FAILED", len(ended["rounds"]), ended["totals"])
    if ended["rounds"]:
        p.locator(f"#round-{len(ended['rounds'])}").wait_for()
    assert p.locator("li.round").count() == len(ended["rounds"])
    page.screenshot("generation-cancelled-running")
    assert not page.problems, page.problems


# -- the last round's review ----------------------------------------------------------------------------------
def test_the_last_rounds_review_says_a_reject_ends_the_run_and_it_does(served, laptop):
    """Issue 25.6: when no rounds are left, the review box says a reject ends the run (and draws nothing more)."""
    url, _ = served
    p = laptop.page
    # Given a one-round generation waiting for its review
    status, started = _api(
        url, "POST", "/generations", {**TWO_ROUNDS, "threshold": 0, "maxRounds": 1, "review": "final"}
    )
    assert status == 202
    _open(p, url, started["id"])
    p.locator("#review-approve").wait_for(timeout=60_000)

    # Then its review box says that a reject ends the run
    assert "a reject ends the run EXHAUSTED" in p.locator("#review-last-round").inner_text()
    laptop.screenshot("review-last-round")

    # And a reject with feedback ends it EXHAUSTED with its one round, no round drawn after it
    p.locator("#review-feedback").fill("make the cup green")
    p.locator("#review-reject").click()
    p.wait_for_function(
        "() => document.querySelector('#generation-status .badge')?.textContent === 'EXHAUSTED'", timeout=60_000
    )
    ended = _api(url, "GET", f"/generations/{started['id']}")[1]
    assert ended["status"] == "EXHAUSTED" and len(ended["rounds"]) == 1
    assert not laptop.problems, laptop.problems


# -- a long prompt in the list ----------------------------------------------------------------------------------
def test_a_long_prompt_is_two_lines_in_the_list_and_whole_on_its_page(served, page):
    url, _ = served
    p = page.page
    prompt = "a red apple to the left of a blue cup, " * 14 + "on a wooden table"
    document = _finished(url, {"prompt": prompt, "maxRounds": 1})
    p.goto(url + "/")
    link = p.locator(f'a.prompt[href="#/generations/{document["id"]}"]')
    link.wait_for()
    line = float(p.eval_on_selector("a.prompt", "a => parseFloat(getComputedStyle(a).lineHeight)"))
    assert link.bounding_box()["height"] <= 2 * line + 1
    assert link.get_attribute("title") == prompt
    page.screenshot("list-long-prompt")
    link.click()
    p.get_by_role("heading", name=prompt).wait_for()
    assert not page.problems, page.problems


# -- the status filter, asked of the API ------------------------------------------------------------------------
def test_the_status_filter_is_applied_by_the_api_not_to_the_loaded_page(served, laptop):
    """The list used to filter on the status among the generations already loaded (20 a page), so a FAILED one
    older than the newest 20 was not found; it now asks GET /generations?status= (issue 25.8)."""
    url, _ = served
    p = laptop.page
    # Given a FAILED generation (cancelled while it waits) and then more newer ones than a page of the list holds
    status, waiting = _api(url, "POST", "/generations", {**TWO_ROUNDS, "threshold": 0, "review": "final"})
    assert status == 202
    deadline = time.monotonic() + 60
    while _api(url, "GET", f"/generations/{waiting['id']}")[1]["status"] != "AWAITING_REVIEW":
        assert time.monotonic() < deadline
        time.sleep(0.2)
    assert _api(url, "POST", f"/generations/{waiting['id']}/cancel")[0] == 200
    newer = [
        _api(url, "POST", "/generations", {"prompt": f"a cat number {k}", "maxRounds": 1, "verifier": "none"})
        for k in range(20)
    ]
    assert all(code == 202 for code, _ in newer)
    deadline = time.monotonic() + 180
    for _, started in newer:
        while _api(url, "GET", f"/generations/{started['id']}")[1]["status"] not in ENDED:
            assert time.monotonic() < deadline, "the newer generations did not end"
            time.sleep(0.2)
    old_failed = f'a[href="#/generations/{waiting["id"]}"]'
    p.goto(url + "/")
    p.locator("ul.gen-list .gen-item").first.wait_for()
    assert p.locator(old_failed).count() == 0  # not on the first page

    # When the list is filtered on FAILED
    asked: list[str] = []
    p.on("request", lambda request: asked.append(request.url) if "/generations?" in request.url else None)
    p.locator("#status-filter").select_option("FAILED")
    p.locator(old_failed).wait_for()

    # Then the API was asked for FAILED ones, and the list is exactly its answer, the old one among them
    assert any("status=FAILED" in asked_url for asked_url in asked), asked
    expected = _api(url, "GET", "/generations?limit=20&status=FAILED")[1]["generations"]
    shown = p.locator(".gen-item")
    assert shown.count() == len(expected) >= 1
    assert [shown.nth(k).locator(".gen-status .badge").first.inner_text() for k in range(shown.count())] == [
        "FAILED"
    ] * len(expected)
    # And "All statuses" lists the newest page again
    p.locator("#status-filter").select_option("")
    p.wait_for_function("() => document.querySelectorAll('.gen-item').length === 20")
    assert p.locator(old_failed).count() == 0
    laptop.screenshot("list-status-filter")
    assert not laptop.problems, laptop.problems
