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


def test_the_status_filter_is_a_query_of_the_runs_index_never_a_scan(api, aws, lambda_context, monkeypatch):
    """Issue 25.8: in AWS the filter is done by a query (the runs index, newest first), not a scan of the table."""
    from botocore.client import BaseClient

    start = datetime(2026, 1, 1, tzinfo=UTC)
    for minute, status in enumerate(["PASSED", "EXHAUSTED", "FAILED"]):
        _evaluated(aws, f"run-{minute}", start + timedelta(minutes=minute), status, [True])
    calls: list[tuple[str, dict]] = []
    original = BaseClient._make_api_call

    def recorded(self, operation, params):
        if self.meta.service_model.service_name == "dynamodb":
            calls.append((operation, params))
        return original(self, operation, params)

    monkeypatch.setattr(BaseClient, "_make_api_call", recorded)
    code, page, _ = call(api, lambda_context, "GET", "/generations?status=EXHAUSTED,FAILED")
    assert code == 200 and [g["id"] for g in page["generations"]] == ["run-2", "run-1"]
    operations = {operation for operation, _ in calls}
    assert "Scan" not in operations and "Query" in operations, operations
    assert all(params.get("IndexName") for operation, params in calls if operation == "Query"), calls
