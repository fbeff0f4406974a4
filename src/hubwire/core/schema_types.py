"""Constrained input types for the API, so that bad input is a 422 naming the field, never a 500
from the database (strings with NUL bytes, lone surrogates, overlong text, out-of-range numbers).

Body fields take JSON's own types, never a coercion: `true` is not 1, `"5"` is not 5, and a date
is an ISO 8601 string, never a number of seconds since 1970. Path and query parameters are text on
the wire, so they keep pydantic's reading of numbers (`PathId`)."""

from copy import copy
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from ninja import Schema
from pydantic import (AfterValidator, BeforeValidator, ConfigDict, Field, StrictInt, StringConstraints, WithJsonSchema,
                      create_model)
from pydantic.fields import FieldInfo

from hubwire.core.money import MAX_MINOR_UNITS
from hubwire.core.query import MAX_ID
from hubwire.core.text import text_problem


def _storable(value: str) -> str:
    if problem := text_problem(value):
        raise ValueError(problem)
    return value.strip()


def Text(max_length: int, *, required: bool = False):
    return Annotated[str, StringConstraints(max_length=max_length), AfterValidator(_storable)] if not required else Annotated[
        str, StringConstraints(min_length=1, max_length=max_length), AfterValidator(_storable)
    ]


LongText = Annotated[str, StringConstraints(max_length=20000), AfterValidator(_storable)]
Id = Annotated[StrictInt, Field(ge=1, le=MAX_ID)]
PathId = Annotated[int, Field(ge=1, le=MAX_ID)]
MinorUnits = Annotated[StrictInt, Field(ge=0, le=MAX_MINOR_UNITS, description="Amount in minor units (cents)")]
BasisPoints = Annotated[StrictInt, Field(ge=0, le=10000, description="Basis points: 825 = 8.25%")]
Currency = Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{3}$"), Field(description="ISO 4217 code, e.g. USD")]


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
