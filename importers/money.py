"""Money text to Decimal, exactly to the penny, or a BadValue. Never float."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from .errors import BadValue

PENNY = Decimal("0.01")
MAX_MONEY_CHARS = 32  # the OFX spec's ceiling for an amount; checked before any regex
MAX_ABS = Decimal("1000000000")  # a billion pounds: beyond this a value is a typo or an attack

# Input is at most 32 characters before any of these run, so they cannot backtrack far.
# Decimals beyond the penny are allowed only as zeros (OFX writes -33.7200).
_PLAIN = re.compile(r"0*\d{1,12}(?:\.\d{1,2}0*)?")
_GROUPED = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d{1,2}0*)?")
_COMMA_DECIMAL = re.compile(r"0*\d{1,12},\d{1,2}")
_GROUPED_DOTS = re.compile(r"\d{1,3}(?:\.\d{3})+,\d{1,2}")
_LONE_COMMA = re.compile(r"\d+,\d+")
# The common case, read directly: a plain signed amount below MAX_ABS, at most
# MAX_MONEY_CHARS long, to the penny (trailing zeros allowed). Anything else goes the long way.
_SIMPLE = re.compile(r"[-+]?[0-9]{1,9}(?:\.[0-9]{1,2}0{0,19})?")
_CLEAN = str.maketrans("", "", " \u00a0\t'\"£$€")


def parse_money(
    text: str,
    *,
    line: int | None = None,
    field: str | None = None,
    comma_decimal: bool = False,
) -> Decimal:
    """Read an amount as a UK statement writes it.

    Accepts ``£1,234.56``, ``-£2.00``, ``+5``, ``(12.50)``, ``12.50-``, ``12.50 DR``/``CR``.
    With ``comma_decimal`` (OFX, whose spec allows a comma radix) ``12,50`` and
    ``1.234,50`` are read too. Without it a lone group such as ``1,234`` is a
    thousand; with it (OFX never writes thousands separators) a lone comma is the
    radix, so ``1,500`` is 1.500 and refused. Refuses NaN, infinities, exponents and
    more than two decimals.
    """
    if _SIMPLE.fullmatch(text):
        return Decimal(text).quantize(PENNY)
    raw = text
    if len(raw) > MAX_MONEY_CHARS:
        raise BadValue(f"amount is {len(raw)} characters long; at most 32 allowed",
                       line=line, field=field)
    body = raw.translate(_CLEAN).upper()
    sign, body = _take_sign(body, raw, line, field)
    number = _to_plain_number(body, comma_decimal)
    if number is None:
        raise BadValue(f"{_quote(raw)} is not an amount of money{_hint(body, comma_decimal)}",
                       line=line, field=field)
    try:
        value = Decimal(number)
    except InvalidOperation:  # pragma: no cover - patterns above admit digits only
        raise BadValue(f"{_quote(raw)} is not an amount of money", line=line, field=field) from None
    if value > MAX_ABS:
        raise BadValue(f"{_quote(raw)} is implausibly large", line=line, field=field)
    return (sign * value).quantize(PENNY)


def _take_sign(body: str, raw: str, line: int | None, field: str | None) -> tuple[int, str]:
    sign = 1
    if body.endswith("DR"):
        sign, body = -1, body[:-2]
    elif body.endswith("CR"):
        body = body[:-2]
    if body.startswith("(") and body.endswith(")"):
        sign, body = -sign, body[1:-1]
    if body.endswith("-"):
        sign, body = -sign, body[:-1]
    if body.startswith(("-", "+")):
        if body.startswith("-"):
            sign = -sign
        body = body[1:]
    if body.startswith(("-", "+")):
        raise BadValue(f"{_quote(raw)} has two signs", line=line, field=field)
    return sign, body


def _to_plain_number(body: str, comma_decimal: bool) -> str | None:
    if body.startswith("."):
        body = "0" + body
    if _PLAIN.fullmatch(body):
        return body
    if comma_decimal and _LONE_COMMA.fullmatch(body):  # the comma is the radix
        return body.replace(",", ".") if _COMMA_DECIMAL.fullmatch(body) else None
    if _GROUPED.fullmatch(body):
        return body.replace(",", "")
    if comma_decimal and _GROUPED_DOTS.fullmatch(body):
        return body.replace(".", "").replace(",", ".")
    return None


def _hint(body: str, comma_decimal: bool = False) -> str:
    if re.fullmatch(r"\d+\.\d{3,}", body) or (
        comma_decimal and re.fullmatch(r"\d+,\d{3,}", body)
    ):
        return " (more than two decimal places)"
    if body.lower() in ("nan", "snan", "inf", "infinity") or "E" in body:
        return " (not a finite decimal number)"
    return ""


def _quote(raw: str) -> str:
    shown = raw if len(raw) <= 40 else raw[:37] + "..."
    return repr(shown)


def format_money(value: Decimal) -> str:
    """Two decimals, no exponent, no thousands separators: the CLI's wire format."""
    return f"{value.quantize(PENNY):f}"
