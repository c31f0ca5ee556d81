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


def test_each_thread_gets_its_own_dynamodb_table_resource():
    """Given the cached Table factory, When two threads ask for one table, Then each has its own resource
    (and its own condition builder), while one thread keeps reusing its own; cache_clear makes new ones."""
    from imagegate_service.adapters.aws_clients import dynamodb_table

    dynamodb_table.cache_clear()
    mine = dynamodb_table("runs")
    assert dynamodb_table("runs") is mine
    theirs: list[object] = []
    thread = threading.Thread(target=lambda: theirs.append(dynamodb_table("runs")))
    thread.start()
    thread.join()
    assert theirs[0] is not mine
    assert theirs[0]._injector is not mine._injector  # noqa: SLF001 (the non-thread-safe builder's owner)
    dynamodb_table.cache_clear()
    assert dynamodb_table("runs") is not mine


def test_a_shared_condition_builder_reset_mid_build_loses_the_partition_key():
    """The cause, shown: a reset by another thread between two placeholders of one query makes the
    expression name the sort key twice (the 'missed key schema element: pk' query)."""
    from boto3.dynamodb.conditions import ConditionExpressionBuilder, Key

    builder = ConditionExpressionBuilder()
    original = builder._get_name_placeholder  # noqa: SLF001
    calls = {"n": 0}

    def interleaved() -> str:
        calls["n"] += 1
        if calls["n"] == 2:
            builder.reset()  # what another thread's request does on a shared resource
        return original()

    builder._get_name_placeholder = interleaved  # noqa: SLF001
    built = builder.build_expression(Key("pk").eq("RUN#x") & Key("sk").begins_with("ROUND#"), is_key_condition=True)
    assert built.attribute_name_placeholders == {"#n0": "sk"}  # pk's placeholder was overwritten
