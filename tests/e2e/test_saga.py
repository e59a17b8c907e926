"""The enrollment saga end to end: only the three services' HTTP APIs, the real Kafka in between."""

from __future__ import annotations

import asyncio
import itertools
import os
import signal
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import pytest

from enrollment.domain.development import current_fiscal_year
from tests.support.stack import eventually
from tests.support.system import ServiceProcess, System

YEAR = current_fiscal_year(datetime.now(UTC)) + 1  # next year: a short-horizon program with cohorts still ahead
COST = 5_000_000
_serials = itertools.count(1)


def new_nip() -> str:
    """A valid NIP: born 1985-03-12, appointed 2010-01, male, a fresh serial (birth day varies past 999)."""
    n = next(_serials)
    return f"198503{12 + n // 999:02d}2010011{n % 999 + 1:03d}"


async def register(system: System, headers: dict[str, str], institution_id: str, name: str) -> str:
    nip = new_nip()
    r = await system.http.post(
        system.url("registry", "/civil-servants"),
        json={
            "nip": nip,
            "name": name,
            "institution_id": institution_id,
            "employment": "PNS",
            "position_kind": "executor",
        },
        headers=headers,
    )
    assert r.status_code == 201, r.text
    return nip


async def nominate(system: System, headers: dict[str, str], cohort_id: str, nip: str, source: str) -> dict[str, Any]:
    """Nominate once the enrollment service's replica knows the NIP (it learns it from Kafka only)."""

    async def attempt() -> dict[str, Any] | None:
        r = await system.http.post(
            system.url("enrollment", f"/cohorts/{cohort_id}/enrollments"),
            json={"nip": nip, "funding_source": source},
            headers=headers,
        )
        if r.status_code == 422:
            return None
        assert r.status_code == 201, r.text
        return r.json()  # type: ignore[no-any-return]

    return await eventually(attempt, timeout=30)  # type: ignore[no-any-return]


@contextmanager
def held(service: ServiceProcess) -> Iterator[None]:
    """The service's process stopped (SIGSTOP) for the block and continued after it; Kafka keeps its events."""
    assert service.process is not None
    os.kill(service.process.pid, signal.SIGSTOP)
    try:
        yield
    finally:
        os.kill(service.process.pid, signal.SIGCONT)


async def enrollment_status(
    system: System, headers: dict[str, str], enrollment_id: str, *wanted: str
) -> dict[str, Any]:
    async def check() -> dict[str, Any] | None:
        r = await system.http.get(system.url("enrollment", f"/enrollments/{enrollment_id}"), headers=headers)
        assert r.status_code == 200, r.text
        return r.json() if r.json()["status"] in wanted else None  # type: ignore[no-any-return]

    return await eventually(check, timeout=45)  # type: ignore[no-any-return]


async def funding_request_for(system: System, headers: dict[str, str], enrollment_id: str) -> dict[str, Any]:
    async def check() -> dict[str, Any] | None:
        r = await system.http.get(system.url("funding", "/funding-requests"), params={"limit": 500}, headers=headers)
        assert r.status_code == 200, r.text
        found = [i for i in r.json()["items"] if i["enrollment_id"] == enrollment_id]
        return found[0] if found else None

    return await eventually(check, timeout=45)  # type: ignore[no-any-return]


async def budget(system: System, headers: dict[str, str], **body: Any) -> dict[str, Any]:
    r = await system.http.post(system.url("funding", "/budgets"), json={"fiscal_year": YEAR, **body}, headers=headers)
    assert r.status_code == 201, r.text
    return r.json()  # type: ignore[no-any-return]


async def budget_line(system: System, headers: dict[str, str], line_id: str) -> dict[str, Any]:
    r = await system.http.get(system.url("funding", f"/budgets/{line_id}"), headers=headers)
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
async def world(system: System) -> dict[str, Any]:
    """Seeded institutions, API clients per role, budget lines and one program with cohorts."""
    op = await system.operator()
    kemendagri = await system.institution_by_code("KEMENDAGRI")
    bpsdm = await system.institution_by_code("BPSDM-KEMENDAGRI")
    papua = await system.institution_by_code("PROV-PAPUA")
    papua_selatan = await system.institution_by_code("PROV-PAPUA-SELATAN")
    w: dict[str, Any] = {
        "op": op,
        "kemendagri": kemendagri,
        "bpsdm": bpsdm,
        "papua": papua,
        "papua_selatan": papua_selatan,
        "provider": await system.client_for(bpsdm["id"], "programs:write", "enrollments:complete", "read"),
        "ministry": await system.client_for(
            kemendagri["id"], "funding:write", "funding:approve", "read", "registry:write", "enrollments:write"
        ),
        "papua_client": await system.client_for(
            papua["id"], "registry:write", "enrollments:write", "funding:write", "funding:approve", "read"
        ),
        "dob_client": await system.client_for(papua_selatan["id"], "registry:write", "enrollments:write", "read"),
    }
    w["apbd_line"] = await budget(
        system,
        w["papua_client"],
        institution_id=papua["id"],
        source="APBD",
        ceiling_idr=100_000_000,
        purpose="general",
        auto_approve_limit_idr=10_000_000,
    )
    w["dob_line"] = await budget(
        system,
        w["ministry"],
        institution_id=kemendagri["id"],
        source="APBN",
        ceiling_idr=50_000_000,
        purpose="dob_facilitation",
        auto_approve_limit_idr=50_000_000,
    )
    w["apbn_line"] = await budget(
        system,
        w["ministry"],
        institution_id=kemendagri["id"],
        source="APBN",
        ceiling_idr=COST - 1,
        purpose="general",
        auto_approve_limit_idr=COST,
    )
    r = await system.http.post(
        system.url("enrollment", "/programs"),
        json={
            "provider_id": bpsdm["id"],
            "title": "Pelatihan Perencanaan Pembangunan Daerah",
            "pattern": "technical_training",
            "hours_jp": 40,
            "horizon": "short",
            "fiscal_year": YEAR,
            "cost_per_participant_idr": COST,
        },
        headers=w["provider"],
    )
    assert r.status_code == 201, r.text
    w["program"] = r.json()
    return w


async def new_cohort(system: System, w: dict[str, Any], **body: Any) -> dict[str, Any]:
    payload = {
        "name": f"Angkatan {uuid.uuid4().hex[:4]}",
        "starts_on": f"{YEAR}-03-01",
        "ends_on": f"{YEAR}-03-05",
        "location": "central",
        "capacity": 10,
        **body,
    }
    r = await system.http.post(
        system.url("enrollment", f"/programs/{w['program']['id']}/cohorts"), json=payload, headers=w["provider"]
    )
    assert r.status_code == 201, r.text
    return r.json()  # type: ignore[no-any-return]


async def test_regional_participant_on_apbd_within_auto_approve_ends_confirmed(system: System, world) -> None:  # type: ignore[no-untyped-def]
    cohort = await new_cohort(system, world)
    nip = await register(system, world["papua_client"], world["papua"]["id"], "Yohanes Wenda")
    enrollment = await nominate(system, world["papua_client"], cohort["id"], nip, "APBD")
    assert enrollment["status"] == "reserved"

    confirmed = await enrollment_status(system, world["papua_client"], enrollment["id"], "confirmed", "rejected")
    assert confirmed["status"] == "confirmed"
    request = await funding_request_for(system, world["papua_client"], enrollment["id"])
    assert request["status"] == "approved" and request["payer_institution_id"] == world["papua"]["id"]
    assert request["amount_idr"] == COST


async def test_dob_participant_waits_for_the_coordinator_then_is_confirmed(system: System, world) -> None:  # type: ignore[no-untyped-def]
    cohort = await new_cohort(system, world, dob_seats=2)
    nip = await register(system, world["dob_client"], world["papua_selatan"]["id"], "Maria Kambu")
    enrollment = await nominate(system, world["dob_client"], cohort["id"], nip, "APBD")
    assert enrollment["status"] == "reserved"

    request = await funding_request_for(system, world["op"], enrollment["id"])
    assert request["status"] == "awaiting_approval"
    assert request["is_dob"] and request["source"] == "APBN" and request["budget_line_id"] == world["dob_line"]["id"]

    refused = await system.http.post(
        system.url("funding", f"/funding-requests/{request['id']}/approve"),
        headers={**world["ministry"], "Idempotency-Key": uuid.uuid4().hex},
    )
    assert refused.status_code == 403, "only a coordinator approves a DOB request"
    assert (await enrollment_status(system, world["op"], enrollment["id"], "reserved"))["status"] == "reserved"

    approved = await system.http.post(
        system.url("funding", f"/funding-requests/{request['id']}/approve"),
        headers={**world["op"], "Idempotency-Key": uuid.uuid4().hex},
    )
    assert approved.status_code == 200, approved.text
    confirmed = await enrollment_status(system, world["dob_client"], enrollment["id"], "confirmed")
    assert confirmed["status"] == "confirmed"


async def test_unfundable_request_rejects_the_enrollment_and_promotes_the_waitlist(system: System, world) -> None:  # type: ignore[no-untyped-def]
    cohort = await new_cohort(system, world, location="regional", capacity=1)
    central_nip = await register(system, world["ministry"], world["kemendagri"]["id"], "Budi Santoso")
    regional_nip = await register(system, world["papua_client"], world["papua"]["id"], "Agustina Yikwa")
    # The funding service is held while both are nominated: otherwise the first's whole saga (rejected,
    # seat released) can finish while the second still waits for the replica to learn its NIP, and the
    # second then finds the seat free instead of joining the waitlist.
    with held(system.services["funding"]):
        first = await nominate(system, world["ministry"], cohort["id"], central_nip, "APBN")
        second = await nominate(system, world["papua_client"], cohort["id"], regional_nip, "APBD")
    assert first["status"] == "reserved"
    assert second["status"] == "waitlisted" and second["waitlist_position"] == 1

    rejected = await enrollment_status(system, world["ministry"], first["id"], "rejected", "confirmed")
    assert rejected["status"] == "rejected", "the APBN line cannot cover the cost"
    request = await funding_request_for(system, world["ministry"], first["id"])
    assert request["status"] == "rejected" and request["reason"] == "insufficient_budget"

    promoted = await enrollment_status(system, world["papua_client"], second["id"], "confirmed")
    assert promoted["status"] == "confirmed", "the released seat went to the waitlisted applicant, who was funded"


async def test_cancellation_releases_the_money_and_completion_realizes_it(system: System, world) -> None:  # type: ignore[no-untyped-def]
    line_id = world["apbd_line"]["id"]
    before = await budget_line(system, world["papua_client"], line_id)
    cohort = await new_cohort(system, world)
    stays = await nominate(
        system,
        world["papua_client"],
        cohort["id"],
        await register(system, world["papua_client"], world["papua"]["id"], "Ruth Tabuni"),
        "APBD",
    )
    leaves = await nominate(
        system,
        world["papua_client"],
        cohort["id"],
        await register(system, world["papua_client"], world["papua"]["id"], "Paulus Gobai"),
        "APBD",
    )
    for e in (stays, leaves):
        await enrollment_status(system, world["papua_client"], e["id"], "confirmed")

    async def line_reaches(committed: int, realized: int) -> dict[str, Any] | None:
        line = await budget_line(system, world["papua_client"], line_id)
        return line if (line["committed_idr"], line["realized_idr"]) == (committed, realized) else None

    base_committed, base_realized = before["committed_idr"], before["realized_idr"]
    await eventually(lambda: line_reaches(base_committed + 2 * COST, base_realized), timeout=30)

    r = await system.http.post(
        system.url("enrollment", f"/enrollments/{leaves['id']}/cancel"), headers=world["papua_client"]
    )
    assert r.status_code == 200, r.text
    await eventually(lambda: line_reaches(base_committed + COST, base_realized), timeout=30)

    r = await system.http.post(
        system.url("enrollment", f"/enrollments/{stays['id']}/complete"),
        json={"attended_jp": 40, "passed": True},
        headers=world["provider"],
    )
    assert r.status_code == 200, r.text
    line = await eventually(lambda: line_reaches(base_committed, base_realized + COST), timeout=30)
    assert line["available_idr"] == line["ceiling_idr"] - line["committed_idr"] - line["realized_idr"]

    r = await system.http.get(
        system.url("enrollment", f"/reports/civil-servants/{stays['nip']}"),
        params={"year": YEAR},
        headers=world["papua_client"],
    )
    assert r.status_code == 200, r.text
    assert r.json()["total_jp"] == 40


async def test_every_event_the_services_emitted_is_in_the_catalogue_and_stays_queryable(system: System, world) -> None:  # type: ignore[no-untyped-def]
    import asyncpg

    r = await system.http.get(system.url("enrollment", "/asyncapi.json"))
    catalogue = {m["name"] for m in r.json()["components"]["messages"].values()}
    emitted: set[str] = set()
    for service in system.services.values():
        conn = await asyncpg.connect(service.dsn)
        try:
            emitted |= {row["type"] for row in await conn.fetch("SELECT DISTINCT type FROM event_log")}
            await eventually(lambda c=conn: _drained(c), timeout=10)
        finally:
            await conn.close()
    assert emitted <= catalogue

    metrics = (await system.http.get(system.url("enrollment", "/metrics"))).text.splitlines()
    seats = {line.split(" ")[0]: float(line.split(" ")[1]) for line in metrics if line.startswith("sinergi_")}
    assert seats['sinergi_seats_taken{cohort_status="open",seat_class="regional"}'] >= 1
    assert seats['sinergi_seats_taken{cohort_status="open",seat_class="dob"}'] >= 1
    assert seats['sinergi_enrollments{status="confirmed"}'] >= 1
    # The scenarios above exercise the whole saga, so these facts must all have been announced.
    assert {
        "institution.registered",
        "civil_servant.registered",
        "cohort.opened",
        "enrollment.reserved",
        "enrollment.waitlisted",
        "enrollment.confirmed",
        "enrollment.rejected",
        "enrollment.cancelled",
        "enrollment.completed",
        "funding.requested",
        "funding.approved",
        "funding.rejected",
        "funding.released",
        "funding.realized",
    } <= emitted


async def _drained(conn) -> bool:  # type: ignore[no-untyped-def]
    return bool(await conn.fetchval("SELECT count(*) = 0 FROM outbox"))


async def test_one_trace_id_follows_a_nomination_across_the_three_services(system: System, world) -> None:  # type: ignore[no-untyped-def]
    import asyncpg

    cohort = await new_cohort(system, world)
    trace_id = uuid.uuid4().hex
    other = await register(system, world["papua_client"], world["papua"]["id"], "Lukas Enembe")
    for _ in range(60):
        r = await system.http.post(
            system.url("enrollment", f"/cohorts/{cohort['id']}/enrollments"),
            json={"nip": other, "funding_source": "APBD"},
            headers={**world["papua_client"], "traceparent": f"00-{trace_id}-{'1' * 16}-01"},
        )
        if r.status_code != 422:
            break
        await asyncio.sleep(0.5)
    assert r.status_code == 201, r.text
    assert r.headers["traceparent"].split("-")[1] == trace_id
    enrollment_id = r.json()["id"]
    await enrollment_status(system, world["papua_client"], enrollment_id, "confirmed")

    async def traced(service: str) -> set[str]:
        conn = await asyncpg.connect(system.services[service].dsn)
        try:
            rows = await conn.fetch("SELECT type FROM event_log WHERE traceparent LIKE $1", f"00-{trace_id}-%")
        finally:
            await conn.close()
        return {row["type"] for row in rows}

    assert {"enrollment.reserved", "enrollment.confirmed"} <= await traced("enrollment")
    assert {"funding.requested", "funding.approved"} <= await traced("funding")
    log = system.services["funding"].log.read_text() + system.services["enrollment"].log.read_text()
    assert f'"trace_id": "{trace_id}"' in log, "the services' JSON logs carry the nomination's trace id"
