"""What an opened issue tells the trigger watchers (repeated contacts, major incidents): pure and PII-free."""

from __future__ import annotations

from pydantic import BaseModel

from domain.state import IssueState
from rules.contacts import Contact, customer_key
from rules.incidents import Opening

#: The activity that passes the report on to the watcher workflows (`activities/triggers.py`).
REPORT_OPENED = "report_issue_opened"


class OpenedReport(BaseModel):
    """Carries a hashed customer key, never the customer's id, name or contact."""

    customer_key: str
    contact: Contact | None = None
    opening: Opening | None = None


def opened_report(state: IssueState) -> OpenedReport | None:
    """The report for a freshly opened issue, or None when its policy watches nothing it matches."""
    triggers, issue = state.policy.triggers, state.issue
    contact = opening = None
    if triggers.repeated_contacts is not None:
        contact = Contact(issue_id=issue.id, at=state.opened_at, rule=triggers.repeated_contacts)
    incident = triggers.major_incident
    if incident is not None and incident.watches(issue.category):
        opening = Opening(issue_id=issue.id, category=issue.category, at=state.opened_at, rule=incident,
                          staff_teams=sorted(state.policy.teams))
    if contact is None and opening is None:
        return None
    return OpenedReport(customer_key=customer_key(issue.customer.id), contact=contact, opening=opening)
