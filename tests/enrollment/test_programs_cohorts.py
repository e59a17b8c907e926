"""Programs and cohorts: who may create them, defaults from the SPEC, validation, reads."""

from __future__ import annotations

import json
import uuid

from tests.enrollment.support import World


async def test_category_defaults_from_the_pattern_and_the_ministry_is_derived(world: World):
    coaching = await world.program(pattern="coaching")
    assert coaching["category"] == "social"
    assert coaching["provider_ministry_id"] == str(world.ids["kemendagri"])
    otj = await world.program(pattern="on_the_job")
    assert otj["category"] == "experiential"
    chosen = await world.program(pattern="on_the_job", category="formal")
    assert chosen["category"] == "formal"
    by_ministry = await world.program(provider="kemendagri")
    assert by_ministry["provider_ministry_id"] == str(world.ids["kemendagri"])


async def test_only_the_provider_or_its_ministry_may_create_programs(world: World):
    body = {
        "provider_id": str(world.ids["bpsdm"]),
        "title": "Diklat",
        "pattern": "technical_training",
        "hours_jp": 10,
        "horizon": "short",
        "fiscal_year": 2025,
        "cost_per_participant_idr": 100,
    }
    other = await world.client.post("/programs", json=body, headers=world.headers("kemenhub", "programs:write"))
    assert other.status_code == 403
    parent = await world.client.post("/programs", json=body, headers=world.headers("kemendagri", "programs:write"))
    assert parent.status_code == 201
    no_scope = await world.client.post("/programs", json=body, headers=world.headers("bpsdm", "read"))
    assert no_scope.status_code == 403
    regional = {**body, "provider_id": str(world.ids["papua"])}
    r = await world.client.post("/programs", json=regional, headers=world.headers("papua", "programs:write"))
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "provider_id"
    unknown = {**body, "provider_id": str(uuid.uuid4())}
    assert (
        await world.client.post("/programs", json=unknown, headers=world.headers("bpsdm", "programs:write"))
    ).status_code == 422
    for bad in ({"pattern": "seminar"}, {"hours_jp": 0}, {"cost_per_participant_idr": 1.5}, {"surprise": True}):
        r = await world.client.post("/programs", json={**body, **bad}, headers=world.headers("bpsdm", "programs:write"))
        assert r.status_code == 422, bad


async def test_programs_are_listed_with_filters(world: World):
    mine = await world.program(provider="pusdiklat_hub", pattern="mentoring", fiscal_year=2031)
    await world.program(provider="pusdiklat_hub", pattern="coaching", fiscal_year=2031)
    r = await world.client.get(
        "/programs",
        params={"provider_id": str(world.ids["pusdiklat_hub"]), "fiscal_year": 2031, "pattern": "mentoring"},
        headers=world.headers("papua", "read"),
    )
    assert [p["id"] for p in r.json()["items"]] == [mine["id"]]
    one = await world.client.get(f"/programs/{mine['id']}", headers=world.headers("papua", "read"))
    assert one.status_code == 200 and one.headers["etag"] == '"1"'
    assert (
        await world.client.get(f"/programs/{uuid.uuid4()}", headers=world.headers("papua", "read"))
    ).status_code == 404


async def test_cohort_defaults_and_validation(world: World):
    program = await world.program()
    central = await world.cohort(program, capacity=40, dob_seats=4)
    assert (central["regional_share_pct"], central["reserved_regional"], central["dob_seats"]) == (30, 12, 4)
    assert central["available"] == {"central": 28, "regional": 36, "dob": 40}
    regional = await world.cohort(program, location="regional", capacity=20)
    assert (regional["regional_share_pct"], regional["reserved_regional"]) == (0, 0)
    url = f"/programs/{program['id']}/cohorts"
    base = {"name": "X", "starts_on": "2030-01-10", "ends_on": "2030-01-20", "location": "central", "capacity": 10}
    headers = world.headers("bpsdm", "programs:write")
    for bad, field in (
        ({"dob_seats": 4}, "dob_seats"),  # R = 3
        ({"ends_on": "2030-01-01"}, "ends_on"),
        ({"capacity": 0}, "capacity"),
        ({"regional_share_pct": 101}, "regional_share_pct"),
        (
            {"reservation_release_at": "2030-01-05T00:00:00Z", "enrollment_closes_at": "2030-01-04T00:00:00Z"},
            "reservation_release_at",
        ),
    ):
        r = await world.client.post(url, json={**base, **bad}, headers=headers)
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == field, r.text
    foreign = await world.client.post(url, json=base, headers=world.headers("pusdiklat_hub", "programs:write"))
    assert foreign.status_code == 403
    missing = await world.client.post(f"/programs/{uuid.uuid4()}/cohorts", json=base, headers=headers)
    assert missing.status_code == 404


async def test_cohort_opened_is_recorded_with_the_seat_plan(world: World):
    program = await world.program()
    cohort = await world.cohort(program, capacity=40, dob_seats=4)
    rows = await world.db("SELECT data FROM event_log WHERE type = 'cohort.opened' AND key = $1", cohort["id"])
    assert len(rows) == 1
    data = json.loads(rows[0]["data"])
    assert (data["capacity"], data["reserved_regional"], data["dob_seats"], data["fiscal_year"]) == (40, 12, 4, 2025)
