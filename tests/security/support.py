"""Helpers of the security tests: the services, real tokens, forged tokens and a live HTTP server."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

import asyncpg
import jwt
import uvicorn
from fastapi import FastAPI

from tests.support.service import RunningService
from tests.support.stack import eventually

OPERATOR_ID = "security-operator"
OPERATOR_SECRET = "security-operator-secret"

# Paths that answer without a token (SPEC section 3, §5b and the FastAPI documentation routes).
PUBLIC_PATHS = frozenset(
    {
        "/healthz",
        "/readyz",
        "/metrics",
        "/openapi.json",
        "/docs",
        "/asyncapi.json",
        "/oauth/token",
        "/.well-known/jwks.json",
        "/verify/{code}",  # a certificate's verification page (enrollment), for anyone holding its code
    }
)


@dataclass
class Services:
    registry: RunningService
    enrollment: RunningService
    funding: RunningService

    def __getitem__(self, name: str) -> RunningService:
        return getattr(self, name)  # type: ignore[no-any-return]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def registry_token(registry: RunningService, client_id: str, secret: str) -> str:
    form = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}
    response = await registry.client.post("/oauth/token", data=form)
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


async def operator_headers(registry: RunningService) -> dict[str, str]:
    return bearer(await registry_token(registry, OPERATOR_ID, OPERATOR_SECRET))


async def registry_client_headers(
    registry: RunningService, admin: dict[str, str], institution_id: str, *scopes: str
) -> dict[str, str]:
    """Bearer headers of a new API client of this institution, through /clients and /oauth/token."""
    response = await registry.client.post(
        "/clients",
        json={"institution_id": institution_id, "scopes": list(scopes), "name": f"security {'+'.join(scopes)}"},
        headers=admin,
    )
    assert response.status_code == 201, response.text
    body = response.json()
    return bearer(await registry_token(registry, body["client_id"], body["client_secret"]))


@dataclass
class RegistryKey:
    """The registry's current signing key, read from its own table, to forge claims it would never sign."""

    kid: str
    pem: str

    def token(self, **overrides: Any) -> str:
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": "sinergi-registry",
            "aud": "sinergi",
            "sub": "forged",
            "inst": str(uuid.uuid4()),
            "scope": "admin coordinator read registry:write",
            "iat": now,
            "exp": now + 300,
            "jti": uuid.uuid4().hex,
        }
        for name, value in overrides.items():
            if value is None:
                claims.pop(name, None)
            else:
                claims[name] = value
        return jwt.encode(claims, self.pem, algorithm="RS256", headers={"kid": self.kid})


async def registry_key(registry: RunningService) -> RegistryKey:
    conn = await asyncpg.connect(registry.dsn)
    try:
        row = await conn.fetchrow(
            "SELECT kid, private_pem FROM signing_keys WHERE retired_at IS NULL ORDER BY created_at DESC LIMIT 1"
        )
    finally:
        await conn.close()
    assert row is not None and row["private_pem"], "the registry keeps its generated key in signing_keys"
    return RegistryKey(kid=row["kid"], pem=row["private_pem"])


async def fetch(dsn: str, sql: str, *args: Any) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(dsn)
    try:
        return await conn.fetch(sql, *args)
    finally:
        await conn.close()


async def wait_rows(dsn: str, sql: str, *args: Any, count: int = 1, timeout: float = 30) -> None:
    """Until the query returns at least count rows (a replica caught up with the registry's events)."""

    async def ready() -> bool:
        return len(await fetch(dsn, sql, *args)) >= count

    await eventually(ready, timeout=timeout)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class _Server(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        # The test process owns its signals; the server only serves.
        yield


@contextlib.asynccontextmanager
async def live_server(app: FastAPI) -> AsyncIterator[str]:
    """Serve an already started app over real HTTP on this event loop (its lifespan is run by running_service)."""
    port = _free_port()
    server = _Server(uvicorn.Config(app, host="127.0.0.1", port=port, lifespan="off", log_level="warning"))
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 10)
