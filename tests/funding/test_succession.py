"""A split ministry in the funding service: its seats keep drawing on its lines, and the report rolls its money up
into each successor's `including_predecessors` while every row, and so every total, keeps only its own money."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import asyncpg
import httpx

from sinergi_shared.payloads import InstitutionSnapshot
from tests.funding.bus import Bus, Enrollment, funding_events, wait_for_institutions
from tests.support.service import RunningService
from tests.support.stack import eventually
from tests.support.tokens import TestIssuer

YEAR = 2042  # no other funding test uses this year, so the coordinator's report is exact


def figures(ceiling: int, committed: int, realized: int) -> dict[str, int]:
    """A report's figures, the available amount derived as the service derives it."""
    amounts = (ceiling, committed, realized, ceiling - committed - realized)
    return dict(zip(("ceiling_idr", "committed_idr", "realized_idr", "available_idr"), amounts, strict=True))


async def _split(bus: Bus, funding: RunningService, ministry: uuid.UUID, *successors: uuid.UUID) -> None:
    """The registry announces that the ministry was split into the successors, and the replica applies it."""
    snapshot = InstitutionSnapshot(
        id=ministry,
        code=f"T-{ministry.hex[:8]}",
        name="Kementerian Lama",
        kind="ministry",
        sector="central",
        parent_id=None,
        is_new_autonomous_region=False,
        region_code=None,
        status="inactive",
        version=2,
        successor_ids=list(successors),
        succeeded_on=date(2024, 10, 21),
    )
    await bus.publish("institution.succeeded", snapshot)
    conn = await asyncpg.connect(funding.dsn)
    try:

        async def applied() -> bool:
            row = await conn.fetchrow("SELECT status, successor_ids FROM institutions WHERE id = $1", ministry)
            return bool(row) and (row["status"], row["successor_ids"]) == ("inactive", list(successors))

        await eventually(applied)
    finally:
        await conn.close()


async def test_a_split_ministrys_money_rolls_up_into_each_successor_and_the_totals_stay_each_rupiah_once(
    api: httpx.AsyncClient, issuer: TestIssuer, bus: Bus, funding: RunningService, topic_prefix: str
) -> None:
    old = await bus.institution("ministry", name="Kementerian Lama")
    first = await bus.institution("ministry", name="Kementerian Pertama")
    second = await bus.institution("ministry", name="Kementerian Kedua")
    region = await bus.institution("province", name="Provinsi Uji")
    await wait_for_institutions(funding.dsn, old, first, second, region)
    coordinator = issuer.headers(uuid.uuid4(), "coordinator", "funding:write")
    for institution, source, ceiling in ((old, "APBN", 100_000_000), (first, "APBN", 50_000_000)):
        body = {
            "institution_id": str(institution),
            "source": source,
            "fiscal_year": YEAR,
            "ceiling_idr": ceiling,
            "auto_approve_limit_idr": 20_000_000,
        }
        response = await api.post("/budgets", json=body, headers=coordinator)
        assert response.status_code == 201, response.text

    async def seat(amount: int) -> dict[str, Any]:
        e = Enrollment(old, region, "regional", "APBN", amount, YEAR)
        await bus.publish("enrollment.reserved", e.reserved())
        await funding_events(topic_prefix, e.id, count=2)
        listed = await api.get(f"/funding-requests?enrollment_id={e.id}", headers=coordinator)
        return {"enrollment": e, **listed.json()["items"][0]}

    spent = await seat(10_000_000)
    await _split(bus, funding, old, first, second)
    # A seat of the succeeded ministry's running program is still charged to its line, and realized there.
    after = await seat(5_000_000)
    assert (after["status"], after["payer_institution_id"]) == ("approved", str(old))
    await bus.publish("enrollment.completed", spent["enrollment"].completed())
    assert len(await funding_events(topic_prefix, spent["enrollment"].id, count=3)) == 3

    response = await api.get(f"/reports/funding?fiscal_year={YEAR}", headers=coordinator)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["totals"] == figures(150_000_000, 5_000_000, 10_000_000)
    rows = {row["institution_id"]: row for row in body["by_institution"]}
    assert set(rows) == {str(old), str(first), str(second)}

    def own(row: dict[str, Any]) -> dict[str, int]:
        return {k: v for k, v in row.items() if k.endswith("_idr")}

    assert sum(own(row)["ceiling_idr"] for row in rows.values()) == body["totals"]["ceiling_idr"]
    assert own(rows[str(old)]) == figures(100_000_000, 5_000_000, 10_000_000)
    assert rows[str(old)]["successor_ids"] == [str(first), str(second)]
    assert (rows[str(old)]["predecessor_ids"], rows[str(old)]["including_predecessors"]) == ([], None)
    assert own(rows[str(first)]) == figures(50_000_000, 0, 0)
    assert rows[str(first)]["predecessor_ids"] == [str(old)]
    assert rows[str(first)]["including_predecessors"] == figures(150_000_000, 5_000_000, 10_000_000)
    # The successor without a line of its own this year still shows what it carries on.
    assert (own(rows[str(second)]), rows[str(second)]["institution_name"]) == (figures(0, 0, 0), "Kementerian Kedua")
    assert rows[str(second)]["including_predecessors"] == figures(100_000_000, 5_000_000, 10_000_000)

    # A successor's own report: its own money in the totals, its predecessor's in its row's roll-up.
    mine = (await api.get(f"/reports/funding?fiscal_year={YEAR}", headers=issuer.headers(second, "read"))).json()
    assert (mine["scope"], mine["totals"]) == ("institution", figures(0, 0, 0))
    assert [row["institution_id"] for row in mine["by_institution"]] == [str(second)]
    assert mine["by_institution"][0]["including_predecessors"] == figures(100_000_000, 5_000_000, 10_000_000)

    # The succeeded ministry opens no new line.
    body = {"institution_id": str(old), "source": "APBN", "fiscal_year": YEAR + 1, "ceiling_idr": 1}
    refused = await api.post("/budgets", json=body, headers=coordinator)
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "institution_id"
