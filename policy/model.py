"""Pydantic model of a policy file. Validation errors name the path inside the file."""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from domain.issue import Category, Channel, Issue, Priority, Tier
from policy.calendars import ALWAYS, CalendarRef, CalendarSpec
from policy.durations import Duration
from policy.errors import dotted
from policy.triggers import Triggers

Name = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]{0,63}$")]


class PolicyProblems(ValueError):
    """Cross-reference problems, each with its path inside the file (the loader reports them one by one)."""

    def __init__(self, problems: list[tuple[tuple[str | int, ...], str]]) -> None:
        super().__init__("; ".join(f"{dotted(loc)}: {msg}" for loc, msg in problems))
        self.problems = problems


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
    customer_title: str | None = Field(default=None, description="how the customer hears of this team after a "
                                       "hand-over, e.g. 'our finance department'; the title otherwise")

    @property
    def told_as(self) -> str:
        return self.customer_title or self.title


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
    warn_before: Duration | None = Field(default=None, description="warn when this much is left (instead of a percent)")
    on_entry: OnEntry = OnEntry()
    repeat_every: Duration | None = Field(default=None, description="re-notify interval when overdue at the top")
    calendar: CalendarRef | None = Field(default=None, description="overrides the route's calendar")

    def targets_for(self, priority: Priority) -> Targets:
        return self.by_priority.get(priority, self.targets)

    def warn_after(self, target: timedelta) -> timedelta | None:
        """Counted time after which a target of this level warns, or None for no warning."""
        if self.warn_before is not None:
            return target - self.warn_before if self.warn_before < target else None
        return None if self.warn_at_percent is None else target * self.warn_at_percent / 100

    @property
    def warning_text(self) -> str:
        if self.warn_before is not None:
            from policy.durations import format_duration

            return f"{format_duration(self.warn_before)} before breach"
        return f"{self.warn_at_percent}%"

    @model_validator(mode="after")
    def _one_kind_of_warning(self) -> Level:
        if self.warn_before is None:
            return self
        if "warn_at_percent" in self.model_fields_set and self.warn_at_percent is not None:
            raise ValueError("give warn_at_percent or warn_before, not both")
        shortest = min(t for ts in (self.targets, *self.by_priority.values()) for t in (ts.response, ts.resolution))
        if self.warn_before <= timedelta(0) or self.warn_before >= shortest:
            raise ValueError("warn_before must be longer than zero and shorter than every target of the level")
        object.__setattr__(self, "warn_at_percent", None)
        return self


class Route(Strict):
    name: Name
    levels: list[Level] = Field(min_length=1)
    calendar: CalendarRef | None = Field(default=None, description="business hours for this route's SLA clocks")
    unhappy_levels_up: int = Field(default=1, ge=1, description="'customer unhappy' moves this many levels up")

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
    calendars: dict[Name, CalendarSpec] = Field(default_factory=dict)
    default_calendar: CalendarRef = ALWAYS
    triggers: Triggers = Triggers()

    def calendar_name(self, route: Route, level: Level) -> str:
        """The calendar that counts this level's SLA time: the level's, else the route's, else the default."""
        return level.calendar or route.calendar or self.default_calendar

    def calendar_spec(self, name: str) -> CalendarSpec | None:
        """The definition of a named calendar; None for 24x7."""
        return None if name == ALWAYS else self.calendars[name]

    def route(self, name: str) -> Route:
        for route in self.routes:
            if route.name == name:
                return route
        raise KeyError(name)

    @model_validator(mode="after")
    def _references_resolve(self) -> Policy:
        problems: list[tuple[tuple[str | int, ...], str]] = []
        route_names = [r.name for r in self.routes]
        calendars = {ALWAYS, *self.calendars}
        for index, name in enumerate(route_names):
            if name in route_names[:index]:
                problems.append((("routes", index, "name"), f"route name {name!r} repeats"))
        if self.default_route not in route_names:
            problems.append((("default_route",), f"{self.default_route!r} is not a route"))
        if self.default_calendar not in calendars:
            problems.append((("default_calendar",), f"unknown calendar {self.default_calendar!r}"))
        for r, route in enumerate(self.routes):
            if route.calendar is not None and route.calendar not in calendars:
                problems.append((("routes", r, "calendar"), f"unknown calendar {route.calendar!r}"))
            for i, level in enumerate(route.levels):
                if level.team not in self.teams:
                    problems.append((("routes", r, "levels", i, "team"), f"unknown team {level.team!r}"))
                if level.calendar is not None and level.calendar not in calendars:
                    problems.append((("routes", r, "levels", i, "calendar"), f"unknown calendar {level.calendar!r}"))
        for index, rule in enumerate(self.rules):
            if rule.route not in route_names:
                problems.append((("rules", index, "route"), f"unknown route {rule.route!r} (rule {rule.name!r})"))
            elif rule.start_level and rule.start_level not in [lv.name for lv in self.route(rule.route).levels]:
                problems.append((("rules", index, "start_level"),
                                 f"route {rule.route!r} has no level {rule.start_level!r} (rule {rule.name!r})"))
        incident = self.triggers.major_incident
        if incident is not None and incident.pr_team not in self.teams:
            problems.append((("triggers", "major_incident", "pr_team"), f"unknown team {incident.pr_team!r}"))
        if problems:
            raise PolicyProblems(problems)
        return self
