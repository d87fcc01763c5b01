"""A small command line for opening a demo issue and sending events by hand.

    python -m starter.cli open DEMO-1 --subject "Printer on fire" --category technical
    python -m starter.cli act DEMO-1 acknowledge --actor alice
    python -m starter.cli act DEMO-1 customer_unhappy --set reason="still broken"
    python -m starter.cli show DEMO-1
    python -m starter.cli timeline DEMO-1
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys

from domain.events import EXTERNAL_EVENTS
from domain.issue import Category, Channel, Customer, Issue, Priority, Tier
from policy.loader import PolicyError, load_policy
from config.settings import get_settings
from starter.client import ActionRejected, IssueClient, IssueConflict, IssueNotFound
from starter.connect import connect


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m starter.cli", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True)
    o = sub.add_parser("open", help="open an issue")
    o.add_argument("issue_id")
    o.add_argument("--subject", default="Demo issue")
    o.add_argument("--description", default="")
    o.add_argument("--category", choices=[c.value for c in Category], default="technical")
    o.add_argument("--priority", choices=[c.value for c in Priority], default="normal")
    o.add_argument("--channel", choices=[c.value for c in Channel], default="email")
    o.add_argument("--tier", choices=[c.value for c in Tier], default="standard")
    o.add_argument("--customer-name", default="Demo Customer")
    o.add_argument("--contact", default="customer@example.com")
    o.add_argument("--language", default="en")
    o.add_argument("--timezone", default="UTC")
    a = sub.add_parser("act", help="send an action as an update and print the new state")
    a.add_argument("issue_id")
    a.add_argument("action", choices=sorted(EXTERNAL_EVENTS))
    a.add_argument("--actor", default="cli")
    a.add_argument("--set", action="append", default=[], metavar="FIELD=VALUE", help="payload field")
    a.add_argument("--signal", action="store_true", help="send as a signal (no answer)")
    for name in ("show", "timeline"):
        sub.add_parser(name).add_argument("issue_id")
    return p


async def _run(args: argparse.Namespace) -> int:
    settings = get_settings()
    issues = IssueClient(await connect(settings), load_policy(settings.policy_path), settings.task_queue)
    if args.command == "open":
        customer = Customer(id=f"cust-{args.issue_id}", name=args.customer_name, contact=args.contact,
                            tier=args.tier, language=args.language, timezone=args.timezone)
        issue = Issue(id=args.issue_id, customer=customer, channel=args.channel, category=args.category,
                      priority=args.priority, subject=args.subject, description=args.description)
        result = await issues.open(issue, actor="cli")
        print(f"{'opened' if result.created else 'already open'}: {result.workflow_id}")
        print(f"see it in the Temporal UI: {settings.ui_url}/namespaces/{settings.temporal_namespace}/workflows/{result.workflow_id}")
    elif args.command == "act":
        fields = dict(item.split("=", 1) for item in args.set)
        event = EXTERNAL_EVENTS[args.action].model_validate({**fields, "actor": args.actor})
        if args.signal:
            await issues.signal(args.issue_id, event)
            print("signal sent")
        else:
            print((await issues.act(args.issue_id, event)).model_dump_json(indent=2))
    elif args.command == "show":
        print((await issues.summary(args.issue_id)).model_dump_json(indent=2))
    else:
        for entry in await issues.timeline(args.issue_id):
            print(f"{entry.at:%Y-%m-%d %H:%M:%S} [{entry.level}] {entry.actor}: {entry.kind} - {entry.summary}")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return asyncio.run(_run(args))
    except (ActionRejected, IssueConflict, IssueNotFound, PolicyError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


def exit_now(code: int) -> None:
    """Exit without interpreter teardown: the SDK's Rust threads can abort finalisation (sdk-python#300)."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    exit_now(main())
