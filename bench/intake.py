"""Intake: issues opened per second through the HTTP API and the client library, beside bare start_workflow;
and what the API adds to an agent action, beside a raw update.

    .venv/bin/python -m bench.intake --opens 2000

One dev server, one worker process (so every opened issue really runs), one API process
(`python -m api`, uvicorn) on loopback. Opening runs in rounds that alternate the three ways, each
with `--concurrency` calls in flight; a rate is the calls it completed over the time its rounds took.
Agent actions (a comment) alternate one at a time between the API and a raw `execute_update`.
"""

from __future__ import annotations

import argparse
import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path

import httpx
import yaml

from api.tokens import add_token
from bench.baseline import EmptyWorkflow
from bench.breakdown import task_problems
from bench.fixtures import bench_issue, bench_policy
from bench.machine import describe_machine
from bench.population import quiet
from bench.procs import ChildProcess
from bench.report import emit, progress, fmt_ratio, fmt_s, markdown_table
from bench.server import add_server_args, dynamic_config_from, free_port
from bench.stack import Stack, bench_stack, run_bounded, wait_until
from bench.stats import ratio, summary
from bench.worker import add_tuning_args, tuning_from
from domain import events as ev
from domain.view import IssueSummary
from starter.client import IssueClient

WAYS = ("bare start_workflow", "client library", "HTTP API")
TARGET_RATE_RATIO = 0.8
TARGET_API_OVERHEAD_S = 0.003


class ApiProcess:
    """`python -m api` on a free loopback port, with a service and an agent token."""

    def __init__(self, stack: Stack, policy_path: Path) -> None:
        root = stack.workdir / "api"
        root.mkdir(exist_ok=True)
        token_file = root / "tokens.yaml"
        self.tokens = {role: add_token(token_file, f"bench-{role}", role) for role in ("service", "agent")}
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.child = ChildProcess(["-m", "api"], root / "api.log", env={
            "ESCALATION_TEMPORAL_ADDRESS": stack.server.address, "ESCALATION_TASK_QUEUE": stack.issue_queue,
            "ESCALATION_POLICY_PATH": str(policy_path), "ESCALATION_TOKEN_FILE": str(token_file),
            "ESCALATION_API_HOST": "127.0.0.1", "ESCALATION_API_PORT": str(self.port),
            "ESCALATION_DATA_DIR": str(root)})

    async def start(self, http: httpx.AsyncClient) -> None:
        self.child.start()

        async def ready() -> bool:
            if not self.child.alive():
                raise RuntimeError(f"the API exited; see {self.child.log_path}")
            try:
                return (await http.get(f"{self.url}/readyz")).status_code == 200
            except httpx.TransportError:
                return False

        await wait_until(ready, 60, "API ready", interval=0.2)

    def headers(self, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[role]}"}


class Connections:
    """One single-connection httpx client per call in flight, lent out one call at a time.

    The load generator shares the machine's two cores with what it measures: one pooled client with many
    connections spends more CPU scanning its pool than the API spends answering (httpcore checks every
    connection for every request), which would be counted against the API."""

    def __init__(self, count: int) -> None:
        limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
        self.clients = [httpx.AsyncClient(timeout=60, limits=limits) for _ in range(count)]
        self.idle: asyncio.Queue[httpx.AsyncClient] = asyncio.Queue()
        for client in self.clients:
            self.idle.put_nowait(client)

    async def post(self, url: str, **kwargs) -> httpx.Response:
        client = await self.idle.get()
        try:
            return await client.post(url, **kwargs)
        finally:
            self.idle.put_nowait(client)

    async def aclose(self) -> None:
        for client in self.clients:
            await client.aclose()


async def timed(call: Callable[[], Awaitable[object]]) -> float:
    started = time.perf_counter()
    await call()
    return time.perf_counter() - started


async def measure_opening(stack: Stack, issues: IssueClient, api: ApiProcess, http: Connections,
                          args: argparse.Namespace) -> dict:
    run = uuid.uuid4().hex[:6]

    async def bare(i: int) -> None:
        await stack.client.start_workflow(EmptyWorkflow.run, id=f"empty-{run}-{i}", task_queue=stack.bare_queue)

    async def client_open(i: int) -> None:
        await issues.open(bench_issue(f"lib-{run}-{i}"))

    async def api_open(i: int) -> None:
        response = await http.post(f"{api.url}/issues", json=bench_issue(f"api-{run}-{i}").model_dump(mode="json"),
                                   headers=api.headers("service"))
        if response.status_code != 201:
            raise RuntimeError(f"POST /issues answered {response.status_code}: {response.text[:300]}")

    calls = dict(zip(WAYS, (bare, client_open, api_open)))
    elapsed = dict.fromkeys(WAYS, 0.0)
    latencies: dict[str, list[float]] = {way: [] for way in WAYS}
    per_round = max(args.opens // args.rounds, 1)
    for r in range(args.rounds):
        for way in (WAYS if r % 2 == 0 else tuple(reversed(WAYS))):
            numbers = range(r * per_round, (r + 1) * per_round)
            started = time.perf_counter()
            latencies[way] += await run_bounded(numbers, lambda i, c=calls[way]: timed(lambda: c(i)), args.concurrency)
            elapsed[way] += time.perf_counter() - started
    return {way: {"calls": len(latencies[way]), "per_s": round(len(latencies[way]) / elapsed[way], 1),
                  "latency_s": {k: round(v, 4) if isinstance(v, float) else v
                                for k, v in summary(latencies[way]).items()}} for way in WAYS}


async def measure_actions(stack: Stack, issues: IssueClient, api: ApiProcess, http: httpx.AsyncClient,
                          args: argparse.Namespace) -> dict:
    run = uuid.uuid4().hex[:6]
    ids = [f"act-{run}-{i}" for i in range(args.action_issues)]
    for issue_id in ids:
        await issues.open(bench_issue(issue_id))
    raw: list[float] = []
    via_api: list[float] = []
    for n in range(args.actions):
        issue_id = ids[n % len(ids)]

        async def update() -> None:
            await issues.handle(issue_id).execute_update("comment", ev.AddComment(actor="bench", text=f"raw {n}"),
                                                         result_type=IssueSummary)

        async def post() -> None:
            response = await http.post(f"{api.url}/issues/{issue_id}/comments", json={"text": f"api {n}"},
                                       headers=api.headers("agent"))
            if response.status_code != 200:
                raise RuntimeError(f"POST comments answered {response.status_code}: {response.text[:300]}")

        first, second = (update, post) if n % 2 == 0 else (post, update)
        times = (await timed(first), await timed(second))
        raw.append(times[0] if first is update else times[1])
        via_api.append(times[1] if first is update else times[0])
    problems = await task_problems(stack.client, [f"issue-{i}" for i in ids])
    return {"raw update": _rounded(summary(raw)), "HTTP API": _rounded(summary(via_api)), "histories": problems}


def _rounded(values: dict) -> dict:
    return {k: round(v, 4) if isinstance(v, float) else v for k, v in values.items()}


async def main(args: argparse.Namespace) -> dict:
    tuning = tuning_from(args)
    config = dynamic_config_from(args)
    async with bench_stack(tuning, config) as stack:
        policy = bench_policy(timedelta(hours=2))  # nothing breaches while intake is measured
        policy_path = stack.workdir / "bench-policy.yaml"
        policy_path.write_text(yaml.safe_dump(policy.model_dump(mode="json", exclude_none=True)))
        issues = IssueClient(stack.client, policy, stack.issue_queue)
        api = ApiProcess(stack, policy_path)
        connections = Connections(args.concurrency)
        try:
            async with httpx.AsyncClient(timeout=60) as http:
                await api.start(http)
                machine = describe_machine({*stack.pids(), api.child.pid})
                progress(f"opening {args.opens} per way, {args.concurrency} in flight")
                opening = await measure_opening(stack, issues, api, connections, args)
                progress("waiting for the worker to work off the opened issues")
                await quiet(stack, timeout=600)
                progress(f"{args.actions} agent actions per way")
                actions = await measure_actions(stack, issues, api, http, args)
        finally:
            await connections.aclose()
            api.child.close()
    bare_rate = opening["bare start_workflow"]["per_s"]
    overhead = actions["HTTP API"]["p50"] - actions["raw update"]["p50"]
    comparison = {
        "client_rate_ratio": ratio(opening["client library"]["per_s"], bare_rate),
        "api_rate_ratio": ratio(opening["HTTP API"]["per_s"], bare_rate),
        "api_action_overhead_p50_s": round(overhead, 4),
    }
    comparison["api_rate_target_met"] = (comparison["api_rate_ratio"] or 0) >= TARGET_RATE_RATIO
    comparison["api_overhead_target_met"] = overhead <= TARGET_API_OVERHEAD_S
    report = {"benchmark": "intake", "machine": machine, "tuning": tuning.__dict__,
              "dynamic_config": config,
              "params": {k: v for k, v in vars(args).items() if k not in tuning.__dict__ and k not in ("out", "dynamic_config")},
              "results": {"opening": opening, "agent_action": actions}, "comparison": comparison}
    emit(report, render(report), args.out)
    return report


def render(report: dict) -> str:
    opening, actions, cmp = report["results"]["opening"], report["results"]["agent_action"], report["comparison"]
    bare = opening["bare start_workflow"]["per_s"]
    rows = [[way, str(opening[way]["calls"]), f"{opening[way]['per_s']}/s", fmt_ratio(ratio(opening[way]["per_s"], bare)),
             fmt_s(opening[way]["latency_s"]["p50"]), fmt_s(opening[way]["latency_s"]["p99"])] for way in WAYS]
    table = markdown_table(["opening through", "calls", "rate", "vs bare", "latency p50", "latency p99"], rows)
    action_rows = [[way, str(actions[way]["count"]), fmt_s(actions[way]["p50"]), fmt_s(actions[way]["p99"])]
                   for way in ("raw update", "HTTP API")]
    return (table + f"\n\nAPI rate >= {TARGET_RATE_RATIO}x bare: {'yes' if cmp['api_rate_target_met'] else 'no'}\n\n"
            + markdown_table(["agent action (comment)", "n", "p50", "p99"], action_rows)
            + f"\n\nAPI adds {fmt_s(cmp['api_action_overhead_p50_s'])} at p50 (target <= 3 ms): "
            + ("yes" if cmp["api_overhead_target_met"] else "no"))


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--opens", type=int, default=1000, help="opens per way (2000 at full size)")
    parser.add_argument("--rounds", type=int, default=4, help="rounds alternating the three ways")
    parser.add_argument("--concurrency", type=int, default=20, help="calls in flight")
    parser.add_argument("--actions", type=int, default=200, help="agent actions per way")
    parser.add_argument("--action-issues", type=int, default=20, help="issues the actions are spread over")
    parser.add_argument("--out", default=None, help="JSON results file (default: bench/results/intake.json)")
    add_tuning_args(parser)
    add_server_args(parser)
    return parser.parse_args(argv)


if __name__ == "__main__":
    asyncio.run(main(parse_args()))
