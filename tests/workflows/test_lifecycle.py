"""Hold/resume arithmetic, waiting for the customer, and the end of life: confirm, object, window."""

from __future__ import annotations

from datetime import timedelta

from domain.events import (Acknowledge, CustomerConfirm, CustomerReply, CustomerUnhappy, Hold, Resolve, Resume)
from domain.state import Status
from starter.client import IssueClient
from tests.conftest import make_issue
from tests.workflows.helpers import kinds, state_when

M = timedelta(minutes=1)


async def test_hold_pauses_the_clock_and_resume_restores_what_was_left(ts, time_env):
    issue = make_issue()
    await ts.issues.open(issue)
    await time_env.sleep(4 * M)
    held = await ts.issues.act(issue.id, Hold(actor="ann", reason="waiting for the courier"))
    assert held.paused and held.next_deadline is None
    await time_env.sleep(3 * 60 * M)  # hours on hold: no breach
    state = await ts.issues.state(issue.id)
    assert state.level.name == "l1" and state.response.consumed >= 4 * M
    resumed = await ts.issues.act(issue.id, Resume(actor="ann"))
    left = resumed.response_due - state.timeline[-1].at
    assert resumed.status is Status.open and not resumed.paused
    resume_at = (await ts.issues.state(issue.id)).timeline[-1].at
    assert resumed.response_due == resume_at + (10 * M - state.response.consumed) and left > 5 * M
    await time_env.sleep(10 * M - state.response.consumed + timedelta(seconds=2))
    await state_when(ts.issues, issue.id, lambda s: s.level.name == "l2")


async def test_waiting_for_customer_resumes_when_the_customer_replies(ts, time_env):
    issue = make_issue()
    await ts.issues.open(issue)
    await ts.issues.act(issue.id, Acknowledge(actor="ann"))
    await ts.issues.act(issue.id, Hold(actor="ann", waiting_for_customer=True))
    summary = await ts.issues.act(issue.id, CustomerReply(actor="portal", text="here is the log"))
    assert summary.status is Status.acknowledged and not summary.paused
    state = await ts.issues.state(issue.id)
    assert kinds(state)[-2:] == ["customer_reply", "resumed"]


async def test_resolve_then_confirm_closes_and_the_workflow_completes(ts):
    issue = make_issue()
    await ts.issues.open(issue)
    resolved = await ts.issues.act(issue.id, Resolve(actor="ann", note="replaced the router"))
    assert resolved.status is Status.resolved and resolved.confirm_due is not None
    closed = await ts.issues.act(issue.id, CustomerConfirm(actor="portal"))
    assert closed.status is Status.closed
    final = await ts.issues.handle(issue.id).result()
    assert final["status"] == "closed"


async def test_confirm_window_elapses_and_closes(ts, time_env):
    # A short window: skipping a whole day would fire every other open test issue's re-notifications too.
    policy = ts.issues.policy.model_copy(update={"version": "test-1-short-window", "confirm_window": timedelta(hours=2)})
    issues = IssueClient(ts.client, policy, ts.issues.task_queue, ts.issues.options)
    issue = make_issue()
    await issues.open(issue)
    resolved = await issues.act(issue.id, Resolve(actor="ann"))
    await time_env.sleep(timedelta(hours=1, minutes=59))
    assert (await issues.state(issue.id)).status is Status.resolved  # not a moment early
    await time_env.sleep(timedelta(minutes=1, seconds=5))
    state = await state_when(issues, issue.id, lambda s: s.status is Status.closed)
    assert state.timeline[-1].at >= resolved.confirm_due
    assert "neither confirmed nor objected" in state.timeline[-1].summary
    assert state.last_told.message == "closed"


async def test_objection_reopens_and_escalates(ts):
    issue = make_issue()
    await ts.issues.open(issue)
    await ts.issues.act(issue.id, Resolve(actor="ann"))
    summary = await ts.issues.act(issue.id, CustomerUnhappy(actor="portal", reason="still reboots"))
    assert summary.status is Status.open and summary.level == "l2" and summary.confirm_due is None
    assert summary.last_told.message == "escalated"


async def test_customer_reply_after_resolution_reopens_at_the_same_level(ts):
    issue = make_issue()
    await ts.issues.open(issue)
    await ts.issues.act(issue.id, Resolve(actor="ann"))
    summary = await ts.issues.act(issue.id, CustomerReply(actor="portal", text="it happened again"))
    assert summary.status is Status.open and summary.level == "l1" and summary.last_told.message == "reopened"
