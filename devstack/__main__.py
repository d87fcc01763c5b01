"""`make run`: start the dev server (file database under .data/), the worker and the API; Ctrl-C stops all."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from config.settings import PROJECT_ROOT, get_settings
from devstack.server import dev_server_args, temporal_cli
from notifications.roster_loader import RosterError, load_roster
from policy.loader import PolicyError, load_policy


def _wait_for_port(host: str, port: int, timeout: float, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{proc.args[0]} exited with code {proc.returncode}")
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"nothing listening on {host}:{port} after {timeout:.0f}s")


def _api_lines(settings, new_tokens: dict[str, str] | None) -> str:  # noqa: ANN001 - Settings
    """What `make run` says about the HTTP API; new development tokens are shown this once only."""
    lines = f"  HTTP API:     http://{settings.api_host}:{settings.api_port} (docs at /docs)\n"
    if new_tokens is None:
        return lines + (f"  API tokens:   hashed in {settings.token_path} (shown on first start only; delete the "
                        f"file for new ones, or `.venv/bin/python -m api.tokens add NAME ROLE`)\n")
    lines += f"  API tokens, shown once (only their hashes are kept, in {settings.token_path}):\n"
    return lines + "".join(f"    {name:12s} {token}\n" for name, token in new_tokens.items())


def _start_mail_catcher(settings, env: dict[str, str], procs: list[subprocess.Popen]) -> str:  # noqa: ANN001
    """Mail goes to a local SMTP catcher that writes every message to .data/mail/ (unless a relay is set)."""
    if settings.smtp_url is not None or not settings.send_notifications:
        return ""
    catcher = subprocess.Popen([sys.executable, "-m", "notifications.mail_catcher", "--host", settings.smtp_host,
                                "--port", str(settings.smtp_port), "--dir", str(settings.mail_dir)],
                               env=env, stdout=subprocess.DEVNULL, start_new_session=True)
    procs.append(catcher)
    _wait_for_port(settings.smtp_host, settings.smtp_port, 30, catcher)
    return f"  Demo mail:    every email lands in {settings.mail_dir} (SMTP catcher on {settings.smtp_host}:{settings.smtp_port})\n"


def main() -> int:
    settings = get_settings()
    try:
        policy = load_policy(settings.policy_path)
    except PolicyError as exc:
        print(f"cannot start: {exc}", file=sys.stderr)
        return 2
    try:
        load_roster(settings.roster_path)
    except RosterError as exc:
        print(f"cannot start: {exc}", file=sys.stderr)
        return 2
    data = settings.data_dir
    data.mkdir(parents=True, exist_ok=True)
    host, port = settings.temporal_address.rsplit(":", 1)
    ui_port = int(os.environ.get("ESCALATION_UI_PORT", int(port) + 1000))
    procs: list[subprocess.Popen] = []
    ui_url = f"http://{host}:{ui_port}"
    os.environ.setdefault("ESCALATION_UI_URL", ui_url)
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    try:
        server_log = open(data / "temporal-server.log", "ab")
        server = subprocess.Popen(
            [temporal_cli(), "server", "start-dev", "--ip", host, "--port", port, "--ui-port", str(ui_port),
             "--log-level", "warn", *dev_server_args(data / "temporal.db")],
            stdout=server_log, stderr=subprocess.STDOUT, start_new_session=True)
        procs.append(server)
        _wait_for_port(host, int(port), 60, server)
        mail_line = _start_mail_catcher(settings, env, procs)
        procs.append(subprocess.Popen([sys.executable, "-m", "workers.main"], env=env, start_new_session=True))
        api = PROJECT_ROOT / "api" / "__main__.py"
        api_lines = ""
        if api.exists():
            from api.tokens import ensure_dev_tokens

            new_tokens = ensure_dev_tokens(settings.token_path)
            procs.append(subprocess.Popen([sys.executable, "-m", "api"], env=env, start_new_session=True))
            api_lines = _api_lines(settings, new_tokens)
        print(f"\nEscalation engine running (policy {policy.version}).\n"
              f"  Temporal UI:  {ui_url}\n"
              f"  Temporal:     {settings.temporal_address} (namespace {settings.temporal_namespace})\n"
              f"  Outbox:       {settings.outbox_path}\n"
              f"{mail_line}"
              f"  Open a demo issue:  .venv/bin/python -m starter.cli open DEMO-1 --subject 'Printer on fire'\n"
              f"{api_lines}"
              f"Ctrl-C stops everything.\n", flush=True)
        signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
        while all(p.poll() is None for p in procs):
            time.sleep(0.5)
        print("a component exited; stopping", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        for proc in reversed(procs):
            if proc.poll() is None:
                proc.send_signal(signal.SIGINT)
        for proc in reversed(procs):
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()


if __name__ == "__main__":
    sys.exit(main())
