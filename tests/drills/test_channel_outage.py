"""The notification channel goes down, then comes back: retried with backoff, escalation on time, sent once;
a permanently bad address is recorded on the issue and not retried."""

from __future__ import annotations

import uuid

from temporalio.worker import Worker

from starter.client import IssueClient
from tests.conftest import make_issue
from tests.drills.audit import audit, settle
from tests.drills.conftest import Drill, drill_policy
from tests.drills.flaky_channel import FlakyChannel
from tests.drills.progress import count_at_level
from workflows.issue_workflow import IssueWorkflow

ISSUES = 6


async def test_channel_down_then_up(drill: Drill, executor):
    channel = FlakyChannel()
    channel.up.clear()
    issues = IssueClient(drill.client, drill_policy(), drill.task_queue)
    good = [make_issue(f"C-{uuid.uuid4().hex[:6]}-{i}") for i in range(ISSUES)]
    bad = make_issue(f"C-{uuid.uuid4().hex[:6]}-bad", customer=good[0].customer.model_copy(
        update={"contact": "nobody@example.invalid"}))
    ids = [i.id for i in [*good, bad]]
    async with Worker(drill.client, task_queue=drill.task_queue, workflows=[IssueWorkflow],
                      activities=channel.all(), activity_executor=executor):
        for issue in [*good, bad]:
            await issues.open(issue)
        # the level-1 deadline passes with the channel still down: the escalation does not wait for it
        await settle(lambda: _count_past_level_1(drill, len(ids)), 30, "every issue escalated while the channel is down")
        assert not channel.delivered, "something was delivered through a channel that is down"
        retried = [k for k, n in channel.attempts.items() if n > 1]
        assert retried, "nothing was retried while the channel was down"
        channel.up.set()

        async def everything_delivered() -> bool:
            wanted = [k for k, c in channel.by_key.items() if not k.startswith(bad.id + "/")
                      or c["kind"] == "notify_staff"]
            return bool(wanted) and all(channel.delivered[k] >= 1 for k in wanted)

        await settle(everything_delivered, 40, "every notice delivered once the channel is back")
        result = await audit(drill.client, issues, ids, drill.outbox_path)

    for key, command in channel.by_key.items():
        permanent = key.startswith(bad.id + "/") and command["kind"] == "inform_customer"
        assert channel.delivered[key] == (0 if permanent else 1), f"{key}: delivered {channel.delivered[key]} times"
        if permanent:
            assert channel.attempts[key] == 1, f"{key}: a bad address was retried {channel.attempts[key]} times"
    scheduled = {c.key for i in ids for c in result.commands[i] if c.kind != "assign"}
    assert scheduled == set(channel.by_key), "a scheduled notice never reached the channel"
    failed = result.states[bad.id]
    assert failed.delivery_failures >= 1
    assert any(e.kind == "delivery_failed" and "nobody@example.invalid" in e.summary for e in failed.timeline)
    for issue_id in ids:
        assert result.states[issue_id].escalation_count >= 1


async def _count_past_level_1(drill: Drill, total: int) -> bool:
    return await count_at_level(drill, 1) == 0 and await count_at_level(drill, 2) + await count_at_level(drill, 3) == total
