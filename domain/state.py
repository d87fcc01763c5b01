"""The state of one issue: what the workflow carries, queries return and continue-as-new passes on."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from domain.issue import Issue, Priority
from policy.model import Level, Policy, Route


class Status(StrEnum):
    open = "open"  # waiting for the owner's first response at this level
    acknowledged = "acknowledged"
    on_hold = "on_hold"
    resolved = "resolved"  # waiting for the customer to confirm or object
    closed = "closed"


ACTIVE = (Status.open, Status.acknowledged, Status.on_hold)


class SlaTimer(BaseModel):
    """One SLA target at one level. Business time consumed is kept across pauses."""

    model_config = ConfigDict(extra="forbid")

    target: timedelta
    consumed: timedelta = timedelta(0)
    running_since: datetime | None = None
    warn_after: timedelta | None = None
    warned: bool = False
    breached: bool = False
    met: bool = False

    @property
    def active(self) -> bool:
        return not (self.met or self.breached)


class HoldInfo(BaseModel):
    since: datetime
    reason: str
    waiting_for_customer: bool
    resume_to: Status


class CustomerNotice(BaseModel):
    """What the customer was last told, and the deadline we promised."""

    message: str
    reply_by: datetime | None
    at: datetime


class TimelineEntry(BaseModel):
    seq: int
    at: datetime
    actor: str
    kind: str
    summary: str
    level: str
    request_id: str | None = None


class IssueState(BaseModel):
    model_config = ConfigDict(extra="forbid")

    issue: Issue = Field(description="as opened; never changed, so a repeated open can be compared")
    priority: Priority = Field(description="current priority; may be raised after opening")
    policy: Policy = Field(description="the policy version pinned when the issue opened")
    route_name: str
    opened_at: datetime
    status: Status = Status.open
    level_index: int = 0
    team: str
    assignee: str | None = None
    response: SlaTimer
    resolution: SlaTimer
    hold: HoldInfo | None = None
    resolved_at: datetime | None = None
    confirm_due: datetime | None = None
    renotify_due: datetime | None = None
    ever_breached: bool = False
    escalation_count: int = 0
    delivery_failures: int = 0
    last_told: CustomerNotice | None = None
    timeline: list[TimelineEntry] = Field(default_factory=list)
    recent_event_ids: list[str] = Field(default_factory=list)
    command_seq: int = 0

    @property
    def route(self) -> Route:
        return self.policy.route(self.route_name)

    @property
    def level(self) -> Level:
        return self.route.levels[self.level_index]

    @property
    def at_top(self) -> bool:
        return self.level_index == len(self.route.levels) - 1
