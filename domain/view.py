"""A compact, read-only picture of an issue: what update results and the API return."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from domain.issue import Category, Priority, Tier
from domain.state import CustomerNotice, IssueState, Status
from rules import sla_clock
from rules.calendar import calendar_of


class IssueSummary(BaseModel):
    id: str
    status: Status
    level: str
    level_number: int  # 1-based
    role: str
    team: str
    assignee: str | None
    priority: Priority
    category: Category
    tier: Tier
    policy_version: str
    route: str
    opened_at: datetime
    paused: bool
    response_due: datetime | None
    resolution_due: datetime | None
    next_deadline: datetime | None
    breached: bool
    escalations: int
    delivery_failures: int
    confirm_due: datetime | None
    last_told: CustomerNotice | None


def summarize(state: IssueState) -> IssueSummary:
    calendar = calendar_of(state)  # business hours, when the level's policy says so
    response_due = sla_clock.deadline(state.response, calendar) if state.status is Status.open else None
    resolution_due = (sla_clock.deadline(state.resolution, calendar)
                      if state.status in (Status.open, Status.acknowledged) else None)
    dues = [d for d in (response_due, resolution_due, state.renotify_due, state.confirm_due) if d is not None]
    return IssueSummary(
        id=state.issue.id, status=state.status, level=state.level.name, level_number=state.level_index + 1,
        role=state.level.role, team=state.team, assignee=state.assignee, priority=state.priority,
        category=state.issue.category, tier=state.issue.customer.tier, policy_version=state.policy.version,
        route=state.route_name, opened_at=state.opened_at, paused=state.status is Status.on_hold,
        response_due=response_due, resolution_due=resolution_due, next_deadline=min(dues) if dues else None,
        breached=state.ever_breached, escalations=state.escalation_count, delivery_failures=state.delivery_failures,
        confirm_due=state.confirm_due, last_told=state.last_told,
    )
