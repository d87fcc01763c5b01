"""Moving a running issue to another policy version: an explicit, validated, pure operation.

The move keeps the issue where it is (same route name, same level name) and the SLA time already
used; only the targets, calendars and later levels change. A move that cannot keep the issue where
it is raises `IncompatiblePolicy` and changes nothing.
"""

from __future__ import annotations

from datetime import datetime

from domain.state import IssueState, Status, TimelineEntry
from policy.durations import format_duration
from policy.model import Policy
from rules import sla_clock
from rules.calendar import calendar_for_level, calendar_of
from rules.escalation import Decision, InvalidAction


class IncompatiblePolicy(InvalidAction):
    """The new policy version cannot take over this issue as it stands."""


def check_migration(state: IssueState, policy: Policy) -> None:
    """Raise IncompatiblePolicy with every reason the move is impossible."""
    reasons = []
    if policy.version == state.policy.version:
        reasons.append(f"the issue already follows policy version {policy.version!r}")
    if state.status is Status.closed:
        reasons.append("the issue is closed")
    route_names = [route.name for route in policy.routes]
    if state.route_name not in route_names:
        reasons.append(f"version {policy.version!r} has no route {state.route_name!r}")
    elif state.level.name not in [level.name for level in policy.route(state.route_name).levels]:
        reasons.append(f"route {state.route_name!r} of version {policy.version!r} has no level {state.level.name!r}")
    if state.team not in policy.teams:
        reasons.append(f"version {policy.version!r} has no team {state.team!r}, which owns the issue")
    if reasons:
        raise IncompatiblePolicy("cannot move to the new policy: " + "; ".join(reasons))


def migrate_policy(state: IssueState, policy: Policy, now: datetime, *, actor: str = "ops",
                   request_id: str | None = None) -> Decision:
    """The issue under `policy`, same place and same time used; raises IncompatiblePolicy."""
    check_migration(state, policy)
    old_version, old_targets = state.policy.version, (state.response.target, state.resolution.target)
    old_calendar = calendar_of(state)
    new = state.model_copy(deep=True)
    route = policy.route(state.route_name)
    index = [level.name for level in route.levels].index(state.level.name)
    level = route.levels[index]
    targets = level.targets_for(state.priority)
    new_calendar = calendar_for_level(policy, route, level)
    timers = {}
    for name, target in (("response", targets.response), ("resolution", targets.resolution)):
        timer = getattr(state, name)
        running = timer.running_since is not None
        timer = sla_clock.pause(timer, now, old_calendar)  # time used so far counts by the old calendar
        timer = sla_clock.retarget(timer, target, warn_after=level.warn_after(target), now=now, calendar=new_calendar)
        timers[name] = sla_clock.resume(timer, now) if running else timer
    new.policy, new.level_index = policy, index
    new.response, new.resolution = timers["response"], timers["resolution"]
    changes = [f"{name} target {format_duration(old)} -> {format_duration(getattr(new, name).target)}"
               for name, old in zip(("response", "resolution"), old_targets) if old != getattr(new, name).target]
    new.timeline.append(TimelineEntry(
        seq=len(new.timeline) + 1, at=now, actor=actor, kind="policy_migrated", level=level.name,
        request_id=request_id,
        summary=f"moved from policy {old_version!r} to {policy.version!r}"
                + (f" ({'; '.join(changes)})" if changes else " (targets unchanged)")))
    return Decision(new, ())
