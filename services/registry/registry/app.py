"""create_app(): the registry HTTP API on the shared service base."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError

from registry import messages
from registry.api import ROUTERS
from registry.clients import bootstrap, revoked_clients
from registry.config import Settings, get_settings
from registry.tokens import published_keys
from sinergi_shared import messages as shared_messages
from sinergi_shared.auth import TokenVerifier
from sinergi_shared.db import transaction
from sinergi_shared.inbox import EventHandlers
from sinergi_shared.limits import install_limits
from sinergi_shared.problems import Problem, Unprocessable, problem_response
from sinergi_shared.revocations import RevokedClients
from sinergi_shared.web import create_service_app

log = logging.getLogger(__name__)
CHARACTER_NOT_IN_REPERTOIRE = "22021"

# The registry reacts to no event; it only emits them (see SPEC section 2).
handlers: EventHandlers | None = None


def create_app(settings: Settings | None = None) -> FastAPI:
    """The registry's API: its routers, its own tokens verified from its own keys, the operator bootstrapped."""
    settings = settings or get_settings()
    apps: list[FastAPI] = []

    async def keys_from_database() -> dict[str, Any]:
        # The registry verifies its own tokens from its own table, never over HTTP to itself; a read, not a change.
        async with apps[0].state.sessions() as session:
            return await published_keys(session, settings)

    async def revoked_from_database() -> dict[str, float]:
        async with apps[0].state.sessions() as session:
            return await revoked_clients(session)

    async def on_startup(app: FastAPI) -> None:
        async with transaction(app.state.sessions) as session:
            await bootstrap(session, settings)

    verifier = TokenVerifier(
        keys_from_database,
        issuer=settings.token_issuer,
        audience=settings.token_audience,
        # A local table read is cheap, so a freshly rotated key is picked up almost at once.
        refresh_interval_s=settings.jwks_refresh_interval_s,
        min_refresh_interval_s=0.25,
        leeway_s=settings.token_leeway_s,
        # Its own clients' revocations from its own table, read again each second (cheap), not from events.
        revoked=RevokedClients(revoked_from_database, refresh_s=1.0),
    )
    app = create_service_app(
        settings,
        title="Sinergi Registry",
        description="Institutions, civil servants, API clients and tokens.",
        routers=ROUTERS,
        verifier=verifier,
        on_startup=on_startup,
    )
    apps.append(app)
    install_text_guard(app)
    # 401 for a missing or bad token before any body is parsed; 413 for a chunked body over the cap.
    install_limits(app)
    return app


def install_text_guard(app: FastAPI) -> None:
    """Postgres text cannot hold NUL characters: answer 422, not 500, when a request carries one."""

    @app.exception_handler(DBAPIError)
    async def _database_error(_: Request, exc: DBAPIError) -> JSONResponse:
        if getattr(exc.orig, "sqlstate", None) == CHARACTER_NOT_IN_REPERTOIRE:
            return problem_response(
                Unprocessable(
                    messages.TEXT_NOT_UTF8(),
                    errors=[{"field": "body", "message": messages.NUL_CHARACTER()}],
                )
            )
        log.error("database error", exc_info=exc)
        problem = Problem(shared_messages.INTERNAL_ERROR_DETAIL())
        problem.status, problem.title, problem.slug = 500, shared_messages.INTERNAL_ERROR, "internal"
        return problem_response(problem)
