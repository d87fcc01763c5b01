"""Where does lateness come from? Split it, from a sample of histories, into its stages.

    timer:    the timer fired, minus the deadline (server timer queue; a timer restarted by a later
              workflow task also starts late by that task's duration)
    dispatch: the workflow task after the timer started, minus the fire (matching, worker pickup)
    task:     that workflow task completed, minus its start (our workflow code, or the bare one's)
    activity: the first activity started (from the interceptor's log), minus that completion
"""

from __future__ import annotations

from collections.abc import Sequence

from temporalio.api.enums.v1 import EventType
from temporalio.client import Client

from bench.stack import run_bounded
from bench.stats import summary

STAGES = ("timer", "dispatch", "task", "activity")


async def stages_of(client: Client, workflow_id: str, deadline: float, first_action: float) -> dict[str, float] | None:
    """The four stages for one workflow whose (last) timer fired before its first escalation action."""
    history = await client.get_workflow_handle(workflow_id).fetch_history()
    fired = started = completed = None
    for event in history.events:
        at = event.event_time.ToMicroseconds() / 1e6
        if at > first_action + 1e-3:
            break
        if event.event_type == EventType.EVENT_TYPE_TIMER_FIRED:
            fired, started, completed = at, None, None
        elif fired is not None and event.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED:
            started = at
        elif started is not None and event.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
            completed = at
    if fired is None or started is None or completed is None:
        return None
    return {"timer": fired - deadline, "dispatch": started - fired, "task": completed - started,
            "activity": first_action - completed}


async def breakdown(client: Client, samples: Sequence[tuple[str, float, float]], concurrency: int = 10) -> dict:
    """p50/p99/max per stage over `samples` of (workflow id, deadline, first action start)."""
    found = await run_bounded(samples, lambda s: stages_of(client, *s), concurrency)
    rows = [row for row in found if row is not None]
    if not rows:
        return {}
    return {stage: {k: round(v, 4) if isinstance(v, float) else v for k, v in summary([r[stage] for r in rows]).items()}
            for stage in STAGES}


async def task_problems(client: Client, workflow_ids: Sequence[str], concurrency: int = 10) -> dict[str, int]:
    """Workflow tasks that timed out or failed in these histories (each costs seconds of latency)."""
    async def one(workflow_id: str) -> tuple[int, int]:
        history = await client.get_workflow_handle(workflow_id).fetch_history()
        types = [e.event_type for e in history.events]
        return (types.count(EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT),
                types.count(EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED))

    counts = await run_bounded(workflow_ids, one, concurrency)
    return {"workflow_task_timeouts": sum(c[0] for c in counts), "workflow_task_failures": sum(c[1] for c in counts)}
