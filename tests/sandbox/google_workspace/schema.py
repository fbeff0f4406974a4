"""Checks a sandbox Directory answer against Google's discovery document
(../shared/specs/admin.directory_v1.json), with the calendar tests' converter (discovery schema ->
JSON Schema: types, nested objects, $refs, no field the vendor does not define)."""

import json
from functools import cache
from pathlib import Path

import jsonschema
import pytest

from tests.sandbox.google_calendar.schema import _convert as json_schema_of

SPEC = Path(__file__).resolve().parents[3].parent / "shared" / "specs" / "admin.directory_v1.json"
# What every answer of that kind carries (the discovery document marks no response field required).
ALWAYS = {"User": ["kind", "id", "etag", "primaryEmail", "name", "isAdmin", "isDelegatedAdmin", "suspended",
                   "creationTime", "lastLoginTime", "customerId", "orgUnitPath", "isEnrolledIn2Sv"],
          "Users": ["kind", "etag"], "Group": ["kind", "id", "etag", "email", "name", "directMembersCount"],
          "Groups": ["kind", "etag"], "Member": ["kind", "id", "etag", "email", "role", "type", "status"],
          "Members": ["kind", "etag"], "MembersHasMember": ["isMember"],
          "Domains": ["kind", "etag", "domainName", "verified", "isPrimary", "creationTime"],
          "Domains2": ["kind", "etag", "domains"]}
# viewType=domain_public shows no admin-only field, so a user there carries only these for sure.
ALWAYS_PUBLIC = {**ALWAYS, "User": ["kind", "id", "etag", "primaryEmail", "name", "emails"]}
ITEMS = {"Users": ("users", "User"), "Groups": ("groups", "Group"), "Members": ("members", "Member"),
         "Domains2": ("domains", "Domains")}
KINDS = {"User": "admin#directory#user", "Users": "admin#directory#users", "Group": "admin#directory#group",
         "Groups": "admin#directory#groups", "Member": "admin#directory#member", "Members": "admin#directory#members",
         "Domains": "admin#directory#domain", "Domains2": "admin#directory#domains"}


@cache
def _definitions() -> dict:
    if not SPEC.is_file():
        pytest.skip(f"The vendor schema {SPEC} is absent (see /work/shared/specs/README.md); not validated.")
    schemas = json.loads(SPEC.read_text())["schemas"]
    return {name: json_schema_of(schema) for name, schema in schemas.items()}


@cache
def _validator(name: str, public: bool = False) -> jsonschema.protocols.Validator:
    """Made and checked once per resource: a page of 500 users is 500 validations."""
    definitions = _definitions()
    schema = {**definitions[name], "definitions": definitions,
              "required": (ALWAYS_PUBLIC if public else ALWAYS).get(name, [])}
    validator = jsonschema.validators.validator_for(schema)
    validator.check_schema(schema)
    return validator(schema)


def validate(answer: dict, name: str, *, public: bool = False) -> dict:
    """`public`: an answer of viewType=domain_public, whose users carry fewer fields for sure."""
    _validator(name, public).validate(answer)
    if name in KINDS:
        assert answer["kind"] == KINDS[name]
    if name in ITEMS:
        key, item = ITEMS[name]
        for each in answer.get(key, []):
            validate(each, item, public=public)
    return answer
