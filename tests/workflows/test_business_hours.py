"""The issue workflow counts SLA time by the level's business-hours calendar (time-skipping server)."""

from __future__ import annotations

from datetime import timedelta

from domain.events import Acknowledge, Hold, Resume
from policy.loader import parse_policy
from rules.calendar import calendar_of
from starter.client import IssueClient
from tests.conftest import make_issue, short_policy
from tests.workflows.helpers import kinds, settled, state_when

S, M = timedelta(seconds=1), timedelta(minutes=1)
#: Open the first 20 minutes of every hour: any 30 minutes of SLA need two stretches, so never 30 real minutes.
TWENTY_PAST = {"mon-sun": [f"{h:02d}:00-{h:02d}:20" for h in range(24)]}


def hourly_policy():
    raw = short_policy().model_dump(mode="json")
    raw["version"] = "test-hours"
    raw["calendars"] = {"first-20": {"timezone": "Europe/Zagreb", "hours": TWENTY_PAST}}
    raw["routes"][0]["levels"][0]["calendar"] = "first-20"
    raw["routes"][0]["levels"][0]["targets"] = {"response": "30m", "resolution": "2h"}
    return parse_policy(raw)


async def test_deadlines_are_in_business_time_and_the_breach_comes_exactly_then(ts, time_env) -> None:
    issues = IssueClient(ts.client, hourly_policy(), ts.issues.task_queue, ts.issues.options)
    issue = make_issue()
    await issues.open(issue)
    state = await state_when(issues, issue.id, settled)
    due = calendar_of(state).add(state.opened_at, 30 * M)
    assert due > state.opened_at + 40 * M  # two 20-minute stretches at least, a 40-minute gap between
    summary = await issues.summary(issue.id)
    assert summary.response_due == due and state.last_told.reply_by == due
    await time_env.sleep(due - state.opened_at - S)
    assert (await issues.summary(issue.id)).level == "l1"
    await time_env.sleep(2 * S)
    state = await state_when(issues, issue.id, lambda s: s.level.name == "l2")
    breach = next(e for e in state.timeline if e.kind == "sla_breach")
    assert due <= breach.at < due + S and breach.summary == "response SLA breached at l1"
    # l2 has no calendar of its own: 24x7, 20 minutes from the escalation
    escalated = next(e for e in state.timeline if e.kind == "escalated")
    assert (await issues.summary(issue.id)).response_due == escalated.at + 20 * M


async def test_hold_and_resume_keep_business_time(ts, time_env) -> None:
    issues = IssueClient(ts.client, hourly_policy(), ts.issues.task_queue, ts.issues.options)
    issue = make_issue()
    await issues.open(issue)
    await issues.act(issue.id, Acknowledge(actor="ann"))
    held = await issues.act(issue.id, Hold(actor="ann", reason="waiting for the vendor"))
    assert held.paused and held.resolution_due is None
    state = await issues.state(issue.id)
    used = state.resolution.consumed
    await time_env.sleep(timedelta(hours=5))
    resumed_summary = await issues.act(issue.id, Resume(actor="ann"))
    state = await issues.state(issue.id)
    assert state.resolution.consumed == used  # five hours on hold cost nothing
    assert resumed_summary.resolution_due == calendar_of(state).add(state.resolution.running_since, 2 * 60 * M - used)
    assert "sla_breach" not in kinds(state)
