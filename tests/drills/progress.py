"""Watching a drill's issues through visibility (the EscalationLevel search attribute), never the worker."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from domain.issue import Issue
from tests.drills.conftest import Drill


async def open_spread(drill: Drill, issues: Sequence[Issue], over: float) -> None:
    """Open `issues` one after another across `over` seconds, so their deadlines spread as well."""
    for issue in issues:
        await drill.issues.open(issue)
        await asyncio.sleep(over / len(issues))


async def count_at_level(drill: Drill, level_number: int) -> int:
    query = f'TaskQueue="{drill.task_queue}" AND EscalationLevel={level_number} AND ExecutionStatus="Running"'
    return (await drill.client.count_workflows(query)).count


async def wait_until_some_escalated(drill: Drill, total: int, timeout: float = 30.0) -> int:
    """Until at least one issue, and not all, have escalated past level 1; answers how many have."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        moved = total - await count_at_level(drill, 1)
        if moved >= 1:
            return moved
        await asyncio.sleep(0.05)
    raise AssertionError(f"no issue escalated within {timeout:.0f}s")
