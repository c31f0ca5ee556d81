"""imagegate serve's own routes for the console: its static files at / and /console/<file>, and the local
benchmark reports at /_local/benchmarks. Only the console's own files and report folders are served."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from imagegate.local.serve import CONSOLE_DIR, ApiServer, benchmark_index, benchmark_report_file

pytestmark = pytest.mark.unit


@pytest.fixture
def server(tmp_path) -> Iterator[ApiServer]:
    running = ApiServer(0, presigned_url_verifier=object())  # the console routes never verify a presigned URL
    running.bench_dir = tmp_path / "benchmarks"
    thread = threading.Thread(target=running.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield running
    running.shutdown()
    running.server_close()


def get(server: ApiServer, path: str, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(server.base_url + path, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def write_report(folder: Path, name: str, report: dict[str, Any]) -> Path:
    (folder / name).mkdir(parents=True)
    (folder / name / "report.json").write_text(json.dumps(report), encoding="utf-8")
    return folder / name


def test_the_console_page_and_each_of_its_files_are_served_with_their_type(server):
    # / sends the browser to /console/, where the page and its files sit side by side
    status, headers, body = get(server, "/")  # urllib follows the redirect
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert body == (CONSOLE_DIR / "index.html").read_bytes()
    status, headers, body = get(server, "/console/")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert body == (CONSOLE_DIR / "index.html").read_bytes()
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    for file in CONSOLE_DIR.iterdir():
        status, headers, body = get(server, f"/console/{file.name}")
        assert status == 200 and body == file.read_bytes(), file.name
    assert get(server, "/console/app.js")[1]["Content-Type"].startswith("text/javascript")


@pytest.mark.parametrize(
    "path",
    [
        "/console/../serve.py",
        "/console/%2e%2e/serve.py",
        "/console/nope.js",
        "/console/app.py",
        "/console/.hidden.js",
        "/console/sub/app.js",
    ],
)
def test_nothing_but_the_console_files_is_served(server, path):
    status, _, body = get(server, path)
    assert status == 404, path
    assert json.loads(body)["error"] == "NotFound"


def test_the_console_routes_answer_405_to_other_methods(server):
    status, headers, _ = get(server, "/", method="DELETE")
    assert status == 405 and headers["Allow"] == "GET, HEAD"
    status, headers, body = get(server, "/console/app.js", method="HEAD")
    assert status == 200 and body == b"" and int(headers["Content-Length"]) == (CONSOLE_DIR / "app.js").stat().st_size


def test_reports_are_listed_newest_first_with_their_headline_figures(server):
    # Given two reports and a folder whose report.json is broken
    folder = server.bench_dir
    write_report(
        folder,
        "2026-11-01",
        {
            "suite": "default",
            "overall": {"runs": 3, "passRate": 0.5, "totalCostUsd": 0.3},
            "arms": {"loop": {}, "single": {}},
        },
    )
    write_report(folder, "2026-11-02", {"suite": "geneval", "overall": {"runs": 1, "passRate": 1.0}})
    (folder / "2026-11-03").mkdir()
    (folder / "2026-11-03" / "report.json").write_text("{not json", encoding="utf-8")
    (folder / "no-report").mkdir()

    # When the list is asked for
    status, _, body = get(server, "/_local/benchmarks")

    # Then each report folder is there, newest first, and the broken one says so
    index = json.loads(body)
    assert status == 200
    assert [entry["name"] for entry in index["reports"]] == ["2026-11-03", "2026-11-02", "2026-11-01"]
    assert "problem" in index["reports"][0]
    assert index["reports"][2]["arms"] == ["loop", "single"] and index["reports"][2]["passRate"] == 0.5
    assert index["reports"][2]["links"]["self"] == "/_local/benchmarks/2026-11-01"
    # and one report answers its report.json as written
    status, headers, body = get(server, "/_local/benchmarks/2026-11-02")
    assert status == 200 and headers["Content-Type"] == "application/json"
    assert json.loads(body)["suite"] == "geneval"


def test_a_missing_folder_lists_no_reports_and_only_report_folders_are_read(tmp_path):
    assert benchmark_index(tmp_path / "absent")["reports"] == []
    write_report(tmp_path, "2026-11-01", {})
    assert benchmark_report_file(tmp_path, "2026-11-01") == tmp_path / "2026-11-01" / "report.json"
    for name in ("..", ".", "../2026-11-01", "2026-11-01/report.json", "", "x" * 101, "absent"):
        assert benchmark_report_file(tmp_path, name) is None, name


def test_an_unknown_report_is_404(server):
    status, _, body = get(server, "/_local/benchmarks/nope")
    assert status == 404 and "nope" in json.loads(body)["message"]
    assert get(server, "/_local/benchmarks/..%2f..%2fetc")[0] == 404
