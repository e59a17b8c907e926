"""RFC 9457 problem+json errors: raise a Problem anywhere, the handlers shape the response."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from sinergi_shared.db import database_unavailable
from sinergi_shared.logging import trace_id

log = logging.getLogger(__name__)

PROBLEM_MEDIA_TYPE = "application/problem+json"
_TYPE_BASE = "https://sinergi.example/problems/"


class Problem(Exception):
    """An error the client can act on."""

    status: int = 400
    title: str = "Bad request"
    slug: str = "bad-request"

    def __init__(
        self,
        detail: str,
        *,
        errors: list[dict[str, str]] | None = None,
        headers: dict[str, str] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors
        self.headers = headers
        self.extra = extra or {}

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "type": _TYPE_BASE + self.slug,
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
        }
        if self.errors is not None:
            body["errors"] = self.errors
        body.update(self.extra)
        return body


class Unauthorized(Problem):
    status, title, slug = 401, "Unauthorized", "unauthorized"


class Forbidden(Problem):
    status, title, slug = 403, "Forbidden", "forbidden"


class NotFound(Problem):
    status, title, slug = 404, "Not found", "not-found"


class Conflict(Problem):
    status, title, slug = 409, "Conflict", "conflict"


class PreconditionFailed(Problem):
    status, title, slug = 412, "Precondition failed", "precondition-failed"


class PayloadTooLarge(Problem):
    status, title, slug = 413, "Payload too large", "payload-too-large"


class Unprocessable(Problem):
    status, title, slug = 422, "Validation failed", "validation-failed"


class PreconditionRequired(Problem):
    status, title, slug = 428, "Precondition required", "precondition-required"


def invalid(field: str, message: str, *, code: str | None = None) -> Unprocessable:
    """A 422 naming one field, and the rule's machine code when it has one."""
    error = {"field": field, "message": message} if code is None else {"field": field, "code": code, "message": message}
    return Unprocessable(f"{field}: {message}", errors=[error])


def problem_response(problem: Problem) -> JSONResponse:
    headers = dict(problem.headers or {})
    if problem.status == 401:
        headers.setdefault("WWW-Authenticate", 'Bearer realm="sinergi"')
    body = problem.body()
    tid = trace_id()
    if tid:
        body.setdefault("trace_id", tid)
    return JSONResponse(body, status_code=problem.status, headers=headers, media_type=PROBLEM_MEDIA_TYPE)


def _field_name(loc: tuple[Any, ...] | list[Any]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("body", "query", "path", "header"):
        parts = parts[1:]
    return ".".join(parts) or "body"


_STATUS_TITLES = {
    400: ("Bad request", "bad-request"),
    401: ("Unauthorized", "unauthorized"),
    403: ("Forbidden", "forbidden"),
    404: ("Not found", "not-found"),
    405: ("Method not allowed", "method-not-allowed"),
    409: ("Conflict", "conflict"),
    413: ("Payload too large", "payload-too-large"),
    415: ("Unsupported media type", "unsupported-media-type"),
}


def install_problem_handlers(app: FastAPI) -> None:
    """Every error leaves the service as problem+json, never as a stack trace."""

    @app.exception_handler(Problem)
    async def _problem(_: Request, exc: Problem) -> JSONResponse:
        return problem_response(exc)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"field": _field_name(e.get("loc", ())), "message": str(e.get("msg", "invalid"))} for e in exc.errors()
        ]
        detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors[:5])
        return problem_response(Unprocessable(detail or "the request is invalid", errors=errors))

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        title, slug = _STATUS_TITLES.get(exc.status_code, ("Error", "error"))
        problem = Problem(str(exc.detail), headers=dict(exc.headers or {}))
        problem.status, problem.title, problem.slug = exc.status_code, title, slug
        return problem_response(problem)

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        if database_unavailable(exc):
            log.warning("database unavailable", exc_info=exc)
            problem = Problem("The database is briefly unavailable; retry the request shortly.")
            problem.status, problem.title, problem.slug = 503, "Service unavailable", "unavailable"
            problem.headers = {"Retry-After": "2"}
            return problem_response(problem)
        log.exception("unhandled error")
        problem = Problem("The service failed to handle this request; it has been logged.")
        problem.status, problem.title, problem.slug = 500, "Internal server error", "internal"
        return problem_response(problem)


# OpenAPI description of the error responses, for route decorators.
def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    titles = {
        400: "Bad request",
        401: "Missing or invalid token",
        403: "Token not allowed to do this",
        404: "Not found",
        409: "Conflict",
        412: "Stale If-Match",
        413: "Payload too large",
        422: "Validation failed",
        428: "If-Match required",
    }
    return {
        s: {
            "description": titles.get(s, "Error"),
            "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
        for s in statuses
    }
