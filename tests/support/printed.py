"""Reading back what the services print: XLSX workbooks with openpyxl, PDFs with poppler (pdfinfo, pdftoppm,
pdftotext) as a reader's viewer would show them."""

from __future__ import annotations

import io
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import openpyxl
from openpyxl.worksheet.worksheet import Worksheet
from PIL import Image

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"
A4_POINTS = (595.28, 841.89)


@dataclass
class Printed:
    """A PDF as rendered: its page count and size, its text, and a PNG per page."""

    pages: int
    size: tuple[float, float]
    text: str
    images: list[Path]


def attachment(response: httpx.Response, media_type: str) -> str:
    """The file name of a printed report answered as an attachment of this media type."""
    assert response.status_code == 200, response.text[:300]
    assert response.headers["content-type"].startswith(media_type), response.headers
    match = re.fullmatch(r'attachment; filename="([a-z0-9-]+\.(xlsx|pdf))"', response.headers["content-disposition"])
    assert match is not None, response.headers["content-disposition"]
    return match[1]


def read_pdf(body: bytes, directory: Path, name: str) -> Printed:
    """The PDF rendered page by page with pdftoppm (the PNGs stay in directory, to be looked at)."""
    path = directory / f"{name}.pdf"
    path.write_bytes(body)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info)[1])  # type: ignore[index]
    width, height = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info).groups()  # type: ignore[union-attr]
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(path), str(directory / name)], check=True)
    images = sorted(directory.glob(f"{name}-*.png"))
    for image in images:
        with Image.open(image) as png:  # every page drawn at the page's own proportions
            assert abs(png.width / png.height - float(width) / float(height)) < 0.01, image
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return Printed(pages=pages, size=(float(width), float(height)), text=text, images=images)


def is_a4(printed: Printed, *, landscape: bool = False) -> bool:
    expected = A4_POINTS[::-1] if landscape else A4_POINTS
    return all(abs(got - want) < 1 for got, want in zip(printed.size, expected, strict=True))


def workbook(body: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(body))


def table(sheet: Worksheet, first_heading: str) -> tuple[list[Any], list[list[Any]]]:
    """The heading row whose first cell is first_heading, and the rows under it (the total row included)."""
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    start = next(i for i, row in enumerate(rows) if row[0] == first_heading)
    width = len([cell for cell in rows[start] if cell is not None])
    return rows[start][:width], [row[:width] for row in rows[start + 1 :]]


def fact(sheet: Worksheet, label: str) -> Any:
    """The value printed beside a fact's label."""
    return next(row[1] for row in sheet.iter_rows(values_only=True) if row[0] == label)


def charts(sheet: Worksheet) -> list[tuple[str, str, list[str]]]:
    """Each chart of the sheet: its bar direction, grouping, and the cells each series plots."""
    return [(c.type, c.grouping, [s.val.numRef.f for s in c.series]) for c in sheet._charts]
