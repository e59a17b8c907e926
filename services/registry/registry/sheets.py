"""The sheets clerks send for an import: CSV as Excel saves it and XLSX, read as rows of civil servant fields.

Excel in an Indonesian locale saves CSV with `;` between cells, often with a UTF-8 BOM (or, as plain "CSV", in
the Windows code page), and shows an 18-digit NIP typed into a number cell as 1,98E+17. Headers may be English
(the API's field names) or Indonesian, and values Indonesian (struktural, fungsional, pelaksana).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from datetime import date, datetime, time
from typing import Any
from xml.etree.ElementTree import ParseError

import openpyxl
from openpyxl.utils.exceptions import InvalidFileException

from registry import messages
from sinergi_shared.problems import PayloadTooLarge, invalid

Row = tuple[int, Any]  # (line, raw row)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Each field and its Indonesian header; the English header is the field's name. Either is accepted, in any case,
# with spaces or _ between the words.
INDONESIAN_HEADERS = {
    "nip": "nip",
    "name": "nama",
    "institution_id": "id_instansi",
    "institution_code": "kode_instansi",
    "employment": "status_kepegawaian",
    "position_kind": "jenis_jabatan",
    "position_title": "jabatan",
    "grade": "golongan",
    "position_level": "eselon",
}
HEADERS = {**{field: field for field in INDONESIAN_HEADERS}, **{h: field for field, h in INDONESIAN_HEADERS.items()}}
REQUIRED_FIELDS = ("nip", "name", "employment", "position_kind")
INSTITUTION_FIELDS = ("institution_code", "institution_id")
# The values clerks write, in any case, by field, and the API's value for each.
VALUES: dict[str, dict[str, str]] = {
    "employment": {"pns": "PNS", "pppk": "PPPK", "p3k": "PPPK"},
    "position_kind": {
        "struktural": "structural",
        "structural": "structural",
        "fungsional": "functional",
        "functional": "functional",
        "pelaksana": "executor",
        "executor": "executor",
    },
    "position_level": {
        "jpt utama": "jpt_utama",
        "jpt madya": "jpt_madya",
        "jpt pratama": "jpt_pratama",
        "administrator": "administrator",
        "pengawas": "pengawas",
    },
}
# A number in scientific notation, as a spreadsheet shows a NIP typed into a number cell (1,98E+17).
SCIENTIFIC = re.compile(r"[0-9]+(?:[.,][0-9]*)?[eE][+-]?[0-9]+")
# Excel keeps 15 significant digits: a number cell this large has already lost the end of a NIP.
EXCEL_DIGITS = 15
# 10,000 rows unpack to a few MiB of XML; far more is a zip bomb, not a staff list.
XLSX_MAX_UNPACKED = 64 * 1024 * 1024
# What a damaged or foreign file makes openpyxl raise while it reads.
UNREADABLE = (InvalidFileException, zipfile.BadZipFile, ParseError, KeyError, ValueError, TypeError, IndexError)


def in_scientific_notation(nip: str) -> bool:
    """Is this NIP a number a spreadsheet wrote in scientific notation, its last digits lost?"""
    return SCIENTIFIC.fullmatch(nip.strip()) is not None


def csv_text(body: bytes) -> str:
    """The text of a CSV file: UTF-8 without its BOM, else the Windows code page Excel's plain "CSV" uses."""
    try:
        return body.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return body.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise invalid("body", messages.CSV_ENCODING()) from exc


def xlsx_as_csv(body: bytes) -> str:
    """The first sheet of an XLSX workbook as CSV text, a sheet row to a line, each cell as the clerk sees it."""
    try:
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise invalid("body", messages.NOT_XLSX()) from exc
    if unpacked > XLSX_MAX_UNPACKED:
        limit = XLSX_MAX_UNPACKED // 2**20
        raise PayloadTooLarge(messages.XLSX_TOO_LARGE(limit=limit))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(body), read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            sheet.reset_dimensions()  # the size a file declares may be wrong: read every row it has
            for cells in sheet.iter_rows(values_only=True):
                writer.writerow([_cell_text(value) for value in cells])
        finally:
            workbook.close()
    except UNREADABLE as exc:
        raise invalid("body", messages.XLSX_UNREADABLE(error=type(exc).__name__)) from exc
    return out.getvalue()


def _cell_text(value: Any) -> str:
    """A cell's value as text on one line, numbers as Excel holds them."""
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        if abs(value) >= 10**EXCEL_DIGITS:
            return f"{value:.{EXCEL_DIGITS - 1}E}"
        return str(int(value)) if float(value).is_integer() else str(value)
    if isinstance(value, datetime) and value.time() == time():
        return value.date().isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    return " ".join(str(value).split())


def records(content: str) -> Iterator[Row]:
    """(file line, fields) of each non-blank row of a CSV text with a header row; empty cells are absent fields."""
    first_line = content.partition("\n")[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(content, newline=""), delimiter=delimiter)
    try:
        header = next(reader, None)
        if header is None:
            raise invalid("body", messages.FILE_EMPTY(columns=messages.COLUMNS_HELP()))
        fields = _fields(header)
        previous_end = reader.line_num
        for record in reader:
            start, previous_end = previous_end + 1, reader.line_num
            if not any(cell.strip() for cell in record):
                continue
            if any(cell.strip() for cell in record[len(fields) :]):
                yield start, {"__extra__": len(record)}
                continue
            yield start, {f: _value(f, v) for f, v in zip(fields, record, strict=False) if v.strip()}
    except csv.Error as exc:
        raise invalid("body", messages.CSV_MALFORMED(line=reader.line_num, error=exc)) from exc


def _fields(header: list[str]) -> list[str]:
    """The field under each column of the header; 422 naming every unknown, missing or repeated column."""
    names = ["_".join(cell.lower().replace("-", " ").split()) for cell in header]
    while names and not names[-1]:  # Excel writes empty cells past the last header when later rows are wider
        names.pop()
    fields = [HEADERS.get(name, name) for name in names]
    unknown = [name or messages.COLUMN_WITHOUT_NAME() for name in names if name not in HEADERS]
    missing = [_column(f) for f in REQUIRED_FIELDS if f not in fields]
    if not any(f in fields for f in INSTITUTION_FIELDS):
        missing.append(messages.COLUMN_EITHER(first=_column("institution_code"), second=_column("institution_id")))
    repeated = sorted({_column(f) for f in fields if f in INDONESIAN_HEADERS and fields.count(f) > 1})
    parts = []
    if unknown:
        parts.append(messages.COLUMNS_UNKNOWN(columns=", ".join(unknown)))
    if missing:
        parts.append(messages.COLUMNS_MISSING(columns=", ".join(missing)))
    if repeated:
        parts.append(messages.COLUMNS_TWICE(columns=", ".join(repeated)))
    if parts:
        raise invalid("header", messages.HEADER_PROBLEMS(problems="; ".join(parts), columns=messages.COLUMNS_HELP()))
    return fields


def _column(field: str) -> str:
    """How a message names a field's column: its Indonesian header, and the English one when it differs."""
    indonesian = INDONESIAN_HEADERS[field]
    return indonesian if indonesian == field else f"{indonesian} ({field})"


def _value(field: str, cell: str) -> str:
    """A cell's text as the API's value of its field."""
    text = cell.strip()
    if field == "nip":
        return "".join(text.split())  # NIPs are often printed in groups: 19850415 201001 1 001
    if field == "institution_code":
        return text.upper()
    return VALUES.get(field, {}).get(text.lower(), text)
