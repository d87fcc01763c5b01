"""Every external event in every status: a valid one has its effect, an invalid one raises and changes nothing."""

from __future__ import annotations

import pytest

from domain import events as ev
from domain.issue import Priority
from domain.state import Status
from rules.escalation import InvalidAction, apply_event, check_event
from tests.rules.support import M, in_status, kinds

STATUSES = ("open", "acknowledged", "on_hold", "resolved", "closed")

EVENTS = {
    "acknowledge": ev.Acknowledge(actor="ann"),
    "comment": ev.AddComment(actor="ann", text="checked the logs"),
    "resolve": ev.Resolve(actor="ann", note="firmware rolled back"),
    "escalate": ev.EscalateUp(actor="ann", reason="needs a specialist"),
    "hand_over": ev.HandOver(actor="ann", team="finance", reason="refund"),
    "hold": ev.Hold(actor="ann", reason="waiting for parts"),
    "resume": ev.Resume(actor="ann"),
    "raise_priority": ev.RaisePriority(actor="ann", priority=Priority.urgent),
    "customer_reply": ev.CustomerReply(actor="portal", text="here is the log file"),
    "customer_unhappy": ev.CustomerUnhappy(actor="portal", reason="still broken"),
    "confirm": ev.CustomerConfirm(actor="portal"),
}

ACTIVE = {"open", "acknowledged", "on_hold"}
VALID_IN = {
    "acknowledge": {"open"},
    "comment": ACTIVE | {"resolved"},
    "resolve": ACTIVE,
    "escalate": ACTIVE,
    "hand_over": ACTIVE,
    "hold": {"open", "acknowledged"},
    "resume": {"on_hold"},
    "raise_priority": ACTIVE,
    "customer_reply": ACTIVE | {"resolved"},
    "customer_unhappy": ACTIVE | {"resolved"},
    "confirm": {"resolved"},
}
assert set(VALID_IN) == set(ev.EXTERNAL_EVENTS), "every external event is covered"


def expected(kind: str, status: str) -> tuple[Status, str, str]:
    """(status after, level after, team after) for a valid event from `status` on the short policy."""
    same = Status(status)
    return {
        "acknowledge": (Status.acknowledged, "l1", "support"),
        "comment": (same, "l1", "support"),
        "resolve": (Status.resolved, "l1", "support"),
        "escalate": (Status.open, "l2", "specialists"),
        "hand_over": (Status.open, "l1", "finance"),
        "hold": (Status.on_hold, "l1", "support"),
        "resume": (Status.open, "l1", "support"),
        "raise_priority": (same, "l1", "support"),
        # the on-hold fixture waits for the customer: a reply resumes; after resolution it reopens
        "customer_reply": (Status.open if status in ("on_hold", "resolved") else same, "l1", "support"),
        "customer_unhappy": (Status.open, "l2", "specialists"),
        "confirm": (Status.closed, "l1", "support"),
    }[kind]


CASES = [(kind, status) for kind in EVENTS for status in STATUSES]


@pytest.mark.parametrize(("kind", "status"), CASES, ids=[f"{k}-in-{s}" for k, s in CASES])
def test_event_in_status(kind: str, status: str) -> None:
    state, at = in_status(status)
    before = state.model_dump()
    event = EVENTS[kind]
    if status not in VALID_IN[kind]:
        with pytest.raises(InvalidAction) as raised:
            apply_event(state, event, at + M)
        assert raised.value.reason  # a reason a person can read
        with pytest.raises(InvalidAction):
            check_event(state, event, at + M)
        assert state.model_dump() == before, "an invalid action changes nothing"
        return
    check_event(state, event, at + M)  # the validator agrees
    assert state.model_dump() == before, "validating changes nothing"
    decision = apply_event(state, event, at + M)
    new = decision.state
    status_after, level_after, team_after = expected(kind, status)
    assert (new.status, new.level.name, new.team) == (status_after, level_after, team_after)
    assert len(new.timeline) > len(state.timeline)
    assert new.timeline[-1].at == at + M
    assert state.model_dump() == before, "the input state is never mutated"


def test_effects_in_detail() -> None:
    """The side of each effect that the table above does not show."""
    state, at = in_status("open")
    ack = apply_event(state, EVENTS["acknowledge"], at + 3 * M).state
    assert ack.response.met and not ack.response.active and kinds(ack)[-1] == "acknowledged"
    assert "after 3m (target 10m)" in ack.timeline[-1].summary

    raised = apply_event(state, EVENTS["raise_priority"], at + M).state
    assert raised.priority is Priority.urgent and raised.response.target == 5 * M

    resolved = apply_event(state, EVENTS["resolve"], at + M)
    assert resolved.state.confirm_due == at + M + resolved.state.policy.confirm_window
    assert [c.kind for c in resolved.commands] == ["inform_customer"]
    assert resolved.commands[0].message == "resolved"

    escalated = apply_event(state, EVENTS["escalate"], at + M)
    assert [c.kind for c in escalated.commands] == ["assign", "notify_staff", "inform_customer"]
    assert escalated.state.escalation_count == 1 and escalated.state.last_told.message == "escalated"

    held, held_at = in_status("on_hold")
    assert held.hold.waiting_for_customer and held.response.running_since is None
    replied = apply_event(held, EVENTS["customer_reply"], held_at + M).state
    assert replied.hold is None and replied.response.running_since == held_at + M
    assert kinds(replied)[-2:] == ["customer_reply", "resumed"]

    resolved_state, resolved_at = in_status("resolved")
    reopened = apply_event(resolved_state, EVENTS["customer_reply"], resolved_at + M).state
    assert reopened.last_told.message == "reopened" and reopened.confirm_due is None

    closed = apply_event(resolved_state, EVENTS["confirm"], resolved_at + M).state
    assert closed.confirm_due is None and kinds(closed)[-1] == "closed"


def test_escalate_at_the_top_is_invalid_but_unhappy_at_the_top_renotifies_the_owner() -> None:
    state, at = in_status("open")
    for _ in range(2):
        state = apply_event(state, ev.EscalateUp(actor="ann"), at).state
    assert state.at_top
    before = state.model_dump()
    with pytest.raises(InvalidAction, match="top level"):
        apply_event(state, ev.EscalateUp(actor="ann"), at + M)
    assert state.model_dump() == before
    decision = apply_event(state, ev.CustomerUnhappy(actor="portal"), at + M)
    assert decision.state.level.name == "l3" and "already at the top level" in decision.state.timeline[-1].summary
    assert any(c.kind == "notify_staff" for c in decision.commands)


def test_invalid_hand_overs_name_the_problem() -> None:
    state, at = in_status("open")
    with pytest.raises(InvalidAction, match="unknown team 'legal'"):
        apply_event(state, ev.HandOver(actor="ann", team="legal"), at)
    with pytest.raises(InvalidAction, match="already with team 'support'"):
        apply_event(state, ev.HandOver(actor="ann", team="support"), at)
    with pytest.raises(InvalidAction, match="not higher"):
        apply_event(state, ev.RaisePriority(actor="ann", priority=Priority.low), at)


@pytest.mark.parametrize("kind", sorted(EVENTS))
def test_a_redelivered_event_is_harmless(kind: str) -> None:
    """The same event id twice: applied once, the second delivery changes nothing, even if it is now invalid."""
    status = sorted(VALID_IN[kind])[0]
    state, at = in_status(status)
    event = EVENTS[kind].model_copy(update={"event_id": f"evt-{kind}"})
    first = apply_event(state, event, at + M)
    again = apply_event(first.state, event, at + 2 * M)
    assert again.duplicate and again.state is first.state and again.commands == ()
    assert not first.duplicate and "evt-" + kind in first.state.recent_event_ids


def test_an_assignment_for_a_level_the_issue_has_left_is_recorded_not_applied() -> None:
    state, at = in_status("open")
    moved = apply_event(state, ev.EscalateUp(actor="ann"), at + M).state
    late = apply_event(moved, ev.Assigned(actor="roster", assignee="ann", level="l1"), at + 2 * M).state
    assert late.assignee is None and kinds(late)[-1] == "assignment_outdated"
    current = apply_event(moved, ev.Assigned(actor="roster", assignee="sam", level="l2"), at + 2 * M).state
    assert current.assignee == "sam"


def test_an_assignment_for_the_team_handed_over_from_is_recorded_not_applied() -> None:
    state, at = in_status("open")
    handed = apply_event(state, ev.HandOver(actor="ann", team="finance"), at + M).state
    late = apply_event(handed, ev.Assigned(actor="roster", assignee="alice", level="l1", team="support"), at + 2 * M)
    assert late.state.assignee is None and kinds(late.state)[-1] == "assignment_outdated"
    current = apply_event(handed, ev.Assigned(actor="roster", assignee="fred", level="l1", team="finance"), at + 2 * M)
    assert current.state.assignee == "fred"


def test_a_hand_over_tells_the_customer_the_new_department_not_the_level() -> None:
    state, at = in_status("open")
    decision = apply_event(state, ev.HandOver(actor="ann", team="finance"), at + M)
    told = [c for c in decision.commands if c.kind == "inform_customer"]
    assert told and told[0].team == "finance"
    assert told[0].level_title == state.policy.teams["finance"].told_as != state.level.title
