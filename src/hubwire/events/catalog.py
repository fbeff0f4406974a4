"""The catalog of event types: name -> version, description and the JSON schema of its `data`.

Apps define their event types here at import time (see hubwire/crm/events.py); `emit` refuses a
type that is not in the catalog and a payload that does not match its schema.
"""

from dataclasses import dataclass, field
from functools import cached_property

import jsonschema
from pydantic import BaseModel


@dataclass(frozen=True)
class EventType:
    name: str
    version: int
    description: str
    data_model: type[BaseModel] = field(repr=False)

    @cached_property
    def schema(self) -> dict:
        return self.data_model.model_json_schema(mode="serialization")

    @cached_property
    def validator(self):
        return jsonschema.Draft202012Validator(self.schema)


CATALOG: dict[str, EventType] = {}


def define(name: str, data_model: type[BaseModel], description: str, *, version: int = 1) -> EventType:
    if name in CATALOG:
        raise ValueError(f"event type {name!r} is defined twice")
    CATALOG[name] = EventType(name=name, version=version, description=description, data_model=data_model)
    return CATALOG[name]


class UnknownEventType(KeyError):
    pass


def get(name: str) -> EventType:
    try:
        return CATALOG[name]
    except KeyError:
        raise UnknownEventType(name) from None
