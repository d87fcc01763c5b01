"""Major incidents: a watcher per category, and one workflow per declared incident.

`IncidentWatchWorkflow` (id `incident-watch-<category>`) counts `opened` signals. When the policy's
threshold is reached it starts a `MajorIncidentWorkflow` (id `major-incident-<category>-<time>`;
through an activity, not as a child, so that neither outlives nor waits for the other),
which tells all staff and the PR team and links the issues (a comment on each issue's timeline);
later issues of the category are linked to it while it lasts. Ops end it with the `resolve` signal;
otherwise it ends after `quiet_after` without a new issue. No personal data in any id.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from pydantic import BaseModel, Field
from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, FailureError

with workflow.unsafe.imports_passed_through():
    from domain.events import AddComment
    from domain.issue import workflow_id_for
    from policy.durations import format_duration
    from rules.incidents import (
        Announcement, IncidentState, IncidentWatch, Opening, announcements, end_incident, incident_ended,
        link_issue, record_opening, start_incident, watch_quiet_at, watch_workflow_id,
    )

OPENED_SIGNAL = "opened"
ENDED_SIGNAL = "incident_ended"
LINK_SIGNAL = "link"
RESOLVE_SIGNAL = "resolve"
BROADCAST_INCIDENT = "broadcast_incident"
START_INCIDENT = "start_major_incident"
ACTOR = "major-incident"
RETRY = RetryPolicy(initial_interval=timedelta(seconds=1), maximum_interval=timedelta(minutes=5))


class WatchInput(BaseModel):
    watch: IncidentWatch = IncidentWatch()
    inbox: list[Opening] = Field(default_factory=list)
    continue_as_new_after_events: int = Field(default=1_000, ge=20)


class LinkIssue(BaseModel):
    issue_id: str
    at: str | None = None  # informational; the incident uses its own clock


class ResolveIncident(BaseModel):
    actor: str = Field(default="ops", min_length=1, max_length=200)
    note: str = Field(default="", max_length=2_000)


class IncidentBroadcast(BaseModel):
    incident_id: str
    what: str  # declared | ended
    announcements: list[Announcement]


@workflow.defn
class IncidentWatchWorkflow:
    @workflow.init
    def __init__(self, inp: WatchInput) -> None:
        self._watch = inp.watch
        self._inbox: list[Opening] = list(inp.inbox)
        self._ended: list[str] = []
        self._limit = inp.continue_as_new_after_events

    @workflow.run
    async def run(self, inp: WatchInput) -> IncidentWatch:
        while True:
            while self._ended:
                self._watch = incident_ended(self._watch, self._ended.pop(0))
            while self._inbox:
                await self._count(self._inbox.pop(0))
            quiet = watch_quiet_at(self._watch)
            if quiet is None or quiet <= workflow.now():
                await workflow.wait_condition(workflow.all_handlers_finished)
                if not self._inbox:
                    return self._watch
                continue
            if workflow.info().get_current_history_length() >= self._limit:
                workflow.continue_as_new(WatchInput(watch=self._watch, inbox=self._inbox,
                                                    continue_as_new_after_events=self._limit))
            try:
                await workflow.wait_condition(lambda: bool(self._inbox or self._ended),
                                              timeout=max(quiet - workflow.now(), timedelta(milliseconds=1)),
                                              timeout_summary=f"nothing to watch after {quiet:%Y-%m-%d %H:%M} UTC")
            except asyncio.TimeoutError:
                pass

    @workflow.signal(name=OPENED_SIGNAL)
    def opened(self, opening: Opening) -> None:
        self._inbox.append(opening)

    @workflow.signal(name=ENDED_SIGNAL)
    def ended(self, incident_workflow_id: str) -> None:
        self._ended.append(incident_workflow_id)

    @workflow.query
    def watch(self) -> IncidentWatch:
        return self._watch

    async def _count(self, opening: Opening) -> None:
        decision = record_opening(self._watch, opening)
        self._watch = decision.watch
        active = self._watch.active
        if decision.declare and active is not None:
            state = start_incident(active.workflow_id, list(decision.declare))
            try:
                await workflow.execute_activity(
                    START_INCIDENT, state, start_to_close_timeout=timedelta(seconds=30),
                    schedule_to_close_timeout=timedelta(hours=1), retry_policy=RETRY,
                    summary=f"declare a major incident: {len(state.linked)} {state.category.value} issues "
                            f"within {format_duration(state.rule.within)}")
            except ActivityError as err:  # could not start it: forget it, so the next opening may try again
                workflow.logger.warning("major incident %s not started: %s", active.workflow_id, err)
                self._watch = incident_ended(self._watch, active.workflow_id)
        elif decision.link is not None and active is not None:
            link = LinkIssue(issue_id=decision.link, at=opening.at.isoformat())
            try:
                await workflow.get_external_workflow_handle(active.workflow_id).signal(LINK_SIGNAL, link)
            except FailureError:  # the incident ended meanwhile: count this opening afresh
                self._watch = incident_ended(self._watch, active.workflow_id)
                self._watch = self._watch.model_copy(update={"seen": self._watch.seen[:-1]})
                await self._count(opening)


@workflow.defn
class MajorIncidentWorkflow:
    @workflow.init
    def __init__(self, state: IncidentState) -> None:
        self._state = state
        self._links: list[str] = []
        self._resolution: ResolveIncident | None = None

    @workflow.run
    async def run(self, state: IncidentState) -> IncidentState:
        await self._broadcast("declared")
        await self._link_all(list(self._state.linked))
        while self._resolution is None:
            while self._links:
                self._state, new = link_issue(self._state, self._links.pop(0), workflow.now())
                if new:
                    await self._link_all([self._state.linked[-1]])
            over = self._state.over_at()
            if workflow.now() >= over:
                break
            try:
                await workflow.wait_condition(lambda: bool(self._links) or self._resolution is not None,
                                              timeout=max(over - workflow.now(), timedelta(milliseconds=1)),
                                              timeout_summary=f"over unless a new {self._state.category.value} "
                                                              f"issue arrives by {over:%Y-%m-%d %H:%M} UTC")
            except asyncio.TimeoutError:
                pass
        resolution = self._resolution
        self._state = end_incident(self._state, workflow.now(), resolved_by=resolution.actor if resolution else None,
                                   note=resolution.note if resolution else "")
        await self._broadcast("ended")
        try:
            watcher = workflow.get_external_workflow_handle(watch_workflow_id(self._state.category))
            await watcher.signal(ENDED_SIGNAL, self._state.workflow_id)
        except FailureError:  # the watcher finished already; nothing to tell
            pass
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self._state

    @workflow.signal(name=LINK_SIGNAL)
    def link(self, link: LinkIssue) -> None:
        self._links.append(link.issue_id)

    @workflow.signal(name=RESOLVE_SIGNAL)
    def resolve(self, resolution: ResolveIncident | None = None) -> None:
        """Ops end the incident (from the CLI: `temporal workflow signal --name resolve`)."""
        self._resolution = resolution or ResolveIncident()

    @workflow.query
    def incident(self) -> IncidentState:
        return self._state

    async def _broadcast(self, what: str) -> None:
        message = IncidentBroadcast(incident_id=self._state.workflow_id, what=what,
                                    announcements=announcements(self._state, what))
        try:
            await workflow.execute_activity(BROADCAST_INCIDENT, message, start_to_close_timeout=timedelta(seconds=30),
                                            schedule_to_close_timeout=timedelta(hours=1), retry_policy=RETRY,
                                            summary=f"tell all staff and the PR team: incident {what}")
        except ActivityError as err:
            workflow.logger.warning("incident broadcast (%s) failed for good: %s", what, err)

    async def _link_all(self, issue_ids: list[str]) -> None:
        text = (f"Linked to major incident {self._state.workflow_id}: {self._state.category.value} issues are "
                f"arriving in numbers; all staff and the PR team have been told. Check the incident first.")

        async def link(issue_id: str) -> None:
            comment = AddComment(event_id=f"{self._state.workflow_id}/link/{issue_id}", actor=ACTOR, text=text)
            try:
                await workflow.get_external_workflow_handle(workflow_id_for(issue_id)).signal(comment.kind, comment)
            except FailureError as err:  # closed meanwhile: the incident still lists it
                workflow.logger.info("could not link %s: %s", issue_id, err)

        await asyncio.gather(*(link(issue_id) for issue_id in issue_ids))
