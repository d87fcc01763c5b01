"""Pydantic model of a policy file. Validation errors name the path inside the file."""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from domain.issue import Category, Channel, Issue, Priority, Tier
from policy.durations import Duration

Name = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]{0,63}$")]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class EscalationKind(StrEnum):
    functional = "functional"  # a team or department takes over
    hierarchical = "hierarchical"  # a more senior role takes over


class Assignment(StrEnum):
    round_robin = "round_robin"
    on_call = "on_call"
    none = "none"


class Team(Strict):
    title: str
    members: list[str] = Field(default_factory=list)


class Targets(Strict):
    response: Duration
    resolution: Duration

    @model_validator(mode="after")
    def _positive(self) -> Targets:
        if self.response <= timedelta(0) or self.resolution <= timedelta(0):
            raise ValueError("targets must be longer than zero")
        if self.response > self.resolution:
            raise ValueError("response target must not be longer than the resolution target")
        return self


class OnEntry(Strict):
    assign: Assignment = Assignment.round_robin
    notify_staff: bool = True
    inform_customer: bool = True


class Level(Strict):
    """One step of a route: who owns the issue, and how long they have."""

    name: Name
    title: str = Field(description="how the customer hears of the owner, e.g. 'a service engineer'")
    kind: EscalationKind = EscalationKind.hierarchical
    team: Name
    role: str
    targets: Targets
    by_priority: dict[Priority, Targets] = Field(default_factory=dict)
    warn_at_percent: int | None = Field(default=75, ge=1, le=99)
    on_entry: OnEntry = OnEntry()
    repeat_every: Duration | None = Field(default=None, description="re-notify interval when overdue at the top")

    def targets_for(self, priority: Priority) -> Targets:
        return self.by_priority.get(priority, self.targets)


class Route(Strict):
    name: Name
    levels: list[Level] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_levels(self) -> Route:
        names = [level.name for level in self.levels]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f"level names repeat in route {self.name!r}: {', '.join(duplicates)}")
        return self


class Match(Strict):
    """All listed fields must match; an empty list or a missing field matches anything."""

    category: list[Category] = Field(default_factory=list)
    priority: list[Priority] = Field(default_factory=list)
    tier: list[Tier] = Field(default_factory=list)
    channel: list[Channel] = Field(default_factory=list)

    def matches(self, issue: Issue) -> bool:
        checks = (
            (self.category, issue.category),
            (self.priority, issue.priority),
            (self.tier, issue.customer.tier),
            (self.channel, issue.channel),
        )
        return all(not allowed or value in allowed for allowed, value in checks)


class Rule(Strict):
    name: str
    when: Match = Match()
    route: Name
    start_level: Name | None = Field(default=None, description="enter the route at this level")


class Policy(Strict):
    """A whole policy file."""

    version: str = Field(min_length=1, max_length=64)
    teams: dict[Name, Team]
    routes: list[Route] = Field(min_length=1)
    rules: list[Rule] = Field(default_factory=list)
    default_route: Name
    confirm_window: Duration = timedelta(days=3)
    repeat_every: Duration = timedelta(minutes=30)

    def route(self, name: str) -> Route:
        for route in self.routes:
            if route.name == name:
                return route
        raise KeyError(name)

    @model_validator(mode="after")
    def _references_resolve(self) -> Policy:
        route_names = [r.name for r in self.routes]
        problems: list[str] = []
        if len(set(route_names)) != len(route_names):
            problems.append("route names repeat")
        if self.default_route not in route_names:
            problems.append(f"default_route {self.default_route!r} is not a route")
        for route in self.routes:
            for level in route.levels:
                if level.team not in self.teams:
                    problems.append(f"route {route.name!r} level {level.name!r}: unknown team {level.team!r}")
        for index, rule in enumerate(self.rules):
            if rule.route not in route_names:
                problems.append(f"rules[{index}] ({rule.name}): unknown route {rule.route!r}")
            elif rule.start_level and rule.start_level not in [lv.name for lv in self.route(rule.route).levels]:
                problems.append(f"rules[{index}] ({rule.name}): route {rule.route!r} has no level {rule.start_level!r}")
        if problems:
            raise ValueError("; ".join(problems))
        return self
