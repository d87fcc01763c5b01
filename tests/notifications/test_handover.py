"""The handover summary, pure: what a new owner reads, built from the delivery and the time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from activities.contracts import Delivery
from domain import events as ev
from domain.commands import NotifyStaff
from domain.view import summarize
from notifications.handover import build_handover, duration
from notifications.render import staff_message
from rules.escalation import apply_event, open_issue
from tests.conftest import make_issue, short_policy

T0 = datetime(2026, 11, 20, 13, 0, tzinfo=UTC)


def test_overdue_deadlines_and_the_people_involved():
    state = open_issue(make_issue(), short_policy(), T0).state
    state = apply_event(state, ev.AddComment(actor="ben", text="Checking."), T0 + timedelta(minutes=3)).state
    decision = apply_event(state, ev.SlaWarning(actor="sla-clock", target="response"), T0 + timedelta(minutes=5))
    [notify] = [c for c in decision.commands if isinstance(c, NotifyStaff)]
    delivery = Delivery(command=notify, issue=state.issue, opened_at=T0, story=decision.state.timeline,
                        summary=summarize(decision.state))
    h = build_handover(delivery, T0 + timedelta(minutes=12), "ben", "http://ui/x")
    assert h.next_deadline == "2026-11-20 13:10 UTC (overdue by 2m)" and h.since_first_contact == "12m"
    assert h.involved == [("service", ["opened"]), ("ben", ["comment"])]  # the clock is not a person
    text = staff_message(h).body
    assert "owner: ben" in text and "first response due 2026-11-20 13:10 UTC (overdue by 2m)" in text


def test_a_delivery_from_before_summaries_still_reads_well():
    decision = open_issue(make_issue(), short_policy(), T0)
    [notify] = [c for c in decision.commands if isinstance(c, NotifyStaff)]
    delivery = Delivery(command=notify, issue=decision.state.issue, opened_at=T0)  # the old payload's fields
    text = staff_message(build_handover(delivery, T0 + timedelta(days=2, hours=3), None, "http://ui/x")).body
    assert "owner: not assigned" in text and "2d 3h ago" in text and "next deadline: none" in text
    assert "nobody yet" in text and "customer last told: nothing yet" in text


def test_durations_read_naturally():
    assert [duration(timedelta(seconds=s)) for s in (0, 59, 60, 3599, 3600, 7260, 86400 + 3600, -5)] == [
        "0s", "59s", "1m", "59m", "1h 00m", "2h 01m", "1d 1h", "0s"]
