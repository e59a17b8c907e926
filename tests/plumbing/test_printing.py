"""One report description printed two ways: the XLSX read back holds the described values and charts, the PDF renders
on A4 pages (pdfinfo, pdftoppm, pdftotext) with its tables continued under their heading; which file is asked."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from sinergi_shared.language import current_language
from sinergi_shared.printing import (
    Chart,
    Column,
    Fact,
    Report,
    Section,
    accepted_format,
    file_name,
    formatted,
    to_pdf,
    to_xlsx,
)
from tests.support.printed import charts, fact, is_a4, read_pdf, table, workbook

UNITS = [(f"Kabupaten Uji {n:02d}", 10 + n, 1_500_000 * n, round(100 * n / 90, 2)) for n in range(90)]
REPORT = Report(
    title="Laporan Uji",
    lines=["Instansi: Provinsi Uji", "Tahun 2030"],
    sections=[
        Section(
            "Ringkasan",
            facts=[
                Fact("ASN dilatih", 1234),
                Fact("Biaya", 1_500_000, "rupiah"),
                Fact("Capaian", 40.5, "percent"),
                Fact("Tanggal", date(2026, 12, 3), "date"),
            ],
        ),
        Section(
            "Per unit: kabupaten/kota",
            columns=[
                Column("Unit", width=30),
                Column("ASN", "number"),
                Column("Biaya", "rupiah", 16),
                Column("Capaian", "percent"),
            ],
            rows=UNITS,
            total=("Jumlah", sum(u[1] for u in UNITS), sum(u[2] for u in UNITS), None),
            chart=Chart("Capaian per unit", series=(3,)),
        ),
        Section("Kosong", columns=[Column("Unit")], rows=[]),
    ],
    filename="Laporan Uji: Provinsi Papua Selatan 2030",
)


@pytest.fixture
def english() -> Iterator[None]:
    token = current_language.set("en")
    yield
    current_language.reset(token)


def test_the_workbook_holds_the_described_values_as_numbers_with_their_formats_and_charts() -> None:
    book = workbook(to_xlsx(REPORT))
    assert book.sheetnames == ["Ringkasan", "Per unit- kabupaten-kota", "Kosong"]
    summary, units, empty = book.worksheets
    assert summary["A1"].value == "Laporan Uji" and summary["A2"].value == "Instansi: Provinsi Uji"
    assert (fact(summary, "ASN dilatih"), fact(summary, "Biaya"), fact(summary, "Capaian")) == (1234, 1_500_000, 40.5)
    assert fact(summary, "Tanggal").date() == date(2026, 12, 3)
    heading, rows = table(units, "Unit")
    assert heading == ["Unit", "ASN", "Biaya", "Capaian"]
    assert rows == [list(u) for u in UNITS] + [["Jumlah", sum(u[1] for u in UNITS), sum(u[2] for u in UNITS), None]]
    header = next(r for r in range(1, units.max_row + 1) if units.cell(r, 1).value == "Unit")
    assert units.freeze_panes == f"A{header + 1}"
    assert [units.cell(header + 1, c).number_format for c in (2, 3, 4)] == ["#,##0", '"Rp"#,##0', '0.00"%"']
    # One horizontal bar per unit, plotting the described column, the total row left out.
    assert charts(units) == [("bar", "clustered", [f"'Per unit- kabupaten-kota'!$D${header + 1}:$D${header + 90}"])]
    assert table(empty, "Unit")[1] == [["Tidak ada data untuk bagian ini."]]


def test_the_workbook_speaks_english_when_asked(english: None) -> None:
    units = workbook(to_xlsx(REPORT)).worksheets[1]
    header = next(r for r in range(1, units.max_row + 1) if units.cell(r, 1).value == "Unit")
    assert units.cell(header + 1, 3).number_format == '"IDR "#,##0'


def test_the_pdf_is_a4_pages_numbered_with_long_tables_continued_under_their_heading(tmp_path: Path) -> None:
    printed = read_pdf(to_pdf(REPORT, printed_on=date(2026, 12, 3)), tmp_path, "report")
    assert printed.pages == 3 and is_a4(printed) and len(printed.images) == 3
    pages = printed.text.split("\f")[: printed.pages]
    for number, page in enumerate(pages, start=1):
        assert f"Halaman {number} dari 3" in page and "Dicetak 3 Desember 2026" in page
    # The 90 rows run over the pages, each page's under the heading row repeated.
    assert [page.count("Kabupaten Uji") > 0 for page in pages] == [True, True, True]
    assert all(re.search(r"Unit\s+ASN\s+Biaya\s+Capaian", page) for page in pages)
    for text in (
        "Rp1.500.000",
        "40,50%",
        "1.234",
        "3 Desember 2026",
        "Kabupaten Uji 89",
        "Tidak ada data untuk bagian ini.",
    ):
        assert text in printed.text, text
    # 90 bars do not read on one page: the PDF leaves the chart to the workbook.
    assert "Capaian per unit" not in printed.text


def test_a_chart_a_page_holds_is_drawn_in_the_pdf(tmp_path: Path) -> None:
    few = Section(
        "Per unit", columns=REPORT.sections[1].columns, rows=UNITS[:12], chart=Chart("Capaian per unit", (3,))
    )
    printed = read_pdf(to_pdf(Report("Laporan Uji", [], [few], "uji")), tmp_path, "chart")
    assert printed.pages == 1 and "Capaian per unit" in printed.text
    assert re.search(r"Kabupaten Uji 10\s+11,11%", printed.text)  # the bar's label beside its name


def test_a_landscape_report_prints_on_landscape_a4(tmp_path: Path) -> None:
    wide = Report(title="Lebar", lines=[], sections=REPORT.sections[:1], filename="lebar", landscape=True)
    printed = read_pdf(to_pdf(wide), tmp_path, "wide")
    assert printed.pages == 1 and is_a4(printed, landscape=True)


def test_values_read_as_the_language_writes_them(english: None) -> None:
    assert formatted(1_500_000, "rupiah") == "IDR 1,500,000"
    assert formatted(30.77, "percent") == "30.77%"
    current_language.set("id")
    assert (formatted(1_500_000, "rupiah"), formatted(1234567.5, "percent")) == ("Rp1.500.000", "1.234.567,50%")
    assert (formatted(None, "number"), formatted(12_000, "number")) == ("–", "12.000")


@pytest.mark.parametrize(
    ("accept", "chosen"),
    [
        ("", "json"),
        ("*/*", "json"),
        ("application/pdf", "pdf"),
        ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
        ("application/json, application/pdf", "json"),
        ("application/json;q=0.5, application/pdf", "pdf"),
        ("application/pdf;q=0, application/json;q=0.1", "json"),
        ("APPLICATION/PDF ; q=0.9, text/html", "pdf"),
        ("application/pdf;q=abc", "json"),
    ],
)
def test_the_accept_header_chooses_among_json_xlsx_and_pdf(accept: str, chosen: str) -> None:
    assert accepted_format(accept) == chosen


def test_file_names_are_plain_ascii_words() -> None:
    assert file_name("Kepatuhan 20 JP: Kabupaten Mappi / 2030") == "kepatuhan-20-jp-kabupaten-mappi-2030"
    assert (
        file_name("Daftar peserta — Pelatihan Dasar CPNS (Angkatan Ⅱ)")
        == "daftar-peserta-pelatihan-dasar-cpns-angkatan-ii"
    )
    assert file_name("«»") == "laporan"
