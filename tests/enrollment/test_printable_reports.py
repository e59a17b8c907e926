"""Printed reports on the real stack: each XLSX read back with openpyxl holds the figures of the JSON report of the same
request, each PDF renders with pdftoppm on A4 pages and reads (pdftotext) in Indonesian, or English when asked.

A DOB province P with two regencies A and B sends staff to two K/L's cohorts in a year no other test uses.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.enrollment.plan_support import Clerk, item, new_institution
from tests.enrollment.support import NEXT_YEAR, World
from tests.support.printed import PDF, XLSX, attachment, charts, fact, is_a4, read_pdf, table, workbook

YEAR = 2036  # no other enrollment test ends a cohort in this year


@dataclass
class Year:
    world: World
    province: uuid.UUID
    a: uuid.UUID
    b: uuid.UUID
    cohorts: dict[str, dict[str, Any]]
    people: dict[str, str]


async def _complete(
    world: World, cohort: dict[str, Any], nip: str, by: uuid.UUID, provider: str, **outcome: Any
) -> None:
    e = await world.nominate(cohort, nip, by)
    await world.approve(e["id"])
    done = await world.client.post(
        f"/enrollments/{e['id']}/complete", json=outcome, headers=world.headers(provider, "enrollments:complete")
    )
    assert done.status_code == 200, done.text


@pytest.fixture(scope="module")
async def year(world: World) -> Year:
    suffix = uuid.uuid4().hex[:6]
    province = await world.add_institution(
        f"print-p-{suffix}", kind="province", name=f"Provinsi Cetak {suffix}", dob=True
    )
    a = await world.add_institution(
        f"print-a-{suffix}", kind="regency", name="Kabupaten Asmat Cetak", parent_id=province
    )
    b = await world.add_institution(
        f"print-b-{suffix}", kind="regency", name="Kabupaten Boven Cetak", parent_id=province
    )
    await world.wait_institutions(province, a, b)
    p1, p2 = await world.staff(province, 2)
    a1, a2, a3 = await world.staff(a, 3)
    [a_pppk] = await world.staff(a, 1, employment="PPPK")
    b1, b2 = await world.staff(b, 2)
    [hub] = await world.staff(world.ids["kemenhub"], 1)
    formal = await world.program(pattern="technical_training", hours_jp=20, fiscal_year=YEAR)
    social = await world.program(pattern="coaching", hours_jp=8, fiscal_year=YEAR)
    on_the_job = await world.program(pattern="on_the_job", hours_jp=30, fiscal_year=YEAR)
    hub_program = await world.program("pusdiklat_hub", pattern="technical_training", hours_jp=24, fiscal_year=YEAR)
    cohorts = {
        "formal": await world.cohort(formal, capacity=10, dob_seats=2),
        "social": await world.cohort(social, capacity=6),
        "on_the_job": await world.cohort(on_the_job, capacity=10),
        "hub": await world.cohort(hub_program, "pusdiklat_hub", capacity=5),
    }
    await _complete(world, cohorts["formal"], a1, a, "bpsdm", attended_jp=20, passed=True)
    await _complete(world, cohorts["social"], a1, a, "bpsdm", attended_jp=8, passed=True)
    await _complete(world, cohorts["formal"], a2, a, "bpsdm", attended_jp=12, passed=True)
    await _complete(world, cohorts["on_the_job"], a3, a, "bpsdm", attended_jp=30, passed=True)
    await _complete(world, cohorts["social"], a_pppk, a, "bpsdm", attended_jp=8, passed=True)
    await _complete(world, cohorts["formal"], p1, province, "bpsdm", attended_jp=20, passed=True)
    await _complete(world, cohorts["formal"], b1, b, "bpsdm", attended_jp=0, passed=False)  # no-show
    await _complete(world, cohorts["hub"], hub, world.ids["kemenhub"], "pusdiklat_hub", attended_jp=24, passed=True)
    await _complete(world, cohorts["hub"], b2, b, "pusdiklat_hub", attended_jp=24, passed=True)
    await world.nominate(cohorts["formal"], p2, province)  # reserved, funding pending
    people = {"a1": a1, "a2": a2, "a3": a3, "a_pppk": a_pppk, "p1": p1, "p2": p2, "b1": b1, "b2": b2, "hub": hub}
    return Year(world, province, a, b, cohorts, people)


def coordinator(world: World, **extra: str) -> dict[str, str]:
    return {**world.issuer.headers(uuid.uuid4(), "read", "coordinator"), **extra}


async def _three_ways(
    client: httpx.AsyncClient, path: str, headers: dict[str, str], **params: Any
) -> tuple[dict[str, Any], httpx.Response, httpx.Response]:
    """The JSON report, the same report as XLSX (?format=) and as PDF (Accept), for the same request."""
    as_json = await client.get(path, params=params, headers=headers)
    assert as_json.status_code == 200, as_json.text
    assert as_json.headers["content-type"].startswith("application/json")
    as_xlsx = await client.get(path, params={**params, "format": "xlsx"}, headers=headers)
    as_pdf = await client.get(path, params=params, headers={**headers, "Accept": PDF})
    return as_json.json(), as_xlsx, as_pdf


async def test_compliance_by_institution_and_unit_prints_the_json_figures(year: Year, tmp_path: Path) -> None:
    world = year.world
    own = world.headers(year.province, "read")
    report, as_xlsx, as_pdf = await _three_ways(world.client, f"/reports/institutions/{year.province}", own, year=YEAR)
    assert [u["name"] for u in report["units"]] == ["Kabupaten Asmat Cetak", "Kabupaten Boven Cetak"]
    units = {u["name"]: u for u in report["units"]}
    asmat = units["Kabupaten Asmat Cetak"]
    # a1 has 28 JP, a2 12, a3 30: two of three PNS reach 20 JP; the PPPK's 8 JP count as JP, not toward the minimum.
    assert (asmat["people_trained"], asmat["total_jp"], asmat["active_pns"]) == (4, 78, 3)
    assert (asmat["staff_meeting_minimum"], asmat["share_meeting_minimum_pct"]) == (2, 66.67)
    assert (units["Kabupaten Boven Cetak"]["people_trained"], units["Kabupaten Boven Cetak"]["total_jp"]) == (1, 24)
    assert (report["people_trained"], report["total_jp"], report["staff_meeting_minimum"]) == (1, 20, 1)

    assert (
        attachment(as_xlsx, XLSX)
        == f"kepatuhan-20-jp-{report['institution_name'].lower().replace(' ', '-')}-{YEAR}.xlsx"
    )
    book = workbook(as_xlsx.content)
    summary, mix, by_unit = book.worksheets
    assert summary["A1"].value == "Kepatuhan 20 JP dan Komposisi 10:20:70"
    assert fact(summary, "ASN aktif (PNS dan PPPK)") == report["active_staff"]
    assert fact(summary, "PNS aktif") == report["active_pns"]
    assert fact(summary, "ASN yang dilatih") == report["people_trained"]
    assert fact(summary, "JP yang diakui") == report["total_jp"]
    assert fact(summary, "PNS dengan ≥ 20 JP") == report["staff_meeting_minimum"]
    assert fact(summary, "PNS dengan ≥ 20 JP (%)") == report["share_meeting_minimum_pct"]
    heading, rows = table(mix, "Kategori")
    assert heading == ["Kategori", "JP", "Realisasi (%)", "Sasaran (%)"]
    assert rows == [
        [name, report["jp"][c], report["mix_pct"][c], report["target_mix_pct"][c]]
        for c, name in (
            ("formal", "Pembelajaran formal"),
            ("social", "Pembelajaran sosial"),
            ("experiential", "Pembelajaran berbasis pengalaman"),
        )
    ] + [["Jumlah", report["total_jp"], None, None]]
    assert charts(mix) == [("col", "clustered", ["'Komposisi 10-20-70'!$C$8:$C$10", "'Komposisi 10-20-70'!$D$8:$D$10"])]
    heading, rows = table(by_unit, "Instansi / unit")
    figures = ("active_pns", "people_trained", "total_jp", "staff_meeting_minimum", "share_meeting_minimum_pct")
    assert rows == [
        [report["institution_name"], *(report[f] for f in figures)],
        *([u["name"], *(u[f] for f in figures)] for u in report["units"]),
    ]
    [(_, _, [series])] = charts(by_unit)
    assert series.endswith("$F$8:$F$10")

    assert attachment(as_pdf, PDF).endswith(".pdf")
    printed = read_pdf(as_pdf.content, tmp_path, "compliance")
    assert printed.pages == 1 and is_a4(printed)
    for words in (
        "Kepatuhan 20 JP dan Komposisi 10:20:70",
        report["institution_name"],
        "Pembelajaran berbasis pengalaman",
        "Kepatuhan 20 JP per unit",
        "66,67%",
        "Halaman 1 dari 1",
        "Dicetak",
    ):
        assert words in printed.text, words

    english = await world.client.get(
        f"/reports/institutions/{year.province}",
        params={"year": YEAR, "format": "pdf"},
        headers={**own, "Accept-Language": "en"},
    )
    assert attachment(english, PDF).startswith("20-jp-compliance-")
    assert english.headers["content-language"] == "en"
    printed = read_pdf(english.content, tmp_path, "compliance-en")
    for words in ("20 JP compliance and the 10:20:70 learning mix", "Experiential learning", "66.67%", "Page 1 of 1"):
        assert words in printed.text, words


async def test_the_participant_list_prints_whom_the_caller_may_see(year: Year, tmp_path: Path) -> None:
    world = year.world
    path = f"/reports/cohorts/{year.cohorts['formal']['id']}"
    report, as_xlsx, as_pdf = await _three_ways(world.client, path, world.headers("bpsdm", "read"))
    seated = {p["nip"]: p for p in report["participants"]}
    people = year.people
    assert set(seated) == {people["a1"], people["a2"], people["p1"], people["p2"], people["b1"]}
    assert (seated[people["b1"]]["status"], seated[people["p2"]]["status"]) == ("no_show", "reserved")
    assert {p["seat_class"] for p in report["participants"]} == {"dob"}

    book = workbook(as_xlsx.content)
    listing, seats = book.worksheets
    heading, rows = table(listing, "No.")
    assert heading == ["No.", "NIP", "Nama", "Instansi", "Kelas kursi", "Status peserta", "JP"]
    words = {"reserved": "Menunggu pendanaan", "no_show": "Tidak hadir", "completed": "Lulus"}
    assert rows == [
        [n, p["nip"], p["name"], p["institution_name"], "DOB", words[p["status"]], p["attended_jp"]]
        for n, p in enumerate(report["participants"], start=1)
    ]
    assert [row[2] for row in rows] == sorted(row[2] for row in rows)
    heading, rows = table(seats, "Bagian")
    assert rows == [
        [
            "ASN daerah (termasuk DOB)",
            *(report["regional"][f] for f in ("required_seats", "required_pct", "taken_seats", "achieved_pct")),
            "Ya",
        ],
        [
            "ASN DOB",
            *(report["dob"][f] for f in ("required_seats", "required_pct", "taken_seats", "achieved_pct")),
            "Ya",
        ],
    ]
    assert fact(seats, "Kapasitas") == report["capacity"] == 10
    assert fact(seats, "Kursi terisi, kelas DOB") == report["taken"]["dob"]

    printed = read_pdf(as_pdf.content, tmp_path, "participants")
    assert printed.pages == 1 and is_a4(printed)
    for text in (
        "Daftar Peserta",
        "Pelatihan Teknis Perencanaan (20 JP)",
        "Angkatan I",
        "BPSDM Kemendagri",
        f"2 Maret {YEAR} s.d. 12 Maret {YEAR}",
        people["a1"],
        "Tidak hadir",
        "Menunggu pendanaan",
    ):
        assert text in printed.text, text

    # Personal data: regency B's reader sees its own participant only, in the JSON and in the file.
    theirs = await world.client.get(path, params={"format": "xlsx"}, headers=world.headers(year.b, "read"))
    _, rows = table(workbook(theirs.content).worksheets[0], "No.")
    assert [row[1] for row in rows] == [people["b1"]]
    as_b = await world.client.get(path, headers=world.headers(year.b, "read"))
    assert [p["nip"] for p in as_b.json()["participants"]] == [people["b1"]]
    assert as_b.json()["taken"] == report["taken"]


async def test_regional_share_per_ministry_prints_each_ks_seats(year: Year, tmp_path: Path) -> None:
    world = year.world
    report, as_xlsx, as_pdf = await _three_ways(world.client, "/reports/regional-share", coordinator(world), year=YEAR)
    assert report["scope"] == "all"
    rows_by_name = {m["name"]: m for m in report["ministries"]}
    assert list(rows_by_name) == ["Kemendagri", "Kemenhub"]
    kemendagri = rows_by_name["Kemendagri"]
    # Three cohorts of 10, 6 and 10 seats (30% each: 3 + 2 + 3 reserved); regional staff took 5 + 2 + 1.
    assert (kemendagri["cohorts"], kemendagri["capacity"], kemendagri["required_seats"]) == (3, 26, 8)
    assert (kemendagri["regional_seats"], kemendagri["dob_seats"], kemendagri["cohorts_met"]) == (8, 8, 2)
    kemenhub = rows_by_name["Kemenhub"]
    assert (kemenhub["capacity"], kemenhub["required_seats"], kemenhub["regional_seats"], kemenhub["met"]) == (
        5,
        2,
        1,
        False,
    )
    assert report["total"]["capacity"] == 31 and report["total"]["regional_seats"] == 9

    heading, rows = table(workbook(as_xlsx.content).worksheets[0], "K/L")
    assert heading[4:7] == ["Dicadangkan (%)", "Kursi terisi ASN daerah", "Terisi (%)"]
    figures = (
        "cohorts",
        "capacity",
        "required_seats",
        "required_pct",
        "regional_seats",
        "achieved_pct",
        "dob_seats",
        "cohorts_met",
    )
    assert rows == [
        *([m["name"], *(m[f] for f in figures)] for m in report["ministries"]),
        ["Jumlah", *(report["total"][f] for f in figures)],
    ]
    [(_, grouping, series)] = charts(workbook(as_xlsx.content).worksheets[0])
    assert grouping == "clustered" and [s.split("!")[1] for s in series] == ["$E$8:$E$9", "$G$8:$G$9"]
    printed = read_pdf(as_pdf.content, tmp_path, "regional-share")
    assert printed.pages == 1 and is_a4(printed, landscape=True)
    assert "Realisasi Kursi ASN Daerah per K/L" in printed.text and "Kemenhub" in printed.text

    # A K/L sees its own row only.
    own = await world.client.get(
        "/reports/regional-share", params={"year": YEAR}, headers=world.headers("kemenhub", "read")
    )
    assert own.json()["scope"] == "own" and [m["name"] for m in own.json()["ministries"]] == ["Kemenhub"]


async def test_dob_coverage_by_province_prints_the_json_figures(year: Year, tmp_path: Path) -> None:
    world = year.world
    report, as_xlsx, as_pdf = await _three_ways(world.client, "/reports/dob", world.headers(year.a, "read"), year=YEAR)
    province = next(p for p in report["provinces"] if p["institution_id"] == str(year.province))
    # Staff 2 + 4 + 2; trained: p1, a1, a2, a3, the PPPK, b2.
    assert (province["active_staff"], province["people"], province["coverage_pct"]) == (8, 6, 75.0)
    book = workbook(as_xlsx.content)
    assert len(book.worksheets) == 1 + len(report["provinces"])

    def row(u: dict[str, Any]) -> list[Any]:
        funding = u["funding"]
        figures = (u["active_staff"], u["people"], u["coverage_pct"], u["jp"], u["seats_taken"])
        return [u["name"], *figures, funding["reserved"], funding["confirmed"], funding["rejected"]]

    heading, rows = table(book.worksheets[0], "Wilayah")
    assert heading[:4] == ["Wilayah", "ASN aktif (PNS dan PPPK)", "ASN yang dilatih", "Cakupan (%)"]
    assert rows == [row(p) for p in report["provinces"]]
    for sheet, p in zip(book.worksheets[1:], report["provinces"], strict=True):
        assert table(sheet, "Wilayah")[1] == [row(u) for u in p["units"]]
    assert len(charts(book.worksheets[0])) == 1
    printed = read_pdf(as_pdf.content, tmp_path, "dob")
    assert is_a4(printed) and printed.pages >= 1
    assert "Cakupan Pengembangan Kompetensi ASN DOB" in printed.text and "75,00%" in printed.text


async def test_plan_against_realization_prints_rupiah_the_indonesian_way(world: World, tmp_path: Path) -> None:
    institution = await new_institution(world, parent="papua_selatan")
    nip, other = await world.staff(institution, 2)
    program = await world.program(pattern="technical_training", hours_jp=20, cost_per_participant_idr=1_500_000)
    clerk = Clerk(world, institution)
    plan = await clerk.draft()
    planned = item(nip, target_jp=20, planned_program_id=program["id"], estimated_cost_idr=1_500_000)
    await clerk.added(plan["id"], planned, item(None, pattern="coaching", target_jp=8, estimated_cost_idr=600_000))
    cohort = await world.cohort(program)
    await _complete(world, cohort, nip, institution, "bpsdm", attended_jp=20, passed=True)

    report, as_xlsx, as_pdf = await _three_ways(
        world.client, f"/reports/plans/{plan['id']}", world.headers(institution, "plans:write")
    )
    assert (report["realized_jp"], report["realized_cost_idr"], report["planned_cost_idr"]) == (
        20,
        1_500_000,
        2_100_000,
    )
    book = workbook(as_xlsx.content)
    summary, categories, items = book.worksheets
    assert fact(summary, "Biaya terealisasi") == report["realized_cost_idr"]
    assert (
        summary.cell(
            next(r for r in range(1, summary.max_row + 1) if summary.cell(r, 1).value == "Biaya terealisasi"), 2
        ).number_format
        == '"Rp"#,##0'
    )
    _, rows = table(categories, "Kategori")
    money = ("planned_jp", "realized_jp", "planned_cost_idr", "realized_cost_idr")
    assert rows[0][1:5] == [report["categories"]["formal"][f] for f in money]
    assert rows[-1] == ["Jumlah", *(report[f] for f in money), None, None, None]
    _, rows = table(items, "No.")
    assert [(row[1], row[3], row[5], row[6], row[7], row[8], row[9]) for row in rows] == [
        (nip, "Pelatihan Teknis", 20, 20, 1_500_000, 1_500_000, "Tercapai"),
        ("Pelaksana × 3 orang", "Pembimbingan (Coaching)", 24, 0, 600_000, 0, "Belum dimulai"),
    ]
    assert [row[4] for row in rows] == [str(NEXT_YEAR)] * 2

    printed = read_pdf(as_pdf.content, tmp_path, "plan")
    assert is_a4(printed, landscape=True)
    for text in (
        "Realisasi Rencana Pengembangan Kompetensi",
        "Rp1.500.000",
        "Rp2.100.000",
        "Tercapai",
        "Perencanaan anggaran",
    ):
        assert text in printed.text, text
    assert other not in printed.text


async def test_the_format_is_chosen_by_the_query_then_accept_and_refused_reports_stay_problems(year: Year) -> None:
    world = year.world
    path, own = f"/reports/institutions/{year.a}", world.headers(year.a, "read")
    by_accept = await world.client.get(
        path, params={"year": YEAR}, headers={**own, "Accept": f"application/json;q=0.5, {XLSX}"}
    )
    assert attachment(by_accept, XLSX).endswith(".xlsx") and "Accept" in by_accept.headers["vary"]
    json_wins = await world.client.get(path, params={"year": YEAR, "format": "json"}, headers={**own, "Accept": PDF})
    assert json_wins.headers["content-type"].startswith("application/json") and "Accept" in json_wins.headers["vary"]
    plain = await world.client.get(path, params={"year": YEAR}, headers={**own, "Accept": "text/html,*/*;q=0.8"})
    assert plain.headers["content-type"].startswith("application/json")
    unknown = await world.client.get(path, params={"year": YEAR, "format": "csv"}, headers=own)
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "format"
    # Authorization as the JSON report: another institution's report is 403 as a problem, whatever the format.
    foreign = await world.client.get(path, params={"format": "pdf"}, headers=world.headers("kemenhub", "read"))
    assert foreign.status_code == 403 and foreign.headers["content-type"].startswith("application/problem+json")
    assert (await world.client.get("/reports/regional-share", params={"format": "xlsx"})).status_code == 401
