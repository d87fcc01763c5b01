"""The escalation report from issue states: a pure function, so its figures can be checked by hand.

    report = build_report(states, since=..., until=..., as_of=now)

Issues count when they were opened in [since, until). An issue's time at a level still going on counts up
to `as_of`. See `reports.facts` for how each issue is read and `metrics.reasons` for the reason kinds.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta

from domain.state import ACTIVE, IssueState, Status
from reports.facts import IssueFacts, issue_facts
from reports.model import (Bucket, CategoryRow, EscalationReport, LevelTime, ReasonCount, RepeatCustomer, SlaRow,
                           TeamRow)

#: Bucket widths for the over-time series, the smallest giving at most MAX_BUCKETS buckets wins.
BUCKET_WIDTHS = tuple(timedelta(seconds=s)
                      for s in (10, 30, 60, 300, 900, 3600, 6 * 3600, 86400, 7 * 86400, 30 * 86400))
MAX_BUCKETS = 48


def build_report(states: Iterable[IssueState], *, as_of: datetime, since: datetime | None = None,
                 until: datetime | None = None, unreadable: Sequence[str] = ()) -> EscalationReport:
    if since is not None and until is not None and since >= until:
        raise ValueError(f"since ({since.isoformat()}) must be before until ({until.isoformat()})")
    facts = [issue_facts(s, as_of) for s in states if _in_window(s.opened_at, since, until)]
    facts.sort(key=lambda f: (f.opened_at, f.issue_id))
    escalated = sum(1 for f in facts if f.escalations)
    escalations = sum(len(f.escalations) for f in facts)
    width, buckets = _over_time(facts, since, until, as_of)
    return EscalationReport(
        since=since, until=until, as_of=as_of, issues=len(facts),
        active_issues=sum(1 for f in facts if f.status in ACTIVE),
        resolved_issues=sum(1 for f in facts if f.status is Status.resolved),
        closed_issues=sum(1 for f in facts if f.status is Status.closed),
        escalated_issues=escalated, escalations=escalations, escalation_rate=_ratio(escalated, len(facts)),
        unreadable=sorted(unreadable), by_category=_by_category(facts), by_team=_by_team(facts), sla=_sla(facts),
        time_per_level=_time_per_level(facts), reasons=_reasons(facts), repeat_customers=_repeat_customers(facts),
        bucket_seconds=int(width.total_seconds()), over_time=buckets,
    )


def _in_window(at: datetime, since: datetime | None, until: datetime | None) -> bool:
    return (since is None or at >= since) and (until is None or at < until)


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _by_category(facts: list[IssueFacts]) -> list[CategoryRow]:
    groups: dict[str, list[IssueFacts]] = defaultdict(list)
    for f in facts:
        groups[f.category].append(f)
    rows = []
    for category, members in sorted(groups.items()):
        escalated = sum(1 for f in members if f.escalations)
        rows.append(CategoryRow(category=category, issues=len(members), escalated_issues=escalated,
                                escalations=sum(len(f.escalations) for f in members),
                                escalation_rate=escalated / len(members)))
    return rows


def _by_team(facts: list[IssueFacts]) -> list[TeamRow]:
    handled: Counter[str] = Counter(team for f in facts for team in f.teams)
    away: Counter[str] = Counter(team for f in facts for team in f.escalated_from)
    return [TeamRow(team=team, issues_handled=count, escalated_away=away[team], escalation_rate=away[team] / count)
            for team, count in sorted(handled.items())]


def _sla(facts: list[IssueFacts]) -> list[SlaRow]:
    scopes: list[tuple[str, list[IssueFacts]]] = [("all", facts)]
    scopes += sorted(((c, [f for f in facts if f.category == c]) for c in {f.category for f in facts}))
    rows = []
    for scope, members in scopes:
        for target in ("response", "resolution"):
            outcomes = Counter(getattr(f, target).outcome for f in members)
            rows.append(SlaRow(scope=scope, target=target, met=outcomes["met"], breached=outcomes["breached"],
                               pending=outcomes["pending"],
                               compliance=_ratio(outcomes["met"], outcomes["met"] + outcomes["breached"])))
    return rows


def _time_per_level(facts: list[IssueFacts]) -> list[LevelTime]:
    seconds: dict[str, list[float]] = defaultdict(list)
    issues: dict[str, set[str]] = defaultdict(set)
    rank: dict[str, int] = {}  # a level's place in its route: levels are listed bottom to top
    for f in facts:
        for level, spent in f.level_seconds:
            seconds[level].append(spent)
            issues[level].add(f.issue_id)
            place = f.route_levels.index(level) if level in f.route_levels else len(f.route_levels)
            rank[level] = min(rank.get(level, place), place)
    return [LevelTime(level=level, visits=len(spent), issues=len(issues[level]), total_seconds=sum(spent),
                      mean_seconds=sum(spent) / len(spent))
            for level, spent in sorted(seconds.items(), key=lambda item: (rank[item[0]], item[0]))]


def _reasons(facts: list[IssueFacts]) -> list[ReasonCount]:
    counts = Counter(e.reason for f in facts for e in f.escalations)
    total = sum(counts.values())
    return [ReasonCount(reason=reason, escalations=n, share=n / total)
            for reason, n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]


def _repeat_customers(facts: list[IssueFacts]) -> list[RepeatCustomer]:
    groups: dict[str, list[IssueFacts]] = defaultdict(list)
    for f in facts:
        groups[f.customer_key].append(f)
    rows = [RepeatCustomer(customer_key=key, issues=len(members), issue_ids=[f.issue_id for f in members],
                           first_opened=members[0].opened_at, last_opened=members[-1].opened_at)
            for key, members in groups.items() if len(members) > 1]
    return sorted(rows, key=lambda r: (-r.issues, r.first_opened, r.customer_key))


def _over_time(facts: list[IssueFacts], since: datetime | None, until: datetime | None,
               as_of: datetime) -> tuple[timedelta, list[Bucket]]:
    """Per bucket: issues opened, escalations, and SLA outcomes by the time they were settled."""
    if not facts:
        return BUCKET_WIDTHS[0], []
    start = since or facts[0].opened_at
    # [start, end): up to `until`, or up to and including `as_of` when that comes first
    end = until if until is not None and until <= as_of else as_of + timedelta(microseconds=1)
    end = max(end, start + timedelta(microseconds=1))
    width = next((w for w in BUCKET_WIDTHS if (end - start) / w <= MAX_BUCKETS), BUCKET_WIDTHS[-1])
    first = _floor(start, width)
    count = math.ceil((end - first) / width)
    rows = [dict.fromkeys(("opened", "escalations", "response_met", "response_breached", "resolution_met",
                           "resolution_breached"), 0) for _ in range(count)]

    def add(at: datetime | None, column: str) -> None:
        if at is not None and first <= at < first + count * width:
            rows[int((at - first) / width)][column] += 1

    for f in facts:
        add(f.opened_at, "opened")
        for e in f.escalations:
            add(e.at, "escalations")
        for target in ("response", "resolution"):
            settled = getattr(f, target)
            if settled.outcome != "pending":
                add(settled.at, f"{target}_{settled.outcome}")
    return width, [Bucket(start=first + i * width, **row) for i, row in enumerate(rows)]


def _floor(at: datetime, width: timedelta) -> datetime:
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    return epoch + ((at - epoch) // width) * width
