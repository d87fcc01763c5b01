"""Every event sent twice (as an update and as a signal, or twice the same way), shuffled and concurrent."""

from __future__ import annotations

import asyncio
import random
import uuid

from activities.outbox import Outbox
from domain import events as ev
from starter.client import ActionRejected, IssueClient
from tests.conftest import make_issue
from tests.drills.audit import audit, settle
from tests.drills.conftest import Drill, drill_policy
from workers.build import build_worker

ISSUES = 6


def story(issue_id: str) -> list[ev.Event]:
    """Acknowledge, comment, the customer is unhappy (one escalation), comment again, resolve."""
    def eid(name: str) -> str:
        return f"{issue_id}/{name}"

    return [ev.Acknowledge(actor="ann", event_id=eid("ack")),
            ev.AddComment(actor="ann", text="first look", event_id=eid("c1")),
            ev.CustomerUnhappy(actor="portal", reason="still broken", event_id=eid("unhappy")),
            ev.AddComment(actor="sam", text="second look", event_id=eid("c2")),
            ev.Resolve(actor="sam", note="fixed", event_id=eid("resolve"))]


async def send(issues: IssueClient, issue_id: str, event: ev.Event, as_update: bool) -> None:
    if not as_update:
        await issues.signal(issue_id, event)
        return
    try:
        await issues.act(issue_id, event)
    except ActionRejected:  # not valid in the order it arrived: refused, nothing changed
        pass


async def test_every_event_twice_and_out_of_order(drill: Drill, executor):
    issues = IssueClient(drill.client, drill_policy(step=600), drill.task_queue)
    opened = [make_issue(f"E-{uuid.uuid4().hex[:6]}-{i}") for i in range(ISSUES)]
    ids = [i.id for i in opened]
    async with build_worker(drill.client, drill.task_queue, Outbox(drill.outbox_path), executor):
        for issue in opened:
            await issues.open(issue)
            await issues.open(issue)  # the service retried the opening as well
        sends = []
        for n, issue_id in enumerate(ids):
            copies = [(e, transport) for e in story(issue_id) for transport in random.Random(n).sample([True, False], 2)]
            if n == 0:  # the worst order, one at a time: the end of the story first
                for event, as_update in reversed(copies):
                    await send(issues, issue_id, event, as_update)
                continue
            random.Random(n).shuffle(copies)
            sends += [send(issues, issue_id, event, as_update) for event, as_update in copies]
        await asyncio.gather(*sends)

        async def delivered() -> bool:
            result = await audit(drill.client, issues, ids, drill.outbox_path)
            keys = {k.split(">")[0] for k, _, _ in result.rows}
            return all(c.key in keys for i in ids for c in result.commands[i] if c.kind != "assign")

        await settle(delivered, 30, "every notice in the outbox")
        result = await audit(drill.client, issues, ids, drill.outbox_path)

    result.assert_nothing_twice()
    for issue_id in ids:
        state = result.states[issue_id]
        kinds = [e.kind for e in state.timeline]
        assert kinds.count("opened") == 1
        assert kinds.count("customer_unhappy") == 1 and state.escalation_count == 1, kinds
        assert kinds.count("resolved") == 1 and kinds.count("acknowledged") <= 1, kinds
        comments = [e.summary for e in state.timeline if e.kind == "comment"]
        assert sorted(comments) == ["first look", "second look"], comments
        assert len(set(state.recent_event_ids)) == len(state.recent_event_ids)
        assert set(state.recent_event_ids) <= {e.event_id for e in story(issue_id)}
