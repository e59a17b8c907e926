"""A printed report as an A4 PDF (reportlab): facts, charts, and tables that continue across pages under their
header, each page with the title, the printed date and "Halaman 1 dari 3"."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date, datetime, timedelta, timezone
from functools import partial
from typing import Any
from xml.sax.saxutils import escape

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from sinergi_shared import messages
from sinergi_shared.language import long_date
from sinergi_shared.printing.report import (
    PALETTE,
    Chart,
    Report,
    Section,
    Value,
    axis_label,
    formatted,
    lies_down,
    magnitude,
    percent_axis_top,
)

# The printed date is the coordinator's: Jakarta time (WIB).
WIB = timezone(timedelta(hours=7), "WIB")
_MARGIN = 16 * mm
_NAVY = colors.HexColor("#1F4E79")
_COLORS = tuple(colors.HexColor(f"#{color}") for color in PALETTE)
_GREY, _ZEBRA, _HEADER_BG = colors.HexColor("#595959"), colors.HexColor("#F2F6FA"), colors.HexColor("#DDEBF7")
_STYLES = {
    "title": ParagraphStyle("title", fontName="Helvetica-Bold", fontSize=15, leading=19, textColor=_NAVY),
    "line": ParagraphStyle("line", fontName="Helvetica", fontSize=9.5, leading=13),
    "heading": ParagraphStyle(
        "heading", fontName="Helvetica-Bold", fontSize=11.5, leading=15, spaceBefore=9, spaceAfter=4
    ),
    "chart": ParagraphStyle("chart", fontName="Helvetica-Bold", fontSize=8.5, leading=11, spaceBefore=4),
    "fact": ParagraphStyle("fact", fontName="Helvetica", fontSize=9, leading=11.5),
    "cell": ParagraphStyle("cell", fontName="Helvetica", fontSize=8, leading=9.6),
    "total": ParagraphStyle("total", fontName="Helvetica-Bold", fontSize=8, leading=9.6),
    "head": ParagraphStyle("head", fontName="Helvetica-Bold", fontSize=8, leading=9.6),
    "head_number": ParagraphStyle(
        "head_number", fontName="Helvetica-Bold", fontSize=8, leading=9.6, alignment=TA_RIGHT
    ),
}


class _PagedCanvas(Canvas):  # type: ignore[misc]
    """Pages with the report's title, the printed date and "Halaman 1 dari 3": the count is known when it saves."""

    def __init__(self, *args: Any, heading: str, printed: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._heading, self._printed = heading, printed
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        for state in self._pages:
            self.__dict__.update(state)
            self._furnish(len(self._pages))
            super().showPage()
        super().save()

    def _furnish(self, total: int) -> None:
        width, height = self._pagesize
        self.saveState()
        self.setFont("Helvetica", 7.5)
        self.setFillColor(_GREY)
        self.setStrokeColor(_NAVY)
        printed_width = stringWidth(self._printed, "Helvetica", 7.5)
        self.drawString(_MARGIN, height - 11 * mm, _shortened(self._heading, width - 2 * _MARGIN - printed_width - 20))
        self.drawRightString(width - _MARGIN, height - 11 * mm, self._printed)
        self.line(_MARGIN, height - 12.5 * mm, width - _MARGIN, height - 12.5 * mm)
        self.drawCentredString(width / 2, 9 * mm, messages.PAGE_OF(page=self._pageNumber, total=total))
        self.restoreState()


def _shortened(text: str, width: float, size: float = 7.5) -> str:
    """The text cut with an ellipsis to fit the width."""
    if stringWidth(text, "Helvetica", size) <= width:
        return text
    while text and stringWidth(text + "…", "Helvetica", size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def to_pdf(report: Report, *, printed_on: date | None = None) -> bytes:
    """The report on A4 pages: facts, charts, and tables that continue across pages under their header."""
    out = io.BytesIO()
    document = SimpleDocTemplate(
        out,
        pagesize=landscape(A4) if report.landscape else A4,
        leftMargin=_MARGIN,
        rightMargin=_MARGIN,
        topMargin=18 * mm,
        bottomMargin=16 * mm,
        title=report.title,
        author="Sinergi",
        creator="Sinergi",
    )
    story: list[Flowable] = [Paragraph(escape(report.title), _STYLES["title"]), Spacer(1, 1.5 * mm)]
    story += [Paragraph(escape(line), _STYLES["line"]) for line in report.lines]
    for section in report.sections:
        story += _pdf_section(section, document.width, document.height)
    printed = messages.PRINTED_ON(date=long_date(printed_on or datetime.now(WIB).date()))
    document.build(story, canvasmaker=partial(_PagedCanvas, heading=report.title, printed=printed))
    return out.getvalue()


# A table this short moves to the next page whole, with its section, rather than leave a few rows behind.
_SHORT_TABLE = 20
_ROWS_ROOM = 90.0  # points: a table's heading row and its first few rows


def _pdf_section(section: Section, width: float, height: float) -> list[Flowable]:
    """Heading, facts, chart and table; never a heading alone at the foot of a page, nor a short table split."""
    heading = Paragraph(escape(section.title), _STYLES["heading"])
    facts = [_facts(section, width)] if section.facts else []
    chart: list[Flowable] = []
    drawing = _pdf_chart(section, section.chart, width, height - 45) if section.chart and section.rows else None
    if section.chart is not None and drawing is not None:
        chart = [Paragraph(escape(section.chart.title), _STYLES["chart"]), drawing]
    table: list[Flowable] = []
    if section.columns:
        table = [Spacer(1, 2 * mm), _pdf_table(section, width)]
        if not section.rows:
            table.append(Paragraph(escape(messages.NOTHING_TO_PRINT()), _STYLES["cell"]))
    if len(section.rows) <= _SHORT_TABLE:
        return [KeepTogether([heading, *facts, *chart, *table])]
    # A long table runs on across pages, starting where a few of its rows fit under the heading (and chart).
    return [CondPageBreak(_ROWS_ROOM + 40), KeepTogether([heading, *facts, *chart]), CondPageBreak(_ROWS_ROOM), *table]


def _facts(section: Section, width: float) -> Table:
    rows = [[Paragraph(escape(f.label), _STYLES["fact"]), formatted(f.value, f.kind)] for f in section.facts]
    table = Table(rows, colWidths=[width * 0.5, width * 0.25], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("FONT", (1, 0), (1, -1), "Helvetica-Bold", 9),
                ("ALIGN", (1, 0), (1, -1), "RIGHT"),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.lightgrey),
                ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
            ]
        )
    )
    return table


def _pdf_table(section: Section, width: float) -> Table:
    columns = section.columns
    head = [Paragraph(escape(c.title), _STYLES["head" if c.kind == "text" else "head_number"]) for c in section.columns]

    def cells(values: Sequence[Value], style: str) -> list[Any]:
        return [
            Paragraph(escape(formatted(v, c.kind)), _STYLES[style]) if c.kind == "text" else formatted(v, c.kind)
            for v, c in zip(values, columns, strict=True)
        ]

    body = [cells(row, "cell") for row in section.rows]
    total = [cells(section.total, "total")] if section.total else []
    table = Table([head, *body, *total], colWidths=_column_widths(section, width), repeatRows=1)
    style: list[tuple[Any, ...]] = [
        ("FONT", (0, 0), (-1, -1), "Helvetica", 8),
        ("BACKGROUND", (0, 0), (-1, 0), _HEADER_BG),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, _NAVY),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    if body:
        style.append(("ROWBACKGROUNDS", (0, 1), (-1, len(body)), [colors.white, _ZEBRA]))
    style += [("ALIGN", (i, 1), (i, -1), "RIGHT") for i, c in enumerate(columns) if c.kind != "text"]
    if total:
        style += [("LINEABOVE", (0, -1), (-1, -1), 0.8, _NAVY), ("FONT", (0, -1), (-1, -1), "Helvetica-Bold", 8)]
    table.setStyle(TableStyle(style))
    return table


def _column_widths(section: Section, width: float) -> list[float]:
    """Widths in proportion to the columns' own, but a number column never narrower than its values or any word of
    its heading (so none is broken mid-word): the text columns, which wrap, give up the room."""
    columns = section.columns
    weights = sum(c.width for c in columns)
    widths = [width * c.width / weights for c in columns]
    rows = [*section.rows, *([section.total] if section.total else [])]
    for i, column in enumerate(columns):
        if column.kind != "text":
            texts = [*column.title.split(), *(formatted(row[i], column.kind) for row in rows)]
            widths[i] = max(widths[i], max(stringWidth(t, "Helvetica-Bold", 8) for t in texts) + 7)
    excess = sum(widths) - width
    text = [i for i, c in enumerate(columns) if c.kind == "text"]
    room = sum(widths[i] for i in text)
    for i in text if excess > 0 and room else ():
        widths[i] -= excess * widths[i] / room
    return widths


def _pdf_chart(section: Section, spec: Chart, width: float, room: float) -> Drawing | None:
    """The section's bars in at most `room` points of height; None when even that cannot show them readably (more
    names than a page holds: the table and the workbook's chart still show them all)."""
    kind = section.columns[spec.series[0]].kind
    names = [str(row[0]) for row in section.rows]
    horizontal = lies_down(section)
    bars = len(names) * (1 if spec.stacked else len(spec.series))
    size = 7.0
    chart: Any
    if horizontal:
        # 12 points a bar and 6 between names, squeezed down to 8 points a bar to fit the room.
        plot = min(max(68.0, 12.0 * bars + 6 * len(names)), room - 52)
        pitch = plot / (bars + len(names) / 2)
        if pitch < 8:
            return None
        size = min(size, 0.8 * pitch)
        label_width = min(max(stringWidth(name, "Helvetica", size) for name in names) + 8, width * 0.4)
        height = plot + 52
        chart = HorizontalBarChart()
        chart.x, chart.y, chart.width, chart.height = label_width, 42, width - label_width - 30, plot
        chart.categoryAxis.reverseDirection = 1  # the table's first row on top
        names = [_shortened(name, label_width - 8, size) for name in names]
    else:
        height = 150.0
        chart = VerticalBarChart()
        chart.x, chart.y, chart.height = 52, 42, height - 52
        chart.width = min(width - 70, 150.0 * len(names))  # a lone category is not one page-wide bar
    chart.data = [tuple(magnitude(row[i]) for row in section.rows) for i in spec.series]
    chart.categoryAxis.categoryNames = names
    chart.categoryAxis.labels.fontName = chart.valueAxis.labels.fontName = "Helvetica"
    chart.categoryAxis.labels.fontSize, chart.valueAxis.labels.fontSize = size, 7
    chart.valueAxis.valueMin = 0
    chart.valueAxis.rangeRound = "ceiling"  # the axis ends on a tick above the longest bar
    top = percent_axis_top(section, spec.series)
    if top is not None:
        chart.valueAxis.valueMax, chart.valueAxis.valueStep = top, 20 if top <= 100 else None
    chart.valueAxis.maximumTicks = 6
    chart.valueAxis.labelTextFormat = lambda value: axis_label(value, kind)
    chart.valueAxis.visibleGrid, chart.valueAxis.gridStrokeColor = 1, colors.lightgrey
    for i in range(len(spec.series)):
        chart.bars[i].fillColor, chart.bars[i].strokeColor = _COLORS[i % len(_COLORS)], None
    if spec.stacked:
        chart.categoryAxis.style = "stacked"
    else:
        chart.barLabelFormat = lambda value: formatted(value, kind)
        chart.barLabels.fontName, chart.barLabels.fontSize = "Helvetica", min(6.5, size)
        chart.barLabels.boxAnchor = "w" if horizontal else "s"
        chart.barLabels.dx, chart.barLabels.dy = (3, 0) if horizontal else (0, 2)
    chart.barSpacing, chart.groupSpacing = 1, 6
    legend = Legend()
    legend.x, legend.y, legend.alignment = chart.x, 10, "right"
    legend.columnMaximum, legend.fontName, legend.fontSize = 1, "Helvetica", 7.5
    legend.deltax, legend.dx, legend.dy = (
        max(stringWidth(section.columns[i].title, "Helvetica", 7.5) for i in spec.series) + 24,
        7,
        7,
    )
    legend.colorNamePairs = [(_COLORS[n % len(_COLORS)], section.columns[i].title) for n, i in enumerate(spec.series)]
    drawing = Drawing(width, height)
    drawing.add(chart)
    drawing.add(legend)
    return drawing
