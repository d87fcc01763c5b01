"""The clock side of the core: warnings, breaches at every level, the top level, hold/resume, the confirm window."""

from __future__ import annotations

from datetime import timedelta

from domain import events as ev
from domain.state import Status
from rules import sla_clock
from rules.schedule import due_event, next_wakeup
from rules.simulation import TimedEvent, run_until
from tests.conftest import short_policy
from tests.rules.support import T0, M, decide, kinds, opened, step

H = timedelta(hours=1)


def clock_steps(state, until, events=()):
    return [s for s in run_until(state, events, until) if s.event is not None]


def test_response_breaches_walk_every_level_then_the_top_renotifies_at_its_interval() -> None:
    state = opened()
    steps = clock_steps(state, T0 + 2 * H)
    what = [(s.at - T0, s.event.kind, getattr(s.event, "target", None), s.after.level.name) for s in steps]
    # l1: warn at 50% of 10m, breach at 10m; l2: warn at 10m of 20m, breach at 20m; l3 has no warnings
    assert what[:5] == [
        (5 * M, "sla_warning", "response", "l1"),
        (10 * M, "sla_breach", "response", "l2"),
        (20 * M, "sla_warning", "response", "l2"),
        (30 * M, "sla_breach", "response", "l3"),
        (60 * M, "sla_breach", "response", "l3"),  # the top: nowhere to go
    ]
    top_breach = steps[4]
    assert top_breach.after.renotify_due == T0 + 75 * M  # the policy's repeat_every, 15m
    assert [c.kind for c in top_breach.commands] == ["notify_staff"]
    renotified = [s.at - T0 for s in steps if s.event.kind == "renotify"]
    assert renotified == [75 * M, 90 * M, 105 * M, 120 * M]  # never silent
    assert all(s.after.status is Status.open for s in steps)
    assert steps[1].after.ever_breached and steps[1].after.escalation_count == 1


def test_a_level_repeat_interval_overrides_the_policy_one() -> None:
    policy = short_policy()
    raw = policy.model_dump(mode="json")
    raw["routes"][0]["levels"][2]["repeat_every"] = "5m"
    from policy.loader import parse_policy

    state = opened(parse_policy(raw))
    steps = clock_steps(state, T0 + 75 * M)
    renotified = [s.at - T0 for s in steps if s.event.kind == "renotify"]
    assert renotified == [65 * M, 70 * M, 75 * M]


def test_resolution_breach_after_acknowledgement_escalates_and_the_top_renotifies() -> None:
    state = step(opened(), ev.Acknowledge(actor="ann"), T0 + M)
    steps = clock_steps(state, T0 + H + M)
    assert [(s.at - T0, s.event.kind, s.event.target) for s in steps] == [
        (30 * M, "sla_warning", "resolution"), (60 * M, "sla_breach", "resolution")]
    assert steps[-1].after.level.name == "l2" and steps[-1].after.status is Status.open
    assert "resolution SLA breached at l1" in steps[-1].after.timeline[-2].summary
    # at the top, acknowledged but unresolved: the resolution breach re-notifies too
    top = step(step(opened(), ev.EscalateUp(actor="a"), T0), ev.EscalateUp(actor="a"), T0)
    top = step(top, ev.Acknowledge(actor="boss"), T0 + M)
    steps = clock_steps(top, T0 + 3 * H + 16 * M)
    assert [(s.at - T0, s.event.kind) for s in steps] == [(3 * H, "sla_breach"), (3 * H + 15 * M, "renotify")]
    assert steps[0].after.resolution.breached and steps[0].after.status is Status.acknowledged


def test_warning_is_given_once_and_breaches_win_ties() -> None:
    state = opened()
    warned = decide(state, ev.SlaWarning(actor="sla-clock", target="response"), T0 + 5 * M)
    assert warned.state.response.warned and [c.kind for c in warned.commands] == ["notify_staff"]
    assert "5m left" in warned.state.timeline[-1].summary
    assert next_wakeup(warned.state).at == T0 + 10 * M and next_wakeup(warned.state).event.kind == "sla_breach"
    assert due_event(warned.state, T0 + 10 * M - timedelta(microseconds=1)) is None


def test_hold_pauses_and_resume_restores_exactly_what_was_left() -> None:
    state = step(opened(), ev.Hold(actor="ann", reason="parts"), T0 + 4 * M)
    assert next_wakeup(state) is None  # nothing runs while on hold
    assert sla_clock.consumed(state.response, T0 + 10 * H) == 4 * M
    resumed = step(state, ev.Resume(actor="ann"), T0 + 3 * H)
    assert resumed.status is Status.open
    assert sla_clock.deadline(resumed.response) == T0 + 3 * H + 6 * M
    assert sla_clock.deadline(resumed.resolution) == T0 + 3 * H + 56 * M
    assert "56m left" in resumed.timeline[-1].summary
    # held twice: the pauses add up
    again = step(step(resumed, ev.Hold(actor="ann"), T0 + 3 * H + 2 * M), ev.Resume(actor="ann"), T0 + 5 * H)
    assert sla_clock.deadline(again.response) == T0 + 5 * H + 4 * M
    # held while acknowledged: back to acknowledged, the response stays met
    ack = step(opened(), ev.Acknowledge(actor="ann"), T0 + M)
    held = step(ack, ev.Hold(actor="ann"), T0 + 20 * M)
    back = step(held, ev.Resume(actor="ann"), T0 + 2 * H)
    assert back.status is Status.acknowledged and back.response.met
    assert sla_clock.deadline(back.resolution) == T0 + 2 * H + 40 * M


def test_waiting_for_the_customer_ends_with_their_reply() -> None:
    state = step(opened(), ev.Hold(actor="ann", waiting_for_customer=True), T0 + 2 * M)
    replied = step(state, ev.CustomerReply(actor="portal", text="log attached"), T0 + H)
    assert replied.status is Status.open and sla_clock.deadline(replied.response) == T0 + H + 8 * M
    # an ordinary hold is not ended by a reply
    held = step(opened(), ev.Hold(actor="ann"), T0 + 2 * M)
    assert step(held, ev.CustomerReply(actor="portal", text="hello?"), T0 + H).status is Status.on_hold


def test_confirm_window_closes_the_issue_or_an_objection_reopens_and_escalates() -> None:
    resolved = step(opened(), ev.Resolve(actor="ann"), T0 + 20 * M)
    assert resolved.confirm_due == T0 + 20 * M + timedelta(days=1)
    steps = clock_steps(resolved, T0 + 3 * timedelta(days=1))
    assert [(s.at, s.event.kind) for s in steps] == [(resolved.confirm_due, "confirm_window_elapsed")]
    assert steps[0].after.status is Status.closed and steps[0].commands[0].message == "closed"

    objected = step(resolved, ev.CustomerUnhappy(actor="portal", reason="not fixed"), T0 + 5 * H)
    assert objected.status is Status.open and objected.level.name == "l2" and objected.confirm_due is None
    assert sla_clock.deadline(objected.response) == T0 + 5 * H + 20 * M
    assert kinds(objected)[-2:] == ["customer_unhappy", "escalated"]
    assert objected.last_told.message == "escalated"

    confirmed = step(resolved, ev.CustomerConfirm(actor="portal"), T0 + 5 * H)
    assert confirmed.status is Status.closed and next_wakeup(confirmed) is None


def test_the_customer_is_told_the_real_next_deadline_at_every_level() -> None:
    state = opened()
    assert state.last_told.reply_by == T0 + 10 * M
    steps = clock_steps(state, T0 + 11 * M)
    informs = [c for c in steps[-1].commands if c.kind == "inform_customer"]
    assert informs[0].reply_by == T0 + 10 * M + 20 * M  # l2's response target from the breach on


def test_simulation_records_rejected_events_without_changing_anything() -> None:
    state = opened()
    steps = run_until(state, [TimedEvent(T0 + M, ev.Resume(actor="ann"))], T0 + 2 * M)
    assert steps[0].rejected and "not on hold" in steps[0].rejected and steps[0].after is state
