"""The scale tests share one real registry process; each test runs its own service as several processes."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.scale.support import REQUEST_TIMEOUT_S, base_env, seed_registry
from tests.support.stack import create_database, drop_database, migrate, setup_kafka, sqlalchemy_url
from tests.support.system import ServiceProcess, free_port

OPERATOR_ID = "scale-operator"
OPERATOR_SECRET = "scale-operator-secret"


@pytest.fixture(scope="package")
async def scale_prefix() -> str:
    """Topics of their own, so other tests' consumers never see these 10,000 civil servants."""
    prefix = f"s{uuid.uuid4().hex[:8]}."
    await setup_kafka(prefix)
    return prefix


@pytest.fixture(scope="package")
def log_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("scale-logs")


@dataclass
class Registry:
    """The registry as a real process (API, relay and consumers) on its own seeded database."""

    process: ServiceProcess
    http: httpx.AsyncClient
    headers: dict[str, str]
    institutions: dict[str, dict[str, Any]]

    async def create_institution(self, **body: Any) -> dict[str, Any]:
        r = await self.http.post("/institutions", json=body, headers=self.headers)
        assert r.status_code == 201, r.text
        created: dict[str, Any] = r.json()
        self.institutions[created["code"]] = created
        return created


@pytest.fixture(scope="package")
async def registry(scale_prefix: str, log_dir: Path) -> AsyncIterator[Registry]:
    dsn = await create_database("scale_registry")
    env = base_env(scale_prefix)
    env.update(
        REGISTRY_DATABASE_URL=sqlalchemy_url(dsn),
        REGISTRY_BOOTSTRAP_CLIENT_ID=OPERATOR_ID,
        REGISTRY_BOOTSTRAP_CLIENT_SECRET=OPERATOR_SECRET,
        REGISTRY_RELAY_POLL_INTERVAL_S="0.2",
    )
    process = ServiceProcess("registry", free_port(), dsn, env, log_dir / "registry.log")
    try:
        await migrate("registry", dsn)
        await seed_registry(env)
        await process.start()
        async with httpx.AsyncClient(base_url=process.url, timeout=REQUEST_TIMEOUT_S) as http:
            form = {"grant_type": "client_credentials", "client_id": OPERATOR_ID, "client_secret": OPERATOR_SECRET}
            token = await http.post("/oauth/token", data=form)
            assert token.status_code == 200, token.text
            headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
            listed = await http.get("/institutions", params={"limit": 500}, headers=headers)
            assert listed.status_code == 200, listed.text
            known = {i["code"]: i for i in listed.json()["items"]}
            yield Registry(process, http, headers, known)
    finally:
        await process.stop()
        await drop_database(dsn)
