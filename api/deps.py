"""Small shared dependencies: the Temporal gateway and the request id."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Request

from api.gateway import TemporalGateway
from domain.issue import ISSUE_ID_PATTERN


# async: FastAPI would run a plain `def` dependency in a worker thread, a needless hop per request.
async def _gateway(request: Request) -> TemporalGateway:
    return request.app.state.gateway


async def _request_id(request: Request) -> str | None:
    return request.scope.get("request_id")


Gateway = Annotated[TemporalGateway, Depends(_gateway)]
RequestId = Annotated[str | None, Depends(_request_id)]
IssueId = Annotated[str, Path(pattern=ISSUE_ID_PATTERN, description="the caller's issue id (not the workflow id)",
                              examples=["T-1001"])]
