"""GET /reports/escalations for ops: the escalation report as JSON, CSV or a PNG chart.

`api/app.py` includes the router. By default the route reads Temporal through the app's own IssueClient
(`app.state.gateway`). An app without that gateway, or a test, provides the client by overriding the dependency:

    app.dependency_overrides[report_source] = lambda: ReportSource(client, task_queue)
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request, Response
from temporalio.client import Client
from temporalio.service import RPCError

from api.auth import Caller, Guard, Permission
from api.errors import ApiError, invalid_field, responses
from api.tokens import Role
from reports.collect import collect_states
from reports.compute import build_report
from reports.model import EscalationReport
from reports.render import chart_png, to_csv

#: The range a report may ask for (Temporal's visibility cannot compare dates outside four-digit years).
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(9999, 1, 1, tzinfo=UTC)

#: Longest a report may take to gather (many closed issues are replayed by the worker to be read).
REPORT_TIMEOUT = 60.0


@dataclass(frozen=True)
class ReportSource:
    client: Client
    task_queue: str | None  # None: issues on every task queue


async def report_source(request: Request) -> ReportSource:
    """The app's Temporal client and task queue, from its gateway (see the module docstring to override)."""
    gateway = getattr(request.app.state, "gateway", None)
    if gateway is None:
        raise ApiError(503, "temporal_unavailable", "the reports router has no Temporal client; "
                       "override reports.api.report_source")
    issues = await gateway.issues()
    return ReportSource(issues.client, issues.task_queue)


class OpsOnly(Guard):
    """Reports are for the ops role (a Guard, so the app's 401/403-before-422 ordering applies to it too)."""

    def __init__(self) -> None:
        super().__init__(Permission.read)

    def check(self, request: Request) -> Caller:
        caller = super().check(request)
        if caller.role is not Role.ops:
            raise ApiError(403, "forbidden", f"role {caller.role.value!r} may not read escalation reports (ops only)")
        return caller


router = APIRouter(tags=["reports"])


def _utc(when: datetime | None) -> datetime | None:
    if when is None:
        return None
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


@router.get("/reports/escalations", response_model=EscalationReport, summary="Escalation report (ops)",
            responses={200: {"content": {"text/csv": {"schema": {"type": "string"}},
                                         "image/png": {"schema": {"type": "string", "format": "binary"}}}},
                       **responses(401, 403, 422, 503, 504)})
async def escalation_report(
    _caller: Annotated[Caller, Depends(OpsOnly())],
    source: Annotated[ReportSource, Depends(report_source)],
    since: Annotated[datetime | None, Query(description="issues opened at or after (ISO 8601; naive is UTC)")] = None,
    until: Annotated[datetime | None, Query(description="issues opened before (ISO 8601; naive is UTC)")] = None,
    format: Annotated[Literal["json", "csv", "png"], Query(description="png: SLA compliance and escalations "
                                                                        "over time")] = "json",  # noqa: A002
) -> Response:
    """Escalation rate per category and team, SLA compliance, time per level, top reasons, repeat-contact
    customers (hashed), and SLA compliance and escalations over time, for issues opened in [since, until)."""
    since, until = _utc(since), _utc(until)
    for name, when in (("since", since), ("until", until)):
        if when is not None and not EARLIEST <= when <= LATEST:
            raise invalid_field(name, "query", f"must be between {EARLIEST:%Y-%m-%d} and {LATEST:%Y-%m-%d}")
    if since is not None and until is not None and since >= until:
        raise invalid_field("until", "query", "must be after since")
    now = datetime.now(UTC)
    try:
        collected = await asyncio.wait_for(collect_states(source.client, task_queue=source.task_queue, since=since),
                                           REPORT_TIMEOUT)
    except TimeoutError:
        raise ApiError(504, "temporal_timeout", f"the report took longer than {REPORT_TIMEOUT:g}s; "
                       "narrow it with since/until") from None
    except RPCError as err:
        raise ApiError(503, "temporal_unavailable", f"Temporal could not list issues: {err.message}") from None
    report = build_report(collected.states, since=since, until=until, as_of=min(now, until) if until else now,
                          unreadable=collected.unreadable)
    if format == "csv":
        return Response(to_csv(report), media_type="text/csv",
                        headers={"Content-Disposition": 'attachment; filename="escalation-report.csv"'})
    if format == "png":
        return Response(await asyncio.to_thread(chart_png, report), media_type="image/png")
    return Response(report.model_dump_json(), media_type="application/json")
