"""Liveness, readiness and Prometheus metrics (no token needed)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from api.deps import Gateway
from api.errors import ApiError, responses
from api.schemas import Health

router = APIRouter(tags=["system"])


@router.get("/healthz", response_model=Health, summary="Liveness")
async def healthz() -> Health:
    """The API process answers. Says nothing about Temporal (see /readyz)."""
    return Health(status="ok")


@router.get("/readyz", response_model=Health, summary="Readiness", responses=responses(503))
async def readyz(gateway: Gateway) -> Health:
    """Temporal answers a health check within a second."""
    if not await gateway.ready():
        raise ApiError(503, "temporal_unavailable", "Temporal does not answer", headers={"Retry-After": "5"})
    return Health(status="ready")


@router.get("/metrics", summary="Prometheus metrics", response_class=Response,
            responses={200: {"content": {"text/plain": {"schema": {"type": "string"}}}}})
async def metrics(request: Request) -> Response:
    return Response(generate_latest(request.app.state.metrics_registry), media_type=CONTENT_TYPE_LATEST)
