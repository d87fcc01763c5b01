"""Pure rules of the repeated-contact and major-incident triggers, and what an opened issue reports."""

from __future__ import annotations

from datetime import timedelta

from domain.issue import Category
from policy.loader import load_policy
from policy.triggers import MajorIncident, RepeatedContacts
from rules.contacts import Contact, ContactLog, contacts_workflow_id, customer_key, forget_before, quiet_at, record_contact
from rules.incidents import (
    IncidentWatch, Opening, announcements, end_incident, incident_ended, link_issue, record_opening, start_incident,
    watch_quiet_at,
)
from rules.triggers import opened_report
from tests.conftest import make_issue
from tests.rules.support import T0, M, opened

H = 60 * M
THREE_A_DAY = RepeatedContacts(within=timedelta(hours=24), contacts=3)
FIVE_IN_30M = MajorIncident(within=30 * M, issues=5, categories=[Category.technical], pr_team="pr", quiet_after=2 * H)


def contact(issue_id: str, at) -> Contact:
    return Contact(issue_id=issue_id, at=at, rule=THREE_A_DAY)


def test_the_third_contact_within_the_window_escalates_the_newest_issue() -> None:
    log = ContactLog()
    for n, at in enumerate([T0, T0 + 3 * H], start=1):
        decision = record_contact(log, contact(f"I-{n}", at))
        assert decision.escalate is None and decision.count == n
        log = decision.log
    third = record_contact(log, contact("I-3", T0 + 20 * H))
    assert third.escalate == "I-3" and third.count == 3 and third.earlier == ("I-1", "I-2")
    assert third.reason(THREE_A_DAY) == "repeated contacts: this customer opened 3 issues within 1d (earlier: I-1, I-2)"
    fourth = record_contact(third.log, contact("I-4", T0 + 21 * H))
    assert fourth.escalate == "I-4" and fourth.count == 4


def test_contacts_outside_the_window_do_not_count_and_redeliveries_are_ignored() -> None:
    log = record_contact(ContactLog(), contact("I-1", T0)).log
    log = record_contact(log, contact("I-2", T0 + 2 * H)).log
    late = record_contact(log, contact("I-3", T0 + 25 * H))  # I-1 has left the window
    assert late.escalate is None and late.count == 2 and [c.issue_id for c in late.log.contacts] == ["I-2", "I-3"]
    again = record_contact(late.log, contact("I-3", T0 + 26 * H))
    assert again.duplicate and again.escalate is None and again.log is late.log
    # an escalated issue reported again (a retried activity) does not escalate twice
    third = record_contact(late.log, contact("I-4", T0 + 25 * H + 30 * M))  # I-2, I-3, I-4 within 24h
    assert third.escalate == "I-4"
    assert record_contact(forget_before(third.log, T0 + 60 * H), contact("I-4", T0 + 61 * H)).duplicate


def test_the_log_empties_when_its_window_passes() -> None:
    log = record_contact(ContactLog(), contact("I-1", T0)).log
    assert quiet_at(log) == T0 + 24 * H
    assert forget_before(log, T0 + 24 * H).contacts == [] and quiet_at(ContactLog()) is None


def test_customer_ids_never_appear_in_workflow_ids() -> None:
    key = customer_key("maria@example.com")
    assert len(key) == 32 and "maria" not in key and key == customer_key("maria@example.com")
    assert key != customer_key("maria@example.org")
    assert contacts_workflow_id(key) == f"customer-contacts-{key}"


def opening(issue_id: str, at) -> Opening:
    return Opening(issue_id=issue_id, category=Category.technical, at=at, rule=FIVE_IN_30M,
                   staff_teams=["support", "engineering", "pr"])


def test_the_fifth_issue_within_the_window_declares_a_major_incident_with_all_five() -> None:
    watch = IncidentWatch()
    for n in range(4):
        decision = record_opening(watch, opening(f"I-{n}", T0 + n * 5 * M))
        assert not decision.declare
        watch = decision.watch
    fifth = record_opening(watch, opening("I-4", T0 + 29 * M))
    assert [o.issue_id for o in fifth.declare] == ["I-0", "I-1", "I-2", "I-3", "I-4"]
    active = fifth.watch.active
    assert active.workflow_id == "major-incident-technical-20260302T092900Z" and active.over_at() == T0 + 29 * M + 2 * H
    # while it lasts, new issues are linked, and each link keeps it alive
    linked = record_opening(fifth.watch, opening("I-5", T0 + 2 * H))
    assert linked.link == "I-5" and not linked.declare and linked.watch.active.over_at() == T0 + 4 * H
    assert record_opening(linked.watch, opening("I-5", T0 + 2 * H)).duplicate


def test_a_slow_trickle_is_no_incident_and_a_quiet_incident_is_over() -> None:
    watch = IncidentWatch()
    for n in range(6):
        decision = record_opening(watch, opening(f"T-{n}", T0 + n * 10 * M))
        assert not decision.declare
        watch = decision.watch
    assert len(watch.openings) == 3  # only the last 30 minutes count
    declared = IncidentWatch()
    for n in range(5):
        declared = record_opening(declared, opening(f"I-{n}", T0 + n * M)).watch
    after_quiet = record_opening(declared, opening("I-9", T0 + 4 * M + 2 * H))
    assert after_quiet.link is None and after_quiet.watch.active is None and len(after_quiet.watch.openings) == 1
    assert watch_quiet_at(declared) == T0 + 4 * M + 2 * H
    ended = incident_ended(declared, declared.active.workflow_id)
    assert ended.active is None and incident_ended(ended, "other") is ended


def test_the_incident_links_each_issue_once_and_tells_all_staff_and_pr() -> None:
    state = start_incident("major-incident-technical-x", [opening(f"I-{n}", T0 + n * M) for n in range(5)])
    state, new = link_issue(state, "I-7", T0 + H)
    assert new and state.linked[-1] == "I-7" and state.over_at() == T0 + 3 * H
    assert link_issue(state, "I-7", T0 + H) == (state, False)
    notes = announcements(state, "declared")
    assert [n.recipient for n in notes] == ["team:engineering", "team:support", "team:pr"]
    assert "MAJOR INCIDENT: 6 technical issues within 30m" in notes[0].subject and "I-7" in notes[0].body
    assert notes[-1].subject.startswith("[PR]") and "public statement" in notes[-1].body
    over = end_incident(state, T0 + 3 * H, resolved_by="ops", note="fibre repaired")
    assert over.status == "resolved" and "fibre repaired" in announcements(over, "ended")[0].body
    assert link_issue(over, "I-8", T0 + 3 * H)[1] is False
    quiet = end_incident(state, T0 + 3 * H, resolved_by=None)
    assert "no new technical issue for 2h" in announcements(quiet, "ended")[0].body


def test_an_opened_issue_reports_only_what_its_policy_watches() -> None:
    assert opened_report(opened()) is None  # the short test policy has no triggers
    shipped = load_policy()
    technical = opened(shipped, category=Category.technical)
    report = opened_report(technical)
    assert report.customer_key == customer_key("c-1") and report.contact.issue_id == "I-1"
    assert report.opening.category is Category.technical and "pr" in report.opening.staff_teams
    assert "maria" not in report.model_dump_json().lower()  # no personal data leaves the issue
    billing = opened_report(opened(shipped, category=Category.billing))
    assert billing.contact is not None and billing.opening is None  # billing is not watched for incidents
    assert make_issue("x").customer.name == "Maria Papadopoulou"  # (the fixture does carry personal data)
