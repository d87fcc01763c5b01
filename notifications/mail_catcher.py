"""A local SMTP catcher for the demo: every mail it receives becomes a readable file in a folder.

    python -m notifications.mail_catcher [--host 127.0.0.1] [--port 8025] [--dir .data/mail]

Each mail is written as `<UTC time>-<n>-<first recipient>.eml` (open it with any mail program, or read it
as text). `make run` starts it on the settings' SMTP host and port, so the demo sends real emails.
"""

from __future__ import annotations

import argparse
import email
import email.policy
import itertools
import re
import signal
import threading
from datetime import UTC, datetime
from pathlib import Path

from aiosmtpd.controller import Controller

from config.settings import get_settings


class FolderHandler:
    """aiosmtpd handler: accept every recipient, write every message to `folder`."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._numbers = itertools.count(1)
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: ANN001, N802
        self.folder.mkdir(parents=True, exist_ok=True)
        with self._lock:
            number = next(self._numbers)
        first = re.sub(r"[^A-Za-z0-9@._+-]", "_", envelope.rcpt_tos[0] if envelope.rcpt_tos else "unknown")[:80]
        path = self.folder / f"{datetime.now(UTC):%Y%m%dT%H%M%S.%fZ}-{number:05d}-{first}.eml"
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        path.write_bytes(message.as_bytes())
        return "250 Message accepted for delivery"


def start(host: str, port: int, folder: Path) -> Controller:
    controller = Controller(FolderHandler(folder), hostname=host, port=port)
    controller.start()
    return controller


def main(argv: list[str] | None = None) -> int:
    settings = get_settings()
    parser = argparse.ArgumentParser(prog="python -m notifications.mail_catcher", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default=settings.smtp_host)
    parser.add_argument("--port", type=int, default=settings.smtp_port)
    parser.add_argument("--dir", type=Path, default=settings.mail_dir)
    args = parser.parse_args(argv)
    controller = start(args.host, args.port, args.dir)
    print(f"mail catcher on {args.host}:{args.port}, writing to {args.dir}", flush=True)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    stop.wait()
    controller.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
