"""Building issue states for pure-core tests: no Temporal, fixed instants."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from domain import events as ev
from domain.state import IssueState
from policy.model import Policy
from rules.escalation import Decision, apply_event, open_issue
from tests.conftest import make_issue, short_policy

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday
M = timedelta(minutes=1)


def opened(policy: Policy | None = None, at: datetime = T0, **issue) -> IssueState:
    return open_issue(make_issue("I-1", **issue), policy or short_policy(), at).state


def step(state: IssueState, event: ev.Event, at: datetime) -> IssueState:
    return apply_event(state, event, at).state


def decide(state: IssueState, event: ev.Event, at: datetime) -> Decision:
    return apply_event(state, event, at)


def in_status(status: str, policy: Policy | None = None) -> tuple[IssueState, datetime]:
    """An issue in `status` and the instant it got there (well inside every SLA target)."""
    state, at = opened(policy), T0
    if status == "open":
        return state, at
    if status == "acknowledged":
        return step(state, ev.Acknowledge(actor="ann"), at + M), at + M
    if status == "on_hold":
        return step(state, ev.Hold(actor="ann", waiting_for_customer=True), at + M), at + M
    state = step(state, ev.Resolve(actor="ann"), at + 2 * M)
    if status == "resolved":
        return state, at + 2 * M
    assert status == "closed"
    return step(state, ev.CustomerConfirm(actor="portal"), at + 3 * M), at + 3 * M


def kinds(state: IssueState) -> list[str]:
    return [entry.kind for entry in state.timeline]
