"""The registry replica: institutions as the registry announced them, newest version wins."""

from __future__ import annotations

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from funding.models import Institution
from sinergi_shared.contracts import InstitutionSnapshot


async def apply_institution(session: AsyncSession, snapshot: InstitutionSnapshot) -> None:
    """Upsert the snapshot unless the replica already holds a newer (or the same) version."""
    values = snapshot.model_dump()
    statement = pg_insert(Institution).values(**values)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[Institution.id],
            set_={k: statement.excluded[k] for k in values if k != "id"},
            where=Institution.version < statement.excluded.version,
        )
    )
