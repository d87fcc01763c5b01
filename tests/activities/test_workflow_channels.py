"""The issue workflow on the time-skipping server with a worker that sends for real (apprise -> SMTP and
webhooks): what people receive as the issue moves, a channel that is down, a bad address."""

from __future__ import annotations

import uuid
from datetime import timedelta

from domain.events import Acknowledge, AddComment
from domain.state import Status
from tests.activities.conftest import UI_URL
from tests.conftest import make_issue
from tests.notifications.receivers import wait_until
from tests.workflows.helpers import kinds, settled, state_when

M = timedelta(minutes=1)


def new_issue(**customer_changes):  # noqa: ANN003, ANN201
    contact = f"c-{uuid.uuid4().hex[:8]}@customer.example"
    return make_issue(customer=make_issue().customer.model_copy(update={"contact": contact, **customer_changes}))


def about(issue, items):  # noqa: ANN001, ANN201
    return [i for i in items if issue.id in (getattr(i, "subject", None) or i.payload["title"])]


async def test_people_are_reached_as_the_issue_moves_up(channels, time_env):
    h, mail, hooks = channels.harness, channels.mail, channels.hooks
    issue = new_issue()
    await h.issues.open(issue)
    state = await state_when(h.issues, issue.id, settled)
    assert state.assignee == "ben" and "assigned to ben" in state.timeline[-1].summary  # ann is on leave
    [told] = await mail.wait_for(issue.customer.contact)
    assert "Το χειρίζεται ένας εκπρόσωπος εξυπηρέτησης" in told.body and "μέσα σε 10 λεπτά" in told.body
    [team] = about(issue, await hooks.wait_for("/support"))
    assert "owner: ben" in team.payload["message"]
    assert f"{UI_URL}/namespaces/default/workflows/issue-{issue.id}" in team.payload["message"]
    await wait_until(lambda: about(issue, mail.to("ben@staff.example")), what="ben's own copy")

    await h.issues.act(issue.id, AddComment(actor="ben", text="Asked for the router's logs."))
    await time_env.sleep(10 * M + timedelta(seconds=1))  # no first response in 10 minutes: up to l2
    state = await state_when(h.issues, issue.id, lambda s: s.level.name == "l2" and settled(s))
    assert state.assignee == "sam"
    [handover] = about(issue, await mail.wait_for("sam@staff.example"))
    for expected in ("Escalated from agent to specialist: response SLA breached at l1", "owner: sam",
                     "ben: Asked for the router's logs.", "ben: comment", "10m ago"):
        assert expected in handover.body, expected
    told = await mail.wait_for(issue.customer.contact, 2)
    assert "Προωθήσαμε το αίτημά σας: το χειρίζεται πλέον ένας ειδικός." in told[1].body
    assert "μέσα σε 20 λεπτά" in told[1].body
    assert len(mail.to(issue.customer.contact)) == 2
    # ben, the owner at l1, was told twice, once each: on entry, and at the 50 % warning of his deadline
    entry, warning = sorted((m.subject for m in about(issue, mail.to("ben@staff.example"))), key=len)
    assert entry.endswith("New issue for agent") and warning.endswith("left on the response target")


async def test_a_channel_down_does_not_hold_the_issue_and_delivers_once_when_back(channels, mail_up):
    h = channels.harness
    issue = new_issue()
    mail_up.down()
    await h.issues.open(issue)
    summary = await h.issues.act(issue.id, Acknowledge(actor="ben"))  # the issue moves on meanwhile
    assert summary.status is Status.acknowledged
    await wait_until(lambda: any(r["status"] == "pending" and r["error"] for r in h.outbox.messages(issue.id)),
                     what="a failed first attempt")
    mail_up.up()
    await mail_up.wait_for(issue.customer.contact)
    await wait_until(lambda: all(r["status"] == "sent" for r in h.outbox.messages(issue.id)), what="all sent")
    assert len(mail_up.to(issue.customer.contact)) == 1
    assert len(about(issue, mail_up.to("ben@staff.example"))) == 1
    assert "delivery_failed" not in kinds(await h.issues.state(issue.id))


async def test_a_bad_address_is_recorded_on_the_timeline_and_not_retried(channels):
    h, mail = channels.harness, channels.mail
    issue = new_issue()
    mail.refuse.add(issue.customer.contact)
    await h.issues.open(issue)
    state = await state_when(h.issues, issue.id, lambda s: "delivery_failed" in kinds(s) and settled(s))
    [failed] = [e for e in state.timeline if e.kind == "delivery_failed"]
    assert failed.summary.startswith("inform_customer failed for good") and "SMTP 550" in failed.summary
    assert issue.customer.contact not in failed.summary  # no address in the record
    assert state.delivery_failures == 1 and state.status is Status.open and state.level.name == "l1"
    assert mail.rcpt_attempts.count(issue.customer.contact) == 1  # one attempt, no retries
    summary = await h.issues.summary(issue.id)
    assert summary.delivery_failures == 1  # visible to ops in the summary (and the API)
