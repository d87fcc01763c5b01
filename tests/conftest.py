"""Shared fixtures: real Temporal servers (time-skipping and dev), a worker, an outbox, issue factories."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import pytest
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from activities.outbox import Outbox
from devstack.server import dev_server_args, find_binary
from domain.issue import Category, Channel, Customer, Issue, Priority, Tier
from policy.loader import load_policy, parse_policy
from policy.model import Policy
from starter.client import IssueClient
from workers.build import build_worker
from workflows.issue_workflow import WorkflowOptions

TESTS = Path(__file__).parent


@pytest.fixture(scope="session")
async def time_env() -> AsyncIterator[WorkflowEnvironment]:
    """The Java time-skipping test server: hours of SLA pass in milliseconds."""
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=find_binary("temporal-test-server"), data_converter=pydantic_data_converter)
    yield env
    await env.shutdown()


@pytest.fixture(scope="session")
async def dev_env(tmp_path_factory) -> AsyncIterator[WorkflowEnvironment]:
    """The CLI's dev server with our search attributes registered by our own start-up code."""
    db = tmp_path_factory.mktemp("temporal") / "temporal.db"
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=find_binary("temporal"), data_converter=pydantic_data_converter,
        dev_server_extra_args=dev_server_args(db), ui=False)
    yield env
    await env.shutdown()


@pytest.fixture(scope="session")
def executor():
    with ThreadPoolExecutor(max_workers=16) as pool:
        yield pool


@pytest.fixture
def outbox(tmp_path) -> Outbox:
    return Outbox(tmp_path / "outbox.sqlite3")


def short_policy(**overrides) -> Policy:
    """A policy with round numbers: L1 10m/1h, L2 20m/2h, L3 30m/3h (top, repeat 15m); warnings at 50%."""
    raw = {
        "version": "test-1", "confirm_window": "1d", "repeat_every": "15m",
        "teams": {"support": {"title": "Support", "members": ["ann", "ben"]},
                  "specialists": {"title": "Specialists", "members": ["sam"]},
                  "finance": {"title": "Finance", "members": ["fay"], "customer_title": "our finance department"},
                  "management": {"title": "Management", "members": []}},
        "routes": [{"name": "main", "levels": [
            {"name": "l1", "title": "a support agent", "team": "support", "role": "agent",
             "targets": {"response": "10m", "resolution": "1h"}, "warn_at_percent": 50,
             "by_priority": {"urgent": {"response": "5m", "resolution": "30m"}}},
            {"name": "l2", "title": "a specialist", "team": "specialists", "role": "specialist",
             "targets": {"response": "20m", "resolution": "2h"}, "warn_at_percent": 50},
            {"name": "l3", "title": "the support manager", "team": "management", "role": "manager",
             "targets": {"response": "30m", "resolution": "3h"}, "warn_at_percent": None},
        ]}],
        "rules": [{"name": "key clients start at l2", "when": {"tier": ["key"]}, "route": "main", "start_level": "l2"}],
        "default_route": "main",
    }
    raw.update(overrides)
    return parse_policy(raw)


def make_issue(issue_id: str | None = None, **overrides) -> Issue:
    customer = Customer(id="c-1", name="Maria Papadopoulou", contact="maria@example.com",
                        tier=overrides.pop("tier", Tier.standard), language="el", timezone="Europe/Athens")
    fields = dict(id=issue_id or f"T-{uuid.uuid4().hex[:12]}", customer=customer, channel=Channel.email,
                  category=Category.technical, priority=Priority.normal, subject="Router keeps rebooting",
                  description="Since the update the router reboots every hour.")
    fields.update(overrides)
    return Issue(**fields)


class TrackingIssueClient(IssueClient):
    """The client library, remembering what it opened so a test can clean up after itself."""

    opened: list[str]

    async def open(self, issue: Issue, **kwargs):
        self.__dict__.setdefault("opened", []).append(issue.id)
        return await super().open(issue, **kwargs)

    async def terminate_opened(self) -> None:
        for issue_id in self.__dict__.get("opened", []):
            try:
                await self.handle(issue_id).terminate("test finished")
            except Exception:  # already closed or never started
                pass


class Harness:
    """A running worker plus the client library, on one server."""

    def __init__(self, client: Client, issues: IssueClient, outbox: Outbox, worker: Worker) -> None:
        self.client, self.issues, self.outbox, self.worker = client, issues, outbox, worker


async def start_harness(client: Client, outbox: Outbox, executor, policy: Policy | None = None,
                        options: WorkflowOptions | None = None):
    task_queue = f"tq-{uuid.uuid4().hex[:8]}"
    worker = build_worker(client, task_queue, outbox, executor)
    issues = TrackingIssueClient(client, policy or short_policy(), task_queue, options)
    return Harness(client, issues, outbox, worker)


@pytest.fixture(scope="session")
def session_outbox(tmp_path_factory) -> Outbox:
    return Outbox(tmp_path_factory.mktemp("outbox") / "outbox.sqlite3")


@pytest.fixture(scope="session")
async def ts_session(time_env, session_outbox, executor) -> AsyncIterator[Harness]:
    """One worker for every time-skipping test: the test server does not like workers coming and going."""
    h = await start_harness(time_env.client, session_outbox, executor,
                            options=WorkflowOptions(upsert_search_attributes=False))
    async with h.worker:
        yield h


@pytest.fixture
def ts(ts_session) -> Harness:
    """Time-skipping harness (no custom search attributes there). Issues are left running for the shared
    worker: terminating workflows on the Java test server makes later updates hang."""
    return ts_session


@pytest.fixture
async def dev(dev_env, outbox, executor) -> AsyncIterator[Harness]:
    h = await start_harness(dev_env.client, outbox, executor)
    async with h.worker:
        yield h
        await h.issues.terminate_opened()


MINUTE = timedelta(minutes=1)
