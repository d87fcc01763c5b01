"""Activities for the proactive triggers: pass an opened issue to its watchers, broadcast incidents.

`report_issue_opened` signal-with-starts the customer's contact counter and the category's incident
watcher (both deduplicate by issue id, so a retry is harmless). `start_major_incident` starts an
incident's workflow once. `broadcast_incident` writes one message per team to the outbox, once per
incident, stage and team.
"""

from __future__ import annotations

import structlog
from temporalio import activity
from temporalio.client import Client
from temporalio.exceptions import WorkflowAlreadyStartedError

from activities.outbox import Outbox
from rules.contacts import contacts_workflow_id
from rules.incidents import IncidentState, watch_workflow_id
from rules.triggers import REPORT_OPENED, OpenedReport
from workflows.customer_contacts import CONTACT_SIGNAL, ContactsInput, CustomerContactsWorkflow
from workflows.major_incident import (
    BROADCAST_INCIDENT, OPENED_SIGNAL, START_INCIDENT, IncidentBroadcast, IncidentWatchWorkflow, MajorIncidentWorkflow,
    WatchInput,
)

log = structlog.get_logger(__name__)


class TriggerActivities:
    def __init__(self, client: Client, outbox: Outbox) -> None:
        self.client = client
        self.outbox = outbox

    @activity.defn(name=REPORT_OPENED)
    async def report_issue_opened(self, report: OpenedReport) -> None:
        task_queue = activity.info().task_queue
        if report.contact is not None:
            await self.client.start_workflow(
                CustomerContactsWorkflow.run, ContactsInput(), id=contacts_workflow_id(report.customer_key),
                task_queue=task_queue, start_signal=CONTACT_SIGNAL, start_signal_args=[report.contact],
                static_summary="counts one customer's contacts (the id is a hash, no personal data)")
        if report.opening is not None:
            await self.client.start_workflow(
                IncidentWatchWorkflow.run, WatchInput(), id=watch_workflow_id(report.opening.category),
                task_queue=task_queue, start_signal=OPENED_SIGNAL, start_signal_args=[report.opening],
                static_summary=f"watches {report.opening.category.value} issues for a major incident")
        log.info("issue reported to trigger watchers", issue_id=(report.contact or report.opening).issue_id,
                 contacts=report.contact is not None, incidents=report.opening is not None)

    @activity.defn(name=START_INCIDENT)
    async def start_major_incident(self, incident: IncidentState) -> None:
        """Start the incident's workflow; already started (a retry) is fine."""
        try:
            await self.client.start_workflow(
                MajorIncidentWorkflow.run, incident, id=incident.workflow_id, task_queue=activity.info().task_queue,
                static_summary=f"major incident: {len(incident.linked)} {incident.category.value} issues")
        except WorkflowAlreadyStartedError:
            pass
        log.warning("major incident declared", incident=incident.workflow_id, issues=len(incident.linked))

    @activity.defn(name=BROADCAST_INCIDENT)
    def broadcast_incident(self, broadcast: IncidentBroadcast) -> int:
        """Deliver every announcement once; answers how many were new."""
        new = 0
        for note in broadcast.announcements:
            key = f"{broadcast.incident_id}/{broadcast.what}/{note.recipient}"
            new += self.outbox.deliver(key, broadcast.incident_id, "staff", note.recipient, note.subject, note.body)
        log.info("major incident broadcast", incident=broadcast.incident_id, what=broadcast.what, new=new)
        return new

    def all(self) -> list:
        return [self.report_issue_opened, self.start_major_incident, self.broadcast_incident]
