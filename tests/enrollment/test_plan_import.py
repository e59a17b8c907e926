"""Plan items imported as offices send them (Excel's `;` CSV with a BOM, XLSX, Indonesian headers and words, NIPs
turned into numbers, JSON), every bad row reported in the clerk's language, on the real Postgres and Kafka."""

from __future__ import annotations

import io
import time
import uuid
from typing import Any

import httpx
import openpyxl
import pytest

from tests.enrollment.plan_support import Clerk, item, new_institution
from tests.enrollment.support import NEXT_YEAR, World

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
COMPARED = ("nip", "target_group", "competency", "need", "pattern", "category", "target_jp", "target_year",
            "planned_program_id", "planned_provider_id", "quarter", "estimated_cost_idr", "funding_source")  # fmt: skip


def workbook(*rows: list[Any]) -> bytes:
    """An XLSX file whose first sheet holds these rows, the first being the header."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for cells in rows:
        sheet.append(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def upload(clerk: Clerk, plan_id: str, content: bytes, content_type: str, **headers: str) -> httpx.Response:
    return await clerk.client.post(
        f"/plans/{plan_id}/items/import",
        content=content,
        headers={**clerk.headers(), "Content-Type": content_type, **headers},
    )


async def stored(clerk: Clerk, plan_id: str) -> list[dict[str, Any]]:
    """The plan's items as the API answers them, in the order they were added, with the compared fields."""
    url = f"/plans/{plan_id}/items"
    response = await clerk.client.get(url, params={"limit": 500}, headers=clerk.headers("read"))
    assert response.status_code == 200, response.text
    return [{k: i[k] for k in COMPARED} for i in response.json()["items"]]


async def count(world: World, plan_id: str) -> tuple[int, int]:
    """How many items the plan has, and its version: what a refused import must leave alone."""
    rows = await world.db(
        "SELECT (SELECT count(*) FROM plan_items WHERE plan_id = $1) AS n, version FROM plans WHERE id = $1",
        uuid.UUID(plan_id),
    )
    return rows[0]["n"], rows[0]["version"]


@pytest.fixture
async def clerk(world: World) -> Clerk:
    return Clerk(world, await new_institution(world))


async def test_an_excel_semicolon_csv_with_bom_indonesian_headers_and_words_imports(world: World, clerk: Clerk) -> None:
    [mine] = await world.staff(clerk.institution, 1)
    program = await world.program(pattern="technical_training", fiscal_year=NEXT_YEAR)
    plan = await clerk.draft(horizon="medium", first=NEXT_YEAR, last=NEXT_YEAR + 1)
    grouped = f"{mine[:8]} {mine[8:14]} {mine[14]} {mine[15:]}"  # as a NIP is printed
    sheet = (
        "NIP;Kelompok Jabatan;Jumlah Orang;Jenis Kompetensi;Nama Kompetensi;Kebutuhan;Pola;JP Sasaran;"
        "Tahun Sasaran;ID Program;Triwulan;Perkiraan Biaya;Sumber Dana;;\r\n"
        f"{grouped};;;Teknis;Perencanaan anggaran;Kesenjangan Kompetensi;Pelatihan Teknis;20;{NEXT_YEAR};"
        f"{program['id']};II;Rp1.500.000;apbd;;\r\n"
        f";Pelaksana;12;Sosial Kultural;Pelayanan publik;kesenjangan kinerja;Magang;8;{NEXT_YEAR + 1};;TW IV;"
        "Rp 24.000.000,00;APBD;;\r\n"
        f";fungsional;3;MANAJERIAL;Kepemimpinan;Karier;coaching;10;{NEXT_YEAR};;1;3000000;APBN;;\r\n"
    )
    response = await upload(clerk, plan["id"], sheet.encode("utf-8-sig"), "text/csv")
    assert response.status_code == 200, response.text
    assert response.json() == {"imported": 3, "rejected": []}
    assert response.headers["ETag"] == '"2"'  # one import, one new version
    common = {"planned_program_id": None, "planned_provider_id": None}
    assert await stored(clerk, plan["id"]) == [
        {"nip": mine, "target_group": None, "competency": {"type": "technical", "name": "Perencanaan anggaran"},
         "need": "competency_gap", "pattern": "technical_training", "category": "formal", "target_jp": 20,
         "target_year": NEXT_YEAR, "planned_program_id": program["id"], "planned_provider_id": str(world.ids["bpsdm"]),
         "quarter": 2, "estimated_cost_idr": 1_500_000, "funding_source": "APBD"},
        {"nip": None, "target_group": {"position_kind": "executor", "count": 12},
         "competency": {"type": "socio_cultural", "name": "Pelayanan publik"}, "need": "performance_gap",
         "pattern": "apprenticeship", "category": "experiential", "target_jp": 8, "target_year": NEXT_YEAR + 1,
         **common, "quarter": 4, "estimated_cost_idr": 24_000_000, "funding_source": "APBD"},
        {"nip": None, "target_group": {"position_kind": "functional", "count": 3},
         "competency": {"type": "managerial", "name": "Kepemimpinan"}, "need": "career", "pattern": "coaching",
         "category": "social", "target_jp": 10, "target_year": NEXT_YEAR, **common, "quarter": 1,
         "estimated_cost_idr": 3_000_000, "funding_source": "APBN"},
    ]  # fmt: skip


async def test_an_xlsx_workbook_imports_and_a_nip_turned_into_a_number_gets_its_own_error(
    world: World, clerk: Clerk
) -> None:
    first, second = await world.staff(clerk.institution, 2)
    plan = await clerk.draft()
    header = ["nip", "jenis_kompetensi", "nama_kompetensi", "kebutuhan", "pola", "jp_sasaran", "tahun_sasaran",
              "perkiraan_biaya", "sumber_dana"]  # fmt: skip
    book = workbook(
        header,
        [first, "teknis", "Keamanan informasi", "kesenjangan_kompetensi", "in_house_training", 20, NEXT_YEAR,
         "Rp1.500.000", "APBD"],
        [198504152010011001, "teknis", "Arsip", "karier", "mentoring", 4, NEXT_YEAR, 0, "APBD"],  # a number cell
        [second, "manajerial", "Kepemimpinan", "karier", "On the job", 30, NEXT_YEAR, 2_500_000, "apbd"],
    )  # fmt: skip
    response = await upload(clerk, plan["id"], book, XLSX)
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["imported"] == 2
    [rejected] = report["rejected"]
    assert (rejected["line"], rejected["nip"]) == (3, "1.98504152010011E+17")
    [error] = rejected["errors"]
    assert (error["field"], error["code"]) == ("nip", "nip_scientific_notation")
    assert error["message"] == (
        "NIP 1.98504152010011E+17 terbaca sebagai angka berformat ilmiah sehingga digit terakhirnya hilang. "
        "Format kolom NIP sebagai Teks, lalu ketik ulang ke-18 digitnya"
    )
    items = await stored(clerk, plan["id"])
    assert [(i["nip"], i["pattern"], i["estimated_cost_idr"]) for i in items] == [
        (first, "in_house_training", 1_500_000),
        (second, "on_the_job", 2_500_000),
    ]


BAD_ROWS_HEADER = "nip,kelompok_jabatan,jumlah_orang,jenis_kompetensi,nama_kompetensi,kebutuhan,pola,kategori," \
    "jp_sasaran,tahun_sasaran,id_program,perkiraan_biaya,sumber_dana\n"  # fmt: skip


def bad_rows(mine: str, theirs: str, first: int, last: int) -> list[str]:
    """One row per reason a row is refused, each with nothing else wrong."""
    row = "teknis,Perencanaan,kesenjangan_kompetensi,pelatihan_teknis,,20,{year},{program},1000000,APBD"
    return [
        f"{theirs},,,{row.format(year=first, program='')}",  # a person of another institution
        f"{mine},,,{row.format(year=first, program=uuid.uuid4())}",  # an unknown program
        f"{mine},,,{row.format(year=last + 1, program='')}",  # a year outside the plan
        f"{mine},,,teknis,Pendampingan,karier,coaching,formal,10,{first},,0,APBD",  # the category not the pattern's
        f"{mine},,,teknis,Belajar,karier,pelatihan_jarak_jauh,,10,{first},,0,APBD",  # no pattern the sheet knows
        f",,,{row.format(year=first, program='')}",  # nobody: neither a NIP nor a group
        f"{mine},,,{row.format(year=first, program='')},x",  # a cell past the header
    ]


async def test_each_bad_row_is_reported_by_line_in_indonesian_and_only_the_good_rows_are_stored(
    world: World, clerk: Clerk
) -> None:
    mine = (await world.staff(clerk.institution, 1))[0]
    [theirs] = await world.staff(world.ids["jayapura"], 1)
    plan = await clerk.draft(horizon="medium", first=NEXT_YEAR, last=NEXT_YEAR + 1)
    good = f"{mine},,,teknis,Perencanaan,kesenjangan_kompetensi,pelatihan_teknis,,20,{NEXT_YEAR},,1000000,APBD"
    sheet = BAD_ROWS_HEADER + "\n".join([good, *bad_rows(mine, theirs, NEXT_YEAR, NEXT_YEAR + 1), good]) + "\n"
    response = await upload(clerk, plan["id"], sheet.encode(), "text/csv")
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["imported"] == 2
    by_line = {r["line"]: [(e["field"], e["message"]) for e in r["errors"]] for r in report["rejected"]}
    assert by_line == {
        3: [("nip", "ASN ini bukan pegawai instansi pemilik rencana")],
        4: [("planned_program_id", "program ini tidak dikenal")],
        5: [("target_year", f"tahun sasaran harus di antara {NEXT_YEAR} dan {NEXT_YEAR + 1}")],
        6: [("category", "kategori mengikuti pola pengembangan (Perlan LAN 6/2023 pasal 18): coaching termasuk "
                         "social, bukan formal")],
        7: [("pattern", "isi salah satu dari: pelatihan_teknis, pelatihan_fungsional, magang, fasilitasi_daerah, "
                        "in_house_training, coaching, mentoring, on_the_job (atau kode bahasa Inggrisnya)")],
        8: [("nip", "isi tepat satu dari nip atau kelompok_jabatan (dengan jumlah_orang)")],
        9: [("row", "baris ini berisi 14 sel, lebih banyak daripada judul kolom")],
    }  # fmt: skip
    assert [r["nip"] for r in report["rejected"]] == [theirs, mine, mine, mine, mine, None, None]
    assert [i["nip"] for i in await stored(clerk, plan["id"])] == [mine, mine]

    last = NEXT_YEAR + 1
    english = BAD_ROWS_HEADER + "\n".join(bad_rows(mine, theirs, NEXT_YEAR, last)[:3]) + "\n"
    response = await upload(clerk, plan["id"], english.encode(), "text/csv", **{"Accept-Language": "en"})
    assert response.json() == {
        "imported": 0,
        "rejected": [
            {"line": 2, "nip": theirs, "errors": [
                {"field": "nip", "message": "this civil servant is not employed by the plan's institution"}]},
            {"line": 3, "nip": mine, "errors": [{"field": "planned_program_id", "message": "no such program"}]},
            {"line": 4, "nip": mine, "errors": [
                {"field": "target_year", "message": f"the target year must be between {NEXT_YEAR} and {last}"}]},
        ],
    }  # fmt: skip
    assert await count(world, plan["id"]) == (2, 2)  # nothing stored: the plan keeps its version


async def test_a_json_array_imports_items_and_reports_bad_ones_by_position(world: World, clerk: Clerk) -> None:
    mine = (await world.staff(clerk.institution, 1))[0]
    plan = await clerk.draft()
    rows: list[Any] = [
        item(mine),
        item(None),
        item("1.98504152010011E+17"),
        "Budi",
        {**item(mine), "sektor": "pusat"},
        item(mine, competency={"type": "spiritual", "name": "x"}, target_jp=0),
    ]
    response = await clerk.client.post(f"/plans/{plan['id']}/items/import", json=rows, headers=clerk.headers())
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["imported"] == 2
    by_line = {r["line"]: [(e["field"], e["message"]) for e in r["errors"]] for r in report["rejected"]}
    assert by_line[3][0][0] == "nip" and report["rejected"][0]["errors"][0]["code"] == "nip_scientific_notation"
    assert by_line[4] == [("row", "harus berupa objek JSON")]
    assert by_line[5] == [("sektor", "kolom ini tidak dikenal")]
    assert by_line[6] == [
        ("competency.type", "harus salah satu dari: technical, managerial atau socio_cultural"),
        ("target_jp", "paling kecil 1"),
    ]
    assert [(i["nip"], i["target_group"]) for i in await stored(clerk, plan["id"])] == [
        (mine, None),
        (None, {"position_kind": "executor", "count": 3}),
    ]


async def test_a_sheet_naming_an_unknown_column_is_refused_whole(world: World, clerk: Clerk) -> None:
    mine = (await world.staff(clerk.institution, 1))[0]
    plan = await clerk.draft()
    sheet = BAD_ROWS_HEADER.replace("kategori", "sektor") + (
        f"{mine},,,teknis,Perencanaan,karier,coaching,pusat,10,{NEXT_YEAR},,0,APBD\n"
    )
    response = await upload(clerk, plan["id"], sheet.encode(), "text/csv")
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    [error] = response.json()["errors"]
    assert error["field"] == "header"
    assert error["message"].startswith("kolom tidak dikenal: sektor; kolom yang dikenal: nip, atau kelompok_jabatan")
    assert await count(world, plan["id"]) == (0, 1)


async def test_only_a_draft_takes_an_import(world: World, clerk: Clerk) -> None:
    mine = (await world.staff(clerk.institution, 1))[0]
    plan = await clerk.draft()
    await clerk.added(plan["id"], item(mine))
    assert (await clerk.act(plan["id"], "submit")).status_code == 200
    before = await count(world, plan["id"])
    response = await clerk.client.post(f"/plans/{plan['id']}/items/import", json=[item(mine)], headers=clerk.headers())
    assert response.status_code == 409, response.text
    assert response.json()["detail"] == "Rencana berstatus submitted tidak dapat diubah; hanya rencana berstatus draft."
    assert await count(world, plan["id"]) == before


async def test_more_rows_than_the_limit_are_refused_whole_with_413(world: World, clerk: Clerk) -> None:
    mine = (await world.staff(clerk.institution, 1))[0]
    plan = await clerk.draft()
    row = f"{mine},,,teknis,Perencanaan,karier,coaching,,10,{NEXT_YEAR},,0,APBD\n"
    response = await upload(clerk, plan["id"], (BAD_ROWS_HEADER + row * 10_001).encode(), "text/csv")
    assert response.status_code == 413, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "10.000" in response.json()["detail"] and "10.001" in response.json()["detail"]
    assert await count(world, plan["id"]) == (0, 1)


async def test_a_retried_import_replays_its_answer_and_stores_once(world: World, clerk: Clerk) -> None:
    nips = await world.staff(clerk.institution, 2)
    plan = await clerk.draft()
    rows = [item(nips[0]), item(nips[1]), item("199001012015031001")]
    headers = {**clerk.headers(), "Idempotency-Key": uuid.uuid4().hex}
    url = f"/plans/{plan['id']}/items/import"
    first = await clerk.client.post(url, json=rows, headers=headers)
    again = await clerk.client.post(url, json=rows, headers=headers)
    assert first.status_code == again.status_code == 200, first.text
    assert first.json() == again.json()
    assert first.json()["imported"] == 2 and [r["line"] for r in first.json()["rejected"]] == [3]
    assert first.headers["ETag"] == again.headers["ETag"] == '"2"'
    assert await count(world, plan["id"]) == (2, 2)
    other = await clerk.client.post(url, json=rows[:1], headers=headers)
    assert other.status_code == 409, other.text
    as_csv = await clerk.client.post(url, content=b"nip\n", headers={**headers, "Content-Type": "text/csv"})
    assert as_csv.status_code == 409, as_csv.text
    assert await count(world, plan["id"]) == (2, 2)


async def test_five_thousand_items_import_through_http_as_one_version(world: World, clerk: Clerk) -> None:
    nips = await world.staff(clerk.institution, 50)
    program = await world.program(pattern="technical_training", fiscal_year=NEXT_YEAR)
    plan = await clerk.draft()
    rows = [
        item(nips[n % 50], planned_program_id=program["id"], quarter=1 + n % 4) if n % 5 else item(None)
        for n in range(5_000)
    ]
    started = time.perf_counter()
    response = await clerk.client.post(f"/plans/{plan['id']}/items/import", json=rows, headers=clerk.headers())
    elapsed = time.perf_counter() - started
    print(f"\nimport of 5,000 plan items took {elapsed:.2f}s")  # measured, not asserted: the machine is shared
    assert response.status_code == 200, response.text[:300]
    assert response.json() == {"imported": 5_000, "rejected": []}
    assert await count(world, plan["id"]) == (5_000, 2)  # five slices, one new version


async def test_hostile_json_rows_are_reported_never_a_server_error_and_the_answer_replays(
    world: World, clerk: Clerk
) -> None:
    plan = await clerk.draft()
    body = (
        b'[{"nip": "\\u0000", "x\\u0000y": 1},'  # NUL characters, which Postgres text cannot hold
        b' {"\\ud800": 2},'  # half of a UTF-16 pair
        b' {"competency": {"type": "technical", "name": "a\\u0000b"}, "nip": "1\\ud800"},'
        b" 123456789012345678901234567890, [[[]]], null]"
    )
    headers = {**clerk.headers(), "Content-Type": "application/json", "Idempotency-Key": uuid.uuid4().hex}
    url = f"/plans/{plan['id']}/items/import"
    first = await clerk.client.post(url, content=body, headers=headers)
    assert first.status_code == 200, first.text
    assert first.json()["imported"] == 0 and [r["line"] for r in first.json()["rejected"]] == [1, 2, 3, 4, 5, 6]
    fields = {e["field"]: e["message"] for r in first.json()["rejected"] for e in r["errors"]}
    assert fields["x\\x00y"] == "kolom ini tidak dikenal"
    assert fields["row"] in ("harus berupa objek JSON", "teks harus UTF-8 yang sah (tanpa surrogate tunggal)")
    again = await clerk.client.post(url, content=body, headers=headers)
    assert again.json() == first.json()
    assert await count(world, plan["id"]) == (0, 1)
