"""Triggers in the pure core: raised priority, unhappy skip-levels, hand-over, key clients, route rules."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain import events as ev
from domain.issue import Category, Channel, Priority, Tier
from domain.state import Status
from policy.loader import load_policy, parse_policy
from rules import sla_clock
from rules.routing import choose_route
from rules.schedule import due_event, next_wakeup
from tests.conftest import make_issue, short_policy
from tests.rules.support import T0, M, decide, kinds, opened, step

S = timedelta(seconds=1)


def test_raised_priority_retargets_keeping_the_time_used() -> None:
    state = opened()
    raised = step(state, ev.RaisePriority(actor="ann", priority=Priority.urgent, reason="outage"), T0 + 2 * M)
    assert raised.response.target == 5 * M and raised.resolution.target == 30 * M
    assert sla_clock.deadline(raised.response) == T0 + 5 * M  # the 2 minutes used still count
    assert "priority normal -> urgent by ann: outage" in raised.timeline[-1].summary
    # past the new target already: the breach is due at once
    late = step(state, ev.RaisePriority(actor="ann", priority=Priority.urgent), T0 + 6 * M)
    assert next_wakeup(late).at <= T0 + 6 * M
    due = due_event(late, T0 + 6 * M)  # the overdue warning is skipped: the breach says it all
    assert due.kind == "sla_breach" and due.target == "response"


def test_raised_priority_never_warns_twice() -> None:
    state = opened()
    warned = step(state, ev.SlaWarning(actor="sla-clock", target="response"), T0 + 5 * M)
    raised = step(warned, ev.RaisePriority(actor="ann", priority=Priority.urgent), T0 + 5 * M + 30 * S)
    assert raised.response.warned  # 5.5 of 5 minutes used: the warning point (2.5m) was passed and told
    assert next_wakeup(raised).event.kind == "sla_breach"
    # not yet warned and not yet at the new warning point: the warning comes at the new point
    early = step(state, ev.RaisePriority(actor="ann", priority=Priority.urgent), T0 + M)
    assert sla_clock.warning_due(early.response) == T0 + 2 * M + 30 * S


def test_unhappy_customer_skips_levels_when_the_route_says_so() -> None:
    raw = short_policy().model_dump(mode="json")
    raw["routes"][0]["unhappy_levels_up"] = 2
    policy = parse_policy(raw)
    state = opened(policy)
    skipped = decide(state, ev.CustomerUnhappy(actor="portal", reason="third time I ask"), T0 + M)
    assert skipped.state.level.name == "l3" and skipped.state.escalation_count == 1
    assert "customer unhappy: third time I ask" in skipped.state.timeline[-1].summary
    assert [(c.kind, c.level) for c in skipped.commands] == [
        ("assign", "l3"), ("notify_staff", "l3"), ("inform_customer", "l3")]
    # from the middle the skip stops at the top
    middle = step(opened(policy), ev.EscalateUp(actor="ann"), T0)
    assert step(middle, ev.CustomerUnhappy(actor="portal"), T0 + M).level.name == "l3"
    # objection after resolution: reopened two levels up
    resolved = step(opened(policy), ev.Resolve(actor="ann"), T0 + M)
    assert step(resolved, ev.CustomerUnhappy(actor="portal"), T0 + 2 * M).level.name == "l3"
    # an agent's own escalation still goes one level
    assert step(opened(policy), ev.EscalateUp(actor="ann"), T0).level.name == "l2"
    # the default: one level
    assert step(opened(), ev.CustomerUnhappy(actor="portal"), T0 + M).level.name == "l2"


def test_hand_over_keeps_the_level_changes_the_team_and_restarts_the_clock() -> None:
    state = step(opened(), ev.Acknowledge(actor="ann"), T0 + M)
    moved = decide(state, ev.HandOver(actor="ann", team="finance", reason="refund question"), T0 + 20 * M)
    new = moved.state
    assert (new.level.name, new.team, new.status) == ("l1", "finance", Status.open)
    assert sla_clock.deadline(new.response) == T0 + 30 * M  # the level's targets, from the hand-over
    assert kinds(new)[-1] == "handed_over" and "Finance: refund question" in new.timeline[-1].summary
    assign, notify, inform = moved.commands
    assert (assign.team, notify.team, inform.message) == ("finance", "finance", "escalated")


def test_key_clients_start_at_the_level_their_rule_names() -> None:
    state = opened(tier=Tier.key)
    assert state.level.name == "l2" and state.team == "specialists" and state.escalation_count == 0
    assert state.last_told.reply_by == T0 + 20 * M
    assert "by rule 'key clients start at l2'" in state.timeline[0].summary


SHIPPED = [
    # (tier, category, channel) -> (route, first level, first team)
    ((Tier.key, Category.technical, Channel.email), ("technical", "l2-engineer", "engineering")),
    ((Tier.key, Category.billing, Channel.chatbot), ("standard", "l2-advanced", "advanced")),
    ((Tier.standard, Category.technical, Channel.chatbot), ("chatbot", "l1-human-agent", "support")),
    ((Tier.standard, Category.technical, Channel.phone), ("technical", "l1-agent", "support")),
    ((Tier.standard, Category.billing, Channel.email), ("billing", "l1-agent", "support")),
    ((Tier.standard, Category.delivery, Channel.social), ("standard", "l1-agent", "support")),
]


@pytest.mark.parametrize(("facts", "where"), SHIPPED, ids=[f"{t}-{c}-{ch}" for (t, c, ch), _ in SHIPPED])
def test_shipped_policy_routes_like_a_support_organisation(facts, where) -> None:
    tier, category, channel = facts
    policy = load_policy()
    issue = make_issue("R-1", tier=tier, category=category, channel=channel)
    choice = choose_route(policy, issue)
    level = policy.route(choice.route_name).levels[choice.level_index]
    assert (choice.route_name, level.name, level.team) == where


def test_first_matching_rule_wins_and_the_default_catches_the_rest() -> None:
    raw = short_policy().model_dump(mode="json")
    raw["routes"].append({"name": "urgent", "levels": [raw["routes"][0]["levels"][2]]})
    raw["rules"] = [
        {"name": "urgent billing", "when": {"priority": ["urgent"], "category": ["billing"]}, "route": "urgent"},
        {"name": "all billing", "when": {"category": ["billing"]}, "route": "main", "start_level": "l2"},
    ]
    policy = parse_policy(raw)
    assert choose_route(policy, make_issue(category=Category.billing, priority=Priority.urgent)).rule == "urgent billing"
    assert choose_route(policy, make_issue(category=Category.billing, priority=Priority.high)).rule == "all billing"
    other = choose_route(policy, make_issue(category=Category.technical))
    assert (other.route_name, other.level_index, other.rule) == ("main", 0, "default")


def test_warn_before_warns_a_fixed_time_before_the_breach() -> None:
    raw = short_policy().model_dump(mode="json")
    level = raw["routes"][0]["levels"][0]
    level.pop("warn_at_percent")
    level["warn_before"] = "2m"
    state = opened(parse_policy(raw))
    assert sla_clock.warning_due(state.response) == T0 + 8 * M
    assert sla_clock.warning_due(state.resolution) == T0 + 58 * M
    warned = step(state, ev.SlaWarning(actor="sla-clock", target="response"), T0 + 8 * M)
    assert "2m before breach" in warned.timeline[-1].summary
