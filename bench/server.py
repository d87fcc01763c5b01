"""A `temporal server start-dev` subprocess on a file database, for benchmarks and failure drills.

Unlike the test fixture it can be killed and started again on the same database file and port, and it
takes extra dynamic config (see docs/benchmarks.md for the values the benchmarks use).
"""

from __future__ import annotations

import json
import socket
import subprocess
import time
from pathlib import Path

from bench.procs import ProcessGroup
from devstack.server import dev_server_args, find_binary

#: Dynamic config the benchmarks run with (tuned; see docs/benchmarks.md). Values are JSON.
BENCH_DYNAMIC_CONFIG: dict[str, object] = {}


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_version() -> str:
    """`temporal --version`, e.g. 'temporal version 1.9.1 (Server 1.32.0, UI 2.54.1)'."""
    out = subprocess.run([find_binary("temporal"), "--version"], capture_output=True, text=True, timeout=30)
    return out.stdout.strip()


class DevServer(ProcessGroup):
    """One dev server process on loopback; `start()` again after `kill()`/`stop()` reuses the db and port."""

    def __init__(self, workdir: Path, dynamic_config: dict[str, object] | None = None,
                 port: int | None = None) -> None:
        self.workdir = workdir
        workdir.mkdir(parents=True, exist_ok=True)
        self.db = workdir / "temporal.db"
        self.log_path = workdir / "temporal-server.log"
        self.port = port or free_port()
        self.dynamic_config = dict(dynamic_config or {})
        self.proc: subprocess.Popen | None = None

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def command(self) -> list[str]:
        args = [find_binary("temporal"), "server", "start-dev", "--ip", "127.0.0.1", "--port", str(self.port),
                "--headless", "--log-level", "warn", *dev_server_args(self.db)]
        for key, value in self.dynamic_config.items():
            args += ["--dynamic-config-value", f"{key}={json.dumps(value)}"]
        return args

    def start(self, timeout: float = 60.0) -> DevServer:
        if self.proc is not None and self.proc.poll() is None:
            raise RuntimeError("dev server already running")
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(self.command(), stdout=log, stderr=subprocess.STDOUT,
                                         start_new_session=True)
        self._wait_ready(timeout)
        return self

    def _wait_ready(self, timeout: float) -> None:
        """The frontend port accepts connections (the dev server opens it once the namespace exists)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"dev server exited with {self.proc.returncode}; see {self.log_path}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"dev server not listening on {self.address} after {timeout:.0f}s")

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc else None

    def __enter__(self) -> DevServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def add_server_args(parser) -> None:  # noqa: ANN001 - argparse.ArgumentParser
    parser.add_argument("--dynamic-config", action="append", default=[], metavar="KEY=JSON",
                        help="dev-server dynamic config on top of the benchmark's own (repeatable)")


def dynamic_config_from(args) -> dict[str, object]:  # noqa: ANN001 - argparse.Namespace
    """BENCH_DYNAMIC_CONFIG with `--dynamic-config KEY=JSON` values on top."""
    config = dict(BENCH_DYNAMIC_CONFIG)
    for item in args.dynamic_config:
        key, _, value = item.partition("=")
        config[key] = json.loads(value)
    return config
