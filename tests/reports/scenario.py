"""Issues driven through the real pure core with explicit times: states whose report figures are known by hand.

`Story` plays the workflow's part: before each event it applies every clock event (warning, breach, renotify)
that falls due, exactly as the workflow loop does, so the timelines are the ones production writes.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from domain import events as ev
from domain.issue import Category, Customer, Tier
from domain.state import IssueState
from policy.model import Policy
from rules.escalation import apply_event, open_issue
from rules.schedule import due_event, next_wakeup
from tests.conftest import make_issue, short_policy

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


class Story:
    """One issue; `event(minute, e)` advances the clocks to that minute, then applies `e`."""

    def __init__(self, issue_id: str, minute: float, *, customer: str, category: Category = Category.technical,
                 tier: Tier = Tier.standard, policy: Policy | None = None) -> None:
        issue = make_issue(issue_id, category=category, customer=Customer(
            id=customer, name=f"Customer {customer}", contact=f"{customer}@example.com", tier=tier))
        self.state: IssueState = open_issue(issue, policy or short_policy(), at(minute)).state
        self.opened = self.state
        self.applied: list[tuple[IssueState, ev.Event, IssueState, datetime]] = []

    def _apply(self, event: ev.Event, now: datetime) -> None:
        old = self.state
        self.state = apply_event(old, event, now).state
        self.applied.append((old, event, self.state, now))

    def advance(self, minute: float) -> Story:
        now = at(minute)
        while True:
            wake = next_wakeup(self.state)
            if wake is None or wake.at > now:
                return self
            event = due_event(self.state, wake.at)
            assert event is not None
            self._apply(event, wake.at)

    def event(self, minute: float, event: ev.Event) -> Story:
        self.advance(minute)
        self._apply(event, at(minute))
        return self


AS_OF_MINUTE = 240  # 13:00 UTC


def seeded() -> dict[str, IssueState]:
    """Six issues (one opened before the window); the figures they must give are in test_compute.py."""
    return {name: story.state for name, story in seeded_stories().items()}


def seeded_stories() -> dict[str, Story]:
    """The stories behind `seeded()`, with every event they applied (for the metrics tests)."""
    a = (Story("A", 0, customer="c-1")
         .event(4, ev.Acknowledge(actor="ann")).event(20, ev.Resolve(actor="ann"))
         .event(30, ev.CustomerConfirm(actor="portal")))
    b = (Story("B", 60, customer="c-1")  # response breach at 1:10 escalates to l2
         .event(75, ev.Acknowledge(actor="sam")).event(100, ev.Resolve(actor="sam"))
         .event(110, ev.CustomerReply(actor="portal", text="it broke again"))  # reopened, not an escalation
         .event(118, ev.Resolve(actor="sam")))
    c = (Story("C", 120, customer="c-2", category=Category.billing)
         .event(124, ev.EscalateUp(actor="ann", reason="needs a specialist"))
         .event(130, ev.CustomerUnhappy(actor="portal", reason="still charged twice")))  # to l3; breach at 2:40
    d = (Story("D", 180, customer="c-3", category=Category.billing, tier=Tier.key)  # key client: starts at l2
         .event(185, ev.HandOver(actor="sam", team="finance", reason="refund"))
         .event(188, ev.Acknowledge(actor="fay")))
    e = (Story("E", -60, customer="c-4", category=Category.delivery)  # opened before the window
         .event(-55, ev.EscalateUp(actor="ann")))
    f = Story("F", 215, customer="c-2")  # response breach at 3:45 escalates to l2
    stories = {"A": a, "B": b, "C": c, "D": d, "E": e, "F": f}
    for story in stories.values():
        story.advance(AS_OF_MINUTE)
    return stories
