"""The dev server killed and started again on its file database while issues are open and deadlines pass."""

from __future__ import annotations

import asyncio

from tests.drills.audit import audit, settle
from tests.drills.conftest import LEVELS, STEP, Drill
from tests.drills.test_worker_crash import finish_and_audit

ISSUES = 10


async def first_notices_delivered(drill: Drill, ids: list[str]) -> bool:
    result = await audit(drill.client, drill.issues, ids, drill.outbox_path)
    return all(len(result.deliveries(i)) == 2 for i in ids)


async def test_server_killed_and_restarted_while_deadlines_pass(own_server_drill: Drill):
    drill = own_server_drill
    worker = await drill.spawn()
    issues = drill.new_issues(ISSUES, "S")
    ids = [i.id for i in issues]
    await asyncio.gather(*(drill.issues.open(i) for i in issues))
    await settle(lambda: first_notices_delivered(drill, ids), 30, "level-1 notices delivered")
    drill.server.kill()
    await asyncio.sleep(2 * STEP)  # every level-1 deadline passes while the server is down
    assert worker.alive(), "the worker gave up while the server was down"
    drill.server.start()
    await finish_and_audit(drill, ids)
    assert worker.alive()
    for issue_id in ids:
        state = await drill.issues.state(issue_id)
        assert [e.kind for e in state.timeline].count("sla_breach") == len(LEVELS) - 1
