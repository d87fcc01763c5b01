"""Key rings, an ops token file, and the codec server over real HTTP on a free loopback port."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn
from fastapi import FastAPI
from pydantic import SecretStr

from api.tokens import add_token
from codec.keys import KeyRing, encode_key, new_key
from codec.server import create_app
from config.settings import Settings


def keyring(*key_ids: str, active: str | None = None) -> KeyRing:
    return KeyRing(active=active or key_ids[-1], keys={key_id: new_key() for key_id in key_ids})


def codec_settings(ring: KeyRing, **overrides) -> Settings:
    """Settings with `ring` as ESCALATION_CODEC_KEYS / ESCALATION_CODEC_ACTIVE_KEY would give it."""
    return Settings(codec_keys={k: SecretStr(encode_key(v)) for k, v in ring.keys.items()},
                    codec_active_key=ring.active, **overrides)


@dataclass(frozen=True)
class Tokens:
    path: Path
    ops: str
    agent: str

    @staticmethod
    def bearer(token: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {token}"}


@pytest.fixture(scope="session")
def codec_tokens(tmp_path_factory) -> Tokens:
    path = tmp_path_factory.mktemp("codec") / "tokens.yaml"
    return Tokens(path, ops=add_token(path, "olga", "ops"), agent=add_token(path, "ann", "agent"))


@asynccontextmanager
async def serve(app: FastAPI) -> AsyncIterator[str]:
    """Serve `app` with uvicorn on this event loop; answer its base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, access_log=False, log_level="warning"))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 10
        while not server.started:  # uvicorn has no event for this: bounded poll
            if task.done() or loop.time() > deadline:
                raise RuntimeError("codec server did not start")
            await asyncio.sleep(0.01)
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 10)
        sock.close()


@pytest.fixture(scope="session")
def server_ring() -> KeyRing:
    return keyring("2025-old", "2026-new")


@pytest.fixture(scope="session")
async def codec_url(server_ring, codec_tokens) -> AsyncIterator[str]:
    app = create_app(codec_settings(server_ring, token_file=codec_tokens.path,
                                    codec_cors_origins=["http://localhost:8080"]))
    async with serve(app) as url:
        yield url
