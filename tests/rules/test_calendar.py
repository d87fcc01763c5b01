"""Business-hours calendars: nights, weekends, holidays, both DST changes, odd zones."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from policy.calendars import CalendarSpec
from rules.calendar import BusinessCalendar, calendar_from
from rules.sla_clock import ALWAYS

H, M = timedelta(hours=1), timedelta(minutes=1)
ZAGREB, NEW_YORK, LORD_HOWE = ZoneInfo("Europe/Zagreb"), ZoneInfo("America/New_York"), ZoneInfo("Australia/Lord_Howe")


def calendar(hours: dict, timezone: str = "Europe/Zagreb", **more) -> BusinessCalendar:
    return BusinessCalendar(CalendarSpec.model_validate({"timezone": timezone, "hours": hours, **more}))


OFFICE = calendar({"mon-fri": ["08:00-16:00"]},
                  holidays={"country": "HR", "years": [2026]}, closed={"2026-12-24": "Christmas Eve"})
SPLIT = calendar({"mon-fri": ["08:00-12:00", "13:00-17:00"]})
NIGHTS = calendar({"mon-sun": ["01:00-04:00"]})


def zagreb(*args) -> datetime:
    return datetime(*args, tzinfo=ZAGREB)


@pytest.mark.parametrize(("start", "duration", "due"), [
    # a night: Tuesday 15:00 + 2h -> Wednesday 09:00
    (zagreb(2026, 3, 3, 15, 0), 2 * H, zagreb(2026, 3, 4, 9, 0)),
    # a weekend: Friday 15:30 + 1h -> Monday 08:30
    (zagreb(2026, 3, 6, 15, 30), H, zagreb(2026, 3, 9, 8, 30)),
    # opened at night: the clock starts at 08:00
    (zagreb(2026, 3, 4, 2, 0), 30 * M, zagreb(2026, 3, 4, 8, 30)),
    # public holidays (Easter Monday 2026-04-06) and a company day off before Christmas (24th) and the holidays
    (zagreb(2026, 4, 3, 15, 0), 2 * H, zagreb(2026, 4, 7, 9, 0)),
    (zagreb(2026, 12, 23, 15, 0), 2 * H, zagreb(2026, 12, 28, 9, 0)),
    # spring forward (Sunday 29 March): Friday 15:00 + 3h -> Monday 10:00 local, 08:00 UTC
    (zagreb(2026, 3, 27, 15, 0), 3 * H, zagreb(2026, 3, 30, 10, 0)),
    # fall back (Sunday 25 October): Friday 15:00 + 3h -> Monday 10:00 local, 09:00 UTC
    (zagreb(2026, 10, 23, 15, 0), 3 * H, zagreb(2026, 10, 26, 10, 0)),
    # several days, ending exactly at closing time: Monday 12:00 + 20h -> Wednesday 16:00 (4 + 8 + 8)
    (zagreb(2026, 3, 2, 12, 0), 20 * H, zagreb(2026, 3, 4, 16, 0)),
])
def test_office_hours_deadlines(start, duration, due) -> None:
    assert OFFICE.add(start, duration) == due
    assert OFFICE.between(start, due) == duration
    assert OFFICE.between(start, due - timedelta(seconds=1)) < duration


def test_dst_deadlines_in_utc_are_an_hour_apart_across_the_two_changes() -> None:
    spring = OFFICE.add(zagreb(2026, 3, 27, 15, 0), 3 * H)
    autumn = OFFICE.add(zagreb(2026, 10, 23, 15, 0), 3 * H)
    assert spring.astimezone(UTC).hour == 8 and autumn.astimezone(UTC).hour == 9


def test_split_shifts_skip_the_lunch_break() -> None:
    assert SPLIT.add(zagreb(2026, 3, 2, 11, 30), H) == zagreb(2026, 3, 2, 13, 30)
    assert SPLIT.between(zagreb(2026, 3, 2, 11, 0), zagreb(2026, 3, 2, 14, 0)) == 2 * H
    assert not SPLIT.is_open(zagreb(2026, 3, 2, 12, 30)) and SPLIT.is_open(zagreb(2026, 3, 2, 13, 0))
    assert SPLIT.add(zagreb(2026, 3, 2, 12, 0), timedelta(0)) == zagreb(2026, 3, 2, 12, 0)


@pytest.mark.parametrize(("day", "counted"), [
    (zagreb(2026, 3, 28), 3 * H), (zagreb(2026, 3, 29), 2 * H),  # 02:00-03:00 does not exist
    (zagreb(2026, 10, 24), 3 * H), (zagreb(2026, 10, 25), 4 * H),  # 02:00-03:00 happens twice
])
def test_a_night_shift_counts_the_hours_the_clock_really_shows(day, counted) -> None:
    assert NIGHTS.between(day, day + timedelta(days=1)) == counted


def test_adding_through_the_repeated_hour_lands_after_it() -> None:
    start = zagreb(2026, 10, 25, 1, 0)  # 23:00 UTC
    due = NIGHTS.add(start, 3 * H)
    assert due == datetime(2026, 10, 25, 2, 0, tzinfo=UTC)  # 03:00 CET, after 02:00-03:00 twice
    assert due.astimezone(ZAGREB).strftime("%H:%M %Z") == "03:00 CET"
    assert NIGHTS.add(zagreb(2026, 3, 29, 1, 0), 2 * H) == zagreb(2026, 3, 29, 4, 0)


def test_other_zones_and_half_hour_changes() -> None:
    sunday = calendar({"sun": ["00:00-06:00"]}, "America/New_York")
    assert sunday.between(datetime(2026, 3, 8, tzinfo=NEW_YORK), datetime(2026, 3, 9, tzinfo=NEW_YORK)) == 5 * H
    assert sunday.between(datetime(2026, 11, 1, tzinfo=NEW_YORK), datetime(2026, 11, 2, tzinfo=NEW_YORK)) == 7 * H
    always = calendar({"mon-sun": ["00:00-24:00"]}, "Australia/Lord_Howe")  # DST moves the clock by 30 minutes
    day = datetime(2026, 10, 4, tzinfo=LORD_HOWE)
    assert always.between(day, day + timedelta(days=1)) == 23 * H + 30 * M
    back = datetime(2026, 4, 5, tzinfo=LORD_HOWE)
    assert always.between(back, back + timedelta(days=1)) == 24 * H + 30 * M


def test_midnight_shifts_join_up_and_naive_times_are_utc() -> None:
    late = calendar({"mon-sun": ["22:00-24:00", "00:00-02:00"]}, "UTC")
    start = datetime(2026, 3, 2, 23, 0, tzinfo=UTC)
    assert late.add(start, 2 * H) == datetime(2026, 3, 3, 1, 0, tzinfo=UTC)
    assert late.add(datetime(2026, 3, 2, 23, 0), 2 * H) == datetime(2026, 3, 3, 1, 0, tzinfo=UTC)
    assert late.between(start, start - H) == timedelta(0)


def test_the_24x7_calendar_and_the_cache() -> None:
    assert calendar_from(None) is ALWAYS
    spec = CalendarSpec.model_validate({"timezone": "UTC", "hours": {"mon": ["09:00-10:00"]}})
    same = CalendarSpec.model_validate({"timezone": "UTC", "hours": {"mon": ["09:00-10:00"]}})
    assert calendar_from(spec) is calendar_from(same)
    other = CalendarSpec.model_validate({"timezone": "UTC", "hours": {"mon": ["09:00-11:00"]}})
    assert calendar_from(other) is not calendar_from(spec)


def test_a_calendar_closed_for_years_gives_up_instead_of_looping() -> None:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    closed = {str((start + timedelta(days=i)).date()): "closed" for i in range(0, 4 * 366, 7)}
    mondays_only = calendar({"thu": ["09:00-10:00"]}, "UTC", closed=closed)  # 2026-01-01 is a Thursday
    with pytest.raises(ValueError, match="counts no time"):
        mondays_only.add(start, H)
