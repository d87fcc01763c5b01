"""Everything that can happen to an issue. The `kind` is also the update/signal name."""

from __future__ import annotations

from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from domain.issue import Priority

Text = Annotated[str, Field(min_length=1, max_length=10_000)]
Reason = Annotated[str, Field(max_length=2_000)]


class Event(BaseModel):
    """Common fields. `event_id` makes a re-delivery harmless: the same id is applied once."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    event_id: str | None = Field(default=None, max_length=128)
    actor: str = Field(default="unknown", min_length=1, max_length=200)
    request_id: str | None = Field(default=None, max_length=128)


# --- agent actions ---------------------------------------------------------------------------
class Acknowledge(Event):
    kind: Literal["acknowledge"] = "acknowledge"


class AddComment(Event):
    kind: Literal["comment"] = "comment"
    text: Text


class Resolve(Event):
    kind: Literal["resolve"] = "resolve"
    note: Reason = ""


class EscalateUp(Event):
    kind: Literal["escalate"] = "escalate"
    reason: Reason = ""


class HandOver(Event):
    kind: Literal["hand_over"] = "hand_over"
    team: str = Field(min_length=1, max_length=64)
    reason: Reason = ""


class Hold(Event):
    kind: Literal["hold"] = "hold"
    reason: Reason = ""
    waiting_for_customer: bool = False


class Resume(Event):
    kind: Literal["resume"] = "resume"


class RaisePriority(Event):
    kind: Literal["raise_priority"] = "raise_priority"
    priority: Priority
    reason: Reason = ""


# --- what the customer did, relayed by a backend service --------------------------------------
class CustomerReply(Event):
    kind: Literal["customer_reply"] = "customer_reply"
    text: Text


class CustomerUnhappy(Event):
    kind: Literal["customer_unhappy"] = "customer_unhappy"
    reason: Reason = ""


class CustomerConfirm(Event):
    kind: Literal["confirm"] = "confirm"


# --- raised by the workflow itself: clocks and activity outcomes ------------------------------
SlaTarget = Literal["response", "resolution"]


class SlaWarning(Event):
    kind: Literal["sla_warning"] = "sla_warning"
    target: SlaTarget


class SlaBreach(Event):
    kind: Literal["sla_breach"] = "sla_breach"
    target: SlaTarget


class ConfirmWindowElapsed(Event):
    kind: Literal["confirm_window_elapsed"] = "confirm_window_elapsed"


class RenotifyDue(Event):
    kind: Literal["renotify"] = "renotify"


class Assigned(Event):
    kind: Literal["assigned"] = "assigned"
    assignee: str | None
    level: str
    team: str | None = None  # the team the assignment was made for; a hand-over since makes it outdated


class DeliveryFailed(Event):
    kind: Literal["delivery_failed"] = "delivery_failed"
    action: str
    error: str


AgentAction = Union[Acknowledge, AddComment, Resolve, EscalateUp, HandOver, Hold, Resume, RaisePriority]
CustomerAction = Union[CustomerReply, CustomerUnhappy, CustomerConfirm]
ClockEvent = Union[SlaWarning, SlaBreach, ConfirmWindowElapsed, RenotifyDue]
OutcomeEvent = Union[Assigned, DeliveryFailed]
AnyEvent = Union[AgentAction, CustomerAction, ClockEvent, OutcomeEvent]

#: Events that agents, services and ops may send (as updates or signals), by name.
EXTERNAL_EVENTS: dict[str, type[Event]] = {
    cls.model_fields["kind"].default: cls
    for cls in (
        Acknowledge, AddComment, Resolve, EscalateUp, HandOver, Hold, Resume, RaisePriority,
        CustomerReply, CustomerUnhappy, CustomerConfirm,
    )
}

ExternalEvent = Annotated[Union[AgentAction, CustomerAction], Field(discriminator="kind")]
external_event_adapter: TypeAdapter[ExternalEvent] = TypeAdapter(ExternalEvent)


class Rejected(Event):
    """A signal that could not be applied: recorded so that nothing is dropped silently."""

    kind: Literal["rejected"] = "rejected"
    name: str
    reason: str
