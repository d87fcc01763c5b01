"""The codec endpoint over real HTTP: decodes for an ops token (header or login cookie), refuses otherwise."""

from __future__ import annotations

import httpx
import pytest
from google.protobuf import json_format
from temporalio.api.common.v1 import Payload, Payloads
from temporalio.contrib.pydantic import pydantic_data_converter

from api.tokens import add_token
from codec.aes import AesGcmCodec
from codec.auth import COOKIE
from codec.keys import CodecKeyError
from codec.server import create_app
from config.settings import Settings
from tests.codec.conftest import Tokens, keyring
from tests.conftest import make_issue

ISSUE = make_issue("CODEC-HTTP")
UI = "http://localhost:8080"


def body(payloads: list[Payload]) -> str:
    return json_format.MessageToJson(Payloads(payloads=payloads))


def payloads_of(response: httpx.Response) -> list[Payload]:
    return list(json_format.Parse(response.text, Payloads()).payloads)


async def sealed(ring) -> list[Payload]:
    return await AesGcmCodec(ring).encode(pydantic_data_converter.payload_converter.to_payloads([ISSUE]))


async def test_decode_with_an_ops_token_gives_the_plaintext(codec_url, codec_tokens, server_ring):
    async with httpx.AsyncClient(base_url=codec_url) as http:
        response = await http.post("/decode", content=body(await sealed(server_ring)),
                                   headers={**Tokens.bearer(codec_tokens.ops), "X-Namespace": "default"})
    assert response.status_code == 200, response.text
    [payload] = payloads_of(response)
    assert pydantic_data_converter.payload_converter.from_payload(payload, type(ISSUE)) == ISSUE


async def test_old_key_id_still_decodes_through_the_endpoint(codec_url, codec_tokens, server_ring):
    old_only = type(server_ring)(active="2025-old", keys={"2025-old": server_ring.keys["2025-old"]})
    async with httpx.AsyncClient(base_url=codec_url) as http:
        response = await http.post("/decode", content=body(await sealed(old_only)),
                                   headers=Tokens.bearer(codec_tokens.ops))
    assert response.status_code == 200 and ISSUE.customer.name.encode() in payloads_of(response)[0].data


@pytest.mark.parametrize(("headers", "status"), [
    ({}, 401),
    ({"Authorization": "Bearer esc_not-a-real-token"}, 401),
    ({"Authorization": "Basic b2xnYTpzZWNyZXQ="}, 401),
    ("agent", 403),
])
async def test_refused_without_an_ops_token(codec_url, codec_tokens, server_ring, headers, status):
    headers = Tokens.bearer(codec_tokens.agent) if headers == "agent" else headers
    async with httpx.AsyncClient(base_url=codec_url) as http:
        for path in ("/decode", "/encode"):
            response = await http.post(path, content=body(await sealed(server_ring)), headers=headers)
            assert response.status_code == status, path
            assert ISSUE.customer.name not in response.text
            if status == 401:
                assert response.headers["www-authenticate"] == "Bearer"


async def test_encode_then_decode_round_trip(codec_url, codec_tokens):
    plain = pydantic_data_converter.payload_converter.to_payloads([{"signal": "from the UI"}])
    async with httpx.AsyncClient(base_url=codec_url, headers=Tokens.bearer(codec_tokens.ops)) as http:
        encoded = payloads_of(await http.post("/encode", content=body(plain)))
        assert encoded[0].metadata["encryption-key-id"] == b"2026-new" and b"from the UI" not in encoded[0].data
        assert payloads_of(await http.post("/decode", content=body(encoded))) == plain


async def test_browser_login_sets_a_strict_httponly_cookie_that_decodes(codec_url, codec_tokens, server_ring):
    async with httpx.AsyncClient(base_url=codec_url) as http:
        refused = await http.post("/login", data={"token": codec_tokens.agent})
        assert refused.status_code == 403 and COOKIE not in refused.headers.get("set-cookie", "")
        response = await http.post("/login", data={"token": codec_tokens.ops})
        assert response.status_code == 200
        cookie = response.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=strict" in cookie
        decoded = await http.post("/decode", content=body(await sealed(server_ring)), headers={"Origin": UI})
        assert decoded.status_code == 200 and decoded.headers["access-control-allow-origin"] == UI
        assert decoded.headers["access-control-allow-credentials"] == "true"
        await http.post("/logout")
        assert (await http.post("/decode", content=body([]))).status_code == 401


async def test_cors_allows_the_ui_origin_only(codec_url):
    preflight = {"Access-Control-Request-Method": "POST",
                 "Access-Control-Request-Headers": "authorization,content-type,x-namespace"}
    async with httpx.AsyncClient(base_url=codec_url) as http:
        ok = await http.options("/decode", headers={"Origin": UI, **preflight})
        other = await http.options("/decode", headers={"Origin": "http://evil.example", **preflight})
    assert ok.status_code == 200 and ok.headers["access-control-allow-origin"] == UI
    assert "access-control-allow-origin" not in other.headers


async def test_bad_bodies_and_unknown_keys_are_clear_errors(codec_url, codec_tokens):
    async with httpx.AsyncClient(base_url=codec_url, headers=Tokens.bearer(codec_tokens.ops)) as http:
        bad = await http.post("/decode", content='{"payloads": "nope"}')
        assert bad.status_code == 400 and "payloads" in bad.json()["detail"]
        foreign = await http.post("/decode", content=body(await sealed(keyring("elsewhere"))))
        assert foreign.status_code == 422 and "'elsewhere'" in foreign.json()["detail"]


async def test_a_token_added_later_works_without_restart(codec_url, codec_tokens, server_ring):
    token = add_token(codec_tokens.path, "oscar", "ops")
    async with httpx.AsyncClient(base_url=codec_url) as http:
        response = await http.post("/decode", content=body(await sealed(server_ring)), headers=Tokens.bearer(token))
    assert response.status_code == 200


def test_the_codec_server_needs_keys(tmp_path):
    with pytest.raises(CodecKeyError, match="no codec keys configured"):
        create_app(Settings(token_file=tmp_path / "tokens.yaml"))
