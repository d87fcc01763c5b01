"""The one adapter to every notification service: apprise (email, Slack, Teams, Telegram, JSON webhooks...).

`AppriseChannel.send` delivers one message to one apprise URL and tells a temporary failure (worth
retrying) from a permanent one (retrying cannot help: a refused mailbox, a 4xx from a webhook, a URL
apprise cannot load). Apprise reports failures only in its log, so its log records are captured per
call (a context variable, safe across threads) and read for SMTP reply codes and HTTP status codes.
Apprise's own log output is kept out of ours: it names addresses and carries message bodies.
"""

from __future__ import annotations

import contextvars
import logging
import re
from dataclasses import dataclass

import apprise

_captured: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar("apprise_log", default=None)

#: SMTP reply codes in apprise's captured exceptions, e.g. "{'x@y': (550, b'5.1.1 no such user')}".
_SMTP_CODE = re.compile(r"\((\d{3}), b?['\"]")
#: HTTP status codes in apprise's failure messages, e.g. "Failed to send JSON POST notification: ..., error=404."
_HTTP_CODE = re.compile(r"error=(\d{3})\b")
_NO_RECIPIENT = ("There are no Email recipients", "Dropped invalid")
#: 4xx answers that can pass: timeouts, "too early", rate limits.
_HTTP_TEMPORARY = {408, 425, 429}


class ChannelError(Exception):
    """Sending failed; a later attempt may succeed."""


class PermanentChannelError(ChannelError):
    """Sending failed in a way no retry can fix."""


class _Capture(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        lines = _captured.get()
        if lines is not None:
            lines.append(record.getMessage())


def _quiet_apprise() -> None:
    """Send apprise's log records only to the per-call capture (never to the process log)."""
    logger = logging.getLogger("apprise")
    if not any(isinstance(h, _Capture) for h in logger.handlers):
        logger.addHandler(_Capture(level=logging.DEBUG))
        logger.setLevel(logging.DEBUG)
        logger.propagate = False


_quiet_apprise()


@dataclass(frozen=True)
class Endpoint:
    """How an apprise URL shows in the outbox: the service and the URL with secrets masked."""

    service: str
    address: str


def describe(url: str) -> Endpoint:
    plugin = apprise.Apprise.instantiate(url)
    if plugin is None:
        return Endpoint("unknown", url.split("://", 1)[0] + "://...")
    return Endpoint(plugin.service_name, plugin.url(privacy=True))


class AppriseChannel:
    """Sends through apprise. Thread-safe: every call builds its own apprise object."""

    def send(self, url: str, title: str, body: str) -> None:
        """Deliver once; raises PermanentChannelError or ChannelError with a reason free of addresses."""
        lines: list[str] = []
        token = _captured.set(lines)
        try:
            plugin = apprise.Apprise.instantiate(url)
            if plugin is None:
                raise PermanentChannelError(f"apprise cannot use this {url.split('://', 1)[0][:20]}:// URL")
            notifier = apprise.Apprise()
            notifier.add(plugin)
            result = notifier.notify(body=body, title=title, body_format=apprise.NotifyFormat.TEXT)
        finally:
            _captured.reset(token)
        if not result:
            raise classify(plugin.service_name, lines)


def classify(service: str, lines: list[str]) -> ChannelError:
    """Turn apprise's captured log lines of a failed send into a temporary or permanent error."""
    text = "\n".join(lines)
    if any(marker in text for marker in _NO_RECIPIENT):
        return PermanentChannelError(f"{service}: no valid recipient address")
    smtp = [int(code) for code in _SMTP_CODE.findall(text)]
    if smtp and all(500 <= code < 600 for code in smtp):
        return PermanentChannelError(f"{service}: the mail server refused the message for good (SMTP {smtp[0]})")
    if smtp:
        return ChannelError(f"{service}: the mail server deferred the message (SMTP {smtp[0]})")
    http = [int(code) for code in _HTTP_CODE.findall(text)]
    if http and 400 <= http[-1] < 500 and http[-1] not in _HTTP_TEMPORARY:
        return PermanentChannelError(f"{service}: the service rejected the message (HTTP {http[-1]})")
    if http:
        return ChannelError(f"{service}: the service failed (HTTP {http[-1]})")
    if any("connection error" in line.lower() or "socket exception" in line.lower() for line in lines):
        return ChannelError(f"{service}: could not connect")
    return ChannelError(f"{service}: sending failed")
