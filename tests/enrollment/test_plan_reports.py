"""A scripted year of two plans on the real stack: their realization and demand reports equal figures by hand.

Kementerian M (central) plans for its staff item by item, its training unit T provides programs; Kabupaten R (a
regency of Papua Selatan: DOB) imports its plan from a CSV sheet. Both plans are submitted with warnings and
approved; M's is revised mid-year (an item removed, two added), so reports read the revision in force. Cohorts run,
completions are recorded.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

import pytest

from tests.enrollment.plan_support import APPROVE, WRITE, Clerk, item
from tests.enrollment.support import THIS_YEAR, World

# A year no other test plans for: the demand across every plan in force is this module's alone.
YEAR = THIS_YEAR + 8
MILLION = 1_000_000


@dataclass
class Year:
    """What the scripted year made: institutions, people, programs, plans and their items by name."""

    world: World
    m: uuid.UUID
    t: uuid.UUID
    r: uuid.UUID
    people: dict[str, str] = field(default_factory=dict)
    programs: dict[str, str] = field(default_factory=dict)
    plans: dict[str, dict[str, Any]] = field(default_factory=dict)
    items: dict[str, str] = field(default_factory=dict)

    async def get(self, path: str, who: uuid.UUID | str, *scopes: str, **params: Any) -> dict[str, Any]:
        response = await self.get_response(path, who, *scopes, **params)
        assert response.status_code == 200, response.text
        return response.json()

    async def get_response(self, path: str, who: uuid.UUID | str, *scopes: str, **params: Any) -> Any:
        headers = self.world.headers(who, *scopes) if who != "coordinator" else self._coordinator()
        return await self.world.client.get(path, params=params, headers=headers)

    def _coordinator(self) -> dict[str, str]:
        return self.world.issuer.headers(uuid.uuid4(), "read", "coordinator")


def planned(nip: str | None, pattern: str, target_jp: int, cost: int, **extra: Any) -> dict[str, Any]:
    """An item of YEAR; without a nip, extra carries its target group."""
    return item(nip, pattern=pattern, target_jp=target_jp, target_year=YEAR, estimated_cost_idr=cost, **extra)


async def _complete(
    y: Year, cohort: dict[str, Any], nip: str, by: uuid.UUID, provider: uuid.UUID, **outcome: Any
) -> None:
    """Nominate, have funding approve, and let the provider record the outcome (attended_jp, passed)."""
    e = await y.world.nominate(cohort, nip, by)
    await y.world.approve(e["id"])
    r = await y.world.client.post(
        f"/enrollments/{e['id']}/complete", json=outcome, headers=y.world.headers(provider, "enrollments:complete")
    )
    assert r.status_code == 200, r.text


async def _submitted_and_approved(clerk: Clerk, plan_id: str) -> tuple[dict[str, Any], dict[str, Any]]:
    submitted = await clerk.act(plan_id, "submit")
    assert submitted.status_code == 200, submitted.text
    approved = await clerk.act(plan_id, "approve")
    assert approved.status_code == 200, approved.text
    return submitted.json(), approved.json()


@pytest.fixture(scope="module")
async def year(world: World) -> Year:
    key = uuid.uuid4().hex[:6]
    m = await world.add_institution(f"m-{key}", kind="ministry", name=f"Kementerian {key}")
    t = await world.add_institution(f"t-{key}", kind="training_unit", name=f"Pusdiklat {key}", parent_id=m)
    r = await world.add_institution(
        f"r-{key}", kind="regency", name=f"Kabupaten {key}", parent_id=world.ids["papua_selatan"]
    )
    await world.wait_institutions(m, t, r)
    y = Year(world, m, t, r)
    p = y.people
    p["m1"], p["m2"], p["m3"] = await world.staff(m, 3)
    [p["mp"]] = await world.staff(m, 1, employment="PPPK")
    p["s1"], p["s2"], p["s3"] = await world.staff(m, 3, position_level="administrator")  # structural PNS
    [p["r1"]] = await world.staff(r, 1)
    [p["rp"]] = await world.staff(r, 1, employment="PPPK")
    [p["rs1"]] = await world.staff(r, 1, position_level="administrator")

    for name, provider, pattern, hours, cost in (
        ("P1", f"t-{key}", "technical_training", 20, 3 * MILLION),
        ("P2", f"t-{key}", "coaching", 8, MILLION),
        ("P3", f"t-{key}", "on_the_job", 30, MILLION // 2),
        ("P4", f"t-{key}", "technical_training", 12, 3 * MILLION // 2),
        ("Q", "bpsdm", "mentoring", 6, 750_000),
    ):
        program = await world.program(
            provider, title=f"Program {name}", pattern=pattern, hours_jp=hours, fiscal_year=YEAR,
            cost_per_participant_idr=cost,
        )  # fmt: skip
        y.programs[name] = program["id"]
    prog = y.programs

    # M, revision 1: m1 to P1, m2 to a technical training of T's, the PPPK to P2 and P3, two structural staff to P1.
    m_clerk = Clerk(world, m)
    rev1 = await m_clerk.draft(first=YEAR)
    added = await m_clerk.added(
        rev1["id"],
        planned(p["m1"], "technical_training", 20, 3 * MILLION, planned_program_id=prog["P1"], funding_source="APBN"),
        planned(p["m2"], "technical_training", 20, 2 * MILLION, planned_provider_id=str(t), funding_source="APBN"),
        planned(p["mp"], "coaching", 8, MILLION, planned_program_id=prog["P2"], funding_source="APBN"),
        planned(p["mp"], "on_the_job", 20, MILLION // 2, planned_program_id=prog["P3"], funding_source="APBN"),
        planned(None, "technical_training", 20, 6 * MILLION, planned_program_id=prog["P1"], funding_source="APBN",
                target_group={"position_kind": "structural", "count": 2}),
    )  # fmt: skip
    for name, body in zip(("m1", "m2", "mp", "mp_otj", "group_m"), added, strict=True):
        y.items[f"rev1:{name}"] = body["id"]
    y.plans["m_rev1_submitted"], _ = await _submitted_and_approved(m_clerk, rev1["id"])

    # R imports its plan from the sheet its clerks keep (Indonesian headers and words): r1 to P1 and to BPSDM's
    # mentoring Q, the PPPK to P2, three structural staff on the job with T.
    r_clerk = Clerk(world, r)
    r_plan = await r_clerk.draft(first=YEAR)
    sheet = (
        "NIP;Kelompok Jabatan;Jumlah Orang;Jenis Kompetensi;Nama Kompetensi;Kebutuhan;Pola;JP Sasaran;"
        "Tahun Sasaran;ID Program;ID Penyelenggara;Triwulan;Perkiraan Biaya;Sumber Dana\r\n"
        f"{p['r1']};;;Teknis;Perencanaan anggaran;Kesenjangan Kompetensi;Pelatihan Teknis;20;{YEAR};{prog['P1']};;"
        "II;Rp3.000.000;APBD\r\n"
        f"{p['rp']};;;Manajerial;Pelayanan publik;Kesenjangan Kinerja;Coaching;8;{YEAR};{prog['P2']};;II;"
        "Rp1.000.000;APBD\r\n"
        f";Struktural;3;Teknis;Tata kelola data;Kesenjangan Kompetensi;On the job;10;{YEAR};;{t};III;"
        "Rp1.500.000;APBD\r\n"
        f"{p['r1']};;;Sosial Kultural;Komunikasi publik;Karier;Mentoring;6;{YEAR};{prog['Q']};;IV;Rp750.000;APBD\r\n"
    )
    headers = r_clerk.headers(**{"Content-Type": "text/csv"})
    imported = await world.client.post(f"/plans/{r_plan['id']}/items/import", content=sheet.encode(), headers=headers)
    assert imported.status_code == 200, imported.text
    assert imported.json() == {"imported": 4, "rejected": []}
    stored = (await r_clerk.get(r_plan["id"])).json()["items"]
    for name, body in zip(("r1", "rp", "group_r", "r1_q"), stored, strict=True):
        y.items[f"r:{name}"] = body["id"]
    y.plans["r_submitted"], y.plans["r"] = await _submitted_and_approved(r_clerk, r_plan["id"])

    # Mid-year M revises: the PPPK's on-the-job item goes, m2 gets coaching (P2), m3 mentoring with no provider.
    revised = await m_clerk.act(rev1["id"], "revise")
    assert revised.status_code == 201, revised.text
    rev2 = revised.json()
    copied = dict(zip(("m1", "m2", "mp", "mp_otj", "group_m"), (i["id"] for i in rev2["items"]), strict=True))
    gone = await m_clerk.client.delete(f"/plans/{rev2['id']}/items/{copied.pop('mp_otj')}", headers=m_clerk.headers())
    assert gone.status_code == 204, gone.text
    added = await m_clerk.added(
        rev2["id"],
        planned(p["m2"], "coaching", 8, MILLION, planned_program_id=prog["P2"], funding_source="APBN"),
        planned(p["m3"], "mentoring", 6, 750_000, funding_source="APBN"),
    )
    y.items.update({f"rev2:{k}": v for k, v in copied.items()})
    y.items["rev2:m2_coaching"], y.items["rev2:m3"] = (body["id"] for body in added)
    y.plans["m_rev2_submitted"], y.plans["m_rev2"] = await _submitted_and_approved(m_clerk, rev2["id"])
    y.plans["m_rev1"] = (await m_clerk.get(rev1["id"])).json()

    # The cohorts run (all end on YEAR-03-12) and the providers record the outcomes, in this order.
    t_key, cohorts = f"t-{key}", {}
    for name in ("P1", "P2", "P3", "P4"):
        cohorts[name] = await world.cohort({"id": prog[name], "fiscal_year": YEAR}, t_key)
    cohorts["Q"] = await world.cohort({"id": prog["Q"], "fiscal_year": YEAR}, "bpsdm")
    bpsdm = world.ids["bpsdm"]
    for cohort, nip, by, provider, attended, passed in (
        ("P1", "m1", m, t, 20, True),  # item m1 (a: same program)
        ("P1", "m2", m, t, 20, False),  # failed: no JP, matches nothing
        ("P1", "s1", m, t, 20, True),  # M's structural group (c), first of two
        ("P1", "s2", m, t, 20, True),  # M's structural group (c), second of two
        ("P1", "s3", m, t, 20, True),  # a third: the group is full
        ("P4", "m2", m, t, 12, True),  # item m2 (b: same pattern and year, another program)
        ("P2", "m2", m, t, 8, True),  # rev. 2: m2's coaching (a); rev. 1: nothing
        ("P2", "mp", m, t, 8, True),  # the PPPK's coaching (a)
        ("Q", "m1", m, bpsdm, 6, True),  # mentoring: m1 has no item of that pattern, nor is a structural
        ("P1", "r1", r, t, 20, True),  # R's r1 (a)
        ("P2", "rp", r, t, 8, True),  # R's PPPK (a)
        ("P3", "rs1", r, t, 30, True),  # R's structural group (c): one person of three
        ("Q", "r1", r, bpsdm, 6, True),  # R's r1 mentoring (a)
    ):
        await _complete(y, cohorts[cohort], p[nip], by, provider, attended_jp=attended, passed=passed)
    return y


def _codes(plan: dict[str, Any]) -> list[tuple[str, int | None]]:
    return [(w["code"], w["count"]) for w in plan["warnings"]]


def test_the_plans_were_submitted_with_the_checks_computed_by_hand(year: Year) -> None:
    # M rev. 1: PNS m1..m3, s1..s3; named JP m1 20, m2 20, mp 20 + 8 = 28 (PPPK above 24); m3, s1..s3 below 20.
    # Mix: formal 20 + 20 + 2 × 20 = 80, social 8, experiential 20 of 108.
    rev1 = year.plans["m_rev1_submitted"]
    assert _codes(rev1) == [("pns_below_minimum", 4), ("pppk_above_maximum", 1), ("mix_off_target", None),
                            ("budget_lines_unknown", None)]  # fmt: skip
    [checks] = rev1["checks"]["years"]
    assert checks["jp"] == {"formal": 80, "social": 8, "experiential": 20} and checks["planned_jp"] == 108
    assert checks["pppk_above_maximum"] == [{"nip": year.people["mp"], "planned_jp": 28}]
    assert (checks["people_planned"], checks["people_planned_by_group"]) == (3, 2)
    assert checks["cost_by_source"]["APBN"] == 12_500_000
    # M rev. 2: mp 8 JP; m2 28; m3 6 still below. Formal 80, social 8 + 8 + 6 = 22, experiential 0.
    rev2 = year.plans["m_rev2_submitted"]
    assert _codes(rev2) == [("pns_below_minimum", 4), ("mix_off_target", None), ("budget_lines_unknown", None)]
    assert rev2["checks"]["years"][0]["jp"] == {"formal": 80, "social": 22, "experiential": 0}
    # R: r1 26 JP, rs1 0 (below); rp 8 of 24. Formal 20, social 8 + 6, experiential 3 × 10 of 64.
    r = year.plans["r_submitted"]
    assert _codes(r) == [("pns_below_minimum", 1), ("mix_off_target", None), ("budget_lines_unknown", None)]
    assert r["checks"]["years"][0]["mix_pct"] == {"formal": 31.25, "social": 21.88, "experiential": 46.88}
    assert r["checks"]["years"][0]["cost_by_source"]["APBD"] == 6_250_000


def _by_item(report: dict[str, Any], year: Year, prefix: str) -> dict[str, tuple[Any, ...]]:
    """(planned_jp, realized_jp, planned cost, realized cost, people planned, trained, status) per item name."""
    names = {v: k.split(":", 1)[1] for k, v in year.items.items() if k.startswith(prefix)}
    keys = ("planned_jp", "realized_jp", "planned_cost_idr", "realized_cost_idr", "people_planned", "people_trained")
    return {names[i["item_id"]]: (*(i[k] for k in keys), i["status"]) for i in report["items"]}


def _figures(report: dict[str, Any]) -> tuple[int, int, int, int]:
    return tuple(report[k] for k in ("planned_jp", "realized_jp", "planned_cost_idr", "realized_cost_idr"))


async def test_the_plan_in_force_reports_each_item_category_and_person_as_computed_by_hand(year: Year) -> None:
    rev2 = year.plans["m_rev2"]
    report = await year.get(f"/reports/plans/{rev2['id']}", year.m, "read")
    assert _by_item(report, year, "rev2:") == {
        "m1": (20, 20, 3 * MILLION, 3 * MILLION, 1, 1, "done"),  # P1 (a)
        "m2": (20, 12, 2 * MILLION, 1_500_000, 1, 1, "partial"),  # P4 (b): 12 of 20 JP
        "mp": (8, 8, MILLION, MILLION, 1, 1, "done"),  # P2 (a)
        "group_m": (40, 40, 6 * MILLION, 6 * MILLION, 2, 2, "done"),  # s1 and s2 on P1; s3 beyond the head count
        "m2_coaching": (8, 8, MILLION, MILLION, 1, 1, "done"),  # P2 (a)
        "m3": (6, 0, 750_000, 0, 1, 0, "not_started"),
    }
    assert [i["item_id"] for i in report["items"]][:4] == [
        year.items[f"rev2:{n}"] for n in ("m1", "m2", "mp", "group_m")
    ]
    # JP 20 + 20 + 8 + 40 + 8 + 6 = 102 planned, 20 + 12 + 8 + 40 + 8 = 88 realized; cost 13.75 M and 12.5 M.
    assert _figures(report) == (102, 88, 13_750_000, 12_500_000)
    assert report["categories"]["formal"] == {"planned_jp": 80, "realized_jp": 72, "planned_cost_idr": 11 * MILLION,
                                              "realized_cost_idr": 10_500_000}  # fmt: skip
    assert report["categories"]["social"] == {"planned_jp": 22, "realized_jp": 16, "planned_cost_idr": 2_750_000,
                                              "realized_cost_idr": 2 * MILLION}  # fmt: skip
    assert report["categories"]["experiential"]["planned_jp"] == 0
    assert report["planned_mix_pct"] == {"formal": 78.43, "social": 21.57, "experiential": 0.0}
    assert report["realized_mix_pct"] == {"formal": 81.82, "social": 18.18, "experiential": 0.0}
    # m1, m2, mp, m3 named and 2 by the group; m1, m2, mp, s1, s2 trained by 6 completions counted.
    assert (report["people_planned"], report["people_trained"], report["completions"]) == (6, 5, 6)
    assert report["items_not_started"] == [year.items["rev2:m3"]]
    assert (report["revision"], report["status"], report["in_force"]) == (2, "approved", True)
    assert report["in_force_by_year"] == [{"year": YEAR, "plan_id": rev2["id"]}]


async def test_the_superseded_revision_still_reports_its_own_items_and_says_it_is_not_in_force(year: Year) -> None:
    rev1, rev2 = year.plans["m_rev1"], year.plans["m_rev2"]
    report = await year.get(f"/reports/plans/{rev1['id']}", year.m, "plans:write")
    assert _by_item(report, year, "rev1:") == {
        "m1": (20, 20, 3 * MILLION, 3 * MILLION, 1, 1, "done"),
        "m2": (20, 12, 2 * MILLION, 1_500_000, 1, 1, "partial"),
        "mp": (8, 8, MILLION, MILLION, 1, 1, "done"),
        "mp_otj": (20, 0, MILLION // 2, 0, 1, 0, "not_started"),
        "group_m": (40, 40, 6 * MILLION, 6 * MILLION, 2, 2, "done"),
    }
    # m2's coaching matches nothing here: rev. 1 plans no coaching for m2.
    assert _figures(report) == (108, 80, 12_500_000, 11_500_000) and report["completions"] == 5
    assert (report["status"], report["superseded_by_id"], report["in_force"]) == ("superseded", rev2["id"], False)
    assert report["in_force_by_year"] == [{"year": YEAR, "plan_id": rev2["id"]}]


async def test_a_regency_plan_counts_a_target_group_by_people_not_jp(year: Year) -> None:
    report = await year.get(f"/reports/plans/{year.plans['r']['id']}", "coordinator")
    assert _by_item(report, year, "r:") == {
        "r1": (20, 20, 3 * MILLION, 3 * MILLION, 1, 1, "done"),
        "rp": (8, 8, MILLION, MILLION, 1, 1, "done"),
        # rs1's 30 JP equal the group's 3 × 10, but by one person of three: partial; P3 costs 0.5 M a participant.
        "group_r": (30, 30, 1_500_000, 500_000, 3, 1, "partial"),
        "r1_q": (6, 6, 750_000, 750_000, 1, 1, "done"),
    }
    assert _figures(report) == (64, 64, 6_250_000, 5_250_000)
    assert (report["people_planned"], report["people_trained"], report["items_not_started"]) == (5, 3, [])
    assert report["realized_mix_pct"] == {"formal": 31.25, "social": 21.88, "experiential": 46.88}


def _demand(report: dict[str, Any], year: Year) -> dict[str, Any]:
    """Per program name and pattern: (institutions, central, regional, dob, total, share %, JP, cost)."""
    names = {v: k for k, v in year.programs.items()}

    def row(d: dict[str, Any]) -> tuple[Any, ...]:
        people = d["people"]
        shape = ("central", "regional", "dob", "total", "regional_share_pct")
        return (d["institutions"], *(people[k] for k in shape), d["planned_jp"], d["estimated_cost_idr"])

    return {
        "programs": [(names[d["program_id"]], row(d)) for d in report["programs"]],
        "patterns": [(d["pattern"], row(d)) for d in report["patterns"]],
    }


# Items naming T, of the plans in force (M rev. 2 and R): P1 has m1 and M's group of 2 (central), r1 (DOB);
# P2 has mp and m2 (central), rp (DOB); m2's technical item names T without a program; R's group of 3 works on
# the job with T. Rev. 1's on-the-job item for the PPPK is superseded and counts nowhere.
DEMAND_FOR_T = {
    "programs": [
        ("P1", (2, 3, 0, 1, 4, 25.0, 20 + 40 + 20, 12 * MILLION)),
        ("P2", (2, 2, 0, 1, 3, 33.33, 24, 3 * MILLION)),
    ],
    "patterns": [
        ("technical_training", (2, 4, 0, 1, 5, 20.0, 100, 14 * MILLION)),
        ("coaching", (2, 2, 0, 1, 3, 33.33, 24, 3 * MILLION)),
        ("on_the_job", (1, 0, 0, 3, 3, 100.0, 30, 1_500_000)),
    ],
}


async def test_the_demand_on_a_provider_sums_the_plans_in_force_by_sector_and_dob(year: Year) -> None:
    as_provider = await year.get("/reports/demand", year.t, "programs:write", fiscal_year=YEAR)
    assert (as_provider["provider_id"], as_provider["plans_in_force"]) == (str(year.t), 2)
    assert _demand(as_provider, year) == DEMAND_FOR_T
    # T's K/L reads its unit's demand with `read`; a coordinator reads any provider's.
    by_ministry = await year.get("/reports/demand", year.m, "read", fiscal_year=YEAR, provider_id=str(year.t))
    by_coordinator = await year.get("/reports/demand", "coordinator", fiscal_year=YEAR, provider_id=str(year.t))
    assert by_ministry == by_coordinator == as_provider
    # Without a provider the coordinator sees every item: Q (BPSDM's, r1) and m3's mentoring with no provider too.
    everything = _demand(await year.get("/reports/demand", "coordinator", fiscal_year=YEAR), year)
    assert everything["programs"] == [*DEMAND_FOR_T["programs"], ("Q", (1, 0, 0, 1, 1, 100.0, 6, 750_000))]
    assert everything["patterns"] == [
        *DEMAND_FOR_T["patterns"][:2],
        ("mentoring", (2, 1, 0, 1, 2, 50.0, 12, 1_500_000)),
        DEMAND_FOR_T["patterns"][2],
    ]
    nothing = await year.get("/reports/demand", year.t, "read", fiscal_year=YEAR + 1)
    assert (nothing["plans_in_force"], nothing["programs"], nothing["patterns"]) == (0, [], [])


async def test_plan_and_demand_reports_are_refused_outside_ones_own_institution(year: Year) -> None:
    m_plan = f"/reports/plans/{year.plans['m_rev2']['id']}"
    for scopes in (("read",), (WRITE,), (APPROVE,)):
        assert (await year.get_response(m_plan, year.r, *scopes)).status_code == 404
    assert (await year.get_response(m_plan, year.m, "enrollments:write")).status_code == 403
    refused = await year.get_response("/reports/demand", year.r, "read", fiscal_year=YEAR, provider_id=str(year.t))
    assert refused.status_code == 403, refused.text
    assert refused.json()["detail"].startswith("kebutuhan pelatihan hanya dapat dilihat")
    bpsdm = str(year.world.ids["bpsdm"])
    other = await year.get_response("/reports/demand", year.t, "programs:write", fiscal_year=YEAR, provider_id=bpsdm)
    assert other.status_code == 403
    assert (await year.get_response("/reports/demand", year.m, WRITE, fiscal_year=YEAR)).status_code == 403
    missing = await year.get_response("/reports/demand", year.t, "read")
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "fiscal_year"
