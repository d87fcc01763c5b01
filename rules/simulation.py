"""Run an issue through time without Temporal: timed external events plus the clock events they cause.

The same pure core as the workflow (`open_issue`, `apply_event`, `next_wakeup`), in the same order:
a clock event due at the same instant as an external event goes first, as in the workflow's loop.
Used by the dry-run command and by tests.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from domain.commands import AnyCommand
from domain.events import Event
from domain.issue import Issue
from domain.state import IssueState, Status
from policy.model import Policy
from rules.escalation import InvalidAction, apply_event, open_issue
from rules.schedule import due_event, next_wakeup

MAX_STEPS = 1_000


@dataclass(frozen=True)
class Step:
    at: datetime
    event: Event | None  # None for the opening
    before: IssueState | None
    after: IssueState
    commands: tuple[AnyCommand, ...] = ()
    rejected: str | None = None  # why the event was not valid then (state unchanged)
    duplicate: bool = False

    @property
    def by_clock(self) -> bool:
        return self.event is not None and self.event.actor == "sla-clock"


@dataclass(frozen=True)
class TimedEvent:
    at: datetime
    event: Event


def simulate(issue: Issue, policy: Policy, opened_at: datetime, events: Iterable[TimedEvent], until: datetime,
             *, max_steps: int = MAX_STEPS) -> list[Step]:
    """Every step from opening until `until` (or until the issue closes), in order."""
    decision = open_issue(issue, policy, opened_at)
    steps = [Step(opened_at, None, None, decision.state, decision.commands)]
    return steps + run_until(decision.state, events, until, max_steps=max_steps - 1)


def run_until(state: IssueState, events: Iterable[TimedEvent], until: datetime, *,
              max_steps: int = MAX_STEPS) -> list[Step]:
    pending = sorted(events, key=lambda timed: timed.at)
    steps: list[Step] = []
    now = state.timeline[-1].at if state.timeline else state.opened_at
    while len(steps) < max_steps and state.status is not Status.closed:
        wake = next_wakeup(state)
        nxt = pending[0] if pending else None
        wake_at = None if wake is None else max(wake.at, now)  # overdue clock events fire at once
        if wake_at is not None and wake_at <= until and (nxt is None or wake_at <= nxt.at):
            at, event = wake_at, due_event(state, wake_at)
        elif nxt is not None and nxt.at <= until:
            at, event = max(nxt.at, now), pending.pop(0).event
        else:
            break
        now = at
        try:
            decision = apply_event(state, event, at)
        except InvalidAction as exc:
            steps.append(Step(at, event, state, state, rejected=exc.reason))
            continue
        steps.append(Step(at, event, state, decision.state, decision.commands, duplicate=decision.duplicate))
        state = decision.state
    return steps
