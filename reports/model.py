"""The figures of an escalation report, as JSON-ready models. Rates are fractions (0..1), None when there is
nothing to divide by; durations are seconds. No personal data: customers appear only as hashed keys."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field, computed_field


class CategoryRow(BaseModel):
    category: str
    issues: int
    escalated_issues: int = Field(description="issues escalated at least once")
    escalations: int
    escalation_rate: float = Field(description="escalated issues / issues")


class TeamRow(BaseModel):
    team: str
    issues_handled: int = Field(description="issues the team owned at some point")
    escalated_away: int = Field(description="of those, issues escalated or handed over while the team owned them")
    escalation_rate: float = Field(description="escalated away / handled")


class SlaRow(BaseModel):
    scope: str = Field(description="'all' or a category")
    target: Literal["response", "resolution"]
    met: int
    breached: int
    pending: int = Field(description="neither met nor breached yet")
    compliance: float | None = Field(description="met / (met + breached)")


class LevelTime(BaseModel):
    level: str
    visits: int = Field(description="times an issue was with this level (an escalation or handover starts a visit)")
    issues: int
    total_seconds: float
    mean_seconds: float


class ReasonCount(BaseModel):
    reason: str
    escalations: int
    share: float


class RepeatCustomer(BaseModel):
    customer_key: str = Field(description="hash of the customer id (as in customer-contacts-<key> workflow ids)")
    issues: int
    issue_ids: list[str]
    first_opened: datetime
    last_opened: datetime


class Bucket(BaseModel):
    start: datetime
    opened: int
    escalations: int
    response_met: int
    response_breached: int
    resolution_met: int
    resolution_breached: int

    @computed_field  # type: ignore[prop-decorator]
    @property
    def compliance(self) -> float | None:
        """SLA outcomes settled in this bucket (both targets): met / (met + breached)."""
        met = self.response_met + self.resolution_met
        settled = met + self.response_breached + self.resolution_breached
        return met / settled if settled else None


class EscalationReport(BaseModel):
    since: datetime | None
    until: datetime | None
    as_of: datetime = Field(description="time open issues are counted up to")
    issues: int
    active_issues: int = Field(description="open, acknowledged or on hold")
    resolved_issues: int = Field(description="resolved, waiting for the customer")
    closed_issues: int
    escalated_issues: int
    escalations: int
    escalation_rate: float | None
    unreadable: list[str] = Field(default_factory=list, description="issues whose state could not be read")
    by_category: list[CategoryRow]
    by_team: list[TeamRow]
    sla: list[SlaRow]
    time_per_level: list[LevelTime]
    reasons: list[ReasonCount] = Field(description="escalations by reason kind, most frequent first")
    repeat_customers: list[RepeatCustomer]
    bucket_seconds: int
    over_time: list[Bucket]
