"""Major incidents: many issues of one category within a window. Pure rules for the watcher and the incident.

`IncidentWatch` (one per category, `workflows/major_incident.py`) counts openings; when the rule's
threshold is reached it declares an incident, and while the incident lasts every new issue of that
category is linked to it. The incident lasts until ops resolve it or no new issue arrives for
`quiet_after`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from pydantic import BaseModel, Field

from domain.issue import Category
from policy.durations import format_duration
from policy.triggers import MajorIncident

REMEMBERED = 1_000  # issue ids kept to recognise a re-delivered opening


def watch_workflow_id(category: Category) -> str:
    return f"incident-watch-{category.value}"


def incident_workflow_id(category: Category, declared_at: datetime) -> str:
    return f"major-incident-{category.value}-{declared_at:%Y%m%dT%H%M%SZ}"


class Opening(BaseModel):
    """An issue opened in a watched category, with the rule and the staff list of its policy."""

    issue_id: str
    category: Category
    at: datetime
    rule: MajorIncident
    staff_teams: list[str]


class ActiveIncident(BaseModel):
    workflow_id: str
    declared_at: datetime
    last_issue_at: datetime
    quiet_after: timedelta

    def over_at(self) -> datetime:
        return self.last_issue_at + self.quiet_after


class IncidentWatch(BaseModel):
    openings: list[Opening] = Field(default_factory=list, description="within the window, oldest first")
    active: ActiveIncident | None = None
    seen: list[str] = Field(default_factory=list)


@dataclass(frozen=True)
class WatchDecision:
    watch: IncidentWatch
    declare: tuple[Opening, ...] = ()  # a new incident with these issues
    link: str | None = None  # an issue to link to the active incident
    duplicate: bool = False


def record_opening(watch: IncidentWatch, opening: Opening) -> WatchDecision:
    if opening.issue_id in watch.seen:
        return WatchDecision(watch, duplicate=True)
    seen = [*watch.seen, opening.issue_id][-REMEMBERED:]
    active = watch.active
    if active is not None and opening.at >= active.over_at():
        active = None  # the last incident went quiet
    if active is not None:
        active = active.model_copy(update={"last_issue_at": max(active.last_issue_at, opening.at)})
        return WatchDecision(IncidentWatch(openings=[], active=active, seen=seen), link=opening.issue_id)
    openings = sorted([*watch.openings, opening], key=lambda o: o.at)
    newest = openings[-1].at
    window = [o for o in openings if o.at > newest - opening.rule.within]
    if len(window) < opening.rule.issues:
        return WatchDecision(IncidentWatch(openings=window, active=None, seen=seen))
    declared = ActiveIncident(workflow_id=incident_workflow_id(opening.category, opening.at), declared_at=opening.at,
                              last_issue_at=opening.at, quiet_after=opening.rule.quiet_after)
    return WatchDecision(IncidentWatch(openings=[], active=declared, seen=seen), declare=tuple(window))


def incident_ended(watch: IncidentWatch, workflow_id: str) -> IncidentWatch:
    """The incident workflow finished (resolved by ops, or quiet): new openings count afresh."""
    if watch.active is None or watch.active.workflow_id != workflow_id:
        return watch
    return watch.model_copy(update={"active": None})


def watch_quiet_at(watch: IncidentWatch) -> datetime | None:
    """When nothing in the watch matters any more; the watcher may finish then."""
    times = [o.at + o.rule.within for o in watch.openings]
    if watch.active is not None:
        times.append(watch.active.over_at())
    return max(times, default=None)


# --- the incident itself ---------------------------------------------------------------------------
class IncidentState(BaseModel):
    workflow_id: str
    category: Category
    declared_at: datetime
    rule: MajorIncident
    staff_teams: list[str]
    linked: list[str] = Field(default_factory=list)
    last_issue_at: datetime
    status: str = "active"  # active | resolved | over
    ended_at: datetime | None = None
    note: str = ""

    def over_at(self) -> datetime:
        return self.last_issue_at + self.rule.quiet_after


def start_incident(workflow_id: str, openings: list[Opening]) -> IncidentState:
    first = openings[-1]
    return IncidentState(workflow_id=workflow_id, category=first.category, declared_at=first.at, rule=first.rule,
                         staff_teams=first.staff_teams, linked=[o.issue_id for o in openings],
                         last_issue_at=max(o.at for o in openings))


def link_issue(state: IncidentState, issue_id: str, at: datetime) -> tuple[IncidentState, bool]:
    """Link one more issue; False if it was linked already or the incident has ended."""
    if issue_id in state.linked or state.status != "active":
        return state, False
    return state.model_copy(update={"linked": [*state.linked, issue_id],
                                    "last_issue_at": max(state.last_issue_at, at)}), True


def end_incident(state: IncidentState, at: datetime, *, resolved_by: str | None, note: str = "") -> IncidentState:
    status = "resolved" if resolved_by else "over"
    return state.model_copy(update={"status": status, "ended_at": at, "note": note})


class Announcement(BaseModel):
    recipient: str  # team:<name>
    subject: str
    body: str


def announcements(state: IncidentState, what: str) -> list[Announcement]:
    """What all staff and the PR team are told when the incident is declared (`declared`) or ends."""
    category, count = state.category.value, len(state.linked)
    if what == "declared":
        subject = f"MAJOR INCIDENT: {count} {category} issues within {format_duration(state.rule.within)}"
        body = (f"Major incident {state.workflow_id} declared at {state.declared_at:%Y-%m-%d %H:%M UTC}: "
                f"{count} {category} issues arrived within {format_duration(state.rule.within)}.\n"
                f"Linked issues: {', '.join(state.linked)}.\nNew {category} issues are linked to it "
                "automatically. Check it before answering customers one by one.")
        pr = ("Customers may be affected at scale; prepare a public statement and keep the status page current.")
    else:
        subject = f"Major incident over: {state.workflow_id}"
        how = (f"resolved{(': ' + state.note) if state.note else ''}" if state.status == "resolved"
               else f"no new {category} issue for {format_duration(state.rule.quiet_after)}")
        body = f"Major incident {state.workflow_id} ended ({how}); {count} issues were linked to it."
        pr = "Update the public statement and the status page."
    teams = sorted(set(state.staff_teams) - {state.rule.pr_team})
    out = [Announcement(recipient=f"team:{team}", subject=subject, body=body) for team in teams]
    out.append(Announcement(recipient=f"team:{state.rule.pr_team}", subject=f"[PR] {subject}", body=f"{body}\n\n{pr}"))
    return out
