"""Temporal unreachable (503) or too slow (504), request size limits (413): clear JSON, never a stack trace."""

from __future__ import annotations

import socket

from starter.client import IssueClient
from tests.api.conftest import api_settings, running_api
from tests.conftest import make_issue, short_policy


def _port_where_nothing_listens() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def test_temporal_unreachable_is_503_with_a_clear_message(tokens):
    address = f"127.0.0.1:{_port_where_nothing_listens()}"
    async with running_api(api_settings(tokens, temporal_address=address), tokens, None) as api:
        issue = make_issue()
        calls = [api.open(issue), api.get("/issues"), api.get(f"/issues/{issue.id}"),
                 api.get(f"/issues/{issue.id}/timeline"), api.act(issue.id, "acknowledge"),
                 api.act(issue.id, "confirm", role="service")]
        for call in calls:
            response = await call
            assert response.status_code == 503, response.text
            body = response.json()
            assert body["error"] == "temporal_unavailable" and address in body["detail"]
            assert "Traceback" not in response.text and response.headers["retry-after"] == "5"
        assert (await api.get("/healthz", None)).status_code == 200  # the API itself is alive
        ready = await api.get("/readyz", None)
        assert ready.status_code == 503 and ready.json()["error"] == "temporal_unavailable"
        assert (await api.get("/issues", None)).status_code == 401  # auth still comes first


async def test_no_worker_answering_is_504_within_the_configured_time(dev, tokens):
    """A query needs a worker; on a task queue nobody polls, the API gives up after api_temporal_timeout."""
    issues = IssueClient(dev.client, short_policy(), "nobody-polls-this-queue")
    async with running_api(api_settings(tokens, api_temporal_timeout=0.5), tokens, issues) as api:
        issue = make_issue()
        assert (await api.open(issue)).status_code == 201  # starting needs no worker
        response = await api.get(f"/issues/{issue.id}")
        assert response.status_code == 504 and response.json()["error"] == "temporal_timeout"
        assert "0.5s" in response.json()["detail"]
        assert (await api.get("/readyz", None)).json() == {"status": "ready"}  # Temporal itself is fine
    await dev.client.get_workflow_handle(issue.workflow_id).terminate("test done")


async def test_bodies_over_the_limit_are_413_declared_or_streamed(api, tokens):
    issue = make_issue()
    big = {"text": "x" * 140_000}
    response = await api.act(issue.id, "comments", big)
    assert response.status_code == 413 and response.json()["error"] == "too_large"
    assert "131072 bytes" in response.json()["detail"]

    async def chunks():  # no Content-Length: chunked transfer encoding
        for _ in range(40):
            yield b" " * 4096

    response = await api.post("/issues", "service", content=chunks(), headers={"Content-Type": "application/json"})
    assert response.status_code == 413
    body = issue.model_dump(mode="json")
    body["description"] = "y" * 19_000  # within the domain's limits, and within the size limit
    assert (await api.post("/issues", "service", json=body)).status_code == 201


async def test_the_limit_comes_from_settings(ts, tokens):
    async with running_api(api_settings(tokens, max_request_bytes=2048), tokens, ts.issues) as api:
        issue = make_issue(description="z" * 3000)
        assert (await api.open(issue)).status_code == 413
        assert (await api.get(f"/issues/{issue.id}")).status_code == 404  # nothing was opened
