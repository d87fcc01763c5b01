"""A test-only notification channel that can be switched off, counting every attempt and every delivery.

Registered under the product's activity names, so the real workflow drives it with its real retry
policy. A customer contact ending in `.invalid` is a permanently bad address.
"""

from __future__ import annotations

import threading
from collections import Counter

from temporalio import activity

from activities.contracts import ASSIGN_OWNER, INFORM_CUSTOMER, NOTIFY_STAFF, PermanentDeliveryError


class ChannelDown(Exception):
    """The channel is unreachable for now (a retryable failure)."""


class FlakyChannel:
    def __init__(self) -> None:
        self.up = threading.Event()
        self.up.set()
        self.attempts: Counter[str] = Counter()  # idempotency key -> attempts
        self.delivered: Counter[str] = Counter()  # idempotency key -> messages that went out
        self.by_key: dict[str, dict] = {}  # idempotency key -> the command
        self._lock = threading.Lock()

    @activity.defn(name=ASSIGN_OWNER)
    def assign_owner(self, delivery: dict) -> str | None:
        members = delivery.get("team_members") or [None]
        return members[0]

    @activity.defn(name=NOTIFY_STAFF)
    def notify_staff(self, delivery: dict) -> None:
        self._send(delivery)

    @activity.defn(name=INFORM_CUSTOMER)
    def inform_customer(self, delivery: dict) -> None:
        if delivery["issue"]["customer"]["contact"].endswith(".invalid"):
            self._count(delivery)
            raise PermanentDeliveryError(f"no such address: {delivery['issue']['customer']['contact']}")
        self._send(delivery)

    def _count(self, delivery: dict) -> str:
        key = delivery["command"]["idempotency_key"]
        with self._lock:
            self.attempts[key] += 1
            self.by_key[key] = delivery["command"]
        return key

    def _send(self, delivery: dict) -> None:
        key = self._count(delivery)
        if not self.up.is_set():
            raise ChannelDown("the notification channel is down")
        with self._lock:
            self.delivered[key] += 1

    def all(self) -> list:
        return [self.assign_owner, self.notify_staff, self.inform_customer]
