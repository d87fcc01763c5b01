"""The demo's mail catcher: a real SMTP server that leaves every mail as a readable file."""

from __future__ import annotations

import email
import email.policy
import os
import signal
import subprocess
import sys

from config.settings import PROJECT_ROOT
from notifications.addresses import Addressing
from notifications.channels import AppriseChannel
from notifications.mail_catcher import start
from tests.notifications.receivers import free_port, wait_until


def test_every_mail_becomes_a_file_a_person_can_read(tmp_path):
    port = free_port()
    catcher = start("127.0.0.1", port, tmp_path / "mail")
    try:
        addressing = Addressing(f"mailto://127.0.0.1:{port}?from=support@example.com")
        AppriseChannel().send(addressing.url_for("maria@example.com"), "[T-1] Ρούτερ", "Γεια σας, Maria,")
        AppriseChannel().send(addressing.url_for("team@example.com"), "[T-2] Second", "Hello")
    finally:
        catcher.stop()
    files = sorted((tmp_path / "mail").glob("*.eml"))
    assert [f.name.split("-", 2)[-1] for f in files] == ["maria@example.com.eml", "team@example.com.eml"]
    first = email.message_from_bytes(files[0].read_bytes(), policy=email.policy.default)
    assert first["subject"] == "[T-1] Ρούτερ" and first["X-Envelope-To"] == "maria@example.com"
    assert "Γεια σας, Maria," in first.get_body(preferencelist=("plain",)).get_content()


async def test_the_command_runs_until_told_to_stop(tmp_path):
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "notifications.mail_catcher", "--port", str(port),
                             "--dir", str(tmp_path)], env=env, stdout=subprocess.PIPE, text=True)
    try:
        assert "mail catcher on 127.0.0.1:" in proc.stdout.readline()
        AppriseChannel().send(f"mailto://127.0.0.1:{port}?from=a@example.com&to=b@example.com", "Hi", "there")
        await wait_until(lambda: list(tmp_path.glob("*.eml")), 5, "a mail file")
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
