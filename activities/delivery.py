"""The activities: assign an owner, notify staff, inform the customer. Idempotent per command.

Thin: the roster picks the owner (notifications.assignment), templates write the messages
(notifications.render), the dispatcher sends each once through apprise and records it in the outbox.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import structlog
from temporalio import activity

from activities.contracts import ASSIGN_OWNER, INFORM_CUSTOMER, NOTIFY_STAFF, Delivery
from activities.dispatch import DEFAULT_LEASE, Dispatcher, Recipient
from activities.notifier import Notifier
from activities.outbox import Outbox
from domain.commands import AssignOwner, InformCustomer, NotifyStaff
from notifications.addresses import UnreachableAddress
from notifications.assignment import choose_owner
from notifications.handover import build_handover
from notifications.render import customer_message, staff_message

log = structlog.get_logger(__name__)


class DeliveryActivities:
    def __init__(self, outbox: Outbox, notifier: Notifier | None = None) -> None:
        self.outbox = outbox
        self.notifier = notifier or Notifier()
        self.dispatcher = Dispatcher(outbox, self.notifier.sender)

    @activity.defn(name=ASSIGN_OWNER)
    def assign_owner(self, delivery: Delivery) -> str | None:
        command = delivery.command
        assert isinstance(command, AssignOwner)
        assignee = self._assign(command, delivery, self.notifier.now())
        log.info("assigned", issue_id=delivery.issue.id, escalation_level=command.level, team=command.team, assignee=assignee)
        return assignee

    @activity.defn(name=NOTIFY_STAFF)
    def notify_staff(self, delivery: Delivery) -> None:
        command = delivery.command
        assert isinstance(command, NotifyStaff)
        now = self.notifier.now()
        if delivery.assignment is not None:  # entering a level: the owner chosen on this entry
            owner = self._assign(delivery.assignment, delivery, now)
        else:
            owner = delivery.summary.assignee if delivery.summary else None
        message = staff_message(build_handover(delivery, now, owner, self._link(delivery)))
        report = self.dispatcher.deliver(
            key=command.idempotency_key, issue_id=delivery.issue.id, channel="staff",
            recipients=self._staff_recipients(command.team, owner), subject=message.subject, body=message.body,
            now=now, lease=_lease())
        log.info("staff notified", issue_id=delivery.issue.id, escalation_level=command.level, team=command.team,
                 owner=owner, sent=report.sent, already=report.already, recorded=report.recorded)

    @activity.defn(name=INFORM_CUSTOMER)
    def inform_customer(self, delivery: Delivery) -> None:
        command = delivery.command
        assert isinstance(command, InformCustomer)
        now = self.notifier.now()
        message = customer_message(command, delivery.issue, now)
        report = self.dispatcher.deliver(
            key=command.idempotency_key, issue_id=delivery.issue.id, channel="customer",
            recipients=[self._customer_recipient(delivery.issue.customer.contact)], subject=message.subject,
            body=message.body, now=now, lease=_lease())
        log.info("customer informed", issue_id=delivery.issue.id, escalation_level=command.level, message=command.message,
                 language=message.language, sent=report.sent, already=report.already, recorded=report.recorded)

    def all(self) -> list:
        return [self.assign_owner, self.notify_staff, self.inform_customer]

    # --- parts --------------------------------------------------------------------------------
    def _assign(self, command: AssignOwner, delivery: Delivery, now: datetime) -> str | None:
        """Chosen once per command key, whichever activity asks first; the same answer afterwards."""
        roster = self.notifier.roster
        return self.outbox.assign_once(command.idempotency_key, command.team, lambda rotation: choose_owner(
            roster, command.team, delivery.team_members, command.strategy, rotation, now))

    def _staff_recipients(self, team: str, owner: str | None) -> list[Recipient]:
        roster, addressing = self.notifier.roster, self.notifier.addressing
        recipients: list[Recipient] = []
        if roster is not None and addressing is not None:
            wanted = [(f"team:{team}", a) for a in (roster.teams[team].notify if team in roster.teams else [])]
            wanted += [(f"person:{owner}", a) for a in roster.addresses_of(owner)] if owner else []
            seen: set[str] = set()
            for label, address in wanted:
                try:
                    url = addressing.url_for(address)
                except UnreachableAddress as exc:  # the roster checks addresses; this is a safety net
                    recipients.append(Recipient(label, label, None, problem=str(exc)))
                    continue
                if url not in seen:
                    seen.add(url)
                    recipients.append(Recipient(label, label, url))
        return recipients or [Recipient(f"team:{team}", f"team:{team}", None)]

    def _customer_recipient(self, contact: str) -> Recipient:
        if self.notifier.addressing is None:
            return Recipient("customer", contact, None)
        try:
            return Recipient("customer", contact, self.notifier.addressing.customer_url(contact))
        except UnreachableAddress as exc:
            return Recipient("customer", contact, None, problem=str(exc))

    def _link(self, delivery: Delivery) -> str:
        """The issue in the Temporal UI."""
        if activity.in_activity():
            info = activity.info()
            namespace, workflow_id = info.workflow_namespace, info.workflow_id
        else:
            namespace, workflow_id = self.notifier.namespace, delivery.issue.workflow_id
        return f"{self.notifier.ui_url.rstrip('/')}/namespaces/{namespace}/workflows/{workflow_id}"


def _lease() -> timedelta:
    """How long a claim holds off other attempts: twice this attempt's time limit.

    Temporal starts the next attempt once this one's limit has passed, but a thread cannot be stopped:
    it may still be sending. Apprise's own socket timeouts (seconds) end it well within one more limit.
    """
    if activity.in_activity() and activity.info().start_to_close_timeout:
        return 2 * activity.info().start_to_close_timeout
    return DEFAULT_LEASE
