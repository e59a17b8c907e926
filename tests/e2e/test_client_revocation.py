"""A revoked client's tokens stop working in every service within a minute; rotation and the `sinergi clients`
commands, on the three services as real processes over the real Postgres and Kafka."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.e2e.test_operations import sinergi
from tests.support.system import System, start_system, stop_system

# One read of each service's protected data that a "read coordinator" token of any institution may make.
PROBES = {"registry": "/institutions", "enrollment": "/programs", "funding": "/budgets"}


@pytest.fixture(scope="module")
async def system(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[System]:
    # Each service reads its revoked clients every second, so the test need not wait the default 30 s.
    running = await start_system(tmp_path_factory.mktemp("revocation-logs"), SINERGI_REVOKED_CLIENTS_REFRESH_S="1")
    try:
        yield running
    finally:
        await stop_system(running)


async def new_client(system: System) -> dict[str, Any]:
    home = await system.institution_by_code("BPSDM-KEMENDAGRI")
    r = await system.http.post(
        system.url("registry", "/clients"),
        json={"institution_id": home["id"], "scopes": ["read", "coordinator"], "name": f"t {uuid.uuid4().hex[:6]}"},
        headers=await system.operator(),
    )
    assert r.status_code == 201, r.text
    return r.json()  # type: ignore[no-any-return]


async def statuses(system: System, token: str) -> dict[str, int]:
    headers = {"Authorization": f"Bearer {token}"}
    return {s: (await system.http.get(system.url(s, path), headers=headers)).status_code for s, path in PROBES.items()}


async def refused_everywhere_within_a_minute(system: System, token: str) -> float:
    """Seconds until every service answers the token with 401; fails after 60."""
    started = time.monotonic()
    while time.monotonic() - started < 60:
        if set((await statuses(system, token)).values()) == {401}:
            return time.monotonic() - started
        await asyncio.sleep(0.25)
    raise AssertionError(f"still accepted after a minute: {await statuses(system, token)}")


async def test_a_revoked_clients_token_is_refused_by_every_service_within_a_minute(system: System) -> None:
    client = await new_client(system)
    token = await system.token(client["client_id"], client["client_secret"])
    assert await statuses(system, token) == dict.fromkeys(PROBES, 200)

    revoked = await system.http.post(
        system.url("registry", f"/clients/{client['client_id']}/revoke"), headers=await system.operator()
    )
    assert revoked.status_code == 200, revoked.text
    elapsed = await refused_everywhere_within_a_minute(system, token)
    print(f"revoked client's token refused by all three services after {elapsed:.1f} s")


async def test_after_a_rotation_the_old_secret_is_refused_and_a_new_token_works_everywhere(system: System) -> None:
    client = await new_client(system)
    rotated = await system.http.post(
        system.url("registry", f"/clients/{client['client_id']}/rotate"), headers=await system.operator()
    )
    assert rotated.status_code == 200, rotated.text
    form = {"grant_type": "client_credentials", "client_id": client["client_id"]}
    old = await system.http.post(
        system.url("registry", "/oauth/token"), data={**form, "client_secret": client["client_secret"]}
    )
    assert old.status_code == 401
    token = await system.token(client["client_id"], rotated.json()["client_secret"])
    assert await statuses(system, token) == dict.fromkeys(PROBES, 200)


async def test_the_cli_lists_rotates_and_revokes_clients(system: System) -> None:
    client = await new_client(system)
    client_id = client["client_id"]

    code, out = await sinergi(system, "clients", "list", "--institution", "BPSDM-KEMENDAGRI", "--status", "active")
    assert code == 0, out
    listed = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    assert client_id in {c["client_id"] for c in listed}
    assert "client_secret" not in out

    code, out = await sinergi(system, "clients", "rotate", client_id)
    assert code == 0, out
    rotated = json.loads(out[out.index("{") : out.rindex("}") + 1])
    token = await system.token(client_id, rotated["client_secret"])

    code, out = await sinergi(system, "clients", "revoke", client_id)
    assert code == 0, out
    assert json.loads(out.strip().splitlines()[-1])["status"] == "revoked"
    await refused_everywhere_within_a_minute(system, token)

    code, out = await sinergi(system, "clients", "revoke", client_id)
    assert code == 2 and "sudah dicabut" in out
    code, out = await sinergi(system, "clients", "rotate", "sinergi-no-such-client")
    assert code == 2 and "tidak ditemukan" in out
