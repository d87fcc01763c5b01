"""The worker's Prometheus endpoint over real HTTP, and its activity logs, while an issue breaches its SLA.

A worker whose client uses a Runtime with a Prometheus endpoint on a free port runs one issue on the dev server:
opened with a phone contact no channel can reach (so informing the customer fails for good), its 2 s response
SLA warns and breaches, it escalates to l2, a specialist acknowledges and resolves it. Then the endpoint is
scraped and parsed with prometheus_client's own parser.
"""

from __future__ import annotations

import asyncio
import io
import json
import socket
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest
import structlog
from prometheus_client.parser import text_string_to_metric_families
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter

from activities.notifier import Notifier
from activities.outbox import Outbox
from config.log_context import ActivityLogContext
from domain import events as ev
from domain.issue import Category
from domain.state import IssueState
from metrics import names
from metrics.runtime import prometheus_runtime
from notifications.addresses import Addressing
from starter.client import IssueClient
from tests.reports.live import fast_policy, issue_for
from tests.workflows.helpers import idle, state_when
from workers.build import build_worker

pytestmark = pytest.mark.timeout(120)


@dataclass
class Run:
    scrape: str
    state: IssueState
    task_queue: str
    log_lines: list[dict]
    run_id: str


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _JsonLogs:
    """structlog as the worker runs it (contextvars merged, level, JSON), into a buffer; restored afterwards."""

    def __enter__(self) -> io.StringIO:
        self.saved = structlog.get_config()
        self.buffer = io.StringIO()
        structlog.configure(processors=[structlog.contextvars.merge_contextvars, structlog.processors.add_log_level,
                                        structlog.processors.JSONRenderer()],
                            logger_factory=structlog.PrintLoggerFactory(file=self.buffer),
                            cache_logger_on_first_use=False)
        return self.buffer

    def __exit__(self, *exc) -> None:
        structlog.configure(**self.saved)


@pytest.fixture(scope="module")
async def run(dev_env, executor, tmp_path_factory) -> AsyncIterator[Run]:
    address = f"127.0.0.1:{_free_port()}"
    client = await Client.connect(dev_env.client.service_client.config.target_host, runtime=prometheus_runtime(address),
                                  data_converter=pydantic_data_converter)
    task_queue = f"tq-metrics-{uuid.uuid4().hex[:8]}"
    outbox = Outbox(tmp_path_factory.mktemp("metrics-outbox") / "outbox.sqlite3")
    notifier = Notifier(addressing=Addressing("mailto://127.0.0.1:9?from=support@example.com"))  # no SMS channel
    issues = IssueClient(client, fast_policy(), task_queue)
    issue = issue_for(f"MET-{uuid.uuid4().hex[:8]}", "m-1", Category.technical, contact="+30 210 555 0100")
    with _JsonLogs() as buffer:
        async with build_worker(client, task_queue, outbox, executor, notifier=notifier,
                                interceptors=[ActivityLogContext()]):
            await issues.open(issue, request_id="req-open-1")
            await state_when(issues, issue.id, lambda s: s.escalation_count == 1, timeout=20)
            await issues.act(issue.id, ev.Acknowledge(actor="sam", request_id="req-ack-1"))
            await issues.act(issue.id, ev.Resolve(actor="sam", request_id="req-resolve-1"))
            await idle(issues.handle(issue.id))
            state = await issues.state(issue.id)
            run_id = (await issues.handle(issue.id).describe()).run_id
            scrape = await _scrape_when(address, task_queue, names.TIME_TO_RESOLUTION.name)
            await issues.handle(issue.id).terminate("test finished")
    lines = [json.loads(line) for line in buffer.getvalue().splitlines() if line.startswith("{")]
    yield Run(scrape, state, task_queue, lines, run_id)


async def _scrape_when(address: str, task_queue: str, metric: str, timeout: float = 10.0) -> str:
    """The endpoint's text once `metric` shows for `task_queue` (recording is asynchronous to the workflow)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    async with httpx.AsyncClient() as http:
        while True:
            text = (await http.get(f"http://{address}/metrics")).text
            if any(line.startswith(metric) and f'task_queue="{task_queue}"' in line for line in text.splitlines()):
                return text
            if loop.time() > deadline:
                raise AssertionError(f"{metric} for {task_queue} not scraped within {timeout}s")
            await asyncio.sleep(0.1)


def samples(run: Run, name: str, **labels: str) -> list[float]:
    """Values of the samples called `name` on this run's task queue whose labels include `labels`."""
    wanted = {"task_queue": run.task_queue, **labels}
    return [s.value for family in text_string_to_metric_families(run.scrape) for s in family.samples
            if _exposed_name(family.type, s.name) == name and wanted.items() <= s.labels.items()]


def bucket(run: Run, name: str, le: float) -> float:
    """The cumulative count of a histogram's bucket with upper bound `le` (however the bound is spelled)."""
    found = [s.value for family in text_string_to_metric_families(run.scrape) for s in family.samples
             if s.name == f"{name}_bucket" and s.labels.get("task_queue") == run.task_queue
             and float(s.labels["le"]) == le]
    assert len(found) == 1, f"no single bucket le={le} for {name}: {found}"
    return found[0]


def _exposed_name(family_type: str, sample_name: str) -> str:
    """The name on the wire: the parser adds `_total` to counter samples that (like the SDK's) go without."""
    return sample_name.removesuffix("_total") if family_type == "counter" else sample_name


def test_issue_opened_escalated_breached_and_warned_are_counted(run):
    assert samples(run, names.ISSUES_OPENED.name, category="technical", priority="normal", tier="standard",
                   level="l1") == [1]
    assert samples(run, names.SLA_WARNINGS.name, kind="response", level="l1") == [1]
    assert samples(run, names.SLA_BREACHES.name, kind="response", level="l1") == [1]
    assert samples(run, names.ESCALATIONS.name, level="l2", reason="response_sla_breach") == [1]
    assert samples(run, names.SLA_BREACHES.name, kind="resolution") == []  # never breached: no series at all


def test_notification_failures_match_what_the_issue_recorded(run):
    failures = samples(run, names.NOTIFICATION_FAILURES.name, action="inform_customer")
    assert run.state.delivery_failures >= 2  # at opening, on escalation (and on resolution)
    assert failures == [run.state.delivery_failures]


def test_time_to_first_response_and_resolution_histograms(run):
    timeline = {entry.kind: entry.at for entry in run.state.timeline}
    responded = (timeline["acknowledged"] - run.state.opened_at).total_seconds()
    resolved = (timeline["resolved"] - run.state.opened_at).total_seconds()
    for metric, seconds in ((names.TIME_TO_FIRST_RESPONSE, responded), (names.TIME_TO_RESOLUTION, resolved)):
        assert samples(run, f"{metric.name}_count") == [1]
        assert samples(run, f"{metric.name}_sum") == [pytest.approx(seconds, abs=0.01)]
        assert bucket(run, metric.name, 60) == 1  # seconds, in our own buckets
        assert bucket(run, metric.name, 1209600) == 1


def test_the_sdk_metrics_are_on_the_same_endpoint(run):
    assert samples(run, "temporal_activity_execution_failed", activity_type="inform_customer") == [
        run.state.delivery_failures]  # the SDK saw the same failures the product counted
    (tasks,) = samples(run, "temporal_workflow_task_execution_latency_count", workflow_type="IssueWorkflow")
    assert tasks >= 5  # opening, warning, breach, acknowledge, resolve: at least one workflow task each


def test_activity_logs_say_which_issue_run_and_request(run):
    informed = [line for line in run.log_lines if line.get("activity") == "inform_customer"]
    assert informed, run.log_lines
    issue_id = run.state.issue.id
    for line in informed:
        assert (line["issue_id"], line["workflow_id"], line["run_id"]) == (issue_id, f"issue-{issue_id}", run.run_id)
        assert line["level"] in ("info", "warning") and line["attempt"] >= 1
        assert line["escalation_level"] in ("l1", "l2")
    told = {(line["escalation_level"], line.get("request_id")) for line in informed}
    assert ("l1", "req-open-1") in told  # the customer was told of the opening, asked for by that request
    assert ("l2", "req-resolve-1") in told  # ... and of the resolution at l2
    logged = json.dumps(run.log_lines)
    assert "+30 210 555 0100" not in logged and "Customer m-1" not in logged
