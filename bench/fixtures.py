"""The benchmark's policy and issues: one route of three levels, no warnings, a chosen first deadline."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from domain.issue import Category, Channel, Customer, Issue, Priority
from policy.calendars import WEEKDAYS
from policy.loader import parse_policy
from policy.model import Policy

FIRST_LEVEL, ESCALATED_LEVEL, TOP_LEVEL = "l1", "l2", "l3"


def bench_policy(first_response: timedelta, later_response: timedelta = timedelta(hours=2),
                 clocks_start: datetime | None = None) -> Policy:
    """Level 1 answers within `first_response`; a breach there escalates to level 2 (assign, notify, inform).

    With `clocks_start` (a whole UTC minute) SLA time counts only from then to midnight that day, so
    every issue opened before it has the same deadline, `clocks_start + first_response`: the Monday
    9:00 rush, and the benchmark's burst.
    """
    def targets(response: timedelta) -> dict:
        return {"response": response, "resolution": max(response, timedelta(hours=8))}

    calendars = {}
    if clocks_start is not None:
        if clocks_start.tzinfo is None or clocks_start.second or clocks_start.microsecond:
            raise ValueError("clocks_start must be a whole minute in UTC")
        day = clocks_start.astimezone(UTC)
        calendars = {"calendars": {"rush": {"timezone": "UTC", "hours": {
            WEEKDAYS[day.weekday()]: [f"{day:%H:%M}-24:00"]}}}, "default_calendar": "rush"}
    return parse_policy({
        **calendars,
        "version": "bench-1", "confirm_window": "1d", "repeat_every": "1h",
        "teams": {"support": {"title": "Support", "members": ["ann", "ben", "cat"]},
                  "specialists": {"title": "Specialists", "members": ["sam", "sue"]},
                  "management": {"title": "Management", "members": ["max"]}},
        "routes": [{"name": "main", "levels": [
            {"name": FIRST_LEVEL, "title": "a support agent", "team": "support", "role": "agent",
             "targets": targets(first_response), "warn_at_percent": None},
            {"name": ESCALATED_LEVEL, "title": "a specialist", "team": "specialists", "role": "specialist",
             "targets": targets(later_response), "warn_at_percent": None},
            {"name": TOP_LEVEL, "title": "the support manager", "team": "management", "role": "manager",
             "targets": targets(later_response), "warn_at_percent": None},
        ]}],
        "default_route": "main",
    })


def bench_issue(issue_id: str) -> Issue:
    """A typical issue: a few hundred bytes of customer problem (no real personal data)."""
    return Issue(id=issue_id, customer=Customer(id=f"cust-{issue_id}", name="Test Customer", contact="customer@example.com",
                                                language="en", timezone="Europe/Zagreb"),
                 channel=Channel.email, category=Category.technical, priority=Priority.normal,
                 subject="Router keeps rebooting",
                 description="Since the last firmware update the router reboots every hour; "
                             "restarting it by hand does not help.")
