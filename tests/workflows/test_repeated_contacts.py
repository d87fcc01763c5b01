"""Repeated contacts on the time-skipping server: the per-customer workflow escalates the third issue."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

from temporalio.client import WorkflowExecutionStatus
from temporalio.service import RPCError

from domain.issue import Customer, Tier
from policy.loader import parse_policy
from policy.triggers import RepeatedContacts
from rules.contacts import Contact, ContactLog, contacts_workflow_id, customer_key
from starter.client import IssueClient
from tests.conftest import make_issue, short_policy
from tests.workflows.helpers import settled, state_when
from workflows.customer_contacts import CONTACT_SIGNAL, ContactsInput, CustomerContactsWorkflow


def contacts_policy():
    raw = short_policy().model_dump(mode="json")
    raw["version"] = "test-contacts"
    raw["triggers"] = {"repeated_contacts": {"within": "1h", "contacts": 3}}
    return parse_policy(raw)


def customer() -> Customer:
    return Customer(id=f"cust-{uuid.uuid4().hex[:8]}", name="Ivana Kovač", contact="ivana@example.com",
                    tier=Tier.standard, language="hr", timezone="Europe/Zagreb")


async def test_the_third_issue_within_the_window_is_escalated_naming_the_earlier_ones(ts, time_env) -> None:
    issues = IssueClient(ts.client, contacts_policy(), ts.issues.task_queue, ts.issues.options)
    who = customer()
    opened = [make_issue(customer=who) for _ in range(3)]
    for issue in opened[:2]:
        await issues.open(issue)
    someone_else = make_issue(customer=customer())
    await issues.open(someone_else)
    entity = ts.client.get_workflow_handle(contacts_workflow_id(customer_key(who.id)))
    assert who.id not in entity.id
    log = await _log_when(entity, 2)
    assert [c.issue_id for c in log.contacts] == [opened[0].id, opened[1].id]
    await issues.open(opened[2])

    third = await state_when(issues, opened[2].id, lambda s: s.level.name == "l2" and settled(s))
    escalation = next(e for e in third.timeline if e.kind == "escalated")
    assert escalation.actor == "repeated-contacts"
    assert f"opened 3 issues within 1h (earlier: {opened[0].id}, {opened[1].id})" in escalation.summary
    for issue in (*opened[:2], someone_else):
        assert (await issues.summary(issue.id)).level == "l1"

    # the counter finishes once its window has passed; a later contact starts afresh
    await time_env.sleep(timedelta(hours=1, minutes=1))
    assert (await entity.describe()).status == WorkflowExecutionStatus.COMPLETED
    later = make_issue(customer=who)
    await issues.open(later)
    log = await _log_when(ts.client.get_workflow_handle(entity.id), 1)
    assert [c.issue_id for c in log.contacts] == [later.id]
    assert (await issues.summary(later.id)).level == "l1"


async def _log_when(handle, count: int, timeout: float = 15.0) -> ContactLog:
    """The customer's contact log once it holds `count` contacts (the workflow may not have started yet)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        try:
            log = await handle.query("contacts", result_type=ContactLog, rpc_timeout=timedelta(seconds=2))
            if len(log.contacts) >= count:
                return log
        except RPCError:  # not started yet, or the test server let a query wait across a continue-as-new
            if loop.time() > deadline:
                raise
        if loop.time() > deadline:
            raise AssertionError(f"the contact log never reached {count}")
        await asyncio.sleep(0.05)


async def test_a_long_lived_counter_continues_as_new_keeping_its_contacts(ts, time_env) -> None:
    rule = RepeatedContacts(within=timedelta(hours=1), contacts=100)
    handle = await ts.client.start_workflow(
        CustomerContactsWorkflow.run, ContactsInput(continue_as_new_after_events=20),
        id=f"customer-contacts-test-{uuid.uuid4().hex[:8]}", task_queue=ts.issues.task_queue)
    now = await time_env.get_current_time()
    for n in range(12):
        await handle.signal(CONTACT_SIGNAL, Contact(issue_id=f"CAN-{n}", at=now, rule=rule))
    log = await _log_when(ts.client.get_workflow_handle(handle.id), 12)
    assert [c.issue_id for c in log.contacts] == [f"CAN-{n}" for n in range(12)]
    description = await ts.client.get_workflow_handle(handle.id).describe()
    assert description.run_id != handle.result_run_id  # it continued as new at least once
