"""Institution use cases: register, read, list, update, deactivate; state and event in the caller's transaction."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy import or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from registry.domain import ParentView, hierarchy_problems, sector_of
from registry.models import Institution
from sinergi_shared.contracts import InstitutionKind, InstitutionSnapshot
from sinergi_shared.http import check_if_match, decode_cursor, encode_cursor
from sinergi_shared.outbox import record_event
from sinergi_shared.problems import Conflict, NotFound, Unprocessable, invalid

SERVICE = "registry"
# Indonesia's easternmost time zone (WIT, UTC+9): a TMT month valid anywhere in the country is never "future".
INDONESIA_LATEST = timezone(timedelta(hours=9))


def today_in_indonesia() -> date:
    """The calendar date in the easternmost Indonesian time zone."""
    return datetime.now(INDONESIA_LATEST).date()


def unprocessable(problems: list[tuple[str, str]]) -> Unprocessable:
    """A 422 listing every (field, message)."""
    return Unprocessable(
        "; ".join(f"{f}: {m}" for f, m in problems), errors=[{"field": f, "message": m} for f, m in problems]
    )


# --- institutions ------------------------------------------------------------------------


def institution_snapshot(inst: Institution) -> InstitutionSnapshot:
    return InstitutionSnapshot(
        id=inst.id,
        code=inst.code,
        name=inst.name,
        kind=inst.kind,
        sector=inst.sector,
        parent_id=inst.parent_id,
        is_new_autonomous_region=inst.is_new_autonomous_region,
        region_code=inst.region_code,
        status=inst.status,
        version=inst.version,
    )


async def _announce_institution(session: AsyncSession, event_type: str, inst: Institution, topic_prefix: str) -> None:
    await record_event(
        session,
        service=SERVICE,
        event_type=event_type,
        data=institution_snapshot(inst),
        key=inst.id,
        topic_prefix=topic_prefix,
    )


async def get_institution(session: AsyncSession, institution_id: UUID, *, for_update: bool = False) -> Institution:
    """The institution; 404 when unknown."""
    stmt = select(Institution).where(Institution.id == institution_id)
    if for_update:
        stmt = stmt.with_for_update()
    inst = (await session.scalars(stmt)).one_or_none()
    if inst is None:
        raise NotFound(f"institution {institution_id} does not exist")
    return inst


async def find_institution_by_code(session: AsyncSession, code: str) -> Institution | None:
    return (await session.scalars(select(Institution).where(Institution.code == code))).one_or_none()


async def _parent_view(session: AsyncSession, parent_id: UUID | None) -> ParentView | None:
    if parent_id is None:
        return None
    parent = await session.get(Institution, parent_id)
    return (
        None if parent is None else ParentView(kind=parent.kind, status=parent.status, region_code=parent.region_code)
    )


async def register_institution(
    session: AsyncSession,
    *,
    code: str,
    name: str,
    kind: InstitutionKind,
    parent_id: UUID | None = None,
    is_new_autonomous_region: bool = False,
    region_code: str | None = None,
    topic_prefix: str = "",
) -> Institution:
    """Add an institution under the hierarchy rules; 409 for a code in use, 422 for a rule broken."""
    parent = await _parent_view(session, parent_id)
    problems = hierarchy_problems(
        kind=kind,
        parent=parent,
        parent_given=parent_id is not None,
        is_new_autonomous_region=is_new_autonomous_region,
        region_code=region_code,
    )
    if problems:
        raise unprocessable(problems)
    now = datetime.now(UTC)
    # ON CONFLICT keeps the transaction usable when two requests race for the same code.
    inst = (
        await session.scalars(
            pg_insert(Institution)
            .values(
                id=uuid4(),
                code=code,
                name=name,
                kind=kind,
                sector=sector_of(kind),
                parent_id=parent_id,
                is_new_autonomous_region=is_new_autonomous_region,
                region_code=region_code,
                status="active",
                version=1,
                created_at=now,
                updated_at=now,
            )
            .on_conflict_do_nothing(index_elements=["code"])
            .returning(Institution)
        )
    ).one_or_none()
    if inst is None:
        raise Conflict(f"an institution with code {code} already exists")
    await _announce_institution(session, "institution.registered", inst, topic_prefix)
    return inst


async def list_institutions(
    session: AsyncSession,
    *,
    kind: str | None = None,
    sector: str | None = None,
    dob: bool | None = None,
    parent_id: UUID | None = None,
    q: str | None = None,
    status: str | None = None,
    limit: int = 50,
    cursor: str | None = None,
) -> list[Institution]:
    """Up to limit+1 institutions in code order, after the cursor."""
    stmt = select(Institution)
    if kind is not None:
        stmt = stmt.where(Institution.kind == kind)
    if sector is not None:
        stmt = stmt.where(Institution.sector == sector)
    if dob is not None:
        stmt = stmt.where(Institution.is_new_autonomous_region == dob)
    if parent_id is not None:
        stmt = stmt.where(Institution.parent_id == parent_id)
    if status is not None:
        stmt = stmt.where(Institution.status == status)
    if q:
        pattern = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        stmt = stmt.where(
            or_(Institution.name.ilike(pattern, escape="\\"), Institution.code.ilike(pattern, escape="\\"))
        )
    if cursor is not None:
        [after] = decode_cursor(cursor, 1)
        stmt = stmt.where(Institution.code > after)
    return list((await session.scalars(stmt.order_by(Institution.code).limit(limit + 1))).all())


def institution_cursor(inst: Any) -> str:
    return encode_cursor(inst.code)


async def update_institution(
    session: AsyncSession,
    institution_id: UUID,
    *,
    changes: dict[str, Any],
    if_match: str | None,
    topic_prefix: str = "",
) -> Institution:
    """Apply a partial update after re-validating the hierarchy; no event when nothing changes."""
    inst = await get_institution(session, institution_id, for_update=True)
    check_if_match(if_match, inst.version)
    if inst.status != "active":
        raise Conflict("a deactivated institution cannot be changed")
    if "name" in changes and changes["name"] is None:
        raise invalid("name", "an institution needs a name")
    if "is_new_autonomous_region" in changes and changes["is_new_autonomous_region"] is None:
        raise invalid("is_new_autonomous_region", "must be true or false")
    merged = {
        "name": inst.name,
        "region_code": inst.region_code,
        "parent_id": inst.parent_id,
        "is_new_autonomous_region": inst.is_new_autonomous_region,
        **changes,
    }
    parent = await _parent_view(session, merged["parent_id"])
    problems = hierarchy_problems(
        kind=inst.kind,
        parent=parent,
        parent_given=merged["parent_id"] is not None,
        is_new_autonomous_region=merged["is_new_autonomous_region"],
        region_code=merged["region_code"],
    )
    if merged["parent_id"] == inst.id:
        problems.append(("parent_id", "an institution cannot be its own parent"))
    if problems:
        raise unprocessable(problems)
    if all(getattr(inst, field) == value for field, value in merged.items()):
        return inst
    for field, value in merged.items():
        setattr(inst, field, value)
    inst.version += 1
    inst.updated_at = datetime.now(UTC)
    await session.flush()
    await _announce_institution(session, "institution.updated", inst, topic_prefix)
    return inst


async def deactivate_institution(
    session: AsyncSession, institution_id: UUID, *, if_match: str | None = None, topic_prefix: str = ""
) -> Institution:
    """Mark an institution inactive; 409 when it already is or still has active sub-institutions."""
    inst = await get_institution(session, institution_id, for_update=True)
    if if_match is not None:
        check_if_match(if_match, inst.version)
    if inst.status != "active":
        raise Conflict("the institution is already deactivated")
    child = (
        await session.scalars(
            select(Institution.code).where(Institution.parent_id == inst.id, Institution.status == "active").limit(1)
        )
    ).first()
    if child is not None:
        raise Conflict(f"deactivate the institutions under it first (e.g. {child})")
    inst.status = "inactive"
    inst.version += 1
    inst.updated_at = datetime.now(UTC)
    await session.flush()
    await _announce_institution(session, "institution.deactivated", inst, topic_prefix)
    return inst


async def ensure_institution(session: AsyncSession, *, topic_prefix: str, **fields: Any) -> tuple[Institution, bool]:
    """The institution with this code, registered (with its event) when missing; True when it was."""
    existing = await find_institution_by_code(session, fields["code"])
    if existing is not None:
        return existing, False
    return await register_institution(session, topic_prefix=topic_prefix, **fields), True
