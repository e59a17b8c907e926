"""RFC 9457 problem+json errors: raise a Problem anywhere, the handlers shape the response."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from sinergi_shared import messages
from sinergi_shared.db import database_unavailable
from sinergi_shared.language import Text, current_language
from sinergi_shared.logging import trace_id

log = logging.getLogger(__name__)

PROBLEM_MEDIA_TYPE = "application/problem+json"
_TYPE_BASE = "https://sinergi.example/problems/"


class Problem(Exception):
    """An error the client can act on; `detail` and error messages come rendered from a catalogue `Text`."""

    status: int = 400
    title: Text = messages.BAD_REQUEST
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
            "title": self.title(),
            "status": self.status,
            "detail": self.detail,
        }
        if self.errors is not None:
            body["errors"] = self.errors
        body.update(self.extra)
        return body


class Unauthorized(Problem):
    status, title, slug = 401, messages.UNAUTHORIZED, "unauthorized"


class Forbidden(Problem):
    status, title, slug = 403, messages.FORBIDDEN, "forbidden"


class NotFound(Problem):
    status, title, slug = 404, messages.NOT_FOUND, "not-found"


class Conflict(Problem):
    status, title, slug = 409, messages.CONFLICT, "conflict"


class PreconditionFailed(Problem):
    status, title, slug = 412, messages.PRECONDITION_FAILED, "precondition-failed"


class PayloadTooLarge(Problem):
    status, title, slug = 413, messages.PAYLOAD_TOO_LARGE, "payload-too-large"


class Unprocessable(Problem):
    status, title, slug = 422, messages.VALIDATION_FAILED, "validation-failed"


class PreconditionRequired(Problem):
    status, title, slug = 428, messages.PRECONDITION_REQUIRED, "precondition-required"


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


_STATUS_TITLES: dict[int, tuple[Text, str]] = {
    400: (messages.BAD_REQUEST, "bad-request"),
    401: (messages.UNAUTHORIZED, "unauthorized"),
    403: (messages.FORBIDDEN, "forbidden"),
    404: (messages.NOT_FOUND, "not-found"),
    405: (messages.METHOD_NOT_ALLOWED, "method-not-allowed"),
    409: (messages.CONFLICT, "conflict"),
    413: (messages.PAYLOAD_TOO_LARGE, "payload-too-large"),
    415: (messages.UNSUPPORTED_MEDIA_TYPE, "unsupported-media-type"),
    429: (messages.TOO_MANY_REQUESTS, "too-many-requests"),
}
# Starlette's own details for a path or method no route serves, in the request's language.
_FRAMEWORK_DETAILS = {"Not Found": messages.ROUTE_NOT_FOUND, "Method Not Allowed": messages.METHOD_NOT_ALLOWED_DETAIL}


def field_message(error: Any) -> str:
    """A pydantic error's message in the request's language: our own validators' text, or the catalogue's."""
    kind = str(error.get("type", ""))
    context = error.get("ctx") or {}
    if kind in ("value_error", "assertion_error") and "error" in context:
        return str(context["error"])
    text = messages.FIELD_ERRORS.get(kind)
    if text is None or current_language.get() == "en":
        return str(error.get("msg", "invalid"))
    try:
        return text(**{k: _listed(v) for k, v in context.items()})
    except (KeyError, IndexError):
        return str(error.get("msg", "invalid"))


def _listed(value: Any) -> str:
    """A pydantic context value as a clerk reads it: "'PNS' or 'PPPK'" becomes "PNS atau PPPK"."""
    return str(value).replace("'", "").replace(" or ", " atau ")


# The methods a 405's Allow header may name; each is tried against the app's routes.
_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def allowed_methods(request: Request) -> str:
    """Every method some route serves at the request's path (Starlette's 405 names only the first route's)."""
    scope = request.scope
    served = []
    for method in _METHODS:
        probe = {"type": "http", "path": scope["path"], "root_path": scope.get("root_path", ""), "method": method}
        if any(route.matches(dict(probe))[0] is Match.FULL for route in request.app.router.routes):
            served.append(method)
    return ", ".join(served)


def install_problem_handlers(app: FastAPI) -> None:
    """Every error leaves the service as problem+json, never as a stack trace."""

    @app.exception_handler(Problem)
    async def _problem(_: Request, exc: Problem) -> JSONResponse:
        return problem_response(exc)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [{"field": _field_name(e.get("loc", ())), "message": field_message(e)} for e in exc.errors()]
        detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors[:5])
        return problem_response(Unprocessable(detail or messages.REQUEST_INVALID(), errors=errors))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        title, slug = _STATUS_TITLES.get(exc.status_code, (messages.ERROR, "error"))
        framework_detail = _FRAMEWORK_DETAILS.get(str(exc.detail))
        detail = framework_detail() if framework_detail is not None else str(exc.detail)
        problem = Problem(detail, headers=dict(exc.headers or {}))
        if exc.status_code == 405:
            problem.headers = {**(problem.headers or {}), "Allow": allowed_methods(request)}
        problem.status, problem.title, problem.slug = exc.status_code, title, slug
        return problem_response(problem)

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        if database_unavailable(exc):
            log.warning("database unavailable", exc_info=exc)
            problem = Problem(messages.DATABASE_UNAVAILABLE())
            problem.status, problem.title, problem.slug = 503, messages.SERVICE_UNAVAILABLE, "unavailable"
            problem.headers = {"Retry-After": "2"}
            return problem_response(problem)
        log.exception("unhandled error")
        problem = Problem(messages.INTERNAL_ERROR_DETAIL())
        problem.status, problem.title, problem.slug = 500, messages.INTERNAL_ERROR, "internal"
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
        428: "A required header is missing (If-Match, or Idempotency-Key where money moves)",
        429: "Too many requests",
    }
    return {
        s: {
            "description": titles.get(s, "Error"),
            "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
        for s in statuses
    }
