"""Moving a running issue to a new policy version: accepted moves keep the place and the time used; others change nothing."""

from __future__ import annotations

import pytest

from domain import events as ev
from domain.state import Status
from policy.loader import parse_policy
from rules import sla_clock
from rules.calendar import calendar_of
from rules.migration import IncompatiblePolicy, migrate_policy
from rules.schedule import next_wakeup
from tests.conftest import short_policy
from tests.rules.support import T0, M, opened, step

H = 60 * M


def version(name: str, change=None):
    raw = short_policy().model_dump(mode="json")
    raw["version"] = name
    if change is not None:
        change(raw)
    return parse_policy(raw)


def _slower_l1(raw) -> None:
    raw["routes"][0]["levels"][0]["targets"] = {"response": "30m", "resolution": "2h"}


def test_an_accepted_move_keeps_level_and_time_used_and_applies_the_new_targets() -> None:
    state = step(opened(), ev.Hold(actor="ann"), T0 + 4 * M)
    decision = migrate_policy(state, version("test-2", _slower_l1), T0 + 10 * M, actor="ops-lead", request_id="r-9")
    new = decision.state
    assert decision.commands == ()
    assert new.policy.version == "test-2" and new.level.name == "l1" and new.status is Status.on_hold
    assert new.response.target == 30 * M and new.response.consumed == 4 * M and new.response.running_since is None
    resumed = step(new, ev.Resume(actor="ann"), T0 + H)
    assert sla_clock.deadline(resumed.response) == T0 + H + 26 * M
    entry = new.timeline[-1]
    assert (entry.kind, entry.actor, entry.request_id) == ("policy_migrated", "ops-lead", "r-9")
    assert "'test-1' to 'test-2'" in entry.summary and "response target 10m -> 30m" in entry.summary
    assert state.policy.version == "test-1", "the input state is not touched"


def test_a_running_timer_keeps_running_and_the_level_index_follows_the_name() -> None:
    def add_a_level_below(raw) -> None:
        levels = raw["routes"][0]["levels"]
        levels.insert(0, {**levels[0], "name": "l0-bot", "title": "our assistant"})

    state = step(opened(), ev.EscalateUp(actor="ann"), T0)  # at l2, index 1
    new = migrate_policy(state, version("test-2", add_a_level_below), T0 + 5 * M).state
    assert new.level.name == "l2" and new.level_index == 2
    assert next_wakeup(new).at == T0 + 10 * M  # l2 warns at 50% of 20m, counted from the escalation


def test_a_new_calendar_counts_from_the_move_on() -> None:
    def office_hours(raw) -> None:
        raw["calendars"] = {"office": {"timezone": "UTC", "hours": {"mon-fri": ["09:00-17:00"]}}}
        raw["routes"][0]["calendar"] = "office"

    late = T0.replace(hour=16, minute=55)  # Monday 16:55 UTC
    state = opened(at=late)
    new = migrate_policy(state, version("test-2", office_hours), late + 2 * M).state
    # 2 minutes used 24x7, 8 left in office hours: 3 today, 5 tomorrow from 09:00
    assert sla_clock.deadline(new.response, calendar_of(new)) == late.replace(day=3, hour=9, minute=5)

REJECTED = [
    ("the same version", lambda raw: None, "test-1", "already follows policy version 'test-1'"),
    ("route gone", lambda raw: raw["routes"][0].update(name="other") or raw.update(default_route="other", rules=[]),
     "test-2", "has no route 'main'"),
    ("level gone", lambda raw: raw["routes"][0]["levels"].pop(0), "test-2", "has no level 'l1'"),
    ("owning team gone", lambda raw: raw["teams"].pop("finance"), "test-2", "has no team 'finance'"),
]


@pytest.mark.parametrize(("change", "name", "reason"), [r[1:] for r in REJECTED], ids=[r[0] for r in REJECTED])
def test_an_incompatible_move_is_rejected_and_changes_nothing(change, name, reason) -> None:
    state = step(opened(), ev.HandOver(actor="ann", team="finance"), T0 + M)
    before = state.model_dump()
    with pytest.raises(IncompatiblePolicy, match=reason):
        migrate_policy(state, version(name, change), T0 + 2 * M)
    assert state.model_dump() == before


def test_a_closed_issue_cannot_move() -> None:
    closed = step(step(opened(), ev.Resolve(actor="ann"), T0 + M), ev.CustomerConfirm(actor="portal"), T0 + 2 * M)
    with pytest.raises(IncompatiblePolicy, match="the issue is closed"):
        migrate_policy(closed, version("test-2"), T0 + 3 * M)
