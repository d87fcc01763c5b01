"""Many workers, production style: worker processes (`python -m workers.main`, payload encryption on) share one
task queue; either can be SIGKILLed and every issue still escalates on its deadline, nothing sent twice;
SIGTERM stops a worker gracefully. The compose worker health check, run as the container runs it."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from temporalio.client import Client

from activities.outbox import Outbox
from codec.keys import encode_key
from config.settings import PROJECT_ROOT, Settings
from deploy.healthcheck import worker_problems
from starter.connect import connect
from tests.codec.conftest import codec_settings, keyring
from tests.conftest import TrackingIssueClient, make_issue, short_policy
from tests.workflows.helpers import kinds, settled, state_when

HOST = socket.gethostname()
RESPONSE = timedelta(seconds=5)
#: A SIGKILLed worker's cached issues wait out the sticky queue's schedule-to-start timeout (10 s) first.
FAILOVER_BOUND = timedelta(seconds=20)
ISSUES_PER_ROUND = 8


def fast_policy():
    level = {"team": "support", "role": "agent", "warn_at_percent": None}
    return short_policy(rules=[], routes=[{"name": "main", "levels": [
        {**level, "name": "l1", "title": "a support agent", "targets": {"response": "5s", "resolution": "1h"}},
        {**level, "name": "l2", "title": "a specialist", "team": "specialists",
         "targets": {"response": "1h", "resolution": "2h"}}]}])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class WorkerProcess:
    proc: subprocess.Popen
    log: Path
    env: dict[str, str]  # its own metrics port: several workers share this host (in compose each has its own)

    @property
    def identity(self) -> str:
        return f"{self.proc.pid}@{HOST}"

    def problems(self) -> list[str]:
        """What the compose health check would say about this worker, read from its metrics."""
        return worker_problems(Settings(task_queue=self.env["ESCALATION_TASK_QUEUE"], worker_metrics_host="127.0.0.1",
                                        worker_metrics_port=int(self.env["ESCALATION_WORKER_METRICS_PORT"])), timeout=2)


@dataclass
class Stack:
    client: Client
    issues: TrackingIssueClient
    task_queue: str
    outbox: Outbox
    start_worker: Callable[[], WorkerProcess]


RING = keyring("k1")


@pytest.fixture
def stack_env(dev_env, tmp_path) -> dict[str, str]:
    """What a worker container gets in compose, pointed at the dev server, encryption on."""
    return {**os.environ, "PYTHONPATH": str(PROJECT_ROOT),
            "ESCALATION_TEMPORAL_ADDRESS": dev_env.client.service_client.config.target_host,
            "ESCALATION_TASK_QUEUE": f"tq-workers-{uuid.uuid4().hex[:8]}",
            "ESCALATION_DATA_DIR": str(tmp_path / "data"),  # one outbox shared by the workers, as in compose
            "ESCALATION_SEND_NOTIFICATIONS": "false",
            "ESCALATION_CODEC_KEYS": json.dumps({"k1": encode_key(RING.keys["k1"])})}


@pytest.fixture
async def stack(stack_env, tmp_path) -> AsyncIterator[Stack]:
    procs: list[subprocess.Popen] = []

    def start_worker() -> WorkerProcess:
        log = tmp_path / f"worker-{len(procs)}.log"
        env = {**stack_env, "ESCALATION_WORKER_METRICS_PORT": str(free_port())}
        with log.open("wb") as out:
            proc = subprocess.Popen([sys.executable, "-m", "workers.main"], env=env, cwd=PROJECT_ROOT,
                                    stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        procs.append(proc)
        return WorkerProcess(proc, log, env)

    client = await connect(codec_settings(RING, temporal_address=stack_env["ESCALATION_TEMPORAL_ADDRESS"]))
    issues = TrackingIssueClient(client, fast_policy(), stack_env["ESCALATION_TASK_QUEUE"])
    try:
        yield Stack(client, issues, stack_env["ESCALATION_TASK_QUEUE"],
                    Outbox(Path(stack_env["ESCALATION_DATA_DIR"]) / "outbox.sqlite3"), start_worker)
    finally:
        for proc in procs:  # never leave a worker behind
            if proc.poll() is None:
                proc.kill()
            proc.wait(timeout=10)
        await issues.terminate_opened()


async def wait_polling(*workers: WorkerProcess, timeout: float = 45.0) -> None:
    """Until every worker polls for workflow and activity tasks (its health check passes)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        for w in workers:
            assert w.proc.poll() is None, f"worker exited: {w.log.read_text()[-2000:]}"
        problems = {w.identity: await asyncio.to_thread(w.problems) for w in workers}
        if not any(problems.values()):
            return
        assert loop.time() < deadline, f"workers not polling after {timeout}s: {problems}"
        await asyncio.sleep(0.2)


async def open_round(stack: Stack, tag: str) -> list[str]:
    ids = [f"W{tag}-{uuid.uuid4().hex[:8]}" for _ in range(ISSUES_PER_ROUND)]
    await asyncio.gather(*(stack.issues.open(make_issue(i)) for i in ids))
    # the entry activities are done before a worker dies, so nothing waits out an activity timeout
    await asyncio.gather(*(state_when(stack.issues, i, settled, timeout=30) for i in ids))
    return ids


async def all_escalate_on_deadline(stack: Stack, ids: list[str]) -> None:
    states = await asyncio.gather(*(state_when(
        stack.issues, i, lambda s: s.level.name == "l2" and settled(s), timeout=45) for i in ids))
    for state in states:
        breach = next(e for e in state.timeline if e.kind == "sla_breach")
        lateness = breach.at - (state.opened_at + RESPONSE)
        assert timedelta(0) <= lateness < FAILOVER_BOUND, f"{state.issue.id} escalated {lateness} after its deadline"
        assert kinds(state).count("escalated") == 1
        messages = stack.outbox.messages(state.issue.id)
        assert len(messages) == len({m["idempotency_key"] for m in messages})  # nothing twice
        assert sum(m["channel"] == "customer" for m in messages) == 2  # told on opening and on escalation


async def identities_that_worked(stack: Stack, ids: list[str]) -> set[str]:
    seen: set[str] = set()
    for issue_id in ids:
        history = await stack.client.get_workflow_handle(f"issue-{issue_id}").fetch_history()
        for event in history.events:
            for field in ("workflow_task_started_event_attributes", "activity_task_started_event_attributes"):
                if event.HasField(field):
                    seen.add(getattr(event, field).identity)
    return seen


async def test_workers_share_the_load_and_either_can_die(stack):
    a, b, c = stack.start_worker(), stack.start_worker(), stack.start_worker()
    await wait_polling(a, b, c)
    health = asyncio.to_thread(subprocess.run, [sys.executable, "-m", "deploy.healthcheck"], env=a.env,
                               cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60)
    first, check = await asyncio.gather(open_round(stack, "a"), health)
    assert check.returncode == 0, check.stderr  # the compose health check, as the container runs it
    a.proc.send_signal(signal.SIGKILL)  # mid-escalation: round one's deadlines are still ahead
    second = await open_round(stack, "b")
    b.proc.send_signal(signal.SIGKILL)  # now the other one: only c is left for both rounds
    await all_escalate_on_deadline(stack, first + second)
    assert {a.identity, b.identity} <= await identities_that_worked(stack, first)  # the load was shared
    assert {b.identity, c.identity} <= await identities_that_worked(stack, second)

    c.proc.send_signal(signal.SIGTERM)  # graceful: stops polling, lets in-flight activities finish, exits
    await asyncio.wait_for(asyncio.to_thread(c.proc.wait), timeout=20)
    log = c.log.read_text()
    assert "worker stopping" in log and "worker stopped" in log, log[-2000:]


def test_health_check_fails_without_a_polling_worker(stack_env):
    nobody = {**stack_env, "ESCALATION_WORKER_METRICS_PORT": str(free_port())}
    check = subprocess.run([sys.executable, "-m", "deploy.healthcheck"], env=nobody, cwd=PROJECT_ROOT,
                           capture_output=True, text=True, timeout=60)
    assert check.returncode == 1 and "unhealthy: no worker answers at http://127.0.0.1:" in check.stderr
