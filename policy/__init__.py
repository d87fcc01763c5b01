"""The escalation policy: a declarative, validated file of teams, routes, levels and rules."""

from policy.loader import PolicyError, load_policy
from policy.model import Level, Policy, Route, Rule

__all__ = ["Level", "Policy", "PolicyError", "Route", "Rule", "load_policy"]
