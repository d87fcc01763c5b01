"""Repeated contacts: the same customer opening several issues within a window escalates the newest.

Pure: the per-customer entity workflow (`workflows/customer_contacts.py`) keeps a `ContactLog` and
asks `record_contact` what to do with each new contact.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from pydantic import BaseModel, Field

from policy.durations import format_duration
from policy.triggers import RepeatedContacts

#: How many escalated issue ids to remember (a retried report is then still recognised).
REMEMBERED = 200


def customer_key(customer_id: str) -> str:
    """A stable, non-reversible key for a customer: what workflow ids use instead of the id itself."""
    return hashlib.sha256(f"customer:{customer_id}".encode()).hexdigest()[:32]


def contacts_workflow_id(customer_id_key: str) -> str:
    return f"customer-contacts-{customer_id_key}"


class Contact(BaseModel):
    """One issue opened by the customer, with the rule of the policy it opened under."""

    issue_id: str
    at: datetime
    rule: RepeatedContacts


class ContactLog(BaseModel):
    contacts: list[Contact] = Field(default_factory=list, description="within the window, oldest first")
    escalated: list[str] = Field(default_factory=list, description="issues escalated for repeated contacts")


@dataclass(frozen=True)
class ContactDecision:
    log: ContactLog
    escalate: str | None  # the issue to escalate, if the contact crossed the threshold
    count: int  # contacts within the window, this one included
    earlier: tuple[str, ...] = ()  # the other issues in the window
    duplicate: bool = False

    def reason(self, rule: RepeatedContacts) -> str:
        earlier = f" (earlier: {', '.join(self.earlier)})" if self.earlier else ""
        return (f"repeated contacts: this customer opened {self.count} issues within "
                f"{format_duration(rule.within)}{earlier}")


def record_contact(log: ContactLog, contact: Contact) -> ContactDecision:
    """Add a contact; escalate it if it makes `rule.contacts` within `rule.within` of the newest contact."""
    known = {c.issue_id for c in log.contacts} | set(log.escalated)
    if contact.issue_id in known:
        return ContactDecision(log, None, len(log.contacts), duplicate=True)
    contacts = sorted([*log.contacts, contact], key=lambda c: c.at)
    newest = contacts[-1].at
    window = [c for c in contacts if c.at > newest - contact.rule.within]
    escalate = contact.issue_id if len(window) >= contact.rule.contacts and contact in window else None
    escalated = [*log.escalated, escalate][-REMEMBERED:] if escalate else log.escalated
    earlier = tuple(c.issue_id for c in window if c.issue_id != contact.issue_id)
    return ContactDecision(ContactLog(contacts=window, escalated=escalated), escalate, len(window), earlier)


def forget_before(log: ContactLog, now: datetime) -> ContactLog:
    """Drop contacts whose window has passed at `now`."""
    return log.model_copy(update={"contacts": [c for c in log.contacts if c.at + c.rule.within > now]})


def quiet_at(log: ContactLog) -> datetime | None:
    """When the last contact leaves its window: the entity workflow may finish then."""
    return max((c.at + c.rule.within for c in log.contacts), default=None)

