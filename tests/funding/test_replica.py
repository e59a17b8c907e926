"""The institution replica follows registry snapshots, newest version wins."""

from __future__ import annotations

import uuid

import asyncpg
import httpx

from sinergi_shared.payloads import InstitutionSnapshot
from tests.funding.bus import Bus, wait_for_institutions
from tests.support.service import RunningService
from tests.support.stack import eventually
from tests.support.tokens import TestIssuer


def snapshot(
    inst_id: uuid.UUID, *, version: int, status: str = "active", name: str = "Kemenhub"
) -> InstitutionSnapshot:
    return InstitutionSnapshot(
        id=inst_id,
        code="KEMENHUB",
        name=name,
        kind="ministry",
        sector="central",
        parent_id=None,
        is_new_autonomous_region=False,
        region_code=None,
        status=status,  # type: ignore[arg-type]
        version=version,
    )


async def test_stale_snapshots_do_not_undo_newer_ones_and_inactive_institutions_get_no_lines(
    api: httpx.AsyncClient, issuer: TestIssuer, bus: Bus, funding: RunningService
) -> None:
    inst = uuid.uuid4()
    published = [
        await bus.publish("institution.registered", snapshot(inst, version=1)),
        await bus.publish("institution.deactivated", snapshot(inst, version=3, status="inactive", name="Old")),
        await bus.publish("institution.updated", snapshot(inst, version=2, name="stale")),
        await bus.publish("institution.registered", snapshot(inst, version=1)),  # again, under a new ce_id
    ]
    await wait_for_institutions(funding.dsn, inst)

    conn = await asyncpg.connect(funding.dsn)
    try:

        async def settled() -> bool:
            row = await conn.fetchrow("SELECT version, status, name FROM institutions WHERE id = $1", inst)
            applied = await conn.fetchval(
                "SELECT count(*) FROM inbox WHERE event_id = ANY($1::text[])", [e.id for e in published]
            )
            return bool(applied == 4 and row and tuple(row) == (3, "inactive", "Old"))

        await eventually(settled)
    finally:
        await conn.close()

    response = await api.post(
        "/budgets",
        json={"institution_id": str(inst), "source": "APBN", "fiscal_year": 2035, "ceiling_idr": 1},
        headers=issuer.headers(inst, "funding:write"),
    )
    assert response.status_code == 422
    assert "tidak aktif" in response.json()["detail"]
