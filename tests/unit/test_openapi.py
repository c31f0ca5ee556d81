"""The OpenAPI description in the repo stays in step with the handler's routes and the run request schema."""

from __future__ import annotations

import json
import re

import pytest

from imagegate_service import constants as c
from imagegate_service.domain.generations import LIST_DEFAULT_LIMIT, LIST_MAX_LIMIT
from imagegate_service.schema_dialects import draft4, openapi30
from imagegate_service.settings import run_request_schema
from infra.config import REPO_ROOT

pytestmark = pytest.mark.unit

OPENAPI = json.loads((REPO_ROOT / "openapi" / "imagegate.openapi.json").read_text(encoding="utf-8"))


def test_it_is_openapi_3_0():
    assert OPENAPI["openapi"].startswith("3.0.")


def test_routes_are_the_resolvers_routes():
    # Given the handler's resolver
    from imagegate_service.handlers import api

    # When its routes are written the OpenAPI way (<name> -> {id})
    routes = {
        (route.method, re.sub(r"<\w+>", "{id}", route.path))
        for route in [*api.app._static_routes, *api.app._dynamic_routes]
    }

    # Then they are exactly the described operations
    assert routes == {(method.upper(), path) for path, item in OPENAPI["paths"].items() for method in item}


def test_request_schema_is_the_run_request_schema():
    # The run request schema (2020-12) in OpenAPI 3.0's dialect, nothing added or lost
    assert OPENAPI["components"]["schemas"]["RunRequest"] == openapi30(run_request_schema())
    body = OPENAPI["paths"]["/generations"]["post"]["requestBody"]
    assert body["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/RunRequest"}


def test_list_limits_and_idempotency_header_match_the_constants():
    post, listing = OPENAPI["paths"]["/generations"]["post"], OPENAPI["paths"]["/generations"]["get"]
    assert [p["name"] for p in post["parameters"]] == [c.IDEMPOTENCY_HEADER]
    limit = next(p for p in listing["parameters"] if p["name"] == "limit")["schema"]
    assert (limit["maximum"], limit["default"]) == (LIST_MAX_LIMIT, LIST_DEFAULT_LIMIT)


def test_draft4_conversion_keeps_exclusive_bounds():
    # Given a 2020-12 exclusive minimum
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "x",
        "type": "object",
        "properties": {"cost": {"type": "number", "exclusiveMinimum": 0, "maximum": 100}},
    }

    # Then draft-4 states it as minimum plus a boolean, and no unknown keyword slips through
    assert draft4(schema) == {
        "$schema": "http://json-schema.org/draft-04/schema#",
        "type": "object",
        "properties": {"cost": {"type": "number", "minimum": 0, "exclusiveMinimum": True, "maximum": 100}},
    }
    with pytest.raises(ValueError, match="oneOf"):
        openapi30({"oneOf": []})


def test_enhance_operations_match_the_domains_and_the_registrys_limits():
    from imagegate_service import registry
    from imagegate_service.domain.enhancing import MAX_OPERATIONS, OPERATIONS, UPSCALE_MODES, WORDS_MAX_CHARS

    schemas = OPENAPI["components"]["schemas"]
    operation = schemas["EnhanceOperation"]["properties"]
    assert operation["op"]["enum"] == list(OPERATIONS)
    assert operation["mode"]["enum"] == list(UPSCALE_MODES)
    assert schemas["EnhanceRequest"]["properties"]["operations"]["maxItems"] == MAX_OPERATIONS
    low, high = registry.image_service_for("outpaint").field_range("left")
    for side in ("left", "right", "up", "down"):
        assert (operation[side]["minimum"], operation[side]["maximum"]) == (low, high)
    assert all(operation[name]["maxLength"] == WORDS_MAX_CHARS for name in ("object", "colour", "with"))


def test_enhance_local_fallback_fields_match_the_domain():
    from imagegate_service.domain.enhancements import SOURCE_BEDROCK, SOURCE_LOCAL
    from imagegate_service.domain.enhancing import ALLOW_LOCAL_FALLBACK

    schemas = OPENAPI["components"]["schemas"]
    assert schemas["EnhanceOperation"]["properties"][ALLOW_LOCAL_FALLBACK]["type"] == "boolean"
    assert schemas["EnhanceRequest"]["properties"][ALLOW_LOCAL_FALLBACK]["type"] == "boolean"
    step = schemas["Enhancement"]["properties"]["steps"]["items"]["properties"]
    assert step["source"]["enum"] == [SOURCE_BEDROCK, SOURCE_LOCAL]
    assert {"method", "fallbackReason"} <= set(step)
