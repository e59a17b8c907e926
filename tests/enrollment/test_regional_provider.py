"""A regional training unit (a Pemda's BPSDM or BKPSDM) offers programs; its cohorts reserve nothing by default."""

from __future__ import annotations

import json
import uuid

import pytest

from tests.enrollment.support import NEXT_YEAR, World


@pytest.fixture(scope="module")
async def bkpsdm(world: World) -> uuid.UUID:
    """BKPSDM Kota Jayapura: a training unit under a city, regional as the registry announces it."""
    unit = await world.add_institution(
        "bkpsdm_jayapura",
        kind="training_unit",
        name="BKPSDM Kota Jayapura",
        parent_id=world.ids["jayapura"],
        sector="regional",
    )
    await world.wait_institutions(unit)
    return unit


async def test_a_regional_unit_offers_programs_owned_by_its_pemda(world: World, bkpsdm: uuid.UUID):
    program = await world.program(provider="bkpsdm_jayapura", title="Pelatihan Dasar CPNS")
    assert program["provider_id"] == str(bkpsdm)
    assert program["provider_ministry_id"] == str(world.ids["jayapura"])
    body = {
        "provider_id": str(bkpsdm),
        "title": "Pelatihan Dasar CPNS Angkatan II",
        "pattern": "technical_training",
        "hours_jp": 40,
        "horizon": "short",
        "fiscal_year": NEXT_YEAR,
        "cost_per_participant_idr": 1_000_000,
    }
    by_pemda = await world.client.post("/programs", json=body, headers=world.headers("jayapura", "programs:write"))
    assert by_pemda.status_code == 201, by_pemda.text
    assert by_pemda.json()["provider_ministry_id"] == str(world.ids["jayapura"])
    for other in ("papua", "kemendagri", "bpsdm"):  # the province above it, a K/L, a central unit
        r = await world.client.post("/programs", json=body, headers=world.headers(other, "programs:write"))
        assert r.status_code == 403, (other, r.text)


async def test_its_cohorts_reserve_no_regional_seats_by_default_wherever_they_are(world: World, bkpsdm: uuid.UUID):
    program = await world.program(provider="bkpsdm_jayapura")
    for location in ("central", "regional"):
        cohort = await world.cohort(program, provider="bkpsdm_jayapura", location=location, capacity=30)
        assert (cohort["regional_share_pct"], cohort["reserved_regional"], cohort["regional_share_reason"]) == (
            0,
            0,
            None,
        )
        assert cohort["provider_id"] == str(bkpsdm)
    raised = await world.cohort(program, provider="bkpsdm_jayapura", capacity=10, regional_share_pct=40)
    assert (raised["regional_share_pct"], raised["reserved_regional"]) == (40, 4)


async def test_its_own_staff_take_regional_seats_and_the_reservation_names_the_pemda(world: World, bkpsdm: uuid.UUID):
    program = await world.program(provider="bkpsdm_jayapura", cost_per_participant_idr=750_000)
    cohort = await world.cohort(program, provider="bkpsdm_jayapura", capacity=2)
    [nip] = await world.staff(world.ids["jayapura"], 1)
    enrollment = await world.nominate(cohort, nip, "jayapura", source="APBD")
    assert (enrollment["status"], enrollment["seat_class"]) == ("reserved", "regional")
    rows = await world.db(
        "SELECT data FROM event_log WHERE type = 'enrollment.reserved' AND key = $1", enrollment["id"]
    )
    reserved = json.loads(rows[0]["data"])
    assert (reserved["provider_id"], reserved["provider_ministry_id"]) == (str(bkpsdm), str(world.ids["jayapura"]))
