"""Who a log line is about: every activity's structlog lines carry the issue, workflow and run ids, the
escalation level, the activity and attempt, and the request id. A worker interceptor binds them as contextvars,
so the activities themselves log plainly (`log.info("staff notified", ...)`) and still say which issue it was.

Sync activities run in a thread with a copy of the caller's context, so what is bound here reaches them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import structlog
from temporalio import activity
from temporalio.worker import ActivityInboundInterceptor, ExecuteActivityInput, Interceptor

ISSUE_WORKFLOW_PREFIX = "issue-"


def activity_log_fields(info: activity.Info, args: Sequence[Any] = ()) -> dict[str, Any]:
    """The context of one activity attempt; no personal data (ids and kinds only)."""
    fields: dict[str, Any] = {"workflow_id": info.workflow_id, "run_id": info.workflow_run_id,
                              "activity": info.activity_type, "attempt": info.attempt}
    if info.workflow_id and info.workflow_id.startswith(ISSUE_WORKFLOW_PREFIX):
        fields["issue_id"] = info.workflow_id.removeprefix(ISSUE_WORKFLOW_PREFIX)
    request_id = _request_id(args)
    if request_id is not None:
        fields["request_id"] = request_id
    level = _escalation_level(args)
    if level is not None:  # not `level`: structlog's add_log_level owns that key
        fields["escalation_level"] = level
    return fields


def _escalation_level(args: Sequence[Any]) -> str | None:
    """The escalation level a delivery's command is for (`l2`), if the activity carries one."""
    for arg in args:
        level = getattr(getattr(arg, "command", None), "level", None)
        if isinstance(level, str):
            return level
    return None


def _request_id(args: Sequence[Any]) -> str | None:
    """The request behind the work: an argument's own `request_id`, else that of the newest entry of the story a
    delivery carries (the event that led to the command; none when a clock, not a request, moved the issue)."""
    for arg in args:
        own = getattr(arg, "request_id", None)
        if isinstance(own, str):
            return own
        story = getattr(arg, "story", None)
        if story:
            return getattr(story[-1], "request_id", None)
    return None


class ActivityLogContext(Interceptor):
    """Pass as `Worker(..., interceptors=[ActivityLogContext()])`."""

    def intercept_activity(self, next: ActivityInboundInterceptor) -> ActivityInboundInterceptor:  # noqa: A002
        return _BindContext(next)


class _BindContext(ActivityInboundInterceptor):
    async def execute_activity(self, input: ExecuteActivityInput) -> Any:  # noqa: A002
        with structlog.contextvars.bound_contextvars(**activity_log_fields(activity.info(), input.args)):
            return await self.next.execute_activity(input)
