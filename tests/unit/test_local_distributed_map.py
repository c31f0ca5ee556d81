"""The local runtime's Distributed Map (imagegate/local/distributed_map.py): the composed benchmark split into
the parent moto runs and the child its item processor becomes, and a Map Run against moto: bounded concurrency,
tolerated failures, and results in S3 in the layout of AWS's ResultWriter."""

from __future__ import annotations

import json
import threading
from typing import Any

import boto3
import pytest
from moto import mock_aws

from imagegate.local import distributed_map
from imagegate_service import constants as c
from imagegate_service import workflows

pytestmark = pytest.mark.unit
BUCKET = "map-bucket"
ARN = "arn:aws:lambda:us-east-1:123456789012:function:imagegate-local-distributed-map"


# --- split ------------------------------------------------------------------------------------------------


def test_the_composed_benchmark_splits_into_a_parent_task_and_the_item_processor_as_its_own_machine():
    # Given the composed benchmark definition (a Distributed Map of the loop's states)
    composed = json.loads(workflows.benchmark_definition())
    run_suite = composed["States"][workflows.BENCHMARK_MAP_STATE]

    # When it is split for moto
    parent_text, child_text = distributed_map.split(json.dumps(composed), ARN)
    parent, child = json.loads(parent_text), json.loads(child_text)

    # Then the child is exactly the Map's item processor
    assert child["StartAt"] == run_suite["ItemProcessor"]["StartAt"]
    assert child["States"] == run_suite["ItemProcessor"]["States"]
    # And in the parent only the Map state changed: a Task of the runtime's function, with the Map's own
    # fields as its parameters and its ResultPath and Next kept
    task = parent["States"][workflows.BENCHMARK_MAP_STATE]
    assert {name: state for name, state in parent["States"].items() if name != workflows.BENCHMARK_MAP_STATE} == {
        name: state for name, state in composed["States"].items() if name != workflows.BENCHMARK_MAP_STATE
    }
    assert task["Type"] == "Task" and task["Resource"] == ARN
    assert (task["ResultPath"], task["Next"]) == (run_suite["ResultPath"], run_suite["Next"])
    parameters = task["Parameters"]
    assert parameters["itemReader"] == run_suite["ItemReader"]["Parameters"]
    assert parameters["reader"]["InputType"] == "JSONL"
    assert parameters["resultWriter"] == run_suite["ResultWriter"]["Parameters"]
    assert parameters["maxConcurrency.$"] == run_suite["MaxConcurrencyPath"]
    assert parameters["toleratedFailurePercentage.$"] == run_suite["ToleratedFailurePercentagePath"]
    assert json.loads(parameters["itemSelector"]) == run_suite["ItemSelector"]
    assert not distributed_map.distributed_map_states(parent)
    # And the Map's Catch catches the Map's errors by the names the Task fails with (moto refuses "States." ones)
    assert [rule["Next"] for rule in task["Catch"]] == [rule["Next"] for rule in run_suite["Catch"]]
    assert [rule["ErrorEquals"] for rule in task["Catch"]] == [
        [distributed_map.LOCAL_ERROR_NAMES.get(name, name) for name in rule["ErrorEquals"]]
        for rule in run_suite["Catch"]
    ]
    assert not [name for rule in task["Catch"] for name in rule["ErrorEquals"] if name.startswith("States.")]


def test_a_definition_without_one_distributed_map_is_refused():
    with pytest.raises(ValueError):
        distributed_map.split(workflows.quality_loop_definition(), ARN)


# --- a Map Run on moto --------------------------------------------------------------------------------------

CHILD = {
    "StartAt": "Route",
    "States": {
        "Route": {
            "Type": "Choice",
            "Choices": [{"Variable": "$.request.fail", "BooleanEquals": True, "Next": "Broken"}],
            "Default": "Done",
        },
        "Broken": {"Type": "Fail", "Error": "Broken", "Cause": "asked to fail"},
        "Done": {"Type": "Pass", "Parameters": {"runId.$": "$.runId", "status": "PASSED"}, "End": True},
    },
}


@pytest.fixture
def aws():
    with mock_aws(config={"stepfunctions": {"execute_state_machine": True}}):
        from imagegate_service.adapters import aws_clients

        aws_clients.client.cache_clear()
        boto3.client("s3", region_name="us-east-1").create_bucket(Bucket=BUCKET)
        yield
        aws_clients.client.cache_clear()


def _map_run(
    items: list[dict[str, Any]], child: dict[str, Any] = CHILD, **fields: Any
) -> tuple[distributed_map.LocalDistributedMap, dict[str, Any]]:
    s3 = boto3.client("s3", region_name="us-east-1")
    s3.put_object(Bucket=BUCKET, Key="in/items.jsonl", Body="".join(json.dumps(item) + "\n" for item in items))
    arn = boto3.client("stepfunctions", region_name="us-east-1").create_state_machine(
        name="child", definition=json.dumps(child), roleArn="arn:aws:iam::123456789012:role/x"
    )["stateMachineArn"]
    runner = distributed_map.LocalDistributedMap(arn)
    event = {
        "mapState": "Run Suite",
        "reader": {"InputType": "JSONL", "resource": "arn:aws:states:::s3:getObject"},
        "itemReader": {"Bucket": BUCKET, "Key": "in/items.jsonl"},
        "itemSelector": json.dumps({"runId.$": "$$.Map.Item.Value.runId", "request.$": "$$.Map.Item.Value.request"}),
        "resultWriter": {"Bucket": BUCKET, "Prefix": "out/results/"},
        "input": {"benchmarkId": "bench-9"},
        **fields,
    }
    return runner, event


def _written(details: dict[str, str]) -> tuple[dict[str, Any], dict[str, list[dict[str, Any]]]]:
    s3 = boto3.client("s3", region_name="us-east-1")
    manifest = json.loads(s3.get_object(Bucket=details["Bucket"], Key=details["Key"])["Body"].read())
    files = {
        status: [
            child
            for entry in entries
            for child in json.loads(s3.get_object(Bucket=BUCKET, Key=entry["Key"])["Body"].read())
        ]
        for status, entries in manifest["ResultFiles"].items()
    }
    return manifest, files


def test_every_item_runs_as_a_child_and_the_results_land_where_aws_writes_them(aws):
    # Given five items, one of which fails, and one failure in five tolerated
    items = [{"runId": f"b-{k}", "request": {"fail": k == 3}, "extra": "dropped"} for k in range(5)]
    runner, event = _map_run(items, maxConcurrency=2, toleratedFailurePercentage=20)

    # When the Map Run runs
    output = runner.run(event)

    # Then its output names the Map Run and the manifest, under the ResultWriter's prefix and the run's id
    details = output["ResultWriterDetails"]
    assert details["Bucket"] == BUCKET and details["Key"].startswith("out/results/")
    assert details["Key"].endswith("/manifest.json") and output["MapRunArn"].split(":")[-1] in details["Key"]
    manifest, files = _written(details)
    assert manifest["DestinationBucket"] == BUCKET and manifest["MapRunArn"] == output["MapRunArn"]
    # And every child is listed once, by its status, with the ItemSelector's input and its output or error
    assert sorted(json.loads(child["Input"])["runId"] for child in files["SUCCEEDED"]) == ["b-0", "b-1", "b-2", "b-4"]
    assert all(set(json.loads(child["Input"])) == {"runId", "request"} for child in files["SUCCEEDED"])
    assert all(json.loads(child["Output"])["status"] == "PASSED" for child in files["SUCCEEDED"])
    (failed,) = files["FAILED"]
    assert (json.loads(failed["Input"])["runId"], failed["Error"], failed["Status"]) == ("b-3", "Broken", "FAILED")
    assert files["PENDING"] == []
    # And the children were named by their run ids, the progress counted
    assert {child["Name"] for child in files["SUCCEEDED"] + files["FAILED"]} == {item["runId"] for item in items}
    assert runner.progress["bench-9"] == {"total": 5, "started": 5, "succeeded": 4, "failed": 1, "passed": 4}


def test_no_more_children_run_at_once_than_max_concurrency(aws, monkeypatch):
    # Given children that each take a second (a Wait), seven of them, three at a time
    slow = {"StartAt": "Wait", "States": {"Wait": {"Type": "Wait", "Seconds": 1, "End": True}}}
    runner, event = _map_run([{"runId": f"c-{k}", "request": {}} for k in range(7)], slow, maxConcurrency=3)
    from moto.stepfunctions.parser.models import StepFunctionsParserBackend

    original = StepFunctionsParserBackend.start_execution
    most, lock = [0], threading.Lock()

    def start(backend: Any, *args: Any, **kwargs: Any) -> Any:
        running = sum(
            execution.exec_status is not None and execution.exec_status.value == "RUNNING"
            for machine in backend.state_machines
            for execution in machine.executions
        )
        with lock:
            most[0] = max(most[0], running + 1)  # this one too
        return original(backend, *args, **kwargs)

    monkeypatch.setattr(StepFunctionsParserBackend, "start_execution", start)
    runner.run(event)
    # Then three ran at once, never more
    assert most[0] == 3
    assert runner.progress["bench-9"]["succeeded"] == 7


def test_more_failures_than_tolerated_fail_the_map_and_list_what_never_started(aws):
    # Given ten items, the first two of which fail, none tolerated, one child at a time
    items = [{"runId": f"f-{k}", "request": {"fail": k < 2}} for k in range(10)]
    runner, event = _map_run(items, maxConcurrency=1, toleratedFailurePercentage=0)

    # When the Map Run runs, it fails as Step Functions reports it
    with pytest.raises(distributed_map.ExceededToleratedFailures) as raised:
        runner.run(event)
    assert type(raised.value).__name__ == distributed_map.LOCAL_ERROR_NAMES["States.ExceedToleratedFailureThreshold"]
    # And no child was started after the first failure; the rest are listed PENDING
    assert runner.progress["bench-9"]["started"] == 1
    prefix = "out/results/"
    s3 = boto3.client("s3", region_name="us-east-1")
    keys = [entry["Key"] for entry in s3.list_objects_v2(Bucket=BUCKET, Prefix=prefix)["Contents"]]
    (manifest_key,) = [key for key in keys if key.endswith("manifest.json")]
    _, files = _written({"Bucket": BUCKET, "Key": manifest_key})
    assert len(files["FAILED"]) == 1 and len(files["PENDING"]) == 9 and files["SUCCEEDED"] == []


def test_under_a_daily_spend_cap_the_children_run_in_this_process_whatever_workers_were_asked(aws, monkeypatch):
    # Given a Map Run that may use two worker processes, and a daily spend cap (one counter over every run, which
    # separate processes could not share)
    items = [{"runId": f"d-{k}", "request": {}} for k in range(3)]
    runner, event = _map_run(items, maxConcurrency=2)
    runner = distributed_map.LocalDistributedMap(
        runner.child_state_machine_arn, workers=2, child=("child", json.dumps(CHILD), 0.0)
    )
    monkeypatch.delenv(c.ENV_DAILY_BUDGET_USD, raising=False)
    assert runner._worker_count(concurrency=2, total=3) == 2  # no cap: the workers would be used
    monkeypatch.setenv(c.ENV_DAILY_BUDGET_USD, "5")

    # When the Map Run runs
    output = runner.run(event)

    # Then every child ran in this process's Step Functions (a worker's children live in the worker's own moto:
    # none would be listed here)
    sfn = boto3.client("stepfunctions", region_name="us-east-1")
    executions = sfn.list_executions(stateMachineArn=runner.child_state_machine_arn)["executions"]
    assert sorted(execution["name"] for execution in executions) == ["d-0", "d-1", "d-2"]
    assert {execution["status"] for execution in executions} == {"SUCCEEDED"}
    _, files = _written(output["ResultWriterDetails"])
    assert len(files["SUCCEEDED"]) == 3


def test_only_jsonl_from_s3_is_read(tmp_path):
    with pytest.raises(ValueError, match="JSONL"):
        distributed_map._spool_items(
            None, {}, {"InputType": "CSV", "resource": "arn:aws:states:::s3:getObject"}, tmp_path / "items"
        )


def test_items_that_are_not_json_fail_the_map_before_any_child_starts(aws):
    # Given an items object whose third line is not JSON
    runner, event = _map_run([{"runId": "j-0", "request": {}}, {"runId": "j-1", "request": {}}], maxConcurrency=2)
    s3 = boto3.client("s3", region_name="us-east-1")
    body = s3.get_object(Bucket=BUCKET, Key="in/items.jsonl")["Body"].read() + b"{not json\n"
    s3.put_object(Bucket=BUCKET, Key="in/items.jsonl", Body=body)

    # When the Map Run runs, Then it fails as AWS's ItemReader does, naming the line, and started nothing
    with pytest.raises(distributed_map.ItemReaderFailed, match="line 3") as raised:
        runner.run(event)
    assert type(raised.value).__name__ == distributed_map.LOCAL_ERROR_NAMES["States.ItemReaderFailed"]
    sfn = boto3.client("stepfunctions", region_name="us-east-1")
    assert sfn.list_executions(stateMachineArn=runner.child_state_machine_arn)["executions"] == []


def test_items_are_read_as_children_start_not_all_at_once(aws, monkeypatch):
    # Given twelve items, two children at a time, and a count of the items read so far at each start
    runner, event = _map_run([{"runId": f"m-{k}", "request": {}} for k in range(12)], maxConcurrency=2)
    read, read_at_start = [0], []
    items_in = distributed_map._items_in

    def counted(lines: Any) -> Any:
        for item in items_in(lines):
            read[0] += 1
            yield item

    monkeypatch.setattr(distributed_map, "_items_in", counted)
    from moto.stepfunctions.parser.models import StepFunctionsParserBackend

    original = StepFunctionsParserBackend.start_execution

    def start(backend: Any, *args: Any, **kwargs: Any) -> Any:
        read_at_start.append(read[0])
        return original(backend, *args, **kwargs)

    monkeypatch.setattr(StepFunctionsParserBackend, "start_execution", start)

    # When the Map Run runs
    runner.run(event)

    # Then every item ran, and no child started with more items read than the ones started (memory is bounded
    # by the concurrency, not the suite)
    assert runner.progress["bench-9"]["succeeded"] == 12
    assert read_at_start == list(range(1, 13))


def test_a_map_run_that_breaks_stops_the_children_it_started(aws, monkeypatch):
    # Given children that wait a minute, three at a time, and a StartExecution that fails on the third child
    slow = {"StartAt": "Wait", "States": {"Wait": {"Type": "Wait", "Seconds": 60, "End": True}}}
    runner, event = _map_run([{"runId": f"s-{k}", "request": {}} for k in range(5)], slow, maxConcurrency=3)
    from moto.stepfunctions.parser.models import StepFunctionsParserBackend

    original, calls = StepFunctionsParserBackend.start_execution, [0]

    def start(backend: Any, *args: Any, **kwargs: Any) -> Any:
        calls[0] += 1
        if calls[0] == 3:
            raise RuntimeError("StartExecution broke")
        return original(backend, *args, **kwargs)

    monkeypatch.setattr(StepFunctionsParserBackend, "start_execution", start)

    # When the Map Run runs, Then its error is the Map's
    with pytest.raises(Exception, match="StartExecution broke"):
        runner.run(event)
    # And the two children it had started do not go on running
    sfn = boto3.client("stepfunctions", region_name="us-east-1")
    executions = sfn.list_executions(stateMachineArn=runner.child_state_machine_arn)["executions"]
    assert sorted(execution["name"] for execution in executions) == ["s-0", "s-1"]
    assert {execution["status"] for execution in executions} == {"ABORTED"}


def test_the_item_selector_reads_the_item_its_index_and_the_maps_input():
    selector = {"id.$": "$$.Map.Item.Value.runId", "n.$": "$$.Map.Item.Index", "b.$": "$.benchmarkId", "k": 1}
    assert distributed_map._select(selector, {"runId": "r"}, 4, {"benchmarkId": "b1"}) == {
        "id": "r",
        "n": 4,
        "b": "b1",
        "k": 1,
    }
    assert distributed_map._select(None, {"x": 1}, 0, {}) == {"x": 1}
    with pytest.raises(ValueError, match="cannot evaluate"):
        distributed_map._select({"x.$": "States.Format('{}', $.a)"}, {}, 0, {})


# --- the runtime's DynamoDB query scope ----------------------------------------------------------------------


def test_a_query_scoped_to_its_partition_answers_as_moto_does(aws):
    from imagegate.local.runtime import make_moto_queries_partition_scoped

    # Given a table of many partitions and a query per partition, with and without a range condition
    table = boto3.resource("dynamodb", region_name="us-east-1").create_table(
        TableName="t",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "S"},
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    for p in range(12):
        for s in range(9):
            table.put_item(Item={"pk": f"P{p}", "sk": f"S{(s * 7) % 9}", "v": p * s})
    from boto3.dynamodb.conditions import Key

    def pages(p: int) -> list[Any]:  # a query read page by page, 4 items a page
        answers, start = [], {}
        while True:
            page = table.query(KeyConditionExpression=Key("pk").eq(f"P{p}"), Limit=4, **start)
            answers.append(page["Items"])
            if "LastEvaluatedKey" not in page:
                return answers
            start = {"ExclusiveStartKey": page["LastEvaluatedKey"]}

    def answers() -> list[Any]:
        return [
            [
                table.query(KeyConditionExpression=Key("pk").eq(f"P{p}"))["Items"],
                table.query(KeyConditionExpression=Key("pk").eq(f"P{p}") & Key("sk").begins_with("S1"))["Items"],
                table.query(KeyConditionExpression=Key("pk").eq(f"P{p}"), ScanIndexForward=False, Limit=4)["Items"],
                pages(p),
            ]
            for p in range(13)
        ]

    unscoped = answers()
    undo = make_moto_queries_partition_scoped()
    try:
        scoped = answers()
    finally:
        undo()
    # Then every answer is the same, in the same order, the pages too
    assert scoped == unscoped and unscoped[0][0]
    assert [len(page) for page in unscoped[0][3]] == [4, 4, 1]
