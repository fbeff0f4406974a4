"""Stripe's own schemas (a vendored subset of its OpenAPI document, stripe_openapi_subset.json) as
JSON Schema, to check every object the sandbox Stripe answers or sends with."""

import json
from functools import cache
from pathlib import Path

from jsonschema import Draft7Validator
from jsonschema.exceptions import best_match

_DOCUMENT = Path(__file__).parent / "stripe_openapi_subset.json"
_PREFIX = "#/components/schemas/"


def _as_json_schema(node, kept: set[str]):
    """OpenAPI 3.0 → JSON Schema: `nullable` also admits null; a $ref to a schema not kept is open."""
    if isinstance(node, list):
        return [_as_json_schema(item, kept) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node and node["$ref"].removeprefix(_PREFIX) not in kept:
        return {}
    converted = {key: _as_json_schema(value, kept) for key, value in node.items()
                 if key != "nullable" and not (key == "properties" and not isinstance(value, dict))}
    if "properties" in node:
        converted["properties"] = {name: _as_json_schema(value, kept) for name, value in node["properties"].items()}
    if node.get("nullable"):
        return {"anyOf": [converted, {"type": "null"}]}
    return converted


@cache
def _schemas() -> dict:
    schemas = json.loads(_DOCUMENT.read_text())["components"]["schemas"]
    return {"components": {"schemas": {name: _as_json_schema(schema, set(schemas)) for name, schema in schemas.items()}}}


def problems(body: dict) -> list[str]:
    """What in a Stripe answer or object breaks Stripe's schema for it (an error envelope, or the
    schema named by its `object`); an event's `data.object` is checked too."""
    name = "error" if "error" in body and "object" not in body else body.get("object")
    if name not in _schemas()["components"]["schemas"]:
        return [f"no vendored schema for object {name!r}"]
    validator = Draft7Validator({"$ref": _PREFIX + name, **_schemas()})
    found = [best_match([error]) for error in validator.iter_errors(body)]  # the leaf of an anyOf, not its root
    found = [f"{'.'.join(map(str, e.absolute_path)) or '(top)'}: {e.message}" for e in found]
    if name == "event":
        found += [f"data.object.{p}" for p in problems(body["data"]["object"])]
    return found
