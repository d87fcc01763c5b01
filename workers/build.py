"""Build a worker for the issue workflow and its activities (shared by the entry point and tests)."""

from __future__ import annotations

from concurrent.futures import Executor

from temporalio.client import Client
from temporalio.worker import Worker
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

from activities.delivery import DeliveryActivities
from activities.notifier import Notifier
from activities.outbox import Outbox
from activities.triggers import TriggerActivities
from workflows.issue_workflow import IssueWorkflow
from workflows.triggers import TRIGGER_WORKFLOWS


def shared_modules_runner() -> SandboxedWorkflowRunner:
    """The sandbox, with the `workflows` package imported once for all workflow instances.

    The strict sandbox imports the workflow modules again for every instance it creates; with thousands of
    issues cycling through the cache that garbage made the worker pause (docs/benchmarks.md). Sharing
    them is safe because they hold no mutable module state, but calls inside them are no longer checked
    for non-determinism: the tests run the strict sandbox (the default of `build_worker`) to keep that check.
    """
    return SandboxedWorkflowRunner(restrictions=SandboxRestrictions.default.with_passthrough_modules("workflows"))


def build_worker(client: Client, task_queue: str, outbox: Outbox, executor: Executor,
                 notifier: Notifier | None = None, *, shared_workflow_modules: bool = False, **options) -> Worker:
    """`notifier=None`: messages are recorded in the outbox only, nothing is sent. The production worker
    passes `shared_workflow_modules=True` (see `shared_modules_runner`)."""
    if shared_workflow_modules:
        options["workflow_runner"] = shared_modules_runner()
    return Worker(client, task_queue=task_queue, workflows=[IssueWorkflow, *TRIGGER_WORKFLOWS],
                  activities=DeliveryActivities(outbox, notifier).all() + TriggerActivities(client, outbox).all(),
                  activity_executor=executor, **options)
