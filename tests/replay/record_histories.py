"""Record histories of representative issues for the replay test.

    .venv/bin/python -m tests.replay.record_histories

Re-record only on purpose (a deliberate, versioned workflow change); the replay test exists to catch
accidental non-determinism against these files.
"""

from __future__ import annotations

import asyncio
import tempfile
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from activities.outbox import Outbox
from devstack.server import dev_server_args, find_binary
from domain import events as ev
from domain.issue import Priority, Tier
from tests.conftest import make_issue, short_policy, start_harness
from tests.workflows.helpers import idle, state_when
from workflows.issue_workflow import WorkflowOptions

HERE = Path(__file__).parent / "histories"
M = timedelta(minutes=1)


async def _escalated_resolved_confirmed(h, env) -> str:
    issue = make_issue("replay-escalated")
    await h.issues.open(issue)
    await env.sleep(10 * M + timedelta(seconds=1))
    await state_when(h.issues, issue.id, lambda s: s.level.name == "l2" and s.assignee is not None)
    await h.issues.act(issue.id, ev.Acknowledge(actor="sam"))
    await h.issues.act(issue.id, ev.AddComment(actor="sam", text="replaced the power supply"))
    await h.issues.act(issue.id, ev.Resolve(actor="sam", note="fixed"))
    await h.issues.act(issue.id, ev.CustomerConfirm(actor="portal"))
    await h.issues.handle(issue.id).result()
    return issue.id


async def _held_unhappy_top(h, env) -> str:
    issue = make_issue("replay-top", tier=Tier.key)
    await h.issues.open(issue)
    await h.issues.act(issue.id, ev.Hold(actor="sam", waiting_for_customer=True))
    await env.sleep(30 * M)
    await h.issues.signal(issue.id, ev.CustomerReply(actor="portal", text="here you go"))
    await h.issues.act(issue.id, ev.RaisePriority(actor="sam", priority=Priority.urgent))
    await h.issues.act(issue.id, ev.CustomerUnhappy(actor="portal", reason="too slow"))
    await h.issues.signal(issue.id, ev.Resume(actor="ops"))  # out of order: recorded as rejected
    await env.sleep(31 * M)
    await state_when(h.issues, issue.id, lambda s: s.renotify_due is not None)
    await env.sleep(16 * M)
    await state_when(h.issues, issue.id, lambda s: any(e.kind == "renotified" for e in s.timeline))
    await h.issues.act(issue.id, ev.Resolve(actor="boss"))
    await env.sleep(timedelta(days=1, minutes=1))
    await h.issues.handle(issue.id).result()
    return issue.id


async def _handed_over_on_dev(h) -> str:
    issue = make_issue("replay-dev-handover")
    await h.issues.open(issue)
    await h.issues.act(issue.id, ev.HandOver(actor="ann", team="finance", reason="refund"))
    await h.issues.act(issue.id, ev.Acknowledge(actor="fay"))
    await h.issues.act(issue.id, ev.Resolve(actor="fay"))
    await h.issues.act(issue.id, ev.CustomerConfirm(actor="portal"))
    await h.issues.handle(issue.id).result()
    return issue.id


async def main() -> None:
    HERE.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, ThreadPoolExecutor(8) as pool:
        outbox = Outbox(Path(tmp) / "outbox.sqlite3")
        env = await WorkflowEnvironment.start_time_skipping(
            test_server_existing_path=find_binary("temporal-test-server"), data_converter=pydantic_data_converter)
        async with env:
            h = await start_harness(env.client, outbox, pool, options=WorkflowOptions(upsert_search_attributes=False))
            async with h.worker:
                for scenario in (_escalated_resolved_confirmed, _held_unhappy_top):
                    await _save(h, await scenario(h, env))
        env = await WorkflowEnvironment.start_local(
            dev_server_existing_path=find_binary("temporal"), data_converter=pydantic_data_converter,
            dev_server_extra_args=dev_server_args(None), ui=False)
        async with env:
            h = await start_harness(env.client, outbox, pool)
            async with h.worker:
                await _save(h, await _handed_over_on_dev(h))


async def _save(h, issue_id: str) -> None:
    handle = h.issues.handle(issue_id)
    await idle(handle)
    history = await handle.fetch_history()
    (HERE / f"{issue_id}.json").write_text(history.to_json())
    print(f"recorded {issue_id}: {len(history.events)} events")


if __name__ == "__main__":
    asyncio.run(main())
