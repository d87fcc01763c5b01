"""Move chosen running issues to a new policy version: `python -m policy.migrate NEW_POLICY ISSUE_ID...`.

Each issue is moved by its workflow's validated `migrate_policy` update: a move that does not fit
(the issue's route, level or owning team is missing from the new version; the issue is closed; it
already follows that version) is rejected for that issue and changes nothing. Prints one line per
issue and exits 1 if any move was rejected.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from dataclasses import dataclass

from config.settings import get_settings
from policy.loader import PolicyError, load_policy
from policy.model import Policy
from starter.client import ActionRejected, IssueClient, IssueNotFound
from starter.connect import connect


@dataclass(frozen=True)
class Outcome:
    issue_id: str
    moved: bool
    detail: str  # the new level and deadline, or why not


async def migrate_issues(issues: IssueClient, policy: Policy, issue_ids: list[str], *,
                         actor: str = "ops") -> list[Outcome]:
    """Move each issue; one at a time, so the output follows the order given."""
    outcomes = []
    for issue_id in issue_ids:
        try:
            summary = await issues.migrate_policy(issue_id, policy, actor=actor)
        except (ActionRejected, IssueNotFound) as exc:
            outcomes.append(Outcome(issue_id, False, getattr(exc, "reason", str(exc))))
            continue
        due = summary.next_deadline.strftime("%Y-%m-%d %H:%M UTC") if summary.next_deadline else "none"
        outcomes.append(Outcome(issue_id, True, f"now on {summary.policy_version!r} at {summary.level}; "
                                                f"next deadline {due}"))
    return outcomes


async def _run(args: argparse.Namespace) -> int:
    try:
        policy = load_policy(args.policy)
    except PolicyError as exc:
        print(exc, file=sys.stderr)
        return 2
    settings = get_settings()
    client = await connect(settings)
    issues = IssueClient(client, policy, settings.task_queue)
    outcomes = await migrate_issues(issues, policy, args.issue_ids, actor=args.actor)
    for outcome in outcomes:
        print(f"{outcome.issue_id}: {'moved' if outcome.moved else 'REJECTED'}, {outcome.detail}")
    return 0 if all(o.moved for o in outcomes) else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m policy.migrate", description=__doc__.splitlines()[0])
    parser.add_argument("policy", help="the new policy file (YAML)")
    parser.add_argument("issue_ids", nargs="+", metavar="ISSUE_ID")
    parser.add_argument("--actor", default="ops", help="who moves them (recorded on each timeline)")
    return asyncio.run(_run(parser.parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main())
