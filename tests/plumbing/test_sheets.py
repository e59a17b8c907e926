"""The shared reader of clerks' import files (JSON, CSV as Excel saves it, XLSX), without I/O."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

import openpyxl
import pytest

from sinergi_shared import sheets
from sinergi_shared.language import Text, current_language
from sinergi_shared.problems import PayloadTooLarge, Unprocessable
from sinergi_shared.sheets import XLSX, Columns, Rows, UnsupportedMediaType, WideRow, in_scientific_notation, words

# A sheet of training plans, as a service would describe it: the reader knows nothing else about it.
PLANS = Columns(
    indonesian={
        "nip": "nip",
        "name": "nama",
        "year": "tahun",
        "kind": "jenis_pelatihan",
        "unit_code": "kode_unit",
        "unit_id": "id_unit",
    },
    required=("nip", "name"),
    either=(("unit_code", "unit_id"),),
    values={"kind": words({"teknis": "technical", "manajerial": "managerial"}), "unit_code": str.upper},
    subject=Text(id="rencana pelatihan", en="training plans"),
    help=Text(id="nip, nama, tahun, jenis_pelatihan, kode_unit", en="nip, nama (name), tahun (year), ..."),
)


def read(content: bytes, content_type: str = "text/csv", *, max_rows: int = 100) -> list[tuple[int, Any]]:
    return list(sheets.rows_of(content_type, content, columns=PLANS, max_rows=max_rows))


def workbook(*rows: list[Any]) -> bytes:
    book = openpyxl.Workbook()
    for cells in rows:
        book.active.append(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def refused(content: bytes, content_type: str = "text/csv") -> Unprocessable:
    with pytest.raises(Unprocessable) as caught:
        read(content, content_type)
    return caught.value


@pytest.fixture
def english() -> Iterator[None]:
    token = current_language.set("en")
    yield
    current_language.reset(token)


def test_an_excel_semicolon_csv_with_a_bom_is_read_by_file_line_with_indonesian_headers_and_words() -> None:
    sheet = "NIP;Nama;Tahun;Jenis Pelatihan;Kode Unit;;\r\n1985 0415;Rahman, S.E.;2027;Teknis;bpsdm-a;;\r\n;;;;\r\n"
    sheet += '"19900101";"Ani\r\nWati";2028;manajerial;;;\r\n'
    assert read(sheet.encode("utf-8-sig")) == [
        (2, {"nip": "1985 0415", "name": "Rahman, S.E.", "year": "2027", "kind": "technical", "unit_code": "BPSDM-A"}),
        (4, {"nip": "19900101", "name": "Ani\r\nWati", "year": "2028", "kind": "managerial"}),  # line 3 is blank
    ]


def test_a_comma_csv_with_english_headers_in_any_case_and_spacing_is_read() -> None:
    sheet = 'nip, NAME ,Unit-Id,kind\n1,"Budi, S.H.",u-1,Pelatihan Lain\n'
    assert read(sheet.encode()) == [(2, {"nip": "1", "name": "Budi, S.H.", "unit_id": "u-1", "kind": "Pelatihan Lain"})]


def test_a_csv_that_is_not_utf8_is_read_in_the_windows_code_page() -> None:
    sheet = "nip;nama;kode_unit\n1;José Müller;u\n".encode("cp1252")
    assert read(sheet) == [(2, {"nip": "1", "name": "José Müller", "unit_code": "U"})]


def test_a_row_wider_than_the_header_is_a_wide_row() -> None:
    assert read(b"nip,nama,id_unit\n1,Ani,u,extra\n2,Budi,u,\n") == [
        (2, WideRow(cells=4)),
        (3, {"nip": "2", "name": "Budi", "unit_id": "u"}),
    ]


def test_an_xlsx_sheet_gives_numbers_dates_and_empty_trailing_cells_as_the_clerk_sees_them() -> None:
    book = workbook(
        ["nip", "nama", "tahun", "id_unit", None],
        [198504152010011001, "Siti  Aminah", 2027, 1.5, None],
        [12345, "Dewi", date(2027, 3, 1), datetime(2027, 3, 1, 8, 30)],
        ["7", "Eka", datetime(2027, 3, 1), None, None],
        [None, None, None, None, None],
        [True, "Fajar", None, "u", "lebih"],
    )
    assert read(book, XLSX) == [
        (2, {"nip": "1.98504152010011E+17", "name": "Siti Aminah", "year": "2027", "unit_id": "1.5"}),
        (3, {"nip": "12345", "name": "Dewi", "year": "2027-03-01", "unit_id": "2027-03-01T08:30:00"}),
        (4, {"nip": "7", "name": "Eka", "year": "2027-03-01"}),
        (6, WideRow(cells=5)),
    ]


def test_a_number_in_scientific_notation_is_recognised() -> None:
    assert in_scientific_notation("1,98504E+17") and in_scientific_notation(" 1.98504152010011E+17 ")
    assert in_scientific_notation("2e5")
    assert not in_scientific_notation("198504152010011001") and not in_scientific_notation("E+17")


def test_unknown_missing_and_repeated_columns_are_named_together_in_indonesian() -> None:
    problem = refused(b"nip,NIP,sektor,,tahun\n1,1,x,,2027\n")
    assert problem.errors is not None and problem.errors[0]["field"] == "header"
    assert problem.detail == (
        "header: kolom tidak dikenal: sektor, (kolom tanpa judul); "
        "kolom belum ada: nama (name), kode_unit (unit_code) atau id_unit (unit_id); "
        "kolom tercantum dua kali (dalam bahasa Inggris dan Indonesia, atau dua kali): nip; "
        "kolom yang dikenal: nip, nama, tahun, jenis_pelatihan, kode_unit"
    )
    twice = refused(b"nama,name,nip,kode_unit\n")
    assert "kolom tercantum dua kali (dalam bahasa Inggris dan Indonesia, atau dua kali): nama (name)" in twice.detail


def test_header_problems_are_in_english_on_request(english: None) -> None:
    assert "unknown columns sektor; missing columns nama (name)" in refused(b"nip,sektor,id_unit\n").detail


def test_an_empty_file_a_foreign_workbook_and_a_broken_csv_are_refused_with_a_clear_message() -> None:
    assert "berkas kosong; baris pertama berisi judul kolom: nip, nama" in refused(b"").detail
    assert "bukan buku kerja XLSX" in refused(b"nip;nama\n1;2\n", XLSX).detail
    assert "buku kerja XLSX tidak dapat dibaca" in refused(b"PK\x05\x06" + bytes(18), XLSX).detail
    assert "berkas CSV rusak di sekitar baris 2" in refused(b'nip,nama,id_unit\n1,"' + b"x" * 200_000 + b'",u\n').detail


def test_a_workbook_that_unpacks_too_large_is_413(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sheets, "XLSX_MAX_UNPACKED", 1024)
    with pytest.raises(PayloadTooLarge) as caught:
        read(workbook(["nip", "nama", "id_unit"]), XLSX)
    assert caught.value.detail == "isi buku kerja melebihi 0 MiB setelah dibuka: kirim lembar rencana pelatihan saja"


def test_a_json_array_gives_each_element_by_position_and_anything_else_is_refused() -> None:
    body = b' [ {"nip": "1", "extra": [1, 2]},\n "not an object", null ] '
    assert read(body, "application/json") == [(1, {"nip": "1", "extra": [1, 2]}), (2, "not an object"), (3, None)]
    assert read(b"[]", "") == []
    assert "kirim array JSON berisi rencana pelatihan" in refused(b'{"nip": "1"}', "application/json").detail
    for broken in (b'[{"nip": 1}', b"[1,]", b"[1 2]", b"[1] x", b""):
        assert "bukan JSON yang sah" in refused(broken, "application/json").detail, broken


def test_too_many_rows_are_413_counted_as_the_language_groups_digits(english: None) -> None:
    body = ("[" + ",".join(["1"] * 10_001) + "]").encode()
    with pytest.raises(PayloadTooLarge) as caught:
        read(body, "application/json", max_rows=10_000)
    assert caught.value.detail == "an import takes at most 10,000 rows; this one has 10,001. Split the file."
    current_language.set("id")
    with pytest.raises(PayloadTooLarge) as caught:
        read(b"nip,nama,id_unit\n1,a,u\n2,b,u\n3,c,u\n", max_rows=2)
    assert caught.value.detail == "satu impor paling banyak 2 baris; berkas ini berisi 3 baris. Bagi berkasnya."


def test_rows_are_counted_once_and_read_again_on_every_pass_and_in_slices() -> None:
    rows = sheets.rows_of("text/csv", b"nip,nama,id_unit\n1,a,u\n2,b,u\n3,c,u\n", columns=PLANS, max_rows=3)
    assert isinstance(rows, Rows) and rows.count == 3
    assert [line for line, _ in rows] == [line for line, _ in rows] == [2, 3, 4]
    assert [[line for line, _ in chunk] for chunk in rows.slices(2)] == [[2, 3], [4]]


def test_another_media_type_is_415_naming_the_ones_accepted() -> None:
    with pytest.raises(UnsupportedMediaType) as caught:
        read(b"<rows/>", "application/xml")
    assert caught.value.status == 415
    assert caught.value.detail == (
        f"kirim application/json (array), text/csv, atau {XLSX} (dengan baris judul kolom), bukan application/xml"
    )
