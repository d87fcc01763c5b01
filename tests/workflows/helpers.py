"""Waiting on a workflow's state without sleeping blind: poll a query until it holds, with a deadline."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from domain.state import IssueState
from starter.client import IssueClient


async def state_when(issues: IssueClient, issue_id: str, check: Callable[[IssueState], bool],
                     timeout: float = 15.0) -> IssueState:
    """The issue's state once `check` holds; fails with the last state seen after `timeout` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        state = await issues.state(issue_id)
        if check(state):
            return state
        if loop.time() > deadline:
            raise AssertionError(f"condition not met in {timeout}s; timeline: "
                                 + "; ".join(f"{e.kind}: {e.summary}" for e in state.timeline))
        await asyncio.sleep(0.05)


def kinds(state: IssueState) -> list[str]:
    return [entry.kind for entry in state.timeline]


def settled(state: IssueState) -> bool:
    """Every assignment requested so far has come back (so the timeline is stable)."""
    return kinds(state).count("assigned") + kinds(state).count("assignment_outdated") >= (
        kinds(state).count("opened") + kinds(state).count("escalated") + kinds(state).count("handed_over"))


async def idle(handle, timeout: float = 15.0) -> None:
    """Wait until the workflow has no pending activity or workflow task (its history has stopped growing)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        raw = (await handle.describe()).raw_description
        if not raw.pending_activities and not raw.HasField("pending_workflow_task"):
            return
        if loop.time() > deadline:
            raise AssertionError(f"workflow still busy after {timeout}s: {raw.pending_activities}")
        await asyncio.sleep(0.05)
