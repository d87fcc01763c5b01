"""`CustomerContactsWorkflow`: one per customer (id from a hash, never the customer's id), counting contacts.

Each issue the customer opens arrives as a `contact` signal (signal-with-start, see
`activities/triggers.py`). When the contacts within the policy's window reach its threshold, the
newest issue is escalated with the earlier ones named, so the new owner sees the whole story. The
workflow finishes once its window is empty; the next contact starts a fresh one.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from pydantic import BaseModel, Field
from temporalio import workflow
from temporalio.exceptions import FailureError

with workflow.unsafe.imports_passed_through():
    from domain.events import EscalateUp
    from domain.issue import workflow_id_for
    from rules.contacts import Contact, ContactLog, forget_before, quiet_at, record_contact

CONTACT_SIGNAL = "contact"
ACTOR = "repeated-contacts"


class ContactsInput(BaseModel):
    log: ContactLog = ContactLog()
    inbox: list[Contact] = Field(default_factory=list, description="contacts not yet counted (continue-as-new)")
    continue_as_new_after_events: int = Field(default=1_000, ge=20)


@workflow.defn
class CustomerContactsWorkflow:
    @workflow.init
    def __init__(self, inp: ContactsInput) -> None:
        self._log = inp.log
        self._inbox: list[Contact] = list(inp.inbox)
        self._limit = inp.continue_as_new_after_events

    @workflow.run
    async def run(self, inp: ContactsInput) -> ContactLog:
        while True:
            while self._inbox:
                await self._count(self._inbox.pop(0))
            self._log = forget_before(self._log, workflow.now())
            quiet = quiet_at(self._log)
            if quiet is None:
                await workflow.wait_condition(workflow.all_handlers_finished)
                if not self._inbox:
                    return self._log
                continue
            if workflow.info().get_current_history_length() >= self._limit:
                workflow.continue_as_new(ContactsInput(log=self._log, inbox=self._inbox,
                                                       continue_as_new_after_events=self._limit))
            try:
                await workflow.wait_condition(lambda: bool(self._inbox),
                                              timeout=max(quiet - workflow.now(), timedelta(milliseconds=1)),
                                              timeout_summary=f"window of the last contact ends {quiet:%Y-%m-%d %H:%M} UTC")
            except asyncio.TimeoutError:
                pass

    @workflow.signal(name=CONTACT_SIGNAL)
    def contact(self, contact: Contact) -> None:
        self._inbox.append(contact)

    @workflow.query
    def contacts(self) -> ContactLog:
        return self._log

    async def _count(self, contact: Contact) -> None:
        decision = record_contact(self._log, contact)
        self._log = decision.log
        if decision.escalate is None:
            return
        event = EscalateUp(event_id=f"{ACTOR}/{decision.escalate}", actor=ACTOR, reason=decision.reason(contact.rule))
        try:
            await workflow.get_external_workflow_handle(workflow_id_for(decision.escalate)).signal(event.kind, event)
        except FailureError as err:  # the issue closed in the meantime: nothing left to escalate
            workflow.logger.info("escalation for repeated contacts not delivered: %s", err)
