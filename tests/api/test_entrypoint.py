"""`python -m api` serves on the settings' host and port, stops cleanly on SIGINT, refuses to start without tokens."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time

import httpx

from config.settings import PROJECT_ROOT


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _env(**values: str) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(PROJECT_ROOT), **{f"ESCALATION_{k.upper()}": v for k, v in values.items()}}


def test_python_m_api_serves_on_the_configured_port_and_stops_on_sigint(tokens):
    port = _free_port()
    env = _env(api_host="127.0.0.1", api_port=str(port), token_file=str(tokens.path),
               temporal_address=f"127.0.0.1:{_free_port()}")
    proc = subprocess.Popen([sys.executable, "-m", "api"], env=env, cwd=PROJECT_ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while True:  # another process: polling is the only way to know it listens
            assert proc.poll() is None, proc.stdout.read().decode()
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "the API did not start in 30 s"
                time.sleep(0.1)
        assert health.json() == {"status": "ok"}
        answer = httpx.get(f"http://127.0.0.1:{port}/issues", headers=tokens.header("agent"), timeout=5)
        assert answer.status_code == 503 and answer.json()["error"] == "temporal_unavailable"
    finally:
        proc.send_signal(signal.SIGINT)
        output = proc.communicate(timeout=15)[0].decode()
    assert proc.returncode == 0, output
    assert tokens.by_role["agent"] not in output
    assert '"event": "request"' in output and '"status": 503' in output  # JSON request log (not a terminal)


def test_without_a_token_file_the_api_exits_with_a_clear_message(tmp_path, monkeypatch, capsys):
    from api.__main__ import main
    from config.settings import get_settings

    missing = tmp_path / "no-tokens.yaml"
    monkeypatch.setenv("ESCALATION_TOKEN_FILE", str(missing))
    get_settings.cache_clear()
    try:
        assert main() == 2
    finally:
        get_settings.cache_clear()
    assert f"cannot start the API: {missing}: no token file" in capsys.readouterr().err


def test_defaults_serve_on_loopback_8000_with_tokens_under_the_data_dir(tmp_path):
    from config.settings import Settings

    settings = Settings(data_dir=tmp_path)
    assert (settings.api_host, settings.api_port) == ("127.0.0.1", 8000)
    assert settings.token_path == tmp_path / "tokens.yaml"


def test_make_run_prints_new_dev_tokens_once_then_only_where_they_are(tmp_path):
    from api.tokens import ensure_dev_tokens, load_tokens
    from config.settings import Settings
    from devstack.__main__ import _api_lines

    settings = Settings(data_dir=tmp_path, api_port=8123)
    first = _api_lines(settings, ensure_dev_tokens(settings.token_path))
    store = load_tokens(settings.token_path)
    printed = re.findall(r"^    (dev-\w+) +(esc_\S+)$", first, re.MULTILINE)
    assert {name: store.identify(token).role.value for name, token in printed} == {
        "dev-service": "service", "dev-agent": "agent", "dev-ops": "ops"}
    assert "http://127.0.0.1:8123" in first
    again = _api_lines(settings, ensure_dev_tokens(settings.token_path))
    assert "esc_" not in again and str(settings.token_path) in again
