"""The run request schema (JSON Schema 2020-12) in the dialects the HTTP API's tools speak:
API Gateway request models (draft-4) and OpenAPI 3.0 schema objects (a draft-4 subset, no `$schema`).
The conversion is exact for the keywords the run request uses; any other keyword stops it."""

from __future__ import annotations

from typing import Any

DRAFT4 = "http://json-schema.org/draft-04/schema#"
_SAME_IN_DRAFT4 = {
    "title",
    "description",
    "type",
    "required",
    "additionalProperties",
    "minimum",
    "maximum",
    "minLength",
    "maxLength",
    "enum",
    "minItems",
    "maxItems",
    "pattern",  # an ECMA-262 regular expression in all three (used plain: no lookarounds, no Unicode classes)
}


def draft4(schema: dict[str, Any]) -> dict[str, Any]:
    """An API Gateway model schema."""
    return {"$schema": DRAFT4, **openapi30(schema)}


def openapi30(schema: dict[str, Any]) -> dict[str, Any]:
    """An OpenAPI 3.0 schema object: 2020-12's numeric exclusiveMinimum/Maximum become draft-4's
    minimum/maximum plus a boolean; `$schema` and `$id` go."""
    converted: dict[str, Any] = {}
    for key, value in schema.items():
        if key in ("$schema", "$id"):
            continue
        if key == "properties":
            converted[key] = {name: openapi30(rule) for name, rule in value.items()}
        elif key == "items":
            converted[key] = openapi30(value)
        elif key in ("exclusiveMinimum", "exclusiveMaximum"):
            converted["minimum" if key == "exclusiveMinimum" else "maximum"] = value
            converted[key] = True
        elif key in _SAME_IN_DRAFT4:
            converted[key] = value
        else:
            raise ValueError(f"no draft-4 conversion for the JSON Schema keyword {key!r}")
    return converted
