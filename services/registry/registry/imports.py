"""Bulk import of civil servants from a JSON array, a CSV file or an XLSX sheet: valid rows stored, invalid ones
reported."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime
from typing import Any, get_args
from uuid import UUID

from pydantic import ValidationError
from sqlalchemy import or_, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from registry import messages
from registry.domain.nip import field_errors, nip_problems, parse_nip, today_in_indonesia
from registry.events import civil_servant_changed
from registry.models import CivilServant, Institution
from registry.schemas import CivilServantCreate, CivilServantImportRow
from registry.sheets import CIVIL_SERVANTS
from sinergi_shared import messages as shared_messages
from sinergi_shared import sheets
from sinergi_shared.auth import Principal
from sinergi_shared.outbox import record
from sinergi_shared.payloads import CivilServantSnapshot, Employment
from sinergi_shared.problems import field_message
from sinergi_shared.sheets import ImportFile, Row, Rows, WideRow

EMPLOYMENTS = get_args(Employment)
FieldErrors = list[dict[str, str]]


def rows_of(file: ImportFile, *, max_rows: int) -> Rows:
    """The civil servants of a JSON array, a CSV file or an XLSX workbook's first sheet."""
    return sheets.rows_of(file.content_type, file.content, columns=CIVIL_SERVANTS, max_rows=max_rows)


def _validation_errors(exc: ValidationError) -> FieldErrors:
    return [
        {"field": ".".join(str(p) for p in e["loc"]) or "row", "message": field_message(e)}
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
    institutions = Institutions()
    imported = 0
    for chunk in rows.slices(IMPORT_SLICE):
        candidates = _validated(chunk, errors, today=today)
        for line, _ in chunk:
            nip = nips[line]
            if nip is not None and len(lines_of.get(nip, ())) > 1:
                others = ", ".join(str(x) for x in lines_of[nip] if x != line)
                errors[line].append(
                    {
                        "field": "nip",
                        "code": "duplicate_in_file",
                        "message": messages.NIP_TWICE_IN_FILE(nip=nip, lines=others),
                    }
                )
                candidates.pop(line, None)
        valid = await _check_against_registry(session, candidates, errors, principal=principal, known=institutions)
        imported += await _store(session, valid, errors, today=today)
    rejected = [{"line": line, "nip": nips.get(line), "errors": errs} for line, errs in sorted(errors.items()) if errs]
    return {"imported": imported, "rejected": rejected}


def _nip_of(raw: Any) -> str | None:
    """The row's NIP as written, or None when the row is not one (not an object, extra cells, a NUL)."""
    if not isinstance(raw, dict):
        return None
    if _nul_fields(raw):
        return None
    nip = raw.get("nip")
    return nip if isinstance(nip, str) else None


def _nul_fields(raw: dict[Any, Any]) -> list[str]:
    """The fields whose text holds a NUL character (Postgres text cannot store one)."""
    return [str(field) for field, value in raw.items() if isinstance(value, str) and "\x00" in value]


def _validated(rows: list[Row], errors: dict[int, FieldErrors], *, today: date) -> dict[int, CivilServantImportRow]:
    """The rows that are valid on their own, by line; the others' errors go to `errors`."""
    valid: dict[int, CivilServantImportRow] = {}
    for line, raw in rows:
        if isinstance(raw, WideRow):
            errors[line].append({"field": "row", "message": shared_messages.ROW_TOO_WIDE(cells=raw.cells)})
            continue
        if not isinstance(raw, dict):
            errors[line].append({"field": "row", "message": messages.ROW_NOT_OBJECT()})
            continue
        for field in _nul_fields(raw):
            errors[line].append({"field": field, "message": messages.NUL_CHARACTER()})
        if errors[line]:
            continue
        nip, employment = raw.get("nip"), raw.get("employment")
        if isinstance(nip, str) and sheets.in_scientific_notation(nip):
            errors[line].append(_scientific(nip))
        elif isinstance(nip, str):
            known = employment if employment in EMPLOYMENTS else None  # else only what both rules share
            errors[line].extend(field_errors(nip_problems(nip, employment=known, today=today)))
        try:
            model = CivilServantImportRow.model_validate(raw)
        except ValidationError as exc:
            errors[line].extend(_validation_errors(exc))
            continue
        if model.institution_id is None and model.institution_code is None:
            errors[line].append({"field": "institution_id", "message": messages.INSTITUTION_NAMED_BY_ID_OR_CODE()})
        if not errors[line]:
            valid[line] = model
    return valid


def _scientific(nip: str) -> dict[str, str]:
    """The error of a NIP that a spreadsheet turned into a number shown in scientific notation."""
    return {"field": "nip", "code": "nip_scientific_notation", "message": messages.NIP_SCIENTIFIC(nip=nip)}


class Institutions:
    """The institutions an import names, by id and by code, each read once per import."""

    def __init__(self) -> None:
        self.by_id: dict[UUID, Institution] = {}
        self.by_code: dict[str, Institution] = {}

    async def load(self, session: AsyncSession, rows: list[CivilServantImportRow]) -> None:
        """Read the institutions these rows name that were not read yet."""
        ids = {r.institution_id for r in rows if r.institution_id is not None} - self.by_id.keys()
        codes = {r.institution_code for r in rows if r.institution_code is not None} - self.by_code.keys()
        if ids or codes:
            stmt = select(Institution).where(or_(Institution.id.in_(ids), Institution.code.in_(codes)))
            for institution in await session.scalars(stmt):
                self.by_id[institution.id] = institution
                self.by_code[institution.code] = institution

    def named_by(self, row: CivilServantImportRow, principal: Principal) -> tuple[Institution | None, FieldErrors]:
        """The institution the row names if the caller may fill it; otherwise the errors that say why not."""
        by_id = self.by_id.get(row.institution_id) if row.institution_id is not None else None
        by_code = self.by_code.get(row.institution_code) if row.institution_code is not None else None
        errors: FieldErrors = []
        if row.institution_id is not None and by_id is None:
            errors.append({"field": "institution_id", "message": messages.INSTITUTION_ID_UNKNOWN()})
        if row.institution_code is not None and by_code is None:
            errors.append(
                {"field": "institution_code", "message": messages.INSTITUTION_CODE_UNKNOWN(code=row.institution_code)}
            )
        if by_id is not None and by_code is not None and by_id.id != by_code.id:
            errors.append({"field": "institution_code", "message": messages.INSTITUTION_CODE_AND_ID_DIFFER()})
        institution = by_id or by_code
        if errors or institution is None:
            return None, errors
        field = "institution_id" if by_id is not None else "institution_code"
        if institution.status != "active":
            errors.append({"field": field, "message": messages.INSTITUTION_INACTIVE()})
        elif not principal.may_reach(institution.id):
            errors.append({"field": field, "message": messages.IMPORT_OWN_INSTITUTION()})
        return (None, errors) if errors else (institution, errors)


async def _check_against_registry(
    session: AsyncSession,
    candidates: dict[int, CivilServantImportRow],
    errors: dict[int, FieldErrors],
    *,
    principal: Principal,
    known: Institutions,
) -> dict[int, CivilServantCreate]:
    """The rows whose institution the caller may fill and whose NIP is not registered yet, naming it by id."""
    await known.load(session, list(candidates.values()))
    known_nips: set[str] = set()
    if candidates:
        nips = [m.nip for m in candidates.values()]
        known_nips = set(await session.scalars(select(CivilServant.nip).where(CivilServant.nip.in_(nips))))
    valid: dict[int, CivilServantCreate] = {}
    for line, model in candidates.items():
        institution, institution_errors = known.named_by(model, principal)
        errors[line].extend(institution_errors)
        if model.nip in known_nips:
            errors[line].append(
                {"field": "nip", "code": "duplicate_in_db", "message": messages.NIP_ALREADY_REGISTERED(nip=model.nip)}
            )
        if institution is not None and not errors[line]:
            fields = model.model_dump(exclude={"institution_id", "institution_code"})
            valid[line] = CivilServantCreate.model_construct(**fields, institution_id=institution.id)
    return valid


async def _store(
    session: AsyncSession, valid: dict[int, CivilServantCreate], errors: dict[int, FieldErrors], *, today: date
) -> int:
    """Insert the slice's rows and record civil_servant.registered for each stored; how many were stored."""
    inserted = await _insert(session, list(valid.values()), today=today)
    for line, model in list(valid.items()):
        if model.nip not in inserted:  # registered concurrently by another request
            errors[line].append(
                {"field": "nip", "code": "duplicate_in_db", "message": messages.NIP_ALREADY_REGISTERED(nip=model.nip)}
            )
            del valid[line]
    await record(session, *(civil_servant_changed("civil_servant.registered", inserted[m.nip]) for m in valid.values()))
    return len(valid)


async def _insert(
    session: AsyncSession, models: list[CivilServantCreate], *, today: date
) -> dict[str, CivilServantSnapshot]:
    """Insert in one statement, skipping NIPs taken meanwhile; the snapshots of the rows stored."""
    if not models:
        return {}
    now = datetime.now(UTC)
    facts = [parse_nip(m.nip, employment=m.employment, today=today) for m in models]
    # One statement over column arrays: no parameter-count limit, one round trip for 10,000 rows.
    result = await session.execute(
        text(
            """
            INSERT INTO civil_servants (nip, name, institution_id, employment, position_kind, position_title, grade,
                                        position_level,
                                        birth_date, appointment_month, gender, status, version, created_at, updated_at)
            SELECT r.*, 'active', 1, :now, :now
            FROM unnest(CAST(:nip AS text[]), CAST(:name AS text[]), CAST(:institution_id AS uuid[]),
                        CAST(:employment AS text[]), CAST(:position_kind AS text[]), CAST(:position_title AS text[]),
                        CAST(:grade AS text[]), CAST(:position_level AS text[]), CAST(:birth_date AS date[]),
                        CAST(:appointment_month AS date[]),
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
            "position_level": [m.position_level for m in models],
            "birth_date": [f.birth_date for f in facts],
            "appointment_month": [f.appointment for f in facts],
            "gender": [f.gender for f in facts],
        },
    )
    stored = set(result.scalars())
    return {
        m.nip: CivilServantSnapshot.model_validate({**m.model_dump(), "status": "active", "version": 1})
        for m in models
        if m.nip in stored
    }
