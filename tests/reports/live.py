"""Helpers for tests on the dev server (real time): a policy whose technical issues breach in seconds."""

from __future__ import annotations

import copy

from domain.issue import Category, Customer, Issue, Tier
from policy.loader import parse_policy
from policy.model import Policy
from tests.conftest import make_issue, short_policy

FAST_RESPONSE_SECONDS = 2


def fast_policy() -> Policy:
    """`short_policy()` plus a route `fast` for technical issues: first response due in 2 s (warning at 1 s)."""
    raw = short_policy().model_dump(mode="json", exclude_defaults=True)
    fast = copy.deepcopy(raw["routes"][0])
    fast["name"] = "fast"
    fast["levels"][0]["targets"]["response"] = f"{FAST_RESPONSE_SECONDS}s"
    raw["routes"].append(fast)
    raw["rules"].insert(0, {"name": "technical is fast", "when": {"category": ["technical"]}, "route": "fast"})
    return parse_policy(raw)


def issue_for(issue_id: str, customer: str, category: Category, contact: str | None = None,
              tier: Tier = Tier.standard) -> Issue:
    return make_issue(issue_id, category=category, customer=Customer(
        id=customer, name=f"Customer {customer}", contact=contact or f"{customer}@example.com", tier=tier))
