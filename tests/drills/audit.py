"""What every drill checks afterwards: no issue lost, every due escalation done, nothing delivered twice.

Commands come from each issue's history (the inputs of its delivery activities); deliveries come
from the outbox, whose rows are keyed `<command key>` or `<command key>>recipient...`.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from temporalio.api.enums.v1 import EventType
from temporalio.client import Client, WorkflowExecutionStatus

from activities.contracts import ACTIVITY_FOR_COMMAND
from domain.issue import workflow_id_for
from domain.state import IssueState
from starter.client import IssueClient

DELIVERY_ACTIVITIES = set(ACTIVITY_FOR_COMMAND.values())


@dataclass(frozen=True)
class Command:
    key: str
    level: str
    kind: str
    detail: str  # the customer message or the staff reason: two commands with the same detail are a duplicate


async def commands_of(client: Client, issue_id: str) -> list[Command]:
    """Every delivery command the issue's workflow scheduled (once each, however often it was retried)."""
    history = await client.get_workflow_handle(workflow_id_for(issue_id)).fetch_history()
    commands = []
    for event in history.events:
        if event.event_type != EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
            continue
        attrs = event.activity_task_scheduled_event_attributes
        if attrs.activity_type.name not in DELIVERY_ACTIVITIES:
            continue
        command = json.loads(attrs.input.payloads[0].data)["command"]
        commands.append(Command(command["idempotency_key"], command["level"], command["kind"],
                                str(command.get("message") or command.get("reason") or command.get("strategy"))))
    return commands


def outbox_rows(path: Path) -> list[tuple[str, str, str]]:
    """(row key, issue id, recipient) of every message in the outbox."""
    if not path.exists():
        return []
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        return list(db.execute("SELECT idempotency_key, issue_id, recipient FROM messages"))


def command_key(row_key: str) -> str:
    return row_key.split(">", 1)[0]


@dataclass
class Audit:
    states: dict[str, IssueState]
    commands: dict[str, list[Command]]
    rows: list[tuple[str, str, str]]

    def deliveries(self, issue_id: str) -> Counter:
        """Outbox rows per (level, action) of one issue."""
        by_key = {c.key: c for c in self.commands[issue_id]}
        return Counter((by_key[command_key(k)].level, by_key[command_key(k)].kind)
                       for k, i, _ in self.rows if i == issue_id)

    def assert_nothing_twice(self) -> None:
        """No message stored twice for a command and recipient; no command issued twice for the same thing;
        every notice of every command is in the outbox, and the outbox holds nothing else."""
        per_recipient = Counter((command_key(k), r) for k, _, r in self.rows)
        twice = [k for k, n in per_recipient.items() if n > 1]
        assert not twice, f"delivered twice: {twice}"
        delivered = {command_key(k) for k, i, _ in self.rows if i in self.commands}
        for issue_id, commands in self.commands.items():
            same = Counter((c.level, c.kind, c.detail) for c in commands)
            assert all(n == 1 for n in same.values()), f"{issue_id}: a command was issued twice: {same}"
            keys = {c.key for c in commands}
            missing = [c for c in commands if c.kind != "assign" and c.key not in delivered]
            assert not missing, f"{issue_id}: scheduled but never delivered: {missing}"
            orphans = [k for k, i, _ in self.rows if i == issue_id and command_key(k) not in keys]
            assert not orphans, f"{issue_id}: delivered without a command: {orphans}"

    def assert_escalated_through(self, levels: Iterable[str]) -> None:
        """Every issue reached the last of `levels`, entering each once, with all three entry actions."""
        levels = list(levels)
        for issue_id, state in self.states.items():
            assert state.level.name == levels[-1], f"{issue_id} is at {state.level.name}, not {levels[-1]}"
            assert state.escalation_count == len(levels) - 1, f"{issue_id}: {state.escalation_count} escalations"
            entered = Counter((c.level, c.kind) for c in self.commands[issue_id])
            expected = Counter({(level, kind): 1 for level in levels for kind in ACTIVITY_FOR_COMMAND})
            assert entered == expected, f"{issue_id}: entry actions {dict(entered)}"
            notices = {(level, kind) for level in levels for kind in ACTIVITY_FOR_COMMAND if kind != "assign"}
            assert set(self.deliveries(issue_id)) == notices, f"{issue_id}: delivered {self.deliveries(issue_id)}"


async def audit(client: Client, issues: IssueClient, issue_ids: list[str], outbox: Path) -> Audit:
    """Read every issue's state and commands and the outbox; fails at once if an issue is gone."""
    for issue_id in issue_ids:
        described = await issues.handle(issue_id).describe()
        assert described.status == WorkflowExecutionStatus.RUNNING, f"{issue_id} is {described.status}"
    states = dict(zip(issue_ids, await asyncio.gather(*(issues.state(i) for i in issue_ids))))
    commands = dict(zip(issue_ids, await asyncio.gather(*(commands_of(client, i) for i in issue_ids))))
    return Audit(states, commands, outbox_rows(outbox))


async def settle(check, timeout: float, what: str, interval: float = 0.25):  # noqa: ANN001, ANN201
    """Poll the coroutine function `check` until it returns something truthy; fail naming `what`."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    last = None
    while loop.time() < deadline:
        last = await check()
        if last:
            return last
        await asyncio.sleep(interval)
    raise AssertionError(f"{what}: not reached in {timeout:.0f}s (last: {last!r})")
