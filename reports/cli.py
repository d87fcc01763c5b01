"""`python -m reports`: the escalation report from the running system.

    python -m reports                                   # every issue, as a table
    python -m reports --since 7d --format csv > week.csv
    python -m reports --since 2026-03-01 --until 2026-04-01 --format json --chart march.png

`--since`/`--until` take a date or ISO time (UTC unless it says otherwise) or a duration back from now
(`90m`, `24h`, `7d`). Issues count when they were opened in [since, until). The issues' worker must be
running: closed issues are read by replaying them.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import UTC, datetime
from pathlib import Path

from config.settings import get_settings
from policy.durations import parse_duration
from reports.collect import collect_states
from reports.compute import build_report
from reports.model import EscalationReport
from reports.render import FORMATS, chart_png, render
from starter.connect import connect


def parse_when(text: str, now: datetime) -> datetime:
    """A date, an ISO 8601 time (naive means UTC), or a duration back from `now` (`7d`, `24h`)."""
    try:
        return now - parse_duration(text)
    except ValueError:
        pass
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is neither a date/time (2026-03-01, 2026-03-01T09:00Z) nor a duration (90m, 24h, 7d)") from None
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def parser(now: datetime) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m reports", description="Escalation report: rates, SLA compliance, "
                                "time per level, reasons, repeat-contact customers.")
    when = lambda text: parse_when(text, now)  # noqa: E731
    p.add_argument("--since", type=when, help="issues opened at or after (date, ISO time, or 7d back)")
    p.add_argument("--until", type=when, help="issues opened before (default: no limit)")
    p.add_argument("--format", choices=FORMATS, default="table")
    p.add_argument("--chart", type=Path, metavar="OUT.png", help="also write a PNG chart of SLA compliance and "
                   "escalations over time")
    p.add_argument("--output", type=Path, help="write the report here instead of standard output")
    p.add_argument("--task-queue", help="only issues on this task queue (default: the configured one)")
    p.add_argument("--all-task-queues", action="store_true", help="issues on every task queue")
    return p


async def make_report(args: argparse.Namespace, now: datetime) -> EscalationReport:
    settings = get_settings()
    client = await connect(settings)
    task_queue = None if args.all_task_queues else (args.task_queue or settings.task_queue)
    collected = await collect_states(client, task_queue=task_queue, since=args.since)
    as_of = min(now, args.until) if args.until else now
    return build_report(collected.states, since=args.since, until=args.until, as_of=as_of,
                        unreadable=collected.unreadable)


def main(argv: list[str] | None = None) -> int:
    now = datetime.now(UTC)
    args = parser(now).parse_args(argv)
    if args.since and args.until and args.since >= args.until:
        print("error: --since must be before --until", file=sys.stderr)
        return 2
    try:
        report = asyncio.run(make_report(args, now))
    except (RuntimeError, ValueError) as exc:  # Temporal unreachable; bad connection settings
        print(f"error: {exc}", file=sys.stderr)
        return 1
    text = render(report, args.format)
    if args.output:
        args.output.write_text(text)
    else:
        sys.stdout.write(text)
    if args.chart:
        args.chart.write_bytes(chart_png(report))
        print(f"chart written to {args.chart}", file=sys.stderr)
    return 0
