"""`imagegate run` exiting with "TypeError: 'NoneType' object is not subscriptable" (a flake of fresh CLI
processes): the execution ended at Could Not Start, so there was no run item to export. Start Run failed because
the CLI's first poll made a boto3 client on the default Session while Start Run made its own on moto's thread
(the Session is not thread-safe while it makes clients). Each part, forced open."""

from __future__ import annotations

import json
import threading
import types

import pytest

pytestmark = pytest.mark.unit


def test_the_runtime_makes_its_clients_under_the_handlers_lock(monkeypatch):
    """Given the lock the handlers hold while they make a client (adapters/aws_clients.py), held by a "handler",
    When the runtime polls an execution on another thread,
    Then it waits for the lock before it makes its client (no second client made on the Session meanwhile)."""
    from imagegate.local import runtime as local_runtime
    from imagegate_service.adapters import aws_clients

    made: list[str] = []

    def fake_boto3_client(service, **_kwargs):
        made.append(service)
        return types.SimpleNamespace(describe_execution=lambda executionArn: {"status": "SUCCEEDED"})

    monkeypatch.setattr("boto3.client", fake_boto3_client)
    aws_clients.client.cache_clear()
    try:
        with aws_clients._MAKING:  # a handler making its client on moto's thread
            poller = threading.Thread(target=local_runtime.poll_execution, args=("arn:aws:states:x:1:execution:m:r",))
            poller.start()
            poller.join(0.3)
            assert poller.is_alive() and made == []  # the poll waits for the handler's client first
        poller.join(5)
        assert not poller.is_alive() and made == ["stepfunctions"]
    finally:
        aws_clients.client.cache_clear()  # the fake client must not serve anyone else


def test_a_handler_that_cannot_be_imported_is_that_functions_error(monkeypatch):
    """Given a handler module whose import fails (as a Lambda init error would),
    When the state machine invokes it,
    Then the invocation answers a function error naming the import error, as Lambda does, instead of raising
    inside moto's Lambda backend."""
    from imagegate.local import runtime as local_runtime

    def failing_import(name):
        raise ImportError(f"cannot import name 'x' from partially initialized module {name!r}")

    monkeypatch.setattr(local_runtime, "importlib", types.SimpleNamespace(import_module=failing_import))
    headers: dict[str, str] = {}

    answer = json.loads(local_runtime.HandlerDispatcher().invoke("imagegate-local-start-run", b"{}", headers))

    assert headers["x-amz-function-error"] == "Unhandled"
    assert answer["errorType"] == "ImportError" and "partially initialized" in answer["errorMessage"]


def test_a_client_made_before_the_offline_providers_are_installed_is_not_kept(monkeypatch):
    """A whole integration test's Bedrock calls once went to http://bedrock.offline.invalid (every round a
    connection error; passing alone, failing in the suite): a client made on the default Session after moto started
    but before the offline handlers were on the Session (botocore copies a Session's handlers into a client when it
    is made) stayed in the client cache. A thread left by an earlier test can make one in that window.
    Given a bedrock-runtime client made in that window,
    When the runtime is entered and a handler asks for its client,
    Then the client it gets answers offline (the handlers' session), not the network."""
    from imagegate.local import runtime as local_runtime
    from imagegate_service.adapters import aws_clients

    original = local_runtime.LocalRuntime._install_offline_bedrock

    def made_in_the_window(self):
        aws_clients.client("bedrock-runtime")  # as a leftover thread would, between moto's start and the install
        original(self)

    monkeypatch.setattr(local_runtime.LocalRuntime, "_install_offline_bedrock", made_in_the_window)
    with local_runtime.LocalRuntime(workflows=False) as runtime:
        answer = aws_clients.client("bedrock-runtime").converse(
            modelId="amazon.nova-lite-v1:0", messages=[{"role": "user", "content": [{"text": "Say yes."}]}]
        )
        assert answer["output"]["message"]["content"] and len(runtime.bedrock.bill) == 1


def test_a_default_session_replaced_while_the_runtime_runs_does_not_take_its_clients_offline_providers():
    """The same test failed again in the suite after the fix above: every Bedrock call went to the network. moto's
    mock, when an earlier runtime's thread stops it, restores the boto3.DEFAULT_SESSION it found; a client made
    after that, from boto3's default, has no offline handlers.
    Given a runtime, and the default Session replaced by a plain one (as that stop does),
    When a handler makes its Bedrock client,
    Then the client is made on the runtime's Session and answers offline."""
    import boto3

    from imagegate.local import runtime as local_runtime
    from imagegate_service.adapters import aws_clients

    with local_runtime.LocalRuntime(workflows=False) as runtime:
        boto3.DEFAULT_SESSION = boto3.session.Session()  # what a stopped mock puts back
        aws_clients.client.cache_clear()
        answer = aws_clients.client("bedrock-runtime").converse(
            modelId="amazon.nova-lite-v1:0", messages=[{"role": "user", "content": [{"text": "Say yes."}]}]
        )
        assert answer["output"]["message"]["content"] and len(runtime.bedrock.bill) == 1


def test_the_session_clients_are_made_on_is_replaced_under_the_lock_clients_are_made_under(monkeypatch):
    """Given a "handler" making a client (holding the lock), When the runtime's exit replaces the Session, Then the
    replacement waits for it (a client made meanwhile on the old Session would be kept past the cache's clearing)."""
    from imagegate_service.adapters import aws_clients

    done = threading.Event()
    with aws_clients._MAKING:
        replacer = threading.Thread(target=lambda: (aws_clients.use_session(None), done.set()))
        replacer.start()
        assert not done.wait(0.3)  # waits for the client being made
    assert done.wait(5)
    replacer.join(5)
