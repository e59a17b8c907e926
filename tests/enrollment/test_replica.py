"""The registry replica is built from Kafka alone and decides who may be nominated."""

from __future__ import annotations

import uuid

from tests.enrollment.support import World, new_nip, servant_snapshot
from tests.support.stack import eventually


async def test_a_registered_civil_servant_becomes_enrollable_through_kafka_alone(world: World):
    program = await world.program()
    cohort = await world.cohort(program, capacity=5)
    nip = new_nip()
    before = await world.nominate(cohort, nip, "kemenhub", expect=422)
    assert "baru didaftarkan tercatat beberapa detik kemudian" in before["detail"]
    await world.bus.publish("civil_servant.registered", servant_snapshot(nip, world.ids["kemenhub"]))
    await world.wait_servants([nip])
    e = await world.nominate(cohort, nip, "kemenhub")
    assert e["status"] == "reserved"


async def test_a_transferred_civil_servant_is_nominated_by_the_new_institution_only(world: World):
    program = await world.program()
    cohort = await world.cohort(program, capacity=5)
    [nip] = await world.staff(world.ids["kemenhub"], 1)
    moved = servant_snapshot(nip, world.ids["merauke"], version=2)
    moved["previous_institution_id"] = str(world.ids["kemenhub"])
    await world.bus.publish("civil_servant.transferred", moved)
    await world.wait_servants([nip], version=2)
    old = await world.nominate(cohort, nip, "kemenhub", expect=422)
    assert "bukan pegawai" in old["detail"]
    e = await world.nominate(cohort, nip, "merauke")
    assert (e["seat_class"], e["is_dob"], e["institution_id"]) == ("dob", True, str(world.ids["merauke"]))


async def test_a_retired_civil_servant_cannot_be_nominated(world: World):
    program = await world.program()
    cohort = await world.cohort(program, capacity=5)
    [nip] = await world.staff(world.ids["papua"], 1)
    await world.bus.publish(
        "civil_servant.retired", servant_snapshot(nip, world.ids["papua"], version=2, status="retired")
    )
    await world.wait_servants([nip], version=2)
    r = await world.nominate(cohort, nip, "papua", expect=422)
    assert "pensiun" in r["detail"]


async def test_an_older_snapshot_never_overwrites_a_newer_one(world: World):
    nip = new_nip()
    await world.bus.publish("civil_servant.transferred", servant_snapshot(nip, world.ids["papua"], version=3))
    await world.wait_servants([nip], version=3)
    # Delivered late: version 2 (and a duplicate of version 3) must change nothing.
    late = await world.bus.publish("civil_servant.registered", servant_snapshot(nip, world.ids["kemenhub"], version=2))
    again = await world.bus.publish(
        "civil_servant.transferred", servant_snapshot(nip, world.ids["kemenhub"], version=3)
    )

    async def both_consumed() -> bool:
        rows = await world.db("SELECT count(*) AS n FROM inbox WHERE event_id = ANY($1::text[])", [late.id, again.id])
        return rows[0]["n"] == 2

    await eventually(both_consumed)
    rows = await world.db("SELECT institution_id, version FROM civil_servants WHERE nip = $1", nip)
    assert (rows[0]["institution_id"], rows[0]["version"]) == (world.ids["papua"], 3)


async def test_an_institution_that_becomes_dob_makes_its_staff_dob_applicants(world: World):
    region = await world.add_institution("new_region", kind="province", name="Provinsi Baru")
    await world.wait_institutions(region)
    [nip] = await world.staff(region, 1)
    updated = {
        "id": str(region),
        "code": f"PRO-{region.hex[:8]}",
        "name": "Provinsi Baru",
        "kind": "province",
        "sector": "regional",
        "parent_id": None,
        "is_new_autonomous_region": True,
        "region_code": None,
        "status": "active",
        "version": 2,
    }
    await world.bus.publish("institution.updated", updated)

    async def is_dob() -> bool:
        rows = await world.db("SELECT is_new_autonomous_region FROM institutions WHERE id = $1::uuid", region)
        return bool(rows and rows[0]["is_new_autonomous_region"])

    await eventually(is_dob)
    program = await world.program()
    cohort = await world.cohort(program, capacity=5, dob_seats=1)
    e = await world.nominate(cohort, nip, uuid.UUID(str(region)))
    assert e["seat_class"] == "dob"
