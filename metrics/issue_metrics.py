"""What an issue's events count: a pure mapping from (old state, event, new state, now) to metric points.

The workflow records the points through its replay-safe meter (`metrics.workflow_meter`); tests check the
mapping without a server. Definitions, shared with the escalation report:

- an escalation is an entry into a (new) owner for any reason but a plain reopen; its level is the level moved to;
- first response is the first acknowledgement or, failing one, the first resolution; resolution is the first one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from domain import events as ev
from domain.state import ACTIVE, IssueState, Status
from metrics import names
from metrics.reasons import REOPENED, reason_for_event


@dataclass(frozen=True)
class Point:
    """One increment of a counter or one observation of a histogram."""

    metric: names.Metric
    value: float
    attributes: Mapping[str, str] = field(default_factory=dict)


def on_open(state: IssueState) -> list[Point]:
    issue = state.issue
    return [Point(names.ISSUES_OPENED, 1, {"category": issue.category.value, "priority": state.priority.value,
                                            "tier": issue.customer.tier.value, "level": state.level.name})]


def on_event(old: IssueState, event: ev.Event, new: IssueState, now: datetime) -> list[Point]:
    """The points `event` produces when it moves the issue from `old` to `new` at `now`."""
    points: list[Point] = []
    if isinstance(event, ev.SlaWarning):
        points.append(Point(names.SLA_WARNINGS, 1, {"kind": event.target, "level": old.level.name}))
    if isinstance(event, ev.SlaBreach):
        points.append(Point(names.SLA_BREACHES, 1, {"kind": event.target, "level": old.level.name}))
    if isinstance(event, ev.DeliveryFailed):
        points.append(Point(names.NOTIFICATION_FAILURES, 1, {"action": event.action}))
    if old.status is Status.resolved and new.status in ACTIVE:
        points.append(Point(names.REOPENED, 1, {"level": new.level.name}))
    if new.escalation_count > old.escalation_count:
        reason = reason_for_event(event)
        if reason != REOPENED:
            points.append(Point(names.ESCALATIONS, 1, {"level": new.level.name, "reason": reason}))
    if isinstance(event, (ev.Acknowledge, ev.Resolve)) and not _seen(old, "acknowledged", "resolved"):
        points.append(Point(names.TIME_TO_FIRST_RESPONSE, _since_open(old, now), _who(new)))
    if isinstance(event, ev.Resolve) and not _seen(old, "resolved"):
        points.append(Point(names.TIME_TO_RESOLUTION, _since_open(old, now), _who(new)))
    return points


def _seen(state: IssueState, *kinds: str) -> bool:
    return any(entry.kind in kinds for entry in state.timeline)


def _since_open(state: IssueState, now: datetime) -> float:
    return max((now - state.opened_at).total_seconds(), 0.0)


def _who(state: IssueState) -> dict[str, str]:
    return {"priority": state.priority.value, "tier": state.issue.customer.tier.value}
