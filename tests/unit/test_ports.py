"""Ports and adapters: each adapter implements its domain port (domain/ports.py), method by method, signature by
signature; and the domain takes any object that does (mypy checks the same statically: adapters/__init__.py)."""

import inspect
import typing

import pytest

from imagegate_service.adapters import bedrock
from imagegate_service.adapters.bedrock import BedrockImageGenerator, BedrockToolCaller
from imagegate_service.adapters.controls import DynamoDailyBudgetStore, DynamoReviewStore
from imagegate_service.adapters.enhancements import DynamoEnhancementStore
from imagegate_service.adapters.image_services import BedrockImageServices
from imagegate_service.adapters.local_imaging import LocalImaging
from imagegate_service.adapters.presign import S3Presigner
from imagegate_service.adapters.rekognition import RekognitionDetector
from imagegate_service.adapters.run_removal import DynamoRunRemoval
from imagegate_service.adapters.storage import DynamoRunRepository, S3ObjectStore
from imagegate_service.adapters.workflow import StepFunctionsWorkflow
from imagegate_service.domain import clock, ports

pytestmark = pytest.mark.unit

ADAPTERS = [
    (ports.ObjectStore, S3ObjectStore),
    (ports.RunRepository, DynamoRunRepository),
    (ports.ImageGenerator, BedrockImageGenerator),
    (ports.ToolCaller, BedrockToolCaller),
    (ports.Workflow, StepFunctionsWorkflow),
    (ports.UrlSigner, S3Presigner),
    (ports.TaskCallbacks, StepFunctionsWorkflow),
    (ports.ReviewStore, DynamoReviewStore),
    (ports.DailyBudgetStore, DynamoDailyBudgetStore),
    (ports.ImageDetector, RekognitionDetector),
    (ports.ExecutionStopper, StepFunctionsWorkflow),
    (ports.RunRemoval, DynamoRunRemoval),
    (ports.ImageServices, BedrockImageServices),
    (ports.LocalImager, LocalImaging),
    (ports.EnhancementStore, DynamoEnhancementStore),
]


def port_methods(port: type) -> list[str]:
    return [name for name, member in vars(port).items() if callable(member) and not name.startswith("_")]


def hints(function, owner) -> dict:
    # annotations resolved by name (postponed evaluation); the value types the ports speak live in domain/ports.py
    names = {**vars(bedrock), **vars(inspect.getmodule(owner)), **vars(ports)}
    return typing.get_type_hints(function, globalns=names)


@pytest.mark.parametrize(("port", "adapter"), ADAPTERS, ids=[port.__name__ for port, _ in ADAPTERS])
def test_each_adapter_implements_every_method_of_its_port_with_the_same_signature(port, adapter):
    # Given a port and the adapter that implements it
    methods = port_methods(port)
    assert methods, f"{port.__name__} names no method"

    # Then an instance of the adapter is an instance of the port (runtime_checkable: the methods are there)
    assert isinstance(adapter(), port)
    for name in methods:
        wanted, given = getattr(port, name), getattr(adapter, name)
        # and each method takes the same parameters, in order, with the same defaults and annotations
        wanted_parameters = list(inspect.signature(wanted).parameters.values())
        given_parameters = list(inspect.signature(given).parameters.values())
        assert [(p.name, p.kind, p.default) for p in given_parameters] == [
            (p.name, p.kind, p.default) for p in wanted_parameters
        ], f"{adapter.__name__}.{name}"
        assert hints(given, adapter) == hints(wanted, port), f"{adapter.__name__}.{name}"


def test_an_object_missing_a_method_of_the_port_is_not_an_instance_of_it():
    # Given a store that cannot list keys
    class Partial:
        def put_png(self, key: str, data: bytes) -> None: ...

    # Then it does not pass for an ObjectStore (the check is not vacuous)
    assert not isinstance(Partial(), ports.ObjectStore)


def test_the_clock_port_is_what_utc_now_is():
    # Given the domain's clock
    moment = clock.utc_now()
    # Then it is timezone-aware UTC, as the Clock port says, and parse_iso reads back what iso writes
    assert moment.utcoffset() is not None and moment.utcoffset().total_seconds() == 0
    assert clock.parse_iso(clock.iso(moment)) == moment.replace(microsecond=moment.microsecond // 1000 * 1000)
    assert typing.get_type_hints(ports.Clock.__call__, globalns=vars(ports))["return"] is type(moment)
