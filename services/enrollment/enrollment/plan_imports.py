"""Bulk import of a draft plan's items from a JSON array, a CSV file or an XLSX sheet: the valid rows are stored,
every other row is reported by its line, as the registry imports civil servants."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from pydantic import BaseModel, Field, ValidationError
from pydantic_core import ErrorDetails
from sqlalchemy.ext.asyncio import AsyncSession

from enrollment import messages, plan_items, plans
from enrollment.plan_schemas import PlanItemIn
from enrollment.plan_sheets import PLAN_ITEMS, SHEET_FIELD, VOCABULARY, item_fields, words_of
from sinergi_shared import messages as shared_messages
from sinergi_shared import sheets
from sinergi_shared.auth import Principal
from sinergi_shared.http import check_if_match
from sinergi_shared.problems import field_message
from sinergi_shared.sheets import ImportFile, WideRow

# Rows are read, checked and stored a slice at a time in the request's one unit of work, so that one slice's items
# are alive at a time and each slice costs validate_items' three queries.
IMPORT_SLICE = 1_000

RowErrors = list[dict[str, str]]  # [{"field", "message", "code"?}]


class RowError(BaseModel):
    field: str = Field(description="The item's field (a sheet's English column name), or `row`")
    message: str
    code: str | None = Field(default=None, description="nip_scientific_notation: the NIP column is not text")


class RejectedItem(BaseModel):
    line: int = Field(
        description="CSV: the file line, XLSX: the sheet row (the header is line 1); JSON: the 1-based position"
    )
    nip: str | None = Field(description="The row's NIP as written, if any")
    errors: list[RowError]


class PlanImportReport(BaseModel):
    imported: int = Field(description="Items added to the plan")
    rejected: list[RejectedItem] = Field(description="Every row refused, in file order; none of them is stored")


async def import_items(
    session: AsyncSession,
    *,
    principal: Principal,
    plan_id: UUID,
    file: ImportFile,
    max_rows: int,
    if_match: str | None,
) -> tuple[dict[str, Any], int]:
    """Add a file's valid rows to a draft plan (If-Match optional): the report and the plan's version after it."""
    plan = await plans.get_visible(session, principal=principal, plan_id=plan_id, lock=True)
    if if_match is not None:
        check_if_match(if_match, plan.version)
    plans.ensure_status(plan, "edit")
    rows = sheets.rows_of(file.content_type, file.content, columns=PLAN_ITEMS, max_rows=max_rows)
    sheet = file.content_type not in sheets.JSON_TYPES
    version, imported = plan.version, 0
    rejected: list[dict[str, Any]] = []
    for chunk in rows.slices(IMPORT_SLICE):
        lines: list[int] = []
        items: list[PlanItemIn] = []
        for line, raw in chunk:
            item, errors = _item(raw, sheet=sheet)
            if item is None:
                rejected.append({"line": line, "nip": _shown_nip(raw), "errors": errors})
            else:
                lines.append(line)
                items.append(item)
        valid, refused = await plan_items.validate_items(session, plan, items)
        rejected += [{"line": lines[i], "nip": items[i].nip, "errors": errors} for i, errors in refused.items()]
        if valid:
            await plan_items.store(session, plan, valid)
            await session.flush()  # written now: the slice's rows need not outlive it
            imported += len(valid)
    if imported:
        plan.version = version + 1  # one import is one new version of the plan, however many slices it took
    rejected.sort(key=lambda row: int(row["line"]))
    return {"imported": imported, "rejected": rejected}, plan.version


def _item(raw: Any, *, sheet: bool) -> tuple[PlanItemIn | None, RowErrors]:
    """The row as an item, or None and every reason it is not one."""
    if isinstance(raw, WideRow):
        return None, [{"field": "row", "message": shared_messages.ROW_TOO_WIDE(cells=raw.cells)}]
    errors: RowErrors = []
    nip = raw.get("nip") if isinstance(raw, dict) else None
    if isinstance(nip, str) and sheets.in_scientific_notation(nip):
        message = messages.PLAN_IMPORT_NIP_SCIENTIFIC(nip=nip)
        errors.append({"field": "nip", "code": "nip_scientific_notation", "message": message})
    try:
        item = PlanItemIn.model_validate(item_fields(raw) if sheet else raw)
    except ValidationError as exc:
        found = (_error(e, sheet=sheet) for e in exc.errors())
        errors += [e for e in found if not (errors and e["field"] == "nip")]  # a lost NIP has one reason
        return None, errors
    return (None, errors) if errors else (item, errors)


def _error(error: ErrorDetails, *, sheet: bool) -> dict[str, str]:
    """A validation error as the report shows it: a sheet's errors on its columns and in its words."""
    loc = tuple(str(part) for part in error["loc"])
    if not sheet:
        field = _printable(".".join(loc)) or "row"
        if error["type"] == "string_unicode":  # a JSON string holding half of a UTF-16 pair
            return {"field": field, "message": messages.PLAN_IMPORT_TEXT_INVALID()}
        return {"field": field, "message": field_message(error)}
    if loc == ("target_group",):  # neither or both of a NIP and a target group
        return {"field": "nip", "message": messages.PLAN_IMPORT_WHOM()}
    field = SHEET_FIELD.get(loc[:2], loc[0])
    if error["type"] == "literal_error" and field in VOCABULARY:
        return {"field": field, "message": messages.PLAN_IMPORT_WORDS(words=words_of(field))}
    return {"field": field, "message": field_message(error)}


def _shown_nip(raw: Any) -> str | None:
    """A refused row's NIP as written, when it is text a report can carry."""
    nip = raw.get("nip") if isinstance(raw, dict) else None
    return nip if isinstance(nip, str) and nip.isascii() and nip.isprintable() else None


def _printable(name: str) -> str:
    """A field name from a JSON key as the report (stored for retries, as JSONB) can carry it: escaped if need be."""
    return name if name.isascii() and name.isprintable() else ascii(name)[1:-1]
