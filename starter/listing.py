"""Finding issues through Temporal visibility: filters become a list query over our search attributes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field
from temporalio.client import WorkflowExecution, WorkflowExecutionStatus

from domain.issue import Category, Priority, Tier
from domain.state import Status
from workflows import search_attributes as sa

WORKFLOW_TYPE = "IssueWorkflow"
TeamName = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]{0,63}$")]  # as policy team names


class IssueFilter(BaseModel):
    """Every field left out matches all; the ones given must all hold."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    status: Status | None = None
    level: int | None = Field(default=None, ge=1, le=100, description="escalation level number, 1-based")
    priority: Priority | None = None
    category: Category | None = None
    team: TeamName | None = None
    tier: Tier | None = None
    breached: bool | None = None


class IssueListItem(BaseModel):
    """What visibility knows of an issue (no personal data: only search attributes and times)."""

    id: str
    workflow_id: str
    status: Status | None
    level_number: int | None
    priority: Priority | None
    category: Category | None
    tier: Tier | None
    team: str | None
    breached: bool | None
    next_deadline: datetime | None
    run_started_at: datetime  # when the current run began: the opening, unless the issue continued as new
    running: bool


class IssuePage(BaseModel):
    items: list[IssueListItem]
    next_page_token: bytes | None


def _literal(value: str) -> str:
    if "'" in value or "\\" in value:
        raise ValueError(f"unsafe value in a visibility query: {value!r}")
    return f"'{value}'"


def visibility_query(task_queue: str, issue_filter: IssueFilter) -> str:
    """The list query for issues on `task_queue` that match `issue_filter` (latest run of each only)."""
    f = issue_filter
    clauses = [f"WorkflowType = {_literal(WORKFLOW_TYPE)}", f"TaskQueue = {_literal(task_queue)}",
               "ExecutionStatus != 'ContinuedAsNew'"]
    keywords = ((sa.ISSUE_STATUS, f.status), (sa.ISSUE_PRIORITY, f.priority), (sa.ISSUE_CATEGORY, f.category),
                (sa.CUSTOMER_TIER, f.tier), (sa.ASSIGNED_TEAM, f.team))
    clauses += [f"{key.name} = {_literal(str(value))}" for key, value in keywords if value is not None]
    if f.level is not None:
        clauses.append(f"{sa.ESCALATION_LEVEL.name} = {int(f.level)}")
    if f.breached is not None:
        clauses.append(f"{sa.SLA_BREACHED.name} = {'true' if f.breached else 'false'}")
    return " AND ".join(clauses)


def list_item(execution: WorkflowExecution) -> IssueListItem:
    attrs = execution.typed_search_attributes

    def enum_or_none(enum, key):  # noqa: ANN001, ANN202
        value = attrs.get(key)
        return enum(value) if value in enum._value2member_map_ else None

    return IssueListItem(
        id=execution.id.removeprefix("issue-"), workflow_id=execution.id,
        status=enum_or_none(Status, sa.ISSUE_STATUS), level_number=attrs.get(sa.ESCALATION_LEVEL),
        priority=enum_or_none(Priority, sa.ISSUE_PRIORITY), category=enum_or_none(Category, sa.ISSUE_CATEGORY),
        tier=enum_or_none(Tier, sa.CUSTOMER_TIER), team=attrs.get(sa.ASSIGNED_TEAM),
        breached=attrs.get(sa.SLA_BREACHED), next_deadline=attrs.get(sa.NEXT_DEADLINE),
        run_started_at=execution.start_time, running=execution.status is WorkflowExecutionStatus.RUNNING,
    )
