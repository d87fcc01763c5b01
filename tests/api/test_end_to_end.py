"""One issue's whole life through the API: open, SLA breach escalates (time skipped), unhappy, resolve, confirm."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from tests.api.conftest import TOKEN_NAMES
from tests.conftest import make_issue


async def _summary_when(api, issue_id: str, check, timeout: float = 15.0) -> dict:
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        summary = (await api.get(f"/issues/{issue_id}")).json()
        if check(summary):
            return summary
        assert asyncio.get_running_loop().time() < deadline, f"not reached in {timeout}s: {summary}"
        await asyncio.sleep(0.05)


async def test_open_breach_unhappy_resolve_confirm_closed(api, time_env):
    issue = make_issue()
    response = await api.open(issue, headers={"X-Request-ID": "e2e-open"})
    assert response.status_code == 201
    opened = await _summary_when(api, issue.id, lambda s: s["assignee"] is not None)
    assert opened["level"] == "l1" and opened["breached"] is False

    await time_env.sleep(timedelta(minutes=10, seconds=1))  # past the 10-minute response target
    escalated = await _summary_when(api, issue.id, lambda s: s["level"] == "l2")
    assert escalated["breached"] is True and escalated["team"] == "specialists" and escalated["escalations"] == 1
    assert escalated["last_told"]["message"] == "escalated"

    response = await api.act(issue.id, "unhappy", {"reason": "nobody called"}, role="service",
                             headers={"X-Request-ID": "e2e-unhappy"})
    assert response.status_code == 200 and response.json()["level"] == "l3"

    response = await api.act(issue.id, "resolve", {"note": "router replaced"})
    assert response.status_code == 200 and response.json()["status"] == "resolved"

    response = await api.act(issue.id, "confirm", None, role="service")
    assert response.status_code == 200 and response.json()["status"] == "closed"
    assert (await api.get(f"/issues/{issue.id}")).json()["status"] == "closed"

    timeline = await api.timeline(issue.id)
    story = [(e["kind"], e["actor"]) for e in timeline if e["kind"] not in ("assigned", "assignment_outdated")]
    service, agent = TOKEN_NAMES["service"], TOKEN_NAMES["agent"]
    assert story == [("opened", service), ("sla_warning", "sla-clock"), ("sla_breach", "sla-clock"),
                     ("escalated", "sla-clock"),
                     ("customer_unhappy", service), ("escalated", service), ("resolved", agent), ("closed", service)]
    assert [e["seq"] for e in timeline] == list(range(1, len(timeline) + 1))
    request_ids = {e["kind"]: e["request_id"] for e in timeline}
    assert request_ids["opened"] == "e2e-open" and request_ids["customer_unhappy"] == "e2e-unhappy"

    response = await api.act(issue.id, "resolve")
    assert response.status_code == 409 and response.json()["detail"] == "cannot resolve: the issue is closed"
