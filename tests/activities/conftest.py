"""Fixtures for the delivery activities: real SMTP and webhook receivers, a roster that points at them,
and a time-skipping harness whose worker sends through real channels (apprise)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from activities.delivery import DeliveryActivities
from activities.notifier import Notifier
from activities.outbox import Outbox
from notifications.addresses import Addressing
from notifications.roster import Roster
from notifications.roster_loader import parse_roster
from starter.client import IssueClient
from tests.conftest import Harness, short_policy
from tests.notifications.receivers import MailReceiver, WebhookReceiver
from workers.build import build_worker
from workflows.issue_workflow import WorkflowOptions

UI_URL = "http://ui.example.test"
#: A Friday afternoon in Athens; fixed so working hours and wording do not depend on when tests run.
FRIDAY_1500_ATHENS = datetime(2026, 11, 20, 13, 0, tzinfo=UTC)


def roster_for(mail: MailReceiver, hooks: WebhookReceiver) -> Roster:
    """The short policy's teams. ann is on leave, so round robin skips her; sam has mail and a webhook."""
    return parse_roster({
        "timezone": "Europe/Athens",
        "people": {
            "ann": {"notify": ["ann@staff.example"], "away": [{"from": "2000-01-01", "to": "2099-12-31"}]},
            "ben": {"notify": ["ben@staff.example"]},
            "sam": {"notify": ["sam@staff.example", hooks.url("/sam")]},
            "fay": {"notify": ["fay@staff.example"]},
        },
        "teams": {
            "support": {"members": ["ann", "ben"], "notify": [hooks.url("/support")]},
            "specialists": {"members": ["sam"], "notify": ["specialists@staff.example"]},
            "finance": {"members": ["fay"], "on_call": "fay"},
        },
    })


@pytest.fixture(scope="session")
def mail() -> Iterator[MailReceiver]:
    receiver = MailReceiver()
    receiver.up()
    yield receiver
    receiver.down()


@pytest.fixture(scope="session")
def hooks() -> Iterator[WebhookReceiver]:
    receiver = WebhookReceiver()
    receiver.start()
    yield receiver
    receiver.stop()


@pytest.fixture
def mail_up(mail) -> Iterator[MailReceiver]:
    """The session's mail server, guaranteed up again after a test that took it down."""
    yield mail
    if mail._controller is None:
        mail.up()
    mail.defer_next = 0


def channel_notifier(mail: MailReceiver, hooks: WebhookReceiver, clock=None) -> Notifier:  # noqa: ANN001
    return Notifier(roster=roster_for(mail, hooks), addressing=Addressing(mail.mail_url), ui_url=UI_URL,
                    clock=clock)


@pytest.fixture
def activities(tmp_path, mail_up, hooks) -> DeliveryActivities:
    """The activities wired to the real receivers, at a fixed time."""
    return DeliveryActivities(Outbox(tmp_path / "outbox.sqlite3"),
                              channel_notifier(mail_up, hooks, clock=lambda: FRIDAY_1500_ATHENS))


@dataclass
class Channels:
    harness: Harness
    mail: MailReceiver
    hooks: WebhookReceiver


@pytest.fixture(scope="session")
async def channels_session(time_env, executor, tmp_path_factory, mail, hooks) -> AsyncIterator[Channels]:
    """One worker with real channels on the time-skipping server, for the whole session (the test server
    does not like workers coming and going)."""
    outbox = Outbox(tmp_path_factory.mktemp("channels") / "outbox.sqlite3")
    task_queue = f"tq-ch-{uuid.uuid4().hex[:8]}"
    worker = build_worker(time_env.client, task_queue, outbox, executor, channel_notifier(mail, hooks))
    issues = IssueClient(time_env.client, short_policy(), task_queue, WorkflowOptions(upsert_search_attributes=False))
    async with worker:
        yield Channels(Harness(time_env.client, issues, outbox, worker), mail, hooks)


@pytest.fixture
def channels(channels_session, mail_up) -> Channels:
    """The `ts` harness variant whose activities send through apprise to the test's receivers."""
    return channels_session
