"""Build a worker for the issue workflow and its activities (shared by the entry point and tests)."""

from __future__ import annotations

from concurrent.futures import Executor

from temporalio.client import Client
from temporalio.worker import Worker

from activities.delivery import DeliveryActivities
from activities.notifier import Notifier
from activities.outbox import Outbox
from activities.triggers import TriggerActivities
from workflows.issue_workflow import IssueWorkflow
from workflows.triggers import TRIGGER_WORKFLOWS


def build_worker(client: Client, task_queue: str, outbox: Outbox, executor: Executor,
                 notifier: Notifier | None = None, **options) -> Worker:
    """`notifier=None`: messages are recorded in the outbox only, nothing is sent."""
    return Worker(client, task_queue=task_queue, workflows=[IssueWorkflow, *TRIGGER_WORKFLOWS],
                  activities=DeliveryActivities(outbox, notifier).all() + TriggerActivities(client, outbox).all(),
                  activity_executor=executor, **options)
