"""Escalation lateness at a sustained breach rate, beside a bare Temporal workflow on the same server.

    .venv/bin/python -m bench.lateness --issues 10000 --rates 10,20

For each kind (bare: one timer then one activity; issue: the real workflow and delivery activities),
on one dev server and worker process, `--issues` workflows are open when the deadlines come:

1. calibrate: open a slice of the background at full speed, wait until the worker is idle: the rate;
2. open the measured workflows, `rate x --window` per rate, paced at `rate` per second, each `lead`
   seconds before its deadline (policy targets count whole seconds, so pacing places the deadlines);
3. open the rest of the background (deadlines hours away) at full speed, so that, as in production,
   the issues that breach were opened long before and the worker's cache has moved on;
4. wait for every measured workflow's first escalation action: lateness = its start - the deadline.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import time

from bench.breakdown import STAGES, breakdown
from bench.machine import describe_machine
from bench.procs import cpu_seconds
from bench.population import KINDS, Population, open_far, open_paced, quiet, summarize_seconds, wait_for_actions
from bench.report import emit, progress, fmt_ratio, fmt_s, markdown_table
from bench.server import add_server_args, dynamic_config_from
from bench.stack import Stack, bench_stack, terminate_task_queue
from bench.stats import ratio
from bench.worker import Tuning, add_tuning_args, tuning_from

TARGET_RATIO = 1.25


def plan_windows(rates: list[int], window: float, gap: float, first: float) -> dict[int, list[float]]:
    """Deadlines (epoch seconds) per rate: `rate` per second for `window` seconds, windows `gap` apart."""
    plan: dict[int, list[float]] = {}
    start = first
    for rate in rates:
        plan[rate] = [start + i / rate for i in range(int(rate * window))]
        start += window + gap
    return plan


async def calibrate(stack: Stack, kind: str, count: int, args: argparse.Namespace) -> float:
    """Workflows opened and worked off per second, at full speed (opens `count` of the background)."""
    started = time.monotonic()
    await open_far(stack, Population(kind), f"{kind}-cal", count, args.concurrency)
    await quiet(stack, timeout=args.settle)
    return count / (time.monotonic() - started)


async def run_kind(stack: Stack, kind: str, args: argparse.Namespace) -> dict:
    """One kind's population, its windows, its lateness per rate; the population is terminated at the end."""
    notes: list[str] = []
    measured_count = sum(int(rate * args.window) for rate in args.rates)
    background = max(args.issues - measured_count, 0)
    calibration = min(background, max(50, background // 20))
    progress(f"{kind}: calibrating on {calibration} of {background} background workflows")
    rate = await calibrate(stack, kind, calibration, args) if calibration else 50.0
    paced = len(args.rates) * args.window + (len(args.rates) - 1) * args.gap
    lead = math.ceil(paced + (background - calibration) / rate * 1.5 + args.margin)
    plan = plan_windows(args.rates, args.window, args.gap, time.time() + lead + 1)
    names = {r: [f"{kind}-r{r}-{i}" for i in range(len(d))] for r, d in plan.items()}
    measured = Population(kind)
    progress(f"{kind}: {rate:.0f}/s opened and settled; opening {measured_count} measured workflows paced, "
             f"{lead}s before their deadlines, then {background - calibration} more in the background")
    await open_paced(stack, measured, [n for r in args.rates for n in names[r]], [d for r in args.rates for d in plan[r]],
                     lead)
    await open_far(stack, Population(kind), f"{kind}-bg", background - calibration, args.concurrency)
    first_deadline = plan[args.rates[0]][0]
    if not await quiet(stack, timeout=max(first_deadline - time.time(), 1)):
        notes.append(f"{kind}: worker or server still busy from opening when the first deadline came")
    rss_open = stack.worker.rss_bytes()
    progress(f"{kind}: all open; first deadline in {first_deadline - time.time():.0f}s")
    cpu_before, server_cpu_before = stack.worker.cpu_seconds(), cpu_seconds(stack.server.pid)
    last = plan[args.rates[-1]][-1]
    found = await wait_for_actions(stack, measured, timeout=max(last - time.time(), 0) + args.drain_timeout)
    lateness: dict[str, dict] = {}
    stages: dict[str, dict] = {}
    for r in args.rates:
        values = [(measured.workflow_id(n), found[measured.workflow_id(n)]) for n in names[r]]
        lateness[str(r)] = summarize_seconds([m.lateness for _, m in values])
        sample = values[:: max(len(values) // args.breakdown_sample, 1)]
        stages[str(r)] = await breakdown(stack.client, [(wid, m.deadline, m.action) for wid, m in sample])
    result = {
        "open": background + measured_count, "opened_and_settled_per_s": round(rate, 1), "lead_s": lead,
        "worker_rss_mb": {"all_open": _mb(rss_open), "after_windows": _mb(stack.worker.rss_bytes())},
        "cpu_s_during_windows": {"worker": round(stack.worker.cpu_seconds() - cpu_before, 1),
                                 "server": round(cpu_seconds(stack.server.pid) - server_cpu_before, 1)},
        "lateness_s": lateness, "stages_s": stages, "notes": notes,
    }
    progress(f"{kind}: measured; terminating its workflows")
    await terminate_task_queue(stack.client, stack.issue_queue if kind == "issue" else stack.bare_queue)
    return result


def _mb(value: int) -> float:
    return round(value / 2**20, 1)


def compare(results: dict, rates: list[int]) -> dict[str, dict]:
    out = {}
    for r in rates:
        bare, ours = results["bare"]["lateness_s"][str(r)], results["issue"]["lateness_s"][str(r)]
        ratios: dict = {k: ratio(ours[k], bare[k]) for k in ("p50", "p99", "max")}
        ratios["p99_target_met"] = ratios["p99"] is not None and ratios["p99"] <= TARGET_RATIO
        out[str(r)] = ratios
    return out


def render(report: dict) -> str:
    rows = []
    for r in report["params"]["rates"]:
        bare = report["results"]["bare"]["lateness_s"][str(r)]
        ours = report["results"]["issue"]["lateness_s"][str(r)]
        cmp = report["comparison"][str(r)]
        rows.append([f"{r}/s", str(ours["count"]), fmt_s(bare["p50"]), fmt_s(bare["p99"]), fmt_s(bare["max"]),
                     fmt_s(ours["p50"]), fmt_s(ours["p99"]), fmt_s(ours["max"]), fmt_ratio(cmp["p99"]),
                     "yes" if cmp["p99_target_met"] else "no"])
    table = markdown_table(["breaches", "n", "bare p50", "bare p99", "bare max", "issue p50", "issue p99",
                            "issue max", "p99 ratio", f"<= {TARGET_RATIO}x"], rows)
    stage_rows = []
    for r in report["params"]["rates"]:
        for kind in KINDS:
            stages = report["results"][kind]["stages_s"][str(r)]
            if stages:
                stage_rows.append([f"{r}/s", kind, *(f"{fmt_s(stages[s]['p50'])} / {fmt_s(stages[s]['p99'])}"
                                                     for s in STAGES)])
    return table + "\n\nWhere the time goes (p50 / p99, from sampled histories):\n\n" + markdown_table(
        ["breaches", "kind", *STAGES], stage_rows)


async def main(args: argparse.Namespace) -> dict:
    tuning = tuning_from(args)
    config = dynamic_config_from(args)
    async with bench_stack(tuning, config) as stack:
        machine = describe_machine(stack.pids())
        results = {kind: await run_kind(stack, kind, args) for kind in KINDS}
    report = {"benchmark": "lateness", "machine": machine, "tuning": tuning.__dict__,
              "dynamic_config": config,
              "params": {k: v for k, v in vars(args).items() if k not in tuning.__dict__ and k not in ("out", "dynamic_config")},
              "results": results, "comparison": compare(results, args.rates)}
    emit(report, render(report), args.out)
    return report


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--issues", type=int, default=1000, help="workflows open per kind (10000 at full size)")
    parser.add_argument("--rates", type=lambda s: [int(x) for x in s.split(",")], default=[10, 20],
                        help="breaches per second, one window each")
    parser.add_argument("--window", type=float, default=60.0, help="seconds each rate is sustained")
    parser.add_argument("--gap", type=float, default=20.0, help="seconds between windows")
    parser.add_argument("--margin", type=float, default=30.0, help="spare seconds in the lead before the first deadline")
    parser.add_argument("--settle", type=float, default=300.0, help="longest wait for the worker to go idle")
    parser.add_argument("--concurrency", type=int, default=50, help="workflows being opened at once")
    parser.add_argument("--breakdown-sample", type=int, default=100,
                        help="histories per rate read to split lateness into stages")
    parser.add_argument("--drain-timeout", type=float, default=180.0)
    parser.add_argument("--out", default=None, help="JSON results file (default: bench/results/lateness.json)")
    add_tuning_args(parser)
    add_server_args(parser)
    return parser.parse_args(argv)


if __name__ == "__main__":
    asyncio.run(main(parse_args()))
