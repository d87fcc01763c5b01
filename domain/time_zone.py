"""`TimeZone`: a string field that must name an IANA time zone (customers, calendars, rosters)."""

from __future__ import annotations

from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator


def known_time_zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {value!r} (use an IANA name such as Europe/Zagreb)") from exc
    return value


TimeZone = Annotated[str, AfterValidator(known_time_zone)]
