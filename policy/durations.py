"""Durations as people write them: `90s`, `15m`, `3h`, `2d`, `1h30m`."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Annotated

from pydantic import BeforeValidator, PlainSerializer

_PART = re.compile(r"(\d+)([smhdw])")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_duration(value: object) -> timedelta:
    """Parse `90s`, `15m`, `3h`, `2d`, `1h30m`; timedeltas pass through."""
    if isinstance(value, timedelta):
        return value
    if not isinstance(value, str):
        raise ValueError(f"expected a duration such as '15m' or '3h', got {value!r}")
    text = value.strip().replace(" ", "")
    if text.startswith("P"):  # ISO 8601, as pydantic serialises timedeltas
        from pydantic import TypeAdapter

        return TypeAdapter(timedelta).validate_python(text)
    parts = _PART.findall(text)
    if not text or "".join(n + u for n, u in parts) != text:
        raise ValueError(f"{value!r} is not a duration; write it like '90s', '15m', '3h', '2d' or '1h30m'")
    return sum(
        (timedelta(**{_UNITS[unit]: int(number)}) for number, unit in parts), timedelta()
    )


def format_duration(value: timedelta) -> str:
    """The inverse of parse_duration, shortest form: `1h30m`, `2d`."""
    seconds = int(value.total_seconds())
    if seconds == 0:
        return "0s"
    out = []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        count, seconds = divmod(seconds, size)
        if count:
            out.append(f"{count}{unit}")
    return "".join(out)


Duration = Annotated[
    timedelta,
    BeforeValidator(parse_duration),
    PlainSerializer(format_duration, return_type=str, when_used="json"),
]
