"""The ready-made visibility queries in the README's Ops section run on the dev server and find what they say."""

from __future__ import annotations

import asyncio
import re
import uuid
from collections.abc import AsyncIterator

import pytest

from activities.outbox import Outbox
from config.settings import PROJECT_ROOT
from domain import events as ev
from domain.issue import Category, Tier
from tests.conftest import Harness, start_harness
from tests.reports.live import fast_policy, issue_for
from tests.workflows.helpers import state_when

pytestmark = pytest.mark.timeout(120)

KEY_BREACHED_L3 = "breached key-client issues at level 3 or above"


def readme_queries() -> dict[str, str]:
    """`| what | `query` |` rows of the table under '### Finding issues' in README.md."""
    text = (PROJECT_ROOT / "README.md").read_text()
    section = text.split("### Finding issues", 1)[1].split("\n#", 1)[0]
    return {what.strip(): query for what, query in re.findall(r"^\|([^|`]+)\|\s*`([^`]+)`\s*\|", section, re.M)}


@pytest.fixture(scope="module")
async def harness(dev_env, executor, tmp_path_factory) -> AsyncIterator[Harness]:
    h = await start_harness(dev_env.client, Outbox(tmp_path_factory.mktemp("q") / "outbox.sqlite3"), executor,
                            policy=fast_policy())
    async with h.worker:
        yield h
        await h.issues.terminate_opened()


async def _found(harness: Harness, query: str, expected: set[str], timeout: float = 15.0) -> set[str]:
    """Issue ids the query finds on this harness's task queue, once visibility shows `expected` (or time is up)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        full = f"({query}) AND TaskQueue = '{harness.issues.task_queue}'"
        found = {wf.id.removeprefix("issue-") async for wf in harness.client.list_workflows(full)}
        if found == expected or loop.time() > deadline:
            return found
        await asyncio.sleep(0.1)


def test_the_readme_lists_the_queries():
    queries = readme_queries()
    assert KEY_BREACHED_L3 in queries and len(queries) >= 5


async def test_breached_key_clients_at_level_three_or_above(harness):
    tag = uuid.uuid4().hex[:6]
    key_breached, standard_breached, key_on_time = f"K-{tag}", f"S-{tag}", f"Q-{tag}"
    await harness.issues.open(issue_for(key_breached, "q1", Category.technical, tier=Tier.key))  # fast route: l1
    await harness.issues.open(issue_for(standard_breached, "q2", Category.technical))
    await harness.issues.open(issue_for(key_on_time, "q3", Category.billing, tier=Tier.key))  # starts at l2
    for issue_id in (key_breached, standard_breached):  # the 2 s response SLA breaches: now at l2
        await state_when(harness.issues, issue_id, lambda s: s.ever_breached and s.level_index == 1, timeout=20)
    for issue_id in (key_breached, standard_breached, key_on_time):
        await harness.issues.act(issue_id, ev.EscalateUp(actor="ann", reason="to the manager"))  # now at l3
    query = readme_queries()[KEY_BREACHED_L3]
    assert await _found(harness, query, {key_breached}) == {key_breached}


async def test_every_readme_query_is_valid(harness):
    for what, query in readme_queries().items():
        await _found(harness, query, set(), timeout=0)  # raises on a query the server cannot parse
