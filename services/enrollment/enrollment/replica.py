"""The local replica of the registry: applied from events, read by every decision."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from enrollment.models import CivilServant, Institution
from sinergi_shared.db import upsert_newer
from sinergi_shared.payloads import CivilServantSnapshot, InstitutionSnapshot
from sinergi_shared.succession import predecessors_of


async def apply_institution(session: AsyncSession, snapshot: InstitutionSnapshot) -> None:
    """Store the snapshot unless the replica already holds this version or a newer one."""
    await session.execute(upsert_newer(Institution, snapshot.model_dump(), key="id"))


async def apply_civil_servant(session: AsyncSession, snapshot: CivilServantSnapshot) -> None:
    """Store the snapshot unless the replica already holds this version or a newer one."""
    values = snapshot.model_dump(exclude={"previous_institution_id"})
    await session.execute(upsert_newer(CivilServant, values, key="nip"))


async def institution(session: AsyncSession, institution_id: UUID | None) -> Institution | None:
    if institution_id is None:
        return None
    return await session.get(Institution, institution_id)


async def predecessors(session: AsyncSession, institution_id: UUID) -> list[Institution]:
    """The institutions this one succeeded, directly or through a chain of successions, in code order."""
    succeeded = {
        row.id: row
        for row in await session.scalars(select(Institution).where(func.cardinality(Institution.successor_ids) > 0))
    }
    found = predecessors_of(institution_id, {row_id: row.successor_ids for row_id, row in succeeded.items()})
    return sorted((succeeded[row_id] for row_id in found), key=lambda row: row.code)


async def civil_servant(session: AsyncSession, nip: str) -> CivilServant | None:
    return await session.get(CivilServant, nip)


async def is_dob(session: AsyncSession, inst: Institution) -> bool:
    """A DOB institution is a new autonomous region itself or a regency/city of one."""
    if inst.is_new_autonomous_region:
        return True
    parent = await institution(session, inst.parent_id)
    return parent is not None and parent.is_new_autonomous_region


async def active_headcount(session: AsyncSession, institution_id: UUID) -> dict[str, int]:
    """How many active staff the institution has, per employment (PNS, PPPK), as the replica knows them."""
    rows = await session.execute(
        select(CivilServant.employment, func.count())
        .where(CivilServant.institution_id == institution_id, CivilServant.status == "active")
        .group_by(CivilServant.employment)
    )
    return {employment: int(n) for employment, n in rows}
