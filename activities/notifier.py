"""What the activities need to reach people: the roster, how addresses become apprise URLs, the sender."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from temporalio import activity

from activities.dispatch import Sender
from config.settings import Settings
from notifications.addresses import Addressing
from notifications.channels import AppriseChannel
from notifications.roster import Roster
from notifications.roster_loader import load_roster


@dataclass(frozen=True)
class Notifier:
    """`addressing=None` records every message in the outbox and sends nothing (tests, dry runs)."""

    roster: Roster | None = None
    addressing: Addressing | None = None
    sender: Sender = field(default_factory=AppriseChannel)
    ui_url: str = "http://localhost:8233"
    namespace: str = "default"
    #: The time used for working hours and deadline wording; None: the activity's time.
    clock: Callable[[], datetime] | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> Notifier:
        """Load the roster (RosterError names the file and each problem) and the channels from settings."""
        roster = load_roster(settings.roster_path)
        addressing = Addressing(settings.mail_url, settings.sms_url) if settings.send_notifications else None
        return cls(roster=roster, addressing=addressing, ui_url=settings.ui_url,
                   namespace=settings.temporal_namespace)

    def now(self) -> datetime:
        return self.clock() if self.clock else activity_time()


def activity_time() -> datetime:
    """Now, by the later of the wall clock and the server's start time of this attempt.

    The two differ only on a time-skipping test server, where the server's clock is the one the
    workflow's deadlines were computed with.
    """
    wall = datetime.now(UTC)
    if activity.in_activity():
        return max(wall, activity.info().started_time.astimezone(UTC))
    return wall
