"""A dry-run scenario: an issue, when it opens, and what people do after (YAML, validated like a policy).

```yaml
opened_at: 2026-12-23T14:30:00+01:00
until: 10d                     # how far to look ahead (default 14d)
issue: {id: DEMO-1, customer: {...}, channel: email, category: billing, subject: "Charged twice"}
events:
  - {after: 10m, kind: acknowledge, actor: bob}              # after the opening
  - {at: 2026-12-28T09:10:00+01:00, kind: resolve, actor: ivan, note: "refunded"}
```
Event kinds and their fields are the ones the API and the client take (`acknowledge`, `comment`,
`resolve`, `escalate`, `hand_over`, `hold`, `resume`, `raise_priority`, `customer_reply`,
`customer_unhappy`, `confirm`).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError, model_validator

from domain.events import EXTERNAL_EVENTS, ExternalEvent
from domain.issue import Issue
from policy.durations import Duration
from policy.errors import FileProblem, Loc, YamlDocument, format_problems, read_yaml, validation_problems
from rules.simulation import TimedEvent


class ScenarioError(ValueError):
    """The scenario file is unreadable or invalid; the message names the file and each problem."""


class ScenarioEvent(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    after: Duration | None = Field(default=None, description="time after the opening")
    at: AwareDatetime | None = Field(default=None, description="or an instant, with its UTC offset")
    event: ExternalEvent

    @model_validator(mode="before")
    @classmethod
    def _split(cls, data: Any) -> Any:
        """The file writes the event's fields beside `after`/`at`; the model keeps them apart."""
        if not isinstance(data, dict) or "event" in data:
            return data
        when = {key: data[key] for key in ("after", "at") if key in data}
        return {**when, "event": {k: v for k, v in data.items() if k not in when}}

    @model_validator(mode="after")
    def _one_time(self) -> ScenarioEvent:
        if (self.after is None) == (self.at is None):
            raise ValueError("give either `after` (a duration) or `at` (a date and time), not both or neither")
        return self


class Scenario(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    opened_at: AwareDatetime
    until: Duration = timedelta(days=14)
    issue: Issue
    events: list[ScenarioEvent] = Field(default_factory=list)
    show_in: str | None = Field(default=None, description="time zone for the output; default: the customer's")

    def timed_events(self) -> list[TimedEvent]:
        return [TimedEvent(e.at if e.at is not None else self.opened_at + e.after, e.event) for e in self.events]

    @property
    def horizon(self) -> datetime:
        return self.opened_at + self.until


def load_scenario(path: str | Path) -> Scenario:
    path = Path(path)
    try:
        document = read_yaml(path)
    except FileProblem as exc:
        raise ScenarioError(str(exc)) from None
    if isinstance(document.data, dict) and "issue" in document.data and isinstance(document.data["issue"], dict):
        document.data["issue"].setdefault("id", "DRY-RUN")
    return _validate(document, str(path))


def _validate(document: YamlDocument, source: str) -> Scenario:
    if not isinstance(document.data, dict):
        raise ScenarioError(f"{source}: a scenario must be a mapping at the top level")
    try:
        return Scenario.model_validate(document.data)
    except ValidationError as exc:
        problems: list[tuple[Loc, str]] = []
        for loc, message, err in validation_problems(exc):
            # events[i].event.<field> is written as events[i].<field> in the file; drop the union's tag
            loc = tuple(p for i, p in enumerate(loc) if not (p == "event" and i == 2 and loc[0] == "events"))
            if len(loc) > 2 and loc[0] == "events" and isinstance(loc[2], str) and loc[2] in _EVENT_KINDS:
                loc = loc[:2] + loc[3:]
            if err["type"] == "union_tag_invalid":
                loc += ("kind",)
                message = f"unknown event kind {err['input'].get('kind')!r}; known: {', '.join(sorted(_EVENT_KINDS))}"
            problems.append((loc, message))
        raise ScenarioError(format_problems(source, "invalid scenario", problems, document)) from None


_EVENT_KINDS = set(EXTERNAL_EVENTS)
