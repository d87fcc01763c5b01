"""Agent actions and customer events over HTTP: the new state, or 409 with the reason; bad requests change nothing."""

from __future__ import annotations

from tests.api.conftest import TOKEN_NAMES
from tests.conftest import make_issue
from tests.workflows.helpers import settled, state_when


async def _open(api) -> str:
    issue = make_issue()
    assert (await api.open(issue)).status_code == 201
    await state_when(api.issues, issue.id, settled)
    return issue.id


async def test_every_agent_action_answers_the_new_state(api):
    issue_id = await _open(api)
    steps = [
        ("acknowledge", None, {"status": "acknowledged", "response_due": None}),
        ("comments", {"text": "checked the logs"}, {"status": "acknowledged"}),
        ("hold", {"reason": "waiting for a part", "waiting_for_customer": False},
         {"status": "on_hold", "paused": True}),
        ("resume", {}, {"status": "acknowledged", "paused": False}),
        ("priority", {"priority": "high", "reason": "VIP"}, {"priority": "high"}),
        ("hand-over", {"team": "finance", "reason": "refund"}, {"team": "finance", "level": "l1", "status": "open"}),
        ("escalate", {"reason": "needs a specialist"}, {"level": "l2", "team": "specialists", "escalations": 2}),
        ("resolve", {"note": "replaced the router"}, {"status": "resolved"}),
    ]
    for action, body, expected in steps:
        response = await api.act(issue_id, action, body)
        assert response.status_code == 200, (action, response.text)
        summary = response.json()
        assert {key: summary[key] for key in expected} == expected, (action, summary)
    assert summary["confirm_due"] is not None
    timeline = await api.timeline(issue_id)
    agent = TOKEN_NAMES["agent"]
    by_kind = {e["kind"]: e for e in timeline}
    for kind in ("acknowledged", "comment", "hold", "resumed", "priority_raised", "handed_over", "escalated",
                 "resolved"):
        assert by_kind[kind]["actor"] == agent, kind
    assert by_kind["comment"]["summary"] == "checked the logs"


async def test_customer_events_relayed_by_a_service(api):
    issue_id = await _open(api)
    response = await api.act(issue_id, "hold", {"waiting_for_customer": True})
    assert response.json()["status"] == "on_hold"
    response = await api.act(issue_id, "customer-reply", {"text": "here is the serial number"}, role="service")
    assert response.status_code == 200 and response.json()["status"] == "open"  # the reply resumes the clock
    response = await api.act(issue_id, "unhappy", {"reason": "too slow"}, role="service")
    assert response.status_code == 200 and response.json()["level"] == "l2"
    await api.act(issue_id, "resolve", {})
    response = await api.act(issue_id, "unhappy", None, role="service")  # objection reopens and escalates
    assert response.json()["status"] == "open" and response.json()["level"] == "l3"
    await api.act(issue_id, "resolve", None, role="ops")
    response = await api.act(issue_id, "confirm", None, role="service")
    assert response.status_code == 200 and response.json()["status"] == "closed"
    actors = {e["kind"]: e["actor"] for e in await api.timeline(issue_id)}
    assert actors["customer_reply"] == TOKEN_NAMES["service"] and actors["resolved"] == TOKEN_NAMES["ops"]


async def test_actions_not_valid_now_are_409_with_the_reason(api):
    issue_id = await _open(api)
    cases = [
        ("resume", {}, "cannot resume: the issue is open, not on hold"),
        ("confirm", {}, "cannot confirm: the issue is open"),
        ("hand-over", {"team": "support"}, "the issue is already with team 'support'"),
        ("hand-over", {"team": "legal"}, "unknown team 'legal'"),
        ("priority", {"priority": "low"}, "priority low is not higher than normal"),
    ]
    for action, body, reason in cases:
        role = "service" if action == "confirm" else "agent"
        response = await api.act(issue_id, action, body, role=role)
        assert response.status_code == 409, (action, response.text)
        assert response.json()["error"] == "action_rejected" and reason in response.json()["detail"], action


async def test_a_closed_issue_refuses_actions_with_409_not_404(api):
    issue_id = await _open(api)
    await api.act(issue_id, "resolve")
    assert (await api.act(issue_id, "confirm", role="service")).json()["status"] == "closed"
    for action, role in (("resolve", "agent"), ("comments", "agent"), ("unhappy", "service")):
        response = await api.act(issue_id, action, {"text": "x"} if action == "comments" else None, role=role)
        assert response.status_code == 409, (action, response.text)
        assert "the issue is closed" in response.json()["detail"]
    assert (await api.get(f"/issues/{issue_id}")).json()["status"] == "closed"  # still readable


async def test_a_repeated_event_id_is_applied_once(api):
    issue_id = await _open(api)
    for _ in range(2):
        response = await api.act(issue_id, "comments", {"text": "only once", "event_id": "evt-1"})
        assert response.status_code == 200
    assert [e["summary"] for e in await api.timeline(issue_id)].count("only once") == 1


async def test_invalid_requests_change_nothing(api, tokens):
    issue_id = await _open(api)
    path = f"/issues/{issue_id}"
    before = ((await api.get(path)).json(), await api.timeline(issue_id))
    attempts = [
        ("comments", {"text": ""}, "agent", 422),  # too short
        ("comments", {"text": "hi", "actor": "the CEO"}, "agent", 422),  # a body cannot claim to be someone else
        ("comments", {"text": "hi", "request_id": "forged"}, "agent", 422),
        ("hold", {"waiting_for_customer": "maybe"}, "agent", 422),
        ("priority", {"priority": "critical"}, "agent", 422),
        ("hand-over", {}, "agent", 422),
        ("comments", {"text": "x" * 200_000}, "agent", 413),
        ("resume", None, "agent", 409),
        ("acknowledge", None, "service", 403),
        ("confirm", None, "agent", 403),
    ]
    for action, body, role, status in attempts:
        response = await api.act(issue_id, action, body, role=role)
        assert response.status_code == status, (action, body, response.text)
    response = await api.post(f"{path}/acknowledge", None)
    assert response.status_code == 401
    response = await api.post(f"{path}/comments", "agent", content=b'{"text": ',
                              headers={"Content-Type": "application/json"})
    assert response.status_code == 422
    assert ((await api.get(path)).json(), await api.timeline(issue_id)) == before


async def test_unknown_issue_is_404_for_every_action(api):
    for action, role in (("acknowledge", "agent"), ("resolve", "ops"), ("confirm", "service")):
        response = await api.act("NEVER-OPENED", action, None, role=role)
        assert response.status_code == 404 and response.json()["error"] == "not_found", action
