"""POST /issues (idempotent on the id), GET /issues/{id}, GET /issues/{id}/timeline, and their errors."""

from __future__ import annotations

from domain.issue import Priority, Tier
from tests.api.conftest import TOKEN_NAMES
from tests.conftest import make_issue
from tests.workflows.helpers import settled, state_when


async def test_open_answers_201_with_where_to_find_the_issue(api):
    issue = make_issue()
    response = await api.open(issue, headers={"X-Request-ID": "open-req-1"})
    assert response.status_code == 201, response.text
    body = response.json()
    assert body == {"id": issue.id, "workflow_id": f"issue-{issue.id}", "created": True,
                    "url": f"/issues/{issue.id}", "timeline_url": f"/issues/{issue.id}/timeline"}
    assert response.headers["location"] == f"/issues/{issue.id}"
    summary = (await api.get(body["url"])).json()
    assert summary["id"] == issue.id and summary["status"] == "open" and summary["level"] == "l1"
    assert summary["team"] == "support" and summary["paused"] is False
    assert summary["response_due"] is not None and summary["last_told"]["message"] == "received"
    first = (await api.timeline(issue.id))[0]
    assert first["kind"] == "opened" and first["actor"] == TOKEN_NAMES["service"]
    assert first["request_id"] == "open-req-1"


async def test_the_same_body_again_is_200_and_opens_nothing_new(api):
    issue = make_issue()
    assert (await api.open(issue)).status_code == 201
    again = await api.open(issue, role="ops")
    assert again.status_code == 200 and again.json()["created"] is False
    opened = [e for e in await api.timeline(issue.id) if e["kind"] == "opened"]
    assert len(opened) == 1 and opened[0]["actor"] == TOKEN_NAMES["service"]


async def test_a_different_body_for_an_existing_id_is_409_and_changes_nothing(api):
    issue = make_issue(priority=Priority.normal)
    await api.open(issue)
    await state_when(api.issues, issue.id, settled)
    before = (await api.get(f"/issues/{issue.id}")).json()
    other = issue.model_copy(update={"priority": Priority.urgent, "subject": "Something else"})
    response = await api.open(other)
    assert response.status_code == 409 and response.json()["error"] == "conflict"
    assert issue.id in response.json()["detail"]
    assert (await api.get(f"/issues/{issue.id}")).json() == before
    state = await api.issues.state(issue.id)
    assert state.issue == issue


async def test_an_invalid_body_is_422_naming_each_field_and_opens_nothing(api):
    issue = make_issue()
    body = issue.model_dump(mode="json")
    body["customer"]["tier"] = "platinum"
    body["priority"] = "whenever"
    del body["subject"]
    body["actor"] = "someone else"
    response = await api.post("/issues", "service", json=body)
    assert response.status_code == 422
    fields = {e["field"]: e for e in response.json()["detail"]}
    assert set(fields) == {"customer.tier", "priority", "subject", "actor"}
    assert "'standard' or 'key'" in fields["customer.tier"]["reason"]
    assert fields["subject"]["reason"] == "Field required" and fields["actor"]["type"] == "extra_forbidden"
    assert all(e["location"] == "body" for e in fields.values())
    assert (await api.get(f"/issues/{issue.id}")).status_code == 404  # nothing was started


async def test_key_customer_starts_higher_and_the_summary_says_so(api):
    issue = make_issue(tier=Tier.key)
    await api.open(issue)
    summary = (await api.get(f"/issues/{issue.id}", role="service")).json()
    assert summary["tier"] == "key" and summary["level"] == "l2" and summary["level_number"] == 2


async def test_unknown_issue_is_404_and_a_malformed_id_is_422(api):
    for path in ("/issues/NOPE-404", "/issues/NOPE-404/timeline"):
        response = await api.get(path)
        assert response.status_code == 404 and response.json() == {
            "error": "not_found", "detail": "no issue 'NOPE-404'", "request_id": response.headers["x-request-id"]}
    response = await api.get("/issues/-starts-with-a-dash")
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "issue_id" and response.json()["detail"][0]["location"] == "path"


async def test_unknown_path_and_method_are_json_errors(api):
    response = await api.get("/nothing-here")
    assert response.status_code == 404 and response.json()["error"] == "no_such_path"
    response = await api.request("DELETE", "/issues", "ops")
    assert response.status_code == 405 and response.json()["error"] == "method_not_allowed"
