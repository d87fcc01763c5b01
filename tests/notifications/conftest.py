"""A real SMTP server and a real webhook receiver per test, on free loopback ports."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.notifications.receivers import MailReceiver, WebhookReceiver


@pytest.fixture
def smtp() -> Iterator[MailReceiver]:
    receiver = MailReceiver()
    receiver.up()
    yield receiver
    receiver.down()


@pytest.fixture
def webhook() -> Iterator[WebhookReceiver]:
    receiver = WebhookReceiver()
    receiver.start()
    yield receiver
    receiver.stop()
