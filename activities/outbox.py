"""A local outbox (SQLite under .data/): every message lands once per idempotency key, readable by people."""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, datetime
from pathlib import Path

_SCHEMA = """
CREATE TABLE IF NOT EXISTS messages (
    idempotency_key TEXT PRIMARY KEY,
    issue_id TEXT NOT NULL,
    channel TEXT NOT NULL,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS assignments (
    idempotency_key TEXT PRIMARY KEY,
    team TEXT NOT NULL,
    assignee TEXT
);
CREATE TABLE IF NOT EXISTS round_robin (team TEXT PRIMARY KEY, next_index INTEGER NOT NULL);
"""


class Outbox:
    """Thread-safe; one connection per thread, WAL so readers never block the worker."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        with self._connect() as db:
            db.executescript(_SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            self._local.db = db
        return db

    def deliver(self, key: str, issue_id: str, channel: str, recipient: str, subject: str, body: str) -> bool:
        """Store a message unless one with this key is already there. True if it is new."""
        cur = self._connect().execute(
            "INSERT OR IGNORE INTO messages VALUES (?, ?, ?, ?, ?, ?, ?)",
            (key, issue_id, channel, recipient, subject, body, datetime.now(UTC).isoformat()),
        )
        return cur.rowcount == 1

    def assign_round_robin(self, key: str, team: str, members: list[str]) -> str | None:
        """The next member of `team`, the same answer for the same key however often it is asked."""
        db = self._connect()
        db.execute("BEGIN IMMEDIATE")
        try:
            row = db.execute("SELECT assignee FROM assignments WHERE idempotency_key = ?", (key,)).fetchone()
            if row is not None:
                db.execute("COMMIT")
                return row[0]
            assignee = None
            if members:
                found = db.execute("SELECT next_index FROM round_robin WHERE team = ?", (team,)).fetchone()
                index = (found[0] if found else 0) % len(members)
                assignee = members[index]
                db.execute("INSERT OR REPLACE INTO round_robin VALUES (?, ?)", (team, index + 1))
            db.execute("INSERT INTO assignments VALUES (?, ?, ?)", (key, team, assignee))
            db.execute("COMMIT")
            return assignee
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def messages(self, issue_id: str | None = None) -> list[dict[str, str]]:
        db = self._connect()
        db.row_factory = sqlite3.Row
        query = "SELECT * FROM messages" + (" WHERE issue_id = ?" if issue_id else "") + " ORDER BY created_at, rowid"
        rows = db.execute(query, (issue_id,) if issue_id else ()).fetchall()
        db.row_factory = None
        return [dict(row) for row in rows]
