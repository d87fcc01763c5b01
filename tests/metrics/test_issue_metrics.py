"""What each event counts, on the seeded issues of the report tests (driven through the real pure core).

Worked out by hand from tests/reports/scenario.py (six issues, E included: metrics know no report window).
"""

from __future__ import annotations

from collections import Counter

import pytest

from domain import events as ev
from metrics import names
from metrics.issue_metrics import Point, on_event, on_open
from metrics.reasons import reason_for_entry, reason_for_event
from rules.escalation import apply_event
from tests.reports.scenario import Story, seeded_stories


@pytest.fixture(scope="module")
def stories() -> dict[str, Story]:
    return seeded_stories()


@pytest.fixture(scope="module")
def points(stories) -> list[Point]:
    out: list[Point] = []
    for story in stories.values():
        out += on_open(story.opened)
        for old, event, new, now in story.applied:
            out += on_event(old, event, new, now)
    return out


def totals(points: list[Point], metric: names.Metric, *labels: str) -> Counter:
    """Sum of the metric's values by the given labels."""
    out: Counter = Counter()
    for p in points:
        if p.metric is metric:
            out[tuple(p.attributes[label] for label in labels)] += p.value
    return out


def test_issues_opened_by_category_tier_and_starting_level(points):
    assert totals(points, names.ISSUES_OPENED, "category") == {("technical",): 3, ("billing",): 2, ("delivery",): 1}
    assert totals(points, names.ISSUES_OPENED, "tier", "level") == {("standard", "l1"): 5, ("key", "l2"): 1}


def test_escalations_by_level_moved_to_and_reason(points):
    assert totals(points, names.ESCALATIONS, "level", "reason") == {
        ("l2", "response_sla_breach"): 2,  # B, F
        ("l3", "response_sla_breach"): 1,  # E
        ("l2", "agent_request"): 2,  # C, E
        ("l3", "customer_unhappy"): 1,  # C
        ("l2", "hand_over"): 1,  # D
    }
    assert totals(points, names.REOPENED, "level") == {("l2",): 1}  # B: the customer wrote again


def test_breaches_and_warnings_by_kind_and_level(points):
    assert totals(points, names.SLA_BREACHES, "kind", "level") == {
        ("response", "l1"): 2, ("response", "l2"): 1, ("response", "l3"): 2, ("resolution", "l3"): 1}
    assert totals(points, names.SLA_WARNINGS, "kind", "level") == {("response", "l1"): 3, ("response", "l2"): 2}


def test_time_to_first_response_and_to_resolution(points):
    first = sorted(p.value for p in points if p.metric is names.TIME_TO_FIRST_RESPONSE)
    resolved = sorted(p.value for p in points if p.metric is names.TIME_TO_RESOLUTION)
    assert first == [240.0, 480.0, 900.0]  # A 4m, D 8m, B 15m (acknowledged at l2)
    assert resolved == [1200.0, 2400.0]  # A 20m, B 40m (the second resolution after reopening is not counted)


def test_a_delivery_that_failed_for_good_counts_once_per_failure(stories):
    story = stories["A"]
    old, _, _, now = story.applied[0]
    failed = ev.DeliveryFailed(actor="worker", action="inform_customer", error="bad address")
    new = apply_event(old, failed, now).state
    assert on_event(old, failed, new, now) == [Point(names.NOTIFICATION_FAILURES, 1, {"action": "inform_customer"})]


def test_metrics_and_reports_name_every_escalation_the_same_way(stories):
    compared = 0
    for story in stories.values():
        for old, event, new, _ in story.applied:
            if new.escalation_count > old.escalation_count:
                entry = next(e for e in reversed(new.timeline) if e.kind in ("escalated", "handed_over"))
                previous = new.timeline[entry.seq - 2]
                assert reason_for_event(event) == reason_for_entry(entry, previous)
                compared += 1
    assert compared == 8  # seven escalations and one reopening


def test_no_label_carries_personal_data(points):
    labels = {value for p in points for value in p.attributes.values()}
    assert not any("c-" in value or "@" in value or "Customer" in value for value in labels)
    assert {name for p in points for name in p.attributes} <= {"category", "priority", "tier", "level", "reason",
                                                                "kind", "action"}
