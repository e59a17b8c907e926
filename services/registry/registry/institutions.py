"""Institution use cases (register, read, list, update, deactivate, succeed) in the caller's unit of work."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from registry import messages, rows
from registry.domain.hierarchy import ParentView, hierarchy_problems, sector_of
from registry.domain.succession import INDONESIA_EASTERNMOST, Party, succession_problems
from registry.events import InstitutionChange, institution_changed
from registry.models import Institution
from registry.schemas import InstitutionCreate, InstitutionFilters, Succession
from sinergi_shared.http import check_if_match, filtered
from sinergi_shared.outbox import record
from sinergi_shared.problems import Conflict, NotFound, Unprocessable, invalid
from sinergi_shared.succession import predecessors_of


async def get(session: AsyncSession, institution_id: UUID, *, for_update: bool = False) -> Institution:
    """The institution; 404 when unknown."""
    stmt = select(Institution).where(Institution.id == institution_id)
    if for_update:
        stmt = stmt.with_for_update()
    institution = (await session.scalars(stmt)).one_or_none()
    if institution is None:
        raise NotFound(messages.INSTITUTION_NOT_FOUND(id=institution_id))
    return institution


async def get_active(session: AsyncSession, institution_id: UUID) -> Institution:
    """The active institution a body names in `institution_id`; 422 on that field otherwise."""
    institution = await session.get(Institution, institution_id)
    if institution is None:
        raise invalid("institution_id", messages.INSTITUTION_ID_UNKNOWN())
    if institution.status != "active":
        raise invalid("institution_id", messages.INSTITUTION_INACTIVE())
    return institution


async def register(session: AsyncSession, *, body: InstitutionCreate) -> Institution:
    """Add an institution under the hierarchy rules; 409 for a code in use, 422 for a rule broken."""
    parent = await _parent_view(session, body.parent_id)
    _refuse(
        hierarchy_problems(
            kind=body.kind,
            parent=parent,
            parent_given=body.parent_id is not None,
            is_new_autonomous_region=body.is_new_autonomous_region,
            region_code=body.region_code,
            bps_code=body.bps_code,
        )
    )
    sector = sector_of(body.kind, None if parent is None else parent.kind)
    institution = await rows.insert_new(
        session, Institution, key="code", values={**body.model_dump(), "id": uuid4(), "sector": sector}
    )
    if institution is None:
        raise Conflict(messages.INSTITUTION_CODE_TAKEN(code=body.code))
    await record(session, institution_changed("institution.registered", institution))
    return institution


async def ensure(session: AsyncSession, body: InstitutionCreate) -> tuple[Institution, bool]:
    """The institution with this code, registered (with its event) when missing; True when it was."""
    existing = (await session.scalars(select(Institution).where(Institution.code == body.code))).one_or_none()
    if existing is not None:
        return existing, False
    return await register(session, body=body), True


async def search(session: AsyncSession, filters: InstitutionFilters) -> dict[str, Any]:
    """A page of institutions in code order, filtered."""
    stmt = filtered(
        select(Institution),
        (Institution.kind, filters.kind),
        (Institution.sector, filters.sector),
        (Institution.is_new_autonomous_region, filters.dob),
        (Institution.parent_id, filters.parent_id),
        (Institution.status, filters.status),
    )
    if filters.q:
        pattern = "%" + filters.q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        stmt = stmt.where(
            or_(Institution.name.ilike(pattern, escape="\\"), Institution.code.ilike(pattern, escape="\\"))
        )
    return await rows.key_page(session, stmt, Institution.code, filters)


async def update(
    session: AsyncSession, institution_id: UUID, *, changes: dict[str, Any], if_match: str | None
) -> Institution:
    """Apply a partial update after re-validating the hierarchy; no event when nothing changes."""
    institution = await get(session, institution_id, for_update=True)
    check_if_match(if_match, institution.version)
    if institution.status != "active":
        raise Conflict(messages.INSTITUTION_INACTIVE_UNCHANGEABLE())
    if "name" in changes and changes["name"] is None:
        raise invalid("name", messages.INSTITUTION_NAME_REQUIRED())
    if "is_new_autonomous_region" in changes and changes["is_new_autonomous_region"] is None:
        raise invalid("is_new_autonomous_region", messages.TRUE_OR_FALSE())
    merged = {
        "name": institution.name,
        "region_code": institution.region_code,
        "bps_code": institution.bps_code,
        "parent_id": institution.parent_id,
        "is_new_autonomous_region": institution.is_new_autonomous_region,
        **changes,
    }
    problems = hierarchy_problems(
        kind=institution.kind,
        parent=await _parent_view(session, merged["parent_id"]),
        parent_given=merged["parent_id"] is not None,
        is_new_autonomous_region=merged["is_new_autonomous_region"],
        region_code=merged["region_code"],
        bps_code=merged["bps_code"],
        sector=institution.sector,
    )
    if merged["parent_id"] == institution.id:
        problems.append(("parent_id", messages.OWN_PARENT()))
    _refuse(problems)
    if all(getattr(institution, field) == value for field, value in merged.items()):
        return institution
    for field, value in merged.items():
        setattr(institution, field, value)
    return await _changed(session, institution, "institution.updated")


async def deactivate(session: AsyncSession, institution_id: UUID, *, if_match: str | None = None) -> Institution:
    """Mark an institution inactive; 409 when it already is or still has active sub-institutions."""
    institution = await get(session, institution_id, for_update=True)
    if if_match is not None:
        check_if_match(if_match, institution.version)
    if institution.status != "active":
        raise Conflict(messages.INSTITUTION_ALREADY_INACTIVE())
    child = await session.scalar(
        select(Institution.code).where(Institution.parent_id == institution.id, Institution.status == "active").limit(1)
    )
    if child is not None:
        raise Conflict(messages.INSTITUTION_HAS_ACTIVE_CHILDREN(child=child))
    institution.status = "inactive"
    return await _changed(session, institution, "institution.deactivated")


async def succeed(
    session: AsyncSession, institution_id: UUID, *, body: Succession, if_match: str | None = None
) -> Institution:
    """Mark an institution succeeded (inactive, naming its successors); the same succession again changes nothing,
    another one is 409. Its active units stay under it until an operator moves them (PATCH parent_id)."""
    # The institution and its successors locked in one order, so two opposite successions cannot both pass.
    parties = {
        row.id: row
        for row in await session.scalars(
            select(Institution)
            .where(Institution.id.in_([institution_id, *body.successor_ids]))
            .order_by(Institution.id)
            .with_for_update()
        )
    }
    institution = parties.get(institution_id)
    if institution is None:
        raise NotFound(messages.INSTITUTION_NOT_FOUND(id=institution_id))
    if institution.successor_ids:
        if set(institution.successor_ids) == set(body.successor_ids) and institution.succeeded_on == body.effective_on:
            return institution
        codes = await session.scalars(
            select(Institution.code).where(Institution.id.in_(institution.successor_ids)).order_by(Institution.code)
        )
        raise Conflict(messages.ALREADY_SUCCEEDED(on=institution.succeeded_on, codes=", ".join(codes)))
    if if_match is not None:
        check_if_match(if_match, institution.version)
    if institution.status != "active":
        raise Conflict(messages.INACTIVE_NOT_SUCCEEDABLE())
    links = await session.execute(
        select(Institution.id, Institution.successor_ids).where(func.cardinality(Institution.successor_ids) > 0)
    )
    _refuse(
        succession_problems(
            institution=_party(institution),
            successor_ids=body.successor_ids,
            successors={party_id: _party(row) for party_id, row in parties.items()},
            predecessor_ids=predecessors_of(institution.id, dict(links.tuples().all())),
            effective_on=body.effective_on,
            today=datetime.now(INDONESIA_EASTERNMOST).date(),
        )
    )
    institution.status = "inactive"
    institution.successor_ids = list(body.successor_ids)
    institution.succeeded_on = body.effective_on
    return await _changed(session, institution, "institution.succeeded")


async def predecessor_ids(session: AsyncSession, institution_id: UUID) -> list[UUID]:
    """The institutions that name this one among their successors (its direct predecessors), in code order."""
    stmt = select(Institution.id).where(Institution.successor_ids.contains([institution_id])).order_by(Institution.code)
    return list(await session.scalars(stmt))


def _party(row: Institution) -> Party:
    return Party(id=row.id, code=row.code, kind=row.kind, sector=row.sector, status=row.status)


async def _changed(session: AsyncSession, institution: Institution, change: InstitutionChange) -> Institution:
    """Count a change in the version and announce the institution as it now is."""
    await rows.count_change(session, institution)
    await record(session, institution_changed(change, institution))
    return institution


async def _parent_view(session: AsyncSession, parent_id: UUID | None) -> ParentView | None:
    parent = None if parent_id is None else await session.get(Institution, parent_id)
    return (
        None if parent is None else ParentView(kind=parent.kind, status=parent.status, region_code=parent.region_code)
    )


def _refuse(problems: list[tuple[str, str]]) -> None:
    """A 422 listing every (field, message), when there is any."""
    if problems:
        raise Unprocessable(
            "; ".join(f"{f}: {m}" for f, m in problems), errors=[{"field": f, "message": m} for f, m in problems]
        )
