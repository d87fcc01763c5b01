"""Failure drills: real dev servers and real worker processes, killed for real; everything on loopback.

Every process a drill starts is killed in teardown, whatever happened.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from temporalio.api.enums.v1 import TaskQueueType
from temporalio.api.taskqueue.v1 import TaskQueue
from temporalio.api.workflowservice.v1 import DescribeTaskQueueRequest
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter

from bench.procs import ChildProcess
from bench.server import DevServer
from domain.issue import Issue
from policy.loader import parse_policy
from policy.model import Policy
from starter.client import IssueClient
from tests.conftest import make_issue

#: Level 1 and 2 answer within STEP seconds, level 3 (the top) within an hour: every issue escalates
#: twice, STEP seconds apart, then stays quiet. No warnings, so every delivery is an entry action.
STEP = 3
LEVELS = ("l1", "l2", "l3")
ACTIONS = ("assign", "notify_staff", "inform_customer")


def drill_policy(step: int = STEP) -> Policy:
    def level(name: str, team: str, response: str) -> dict:
        return {"name": name, "title": f"the {team} team", "team": team, "role": name,
                "targets": {"response": response, "resolution": "2h"}, "warn_at_percent": None}

    return parse_policy({
        "version": "drill-1", "confirm_window": "1d", "repeat_every": "1h",
        "teams": {"support": {"title": "Support", "members": ["ann", "ben"]},
                  "specialists": {"title": "Specialists", "members": ["sam"]},
                  "management": {"title": "Management", "members": ["max"]}},
        "routes": [{"name": "main", "levels": [level("l1", "support", f"{step}s"), level("l2", "specialists", f"{step}s"),
                                               level("l3", "management", "1h")]}],
        "default_route": "main",
    })


@dataclass
class Drill:
    """One drill's world: a server, a task queue, a data dir (the outbox), a client, worker processes."""

    server: DevServer
    client: Client
    task_queue: str
    data_dir: Path
    issues: IssueClient
    spawn: Callable[..., "asyncio.Future[ChildProcess]"]

    @property
    def outbox_path(self) -> Path:
        return self.data_dir / "outbox.sqlite3"

    def new_issues(self, count: int, prefix: str = "D") -> list[Issue]:
        run = uuid.uuid4().hex[:6]
        return [make_issue(f"{prefix}-{run}-{i}") for i in range(count)]


def worker_env(server: DevServer, task_queue: str, data_dir: Path) -> dict[str, str]:
    """What `python -m workers.main` reads: this server, this queue, this data dir, nothing sent anywhere."""
    return {"ESCALATION_TEMPORAL_ADDRESS": server.address, "ESCALATION_TASK_QUEUE": task_queue,
            "ESCALATION_DATA_DIR": str(data_dir), "ESCALATION_WORKER_METRICS_PORT": "0",
            "ESCALATION_SEND_NOTIFICATIONS": "false"}


async def wait_for_poller(client: Client, task_queue: str, pid: int, timeout: float = 60.0) -> None:
    """Until the worker process `pid` polls `task_queue` (its identity is `<pid>@<host>`)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        described = await client.workflow_service.describe_task_queue(DescribeTaskQueueRequest(
            namespace=client.namespace, task_queue=TaskQueue(name=task_queue),
            task_queue_type=TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW))
        if any(p.identity.startswith(f"{pid}@") for p in described.pollers):
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"worker {pid} not polling {task_queue} after {timeout:.0f}s")


@pytest.fixture(scope="module")
def drill_server(tmp_path_factory) -> DevServer:
    """A dev server on a file database for this module's drills (stopped, or killed, at the end)."""
    server = DevServer(tmp_path_factory.mktemp("drill-server"))
    server.start()
    yield server
    server.kill()


async def _drill(server: DevServer, tmp_path: Path) -> AsyncIterator[Drill]:
    client = await Client.connect(server.address, data_converter=pydantic_data_converter)
    task_queue = f"drill-{uuid.uuid4().hex[:8]}"
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    children: list[ChildProcess] = []

    async def spawn() -> ChildProcess:
        """A `python -m workers.main` process on this drill's queue, polling when this returns."""
        log = tmp_path / f"worker-{len(children)}.log"
        child = ChildProcess(["-m", "workers.main"], log, env=worker_env(server, task_queue, data_dir))
        children.append(child)
        child.start()
        await wait_for_poller(client, task_queue, child.pid)
        return child

    try:
        yield Drill(server, client, task_queue, data_dir, IssueClient(client, drill_policy(), task_queue), spawn)
    finally:
        for child in children:
            child.kill()


@pytest.fixture
async def drill(drill_server, tmp_path) -> AsyncIterator[Drill]:
    async for value in _drill(drill_server, tmp_path):
        yield value


@pytest.fixture
async def own_server_drill(tmp_path) -> AsyncIterator[Drill]:
    """A drill with a dev server of its own (to stop and start), killed at the end."""
    server = DevServer(tmp_path / "server")
    server.start()
    try:
        async for value in _drill(server, tmp_path):
            yield value
    finally:
        server.kill()

