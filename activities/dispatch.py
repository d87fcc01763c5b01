"""Deliver one message to its recipients, once as seen from outside, through the outbox.

For every recipient address: claim its outbox row, send through the channel, mark it sent.
  - A retry skips rows already sent; a permanently failed row is reported again, never resent.
  - A temporary failure leaves the row pending and free; the activity raises and Temporal retries it
    with backoff. Other recipients of the same message are not held back by one failing channel.
  - A claim younger than the lease (twice the activity's start-to-close timeout) makes a second,
    overlapping attempt back off instead of sending in parallel: Temporal retries an attempt that timed
    out while its thread may still be sending. A worker that died mid-send delays the retry that much.
  - The double-send window: the channel accepted the message but the process died before `mark_sent`
    committed (one SQLite UPDATE), or the channel accepted it but its answer was lost on the way
    back. The retry then sends again. No channel offers a way to close this window from our side; it
    is kept to that one statement, right after the channel returns.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

import structlog

from activities.contracts import PermanentDeliveryError, TemporaryDeliveryError
from activities.outbox import Envelope, Outbox
from notifications.channels import ChannelError, PermanentChannelError, describe

log = structlog.get_logger(__name__)

DEFAULT_LEASE = timedelta(seconds=60)


class Sender(Protocol):
    def send(self, url: str, title: str, body: str) -> None: ...


@dataclass(frozen=True)
class Recipient:
    label: str  # "customer", "team:support", "person:alice": safe for logs and errors
    shown_as: str  # what the outbox shows as the recipient (the customer's contact, or the label)
    url: str | None  # the apprise URL; None: no channel, the message is only recorded
    problem: str = ""  # set when the address is unusable for good


@dataclass(frozen=True)
class Report:
    sent: int = 0
    already: int = 0
    recorded: int = 0


class Dispatcher:
    def __init__(self, outbox: Outbox, sender: Sender) -> None:
        self.outbox = outbox
        self.sender = sender

    def deliver(self, *, key: str, issue_id: str, channel: str, recipients: Sequence[Recipient], subject: str,
                body: str, now: datetime, lease: timedelta = DEFAULT_LEASE) -> Report:
        """Send to every recipient not yet served; raise if any is still owed or failed for good."""
        sent = already = recorded = 0
        temporary: list[str] = []
        permanent: list[str] = []
        for recipient in recipients:
            endpoint = describe(recipient.url) if recipient.url else None
            envelope = Envelope(key=_row_key(key, recipient), issue_id=issue_id, channel=channel,
                                recipient=recipient.shown_as, subject=subject, body=body,
                                service=endpoint.service if endpoint else "",
                                address=endpoint.address if endpoint else "")
            claim = self.outbox.claim(envelope, now, lease)
            if claim.outcome == "done":
                already += 1
                continue
            if claim.outcome in ("failed", "busy"):
                (permanent if claim.outcome == "failed" else temporary).append(f"{recipient.label}: {claim.error}")
                continue
            if recipient.problem:
                self.outbox.mark_failed(envelope.key, recipient.problem)
                permanent.append(f"{recipient.label}: {recipient.problem}")
                continue
            if recipient.url is None:
                self.outbox.mark_recorded(envelope.key, "no channel configured; recorded only")
                recorded += 1
                continue
            try:
                self.sender.send(recipient.url, subject, body)
            except PermanentChannelError as exc:
                self.outbox.mark_failed(envelope.key, str(exc))
                permanent.append(f"{recipient.label}: {exc}")
            except ChannelError as exc:
                self.outbox.release(envelope.key, str(exc))
                temporary.append(f"{recipient.label}: {exc}")
            else:
                self.outbox.mark_sent(envelope.key, now)  # the double-send window closes here
                sent += 1
        if temporary:
            log.warning("delivery deferred", issue_id=issue_id, key=key, problems=temporary)
            raise TemporaryDeliveryError("; ".join(temporary + permanent))
        if permanent:
            log.warning("delivery failed for good", issue_id=issue_id, key=key, problems=permanent)
            raise PermanentDeliveryError("; ".join(permanent))
        return Report(sent, already, recorded)


def _row_key(key: str, recipient: Recipient) -> str:
    """One outbox row per message, recipient and address (a changed address is a new row)."""
    if recipient.url is None:
        return f"{key}>{recipient.label}"
    return f"{key}>{recipient.label}>{hashlib.sha256(recipient.url.encode()).hexdigest()[:12]}"
