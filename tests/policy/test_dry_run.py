"""The dry-run command: the shipped scenarios against the shipped policy, and clear errors for bad input."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from policy.dry_run import main
from policy.loader import DEFAULT_POLICY_PATH

SCENARIOS = DEFAULT_POLICY_PATH.parent / "scenarios"
PROJECT = DEFAULT_POLICY_PATH.parent.parent


def dry_run(capsys, policy: Path, scenario: Path) -> tuple[int, str, str]:
    code = main([str(policy), str(scenario)])
    out, err = capsys.readouterr()
    return code, out, err


def line_with(out: str, *words: str) -> str:
    return next(line for line in out.splitlines() if all(w in line for w in words))


def test_billing_over_christmas_waits_for_finance_after_the_holidays(capsys) -> None:
    code, out, err = dry_run(capsys, DEFAULT_POLICY_PATH, SCENARIOS / "billing-over-christmas.yaml")
    assert code == 0 and err == ""
    assert "route 'billing' by rule 'billing questions go to finance'" in out
    # escalated on the 23rd at 14:55: 1h05m that day, then closed 24-27 December, the rest on Monday
    escalated = out[out.index("escalated [bob]"):]
    assert "reply by Mon 2026-12-28 10:55 CET" in escalated.splitlines()[3]
    assert "Thu 24 Dec Christmas Eve (company day off); Fri 25 Dec Christmas Day" in out
    assert line_with(out, "sla_warning", "60m left").startswith("Mon 2026-12-28 09:55 CET")
    assert "12h10m left to resolve" in out and "resolution by Mon 2027-01-04 12:10 CET" in out  # held, resumed
    assert line_with(out, "sla_breach", "top level").startswith("Sat 2027-01-02 10:30 CET")
    assert line_with(out, "renotified").startswith("Sat 2027-01-02 11:00 CET")
    assert out.rstrip().endswith("closed at level 3 (l3-support-manager, team management); 2 escalations; "
                                 "SLA breached.")


def test_key_client_goes_straight_to_engineering_counted_in_engineering_hours(capsys) -> None:
    code, out, _ = dry_run(capsys, DEFAULT_POLICY_PATH, SCENARIOS / "key-client-outage-over-dst.yaml")
    assert code == 0
    assert "opened with engineer (l2-engineer, team engineering)" in out
    # Saturday 12:00-13:00 CET, Easter, the clocks go forward, then Tuesday 08:00-10:00 CEST
    assert "reply by Tue 2027-03-30 10:00 CEST" in out
    assert "acknowledged by goran after 60m" in out
    assert "resolution by Tue 2027-03-30 16:00 CEST" in out  # urgent: 8h instead of 20h, the hour used kept
    assert "now with team lead (l3-team-lead, team leads)" in out  # unhappy: one level up on this route
    assert line_with(out, "closed: the customer neither confirmed").startswith("Thu 2027-04-01 12:00 CEST")


def test_the_command_runs_as_a_module_and_its_output_is_in_the_readme() -> None:
    run = subprocess.run([sys.executable, "-m", "policy.dry_run", "policy/default.yaml",
                          "policy/scenarios/billing-over-christmas.yaml"], cwd=PROJECT, capture_output=True,
                         text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    readme = (PROJECT / "README.md").read_text()
    assert run.stdout.strip() in readme, "README's dry-run output is stale: run the command and paste it again"


def test_a_bad_scenario_is_named_with_file_path_line_and_reason(tmp_path, capsys) -> None:
    raw = yaml.safe_load((SCENARIOS / "billing-over-christmas.yaml").read_text())
    raw["events"][1]["kind"] = "escalate_now"
    raw["events"][2]["after"] = "10m"  # beside `at`
    raw["events"][3]["waiting_for_customer"] = "perhaps"
    raw["issue"]["category"] = "money"
    scenario = tmp_path / "scenario.yaml"
    scenario.write_text(yaml.safe_dump(raw, sort_keys=False))
    code, out, err = dry_run(capsys, DEFAULT_POLICY_PATH, scenario)
    assert code == 2 and out == ""
    lines = err.splitlines()
    assert lines[0] == f"{scenario}: invalid scenario:"
    text = scenario.read_text().splitlines()

    def named(path: str, reason: str, key: str) -> None:
        problem = next(line for line in lines if line.strip().startswith(path))
        assert reason in problem, problem
        line = int(problem.split("(line ")[1].split(")")[0])
        assert key in text[line - 1], (problem, text[line - 1])

    named("issue.category", "'technical'", "category: money")
    named("events[1].kind", "unknown event kind 'escalate_now'; known: acknowledge", "kind: escalate_now")
    named("events[2]", "not both or neither", "at:")
    named("events[3].waiting_for_customer", "valid boolean", "waiting_for_customer")


def test_a_bad_policy_stops_the_dry_run_with_the_policy_named(tmp_path, capsys) -> None:
    raw = yaml.safe_load(DEFAULT_POLICY_PATH.read_text())
    raw["rules"][0]["route"] = "nowhere"
    policy = tmp_path / "policy.yaml"
    policy.write_text(yaml.safe_dump(raw, sort_keys=False))
    code, out, err = dry_run(capsys, policy, SCENARIOS / "billing-over-christmas.yaml")
    assert code == 2 and out == "" and err.startswith(f"{policy}: invalid policy:")
    assert "rules[0].route" in err and "unknown route 'nowhere'" in err
    code, _, err = dry_run(capsys, DEFAULT_POLICY_PATH, tmp_path / "missing.yaml")
    assert code == 2 and "cannot read the file" in err


@pytest.mark.parametrize("scenario", sorted(SCENARIOS.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_shipped_scenario_runs(capsys, scenario: Path) -> None:
    code, out, _ = dry_run(capsys, DEFAULT_POLICY_PATH, scenario)
    assert code == 0 and "Outcome after" in out and "REJECTED" not in out
