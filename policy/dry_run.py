"""Dry run: `python -m policy.dry_run POLICY SCENARIO` prints what would happen to an issue, and when.

Computed by the same pure core as the workflow (`rules.simulation`), with the clock events the
policy's targets, warnings, calendars and repeat intervals cause. Times are shown in the customer's
time zone (or the scenario's `show_in`). Nothing is started, sent or stored.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from domain.commands import AnyCommand
from domain.state import IssueState, Status
from policy.durations import format_duration
from policy.loader import PolicyError, load_policy
from policy.model import Policy
from policy.scenario import Scenario, ScenarioError, load_scenario
from rules import sla_clock
from rules.calendar import calendar_of
from rules.schedule import next_wakeup
from rules.simulation import Step, simulate

WHEN = 37  # width of the time column
INDENT = " " * WHEN
#: Timeline entries after which the SLA deadlines are worth showing again.
DEADLINES_MOVE = {"opened", "escalated", "handed_over", "acknowledged", "resumed", "priority_raised",
                  "policy_migrated"}


def render(policy: Policy, scenario: Scenario, *, source: str = "") -> str:
    """The whole dry run as text."""
    zone = ZoneInfo(scenario.show_in or scenario.issue.customer.timezone)
    steps = simulate(scenario.issue, policy, scenario.opened_at, scenario.timed_events(), scenario.horizon)
    issue = scenario.issue
    lines = [
        f"Policy {policy.version!r}{f' ({source})' if source else ''}",
        f"Issue {issue.id}: {issue.category.value}, {issue.priority.value} priority, {issue.customer.tier.value} "
        f"customer, via {issue.channel.value} -- {issue.subject!r}",
        f"Times in {zone.key}; looking {format_duration(scenario.until)} ahead.",
        "",
    ]
    for step in steps:
        lines.extend(_step_lines(step, scenario.opened_at, zone))
    lines.append("")
    lines.extend(_outcome(steps[-1].after, zone, len(steps)))
    return "\n".join(lines)


def _step_lines(step: Step, opened_at: datetime, zone: ZoneInfo) -> list[str]:
    when = f"{_local(step.at, zone)} +{_elapsed(step.at - opened_at)}"
    if step.rejected:
        return [f"{when:<{WHEN}}{step.event.kind} by {step.event.actor}: REJECTED, {step.rejected}"]
    before = len(step.before.timeline) if step.before is not None else 0
    out = []
    for entry in step.after.timeline[before:]:
        who = "" if entry.actor in ("service", "sla-clock") else f" [{entry.actor}]"
        out.append(f"{when if not out else '':<{WHEN}}{entry.kind}{who}: {entry.summary}")
    out.extend(f"{INDENT}-> {_command(c, zone)}" for c in step.commands)
    if any(entry.kind in DEADLINES_MOVE for entry in step.after.timeline[before:]):
        out.extend(_deadlines(step.after, step.at, zone))
    return out


def _deadlines(state: IssueState, now: datetime, zone: ZoneInfo) -> list[str]:
    """The running SLA deadlines, and the closed days of a business calendar that push them out."""
    if state.status not in (Status.open, Status.acknowledged):
        return []
    calendar = calendar_of(state)
    name = state.policy.calendar_name(state.route, state.level)
    dues = {target: sla_clock.deadline(getattr(state, target), calendar) for target in ("response", "resolution")}
    parts = [f"{target} by {_local(due, zone)}" for target, due in dues.items() if due is not None]
    if not parts:
        return []
    lines = [f"{INDENT}   SLA ({name}): {', '.join(parts)}"]
    spec = state.policy.calendar_spec(name)
    last = max(due for due in dues.values() if due is not None)
    if spec is not None:
        closed = [f"{day:%a %d %b} {why}" for day, why in sorted(spec.closed_dates().items())
                  if now.date() <= day <= last.date()]
        if closed:
            lines.append(f"{INDENT}   closed meanwhile: {'; '.join(closed)}")
    return lines


def _command(command: AnyCommand, zone: ZoneInfo) -> str:
    if command.kind == "assign":
        return f"assign an owner from team {command.team} ({command.strategy})"
    if command.kind == "notify_staff":
        return f"notify {command.role} (team {command.team}): {command.headline}"
    if command.reply_by is None:
        return f"tell the customer: {command.message}"
    return (f"tell the customer: {command.message}, now with {command.level_title}; "
            f"reply by {_local(command.reply_by, zone)}")


def _outcome(state: IssueState, zone: ZoneInfo, steps: int) -> list[str]:
    lines = [f"Outcome after {steps} steps: {state.status.value} at level {state.level_index + 1} "
             f"({state.level.name}, team {state.team}); {state.escalation_count} "
             f"escalation{'' if state.escalation_count == 1 else 's'}; "
             f"SLA {'breached' if state.ever_breached else 'met'}."]
    wake = next_wakeup(state)
    if state.status is not Status.closed and wake is not None:
        lines.append(f"Next: {wake.event.kind} at {_local(wake.at, zone)}.")
    return lines


def _local(when: datetime, zone: ZoneInfo) -> str:
    return when.astimezone(zone).strftime("%a %Y-%m-%d %H:%M %Z")


def _elapsed(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    return (f"{days}d " if days else "") + f"{hours:02d}:{minutes:02d}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m policy.dry_run", description=__doc__.splitlines()[0])
    parser.add_argument("policy", help="the policy file (YAML)")
    parser.add_argument("scenario", help="the scenario file (YAML): the issue and timed events")
    args = parser.parse_args(argv)
    try:
        scenario = load_scenario(args.scenario)
        policy = load_policy(args.policy, this_year=scenario.opened_at.year)  # holidays of the scenario's year
    except (PolicyError, ScenarioError) as exc:
        print(exc, file=sys.stderr)
        return 2
    print(render(policy, scenario, source=args.policy))
    return 0


if __name__ == "__main__":
    sys.exit(main())
