"""Real receivers for tests: an SMTP server (aiosmtpd) and an HTTP webhook receiver, on free loopback ports.

Both run in their own thread, can refuse addresses or fail on purpose, go down and come back up on
the same port, and record everything that reached them.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import json
import socket
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller

HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


async def wait_until(check, timeout: float = 15.0, what: str = "condition"):  # noqa: ANN001, ANN201
    """Poll `check` until it returns something truthy; fail after `timeout` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        result = check()
        if result:
            return result
        if loop.time() > deadline:
            raise AssertionError(f"{what} not reached in {timeout}s")
        await asyncio.sleep(0.02)


@dataclass(frozen=True)
class Mail:
    sender: str
    to: tuple[str, ...]
    subject: str
    body: str
    message_id: str


class _SmtpHandler:
    def __init__(self, receiver: MailReceiver) -> None:
        self.receiver = receiver

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: ANN001, ANN201, N802
        self.receiver.rcpt_attempts.append(address)
        if address in self.receiver.refuse:
            return "550 5.1.1 mailbox unavailable"
        if self.receiver.defer_next > 0:
            self.receiver.defer_next -= 1
            return "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, ANN201, N802
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        part = msg.get_body(preferencelist=("plain",))
        body = (part.get_content() if part is not None else "").replace("\r\n", "\n")
        self.receiver.mails.append(Mail(envelope.mail_from, tuple(envelope.rcpt_tos), str(msg["subject"]),
                                        body, str(msg["message-id"])))
        return "250 OK"


class MailReceiver:
    """A real SMTP server. `refuse` answers 550 for those addresses; `defer_next` answers 451 n times."""

    def __init__(self) -> None:
        self.port = free_port()
        self.mails: list[Mail] = []
        self.rcpt_attempts: list[str] = []
        self.refuse: set[str] = set()
        self.defer_next = 0
        self._controller: Controller | None = None

    @property
    def mail_url(self) -> str:
        return f"mailto://{HOST}:{self.port}?from=support@example.com"

    def up(self) -> None:
        self._controller = Controller(_SmtpHandler(self), hostname=HOST, port=self.port)
        self._controller.start()

    def down(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def to(self, address: str) -> list[Mail]:
        return [m for m in self.mails if address in m.to]

    async def wait_for(self, address: str, count: int = 1, timeout: float = 15.0) -> list[Mail]:
        return await wait_until(lambda: len(self.to(address)) >= count and self.to(address), timeout,
                          f"{count} mail(s) to {address}")


@dataclass(frozen=True)
class Hook:
    path: str
    payload: dict
    status: int


class WebhookReceiver:
    """A real HTTP server taking apprise's json:// posts. `fail_next` answers 503 n times; `status` per path."""

    def __init__(self) -> None:
        self.received: list[Hook] = []
        self.fail_next = 0
        self.status: dict[str, int] = {}
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length", 0))
                payload = json.loads(self.rfile.read(length) or b"{}")
                if receiver.fail_next > 0:
                    receiver.fail_next -= 1
                    code = 503
                else:
                    code = receiver.status.get(self.path, 200)
                receiver.received.append(Hook(self.path, payload, code))
                self.send_response(code)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args) -> None:  # noqa: ANN002
                pass

        self._server = ThreadingHTTPServer((HOST, 0), Handler)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return f"json://{HOST}:{self.port}{path}"

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def accepted(self, path: str) -> list[Hook]:
        return [h for h in self.received if h.path == path and h.status == 200]

    async def wait_for(self, path: str, count: int = 1, timeout: float = 15.0) -> list[Hook]:
        return await wait_until(lambda: len(self.accepted(path)) >= count and self.accepted(path), timeout,
                          f"{count} accepted post(s) to {path}")
