"""SLA clock arithmetic: start, pause, resume, re-target, and when warnings and breaches fall due.

Time is counted by a `Calendar`: 24x7 (`ALWAYS`) here; business-hours calendars (`rules.calendar`)
plug in through the same two functions (`add`, `between`).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Protocol

from domain.state import SlaTimer


class Calendar(Protocol):
    def add(self, start: datetime, duration: timedelta) -> datetime:
        """The instant when `duration` of counted time has passed since `start`."""

    def between(self, start: datetime, end: datetime) -> timedelta:
        """Counted time between two instants."""


class AlwaysOn:
    """24x7: every second counts."""

    def add(self, start: datetime, duration: timedelta) -> datetime:
        return start + duration

    def between(self, start: datetime, end: datetime) -> timedelta:
        return max(end - start, timedelta(0))


ALWAYS = AlwaysOn()


def start_timer(target: timedelta, now: datetime, warn_at_percent: int | None = None, *,
                warn_after: timedelta | None = None) -> SlaTimer:
    """A running timer; it warns after `warn_after` counted time, or at `warn_at_percent` of the target."""
    warn = warn_after if warn_after is not None else _warn_after(target, warn_at_percent)
    return SlaTimer(target=target, running_since=now, warn_after=warn)


def _warn_after(target: timedelta, warn_at_percent: int | None) -> timedelta | None:
    return None if warn_at_percent is None else target * warn_at_percent / 100


def consumed(timer: SlaTimer, now: datetime, calendar: Calendar = ALWAYS) -> timedelta:
    """Counted time used so far, including the running stretch."""
    if timer.running_since is None:
        return timer.consumed
    return timer.consumed + calendar.between(timer.running_since, now)


def pause(timer: SlaTimer, now: datetime, calendar: Calendar = ALWAYS) -> SlaTimer:
    if timer.running_since is None:
        return timer
    return timer.model_copy(update={"consumed": consumed(timer, now, calendar), "running_since": None})


def resume(timer: SlaTimer, now: datetime) -> SlaTimer:
    if timer.running_since is not None:
        return timer
    return timer.model_copy(update={"running_since": now})


def stop(timer: SlaTimer, now: datetime, calendar: Calendar = ALWAYS, *, met: bool) -> SlaTimer:
    """Stop for good: met (answered or resolved in time or late) or abandoned."""
    return pause(timer, now, calendar).model_copy(update={"met": met})


def retarget(timer: SlaTimer, target: timedelta, warn_at_percent: int | None = None, *,
             warn_after: timedelta | None = None, now: datetime | None = None,
             calendar: Calendar = ALWAYS) -> SlaTimer:
    """New target, same time already used (a raised priority moves the deadline earlier).

    A warning already given stays given if the time used (up to `now`, when known) is past the new
    warning point, so raising the priority never warns twice.
    """
    if warn_after is None:
        warn_after = _warn_after(target, warn_at_percent)
    used = consumed(timer, now, calendar) if now is not None else timer.consumed
    warned = timer.warned and warn_after is not None and used >= warn_after
    return timer.model_copy(update={"target": target, "warn_after": warn_after, "warned": warned})


def deadline(timer: SlaTimer, calendar: Calendar = ALWAYS) -> datetime | None:
    """When the breach falls due, or None if the timer is paused, met or already breached."""
    if not timer.active or timer.running_since is None:
        return None
    return calendar.add(timer.running_since, max(timer.target - timer.consumed, timedelta(0)))


def warning_due(timer: SlaTimer, calendar: Calendar = ALWAYS) -> datetime | None:
    if timer.warned or timer.warn_after is None or not timer.active or timer.running_since is None:
        return None
    return calendar.add(timer.running_since, max(timer.warn_after - timer.consumed, timedelta(0)))


def remaining(timer: SlaTimer, now: datetime, calendar: Calendar = ALWAYS) -> timedelta:
    return max(timer.target - consumed(timer, now, calendar), timedelta(0))
