"""GET /issues on the dev server: every filter against Temporal visibility, paging, bad parameters."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from domain.issue import Category, Priority, Tier
from policy.loader import parse_policy
from starter.client import IssueClient
from tests.api.conftest import api_settings, running_api
from tests.conftest import make_issue, short_policy


def _quick_breach_policy():
    """short_policy, but an urgent issue at l1 must be answered within 1 s: it breaches while we watch."""
    raw = short_policy().model_dump(mode="json")
    raw["routes"][0]["levels"][0]["by_priority"]["urgent"] = {"response": "1s", "resolution": "1h"}
    return parse_policy(raw)


@pytest.fixture
async def listing_api(dev, tokens):
    issues = IssueClient(dev.client, _quick_breach_policy(), dev.issues.task_queue)
    async with running_api(api_settings(tokens), tokens, issues) as client:
        yield client


async def _ids(api, **params) -> set[str]:
    response = await api.get("/issues", params={**params, "page_size": 100})
    assert response.status_code == 200, response.text
    assert response.json()["next_page_token"] is None
    return {item["id"] for item in response.json()["items"]}


async def _listing_when(api, expected: dict[str, dict], timeout: float = 20.0) -> dict[str, dict]:
    """Visibility trails the workflows: poll (bounded) until every issue shows the expected attributes."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        items = {i["id"]: i for i in (await api.get("/issues", params={"page_size": 100})).json()["items"]}
        if items.keys() == expected.keys() and all(
                {k: items[i][k] for k in want} == want for i, want in expected.items()):
            return items
        assert asyncio.get_running_loop().time() < deadline, f"listing not as expected: {items}"
        await asyncio.sleep(0.1)


async def test_every_filter_and_paging(listing_api):
    api = listing_api
    run = uuid.uuid4().hex[:8]
    a = make_issue(f"L-a-{run}")  # technical, normal, standard: l1 support
    b = make_issue(f"L-b-{run}", category=Category.billing, priority=Priority.high, tier=Tier.key)  # key: starts at l2
    c = make_issue(f"L-c-{run}", category=Category.delivery, priority=Priority.urgent)  # breaches after 1 s -> l2
    d = make_issue(f"L-d-{run}", category=Category.account, priority=Priority.low)  # acknowledged
    e = make_issue(f"L-e-{run}")  # handed over to finance
    f = make_issue(f"L-f-{run}", category=Category.product)  # resolved and confirmed: closed
    for issue in (a, b, c, d, e, f):
        assert (await api.open(issue)).status_code == 201
    assert (await api.act(d.id, "acknowledge")).status_code == 200
    assert (await api.act(e.id, "hand-over", {"team": "finance"})).status_code == 200
    await api.act(f.id, "resolve")
    assert (await api.act(f.id, "confirm", role="service")).json()["status"] == "closed"

    items = await _listing_when(api, {
        a.id: {"status": "open", "level_number": 1, "team": "support", "breached": False},
        b.id: {"status": "open", "level_number": 2, "team": "specialists", "tier": "key"},
        c.id: {"status": "open", "level_number": 2, "breached": True, "priority": "urgent"},
        d.id: {"status": "acknowledged", "priority": "low"},
        e.id: {"status": "open", "level_number": 1, "team": "finance"},
        f.id: {"status": "closed", "running": False},
    })
    assert items[a.id]["workflow_id"] == f"issue-{a.id}" and items[a.id]["category"] == "technical"
    assert all("customer" not in item and "subject" not in item for item in items.values())  # no personal data

    assert await _ids(api, status="open") == {a.id, b.id, c.id, e.id}
    assert await _ids(api, status="acknowledged") == {d.id}
    assert await _ids(api, status="closed") == {f.id}
    assert await _ids(api, level=2) == {b.id, c.id}
    assert await _ids(api, priority="urgent") == {c.id}
    assert await _ids(api, category="billing") == {b.id}
    assert await _ids(api, team="finance") == {e.id}
    assert await _ids(api, team="support") == {a.id, d.id, f.id}
    assert await _ids(api, tier="key") == {b.id}
    assert await _ids(api, breached="true") == {c.id}
    assert await _ids(api, breached="false") == {a.id, b.id, d.id, e.id, f.id}
    assert await _ids(api, category="technical", level=1, status="open") == {a.id, e.id}
    assert await _ids(api, team="nobody") == set()

    seen, token, pages = [], None, 0
    while True:
        params = {"page_size": 4, **({"next_page_token": token} if token else {})}
        page = (await api.get("/issues", role="service", params=params)).json()
        seen += [item["id"] for item in page["items"]]
        pages += 1
        token = page["next_page_token"]
        if token is None:
            break
    assert pages == 2 and sorted(seen) == sorted(items)  # 4 + 2, nothing twice, nothing lost


@pytest.mark.parametrize("params, field", [
    ({"status": "lost"}, "status"), ({"level": 0}, "level"), ({"priority": "meh"}, "priority"),
    ({"team": "Robert'); DROP"}, "team"), ({"breached": "perhaps"}, "breached"), ({"page_size": 0}, "page_size"),
    ({"page_size": 501}, "page_size"), ({"next_page_token": "not-ours"}, "next_page_token"),
    ({"colour": "red"}, "colour"),
])
async def test_bad_list_parameters_are_422_naming_the_parameter(dev_api, params, field):
    response = await dev_api.get("/issues", params=params)
    assert response.status_code == 422, response.text
    detail = response.json()["detail"]
    assert detail[0]["field"] == field and detail[0]["location"] == "query" and detail[0]["reason"]
