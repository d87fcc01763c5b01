"""A worker killed with kill -9 in the middle of escalations: nothing lost, nothing late for good, nothing twice."""

from __future__ import annotations

import asyncio

from tests.drills.audit import audit, settle
from tests.drills.conftest import LEVELS, STEP, Drill
from tests.drills.progress import count_at_level, open_spread, wait_until_some_escalated

ISSUES = 16
#: Generous: activities lost with a killed worker are retried after their 30 s start-to-close timeout.
RECOVERY = 75.0


async def all_escalated_and_delivered(drill: Drill, ids: list[str]) -> bool:
    if await count_at_level(drill, 3) != len(ids):
        return False
    result = await audit(drill.client, drill.issues, ids, drill.outbox_path)
    return all(len(result.deliveries(i)) == 2 * len(LEVELS) for i in ids)


async def finish_and_audit(drill: Drill, ids: list[str]) -> None:
    await settle(lambda: all_escalated_and_delivered(drill, ids), RECOVERY, "all issues at the top, all delivered")
    result = await audit(drill.client, drill.issues, ids, drill.outbox_path)
    result.assert_escalated_through(LEVELS)
    result.assert_nothing_twice()


async def test_worker_killed_mid_escalation_then_restarted(drill: Drill):
    worker = await drill.spawn()
    issues = drill.new_issues(ISSUES, "K")
    ids = [i.id for i in issues]
    await open_spread(drill, issues, over=1.5)
    moved = await wait_until_some_escalated(drill, ISSUES)
    worker.kill()
    assert moved < ISSUES, "the kill came after every escalation: not a mid-escalation drill"
    await asyncio.sleep(STEP)  # level-2 deadlines come and go while no worker runs
    await drill.spawn()
    await finish_and_audit(drill, ids)


async def test_one_of_two_workers_killed(drill: Drill):
    doomed = await drill.spawn()
    await drill.spawn()
    issues = drill.new_issues(ISSUES, "T")
    ids = [i.id for i in issues]
    await open_spread(drill, issues, over=1.5)
    moved = await wait_until_some_escalated(drill, ISSUES)
    doomed.kill()
    assert moved < ISSUES, "the kill came after every escalation: not a mid-escalation drill"
    assert "staff notified" in doomed.log_path.read_text(), "the killed worker had done no work"
    await finish_and_audit(drill, ids)
