"""SIASN mappings an operator keeps: set, list, remove, import a sheet of them, read them all for an export."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any, cast
from uuid import UUID

from sqlalchemy import delete, select, tuple_
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from enrollment import messages, replica
from enrollment.domain.development import CATEGORY_OF_PATTERN
from enrollment.domain.siasn import INSTITUTION_KEYED, MAPPING_KINDS, PATTERN_KEYED, MappingKind, References
from enrollment.models import Program, SiasnMapping
from enrollment.siasn_schemas import SIASN_ID_PATTERN, MappingIn, MappingOut
from sinergi_shared import messages as shared_messages
from sinergi_shared.auth import Principal
from sinergi_shared.http import check_if_match, decode_cursor, encode_cursor, page
from sinergi_shared.problems import NotFound, invalid
from sinergi_shared.sheets import WideRow

PATTERNS = tuple(CATEGORY_OF_PATTERN)
LABEL_MAX = 200


def key_of(kind: MappingKind, value: str) -> str | None:
    """The stored form of a Sinergi value of this kind (an id as a canonical UUID); None when it cannot be one."""
    if kind in PATTERN_KEYED or (kind == "structural_training" and value in PATTERNS):
        return value if value in PATTERNS else None
    try:
        return str(UUID(value))
    except ValueError:
        return None


async def checked_key(session: AsyncSession, kind: MappingKind, value: str) -> str:
    """The stored form of a Sinergi value that names something Sinergi holds; 422 on sinergi_value otherwise."""
    key = key_of(kind, value)
    if key is None or not await _names_something(session, kind, key):
        raise invalid("sinergi_value", _value_rule(kind))
    return key


async def _names_something(session: AsyncSession, kind: MappingKind, key: str) -> bool:
    """Does this (well-formed) value name an institution the replica holds, a pattern, or a program?"""
    if kind in INSTITUTION_KEYED:
        return await replica.institution(session, UUID(key)) is not None
    if key in PATTERNS:
        return True
    return await session.get(Program, UUID(key)) is not None


def _value_rule(kind: MappingKind) -> str:
    patterns = ", ".join(PATTERNS)
    if kind in INSTITUTION_KEYED:
        return messages.SIASN_INSTITUTION_ID(kind=kind)
    if kind in PATTERN_KEYED:
        return messages.SIASN_PATTERN_UNKNOWN(kind=kind, patterns=patterns)
    return messages.SIASN_PROGRAM_OR_PATTERN(patterns=patterns)


async def put(
    session: AsyncSession,
    *,
    principal: Principal,
    kind: MappingKind,
    sinergi_value: str,
    body: MappingIn,
    if_match: str | None,
) -> tuple[MappingOut, bool]:
    """Map a Sinergi value to a SIASN id, or replace its id (If-Match optional); True when it is new."""
    key = await checked_key(session, kind, sinergi_value)
    existing = await _locked(session, kind, key)
    if existing is not None and if_match is not None:
        check_if_match(if_match, existing.version)
    return await _upsert(session, principal, kind, key, body), existing is None


async def _upsert(session: AsyncSession, principal: Principal, kind: str, key: str, body: MappingIn) -> MappingOut:
    values = {
        "kind": kind,
        "sinergi_value": key,
        "siasn_id": body.siasn_id,
        "label": body.label,
        "updated_by": principal.client_id,
        "updated_at": datetime.now(UTC),
        "version": 1,
    }
    stmt = pg_insert(SiasnMapping).values(**values)
    # A concurrent first PUT of the same key becomes a replacement instead of a unique violation.
    stmt = stmt.on_conflict_do_update(
        index_elements=["kind", "sinergi_value"],
        set_={
            **{k: stmt.excluded[k] for k in ("siasn_id", "label", "updated_by", "updated_at")},
            "version": SiasnMapping.version + 1,
        },
    )
    row = (await session.execute(stmt.returning(*SiasnMapping.__table__.c))).one()
    return MappingOut.model_validate(row._mapping)


async def _locked(session: AsyncSession, kind: str, key: str) -> SiasnMapping | None:
    stmt = select(SiasnMapping).where(SiasnMapping.kind == kind, SiasnMapping.sinergi_value == key)
    return (await session.scalars(stmt.with_for_update())).first()


async def remove(session: AsyncSession, *, kind: MappingKind, sinergi_value: str, if_match: str | None) -> None:
    """Remove a mapping (If-Match optional); 404 when there is none for this value."""
    key = key_of(kind, sinergi_value)
    existing = None if key is None else await _locked(session, kind, key)
    if existing is None:
        raise NotFound(messages.SIASN_MAPPING_NOT_FOUND(kind=kind, value=sinergi_value))
    if if_match is not None:
        check_if_match(if_match, existing.version)
    await session.execute(
        delete(SiasnMapping).where(SiasnMapping.kind == kind, SiasnMapping.sinergi_value == existing.sinergi_value)
    )


async def page_of(session: AsyncSession, *, kind: MappingKind | None, limit: int, cursor: str | None) -> dict[str, Any]:
    """Mappings by kind and Sinergi value, one page after the cursor."""
    stmt = select(SiasnMapping)
    if kind is not None:
        stmt = stmt.where(SiasnMapping.kind == kind)
    if cursor:
        after = decode_cursor(cursor, 2)
        if after[0] not in MAPPING_KINDS or any("\x00" in part for part in after):
            raise invalid("cursor", shared_messages.CURSOR_INVALID())
        stmt = stmt.where(tuple_(SiasnMapping.kind, SiasnMapping.sinergi_value) > tuple(after))
    rows = list(await session.scalars(stmt.order_by(SiasnMapping.kind, SiasnMapping.sinergi_value).limit(limit + 1)))
    result = page(rows, limit, lambda m: encode_cursor(m.kind, m.sinergi_value))
    return {**result, "items": [MappingOut.model_validate(m) for m in result["items"]]}


async def references(session: AsyncSession) -> References:
    """Every mapping, by kind: an export reads them all (a few hundred at most)."""
    by_kind: dict[str, dict[str, str]] = {}
    for m in await session.scalars(select(SiasnMapping)):
        by_kind.setdefault(m.kind, {})[m.sinergi_value] = m.siasn_id
    return References(by_kind)


async def import_rows(
    session: AsyncSession, *, principal: Principal, rows: Iterable[tuple[int, Any]]
) -> tuple[int, list[str]]:
    """Store every row of an operator's sheet, or none: (stored, []) or (0, one message per bad cell)."""
    checked: list[tuple[MappingKind, str, MappingIn]] = []
    errors: list[str] = []
    for line, raw in rows:
        if isinstance(raw, WideRow):
            problems = [("-", shared_messages.ROW_TOO_WIDE(cells=raw.cells))]
        else:
            problems = await _row_problems(session, raw, checked)
        errors += [messages.SIASN_IMPORT_ROW(line=line, field=field, message=message) for field, message in problems]
    if errors:
        return 0, errors
    for kind, key, body in checked:
        await _upsert(session, principal, kind, key, body)
    return len(checked), []


async def _row_problems(
    session: AsyncSession, fields: dict[str, str], checked: list[tuple[MappingKind, str, MappingIn]]
) -> list[tuple[str, str]]:
    """What is wrong with one sheet row, by field; a good row is added to `checked`."""
    kind, value, siasn_id = (fields.get(f, "") for f in ("kind", "sinergi_value", "siasn_id"))
    label = fields.get("label") or None
    problems = [(f, messages.SIASN_REQUIRED()) for f, v in (("kind", kind), ("sinergi_value", value)) if not v]
    if kind and kind not in MAPPING_KINDS:
        problems.append(("kind", messages.SIASN_MAPPING_KIND(kinds=", ".join(MAPPING_KINDS))))
    if not re.fullmatch(SIASN_ID_PATTERN, siasn_id):
        problems.append(("siasn_id", messages.SIASN_ID_FORMAT()))
    if label is not None and (len(label) > LABEL_MAX or "\x00" in label):
        problems.append(("label", messages.SIASN_LABEL(limit=LABEL_MAX)))
    if problems:
        return problems
    mapping_kind = cast(MappingKind, kind)
    key = key_of(mapping_kind, value)
    if key is None or not await _names_something(session, mapping_kind, key):
        return [("sinergi_value", _value_rule(mapping_kind))]
    checked.append((mapping_kind, key, MappingIn(siasn_id=siasn_id, label=label)))
    return []
