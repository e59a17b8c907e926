"""Printable reports: one description of a report (`report.py`), printed as an XLSX workbook (`xlsx.py`, openpyxl)
and as an A4 PDF (`pdf.py`, reportlab), and the HTTP side: which file a report route answers.

A route answers `?format=json|xlsx|pdf` when given, else the XLSX or PDF media type the Accept header ranks above
JSON, else JSON; a file comes as an attachment named in the reader's language.
"""

from __future__ import annotations

import asyncio
import re
import unicodedata
from collections.abc import Callable
from typing import Annotated, Any, Literal, TypeVar

from fastapi import Depends, Query, Request, Response

from sinergi_shared.printing.pdf import to_pdf
from sinergi_shared.printing.report import Chart, Column, Fact, Kind, Report, Section, Value, formatted
from sinergi_shared.printing.xlsx import to_xlsx

__all__ = [
    "PRINTABLE",
    "Chart",
    "Column",
    "Fact",
    "Format",
    "Kind",
    "Report",
    "Section",
    "Value",
    "answer",
    "formatted",
    "to_pdf",
    "to_xlsx",
]

PrintFormat = Literal["json", "xlsx", "pdf"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"
MEDIA_TYPES: dict[str, PrintFormat] = {XLSX: "xlsx", PDF: "pdf", "application/json": "json"}
VARY = "Accept, Accept-Language"


def accepted_format(accept: str) -> PrintFormat:
    """The format among JSON, XLSX and PDF the Accept header ranks highest (JSON when it names none)."""
    best: tuple[float, PrintFormat] = (0.0, "json")
    for position, item in enumerate(accept.split(",")):
        media, *params = (part.strip() for part in item.split(";"))
        output = MEDIA_TYPES.get(media.lower())
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        # Higher quality wins; among equals, the one listed first.
        if output is not None and quality - position * 1e-6 > best[0]:
            best = (quality - position * 1e-6, output)
    return best[1]


def requested_format(
    request: Request,
    response: Response,
    output: Annotated[
        PrintFormat | None,
        Query(alias="format", description="json (default), xlsx or pdf; without it, the Accept header chooses"),
    ] = None,
) -> PrintFormat:
    """?format= when given, else the Accept header's choice among JSON, XLSX and PDF."""
    response.headers["Vary"] = VARY
    return output or accepted_format(request.headers.get("accept", ""))


Format = Annotated[PrintFormat, Depends(requested_format)]
_FILE = {"schema": {"type": "string", "format": "binary"}}
PRINTABLE: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The report: JSON, or printed as XLSX or PDF (`?format=` or `Accept`)",
        "content": {XLSX: _FILE, PDF: _FILE},
    }
}
Model = TypeVar("Model")


async def answer(output: PrintFormat, model: Model, describe: Callable[[Model], Report]) -> Model | Response:
    """The report as asked: the model itself for JSON, else its printout as an attachment."""
    if output == "json":
        return model
    report = describe(model)
    render = to_xlsx if output == "xlsx" else to_pdf
    body = await asyncio.to_thread(render, report)  # a long report takes a while: the loop keeps serving
    disposition = f'attachment; filename="{file_name(report.filename)}.{output}"'
    media = XLSX if output == "xlsx" else PDF
    return Response(body, media_type=media, headers={"Content-Disposition": disposition, "Vary": VARY})


def file_name(text: str) -> str:
    """A file name any system keeps: lower-case ASCII words joined by hyphens."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:120] or "laporan"
