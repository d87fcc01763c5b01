"""Choosing the owner on entry to a level: round robin over the people at work, or the on-call person."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from notifications.assignment import ON_CALL, ROUND_ROBIN, choose_owner
from notifications.roster_loader import parse_roster

ROSTER = parse_roster({
    "timezone": "Europe/Athens",
    "people": {
        "ann": {"hours": {"mon-fri": "08:00-16:00"}},
        "ben": {"hours": {"mon-fri": "12:00-20:00"}},
        "cat": {"hours": {"mon-fri": "08:00-20:00"}, "away": [{"from": "2026-12-21", "to": "2026-12-31"}]},
        "oli": {"hours": {"sat-sun": "10:00-14:00"}},
    },
    "teams": {
        "support": {"members": ["ann", "ben", "cat"], "on_call": "oli"},
        "lonely": {"members": ["ann"]},
        "empty": {},
    },
})
MONDAY_1300 = datetime(2026, 11, 23, 13, 0, tzinfo=ZoneInfo("Europe/Athens"))  # ann, ben, cat all at work
MONDAY_0900 = datetime(2026, 11, 23, 9, 0, tzinfo=ZoneInfo("Europe/Athens"))  # ben not yet
MONDAY_2300 = datetime(2026, 11, 23, 23, 0, tzinfo=ZoneInfo("Europe/Athens"))  # nobody
CHRISTMAS_1300 = datetime(2026, 12, 22, 13, 0, tzinfo=ZoneInfo("Europe/Athens"))  # cat away


def pick(team: str, strategy: str, rotation: int, now: datetime):  # noqa: ANN201
    return choose_owner(ROSTER, team, [], strategy, rotation, now)


def test_round_robin_takes_turns_and_remembers_where_it_stopped():
    picks, rotation = [], 0
    for _ in range(4):
        choice = pick("support", ROUND_ROBIN, rotation, MONDAY_1300)
        picks.append(choice.assignee)
        rotation = choice.next_index
    assert picks == ["ann", "ben", "cat", "ann"]


def test_round_robin_skips_people_outside_their_hours_or_away():
    choice = pick("support", ROUND_ROBIN, 1, MONDAY_0900)  # ben's turn, but he starts at 12:00
    assert (choice.assignee, choice.next_index) == ("cat", 3) and "skipped ben" in choice.how
    choice = pick("support", ROUND_ROBIN, 2, CHRISTMAS_1300)  # cat's turn, but she is on holiday
    assert (choice.assignee, choice.next_index) == ("ann", 1)


def test_nobody_at_work_goes_to_the_on_call_person_or_to_nobody():
    choice = pick("support", ROUND_ROBIN, 0, MONDAY_2300)
    assert (choice.assignee, choice.next_index) == ("oli", None) and "nobody in the rotation" in choice.how
    assert pick("lonely", ROUND_ROBIN, 0, MONDAY_2300).assignee is None
    assert pick("empty", ROUND_ROBIN, 0, MONDAY_1300).assignee is None


def test_on_call_strategy_takes_the_on_call_person_even_outside_hours():
    choice = pick("support", ON_CALL, 0, MONDAY_1300)
    assert (choice.assignee, choice.next_index) == ("oli", None)
    # a team without an on-call person falls back to the rotation
    assert pick("lonely", ON_CALL, 0, MONDAY_1300).assignee == "ann"


def test_on_call_person_away_falls_back_to_round_robin():
    roster = ROSTER.model_copy(update={"people": {**ROSTER.people, "oli": ROSTER.people["oli"].model_copy(
        update={"away": ROSTER.people["cat"].away})}})
    assert choose_owner(roster, "support", [], ON_CALL, 0, CHRISTMAS_1300).assignee == "ann"


def test_a_team_missing_from_the_roster_uses_the_policy_members():
    choice = choose_owner(ROSTER, "finance", ["fay", "gus"], ROUND_ROBIN, 1, MONDAY_2300)
    assert (choice.assignee, choice.next_index) == ("gus", 2)
    assert choose_owner(None, "finance", ["fay", "gus"], ON_CALL, 2, MONDAY_2300).assignee == "fay"
