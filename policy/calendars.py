"""Business-hours calendars as a policy declares them: time zone, weekly hours, holidays.

```yaml
calendars:
  zagreb-office:
    timezone: Europe/Zagreb
    hours: {mon-fri: ["08:00-12:00", "13:00-17:00"], sat: ["09:00-13:00"]}
    holidays: {country: HR}            # public holidays from the `holidays` package
    closed: {2026-12-24: "Christmas Eve", 2026-12-31: "New Year's Eve"}
```

Holiday dates are looked up once, when the policy is loaded, and kept in `holiday_dates`: the
definition pinned with an issue then carries its dates, so counting never depends on the package
again (deterministic replay, nothing imported inside a workflow).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from domain.time_zone import TimeZone

#: The reserved calendar name for round-the-clock counting.
ALWAYS = "24x7"
CalendarRef = Annotated[str, Field(pattern=r"^([a-z][a-z0-9_-]{0,63}|24x7)$")]

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_SHIFT = re.compile(r"^(\d{2}):(\d{2})-(\d{2}):(\d{2})$")
#: How many years around the load year get their public holidays when the file names none.
YEARS_BEFORE, YEARS_AFTER = 0, 2


def shift_seconds(shift: str) -> tuple[int, int]:
    """`"09:00-12:30"` -> (32400, 45000); `24:00` is allowed as an end."""
    found = _SHIFT.match(shift)
    if not found:
        raise ValueError(f"shift {shift!r} must look like '09:00-17:30'")
    h1, m1, h2, m2 = (int(x) for x in found.groups())
    if h1 > 23 or m1 > 59 or m2 > 59 or h2 > 24 or (h2 == 24 and m2):
        raise ValueError(f"shift {shift!r} has an impossible time")
    start, end = h1 * 3600 + m1 * 60, h2 * 3600 + m2 * 60
    if end <= start:
        raise ValueError(f"shift {shift!r} ends before it starts (split a night shift at midnight)")
    return start, end


def _expand_days(value: object) -> object:
    """`mon-fri` and `sat,sun` keys become one key per day; a day named twice is an error."""
    if not isinstance(value, dict):
        return value
    out: dict[str, Any] = {}
    for key, shifts in value.items():
        for day in _days_of(str(key)):
            if day in out:
                raise ValueError(f"{day} is given more than once")
            out[day] = shifts
    return {day: out[day] for day in WEEKDAYS if day in out}


def _days_of(key: str) -> list[str]:
    days: list[str] = []
    for part in key.replace(" ", "").lower().split(","):
        first, _, last = part.partition("-")
        if first not in WEEKDAYS or (last and last not in WEEKDAYS):
            raise ValueError(f"{key!r} is not a day or a range of days such as 'mon-fri' or 'sat,sun'")
        i, j = WEEKDAYS.index(first), WEEKDAYS.index(last or first)
        if j < i:
            raise ValueError(f"{key!r} runs backwards; write it like 'mon-fri'")
        days.extend(WEEKDAYS[i : j + 1])
    return days


class HolidaySource(BaseModel):
    """Public holidays of a country (and optionally a region) from the `holidays` package."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    country: str = Field(pattern=r"^[A-Z]{2}$", description="ISO 3166 code, e.g. HR, DE, GR, US")
    subdivision: str | None = Field(default=None, description="state or region code, e.g. BE for Berlin")
    years: list[Annotated[int, Field(ge=1970, le=2200)]] = Field(
        default_factory=list, description="which years to look up; default: the load year and the two after it")


WeeklyHours = Annotated[dict[str, list[str]], BeforeValidator(_expand_days)]


class CalendarSpec(BaseModel):
    """One business-hours calendar. Counted time is real elapsed time while the local clock is in hours."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    timezone: TimeZone
    hours: WeeklyHours = Field(description="per weekday, shifts like '09:00-12:30'; a missing day is closed")
    holidays: HolidaySource | None = None
    closed: dict[date, str] = Field(default_factory=dict, description="own closing days, with a reason")
    holiday_dates: dict[date, str] | None = Field(
        default=None, description="filled in at load time from `holidays`; do not write it by hand")

    @field_validator("hours")
    @classmethod
    def _valid_shifts(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        for day, shifts in value.items():
            spans = sorted(shift_seconds(s) for s in shifts)
            for (_, end), (start, _) in zip(spans, spans[1:]):
                if start < end:
                    raise ValueError(f"{day}: shifts overlap ({', '.join(shifts)})")
        if not any(value.values()):
            raise ValueError("a calendar needs at least one shift in the week, or it would never count time")
        return value

    @model_validator(mode="after")
    def _resolve_holidays(self, info: ValidationInfo) -> CalendarSpec:
        if self.holidays is None or self.holiday_dates is not None:
            return self
        years = self.holidays.years or _default_years(info)
        object.__setattr__(self, "holiday_dates", public_holidays(self.holidays, years))
        return self

    def weekly_seconds(self) -> tuple[tuple[tuple[int, int], ...], ...]:
        """Shifts in seconds after local midnight, Monday first."""
        return tuple(tuple(sorted(shift_seconds(s) for s in self.hours.get(day, []))) for day in WEEKDAYS)

    def closed_dates(self) -> dict[date, str]:
        return {**(self.holiday_dates or {}), **self.closed}

    def cache_key(self) -> tuple:
        return (self.timezone, tuple((d, tuple(s)) for d, s in self.hours.items()),
                tuple(sorted(self.closed_dates())))


def _default_years(info: ValidationInfo) -> list[int]:
    this_year = (info.context or {}).get("this_year")
    if this_year is None:
        raise ValueError("holidays.years is needed here (the loader fills it in from the current year)")
    return list(range(this_year - YEARS_BEFORE, this_year + YEARS_AFTER + 1))


def public_holidays(source: HolidaySource, years: list[int]) -> dict[date, str]:
    import holidays  # imported only at load time, never inside workflow code

    try:
        found = holidays.country_holidays(source.country, subdiv=source.subdivision, years=years)
    except NotImplementedError as exc:
        raise ValueError(str(exc)) from None
    return {day: name for day, name in sorted(found.items())}
