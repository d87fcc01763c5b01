"""When did each activity start? A worker interceptor writes it to SQLite; the benchmark reads it back.

The interceptor sees every activity the worker runs (the real delivery activities and the bare one),
so nothing in the product is wrapped or changed for the benchmark. Writes go through a queue to a
writer thread, never blocking the worker's event loop.
"""

from __future__ import annotations

import queue
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from temporalio import activity
from temporalio.worker import ActivityInboundInterceptor, ExecuteActivityInput, Interceptor

_SCHEMA = """
CREATE TABLE IF NOT EXISTS starts (
    workflow_id TEXT NOT NULL,
    activity TEXT NOT NULL,
    attempt INTEGER NOT NULL,
    scheduled REAL NOT NULL,   -- epoch seconds, server clock
    started REAL NOT NULL,     -- epoch seconds, server clock (this attempt)
    reference TEXT,            -- bare: the timer's deadline; issue: when the issue opened (ISO 8601)
    level TEXT,                -- issue: the level the command belongs to
    key TEXT                   -- issue: the command's idempotency key
);
"""


@dataclass(frozen=True)
class Start:
    workflow_id: str
    activity: str
    attempt: int
    scheduled: float
    started: float
    reference: str | None
    level: str | None
    key: str | None


class StartLog:
    """Append-only log of activity starts in a SQLite file, shared between processes."""

    def __init__(self, path: Path) -> None:
        self.path = path
        with sqlite3.connect(path) as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(_SCHEMA)
        self._queue: queue.SimpleQueue[Start | None] = queue.SimpleQueue()
        self._writer: threading.Thread | None = None

    def record(self, start: Start) -> None:
        if self._writer is None:
            self._writer = threading.Thread(target=self._write_loop, name="start-log", daemon=True)
            self._writer.start()
        self._queue.put(start)

    def _write_loop(self) -> None:
        db = sqlite3.connect(self.path, isolation_level=None)
        db.execute("PRAGMA synchronous=NORMAL")
        while True:
            batch = [self._queue.get()]
            while True:
                try:
                    batch.append(self._queue.get(timeout=0.05))
                except queue.Empty:
                    break
            rows = [tuple(s.__dict__.values()) for s in batch if s is not None]
            if rows:
                db.executemany("INSERT INTO starts VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
            if None in batch:
                db.close()
                return

    def close(self) -> None:
        if self._writer is not None:
            self._queue.put(None)
            self._writer.join(timeout=10)
            self._writer = None

    def read(self) -> list[Start]:
        with sqlite3.connect(self.path) as db:
            return [Start(*row) for row in db.execute("SELECT * FROM starts")]


def _describe(arg: Any) -> tuple[str | None, str | None, str | None]:
    """(reference, level, key) from an activity's first argument: a Delivery, or the bare deadline."""
    if isinstance(arg, str):
        return arg, None, None
    command = getattr(arg, "command", None)
    opened_at = getattr(arg, "opened_at", None)
    return (opened_at.isoformat() if opened_at else None, getattr(command, "level", None),
            getattr(command, "idempotency_key", None))


class _RecordStart(ActivityInboundInterceptor):
    def __init__(self, nxt: ActivityInboundInterceptor, log: StartLog) -> None:
        super().__init__(nxt)
        self._log = log

    async def execute_activity(self, input: ExecuteActivityInput) -> Any:
        info = activity.info()
        reference, level, key = _describe(input.args[0] if input.args else None)
        self._log.record(Start(info.workflow_id or "", info.activity_type, info.attempt,
                               info.current_attempt_scheduled_time.timestamp(), info.started_time.timestamp(),
                               reference, level, key))
        return await super().execute_activity(input)


class RecordActivityStarts(Interceptor):
    """Worker interceptor: every activity start goes to `log`."""

    def __init__(self, log: StartLog) -> None:
        self._log = log

    def intercept_activity(self, next: ActivityInboundInterceptor) -> ActivityInboundInterceptor:  # noqa: A002
        return _RecordStart(next, self._log)
