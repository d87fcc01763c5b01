"""The error contract: every error is JSON `{error, detail, request_id}`; 422 lists each field and the reason."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from starter.client import ActionRejected, IssueConflict, IssueNotFound


class FieldError(BaseModel):
    field: str  # dotted path inside its location, e.g. `customer.tier`
    location: str  # body, query, path or header
    reason: str
    type: str


class ErrorBody(BaseModel):
    error: str  # machine-readable code
    detail: str | list[FieldError]
    request_id: str | None = None


class ApiError(Exception):
    def __init__(self, status: int, error: str, detail: str | list[FieldError],
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(detail)
        self.status, self.error, self.detail, self.headers = status, error, detail, headers


def invalid_field(field: str, location: str, reason: str, kind: str = "invalid") -> ApiError:
    """A 422 for one field that FastAPI's own validation cannot judge."""
    return ApiError(422, "invalid_request", [FieldError(field=field, location=location, reason=reason, type=kind)])


def request_id_of(request: Request) -> str | None:
    return request.scope.get("request_id")


def error_response(status: int, error: str, detail: str | list[FieldError], request_id: str | None,
                   headers: dict[str, str] | None = None) -> JSONResponse:
    body = ErrorBody(error=error, detail=detail, request_id=request_id)
    return JSONResponse(body.model_dump(mode="json"), status_code=status, headers=headers)


def field_errors(errors: list[dict[str, Any]]) -> list[FieldError]:
    out = []
    for err in errors:
        loc = [str(part) for part in err.get("loc", ())]
        location = loc[0] if loc else "body"
        field = ".".join(loc[1:]) or location
        reason = err.get("msg", "invalid")
        if err.get("type") == "json_invalid":
            reason = f"the body is not valid JSON: {err.get('ctx', {}).get('error', 'decode error')}"
            field = "body"
        out.append(FieldError(field=field, location=location, reason=reason, type=err.get("type", "invalid")))
    return out


#: How each error of the client library reads over HTTP.
def _translate(exc: Exception) -> ApiError:
    if isinstance(exc, IssueNotFound):
        return ApiError(404, "not_found", str(exc))
    if isinstance(exc, IssueConflict):
        return ApiError(409, "conflict", str(exc))
    if isinstance(exc, ActionRejected):
        return ApiError(409, "action_rejected", exc.reason)
    raise TypeError(exc)  # pragma: no cover - only registered types arrive here


def install_error_handlers(app: FastAPI, authorize: Callable[[Request], None]) -> None:
    """`authorize` raises ApiError (401/403) if the caller may not use the request's route."""

    async def on_api_error(request: Request, exc: ApiError) -> JSONResponse:
        return error_response(exc.status, exc.error, exc.detail, request_id_of(request), exc.headers)

    async def on_client_error(request: Request, exc: Exception) -> JSONResponse:
        return await on_api_error(request, _translate(exc))

    async def on_invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        # Who may call comes before what was sent: an unauthorised caller learns nothing from validation.
        try:
            authorize(request)
        except ApiError as denied:
            return await on_api_error(request, denied)
        return error_response(422, "invalid_request", field_errors(list(exc.errors())), request_id_of(request))

    async def on_http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 400:  # FastAPI could not read the body (e.g. not UTF-8): an invalid body, 422
            unreadable = {"loc": ("body",), "msg": f"the body could not be read: {exc.detail}",
                          "type": "body_unreadable"}
            return await on_invalid_request(request, RequestValidationError([unreadable]))
        codes = {404: "no_such_path", 405: "method_not_allowed"}
        return error_response(exc.status_code, codes.get(exc.status_code, "http_error"), str(exc.detail),
                              request_id_of(request), getattr(exc, "headers", None))

    app.add_exception_handler(ApiError, on_api_error)
    for cls in (IssueNotFound, IssueConflict, ActionRejected):
        app.add_exception_handler(cls, on_client_error)
    app.add_exception_handler(RequestValidationError, on_invalid_request)
    app.add_exception_handler(StarletteHTTPException, on_http_error)


def responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for the error statuses a route can answer."""
    meaning = {
        401: "no or unknown bearer token", 403: "the token's role may not do this", 404: "unknown issue",
        409: "not valid in the issue's current state, or a different issue with this id exists",
        413: "request body too large", 422: "invalid request: each field and the reason",
        502: "Temporal or the workflow answered with an unexpected error", 503: "Temporal is unreachable",
        504: "Temporal or the worker did not answer in time",
    }
    return {status: {"model": ErrorBody, "description": meaning[status]} for status in statuses}
