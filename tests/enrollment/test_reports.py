"""A scripted year of activity gives the exact JP totals, 10:20:70 mix and DOB picture expected."""

from __future__ import annotations

import uuid
from typing import Any

from tests.enrollment.support import World, funding_fact

YEAR = 2032


async def _complete(world: World, cohort: dict[str, Any], nip: str, by: uuid.UUID, attended: int, passed: bool) -> str:
    e = await world.nominate(cohort, nip, by)
    await world.approve(e["id"])
    r = await world.client.post(
        f"/enrollments/{e['id']}/complete",
        json={"attended_jp": attended, "passed": passed},
        headers=world.headers("bpsdm", "enrollments:complete"),
    )
    assert r.status_code == 200, r.text
    return str(e["id"])


async def test_a_scripted_year_gives_exact_ledger_and_reports(world: World):
    asmat = await world.add_institution(
        "asmat", kind="regency", name="Kabupaten Asmat", parent_id=world.ids["papua_selatan"]
    )
    await world.wait_institutions(asmat)
    a, b, c, d, failed = await world.staff(asmat, 5)
    [p] = await world.staff(asmat, 1, employment="PPPK")
    [jpt] = await world.staff(asmat, 1, employment="PPPK", position_level="jpt_pratama")

    formal = await world.program(pattern="technical_training", hours_jp=20, fiscal_year=YEAR)
    social = await world.program(pattern="coaching", hours_jp=8, fiscal_year=YEAR)
    experiential = await world.program(pattern="on_the_job", hours_jp=30, fiscal_year=YEAR)
    f_cohort = await world.cohort(formal, capacity=10, dob_seats=2)
    s_cohort = await world.cohort(social, capacity=10)
    x_cohort = await world.cohort(experiential, capacity=10)

    await _complete(world, f_cohort, a, asmat, 20, True)
    await _complete(world, s_cohort, a, asmat, 8, True)
    await _complete(world, f_cohort, b, asmat, 12, True)
    await _complete(world, x_cohort, c, asmat, 30, True)
    await _complete(world, f_cohort, d, asmat, 0, False)  # no-show
    await _complete(world, s_cohort, p, asmat, 8, True)
    # A PPPK holding 8 JP may not take a 20 JP training (24 JP a year at most); a JPT PPPK is exempt.
    refused = await world.nominate(f_cohort, p, asmat, expect=422)
    assert refused["errors"][0]["code"] == "pppk_jp_limit" and refused["errors"][0]["field"] == "nip"
    await _complete(world, x_cohort, jpt, asmat, 26, True)
    await _complete(world, f_cohort, failed, asmat, 20, False)  # attended, did not pass: no JP credited
    rejected = await world.nominate(s_cohort, d, asmat)
    await world.bus.publish("funding.rejected", funding_fact(rejected["id"], reason="ceiling_exceeded"))
    await world.wait_status(rejected["id"], "rejected")
    await world.nominate(x_cohort, d, asmat)  # reserved, funding pending
    # A cohort of next year's program ending in January: its JP count in the year it ended, not in YEAR, and
    # the PPPK who holds 8 JP in YEAR may take 20 JP in the new year.
    january = await world.program(pattern="technical_training", hours_jp=20, fiscal_year=YEAR + 1)
    j_cohort = await world.cohort(january, starts_on=f"{YEAR + 1}-01-05", ends_on=f"{YEAR + 1}-01-16")
    await _complete(world, j_cohort, b, asmat, 20, True)
    await _complete(world, j_cohort, p, asmat, 20, True)

    own = world.headers(asmat, "read")
    r = await world.client.get(f"/reports/civil-servants/{a}", params={"year": YEAR}, headers=own)
    assert r.status_code == 200, r.text
    report = r.json()
    assert report["jp"] == {"formal": 20, "social": 8, "experiential": 0}
    assert (report["total_jp"], report["minimum_met"], report["above_pppk_maximum"]) == (28, True, False)
    assert report["completed_enrollments"] == 2
    r = await world.client.get(f"/reports/civil-servants/{b}", params={"year": YEAR}, headers=own)
    assert (r.json()["total_jp"], r.json()["minimum_met"]) == (12, False)
    r = await world.client.get(f"/reports/civil-servants/{d}", params={"year": YEAR}, headers=own)
    assert (r.json()["total_jp"], r.json()["completed_enrollments"]) == (0, 0)
    r = await world.client.get(f"/reports/civil-servants/{failed}", params={"year": YEAR}, headers=own)
    assert (r.json()["total_jp"], r.json()["completed_enrollments"], r.json()["minimum_met"]) == (0, 1, False)
    r = await world.client.get(f"/reports/civil-servants/{p}", params={"year": YEAR}, headers=own)
    pppk = r.json()
    assert (pppk["employment"], pppk["total_jp"], pppk["above_pppk_maximum"]) == ("PPPK", 8, False)
    assert (pppk["minimum_jp"], pppk["minimum_met"], pppk["pppk_maximum_jp"]) == (None, None, 24)
    r = await world.client.get(f"/reports/civil-servants/{jpt}", params={"year": YEAR}, headers=own)
    assert (r.json()["total_jp"], r.json()["pppk_maximum_jp"], r.json()["above_pppk_maximum"]) == (26, None, False)
    r = await world.client.get(f"/reports/civil-servants/{a}", params={"year": YEAR + 1}, headers=own)
    assert r.json()["total_jp"] == 0
    r = await world.client.get(f"/reports/civil-servants/{b}", params={"year": YEAR + 1}, headers=own)
    assert (r.json()["total_jp"], r.json()["minimum_met"]) == (20, True)
    r = await world.client.get(f"/reports/civil-servants/{p}", params={"year": YEAR + 1}, headers=own)
    assert (r.json()["total_jp"], r.json()["above_pppk_maximum"]) == (20, False)

    r = await world.client.get(f"/reports/institutions/{asmat}", params={"year": YEAR}, headers=own)
    inst = r.json()
    assert inst["people_trained"] == 5
    assert inst["jp"] == {"formal": 32, "social": 16, "experiential": 56} and inst["total_jp"] == 104
    assert inst["mix_pct"] == {"formal": 30.77, "social": 15.38, "experiential": 53.85}
    assert inst["target_mix_pct"] == {"formal": 10.0, "social": 20.0, "experiential": 70.0}
    # The 20 JP minimum is counted over PNS only: a and c of the five PNS.
    assert (inst["active_staff"], inst["active_pns"]) == (7, 5)
    assert (inst["staff_meeting_minimum"], inst["share_meeting_minimum_pct"]) == (2, 40.0)

    r = await world.client.get(f"/reports/cohorts/{f_cohort['id']}", headers=own)
    cohort = r.json()
    assert cohort["taken"] == {"central": 0, "regional": 0, "dob": 4}
    assert cohort["regional"] == {
        "required_seats": 3,
        "required_pct": 30.0,
        "taken_seats": 4,
        "achieved_pct": 40.0,
        "met": True,
    }
    assert (cohort["dob"]["required_seats"], cohort["dob"]["taken_seats"], cohort["dob"]["met"]) == (2, 4, True)

    r = await world.client.get("/reports/dob", params={"year": YEAR}, headers=own)
    provinces = {pr["institution_id"]: pr for pr in r.json()["provinces"]}
    papsel = provinces[str(world.ids["papua_selatan"])]
    assert (papsel["people"], papsel["jp"], papsel["seats_taken"]) == (5, 104, 9), papsel
    assert papsel["funding"] == {"reserved": 1, "confirmed": 8, "rejected": 1}
    units = {u["institution_id"]: u for u in papsel["units"]}
    assert units[str(asmat)]["jp"] == 104 and units[str(world.ids["merauke"])]["seats_taken"] == 0
    assert str(world.ids["papua"]) not in provinces  # Papua itself is not a DOB


async def test_reports_of_another_institution_are_refused_unless_coordinator(world: World):
    [nip] = await world.staff(world.ids["jayapura"], 1)
    stranger = world.headers("kemenhub", "read")
    r = await world.client.get(f"/reports/civil-servants/{nip}", headers=stranger)
    assert r.status_code == 404
    r = await world.client.get(f"/reports/institutions/{world.ids['jayapura']}", headers=stranger)
    assert r.status_code == 403
    coordinator = world.issuer.headers(uuid.uuid4(), "read", "coordinator")
    assert (await world.client.get(f"/reports/civil-servants/{nip}", headers=coordinator)).status_code == 200
    r = await world.client.get(f"/reports/institutions/{world.ids['jayapura']}", headers=coordinator)
    assert r.status_code == 200 and r.json()["active_staff"] >= 1
    no_read = world.headers("jayapura", "enrollments:write")
    assert (
        await world.client.get(f"/reports/institutions/{world.ids['jayapura']}", headers=no_read)
    ).status_code == 403
    assert (await world.client.get("/reports/dob")).status_code == 401
