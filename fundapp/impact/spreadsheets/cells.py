"""Reading one cell value as calamine gives it (float, str, date, bool ...) into what the fund stores.

Each reader returns the value, or raises CellRejected with the message key and values.
Numbers: calamine gives every number as a float. Excel itself keeps and shows 15
significant digits, so the float is read at 15 significant digits: what the
investee sees in Excel is exactly what is stored (0.30000000000000004 is 0.3).
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime
from decimal import Decimal

from .messages import quote

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_CONTROL_OR_BREAK = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_EXACT_INTEGERS = 10.0**15  # whole floats below this have at most 15 digits: int() is what Excel shows
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DUTCH_DATE = re.compile(r"^(\d{1,2})-(\d{1,2})-(\d{4})$")


class CellRejected(Exception):
    def __init__(self, key: str, **values: object):
        super().__init__(key)
        self.key = key
        self.values = values


def is_blank(value: object) -> bool:
    """Empty cell, or text of only spaces."""
    return value is None or value == "" or (isinstance(value, str) and not value.strip())


def read_number(value: object) -> Decimal:
    """A number cell as Decimal; text, dates and true/false are refused."""
    if isinstance(value, float):
        if value.is_integer() and -_EXACT_INTEGERS < value < _EXACT_INTEGERS:
            return Decimal(int(value))  # the common case (counts, months), without formatting
        if not math.isfinite(value):
            raise CellRejected("not_a_number", text=quote(value))
        return Decimal(format(value, ".15g"))
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    shown = value.strip() if isinstance(value, str) else value
    raise CellRejected("not_a_number", text=quote(shown))


def decimals_of(number: Decimal) -> int:
    exponent = number.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def is_whole(number: Decimal) -> bool:
    return number == number.to_integral_value()


def read_date(value: object) -> date:
    """A date cell; text is accepted as 2026-03-31 or 31-03-2026, a time of day is ignored."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        parsed = _date_from_text(value.strip())
        if parsed is not None:
            return parsed
        raise CellRejected("not_a_date", text=quote(value.strip()))
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # show 46023, not 46023.0: a date that lost its date format
    raise CellRejected("not_a_date", text=quote(value))


def _date_from_text(text: str) -> date | None:
    iso = _ISO_DATE.match(text)
    dutch = _DUTCH_DATE.match(text)
    try:
        if iso:
            return date(int(iso[1]), int(iso[2]), int(iso[3]))
        if dutch:
            return date(int(dutch[3]), int(dutch[2]), int(dutch[1]))
    except ValueError:  # 31-02-2026
        return None
    return None


def read_text(value: object, max_length: int, allow_line_breaks: bool = False) -> str | None:
    """A text cell, stripped; None when blank. A number typed in a text cell becomes its text ("1001")."""
    if isinstance(value, str):
        text = value.strip()
    elif isinstance(value, float):
        text = format(value, ".15g") if not value.is_integer() else str(int(value))
    elif isinstance(value, int) and not isinstance(value, bool):
        text = str(value)
    elif value is None:
        return None
    else:  # bool, date, time: not what a reference, code or comment is
        raise CellRejected("not_text")
    if not text:
        return None
    if len(text) > max_length:
        raise CellRejected("text_too_long", length=len(text), max=max_length)
    pattern = _CONTROL if allow_line_breaks else _CONTROL_OR_BREAK
    if pattern.search(text):
        raise CellRejected("control_characters")
    return text
