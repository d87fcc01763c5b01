"""Activity names and payloads shared by the workflow and the worker (no I/O here)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Union

from pydantic import BaseModel, Field

from domain.commands import AssignOwner, InformCustomer, NotifyStaff
from domain.issue import Issue
from domain.state import TimelineEntry
from domain.view import IssueSummary

ASSIGN_OWNER = "assign_owner"
NOTIFY_STAFF = "notify_staff"
INFORM_CUSTOMER = "inform_customer"

ACTIVITY_FOR_COMMAND = {"assign": ASSIGN_OWNER, "notify_staff": NOTIFY_STAFF, "inform_customer": INFORM_CUSTOMER}


class Delivery(BaseModel):
    """One command plus the context its receiver needs, so nobody asks the customer twice."""

    command: Annotated[Union[AssignOwner, NotifyStaff, InformCustomer], Field(discriminator="kind")]
    issue: Issue
    opened_at: datetime
    story: list[TimelineEntry] = Field(default_factory=list)
    team_members: list[str] = Field(default_factory=list)
    #: The issue as it stood when the command was issued: SLA deadlines, owner, what the customer was told.
    summary: IssueSummary | None = None
    #: For a staff notification on entry to a level: the assignment made on the same entry, so the
    #: notice names and reaches the new owner (both activities get the same answer for its key).
    assignment: AssignOwner | None = None


class PermanentDeliveryError(Exception):
    """The address or recipient is bad for good: retrying cannot help."""


class TemporaryDeliveryError(Exception):
    """A channel failed for now; the activity is retried with backoff."""
