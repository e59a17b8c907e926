"""The FastAPI app every service builds on: lifespan, problem handlers, health, metrics, tracing."""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse
from fastapi.telemetry import TelemetryConfig
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import BaseModel
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sinergi_shared import asyncapi, messages, metrics
from sinergi_shared.auth import TokenVerifier, token_verifier
from sinergi_shared.db import make_engine, make_sessionmaker
from sinergi_shared.language import current_language, negotiate
from sinergi_shared.logging import current_traceparent
from sinergi_shared.problems import PayloadTooLarge, install_problem_handlers, problem_response
from sinergi_shared.revocations import RevokedClients, revoked_from_table
from sinergi_shared.settings import ServiceSettings
from sinergi_shared.tracing import continue_trace

Hook = Callable[[FastAPI], Awaitable[None]]
LANGUAGE_NOTE = (
    "Texts for people (a problem's `title`, `detail` and `errors[].message`, import row messages) are in "
    "Bahasa Indonesia; send `Accept-Language: en` for English. `Content-Language` says which was used. "
    "Machine codes (`type`, `errors[].code`, `reason`, enum values) are the same in both."
)
# Reads figures for a scrape from the database into the service's Prometheus series.
Collector = Callable[[AsyncSession], Awaitable[None]]
log = logging.getLogger(__name__)
access_log = logging.getLogger("sinergi.access")


class ServiceMiddleware:
    """Binds the trace, caps the body size and records request metrics, in one pass."""

    def __init__(self, app: ASGIApp, *, service: str, max_body_bytes: int) -> None:
        self.app = app
        self.service = service
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        traceparent = continue_trace(headers.get("traceparent"))
        current_traceparent.set(traceparent)
        language = negotiate(headers.get("accept-language"))
        current_language.set(language)
        started = time.perf_counter()
        status = 500

        declared = headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > self.max_body_bytes:
            response = problem_response(PayloadTooLarge(messages.BODY_TOO_LARGE(limit=self.max_body_bytes)))
            await response(scope, receive, send)
            self._observe(scope, 413, started)
            return

        received = 0

        async def capped_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body_bytes:
                    # An HTTPException, because FastAPI turns any other error while reading into a 400.
                    raise BodyTooLarge(413, messages.BODY_TOO_LARGE(limit=self.max_body_bytes))
            return message

        async def traced_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [
                    *message.get("headers", []),
                    (b"traceparent", traceparent.encode()),
                    (b"content-language", language.encode()),
                ]
            await send(message)

        try:
            await self.app(scope, capped_receive, traced_send)
        except BodyTooLarge:  # read outside a route (the app's own handlers render it otherwise)
            response = problem_response(PayloadTooLarge(messages.BODY_TOO_LARGE(limit=self.max_body_bytes)))
            await response(scope, receive, send)
            status = 413
        self._observe(scope, status, started)

    def _observe(self, scope: Scope, status: int, started: float) -> None:
        route = scope.get("route")
        path = getattr(route, "path_format", None) or getattr(route, "path", None) or "unmatched"
        elapsed = time.perf_counter() - started
        metrics.HTTP_REQUESTS.labels(self.service, scope["method"], path, str(status)).inc()
        metrics.HTTP_LATENCY.labels(self.service, scope["method"], path).observe(elapsed)
        access_log.info(
            "request",
            extra={"method": scope["method"], "route": path, "status": status, "duration_ms": round(elapsed * 1000, 1)},
        )


class BodyTooLarge(StarletteHTTPException):
    """A streamed body passed the cap while it was being read."""


async def kafka_reachable(bootstrap: str, timeout: float = 2.0) -> bool:
    """True when a bootstrap broker accepts a TCP connection."""
    for server in bootstrap.split(","):
        host, _, port = server.strip().rpartition(":")
        try:
            _, writer = await asyncio.wait_for(asyncio.open_connection(host, int(port)), timeout)
        except (OSError, TimeoutError, ValueError):
            continue
        writer.close()
        return True
    return False


_BACKLOG = text(
    """
    SELECT (SELECT count(*) FROM outbox),
           (SELECT coalesce(extract(epoch FROM now() - min(created_at)), 0) FROM outbox),
           (SELECT count(*) FROM dead_letters WHERE replayed_at IS NULL)
    """
)


def backlog(service: str) -> Collector:
    """What waits, read at scrape time: the outbox's events (and the oldest one's age) and unreplayed dead letters."""

    async def collect(session: AsyncSession) -> None:
        pending, oldest_age, dead = (await session.execute(_BACKLOG)).one()
        metrics.OUTBOX_PENDING.labels(service).set(pending)
        metrics.OUTBOX_OLDEST_AGE.labels(service).set(float(oldest_age))
        metrics.DEAD_LETTERS_WAITING.labels(service).set(dead)

    return collect


class Readiness(BaseModel):
    status: str
    checks: dict[str, str]


def health_router() -> APIRouter:
    router = APIRouter(tags=["operations"])

    @router.get("/healthz", summary="The process is up")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @router.get(
        "/readyz",
        summary="Database and Kafka are reachable",
        responses={503: {"description": "The database or Kafka is unreachable", "model": Readiness}},
        response_model=Readiness,
    )
    async def readyz(request: Request) -> JSONResponse:
        checks: dict[str, str] = {}
        try:
            async with request.app.state.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
            checks["database"] = "ok"
        except Exception as exc:
            checks["database"] = f"unreachable: {type(exc).__name__}"
        settings: ServiceSettings = request.app.state.settings
        checks["kafka"] = "ok" if await kafka_reachable(settings.kafka_bootstrap) else "unreachable"
        ready = all(v == "ok" for v in checks.values())
        return JSONResponse(
            {"status": "ready" if ready else "not ready", "checks": checks}, status_code=200 if ready else 503
        )

    @router.get("/asyncapi.json", summary="The AsyncAPI 3 catalogue of every Sinergi event")
    async def asyncapi() -> JSONResponse:
        return JSONResponse(_asyncapi_document())

    @router.get(
        "/metrics",
        summary="Prometheus metrics",
        response_class=Response,
        responses={200: {"description": "Prometheus text format", "content": {CONTENT_TYPE_LATEST: {}}}},
    )
    async def prometheus_metrics(request: Request) -> Response:
        for collect in request.app.state.metric_collectors:
            try:  # a read of its own per collector, never committed
                async with request.app.state.sessions() as session:
                    await collect(session)
            except Exception:  # a scrape must still answer when the database is down
                log.warning("metrics collector failed", exc_info=True)
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    return router


@functools.cache
def _asyncapi_document() -> dict[str, Any]:
    return asyncapi.build()


def create_service_app(
    settings: ServiceSettings,
    *,
    title: str,
    description: str,
    routers: Sequence[APIRouter],
    verifier: TokenVerifier | None = None,
    on_startup: Hook | None = None,
    on_shutdown: Hook | None = None,
    metric_collectors: Sequence[Collector] = (),
) -> FastAPI:
    """A service app whose lifespan owns the engine, the session factory and the token verifier."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = make_engine(
            settings.database_url, pool_size=settings.db_pool_size, max_overflow=settings.db_max_overflow
        )
        app.state.settings = settings
        app.state.metric_collectors = [backlog(settings.service_name), *metric_collectors]
        app.state.engine = engine
        app.state.sessions = make_sessionmaker(engine)
        # A service without a verifier of its own learns revoked clients from its revoked_clients table.
        app.state.verifier = verifier or token_verifier(
            settings,
            RevokedClients(revoked_from_table(app.state.sessions), refresh_s=settings.revoked_clients_refresh_s),
        )
        if on_startup:
            await on_startup(app)
        try:
            yield
        finally:
            if on_shutdown:
                await on_shutdown(app)
            await engine.dispose()

    # Sinergi carries its own traceparent and metrics; FastAPI's telemetry hooks would look up unset providers.
    no_telemetry: TelemetryConfig = {"tracing": False, "metrics": False, "logs": False}
    app = FastAPI(title=title, description=description, version="0.1.0", lifespan=lifespan, telemetry=no_telemetry)
    install_problem_handlers(app)
    app.add_middleware(ServiceMiddleware, service=settings.service_name, max_body_bytes=settings.max_body_bytes)
    app.include_router(health_router())
    for router in routers:
        app.include_router(router)
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    return app


def _openapi(app: FastAPI) -> dict[str, Any]:
    if app.openapi_schema:
        return app.openapi_schema
    description = f"{app.description}\n\n{LANGUAGE_NOTE}"
    schema = get_openapi(title=app.title, version=app.version, description=description, routes=app.routes)
    components = schema.setdefault("components", {})
    components.setdefault("schemas", {})["Problem"] = {
        "type": "object",
        "required": ["type", "title", "status", "detail"],
        "properties": {
            "type": {"type": "string"},
            "title": {"type": "string"},
            "status": {"type": "integer"},
            "detail": {"type": "string"},
            "trace_id": {"type": "string"},
            "errors": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["field", "message"],
                    "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
                },
            },
        },
    }
    components.setdefault("securitySchemes", {})["bearer"] = {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
    open_paths = {"/healthz", "/readyz", "/metrics", "/oauth/token", "/.well-known/jwks.json", "/asyncapi.json"}
    for path, operations in schema.get("paths", {}).items():
        if path in open_paths:
            continue
        for operation in operations.values():
            operation.setdefault("security", [{"bearer": []}])
    app.openapi_schema = schema
    return schema
