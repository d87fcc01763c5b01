"""Pick the route and the starting level for a new issue: first matching rule wins."""

from __future__ import annotations

from dataclasses import dataclass

from domain.issue import Issue
from policy.model import Policy


@dataclass(frozen=True)
class RouteChoice:
    route_name: str
    level_index: int
    rule: str  # the rule that matched, or "default"


def choose_route(policy: Policy, issue: Issue) -> RouteChoice:
    for rule in policy.rules:
        if rule.when.matches(issue):
            levels = [level.name for level in policy.route(rule.route).levels]
            start = levels.index(rule.start_level) if rule.start_level else 0
            return RouteChoice(rule.route, start, rule.name)
    return RouteChoice(policy.default_route, 0, "default")
