"""Issue 25.8: GET /generations?status= is filtered by the API (on the runs index's pages, as the evaluation filter
is), with the next link keeping it; a value that is no run status is a 400 naming the field and the statuses,
never silently ignored."""

from datetime import UTC, datetime, timedelta

import pytest
from test_api_handler import _evaluated, api, aws, call  # noqa: F401 (fixtures)

pytestmark = pytest.mark.unit


def test_the_list_filters_on_the_status_server_side_across_pages(api, aws, lambda_context):
    # Given runs a minute apart (newest last) that ended PASSED, EXHAUSTED, FAILED, EXHAUSTED, EXHAUSTED, PASSED
    start = datetime(2026, 1, 1, tzinfo=UTC)
    statuses = ["PASSED", "EXHAUSTED", "FAILED", "EXHAUSTED", "EXHAUSTED", "PASSED"]
    for minute, status in enumerate(statuses):
        _evaluated(aws, f"run-{minute}", start + timedelta(minutes=minute), status, [True])

    # When the EXHAUSTED ones are listed one at a time, following nextCursor
    seen, url = [], "/generations?limit=1&status=EXHAUSTED"
    for _ in range(8):
        code, page, _ = call(api, lambda_context, "GET", url)
        assert code == 200 and len(page["generations"]) <= 1
        seen += [g["id"] for g in page["generations"]]
        assert all(g["status"] == "EXHAUSTED" for g in page["generations"])
        if not page["nextCursor"]:
            break
        url = page["links"]["next"]
        assert "status=EXHAUSTED" in url  # the next link keeps the filter

    # Then exactly those, newest first, none twice or skipped; several statuses and both filters combine
    assert seen == ["run-4", "run-3", "run-1"]
    _, both, _ = call(api, lambda_context, "GET", "/generations?status=PASSED,FAILED")
    assert [g["id"] for g in both["generations"]] == ["run-5", "run-2", "run-0"]
    _, combined, _ = call(api, lambda_context, "GET", "/generations?status=FAILED&evaluation=passed")
    assert [g["id"] for g in combined["generations"]] == ["run-2"]
    assert combined["links"]["self"] == "/generations?evaluation=passed&status=FAILED"


@pytest.mark.parametrize("value", ["exhausted", "DONE", "", "PASSED,", "PASSED;FAILED"])
def test_a_bad_status_filter_is_400_naming_it_and_the_statuses(api, lambda_context, value):
    status, body, _ = call(api, lambda_context, "GET", f"/generations?status={value}")
    assert (status, body["field"]) == (400, "status")
    assert "QUEUED, RUNNING, AWAITING_REVIEW, PASSED, EXHAUSTED, BLOCKED, FAILED" in body["message"]
