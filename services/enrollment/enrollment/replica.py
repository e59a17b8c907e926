"""The local replica of the registry: applied from events, read by every decision."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from enrollment.models import CivilServant, Institution
from sinergi_shared.contracts import CivilServantSnapshot, InstitutionSnapshot


async def apply_institution(session: AsyncSession, snapshot: InstitutionSnapshot) -> None:
    """Store the snapshot unless the replica already holds this version or a newer one."""
    values = snapshot.model_dump()
    stmt = pg_insert(Institution).values(**values)
    changes = {name: stmt.excluded[name] for name in values if name != "id"}
    await session.execute(
        stmt.on_conflict_do_update(
            index_elements=[Institution.id],
            set_={**changes, "updated_at": func.now()},
            where=Institution.version < stmt.excluded.version,
        )
    )


async def apply_civil_servant(session: AsyncSession, snapshot: CivilServantSnapshot) -> None:
    """Store the snapshot unless the replica already holds this version or a newer one."""
    values = snapshot.model_dump(exclude={"previous_institution_id"})
    stmt = pg_insert(CivilServant).values(**values)
    changes = {name: stmt.excluded[name] for name in values if name != "nip"}
    await session.execute(
        stmt.on_conflict_do_update(
            index_elements=[CivilServant.nip],
            set_={**changes, "updated_at": func.now()},
            where=CivilServant.version < stmt.excluded.version,
        )
    )


async def institution(session: AsyncSession, institution_id: UUID | None) -> Institution | None:
    if institution_id is None:
        return None
    return await session.get(Institution, institution_id)


async def civil_servant(session: AsyncSession, nip: str) -> CivilServant | None:
    return await session.get(CivilServant, nip)


async def is_dob(session: AsyncSession, inst: Institution) -> bool:
    """A DOB institution is a new autonomous region itself or a regency/city of one."""
    if inst.is_new_autonomous_region:
        return True
    parent = await institution(session, inst.parent_id)
    return parent is not None and parent.is_new_autonomous_region


async def active_headcount(session: AsyncSession, institution_id: UUID) -> list[str]:
    """NIPs of the institution's active staff, as the replica knows them."""
    rows = await session.scalars(
        select(CivilServant.nip).where(CivilServant.institution_id == institution_id, CivilServant.status == "active")
    )
    return list(rows)
