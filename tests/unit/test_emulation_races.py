"""The two causes of the local runtime's failures under concurrency (issue 10 item 7), each forced open:
moto's operation-model cache handing out botocore's model mid-build ('http_trait'), and a boto3 Table
resource shared by threads (its condition builder renumbers another thread's placeholders: 'Query
condition missed key schema element: pk')."""

from __future__ import annotations

import threading

import pytest

pytestmark = pytest.mark.unit


def _fresh_moto_service_model(service: str):
    from botocore.loaders import create_loader
    from moto.core.model import ServiceModel

    return ServiceModel(create_loader().load_service_model(service, "service-2"), service)


def test_a_thread_asking_for_an_operation_model_mid_build_gets_motos_model(monkeypatch):
    """Given thread A stopped inside moto's operation_model, after botocore's half cached its own model,
    When thread B asks for the same operation,
    Then B gets moto's model (with http_trait), not botocore's half-built entry."""
    from moto.core import model as moto_model

    from imagegate.local.runtime import make_moto_models_thread_safe

    undo = make_moto_models_thread_safe()
    try:
        service_model = _fresh_moto_service_model("s3")
        in_window, release = threading.Event(), threading.Event()
        original_init = moto_model.OperationModel.__init__
        stopper = {"thread": None}

        def init(self, *args, **kwargs):
            if threading.current_thread() is stopper["thread"]:  # A: botocore's model is cached by now
                in_window.set()
                release.wait(5)
            original_init(self, *args, **kwargs)

        monkeypatch.setattr(moto_model.OperationModel, "__init__", init)
        answers: dict[str, object] = {}
        first = threading.Thread(target=lambda: answers.update(a=service_model.operation_model("PutObject")))
        stopper["thread"] = first
        first.start()
        assert in_window.wait(5)
        second = threading.Thread(target=lambda: answers.update(b=service_model.operation_model("PutObject")))
        second.start()
        second.join(0.3)  # B waits for A's build instead of reading the half-built entry
        release.set()
        first.join(5)
        second.join(5)
        assert hasattr(answers["b"], "http_trait") and answers["b"].http_trait.method == "PUT"
        assert answers["a"] is answers["b"]
    finally:
        undo()


def test_without_the_guard_the_same_interleaving_hands_out_botocores_model(monkeypatch):
    """The cause, shown: the same interleaving on unpatched moto returns a model without http_trait."""
    from moto.core import model as moto_model

    service_model = _fresh_moto_service_model("s3")
    in_window, release = threading.Event(), threading.Event()
    original_init = moto_model.OperationModel.__init__
    stopper = {"thread": None}

    def init(self, *args, **kwargs):
        if threading.current_thread() is stopper["thread"]:
            in_window.set()
            release.wait(5)
        original_init(self, *args, **kwargs)

    monkeypatch.setattr(moto_model.OperationModel, "__init__", init)
    first = threading.Thread(target=lambda: service_model.operation_model("PutObject"))
    stopper["thread"] = first
    first.start()
    assert in_window.wait(5)
    try:
        assert not hasattr(service_model.operation_model("PutObject"), "http_trait")
    finally:
        release.set()
        first.join(5)


TABLE = "race-table"


def _query_interrupted_by_another_thread(table, monkeypatch):
    """Query the table from this thread; while it builds its key condition (after the first placeholder),
    another thread reads an item through the same Table object."""
    from boto3.dynamodb.conditions import ConditionExpressionBuilder, Key

    original = ConditionExpressionBuilder._get_name_placeholder
    me, calls = threading.current_thread(), {"n": 0}

    def interleaved(builder):
        if threading.current_thread() is me:
            calls["n"] += 1
            if calls["n"] == 2:
                # a get_item (the progress poll's read of a run item) resets the builder and builds nothing
                other = threading.Thread(target=lambda: table.get_item(Key={"pk": "RUN#b", "sk": "RUN"}))
                other.start()
                other.join()
        return original(builder)

    monkeypatch.setattr(ConditionExpressionBuilder, "_get_name_placeholder", interleaved)
    return table.query(KeyConditionExpression=Key("pk").eq("RUN#a") & Key("sk").begins_with("ROUND#"))["Items"]


@pytest.fixture
def runs_table(monkeypatch):
    import boto3
    from moto import mock_aws

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_aws():
        boto3.client("dynamodb").create_table(
            TableName=TABLE,
            BillingMode="PAY_PER_REQUEST",
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            AttributeDefinitions=[
                {"AttributeName": "pk", "AttributeType": "S"},
                {"AttributeName": "sk", "AttributeType": "S"},
            ],
        )
        boto3.client("dynamodb").put_item(TableName=TABLE, Item={"pk": {"S": "RUN#a"}, "sk": {"S": "ROUND#01"}})
        yield


def test_a_query_keeps_its_key_while_another_thread_queries_the_same_table(runs_table, monkeypatch):
    """Given the service's cached Table, When another thread reads through it while this thread builds a
    pk-and-sk query, Then this query still names pk and finds its item."""
    from imagegate_service.adapters.aws_clients import dynamodb_table

    dynamodb_table.cache_clear()
    try:
        assert len(_query_interrupted_by_another_thread(dynamodb_table(TABLE), monkeypatch)) == 1
    finally:
        dynamodb_table.cache_clear()


def test_a_plain_shared_table_resource_loses_the_partition_key(runs_table, monkeypatch):
    """The cause, shown: the same interleaving on a plain boto3 Table is DynamoDB's ValidationException."""
    import boto3
    from botocore.exceptions import ClientError

    with pytest.raises(ClientError, match="missed key schema element: pk"):
        _query_interrupted_by_another_thread(boto3.resource("dynamodb").Table(TABLE), monkeypatch)


def test_a_write_waits_for_a_transaction_in_flight_on_the_same_table(runs_table, monkeypatch):
    """Given a TransactWriteItems stopped while moto copies the table (its rollback snapshot),
    When another thread writes the table, Then that write waits until the transaction is done, and both
    writes are there (unserialised, the copy fails with 'dictionary changed size during iteration' or a
    rollback erases the other write)."""
    import boto3
    from moto.dynamodb import models as dynamodb_models

    from imagegate.local.runtime import make_moto_dynamodb_serial

    undo = make_moto_dynamodb_serial()
    try:
        client = boto3.client("dynamodb")
        in_copy, release = threading.Event(), threading.Event()
        original_deepcopy = dynamodb_models.copy.deepcopy

        def deepcopy(value, *args, **kwargs):
            in_copy.set()
            release.wait(5)
            return original_deepcopy(value, *args, **kwargs)

        monkeypatch.setattr(dynamodb_models.copy, "deepcopy", deepcopy)
        transaction = threading.Thread(
            target=lambda: client.transact_write_items(
                TransactItems=[{"Put": {"TableName": TABLE, "Item": {"pk": {"S": "RUN#t"}, "sk": {"S": "ROUND#01"}}}}]
            )
        )
        transaction.start()
        assert in_copy.wait(5)
        monkeypatch.setattr(dynamodb_models.copy, "deepcopy", original_deepcopy)
        writer = threading.Thread(
            target=lambda: client.put_item(TableName=TABLE, Item={"pk": {"S": "RUN#w"}, "sk": {"S": "RUN"}})
        )
        writer.start()
        writer.join(0.3)
        assert writer.is_alive()  # waiting for the transaction
        release.set()
        transaction.join(5)
        writer.join(5)
        keys = {(item["pk"]["S"], item["sk"]["S"]) for item in client.scan(TableName=TABLE)["Items"]}
        assert {("RUN#t", "ROUND#01"), ("RUN#w", "RUN")} <= keys
    finally:
        undo()


# a transaction's writes: a new round item and an update of another (created if missing)
_PUT_AND_UPDATE = [
    {"Put": {"TableName": TABLE, "Item": {"pk": {"S": "RUN#a"}, "sk": {"S": "ROUND#02"}}}},
    {
        "Update": {
            "TableName": TABLE,
            "Key": {"pk": {"S": "RUN#a"}, "sk": {"S": "ROUND#01"}},
            "UpdateExpression": "SET score = :s",
            "ExpressionAttributeValues": {":s": {"N": "9"}},
        }
    },
]


def _keys(client) -> dict[tuple[str, str], dict]:
    return {(item["pk"]["S"], item["sk"]["S"]): item for item in client.scan(TableName=TABLE)["Items"]}


def test_a_cancelled_transaction_puts_back_only_the_items_it_named(runs_table):
    """Given the item-level transaction undo (no whole-table snapshot) and an item another request wrote,
    When a transaction puts a new item, updates an existing one and then fails a condition check,
    Then the new item is gone, the updated item has its old attributes, and the other item is untouched."""
    import boto3
    from botocore.exceptions import ClientError

    from imagegate.local.runtime import make_moto_dynamodb_serial, make_moto_transactions_item_level

    undo_serial, undo = make_moto_dynamodb_serial(), make_moto_transactions_item_level()
    try:
        client = boto3.client("dynamodb")
        client.put_item(TableName=TABLE, Item={"pk": {"S": "RUN#other"}, "sk": {"S": "RUN"}, "n": {"N": "7"}})
        before = _keys(client)
        with pytest.raises(ClientError) as cancelled:
            client.transact_write_items(
                TransactItems=[
                    *_PUT_AND_UPDATE,
                    {
                        "ConditionCheck": {
                            "TableName": TABLE,
                            "Key": {"pk": {"S": "RUN#other"}, "sk": {"S": "RUN"}},
                            "ConditionExpression": "n > :limit",
                            "ExpressionAttributeValues": {":limit": {"N": "10"}},
                        }
                    },
                ]
            )
        assert cancelled.value.response["Error"]["Code"] == "TransactionCanceledException"
        assert _keys(client) == before
    finally:
        undo()
        undo_serial()


def test_a_transaction_moto_stops_midway_writes_nothing(runs_table):
    """Given the item-level undo, When a transaction's second entry names two operations (moto raises
    midway, after it applied the first entry, and rolls nothing back itself), Then the request is refused
    and the first entry's item was not written, as DynamoDB refuses a transaction whole."""
    import boto3
    from botocore.exceptions import ClientError

    from imagegate.local.runtime import make_moto_dynamodb_serial, make_moto_transactions_item_level

    undo_serial, undo = make_moto_dynamodb_serial(), make_moto_transactions_item_level()
    try:
        client = boto3.client("dynamodb")
        before = _keys(client)
        two_operations = {
            "Put": {"TableName": TABLE, "Item": {"pk": {"S": "RUN#b"}, "sk": {"S": "RUN"}}},
            "Delete": {"TableName": TABLE, "Key": {"pk": {"S": "RUN#b"}, "sk": {"S": "RUN"}}},
        }
        with pytest.raises(ClientError):
            client.transact_write_items(
                TransactItems=[
                    {"Put": {"TableName": TABLE, "Item": {"pk": {"S": "RUN#a"}, "sk": {"S": "ROUND#09"}}}},
                    two_operations,
                ]
            )
        assert _keys(client) == before
    finally:
        undo()
        undo_serial()


def test_a_transaction_that_succeeds_writes_every_item_without_copying_the_table(runs_table, monkeypatch):
    """Given the item-level undo, When a transaction succeeds, Then all its writes are there and moto never
    deep-copied a Table (the cost that grew with the table)."""
    import boto3
    from moto.dynamodb.models.table import Table

    from imagegate.local.runtime import make_moto_dynamodb_serial, make_moto_transactions_item_level

    undo_serial, undo = make_moto_dynamodb_serial(), make_moto_transactions_item_level()
    try:
        copied: list[object] = []
        monkeypatch.setattr(Table, "__deepcopy__", lambda table, memo: copied.append(table) or table, raising=False)
        client = boto3.client("dynamodb")
        client.transact_write_items(TransactItems=_PUT_AND_UPDATE)
        items = _keys(client)
        assert ("RUN#a", "ROUND#02") in items and items[("RUN#a", "ROUND#01")]["score"] == {"N": "9"}
        assert copied == []
    finally:
        undo()
        undo_serial()


def test_a_jsonpath_is_parsed_once_and_still_reads_and_writes_the_data():
    """Given the parse-once patch, When the interpreter's extract_json reads the same path twice from two
    documents and a ResultPath-style update writes through a cached path, Then each read sees its own
    document and the parser ran once per path."""
    from moto.stepfunctions.parser.asl.component.common.path import result_path
    from moto.stepfunctions.parser.asl.utils import json_path

    from imagegate.local.runtime import make_moto_jsonpaths_parsed_once

    undo = make_moto_jsonpaths_parsed_once()
    try:
        assert json_path.extract_json("$.run.round", {"run": {"round": 1}}) == 1
        assert json_path.extract_json("$.run.round", {"run": {"round": 2}}) == 2
        assert json_path.parse.cache_info().misses == 1 and json_path.parse.cache_info().hits == 1
        first, second = {"a": {}}, {"a": {}}
        for document, value in ((first, 1), (second, 2)):
            result_path.parse("$.a.b").update_or_create(document, value)
        assert (first, second) == ({"a": {"b": 1}}, {"a": {"b": 2}})
    finally:
        undo()
    assert not hasattr(json_path.parse, "cache_info")


def test_a_definition_is_parsed_once_and_every_execution_gets_its_own_components():
    """Given the parse-once patch, When two executions of one definition start (as every benchmark item's child
    execution does), Then ANTLR parsed the definition once, yet each got its own evaluation components (no state
    shared between executions); a definition that does not parse still raises, and the undo restores moto's."""
    from moto.stepfunctions.parser.asl.parse.asl_parser import AmazonStateLanguageParser, ASLParserException

    from imagegate.local.runtime import make_moto_definitions_parsed_once

    definition = '{"StartAt": "Done", "States": {"Done": {"Type": "Pass", "Result": {"ok": 1}, "End": true}}}'
    original = AmazonStateLanguageParser.__dict__["parse"]
    undo = make_moto_definitions_parsed_once()
    try:
        # the kept trees live as long as the process (other tests' runtimes may have filled it): counted from here
        before = AmazonStateLanguageParser.parse.trees.cache_info()
        first, first_tree = AmazonStateLanguageParser.parse(definition)
        second, second_tree = AmazonStateLanguageParser.parse(definition)
        trees = AmazonStateLanguageParser.parse.trees.cache_info()
        assert (trees.misses - before.misses, trees.hits - before.hits) == (1, 1)
        assert first_tree is second_tree and first is not second
        assert type(first) is type(second)
        with pytest.raises(ASLParserException):
            AmazonStateLanguageParser.parse('{"StartAt": "Nowhere", "States": {"Nowhere": {"Type": "Bogus"}}}')
        assert AmazonStateLanguageParser.parse.trees.cache_info().currsize == before.currsize + 1
    finally:
        undo()
    assert AmazonStateLanguageParser.__dict__["parse"] is original


def _dynamodb_body(operation: str, result: object) -> str:
    """The body moto's DynamoDB handler would answer for `result` (what dynamo_to_dict made of the items)."""
    from moto.core.serialize import XFormedAttributePicker, get_serializer_class
    from moto.core.utils import get_service_model

    service_model = get_service_model("dynamodb")
    serializer = get_serializer_class("dynamodb", "json")(
        operation_model=service_model.operation_model(operation),
        pretty_print=False,
        value_picker=XFormedAttributePicker(response_transformers=None),
    )
    return str(serializer.serialize(result)["body"])


_EVERY_KIND_OF_VALUE = {
    "s": {"S": "text"},
    "empty": {"S": ""},
    "n": {"N": "-12.50"},
    "b": {"B": b"\x00\xffbinary"},
    "ss": {"SS": ["a", "b"]},
    "ns": {"NS": ["1", "2.5"]},
    "bs": {"BS": [b"x", b"\x01"]},
    "yes": {"BOOL": True},
    "no": {"BOOL": False},
    "null": {"NULL": True},
    "m": {"M": {"inner": {"L": [{"S": "x"}, None, {"M": {}}, {"N": "3"}]}, "gone": None, "flag": {"BOOL": False}}},
    "l": {"L": []},
    "deep": {"M": {"a": {"M": {"b": {"L": [{"L": [{"B": b"\x02"}, {"NULL": True}]}]}}}}},
}


@pytest.mark.parametrize(
    "operation, result",
    [
        ("Query", {"Items": [_EVERY_KIND_OF_VALUE, {"pk": {"S": "RUN#a"}}], "Count": 2, "ScannedCount": 2}),
        ("GetItem", {"Item": _EVERY_KIND_OF_VALUE}),
        ("UpdateItem", {"Attributes": {"committedUsd": {"N": "0.12"}}}),
        # what the direct path leaves to moto's walker, mixed into a value it writes itself
        ("GetItem", {"Item": {"odd": {"S": 7}, "lower": {"s": "x"}, "ok": {"M": {"n": {"N": 1.5}, "t": {"S": "t"}}}}}),
    ],
)
def test_an_attribute_value_written_directly_is_the_body_motos_serialiser_writes(operation, result):
    """Given the direct path for DynamoDB attribute values, When a response holding every kind of value (binaries,
    sets, nested maps and lists, None members and elements, empty values) and values it does not take (a number
    where a string belongs, a key that is not a member) is serialised, Then the body is byte for byte what moto's
    shape walker writes without it; and the undo puts moto's walker back."""
    import copy

    from moto.core.serialize import BaseJSONSerializer

    from imagegate.local.runtime import make_moto_attribute_values_serialised_directly

    original = BaseJSONSerializer.__dict__["_serialize_type_structure"]
    expected = _dynamodb_body(operation, copy.deepcopy(result))
    undo = make_moto_attribute_values_serialised_directly()
    try:
        assert BaseJSONSerializer.__dict__["_serialize_type_structure"] is not original
        assert _dynamodb_body(operation, copy.deepcopy(result)) == expected
    finally:
        undo()
    assert BaseJSONSerializer.__dict__["_serialize_type_structure"] is original


def test_the_direct_path_writes_an_attribute_value_without_motos_shape_walker(monkeypatch):
    """Given the direct path, When a Query's items are serialised, Then moto's structure walker is not called for
    their attribute values (the cost the path removes) and the items read back as written."""
    from moto.core.serialize import BaseJSONSerializer

    from imagegate.local.runtime import make_moto_attribute_values_serialised_directly

    walked: list[str] = []
    original = BaseJSONSerializer.__dict__["_serialize_type_structure"]

    def counting(serializer, serialized, value, shape, key):
        walked.append(shape.name)
        return original(serializer, serialized, value, shape, key)

    monkeypatch.setattr(BaseJSONSerializer, "_serialize_type_structure", counting)
    undo = make_moto_attribute_values_serialised_directly()
    try:
        import json

        body = json.loads(_dynamodb_body("Query", {"Items": [_EVERY_KIND_OF_VALUE], "Count": 1, "ScannedCount": 1}))
    finally:
        undo()
    assert "AttributeValue" not in walked
    assert body["Items"][0]["m"]["M"]["inner"]["L"][1] is None and body["Items"][0]["b"] == {"B": "AP9iaW5hcnk="}


def test_a_kept_tree_answers_every_node_text_antlr_would_and_a_new_parse_is_untouched():
    """Given the parse-once patch, When the loop's own definition is parsed, Then every node of the kept tree
    answers the text ANTLR's RuleContext.getText joins from its children (the texts are kept, not recomputed),
    and a tree ANTLR builds outside the patch computes its texts as before."""
    from antlr4.ParserRuleContext import ParserRuleContext
    from antlr4.RuleContext import RuleContext
    from moto.stepfunctions.parser.asl.parse.asl_parser import AmazonStateLanguageParser

    from imagegate.local.runtime import BUCKET, TABLE, function_arns, make_moto_definitions_parsed_once
    from imagegate_service import workflows

    definition = workflows.substitute(
        workflows.quality_loop_definition(), {**function_arns(), "BucketName": BUCKET, "TableName": TABLE}
    )
    original = AmazonStateLanguageParser.__dict__["parse"]
    undo = make_moto_definitions_parsed_once()
    try:
        _, tree = AmazonStateLanguageParser.parse(definition)
    finally:
        undo()
    nodes, pending, kept = 0, [tree], 0
    while pending:
        node = pending.pop()
        if isinstance(node, ParserRuleContext):
            nodes += 1
            kept += "getText" in getattr(node, "__dict__", {})
            assert node.getText() == RuleContext.getText(node)
            pending.extend(node.children or ())
    assert nodes > 100 and kept == nodes
    assert "States" in tree.getText() and tree.getText() == RuleContext.getText(tree)
    _, fresh = original.__func__(definition)
    assert "getText" not in getattr(fresh, "__dict__", {}) and fresh.getText() == tree.getText()


def _tree(node):
    """A moto expression tree as plain data: each node's type, its own fields and its children, in order (the
    parent links are implied)."""
    from moto.dynamodb.parsing.ast_nodes import Node

    if not isinstance(node, Node):
        return repr(node)
    fields = {key: repr(value) for key, value in vars(node).items() if key not in ("children", "parent")}
    fields.pop("imagegate_parsed_from", None)
    return (type(node).__name__, sorted(fields.items()), [_tree(child) for child in node.children or []])


# each with whether it updates (the item that exists, the one that does not): a nested path on an item that does
# not exist and overlapping paths are refused by moto's validators, with or without the patch
_UPDATES = [
    ("SET #a = :one, b.c[1] = if_not_exists(b.c[1], :one) REMOVE d[0], e ADD n :one DELETE s :set", (True, False)),
    ("SET l = list_append(if_not_exists(l, :empty), :list), m.#a = m.#a + :one", (True, False)),
    ("SET #a = :one, l = list_append(if_not_exists(l, :empty), :list) ADD n :one", (True, True)),
    ("SET #a = :one, #a = :one", (False, False)),
]


@pytest.mark.parametrize("expression, valid", _UPDATES)
def test_a_validators_copy_of_an_update_expression_is_a_fresh_parse_of_the_same_tree(runs_table, expression, valid):
    """Given the re-parse patch, When UpdateItem runs an expression on an item that exists and on one that does not
    (two validations), Then the validators' copy of the parsed tree is the tree a deep copy would give (not the
    marked tree itself), the marked tree stays as parsed, and the items written (or the error raised) are the ones
    moto writes without the patch; the undo restores moto's parse and copy."""
    import copy

    import boto3
    from botocore.exceptions import ClientError
    from moto.dynamodb.parsing import validators
    from moto.dynamodb.parsing.expressions import UpdateExpressionParser

    from imagegate.local.runtime import make_moto_update_expression_copies_parsed

    client = boto3.client("dynamodb")
    client.put_item(
        TableName=TABLE,
        Item={
            "pk": {"S": "RUN#u"},
            "sk": {"S": "RUN"},
            "b": {"M": {"c": {"L": [{"N": "1"}, {"N": "2"}]}}},
            "d": {"L": [{"S": "x"}, {"S": "y"}]},
            "e": {"S": "gone"},
            "s": {"SS": ["p", "q"]},
            "m": {"M": {"name": {"N": "4"}}},
        },
    )
    names, values = (
        {"#a": "name"},
        {
            ":one": {"N": "1"},
            ":set": {"SS": ["p"]},
            ":empty": {"L": []},
            ":list": {"L": [{"S": "z"}]},
        },
    )

    def run_updates(prefix):
        outcomes = []
        for sk in ("RUN", f"{prefix}-new"):
            key = {"pk": {"S": "RUN#u"}, "sk": {"S": sk}}
            try:
                arguments = {"ExpressionAttributeNames": names} if "#a" in expression else {}
                used = {name: value for name, value in values.items() if name in expression}
                client.update_item(
                    TableName=TABLE, Key=key, UpdateExpression=expression, ExpressionAttributeValues=used, **arguments
                )
                item = client.get_item(TableName=TABLE, Key=key).get("Item")
                outcomes.append({k: v for k, v in (item or {}).items() if k != "sk"})
            except ClientError as error:
                outcomes.append(error.response["Error"]["Message"])
        return outcomes

    before = copy.deepcopy(client.get_item(TableName=TABLE, Key={"pk": {"S": "RUN#u"}, "sk": {"S": "RUN"}})["Item"])
    without = run_updates("without")
    client.put_item(TableName=TABLE, Item=before)
    original_make, original_copy = UpdateExpressionParser.__dict__["make"], validators.deepcopy
    undo = make_moto_update_expression_copies_parsed()
    try:
        marked = UpdateExpressionParser.make(expression)
        as_parsed = _tree(marked)
        fresh = validators.deepcopy(marked)
        assert fresh is not marked and _tree(fresh) == _tree(copy.deepcopy(marked)) == as_parsed
        assert validators.deepcopy([marked]) is not None  # anything unmarked is deep-copied as before
        with_patch = run_updates("with")
        assert _tree(marked) == as_parsed
    finally:
        undo()
    assert UpdateExpressionParser.__dict__["make"] is original_make and validators.deepcopy is original_copy
    assert with_patch == without
    assert tuple(isinstance(outcome, dict) for outcome in without) == valid


def test_a_response_classs_action_names_are_listed_once_per_runtime_and_are_motos_list(runs_table, monkeypatch):
    """Given the list-once patch, When DynamoDB answers several requests, Then moto listed its response class's
    functions once (not once per request), the list is the one moto makes, requests are answered as before, and
    the undo puts moto's listing back."""
    import inspect

    import boto3
    from moto.core import responses
    from moto.dynamodb.responses import DynamoHandler

    from imagegate.local.runtime import make_moto_action_names_listed_once

    original = responses.method_names_from_class
    listings: list[object] = []
    real_getmembers = inspect.getmembers
    monkeypatch.setattr(
        inspect, "getmembers", lambda *args, **kwargs: listings.append(args[0]) or real_getmembers(*args, **kwargs)
    )
    undo = make_moto_action_names_listed_once()
    try:
        client = boto3.client("dynamodb")
        for _ in range(3):
            assert client.get_item(TableName=TABLE, Key={"pk": {"S": "RUN#a"}, "sk": {"S": "ROUND#01"}})["Item"]
        assert listings.count(DynamoHandler) == 1
        assert responses.method_names_from_class(DynamoHandler) == original(DynamoHandler)
    finally:
        undo()
    assert responses.method_names_from_class is original


def test_a_lambda_task_is_answered_by_the_dispatcher_as_the_lambda_emulation_answers_it(monkeypatch):
    """Given a local runtime, When the interpreter invokes one of its functions with FunctionName and Payload, Then
    the dispatcher answers without a request to moto's Lambda emulation, and the answer is the one the emulation
    gives for the same call (a result, a function error, a response over Lambda's 6 MB limit, an ARN for a name);
    a call the direct path does not take (an InvocationType here) still goes through the emulation, and the undo
    puts moto's invocation back."""
    from moto.awslambda.responses import LambdaResponse
    from moto.stepfunctions.parser.asl.component.state.exec.state_task import lambda_eval_utils

    from imagegate.local.runtime import LocalRuntime, function_arn

    emulated: list[str] = []
    real_invoke = LambdaResponse.invoke
    monkeypatch.setattr(LambdaResponse, "invoke", lambda self: emulated.append(self.path) or real_invoke(self))
    before = lambda_eval_utils._invoke_lambda_function

    def broken(event):
        raise ValueError(f"no {event['want']}")

    with LocalRuntime(retry_time_scale=0.0, workflows=False) as runtime:
        runtime.dispatcher.local_functions.update(
            echo=lambda event: {"got": event}, broken=broken, huge=lambda event: "x" * 6_100_000
        )
        for function, payload in [
            ("imagegate-local-echo", b'{"a": [1, "two"]}'),
            (function_arn("echo"), b'"text"'),
            ("imagegate-local-broken", b'{"want": "apples"}'),
            ("imagegate-local-huge", b"{}"),
        ]:
            emulated.clear()
            direct = lambda_eval_utils._invoke_lambda_function(
                {"FunctionName": function, "Payload": payload}, "us-east-1", None
            )
            assert emulated == []
            through_emulation = lambda_eval_utils._invoke_lambda_function(
                {"FunctionName": function, "Payload": payload, "InvocationType": "RequestResponse"}, "us-east-1", None
            )
            assert len(emulated) == 1
            through_emulation.pop("ResponseMetadata")
            assert direct == through_emulation
        assert (
            direct["FunctionError"] == "Unhandled" and direct["Payload"]["errorType"] == "Function.ResponseSizeTooLarge"
        )
        assert [name for name, _ in runtime.dispatcher.invocations].count("echo") == 4
    assert lambda_eval_utils._invoke_lambda_function is before


def test_a_finished_executions_threads_leave_motos_thread_list_and_running_ones_stay():
    """Given a local runtime that has run a few executions (moto appends each thread its interpreter starts to
    TMP_THREADS, which nothing in moto empties), When another execution ends, Then no thread of the earlier ones
    that has finished is still in the list (issue 29: a Map worker held 1,300 finished threads after 80 children),
    and a thread still running stays, as does one appended but not yet started (moto appends before start(), when
    is_alive() is False as for a finished one)."""
    from moto.stepfunctions.parser.utils import TMP_THREADS

    from imagegate.local.runtime import LocalRuntime, create_state_machine, poll_execution
    from imagegate_service.adapters import aws_clients

    definition = (
        '{"StartAt": "One", "States": {"One": {"Type": "Pass", "Next": "Two"}, "Two": {"Type": "Pass", "End": true}}}'
    )
    running = threading.Event()
    still_running = threading.Thread(target=running.wait, daemon=True)
    with LocalRuntime(retry_time_scale=0.0, workflows=False):
        sfn = aws_clients.client("stepfunctions")
        machine = create_state_machine("two-passes", definition)

        def run(name: str) -> None:
            arn = sfn.start_execution(stateMachineArn=machine, name=name)["executionArn"]
            assert poll_execution(arn, poll_seconds=0.01)["status"] == "SUCCEEDED"

        earlier: set[threading.Thread] = set()
        for number in range(3):
            run(f"earlier-{number}")
            earlier.update(TMP_THREADS)  # its own thread at least: it was running when its end was told
        assert len(earlier) >= 3
        for thread in earlier:
            thread.join(5)
        still_running.start()
        not_started = threading.Thread(target=running.wait, daemon=True)
        TMP_THREADS.extend([still_running, not_started])
        try:
            run("later")
            assert not set(earlier) & set(TMP_THREADS)
            assert still_running in TMP_THREADS
            assert not_started in TMP_THREADS
        finally:
            running.set()
            still_running.join(5)
            for thread in (still_running, not_started):
                if thread in TMP_THREADS:
                    TMP_THREADS.remove(thread)


@pytest.mark.parametrize("patched", [True, False])
def test_a_number_moto_wrote_in_exponent_form_can_be_subtracted_from_again(patched):
    """Given an item whose number moto's own subtraction left in exponent form ("0E-7": 0.0804250 - 0.0804250),
    When an update expression subtracts from it again,
    Then the update succeeds and the number stays zero (without the patch, moto raises inside: int("0E-7"))."""
    from decimal import Decimal

    import boto3
    from moto import mock_aws

    from imagegate.local.runtime import make_moto_numbers_in_exponent_form_added

    with mock_aws():
        undo = make_moto_numbers_in_exponent_form_added() if patched else (lambda: None)
        try:
            table = boto3.resource("dynamodb", region_name="us-east-1").create_table(
                TableName="t",
                KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                BillingMode="PAY_PER_REQUEST",
            )
            table.put_item(Item={"pk": "r", "remainingUsd": Decimal("0.0804250")})
            spend = {"UpdateExpression": "SET remainingUsd = remainingUsd - :a", "Key": {"pk": "r"}}
            table.update_item(**spend, ExpressionAttributeValues={":a": Decimal("0.0804250")})
            again = {**spend, "ExpressionAttributeValues": {":a": Decimal("0")}}
            if patched:
                table.update_item(**again)
                assert table.get_item(Key={"pk": "r"})["Item"]["remainingUsd"] == 0
            else:
                with pytest.raises(ValueError, match="0E-7"):
                    table.update_item(**again)
        finally:
            undo()


def test_the_local_runtime_installs_the_exponent_form_arithmetic_and_undoes_it():
    """Given moto's own number arithmetic, When a LocalRuntime runs, Then "-" on a number in exponent form works,
    and after it moto's own arithmetic is back (the runtime's patches are undone on exit)."""
    from moto.dynamodb.models.dynamo_type import DDBType, DynamoType

    from imagegate.local.runtime import LocalRuntime

    moto_sub = DynamoType.__dict__["__sub__"]
    zero_in_exponent_form = DynamoType({DDBType.NUMBER: "0E-7"})
    with LocalRuntime(retry_time_scale=0.0, workflows=False):
        assert (zero_in_exponent_form - DynamoType({DDBType.NUMBER: "0"})).cast_value == 0
    assert DynamoType.__dict__["__sub__"] is moto_sub
