"""`IssueWorkflow`: a thin durable loop around the pure escalation rules.

Every event, from an update, a signal or a clock, goes through `rules.escalation.apply_event`; the
commands it returns run as activities in the background, so a slow channel never holds the clock.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import datetime, timedelta

from pydantic import BaseModel, Field
from temporalio import workflow
from temporalio.common import RawValue, RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from activities.contracts import ACTIVITY_FOR_COMMAND, Delivery
    from domain import events as ev
    from domain.commands import AnyCommand, AssignOwner, NotifyStaff
    from domain.issue import Issue
    from domain.state import IssueState, Status
    from domain.view import IssueSummary, summarize
    from metrics import issue_metrics
    from metrics.workflow_meter import WorkflowMetrics
    from policy.model import Policy
    from rules.escalation import InvalidAction, apply_event, open_issue
    from rules.migration import migrate_policy
    from rules.schedule import due_event, next_wakeup
    from rules.triggers import REPORT_OPENED, OpenedReport, opened_report
    from workflows import search_attributes as sa

INVALID_ACTION = "InvalidAction"
STORY_ENTRIES = 20


class WorkflowOptions(BaseModel):
    upsert_search_attributes: bool = True  # off only on the time-skipping test server
    continue_as_new_after_events: int = Field(default=1_000, ge=20)


class IssueInput(BaseModel):
    """First run: `issue` and `policy`. After continue-as-new: `state`."""

    issue: Issue | None = None
    policy: Policy | None = None
    state: IssueState | None = None
    opened_by: str = "service"
    request_id: str | None = None
    options: WorkflowOptions = WorkflowOptions()


class PolicyMigration(BaseModel):
    """Move a running issue to another policy version (the `migrate_policy` update)."""

    policy: Policy
    actor: str = Field(default="ops", min_length=1, max_length=200)
    request_id: str | None = Field(default=None, max_length=128)


ACTIVITY_RETRY = RetryPolicy(initial_interval=timedelta(seconds=1), backoff_coefficient=2.0,
                             maximum_interval=timedelta(minutes=5), non_retryable_error_types=["PermanentDeliveryError"])


@workflow.defn
class IssueWorkflow:
    @workflow.init
    def __init__(self, inp: IssueInput) -> None:
        self._options = inp.options
        self._pending: list[AnyCommand] = []
        self._metrics = WorkflowMetrics()
        if inp.state is not None:
            self._state = inp.state
        else:
            if inp.issue is None or inp.policy is None:
                raise ApplicationError("IssueInput needs either state or issue and policy", non_retryable=True)
            decision = open_issue(inp.issue, inp.policy, workflow.now(), actor=inp.opened_by,
                                  request_id=inp.request_id)
            self._state = decision.state
            self._pending.extend(decision.commands)
            self._metrics.record(issue_metrics.on_open(self._state))
        self._version = 0
        self._in_flight: set[asyncio.Task[None]] = set()
        self._published: dict[str, object] = {}

    @workflow.run
    async def run(self, inp: IssueInput) -> IssueSummary:
        self._publish()
        if inp.state is None:
            self._report_opened()
        while self._state.status is not Status.closed:
            self._dispatch()
            large = self._history_large()
            if large and not self._in_flight:
                break  # continue as new; never while a delivery is still retrying, so the clock never waits
            event = due_event(self._state, workflow.now())
            if event is not None:
                self._apply(event)
                continue
            wake = next_wakeup(self._state)
            version = self._version
            timeout = None if wake is None else max(wake.at - workflow.now(), timedelta(milliseconds=1))
            try:
                await workflow.wait_condition(
                    lambda: self._version != version or bool(self._pending) or (large and not self._in_flight),
                    timeout=timeout, timeout_summary=wake.summary if wake else None)
            except asyncio.TimeoutError:
                pass  # the clock event is picked up by due_event at the top of the loop
        await self._drain()
        if self._state.status is Status.closed:
            return summarize(self._state)
        workflow.continue_as_new(IssueInput(state=self._state, options=self._options))

    async def _drain(self) -> None:
        """Carry out every command, including those of events that arrive meanwhile; let handlers finish."""
        while True:
            self._dispatch()
            await workflow.wait_condition(
                lambda: bool(self._pending) or (not self._in_flight and workflow.all_handlers_finished()))
            if not self._pending:
                return

    # --- what agents, services and ops send --------------------------------------------------
    @workflow.update(dynamic=True)
    def act(self, name: str, args: Sequence[RawValue]) -> IssueSummary:
        """An agent or service action by name (`acknowledge`, `resolve`, ...); answers the new state."""
        try:
            self._apply(self._decode(name, args))
        except InvalidAction as exc:  # the state moved on between validation and now
            raise ApplicationError(exc.reason, type=INVALID_ACTION, non_retryable=True) from None
        return summarize(self._state)

    @act.validator
    def _validate_act(self, name: str, args: Sequence[RawValue]) -> None:
        try:
            apply_event(self._state, self._decode(name, args), workflow.now())
        except InvalidAction as exc:
            raise ApplicationError(exc.reason, type=INVALID_ACTION, non_retryable=True) from None

    @workflow.signal(dynamic=True)
    def on_signal(self, name: str, args: Sequence[RawValue]) -> None:
        """The same events as plain signals, for services and for ops in the Temporal CLI or UI."""
        try:
            self._apply(self._decode(name, args))
        except (InvalidAction, ApplicationError) as exc:
            reason = exc.reason if isinstance(exc, InvalidAction) else str(exc)
            workflow.logger.warning("signal %s ignored: %s", name, reason)
            self._apply(ev.Rejected(actor="signal", name=name[:100], reason=reason[:2000]))

    @workflow.query
    def summary(self) -> IssueSummary:
        return summarize(self._state)

    @workflow.query
    def state(self) -> IssueState:
        return self._state

    @workflow.update(name="migrate_policy")
    def migrate_policy(self, request: PolicyMigration) -> IssueSummary:
        """Move this issue to another policy version; an incompatible move is rejected and writes nothing."""
        try:
            decision = migrate_policy(self._state, request.policy, workflow.now(), actor=request.actor,
                                      request_id=request.request_id)
        except InvalidAction as exc:
            raise ApplicationError(exc.reason, type=INVALID_ACTION, non_retryable=True) from None
        self._state = decision.state
        self._version += 1
        self._publish()
        return summarize(self._state)

    @migrate_policy.validator
    def _validate_migration(self, request: PolicyMigration) -> None:
        try:
            migrate_policy(self._state, request.policy, workflow.now())
        except InvalidAction as exc:
            raise ApplicationError(exc.reason, type=INVALID_ACTION, non_retryable=True) from None

    # --- the loop's parts ---------------------------------------------------------------------
    def _decode(self, name: str, args: Sequence[RawValue]) -> ev.Event:
        cls = ev.EXTERNAL_EVENTS.get(name)
        if cls is None:
            raise ApplicationError(f"unknown action {name!r}; known: {', '.join(sorted(ev.EXTERNAL_EVENTS))}",
                                   type="UnknownAction", non_retryable=True)
        try:
            if not args:
                return cls()
            raw = workflow.payload_converter().from_payload(args[0].payload)
            return cls.model_validate(raw)
        except Exception as exc:  # pydantic ValidationError or undecodable payload
            raise ApplicationError(f"invalid {name} payload: {exc}", type="InvalidPayload",
                                   non_retryable=True) from None

    def _apply(self, event: ev.Event) -> None:
        decision = apply_event(self._state, event, workflow.now())
        if decision.duplicate:
            return
        self._metrics.record(issue_metrics.on_event(self._state, event, decision.state, workflow.now()))
        self._state = decision.state
        self._pending.extend(decision.commands)
        self._version += 1
        self._publish()

    def _dispatch(self) -> None:
        assignment: AssignOwner | None = None
        while self._pending:
            command = self._pending.pop(0)
            if isinstance(command, AssignOwner):
                assignment = command
            # a staff notice on entry to a level names and reaches the owner chosen on the same entry
            paired = assignment if isinstance(command, NotifyStaff) and assignment is not None and (
                assignment.level, assignment.team) == (command.level, command.team) else None
            task = asyncio.create_task(self._carry_out(command, paired))
            self._in_flight.add(task)
            task.add_done_callback(self._in_flight.discard)

    async def _carry_out(self, command: AnyCommand, assignment: AssignOwner | None = None) -> None:
        s = self._state
        delivery = Delivery(command=command, issue=s.issue, opened_at=s.opened_at, story=s.timeline[-STORY_ENTRIES:],
                            team_members=_members(s.policy, command.team), summary=summarize(s),
                            assignment=assignment)
        try:
            result = await workflow.execute_activity(
                ACTIVITY_FOR_COMMAND[command.kind], delivery,
                start_to_close_timeout=timedelta(seconds=30), schedule_to_close_timeout=timedelta(hours=1),
                retry_policy=ACTIVITY_RETRY, summary=_activity_summary(command),
            )
        except ActivityError as err:
            self._apply(ev.DeliveryFailed(actor="worker", action=command.kind, error=str(err.cause or err)[:500]))
            return
        if isinstance(command, AssignOwner):
            self._apply(ev.Assigned(actor="roster", assignee=result or None, level=command.level,
                                     team=command.team))

    def _report_opened(self) -> None:
        """Tell the repeated-contact and major-incident watchers about this new issue, if the policy has them."""
        report = opened_report(self._state)
        if report is not None:
            task = asyncio.create_task(self._send_report(report))
            self._in_flight.add(task)
            task.add_done_callback(self._in_flight.discard)

    async def _send_report(self, report: OpenedReport) -> None:
        try:
            await workflow.execute_activity(
                REPORT_OPENED, report, start_to_close_timeout=timedelta(seconds=30),
                schedule_to_close_timeout=timedelta(hours=1), retry_policy=ACTIVITY_RETRY,
                summary="report the new issue to the repeated-contact and major-incident watchers")
        except ActivityError as err:  # the triggers are best effort; the issue itself goes on
            workflow.logger.warning("trigger report failed for good: %s", err)

    def _history_large(self) -> bool:
        info = workflow.info()
        return (info.is_continue_as_new_suggested()
                or info.get_current_history_length() >= self._options.continue_as_new_after_events)

    def _publish(self) -> None:
        """Keep search attributes and the UI's current details in step with the state."""
        view = summarize(self._state)
        workflow.set_current_details(_details_markdown(view))
        if not self._options.upsert_search_attributes:
            return
        values: dict[str, object] = {
            sa.ISSUE_STATUS.name: view.status.value, sa.ESCALATION_LEVEL.name: view.level_number,
            sa.ISSUE_PRIORITY.name: view.priority.value, sa.ISSUE_CATEGORY.name: view.category.value,
            sa.CUSTOMER_TIER.name: view.tier.value, sa.ASSIGNED_TEAM.name: view.team,
            sa.SLA_BREACHED.name: view.breached, sa.NEXT_DEADLINE.name: view.next_deadline,
        }
        changed = [_update(key, values[key.name]) for key in sa.ALL if self._published.get(key.name) != values[key.name]]
        if changed:
            workflow.upsert_search_attributes(changed)
            self._published = values


def _members(policy: Policy, team: str) -> list[str]:
    found = policy.teams.get(team)
    return list(found.members) if found else []


def _update(key, value):  # noqa: ANN001, ANN202 - typed keys of several value types
    return key.value_unset() if value is None else key.value_set(value)


def _activity_summary(command: AnyCommand) -> str:
    if command.kind == "assign":
        return f"assign an owner from team {command.team} ({command.strategy})"
    if command.kind == "notify_staff":
        return f"notify {command.role} ({command.team}): {command.reason}"
    return f"inform the customer: {command.message}"


def _fmt(when: datetime | None) -> str:
    return when.strftime("%Y-%m-%d %H:%M UTC") if when else "—"


def _details_markdown(view: IssueSummary) -> str:
    return "\n".join([
        f"**{view.status.value}** at level {view.level_number} `{view.level}` — {view.role}, team `{view.team}`",
        f"- assignee: {view.assignee or '—'}",
        f"- next deadline: {_fmt(view.next_deadline)}" + (" (SLA clock paused)" if view.paused else ""),
        f"- breached: {'yes' if view.breached else 'no'}; escalations: {view.escalations}",
        f"- customer last told: {view.last_told.message + ', reply by ' + _fmt(view.last_told.reply_by) if view.last_told else '—'}",
    ])
