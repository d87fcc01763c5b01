"""What the escalation rules ask the outside world to do. Activities carry them out."""

from __future__ import annotations

from datetime import datetime
from typing import Literal, Union

from pydantic import BaseModel, ConfigDict


class Command(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    #: Stable per issue and action, never per attempt: deliveries are deduplicated on it.
    idempotency_key: str
    level: str
    level_title: str
    team: str
    role: str


class AssignOwner(Command):
    kind: Literal["assign"] = "assign"
    strategy: str


class NotifyStaff(Command):
    kind: Literal["notify_staff"] = "notify_staff"
    reason: str
    headline: str


class InformCustomer(Command):
    kind: Literal["inform_customer"] = "inform_customer"
    message: Literal["received", "escalated", "resolved", "reopened", "closed"]
    #: When the customer will hear back: the real response deadline, or None once resolved.
    reply_by: datetime | None


AnyCommand = Union[AssignOwner, NotifyStaff, InformCustomer]
