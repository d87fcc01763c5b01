"""What a backend service sends to open an issue."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from domain.time_zone import TimeZone


class Channel(StrEnum):
    email = "email"
    phone = "phone"
    chat = "chat"
    chatbot = "chatbot"
    social = "social"
    portal = "portal"
    community = "community"


class Category(StrEnum):
    technical = "technical"
    billing = "billing"
    delivery = "delivery"
    account = "account"
    product = "product"
    other = "other"


class Priority(StrEnum):
    low = "low"
    normal = "normal"
    high = "high"
    urgent = "urgent"

    @property
    def rank(self) -> int:
        return list(Priority).index(self)


class Tier(StrEnum):
    standard = "standard"
    key = "key"


ISSUE_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$"


class Customer(BaseModel):
    """The customer behind an issue; personal data, never put in ids or search attributes."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1, max_length=128)
    name: str = Field(min_length=1, max_length=200)
    contact: str = Field(min_length=1, max_length=320, description="email address or phone number")
    tier: Tier = Tier.standard
    language: str = Field(default="en", pattern=r"^[a-z]{2}(-[A-Z]{2})?$")
    timezone: TimeZone = "UTC"


class Issue(BaseModel):
    """A customer problem. `id` comes from the caller so that a retry opens nothing new."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=ISSUE_ID_PATTERN, description="caller's id; the workflow id is issue-<id>")
    customer: Customer
    channel: Channel
    category: Category
    priority: Priority = Priority.normal
    subject: str = Field(min_length=1, max_length=300)
    description: str = Field(default="", max_length=20_000)
    metadata: dict[str, Any] = Field(default_factory=dict)

    @property
    def workflow_id(self) -> str:
        return workflow_id_for(self.id)


def workflow_id_for(issue_id: str) -> str:
    return f"issue-{issue_id}"
