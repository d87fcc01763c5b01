"""Bare Temporal, the yardstick every figure is compared with.

`BareWorkflow`: one timer, then one activity — what an escalation is at its simplest.
`EmptyWorkflow`: returns at once — the cheapest thing `start_workflow` can start.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from temporalio import activity, workflow

BARE_ACTION = "bare_action"


@activity.defn(name=BARE_ACTION)
def bare_action(deadline: str) -> None:
    """Does nothing: the benchmark reads when it started (see bench.recorder)."""


@workflow.defn
class BareWorkflow:
    @workflow.run
    async def run(self, delay_seconds: float, until: float | None = None) -> None:
        """The timer runs `delay_seconds` from now, or until the epoch second `until` if given."""
        deadline: datetime = (workflow.now() + timedelta(seconds=delay_seconds) if until is None
                              else datetime.fromtimestamp(until, UTC))
        await workflow.sleep(max(deadline - workflow.now(), timedelta(milliseconds=1)))
        await workflow.execute_activity(bare_action, deadline.isoformat(), start_to_close_timeout=timedelta(seconds=30))


@workflow.defn
class EmptyWorkflow:
    @workflow.run
    async def run(self) -> None:
        return None
