"""Agent actions and customer events: POST /issues/{issue_id}/<action>, one route per ActionSpec.

Each goes to the workflow as an update, so the answer is the new state, or 409 with the reason.
"""

from typing import Any

from fastapi import APIRouter, Body

from api.auth import Caller, Permission, require
from api.deps import Gateway, IssueId, RequestId
from api.errors import responses
from api.schemas import ACTIONS, ActionSpec
from domain.view import IssueSummary

router = APIRouter()


def _route(spec: ActionSpec):  # noqa: ANN202
    body_default = Body(...) if spec.body_required else Body(None)

    async def endpoint(issue_id: IssueId, gateway: Gateway, request_id: RequestId,
                       caller: Caller = require(spec.permission), body: Any = body_default) -> IssueSummary:
        fields = body.model_dump() if body is not None else {}
        event = spec.event.model_validate({**fields, "actor": caller.name, "request_id": request_id})
        return await gateway.run(lambda c: c.act(issue_id, event))

    endpoint.__annotations__["body"] = spec.body if spec.body_required else spec.body | None
    endpoint.__name__ = f"post_{spec.path.replace('-', '_')}"
    return endpoint


for _spec in ACTIONS:
    router.add_api_route(
        f"/issues/{{issue_id}}/{_spec.path}", _route(_spec), methods=["POST"], response_model=IssueSummary,
        summary=_spec.summary, tags=["agent actions" if _spec.permission is Permission.agent else "customer events"],
        description=f"Role: {'agent or ops' if _spec.permission is Permission.agent else 'service or ops'}. "
                    "Answers the issue's new state, or 409 with the reason if the action is not valid now.",
        responses=responses(401, 403, 404, 409, 413, 422, 502, 503, 504),
    )
