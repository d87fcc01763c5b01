"""Long-lived issues continue as new with their whole state, and their clocks keep their deadlines."""

from __future__ import annotations

from datetime import timedelta

from domain.events import AddComment
from starter.client import IssueClient
from tests.conftest import make_issue
from tests.workflows.helpers import kinds, state_when
from workflows.issue_workflow import WorkflowOptions


async def test_continue_as_new_keeps_state_and_deadlines(ts, time_env):
    issues = IssueClient(ts.client, ts.issues.policy, ts.issues.task_queue,
                         WorkflowOptions(upsert_search_attributes=False, continue_as_new_after_events=40))
    issue = make_issue()
    await issues.open(issue)
    handle = issues.handle(issue.id)
    first_run = (await handle.describe()).run_id
    before = await issues.summary(issue.id)
    for n in range(20):
        await issues.act(issue.id, AddComment(actor="ann", text=f"note {n}", event_id=f"n-{n}"))
    state = await state_when(issues, issue.id, lambda s: kinds(s).count("comment") == 20)
    description = await handle.describe()
    assert description.run_id != first_run  # at least one continue-as-new happened
    assert [e.summary for e in state.timeline if e.kind == "comment"] == [f"note {n}" for n in range(20)]
    after = await issues.summary(issue.id)
    assert after.response_due == before.response_due and after.level == before.level
    # a re-delivered event from before the continue-as-new is still recognised
    await issues.act(issue.id, AddComment(actor="ann", text="note 0", event_id="n-0"))
    assert kinds(await issues.state(issue.id)).count("comment") == 20
    await time_env.sleep(timedelta(minutes=10, seconds=1))
    state = await state_when(issues, issue.id, lambda s: s.level.name == "l2")
    breach = next(e for e in state.timeline if e.kind == "sla_breach")
    assert breach.at >= before.response_due
    assert len((await handle.fetch_history()).events) < 60
