"""The report end to end on the dev server: issues driven through updates, read back through visibility and
the `state` query (the closed one by replay), by the library, the command and the API."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from activities.outbox import Outbox
from api import create_app
from api.tokens import add_token
from config.settings import PROJECT_ROOT
from domain import events as ev
from domain.issue import Category
from domain.state import Status
from reports import cli as report_cli
from reports.collect import collect_states
from reports.compute import build_report
from reports.model import EscalationReport
from rules.contacts import customer_key
from tests.api.conftest import Tokens, api_settings, serve
from tests.conftest import Harness, start_harness
from tests.reports.live import FAST_RESPONSE_SECONDS, fast_policy, issue_for
from tests.workflows.helpers import state_when

pytestmark = pytest.mark.timeout(120)


@dataclass
class Seeded:
    harness: Harness
    ids: dict[str, str]  # role in the story -> issue id
    since: datetime
    repeat_customer: str  # the customer id behind R1 and R2


@pytest.fixture(scope="module")
async def seeded(dev_env, executor, tmp_path_factory) -> AsyncIterator[Seeded]:
    """R1 (account, customer k1): acknowledged, resolved, confirmed: closed.
    R2 (billing, k1): escalated by an agent to l2, then handed over to finance.
    R3 (technical, k2, the fast route): its 2 s response SLA breaches and it escalates to l2."""
    outbox = Outbox(tmp_path_factory.mktemp("report-outbox") / "outbox.sqlite3")
    h = await start_harness(dev_env.client, outbox, executor, policy=fast_policy())
    since = datetime.now(UTC) - timedelta(seconds=5)
    tag = uuid.uuid4().hex[:6]
    ids = {name: f"RPT-{tag}-{name}" for name in ("R1", "R2", "R3")}
    k1, k2 = f"k1-{tag}", f"k2-{tag}"
    async with h.worker:
        await h.issues.open(issue_for(ids["R3"], k2, Category.technical))
        await h.issues.open(issue_for(ids["R1"], k1, Category.account))
        await h.issues.open(issue_for(ids["R2"], k1, Category.billing))
        await h.issues.act(ids["R1"], ev.Acknowledge(actor="ann"))
        await h.issues.act(ids["R1"], ev.Resolve(actor="ann", note="reset the password"))
        await h.issues.act(ids["R1"], ev.CustomerConfirm(actor="portal"))
        await h.issues.act(ids["R2"], ev.EscalateUp(actor="ann", reason="refund question"))
        await h.issues.act(ids["R2"], ev.HandOver(actor="sam", team="finance", reason="refund"))
        await state_when(h.issues, ids["R3"], lambda s: s.escalation_count == 1, timeout=20)
        await h.issues.handle(ids["R1"]).result()  # closed: its state is read back by replay
        yield Seeded(h, ids, since, k1)
        await h.issues.terminate_opened()


def _check_figures(report, s: Seeded) -> None:
    r1, r2 = s.ids["R1"], s.ids["R2"]
    assert (report.issues, report.closed_issues, report.active_issues) == (3, 1, 2)
    assert (report.escalated_issues, report.escalations) == (2, 3)
    assert {x.reason: x.escalations for x in report.reasons} == {
        "agent_request": 1, "hand_over": 1, "response_sla_breach": 1}
    assert {t.team: (t.issues_handled, t.escalated_away) for t in report.by_team} == {
        "support": (3, 2), "specialists": (2, 1), "finance": (1, 0)}
    sla = {(x.scope, x.target): (x.met, x.breached, x.pending) for x in report.sla}
    assert sla[("all", "response")] == (1, 1, 1) and sla[("all", "resolution")] == (1, 0, 2)
    assert sla[("technical", "response")] == (0, 1, 0)
    assert [(c.customer_key, sorted(c.issue_ids)) for c in report.repeat_customers] == [
        (customer_key(s.repeat_customer), sorted([r1, r2]))]
    levels = {lt.level: lt for lt in report.time_per_level}
    assert (levels["l1"].visits, levels["l2"].visits) == (3, 3)  # R2 at l2 twice: specialists, then finance
    assert report.unreadable == []


async def test_collect_reads_open_and_closed_issues(seeded):
    h = seeded.harness
    collected = await collect_states(h.client, task_queue=h.issues.task_queue, since=seeded.since)
    states = {s.issue.id: s for s in collected.states}
    assert set(states) == set(seeded.ids.values()) and collected.unreadable == []
    assert states[seeded.ids["R1"]].status is Status.closed  # read back by replaying the finished workflow
    report = build_report(collected.states, since=seeded.since, as_of=datetime.now(UTC))
    _check_figures(report, seeded)
    r3 = states[seeded.ids["R3"]]
    opened, escalated = r3.timeline[0].at, next(e.at for e in r3.timeline if e.kind == "escalated")
    assert FAST_RESPONSE_SECONDS <= (escalated - opened).total_seconds() < FAST_RESPONSE_SECONDS + 5


def _run_cli(seeded: Seeded, dev_env, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "ESCALATION_TEMPORAL_ADDRESS": dev_env.client.service_client.config.target_host,
           "ESCALATION_TASK_QUEUE": seeded.harness.issues.task_queue}
    return subprocess.run([sys.executable, "-m", "reports", *args], cwd=PROJECT_ROOT, env=env, capture_output=True,
                          text=True, timeout=60)


async def test_the_report_command_writes_json_and_a_chart(seeded, dev_env, tmp_path):
    chart = tmp_path / "chart.png"
    done = await asyncio.to_thread(_run_cli, seeded, dev_env, "--since", seeded.since.isoformat(),
                                   "--format", "json", "--chart", str(chart))
    assert done.returncode == 0, done.stderr
    _check_figures(EscalationReport.model_validate_json(done.stdout), seeded)
    assert chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_report_command_refuses_a_bad_window_and_reads_nothing(capsys):
    assert report_cli.main(["--since", "1h", "--until", "2h"]) == 2  # since is after until
    assert capsys.readouterr() == ("", "error: --since must be before --until\n")
    with pytest.raises(SystemExit) as stopped:
        report_cli.main(["--since", "last tuesday"])
    assert stopped.value.code == 2 and "neither a date/time" in capsys.readouterr().err


@pytest.fixture(scope="module")
def tokens(tmp_path_factory) -> Tokens:
    path = tmp_path_factory.mktemp("report-api") / "tokens.yaml"
    return Tokens(path, {role: add_token(path, f"{role}-user", role) for role in ("ops", "agent", "service")})


async def test_ops_read_the_report_over_http(seeded, tokens):
    app = create_app(api_settings(tokens), seeded.harness.issues)
    async with serve(app) as url, httpx.AsyncClient(base_url=url, timeout=60) as http:
        params = {"since": seeded.since.isoformat()}
        answer = await http.get("/reports/escalations", params=params, headers=tokens.header("ops"))
        assert answer.status_code == 200, answer.text
        _check_figures(EscalationReport.model_validate(answer.json()), seeded)
        as_csv = await http.get("/reports/escalations", params={**params, "format": "csv"},
                                headers=tokens.header("ops"))
        assert as_csv.headers["content-type"].startswith("text/csv")
        assert "summary,all,escalations,3" in as_csv.text
        chart = await http.get("/reports/escalations", params={**params, "format": "png"},
                               headers=tokens.header("ops"))
        assert chart.headers["content-type"] == "image/png" and chart.content[:4] == b"\x89PNG"
        # refused, and nothing is read
        assert (await http.get("/reports/escalations")).status_code == 401
        denied = await http.get("/reports/escalations", headers=tokens.header("agent"))
        assert denied.status_code == 403 and "ops only" in denied.json()["detail"]
        bad = await http.get("/reports/escalations", params={"since": "2026-03-02T10:00:00Z",
                                                              "until": "2026-03-01T10:00:00Z"},
                             headers=tokens.header("ops"))
        assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "until"
        ancient = await http.get("/reports/escalations", params={"since": "0502-01-30T04:49:02-19:41"},
                                 headers=tokens.header("ops"))  # found by the fuzz: visibility cannot parse it
        assert ancient.status_code == 422 and ancient.json()["detail"][0]["field"] == "since"
        assert (await http.get("/reports/escalations", params={"format": "xml"},
                               headers=tokens.header("agent"))).status_code == 403  # auth before validation
