"""Updates rejected by validators leave no trace; duplicates and out-of-order events are harmless."""

from __future__ import annotations

import pytest
from temporalio.client import WorkflowUpdateFailedError

from domain.events import (Acknowledge, AddComment, CustomerConfirm, EscalateUp, HandOver, Hold, RaisePriority,
                           Resolve, Resume)
from domain.issue import Priority
from domain.state import Status
from starter.client import ActionRejected, IssueConflict
from tests.conftest import make_issue
from tests.workflows.helpers import idle, kinds, settled, state_when


async def _history_length(ts, issue_id: str) -> int:
    return len((await ts.issues.handle(issue_id).fetch_history()).events)


@pytest.mark.parametrize("event, reason", [
    (Resume(actor="ann"), "not on hold"),
    (CustomerConfirm(actor="portal"), "cannot confirm"),
    (RaisePriority(actor="ann", priority=Priority.low), "not higher"),
    (HandOver(actor="ann", team="nobody"), "unknown team"),
    (HandOver(actor="ann", team="support"), "already with team"),
])
async def test_invalid_actions_are_rejected_and_write_nothing(dev, event, reason):
    """On the real (dev) server a rejected update is speculative: not one history event is written."""
    ts = dev
    issue = make_issue()
    await ts.issues.open(issue)
    await state_when(ts.issues, issue.id, settled)
    await idle(ts.issues.handle(issue.id))
    before = await ts.issues.state(issue.id)
    length = await _history_length(ts, issue.id)
    with pytest.raises(ActionRejected, match=reason):
        await ts.issues.act(issue.id, event)
    assert await ts.issues.state(issue.id) == before
    assert await _history_length(ts, issue.id) == length


async def test_actions_on_a_closed_issue_are_rejected(ts):
    issue = make_issue()
    await ts.issues.open(issue)
    await ts.issues.act(issue.id, Resolve(actor="ann"))
    await ts.issues.act(issue.id, CustomerConfirm(actor="portal"))
    await ts.issues.handle(issue.id).result()
    with pytest.raises(ActionRejected, match="closed"):
        await ts.issues.act(issue.id, Resolve(actor="ann"))


async def test_unknown_action_and_bad_payload_are_rejected(ts):
    issue = make_issue()
    await ts.issues.open(issue)
    handle = ts.issues.handle(issue.id)
    with pytest.raises(WorkflowUpdateFailedError) as err:
        await handle.execute_update("resolv", {"actor": "ann"})
    assert "unknown action 'resolv'" in str(err.value.cause)
    with pytest.raises(WorkflowUpdateFailedError) as err:
        await handle.execute_update("comment", {"actor": "ann", "text": ""})
    assert "invalid comment payload" in str(err.value.cause)
    assert kinds(await ts.issues.state(issue.id)).count("comment") == 0


async def test_the_same_event_twice_is_applied_once(ts):
    issue = make_issue()
    await ts.issues.open(issue)
    first = await ts.issues.act(issue.id, Acknowledge(actor="ann", event_id="ack-1"))
    again = await ts.issues.act(issue.id, Acknowledge(actor="ann", event_id="ack-1"))
    assert first.status is again.status is Status.acknowledged  # the re-delivery answers, changes nothing
    await ts.issues.signal(issue.id, AddComment(actor="ann", text="hi", event_id="c-1"))
    await ts.issues.signal(issue.id, AddComment(actor="ann", text="hi", event_id="c-1"))
    state = await ts.issues.act(issue.id, AddComment(actor="ann", text="last", event_id="c-2"))
    timeline = kinds(await ts.issues.state(issue.id))
    assert timeline.count("acknowledged") == 1 and timeline.count("comment") == 2
    assert state.status is Status.acknowledged


async def test_out_of_order_signals_are_recorded_not_applied(ts):
    issue = make_issue()
    await ts.issues.open(issue)
    await ts.issues.signal(issue.id, Resume(actor="ops"))  # before any hold
    await ts.issues.signal(issue.id, CustomerConfirm(actor="portal"))  # before resolution
    await ts.issues.signal(issue.id, Hold(actor="ann"))
    await ts.issues.signal(issue.id, Resume(actor="ann"))
    state = await state_when(ts.issues, issue.id, lambda s: "resumed" in kinds(s))
    rejected = [e.summary for e in state.timeline if e.kind == "rejected"]
    assert len(rejected) == 2 and "not on hold" in rejected[0] and "confirm" in rejected[1]
    assert state.status is Status.open and state.response.running_since is not None


async def test_escalate_at_the_top_is_rejected(ts):
    issue = make_issue()
    await ts.issues.open(issue)
    await ts.issues.act(issue.id, EscalateUp(actor="ann"))
    await ts.issues.act(issue.id, EscalateUp(actor="sam"))
    with pytest.raises(ActionRejected, match="top level"):
        await ts.issues.act(issue.id, EscalateUp(actor="boss"))


async def test_opening_twice_is_idempotent_and_a_different_body_conflicts(ts):
    issue = make_issue()
    assert (await ts.issues.open(issue)).created
    again = await ts.issues.open(issue)
    assert not again.created and again.workflow_id == issue.workflow_id
    with pytest.raises(IssueConflict):
        await ts.issues.open(issue.model_copy(update={"subject": "something else"}))
