"""The activities: idempotent per command, so a retry or a restarted worker never sends twice."""

from __future__ import annotations

import structlog
from temporalio import activity

from activities.contracts import ASSIGN_OWNER, INFORM_CUSTOMER, NOTIFY_STAFF, Delivery
from activities.messages import customer_message, staff_message
from activities.outbox import Outbox

log = structlog.get_logger(__name__)


class DeliveryActivities:
    def __init__(self, outbox: Outbox) -> None:
        self.outbox = outbox

    @activity.defn(name=ASSIGN_OWNER)
    def assign_owner(self, delivery: Delivery) -> str | None:
        command = delivery.command
        assignee = self.outbox.assign_round_robin(command.idempotency_key, command.team, delivery.team_members)
        log.info("assigned", issue_id=delivery.issue.id, level=command.level, team=command.team, assignee=assignee)
        return assignee

    @activity.defn(name=NOTIFY_STAFF)
    def notify_staff(self, delivery: Delivery) -> None:
        subject, body = staff_message(delivery)
        command = delivery.command
        new = self.outbox.deliver(command.idempotency_key, delivery.issue.id, "staff", f"team:{command.team}",
                                  subject, body)
        log.info("staff notified", issue_id=delivery.issue.id, level=command.level, team=command.team, new=new)

    @activity.defn(name=INFORM_CUSTOMER)
    def inform_customer(self, delivery: Delivery) -> None:
        subject, body = customer_message(delivery)
        command = delivery.command
        new = self.outbox.deliver(command.idempotency_key, delivery.issue.id, "customer",
                                  delivery.issue.customer.contact, subject, body)
        log.info("customer informed", issue_id=delivery.issue.id, level=command.level, message=command.message, new=new)

    def all(self) -> list:
        return [self.assign_owner, self.notify_staff, self.inform_customer]
