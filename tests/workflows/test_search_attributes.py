"""On the dev server (search attributes registered by our own start-up args): ops can find issues."""

from __future__ import annotations

import asyncio

from temporalio.api.sdk.v1 import WorkflowMetadata

from domain.events import EscalateUp
from tests.conftest import make_issue
from workflows import search_attributes as sa


async def _found(client, query: str, timeout: float = 15.0) -> list:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        found = [wf async for wf in client.list_workflows(query)]
        if found or loop.time() > deadline:
            return found
        await asyncio.sleep(0.1)


async def test_search_attributes_follow_the_issue(dev):
    issue = make_issue()
    await dev.issues.open(issue)
    wid = issue.workflow_id
    found = await _found(dev.client, f"WorkflowId = '{wid}' AND IssueStatus = 'open' AND EscalationLevel = 1 "
                                     "AND IssueCategory = 'technical' AND CustomerTier = 'standard' "
                                     "AND AssignedTeam = 'support' AND SlaBreached = false")
    assert [wf.id for wf in found] == [wid]
    attrs = found[0].typed_search_attributes
    assert attrs.get(sa.ISSUE_PRIORITY) == "normal" and attrs.get(sa.NEXT_DEADLINE) is not None
    await dev.issues.act(issue.id, EscalateUp(actor="ann", reason="needs a specialist"))
    found = await _found(dev.client, f"WorkflowId = '{wid}' AND EscalationLevel >= 2 AND AssignedTeam = 'specialists'")
    assert [wf.id for wf in found] == [wid]
    # no personal data in what visibility shows
    shown = repr(found[0].typed_search_attributes) + wid
    assert issue.customer.name not in shown and issue.customer.contact not in shown


async def test_ui_shows_a_summary_and_current_details(dev):
    issue = make_issue()
    await dev.issues.open(issue)
    handle = dev.issues.handle(issue.id)
    await dev.issues.act(issue.id, EscalateUp(actor="ann"))
    description = await handle.describe()
    assert await description.static_summary() == "technical issue, normal priority, standard customer, via email"
    metadata = await handle.query("__temporal_workflow_metadata", result_type=WorkflowMetadata)
    assert "level 2 `l2`" in metadata.current_details and "next deadline" in metadata.current_details
    assert issue.customer.name not in metadata.current_details
