"""The web console in a real headless Chromium (Debian's `chromium`, driven by Playwright for Python),
against `imagegate serve` on a free port, used as a person uses it: the form refuses a bad threshold next
to that field, a valid prompt starts a generation whose rounds appear on the page without a reload, the
best image opens, the run downloads as a zip of run.json and its images, and a local benchmark report
opens with its charts and tables. Screenshots of every page (laptop and phone width) go to build/console/.
No page may log a console error or throw, except the one 400 the bad threshold is answered with."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.e2e

REPO_ROOT = Path(__file__).resolve().parents[3]
SCREENSHOTS = REPO_ROOT / "build" / "console"
LAPTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
PROMPT = "a red apple to the left of a blue cup"
# A threshold no offline round reaches and three rounds: the run goes on long enough to be watched.
WATCHED_SETTINGS = {"threshold": "10", "maxRounds": "3"}
ACTIVE = {"QUEUED", "RUNNING"}


@dataclass
class Server:
    url: str
    bench_dir: Path
    chromium: str
    bench: subprocess.Popen  # imagegate bench writing a report into bench_dir
    bench_log: Path


def _browser_or_fail() -> str:
    """Debian's chromium, or a clear failure under CI (make test installs it) and a skip elsewhere."""
    missing = []
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("the playwright Python package (pip install -e '.[dev]')")
    chromium = shutil.which("chromium")
    if chromium is None:
        missing.append("Debian's chromium (apt-get update && apt-get install -y chromium)")
    if missing:
        message = "the console tests need " + " and ".join(missing)
        if os.environ.get("CI"):
            pytest.fail(message + "; `make test` installs them")
        pytest.skip(message)
    return chromium


@pytest.fixture(scope="module")
def server(tmp_path_factory, start_serve) -> Iterator[Server]:
    chromium = _browser_or_fail()
    root = tmp_path_factory.mktemp("console")
    bench_dir = root / "benchmarks"
    serving = start_serve(
        root, "--retry-time-scale", "0", "--data-dir", str(root / "data"), "--bench-dir", str(bench_dir)
    )
    # Meanwhile a small real benchmark report, written by the bench CLI as a user would (two arms, shown side
    # by side) on a suite of the bundled suite's first item of two categories; the benchmark tests wait for it.
    suite = root / "suite.jsonl"
    suite.write_text("".join(_first_item_per_category(2)), encoding="utf-8")
    with open(root / "bench.txt", "w") as output:
        bench = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "imagegate.cli",
                "bench",
                "--suite",
                str(suite),
                "--arms",
                "loop,single",
                "--max-rounds",
                "2",
                "--out",
                str(bench_dir),
            ],
            cwd=REPO_ROOT,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        serving.wait_ready()
        yield Server(serving.url, bench_dir, chromium, bench, root / "bench.txt")
    finally:
        if bench.poll() is None:
            bench.kill()
            bench.wait()
        serving.stop()


@pytest.fixture(scope="module")
def bench_report(server) -> Path:
    """The report.json the bench CLI wrote (waits for the bench to end)."""
    try:
        code = server.bench.wait(timeout=240)
    except subprocess.TimeoutExpired:
        pytest.fail(f"imagegate bench did not end:\n{server.bench_log.read_text()[-3000:]}")
    assert code == 0, server.bench_log.read_text()[-3000:]
    return next(server.bench_dir.glob("*/report.json"))


def _first_item_per_category(categories: int) -> list[str]:
    from imagegate.benchmark_local import DEFAULT_SUITE_FILE

    chosen: dict[str, str] = {}
    for line in DEFAULT_SUITE_FILE.read_text(encoding="utf-8").splitlines():
        if line.strip():
            chosen.setdefault(json.loads(line)["category"], line + "\n")
    return list(chosen.values())[:categories]


@pytest.fixture(scope="module")
def browser(server) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=server.chromium, args=["--no-sandbox"])
        try:
            yield launched
        finally:
            launched.close()


class Page:
    """A browser page that records every console error and uncaught exception."""

    def __init__(self, browser: Any, viewport: dict[str, int]):
        self.context = browser.new_context(viewport=viewport, accept_downloads=True)
        self.page = self.context.new_page()
        self.page.set_default_timeout(20_000)
        self.problems: list[str] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.problems.append(f"pageerror: {error}"))

    def _console(self, message: Any) -> None:
        if message.type in ("error", "warning"):
            self.problems.append(f"console {message.type}: {message.text} at {message.location.get('url', '')}")

    def screenshot(self, name: str, viewport_name: str) -> None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SCREENSHOTS / f"{name}-{viewport_name}.png"), full_page=True)

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def laptop(browser) -> Iterator[Page]:
    page = Page(browser, LAPTOP)
    yield page
    page.close()


@pytest.fixture
def phone(browser) -> Iterator[Page]:
    page = Page(browser, PHONE)
    yield page
    page.close()


def _refused_threshold(problem: str) -> bool:
    """The browser's own log line for the 400 the API answers the bad threshold with (a fetch that
    answers 4xx is logged by Chromium itself, not by the console's code)."""
    return "status of 400" in problem and problem.endswith("/generations")


def _fill_form(page: Any, settings: dict[str, str]) -> None:
    page.get_by_label("Prompt", exact=True).fill(PROMPT)
    for name, value in settings.items():
        page.locator(f"[name={name}]").fill(value)


# -- the generation, from the form to the zip ---------------------------------------------------------
def test_a_generation_from_the_form_to_the_zip(server, laptop, tmp_path):
    page = laptop.page
    # Given the console's generation list at /
    page.goto(server.url + "/")
    page.get_by_role("heading", name="Generations").wait_for()
    laptop.screenshot("generations", "laptop")

    # When the form is sent with a threshold above the schema's maximum
    page.get_by_role("link", name="New generation").first.click()
    page.get_by_role("heading", name="New generation").wait_for()
    defaults = json.loads(page.evaluate("fetch('/options').then(r => r.text())"))["defaults"]
    assert page.locator("[name=maxRounds]").input_value() == str(defaults["maxRounds"])  # the API's defaults shown
    # the form in two sections: basic (prompt, style, threshold, rounds) open, the rest folded under Advanced, and help
    # written for users (no internal names such as constants.STRATEGIES or prompts/styles.json)
    basic = page.locator("fieldset.basic-settings [data-field]")
    assert [basic.nth(k).get_attribute("data-field") for k in range(basic.count())] == [
        "prompt",
        "style",
        "threshold",
        "maxRounds",
    ]
    assert not page.locator("[name=strategy]").is_visible()
    page.locator("details.advanced-settings > summary").click()
    assert page.locator("[name=strategy]").is_visible() and page.locator("[name=seed]").is_visible()
    hints = page.locator("form.run-form").inner_text()
    assert not re.search(r"constants\.|\.json|STRATEGIES", hints), hints
    laptop.screenshot("form-sections", "laptop")
    _fill_form(page, {"threshold": "11"})
    page.get_by_role("button", name="Start generation").click()

    # Then the API's field error is shown next to the threshold field, which is marked invalid and focused
    error = page.locator("[data-field=threshold] .field-error")
    error.wait_for()
    assert "threshold" in error.inner_text() and "0-10" in error.inner_text()
    threshold = page.locator("[name=threshold]")
    assert threshold.get_attribute("aria-invalid") == "true"
    assert page.evaluate("document.activeElement.name") == "threshold"
    assert page.url.endswith("#/new")  # nothing started
    laptop.screenshot("form-field-error", "laptop")

    # When a valid request is sent, with rounds recorded on the page as they are added (no reload)
    page.evaluate("""() => {
        window.__sameDocument = true;
        window.__roundsSeen = [];
        new MutationObserver(() => {
            const status = document.querySelector('#generation-status .badge');
            const rounds = document.querySelectorAll('li.round').length;
            const last = window.__roundsSeen[window.__roundsSeen.length - 1];
            if (status && (!last || last.rounds !== rounds || last.status !== status.textContent)) {
                window.__roundsSeen.push({rounds, status: status.textContent});
            }
        }).observe(document.getElementById('main'), {childList: true, subtree: true});
    }""")
    _fill_form(page, WATCHED_SETTINGS)
    page.locator("[name=strategy]").select_option(
        "regenerate"
    )  # threshold 10, regenerate: round 2 is a rewritten prompt
    page.get_by_role("button", name="Start generation").click()
    page.wait_for_url("**/#/generations/*")
    page.wait_for_function(
        "() => !['QUEUED', 'RUNNING'].includes("
        "document.querySelector('#generation-status .badge')?.textContent ?? 'RUNNING')",
        timeout=60_000,
    )

    # Then the rounds appeared one poll after another while the generation was active, in the same document
    seen = page.evaluate("window.__roundsSeen")
    assert page.evaluate("window.__sameDocument === true"), "the page was reloaded"
    assert seen[0]["status"] in ACTIVE and seen[0]["rounds"] < seen[-1]["rounds"], seen
    assert seen[-1]["rounds"] >= 2, seen
    counts = [entry["rounds"] for entry in seen]
    assert counts == sorted(counts), seen  # rounds are only ever added
    generation_id = page.url.rsplit("/", 1)[-1]
    document = json.loads(page.evaluate(f"fetch('/generations/{generation_id}').then(r => r.text())"))
    assert document["status"] not in ACTIVE
    assert page.locator("#generation-status .badge").inner_text() == document["status"]
    assert page.locator("li.round").count() == len(document["rounds"]) >= 2
    assert page.get_by_text(document["reason"]).first.is_visible()
    # the live region announced the outcome; the prompt shows what changed since the previous round, marked in text
    assert page.locator("#announcer[aria-live=polite]").text_content().startswith(f"Generation {document['status']}")
    assert document["settings"]["strategy"] == "regenerate"
    rounds = document["rounds"]
    rewritten = [(before, after) for before, after in pairwise(rounds) if after["promptChanges"]]
    assert rewritten, [entry["promptChanges"] for entry in rounds]  # below a threshold of 10 the rewriter ran
    before, after = rewritten[0]
    assert after["prompt"] != before["prompt"]
    diff = page.locator(f"#round-{after['round']} .prompt-diff").first
    assert diff.locator("ins, del").count() >= 1
    assert "[added:" in diff.text_content() or "[removed:" in diff.text_content()
    # every image has alt text; each round marks the one best candidate the API names
    assert page.locator("main img:not([alt])").count() == 0
    assert page.locator("main img[alt='']").count() == 0
    for entry in rounds:
        assert [image["candidate"] for image in entry["images"] if image["best"]] == [entry["bestCandidate"]]
        marked = page.locator(f"#round-{entry['round']} figure.is-best")
        assert marked.count() == 1 and marked.inner_text().startswith(f"#{entry['bestCandidate']} ")
    # the judge's checks are a ✔/✘ list, the independent evaluator's a separate list under its own heading
    for entry in rounds:
        judged = page.locator(f"#round-{entry['round']} ul.judge-checks li")
        assert judged.count() == len(entry["judgeChecks"]) >= 1
        assert [text.strip()[0] for text in judged.all_inner_texts()] == [
            "✔" if check["satisfied"] else "✘" for check in entry["judgeChecks"]
        ]
        assert all(
            check["question"] in text
            for check, text in zip(entry["judgeChecks"], judged.all_inner_texts(), strict=True)
        )
    evaluated = page.locator("#round-1 ul.evaluator-checks li")
    assert evaluated.count() == len(rounds[0]["evaluation"]["checks"])
    assert all(text.strip()[0] in "✔✘?" for text in evaluated.all_inner_texts())  # ? unverifiable
    # beside the status, the evaluator's verdict on the best image in the API's counts
    from imagegate_service.domain.readings import evaluation_text

    assert page.locator("#generation-readings .badge.evaluation").inner_text() == evaluation_text(
        document["evaluation"]
    )
    assert page.locator("#round-1 h4", has_text="Independent evaluator's checks").count() == 1
    laptop.screenshot("generation", "laptop")

    # When the best image is opened
    best = page.locator("#best-image")
    assert best.evaluate("image => image.complete && image.naturalWidth > 0")
    with laptop.context.expect_page() as opened:
        page.get_by_role("link", name="Open best image").click()
    image_page = opened.value
    image_page.wait_for_load_state()
    # Then it is the best image, served as an image
    response = image_page.request.get(image_page.url)
    assert response.status == 200 and response.headers["content-type"] == "image/png"
    assert response.body()[:8] == b"\x89PNG\r\n\x1a\n"
    image_page.close()

    # When the whole run is downloaded
    with page.expect_download() as downloaded:
        page.get_by_role("button", name="Download run (.zip)").click()
    archive = tmp_path / downloaded.value.suggested_filename
    downloaded.value.save_as(archive)

    # Then the zip holds run.json and every image it lists, intact
    assert archive.name == f"{generation_id}.zip"
    with zipfile.ZipFile(archive) as bundle:
        assert bundle.testzip() is None  # every CRC-32 holds
        names = set(bundle.namelist())
        run = json.loads(bundle.read("run.json"))
        assert run["id"] == generation_id and run["status"] == document["status"]
        expected = {
            f"round-{entry['round']:02d}/candidate-{image['candidate']}.png"
            for entry in run["rounds"]
            for image in entry["images"]
        }
        assert len(expected) == sum(len(entry["images"]) for entry in run["rounds"]) >= 2
        # each offline image's drawing record beside it (what the world drew), named by its path in the zip
        drawings = {image["drawing"] for entry in run["rounds"] for image in entry["images"]}
        assert drawings == {name.replace(".png", ".drawn.json") for name in expected}
        assert all("objects" in json.loads(bundle.read(name)) for name in drawings)
        assert names == {"run.json"} | expected | drawings
        # run.json names every image by its path in the zip: no presigned URL, no query string, no token
        raw = bundle.read("run.json").decode("utf-8")
        assert "X-Amz-" not in raw and "://" not in raw
        listed = [image["url"] for entry in run["rounds"] for image in entry["images"]]
        assert sorted(listed) == sorted(expected)
        assert {entry["bestImage"] for entry in run["rounds"]} <= set(listed)
        assert run["bestImage"]["url"] in names
        assert (
            run["bestImage"]["url"]
            == f"round-{run['bestImage']['round']:02d}/candidate-"
            + str(
                next(entry["bestCandidate"] for entry in run["rounds"] if entry["round"] == run["bestImage"]["round"])
            )
            + ".png"
        )
        from PIL import Image

        for name in expected:
            with Image.open(io.BytesIO(bundle.read(name))) as picture:
                assert picture.size == (run["settings"]["width"], run["settings"]["height"])

    # And the list shows the generation with its status, score against threshold and thumbnail
    page.get_by_role("link", name="Generations").first.click()
    item = page.locator(".gen-item", has=page.locator(f"a[href='#/generations/{generation_id}']"))
    item.wait_for()
    assert document["status"] in item.inner_text()
    assert f"/ {document['settings']['threshold']:.1f}" in item.inner_text()
    assert item.locator("img.thumb").get_attribute("alt")
    laptop.screenshot("generations-after", "laptop")
    unexpected = [problem for problem in laptop.problems if not _refused_threshold(problem)]
    assert not unexpected, unexpected
    assert sum(map(_refused_threshold, laptop.problems)) <= 1


# -- the evaluator's verdict beside the status (issue 23.4) --------------------------------------------
def test_the_list_badges_show_the_evaluators_verdict_beside_the_status_and_filter_on_it(server, laptop):
    from imagegate_service.domain.readings import evaluation_text, verification_text

    page = laptop.page
    # Given a finished generation (one round), so the list has an evaluated one
    page.goto(server.url + "/")
    page.get_by_role("heading", name="Generations").wait_for()
    started = page.evaluate(
        """() => fetch('/generations', {method: 'POST', headers: {'Content-Type': 'application/json'},
             body: JSON.stringify({prompt: 'three green bottles and two purple umbrellas', maxRounds: 1})})
           .then(r => r.json())"""
    )
    for _ in range(240):  # up to a minute: its one round drawn, judged, evaluated
        status = page.evaluate(f"fetch('/generations/{started['id']}').then(r => r.json()).then(g => g.status)")
        if status not in ACTIVE:
            break
        page.wait_for_timeout(250)
    assert status not in ACTIVE, status

    # When the list is shown
    page.get_by_role("button", name="Refresh").click()
    listing = json.loads(page.evaluate("fetch('/generations?limit=100').then(r => r.text())"))["generations"]
    item = page.locator(".gen-item", has=page.locator(f"a[href='#/generations/{started['id']}']"))
    item.wait_for()

    # Then every listed generation's badges say its status and the evaluator's (and verifier's) verdict in the
    # API's counts, in the words the CLI and report.html use; an unverifiable check is counted apart
    shown = page.locator(".gen-item")
    assert shown.count() == min(len(listing), 20)
    for index, generation in enumerate(listing[: shown.count()]):
        badges = shown.nth(index).locator(".gen-status .badge").all_inner_texts()
        words = [
            generation["status"],
            evaluation_text(generation["evaluation"]),
            verification_text(generation["verification"]),
        ]
        assert badges == [text for text in words if text], (badges, generation)
        if generation["evaluation"]:
            marked = shown.nth(index).locator(f".badge.evaluation-{generation['evaluationClass']}")
            assert marked.count() == 1
    ours = next(generation for generation in listing if generation["id"] == started["id"])
    assert ours["evaluation"] is not None, ours
    assert "evaluator " in item.locator(".gen-status").inner_text()

    # When the list is filtered on the evaluator's verdict of that generation
    page.get_by_label("Evaluator").select_option(ours["evaluationClass"])
    page.wait_for_function(
        "cls => [...document.querySelectorAll('.gen-item .badge.evaluation')].every(b => b.classList.contains('evaluation-' + cls))",
        arg=ours["evaluationClass"],
    )

    # Then the API answered the filtered page: only generations of that class, ours among them
    item.wait_for()
    expected = json.loads(
        page.evaluate(f"fetch('/generations?limit=20&evaluation={ours['evaluationClass']}').then(r => r.text())")
    )["generations"]
    assert page.locator(".gen-item").count() == len(expected)
    assert {generation["evaluationClass"] for generation in expected} == {ours["evaluationClass"]}
    laptop.screenshot("generations-evaluator-filter", "laptop")
    assert not laptop.problems, laptop.problems


# -- the review step and the day's budget (issue 13) ----------------------------------------------------
def test_a_waiting_generation_is_approved_from_its_page(server, laptop):
    page = laptop.page
    # Given a generation with review final whose first round passes, and the list showing today's budget
    page.goto(server.url + "/")
    page.locator("#daily-budget", has_text="Today").wait_for()
    started = page.evaluate(
        """() => fetch('/generations', {method: 'POST', headers: {'Content-Type': 'application/json'},
            body: JSON.stringify({prompt: 'a red apple on a wooden table', threshold: 0, verifier: 'none', review: 'final'})})
            .then(r => r.json())"""
    )
    page.goto(f"{server.url}/#/generations/{started['id']}")

    # When it waits for its review, the page offers approve and reject; approve is clicked
    approve = page.locator("#review-approve")
    approve.wait_for(timeout=60_000)
    assert page.locator("#generation-status .badge").inner_text() == "AWAITING_REVIEW"
    # and says where the run is: the step, its round and time, and the steps finished before it (at least two)
    progress = page.locator("#generation-progress").inner_text()
    assert progress.startswith("Now: awaiting review (round 1)") and "since it started" in progress
    steps = page.locator("#generation-steps").inner_text()
    assert len(re.findall(r"(generating|judging|evaluating|recording) \(round 1\) \d+ s", steps)) >= 2, steps
    assert not page.locator("#review-last-round").count()  # rounds are left: a reject draws another
    assert "null" not in page.locator("#review").inner_text()
    assert page.locator("#review-reject").is_visible() and page.locator("#review-feedback").is_visible()
    laptop.screenshot("generation-review", "laptop")
    approve.click()

    # Then the run ends PASSED, approved, and the page lists the review with its round
    page.wait_for_function(
        "() => document.querySelector('#generation-status .badge')?.textContent === 'PASSED'", timeout=60_000
    )
    assert page.get_by_text("approved by the reviewer").first.is_visible()
    assert "Round 1: ✔ approved" in page.locator("ul.reviews").inner_text()
    assert not laptop.problems, laptop.problems


# -- benchmarks ------------------------------------------------------------------------------------
def test_a_benchmark_report_opens_with_its_charts_and_arms(server, bench_report, laptop):
    page = laptop.page
    report_file = bench_report
    report = json.loads(report_file.read_text(encoding="utf-8"))

    # Given the benchmarks page, listing the report the bench CLI wrote
    page.goto(server.url + "/#/benchmarks")
    link = page.get_by_role("link", name=report_file.parent.name)
    link.wait_for()
    laptop.screenshot("benchmarks", "laptop")

    # When the report is opened
    link.click()
    page.get_by_role("heading", name=f"Benchmark {report_file.parent.name}").wait_for()

    # Then its charts are inline SVG with a text label, and its tables show each category and both arms
    charts = page.locator("svg.chart[role=img]")
    assert charts.count() >= 2
    assert all(label for label in charts.evaluate_all("nodes => nodes.map(n => n.getAttribute('aria-label'))"))
    category_table = page.locator("table", has=page.locator("caption", has_text="The primary arm"))
    for category in report["byCategory"]:
        assert category_table.locator("th[scope=row]", has_text=category).count() == 1
    arms_table = page.locator("table", has=page.locator("caption", has_text="Control arms side by side"))
    headers = arms_table.locator("thead th").all_inner_texts()
    assert headers[1:] == list(report["arms"])
    loop_rate = round(report["arms"]["loop"]["evaluatorPassRate"] * 100)
    assert f"{loop_rate}%" in arms_table.locator("tr", has_text="Evaluator pass rate").inner_text()
    laptop.screenshot("benchmark-report", "laptop")
    assert not laptop.problems, laptop.problems


# -- phone width and keyboard ------------------------------------------------------------------------
def test_every_page_fits_a_phone_and_works_from_the_keyboard(server, bench_report, phone):
    page = phone.page
    # Given the console at a phone's width
    page.goto(server.url + "/")
    page.get_by_role("heading", name="Generations").wait_for()

    # When a person moves with Tab from the top of the page
    page.keyboard.press("Tab")
    first = page.evaluate("document.activeElement.textContent")
    order = [page.evaluate("document.activeElement.textContent.trim()")]
    for _ in range(4):
        page.keyboard.press("Tab")
        order.append(page.evaluate("document.activeElement.textContent.trim()"))

    # Then focus goes skip link, brand, then the navigation in reading order, and Enter follows a link
    assert first == "Skip to content"
    assert order[2:5] == ["Generations", "New generation", "Benchmarks"], order
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="New generation").wait_for()
    assert page.evaluate("document.activeElement.name") == "prompt"  # the form starts at its first field

    # And no page is wider than the phone: nothing to scroll sideways
    generation_id = json.loads(page.evaluate("fetch('/generations?limit=1').then(r => r.text())"))["generations"]
    pages = {"form": "#/new", "generations": "#/", "benchmarks": "#/benchmarks"}
    if generation_id:
        pages["generation"] = f"#/generations/{generation_id[0]['id']}"
    pages["benchmark-report"] = f"#/benchmarks/{bench_report.parent.name}"
    for name, fragment in pages.items():
        page.goto(f"{server.url}/{fragment}")  # / redirects to /console/, the fragment kept
        assert page.evaluate("location.pathname + location.hash") == f"/console/{fragment}"
        page.locator("main h1").wait_for()
        page.wait_for_load_state("networkidle")
        page.wait_for_function("() => [...document.images].every(image => image.complete)")
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{name} is {overflow} px wider than the phone"
        phone.screenshot(name, "phone")
    assert not phone.problems, phone.problems


# -- cross-site requests and the API address -------------------------------------------------------------
@pytest.fixture
def other_origin(tmp_path) -> Iterator[str]:
    """A page on another origin (another port of this machine), as any site the user visits could serve it."""
    import functools
    import http.server
    import threading

    (tmp_path / "index.html").write_text("<!doctype html><title>another site</title><p>another site</p>")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    site = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    # shutdown() waits for serve_forever to poll: its default 0.5 s was half a second a test (issue 29)
    threading.Thread(target=site.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    yield f"http://127.0.0.1:{site.server_address[1]}/"
    site.shutdown()
    site.server_close()


def _listed_prompts(server: Server) -> list[str]:
    import urllib.request

    with urllib.request.urlopen(server.url + "/generations?limit=100", timeout=30) as answer:
        return [entry.get("prompt") or "" for entry in json.loads(answer.read())["generations"]]


def test_a_page_on_another_origin_cannot_start_a_generation(server, browser, other_origin):
    # Given a page on another origin open in the browser
    context = browser.new_context()
    page = context.new_page()
    page.goto(other_origin)
    mark = f"cross-site-{os.getpid()}"

    # When it posts a run request to imagegate serve in each way a page can: a form or text body without a CORS
    # preflight (no-cors: the page cannot read the answer, but the request is sent), and JSON (with a preflight)
    outcomes = page.evaluate(
        """async ({url, mark}) => {
            const sent = [];
            for (const [type, mode] of [["application/x-www-form-urlencoded", "no-cors"], ["text/plain", "no-cors"],
                                        ["application/json", "cors"]]) {
                try {
                    const answer = await fetch(url + "/generations", {method: "POST", mode,
                        headers: {"Content-Type": type}, body: JSON.stringify({prompt: `${mark} ${type}`})});
                    sent.push(`${type}: answered ${answer.type} ${answer.status}`);
                } catch (error) {
                    sent.push(`${type}: ${error.message}`);
                }
            }
            return sent;
        }""",
        {"url": server.url, "mark": mark},
    )
    context.close()

    # Then none of them started a generation (the form one did, before issue 26)
    time.sleep(1.0)
    assert not [prompt for prompt in _listed_prompts(server) if mark in prompt], outcomes
    assert len(outcomes) == 3


def test_an_api_given_in_the_link_applies_to_that_visit_only_and_is_shown(server, browser):
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(20_000)
    elsewhere = "http://127.0.0.1:9"  # nothing listens there: this visit's list cannot load

    # When the console is opened from a link that names another API
    page.goto(f"{server.url}/console/?api={elsewhere}#/")

    # Then the page says which API it talks to and where that came from
    address = page.locator("#connection-address")
    assert address.inner_text() == f"API: {elsewhere} (from this link's ?api=, this visit only)"

    # And a later visit without it talks to the page's own API again (it used to stick in localStorage)
    page.goto(f"{server.url}/console/#/")
    page.locator("#connection-address", has_text="(this page)").wait_for()
    assert address.inner_text() == f"API: {server.url} (this page)"
    assert page.evaluate("() => window.localStorage.getItem('imagegate.apiBase')") is None
    page.locator("#daily-budget", has_text="Today").wait_for()  # the API of this page answers

    # And an address saved under Connection is kept until cleared there
    page.locator(".connection summary").click()
    page.locator("#connection-base").fill(elsewhere)
    page.get_by_role("button", name="Save").click()
    page.goto(f"{server.url}/console/#/")
    assert address.inner_text() == f"API: {elsewhere} (saved under Connection)"
    page.locator(".connection summary").click()
    page.locator("#connection-base").fill("")
    page.get_by_role("button", name="Save").click()
    assert address.inner_text() == f"API: {server.url} (this page)"
    context.close()
