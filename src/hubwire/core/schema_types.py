"""Constrained input types for the API, so that bad input is a 422 naming the field, never a 500
from the database (strings with NUL bytes, lone surrogates, overlong text, out-of-range numbers).

A check the services make of a single value (an email address, a phone number) runs here as well
(`refused_by`), so the API refuses exactly what the services refuse, in their words, and the OpenAPI
document states what a schema can state of it: a format (`email`, `uri`), a length equal to the
column's, an enum.

Body fields take JSON's own types, never a coercion: `true` is not 1, `"5"` is not 5, and a date
is an ISO 8601 string, never a number of seconds since 1970. Path and query parameters are text on
the wire, so they keep pydantic's reading of numbers (`PathId`)."""

from collections.abc import Callable
from copy import copy
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from ninja import Schema
from pydantic import (AfterValidator, BeforeValidator, ConfigDict, Field, StrictInt, StringConstraints, WithJsonSchema,
                      create_model)
from pydantic.fields import FieldInfo
from pydantic_core import PydanticCustomError

from hubwire.core.formats import email_problem, phone_problem, web_url_problem
from hubwire.core.money import MAX_MINOR_UNITS, currency_problem
from hubwire.core.query import MAX_ID
from hubwire.core.text import text_problem
from hubwire.core.timezones import time_zone_problem


def _storable_as_sent(value: str) -> str:
    if problem := text_problem(value):
        raise ValueError(problem)
    return value


def _storable(value: str) -> str:
    return _storable_as_sent(value).strip()


def Text(max_length: int, *, required: bool = False):
    return Annotated[str, StringConstraints(max_length=max_length), AfterValidator(_storable)] if not required else Annotated[
        str, StringConstraints(min_length=1, max_length=max_length), AfterValidator(_storable)
    ]


LongText = Annotated[str, StringConstraints(max_length=20000), AfterValidator(_storable)]
Id = Annotated[StrictInt, Field(ge=1, le=MAX_ID)]
PathId = Annotated[int, Field(ge=1, le=MAX_ID)]
MinorUnits = Annotated[StrictInt, Field(ge=0, le=MAX_MINOR_UNITS, description="Amount in minor units (cents)")]
BasisPoints = Annotated[StrictInt, Field(ge=0, le=10000, description="Basis points: 825 = 8.25%")]


def refused_by(problem: Callable[[object], str], *, blank: bool = False) -> AfterValidator:
    """A validator that refuses what `problem` (a service's own check: why a value is wrong, or "")
    finds, in the service's words, without pydantic's "Value error, " before them. `blank`: ""
    passes (an optional field left empty; the service decides what empty means)."""

    def check(value):
        if not (blank and value == "") and (message := problem(value)):
            raise PydanticCustomError("value_error", "{problem}", {"problem": message})
        return value

    return AfterValidator(check)


# The checks of single values that no JSON schema keyword states (a phone number that exists, a
# currency in ISO 4217's list, an IANA zone) run here too, beside the ones the schema states: every
# error a value has alone is then answered in one round, as a page's form shows them all at once.
Currency = Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{3}$"), refused_by(currency_problem),
                     Field(description="ISO 4217 code, e.g. USD")]
Phone = Annotated[str, StringConstraints(max_length=40), AfterValidator(_storable),
                  refused_by(phone_problem, blank=True), Field(description="Any format; stored as E.164")]
TimeZoneName = Annotated[str, StringConstraints(max_length=64), AfterValidator(_storable),
                         refused_by(time_zone_problem, blank=True)]


def _trimmed(value):
    return value.strip() if isinstance(value, str) else value


def Formatted(problem: Callable[[str], str], *, format: str, max_length: int, pattern: str | None = None,
              blank: bool = False, trimmed: bool = False):
    """Text in a format the OpenAPI document names (`email`, `uri`) and `problem` judges, so the
    document says what the API accepts and the API refuses exactly what the service refuses.
    `blank`: "" is accepted too (the field is optional and may be cleared), and the schema says so.
    `trimmed`: surrounding spaces are cut before the checks, where the service cuts them too; elsewhere
    the value is judged as sent, as the service judges it (" dana@example.com" is not an address)."""
    stated = {"type": "string", "format": format, "maxLength": max_length} | ({"pattern": pattern} if pattern else {})
    rules = [StringConstraints(max_length=max_length), AfterValidator(_storable_as_sent),
             refused_by(problem, blank=blank),
             WithJsonSchema({"anyOf": [stated, {"type": "string", "maxLength": 0}]} if blank else stated)]
    return Annotated[(str, BeforeValidator(_trimmed), *rules) if trimmed else (str, *rules)]


# `email` and `uri` are the formats clients know, though neither is exactly the check: `email` also
# allows a few addresses Django refuses ("a@b", a quoted local part), and neither allows the
# internationalised names it takes (dana@bücher.de, https://bücher.de/ä; `idn-email`, `iri` would).
# The check decides, and what it refuses is a 422 naming the field.
# An email column is 254 characters (Django's EmailField, RFC 5321's longest path).
OptionalEmail = Formatted(email_problem, format="email", max_length=254, blank=True)
# `uri` allows any scheme; the pattern says which ones (ECMA-262 regexes have no case-insensitive flag).
HTTP_URL = "^[Hh][Tt][Tt][Pp][Ss]?://"


def OptionalWebUrl(max_length: int):
    return Formatted(web_url_problem, format="uri", pattern=HTTP_URL, max_length=max_length, blank=True)


def _number(value):
    """JSON numbers only; a Decimal keeps the digits a float would round."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise ValueError("Enter a number")
    return value if isinstance(value, Decimal) else Decimal(str(value))


Quantity = Annotated[Decimal, Field(gt=0, max_digits=10, decimal_places=2), BeforeValidator(_number),
                     WithJsonSchema({"type": "number", "exclusiveMinimum": 0, "maximum": 99999999.99, "multipleOf": 0.01})]


def _iso(parse, example: str):
    def read(value):
        if isinstance(value, str):
            try:
                return parse(value)
            except ValueError:
                pass
        elif isinstance(value, date):  # already read (services and tests pass objects)
            return value
        raise ValueError(f"Enter an ISO 8601 string, e.g. {example}")

    return BeforeValidator(read)


def _in_sane_years(value: date) -> date:
    # Years far outside this are typos, and some of them overflow time zone arithmetic.
    if not 1900 <= value.year <= 2200:
        raise ValueError("must be between the years 1900 and 2200")
    return value


SaneDate = Annotated[date, _iso(date.fromisoformat, "2030-01-31"), AfterValidator(_in_sane_years)]
SaneDateTime = Annotated[datetime, _iso(datetime.fromisoformat, "2030-01-31T09:30:00+01:00"),
                         AfterValidator(_in_sane_years)]

def _no_defaults(schema: dict) -> None:
    for field in schema.get("properties", {}).values():
        field.pop("default", None)


class PatchSchema(Schema):
    # An omitted field is left as it is: there is no default to show.
    model_config = ConfigDict(json_schema_extra=_no_defaults)


def partial(schema: type[Schema], name: str) -> type[Schema]:
    """The same fields, all optional: PATCH changes only what it names. Each keeps its type and
    rules, so `null` is accepted only where create accepts it (clearing a date, not a name)."""
    fields = {key: (f.annotation, _optional(f)) for key, f in schema.model_fields.items()}
    return create_model(name, __base__=PatchSchema, **fields)


def _optional(field: FieldInfo) -> FieldInfo:
    optional = copy(field)
    optional.default, optional.default_factory = None, None
    return optional
