"""Make the README's pictures from a real run: `.venv/bin/python docs/make_screenshots.py` (about 3 minutes).

Starts the dev server with its UI on free ports, a worker in this process, and a demo policy whose SLAs run in
seconds. Opens a dozen issues over two minutes (some answered in time, some left to breach, one handed over,
one customer unhappy), then:

- docs/img/issue-history.png: the Temporal UI page of the story issue (headless Chromium;
  Debian: `apt-get install -y chromium`);
- docs/img/report-chart.png and docs/img/report.txt: the escalation report of the run.
"""

from __future__ import annotations

import asyncio
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from temporalio.contrib.pydantic import pydantic_data_converter  # noqa: E402
from temporalio.testing import WorkflowEnvironment  # noqa: E402

from activities.outbox import Outbox  # noqa: E402
from devstack.server import dev_server_args, find_binary  # noqa: E402
from domain import events as ev  # noqa: E402
from domain.issue import Category, Channel, Customer, Issue, Priority, Tier  # noqa: E402
from policy.loader import parse_policy  # noqa: E402
from reports.collect import collect_states  # noqa: E402
from reports.compute import build_report  # noqa: E402
from reports.render import chart_png, to_table  # noqa: E402
from starter.client import ActionRejected, IssueClient  # noqa: E402
from workers.build import build_worker  # noqa: E402

IMG = ROOT / "docs" / "img"
STORY_ID = "DEMO-ROUTER-7"

DEMO_POLICY = {
    "version": "demo-seconds", "confirm_window": "10m", "repeat_every": "20s",
    "teams": {"support": {"title": "Support", "members": ["ann", "ben"]},
              "engineering": {"title": "Engineering", "members": ["sam", "sid"]},
              "finance": {"title": "Finance", "members": ["fay"]},
              "management": {"title": "Management", "members": ["mia"]}},
    "routes": [{"name": "main", "levels": [
        {"name": "l1", "title": "a support agent", "team": "support", "role": "agent",
         "targets": {"response": "20s", "resolution": "2m"}, "warn_at_percent": 50},
        {"name": "l2", "title": "a service engineer", "team": "engineering", "role": "engineer",
         "targets": {"response": "30s", "resolution": "3m"}, "warn_at_percent": 50},
        {"name": "l3", "title": "the support manager", "team": "management", "role": "manager",
         "targets": {"response": "40s", "resolution": "5m"}, "warn_at_percent": None},
    ]}],
    "rules": [{"name": "key clients start at l2", "when": {"tier": ["key"]}, "route": "main", "start_level": "l2"}],
    "default_route": "main",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def issue(issue_id: str, customer: str, category: Category, tier: Tier = Tier.standard,
          subject: str = "Router keeps rebooting") -> Issue:
    return Issue(id=issue_id, customer=Customer(id=customer, name=f"Customer {customer}",
                                                contact=f"{customer}@example.com", tier=tier),
                 channel=Channel.email, category=category, priority=Priority.normal, subject=subject)


async def story(issues: IssueClient) -> None:
    """The pictured issue: breach at l1 -> engineer; acknowledged; customer unhappy -> manager; resolved; closed."""
    await issues.open(issue(STORY_ID, "cust-1", Category.technical), request_id="req-helpdesk-1")
    await asyncio.sleep(5)
    await issues.act(STORY_ID, ev.AddComment(actor="ann", text="asked for the router log", request_id="req-2"))
    await asyncio.sleep(18)  # the 20 s response SLA breaches: escalated to an engineer
    await issues.act(STORY_ID, ev.Acknowledge(actor="sam", request_id="req-3"))
    await asyncio.sleep(6)
    await issues.act(STORY_ID, ev.CustomerUnhappy(actor="portal", reason="third reboot today", request_id="req-4"))
    await asyncio.sleep(10)
    await issues.act(STORY_ID, ev.Acknowledge(actor="mia", request_id="req-5"))
    await asyncio.sleep(8)
    await issues.act(STORY_ID, ev.Resolve(actor="mia", note="replaced the power supply", request_id="req-6"))
    await asyncio.sleep(4)
    # closed: the UI shows a finished history (a running one keeps a long poll open, and headless Chromium's
    # virtual time would wait on it forever)
    await issues.act(STORY_ID, ev.CustomerConfirm(actor="portal", request_id="req-7"))


async def others(issues: IssueClient, rng: random.Random) -> None:
    """A dozen more issues, one every ~8 s, each answered in time or left to breach."""
    categories = [Category.technical, Category.billing, Category.delivery, Category.account]
    for n in range(12):
        issue_id = f"DEMO-{n + 1:02d}"
        customer = f"cust-{rng.choice([1, 2, 3, 4, 5, 6, 7, 8])}"
        tier = Tier.key if n % 5 == 4 else Tier.standard
        await issues.open(issue(issue_id, customer, categories[n % 4], tier, subject="demo"))
        asyncio.create_task(follow(issues, issue_id, n, rng.random()))
        await asyncio.sleep(8)


async def follow(issues: IssueClient, issue_id: str, n: int, luck: float) -> None:
    try:
        await act_on(issues, issue_id, n, luck)
    except ActionRejected as exc:  # the clock got there first; that is part of the story too
        print(f"{issue_id}: {exc.reason}")


async def act_on(issues: IssueClient, issue_id: str, n: int, luck: float) -> None:
    if luck < 0.45:  # answered in time, resolved
        await asyncio.sleep(5 + 10 * luck)
        await issues.act(issue_id, ev.Acknowledge(actor="ben"))
        await asyncio.sleep(10)
        await issues.act(issue_id, ev.Resolve(actor="ben"))
    elif n % 4 == 1:  # billing: handed over to finance
        await asyncio.sleep(6)
        await issues.act(issue_id, ev.HandOver(actor="ann", team="finance", reason="refund"))
    elif luck < 0.6:
        await asyncio.sleep(4)
        await issues.act(issue_id, ev.EscalateUp(actor="ann", reason="needs an engineer"))
    # otherwise: nobody answers; the SLA clock escalates it


def screenshot(url: str, out: Path) -> None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if chromium is None:
        raise SystemExit("chromium not found (Debian: apt-get install -y chromium)")
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                        "--disable-background-networking", "--disable-component-update", "--disable-sync",
                        f"--user-data-dir={profile}", "--window-size=1400,1600", "--virtual-time-budget=15000",
                        # outside hosts fail at once: a request left hanging would hold virtual time forever
                        "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
                        f"--screenshot={out}", url], check=True, capture_output=True, timeout=120)


async def main() -> None:
    IMG.mkdir(parents=True, exist_ok=True)
    ui_port = free_port()
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=find_binary("temporal"), data_converter=pydantic_data_converter, ui=True,
        ui_port=ui_port, dev_server_extra_args=dev_server_args(None))
    task_queue = f"demo-{uuid.uuid4().hex[:6]}"
    issues = IssueClient(env.client, parse_policy(DEMO_POLICY), task_queue)
    since = datetime.now(UTC)
    try:
        with tempfile.TemporaryDirectory() as tmp, ThreadPoolExecutor(8) as executor:
            async with build_worker(env.client, task_queue, Outbox(Path(tmp) / "outbox.sqlite3"), executor):
                await asyncio.gather(story(issues), others(issues, random.Random(7)))
                await asyncio.sleep(45)  # let the clocks of the last issues run
                # in a thread: the worker on this event loop must answer the UI's queries meanwhile
                await asyncio.to_thread(screenshot, f"http://127.0.0.1:{ui_port}/namespaces/default/workflows/"
                                        f"issue-{STORY_ID}", IMG / "issue-history.png")
                collected = await collect_states(env.client, task_queue=task_queue, since=since)
        report = build_report(collected.states, since=since, as_of=datetime.now(UTC), unreadable=collected.unreadable)
        (IMG / "report-chart.png").write_bytes(chart_png(report))
        (IMG / "report.txt").write_text(to_table(report))
        print(to_table(report))
        print(f"wrote {IMG / 'issue-history.png'}, {IMG / 'report-chart.png'}, {IMG / 'report.txt'}")
    finally:
        await env.shutdown()


if __name__ == "__main__":
    asyncio.run(main())
    from starter.cli import exit_now

    exit_now(0)
