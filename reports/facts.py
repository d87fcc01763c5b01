"""What one issue's state says about its escalations, SLAs and time per level: read from its timeline. Pure.

The timeline is the record: `opened`, `escalated` and `handed_over` entries put the issue with an owner (their
summary ends "... (<level>, team <team>)"); `resolved` and `closed` end an owner's time; `acknowledged`,
`resolved` and `sla_breach` settle the SLA targets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from domain.state import IssueState, Status, TimelineEntry
from metrics.reasons import REOPENED, reason_for_entry
from rules.contacts import customer_key

OWNER_KINDS = ("opened", "escalated", "handed_over")
_TEAM = re.compile(r", team ([^)\s]+)\)$")

Outcome = Literal["met", "breached", "pending"]


@dataclass(frozen=True)
class Escalation:
    at: datetime
    reason: str
    from_team: str
    to_level: str


@dataclass(frozen=True)
class Settled:
    outcome: Outcome
    at: datetime | None = None


@dataclass
class IssueFacts:
    issue_id: str
    category: str
    customer_key: str
    opened_at: datetime
    status: Status
    escalations: list[Escalation] = field(default_factory=list)
    teams: set[str] = field(default_factory=set)  # every team that owned the issue
    escalated_from: set[str] = field(default_factory=set)  # teams it was escalated away from
    level_seconds: list[tuple[str, float]] = field(default_factory=list)  # one (level, seconds) per visit
    route_levels: tuple[str, ...] = ()  # the level names of the issue's route, in order
    response: Settled = Settled("pending")
    resolution: Settled = Settled("pending")


def issue_facts(state: IssueState, as_of: datetime) -> IssueFacts:
    """The facts of one issue; a visit still going on is counted up to `as_of`."""
    facts = IssueFacts(issue_id=state.issue.id, category=state.issue.category.value,
                       customer_key=customer_key(state.issue.customer.id), opened_at=state.opened_at,
                       status=state.status, route_levels=tuple(level.name for level in state.route.levels))
    team, visit = state.team, None  # visit: (level, since) while an owner has the issue
    previous: TimelineEntry | None = None
    for entry in state.timeline:
        if entry.kind in OWNER_KINDS:
            if entry.kind != "opened":
                reason = reason_for_entry(entry, previous)
                if reason != REOPENED:
                    facts.escalations.append(Escalation(entry.at, reason, team, entry.level))
                    facts.escalated_from.add(team)
            _end(facts, visit, entry.at)
            team = _team_of(entry, state)
            facts.teams.add(team)
            visit = (entry.level, entry.at)
        elif entry.kind in ("resolved", "closed"):
            _end(facts, visit, entry.at)
            visit = None
        _settle(facts, entry)
        previous = entry
    _end(facts, visit, as_of)
    return facts


def _end(facts: IssueFacts, visit: tuple[str, datetime] | None, at: datetime) -> None:
    if visit is not None:
        level, since = visit
        facts.level_seconds.append((level, max((at - since).total_seconds(), 0.0)))


def _settle(facts: IssueFacts, entry: TimelineEntry) -> None:
    """A target is breached if it ever was; met once answered (response) or resolved, with no breach before."""
    if entry.kind == "sla_breach":
        if entry.summary.startswith("response") and facts.response.outcome != "breached":
            facts.response = Settled("breached", entry.at)
        elif entry.summary.startswith("resolution") and facts.resolution.outcome != "breached":
            facts.resolution = Settled("breached", entry.at)
    elif entry.kind in ("acknowledged", "resolved") and facts.response.outcome == "pending":
        facts.response = Settled("met", entry.at)
    if entry.kind == "resolved" and facts.resolution.outcome == "pending":
        facts.resolution = Settled("met", entry.at)


def _team_of(entry: TimelineEntry, state: IssueState) -> str:
    """The team an owner entry put the issue with; the level's own team if the summary does not say."""
    found = _TEAM.search(entry.summary)
    if found:
        return found.group(1)
    for level in state.route.levels:
        if level.name == entry.level:
            return level.team
    return state.team
