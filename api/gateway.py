"""The API's way to Temporal: one IssueClient, connected lazily, every call bounded in time.

Transport trouble never reaches the caller as a stack trace: unreachable is 503, too slow is 504.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

import structlog
from temporalio.client import (
    WorkflowQueryFailedError,
    WorkflowUpdateFailedError,
    WorkflowUpdateRPCTimeoutOrCancelledError,
)
from temporalio.service import RPCError, RPCStatusCode

from api.errors import ApiError
from config.settings import Settings
from policy.model import Policy
from starter.client import IssueClient
from starter.connect import connect

T = TypeVar("T")
log = structlog.get_logger("api")

_UNAVAILABLE = (RPCStatusCode.UNAVAILABLE, RPCStatusCode.RESOURCE_EXHAUSTED)


def _unreachable(address: str) -> ApiError:
    return ApiError(503, "temporal_unavailable", f"Temporal at {address} is unreachable; try again shortly",
                    headers={"Retry-After": "5"})


class TemporalGateway:
    def __init__(self, settings: Settings, policy: Policy | None, issue_client: IssueClient | None = None) -> None:
        self._settings = settings
        self._policy = policy
        self._client = issue_client
        self._lock = asyncio.Lock()
        self.timeout = settings.api_temporal_timeout

    async def issues(self) -> IssueClient:
        if self._client is not None:
            return self._client
        async with self._lock:
            if self._client is None:
                assert self._policy is not None
                try:
                    client = await connect(self._settings)
                except Exception as exc:  # the SDK raises RuntimeError for refused connections
                    log.warning("temporal unreachable", address=self._settings.temporal_address, error=str(exc))
                    raise _unreachable(self._settings.temporal_address) from None
                self._client = IssueClient(client, self._policy, self._settings.task_queue)
        return self._client

    async def run(self, call: Callable[[IssueClient], Awaitable[T]]) -> T:
        """`call(issue_client)` within the timeout; transport errors become 502/503/504."""
        issues = await self.issues()
        try:
            return await asyncio.wait_for(call(issues), self.timeout)
        except (TimeoutError, WorkflowUpdateRPCTimeoutOrCancelledError):
            raise ApiError(504, "temporal_timeout", f"Temporal or the issue worker did not answer within "
                           f"{self.timeout:g}s; the request may still take effect") from None
        except RPCError as err:
            if err.status in _UNAVAILABLE:
                log.warning("temporal unavailable", status=err.status.name if err.status else None, error=err.message)
                raise _unreachable(self._settings.temporal_address) from None
            log.error("temporal error", status=err.status.name if err.status else None, error=err.message)
            raise ApiError(502, "temporal_error", f"Temporal answered with an error: {err.message}") from None
        except (WorkflowQueryFailedError, WorkflowUpdateFailedError) as err:
            cause = err.cause if isinstance(err, WorkflowUpdateFailedError) else err
            log.error("workflow call failed", error=str(cause))
            raise ApiError(502, "workflow_error", "the issue's workflow could not answer; see the API log") from None

    async def ready(self) -> bool:
        """Temporal answers a health check within a second."""
        try:
            issues = await self.issues()
            return await asyncio.wait_for(issues.client.service_client.check_health(), 1.0)
        except Exception:  # a probe: any failure means not ready
            return False
