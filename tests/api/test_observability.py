"""Request ids, structured request logs (never a token), Prometheus metrics, the OpenAPI document."""

from __future__ import annotations

import re

import structlog

from tests.api.conftest import TOKEN_NAMES
from tests.conftest import make_issue


async def test_request_id_is_echoed_logged_and_recorded_on_the_timeline(api, tokens):
    issue = make_issue()
    with structlog.testing.capture_logs() as logs:
        opened = await api.open(issue, headers={"X-Request-ID": "req-42"})
        acked = await api.act(issue.id, "acknowledge")
        denied = await api.act(issue.id, "acknowledge", role="service")
    assert opened.headers["x-request-id"] == "req-42"
    generated = acked.headers["x-request-id"]
    assert re.fullmatch(r"[0-9a-f]{32}", generated)
    timeline = {e["kind"]: e for e in await api.timeline(issue.id)}
    assert timeline["opened"]["request_id"] == "req-42"
    assert timeline["acknowledged"]["request_id"] == generated and timeline["acknowledged"]["actor"] == "ann"

    requests = [entry for entry in logs if entry["event"] == "request"]
    assert [(r["method"], r["path"], r["status"], r["actor"], r["request_id"]) for r in requests] == [
        ("POST", "/issues", 201, TOKEN_NAMES["service"], "req-42"),
        ("POST", f"/issues/{issue.id}/acknowledge", 200, TOKEN_NAMES["agent"], generated),
        ("POST", f"/issues/{issue.id}/acknowledge", 403, TOKEN_NAMES["service"], denied.headers["x-request-id"]),
    ]
    assert all(isinstance(r["duration_ms"], float) and r["duration_ms"] >= 0 for r in requests)
    logged = repr(logs)
    assert not any(token in logged for token in tokens.by_role.values())
    assert "maria@example.com" not in logged and "Maria" not in logged  # no personal data either


async def test_a_malformed_request_id_is_replaced_not_trusted(api):
    response = await api.get("/healthz", None, headers={"X-Request-ID": "bad id\twith spaces"})
    assert re.fullmatch(r"[0-9a-f]{32}", response.headers["x-request-id"])
    response = await api.get("/healthz", None, headers={"X-Request-ID": "x" * 129})
    assert response.headers["x-request-id"] != "x" * 129


async def test_metrics_count_requests_by_route_template_and_status(api):
    issue = make_issue()
    await api.open(issue)
    await api.get(f"/issues/{issue.id}")
    await api.get(f"/issues/{issue.id}")
    await api.get("/issues/NOPE-1")
    await api.get("/nowhere")
    text = (await api.get("/metrics", None)).text
    assert 'escalation_api_requests_total{method="GET",route="/issues/{issue_id}",status="200"} 2.0' in text
    assert 'escalation_api_requests_total{method="GET",route="/issues/{issue_id}",status="404"} 1.0' in text
    assert 'escalation_api_requests_total{method="POST",route="/issues",status="201"} 1.0' in text
    assert 'escalation_api_requests_total{method="GET",route="unmatched",status="404"} 1.0' in text
    assert 'escalation_api_request_duration_seconds_count{method="GET",route="/issues/{issue_id}"} 3.0' in text
    assert issue.id not in text  # raw paths never become labels


async def test_openapi_documents_every_endpoint_of_the_spec_with_bearer_auth(api):
    schema = (await api.get("/openapi.json", None)).json()
    expected = {
        ("post", "/issues"), ("get", "/issues"), ("get", "/issues/{issue_id}"), ("get", "/issues/{issue_id}/timeline"),
        *{("post", f"/issues/{{issue_id}}/{action}") for action in (
            "acknowledge", "comments", "resolve", "escalate", "hold", "resume", "hand-over", "priority",
            "customer-reply", "unhappy", "confirm")},
        ("get", "/healthz"), ("get", "/metrics"),
    }
    documented = {(method, path) for path, ops in schema["paths"].items() for method in ops}
    assert expected <= documented
    assert schema["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
    comment_body = schema["components"]["schemas"]["AddCommentBody"]
    assert "actor" not in comment_body["properties"] and comment_body["additionalProperties"] is False
    assert "409" in schema["paths"]["/issues/{issue_id}/resolve"]["post"]["responses"]
    docs = await api.get("/docs", None)
    assert docs.status_code == 200 and "swagger" in docs.text.lower()
