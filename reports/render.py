"""The report as a text table, CSV (long format: section, key, metric, value), JSON, or a PNG chart.

The chart is drawn with matplotlib's Agg canvas on a Figure of its own (no pyplot, no global state), so it is
safe in a server and needs no display.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import datetime, timedelta

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from policy.durations import format_duration
from reports.model import Bucket, EscalationReport

FORMATS = ("table", "csv", "json")


def render(report: EscalationReport, fmt: str) -> str:
    if fmt == "json":
        return to_json(report)
    if fmt == "csv":
        return to_csv(report)
    if fmt == "table":
        return to_table(report)
    raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")


def to_json(report: EscalationReport) -> str:
    return report.model_dump_json(indent=2)


# --- CSV ----------------------------------------------------------------------------------------
def rows(report: EscalationReport) -> Iterator[tuple[str, str, str, object]]:
    """Every figure as (section, key, metric, value)."""
    r = report
    for metric in ("issues", "active_issues", "resolved_issues", "closed_issues", "escalated_issues", "escalations",
                   "escalation_rate"):
        yield "summary", "all", metric, getattr(r, metric)
    for row in r.by_category:
        for metric in ("issues", "escalated_issues", "escalations", "escalation_rate"):
            yield "by_category", row.category, metric, getattr(row, metric)
    for row in r.by_team:
        for metric in ("issues_handled", "escalated_away", "escalation_rate"):
            yield "by_team", row.team, metric, getattr(row, metric)
    for row in r.sla:
        for metric in ("met", "breached", "pending", "compliance"):
            yield "sla", f"{row.scope}/{row.target}", metric, getattr(row, metric)
    for row in r.time_per_level:
        for metric in ("visits", "issues", "total_seconds", "mean_seconds"):
            yield "time_per_level", row.level, metric, getattr(row, metric)
    for row in r.reasons:
        yield "reasons", row.reason, "escalations", row.escalations
        yield "reasons", row.reason, "share", row.share
    for row in r.repeat_customers:
        yield "repeat_customers", row.customer_key, "issues", row.issues
        yield "repeat_customers", row.customer_key, "issue_ids", " ".join(row.issue_ids)
    for bucket in r.over_time:
        key = bucket.start.isoformat()
        for metric in ("opened", "escalations", "response_met", "response_breached", "resolution_met",
                       "resolution_breached", "compliance"):
            yield "over_time", key, metric, getattr(bucket, metric)
    for issue_id in r.unreadable:
        yield "unreadable", issue_id, "issue", issue_id


def to_csv(report: EscalationReport) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(("section", "key", "metric", "value"))
    for section, key, metric, value in rows(report):
        writer.writerow((section, key, metric, "" if value is None else value))
    return out.getvalue()


# --- text table ---------------------------------------------------------------------------------
def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


def _dur(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f}s"
    minutes = int(round(seconds / 60))
    return f"{minutes // 60}h{minutes % 60:02d}m" if minutes >= 60 else f"{minutes}m"


def _table(title: str, header: tuple[str, ...], body: list[tuple[object, ...]]) -> str:
    cells = [tuple(str(c) for c in header)] + [tuple(str(c) for c in row) for row in body]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    lines = [title, "  ".join(h.ljust(w) for h, w in zip(cells[0], widths)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(c.rjust(w) if _numeric(c) else c.ljust(w) for c, w in zip(row, widths)).rstrip()
              for row in cells[1:]]
    if not body:
        lines.append("(none)")
    return "\n".join(lines)


def _numeric(cell: str) -> bool:
    return cell[:1].isdigit() or cell == "—"


def _when(at: datetime | None) -> str:
    return at.strftime("%Y-%m-%d %H:%M UTC") if at else "—"


def to_table(report: EscalationReport) -> str:
    r = report
    head = (f"Escalation report, issues opened {_when(r.since)} .. {_when(r.until)} (as of {_when(r.as_of)})\n"
            f"{r.issues} issues ({r.active_issues} active, {r.resolved_issues} resolved, {r.closed_issues} closed); "
            f"{r.escalated_issues} escalated ({_pct(r.escalation_rate)}), {r.escalations} escalations")
    if r.unreadable:
        head += f"\nunreadable (left out): {', '.join(r.unreadable)}"
    parts = [
        head,
        _table("Escalation rate by category", ("category", "issues", "escalated", "escalations", "rate"),
               [(c.category, c.issues, c.escalated_issues, c.escalations, _pct(c.escalation_rate))
                for c in r.by_category]),
        _table("Escalation rate by team", ("team", "handled", "escalated away", "rate"),
               [(t.team, t.issues_handled, t.escalated_away, _pct(t.escalation_rate)) for t in r.by_team]),
        _table("SLA compliance", ("scope", "target", "met", "breached", "pending", "compliance"),
               [(s.scope, s.target, s.met, s.breached, s.pending, _pct(s.compliance)) for s in r.sla]),
        _table("Time per level", ("level", "visits", "issues", "total", "mean"),
               [(t.level, t.visits, t.issues, _dur(t.total_seconds), _dur(t.mean_seconds))
                for t in r.time_per_level]),
        _table("Top escalation reasons", ("reason", "escalations", "share"),
               [(x.reason, x.escalations, _pct(x.share)) for x in r.reasons]),
        _table("Repeat-contact customers (hashed ids)", ("customer", "issues", "issue ids"),
               [(c.customer_key, c.issues, " ".join(c.issue_ids)) for c in r.repeat_customers]),
    ]
    return "\n\n".join(parts) + "\n"


# --- chart --------------------------------------------------------------------------------------
def chart_png(report: EscalationReport) -> bytes:
    """Top: SLA compliance per target, per bucket (dots) and cumulative (line). Bottom: issues opened and
    escalations per bucket. As PNG bytes."""
    fig = Figure(figsize=(10, 6), dpi=100, layout="constrained")
    FigureCanvasAgg(fig)
    top, bottom = fig.subplots(2, 1, sharex=True, height_ratios=(3, 2))
    buckets = report.over_time
    per = format_duration(timedelta(seconds=report.bucket_seconds))
    for target, color in (("response", "tab:blue"), ("resolution", "tab:green")):
        dots = [(b.start, share * 100) for b in buckets if (share := _met_share([b], target)) is not None]
        line = [(b.start, share * 100) for i, b in enumerate(buckets)
                if (share := _met_share(buckets[: i + 1], target)) is not None]
        if dots:
            top.scatter(*zip(*dots), color=color, alpha=0.45, s=24, label=f"{target}, per {per}")
            top.plot(*zip(*line), color=color, drawstyle="steps-post", label=f"{target}, cumulative")
    overall = ", ".join(f"{row.target} {_pct(row.compliance)}" for row in report.sla if row.scope == "all")
    top.set_ylim(-5, 105)
    top.set_ylabel("SLA met (%)")
    top.set_title(f"SLA compliance (overall: {overall or 'no issues'}) and escalations over time")
    top.grid(True, alpha=0.3)
    if top.get_legend_handles_labels()[0]:
        top.legend(loc="best", fontsize="small", framealpha=0.8)
    half = report.bucket_seconds / 86400 * 0.45  # bar width in days (matplotlib's date unit)
    starts = [b.start for b in buckets]
    bottom.bar(starts, [b.opened for b in buckets], width=half, align="edge", color="tab:gray", label="issues opened")
    bottom.bar([s + timedelta(days=half) for s in starts], [b.escalations for b in buckets], width=half,
               align="edge", color="tab:red", label="escalations")
    bottom.set_ylabel(f"per {per}")
    bottom.yaxis.set_major_locator(MaxNLocator(integer=True))
    bottom.grid(True, axis="y", alpha=0.3)
    bottom.legend(loc="best", fontsize="small", framealpha=0.8)
    locator = AutoDateLocator()
    bottom.xaxis.set_major_locator(locator)
    bottom.xaxis.set_major_formatter(ConciseDateFormatter(locator))
    out = io.BytesIO()
    fig.savefig(out, format="png")
    return out.getvalue()


def _met_share(buckets: list[Bucket], target: str) -> float | None:
    met = sum(getattr(b, f"{target}_met") for b in buckets)
    breached = sum(getattr(b, f"{target}_breached") for b in buckets)
    return met / (met + breached) if met + breached else None
