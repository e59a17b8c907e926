"""Seats of a regional training unit (a Pemda's BPSDM or BKPSDM) are paid from APBD, through the real Kafka."""

from __future__ import annotations

import uuid

import httpx

from tests.funding.bus import Bus, Enrollment, funding_events
from tests.funding.conftest import Institutions
from tests.funding.test_budgets import line_body
from tests.support.tokens import TestIssuer

YEAR = 2036  # no other funding test uses this year


async def apbd_line(api: httpx.AsyncClient, issuer: TestIssuer, regency: uuid.UUID, ceiling: int) -> str:
    body = line_body(regency, source="APBD", fiscal_year=YEAR, ceiling_idr=ceiling, auto_approve_limit_idr=ceiling)
    response = await api.post("/budgets", json=body, headers=issuer.headers(regency, "funding:write"))
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def test_a_bkpsdm_seat_asked_of_apbn_is_charged_to_the_participants_own_apbd(
    api: httpx.AsyncClient, issuer: TestIssuer, bus: Bus, institutions: Institutions, topic_prefix: str
) -> None:
    # The regency owns the BKPSDM (provider_ministry_id) and employs the participant; DOB or not, no coordinator.
    regency, dob_regency = await institutions("regency", ("regency", True))
    own_line, dob_line = (
        await apbd_line(api, issuer, regency, 10_000_000),
        await apbd_line(api, issuer, dob_regency, 10_000_000),
    )
    plain = Enrollment(regency, regency, "regional", "APBN", 2_000_000, YEAR)
    dob = Enrollment(dob_regency, dob_regency, "regional", "PNBP", 3_000_000, YEAR, is_dob=True)
    for seat in (plain, dob):
        await bus.publish("enrollment.reserved", seat.reserved())
    for seat, line, payer in ((plain, own_line, regency), (dob, dob_line, dob_regency)):
        events = await funding_events(topic_prefix, seat.id, count=2)
        assert [e.type for e in events] == ["funding.requested", "funding.approved"]
        approved = events[1].data
        assert (approved["source"], approved["budget_line_id"], approved["payer_institution_id"]) == (
            "APBD",
            line,
            str(payer),
        )


async def test_a_central_participant_of_a_regional_unit_is_refused_source_not_allowed(
    api: httpx.AsyncClient, issuer: TestIssuer, bus: Bus, institutions: Institutions, topic_prefix: str
) -> None:
    province, ministry = await institutions("province", "ministry")
    await apbd_line(api, issuer, province, 10_000_000)
    seat = Enrollment(province, ministry, "central", "APBN", 1_000_000, YEAR)
    await bus.publish("enrollment.reserved", seat.reserved())
    [_, refused] = await funding_events(topic_prefix, seat.id, count=2)
    assert (refused.type, refused.data["reason"]) == ("funding.rejected", "source_not_allowed")
    assert "unit pelatihan daerah" in refused.data["detail"]
