"""Major incidents on the time-skipping server: declared, broadcast to all staff and PR, issues linked, ended."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta

from temporalio.client import WorkflowExecutionStatus, WorkflowHandle
from temporalio.service import RPCError

from domain.issue import Category
from policy.loader import parse_policy
from rules.incidents import IncidentState, IncidentWatch, watch_workflow_id
from starter.client import IssueClient
from tests.conftest import make_issue, short_policy
from tests.workflows.helpers import state_when
from workflows.major_incident import RESOLVE_SIGNAL, MajorIncidentWorkflow, ResolveIncident

ALL_TEAMS = {"team:support", "team:specialists", "team:finance", "team:management", "team:pr"}


def incident_policy():
    raw = short_policy().model_dump(mode="json")
    raw["version"] = "test-incidents"
    raw["teams"]["pr"] = {"title": "Public relations", "members": ["lena"]}
    raw["triggers"] = {"major_incident": {"within": "10m", "issues": 3, "categories": ["delivery", "account"],
                                          "pr_team": "pr", "quiet_after": "30m"}}
    return parse_policy(raw)


async def test_three_issues_in_ten_minutes_open_an_incident_that_tells_everyone_and_links_them(ts) -> None:
    issues = IssueClient(ts.client, incident_policy(), ts.issues.task_queue, ts.issues.options)
    delivery = [make_issue(category=Category.delivery, subject=f"Parcel {n} not delivered") for n in range(4)]
    unwatched = make_issue(category=Category.technical)
    await issues.open(unwatched)
    for issue in delivery[:2]:
        await issues.open(issue)
    watcher = ts.client.get_workflow_handle(watch_workflow_id(Category.delivery))
    watch = await _query_when(watcher, "watch", IncidentWatch, lambda w: len(w.openings) == 2)
    assert watch.active is None

    await issues.open(delivery[2])
    watch = await _query_when(watcher, "watch", IncidentWatch, lambda w: w.active is not None)
    incident_id = watch.active.workflow_id
    assert incident_id.startswith("major-incident-delivery-")
    declared = await _messages_when(ts, incident_id, lambda ms: len(ms) >= len(ALL_TEAMS))
    assert {m["recipient"] for m in declared} == ALL_TEAMS
    pr = next(m for m in declared if m["recipient"] == "team:pr")
    assert pr["subject"].startswith("[PR] MAJOR INCIDENT: 3 delivery issues within 10m")
    assert all(i.id in pr["body"] for i in delivery[:3]) and "public statement" in pr["body"]
    for issue in delivery[:3]:
        state = await state_when(issues, issue.id, lambda s: any(e.actor == "major-incident" for e in s.timeline))
        link = next(e for e in state.timeline if e.actor == "major-incident")
        assert link.kind == "comment" and incident_id in link.summary

    await issues.open(delivery[3])  # while the incident lasts, new issues join it
    incident = ts.client.get_workflow_handle_for(MajorIncidentWorkflow.run, incident_id)
    linked = await _query_when(incident, "incident", IncidentState, lambda s: len(s.linked) == 4)
    assert linked.linked == [i.id for i in delivery]
    await state_when(issues, delivery[3].id, lambda s: any(e.actor == "major-incident" for e in s.timeline))
    assert not any(e.actor == "major-incident" for e in (await issues.state(unwatched.id)).timeline)

    await incident.signal(RESOLVE_SIGNAL, ResolveIncident(actor="ops-duty", note="carrier depot back online"))
    final = await incident.result()
    assert final.status == "resolved" and final.note == "carrier depot back online"
    ended = [m for m in ts.outbox.messages(incident_id) if "over" in m["subject"]]
    assert {m["recipient"] for m in ended} == ALL_TEAMS and "carrier depot back online" in ended[0]["body"]
    watch = await _query_when(watcher, "watch", IncidentWatch, lambda w: w.active is None)
    assert not watch.openings


async def test_an_incident_without_new_issues_ends_by_itself(ts, time_env) -> None:
    issues = IssueClient(ts.client, incident_policy(), ts.issues.task_queue, ts.issues.options)
    for _ in range(3):
        await issues.open(make_issue(category=Category.account, subject="Cannot log in"))
    watcher = ts.client.get_workflow_handle(watch_workflow_id(Category.account))
    watch = await _query_when(watcher, "watch", IncidentWatch, lambda w: w.active is not None)
    incident = ts.client.get_workflow_handle_for(MajorIncidentWorkflow.run, watch.active.workflow_id)
    await _messages_when(ts, incident.id, lambda ms: len(ms) >= len(ALL_TEAMS))
    await time_env.sleep(timedelta(minutes=31))
    final = await incident.result()
    assert final.status == "over"
    ended = [m for m in ts.outbox.messages(incident.id) if "over" in m["subject"]]
    assert "no new account issue for 30m" in ended[0]["body"]
    assert (await watcher.describe()).status == WorkflowExecutionStatus.COMPLETED  # nothing left to watch


async def _query_when(handle: WorkflowHandle, query: str, result_type, check: Callable, timeout: float = 15.0):
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    last = None
    while loop.time() < deadline:
        try:
            last = await handle.query(query, result_type=result_type, rpc_timeout=timedelta(seconds=2))
            if check(last):
                return last
        except RPCError:  # not started yet, or a query the test server let time out: ask again
            pass
        await asyncio.sleep(0.05)
    raise AssertionError(f"{handle.id}: {query} never matched; last: {last}")


async def _messages_when(ts, incident_id: str, check: Callable, timeout: float = 15.0) -> list[dict]:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        messages = ts.outbox.messages(incident_id)
        if check(messages):
            return messages
        await asyncio.sleep(0.05)
    raise AssertionError(f"messages for {incident_id}: {ts.outbox.messages(incident_id)}")
