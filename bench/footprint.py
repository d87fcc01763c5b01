"""Footprint: history events and payload bytes of a typical issue, worker memory with many issues open.

    .venv/bin/python -m bench.footprint --issues 10000

1. `--lifecycles` issues on the shipped default policy go open -> acknowledge -> resolve -> confirm
   (closed); their histories are counted and weighed, beside a bare workflow's (timer, one activity).
2. A fresh worker process for each kind; `--issues` workflows are opened (deadlines hours away) and
   the worker's RSS is sampled at steps, once the worker is idle: bounded by its workflow cache.
"""

from __future__ import annotations

import argparse
import asyncio
import time
import uuid
from collections.abc import Sequence

from temporalio.client import Client

from bench.baseline import BareWorkflow
from bench.fixtures import bench_issue
from bench.machine import describe_machine
from bench.population import KINDS, Population, open_far, quiet
from bench.report import emit, markdown_table, progress
from bench.server import add_server_args, dynamic_config_from
from bench.stack import Stack, bench_stack, run_bounded, wait_until
from bench.stats import summary
from bench.worker import Tuning, add_tuning_args, tuning_from
from domain import events as ev
from policy.loader import load_policy
from starter.client import IssueClient


async def weigh(client: Client, workflow_id: str) -> dict[str, int]:
    """Events, payload bytes (all payloads in the history), largest payload, whole history bytes."""
    history = await client.get_workflow_handle(workflow_id).fetch_history()
    payloads: list[int] = []

    def walk(message) -> None:  # noqa: ANN001 - any protobuf message
        if message.DESCRIPTOR.full_name == "temporal.api.common.v1.Payload":
            payloads.append(message.ByteSize())
            return
        for field, value in message.ListFields():
            if field.message_type is None:
                continue
            if field.message_type.GetOptions().map_entry:
                if field.message_type.fields_by_name["value"].message_type is not None:
                    for item in value.values():
                        walk(item)
            elif field.is_repeated:
                for item in value:
                    walk(item)
            else:
                walk(value)

    for event in history.events:
        walk(event)
    return {"events": len(history.events), "payload_bytes": sum(payloads), "largest_payload_bytes": max(payloads),
            "history_bytes": sum(e.ByteSize() for e in history.events)}


async def issue_lifecycle(stack: Stack, issues: IssueClient, issue_id: str) -> dict[str, int]:
    """open -> (owner assigned) -> acknowledge -> resolve -> confirm; the closed issue's history."""
    await issues.open(bench_issue(issue_id))

    async def assigned() -> bool:
        return (await issues.summary(issue_id)).assignee is not None

    await wait_until(assigned, 60, f"{issue_id} assigned", interval=0.1)
    for event in (ev.Acknowledge(actor="agent"), ev.Resolve(actor="agent", note="fixed"),
                  ev.CustomerConfirm(actor="portal")):
        await issues.act(issue_id, event)
    await issues.handle(issue_id).result()
    return await weigh(stack.client, f"issue-{issue_id}")


async def bare_lifecycle(stack: Stack, name: str) -> dict[str, int]:
    handle = await stack.client.start_workflow(BareWorkflow.run, args=[0.5, None], id=name, task_queue=stack.bare_queue)
    await handle.result()
    return await weigh(stack.client, name)


def per_field(rows: Sequence[dict[str, int]]) -> dict[str, dict]:
    return {key: {k: v for k, v in summary([r[key] for r in rows]).items() if k in ("p50", "max")} for key in rows[0]}


async def memory_curve(kind: str, n: int, steps: Sequence[float], args: argparse.Namespace, tuning: Tuning,
                       config: dict) -> dict:
    """A fresh worker; RSS after opening each step's share of `n` workflows and working them off."""
    async with bench_stack(tuning, config) as stack:
        await quiet(stack, timeout=30)
        curve = {"0": round(stack.worker.rss_bytes() / 2**20, 1)}
        opened = 0
        started = time.monotonic()
        for fraction in steps:
            target = int(n * fraction)
            progress(f"{kind}: opening up to {target}")
            await open_far(stack, Population(kind), f"{kind}-fp{opened}", target - opened, args.concurrency)
            opened = target
            if not await quiet(stack, timeout=args.settle):
                curve.setdefault("notes", []).append(f"not idle after {args.settle:.0f}s at {opened}")
            curve[str(opened)] = round(stack.worker.rss_bytes() / 2**20, 1)
        curve["seconds_to_open_and_settle"] = round(time.monotonic() - started, 1)
        return curve


async def main(args: argparse.Namespace) -> dict:
    tuning = tuning_from(args)
    config = dynamic_config_from(args)
    async with bench_stack(tuning, config) as stack:
        machine = describe_machine(stack.pids())
        issues = IssueClient(stack.client, load_policy(), stack.issue_queue)
        run = uuid.uuid4().hex[:6]
        progress(f"{args.lifecycles} typical lives, issue and bare")
        ours = await run_bounded(range(args.lifecycles), lambda i: issue_lifecycle(stack, issues, f"fp-{run}-{i}"), 10)
        bare = await run_bounded(range(args.lifecycles), lambda i: bare_lifecycle(stack, f"fp-bare-{run}-{i}"), 10)
    steps = [float(s) for s in args.steps.split(",")]
    memory = {kind: await memory_curve(kind, args.issues, steps, args, tuning, config) for kind in KINDS}
    report = {"benchmark": "footprint", "machine": machine, "tuning": tuning.__dict__,
              "dynamic_config": config,
              "params": {k: v for k, v in vars(args).items() if k not in tuning.__dict__ and k not in ("out", "dynamic_config")},
              "results": {"history": {"issue": per_field(ours), "bare": per_field(bare)},
                          "worker_rss_mb": memory}}
    emit(report, render(report), args.out)
    return report


def render(report: dict) -> str:
    history = report["results"]["history"]
    rows = [[kind, *(f"{history[kind][key]['p50']:,} / {history[kind][key]['max']:,}"
                     for key in ("events", "payload_bytes", "largest_payload_bytes", "history_bytes"))]
            for kind in ("issue", "bare")]
    table = markdown_table(["typical life (p50 / max)", "events", "payload bytes", "largest payload",
                            "history bytes"], rows)
    memory = report["results"]["worker_rss_mb"]
    points = [k for k in memory["issue"] if k.isdigit()]
    mem_rows = [[kind, *(f"{memory[kind].get(p, '—')}" for p in points)] for kind in KINDS]
    return (table + f"\n\nWorker RSS (MB) by workflows open (max_cached_workflows="
            f"{report['tuning']['max_cached_workflows']}):\n\n" + markdown_table(["kind", *points], mem_rows))


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--issues", type=int, default=2000, help="workflows open for the memory curve (10000 full)")
    parser.add_argument("--steps", default="0.1,0.25,0.5,1", help="fractions of --issues to sample RSS at")
    parser.add_argument("--lifecycles", type=int, default=20, help="typical issues taken from open to closed")
    parser.add_argument("--settle", type=float, default=300.0, help="longest wait for the worker to go idle")
    parser.add_argument("--concurrency", type=int, default=50, help="workflows being opened at once")
    parser.add_argument("--out", default=None, help="JSON results file (default: bench/results/footprint.json)")
    add_tuning_args(parser)
    add_server_args(parser)
    return parser.parse_args(argv)


if __name__ == "__main__":
    asyncio.run(main(parse_args()))
