"""Constrained input types for the API, so that bad input is a 422 naming the field, never a 500
from the database (strings with NUL bytes, lone surrogates, overlong text, out-of-range numbers)."""

from datetime import date, datetime
from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints

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
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
MinorUnits = Annotated[int, Field(ge=0, le=MAX_MINOR_UNITS, description="Amount in minor units (cents)")]
Currency = Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{3}$"), Field(description="ISO 4217 code, e.g. USD")]
# Years far outside this are typos, and some of them overflow time zone arithmetic.
SaneDate = Annotated[date, Field(ge=date(1900, 1, 1), le=date(2200, 12, 31))]


def _sane_datetime(value: datetime) -> datetime:
    if not 1900 <= value.year <= 2200:
        raise ValueError("must be between the years 1900 and 2200")
    return value


SaneDateTime = Annotated[datetime, AfterValidator(_sane_datetime)]
