"""create_app(): the registry HTTP API on the shared service base."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from registry.api import ROUTERS
from registry.config import Settings, get_settings
from registry.credentials import bootstrap, published_keys
from sinergi_shared.auth import TokenVerifier
from sinergi_shared.db import transaction
from sinergi_shared.inbox import EventHandlers
from sinergi_shared.web import create_service_app

# The registry reacts to no event; it only emits them (see SPEC section 2).
handlers: EventHandlers | None = None


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    apps: list[FastAPI] = []

    async def keys_from_database() -> dict[str, Any]:
        # The registry verifies its own tokens from its own table, never over HTTP to itself.
        async with transaction(apps[0].state.sessions) as session:
            return await published_keys(session, settings)

    async def on_startup(app: FastAPI) -> None:
        async with transaction(app.state.sessions) as session:
            await bootstrap(session, settings)

    verifier = TokenVerifier(
        keys_from_database,
        issuer=settings.token_issuer,
        audience=settings.token_audience,
        # A local table read is cheap, so a freshly rotated key is picked up almost at once.
        min_refresh_interval_s=0.25,
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
    return app
