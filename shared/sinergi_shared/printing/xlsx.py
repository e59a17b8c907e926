"""A printed report as an XLSX workbook (openpyxl): a sheet per section, numbers as numbers, Excel's own charts."""

from __future__ import annotations

import io
import re
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from sinergi_shared import messages
from sinergi_shared.language import current_language
from sinergi_shared.printing.report import (
    PALETTE,
    Chart,
    Kind,
    Report,
    Section,
    Value,
    lies_down,
    percent_axis_top,
)

_BOLD = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_EDGE = Side(style="thin", color="1F4E79")


def _number_formats() -> dict[str, str]:
    """Excel number formats: Excel shows `#,##0` with the reader's own separators (1.500.000 in Indonesia)."""
    english = current_language.get() == "en"
    return {
        "number": "#,##0",
        "rupiah": '"IDR "#,##0' if english else '"Rp"#,##0',
        "percent": '0.00"%"',
        # [$-421]: Indonesian month names whatever the reader's Excel language.
        "date": "d mmmm yyyy" if english else "[$-421]d mmmm yyyy",
    }


def to_xlsx(report: Report) -> bytes:
    """The report as a workbook: a sheet per section, numbers as numbers, charts as Excel charts."""
    book = Workbook()
    book.remove(book.active)
    book.properties.title, book.properties.creator = report.title, "Sinergi"
    names: set[str] = set()
    for section in report.sections:
        _fill_sheet(book.create_sheet(_sheet_name(section.title, names)), report, section)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _sheet_name(title: str, taken: set[str]) -> str:
    """A sheet name Excel accepts (31 characters, none of []:*?/\\), unique in the workbook."""
    base = re.sub(r"[\[\]:*?/\\]", "-", title).strip()[:28] or "Sheet"
    name, n = base, 2
    while name.lower() in taken:
        name, n = f"{base} {n}", n + 1
    taken.add(name.lower())
    return name


def _fill_sheet(sheet: Worksheet, report: Report, section: Section) -> None:
    """Title and lines, the section's title, its facts, then its table under a frozen heading row, and its chart."""
    formats = _number_formats()
    row = 0

    def put(*values: Value, kinds: Sequence[Kind] = (), font: Font | None = None) -> tuple[Cell, ...]:
        nonlocal row
        row += 1
        cells = tuple(sheet.cell(row, column, value) for column, value in enumerate(values, start=1))
        for cell, kind in zip(cells, kinds, strict=False):
            cell.number_format = formats.get(kind, "General")
        for cell in cells if font else ():
            cell.font = font
        return cells

    put(report.title, font=Font(bold=True, size=14))
    for line in report.lines:
        put(line)
    row += 1
    put(section.title, font=Font(bold=True, size=12))
    for fact in section.facts:
        put(fact.label, fact.value, kinds=("text", fact.kind))[1].alignment = Alignment(horizontal="right")
    widths = [column.width for column in section.columns] or [0, 0]
    if section.facts:
        widths[0] = max(widths[0], *(len(fact.label) + 2 for fact in section.facts))
        widths[1] = max(widths[1], 20)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    if not section.columns:
        return
    row += 1
    for cell in put(*(column.title for column in section.columns), font=_BOLD):
        cell.fill, cell.border = _HEADER_FILL, Border(bottom=_EDGE)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    header = row
    kinds = [column.kind for column in section.columns]
    for values in section.rows:
        put(*values, kinds=kinds)
    if section.total:
        for cell in put(*section.total, kinds=kinds, font=_BOLD):
            cell.border = Border(top=_EDGE)
    if not section.rows:
        put(messages.NOTHING_TO_PRINT())
    sheet.freeze_panes = sheet.cell(header + 1, 1)
    sheet.print_title_rows = f"{header}:{header}"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape" if report.landscape else "portrait"
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    if section.chart is not None and section.rows:
        sheet.add_chart(_xlsx_chart(sheet, section, section.chart, header), f"{get_column_letter(len(widths) + 2)}2")


def _xlsx_chart(sheet: Worksheet, section: Section, spec: Chart, header: int) -> BarChart:
    last = header + len(section.rows)
    chart = BarChart()
    chart.type = "bar" if lies_down(section) else "col"
    chart.grouping = "stacked" if spec.stacked else "clustered"
    if spec.stacked:
        chart.overlap = 100
    chart.title = spec.title
    for index in spec.series:
        chart.add_data(Reference(sheet, min_col=index + 1, min_row=header, max_row=last), titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=1, min_row=header + 1, max_row=last))
    for series, color in zip(chart.series, PALETTE, strict=False):
        series.graphicalProperties.solidFill = color
        series.graphicalProperties.line.solidFill = color
    chart.y_axis.number_format = _number_formats().get(section.columns[spec.series[0]].kind, "General")
    chart.y_axis.scaling.min = 0
    chart.y_axis.scaling.max = percent_axis_top(section, spec.series)
    # openpyxl marks axes deleted unless told otherwise; Excel would then hide them.
    chart.x_axis.delete = chart.y_axis.delete = False
    if chart.type == "bar":
        chart.x_axis.scaling.orientation = "maxMin"  # the table's first row on top
    bars = len(section.rows) * (1 if spec.stacked else len(spec.series))
    chart.width, chart.height = 18, min(max(8.0, 3 + 0.5 * bars), 30)
    return chart
