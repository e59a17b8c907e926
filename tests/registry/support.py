"""Registry test helpers: a running registry, real tokens from its token endpoint, its database and its topics."""

from __future__ import annotations

import random
import uuid
from datetime import date
from typing import Any

import asyncpg

from registry.app import create_app
from registry.config import Settings
from tests.support.service import RunningService, running_service
from tests.support.stack import collect, eventually
from tests.support.tokens import TestIssuer

OPERATOR_ID = "operator-test"
OPERATOR_SECRET = "operator-secret-for-tests"

_used_nips: set[str] = set()


def make_nip(
    birth: date | None = None, tmt: tuple[int, int] | None = None, gender: int | None = None, serial: int | None = None
) -> str:
    """A valid NIP; parts not given are random, and then the NIP is unique within the test session."""
    for _ in range(1000):
        b = birth or date(random.randint(1965, 2000), random.randint(1, 12), random.randint(1, 28))
        year, month = tmt or (b.year + random.randint(19, 23), random.randint(1, 12))
        nip = f"{b:%Y%m%d}{year:04d}{month:02d}{gender or random.randint(1, 2)}{serial or random.randint(1, 999):03d}"
        if nip not in _used_nips:
            _used_nips.add(nip)
            return nip
    raise AssertionError("every part of the NIP was fixed and it was used already")


def new_code(prefix: str = "INST") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8].upper()}"


def registry_service(topic_prefix: str, issuer: TestIssuer, **overrides: Any) -> Any:
    """A registry on a fresh database with its own topics and the operator's bootstrap client."""
    settings: dict[str, Any] = {
        "bootstrap_client_id": OPERATOR_ID,
        "bootstrap_client_secret": OPERATOR_SECRET,
        **overrides,
    }
    return running_service(
        "registry",
        settings_factory=Settings,
        create_app=create_app,
        handlers=None,
        topic_prefix=f"{topic_prefix}r{uuid.uuid4().hex[:6]}.",
        jwks_url=issuer.jwks_url,
        **settings,
    )


async def token(svc: RunningService, client_id: str, client_secret: str, scope: str | None = None) -> dict[str, Any]:
    form = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": client_secret}
    if scope is not None:
        form["scope"] = scope
    response = await svc.client.post("/oauth/token", data=form)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


async def bearer(svc: RunningService, client_id: str, client_secret: str, scope: str | None = None) -> dict[str, str]:
    issued = await token(svc, client_id, client_secret, scope)
    return {"Authorization": f"Bearer {issued['access_token']}"}


async def create_client(
    svc: RunningService, admin: dict[str, str], institution_id: str, *scopes: str
) -> tuple[str, str]:
    response = await svc.client.post(
        "/clients", json={"institution_id": institution_id, "scopes": list(scopes), "name": "test"}, headers=admin
    )
    assert response.status_code == 201, response.text
    body = response.json()
    return body["client_id"], body["client_secret"]


async def headers_for(svc: RunningService, admin: dict[str, str], institution_id: str, *scopes: str) -> dict[str, str]:
    """Bearer headers of a new client of this institution with these scopes, through the real token endpoint."""
    client_id, secret = await create_client(svc, admin, institution_id, *scopes)
    return await bearer(svc, client_id, secret)


async def create_institution(svc: RunningService, admin: dict[str, str], **fields: Any) -> dict[str, Any]:
    body = {"code": new_code(), "name": "Test institution", "kind": "ministry", **fields}
    response = await svc.client.post("/institutions", json=body, headers=admin)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


async def register(svc: RunningService, headers: dict[str, str], institution_id: str, **fields: Any) -> dict[str, Any]:
    body = {
        "nip": make_nip(),
        "name": "Siti Aminah",
        "institution_id": institution_id,
        "employment": "PNS",
        "position_kind": "functional",
        **fields,
    }
    response = await svc.client.post("/civil-servants", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


async def query(svc: RunningService, sql: str, *args: Any) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(svc.dsn)
    try:
        return await conn.fetch(sql, *args)
    finally:
        await conn.close()


async def scalar(svc: RunningService, sql: str, *args: Any) -> Any:
    return (await query(svc, sql, *args))[0][0]


async def published(svc: RunningService, topic: str) -> list[Any]:
    """Every record this registry published on a topic, once its outbox is drained."""

    async def drained() -> bool:
        return bool(await scalar(svc, "SELECT count(*) = 0 FROM outbox"))

    await eventually(drained)
    # Stored as the contract names the topic; published with the deployment's prefix.
    expected = await scalar(svc, "SELECT count(*) FROM event_log WHERE topic = $1", topic)
    records = await collect(svc.settings.topic_prefix + topic, count=expected) if expected else []
    assert len(records) == expected
    return records
