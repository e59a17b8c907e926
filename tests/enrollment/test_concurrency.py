"""The seat rule under many simultaneous nominations into one cohort, through two service instances."""

from __future__ import annotations

import asyncio
import random
import uuid
from collections import Counter
from typing import Any

import httpx
import pytest

from enrollment.app import create_app
from enrollment.config import Settings
from enrollment.domain.seat_rule import SeatPlan, Taken, fits, within_rule
from tests.enrollment.support import World
from tests.support.service import RunningService, running_service
from tests.support.tokens import TestIssuer


@pytest.fixture(scope="module")
async def second_instance(service: RunningService, topic_prefix: str, issuer: TestIssuer):
    """Another API instance on the same database (its own engine and pool), as a second replica would run."""
    async with running_service(
        "enrollment",
        settings_factory=Settings,
        create_app=create_app,
        handlers=None,
        topic_prefix=topic_prefix,
        jwks_url=issuer.jwks_url,
        relay=False,
        consumers=False,
        dsn=service.dsn,
    ) as running:
        yield running


@pytest.fixture(scope="module")
async def applicants(world: World) -> list[tuple[str, str]]:
    """300 applicants (NIP, their institution key): 150 central, 100 regional, 50 DOB."""
    groups = [("kemenhub", 150), ("jayapura", 50), ("papua", 50), ("merauke", 25), ("papua_selatan", 25)]
    people: list[tuple[str, str]] = []
    for key, n in groups:
        people += [(nip, key) for nip in await world.staff(world.ids[key], n)]
    return people


async def _storm(
    world: World, clients: list[httpx.AsyncClient], cohort: dict[str, Any], people: list[tuple[str, str]]
) -> list[httpx.Response]:
    """Everyone nominates at once, spread over the instances."""

    async def one(i: int, nip: str, key: str) -> httpx.Response:
        return await clients[i % len(clients)].post(
            f"/cohorts/{cohort['id']}/enrollments",
            json={"nip": nip, "funding_source": "APBN"},
            headers=world.headers(key, "enrollments:write"),
        )

    return await asyncio.gather(*(one(i, nip, key) for i, (nip, key) in enumerate(people)))


async def _assert_exactly_as_the_rule_says(world: World, cohort: dict[str, Any]) -> Counter[tuple[str, str]]:
    """Replaying the nominations in the order the database serialized them gives the same outcome."""
    rows = await world.db(
        "SELECT id, seat_class, status, seq FROM enrollments WHERE cohort_id = $1::uuid ORDER BY seq",
        uuid.UUID(cohort["id"]),
    )
    plan = SeatPlan(cohort["capacity"], cohort["reserved_regional"], cohort["dob_seats"])
    taken = Taken()
    positions = 0
    for row in rows:
        if fits(plan, taken, row["seat_class"]):
            taken = taken.plus(row["seat_class"])
            assert row["status"] == "reserved", row
        else:
            positions += 1
            assert row["status"] == "waitlisted", row
        assert within_rule(plan, taken)
    assert [r["seq"] for r in rows] == list(range(1, len(rows) + 1))
    state = await world.cohort_state(cohort["id"])
    assert state["taken"] == {"central": taken.central, "regional": taken.regional, "dob": taken.dob}
    assert state["waitlist_length"] == positions
    await world.check_counters(cohort["id"])
    return Counter((r["seat_class"], r["status"]) for r in rows)


async def test_300_simultaneous_nominations_over_two_instances_keep_the_seat_rule(
    world: World, service: RunningService, second_instance: RunningService, applicants: list[tuple[str, str]]
):
    program = await world.program(title="Diklat Kepemimpinan")
    for run in range(3):
        cohort = await world.cohort(program, name=f"Angkatan {run + 1}", capacity=40, dob_seats=4)
        assert (cohort["reserved_regional"], cohort["dob_seats"]) == (12, 4)
        people = applicants[:]
        random.Random(run).shuffle(people)
        responses = await _storm(world, [service.client, second_instance.client], cohort, people)
        assert Counter(r.status_code for r in responses) == {201: 300}
        outcome = await _assert_exactly_as_the_rule_says(world, cohort)
        reserved = {c: outcome[(c, "reserved")] for c in ("central", "regional", "dob")}
        assert sum(reserved.values()) == 40
        assert reserved["central"] <= 28 and reserved["central"] + reserved["regional"] <= 36
        assert reserved["regional"] + reserved["dob"] >= 12 and reserved["dob"] >= 4
        # The waitlist positions are 1..n in arrival order.
        waitlisted = [r.json() for r in responses if r.json()["status"] == "waitlisted"]
        assert len(waitlisted) == 260
        listed = await world.client.get(
            "/enrollments",
            params={"cohort_id": cohort["id"], "status": "waitlisted", "limit": 500},
            headers=world.issuer.headers(uuid.uuid4(), "coordinator"),
        )
        positions = [i["waitlist_position"] for i in listed.json()["items"]]
        assert sorted(positions) == list(range(1, 261))


async def test_central_cohort_of_40_at_bpsdm_kemendagri_with_60_central_and_30_regional_nominations(
    world: World, service: RunningService, second_instance: RunningService, applicants: list[tuple[str, str]]
):
    """12 seats held for regional staff, 4 of them for DOB staff; 90 nominations arrive at once."""
    program = await world.program(title="Pelatihan Perencanaan Pembangunan Daerah")
    cohort = await world.cohort(program, capacity=40, regional_share_pct=30, dob_seats=4)
    central = [p for p in applicants if p[1] == "kemenhub"][:60]
    regional = [p for p in applicants if p[1] == "jayapura"][:20] + [p for p in applicants if p[1] == "merauke"][:10]
    people = central + regional
    random.Random(7).shuffle(people)
    responses = await _storm(world, [service.client, second_instance.client], cohort, people)
    assert Counter(r.status_code for r in responses) == {201: 90}
    outcome = await _assert_exactly_as_the_rule_says(world, cohort)
    reserved = {c: outcome[(c, "reserved")] for c in ("central", "regional", "dob")}
    # Central staff never get more than C − R = 28 seats; regional staff (DOB included) at least the 12
    # reserved, DOB staff at least their 4; every seat is taken and the other 50 wait.
    assert reserved["central"] <= 28 and reserved["regional"] + reserved["dob"] >= 12 and reserved["dob"] >= 4
    assert sum(reserved.values()) == 40
    assert sum(n for (_, status), n in outcome.items() if status == "waitlisted") == 50
    state = await world.cohort_state(cohort["id"])
    assert state["available"] == {"central": 0, "regional": 0, "dob": 0}


async def test_the_same_nip_nominated_20_times_at_once_holds_one_seat_and_records_one_event(
    world: World, service: RunningService, second_instance: RunningService
):
    program = await world.program()
    cohort = await world.cohort(program, capacity=5, regional_share_pct=0)
    [nip] = await world.staff(world.ids["kemenhub"], 1)
    responses = await _storm(world, [service.client, second_instance.client], cohort, [(nip, "kemenhub")] * 20)

    statuses = Counter(r.status_code for r in responses)
    assert statuses == {201: 1, 409: 19}, statuses
    [winner] = [r.json() for r in responses if r.status_code == 201]
    assert all(winner["id"] in r.json()["detail"] for r in responses if r.status_code == 409)
    # The losers wrote nothing: no row, no seat, no arrival number, no event.
    rows = await world.db("SELECT id, seq FROM enrollments WHERE cohort_id = $1::uuid", uuid.UUID(cohort["id"]))
    assert [(str(r["id"]), r["seq"]) for r in rows] == [(winner["id"], 1)]
    state = await world.cohort_state(cohort["id"])
    assert state["taken"] == {"central": 1, "regional": 0, "dob": 0}
    [[next_seq]] = await world.db("SELECT next_seq FROM cohorts WHERE id = $1::uuid", uuid.UUID(cohort["id"]))
    assert next_seq == 1
    events = await world.db("SELECT type FROM event_log WHERE type LIKE 'enrollment.%' AND data->>'nip' = $1", nip)
    assert [e["type"] for e in events] == ["enrollment.reserved"]
