"""The system the fault suites run (every service as processes) and the world they nominate in."""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from tests.faults.traffic import COST, YEAR, nip
from tests.support.system import System, start_system, stop_system


@dataclass(frozen=True)
class WorldSize:
    """How many cohorts and staff: enough seats for every fault of a suite to keep the sagas busy."""

    cohorts: int = 12
    regional_staff: int = 900
    dob_staff: int = 300


@pytest.fixture(scope="module")
async def system(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[System]:
    running = await start_system(
        tmp_path_factory.mktemp("fault-logs"),
        split=True,
        ENROLLMENT_RELAY_BATCH_SIZE="20",
        FUNDING_RELAY_BATCH_SIZE="20",
        FUNDING_APPROVAL_TIMEOUT_S="3600",
    )
    try:
        yield running
    finally:
        await stop_system(running)


async def _post(http: httpx.AsyncClient, url: str, headers: dict[str, str], **kwargs: Any) -> dict[str, Any]:
    """POST, waiting while the service's replica has not yet heard of the institution (422)."""
    for _ in range(120):
        r = await http.post(url, headers=headers, **kwargs)
        if r.status_code != 422 or r.json()["errors"][0]["field"] != "institution_id":
            break
        await asyncio.sleep(0.5)
    assert r.status_code in (200, 201), r.text
    return r.json()  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
async def world(system: System, world_size: WorldSize) -> dict[str, Any]:
    """Reference data, clients, budget lines, a program with cohorts and staff known to every replica."""
    size = world_size
    http = system.http
    op = await system.operator()
    kemendagri = await system.institution_by_code("KEMENDAGRI")
    bpsdm = await system.institution_by_code("BPSDM-KEMENDAGRI")
    papua = await system.institution_by_code("PROV-PAPUA")
    selatan = await system.institution_by_code("PROV-PAPUA-SELATAN")
    w: dict[str, Any] = {"op": op}
    w["provider"] = await system.client_for(bpsdm["id"], "programs:write", "read")
    w["papua_client"] = await system.client_for(
        papua["id"], "registry:write", "enrollments:write", "funding:write", "read"
    )
    w["dob_client"] = await system.client_for(selatan["id"], "registry:write", "enrollments:write", "read")
    ministry = await system.client_for(kemendagri["id"], "funding:write", "read")
    await _post(
        http,
        system.url("funding", "/budgets"),
        w["papua_client"],
        json={
            "institution_id": papua["id"],
            "source": "APBD",
            "fiscal_year": YEAR,
            "ceiling_idr": 10**12,
            "auto_approve_limit_idr": 10**9,
        },
    )
    await _post(
        http,
        system.url("funding", "/budgets"),
        ministry,
        json={
            "institution_id": kemendagri["id"],
            "source": "APBN",
            "fiscal_year": YEAR,
            "ceiling_idr": 10**12,
            "purpose": "dob_facilitation",
            "auto_approve_limit_idr": 10**9,
        },
    )
    program = await _post(
        http,
        system.url("enrollment", "/programs"),
        w["provider"],
        json={
            "provider_id": bpsdm["id"],
            "title": "Manajemen Keuangan Daerah",
            "pattern": "technical_training",
            "hours_jp": 30,
            "horizon": "short",
            "fiscal_year": YEAR,
            "cost_per_participant_idr": COST,
        },
    )
    cohorts = [
        await _post(
            http,
            system.url("enrollment", f"/programs/{program['id']}/cohorts"),
            w["provider"],
            json={
                "name": f"Angkatan {i}",
                "starts_on": f"{YEAR}-05-01",
                "ends_on": f"{YEAR}-05-10",
                "location": "central",
                "capacity": 60,
                "dob_seats": 6,
                "waitlist_limit": 1000,
            },
        )
        for i in range(size.cohorts)
    ]
    regional = [nip(i) for i in range(size.regional_staff)]
    dob = [nip(size.regional_staff + i) for i in range(size.dob_staff)]
    for headers, inst, nips in ((w["papua_client"], papua, regional), (w["dob_client"], selatan, dob)):
        rows = [
            {
                "nip": n,
                "name": f"ASN {n[-4:]}",
                "institution_id": inst["id"],
                "employment": "PNS",
                "position_kind": "executor",
            }
            for n in nips
        ]
        report = await _post(http, system.url("registry", "/civil-servants/import"), headers, json=rows)
        assert report["imported"] == len(nips), report
    # Each (NIP, cohort) pair at most once, interleaved regional and DOB, in a fixed random order.
    rng = random.Random(7)
    pairs = [(n, c["id"], False) for n in regional for c in rng.sample(cohorts, 2)]
    pairs += [(n, c["id"], True) for n in dob for c in rng.sample(cohorts, 2)]
    rng.shuffle(pairs)
    # Wait until the enrollment replica knows the last imported servant (it learns through Kafka only).
    last = dob[-1]
    for _ in range(120):
        r = await http.get(
            system.url("enrollment", f"/reports/civil-servants/{last}"), params={"year": YEAR}, headers=op
        )
        if r.status_code == 200:
            break
        await asyncio.sleep(0.5)
    w["pairs"] = iter(pairs)  # consumed across the faults: each (NIP, cohort) pair is nominated once
    return w
