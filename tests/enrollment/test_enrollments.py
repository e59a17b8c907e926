"""Nominations, the waitlist, cancellation, funding outcomes from Kafka, completion, release of reservations."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from tests.enrollment.support import World, funding_fact
from tests.support.service import RunningService, job_paused
from tests.support.stack import eventually


async def test_nomination_holds_a_seat_then_waitlists_when_the_class_is_full(world: World):
    program = await world.program()
    cohort = await world.cohort(program, capacity=4)  # R = ceil(1.2) = 2, central may take 2
    nips = await world.staff(world.ids["kemenhub"], 3)
    first = await world.nominate(cohort, nips[0], "kemenhub")
    second = await world.nominate(cohort, nips[1], "kemenhub")
    third = await world.nominate(cohort, nips[2], "kemenhub")
    assert [first["status"], second["status"], third["status"]] == ["reserved", "reserved", "waitlisted"]
    assert third["waitlist_position"] == 1 and first["waitlist_position"] is None
    assert first["seat_class"] == "central" and first["institution_id"] == str(world.ids["kemenhub"])
    state = await world.cohort_state(cohort["id"])
    assert state["reserved_regional"] == 2 and state["regional_share_pct"] == 30
    assert state["taken"] == {"central": 2, "regional": 0, "dob": 0}
    assert state["available"] == {"central": 0, "regional": 2, "dob": 2}
    assert state["waitlist_length"] == 1 and state["status"] == "open"
    await world.check_counters(cohort["id"])


async def test_dob_staff_of_a_regency_in_a_dob_province_take_the_dob_class(world: World):
    program = await world.program()
    cohort = await world.cohort(program, capacity=10, dob_seats=1)
    [merauke] = await world.staff(world.ids["merauke"], 1)
    [jayapura] = await world.staff(world.ids["jayapura"], 1)
    dob = await world.nominate(cohort, merauke, "merauke")
    regional = await world.nominate(cohort, jayapura, "jayapura")
    assert (dob["seat_class"], dob["is_dob"], dob["participant_sector"]) == ("dob", True, "regional")
    assert (regional["seat_class"], regional["is_dob"]) == ("regional", False)


async def test_nomination_conflicts_and_invalid_nips(world: World):
    program = await world.program()
    cohort = await world.cohort(program, capacity=1, regional_share_pct=0, waitlist_limit=1)
    a, b, c = await world.staff(world.ids["kemenhub"], 3)
    await world.nominate(cohort, a, "kemenhub")
    dup = await world.nominate(cohort, a, "kemenhub", expect=409)
    assert dup["status"] == 409 and "sudah terdaftar aktif" in dup["detail"]
    await world.nominate(cohort, b, "kemenhub")  # waitlisted, position 1
    full = await world.nominate(cohort, c, "kemenhub", expect=409)
    assert "daftar tunggunya juga penuh" in full["detail"]
    unknown = await world.nominate(cohort, "199001012015031999", "kemenhub", expect=422)
    assert unknown["errors"][0]["field"] == "nip"
    foreign = await world.nominate(cohort, c, "papua", expect=422)
    assert "bukan pegawai" in foreign["detail"]
    missing = await world.client.post(
        f"/cohorts/{uuid.uuid4()}/enrollments",
        json={"nip": c, "funding_source": "APBN"},
        headers=world.headers("kemenhub", "enrollments:write"),
    )
    assert missing.status_code == 404
    bad = await world.client.post(
        f"/cohorts/{cohort['id']}/enrollments",
        json={"nip": c, "funding_source": "CASH", "extra": 1},
        headers=world.headers("kemenhub", "enrollments:write"),
    )
    assert bad.status_code == 422 and bad.headers["content-type"].startswith("application/problem+json")


async def test_a_coordinator_may_nominate_staff_of_any_institution(world: World):
    program = await world.program()
    cohort = await world.cohort(program, capacity=5)
    [nip] = await world.staff(world.ids["papua"], 1)
    coordinator = uuid.uuid4()
    r = await world.client.post(
        f"/cohorts/{cohort['id']}/enrollments",
        json={"nip": nip, "funding_source": "APBD"},
        headers=world.issuer.headers(coordinator, "enrollments:write", "coordinator"),
    )
    assert r.status_code == 201 and r.json()["institution_id"] == str(world.ids["papua"])
    assert r.json()["nominated_by_id"] == str(coordinator)


async def test_idempotency_key_replays_the_first_nomination(world: World):
    program = await world.program()
    cohort = await world.cohort(program, capacity=5)
    a, b = await world.staff(world.ids["kemenhub"], 2)
    headers = {**world.headers("kemenhub", "enrollments:write"), "Idempotency-Key": "nominate-once"}
    url = f"/cohorts/{cohort['id']}/enrollments"
    first = await world.client.post(url, json={"nip": a, "funding_source": "APBN"}, headers=headers)
    again = await world.client.post(url, json={"nip": a, "funding_source": "APBN"}, headers=headers)
    other = await world.client.post(url, json={"nip": b, "funding_source": "APBN"}, headers=headers)
    assert first.status_code == again.status_code == 201 and first.json()["id"] == again.json()["id"]
    assert other.status_code == 409
    assert (await world.cohort_state(cohort["id"]))["taken"]["central"] == 1


async def test_cancel_releases_the_seat_to_the_earliest_waitlisted_applicant_who_fits(world: World):
    program = await world.program()
    cohort = await world.cohort(program, capacity=3)  # R = 1: central may take 2
    c1, c2, c3, c4 = await world.staff(world.ids["kemenhub"], 4)
    [r1] = await world.staff(world.ids["jayapura"], 1)
    e1 = await world.nominate(cohort, c1, "kemenhub")
    await world.nominate(cohort, c2, "kemenhub")
    w3 = await world.nominate(cohort, c3, "kemenhub")
    w4 = await world.nominate(cohort, c4, "kemenhub")
    e5 = await world.nominate(cohort, r1, "jayapura")
    assert (w3["status"], w4["status"], e5["status"]) == ("waitlisted", "waitlisted", "reserved")
    # Another institution cannot cancel (404: not its to see); the provider sees it but may not cancel (403).
    other = await world.client.post(
        f"/enrollments/{e1['id']}/cancel", headers=world.headers("papua", "enrollments:write")
    )
    assert other.status_code == 404
    provider = await world.client.post(
        f"/enrollments/{e1['id']}/cancel", headers=world.headers("bpsdm", "enrollments:write")
    )
    assert provider.status_code == 403
    stale = await world.client.post(
        f"/enrollments/{e1['id']}/cancel",
        headers={**world.headers("kemenhub", "enrollments:write"), "If-Match": '"99"'},
    )
    assert stale.status_code == 412
    r = await world.client.post(
        f"/enrollments/{e1['id']}/cancel",
        json={"reason": "sick"},
        headers=world.headers("kemenhub", "enrollments:write"),
    )
    assert r.status_code == 200 and r.json()["status"] == "cancelled" and r.json()["reason"] == "sick"
    assert (await world.enrollment(w3["id"]))["status"] == "reserved"
    w4_now = await world.enrollment(w4["id"])
    assert w4_now["status"] == "waitlisted" and w4_now["waitlist_position"] == 1
    again = await world.client.post(
        f"/enrollments/{e1['id']}/cancel", headers=world.headers("kemenhub", "enrollments:write")
    )
    assert again.status_code == 409
    # Cancelling a waitlisted nomination frees nothing and just leaves the queue.
    r = await world.client.post(
        f"/enrollments/{w4['id']}/cancel", headers=world.headers("kemenhub", "enrollments:write")
    )
    assert r.json()["status"] == "cancelled"
    state = await world.cohort_state(cohort["id"])
    assert state["taken"] == {"central": 2, "regional": 1, "dob": 0} and state["waitlist_length"] == 0
    await world.check_counters(cohort["id"])


async def test_funding_outcomes_from_kafka_confirm_or_reject_and_promote(world: World):
    program = await world.program()
    cohort = await world.cohort(program, capacity=2, regional_share_pct=0)
    a, b, c = await world.staff(world.ids["kemenhub"], 3)
    ea = await world.nominate(cohort, a, "kemenhub")
    eb = await world.nominate(cohort, b, "kemenhub")
    wc = await world.nominate(cohort, c, "kemenhub")
    assert wc["status"] == "waitlisted"
    confirmed = await world.approve(ea["id"])
    assert confirmed["funding_request_id"] is not None
    await world.bus.publish("funding.rejected", funding_fact(eb["id"], reason="no_budget_line"))
    rejected = await world.wait_status(eb["id"], "rejected")
    assert rejected["reason"] == "no_budget_line"
    assert (await world.enrollment(wc["id"]))["status"] == "reserved"
    # Late and duplicate outcomes change nothing.
    await world.bus.publish("funding.rejected", funding_fact(ea["id"], reason="late"))
    await world.bus.publish("funding.approved", funding_fact(eb["id"]))
    await world.bus.publish("funding.approved", funding_fact(ea["id"]))
    await world.approve(wc["id"])
    assert (await world.enrollment(ea["id"]))["status"] == "confirmed"
    assert (await world.enrollment(eb["id"]))["status"] == "rejected"
    state = await world.cohort_state(cohort["id"])
    assert state["taken"]["central"] == 2 and state["waitlist_length"] == 0
    await world.check_counters(cohort["id"])


async def test_completion_by_the_provider_only_from_confirmed(world: World):
    program = await world.program(hours_jp=24)
    cohort = await world.cohort(program, capacity=5)
    a, b = await world.staff(world.ids["kemenhub"], 2)
    ea = await world.nominate(cohort, a, "kemenhub")
    eb = await world.nominate(cohort, b, "kemenhub")
    url = f"/enrollments/{ea['id']}/complete"
    body = {"attended_jp": 24, "passed": True}
    early = await world.client.post(url, json=body, headers=world.headers("bpsdm", "enrollments:complete"))
    assert early.status_code == 409
    await world.approve(ea["id"])
    await world.approve(eb["id"])
    participant = await world.client.post(url, json=body, headers=world.headers("kemenhub", "enrollments:complete"))
    assert participant.status_code == 403
    stranger = await world.client.post(url, json=body, headers=world.headers("papua", "enrollments:complete"))
    assert stranger.status_code == 404
    too_many = await world.client.post(
        url, json={"attended_jp": 25, "passed": True}, headers=world.headers("bpsdm", "enrollments:complete")
    )
    assert too_many.status_code == 422
    done = await world.client.post(url, json=body, headers=world.headers("kemendagri", "enrollments:complete"))
    assert done.status_code == 200 and done.json()["status"] == "completed" and done.json()["attended_jp"] == 24
    twice = await world.client.post(url, json=body, headers=world.headers("bpsdm", "enrollments:complete"))
    assert twice.status_code == 409
    no_show = await world.client.post(
        f"/enrollments/{eb['id']}/complete",
        json={"attended_jp": 0, "passed": False},
        headers=world.headers("bpsdm", "enrollments:complete"),
    )
    assert no_show.json()["status"] == "no_show"
    cancel_done = await world.client.post(
        f"/enrollments/{ea['id']}/cancel", headers=world.headers("kemenhub", "enrollments:write")
    )
    assert cancel_done.status_code == 409
    await world.check_counters(cohort["id"])


async def test_reservation_release_job_opens_reserved_seats_to_the_waitlist(world: World):
    program = await world.program()
    release_at = datetime.now(UTC) + timedelta(seconds=3)
    cohort = await world.cohort(
        program, capacity=4, regional_share_pct=50, dob_seats=1, reservation_release_at=release_at.isoformat()
    )
    centrals = await world.staff(world.ids["kemenhub"], 4)
    results = [await world.nominate(cohort, nip, "kemenhub") for nip in centrals]
    assert [r["status"] for r in results] == ["reserved", "reserved", "waitlisted", "waitlisted"]

    async def released() -> bool:
        rows = await world.db(
            "SELECT reservations_released_at FROM cohorts WHERE id = $1::uuid", uuid.UUID(cohort["id"])
        )
        return rows[0]["reservations_released_at"] is not None

    await eventually(released, timeout=20)
    assert [(await world.enrollment(r["id"]))["status"] for r in results] == ["reserved"] * 4
    state = await world.cohort_state(cohort["id"])
    assert (state["reserved_regional"], state["dob_seats"]) == (0, 0)
    assert (state["configured_reserved_regional"], state["configured_dob_seats"]) == (2, 1)
    assert state["taken"]["central"] == 4 and state["waitlist_length"] == 0
    await world.check_counters(cohort["id"])


async def test_a_nomination_after_the_release_time_releases_the_reservations_before_the_job_does(
    world: World, service: RunningService
):
    program = await world.program()
    cohort = await world.cohort(program, capacity=2, regional_share_pct=50)  # R = 1: central may take 1
    first, second, third = await world.staff(world.ids["kemenhub"], 3)
    async with job_paused(service, "reservation-release"):
        assert (await world.nominate(cohort, first, "kemenhub"))["status"] == "reserved"
        assert (await world.nominate(cohort, second, "kemenhub"))["status"] == "waitlisted"
        await world.db(
            "UPDATE cohorts SET reservation_release_at = now() - interval '1 second' WHERE id = $1::uuid",
            uuid.UUID(cohort["id"]),
        )
        # Its arrival releases R (promoting the waitlisted second into the freed seat), then it is judged
        # against the released plan: the cohort is full, so it waits.
        late = await world.nominate(cohort, third, "kemenhub")
        state = await world.cohort_state(cohort["id"])
    assert late["status"] == "waitlisted" and late["waitlist_position"] == 1
    assert state["reserved_regional"] == 0 and state["taken"]["central"] == 2
    waiting = await world.db(
        "SELECT status FROM enrollments WHERE cohort_id = $1::uuid AND nip = $2", uuid.UUID(cohort["id"]), second
    )
    assert [r["status"] for r in waiting] == ["reserved"]
    await world.check_counters(cohort["id"])


async def test_cohort_closes_when_enrollment_closes_and_refuses_nominations(world: World):
    program = await world.program()
    closes = datetime.now(UTC) + timedelta(seconds=2)
    cohort = await world.cohort(program, capacity=5, enrollment_closes_at=closes.isoformat())
    a, b = await world.staff(world.ids["kemenhub"], 2)
    await world.nominate(cohort, a, "kemenhub")

    async def closed() -> bool:
        rows = await world.db("SELECT status FROM cohorts WHERE id = $1::uuid", uuid.UUID(cohort["id"]))
        return rows[0]["status"] == "closed"

    await eventually(closed, timeout=20)
    late = await world.nominate(cohort, b, "kemenhub", expect=409)
    assert "ditutup" in late["detail"]
    assert (await world.cohort_state(cohort["id"]))["status"] == "closed"
    events = await world.db(
        "SELECT count(*) AS n FROM event_log WHERE type = 'cohort.closed' AND key = $1", cohort["id"]
    )
    assert events[0]["n"] == 1


async def test_enrollment_reads_are_limited_to_what_the_caller_owns(world: World):
    program = await world.program()
    cohort = await world.cohort(program, capacity=5)
    [nip] = await world.staff(world.ids["kemenhub"], 1)
    e = await world.nominate(cohort, nip, "kemenhub")
    for owner in ("kemenhub", "bpsdm", "kemendagri"):
        r = await world.client.get(f"/enrollments/{e['id']}", headers=world.headers(owner, "read"))
        assert r.status_code == 200, owner
    stranger = await world.client.get(f"/enrollments/{e['id']}", headers=world.headers("papua", "read"))
    assert stranger.status_code == 404
    unauthenticated = await world.client.get(f"/enrollments/{e['id']}")
    assert unauthenticated.status_code == 401
    listed = await world.client.get("/enrollments", params={"nip": nip}, headers=world.headers("papua", "read"))
    assert listed.json() == {"items": [], "next_cursor": None}
    mine = await world.client.get(
        "/enrollments", params={"cohort_id": cohort["id"]}, headers=world.headers("kemenhub", "read")
    )
    assert [i["id"] for i in mine.json()["items"]] == [e["id"]]
    no_scope = await world.client.post(
        f"/cohorts/{cohort['id']}/enrollments",
        json={"nip": nip, "funding_source": "APBN"},
        headers=world.headers("kemenhub", "read"),
    )
    assert no_scope.status_code == 403


async def test_enrollment_list_pages_with_a_cursor(world: World):
    program = await world.program()
    cohort = await world.cohort(program, capacity=10, regional_share_pct=0)
    nips = await world.staff(world.ids["kemenhub"], 5)
    created = [(await world.nominate(cohort, n, "kemenhub"))["id"] for n in nips]
    seen: list[str] = []
    cursor = None
    while True:
        params = {"cohort_id": cohort["id"], "limit": 2, **({"cursor": cursor} if cursor else {})}
        r = await world.client.get("/enrollments", params=params, headers=world.headers("kemenhub", "read"))
        seen += [i["id"] for i in r.json()["items"]]
        cursor = r.json()["next_cursor"]
        if cursor is None:
            break
    assert seen == created
    bad = await world.client.get(
        "/enrollments", params={"cursor": "nonsense"}, headers=world.headers("kemenhub", "read")
    )
    assert bad.status_code == 422


async def test_bad_input_is_a_problem_never_a_server_error(world: World):
    program = await world.program()
    cohort = await world.cohort(program, capacity=2)
    headers = world.headers("kemenhub", "enrollments:write")
    for body in (
        {"nip": "19900101\x002015031001", "funding_source": "APBN"},
        {"nip": "abc", "funding_source": "APBN"},
        {"nip": 12, "funding_source": "APBN"},
        {},
    ):
        r = await world.client.post(f"/cohorts/{cohort['id']}/enrollments", json=body, headers=headers)
        assert r.status_code == 422, body
    r = await world.client.post(
        f"/programs/{program['id']}/cohorts",
        json={
            "name": "A\x00",
            "starts_on": "2030-01-01",
            "ends_on": "2030-01-02",
            "location": "central",
            "capacity": 1,
        },
        headers=world.headers("bpsdm", "programs:write"),
    )
    assert r.status_code == 422
    r = await world.client.get("/reports/civil-servants/12%0034", headers=world.headers("kemenhub", "read"))
    assert r.status_code == 422
    r = await world.client.post(
        f"/enrollments/{uuid.uuid4()}/complete",
        json={"attended_jp": -1, "passed": True},
        headers=world.headers("bpsdm", "enrollments:complete"),
    )
    assert r.status_code == 422
    r = await world.client.get("/cohorts/not-a-uuid", headers=world.headers("kemenhub", "read"))
    assert r.status_code == 422
    rows = await world.db("SELECT count(*) AS n FROM enrollments WHERE cohort_id = $1::uuid", uuid.UUID(cohort["id"]))
    assert rows[0]["n"] == 0
