"""When must the workflow wake up next, and for what."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.events import ClockEvent, ConfirmWindowElapsed, RenotifyDue, SlaBreach, SlaWarning
from domain.state import IssueState, Status
from rules import sla_clock
from rules.calendar import calendar_of


@dataclass(frozen=True)
class Wakeup:
    at: datetime
    event: ClockEvent
    summary: str  # shown on the timer in the Temporal UI


def next_wakeup(state: IssueState) -> Wakeup | None:
    """The earliest clock event due for this state; breaches win ties over warnings."""
    level = state.level
    candidates: list[Wakeup] = []
    if state.status in (Status.open, Status.acknowledged):
        calendar = calendar_of(state)
        for name in ("response", "resolution"):
            timer = getattr(state, name)
            due = sla_clock.deadline(timer, calendar)
            if due is not None:
                candidates.append(Wakeup(due, SlaBreach(actor="sla-clock", target=name),
                                         f"{name} SLA for {level.role} ({level.name}), due {_hhmm(due)}"))
            warn = sla_clock.warning_due(timer, calendar)
            if warn is not None:
                candidates.append(Wakeup(warn, SlaWarning(actor="sla-clock", target=name),
                                         f"{name} SLA warning for {level.role}, at {_hhmm(warn)}"))
        if state.renotify_due is not None:
            candidates.append(Wakeup(state.renotify_due, RenotifyDue(actor="sla-clock"),
                                     f"re-notify {level.role}: overdue at the top, at {_hhmm(state.renotify_due)}"))
    if state.status is Status.resolved and state.confirm_due is not None:
        candidates.append(Wakeup(state.confirm_due, ConfirmWindowElapsed(actor="sla-clock"),
                                 f"close unless the customer objects, at {_hhmm(state.confirm_due)}"))
    return min(candidates, key=lambda w: w.at) if candidates else None


def due_event(state: IssueState, now: datetime) -> ClockEvent | None:
    """The clock event that is due at `now`, if any.

    A warning that comes due only when its breach is due as well (a raised priority, a late wake-up)
    is skipped: the breach says it all, and nobody is told "0 minutes left".
    """
    wake = next_wakeup(state)
    if wake is None or wake.at > now:
        return None
    if isinstance(wake.event, SlaWarning):
        breach_at = sla_clock.deadline(getattr(state, wake.event.target), calendar_of(state))
        if breach_at is not None and breach_at <= now:
            return SlaBreach(actor="sla-clock", target=wake.event.target)
    return wake.event


def _hhmm(when: datetime) -> str:
    return when.strftime("%Y-%m-%d %H:%M:%S UTC")
