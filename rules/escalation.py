"""What happens to an issue on each event: a pure function from (state, event, now) to a decision.

`open_issue` starts an issue; `apply_event` moves it on. Both return the new state and the commands
(assign, notify staff, inform the customer) the shell must carry out. An action that is not valid
in the current state raises `InvalidAction` and changes nothing.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import datetime

from domain import events as ev
from domain.commands import AnyCommand, AssignOwner, InformCustomer, NotifyStaff
from domain.issue import Issue
from domain.state import ACTIVE, CustomerNotice, HoldInfo, IssueState, Status, TimelineEntry
from policy.model import Assignment, Policy
from rules import sla_clock
from rules.calendar import calendar_of
from rules.routing import choose_route

RECENT_EVENT_IDS = 500


class InvalidAction(Exception):
    """The action is not valid in the issue's current state; nothing was changed."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Decision:
    state: IssueState
    commands: tuple[AnyCommand, ...] = ()
    duplicate: bool = False


@dataclass
class _Change:
    """A working copy of the state plus the commands the change produces."""

    state: IssueState
    now: datetime
    event: ev.Event
    commands: list[AnyCommand] = field(default_factory=list)

    @property
    def cal(self) -> sla_clock.Calendar:
        """The calendar counting the current level's SLA time."""
        return calendar_of(self.state)

    def record(self, kind: str, summary: str) -> None:
        s = self.state
        s.timeline.append(TimelineEntry(seq=len(s.timeline) + 1, at=self.now, actor=self.event.actor, kind=kind,
                                        summary=summary, level=s.level.name, request_id=self.event.request_id))

    def _key(self, kind: str) -> str:
        self.state.command_seq += 1
        return f"{self.state.issue.id}/{self.state.command_seq}/{kind}"

    def _owner(self) -> dict[str, str]:
        s = self.state
        level = s.level
        handed_over = s.team != level.team and s.team in s.policy.teams
        title = s.policy.teams[s.team].told_as if handed_over else level.title
        return {"level": level.name, "level_title": title, "team": s.team, "role": level.role}

    def notify(self, reason: str, headline: str) -> None:
        self.commands.append(NotifyStaff(idempotency_key=self._key("notify_staff"), reason=reason,
                                         headline=headline, **self._owner()))

    def inform(self, message: str, reply_by: datetime | None) -> None:
        self.state.last_told = CustomerNotice(message=message, reply_by=reply_by, at=self.now)
        self.commands.append(InformCustomer(idempotency_key=self._key("inform_customer"), message=message,
                                            reply_by=reply_by, **self._owner()))

    def enter_level(self, index: int, reason: str, *, team: str | None = None, message: str = "escalated") -> None:
        """Make `index` the owning level (or hand over to `team` at this level) and run its entry actions."""
        s = self.state
        previous = s.level
        s.level_index = index
        level = s.level
        s.team = team or level.team
        s.assignee = None
        s.status = Status.open
        s.hold = None
        s.renotify_due = None
        s.resolved_at = s.confirm_due = None
        targets = level.targets_for(s.priority)
        s.response = sla_clock.start_timer(targets.response, self.now, warn_after=level.warn_after(targets.response))
        s.resolution = sla_clock.start_timer(targets.resolution, self.now,
                                             warn_after=level.warn_after(targets.resolution))
        if message != "received":
            s.escalation_count += 1
        kind = "opened" if message == "received" else ("handed_over" if team else "escalated")
        where = f"{level.role} ({level.name}, team {s.team})"
        self.record(kind, f"{reason}: now with {where}" if message != "received" else f"opened with {where}; {reason}")
        reply_by = sla_clock.deadline(s.response, self.cal)
        if level.on_entry.assign is not Assignment.none:
            self.commands.append(AssignOwner(idempotency_key=self._key("assign"), strategy=level.on_entry.assign,
                                             **self._owner()))
        if level.on_entry.notify_staff:
            headline = (f"New issue for {level.role}" if message == "received"
                        else f"Escalated from {previous.role} to {level.role}: {reason}")
            self.notify(reason, headline)
        if level.on_entry.inform_customer:
            self.inform(message, reply_by)

    def pause_clocks(self) -> None:
        s = self.state
        s.response = sla_clock.pause(s.response, self.now, self.cal)
        s.resolution = sla_clock.pause(s.resolution, self.now, self.cal)

    def resume_clocks(self) -> None:
        s = self.state
        s.response = sla_clock.resume(s.response, self.now) if s.response.active else s.response
        s.resolution = sla_clock.resume(s.resolution, self.now) if s.resolution.active else s.resolution

    def escalate(self, reason: str, steps: int = 1) -> None:
        """Move `steps` levels up (never past the top); at the top, re-enter it so the owner hears again."""
        s = self.state
        if s.at_top:
            self.enter_level(s.level_index, f"{reason} (already at the top level; owner re-notified)")
        else:
            self.enter_level(min(s.level_index + steps, len(s.route.levels) - 1), reason)

    def reopen(self, reason: str, *, escalate: bool, steps: int = 1) -> None:
        if escalate:
            self.escalate(f"reopened: {reason}", steps)
        else:
            self.enter_level(self.state.level_index, f"reopened: {reason}", message="reopened")


def open_issue(issue: Issue, policy: Policy, now: datetime, *, actor: str = "service",
               request_id: str | None = None) -> Decision:
    """Start an issue on the route its policy picks, and run the first level's entry actions."""
    choice = choose_route(policy, issue)
    level = policy.route(choice.route_name).levels[choice.level_index]
    targets = level.targets_for(issue.priority)
    state = IssueState(
        issue=issue, priority=issue.priority, policy=policy, route_name=choice.route_name, opened_at=now, level_index=choice.level_index,
        team=level.team, response=sla_clock.start_timer(targets.response, now, None),
        resolution=sla_clock.start_timer(targets.resolution, now, None),
    )
    change = _Change(state, now, ev.Event(actor=actor, request_id=request_id))
    change.enter_level(choice.level_index, f"route {choice.route_name!r} by rule {choice.rule!r}", message="received")
    return Decision(change.state, tuple(change.commands))


def apply_event(state: IssueState, event: ev.Event, now: datetime) -> Decision:
    """The new state and commands after `event`; raises InvalidAction when it is not valid now."""
    if event.event_id is not None and event.event_id in state.recent_event_ids:
        return Decision(state, (), duplicate=True)
    handler = _HANDLERS.get(type(event))
    if handler is None:
        raise InvalidAction(f"unknown event {type(event).__name__}")
    change = _Change(_working_copy(state), now, event)
    handler(change, event)
    if event.event_id is not None:
        ids = change.state.recent_event_ids
        ids.append(event.event_id)
        del ids[:-RECENT_EVENT_IDS]
    return Decision(change.state, tuple(change.commands))


def _working_copy(state: IssueState) -> IssueState:
    """A deep copy that shares the frozen parts (the issue as opened, the pinned policy): they never change."""
    return copy.deepcopy(state, {id(state.policy): state.policy, id(state.issue): state.issue})


def check_event(state: IssueState, event: ev.Event, now: datetime) -> None:
    """Raise InvalidAction if `event` would be rejected; for update validators."""
    apply_event(state, event, now)


# --- guards --------------------------------------------------------------------------------------
def _require(state: IssueState, allowed: tuple[Status, ...], action: str) -> None:
    if state.status not in allowed:
        raise InvalidAction(f"cannot {action}: the issue is {state.status.value}")


# --- handlers, one per event ---------------------------------------------------------------------
def _acknowledge(c: _Change, e: ev.Acknowledge) -> None:
    s = c.state
    if s.status is Status.acknowledged:
        raise InvalidAction("already acknowledged at this level")
    _require(s, (Status.open,), "acknowledge")
    used = sla_clock.consumed(s.response, c.now, c.cal)
    s.response = sla_clock.stop(s.response, c.now, c.cal, met=True)
    s.status = Status.acknowledged
    if not s.resolution.breached:
        s.renotify_due = None
    c.record("acknowledged", f"acknowledged by {e.actor} after {_mins(used)} (target {_mins(s.response.target)})")


def _comment(c: _Change, e: ev.AddComment) -> None:
    _require(c.state, (*ACTIVE, Status.resolved), "comment")
    c.record("comment", e.text)


def _resolve(c: _Change, e: ev.Resolve) -> None:
    s = c.state
    _require(s, ACTIVE, "resolve")
    s.response = sla_clock.stop(s.response, c.now, c.cal, met=s.response.met)
    s.resolution = sla_clock.stop(s.resolution, c.now, c.cal, met=True)
    s.status = Status.resolved
    s.hold = None
    s.renotify_due = None
    s.resolved_at = c.now
    s.confirm_due = c.now + s.policy.confirm_window
    c.record("resolved", f"resolved by {e.actor}" + (f": {e.note}" if e.note else ""))
    c.inform("resolved", None)


def _escalate(c: _Change, e: ev.EscalateUp) -> None:
    s = c.state
    _require(s, ACTIVE, "escalate")
    if s.at_top:
        raise InvalidAction(f"already at the top level ({s.level.name})")
    c.escalate(f"asked by {e.actor}" + (f": {e.reason}" if e.reason else ""))


def _hand_over(c: _Change, e: ev.HandOver) -> None:
    s = c.state
    _require(s, ACTIVE, "hand over")
    if e.team not in s.policy.teams:
        raise InvalidAction(f"unknown team {e.team!r}; known: {', '.join(sorted(s.policy.teams))}")
    if e.team == s.team:
        raise InvalidAction(f"the issue is already with team {e.team!r}")
    c.enter_level(s.level_index, f"handed over by {e.actor} to {s.policy.teams[e.team].title}"
                  + (f": {e.reason}" if e.reason else ""), team=e.team)


def _hold(c: _Change, e: ev.Hold) -> None:
    s = c.state
    if s.status is Status.on_hold:
        raise InvalidAction("already on hold")
    _require(s, (Status.open, Status.acknowledged), "put on hold")
    s.hold = HoldInfo(since=c.now, reason=e.reason, waiting_for_customer=e.waiting_for_customer, resume_to=s.status)
    s.status = Status.on_hold
    c.pause_clocks()
    what = "waiting for the customer" if e.waiting_for_customer else "on hold"
    c.record("hold", f"{what} (SLA clock paused) by {e.actor}" + (f": {e.reason}" if e.reason else ""))


def _resume_from_hold(c: _Change, why: str) -> None:
    s = c.state
    assert s.hold is not None
    s.status = s.hold.resume_to
    s.hold = None
    c.resume_clocks()
    left = sla_clock.remaining(s.resolution, c.now, c.cal)
    c.record("resumed", f"{why}; SLA clock running again, {_mins(left)} left to resolve")


def _resume(c: _Change, e: ev.Resume) -> None:
    if c.state.status is not Status.on_hold:
        raise InvalidAction(f"cannot resume: the issue is {c.state.status.value}, not on hold")
    _resume_from_hold(c, f"resumed by {e.actor}")


def _raise_priority(c: _Change, e: ev.RaisePriority) -> None:
    s = c.state
    _require(s, ACTIVE, "raise the priority")
    if e.priority.rank <= s.priority.rank:
        raise InvalidAction(f"priority {e.priority.value} is not higher than {s.priority.value}")
    old = s.priority
    s.priority = e.priority
    targets, level, cal = s.level.targets_for(e.priority), s.level, c.cal
    if s.response.active:
        s.response = sla_clock.retarget(s.response, targets.response, warn_after=level.warn_after(targets.response),
                                        now=c.now, calendar=cal)
    if s.resolution.active:
        s.resolution = sla_clock.retarget(s.resolution, targets.resolution,
                                          warn_after=level.warn_after(targets.resolution), now=c.now, calendar=cal)
    c.record("priority_raised", f"priority {old.value} -> {e.priority.value} by {e.actor}"
             + (f": {e.reason}" if e.reason else ""))


def _customer_reply(c: _Change, e: ev.CustomerReply) -> None:
    s = c.state
    _require(s, (*ACTIVE, Status.resolved), "add a customer reply")
    c.record("customer_reply", e.text)
    if s.status is Status.on_hold and s.hold is not None and s.hold.waiting_for_customer:
        _resume_from_hold(c, "the customer replied")
    elif s.status is Status.resolved:
        c.reopen("the customer wrote again after resolution", escalate=False)


def _customer_unhappy(c: _Change, e: ev.CustomerUnhappy) -> None:
    s = c.state
    _require(s, (*ACTIVE, Status.resolved), "record that the customer is unhappy")
    reason = "customer unhappy" + (f": {e.reason}" if e.reason else "")
    c.record("customer_unhappy", reason)
    steps = s.route.unhappy_levels_up
    if s.status is Status.resolved:
        c.reopen(reason, escalate=True, steps=steps)
    else:
        c.escalate(reason, steps)


def _confirm(c: _Change, e: ev.CustomerConfirm) -> None:
    s = c.state
    _require(s, (Status.resolved,), "confirm")
    s.status = Status.closed
    s.confirm_due = None
    c.record("closed", f"customer confirmed the resolution (relayed by {e.actor})")


def _sla_warning(c: _Change, e: ev.SlaWarning) -> None:
    s = c.state
    timer = getattr(s, e.target)
    setattr(s, e.target, timer.model_copy(update={"warned": True}))
    left = sla_clock.remaining(timer, c.now, c.cal)
    c.record("sla_warning", f"{e.target} SLA at {s.level.warning_text} for {s.level.role}: {_mins(left)} left")
    c.notify(f"{e.target} SLA warning", f"{_mins(left)} left on the {e.target} target")


def _sla_breach(c: _Change, e: ev.SlaBreach) -> None:
    s = c.state
    setattr(s, e.target, sla_clock.pause(getattr(s, e.target), c.now, c.cal).model_copy(update={"breached": True}))
    s.ever_breached = True
    reason = f"{e.target} SLA breached at {s.level.name}"
    if s.at_top:
        s.renotify_due = c.now + (s.level.repeat_every or s.policy.repeat_every)
        c.record("sla_breach", f"{reason}: top level, re-notifying every "
                 f"{_mins(s.level.repeat_every or s.policy.repeat_every)}")
        c.notify(reason, f"OVERDUE at the top level: {reason}")
    else:
        c.record("sla_breach", reason)
        c.escalate(reason)


def _renotify(c: _Change, e: ev.RenotifyDue) -> None:
    s = c.state
    s.renotify_due = c.now + (s.level.repeat_every or s.policy.repeat_every)
    c.record("renotified", f"still overdue at the top level; {s.level.role} notified again")
    c.notify("still overdue at the top level", f"STILL OVERDUE: {s.issue.subject}")


def _confirm_window_elapsed(c: _Change, e: ev.ConfirmWindowElapsed) -> None:
    s = c.state
    s.status = Status.closed
    s.confirm_due = None
    c.record("closed", "closed: the customer neither confirmed nor objected within the window")
    c.inform("closed", None)


def _assigned(c: _Change, e: ev.Assigned) -> None:
    s = c.state
    if e.level != s.level.name or (e.team is not None and e.team != s.team) or s.status not in ACTIVE:
        c.record("assignment_outdated", f"assignment to {e.assignee} for {e.level}/{e.team or s.team} arrived after the issue moved on")
        return
    s.assignee = e.assignee
    c.record("assigned", f"assigned to {e.assignee}" if e.assignee else f"no one on team {s.team} could be assigned")


def _rejected(c: _Change, e: ev.Rejected) -> None:
    c.record("rejected", f"signal {e.name!r} ignored: {e.reason}")


def _delivery_failed(c: _Change, e: ev.DeliveryFailed) -> None:
    c.state.delivery_failures += 1
    c.record("delivery_failed", f"{e.action} failed for good: {e.error}")


_HANDLERS = {
    ev.Acknowledge: _acknowledge, ev.AddComment: _comment, ev.Resolve: _resolve, ev.EscalateUp: _escalate,
    ev.HandOver: _hand_over, ev.Hold: _hold, ev.Resume: _resume, ev.RaisePriority: _raise_priority,
    ev.CustomerReply: _customer_reply, ev.CustomerUnhappy: _customer_unhappy, ev.CustomerConfirm: _confirm,
    ev.SlaWarning: _sla_warning, ev.SlaBreach: _sla_breach, ev.RenotifyDue: _renotify,
    ev.ConfirmWindowElapsed: _confirm_window_elapsed, ev.Assigned: _assigned, ev.DeliveryFailed: _delivery_failed, ev.Rejected: _rejected,
}


def _mins(delta) -> str:  # noqa: ANN001 - timedelta
    seconds = int(delta.total_seconds())
    if seconds < 120:
        return f"{seconds}s"
    if seconds < 7200:
        return f"{seconds // 60}m"
    return f"{seconds // 3600}h{(seconds % 3600) // 60:02d}m"
