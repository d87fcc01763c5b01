"""Worker subprocesses for benchmarks and drills: start, wait until ready, measure, kill -9, stop."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil

from config.settings import PROJECT_ROOT


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far."""
    times = psutil.Process(pid).cpu_times()
    return times.user + times.system


class ProcessGroup:
    """A child started in its own session (`proc`), so that signals reach it and everything it started."""

    proc: subprocess.Popen | None = None

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def kill(self) -> None:
        """kill -9 the whole process group, as a crash would."""
        self._signal(signal.SIGKILL)
        if self.proc is not None:
            self.proc.wait(timeout=30)

    def stop(self, timeout: float = 20.0) -> None:
        """Graceful stop (SIGTERM), kill -9 if it does not go in time."""
        if not self.alive():
            return
        self._signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()

    def _signal(self, sig: int) -> None:
        if self.alive():
            try:
                os.killpg(self.proc.pid, sig)
            except ProcessLookupError:
                pass


class ChildProcess(ProcessGroup):
    """A Python module run as a child in its own session, its output in a log file."""

    def __init__(self, args: list[str], log_path: Path, env: dict[str, str] | None = None,
                 ready_line: str | None = None) -> None:
        self.args = args
        self.log_path = log_path
        self.env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT), **(env or {})}
        self.ready_line = ready_line
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 60.0) -> ChildProcess:
        log = open(self.log_path, "ab")
        stdout = subprocess.PIPE if self.ready_line else log
        self.proc = subprocess.Popen([sys.executable, *self.args], stdout=stdout, stderr=log, env=self.env,
                                     cwd=PROJECT_ROOT, start_new_session=True)
        log.close()
        if self.ready_line:
            self._wait_for_line(self.ready_line, timeout)
        return self

    def _wait_for_line(self, line: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        assert self.proc is not None and self.proc.stdout is not None
        while time.monotonic() < deadline:
            readable, _, _ = select.select([self.proc.stdout], [], [], 0.2)
            if readable:
                got = self.proc.stdout.readline().decode().strip()
                if got == line:
                    return
                if not got and self.proc.poll() is not None:
                    break
            elif self.proc.poll() is not None:
                break
        self.kill()
        raise RuntimeError(f"{' '.join(self.args)} not ready in {timeout:.0f}s; see {self.log_path}")

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def rss_bytes(self) -> int:
        return psutil.Process(self.pid).memory_info().rss

    def cpu_seconds(self) -> float:
        return cpu_seconds(self.pid)

    def close(self) -> None:
        self.stop()
        if self.proc is not None and self.proc.stdout is not None:
            self.proc.stdout.close()
