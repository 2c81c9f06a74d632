"""Parsers for Paycom's loose values: numbers as strings, mixed date formats, "" for none.

Each parser returns the clean value, ``None`` for Paycom's spellings of "nothing",
or raises ``BadValue`` for a value that is present but unreadable, so the caller
can null it *and* say so rather than guess.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any


class BadValue(ValueError):
    """A value that is present but cannot be read as the expected type."""


_EMPTY_DATES = {"0000-00-00", "00/00/0000", "0000-00-00T00:00:00", "0000-00-00 00:00:00"}
_US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?$")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_TRUE = {"1", "y", "yes", "true", "t"}
_FALSE = {"0", "n", "no", "false", "f"}


def blank(value: Any) -> bool:
    """True for the values Paycom uses to mean "none"."""
    return value is None or (isinstance(value, str) and value.strip() == "")


def to_str(value: Any) -> str | None:
    """Strip text; "" becomes None. Numbers Paycom sends for text fields become text."""
    if blank(value):
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, str)):
        return str(value).strip()
    raise BadValue(f"expected text, got {type(value).__name__}")


def to_int(value: Any) -> int | None:
    """Read "140831", 140831, "1,024" or "12.0" as an int."""
    number = to_decimal(value)
    if number is None:
        return None
    if number != number.to_integral_value():
        raise BadValue("expected a whole number")
    return int(number)


def to_number(value: Any) -> float | None:
    """Read a decimal number, given as a number or a string."""
    number = to_decimal(value)
    return None if number is None else float(number)


def to_decimal(value: Any) -> Decimal | None:
    """Shared reading of numbers; thousands separators are dropped."""
    if blank(value):
        return None
    if isinstance(value, bool):
        raise BadValue("expected a number, got a boolean")
    if isinstance(value, (int, float)):
        return Decimal(str(value))
    if not isinstance(value, str):
        raise BadValue(f"expected a number, got {type(value).__name__}")
    text = value.strip().replace(",", "")
    if not _NUMBER.match(text):
        raise BadValue("expected a number")
    try:
        return Decimal(text)
    except InvalidOperation as exc:  # pragma: no cover - the regex admits only numbers
        raise BadValue("expected a number") from exc


def to_bool(value: Any) -> bool | None:
    """Read Y/N, Yes/No, 1/0, true/false in any case."""
    if blank(value):
        return None
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise BadValue("expected yes or no")


def to_date(value: Any) -> str | None:
    """An ISO date from ``YYYY-MM-DD``, ``MM/DD/YYYY`` or ``YYYY-MM-DDT..±hh:mm``.

    A timestamp keeps its own calendar date: converting ``2020-01-15T00:00:00-05:00``
    to UTC first would move a hire date to the day before.
    """
    if blank(value):
        return None
    if not isinstance(value, str):
        raise BadValue("expected a date")
    text = value.strip()
    if text in _EMPTY_DATES:
        return None
    if match := _US_DATE.match(text):
        month, day, year = (int(part) for part in match.groups())
    elif match := _ISO_DATE.match(text):
        year, month, day = (int(part) for part in match.groups())
    else:
        raise BadValue("expected a date")
    try:
        return date(year, month, day).isoformat()
    except ValueError as exc:
        raise BadValue("expected a date") from exc


def to_datetime(value: Any) -> str | None:
    """An ISO 8601 timestamp, keeping Paycom's offset; a bare date becomes midnight."""
    if blank(value):
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise BadValue("expected a timestamp, got a number")
    if not isinstance(value, str):
        raise BadValue("expected a timestamp")
    text = value.strip()
    if text in _EMPTY_DATES:
        return None
    if _US_DATE.match(text):
        return f"{to_date(text)}T00:00:00"
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).isoformat()
    except ValueError as exc:
        raise BadValue("expected a timestamp") from exc


def to_str_list(value: Any) -> list[str] | None:
    """A list of strings from a list (or a single value)."""
    if blank(value):
        return None
    items = value if isinstance(value, list) else [value]
    return [text for text in (to_str(item) for item in items) if text is not None]


def to_int_list(value: Any) -> list[int] | None:
    """A list of ints from a list, a single value or "1,2,3"."""
    if blank(value):
        return None
    if isinstance(value, str):
        value = value.split(",")
    items = value if isinstance(value, list) else [value]
    return [number for number in (to_int(item) for item in items) if number is not None]


PARSERS: dict[str, Callable[[Any], Any]] = {
    "string": to_str,
    "integer": to_int,
    "number": to_number,
    "boolean": to_bool,
    "date": to_date,
    "datetime": to_datetime,
    "string_list": to_str_list,
    "integer_list": to_int_list,
}
