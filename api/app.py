"""`create_app(settings, issue_client=None)`: the FastAPI application, its middleware, errors and routes."""

from __future__ import annotations

from contextlib import asynccontextmanager

import structlog
from fastapi import FastAPI
from prometheus_client import CollectorRegistry

from api.auth import authorize_route
from api.errors import install_error_handlers
from api.gateway import TemporalGateway
from api.metrics import HttpMetrics
from api.middleware import BodyLimitMiddleware, RequestContextMiddleware
from api.routes import actions, issues, system
from api.tokens import load_tokens
from config.settings import Settings
from policy.loader import load_policy
from reports.api import router as reports_router
from starter.client import IssueClient

log = structlog.get_logger("api")

DESCRIPTION = """Open customer issues, act on them, follow their escalation.

Authenticate with `Authorization: Bearer <token>`. Roles: **service** opens issues, relays what the customer did
and reads; **agent** acts on issues and reads; **ops** may do everything. The token's name is the actor on the
issue's timeline. Send `X-Request-ID` to correlate: it is echoed, logged and recorded on the timeline.

Errors are JSON `{error, detail, request_id}`; 422 lists every field with the reason.
"""


def create_app(settings: Settings, issue_client: IssueClient | None = None) -> FastAPI:
    """The app. Without `issue_client` it connects to `settings.temporal_address` on first use.

    Raises TokenFileError / PolicyError at once if the token file or the policy is missing or invalid.
    """
    tokens = load_tokens(settings.token_path)
    policy = None if issue_client is not None else load_policy(settings.policy_path)
    gateway = TemporalGateway(settings, policy, issue_client)

    @asynccontextmanager
    async def lifespan(_app: FastAPI):  # noqa: ANN202
        log.info("api started", tokens=len(tokens), ready=await gateway.ready(),
                 temporal=settings.temporal_address if issue_client is None else "given client")
        yield

    app = FastAPI(title="Escalation engine API", version="1", description=DESCRIPTION, lifespan=lifespan,
                  generate_unique_id_function=lambda route: route.name)
    app.state.tokens = tokens
    app.state.gateway = gateway
    app.state.metrics_registry = CollectorRegistry()
    install_error_handlers(app, authorize_route)
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_request_bytes)
    app.add_middleware(RequestContextMiddleware, metrics=HttpMetrics(app.state.metrics_registry))  # outermost
    for router in (issues.router, actions.router, system.router, reports_router):
        app.include_router(router)
    return app
