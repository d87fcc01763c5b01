"""IssueWorkflow on the time-skipping server: entry actions, breaches at every level, the top level."""

from __future__ import annotations

from datetime import timedelta

from domain.events import Acknowledge, EscalateUp, HandOver, RaisePriority
from domain.issue import Priority, Tier
from domain.state import Status
from tests.conftest import make_issue
from tests.workflows.helpers import kinds, settled, state_when

M = timedelta(minutes=1)


async def test_open_runs_entry_actions_and_tells_the_real_deadline(ts):
    issue = make_issue()
    result = await ts.issues.open(issue)
    assert result.created and result.workflow_id == f"issue-{issue.id}"
    state = await state_when(ts.issues, issue.id, settled)
    assert state.level.name == "l1" and state.assignee in {"ann", "ben"} and state.status is Status.open
    assert state.last_told.reply_by == state.opened_at + 10 * M  # the level's real response target
    mails = await _messages_when(ts, issue.id, 2)
    customer = next(m for m in mails if m["channel"] == "customer")
    # the Greek customer reads the level title ("a support agent") in Greek
    assert customer["recipient"] == "maria@example.com" and "ένας εκπρόσωπος εξυπηρέτησης" in customer["body"]
    staff = next(m for m in mails if m["channel"] == "staff")
    assert staff["recipient"] == "team:support" and issue.description in staff["body"]


async def test_response_breach_escalates_through_every_level_then_renotifies_at_the_top(ts, time_env):
    issue = make_issue()
    await ts.issues.open(issue)
    await time_env.sleep(10 * M + timedelta(seconds=1))
    state = await state_when(ts.issues, issue.id, lambda s: s.level.name == "l2" and settled(s))
    assert state.assignee == "sam" and state.escalation_count == 1 and state.ever_breached
    assert state.last_told.message == "escalated"
    await time_env.sleep(20 * M)
    state = await state_when(ts.issues, issue.id, lambda s: s.level.name == "l3" and settled(s))
    assert state.assignee is None  # management has no members: recorded, not lost
    await time_env.sleep(30 * M)  # top-level response breach: no higher level, so re-notify
    state = await state_when(ts.issues, issue.id, lambda s: "sla_breach" in kinds(s)[-3:])
    assert state.level.name == "l3" and state.renotify_due == state.timeline[-1].at + 15 * M
    await time_env.sleep(31 * M)
    state = await state_when(ts.issues, issue.id, lambda s: kinds(s).count("renotified") >= 2)
    assert state.status is Status.open  # still open, never silent


async def test_warning_then_resolution_breach_after_acknowledgement(ts, time_env):
    issue = make_issue()
    await ts.issues.open(issue)
    await ts.issues.act(issue.id, Acknowledge(actor="ann"))
    await time_env.sleep(31 * M)  # 50% of the 1h resolution target
    state = await state_when(ts.issues, issue.id, lambda s: "sla_warning" in kinds(s))
    assert state.resolution.warned and state.level.name == "l1"
    await time_env.sleep(30 * M)
    state = await state_when(ts.issues, issue.id, lambda s: s.level.name == "l2")
    assert "resolution SLA breached at l1" in state.timeline[-2].summary + state.timeline[-1].summary


async def test_escalate_up_and_hand_over_and_key_client_start(ts):
    issue = make_issue()
    await ts.issues.open(issue)
    summary = await ts.issues.act(issue.id, EscalateUp(actor="ann", reason="needs a specialist"))
    assert summary.level == "l2" and summary.team == "specialists" and summary.status is Status.open
    summary = await ts.issues.act(issue.id, HandOver(actor="sam", team="finance", reason="refund"))
    assert summary.level == "l2" and summary.team == "finance"
    state = await state_when(ts.issues, issue.id, settled)
    assert state.assignee == "fay" and "handed_over" in kinds(state)
    key = make_issue(tier=Tier.key)
    await ts.issues.open(key)
    assert (await ts.issues.summary(key.id)).level == "l2"


async def test_raised_priority_moves_the_deadline_earlier(ts, time_env):
    issue = make_issue()
    await ts.issues.open(issue)
    await time_env.sleep(6 * M)  # 6 of 10 minutes used; urgent allows 5
    summary = await ts.issues.act(issue.id, RaisePriority(actor="ann", priority=Priority.urgent))
    state = await state_when(ts.issues, issue.id, lambda s: s.level.name == "l2")
    assert state.priority is Priority.urgent and summary.priority is Priority.urgent
    assert "response SLA breached at l1" in " ".join(e.summary for e in state.timeline)


async def _messages_when(ts, issue_id: str, count: int) -> list[dict]:
    import asyncio

    for _ in range(300):
        rows = ts.outbox.messages(issue_id)
        if len(rows) >= count:
            return rows
        await asyncio.sleep(0.05)
    raise AssertionError(f"only {len(ts.outbox.messages(issue_id))} messages")
