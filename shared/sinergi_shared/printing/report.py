"""What a printed report holds: titles, facts, tables whose columns say what they hold, bar charts of a table.

A service describes a report in the request's language; `xlsx.py` and `pdf.py` print the one description, so both
files show the same figures. Plumbing only: the description knows no business rule.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

from sinergi_shared.language import current_language, long_date, number, rupiah

Kind = Literal["text", "number", "rupiah", "percent", "date"]
Value = str | int | float | date | None
# Bar colours, the same in both files: navy, orange, green, grey.
PALETTE = ("1F4E79", "ED7D31", "70AD47", "7F7F7F")


@dataclass(frozen=True)
class Column:
    """A table column: its heading, what its cells hold, and its width in characters."""

    title: str
    kind: Kind = "text"
    width: int = 12


@dataclass(frozen=True)
class Fact:
    """One figure printed as a labelled line."""

    label: str
    value: Value
    kind: Kind = "number"


@dataclass(frozen=True)
class Chart:
    """Bars drawn from the section's table: a group per row, named by its first column; a bar per series column."""

    title: str
    series: tuple[int, ...]
    stacked: bool = False


@dataclass(frozen=True)
class Section:
    """A part of a report (a sheet of the workbook): facts, then a table, and a chart of the table."""

    title: str
    facts: Sequence[Fact] = ()
    columns: Sequence[Column] = ()
    rows: Sequence[Sequence[Value]] = ()
    total: Sequence[Value] | None = None
    chart: Chart | None = None


@dataclass(frozen=True)
class Report:
    """What to print: a title, lines saying whose and when, the sections, and the file's name (without extension).

    `landscape` turns the pages for tables too wide to read upright.
    """

    title: str
    lines: Sequence[str]
    sections: Sequence[Section]
    filename: str
    landscape: bool = False


def formatted(value: Value, kind: Kind) -> str:
    """A cell's value as the reader's language writes it (Rp1.500.000, 40,00%, 3 Desember 2026)."""
    if value is None:
        return "–"
    if isinstance(value, date):
        return long_date(value)
    if isinstance(value, str) or kind == "text":
        return str(value)
    if kind == "rupiah":
        return rupiah(round(value))
    if kind == "percent":
        text = f"{value:,.2f}%"
        return text if current_language.get() == "en" else text.translate(str.maketrans(",.", ".,"))
    return number(round(value))


def magnitude(value: Value) -> float:
    """A cell's value as a chart draws it: its number, 0 for anything else."""
    return float(value) if isinstance(value, int | float) else 0.0


def axis_label(value: float, kind: Kind) -> str:
    """A tick of a value axis: whole percents (20%), else the value as a cell shows it."""
    return f"{value:.0f}%" if kind == "percent" else formatted(value, kind)


def lies_down(section: Section) -> bool:
    """Bars lie down when their names are many or too long to stand side by side under upright bars."""
    rows = len(section.rows)
    return rows > 4 or any(len(str(row[0])) * rows > 120 for row in section.rows)


def percent_axis_top(section: Section, series: Sequence[int]) -> float | None:
    """The top of a percent axis: 100, unless a value passes it; None for other kinds."""
    if section.columns[series[0]].kind != "percent":
        return None
    return max([100.0, *(magnitude(row[i]) for row in section.rows for i in series)])
