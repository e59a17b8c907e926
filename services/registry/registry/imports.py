"""Bulk import of civil servants from a JSON array or a CSV file: valid rows stored, invalid ones reported."""

from __future__ import annotations

import csv
import io
import itertools
import json
from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from typing import Any, NoReturn
from uuid import UUID

from pydantic import ValidationError
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from registry.domain.nip import field_errors, nip_problems, today_in_indonesia
from registry.events import civil_servant_changed
from registry.models import CivilServant, Institution
from registry.schemas import CivilServantCreate, ImportFile
from sinergi_shared.auth import Principal
from sinergi_shared.contracts import CivilServantSnapshot
from sinergi_shared.outbox import record
from sinergi_shared.problems import PayloadTooLarge, Problem, invalid

COLUMNS = ("nip", "name", "institution_id", "employment", "position_kind", "position_title", "grade")
REQUIRED_COLUMNS = ("nip", "name", "institution_id", "employment", "position_kind")

Row = tuple[int, Any]  # (line, raw row)
FieldErrors = list[dict[str, str]]


class UnsupportedMediaType(Problem):
    status, title, slug = 415, "Unsupported media type", "unsupported-media-type"


def _too_many(count: int, limit: int) -> PayloadTooLarge:
    return PayloadTooLarge(f"an import takes at most {limit:,} rows; this one has {count:,}. Split the file.")


class Rows:
    """The rows of an import file, parsed anew on every pass so that a pass holds one slice, not the whole file
    as dicts, at a time. Counting them checks the whole file."""

    def __init__(self, parse: Callable[[], Iterator[Row]], *, max_rows: int) -> None:
        self._parse = parse
        self.count = sum(1 for _ in parse())
        if self.count > max_rows:
            raise _too_many(self.count, max_rows)

    def __iter__(self) -> Iterator[Row]:
        return self._parse()

    def slices(self, size: int) -> Iterator[list[Row]]:
        rows = iter(self)
        while chunk := list(itertools.islice(rows, size)):
            yield chunk


def rows_of(file: ImportFile, *, max_rows: int) -> Rows:
    """The rows of a JSON array or a CSV file; 415 for any other media type."""
    if file.content_type in ("application/json", ""):
        return rows_from_json(file.content, max_rows=max_rows)
    if file.content_type in ("text/csv", "application/csv"):
        return rows_from_csv(file.content, max_rows=max_rows)
    raise UnsupportedMediaType(
        f"send application/json (an array) or text/csv (with a header row), not {file.content_type}"
    )


def rows_from_json(body: bytes, *, max_rows: int) -> Rows:
    """(1-based position, element) of a JSON array."""
    try:
        content = body.decode(json.detect_encoding(body), "surrogatepass")  # as json.loads reads bytes
    except UnicodeDecodeError as exc:
        raise invalid("body", f"not valid JSON: {exc}") from exc
    return Rows(lambda: _json_elements(content), max_rows=max_rows)


_DECODER = json.JSONDecoder()


def _past_blanks(content: str, at: int) -> int:
    """The index of the first character at or after `at` that is not JSON whitespace."""
    while at < len(content) and content[at] in " \t\n\r":
        at += 1
    return at


def _json_elements(content: str) -> Iterator[Row]:
    """The elements of a JSON array one at a time; anything else is reported as json.loads would report it."""
    at = _past_blanks(content, 0)
    if not content.startswith("[", at):
        _refuse_json(content)
    at = _past_blanks(content, at + 1)
    position = 0
    if content.startswith("]", at):
        at += 1
    else:
        while True:
            try:
                element, at = _DECODER.raw_decode(content, at)
            except json.JSONDecodeError:
                _refuse_json(content)
            position += 1
            yield position, element
            at = _past_blanks(content, at)
            if content.startswith(",", at):
                at = _past_blanks(content, at + 1)
                continue
            if not content.startswith("]", at):
                _refuse_json(content)
            at += 1
            break
    if _past_blanks(content, at) != len(content):
        _refuse_json(content)


def _refuse_json(content: str) -> NoReturn:
    try:
        json.loads(content)
    except ValueError as exc:
        raise invalid("body", f"not valid JSON: {exc}") from exc
    raise invalid("body", "send a JSON array of civil servants")


def rows_from_csv(body: bytes, *, max_rows: int) -> Rows:
    """(file line, row as a dict) of a CSV file with a header row; empty cells are absent fields."""
    try:
        content = body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise invalid("body", "the CSV file must be UTF-8") from exc
    return Rows(lambda: _csv_records(content), max_rows=max_rows)


def _csv_records(content: str) -> Iterator[Row]:
    reader = csv.reader(io.StringIO(content, newline=""))
    try:
        header = next(reader, None)
        if header is None:
            raise invalid("body", f"the CSV file is empty; its first line names the columns: {', '.join(COLUMNS)}")
        columns = [c.strip().lower() for c in header]
        unknown = [c for c in columns if c not in COLUMNS]
        missing = [c for c in REQUIRED_COLUMNS if c not in columns]
        if unknown or missing or len(set(columns)) != len(columns):
            parts = []
            if unknown:
                parts.append(f"unknown columns {', '.join(unknown)}")
            if missing:
                parts.append(f"missing columns {', '.join(missing)}")
            if len(set(columns)) != len(columns):
                parts.append("a column appears twice")
            raise invalid("header", f"{'; '.join(parts)}; the columns are: {', '.join(COLUMNS)}")
        previous_end = reader.line_num
        for record in reader:
            start, previous_end = previous_end + 1, reader.line_num
            if not record or all(not cell.strip() for cell in record):
                continue
            if len(record) > len(columns):
                yield start, {"__extra__": len(record)}
                continue
            yield start, {c: v.strip() for c, v in zip(columns, record, strict=False) if v.strip()}
    except csv.Error as exc:
        raise invalid("body", f"the CSV file is malformed near line {reader.line_num}: {exc}") from exc


def _validation_errors(exc: ValidationError) -> FieldErrors:
    return [
        {"field": ".".join(str(p) for p in e["loc"]) or "row", "message": str(e["msg"])}
        for e in exc.errors()
        if not (e["loc"] and e["loc"][0] == "nip" and e["type"] == "string_too_long")
    ]


# Rows are parsed, validated, checked and stored a slice at a time, all in the request's one unit of work, so
# that only one slice's rows, models, snapshots and event payloads are alive at a time.
IMPORT_SLICE = 500


async def import_civil_servants(
    session: AsyncSession,
    *,
    principal: Principal,
    rows: Rows,
    today: date | None = None,
) -> dict[str, Any]:
    """Store every valid row and announce each, a slice at a time; report the others by line."""
    today = today or today_in_indonesia()
    errors: dict[int, FieldErrors] = defaultdict(list)
    nips = {line: _nip_of(raw) for line, raw in rows}
    # Duplicates inside the file: every occurrence is rejected, since which one is right is the clerk's call.
    lines_of: dict[str, list[int]] = defaultdict(list)
    for line, nip in nips.items():
        if nip is not None and len(nip) == 18:
            lines_of[nip].append(line)
    institutions: dict[UUID, Institution] = {}
    imported = 0
    for chunk in rows.slices(IMPORT_SLICE):
        valid = _validated(chunk, errors, today=today)
        for line, _ in chunk:
            nip = nips[line]
            if nip is not None and len(lines_of.get(nip, ())) > 1:
                others = ", ".join(str(x) for x in lines_of[nip] if x != line)
                errors[line].append(
                    {"field": "nip", "code": "duplicate_in_file", "message": f"NIP {nip} also appears on line {others}"}
                )
                valid.pop(line, None)
        await _check_against_registry(session, valid, errors, principal=principal, institutions=institutions)
        imported += await _store(session, valid, errors)
    rejected = [{"line": line, "nip": nips.get(line), "errors": errs} for line, errs in sorted(errors.items()) if errs]
    return {"imported": imported, "rejected": rejected}


def _nip_of(raw: Any) -> str | None:
    """The row's NIP as written, or None when the row is not one (not an object, extra cells, a NUL)."""
    if not isinstance(raw, dict) or "__extra__" in raw:
        return None
    if _nul_fields(raw):
        return None
    nip = raw.get("nip")
    return nip if isinstance(nip, str) else None


def _nul_fields(raw: dict[Any, Any]) -> list[str]:
    """The fields whose text holds a NUL character (Postgres text cannot store one)."""
    return [str(field) for field, value in raw.items() if isinstance(value, str) and "\x00" in value]


def _validated(rows: list[Row], errors: dict[int, FieldErrors], *, today: date) -> dict[int, CivilServantCreate]:
    """The rows that are valid on their own, by line; the others' errors go to `errors`."""
    valid: dict[int, CivilServantCreate] = {}
    for line, raw in rows:
        if not isinstance(raw, dict):
            errors[line].append({"field": "row", "message": "each row is an object with the civil servant's fields"})
            continue
        if "__extra__" in raw:
            errors[line].append(
                {"field": "row", "message": f"the row has {raw['__extra__']} cells, more than the header"}
            )
            continue
        for field in _nul_fields(raw):
            errors[line].append({"field": field, "message": "contains a NUL (\\u0000) character"})
        if errors[line]:
            continue
        nip = raw.get("nip")
        if isinstance(nip, str):
            errors[line].extend(field_errors(nip_problems(nip, today=today)))
        try:
            model = CivilServantCreate.model_validate(raw)
        except ValidationError as exc:
            errors[line].extend(_validation_errors(exc))
            continue
        if not errors[line]:
            valid[line] = model
    return valid


async def _check_against_registry(
    session: AsyncSession,
    valid: dict[int, CivilServantCreate],
    errors: dict[int, FieldErrors],
    *,
    principal: Principal,
    institutions: dict[UUID, Institution],
) -> None:
    """Drop the rows whose institution the caller may not fill, or whose NIP is already registered."""
    unseen = {m.institution_id for m in valid.values()} - institutions.keys()
    if unseen:
        found = await session.scalars(select(Institution).where(Institution.id.in_(unseen)))
        institutions.update((i.id, i) for i in found)
    known_nips: set[str] = set()
    if valid:
        known_nips = set(
            await session.scalars(select(CivilServant.nip).where(CivilServant.nip.in_([m.nip for m in valid.values()])))
        )
    for line, model in list(valid.items()):
        inst = institutions.get(model.institution_id)
        if inst is None:
            errors[line].append({"field": "institution_id", "message": "no institution has this id"})
        elif inst.status != "active":
            errors[line].append({"field": "institution_id", "message": "the institution is deactivated"})
        elif not principal.may_reach(inst.id):
            errors[line].append(
                {"field": "institution_id", "message": "you may only import civil servants of your own institution"}
            )
        if model.nip in known_nips:
            errors[line].append(
                {"field": "nip", "code": "duplicate_in_db", "message": f"NIP {model.nip} is already registered"}
            )
        if errors[line]:
            del valid[line]


async def _store(session: AsyncSession, valid: dict[int, CivilServantCreate], errors: dict[int, FieldErrors]) -> int:
    """Insert the slice's rows and record civil_servant.registered for each stored; how many were stored."""
    inserted = await _insert(session, list(valid.values()))
    for line, model in list(valid.items()):
        if model.nip not in inserted:  # registered concurrently by another request
            errors[line].append(
                {"field": "nip", "code": "duplicate_in_db", "message": f"NIP {model.nip} is already registered"}
            )
            del valid[line]
    await record(session, *(civil_servant_changed("civil_servant.registered", inserted[m.nip]) for m in valid.values()))
    return len(valid)


async def _insert(session: AsyncSession, models: list[CivilServantCreate]) -> dict[str, CivilServantSnapshot]:
    """Insert in one statement, skipping NIPs taken meanwhile; the snapshots of the rows stored."""
    if not models:
        return {}
    now = datetime.now(UTC)
    # One statement over column arrays: no parameter-count limit, one round trip for 10,000 rows.
    result = await session.execute(
        text(
            """
            INSERT INTO civil_servants (nip, name, institution_id, employment, position_kind, position_title, grade,
                                        birth_date, appointment_month, gender, status, version, created_at, updated_at)
            SELECT r.*, 'active', 1, :now, :now
            FROM unnest(CAST(:nip AS text[]), CAST(:name AS text[]), CAST(:institution_id AS uuid[]),
                        CAST(:employment AS text[]), CAST(:position_kind AS text[]), CAST(:position_title AS text[]),
                        CAST(:grade AS text[]), CAST(:birth_date AS date[]), CAST(:appointment_month AS date[]),
                        CAST(:gender AS smallint[])) AS r
            ON CONFLICT (nip) DO NOTHING
            RETURNING nip
            """
        ),
        {
            "now": now,
            "nip": [m.nip for m in models],
            "name": [m.name for m in models],
            "institution_id": [m.institution_id for m in models],
            "employment": [m.employment for m in models],
            "position_kind": [m.position_kind for m in models],
            "position_title": [m.position_title for m in models],
            "grade": [m.grade for m in models],
            "birth_date": [date(int(m.nip[0:4]), int(m.nip[4:6]), int(m.nip[6:8])) for m in models],
            "appointment_month": [date(int(m.nip[8:12]), int(m.nip[12:14]), 1) for m in models],
            "gender": [int(m.nip[14]) for m in models],
        },
    )
    stored = set(result.scalars())
    return {
        m.nip: CivilServantSnapshot.model_validate({**m.model_dump(), "status": "active", "version": 1})
        for m in models
        if m.nip in stored
    }
