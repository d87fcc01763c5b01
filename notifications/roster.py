"""The roster: people (role, addresses, working hours, days away) and teams (members, on-call, channels).

Pure data and rules; `roster_loader` reads the file. Team names match the policy's teams; a policy team
missing here falls back to the policy's member list, everyone always available, no channels.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PrivateAttr, field_validator, model_validator

from domain.time_zone import TimeZone
from notifications.addresses import check_address
from notifications.hours import Week, away_on, parse_week, works_at

Name = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]{0,63}$")]
Address = Annotated[str, BeforeValidator(lambda v: check_address(str(v).strip()))]



class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Away(Strict):
    """Days off (holiday, sick leave), both days included, in the person's time zone."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    first: date = Field(alias="from")
    last: date = Field(alias="to")

    @model_validator(mode="after")
    def _ordered(self) -> Away:
        if self.last < self.first:
            raise ValueError("'to' is before 'from'")
        return self


class Person(Strict):
    name: str | None = Field(default=None, description="display name; the key is the id used everywhere else")
    role: str = ""
    notify: list[Address] = Field(default_factory=list, description="email addresses or apprise URLs")
    timezone: TimeZone | None = Field(default=None, description="for hours and days away; default: the roster's")
    hours: dict[str, str] | None = Field(default=None, description="e.g. {mon-fri: '09:00-17:00'}; none: always")
    away: list[Away] = Field(default_factory=list)
    _week: Week | None = PrivateAttr(default=None)

    @field_validator("hours")
    @classmethod
    def _valid_hours(cls, value: dict[str, str] | None) -> dict[str, str] | None:
        if value is not None:
            parse_week(value)
        return value

    def model_post_init(self, context: Any) -> None:
        self._week = parse_week(self.hours) if self.hours is not None else None


class Team(Strict):
    members: list[Name] = Field(default_factory=list, description="round-robin order")
    on_call: Name | None = None
    notify: list[Address] = Field(default_factory=list, description="the team's channels")


class Roster(Strict):
    timezone: TimeZone = "UTC"
    people: dict[Name, Person] = Field(default_factory=dict)
    teams: dict[Name, Team] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _people_exist(self) -> Roster:
        problems = []
        for team_name, team in self.teams.items():
            for member in team.members:
                if member not in self.people:
                    problems.append(f"teams.{team_name}.members: unknown person {member!r}")
            if team.on_call is not None and team.on_call not in self.people:
                problems.append(f"teams.{team_name}.on_call: unknown person {team.on_call!r}")
            if len(set(team.members)) != len(team.members):
                problems.append(f"teams.{team_name}.members: a person is listed twice")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def zone_of(self, name: str) -> ZoneInfo:
        person = self.people.get(name)
        return ZoneInfo(person.timezone if person and person.timezone else self.timezone)

    def is_away(self, name: str, now: datetime) -> bool:
        person = self.people.get(name)
        if person is None:
            return False
        return away_on([(a.first, a.last) for a in person.away], now.astimezone(self.zone_of(name)).date())

    def is_working(self, name: str, now: datetime) -> bool:
        """At work right now: not away, and inside working hours (a person without hours always is)."""
        if self.is_away(name, now):
            return False
        person = self.people.get(name)
        if person is None or person._week is None:
            return True
        return works_at(person._week, now.astimezone(self.zone_of(name)))

    def addresses_of(self, name: str) -> list[str]:
        person = self.people.get(name)
        return list(person.notify) if person else []
