"""Files clerks send for an import, read as rows: a JSON array, CSV as Excel saves it, or an XLSX workbook.

Excel in an Indonesian locale saves CSV with `;` between cells, often with a UTF-8 BOM (or, as plain "CSV", in the
Windows code page), and shows a long number typed into a number cell (an 18-digit NIP) as 1,98E+17. A header may
name a column in English (the API's field name) or in Indonesian; which columns a sheet has is the caller's
`Columns`, so that this module holds no business rule.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import re
import zipfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any, NoReturn
from xml.etree.ElementTree import ParseError

import openpyxl
from fastapi import Request
from openpyxl.utils.exceptions import InvalidFileException
from pydantic import BaseModel, ConfigDict

from sinergi_shared import messages
from sinergi_shared.language import Text, number
from sinergi_shared.problems import PayloadTooLarge, Problem, invalid

Row = tuple[int, Any]  # (line, raw row): a sheet row's file line (the header is line 1), a JSON element's position

JSON_TYPES = ("application/json", "")
CSV_TYPES = ("text/csv", "application/csv")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# A number in scientific notation, as a spreadsheet shows a long number typed into a number cell (1,98E+17).
SCIENTIFIC = re.compile(r"[0-9]+(?:[.,][0-9]*)?[eE][+-]?[0-9]+")
# Excel keeps 15 significant digits: a number cell this large has already lost its last digits.
EXCEL_DIGITS = 15
# 10,000 rows unpack to a few MiB of XML; far more is a zip bomb, not a clerk's sheet.
XLSX_MAX_UNPACKED = 64 * 1024 * 1024
# What a damaged or foreign file makes openpyxl raise while it reads.
UNREADABLE = (InvalidFileException, zipfile.BadZipFile, ParseError, KeyError, ValueError, TypeError, IndexError)


class UnsupportedMediaType(Problem):
    status, title, slug = 415, messages.UNSUPPORTED_MEDIA_TYPE, "unsupported-media-type"


@dataclass(frozen=True, slots=True)
class Columns:
    """The columns of one kind of sheet, as its caller describes them.

    `indonesian`: each field and its Indonesian header (the English header is the field's name); either is accepted
    in any case, with spaces, `-` or `_` between the words. `required`: fields whose column must be there.
    `either`: groups of fields of which at least one column must be there. `values`: per field, how a cell's
    stripped text becomes the field's value (see `words`). `subject`: what a row holds, as messages name it.
    `help`: the columns as a clerk should write them, shown with every header problem.
    """

    indonesian: Mapping[str, str]
    subject: Text
    help: Text
    required: tuple[str, ...] = ()
    either: tuple[tuple[str, ...], ...] = ()
    values: Mapping[str, Callable[[str], str]] = field(default_factory=dict)

    def field_of(self, header: str) -> str | None:
        """The field a normalised header names, in English or Indonesian; None for a column not in the sheet."""
        if header in self.indonesian:
            return header
        return next((f for f, indonesian in self.indonesian.items() if indonesian == header), None)

    def column(self, name: str) -> str:
        """How a message names a field's column: its Indonesian header, and the English one when it differs."""
        indonesian = self.indonesian[name]
        return indonesian if indonesian == name else f"{indonesian} ({name})"


def words(values: Mapping[str, str]) -> Callable[[str], str]:
    """A cell reader for a field clerks write in words: each word, in any case, as the API's value; others as is."""

    def read(text: str) -> str:
        return values.get(text.lower(), text)

    return read


@dataclass(frozen=True, slots=True)
class WideRow:
    """A sheet row with cells past the header's last column: reported by its caller, never read."""

    cells: int


def in_scientific_notation(text: str) -> bool:
    """Is this a number a spreadsheet wrote in scientific notation, its last digits lost?"""
    return SCIENTIFIC.fullmatch(text.strip()) is not None


class Rows:
    """The rows of an import file, parsed anew on every pass so that a pass holds one slice, not the whole file
    as dicts, at a time. Counting them checks the whole file."""

    def __init__(self, parse: Callable[[], Iterator[Row]], *, max_rows: int) -> None:
        self._parse = parse
        self.count = sum(1 for _ in parse())
        if self.count > max_rows:
            raise PayloadTooLarge(messages.IMPORT_TOO_MANY_ROWS(limit=number(max_rows), count=number(self.count)))

    def __iter__(self) -> Iterator[Row]:
        return self._parse()

    def slices(self, size: int) -> Iterator[list[Row]]:
        """The rows, `size` at a time."""
        rows = iter(self)
        while chunk := list(itertools.islice(rows, size)):
            yield chunk


def rows_of(content_type: str, content: bytes, *, columns: Columns, max_rows: int) -> Rows:
    """The rows of a JSON array, a CSV file or an XLSX workbook's first sheet; 415 for any other media type.

    A JSON row is the element as it is, by its 1-based position. A sheet row is a dict of the fields of its non-empty
    cells, by its file line, or a `WideRow`; blank rows are skipped.
    """
    if content_type in JSON_TYPES:
        text = _json_text(content)
        return Rows(lambda: _json_elements(text, columns), max_rows=max_rows)
    if content_type in CSV_TYPES:
        text = _csv_text(content)
    elif content_type == XLSX:
        text = _xlsx_as_csv(content, columns)
    else:
        raise UnsupportedMediaType(messages.IMPORT_MEDIA_TYPE(xlsx=XLSX, given=content_type))
    return Rows(lambda: _sheet_rows(text, columns), max_rows=max_rows)


def _csv_text(body: bytes) -> str:
    """The text of a CSV file: UTF-8 without its BOM, else the Windows code page Excel's plain "CSV" uses."""
    try:
        return body.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return body.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise invalid("body", messages.CSV_ENCODING()) from exc


def _xlsx_as_csv(body: bytes, columns: Columns) -> str:
    """The first sheet of an XLSX workbook as CSV text, a sheet row to a line, each cell as the clerk sees it."""
    try:
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise invalid("body", messages.NOT_XLSX()) from exc
    if unpacked > XLSX_MAX_UNPACKED:
        raise PayloadTooLarge(messages.XLSX_TOO_LARGE(limit=XLSX_MAX_UNPACKED // 2**20, rows=columns.subject()))
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


def _sheet_rows(content: str, columns: Columns) -> Iterator[Row]:
    """(file line, fields) of each non-blank row of a CSV text with a header row; empty cells are absent fields."""
    first_line = content.partition("\n")[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(content, newline=""), delimiter=delimiter)
    try:
        header = next(reader, None)
        if header is None:
            raise invalid("body", messages.FILE_EMPTY(columns=columns.help()))
        fields = _fields(header, columns)
        previous_end = reader.line_num
        for record in reader:
            start, previous_end = previous_end + 1, reader.line_num
            if not any(cell.strip() for cell in record):
                continue
            if any(cell.strip() for cell in record[len(fields) :]):
                yield start, WideRow(cells=len(record))
                continue
            yield start, {f: _value(f, v, columns) for f, v in zip(fields, record, strict=False) if v.strip()}
    except csv.Error as exc:
        raise invalid("body", messages.CSV_MALFORMED(line=reader.line_num, error=exc)) from exc


def _fields(header: list[str], columns: Columns) -> list[str]:
    """The field under each column of the header; 422 naming every unknown, missing or repeated column."""
    names = ["_".join(cell.lower().replace("-", " ").split()) for cell in header]
    while names and not names[-1]:  # Excel writes empty cells past the last header when later rows are wider
        names.pop()
    known = [columns.field_of(name) for name in names]
    fields = [f or name for f, name in zip(known, names, strict=True)]
    unknown = [name or messages.COLUMN_WITHOUT_NAME() for name, f in zip(names, known, strict=True) if f is None]
    missing = [columns.column(f) for f in columns.required if f not in fields]
    for group in columns.either:
        if not any(f in fields for f in group):
            named = [columns.column(f) for f in group]
            missing.append(messages.COLUMN_EITHER(first=", ".join(named[:-1]), second=named[-1]))
    repeated = sorted({columns.column(f) for f in fields if f in columns.indonesian and fields.count(f) > 1})
    parts = []
    if unknown:
        parts.append(messages.COLUMNS_UNKNOWN(columns=", ".join(unknown)))
    if missing:
        parts.append(messages.COLUMNS_MISSING(columns=", ".join(missing)))
    if repeated:
        parts.append(messages.COLUMNS_TWICE(columns=", ".join(repeated)))
    if parts:
        raise invalid("header", messages.HEADER_PROBLEMS(problems="; ".join(parts), columns=columns.help()))
    return fields


def _value(name: str, cell: str, columns: Columns) -> str:
    """A cell's text as the API's value of its field."""
    text = cell.strip()
    read = columns.values.get(name)
    return text if read is None else read(text)


def _json_text(body: bytes) -> str:
    """The text of a JSON body, in the encoding json.loads would find in its bytes."""
    try:
        return body.decode(json.detect_encoding(body), "surrogatepass")
    except UnicodeDecodeError as exc:
        raise invalid("body", messages.JSON_INVALID(error=exc)) from exc


_DECODER = json.JSONDecoder()


def _past_blanks(content: str, at: int) -> int:
    """The index of the first character at or after `at` that is not JSON whitespace."""
    while at < len(content) and content[at] in " \t\n\r":
        at += 1
    return at


def _json_elements(content: str, columns: Columns) -> Iterator[Row]:
    """The elements of a JSON array one at a time; anything else is reported as json.loads would report it."""
    at = _past_blanks(content, 0)
    if not content.startswith("[", at):
        _refuse_json(content, columns)
    at = _past_blanks(content, at + 1)
    position = 0
    if content.startswith("]", at):
        at += 1
    else:
        while True:
            try:
                element, at = _DECODER.raw_decode(content, at)
            except json.JSONDecodeError:
                _refuse_json(content, columns)
            except (RecursionError, ValueError) as exc:  # nested too deep, or a number too long to read
                raise _unreadable_json(exc) from exc
            position += 1
            yield position, element
            at = _past_blanks(content, at)
            if content.startswith(",", at):
                at = _past_blanks(content, at + 1)
                continue
            if not content.startswith("]", at):
                _refuse_json(content, columns)
            at += 1
            break
    if _past_blanks(content, at) != len(content):
        _refuse_json(content, columns)


def _refuse_json(content: str, columns: Columns) -> NoReturn:
    try:
        json.loads(content)
    except (RecursionError, ValueError) as exc:
        raise _unreadable_json(exc) from exc
    raise invalid("body", messages.JSON_NOT_ARRAY(rows=columns.subject()))


def _unreadable_json(exc: RecursionError | ValueError) -> Problem:
    """The 422 for JSON the decoder gave up on: its own message, or ours where its own speaks of Python's limits."""
    if isinstance(exc, RecursionError):
        return invalid("body", messages.JSON_TOO_DEEP())
    if isinstance(exc, json.JSONDecodeError):
        return invalid("body", messages.JSON_INVALID(error=exc))
    return invalid("body", messages.JSON_NUMBER_TOO_LONG())


class ImportFile(BaseModel):
    """An import file as sent: its media type and its bytes (what makes two imports the same request)."""

    model_config = ConfigDict(ser_json_bytes="base64")

    content_type: str
    content: bytes


async def import_file(request: Request) -> ImportFile:
    """The request's body as an import file, whatever its media type (a route dependency)."""
    content_type = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    return ImportFile(content_type=content_type, content=await request.body())


def import_max_rows(request: Request) -> int:
    """How many rows one import may hold, as the service's settings say (a route dependency)."""
    return int(request.app.state.settings.import_max_rows)


def import_request_body(row: type[BaseModel]) -> dict[str, Any]:
    """The OpenAPI request body of an import route: a JSON array of rows, a CSV file or an XLSX workbook."""
    return {
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": {"type": "array", "items": row.model_json_schema()}},
                "text/csv": {"schema": {"type": "string"}},
                XLSX: {"schema": {"type": "string", "format": "binary"}},
            },
        }
    }
