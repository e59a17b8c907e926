"""Imports as real offices send them (Excel's `;` CSV with a BOM, XLSX, Indonesian headers, institution codes,
NIPs turned into numbers) and PPPK numbers checked by the NI PPPK rule, against the real Postgres and Kafka."""

from __future__ import annotations

from typing import Any

import pytest

from registry.domain.nip import today_in_indonesia
from tests.registry.import_support import XLSX, count_in, make_ni_pppk, new_office, row, upload, workbook
from tests.registry.support import create_institution, make_nip
from tests.support.service import RunningService

HEADER = ["nip", "nama", "kode_instansi", "status_kepegawaian", "jenis_jabatan", "jabatan", "golongan"]
COMPARED = ("name", "institution_id", "employment", "position_kind", "position_title", "grade")


@pytest.fixture
async def office(registry: RunningService, operator: dict[str, str]) -> dict[str, Any]:
    return await new_office(registry, operator)


async def stored(registry: RunningService, office: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The office's civil servants as the API answers them, by NIP, with the compared fields."""
    response = await registry.client.get(f"/civil-servants?institution_id={office['id']}", headers=office["clerk"])
    return {c["nip"]: {k: c[k] for k in COMPARED} for c in response.json()["items"]}


async def test_an_excel_semicolon_csv_with_bom_indonesian_headers_and_institution_codes_imports(
    registry: RunningService, office: dict[str, Any]
) -> None:
    pns, pppk = make_nip(), make_ni_pppk()
    sheet = (
        "NIP;Nama;Kode Instansi;Status Kepegawaian;Jenis Jabatan;Jabatan;Golongan;;\r\n"
        f"{pns};Rahman, S.E.;{office['code']};PNS;Struktural;Kepala Bagian Umum;IV/a;;\r\n"
        f"{pppk};Yohana Wenda;{office['code'].lower()};pppk;fungsional;;IX;;\r\n"
    )
    response = await upload(registry, office["clerk"], sheet.encode("utf-8-sig"), "text/csv")
    assert response.status_code == 200, response.text
    assert response.json() == {"imported": 2, "rejected": []}
    assert await stored(registry, office) == {
        pns: {
            "name": "Rahman, S.E.",
            "institution_id": office["id"],
            "employment": "PNS",
            "position_kind": "structural",
            "position_title": "Kepala Bagian Umum",
            "grade": "IV/a",
        },
        pppk: {
            "name": "Yohana Wenda",
            "institution_id": office["id"],
            "employment": "PPPK",
            "position_kind": "functional",
            "position_title": None,
            "grade": "IX",
        },
    }


async def test_an_xlsx_workbook_imports_and_reads_back_as_written(
    registry: RunningService, office: dict[str, Any]
) -> None:
    people = [
        [make_nip(), "Siti Aminah", office["code"], "PNS", "pelaksana", "Pengadministrasi Umum", "II/c"],
        [make_ni_pppk(), "Markus Yikwa", office["code"], "PPPK", "fungsional", "Guru Ahli Pertama", "IX"],
        [make_nip(), "Dewi Lestari", office["code"], "PNS", "struktural", None, None],
    ]
    response = await upload(registry, office["clerk"], workbook(HEADER, *people), XLSX)
    assert response.status_code == 200, response.text
    assert response.json() == {"imported": 3, "rejected": []}
    kinds = {"pelaksana": "executor", "fungsional": "functional", "struktural": "structural"}
    assert await stored(registry, office) == {
        nip: {
            "name": name,
            "institution_id": office["id"],
            "employment": employment,
            "position_kind": kinds[kind],
            "position_title": title,
            "grade": grade,
        }
        for nip, name, _, employment, kind, title, grade in people
    }


async def test_a_nip_in_scientific_notation_gets_its_own_error_and_the_other_rows_are_stored(
    registry: RunningService, office: dict[str, Any]
) -> None:
    code = office["code"]
    good = [make_nip() for _ in range(4)]
    sheet = (
        "nip;nama;kode_instansi;status_kepegawaian;jenis_jabatan\r\n"
        f"{good[0]};Ani;{code};PNS;pelaksana\r\n"
        f"1,98504E+17;Budi;{code};PNS;pelaksana\r\n"  # line 3: the NIP column was a number column
        f"{good[1]};Citra;{code};PNS;pelaksana\r\n"
    )
    from_csv = await upload(registry, office["clerk"], sheet.encode(), "text/csv")
    book = workbook(
        HEADER[:5],
        [good[2], "Dedi", code, "PNS", "pelaksana"],
        [198504152010011001, "Eka", code, "PNS", "pelaksana"],  # row 3: a number cell, as Excel keeps it
        [good[3], "Fajar", code, "PNS", "pelaksana"],
    )
    from_xlsx = await upload(registry, office["clerk"], book, XLSX)
    for response, nip in ((from_csv, "1,98504E+17"), (from_xlsx, "1.98504152010011E+17")):
        assert response.status_code == 200, response.text
        report = response.json()
        assert report["imported"] == 2
        [rejected] = report["rejected"]
        assert (rejected["line"], rejected["nip"]) == (3, nip)
        [error] = rejected["errors"]
        assert (error["field"], error["code"]) == ("nip", "nip_scientific_notation")
        assert "Ubah format kolom NIP menjadi Teks" in error["message"]
    assert set(await stored(registry, office)) == set(good)


async def test_import_rows_are_checked_by_the_rule_of_their_employment(
    registry: RunningService, office: dict[str, Any]
) -> None:
    next_year = today_in_indonesia().year + 1
    ni_pppk = make_ni_pppk()
    rows = [
        row(office["id"], nip=ni_pppk, employment="PPPK"),  # 1 ok: code 13-99 is no month
        row(office["id"], nip=make_ni_pppk(), employment="PNS"),  # 2 an NI PPPK given as a PNS's NIP
        row(office["id"], nip=f"19900913{next_year}241001", employment="PPPK"),  # 3 appointed next year
        row(office["id"], nip="199009132007241001", employment="PPPK"),  # 4 appointed before the year of 18
        row(office["id"], nip="199009132020241001", employment="honorer"),  # 5 unknown employment
    ]
    response = await registry.client.post("/civil-servants/import", json=rows, headers=office["clerk"])
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["imported"] == 1
    by_line = {r["line"]: [e.get("code", e["field"]) for e in r["errors"]] for r in report["rejected"]}
    assert by_line == {
        2: ["appointment_month_invalid"],
        3: ["appointment_in_future"],
        4: ["appointment_before_18"],
        5: ["employment"],  # with no rule to apply, only the parts both numbers share are checked
    }
    assert set(await stored(registry, office)) == {ni_pppk}

    sheet = (
        "nip,nama,kode_instansi,status_kepegawaian,jenis_jabatan\n"
        f"{make_ni_pppk()},Ani,{office['code']},PPPK,pelaksana\n"
        f"{make_ni_pppk()},Budi,{office['code']},PNS,pelaksana\n"
    )
    from_csv = await upload(registry, office["clerk"], sheet.encode(), "text/csv")
    assert from_csv.json()["imported"] == 1
    assert [(r["line"], r["errors"][0]["code"]) for r in from_csv.json()["rejected"]] == [
        (3, "appointment_month_invalid")
    ]


async def test_an_institution_named_by_code_must_exist_be_reachable_and_agree_with_the_id(
    registry: RunningService, operator: dict[str, str], office: dict[str, Any]
) -> None:
    other = await create_institution(registry, operator, kind="agency")
    rows = [
        {**row(office["id"]), "institution_code": office["code"]},  # 1 ok: id and code agree
        {**row(office["id"]), "institution_code": other["code"]},  # 2 they disagree
        {k: v for k, v in row(office["id"]).items() if k != "institution_id"} | {"institution_code": "NO-SUCH"},  # 3
        {k: v for k, v in row(office["id"]).items() if k != "institution_id"} | {"institution_code": other["code"]},
        {k: v for k, v in row(office["id"]).items() if k != "institution_id"},  # 5 no institution at all
    ]
    response = await registry.client.post("/civil-servants/import", json=rows, headers=office["clerk"])
    assert response.status_code == 200, response.text
    assert response.json()["imported"] == 1
    by_line = {r["line"]: [(e["field"], e["message"]) for e in r["errors"]] for r in response.json()["rejected"]}
    assert by_line == {
        2: [("institution_code", "kode dan id menunjuk dua instansi yang berbeda")],
        3: [("institution_code", "tidak ada instansi dengan kode NO-SUCH")],
        4: [("institution_code", "Anda hanya dapat mengimpor ASN instansi Anda sendiri")],
        5: [("institution_id", "sebutkan instansi dengan id atau kodenya")],
    }
    assert await count_in(registry, office["id"]) == 1
    assert await count_in(registry, other["id"]) == 0


async def test_a_file_that_is_no_workbook_or_a_sheet_with_unknown_columns_is_refused_whole(
    registry: RunningService, office: dict[str, Any]
) -> None:
    not_xlsx = await upload(registry, office["clerk"], b"nip;nama\n1;2\n", XLSX)
    assert not_xlsx.status_code == 422
    assert not_xlsx.headers["content-type"] == "application/problem+json"
    assert "bukan buku kerja XLSX" in not_xlsx.json()["detail"]
    bad_header = await upload(registry, office["clerk"], workbook([*HEADER, "sektor"], [make_nip()]), XLSX)
    assert bad_header.status_code == 422
    assert bad_header.json()["errors"][0]["field"] == "header"
    assert "kolom tidak dikenal: sektor" in bad_header.json()["detail"]
    xml = await upload(registry, office["clerk"], b"<rows/>", "application/xml")
    assert xml.status_code == 415
    assert XLSX in xml.json()["detail"]
    assert await count_in(registry, office["id"]) == 0
