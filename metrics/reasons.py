"""Why an issue moved up: one small vocabulary shared by the metrics (from events) and the reports (from
the timeline), so a dashboard and a report name the same reasons the same way. Pure; no personal data:
reasons are kinds, never the free text a customer or an agent wrote."""

from __future__ import annotations

from domain import events as ev
from domain.state import TimelineEntry
from workflows.customer_contacts import ACTOR as REPEATED_CONTACTS_ACTOR

RESPONSE_SLA_BREACH = "response_sla_breach"
RESOLUTION_SLA_BREACH = "resolution_sla_breach"
CUSTOMER_UNHAPPY = "customer_unhappy"
HAND_OVER = "hand_over"
AGENT_REQUEST = "agent_request"
REPEATED_CONTACTS = "repeated_contacts"
#: The customer wrote again after resolution: the issue reopens at the same level. Not an escalation.
REOPENED = "reopened"

#: Timeline kinds that put the issue with a (new) owner after it was opened.
ENTRY_KINDS = ("escalated", "handed_over")


def reason_for_event(event: ev.Event) -> str:
    """The reason kind of an escalation caused by `event`."""
    if isinstance(event, ev.SlaBreach):
        return RESPONSE_SLA_BREACH if event.target == "response" else RESOLUTION_SLA_BREACH
    if isinstance(event, ev.CustomerUnhappy):
        return CUSTOMER_UNHAPPY
    if isinstance(event, ev.HandOver):
        return HAND_OVER
    if isinstance(event, ev.EscalateUp):
        return REPEATED_CONTACTS if event.actor == REPEATED_CONTACTS_ACTOR else AGENT_REQUEST
    if isinstance(event, ev.CustomerReply):
        return REOPENED
    return getattr(event, "kind", type(event).__name__)


def reason_for_entry(entry: TimelineEntry, previous: TimelineEntry | None) -> str:
    """The reason kind of an `escalated`/`handed_over` timeline entry; `previous` is the entry just before it.

    The core records the cause (breach, unhappy customer, reply) and the escalation as two entries of the same
    event, so they share a timestamp; an escalation with no such cause was asked for by an agent (or a watcher).
    """
    if entry.kind == "handed_over":
        return HAND_OVER
    cause = previous if previous is not None and previous.at == entry.at else None
    if cause is not None and cause.kind == "sla_breach":
        return RESPONSE_SLA_BREACH if cause.summary.startswith("response") else RESOLUTION_SLA_BREACH
    if cause is not None and cause.kind == "customer_unhappy":
        return CUSTOMER_UNHAPPY
    if cause is not None and cause.kind == "customer_reply":
        return REOPENED
    return REPEATED_CONTACTS if entry.actor == REPEATED_CONTACTS_ACTOR else AGENT_REQUEST
