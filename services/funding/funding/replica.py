"""The registry replica: institutions as the registry announced them, newest version wins."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from funding.models import Institution
from sinergi_shared.db import upsert_newer
from sinergi_shared.payloads import InstitutionSnapshot


async def apply_institution(session: AsyncSession, snapshot: InstitutionSnapshot) -> None:
    """Upsert the snapshot unless the replica already holds a newer (or the same) version."""
    await session.execute(upsert_newer(Institution, snapshot.model_dump(), key="id"))
