"""Checks a sandbox answer against Twilio's own OpenAPI document (../shared/specs/
twilio_api_v2010_messages.json): the Message schema and the list response become JSON Schema
(types, nullable, enums, SID patterns, $refs), with exactly the fields the vendor defines, every one
of them present; and the dates the spec says are RFC 2822 parse as such, in GMT."""

import json
from email.utils import format_datetime, parsedate_to_datetime
from functools import cache
from pathlib import Path

import jsonschema
import pytest

SPEC = Path(__file__).resolve().parents[3].parent / "shared" / "specs" / "twilio_api_v2010_messages.json"
LIST_PATH = "/2010-04-01/Accounts/{AccountSid}/Messages.json"
MESSAGE = "api.v2010.account.message"
COPIED = ("enum", "pattern", "minLength", "maxLength", "minimum", "maximum")


def _convert(node: dict) -> dict:
    if "$ref" in node:
        return {"$ref": "#/definitions/" + node["$ref"].rsplit("/", 1)[-1]}
    out = {key: node[key] for key in COPIED if key in node}
    if "type" in node:
        out["type"] = [node["type"], "null"] if node.get("nullable") else node["type"]
    if node.get("nullable") and "enum" in out:
        out["enum"] = [*out["enum"], None]
    if "properties" in node:
        out["properties"] = {name: _convert(child) for name, child in node["properties"].items()}
        out["required"] = sorted(node["properties"])
        out["additionalProperties"] = False
    if "items" in node:
        out["items"] = _convert(node["items"])
    return out


@cache
def _spec() -> dict:
    if not SPEC.is_file():
        pytest.skip(f"The vendor schema {SPEC} is absent (see /work/shared/specs/README.md); not validated.")
    return json.loads(SPEC.read_text())


@cache
def _definitions() -> dict:
    return {name: _convert(schema) for name, schema in _spec()["components"]["schemas"].items()}


def _check_dates(message: dict) -> None:
    properties = _spec()["components"]["schemas"][MESSAGE]["properties"]
    for name, declared in properties.items():
        if declared.get("format") == "date-time-rfc-2822" and message[name] is not None:
            moment = parsedate_to_datetime(message[name])
            assert format_datetime(moment) == message[name] and message[name].endswith(" +0000"), message[name]


def validate_message(answer: dict) -> dict:
    definitions = _definitions()
    jsonschema.validate(answer, {**definitions[MESSAGE], "definitions": definitions})
    _check_dates(answer)
    return answer


def validate_list(answer: dict) -> dict:
    definitions = _definitions()
    listed = _spec()["paths"][LIST_PATH]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    jsonschema.validate(answer, {**_convert(listed), "definitions": definitions})
    for message in answer["messages"]:
        _check_dates(message)
    return answer
