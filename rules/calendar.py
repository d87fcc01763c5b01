"""Business-hours calendars: the `Calendar` protocol of `rules.sla_clock` over weekly hours and holidays.

Counted time is real elapsed time during which the calendar's local wall clock reads a time inside
one of that weekday's shifts, on a day that is not closed. That definition is exact across daylight
saving changes: a shift 01:00-04:00 counts 2 hours on the night the clocks go forward and 4 hours
on the night they go back; "3 business hours from Friday 16:00" lands on Monday at the same local
time whatever the clocks did over the weekend.

The walk goes from one change point to the next: a shift starting or ending, a closed day, or a
UTC-offset change (found by bisection to the exact second). No state, no wall clock, no I/O.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from domain.state import IssueState
from policy.calendars import CalendarSpec
from policy.model import Level, Policy, Route
from rules.sla_clock import ALWAYS, Calendar

_SECOND = timedelta(seconds=1)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
#: A closed stretch is walked in steps of at most this much, so that no step spans two offset changes.
_MAX_STEP = timedelta(days=7)
#: `add` gives up if a calendar counts nothing for this long (only possible with absurd closed dates).
_GIVE_UP = timedelta(days=3 * 366)


class BusinessCalendar:
    """Weekly shifts in a time zone, minus closed dates."""

    def __init__(self, spec: CalendarSpec) -> None:
        self.spec = spec
        self.zone = ZoneInfo(spec.timezone)
        self.week = spec.weekly_seconds()
        self.closed: frozenset[date] = frozenset(spec.closed_dates())

    def __repr__(self) -> str:
        return f"BusinessCalendar({self.spec.timezone}, {len(self.closed)} closed days)"

    # --- the Calendar protocol ----------------------------------------------------------------
    def add(self, start: datetime, duration: timedelta) -> datetime:
        """The instant when `duration` of counted time has passed since `start`."""
        start = _utc(start)
        left = duration
        if left <= timedelta(0):
            return start
        at, idle = start, timedelta(0)
        while True:
            is_open, until = self._stretch(at)
            if is_open:
                if until - at >= left:
                    return at + left
                left -= until - at
                idle = timedelta(0)
            else:
                idle += until - at
                if idle > _GIVE_UP:
                    raise ValueError(f"calendar {self.spec.timezone} counts no time for years after {at}")
            at = until

    def between(self, start: datetime, end: datetime) -> timedelta:
        """Counted time between two instants (zero if `end` is not after `start`)."""
        start, end = _utc(start), _utc(end)
        total, at = timedelta(0), start
        while at < end:
            is_open, until = self._stretch(at)
            stop = min(until, end)
            if is_open:
                total += stop - at
            at = stop
        return total

    # --- the walk -----------------------------------------------------------------------------
    def is_open(self, at: datetime) -> bool:
        return self._stretch(_utc(at))[0]

    def _stretch(self, at: datetime) -> tuple[bool, datetime]:
        """Whether the clock counts at `at`, and the instant (> at) until which that stays so."""
        offset = self._offset(at)
        local = (at + offset).replace(tzinfo=None)
        day = local.date()
        midnight = datetime.combine(day, datetime.min.time())
        clock = (local - midnight).total_seconds()
        is_open, change = False, None
        shifts = () if day in self.closed else self.week[day.weekday()]
        for begin, end in shifts:
            if begin <= clock < end:
                is_open, change = True, midnight + timedelta(seconds=end)
                break
            if clock < begin:
                change = midnight + timedelta(seconds=begin)
                break
        if change is None:
            change = self._next_opening(day) or midnight + _MAX_STEP
        candidate = at + (change - local)
        if self._offset(candidate) != offset:
            candidate = self._offset_change(at, candidate, offset)
        return is_open, candidate

    def _next_opening(self, day: date) -> datetime | None:
        """Local start of the first shift after `day`, looking at most a week ahead."""
        for ahead in range(1, 8):
            following = day + timedelta(days=ahead)
            shifts = () if following in self.closed else self.week[following.weekday()]
            if shifts:
                return datetime.combine(following, datetime.min.time()) + timedelta(seconds=shifts[0][0])
        return None

    def _offset(self, at: datetime) -> timedelta:
        return at.astimezone(self.zone).utcoffset() or timedelta(0)

    def _offset_change(self, before: datetime, after: datetime, offset: timedelta) -> datetime:
        """The first whole second in (before, after] with a UTC offset other than `offset`."""
        low = (before - _EPOCH) // _SECOND  # offset(low) == offset: changes fall on whole seconds
        high = -((_EPOCH - after) // _SECOND)  # ceil; offset(high) != offset
        while high - low > 1:
            middle = (low + high) // 2
            if self._offset(_EPOCH + middle * _SECOND) == offset:
                low = middle
            else:
                high = middle
        return _EPOCH + high * _SECOND


def _utc(at: datetime) -> datetime:
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


#: Built calendars by definition: every workflow decodes its own copy of the policy, so identity won't do.
_BUILT: dict[tuple, BusinessCalendar] = {}


def calendar_from(spec: CalendarSpec | None) -> Calendar:
    """The calendar for a definition (24x7 for None); built once per distinct definition."""
    if spec is None:
        return ALWAYS
    key = spec.cache_key()
    found = _BUILT.get(key)
    if found is None:
        if len(_BUILT) >= 256:
            _BUILT.clear()
        found = _BUILT[key] = BusinessCalendar(spec)
    return found


def calendar_for_level(policy: Policy, route: Route, level: Level) -> Calendar:
    """The calendar that counts a level's SLA time under `policy`."""
    return calendar_from(policy.calendar_spec(policy.calendar_name(route, level)))


def calendar_of(state: IssueState) -> Calendar:
    """The calendar counting the SLA time of the issue's current level (pinned with its policy)."""
    return calendar_for_level(state.policy, state.route, state.level)
