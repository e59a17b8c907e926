"""HTTP conventions shared by the APIs: the request's unit of work, pagination, ETags, idempotency keys."""

from __future__ import annotations

import base64
import functools
import hashlib
import inspect
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime
from typing import Annotated, Any, get_type_hints, overload
from uuid import UUID

from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from pydantic import BaseModel
from sqlalchemy import Row, Select, select, tuple_, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from sinergi_shared import messages
from sinergi_shared.db import idempotency_keys, transaction
from sinergi_shared.language import Text
from sinergi_shared.problems import Conflict, PreconditionFailed, PreconditionRequired, invalid, problem_responses

Limit = Annotated[int, Query(ge=1, le=500, description="Page size (default 50, max 500)")]
Cursor = Annotated[str | None, Query(max_length=512, description="Opaque cursor from next_cursor")]
IfMatch = Annotated[str | None, Header(alias="If-Match")]
IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key", max_length=200)]
# Left optional to FastAPI so that its absence is our 428, not a 422.
KeyRequired = Annotated[
    str | None, Header(alias="Idempotency-Key", max_length=200, description="Required: without it the answer is 428.")
]


class Paging(BaseModel):
    """Which page of a list: its size and where the previous one ended (the base of a list's filters)."""

    limit: Limit = 50
    cursor: Cursor = None


class ModelResponse(JSONResponse):
    """A JSON response that renders a pydantic model itself, without building the dict first."""

    def render(self, content: Any) -> bytes:
        if isinstance(content, BaseModel):
            return content.model_dump_json().encode()
        return super().render(content)


def encode_cursor(*values: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps([str(v) for v in values]).encode()).decode().rstrip("=")


def decode_cursor(cursor: str, parts: int) -> list[str]:
    """The values inside a cursor; 422 for one this API did not issue."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, UnicodeDecodeError) as exc:
        raise invalid("cursor", messages.CURSOR_INVALID()) from exc
    if not isinstance(values, list) or len(values) != parts or not all(isinstance(v, str) for v in values):
        raise invalid("cursor", messages.CURSOR_INVALID())
    return values


def filtered(stmt: Select[Any], *conditions: tuple[Any, Any]) -> Select[Any]:
    """The statement narrowed by each (column, value) whose value was given (not None): a list's filters."""
    for column, value in conditions:
        if value is not None:
            stmt = stmt.where(column == value)
    return stmt


async def keyset_page(session: AsyncSession, stmt: Select[Any], *, limit: int, cursor: str | None) -> dict[str, Any]:
    """One page of the statement's rows (one entity with created_at and id) in that order, after cursor."""
    entity = stmt.column_descriptions[0]["entity"]
    if cursor:
        created, last_id = decode_cursor(cursor, 2)
        try:
            after = (datetime.fromisoformat(created), UUID(last_id))
        except ValueError as exc:
            raise invalid("cursor", messages.CURSOR_INVALID()) from exc
        stmt = stmt.where(tuple_(entity.created_at, entity.id) > after)
    rows = list(await session.scalars(stmt.order_by(entity.created_at, entity.id).limit(limit + 1)))
    return page(rows, limit, lambda row: encode_cursor(row.created_at.isoformat(), row.id))


def page(items: list[Any], limit: int, cursor_of: Callable[[Any], str]) -> dict[str, Any]:
    """Shape a page from up to limit+1 fetched items."""
    has_more = len(items) > limit
    items = items[:limit]
    return {"items": items, "next_cursor": cursor_of(items[-1]) if has_more and items else None}


def etag(version: int) -> str:
    return f'"{version}"'


def check_if_match(if_match: str | None, version: int) -> None:
    """412 when the client's ETag is stale; 428 when it sent none."""
    if if_match is None:
        raise PreconditionRequired(messages.IF_MATCH_REQUIRED())
    candidates = {v.strip().removeprefix("W/") for v in if_match.split(",")}
    if "*" not in candidates and etag(version) not in candidates:
        raise PreconditionFailed(messages.STALE_ETAG(etag=etag(version)))


def fingerprint(method: str, path: str, body: Any) -> str:
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(f"{method} {path} {canonical}".encode()).hexdigest()


async def _unit_of_work(request: Request) -> AsyncIterator[AsyncSession]:
    """The request's unit of work: begun before the route runs, committed once when it returns."""
    async with transaction(request.app.state.sessions) as session:
        yield session


# Scope "function": the commit happens before the response is sent, so a 2xx always means committed.
Session = Annotated[AsyncSession, Depends(_unit_of_work, scope="function")]

Route = Callable[..., Awaitable[JSONResponse]]


class DocumentedRoute(APIRoute):
    """A protected route documented from itself: its docstring's first line is its summary, and the problems
    it may answer follow from what it takes (a token, a body, an id in the path, If-Match) and what it adds."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        summary, _, description = (inspect.getdoc(endpoint) or "").partition("\n")
        kwargs["summary"] = kwargs.get("summary") or summary or None
        # FastAPI keeps a description up to a form feed and, including the router, falls back to the docstring
        # when it finds it empty: so it keeps the form feed.
        kwargs["description"] = kwargs.get("description") or description.strip() + "\f"
        super().__init__(path, endpoint, **kwargs)
        self.description = kwargs["description"]
        statuses = [401, 403, 422]
        if self.body_field is not None:
            statuses += [400, 413]
        if self.dependant.path_params:
            statuses.append(404)
        if any(p.alias == "If-Match" for p in self.dependant.header_params):
            statuses.append(412)
        self.responses = {**problem_responses(*statuses), **self.responses}


def api_router(tag: str, **kwargs: Any) -> APIRouter:
    """A router of protected, self-documenting routes (DocumentedRoute) under one OpenAPI tag."""
    return APIRouter(tags=[tag], route_class=DocumentedRoute, **kwargs)


def resource(model: Any, status: int = 200, *, location: str | None = None) -> JSONResponse:
    """A versioned resource as the API answers it: its JSON, its ETag, and where a new one lives."""
    headers = {"ETag": etag(model.version)}
    if location:
        headers["Location"] = location
    return ModelResponse(model, status_code=status, headers=headers)


@overload
def idempotent(route: Route) -> Route: ...
@overload
def idempotent(*, required: Text) -> Callable[[Route], Route]: ...
def idempotent(route: Route | None = None, *, required: Text | None = None) -> Route | Callable[[Route], Route]:
    """A creating route run once per Idempotency-Key: a retry of the same request replays the first response.

    The route takes `session: Session` and `principal: Principal` and returns a JSONResponse. The key is
    claimed first in the request's unit of work, so a concurrent retry waits on it, then replays.
    `@idempotent(required=text)`: without the key the route does not run (428, `text` as the detail).
    """
    if route is None:
        return functools.partial(_once_per_key, required=required)
    return _once_per_key(route, required=None)


def _once_per_key(route: Route, *, required: Text | None) -> Route:
    hints = get_type_hints(route, include_extras=True)
    own = inspect.signature(route).parameters
    parameters = [p.replace(kind=_KEYWORD, annotation=hints.get(name, p.annotation)) for name, p in own.items()]
    parameters += [
        inspect.Parameter("_request", _KEYWORD, annotation=Request),
        inspect.Parameter(
            "idempotency_key", _KEYWORD, annotation=IdempotencyKey if required is None else KeyRequired, default=None
        ),
    ]

    @functools.wraps(route)
    async def once(*, _request: Request, idempotency_key: str | None = None, **arguments: Any) -> JSONResponse:
        if idempotency_key is None:
            if required is not None:
                raise PreconditionRequired(required())
            return await route(**arguments)
        session: AsyncSession = arguments["session"]
        client_id = arguments["principal"].client_id
        bodies = {name: v.model_dump(mode="json") for name, v in arguments.items() if isinstance(v, BaseModel)}
        request_fingerprint = fingerprint(_request.method, _request.url.path, bodies)
        stored = await claim_key(session, client_id, idempotency_key, request_fingerprint)
        if stored is not None:
            return JSONResponse(stored.body, status_code=stored.status_code, headers=stored.headers or {})
        response = await route(**arguments)
        headers = {k: v for k, v in response.headers.items() if k.lower() in ("etag", "location")}
        body = json.loads(bytes(response.body))
        await remember(
            session, client_id, idempotency_key, status_code=response.status_code, body=body, headers=headers
        )
        return response

    once.__signature__ = inspect.Signature(parameters, return_annotation=JSONResponse)  # type: ignore[attr-defined]
    return once


_KEYWORD = inspect.Parameter.KEYWORD_ONLY


async def claim_key(session: AsyncSession, client_id: str, key: str, request_fingerprint: str) -> Row[Any] | None:
    """Claim an Idempotency-Key in this unit of work: None when it is new (now claimed), else what its first
    request stored (409 when that request was another). A concurrent retry waits on the claim's row."""
    claimed = await session.scalar(
        pg_insert(idempotency_keys)
        .values(client_id=client_id, key=key, fingerprint=request_fingerprint)
        .on_conflict_do_nothing()
        .returning(idempotency_keys.c.key)
    )
    if claimed is not None:
        return None
    mine = idempotency_keys.c.client_id == client_id, idempotency_keys.c.key == key
    stored = (await session.execute(select(idempotency_keys).where(*mine))).one()
    if stored.fingerprint != request_fingerprint:
        raise Conflict(messages.IDEMPOTENCY_KEY_REUSED())
    return stored


async def remember(
    session: AsyncSession, client_id: str, key: str, *, status_code: int, body: Any, headers: dict[str, str]
) -> None:
    """Store what the first request of a claimed Idempotency-Key answered, for its retries."""
    await session.execute(
        update(idempotency_keys)
        .where(idempotency_keys.c.client_id == client_id, idempotency_keys.c.key == key)
        .values(status_code=status_code, body=body, headers=headers)
    )
