"""`IssueClient`: open issues idempotently, send actions (updates) and events (signals), read state."""

from __future__ import annotations

from dataclasses import dataclass

from temporalio.api.enums.v1 import WorkflowIdConflictPolicy, WorkflowIdReusePolicy
from temporalio.client import Client, WorkflowExecutionStatus, WorkflowHandle, WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError, WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from domain.events import Event
from domain.issue import Issue, workflow_id_for
from domain.state import IssueState, TimelineEntry
from domain.view import IssueSummary
from policy.model import Policy
from starter.listing import IssueFilter, IssuePage, list_item, visibility_query
from workflows.issue_workflow import INVALID_ACTION, IssueInput, IssueWorkflow, PolicyMigration, WorkflowOptions


class IssueNotFound(LookupError):
    pass


class IssueConflict(Exception):
    """An issue with this id exists with a different body."""


class ActionRejected(Exception):
    """The action is not valid in the issue's current state (or its payload is invalid)."""

    def __init__(self, reason: str, kind: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.kind = kind


@dataclass(frozen=True)
class OpenResult:
    issue_id: str
    workflow_id: str
    created: bool  # False: the same issue was opened before; nothing new was started


class IssueClient:
    def __init__(self, client: Client, policy: Policy, task_queue: str,
                 options: WorkflowOptions | None = None) -> None:
        self.client = client
        self.policy = policy
        self.task_queue = task_queue
        self.options = options or WorkflowOptions()

    def handle(self, issue_id: str) -> WorkflowHandle:
        return self.client.get_workflow_handle(workflow_id_for(issue_id))

    async def open(self, issue: Issue, *, actor: str = "service", request_id: str | None = None) -> OpenResult:
        """Start the issue's workflow; the same issue again is a no-op, a different one a conflict."""
        try:
            await self.client.start_workflow(
                IssueWorkflow.run,
                IssueInput(issue=issue, policy=self.policy, opened_by=actor, request_id=request_id,
                           options=self.options),
                id=issue.workflow_id, task_queue=self.task_queue,
                id_reuse_policy=WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
                id_conflict_policy=WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_FAIL,
                static_summary=f"{issue.category.value} issue, {issue.priority.value} priority, "
                               f"{issue.customer.tier.value} customer, via {issue.channel.value}",
            )
            return OpenResult(issue.id, issue.workflow_id, created=True)
        except WorkflowAlreadyStartedError:
            existing = await self.state(issue.id)
            if existing.issue != issue:
                raise IssueConflict(f"issue {issue.id!r} already exists with a different body") from None
            return OpenResult(issue.id, issue.workflow_id, created=False)

    async def act(self, issue_id: str, event: Event) -> IssueSummary:
        """Send an action as an update; answers the new state or raises ActionRejected."""
        return await self._update(issue_id, event.kind, event)  # type: ignore[attr-defined]

    async def _update(self, issue_id: str, name: str, argument: object) -> IssueSummary:
        """Run update `name`; a validator's refusal, or the issue being closed, raises ActionRejected."""
        try:
            return await self.handle(issue_id).execute_update(name, argument, result_type=IssueSummary)
        except WorkflowUpdateFailedError as err:
            cause = err.cause
            if isinstance(cause, ApplicationError):
                raise ActionRejected(cause.message, cause.type or INVALID_ACTION) from None
            raise
        except RPCError as err:
            if err.status == RPCStatusCode.NOT_FOUND and await self._has_ended(issue_id):
                raise ActionRejected(f"cannot {name}: the issue is closed", INVALID_ACTION) from None
            raise _translate(err, issue_id) from None

    async def _has_ended(self, issue_id: str) -> bool:
        try:
            description = await self.handle(issue_id).describe()
        except RPCError:
            return False
        return description.status is not None and description.status != WorkflowExecutionStatus.RUNNING

    async def migrate_policy(self, issue_id: str, policy: Policy, *, actor: str = "ops",
                             request_id: str | None = None) -> IssueSummary:
        """Move a running issue to another policy version; raises ActionRejected if the move is incompatible."""
        request = PolicyMigration(policy=policy, actor=actor, request_id=request_id)
        return await self._update(issue_id, "migrate_policy", request)

    async def signal(self, issue_id: str, event: Event) -> None:
        """Send an event as a fire-and-forget signal (for services that cannot wait)."""
        try:
            await self.handle(issue_id).signal(event.kind, event)  # type: ignore[attr-defined]
        except RPCError as err:
            raise _translate(err, issue_id) from None

    async def summary(self, issue_id: str) -> IssueSummary:
        return await self._query(issue_id, "summary", IssueSummary)

    async def state(self, issue_id: str) -> IssueState:
        return await self._query(issue_id, "state", IssueState)

    async def timeline(self, issue_id: str) -> list[TimelineEntry]:
        return (await self.state(issue_id)).timeline

    async def list_issues(self, issue_filter: IssueFilter | None = None, *, page_size: int = 50,
                          next_page_token: bytes | None = None) -> IssuePage:
        """One page of this task queue's issues matching `issue_filter`, from Temporal visibility."""
        query = visibility_query(self.task_queue, issue_filter or IssueFilter())
        executions = self.client.list_workflows(query, page_size=page_size, next_page_token=next_page_token)
        await executions.fetch_next_page()
        return IssuePage(items=[list_item(e) for e in executions.current_page or ()],
                         next_page_token=executions.next_page_token)

    async def _query(self, issue_id: str, name: str, result_type: type):
        try:
            return await self.handle(issue_id).query(name, result_type=result_type)
        except RPCError as err:
            raise _translate(err, issue_id) from None


def _translate(err: RPCError, issue_id: str) -> Exception:
    if err.status == RPCStatusCode.NOT_FOUND:
        return IssueNotFound(f"no issue {issue_id!r}")
    return err
