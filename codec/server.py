"""`python -m codec.server`: Temporal's codec server protocol, so authorized ops can read encrypted payloads.

    POST /decode, POST /encode   {"payloads": [{"metadata": {...}, "data": "<base64>"}]} in and out
    GET  /login, POST /login     a form that sets an HttpOnly cookie, for the Temporal UI in a browser
    POST /logout
    GET  /healthz

Point the Temporal UI at it (TEMPORAL_CODEC_ENDPOINT, TEMPORAL_CODEC_INCLUDE_CREDENTIALS=true) or the CLI
(`temporal workflow show --codec-endpoint URL --codec-auth "Bearer TOKEN"`). Only `ops` tokens are accepted.
"""

from __future__ import annotations

import html
import sys
from collections.abc import Awaitable, Callable, Sequence
from urllib.parse import parse_qs

import structlog
import uvicorn
from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import HTMLResponse, JSONResponse, Response
from google.protobuf import json_format
from temporalio.api.common.v1 import Payload, Payloads

from codec.aes import AesGcmCodec, PayloadDecryptionError
from codec.auth import COOKIE, OpsTokens, presented_token
from codec.keys import CodecKeyError, keyring_from_settings
from config.logging import configure_logging
from config.settings import Settings, get_settings

log = structlog.get_logger("codec")

MAX_BODY_BYTES = 8 * 1024 * 1024
COOKIE_MAX_AGE = 8 * 3600

Transform = Callable[[Sequence[Payload]], Awaitable[list[Payload]]]


def _problem(status: int, detail: str) -> JSONResponse:
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse({"detail": detail}, status_code=status, headers=headers)


def _login_page(message: str = "", status: int = 200) -> HTMLResponse:
    note = f'<p role="alert">{html.escape(message)}</p>' if message else ""
    return HTMLResponse(status_code=status, content=f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Codec login</title></head>
<body><h1>Decode payloads in the Temporal UI</h1>{note}
<form method="post" action="login"><label>Ops token <input type="password" name="token" autocomplete="off"></label>
<button type="submit">Log in</button></form></body></html>""")


def create_app(settings: Settings) -> FastAPI:
    keyring = keyring_from_settings(settings)
    if keyring is None:
        raise CodecKeyError("no codec keys configured: set ESCALATION_CODEC_KEY_FILE or ESCALATION_CODEC_KEYS")
    codec = AesGcmCodec(keyring)
    tokens = OpsTokens(settings.token_path)
    app = FastAPI(title="Escalation engine codec server", docs_url=None, redoc_url=None, openapi_url=None)
    app.add_middleware(CORSMiddleware, allow_origins=settings.codec_cors_origins, allow_credentials=True,
                       allow_methods=["POST"], allow_headers=["Authorization", "Content-Type", "X-Namespace"])

    async def run(request: Request, operation: str, transform: Transform) -> Response:
        verdict = tokens.check(presented_token(request.headers.get("authorization"), request.cookies.get(COOKIE)))
        if verdict.status != 200:
            log.warning("codec request refused", operation=operation, status=verdict.status,
                        token_file_problem=tokens.problem)
            return _problem(verdict.status, verdict.detail)
        body = await request.body()
        if len(body) > MAX_BODY_BYTES:
            return _problem(413, f"body larger than {MAX_BODY_BYTES} bytes")
        try:
            payloads = json_format.Parse(body or b"{}", Payloads())
        except json_format.ParseError as exc:
            return _problem(400, f'expected {{"payloads": [...]}} in protobuf JSON: {exc}')
        try:
            result = await transform(payloads.payloads)
        except PayloadDecryptionError as exc:
            return _problem(422, str(exc))
        log.info("codec request", operation=operation, caller=verdict.name, payloads=len(result),
                 namespace=request.headers.get("x-namespace"))
        return Response(json_format.MessageToJson(Payloads(payloads=result)), media_type="application/json")

    @app.post("/decode")
    async def decode(request: Request) -> Response:
        return await run(request, "decode", codec.decode)

    @app.post("/encode")
    async def encode(request: Request) -> Response:
        return await run(request, "encode", codec.encode)

    @app.get("/login")
    async def login_form() -> HTMLResponse:
        return _login_page()

    @app.post("/login")
    async def login(request: Request) -> HTMLResponse:
        token = parse_qs((await request.body()).decode(errors="replace")).get("token", [""])[0].strip()
        verdict = tokens.check(token)
        if verdict.status != 200:
            return _login_page(verdict.detail, verdict.status)
        log.info("codec login", caller=verdict.name)
        page = HTMLResponse("<!doctype html><p>Logged in. The Temporal UI can now decode payloads; "
                            "close this tab.</p>")
        page.set_cookie(COOKIE, token, max_age=COOKIE_MAX_AGE, httponly=True, samesite="strict",
                        secure=request.url.scheme == "https")
        return page

    @app.post("/logout")
    async def logout() -> Response:
        response = Response(status_code=204)
        response.delete_cookie(COOKIE, httponly=True, samesite="strict")
        return response

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app


def main() -> int:
    configure_logging()
    settings = get_settings()
    try:
        app = create_app(settings)
    except CodecKeyError as exc:
        print(f"cannot start the codec server: {exc}", file=sys.stderr)
        return 2
    uvicorn.run(app, host=settings.codec_host, port=settings.codec_port, access_log=False, server_header=False,
                timeout_graceful_shutdown=10, log_level="info")
    return 0


if __name__ == "__main__":
    sys.exit(main())
