"""Policy validation: every kind of mistake is reported with the file, the path inside it, the line and the reason."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from config.settings import Settings
from policy.loader import DEFAULT_POLICY_PATH, PolicyError, load_policy

SHIPPED = yaml.safe_load(DEFAULT_POLICY_PATH.read_text())


def _level(raw, route: int, level: int) -> dict:
    return raw["routes"][route]["levels"][level]


def edit(change: Callable[[dict], None]) -> dict:
    raw = copy.deepcopy(SHIPPED)
    change(raw)
    return raw


# (what is wrong, the edit, the path reported, words of the reason, the key expected on the reported line)
MISTAKES = [
    ("missing field", lambda r: r.pop("version"), "version", "required field is missing", None),
    ("unknown field", lambda r: _level(r, 0, 1).update(colour="red"), "routes[0].levels[1].colour",
     "unknown field", "colour"),
    ("bad enum", lambda r: r["rules"][3]["when"].update(category=["tech"]), "rules[3].when.category[0]",
     "'technical'", "tech"),
    ("bad duration", lambda r: _level(r, 1, 0)["targets"].update(response="fifteen minutes"),
     "routes[1].levels[0].targets.response", "is not a duration", "response"),
    ("response longer than resolution", lambda r: _level(r, 2, 0)["targets"].update(response="5h"),
     "routes[2].levels[0].targets", "must not be longer than the resolution", "targets"),
    ("bad name", lambda r: _level(r, 0, 0).update(name="Level One"), "routes[0].levels[0].name",
     "should match pattern", "name"),
    ("repeated level", lambda r: _level(r, 0, 1).update(name="l1-agent"), "routes[0]",
     "level names repeat in route 'standard': l1-agent", "name"),
    ("repeated route", lambda r: r["routes"][3].update(name="billing"), "routes[3].name",
     "route name 'billing' repeats", "name"),
    ("unknown default route", lambda r: r.update(default_route="general"), "default_route",
     "'general' is not a route", "default_route"),
    ("unknown team", lambda r: _level(r, 1, 1).update(team="devops"), "routes[1].levels[1].team",
     "unknown team 'devops'", "team"),
    ("unknown route in a rule", lambda r: r["rules"][4].update(route="payments"), "rules[4].route",
     "unknown route 'payments'", "route"),
    ("unknown start level", lambda r: r["rules"][1].update(start_level="l9"), "rules[1].start_level",
     "route 'standard' has no level 'l9'", "start_level"),
    ("unknown calendar on a level", lambda r: _level(r, 1, 1).update(calendar="night-shift"),
     "routes[1].levels[1].calendar", "unknown calendar 'night-shift'", "calendar"),
    ("unknown calendar on a route", lambda r: r["routes"][0].update(calendar="nope"), "routes[0].calendar",
     "unknown calendar 'nope'", "calendar"),
    ("unknown default calendar", lambda r: r.update(default_calendar="office"), "default_calendar",
     "unknown calendar 'office'", "default_calendar"),
    ("unknown time zone", lambda r: r["calendars"]["office-hours"].update(timezone="Europe/Zagrebb"),
     "calendars.office-hours.timezone", "unknown time zone 'Europe/Zagrebb'", "timezone"),
    ("bad shift", lambda r: r["calendars"]["office-hours"].update(hours={"mon-fri": ["8-16"]}),
     "calendars.office-hours.hours", "shift '8-16' must look like '09:00-17:30'", "hours"),
    ("shift ends before it starts", lambda r: r["calendars"]["office-hours"].update(hours={"mon": ["22:00-06:00"]}),
     "calendars.office-hours.hours", "split a night shift at midnight", "hours"),
    ("overlapping shifts", lambda r: r["calendars"]["engineering-hours"].update(
        hours={"mon": ["08:00-12:00", "11:00-15:00"]}), "calendars.engineering-hours.hours", "mon: shifts overlap",
     "hours"),
    ("no hours at all", lambda r: r["calendars"]["office-hours"].update(hours={"mon-fri": []}),
     "calendars.office-hours.hours", "never count time", "hours"),
    ("bad day", lambda r: r["calendars"]["office-hours"].update(hours={"monday-friday": ["08:00-16:00"]}),
     "calendars.office-hours.hours", "'monday-friday' is not a day", "hours"),
    ("unknown holiday country", lambda r: r["calendars"]["office-hours"]["holidays"].update(country="XX"),
     "calendars.office-hours", "Country XX not available", "office-hours"),
    ("two kinds of warning", lambda r: _level(r, 1, 1).update(warn_at_percent=80), "routes[1].levels[1]",
     "give warn_at_percent or warn_before, not both", None),
    ("warning longer than the target", lambda r: _level(r, 1, 1).update(warn_before="4h"), "routes[1].levels[1]",
     "shorter than every target", None),
    ("unknown PR team", lambda r: r["triggers"]["major_incident"].update(pr_team="press"),
     "triggers.major_incident.pr_team", "unknown team 'press'", "pr_team"),
    ("threshold too low", lambda r: r["triggers"]["repeated_contacts"].update(contacts=1),
     "triggers.repeated_contacts.contacts", "greater than or equal to 2", "contacts: 1"),
]


@pytest.mark.parametrize(("change", "path", "reason", "key"), [m[1:] for m in MISTAKES], ids=[m[0] for m in MISTAKES])
def test_each_mistake_is_named_with_file_path_line_and_reason(tmp_path: Path, change, path, reason, key) -> None:
    file = tmp_path / "policy.yaml"
    file.write_text(yaml.safe_dump(edit(change), sort_keys=False, width=200))
    with pytest.raises(PolicyError) as raised:
        load_policy(file)
    message = str(raised.value)
    assert message.startswith(f"{file}: invalid policy:")
    problem = next((line for line in message.splitlines() if line.strip().startswith(f"{path} ")
                    or line.strip().startswith(f"{path}:")), None)
    assert problem is not None, message
    assert reason in problem, message
    if key is not None:  # the line named is the line of that key in the file
        line = int(problem.split("(line ")[1].split(")")[0])
        assert key in file.read_text().splitlines()[line - 1], (problem, line)


def test_several_mistakes_are_reported_together(tmp_path: Path) -> None:
    def two(raw):
        _level(raw, 1, 1).update(team="devops")
        raw["rules"][4].update(route="payments")

    file = tmp_path / "policy.yaml"
    file.write_text(yaml.safe_dump(edit(two), sort_keys=False))
    with pytest.raises(PolicyError, match=r"(?s)routes\[1\]\.levels\[1\]\.team.*rules\[4\]\.route"):
        load_policy(file)


def test_unreadable_and_malformed_files(tmp_path: Path) -> None:
    missing = tmp_path / "nope.yaml"
    with pytest.raises(PolicyError, match=rf"^{missing}: cannot read the file"):
        load_policy(missing)
    broken = tmp_path / "broken.yaml"
    broken.write_text("version: '1'\nteams: {support: {title: Support}\nroutes: []\n")
    with pytest.raises(PolicyError, match=rf"(?s)^{broken}: not valid YAML.*line 3"):
        load_policy(broken)
    listed = tmp_path / "list.yaml"
    listed.write_text("- just\n- a list\n")
    with pytest.raises(PolicyError, match=rf"^{listed}: a policy file must be a mapping"):
        load_policy(listed)


def test_the_path_comes_from_the_environment_with_the_shipped_default_otherwise(tmp_path, monkeypatch) -> None:
    assert load_policy(Settings().policy_path).version == SHIPPED["version"]
    own = edit(lambda r: r.update(version="2027-01-ours"))
    file = tmp_path / "ours.yaml"
    file.write_text(yaml.safe_dump(own))
    monkeypatch.setenv("ESCALATION_POLICY_PATH", str(file))
    assert load_policy(Settings().policy_path).version == "2027-01-ours"


def test_holidays_are_resolved_at_load_time_and_pinned_with_the_policy() -> None:
    from policy.loader import parse_policy
    from policy.model import Policy

    policy = parse_policy(SHIPPED, this_year=2026)
    office = policy.calendars["office-hours"]
    assert str(office.holiday_dates[next(d for d in office.holiday_dates if d.isoformat() == "2026-12-25")]) \
        == "Christmas Day"
    assert {d.year for d in office.holiday_dates} == {2026, 2027, 2028}
    # what the workflow decodes needs no package and no context: the dates travel with it
    again = Policy.model_validate_json(policy.model_dump_json())
    assert again == policy and again.calendars["office-hours"].closed_dates() == office.closed_dates()
    with pytest.raises(ValueError, match="holidays.years is needed"):
        Policy.model_validate(SHIPPED)  # no load year given, none in the file
