"""The report's figures on a seeded set of issues whose right answers were worked out by hand (see scenario.py).

Window: issues opened 09:00 (T0) .. T0 + 1 day; as of 13:00. E opened at 08:00 and is left out.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from reports.compute import build_report
from reports.model import EscalationReport
from rules.contacts import customer_key
from tests.reports.scenario import AS_OF_MINUTE, T0, at, seeded


@pytest.fixture(scope="module")
def report() -> EscalationReport:
    return build_report(seeded().values(), since=T0, until=T0 + timedelta(days=1), as_of=at(AS_OF_MINUTE))


def test_counts_issues_opened_in_the_window_by_status(report):
    assert report.issues == 5  # A B C D F
    assert (report.active_issues, report.resolved_issues, report.closed_issues) == (3, 1, 1)
    assert (report.escalated_issues, report.escalations) == (4, 5)  # B, C (2), D, F; B's reopen is no escalation
    assert report.escalation_rate == pytest.approx(0.8)


def test_escalation_rate_per_category(report):
    rows = {r.category: (r.issues, r.escalated_issues, r.escalations, r.escalation_rate) for r in report.by_category}
    assert rows == {"technical": (3, 2, 2, pytest.approx(2 / 3)), "billing": (2, 2, 3, 1.0)}


def test_escalation_rate_per_team_counts_issues_escalated_away_from_it(report):
    rows = {r.team: (r.issues_handled, r.escalated_away) for r in report.by_team}
    assert rows == {"support": (4, 3), "specialists": (4, 2), "management": (1, 0), "finance": (1, 0)}
    assert {r.team: r.escalation_rate for r in report.by_team}["support"] == pytest.approx(0.75)


def test_sla_compliance_met_vs_breached(report):
    rows = {(r.scope, r.target): (r.met, r.breached, r.pending, r.compliance) for r in report.sla}
    assert rows[("all", "response")] == (2, 3, 0, pytest.approx(0.4))  # A, D met; B, C, F breached
    assert rows[("all", "resolution")] == (2, 0, 3, 1.0)  # A, B resolved in time; C, D, F not yet
    assert rows[("technical", "response")] == (1, 2, 0, pytest.approx(1 / 3))
    assert rows[("billing", "resolution")] == (0, 0, 2, None)  # nothing settled: no rate, not 0 %


def test_time_per_level_in_route_order(report):
    rows = [(r.level, r.visits, r.issues, r.total_seconds) for r in report.time_per_level]
    assert rows == [
        ("l1", 4, 4, (20 + 10 + 4 + 10) * 60),  # A 20m, B 10m, C 4m, F 10m
        ("l2", 6, 4, (30 + 8 + 6 + 5 + 55 + 15) * 60),  # B 30m + 8m after reopening, C 6m, D 5m + 55m, F 15m
        ("l3", 1, 1, 110 * 60),  # C from 11:10 until 13:00, still there
    ]
    assert report.time_per_level[1].mean_seconds == pytest.approx(119 * 60 / 6)


def test_top_reasons_most_frequent_first(report):
    assert [(r.reason, r.escalations) for r in report.reasons] == [
        ("response_sla_breach", 2), ("agent_request", 1), ("customer_unhappy", 1), ("hand_over", 1)]
    assert report.reasons[0].share == pytest.approx(0.4)


def test_repeat_contact_customers_by_hashed_id_only(report):
    rows = [(r.customer_key, r.issue_ids) for r in report.repeat_customers]
    assert rows == [(customer_key("c-1"), ["A", "B"]), (customer_key("c-2"), ["C", "F"])]
    dumped = report.model_dump_json()
    assert "c-1" not in dumped and "Customer c-1" not in dumped and "@example.com" not in dumped


def test_over_time_buckets_count_what_happened_in_each(report):
    assert report.bucket_seconds == 900  # 4 hours in 15-minute buckets
    by_start = {b.start: b for b in report.over_time}
    assert min(by_start) == T0 and len(report.over_time) == 17  # 09:00 .. 13:00 inclusive
    assert sum(b.opened for b in report.over_time) == 5 and sum(b.escalations for b in report.over_time) == 5
    first = by_start[T0]
    assert (first.opened, first.response_met, first.compliance) == (1, 1, 1.0)
    c = by_start[at(120)]  # 11:00: C opened, escalated twice
    assert (c.opened, c.escalations, c.compliance) == (1, 2, None)
    f = by_start[at(225)]  # 12:45: F's breach escalates it
    assert (f.escalations, f.response_breached, f.compliance) == (1, 1, 0.0)


def test_the_window_selects_by_opening_time():
    states = seeded()
    only_e = build_report(states.values(), since=T0 - timedelta(hours=2), until=T0, as_of=at(AS_OF_MINUTE))
    assert only_e.issues == 1 and [r.reason for r in only_e.reasons] == ["agent_request", "response_sla_breach"]
    everything = build_report(states.values(), as_of=at(AS_OF_MINUTE))
    assert everything.issues == 6 and everything.escalations == 7


def test_an_empty_window_gives_an_empty_report_not_an_error():
    empty = build_report([], since=T0, until=T0 + timedelta(days=1), as_of=at(10))
    assert (empty.issues, empty.escalation_rate, empty.over_time, empty.reasons) == (0, None, [], [])


def test_since_after_until_is_refused():
    with pytest.raises(ValueError, match="must be before until"):
        build_report(seeded().values(), since=T0, until=T0, as_of=at(10))
