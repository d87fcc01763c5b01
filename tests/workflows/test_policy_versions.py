"""Policy versions on the time-skipping server: pinned at opening, moved only by the validated `migrate_policy` update."""

from __future__ import annotations

from datetime import timedelta

import pytest

from policy.loader import parse_policy
from policy.migrate import migrate_issues
from starter.client import ActionRejected, IssueClient
from tests.conftest import make_issue, short_policy
from tests.workflows.helpers import kinds, settled, state_when

M = timedelta(minutes=1)


def version_2(**changes):
    raw = short_policy().model_dump(mode="json")
    raw["version"] = "test-2"
    raw["routes"][0]["levels"][0]["targets"] = {"response": "30m", "resolution": "2h"}
    for key, value in changes.items():
        raw[key] = value
    return parse_policy(raw)


def client_with(ts, policy) -> IssueClient:
    return IssueClient(ts.client, policy, ts.issues.task_queue, ts.issues.options)


async def test_an_issue_keeps_the_version_it_opened_with(ts) -> None:
    old = make_issue()
    await ts.issues.open(old)
    newer = client_with(ts, version_2())
    new = make_issue()
    await newer.open(new)
    assert (await ts.issues.summary(old.id)).policy_version == "test-1"
    assert (await newer.summary(new.id)).policy_version == "test-2"
    assert (await newer.summary(old.id)).policy_version == "test-1"  # a new client version changes nothing running


async def test_an_accepted_migration_moves_the_deadline_and_is_on_the_timeline(ts, time_env) -> None:
    issue = make_issue()
    await ts.issues.open(issue)
    await state_when(ts.issues, issue.id, settled)
    await time_env.sleep(4 * M)
    summary = await ts.issues.migrate_policy(issue.id, version_2(), actor="ops-lead", request_id="mig-1")
    assert summary.policy_version == "test-2" and summary.level == "l1"
    state = await ts.issues.state(issue.id)
    assert summary.response_due == state.opened_at + 30 * M  # 4 minutes used of the new 30
    entry = state.timeline[-1]
    assert (entry.kind, entry.actor, entry.request_id) == ("policy_migrated", "ops-lead", "mig-1")
    history = await ts.issues.handle(issue.id).fetch_history()
    assert [e for e in history.events if e.HasField("workflow_execution_update_accepted_event_attributes")]
    await time_env.sleep(10 * M)  # past the old 10-minute target: no breach under the new version
    state = await ts.issues.state(issue.id)
    assert state.level.name == "l1" and "sla_breach" not in kinds(state)


async def test_an_incompatible_migration_is_rejected_and_writes_nothing(ts) -> None:
    issue = make_issue()
    await ts.issues.open(issue)
    before = await state_when(ts.issues, issue.id, settled)
    renamed = short_policy().model_dump(mode="json")
    renamed["version"] = "test-3"
    renamed["routes"][0]["levels"][0]["name"] = "l1-agent"
    with pytest.raises(ActionRejected) as raised:
        await ts.issues.migrate_policy(issue.id, parse_policy(renamed))
    assert "has no level 'l1'" in raised.value.reason and raised.value.kind == "InvalidAction"
    with pytest.raises(ActionRejected, match="already follows policy version 'test-1'"):
        await ts.issues.migrate_policy(issue.id, short_policy())
    after = await ts.issues.state(issue.id)
    assert after == before
    history = await ts.issues.handle(issue.id).fetch_history()
    assert not [e for e in history.events if e.HasField("workflow_execution_update_accepted_event_attributes")]


async def test_the_migrate_command_moves_the_chosen_issues_and_reports_each(ts) -> None:
    fits, not_chosen = make_issue(), make_issue()
    await ts.issues.open(fits)
    await ts.issues.open(not_chosen)
    already = client_with(ts, version_2())
    newer = make_issue()
    await already.open(newer)
    outcomes = await migrate_issues(ts.issues, version_2(), [fits.id, newer.id, "NO-SUCH-ISSUE"], actor="ops-lead")
    assert [(o.issue_id, o.moved) for o in outcomes] == [(fits.id, True), (newer.id, False), ("NO-SUCH-ISSUE", False)]
    assert "now on 'test-2' at l1" in outcomes[0].detail
    assert "already follows policy version 'test-2'" in outcomes[1].detail
    assert "no issue 'NO-SUCH-ISSUE'" in outcomes[2].detail
    assert (await ts.issues.summary(not_chosen.id)).policy_version == "test-1"  # not chosen, not moved
