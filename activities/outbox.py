"""The outbox (SQLite under .data/): the record of every delivery and the store that makes it happen once.

One row per message and recipient address, keyed by the command's idempotency key plus the recipient.
A row is `pending` while an attempt holds it, `sent` once the channel accepted it, `failed` when the
address is bad for good, `recorded` when there was no channel to send it through (kept for people to
read). `claim` -> send -> `mark_sent`: a crash between the channel accepting a message and `mark_sent`
committing is the only way a message can go out twice (see activities/dispatch.py).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Literal, Protocol

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
CREATE INDEX IF NOT EXISTS messages_by_issue ON messages (issue_id);
"""
#: Columns added after the first version; added in place to an older outbox file.
_ADDED_COLUMNS = {
    "status": "TEXT NOT NULL DEFAULT 'recorded'",
    "service": "TEXT NOT NULL DEFAULT ''",
    "address": "TEXT NOT NULL DEFAULT ''",
    "attempts": "INTEGER NOT NULL DEFAULT 0",
    "error": "TEXT NOT NULL DEFAULT ''",
    "claimed_at": "TEXT",
    "sent_at": "TEXT",
}

Outcome = Literal["send", "done", "failed", "busy"]


@dataclass(frozen=True)
class Claim:
    """What an attempt should do with a row: send it, or nothing because it is done, failed or busy."""

    outcome: Outcome
    error: str = ""


@dataclass(frozen=True)
class Envelope:
    """One message to one recipient address."""

    key: str
    issue_id: str
    channel: str  # "staff" or "customer"
    recipient: str  # who: the customer's contact, "team:<name>" or "person:<name>"
    subject: str
    body: str
    service: str = ""  # apprise's service name ("E-Mail", "JSON", "Slack"); "" if there is no channel
    address: str = ""  # the apprise URL with its secrets masked


class OwnerChoice(Protocol):
    assignee: str | None
    next_index: int | None


class Outbox:
    """Thread-safe; one connection per thread, WAL so readers never block the worker."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        db = self._connect()
        db.executescript(_SCHEMA)
        present = {row[1] for row in db.execute("PRAGMA table_info(messages)")}
        for column, definition in _ADDED_COLUMNS.items():
            if column not in present:
                db.execute(f"ALTER TABLE messages ADD COLUMN {column} {definition}")

    def _connect(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")  # with WAL: a commit survives a process crash
            self._local.db = db
        return db

    # --- deliveries ---------------------------------------------------------------------------
    def claim(self, envelope: Envelope, now: datetime, lease: timedelta) -> Claim:
        """Take the row for one attempt. `busy` while another attempt's claim is younger than `lease`."""
        db = self._connect()
        db.execute("BEGIN IMMEDIATE")
        try:
            row = db.execute("SELECT status, claimed_at, error FROM messages WHERE idempotency_key = ?",
                             (envelope.key,)).fetchone()
            if row is None:
                e = envelope
                db.execute("INSERT INTO messages (idempotency_key, issue_id, channel, recipient, subject, body, "
                           "created_at, status, service, address, attempts, claimed_at) "
                           "VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, 1, ?)",
                           (e.key, e.issue_id, e.channel, e.recipient, e.subject, e.body, _iso(now), e.service,
                            e.address, _iso(now)))
                claim = Claim("send")
            else:
                status, claimed_at, error = row
                if status in ("sent", "recorded"):
                    claim = Claim("done")
                elif status == "failed":
                    claim = Claim("failed", error)
                elif claimed_at is not None and datetime.fromisoformat(claimed_at) + lease > now:
                    claim = Claim("busy", "another attempt is still sending this message")
                else:
                    db.execute("UPDATE messages SET attempts = attempts + 1, claimed_at = ? "
                               "WHERE idempotency_key = ?", (_iso(now), envelope.key))
                    claim = Claim("send")
            db.execute("COMMIT")
            return claim
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def mark_sent(self, key: str, now: datetime) -> None:
        self._set(key, "sent", "", now)

    def mark_recorded(self, key: str, note: str = "") -> None:
        self._set(key, "recorded", note, None)

    def mark_failed(self, key: str, error: str) -> None:
        self._set(key, "failed", error, None)

    def release(self, key: str, error: str) -> None:
        """A temporary failure: keep the row pending, free for the next attempt at once."""
        self._connect().execute("UPDATE messages SET claimed_at = NULL, error = ? WHERE idempotency_key = ?",
                                (error, key))

    def _set(self, key: str, status: str, error: str, sent_at: datetime | None) -> None:
        self._connect().execute(
            "UPDATE messages SET status = ?, error = ?, claimed_at = NULL, sent_at = ? WHERE idempotency_key = ?",
            (status, error, _iso(sent_at) if sent_at else None, key))

    def deliver(self, key: str, issue_id: str, channel: str, recipient: str, subject: str, body: str) -> bool:
        """Record a message that has no channel to go through, unless the key is there. True if new."""
        cur = self._connect().execute(
            "INSERT OR IGNORE INTO messages (idempotency_key, issue_id, channel, recipient, subject, body, "
            "created_at, status) VALUES (?, ?, ?, ?, ?, ?, ?, 'recorded')",
            (key, issue_id, channel, recipient, subject, body, _iso(datetime.now(UTC))),
        )
        return cur.rowcount == 1

    # --- assignments --------------------------------------------------------------------------
    def assign_once(self, key: str, team: str, choose: Callable[[int], OwnerChoice]) -> str | None:
        """The owner for this key: chosen once (with the team's rotation position), then always the same."""
        db = self._connect()
        db.execute("BEGIN IMMEDIATE")
        try:
            row = db.execute("SELECT assignee FROM assignments WHERE idempotency_key = ?", (key,)).fetchone()
            if row is not None:
                db.execute("COMMIT")
                return row[0]
            found = db.execute("SELECT next_index FROM round_robin WHERE team = ?", (team,)).fetchone()
            choice = choose(found[0] if found else 0)
            if choice.next_index is not None:
                db.execute("INSERT OR REPLACE INTO round_robin VALUES (?, ?)", (team, choice.next_index))
            db.execute("INSERT INTO assignments VALUES (?, ?, ?)", (key, team, choice.assignee))
            db.execute("COMMIT")
            return choice.assignee
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def assign_round_robin(self, key: str, team: str, members: list[str]) -> str | None:
        """The next member of `team`, the same answer for the same key however often it is asked."""
        def choose(index: int) -> _Plain:
            if not members:
                return _Plain(None, None)
            index %= len(members)
            return _Plain(members[index], index + 1)
        return self.assign_once(key, team, choose)

    # --- reading ------------------------------------------------------------------------------
    def messages(self, issue_id: str | None = None) -> list[dict[str, str]]:
        db = self._connect()
        db.row_factory = sqlite3.Row
        query = "SELECT * FROM messages" + (" WHERE issue_id = ?" if issue_id else "") + " ORDER BY created_at, rowid"
        rows = db.execute(query, (issue_id,) if issue_id else ()).fetchall()
        db.row_factory = None
        return [dict(row) for row in rows]


@dataclass(frozen=True)
class _Plain:
    assignee: str | None
    next_index: int | None


def _iso(when: datetime) -> str:
    return when.astimezone(UTC).isoformat()
