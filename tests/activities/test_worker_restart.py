"""A worker killed with SIGKILL after a message went out, but before Temporal heard of it, then started
again: the retried activity finds the message sent and nothing reaches the customer twice.

Both workers are the real entry point (`python -m workers.main`) in subprocesses, on the dev server (a
real server, so nothing left behind can stall the shared time-skipping one), sending real mail through
apprise to a real SMTP server.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from temporalio.api.enums.v1 import EventType

from activities.outbox import Outbox
from config.settings import PROJECT_ROOT
from domain.events import EscalateUp
from starter.client import IssueClient
from tests.conftest import make_issue, short_policy
from tests.notifications.receivers import wait_until

pytestmark = pytest.mark.timeout(120)


def _only_customer_on_entry():
    """The short policy, but entering a level only informs the customer: one delivery, one mail."""
    policy = short_policy()
    routes = policy.model_dump(mode="json")["routes"]
    for level in routes[0]["levels"]:
        level["on_entry"] = {"assign": "none", "notify_staff": False, "inform_customer": True}
    return short_policy(routes=routes)


def _worker(module: str, env: dict[str, str], log: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", module], cwd=PROJECT_ROOT, env=env, start_new_session=True,
                            stdout=log.open("ab"), stderr=subprocess.STDOUT)


async def _exited(proc: subprocess.Popen, timeout: float) -> int:
    return await wait_until(lambda: proc.poll() is not None and (proc.returncode,), timeout, "worker exit")


async def test_killed_worker_after_send_does_not_send_twice(dev_env, mail_up, tmp_path):
    task_queue = f"tq-kill-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT),
           "ESCALATION_TEMPORAL_ADDRESS": dev_env.client.service_client.config.target_host,
           "ESCALATION_TASK_QUEUE": task_queue, "ESCALATION_DATA_DIR": str(tmp_path),
           "ESCALATION_SMTP_HOST": "127.0.0.1", "ESCALATION_SMTP_PORT": str(mail_up.port),
           "ESCALATION_WORKER_METRICS_PORT": "0"}
    issues = IssueClient(dev_env.client, _only_customer_on_entry(), task_queue)
    contact = f"kill-{uuid.uuid4().hex[:6]}@customer.example"
    issue = make_issue(customer=make_issue().customer.model_copy(update={"contact": contact, "language": "ru"}))
    log = tmp_path / "workers.log"

    crashing = _worker("tests.activities.crashing_worker", env, log)
    restarted = None
    try:
        await issues.open(issue)
        assert await _exited(crashing, 30) == (-signal.SIGKILL,)
        first = mail_up.to(contact)
        assert len(first) == 1 and "в течение 10 минут" in first[0].body  # it did go out, in Russian

        restarted = _worker("workers.main", env, log)
        handle = issues.handle(issue.id)

        async def retried_and_completed() -> bool:
            events = [e async for e in handle.fetch_history_events()]
            started = [e.activity_task_started_event_attributes.attempt for e in events
                       if e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED]
            done = any(e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED for e in events)
            return done and started == [2]  # the first attempt died unreported; the second completed

        # Temporal learns of the dead attempt from its 30 s start-to-close limit: this waits that out.
        deadline = asyncio.get_running_loop().time() + 60
        while not await retried_and_completed():
            assert asyncio.get_running_loop().time() < deadline, "the activity was never retried"
            await asyncio.sleep(0.5)
        assert len(mail_up.to(contact)) == 1  # the retry found it sent
        row = Outbox(tmp_path / "outbox.sqlite3").messages(issue.id)[0]
        assert (row["status"], row["attempts"]) == ("sent", 1)  # claimed once: the retry only read it

        await issues.signal(issue.id, EscalateUp(actor="ann"))
        await mail_up.wait_for(contact, 2)  # the restarted worker delivers what comes next, once
        assert len(mail_up.to(contact)) == 2
    finally:
        try:
            await issues.handle(issue.id).terminate("test finished")
        except Exception:  # never started, or already closed
            pass
        for proc in (crashing, restarted):
            if proc is not None and proc.poll() is None:
                proc.send_signal(signal.SIGINT)
                try:
                    proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
