"""A regency's BKPSDM end to end: registered in the registry, offering a program, its seats paid from APBD."""

from __future__ import annotations

import uuid
from typing import Any

from tests.e2e.test_saga import YEAR, enrollment_status, funding_request_for, nominate, register
from tests.support.stack import eventually
from tests.support.system import System


async def created(system: System, service: str, path: str, body: dict[str, Any], headers: dict[str, str]) -> Any:
    """POST until the service's replica knows what the body names (422 until then), then expect 201."""

    async def attempt() -> dict[str, Any] | None:
        r = await system.http.post(system.url(service, path), json=body, headers=headers)
        if r.status_code == 422:
            return None
        assert r.status_code == 201, r.text
        return r.json()  # type: ignore[no-any-return]

    return await eventually(attempt, timeout=30)


async def test_a_bkpsdm_under_a_regency_trains_its_staff_at_no_reserved_share_paid_by_the_regencys_apbd(
    system: System,
) -> None:
    op = await system.operator()
    papua = await system.institution_by_code("PROV-PAPUA")
    tag = uuid.uuid4().hex[:6].upper()
    regency = await created(
        system,
        "registry",
        "/institutions",
        {"code": f"KAB-UJI-{tag}", "name": "Kabupaten Uji", "kind": "regency", "parent_id": papua["id"]},
        op,
    )
    bkpsdm = await created(
        system,
        "registry",
        "/institutions",
        {
            "code": f"BKPSDM-UJI-{tag}",
            "name": "BKPSDM Kabupaten Uji",
            "kind": "training_unit",
            "parent_id": regency["id"],
        },
        op,
    )
    assert (bkpsdm["sector"], bkpsdm["parent_id"]) == ("regional", regency["id"])
    unit = await system.client_for(bkpsdm["id"], "programs:write", "read")
    pemda = await system.client_for(
        regency["id"], "registry:write", "enrollments:write", "funding:write", "funding:approve", "read"
    )

    program = await created(
        system,
        "enrollment",
        "/programs",
        {
            "provider_id": bkpsdm["id"],
            "title": "Pelatihan Dasar CPNS",
            "pattern": "technical_training",
            "hours_jp": 40,
            "horizon": "short",
            "fiscal_year": YEAR,
            "cost_per_participant_idr": 1_500_000,
        },
        unit,
    )
    assert program["provider_ministry_id"] == regency["id"]
    cohort = await created(
        system,
        "enrollment",
        f"/programs/{program['id']}/cohorts",
        {
            "name": "Angkatan I",
            "starts_on": f"{YEAR}-04-06",
            "ends_on": f"{YEAR}-04-17",
            "location": "central",
            "capacity": 30,
        },
        unit,
    )
    assert (cohort["regional_share_pct"], cohort["reserved_regional"]) == (0, 0)
    line = await created(
        system,
        "funding",
        "/budgets",
        {
            "institution_id": regency["id"],
            "source": "APBD",
            "fiscal_year": YEAR,
            "ceiling_idr": 15_000_000,
            "auto_approve_limit_idr": 15_000_000,
        },
        pemda,
    )

    nip = await register(system, pemda, regency["id"], "Maria Kogoya")
    enrollment = await nominate(system, pemda, cohort["id"], nip, "APBN")
    assert (enrollment["status"], enrollment["seat_class"]) == ("reserved", "regional")
    confirmed = await enrollment_status(system, pemda, enrollment["id"], "confirmed", "rejected")
    assert confirmed["status"] == "confirmed", confirmed
    request = await funding_request_for(system, pemda, enrollment["id"])
    assert (request["source"], request["payer_institution_id"], request["budget_line_id"]) == (
        "APBD",
        regency["id"],
        line["id"],
    )
