"""The delivery activities in a real activity context, sending through apprise to a real SMTP server and a
real webhook receiver: content, owners, exactly once, temporary and permanent failures."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import timedelta

import pytest
from temporalio.testing import ActivityEnvironment

from activities.contracts import Delivery, PermanentDeliveryError, TemporaryDeliveryError
from activities.delivery import DeliveryActivities
from activities.notifier import Notifier
from activities.outbox import Envelope, Outbox
from domain import events as ev
from domain.commands import AssignOwner, InformCustomer, NotifyStaff
from domain.issue import Tier
from domain.state import IssueState
from domain.view import summarize
from notifications.addresses import Addressing
from rules.escalation import apply_event, open_issue
from tests.activities.conftest import FRIDAY_1500_ATHENS, UI_URL, channel_notifier
from tests.conftest import make_issue, short_policy

T0 = FRIDAY_1500_ATHENS


def customer(contact: str | None = None, **changes):  # noqa: ANN003, ANN201
    contact = contact or f"c-{uuid.uuid4().hex[:8]}@customer.example"
    return make_issue().customer.model_copy(update={"contact": contact, **changes})


def opened(contact: str | None = None, at=T0, **changes) -> tuple[IssueState, list]:  # noqa: ANN001
    decision = open_issue(make_issue(customer=customer(contact, **changes)), short_policy(), at)
    return decision.state, list(decision.commands)


def delivery(state: IssueState, command, assignment: AssignOwner | None = None) -> Delivery:  # noqa: ANN001
    """What the workflow passes to an activity."""
    return Delivery(command=command, issue=state.issue, opened_at=state.opened_at, story=state.timeline[-20:],
                    team_members=state.policy.teams[command.team].members, summary=summarize(state),
                    assignment=assignment)


def one(commands: list, kind: type):  # noqa: ANN201
    [found] = [c for c in commands if isinstance(c, kind)]
    return found


def run(fn, state: IssueState, command, assignment=None):  # noqa: ANN001, ANN201
    env = ActivityEnvironment()
    env.info = dataclasses.replace(env.info, workflow_id=state.issue.workflow_id,
                                   start_to_close_timeout=timedelta(seconds=30))
    return env.run(fn, delivery(state, command, assignment))


def test_the_customer_gets_one_mail_in_their_language_with_the_real_deadline(activities, mail_up):
    state, commands = opened()
    inform = one(commands, InformCustomer)
    run(activities.inform_customer, state, inform)
    run(activities.inform_customer, state, inform)  # a retry, or a restarted worker
    [mail] = mail_up.to(state.issue.customer.contact)
    assert mail.subject == f"[{state.issue.id}] Router keeps rebooting"
    assert "Λάβαμε το αίτημά σας. Το χειρίζεται ένας εκπρόσωπος εξυπηρέτησης." in mail.body
    assert "μέσα σε 10 λεπτά (έως τις 15:10, Χειμερινή ώρα Ανατολικής Ευρώπης)" in mail.body
    [row] = activities.outbox.messages(state.issue.id)
    assert (row["status"], row["service"], row["recipient"]) == ("sent", "E-Mail", state.issue.customer.contact)


def test_entering_a_level_the_team_and_the_new_owner_get_the_handover(activities, mail_up, hooks):
    state, _ = opened(at=T0 - timedelta(hours=2))
    for event, at in ((ev.CustomerReply(actor="helpdesk", text="It also drops the Wi-Fi."), T0 - timedelta(hours=1)),
                      (ev.AddComment(actor="ben", text="Firmware 2.1 suspected; logs attached."), T0 - timedelta(minutes=30)),
                      (ev.EscalateUp(actor="ben", reason="needs a specialist"), T0)):
        decision = apply_event(state, event, at)
        state, commands = decision.state, list(decision.commands)
    assign, notify = one(commands, AssignOwner), one(commands, NotifyStaff)

    run(activities.notify_staff, state, notify, assignment=assign)  # may run before the assignment does
    assert run(activities.assign_owner, state, assign) == "sam"  # the same owner either way

    team, personal = mail_up.to("specialists@staff.example"), mail_up.to("sam@staff.example")
    hook = hooks.accepted("/sam")
    assert len(team) == len(personal) == 1 and len([h for h in hook if state.issue.id in h.payload["title"]]) == 1
    text = personal[0].body
    for expected in (
        "Escalated from agent to specialist: asked by ben: needs a specialist",
        f"Issue {state.issue.id}: Router keeps rebooting",
        "Customer: Maria Papadopoulou (standard tier; language el; time zone Europe/Athens)",
        "Now with: specialist (l2, team specialists); owner: sam",
        "2h 00m ago",  # time since first contact
        "first response due 2026-11-20 13:20 UTC (in 20m)",
        "next deadline: 2026-11-20 13:20 UTC (in 20m)",
        "customer last told: escalated at 2026-11-20 13:00 UTC, reply promised by 2026-11-20 13:20 UTC",
        "Since the update the router reboots every hour.",  # what the customer said first
        "helpdesk: It also drops the Wi-Fi.",  # ... and later
        "ben: Firmware 2.1 suspected; logs attached.",
        "ben: comment, escalated",  # who was involved and what they did
        f"Open in the Temporal UI: {UI_URL}/namespaces/default/workflows/issue-{state.issue.id}",
    ):
        assert expected in text, expected
    assert team[0].body == text and hook[-1].payload["message"].strip() == text.strip()


def test_round_robin_skips_the_person_on_leave_and_the_notice_names_the_owner(activities, mail_up, hooks):
    state, commands = opened()
    assign, notify = one(commands, AssignOwner), one(commands, NotifyStaff)
    assert run(activities.assign_owner, state, assign) == "ben"  # ann is on leave
    run(activities.notify_staff, state, notify, assignment=assign)
    [hook] = [h for h in hooks.accepted("/support") if state.issue.id in h.payload["title"]]
    assert "owner: ben" in hook.payload["message"] and "New issue for agent" in hook.payload["title"]
    assert len([m for m in mail_up.to("ben@staff.example") if state.issue.id in m.subject]) == 1
    assert [m for m in mail_up.to("ann@staff.example") if state.issue.id in m.subject] == []


def test_a_channel_down_is_retried_and_then_delivers_once(activities, mail_up):
    state, commands = opened()
    inform = one(commands, InformCustomer)
    mail_up.down()
    with pytest.raises(TemporaryDeliveryError, match="customer: E-Mail: could not connect"):
        run(activities.inform_customer, state, inform)
    [row] = activities.outbox.messages(state.issue.id)
    assert row["status"] == "pending" and "could not connect" in row["error"]
    mail_up.up()
    run(activities.inform_customer, state, inform)
    run(activities.inform_customer, state, inform)
    assert len(mail_up.to(state.issue.customer.contact)) == 1
    [row] = activities.outbox.messages(state.issue.id)
    assert (row["status"], row["attempts"]) == ("sent", 2)


def test_one_failing_channel_neither_holds_back_nor_repeats_the_others(activities, mail_up, hooks):
    state, commands = opened(tier=Tier.key)  # key clients start at l2 with sam (mail and webhook)
    notify, assign = one(commands, NotifyStaff), one(commands, AssignOwner)
    hooks.status["/sam"] = 503
    try:
        with pytest.raises(TemporaryDeliveryError, match=r"person:sam: JSON: the service failed \(HTTP 503\)"):
            run(activities.notify_staff, state, notify, assignment=assign)
    finally:
        del hooks.status["/sam"]
    ours = lambda mails: [m for m in mails if state.issue.id in m.subject]  # noqa: E731
    assert len(ours(mail_up.to("specialists@staff.example"))) == len(ours(mail_up.to("sam@staff.example"))) == 1
    run(activities.notify_staff, state, notify, assignment=assign)
    assert len(ours(mail_up.to("specialists@staff.example"))) == len(ours(mail_up.to("sam@staff.example"))) == 1
    assert len([h for h in hooks.accepted("/sam") if state.issue.id in h.payload["title"]]) == 1


def test_a_refused_address_fails_for_good_and_is_never_tried_again(activities, mail_up):
    state, commands = opened()
    contact = state.issue.customer.contact
    mail_up.refuse.add(contact)
    inform = one(commands, InformCustomer)
    for _ in range(2):
        with pytest.raises(PermanentDeliveryError, match=r"customer: E-Mail: .*SMTP 550"):
            run(activities.inform_customer, state, inform)
    assert mail_up.rcpt_attempts.count(contact) == 1 and mail_up.to(contact) == []
    [row] = activities.outbox.messages(state.issue.id)
    assert row["status"] == "failed" and "SMTP 550" in row["error"]


def test_a_phone_contact_needs_an_sms_channel(tmp_path, mail_up, hooks):
    state, commands = opened(contact="+30 210 555 0100")
    inform = one(commands, InformCustomer)
    without = DeliveryActivities(Outbox(tmp_path / "a.sqlite3"), channel_notifier(mail_up, hooks, lambda: T0))
    with pytest.raises(PermanentDeliveryError, match="no SMS channel is configured"):
        run(without.inform_customer, state, inform)
    sms = dataclasses.replace(channel_notifier(mail_up, hooks, lambda: T0),
                              addressing=Addressing(mail_up.mail_url, sms_url=hooks.url("/sms/{phone}")))
    run(DeliveryActivities(Outbox(tmp_path / "b.sqlite3"), sms).inform_customer, state, inform)
    [hook] = hooks.accepted("/sms/+302105550100")
    assert "μέσα σε 10 λεπτά" in hook.payload["message"]


def test_an_attempt_still_running_elsewhere_is_not_doubled(activities, mail_up):
    state, commands = opened()
    inform = one(commands, InformCustomer)
    with pytest.raises(TemporaryDeliveryError):  # learn the row's key from a failed first attempt
        mail_up.down()
        run(activities.inform_customer, state, inform)
    mail_up.up()
    [row] = activities.outbox.messages(state.issue.id)
    activities.outbox.claim(Envelope(row["idempotency_key"], row["issue_id"], "customer", row["recipient"], "s", "b"),
                            T0, timedelta(seconds=30))  # an older attempt, timed out but still sending
    with pytest.raises(TemporaryDeliveryError, match="still sending"):
        run(activities.inform_customer, state, inform)
    assert mail_up.to(state.issue.customer.contact) == []


def test_without_channels_everything_is_recorded_and_nothing_sent(tmp_path, mail_up):
    record_only = DeliveryActivities(Outbox(tmp_path / "o.sqlite3"), Notifier(clock=lambda: T0))
    state, commands = opened()
    run(record_only.inform_customer, state, one(commands, InformCustomer))
    run(record_only.notify_staff, state, one(commands, NotifyStaff), assignment=one(commands, AssignOwner))
    rows = record_only.outbox.messages(state.issue.id)
    assert [(r["channel"], r["recipient"], r["status"]) for r in rows] == [
        ("customer", state.issue.customer.contact, "recorded"), ("staff", "team:support", "recorded")]
    assert "owner: ann" in rows[1]["body"]  # no roster: the policy's members, all at work
    assert mail_up.to(state.issue.customer.contact) == []
