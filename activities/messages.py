"""Plain-text renderings of staff notifications and customer messages (English for now)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from activities.contracts import Delivery
from domain.commands import InformCustomer, NotifyStaff

_CUSTOMER_LINES = {
    "received": "We have received your request and passed it to {owner}.",
    "escalated": "We have passed your request to {owner}.",
    "reopened": "We have reopened your request; {owner} is looking at it again.",
    "resolved": "We believe your request is resolved. Reply if anything is still wrong.",
    "closed": "Your request is now closed. Thank you for your patience.",
}


def customer_message(delivery: Delivery) -> tuple[str, str]:
    command = delivery.command
    assert isinstance(command, InformCustomer)
    issue = delivery.issue
    lines = [f"Dear {issue.customer.name},", "", _CUSTOMER_LINES[command.message].format(owner=command.level_title)]
    if command.reply_by is not None:
        lines.append(f"You will hear from us by {_local(command.reply_by, issue.customer.timezone)}.")
    lines += ["", f"Your reference: {issue.id}"]
    return f"[{issue.id}] {issue.subject}", "\n".join(lines)


def staff_message(delivery: Delivery) -> tuple[str, str]:
    command = delivery.command
    assert isinstance(command, NotifyStaff)
    issue = delivery.issue
    body = [
        command.headline, "",
        f"Customer: {issue.customer.name} ({issue.customer.tier.value}, {issue.customer.language})",
        f"Channel: {issue.channel.value}; category: {issue.category.value}; priority: {issue.priority.value}",
        f"Subject: {issue.subject}", "", issue.description, "",
        f"Open since {delivery.opened_at:%Y-%m-%d %H:%M UTC}. What has happened:",
        *(f"  {e.at:%Y-%m-%d %H:%M} {e.actor}: {e.summary}" for e in delivery.story),
    ]
    return f"[{issue.id}] {command.headline}", "\n".join(body)


def _local(when: datetime, timezone: str) -> str:
    return when.astimezone(ZoneInfo(timezone)).strftime(f"%Y-%m-%d %H:%M ({timezone})")
