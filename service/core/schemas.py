"""Shared pydantic building blocks: strict input, money as exact decimal strings."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, ClassVar

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
)

_PLAIN_DECIMAL = re.compile(r"[+-]?\d+(\.\d+)?")


def _plain(value: Any) -> Any:
    """Money as people write it, in a string: "12.34". A JSON number is refused, because a
    parser has already made it a binary float (``1e-9999`` would arrive as £0.00); so are
    exponents ("1e5"), NaN and infinity. A ``Decimal`` from our own code passes."""
    if isinstance(value, Decimal):
        return value
    if not isinstance(value, str):
        raise ValueError('must be a decimal string such as "12.34", not a number')
    if not _PLAIN_DECIMAL.fullmatch(value.strip()):
        raise ValueError('must be a plain decimal number such as "12.34"')
    return value


def _money_schema(pattern: str, description: str) -> WithJsonSchema:
    return WithJsonSchema({"type": "string", "pattern": pattern, "examples": ["1250.00"],
                           "description": description})


# Money in and out of the API: a decimal string with at most two places ("-12.34").
MoneyIn = Annotated[
    Decimal,
    BeforeValidator(_plain),
    Field(max_digits=14, decimal_places=2),
    _money_schema(r"^[+-]?\d{1,12}(\.\d{1,2})?$",
                  'Pounds as a decimal string, at most two decimal places ("-12.34").'),
]
PositiveMoneyIn = Annotated[
    Decimal,
    BeforeValidator(_plain),
    Field(ge=0, max_digits=14, decimal_places=2),
    _money_schema(r"^\+?\d{1,12}(\.\d{1,2})?$",
                  'Pounds as a decimal string, not negative, at most two decimal places ("12.34").'),
]
HoursIn = Annotated[
    Decimal,
    Field(ge=0, le=168, max_digits=6, decimal_places=2, examples=["37.50"],
          description="Hours, not negative, at most two decimal places."),
]
Money = Annotated[
    Decimal,
    PlainSerializer(lambda v: f"{v:.2f}", return_type=str, when_used="json"),
    Field(description="Pounds as a decimal string with two places.", examples=["1250.00"]),
]
Text = Annotated[str, Field(min_length=1, max_length=200)]
Reference = Annotated[
    str,
    Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._:/-]*$",
          description="Your own reference: letters, digits and . _ : / -", examples=["R-1001"]),
]


class In(BaseModel):
    """Request bodies refuse fields they do not know, and text with NUL characters."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        texts = value if isinstance(value, list) else [value]
        if any(isinstance(text, str) and "\x00" in text for text in texts):
            raise ValueError("must not contain NUL characters")
        return value


class Patch(In):
    """A partial update: leave a field out to keep it. Only ``clearable`` fields may be null."""

    clearable: ClassVar[frozenset[str]] = frozenset()

    @field_validator("*", mode="before")
    @classmethod
    def _null_only_where_clearable(cls, value: Any, info: ValidationInfo) -> Any:
        if value is None and info.field_name not in cls.clearable:
            raise ValueError("cannot be null; leave the field out to keep its value")
        return value


class Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)

# Dates a direct payment can plausibly involve; anything else is a typing slip (or an attack).
EARLIEST = date(2000, 1, 1)
LATEST = date(2099, 12, 31)
Day = Annotated[date, Field(ge=EARLIEST, le=LATEST, description="YYYY-MM-DD, 2000 to 2099.")]
BirthDate = Annotated[date, Field(ge=date(1900, 1, 1), le=LATEST, description="YYYY-MM-DD.")]

# Ids fit the database's integer columns on both engines; anything larger is a 422, not a 500.
MAX_ID = 2_147_483_647
IdRef = Annotated[int, Field(ge=1, le=MAX_ID, description="An id from this API.")]


def example(body: dict[str, Any]) -> ConfigDict:
    """A model's example in the published schema: ``model_config = example({...})``."""
    return ConfigDict(json_schema_extra={"examples": [body]})
