"""The handover summary a new owner reads, so the customer never has to repeat themselves.

Pure: built from the delivery (issue, story, SLA summary), the time, the owner and the UI link.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from activities.contracts import Delivery
from domain.commands import NotifyStaff

#: Actors that are the machinery, not people.
SYSTEM_ACTORS = frozenset({"sla-clock", "roster", "worker", "signal", "unknown"})
SAID_KINDS = ("customer_reply", "comment")


@dataclass(frozen=True)
class Said:
    at: datetime
    who: str
    text: str


@dataclass(frozen=True)
class Handover:
    headline: str
    issue_id: str
    subject: str
    customer_name: str
    tier: str
    language: str
    timezone: str
    channel: str
    category: str
    priority: str
    level: str
    role: str
    team: str
    owner: str | None
    opened_at: datetime
    since_first_contact: str
    status: str
    sla_state: str
    deadlines: list[tuple[str, datetime, str]]
    next_deadline: str
    last_told: str
    description: str
    said: list[Said]
    involved: list[tuple[str, list[str]]]
    story: list[str]
    link: str
    reason: str = ""
    escalations: int = 0


def build_handover(delivery: Delivery, now: datetime, owner: str | None, link: str) -> Handover:
    command = delivery.command
    assert isinstance(command, NotifyStaff)
    issue, summary = delivery.issue, delivery.summary
    deadlines = []
    if summary is not None:
        for name, due in (("first response", summary.response_due), ("resolution", summary.resolution_due),
                          ("customer confirmation", summary.confirm_due)):
            if due is not None:
                deadlines.append((name, due, _relative(due - now)))
    next_due = summary.next_deadline if summary else None
    return Handover(
        headline=command.headline, reason=command.reason, issue_id=issue.id, subject=issue.subject,
        customer_name=issue.customer.name, tier=issue.customer.tier.value, language=issue.customer.language,
        timezone=issue.customer.timezone, channel=issue.channel.value, category=issue.category.value,
        priority=(summary.priority if summary else issue.priority).value,
        level=command.level, role=command.role, team=command.team, owner=owner,
        opened_at=delivery.opened_at, since_first_contact=duration(now - delivery.opened_at),
        status=summary.status.value if summary else "unknown", sla_state=_sla_state(delivery),
        deadlines=deadlines,
        next_deadline=f"{next_due:%Y-%m-%d %H:%M} UTC ({_relative(next_due - now)})" if next_due else "none",
        last_told=_last_told(delivery), description=issue.description,
        said=[Said(e.at, e.actor, e.summary) for e in delivery.story if e.kind in SAID_KINDS],
        involved=_involved(delivery), escalations=summary.escalations if summary else 0,
        story=[f"{e.at:%Y-%m-%d %H:%M} [{e.level}] {e.actor}: {e.kind} - {e.summary}" for e in delivery.story],
        link=link,
    )


def _sla_state(delivery: Delivery) -> str:
    summary = delivery.summary
    if summary is None:
        return "unknown"
    state = "clock paused (on hold)" if summary.paused else "clock running"
    return f"{state}; {'breached before' if summary.breached else 'no breach so far'}"


def _last_told(delivery: Delivery) -> str:
    told = delivery.summary.last_told if delivery.summary else None
    if told is None:
        return "nothing yet"
    reply = f", reply promised by {told.reply_by:%Y-%m-%d %H:%M} UTC" if told.reply_by else ""
    return f"{told.message} at {told.at:%Y-%m-%d %H:%M} UTC{reply}"


def _involved(delivery: Delivery) -> list[tuple[str, list[str]]]:
    """Each person in the story, in order of first appearance, with what they did."""
    people: dict[str, list[str]] = {}
    for entry in delivery.story:
        if entry.actor in SYSTEM_ACTORS:
            continue
        did = people.setdefault(entry.actor, [])
        if entry.kind not in did:
            did.append(entry.kind)
    return list(people.items())


def duration(delta: timedelta) -> str:
    seconds = max(int(delta.total_seconds()), 0)
    days, rest = divmod(seconds, 86_400)
    hours, rest = divmod(rest, 3_600)
    minutes = rest // 60
    if days:
        return f"{days}d {hours}h"
    if hours:
        return f"{hours}h {minutes:02d}m"
    if minutes:
        return f"{minutes}m"
    return f"{seconds}s"


def _relative(delta: timedelta) -> str:
    return f"in {duration(delta)}" if delta >= timedelta(0) else f"overdue by {duration(-delta)}"
