"""Programs and cohorts: who may create them, defaults from the SPEC, validation, reads."""

from __future__ import annotations

import json
import uuid
from typing import Any

from tests.enrollment.support import NEXT_YEAR, THIS_YEAR, World


async def test_category_defaults_from_the_pattern_and_the_ministry_is_derived(world: World):
    coaching = await world.program(pattern="coaching")
    assert coaching["category"] == "social"
    assert coaching["provider_ministry_id"] == str(world.ids["kemendagri"])
    otj = await world.program(pattern="on_the_job")
    assert otj["category"] == "experiential"
    confirmed = await world.program(pattern="on_the_job", category="experiential")
    assert confirmed["category"] == "experiential"
    by_ministry = await world.program(provider="kemendagri")
    assert by_ministry["provider_ministry_id"] == str(world.ids["kemendagri"])


def program_body(world: World, **changes: Any) -> dict[str, Any]:
    """A valid POST /programs body for BPSDM Kemendagri, with changes."""
    body = {
        "provider_id": str(world.ids["bpsdm"]),
        "title": "Diklat",
        "pattern": "technical_training",
        "hours_jp": 10,
        "horizon": "short",
        "fiscal_year": NEXT_YEAR,
        "cost_per_participant_idr": 100,
    }
    return {**body, **changes}


async def test_only_the_provider_or_its_ministry_may_create_programs(world: World):
    body = program_body(world)
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
    year = THIS_YEAR + 5  # a long-horizon year no other test uses
    mine = await world.program(provider="pusdiklat_hub", pattern="mentoring", fiscal_year=year)
    await world.program(provider="pusdiklat_hub", pattern="coaching", fiscal_year=year)
    r = await world.client.get(
        "/programs",
        params={"provider_id": str(world.ids["pusdiklat_hub"]), "fiscal_year": year, "pattern": "mentoring"},
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
    y = NEXT_YEAR
    base = {"name": "X", "starts_on": f"{y}-01-10", "ends_on": f"{y}-01-20", "location": "central", "capacity": 10}
    headers = world.headers("bpsdm", "programs:write")
    for bad, field in (
        ({"dob_seats": 4}, "dob_seats"),  # R = 3
        ({"ends_on": f"{y}-01-01"}, "ends_on"),
        ({"capacity": 0}, "capacity"),
        ({"regional_share_pct": 101}, "regional_share_pct"),
        (
            {"reservation_release_at": f"{y}-01-05T00:00:00Z", "enrollment_closes_at": f"{y}-01-04T00:00:00Z"},
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
    assert (data["capacity"], data["reserved_regional"], data["dob_seats"]) == (40, 12, 4)
    assert (data["fiscal_year"], data["regional_share_reason"]) == (program["fiscal_year"], None)


async def test_the_category_follows_the_pattern_and_a_different_one_is_422_naming_it(world: World):
    body = program_body(world, pattern="on_the_job", category="formal")
    r = await world.client.post("/programs", json=body, headers=world.headers("bpsdm", "programs:write"))
    assert r.status_code == 422, r.text
    [error] = r.json()["errors"]
    assert error["field"] == "category" and "on_the_job termasuk experiential" in error["message"]


async def test_a_program_outside_its_horizon_is_422_on_fiscal_year(world: World):
    body = program_body(world)
    headers = world.headers("bpsdm", "programs:write")
    for horizon, year in (
        ("short", THIS_YEAR - 1),
        ("short", THIS_YEAR + 2),
        ("medium", THIS_YEAR + 5),
        ("long", THIS_YEAR + 20),
        ("long", THIS_YEAR - 1),
    ):
        r = await world.client.post(
            "/programs", json={**body, "horizon": horizon, "fiscal_year": year}, headers=headers
        )
        assert r.status_code == 422, (horizon, year, r.text)
        [error] = r.json()["errors"]
        assert error["field"] == "fiscal_year" and f"bukan {year}" in error["message"], error
    for horizon, year in (("short", THIS_YEAR), ("medium", THIS_YEAR + 4), ("long", THIS_YEAR + 19)):
        r = await world.client.post(
            "/programs", json={**body, "horizon": horizon, "fiscal_year": year}, headers=headers
        )
        assert r.status_code == 201, (horizon, year, r.text)
    rows = await world.db(
        "SELECT count(*) AS n FROM programs WHERE fiscal_year IN ($1, $2)", THIS_YEAR - 1, THIS_YEAR + 20
    )
    assert rows[0]["n"] == 0


async def test_a_cohort_outside_its_programs_fiscal_year_is_422_naming_the_date(world: World):
    program = await world.program()
    y = program["fiscal_year"]
    url = f"/programs/{program['id']}/cohorts"
    base = {"name": "X", "location": "central", "capacity": 10}
    for dates, field in (
        ({"starts_on": f"{y - 1}-12-28", "ends_on": f"{y}-01-05"}, "starts_on"),
        ({"starts_on": f"{y}-12-28", "ends_on": f"{y + 1}-01-05"}, "ends_on"),
        ({"starts_on": f"{y + 1}-02-01", "ends_on": f"{y + 1}-02-05"}, "starts_on"),
    ):
        r = await world.client.post(url, json={**base, **dates}, headers=world.headers("bpsdm", "programs:write"))
        assert r.status_code == 422, r.text
        [error] = r.json()["errors"]
        assert error["field"] == field and f"tahun anggaran programnya, {y}" in error["message"], error
    edges = await world.cohort(program, starts_on=f"{y}-01-01", ends_on=f"{y}-12-31")
    assert (edges["starts_on"], edges["ends_on"]) == (f"{y}-01-01", f"{y}-12-31")


async def test_a_provider_may_raise_the_share_but_not_lower_it(world: World):
    program = await world.program()
    raised = await world.cohort(program, capacity=10, regional_share_pct=60)
    assert (raised["regional_share_pct"], raised["reserved_regional"], raised["regional_share_reason"]) == (60, 6, None)
    url = f"/programs/{program['id']}/cohorts"
    body = {"name": "X", "starts_on": f"{program['fiscal_year']}-05-01", "ends_on": f"{program['fiscal_year']}-05-03"}
    body |= {"location": "central", "capacity": 10}
    provider = world.headers("bpsdm", "programs:write")
    lowered = await world.client.post(
        url, json={**body, "regional_share_pct": 10, "regional_share_reason": "x"}, headers=provider
    )
    assert lowered.status_code == 403, lowered.text
    assert lowered.json()["errors"][0]["field"] == "regional_share_pct"
    pointless = await world.client.post(url, json={**body, "regional_share_reason": "why not"}, headers=provider)
    assert pointless.status_code == 422 and pointless.json()["errors"][0]["field"] == "regional_share_reason"
    rows = await world.db("SELECT count(*) AS n FROM cohorts WHERE program_id = $1", uuid.UUID(program["id"]))
    assert rows[0]["n"] == 1


async def test_a_coordinator_lowers_the_share_with_a_reason_which_is_kept_shown_and_announced(world: World):
    program = await world.program()
    coordinator = world.headers("kemenhub", "programs:write", "coordinator")
    url = f"/programs/{program['id']}/cohorts"
    body = {"name": "X", "starts_on": f"{program['fiscal_year']}-06-01", "ends_on": f"{program['fiscal_year']}-06-05"}
    body |= {"location": "central", "capacity": 20, "regional_share_pct": 10}
    for reason in (None, "   "):
        r = await world.client.post(url, json={**body, "regional_share_reason": reason}, headers=coordinator)
        assert r.status_code == 422, r.text
        assert r.json()["errors"][0]["field"] == "regional_share_reason"
    reason = "Pelatihan khusus peralatan laboratorium pusat; daerah diundang angkatan berikutnya"
    r = await world.client.post(url, json={**body, "regional_share_reason": f" {reason} "}, headers=coordinator)
    assert r.status_code == 201, r.text
    created = r.json()
    assert (created["regional_share_pct"], created["reserved_regional"], created["regional_share_reason"]) == (
        10,
        2,
        reason,
    )
    shown = (await world.client.get(f"/cohorts/{created['id']}", headers=world.headers("papua", "read"))).json()
    assert (shown["regional_share_pct"], shown["regional_share_reason"]) == (10, reason)
    rows = await world.db("SELECT data FROM event_log WHERE type = 'cohort.opened' AND key = $1", created["id"])
    assert json.loads(rows[0]["data"])["regional_share_reason"] == reason
