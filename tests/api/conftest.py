"""The real app over real HTTP: uvicorn in-process on a free loopback port, httpx as the caller."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from api import create_app
from api.tokens import add_token
from config.settings import Settings
from domain.issue import Issue
from starter.client import IssueClient

#: One token per role, plus a second agent; the names are the actors on the timeline.
TOKEN_NAMES = {"service": "helpdesk", "agent": "ann", "ops": "olga", "agent2": "ben"}


@dataclass(frozen=True)
class Tokens:
    path: Path
    by_role: dict[str, str]  # role (or "agent2") -> plaintext token

    def header(self, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.by_role[role]}"}


@pytest.fixture(scope="session")
def tokens(tmp_path_factory) -> Tokens:
    path = tmp_path_factory.mktemp("api") / "tokens.yaml"
    by_role = {key: add_token(path, name, key.rstrip("2")) for key, name in TOKEN_NAMES.items()}
    return Tokens(path, by_role)


def api_settings(tokens: Tokens, **overrides) -> Settings:
    return Settings(token_file=tokens.path, **overrides)


@asynccontextmanager
async def serve(app: FastAPI) -> AsyncIterator[str]:
    """Serve `app` on this event loop (beside the worker) on a free loopback port; answer its base URL."""
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, lifespan="on", access_log=False,
                                           log_level="warning"))
    task = asyncio.create_task(server.serve())
    try:
        deadline = asyncio.get_running_loop().time() + 10
        while not server.started:  # uvicorn offers no event for this; bounded poll
            if task.done() or asyncio.get_running_loop().time() > deadline:
                raise RuntimeError(f"uvicorn did not start: {task.exception() if task.done() else 'timeout'}")
            await asyncio.sleep(0.01)
        port = server.servers[0].sockets[0].getsockname()[1]
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


class Api:
    """httpx against the running app, with a bearer token per role."""

    def __init__(self, http: httpx.AsyncClient, tokens: Tokens, issues: IssueClient | None) -> None:
        self.http, self.tokens, self.issues = http, tokens, issues

    async def request(self, method: str, path: str, role: str | None = None, **kwargs) -> httpx.Response:
        headers = {**(self.tokens.header(role) if role else {}), **kwargs.pop("headers", {})}
        return await self.http.request(method, path, headers=headers, **kwargs)

    async def get(self, path: str, role: str | None = "agent", **kwargs) -> httpx.Response:
        return await self.request("GET", path, role, **kwargs)

    async def post(self, path: str, role: str | None = "agent", **kwargs) -> httpx.Response:
        return await self.request("POST", path, role, **kwargs)

    async def open(self, issue: Issue, role: str = "service", **kwargs) -> httpx.Response:
        return await self.post("/issues", role, json=issue.model_dump(mode="json"), **kwargs)

    async def act(self, issue_id: str, action: str, body: dict | None = None, role: str = "agent",
                  **kwargs) -> httpx.Response:
        return await self.post(f"/issues/{issue_id}/{action}", role, json=body, **kwargs)

    async def timeline(self, issue_id: str) -> list[dict]:
        response = await self.get(f"/issues/{issue_id}/timeline")
        assert response.status_code == 200, response.text
        return response.json()["entries"]


@asynccontextmanager
async def running_api(settings: Settings, tokens: Tokens, issues: IssueClient | None) -> AsyncIterator[Api]:
    async with serve(create_app(settings, issues)) as url, httpx.AsyncClient(base_url=url, timeout=30) as http:
        yield Api(http, tokens, issues)


@pytest.fixture
async def api(ts, tokens) -> AsyncIterator[Api]:
    """On the time-skipping server (no search attributes there: no listing)."""
    async with running_api(api_settings(tokens), tokens, ts.issues) as client:
        yield client


@pytest.fixture
async def dev_api(dev, tokens) -> AsyncIterator[Api]:
    """On the dev server, with search attributes: listing and filtering work."""
    async with running_api(api_settings(tokens), tokens, dev.issues) as client:
        yield client
