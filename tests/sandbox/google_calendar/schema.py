"""Checks a sandbox answer against Google's discovery document (../shared/specs/calendar.v3.json):
each schema becomes a JSON Schema (types, nested objects, $refs), no field the vendor does not
define, and the fields every answer of that kind carries."""

import json
from functools import cache
from pathlib import Path

import jsonschema
import pytest

SPEC = Path(__file__).resolve().parents[3].parent / "shared" / "specs" / "calendar.v3.json"
# What Google always answers in each resource (the discovery document marks no response field required).
ALWAYS = {"Event": ["kind", "etag", "id", "status"], "Events": ["kind", "etag", "items", "timeZone", "updated"],
          "Channel": ["kind", "id", "resourceId", "resourceUri", "expiration"]}
TYPES = {"string": "string", "integer": "integer", "boolean": "boolean", "number": "number", "array": "array",
         "object": "object", "any": {}}


def _convert(node: dict) -> dict:
    if "$ref" in node:
        return {"$ref": f"#/definitions/{node['$ref']}"}
    kind = node.get("type")
    out = {} if kind in (None, "any") else {"type": TYPES[kind]}
    if kind == "string" and node.get("format") in ("int64", "uint64"):
        out["pattern"] = r"^-?[0-9]+$"  # discovery sends 64-bit integers as strings
    if "properties" in node:
        out["properties"] = {k: _convert(v) for k, v in node["properties"].items()}
        if "additionalProperties" not in node:
            out["additionalProperties"] = False
    if isinstance(node.get("additionalProperties"), dict):
        out["additionalProperties"] = _convert(node["additionalProperties"])
    if "items" in node:
        out["items"] = _convert(node["items"])
    if "enum" in node:
        out["enum"] = node["enum"]
    return out


@cache
def _definitions() -> dict:
    if not SPEC.is_file():
        pytest.skip(f"The vendor schema {SPEC} is absent (see /work/shared/specs/README.md); not validated.")
    schemas = json.loads(SPEC.read_text())["schemas"]
    return {name: _convert(schema) for name, schema in schemas.items()}


def validate(answer: dict, name: str) -> dict:
    definitions = _definitions()
    schema = {**definitions[name], "definitions": definitions, "required": ALWAYS.get(name, [])}
    jsonschema.validate(answer, schema)
    if name == "Events":
        for item in answer["items"]:
            validate(item, "Event")
    return answer
