"""Bearer-token authentication and what each role may do. The token's name is the actor on the timeline."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.errors import ApiError
from api.tokens import Role, TokenStore


class Permission(StrEnum):
    read = "read issues"  # list issues, read an issue and its timeline
    open = "open issues"
    customer = "relay customer events"  # customer reply, unhappy, confirm
    agent = "take agent actions"  # acknowledge, comment, resolve, escalate, hold, resume, hand over, priority
    ops = "run operations"  # ops only: e.g. moving running issues to a new policy version


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.service: frozenset({Permission.read, Permission.open, Permission.customer}),
    Role.agent: frozenset({Permission.read, Permission.agent}),
    Role.ops: frozenset(Permission),
}

#: Only for the OpenAPI document ("Authorize" in /docs); the Guard reads the header itself.
bearer_scheme = HTTPBearer(auto_error=False, description="a token from the token file; `make run` prints dev tokens")


@dataclass(frozen=True)
class Caller:
    name: str
    role: Role


def _unauthorized(detail: str) -> ApiError:
    return ApiError(401, "unauthorized", detail, headers={"WWW-Authenticate": "Bearer"})


class Guard:
    """A route's access rule. As a dependency it answers the caller, or raises 401 / 403."""

    def __init__(self, permission: Permission) -> None:
        self.permission = permission

    async def __call__(self, request: Request,
                       _credentials: HTTPAuthorizationCredentials | None = Depends(bearer_scheme)) -> Caller:
        return self.check(request)

    def check(self, request: Request) -> Caller:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise _unauthorized("send `Authorization: Bearer <token>`")
        store: TokenStore = request.app.state.tokens
        entry = store.identify(token.strip())
        if entry is None:
            raise _unauthorized("unknown token")
        request.scope["caller"] = entry.name  # for the request log
        if self.permission not in ROLE_PERMISSIONS[entry.role]:
            raise ApiError(403, "forbidden", f"role {entry.role.value!r} may not {self.permission.value}")
        return Caller(entry.name, entry.role)


def authorize_route(request: Request) -> None:
    """Run the matched route's Guard, if it has one (used before answering 422)."""
    route = request.scope.get("route")
    for dependency in getattr(getattr(route, "dependant", None), "dependencies", ()):
        if isinstance(dependency.call, Guard):
            dependency.call.check(request)


def require(permission: Permission):  # noqa: ANN201 - a FastAPI dependency
    return Depends(Guard(permission))
