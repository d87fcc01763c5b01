"""What goes over the wire beyond the domain models: action bodies (derived from the events) and responses."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field, create_model

from api.auth import Permission
from domain import events as ev
from domain.state import TimelineEntry
from starter.listing import IssueFilter, IssueListItem

#: Set by the API, never by a body: the actor is the token's name, the request id comes from X-Request-ID.
SERVER_SET = frozenset({"kind", "actor", "request_id"})


def body_model(event: type[ev.Event]) -> type[BaseModel]:
    """The event's own fields and constraints, minus what the server sets; unknown fields are refused."""
    fields = {name: (info.annotation, info) for name, info in event.model_fields.items() if name not in SERVER_SET}
    return create_model(f"{event.__name__}Body", __config__=ConfigDict(extra="forbid"),
                        __doc__=f"Body of the `{event.model_fields['kind'].default}` action. `event_id` makes "
                                "a retry harmless: the same id is applied once.", **fields)


@dataclass(frozen=True)
class ActionSpec:
    path: str  # POST /issues/{issue_id}/<path>
    event: type[ev.Event]
    permission: Permission
    summary: str

    @property
    def body(self) -> type[BaseModel]:
        return _BODIES[self.event]

    @property
    def body_required(self) -> bool:
        return any(info.is_required() for info in self.body.model_fields.values())


ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec("acknowledge", ev.Acknowledge, Permission.agent, "The owner acknowledges the issue"),
    ActionSpec("comments", ev.AddComment, Permission.agent, "Add a comment to the issue's story"),
    ActionSpec("resolve", ev.Resolve, Permission.agent, "Resolve; the customer may confirm or object"),
    ActionSpec("escalate", ev.EscalateUp, Permission.agent, "Ask for the next level up"),
    ActionSpec("hold", ev.Hold, Permission.agent, "Put on hold (the SLA clock pauses)"),
    ActionSpec("resume", ev.Resume, Permission.agent, "Resume from hold (the SLA clock runs again)"),
    ActionSpec("hand-over", ev.HandOver, Permission.agent, "Hand over to another team"),
    ActionSpec("priority", ev.RaisePriority, Permission.agent, "Raise the priority"),
    ActionSpec("customer-reply", ev.CustomerReply, Permission.customer, "Relay the customer's reply"),
    ActionSpec("unhappy", ev.CustomerUnhappy, Permission.customer,
               "The customer is unhappy: escalates, and reopens a resolved issue"),
    ActionSpec("confirm", ev.CustomerConfirm, Permission.customer,
               "The customer confirms the resolution: the issue closes"),
)
_BODIES = {spec.event: body_model(spec.event) for spec in ACTIONS}


class OpenedIssue(BaseModel):
    model_config = ConfigDict(json_schema_extra={"example": {
        "id": "T-1001", "workflow_id": "issue-T-1001", "created": True, "url": "/issues/T-1001",
        "timeline_url": "/issues/T-1001/timeline"}})

    id: str
    workflow_id: str
    created: bool  # False: the same issue was opened before; nothing new was started
    url: str
    timeline_url: str


class ListQuery(IssueFilter):
    """Query parameters of GET /issues: the filters, plus paging. Unknown parameters are refused."""

    page_size: int = Field(default=50, ge=1, le=500)
    next_page_token: str | None = Field(default=None, max_length=4096, description="from the previous page")

    def issue_filter(self) -> IssueFilter:
        return IssueFilter(**self.model_dump(include=set(IssueFilter.model_fields)))


class IssueList(BaseModel):
    items: list[IssueListItem]
    next_page_token: str | None  # pass back as `next_page_token` for the next page; null on the last page


class IssueTimeline(BaseModel):
    id: str
    entries: list[TimelineEntry]


class Health(BaseModel):
    status: str
