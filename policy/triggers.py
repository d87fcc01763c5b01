"""Triggers beyond the SLA clock, as a policy declares them.

```yaml
triggers:
  repeated_contacts: {within: 24h, contacts: 3}
  major_incident: {within: 30m, issues: 5, categories: [technical], pr_team: pr, quiet_after: 2h}
```
"""

from __future__ import annotations

from datetime import timedelta

from pydantic import BaseModel, ConfigDict, Field

from domain.issue import Category
from policy.durations import Duration


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RepeatedContacts(_Strict):
    """The same customer opening `contacts` issues within `within` escalates the newest one."""

    within: Duration
    contacts: int = Field(ge=2, le=100)


class MajorIncident(_Strict):
    """`issues` issues of one category within `within` open a major incident."""

    within: Duration
    issues: int = Field(ge=2, le=10_000)
    categories: list[Category] = Field(default_factory=list, description="empty: every category")
    pr_team: str = Field(description="the team told about every major incident besides all staff")
    quiet_after: Duration = Field(default=timedelta(hours=2),
                                  description="the incident ends after this long without a new issue")

    def watches(self, category: Category) -> bool:
        return not self.categories or category in self.categories


class Triggers(_Strict):
    repeated_contacts: RepeatedContacts | None = None
    major_incident: MajorIncident | None = None
