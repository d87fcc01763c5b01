"""A burst: many breaches at the same instant; how long until the last escalation action started.

    .venv/bin/python -m bench.burst --breaches 1000

On one dev server and worker process, `--breaches` workflows of each kind, all due at one instant:
issues follow a business-hours calendar whose day begins at a whole minute, so every SLA clock starts
then and every response deadline is that minute plus `--target` (the Monday-morning rush); bare
workflows sleep until an instant of their own, reached and drained while the issues wait for theirs.
Drain = the last first-escalation-action start minus the instant.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from datetime import UTC, datetime, timedelta

from bench.machine import describe_machine
from bench.fixtures import bench_policy
from bench.procs import cpu_seconds
from bench.population import Population, open_one, quiet, summarize_seconds, wait_for_actions
from bench.report import emit, progress, fmt_ratio, fmt_s, markdown_table
from bench.server import add_server_args, dynamic_config_from
from bench.stack import Stack, bench_stack, run_bounded, terminate_task_queue
from bench.stats import ratio
from bench.worker import add_tuning_args, tuning_from
from policy.model import Policy

TARGET_RATIO = 1.25


def clocks_start_after(seconds: float) -> datetime:
    """The first whole UTC minute at least `seconds` from now."""
    at = datetime.now(UTC) + timedelta(seconds=seconds)
    return at.replace(second=0, microsecond=0) + timedelta(minutes=1)


async def open_burst(stack: Stack, kind: str, count: int, instant: float, policy: Policy | None,
                     args: argparse.Namespace) -> Population:
    measured = Population(kind, fixed_deadline=instant)

    async def one(i: int) -> None:
        name = f"{kind}-burst-{i}"
        measured.planned[measured.workflow_id(name)] = (instant, float(args.target))
        await open_one(stack, kind, name, 0.0, until=instant, policy=policy)

    await run_bounded(range(count), one, args.concurrency)
    return measured


async def drain(stack: Stack, measured: Population, instant: float, notes: list[str], args: argparse.Namespace) -> dict:
    """Wait for every first escalation action of `measured`, all due at `instant`; the figures."""
    if not await quiet(stack, timeout=max(instant - time.time(), 1)):
        notes.append(f"{measured.kind}: still busy when the instant came")
    cpu = {"worker": stack.worker.cpu_seconds(), "server": cpu_seconds(stack.server.pid)}
    found = await wait_for_actions(stack, measured, timeout=max(instant - time.time(), 0) + args.drain_timeout)
    await quiet(stack, timeout=args.settle)  # the rest of each escalation (its other deliveries) is done too
    actions = [m.action for m in found.values()]
    used = {"worker": stack.worker.cpu_seconds() - cpu["worker"], "server": cpu_seconds(stack.server.pid) - cpu["server"]}
    return {"breaches": len(found), "instant": datetime.fromtimestamp(instant, UTC).isoformat(),
            "drain_s": round(max(actions) - instant, 4),
            "cpu_ms_per_breach": {k: round(v / len(found) * 1000, 1) for k, v in used.items()},
            "lateness_s": summarize_seconds([m.lateness for m in found.values()]), "notes": notes}


async def run(stack: Stack, args: argparse.Namespace) -> dict[str, dict]:
    """Issues first: opened on a calendar whose day begins at minute M, so all are due at M + target. While
    they wait for M, the bare burst runs: opened, due at its own instant, drained, before M."""
    notes: list[str] = []
    bare_phase = args.breaches / args.open_rate * 2 + args.margin + args.bare_budget
    clocks_start = clocks_start_after(args.breaches / args.open_rate + args.margin + bare_phase)
    instant = clocks_start.timestamp() + args.target
    policy = bench_policy(timedelta(seconds=args.target), clocks_start=clocks_start)
    progress(f"opening {args.breaches} issues whose clocks start at {clocks_start:%H:%M} UTC")
    issues = await open_burst(stack, "issue", args.breaches, instant, policy, args)
    if not await quiet(stack, timeout=args.settle):
        notes.append("still busy from opening the issues when the bare burst began")
    bare_instant = time.time() + args.breaches / args.open_rate + args.margin
    progress(f"bare burst of {args.breaches} in {bare_instant - time.time():.0f}s")
    bare = await open_burst(stack, "bare", args.breaches, bare_instant, None, args)
    results = {"bare": await drain(stack, bare, bare_instant, [], args)}
    if time.time() > clocks_start.timestamp():
        notes.append("the bare burst was still draining when the issues' clocks started")
    progress(f"bare drained; issue burst in {instant - time.time():.0f}s")
    results["issue"] = await drain(stack, issues, instant, notes, args)
    await terminate_task_queue(stack.client, stack.issue_queue)
    return results


def render(report: dict) -> str:
    bare, ours = report["results"]["bare"], report["results"]["issue"]
    cmp = report["comparison"]
    rows = [[str(ours["breaches"]), fmt_s(bare["drain_s"]), fmt_s(ours["drain_s"]), fmt_ratio(cmp["drain"]),
             "yes" if cmp["drain_target_met"] else "no",
             f"{fmt_s(bare['lateness_s']['p50'])} / {fmt_s(bare['lateness_s']['p99'])}",
             f"{fmt_s(ours['lateness_s']['p50'])} / {fmt_s(ours['lateness_s']['p99'])}"]]
    return markdown_table(["breaches", "bare drain", "issue drain", "ratio", f"<= {TARGET_RATIO}x",
                           "bare lateness p50 / p99", "issue lateness p50 / p99"], rows)


async def main(args: argparse.Namespace) -> dict:
    tuning = tuning_from(args)
    config = dynamic_config_from(args)
    async with bench_stack(tuning, config) as stack:
        machine = describe_machine(stack.pids())
        results = await run(stack, args)
    drain = ratio(results["issue"]["drain_s"], results["bare"]["drain_s"])
    report = {"benchmark": "burst", "machine": machine, "tuning": tuning.__dict__,
              "dynamic_config": config,
              "params": {k: v for k, v in vars(args).items() if k not in tuning.__dict__ and k not in ("out", "dynamic_config")},
              "results": results,
              "comparison": {"drain": drain, "drain_target_met": drain is not None and drain <= TARGET_RATIO}}
    emit(report, render(report), args.out)
    return report


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--breaches", type=int, default=1000, help="deadlines at the same instant")
    parser.add_argument("--target", type=int, default=5, help="response target, seconds after the clocks start")
    parser.add_argument("--open-rate", type=float, default=15.0,
                        help="opens per second assumed when choosing the instant (lower: more lead)")
    parser.add_argument("--margin", type=float, default=20.0, help="spare seconds between opening and an instant")
    parser.add_argument("--bare-budget", type=float, default=60.0, help="seconds allowed for the bare burst to drain")
    parser.add_argument("--settle", type=float, default=300.0, help="longest wait for the worker to go idle")
    parser.add_argument("--concurrency", type=int, default=50, help="workflows being opened at once")
    parser.add_argument("--drain-timeout", type=float, default=300.0)
    parser.add_argument("--out", default=None, help="JSON results file (default: bench/results/burst.json)")
    add_tuning_args(parser)
    add_server_args(parser)
    return parser.parse_args(argv)


if __name__ == "__main__":
    asyncio.run(main(parse_args()))
