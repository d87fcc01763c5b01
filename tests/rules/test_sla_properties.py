"""Property tests of the SLA arithmetic, 24x7 and business hours.

- `between` agrees with a brute-force count of open minutes (an independent oracle), across DST changes;
- `add` is the exact inverse of `between`;
- for any sequence of pauses and resumes, the time counted before the breach never reaches the
  target, the breach fires exactly when it does, and a breach always comes (timer and whole core).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain import events as ev
from policy.calendars import WEEKDAYS, CalendarSpec
from policy.loader import parse_policy
from rules import sla_clock
from rules.calendar import BusinessCalendar, calendar_of
from rules.escalation import open_issue
from rules.simulation import TimedEvent, run_until
from tests.conftest import make_issue, short_policy

M = timedelta(minutes=1)
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

#: Zones with DST changes at 02:00, at midnight (Santiago), by 30 minutes (Lord Howe), and none (Kolkata, UTC).
ZONES = ["Europe/Zagreb", "America/New_York", "America/Santiago", "Australia/Lord_Howe", "Asia/Kolkata", "UTC"]
#: Days around the 2026 changes in those zones, so that the walks cross them.
NEAR_CHANGES = [datetime(2026, 3, 28), datetime(2026, 10, 24), datetime(2026, 3, 7), datetime(2026, 10, 31),
                datetime(2026, 4, 4), datetime(2026, 9, 5), datetime(2026, 10, 3), datetime(2026, 6, 15)]


@st.composite
def shifts(draw) -> list[str]:
    """0-2 non-overlapping shifts on a half-hour grid."""
    count = draw(st.integers(0, 2))
    points = sorted(draw(st.sets(st.integers(0, 48), min_size=2 * count, max_size=2 * count)))
    return [f"{a // 2:02d}:{a % 2 * 30:02d}-{b // 2:02d}:{b % 2 * 30:02d}" for a, b in zip(points[::2], points[1::2])]


@st.composite
def calendars(draw) -> CalendarSpec:
    hours = {day: draw(shifts()) for day in WEEKDAYS}
    if not any(hours.values()):
        hours["wed"] = ["10:00-11:30"]
    base = draw(st.sampled_from(NEAR_CHANGES)).date()
    closed = {str(base + timedelta(days=d)): "closed" for d in draw(st.sets(st.integers(-2, 6), max_size=3))}
    return CalendarSpec.model_validate({"timezone": draw(st.sampled_from(ZONES)), "hours": hours, "closed": closed})


@st.composite
def instants(draw) -> datetime:
    """Whole minutes within two days of a DST change."""
    base = draw(st.sampled_from(NEAR_CHANGES)).replace(tzinfo=UTC)
    return base + draw(st.integers(-2 * 24 * 60, 2 * 24 * 60)) * M


def open_minutes(spec: CalendarSpec, start: datetime, end: datetime) -> timedelta:
    """The oracle: look at every minute's local wall clock (shifts and offset changes fall on whole minutes)."""
    zone, week, closed = ZoneInfo(spec.timezone), spec.weekly_seconds(), set(spec.closed_dates())
    count, at = 0, start
    while at < end:
        local = at.astimezone(zone)
        second = local.hour * 3600 + local.minute * 60
        if local.date() not in closed and any(a <= second < b for a, b in week[local.weekday()]):
            count += 1
        at += M
    return count * M


@SETTINGS
@given(calendars(), instants(), st.integers(0, 3 * 24 * 60))
def test_between_counts_exactly_the_open_minutes(spec, start, minutes) -> None:
    end = start + minutes * M
    assert BusinessCalendar(spec).between(start, end) == open_minutes(spec, start, end)


@SETTINGS
@given(calendars(), instants(), st.integers(0, 40 * 60 * 60))
def test_add_is_the_inverse_of_between(spec, start, seconds) -> None:
    cal = BusinessCalendar(spec)
    duration = timedelta(seconds=seconds)
    due = cal.add(start, duration)
    assert due >= start and cal.between(start, due) == duration
    if duration:
        assert cal.between(start, due - timedelta(microseconds=1)) < duration  # not a moment later than needed
        assert cal.is_open(due - timedelta(microseconds=1))  # it lands while the clock counts


pauses_and_resumes = st.lists(st.tuples(st.integers(1, 36 * 60), st.sampled_from(["pause", "resume"])), max_size=12)


@SETTINGS
@given(st.one_of(st.none(), calendars()), instants(), st.integers(1, 24 * 60), pauses_and_resumes)
def test_timer_never_counts_past_its_target_before_the_breach_and_always_breaches(spec, start, target_min, ops):
    cal = BusinessCalendar(spec) if spec is not None else sla_clock.ALWAYS
    target = target_min * M
    timer = sla_clock.start_timer(target, start, 75)
    at = start
    for gap, op in ops:
        due = sla_clock.deadline(timer, cal)
        at += gap * M
        if due is not None and due <= at:  # the breach fires first, at its deadline
            assert sla_clock.consumed(timer, due, cal) == target
            return
        assert sla_clock.consumed(timer, at, cal) < target
        timer = sla_clock.pause(timer, at, cal) if op == "pause" else sla_clock.resume(timer, at)
        assert sla_clock.consumed(timer, at, cal) < target
    timer = sla_clock.resume(timer, at)
    due = sla_clock.deadline(timer, cal)
    assert due is not None and due >= at  # a breach always comes
    assert sla_clock.consumed(timer, due, cal) == target
    warn = sla_clock.warning_due(timer, cal)
    # the warning comes before the breach, at its point (or at once if the point passed while nobody looked)
    assert warn is not None and warn <= due
    assert sla_clock.consumed(timer, warn, cal) == max(timer.warn_after, timer.consumed)


def _policy_with(spec: CalendarSpec | None):
    raw = short_policy().model_dump(mode="json")
    if spec is not None:
        raw["calendars"] = {"office": spec.model_dump(mode="json")}
        raw["routes"][0]["calendar"] = "office"
    return parse_policy(raw)


holds = st.lists(st.tuples(st.integers(1, 12 * 60), st.sampled_from(["hold", "resume", "wait", "reply"])),
                 max_size=10)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.none(), calendars()), instants(), holds)
def test_the_core_breaches_exactly_at_the_target_whatever_the_holds(spec, start, actions) -> None:
    """The whole core: acknowledged at once, then holds and resumes; the l1 resolution breach is exact."""
    policy = _policy_with(spec)
    state = open_issue(make_issue("P-1"), policy, start).state
    state = run_until(state, [TimedEvent(start, ev.Acknowledge(actor="ann"))], start)[-1].after
    cal = calendar_of(state)
    target = state.resolution.target
    at, timed = start, []
    for gap, action in actions:
        at += gap * M
        event = {"hold": ev.Hold(actor="ann"), "resume": ev.Resume(actor="ann"),
                 "wait": ev.Hold(actor="ann", waiting_for_customer=True),
                 "reply": ev.CustomerReply(actor="portal", text="more details")}[action]
        timed.append(TimedEvent(at, event))
    timed.append(TimedEvent(at + M, ev.Resume(actor="ann")))  # whatever happened, the clock runs again
    steps = run_until(state, timed, at + timedelta(days=60), max_steps=len(timed) + 10)
    breach = next((s for s in steps if s.event.kind == "sla_breach"), None)
    assert breach is not None, "a breach always comes"
    assert breach.event.target == "resolution" and breach.before.level.name == "l1"
    assert sla_clock.consumed(breach.before.resolution, breach.at, cal) == target
    for s in steps[: steps.index(breach)]:
        assert sla_clock.consumed(s.after.resolution, s.at, cal) < target
    assert breach.after.level.name == "l2"
