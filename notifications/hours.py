"""Weekly working hours and days away, evaluated at a given instant (pure: the caller passes the time)."""

from __future__ import annotations

import re
from datetime import date, datetime

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_SPAN = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")

#: Per weekday (0 = Monday) the minutes of the local day that are worked, as [start, end) pairs.
Week = dict[int, list[tuple[int, int]]]


def parse_week(spec: dict[str, str]) -> Week:
    """`{"mon-fri": "09:00-17:00", "sat": "10:00-14:00, 22:00-02:00"}` -> intervals per weekday.

    A span that ends at or before its start runs over midnight into the next day; `off` means no hours.
    Raises ValueError naming the key and the problem.
    """
    week: Week = {day: [] for day in range(7)}
    for key, value in spec.items():
        days = _days(key)
        if str(value).strip().lower() == "off":
            continue
        for part in str(value).split(","):
            start, end = _span(key, part)
            for day in days:
                if end > start:
                    week[day].append((start, end))
                else:  # over midnight: the rest of this day and the start of the next
                    week[day].append((start, 24 * 60))
                    if end:
                        week[(day + 1) % 7].append((0, end))
    return {day: sorted(spans) for day, spans in week.items()}


def _days(key: str) -> list[int]:
    names = key.strip().lower().split("-")
    if not all(name in DAYS for name in names) or len(names) > 2:
        raise ValueError(f"{key!r} is not a day or a day range (use mon, tue, ... sun or mon-fri)")
    first, last = DAYS.index(names[0]), DAYS.index(names[-1])
    if last < first:
        raise ValueError(f"day range {key!r} runs backwards")
    return list(range(first, last + 1))


def _span(key: str, text: str) -> tuple[int, int]:
    match = _SPAN.match(text)
    if not match:
        raise ValueError(f"{key}: {text.strip()!r} is not a time span like 09:00-17:00")
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    if h1 > 23 or m1 > 59 or h2 > 24 or m2 > 59 or (h2 == 24 and m2):
        raise ValueError(f"{key}: {text.strip()!r} has an impossible time")
    return h1 * 60 + m1, h2 * 60 + m2


def works_at(week: Week, local: datetime) -> bool:
    """Whether the local wall-clock time falls inside one of the week's spans."""
    minute = local.hour * 60 + local.minute
    return any(start <= minute < end for start, end in week[local.weekday()])


def away_on(absences: list[tuple[date, date]], day: date) -> bool:
    return any(first <= day <= last for first, last in absences)
