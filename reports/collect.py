"""Reading issues for a report: Temporal visibility finds them (open and closed), the `state` query reads each.

A closed issue's state is answered by a worker replaying its history, so a worker must be polling the issues'
task queue. An issue whose state cannot be read is named in `unreadable`, never silently left out.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, datetime

import structlog
from temporalio.client import Client, WorkflowExecution, WorkflowQueryFailedError
from temporalio.service import RPCError

from domain.state import IssueState
from starter.listing import WORKFLOW_TYPE

log = structlog.get_logger(__name__)


@dataclass
class Collected:
    states: list[IssueState] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)  # issue ids


def report_query(task_queue: str | None = None, since: datetime | None = None) -> str:
    """Visibility query for every issue's latest run that may have been open at or after `since`."""
    clauses = [f"WorkflowType = '{WORKFLOW_TYPE}'", "ExecutionStatus != 'ContinuedAsNew'"]
    if task_queue is not None:
        if "'" in task_queue or "\\" in task_queue:
            raise ValueError(f"unsafe task queue name: {task_queue!r}")
        clauses.append(f"TaskQueue = '{task_queue}'")
    if since is not None:
        when = since.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        clauses.append(f"(ExecutionStatus = 'Running' OR CloseTime >= '{when}')")
    return " AND ".join(clauses)


async def collect_states(client: Client, *, task_queue: str | None = None, since: datetime | None = None,
                         concurrency: int = 8, query_timeout: float = 10.0) -> Collected:
    """The states of the issues `report_query` finds, read `concurrency` at a time."""
    executions = [e async for e in client.list_workflows(report_query(task_queue, since))]
    gate = asyncio.Semaphore(concurrency)

    async def read(execution: WorkflowExecution) -> IssueState | None:
        async with gate:
            handle = client.get_workflow_handle(execution.id, run_id=execution.run_id)
            try:
                return await asyncio.wait_for(handle.query("state", result_type=IssueState), query_timeout)
            except (RPCError, WorkflowQueryFailedError, TimeoutError) as exc:
                log.warning("issue state unreadable", workflow_id=execution.id, run_id=execution.run_id,
                            error=str(exc) or type(exc).__name__)
                return None

    found = await asyncio.gather(*(read(e) for e in executions))
    collected = Collected()
    for execution, state in zip(executions, found):
        if state is None:
            collected.unreadable.append(execution.id.removeprefix("issue-"))
        else:
            collected.states.append(state)
    return collected
