"""Build a worker for the issue workflow and its activities (shared by the entry point and tests)."""

from __future__ import annotations

from concurrent.futures import Executor

from temporalio.client import Client
from temporalio.worker import Worker

from activities.delivery import DeliveryActivities
from activities.outbox import Outbox
from workflows.issue_workflow import IssueWorkflow


def build_worker(client: Client, task_queue: str, outbox: Outbox, executor: Executor, **options) -> Worker:
    return Worker(client, task_queue=task_queue, workflows=[IssueWorkflow],
                  activities=DeliveryActivities(outbox).all(), activity_executor=executor, **options)
