"""The outbox as the store that makes a delivery happen once: claims, leases, outcomes, assignments."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from activities.outbox import Envelope, Outbox

T0 = datetime(2026, 11, 20, 13, 0, tzinfo=UTC)
LEASE = timedelta(seconds=30)


def envelope(key: str = "T-1/2/inform_customer>customer>abc") -> Envelope:
    return Envelope(key=key, issue_id="T-1", channel="customer", recipient="maria@example.com", subject="s",
                    body="b", service="E-Mail", address="mailto://relay/...")


def test_a_row_is_sent_once_then_always_done(outbox):
    assert outbox.claim(envelope(), T0, LEASE).outcome == "send"
    outbox.mark_sent(envelope().key, T0)
    assert outbox.claim(envelope(), T0 + timedelta(hours=1), LEASE).outcome == "done"
    [row] = outbox.messages("T-1")
    assert (row["status"], row["attempts"], row["service"]) == ("sent", 1, "E-Mail") and row["sent_at"]


def test_a_live_claim_holds_off_a_parallel_attempt_until_its_lease_runs_out(outbox):
    assert outbox.claim(envelope(), T0, LEASE).outcome == "send"
    busy = outbox.claim(envelope(), T0 + timedelta(seconds=29), LEASE)
    assert busy.outcome == "busy" and "still sending" in busy.error
    assert outbox.claim(envelope(), T0 + timedelta(seconds=31), LEASE).outcome == "send"  # the holder died
    assert outbox.messages("T-1")[0]["attempts"] == 2


def test_a_released_row_is_free_at_once_and_keeps_the_error(outbox):
    outbox.claim(envelope(), T0, LEASE)
    outbox.release(envelope().key, "E-Mail: could not connect")
    assert outbox.messages("T-1")[0]["error"] == "E-Mail: could not connect"
    assert outbox.claim(envelope(), T0 + timedelta(seconds=1), LEASE).outcome == "send"


def test_a_failed_row_stays_failed_with_its_reason(outbox):
    outbox.claim(envelope(), T0, LEASE)
    outbox.mark_failed(envelope().key, "E-Mail: refused (SMTP 550)")
    claim = outbox.claim(envelope(), T0 + timedelta(days=1), LEASE)
    assert (claim.outcome, claim.error) == ("failed", "E-Mail: refused (SMTP 550)")


def test_claims_survive_a_new_outbox_on_the_same_file(tmp_path):
    Outbox(tmp_path / "o.sqlite3").claim(envelope(), T0, LEASE)
    Outbox(tmp_path / "o.sqlite3").mark_sent(envelope().key, T0)
    assert Outbox(tmp_path / "o.sqlite3").claim(envelope(), T0, LEASE).outcome == "done"


def test_an_outbox_file_of_the_first_version_is_upgraded_in_place(tmp_path):
    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE messages (idempotency_key TEXT PRIMARY KEY, issue_id TEXT NOT NULL, channel TEXT "
                   "NOT NULL, recipient TEXT NOT NULL, subject TEXT NOT NULL, body TEXT NOT NULL, created_at TEXT NOT NULL)")
        db.execute("INSERT INTO messages VALUES ('old>customer', 'T-0', 'customer', 'x@example.com', 's', 'b', 'then')")
    outbox = Outbox(path)
    [row] = outbox.messages("T-0")
    assert row["status"] == "recorded" and row["attempts"] == 0  # what the old version stored stays readable
    assert outbox.claim(envelope("old>customer"), T0, LEASE).outcome == "done"  # and is never sent again


@dataclass
class Pick:
    assignee: str | None
    next_index: int | None


def test_an_assignment_is_chosen_once_per_key_and_moves_the_rotation(outbox):
    asked = []

    def choose(rotation: int) -> Pick:
        asked.append(rotation)
        return Pick(["ann", "ben", "cat"][rotation % 3], rotation + 1)

    assert outbox.assign_once("T-1/1/assign", "support", choose) == "ann"
    assert outbox.assign_once("T-1/1/assign", "support", choose) == "ann"  # asked again: same answer
    assert outbox.assign_once("T-2/1/assign", "support", choose) == "ben"
    assert outbox.assign_once("T-3/1/assign", "support", lambda r: Pick("oli", None)) == "oli"  # on call
    assert outbox.assign_once("T-4/1/assign", "support", choose) == "cat"  # the rotation did not move for oli
    assert asked == [0, 1, 2]


def test_plain_round_robin_still_works(outbox):
    assert [outbox.assign_round_robin(f"k{i}", "t", ["a", "b"]) for i in range(3)] == ["a", "b", "a"]
    assert outbox.assign_round_robin("k0", "t", ["a", "b"]) == "a"
    assert outbox.assign_round_robin("k9", "empty", []) is None
