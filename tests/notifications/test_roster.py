"""The roster file: the shipped one is valid and fits the shipped policy; bad ones say where and why;
working hours and days away are evaluated in each person's own time zone."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from notifications.roster_loader import DEFAULT_ROSTER_PATH, RosterError, load_roster, parse_roster
from policy.loader import load_policy


def test_shipped_roster_covers_every_team_and_member_of_the_shipped_policy():
    roster, policy = load_roster(), load_policy()
    for name, team in policy.teams.items():
        assert name in roster.teams, f"team {name} missing from {DEFAULT_ROSTER_PATH.name}"
        assert set(roster.teams[name].members) == set(team.members)
        assert roster.teams[name].notify and roster.teams[name].on_call in team.members
    assert all(person.notify for person in roster.people.values())


@pytest.mark.parametrize(("change", "where", "why"), [
    ({"people": {"zed": {"hours": {"mon-fri": "9-17"}}}}, "people.zed.hours", "not a time span"),
    ({"people": {"zed": {"hours": {"mon-xyz": "09:00-17:00"}}}}, "people.zed.hours", "not a day"),
    ({"people": {"zed": {"hours": {"fri-mon": "09:00-17:00"}}}}, "people.zed.hours", "runs backwards"),
    ({"people": {"zed": {"hours": {"mon": "09:00-25:00"}}}}, "people.zed.hours", "impossible time"),
    ({"people": {"zed": {"notify": ["zed at example"]}}}, "people.zed.notify.0", "neither an email address"),
    ({"people": {"zed": {"notify": ["nonsense://x"]}}}, "people.zed.notify.0", "apprise cannot use"),
    ({"people": {"zed": {"timezone": "Mars/Olympus"}}}, "people.zed.timezone", "unknown time zone"),
    ({"people": {"zed": {"away": [{"from": "2026-05-02", "to": "2026-05-01"}]}}}, "people.zed.away.0", "before"),
    ({"teams": {"t": {"members": ["nobody"]}}}, "teams.t.members", "unknown person 'nobody'"),
    ({"teams": {"t": {"members": [], "on_call": "nobody"}}}, "teams.t.on_call", "unknown person 'nobody'"),
    ({"teams": {"T!": {}}}, "teams.T!", "pattern"),
])
def test_a_bad_roster_names_the_place_and_the_problem(change, where, why):
    with pytest.raises(RosterError) as err:
        parse_roster({"people": {}, "teams": {}, **change}, source="roster.yaml")
    message = str(err.value)
    assert message.startswith("roster.yaml: invalid roster") and where in message and why in message


def test_unreadable_files_are_named(tmp_path):
    with pytest.raises(RosterError, match="missing.yaml: cannot read"):
        load_roster(tmp_path / "missing.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("people: [unclosed", encoding="utf-8")
    with pytest.raises(RosterError, match="bad.yaml: not valid YAML"):
        load_roster(bad)
    bad.write_text("- a list", encoding="utf-8")
    with pytest.raises(RosterError, match="mapping at the top level"):
        load_roster(bad)


ROSTER = parse_roster({
    "timezone": "Europe/Athens",
    "people": {
        "day": {"hours": {"mon-fri": "09:00-17:00"}},
        "night": {"hours": {"tue": "22:00-06:00"}},
        "moscow": {"timezone": "Europe/Moscow", "hours": {"mon-fri": "09:00-18:00"}},
        "split": {"hours": {"sat": "08:00-10:00, 14:00-16:00", "sun": "off"}},
        "leave": {"away": [{"from": "2026-12-24", "to": "2026-12-27"}]},
        "always": {},
    },
})


def athens(*args) -> datetime:  # noqa: ANN002
    from zoneinfo import ZoneInfo
    return datetime(*args, tzinfo=ZoneInfo("Europe/Athens"))


@pytest.mark.parametrize(("person", "when", "working"), [
    ("day", athens(2026, 11, 23, 9, 0), True),  # Monday
    ("day", athens(2026, 11, 23, 8, 59), False),
    ("day", athens(2026, 11, 23, 17, 0), False),  # the end is exclusive
    ("day", athens(2026, 11, 21, 12, 0), False),  # Saturday
    ("night", athens(2026, 11, 24, 23, 30), True),  # Tuesday night
    ("night", athens(2026, 11, 25, 5, 59), True),  # ... into Wednesday morning
    ("night", athens(2026, 11, 25, 6, 0), False),
    ("night", athens(2026, 11, 25, 23, 30), False),  # Wednesday night is not a shift
    ("moscow", athens(2026, 11, 23, 8, 0), True),  # 09:00 in Moscow
    ("moscow", athens(2026, 11, 23, 7, 59), False),
    ("split", athens(2026, 11, 21, 9, 0), True),
    ("split", athens(2026, 11, 21, 12, 0), False),
    ("split", athens(2026, 11, 21, 15, 0), True),
    ("split", athens(2026, 11, 22, 9, 0), False),
    ("leave", athens(2026, 12, 23, 23, 59), True),
    ("leave", athens(2026, 12, 24, 0, 0), False),  # both days included
    ("leave", athens(2026, 12, 27, 23, 59), False),
    ("leave", athens(2026, 12, 28, 0, 0), True),
    ("always", athens(2026, 12, 25, 3, 0), True),
    ("unknown", athens(2026, 12, 25, 3, 0), True),  # people only in the policy are counted at work
])
def test_working_hours_and_days_away(person, when, working):
    assert ROSTER.is_working(person, when) is working


def test_hours_follow_the_local_clock_across_daylight_saving():
    # Athens moves from UTC+2 to UTC+3 on 2026-03-29: 09:00 local is 07:00 UTC before, 06:00 UTC after.
    assert ROSTER.is_working("day", datetime(2026, 3, 27, 7, 0, tzinfo=UTC))
    assert not ROSTER.is_working("day", datetime(2026, 3, 27, 6, 30, tzinfo=UTC))
    assert ROSTER.is_working("day", datetime(2026, 3, 30, 6, 0, tzinfo=UTC))
    assert not ROSTER.is_working("day", datetime(2026, 3, 30, 5, 59, tzinfo=UTC))
